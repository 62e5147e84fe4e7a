import EthosDomain
import EthosJSON
import EthosLanguage
import EthosProjections
import EthosStore

extension Session {
  /// Parses and runs one line. Never throws: failures are reported on the
  /// console as one `error:` line and counted.
  @discardableResult
  public func execute(_ line: String, origin: Origin = .repl) -> Outcome {
    guard settings.timing else { return executeUntimed(line, origin: origin) }
    let started = Session.monotonicSeconds()
    let outcome = executeUntimed(line, origin: origin)
    if outcome != .quit, !line.trimmingSpaces.isEmpty {
      emitError(Notice.timing(seconds: Session.monotonicSeconds() - started))
    }
    return outcome
  }

  private func executeUntimed(_ line: String, origin: Origin) -> Outcome {
    if settings.echo { emitEcho(line) }
    let statement: Statement?
    do {
      statement = try Parser.parse(line)
    } catch {
      writes.note(Array(line.utf8), origin: origin)
      scripts.lastLineUnparsed = true
      report(EngineError(error.message, column: error.column), origin)
      return .failed
    }
    return runParsed(statement, line: line, origin: origin)
  }

  /// Runs a line already parsed (`statement` is what `Parser.parse(line)`
  /// returned) exactly as ``execute(_:origin:)`` runs it, without parsing it
  /// again: an import checks a row's lines before running any of them.
  func execute(_ statement: Statement?, line: String, origin: Origin) -> Outcome {
    guard settings.timing || settings.echo else { return runParsed(statement, line: line, origin: origin) }
    let started = Session.monotonicSeconds()
    if settings.echo { emitEcho(line) }
    let outcome = runParsed(statement, line: line, origin: origin)
    if settings.timing, outcome != .quit, !line.trimmingSpaces.isEmpty {
      emitError(Notice.timing(seconds: Session.monotonicSeconds() - started))
    }
    return outcome
  }

  private func runParsed(_ statement: Statement?, line: String, origin: Origin) -> Outcome {
    guard let statement else { return .done }
    do {
      return try run(statement, line: line, origin: origin)
    } catch {
      report(error, origin)
      return .failed
    }
  }

  /// Runs a line read as raw bytes: invalid UTF-8 is an error, not a guess.
  @discardableResult
  public func execute(bytes: [UInt8], origin: Origin) -> Outcome {
    guard let line = String(validating: bytes, as: UTF8.self) else {
      if settings.echo { emitEcho(String(decoding: bytes, as: UTF8.self)) }
      writes.note(bytes, origin: origin)
      scripts.lastLineUnparsed = true
      report(.invalidUTF8, origin)
      return .failed
    }
    return execute(line, origin: origin)
  }

  func run(_ statement: Statement, line: String, origin: Origin) throws(EngineError) -> Outcome {
    if case .write(let command) = statement, case .retract = command {
      // A retraction needs the log itself (the target's type): commit first.
      try commitBatch()
    } else if case .write(let command) = statement, case .forget = command {
      // Forgetting destroys a key in its own transaction (SPEC §13).
      try commitBatch()
    } else if case .write = statement {
      // Writes join the open batch, if any.
    } else if case .clock = statement {
      // So does the clock: it only changes what the next writes carry (and
      // `clock` alone prints through the batch), so scripts that advance the
      // clock every few lines still commit 1000 statements at a time.
    } else {
      try commitBatch()
    }
    // Whatever runs inside the open batch is re-run if the batch conflicts.
    writes.note(Array(line.utf8), origin: origin)
    switch statement {
    case .write(let command):
      try write(command, line: line, origin: origin)
    case .clock(let action):
      try setClock(action)
    case .query(let query):
      try catchUp()
      render(try document(query, state: state, asOfTime: nil), query: query)
    case .asOf(let point, let query):
      try catchUp()
      let (view, time) = try stateAt(point)
      render(try document(query, state: view, asOfTime: time), query: query)
    case .history(let filter):
      try catchUp()
      try printHistory(filter)
    case .show(let seq):
      try catchUp()
      let query = Query.show(seq: seq)
      render(try document(query, state: state, asOfTime: nil), query: query)
    case .verify:
      try verify()
    case .expect(let path, let op, let value):
      try catchUp()
      var file: String?
      if case .script(let name, _) = origin { file = name }
      let text = line.trimmingSpaces
      do {
        try expect(path, op, value)
      } catch {
        expectResults.append(
          ExpectResult(location: origin.recorded, file: file, statement: text, failure: error.message))
        throw error
      }
      expectResults.append(ExpectResult(location: origin.recorded, file: file, statement: text, failure: nil))
      if settings.echo { emitText(Notice.expectPassed(origin.recorded, text)) }
    case .set(let setting):
      if !settings.apply(setting) { listSettings() }
    case .source(let path):
      try source(path, from: origin)
    case .importCSV(let request):
      if try !importCSV(request, origin: origin) { return .failed }
    case .help(let topic):
      for line in try Help.render(topic: topic) {
        // On a terminal, long lines wrap under their text, not at column 0.
        let lead = line.prefix { $0 == " " }.count
        for part in Renderer.wrap(
          line, width: settings.format == .table ? settings.width : nil, indent: String(repeating: " ", count: lead + 4)
        ) {
          emitText(part)
        }
      }
    case .quit:
      return .quit
    case .replay(let from, let to, let step):
      try catchUp()
      try replay(from: from, to: to, step: step, origin: origin)
    case .diff(let from, let to):
      try catchUp()
      try diff(from, to)
    case .branch(let name, let from):
      try createBranch(name, from: from)
    case .switchBranch(let name):
      try switchBranch(name)
    case .branches:
      try listBranches()
    case .compare(let left, let right, let query):
      try compare(left, right, query)
    case .whatIf(let command):
      try whatIf(command)
    case .report(let path, let compare):
      try writeReportFile(to: path, asOf: nil, compare: compare)
    }
    return .done
  }

  // MARK: writes

  /// Decides `command` against the current state and appends its events: in
  /// the open batch when a script runs, else in its own transaction.
  func write(_ command: Command, line: String, origin: Origin) throws(EngineError) {
    if let refusal = store.writeRefusal {
      // Every later write of a script would meet the same refusal, and be
      // decided against a state missing this one: the script stops here.
      if origin.isScript || !scripts.isEmpty { scripts.stopRequested = true }
      throw .store(refusal)
    }
    if writes.isHolding {
      let now = try self.now()
      let events = try decideEvents(command, now: now)
      let (stored, text) = try sealPersonal(events, line: line)
      let pending = stamp(stored, now: now, line: text, origin: origin)
      writes.open?.events.append(contentsOf: pending)
      var seq = state.headSeq
      for (event, stored) in zip(events, stored) {
        seq += 1
        state.evolve(RecordedEvent(seq: seq, occurredAt: now, event: stored))
        if writes.confirms { emitConfirmation(seq: seq, event: event) }
      }
      if writes.isFull { try commitBatch(reopen: true) }
      return
    }
    try catchUp()
    var attempts = 0
    while true {
      let now = try self.now()
      let events = try decideEvents(command, now: now)
      let (stored, text) = try sealPersonal(events, line: line)
      let pending = stamp(stored, now: now, line: text, origin: origin)
      var keys = KeyChange(added: keyring.pending)
      if case .subjectForgotten(let id, _)? = events.first { keys.forgotten = [id] }
      do {
        let envelopes = try store.append(pending, to: branch, expectedHead: state.headSeq, keys: keys)
        keyring.stored()
        for id in keys.forgotten { keyring.forget(id) }
        apply(events, stored: stored, envelopes: envelopes)
        if let id = keys.forgotten.first { noteClearData(of: id) }
        return
      } catch {
        keyring.discardPending()
        guard case .conflict = error.code else { throw .store(error) }
        // The head moved, or another writer stored a key for one of these
        // parties first: catch up, take its keys, and seal again.
        reloadKeys()
        attempts += 1
        // Another writer got in first: catch up and decide once more (SPEC §7).
        // A script line keeps trying: with several scripts on one store, one
        // more try is often beaten again, and the line would be refused for
        // no fault of its own. Each try decides afresh on the caught-up state.
        guard attempts < (origin.isScript ? Session.scriptConflictAttempts : 2) else { throw .busy }
        if try writeHoldingHead(command, line: line, origin: origin) { return }
        try catchUp()
      }
    }
  }

  /// One write decided again while no other writer can append to the
  /// branch (see `redecideHoldingHead`); `false` when the store cannot hold it.
  func writeHoldingHead(_ command: Command, line: String, origin: Origin) throws(EngineError) -> Bool {
    var decided: (events: [Event], stored: [Event], envelopes: [Envelope], forgotten: String?)?
    do {
      let held = try store.whileHoldingHead(of: branch) {
        try catchUp()
        let now = try self.now()
        let events = try decideEvents(command, now: now)
        let (stored, text) = try sealPersonal(events, line: line)
        var keys = KeyChange(added: keyring.pending)
        if case .subjectForgotten(let id, _)? = events.first { keys.forgotten = [id] }
        let envelopes = try store.append(
          stamp(stored, now: now, line: text, origin: origin), to: branch, expectedHead: state.headSeq, keys: keys)
        keyring.stored()
        for id in keys.forgotten { keyring.forget(id) }
        decided = (events, stored, envelopes, keys.forgotten.first)
      }
      guard held else { return false }
    } catch let error as EngineError {
      keyring.discardPending()
      throw error
    } catch let error as StoreError {
      keyring.discardPending()
      throw .store(error)
    } catch {
      keyring.discardPending()
      throw EngineError(String(describing: error), storeFailure: true)
    }
    // Printed and folded in only now that the transaction has committed.
    if let decided {
      apply(decided.events, stored: decided.stored, envelopes: decided.envelopes)
      if let id = decided.forgotten { noteClearData(of: id) }
    }
    return true
  }

  func decideEvents(_ command: Command, now: Timestamp) throws(EngineError) -> [Event] {
    var command = command
    if case .retract(let seq, let reason, _) = command {
      let target: String?
      do {
        target = seq <= state.headSeq ? try store.event(branch, seq: seq)?.type : nil
      } catch {
        throw .store(error)
      }
      command = .retract(seq: seq, reason: reason, target: target)
    }
    if case .identifyDeficiency(let id, let what, let area?, let target, _) = command,
      let indicator = IndicatorName(rawValue: area)
    {
      // The baseline progress is measured from: the indicator as it stands now.
      let baseline = CultureDocument.reading(indicator, state, at: state.headTime).value
      command = .identifyDeficiency(id: id, what: what, area: area, target: target, baseline: baseline)
    }
    do {
      return try decide(command, state: state, now: now)
    } catch {
      throw .domain(error)
    }
  }

  /// Events stamped for the log at business time `now` and this wall-clock instant.
  func stamp(_ events: [Event], now: Timestamp, line: String, origin: Origin) -> [PendingEvent] {
    let (wallTime, milliseconds) = wall.now()
    return writes.stamp(events, now: now, recorded: (wallTime, milliseconds), line: line, origin: origin)
  }

  /// Folds appended events (as stored: personal fields sealed) into the
  /// state and confirms each (as decided: the writer sees what they wrote).
  func apply(_ events: [Event], stored: [Event], envelopes: [Envelope]) {
    for ((event, stored), envelope) in zip(zip(events, stored), envelopes) {
      let recorded = RecordedEvent(seq: envelope.seq, occurredAt: envelope.occurredAt, event: stored)
      // Should the store fail to refold a retraction now, the state keeps its
      // mark and the next load from the store counts it.
      do { try projector.step(&state, recorded, on: branch, remembering: true) } catch {}
      if writes.confirms { emitConfirmation(seq: envelope.seq, event: event) }
    }
    snapshotIfDue()
  }

  func confirmation(seq: Int, event: Event) -> String {
    "@\(seq) \(event.type.rawValue) \(event.summary)"
  }

  /// A write's confirmation line; in `json` format `{"seq", "type", "summary"}` (SPEC §6).
  func emitConfirmation(seq: Int, event: Event) {
    guard settings.format == .json else {
      // On a terminal a long summary is cut rather than wrapped.
      let line = confirmation(seq: seq, event: event)
      return emit(settings.width.map { DisplayWidth.cut(line, to: $0) } ?? line)
    }
    emit(
      JSON.object(
        JSONObject([("seq", .int(seq)), ("type", .string(event.type.rawValue)), ("summary", .string(event.summary))])
      ).compact)
  }

  /// `--echo`: the statement before its result (`{"echo": …}` in `json` format).
  func emitEcho(_ line: String) {
    if settings.format == .json {
      emit(JSON.object(JSONObject([("echo", .string(line))])).compact)
    } else {
      emit("> " + line)
    }
  }

  /// Bare `set`: every setting and its value.
  func listSettings() {
    let listed = settings.listed
    let document = JSON.object(JSONObject(listed.map { ($0.name, JSON.string($0.value)) }))
    emitDocument(
      document, table: { Renderer.align(listed.map { [$0.name, $0.value] }, separator: "  ") },
      csv: { ["setting,value"] + listed.map { "\($0.name),\($0.value)" } })
  }

  // MARK: batches

  /// Starts holding script writes for one transaction.
  func openBatch() throws(EngineError) {
    guard !writes.isHolding else { return }
    try catchUp()
    writes.hold(from: state, clock: clock, failures: failures, storeFailed: storeFailed)
  }

  /// Commits the open batch, then prints what its statements said. On a
  /// conflict with another writer, catches up and re-runs each statement of
  /// the batch (writes, clock lines and failed lines alike, from the clock the
  /// batch started with) in its own transaction.
  func commitBatch(reopen: Bool = false) throws(EngineError) {
    guard let open = writes.open else { return }
    writes.open = nil
    if !open.events.isEmpty {
      do {
        try store.append(
          open.events, to: branch, expectedHead: open.startHead, keys: KeyChange(added: keyring.pending))
        keyring.stored()
      } catch {
        keyring.discardPending()
        guard case .conflict = error.code else {
          stopWithout(open)
          throw .batchNotStored(error, from: open.entries.first?.origin)
        }
        rewind(to: open)
        reloadKeys()
        if try redecideHoldingHead(open) {
          if reopen { try openBatch() }
          return
        }
        try catchUp()
        for entry in open.entries {
          let outcome = execute(bytes: entry.bytes, origin: entry.origin)
          if outcome == .failed, settings.bail {
            scripts.stopRequested = true
            break
          }
        }
        if reopen { try openBatch() }
        return
      }
    }
    printCommitted(open.output)
    snapshotIfDue()
    if reopen { try openBatch() }
  }

  /// Goes back to before `open`: its state, its clock and the failures
  /// counted before it.
  func rewind(to open: Batch) {
    writes.open = nil
    state = open.startState
    clock = open.startClock
    failures = open.failuresBefore
    storeFailed = open.storeFailedBefore
  }

  /// Goes back to before `open`, which could not be stored, and stops the
  /// scripts running: the store is unusable for now (exit code 3).
  func stopWithout(_ open: Batch) {
    rewind(to: open)
    storeFailed = true
    scripts.stopRequested = true
  }

  /// Prints what a committed transaction's lines said, in order.
  func printCommitted(_ output: [(isError: Bool, text: String)]) {
    for (isError, text) in output {
      if isError { console.err(text) } else { console.out(text) }
    }
    console.flush()
  }

  /// Decides a batch beaten by another writer again while the store keeps
  /// every other writer off the branch (PostgreSQL locks its head row), so
  /// it cannot be beaten twice: a writer that keeps appending no longer
  /// starves a script. Its lines print once that transaction commits.
  /// `false` when the store cannot hold a branch: the caller re-runs the
  /// lines one by one, each retried on its own.
  func redecideHoldingHead(_ open: Batch) throws(EngineError) -> Bool {
    let size = writes.batchSize
    writes.batchSize = Int.max  // the whole batch commits at once, below
    defer { writes.batchSize = size }
    var redecided: Batch?
    do {
      let held = try store.whileHoldingHead(of: branch) {
        try catchUp()
        try openBatch()
        for entry in open.entries {
          if execute(bytes: entry.bytes, origin: entry.origin) == .failed, settings.bail {
            scripts.stopRequested = true
            break
          }
        }
        redecided = writes.open
        writes.open = nil
        if let redecided, !redecided.events.isEmpty {
          try store.append(
            redecided.events, to: branch, expectedHead: redecided.startHead, keys: KeyChange(added: keyring.pending))
          keyring.stored()
        }
      }
      guard held else { return false }
    } catch {
      keyring.discardPending()
      stopWithout(open)
      let storeError =
        (error as? StoreError) ?? StoreError(.io, (error as? EngineError)?.message ?? String(describing: error))
      throw .batchNotStored(storeError, from: open.entries.first?.origin)
    }
    printCommitted(redecided?.output ?? [])
    snapshotIfDue()
    return true
  }

  // MARK: clock

  func setClock(_ action: ClockAction) throws(EngineError) {
    switch action {
    case .show:
      let time = try now()
      let live = clock == .live
      if settings.format == .json {
        emit(JSON.object(JSONObject([("clock", .string(time.iso)), ("live", .bool(live))])).compact)
      } else {
        emit(live ? "\(time.iso) (live)" : "\(time.iso)")
      }
    case .live:
      clock = .live
    case .set(let time):
      if let head = state.headTime, time < head {
        throw EngineError(DomainError.clockBeforeHead(time, head: head, seq: state.headSeq).message)
      }
      clock = .fixed(time)
    case .advance(let duration):
      // Every time ethos writes must read back: four-digit years (SPEC §4).
      let time = try now() + duration
      guard time.isRecordable else { throw .domain(.beyondLatest("the clock (\(try now().iso) + \(duration))")) }
      clock = .fixed(time)
    }
  }

  // MARK: verify

  func verify() throws(EngineError) {
    emitText(try Session.verify(store, branch: branch))
  }

  /// Recomputes the hash chain of `branch`: the line saying it verifies, or
  /// the error naming the first event that does not chain. Needs no state, so
  /// `ethos verify` can run on a store whose events no longer decode.
  public static func verify(_ store: any EventStore, branch: String) throws(EngineError) -> String {
    let broken: ChainBreak?
    let head: Int
    let keys: PartyKeys
    do {
      broken = try store.verify(branch)
      head = try store.head(of: branch).seq
      keys = try store.partyKeys()
    } catch {
      throw .store(error)
    }
    if let broken {
      throw .verifyFailed(branch, at: broken)
    }
    // The key table is outside the chain: a key that is not a key shows the
    // party's data as (not available) everywhere, so verify names it.
    let damaged = keys.keys.filter { $0.value.count != PartyKeys.keyLength }.keys.sorted()
    if !damaged.isEmpty {
      throw .damagedKeys(damaged)
    }
    return Notice.verified(branch, events: head)
  }
}

extension String {
  var trimmingSpaces: String {
    // Nearly every line has nothing to trim: it is returned as it is, not copied.
    let space = UInt8(ascii: " ")
    let tab = UInt8(ascii: "\t")
    if let first = utf8.first, first != space, first != tab, let last = utf8.last, last != space, last != tab,
      last != UInt8(ascii: "\r"), last != UInt8(ascii: "\n")
    {
      return self
    }
    var text = Substring(self)
    while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
    while let last = text.last, last == " " || last == "\t" || last == "\r" || last == "\n" { text = text.dropLast() }
    return String(text)
  }
}
