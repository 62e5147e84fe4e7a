import EthosDomain
import EthosImport
import EthosJSON
import EthosLanguage
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What one `import-csv` did (SPEC §15).
public struct ImportSummary: Sendable, Equatable {
  public var rows = 0
  public var imported = 0
  public var events = 0
  /// Rows whose key is already recorded in the log (or earlier in the file).
  public var alreadyImported = 0
  /// Helpdesk tickets with no satisfaction rating given.
  public var withoutRating = 0
  public var refused = 0

  /// `1,204 rows: 1,201 imported (3,050 events), 3 refused`.
  public var line: String {
    var text = "\(Self.grouped(rows)) \(rows == 1 ? "row" : "rows"): \(Self.grouped(imported)) imported "
    text += "(\(Self.grouped(events)) \(events == 1 ? "event" : "events"))"
    if alreadyImported > 0 { text += ", \(Self.grouped(alreadyImported)) already imported" }
    if withoutRating > 0 { text += ", \(Self.grouped(withoutRating)) without a rating" }
    return text + ", \(Self.grouped(refused)) refused"
  }

  var json: JSON {
    .object(
      JSONObject([
        ("rows", .int(rows)), ("imported", .int(imported)), ("events", .int(events)),
        ("alreadyImported", .int(alreadyImported)), ("withoutRating", .int(withoutRating)), ("refused", .int(refused)),
      ]))
  }

  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { out += "," }
      out.append(digit)
    }
    return value < 0 ? "-" + out : out
  }
}

/// How the import records a row's key with its events: a comment at the end
/// of the stored statement text (`… # import-csv key="R_1"`), so the text
/// still parses to the same statement and a later import finds the key.
enum ImportKeyMark {
  static let marker = " # import-csv key="

  static func comment(for key: String) -> String { marker + ImportPlanner.quoted(key) }

  /// The recorded key (as quoted) in a stored statement text, if any.
  static func recorded(in command: String) -> Substring? {
    let bytes = command.utf8
    let mark = markerBytes
    guard bytes.count > mark.count, bytes.contains(UInt8(ascii: "#")) else { return nil }
    var index = bytes.index(bytes.endIndex, offsetBy: -mark.count)
    while true {
      if bytes[index...].starts(with: mark) { return Substring(bytes[bytes.index(index, offsetBy: mark.count)...]) }
      if index == bytes.startIndex { return nil }
      index = bytes.index(before: index)
    }
  }

  private static let markerBytes = Array(marker.utf8)
}

extension Session {
  /// `ethos import-csv …` from the command line: paths relative to the
  /// working directory. Returns `false` when any row was refused.
  @discardableResult
  public func importCSV(_ request: ImportRequest) -> Bool {
    let before = failures
    do {
      _ = try importCSV(request, origin: .repl)
    } catch {
      report(error, .repl)
    }
    console.flush()
    return failures == before
  }

  /// Runs `import-csv`: reads the file, maps each row to statements and runs
  /// them through the ordinary write path, in time order, with origin
  /// `FILE:LINE`. Returns whether every row was imported or skipped.
  func importCSV(_ request: ImportRequest, origin: Origin) throws(EngineError) -> Bool {
    let (path, name) = scripts.resolve(request.path, from: origin)
    try commitBatch()
    try catchUp()
    var run = ImportRun(name: name, request: request)
    var plans: [RowPlan] = []
    do throws(ImportError) {
      let table = try CSVTable.read(path: path)
      let planner = try ImportPlanner(
        kind: request.kind, preset: request.preset, maps: request.maps, dateFormat: request.dateFormat,
        header: table.header, headerLine: table.headerLine)
      plans.reserveCapacity(table.records.count)
      rows: for record in table.records.dropFirst(planner.extraHeaderRows) {
        run.summary.rows += 1
        switch planner.plan(record) {
        case .success(let plan): plans.append(plan)
        case .failure(let error):
          refuse(error, &run)
          if request.bail { break rows }
        }
      }
    } catch {
      // The file as a whole cannot be imported: its one error line says why.
      refuse(error, &run)
      return false
    }
    if !(request.bail && run.summary.refused > 0), !plans.isEmpty {
      // Time order; rows without a time (customer and staff lists) first,
      // in file order, as are rows of the same time. Most exports are in
      // time order already: one pass says so, and they are left as they are.
      let inOrder = zip(plans, plans.dropFirst()).allSatisfy { a, b in
        switch (a.time, b.time) {
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?): return x <= y
        }
      }
      if !inOrder {
        plans = plans.enumerated().sorted { a, b in
          switch (a.element.time, b.element.time) {
          case (nil, nil): return a.offset < b.offset
          case (nil, _): return true
          case (_, nil): return false
          case (let x?, let y?): return x < y || (x == y && a.offset < b.offset)
          }
        }.map(\.element)
      }
      try apply(plans, &run)
    }
    emitSummary(run)
    return run.summary.refused == 0
  }

  /// Reports a row (or the file) as refused: `FILE:LINE: error: …`.
  private func refuse(_ error: ImportError, _ run: inout ImportRun) {
    failures += 1
    run.summary.refused += 1
    let at = error.line > 0 ? "\(run.name):\(error.line): " : "\(run.name): "
    emitError(at + "error: " + error.message)
  }

  private func apply(_ plans: [RowPlan], _ run: inout ImportRun) throws(EngineError) {
    let done = try importedKeys()
    var seen = done
    var index = PartyIndex(state: state, reveal: keyring.reveal)
    let savedClock = clock
    let savedBatchSize = writes.batchSize
    let savedConfirm = writes.confirms
    let savedEcho = settings.echo
    let savedInterval = snapshotInterval
    // The person typed `import-csv`: the statements it makes are not echoed
    // or confirmed one by one; the summary says what happened.
    writes.batchSize = Int.max
    writes.confirms = false
    settings.echo = false
    // One projection snapshot after the import, not one per batch.
    snapshotInterval = Int.max
    defer {
      writes.batchSize = savedBatchSize
      writes.confirms = savedConfirm
      settings.echo = savedEcho
      snapshotInterval = savedInterval
      snapshotIfDue()
    }
    let startState = state
    let startHead = state.headSeq
    let commitEvery = writes.importBatchLines
    try openBatch()
    // The batch being appended on the second core while the next is decided.
    var inFlight: BackgroundCommit?
    defer { if let commit = inFlight { abandon(commit) } }
    var progress = ProgressBar(total: plans.count, name: run.name)
    rows: for (number, plan) in plans.enumerated() {
      if number % 256 == 0 { progress.draw(number) }
      let mark = ImportKeyMark.comment(for: plan.key)
      if seen.contains(mark) {
        run.summary.alreadyImported += 1
        continue
      }
      if case .skip = plan.action {
        run.summary.withoutRating += 1
        continue
      }
      let origin = Origin.script(file: run.name, line: plan.line)
      let lines: [String]
      let learned: [(key: String, id: String)]
      var parsed: [Statement?] = []
      do throws(ImportError) {
        guard let statements = try statements(for: plan, index: index, mark: mark) else {
          run.summary.alreadyImported += 1
          seen.insert(mark)
          continue
        }
        (lines, learned) = statements
        if let time = plan.time, let head = state.headTime, time < head {
          throw .beforeHead(time, branch: branch, seq: state.headSeq, head: head, line: plan.line)
        }
        // A row of several statements (a registration, then the row's own)
        // is checked before anything runs, so it is all or nothing.
        if lines.count > 1 {
          for line in lines {
            do { parsed.append(try Parser.parse(line)) } catch { throw ImportError(line: plan.line, error.message) }
          }
        }
      } catch {
        refuse(error, &run)
        if run.request.bail { break rows }
        continue
      }
      if let time = plan.time, clock != .fixed(time) {
        // As the statement `clock T` would: recorded in the batch, so a
        // batch re-run after another writer got in first stamps the same times.
        // The row's statements are sealed at this time: formatted once for both.
        let iso = writes.iso(time)
        var clockLine = [UInt8]()
        clockLine.reserveCapacity(6 + iso.utf8.count)
        clockLine.append(contentsOf: "clock ".utf8)
        clockLine.append(contentsOf: iso.utf8)
        writes.note(clockLine, origin: origin)
        clock = .fixed(time)
      }
      let before = (
        events: writes.open?.events.count ?? 0, entries: writes.open?.entries.count ?? 0, seq: state.headSeq
      )
      var ok = true
      for (position, line) in lines.enumerated() {
        // Lines checked above run as parsed then; a row's one line is parsed here.
        let outcome =
          position < parsed.count
          ? execute(parsed[position], line: line, origin: origin) : execute(line, origin: origin)
        if outcome == .failed {
          ok = false
          break
        }
      }
      guard ok else {
        try rollback(to: before)
        index = PartyIndex(state: state, reveal: keyring.reveal)
        run.summary.refused += 1
        if run.request.bail { break rows }
        continue
      }
      run.summary.imported += 1
      run.summary.events += state.headSeq - before.seq
      seen.insert(mark)
      for (key, id) in learned { index.byKey[key.lowercased()] = id }
      if !run.request.dryRun, let count = writes.open?.entries.count, count >= commitEvery {
        progress.clear()
        try commitInBackground(&inFlight)
      }
    }
    progress.clear()
    try settle(&inFlight)
    if run.request.dryRun {
      try discardDryRun(startState: startState, startHead: startHead, clock: savedClock)
    } else {
      try commitBatch()
      restore(savedClock)
    }
  }

  /// Hands the open batch to another thread to append, and opens the next
  /// on top of it (without catching up: the store's head gets there only
  /// when the append lands). The batch before it is settled first.
  private func commitInBackground(_ inFlight: inout BackgroundCommit?) throws(EngineError) {
    try settle(&inFlight)
    guard let open = writes.open, !open.events.isEmpty else { return }
    let keys = KeyChange(added: keyring.pending)
    keyring.stored()
    writes.hold(from: state, clock: clock, failures: failures, storeFailed: storeFailed)
    inFlight = BackgroundCommit(open, keys: keys, store: store, branch: branch)
  }

  /// Waits for the batch appending in the background. Stored: prints what
  /// its lines said. Not stored: the open batch, decided on top of it, joins
  /// it, and the two commit as one through the ordinary path — which re-runs
  /// every line on a conflict with another writer, and stops on anything else.
  private func settle(_ inFlight: inout BackgroundCommit?) throws(EngineError) {
    guard let commit = inFlight else { return }
    inFlight = nil
    switch commit.wait() {
    case .stored(let output):
      printCommitted(output)
    case .failed(var earlier, let keys, _):
      if let open = writes.open {
        earlier.events += open.events
        earlier.entries += open.entries
        earlier.output += open.output
      }
      keyring.pend(keys.added)
      writes.open = earlier
      try commitBatch(reopen: true)
    }
  }

  /// Waits for a background append when the import stops on an error: if it
  /// did not land, the session goes back to before it, as a failed batch does.
  private func abandon(_ commit: BackgroundCommit) {
    guard case .failed(let earlier, _, let error) = commit.wait() else { return }
    keyring.discardPending()
    reloadKeys()
    stopWithout(earlier)
    report(EngineError.batchNotStored(error, from: earlier.entries.first?.origin), .repl)
  }

  /// The clock as the import found it, moved up to the head if it fell behind.
  private func restore(_ saved: ClockSetting) {
    clock = saved
    if case .fixed(let time) = saved, let head = state.headTime, time < head { clock = .fixed(head) }
  }

  /// `--dry-run`: prints what the batch said (errors), the figures the import
  /// would move, and drops the batch.
  private func discardDryRun(startState: State, startHead: Int, clock saved: ClockSetting) throws(EngineError) {
    guard let open = writes.open else { return }
    writes.open = nil
    for (isError, text) in open.output where isError { console.err(text) }
    let after = state
    let at = after.headTime
    let changes = try indicators(of: startState, asOfTime: at).changes(to: try indicators(of: after, asOfTime: at))
    state = startState
    clock = saved
    let document = JSON.object(
      JSONObject([
        ("appended", .int(0)), ("head", .int(startHead)), ("wouldAppend", .int(open.events.count)),
        ("changes", IndicatorChange.json(changes)),
      ]))
    emitDocument(
      document,
      table: {
        IndicatorChange.lines(changes) + [
          Notice.dryRunAppendedNothing(branch: branch, head: startHead, wouldAppend: open.events.count)
        ]
      },
      csv: { ["path,before,after"] + changes.map(\.csvCells) })
  }

  private func emitSummary(_ run: ImportRun) {
    let summary = run.summary
    emitDocument(
      .object(
        JSONObject([("import", .string(run.name)), ("summary", summary.json), ("dryRun", .bool(run.request.dryRun))])),
      table: { [summary.line] },
      csv: {
        [
          "rows,imported,events,alreadyImported,withoutRating,refused",
          "\(summary.rows),\(summary.imported),\(summary.events),\(summary.alreadyImported),\(summary.withoutRating),\(summary.refused)",
        ]
      })
  }

  /// Drops what the current row added to the open batch.
  private func rollback(to mark: (events: Int, entries: Int, seq: Int)) throws(EngineError) {
    guard var open = writes.open else { return }
    if state.headSeq != mark.seq {
      var rebuilt = open.startState
      var seq = open.startHead
      for pending in open.events.prefix(mark.events) {
        seq += 1
        do {
          let event = try Event(type: pending.type, version: pending.version, data: try JSON.parse(pending.data))
          rebuilt.evolve(RecordedEvent(seq: seq, occurredAt: pending.occurredAt, event: event))
        } catch {
          throw EngineError("cannot undo a refused row: \(error)")
        }
      }
      state = rebuilt
    }
    open.events.removeSubrange(mark.events...)
    open.entries.removeSubrange(mark.entries...)
    writes.open = open
  }

  /// The row keys already recorded on this branch.
  private func importedKeys() throws(EngineError) -> Set<String> {
    var keys = Set<String>()
    guard state.headSeq > 0 else { return keys }
    do {
      try store.read(branch, from: 1, to: state.headSeq) { envelope in
        guard envelope.origin != "repl", let key = ImportKeyMark.recorded(in: envelope.command) else { return }
        keys.insert(ImportKeyMark.marker + key)
      }
    } catch {
      throw .store(error)
    }
    return keys
  }

  /// The statement lines of a row, its parties resolved against the state;
  /// `nil` when the row's party is already registered under the same key.
  private func statements(for plan: RowPlan, index: PartyIndex, mark: String) throws(ImportError)
    -> (lines: [String], learned: [(key: String, id: String)])?
  {
    switch plan.action {
    case .skip:
      return ([], [])
    case .customer(let key, let name, let segment):
      let id = try index.customerID(for: key, line: plan.line, state: state)
      if state.owners[id] != nil { return nil }
      let segmentText = segment.map { " segment=" + ImportPlanner.quoted($0) } ?? ""
      return (
        ["customer \(id) \(ImportPlanner.quoted(name))\(segmentText) key=\(ImportPlanner.quoted(key))" + mark],
        [(key, id)]
      )
    case .employee(let key, let name, let options):
      if let id = index.byKey[key.lowercased()], state.employees[id] != nil { return nil }
      guard let id = ExternalKey.id(for: key) else {
        throw .keyWithoutLetters(key, employee: true, line: plan.line)
      }
      if let known = state.employees[id] {
        let knownKey = known.key.map(keyring.reveal)
        if knownKey == nil || ExternalKey.same(knownKey ?? "", key) { return nil }
        throw .employeeIdTaken(key, id: id, by: knownKey ?? "", line: plan.line)
      }
      return (
        ["hire \(id) \(ImportPlanner.quoted(name))\(options) key=\(ImportPlanner.quoted(key))" + mark], [(key, id)]
      )
    case .observation(let observation):
      var registrations: [String] = []
      var learned: [(key: String, id: String)] = []
      var text = ""
      // Room for the whole line (an id is at most 64 bytes): no regrowth.
      var capacity = mark.utf8.count
      for word in observation.words {
        if case .text(let words) = word { capacity += words.utf8.count } else { capacity += Limits.idLength }
      }
      text.reserveCapacity(capacity)
      for word in observation.words {
        switch word {
        case .text(let words):
          text += words
        case .employee(let key, let field):
          text += try index.employeeID(for: key, field: field, line: plan.line, state: state)
        case .customer(let key, let name):
          let id = try index.customerID(for: key, line: plan.line, state: state)
          if state.owners[id] == nil, !learned.contains(where: { $0.id == id }) {
            registrations.append("customer \(id) \(ImportPlanner.quoted(name ?? key)) key=\(ImportPlanner.quoted(key))")
            learned.append((key, id))
          }
          text += id
        case .party(let key):
          if let id = index.byKey[key.lowercased()] {
            text += id
            continue
          }
          let id = try index.customerID(for: key, line: plan.line, state: state, anyParty: true)
          if state.owners[id] == nil, !learned.contains(where: { $0.id == id }) {
            registrations.append("customer \(id) \(ImportPlanner.quoted(key)) key=\(ImportPlanner.quoted(key))")
            learned.append((key, id))
          }
          text += id
        }
      }
      text += mark
      registrations.append(text)
      return (registrations, learned)
    }
  }
}

/// The state of one `import-csv` run.
struct ImportRun {
  var name: String
  var request: ImportRequest
  var summary = ImportSummary()
}

/// External keys kept on parties (SPEC §15), lower-cased, to their ids: a key
/// recorded on a party maps to that party even when the rule would not.
struct PartyIndex {
  var byKey: [String: String] = [:]
  /// Shows a kept key: they are personal data, sealed in the state (SPEC §13).
  let reveal: (String) -> String

  init(state: State, reveal: @escaping (String) -> String) {
    self.reveal = reveal
    for employee in state.employees.values {
      if let key = employee.key { byKey[reveal(key).lowercased()] = employee.id }
    }
    for customer in state.customers.values {
      if let key = customer.key { byKey[reveal(key).lowercased()] = customer.id }
    }
  }

  func customerID(for key: String, line: Int, state: State, anyParty: Bool = false) throws(ImportError) -> String {
    if let id = byKey[key.lowercased()] { return id }
    guard let id = ExternalKey.id(for: key) else {
      throw .keyWithoutLetters(key, employee: false, line: line)
    }
    if let customer = state.customers[id] {
      if let kept = customer.key.map(reveal), !ExternalKey.same(kept, key) {
        throw .customerIdTaken(key, id: id, by: kept, line: line)
      }
      return id
    }
    if !anyParty, state.owners[id] != nil {
      throw .idNotACustomer(key, id: id, line: line)
    }
    return id
  }

  func employeeID(for key: String, field: String, line: Int, state: State) throws(ImportError) -> String {
    if let id = byKey[key.lowercased()], state.employees[id] != nil { return id }
    let id = ExternalKey.id(for: key)
    if let id, state.employees[id] != nil { return id }
    let suggestion = id.flatMap { Suggestion.nearest(to: $0, in: state.employees.keys) }
    throw .notAnEmployee(key, column: field, id: id, nearest: suggestion, line: line)
  }
}

/// A progress bar on standard error, drawn only on a terminal and only for
/// imports of more than a few thousand rows (SPEC §15).
struct ProgressBar {
  let total: Int
  let name: String
  let enabled: Bool
  var drawn = false

  init(total: Int, name: String) {
    self.total = total
    self.name = name
    self.enabled = total > 2000 && isatty(2) == 1
  }

  mutating func draw(_ done: Int) {
    guard enabled else { return }
    let width = 30
    let filled = total == 0 ? width : done * width / total
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let text = "\r\(name) [\(bar)] \(ImportSummary.grouped(done))/\(ImportSummary.grouped(total)) rows"
    ProgressBar.write(text)
    drawn = true
  }

  mutating func clear() {
    guard drawn else { return }
    ProgressBar.write("\r\u{1B}[K")
    drawn = false
  }

  static func write(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress, $0.count) }
  }
}
