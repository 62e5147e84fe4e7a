import EthosDomain
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Session {
  // MARK: export

  /// `ethos export`: every event of the current branch (shared history
  /// included) as JSON Lines, one whole envelope per line, in seq order.
  /// Returns `false` when the store could not be read.
  /// With `keysPath`, also writes the keys of the parties not forgotten
  /// there (SPEC §13): the export alone holds no key and is safe to hand on.
  @discardableResult
  public func exportTrail(keysPath: String? = nil) -> Bool {
    do throws(EngineError) {
      if let keysPath {
        let keys: PartyKeys
        do { keys = try store.partyKeys() } catch { throw .store(error) }
        try KeyFile.write(keys.keys, to: keysPath)
      }
      do {
        let head = try store.head(of: branch).seq
        try store.read(branch, from: 1, to: head) { envelope in emit(envelope.jsonLine, sealed: true) }
      } catch {
        throw .store(error)
      }
    } catch {
      report(error, .repl)
      console.flush()
      return false
    }
    console.flush()
    return true
  }

  // MARK: import

  /// `ethos import FILE`: appends the events of an export to the current
  /// branch exactly as they were sealed.
  ///
  /// Every line is parsed and every hash recomputed before anything is
  /// written; the first bad line is named and nothing is appended. Events
  /// the branch already holds (same seq, same hash) are skipped, so importing
  /// a file twice adds nothing; a file that disagrees with the branch, or
  /// leaves a gap after its head, is refused. Returns `false` on failure.
  ///
  /// With `keysPath`, restores the parties' keys written by `export --keys`
  /// once they are checked to open this log's sealed data (SPEC §13).
  @discardableResult
  public func importTrail(path: String, displayName: String? = nil, keysPath: String? = nil) -> Bool {
    let name = displayName ?? path
    do {
      let keys = try keysPath.map { path throws(EngineError) in try KeyFile.read(path) }
      try importEnvelopes(path: path, name: name, keys: keys.map { ($0, keysPath!) })
    } catch {
      report(error, .repl)
      console.flush()
      return false
    }
    console.flush()
    return true
  }

  /// Two passes over the file, so that memory does not grow with it (SPEC
  /// §7): the first checks every line (its form and hash, its place in the
  /// branch's chain, the rules it must keep), the second appends the new
  /// events in one transaction and makes sure they are the ones checked.
  func importEnvelopes(path: String, name: String, keys: (table: [String: [UInt8]], path: String)? = nil)
    throws(EngineError)
  {
    let head: Head
    do { head = try store.head(of: branch) } catch { throw .store(error) }
    var checked = try checkExport(path: path, name: name, head: head)
    guard checked.lines > 0 else {
      emit(Notice.importEmpty(name))
      return
    }
    if let refusal = checked.refusal { throw refusal }
    guard let firstNew = checked.firstNew, let lastNew = checked.lastNew else {
      try restoreKeys(keys, state: checked.state)
      emit(Notice.importNothingNew(name, count: checked.lines, branch: branch))
      return
    }
    try restoreKeys(keys, state: checked.state)
    guard var reader = LineReader(path: path, maxLength: Session.maxExportLine) else {
      throw .importUnreadable(name, String(cString: strerror(errno)))
    }
    var lastHash = head.hash
    do {
      try store.appendSealed(to: branch, expectedHead: head.seq) { () throws(StoreError) -> Envelope? in
        while let bytes = reader.next() {
          if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
          guard let text = String(validating: bytes, as: UTF8.self), let envelope = try? Envelope(jsonLine: text)
          else { throw StoreError(.invalid, EngineError.importChanged(name).message) }
          if envelope.seq <= head.seq { continue }
          lastHash = envelope.hash
          return envelope
        }
        // The chain's last hash pins every event before it: the same hash
        // means the same events as were checked.
        guard lastHash == checked.lastHash else { throw StoreError(.invalid, EngineError.importChanged(name).message) }
        return nil
      }
    } catch {
      throw .store(error)
    }
    if checked.retracts {
      state = try loadState(upTo: nil)
    } else {
      checked.state.skip = state.skip
      state = checked.state
      snapshotIfDue()
    }
    emit(
      Notice.imported(
        lastNew.seq - firstNew.seq + 1, branch: branch, from: firstNew.seq, to: lastNew.seq,
        alreadyThere: checked.lines - (lastNew.seq - firstNew.seq + 1)))
  }

  /// Stores the keys of a key file, and marks the parties the log forgot,
  /// before the events go in: a key that does not open its party's sealed
  /// name in `state` (the log with the import folded in) refuses the import.
  func restoreKeys(_ keys: (table: [String: [UInt8]], path: String)?, state: State) throws(EngineError) {
    var change = KeyChange(forgotten: state.forgotten.keys.sorted())
    if let keys {
      let check = Keyring(PartyKeys(keys: keys.table))
      for party in keys.table.keys.sorted() where state.forgotten[party] == nil {
        if let name = Session.partyName(party, in: state), Sealed.parse(name) != nil, !check.opens(name) {
          throw .keyFileMismatch(keys.path, party: party)
        }
        change.added[party] = keys.table[party]
      }
    }
    do {
      let current = try store.partyKeys()
      change.forgotten.removeAll { current.forgotten.contains($0) }
      change.added = change.added.filter { current.keys[$0.key] != $0.value }
      try store.changeKeys(change)
      keyring.load(try store.partyKeys())
    } catch {
      throw .store(error)
    }
  }

  /// What the first pass over an export found.
  struct CheckedExport {
    var lines = 0
    var firstNew: (line: Int, seq: Int)?
    var lastNew: (line: Int, seq: Int)?
    var lastHash = ""
    /// Why the file cannot be imported, found while its lines were still
    /// being read (a line that is not an event or does not chain wins).
    var refusal: EngineError?
    /// The branch's state with the new events folded in.
    var state: State
    var retracts = false
  }

  /// Reads every line of the export at `path`: each must be an envelope
  /// ethos can read and chain to the line before; lines the branch already
  /// holds must be the very same events; the first new one must follow the
  /// head; each new event must keep the rules the decider keeps.
  func checkExport(path: String, name: String, head: Head) throws(EngineError) -> CheckedExport {
    guard var reader = LineReader(path: path, maxLength: Session.maxExportLine) else {
      throw .importUnreadable(name, String(cString: strerror(errno)))
    }
    try catchUp()
    var result = CheckedExport(state: state)
    var previous: Envelope?
    var overlap = [(line: Int, seq: Int, hash: String)]()
    // The types of the file's own new events, for retractions that name them.
    var types = [EventType]()
    func compareOverlap() throws(EngineError) {
      guard let first = overlap.first, let last = overlap.last, result.refusal == nil else { return }
      var index = 0
      do {
        try store.read(branch, from: first.seq, to: last.seq) { stored in
          guard result.refusal == nil, index < overlap.count else { return }
          let line = overlap[index]
          if stored.seq != line.seq || stored.hash != line.hash {
            result.refusal = .importDiverges(name, line: line.line, seq: line.seq, branch: branch)
          }
          index += 1
        }
      } catch {
        throw .store(error)
      }
      overlap.removeAll(keepingCapacity: true)
    }
    var number = 0
    while let bytes = reader.next() {
      number += 1
      if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw .importNotEnvelope(name, line: number, reason: "not valid UTF-8")
      }
      let envelope: Envelope
      do throws(EnvelopeLineError) { envelope = try Envelope(jsonLine: text) } catch {
        throw .importNotEnvelope(name, line: number, reason: error.reason)
      }
      let broken: ChainBreak?
      if let previous {
        broken = ChainBreak.check(envelope, expectedSeq: previous.seq + 1, previousHash: previous.hash)
      } else if envelope.seq == 1 {
        broken = ChainBreak.check(envelope, expectedSeq: 1, previousHash: Envelope.genesisHash)
      } else {
        // A file that starts later: its prevHash is checked against the branch.
        broken = ChainBreak.check(envelope, expectedSeq: envelope.seq, previousHash: envelope.prevHash)
      }
      if let broken { throw .importBrokenChain(name, line: number, seq: envelope.seq, reason: broken.reason) }
      let event: Event
      do throws(EventDecodingError) { event = try envelope.decoded() } catch {
        throw .importUnreadableEvent(name, line: number, seq: envelope.seq, error)
      }
      result.lines += 1
      result.lastHash = envelope.hash
      defer { previous = envelope }
      guard result.refusal == nil else { continue }
      if previous == nil, envelope.seq > head.seq + 1 {
        result.refusal = .importGap(name, line: number, seq: envelope.seq, branch: branch, head: head.seq)
        continue
      }
      if envelope.seq <= head.seq {
        overlap.append((number, envelope.seq, envelope.hash))
        if overlap.count >= 4096 { try compareOverlap() }
        continue
      }
      if result.firstNew == nil {
        try compareOverlap()
        guard result.refusal == nil else { continue }
        result.firstNew = (number, envelope.seq)
        if envelope.prevHash != head.hash {
          result.refusal = .importDoesNotFollow(name, line: number, seq: envelope.seq, branch: branch, head: head.seq)
          continue
        }
      }
      result.lastNew = (number, envelope.seq)
      var target: String?
      if case .eventRetracted(let seq, _) = event {
        result.retracts = true
        if seq > head.seq {
          target = seq - head.seq <= types.count ? types[seq - head.seq - 1].rawValue : nil
        } else if seq >= 1 {
          do { target = try store.event(branch, seq: seq)?.type } catch { throw .store(error) }
        }
      }
      do throws(DomainError) {
        try result.state.admit(event, at: envelope.occurredAt, targetType: target)
      } catch {
        result.refusal = .importBreaksRule(name, line: number, seq: envelope.seq, type: envelope.type, error)
        continue
      }
      result.state.evolve(RecordedEvent(seq: envelope.seq, occurredAt: envelope.occurredAt, event: event))
      types.append(event.type)
    }
    if let line = reader.overlongLine {
      throw .importNotEnvelope(name, line: line, reason: "the line is longer than \(Session.maxExportLine) bytes")
    }
    try compareOverlap()
    return result
  }

  /// The longest line `import` reads: an envelope of the longest statement,
  /// every character escaped, is far shorter.
  static let maxExportLine = 1 << 18
}
