#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import EthosDomain
import EthosStore

extension Session {
  // MARK: export

  /// `ethos export`: every event of the current branch (shared history
  /// included) as JSON Lines, one whole envelope per line, in seq order.
  /// Returns `false` when the store could not be read.
  @discardableResult
  public func exportTrail() -> Bool {
    do {
      let head = try store.head(of: branch).seq
      try store.read(branch, from: 1, to: head) { envelope in emit(envelope.jsonLine) }
    } catch {
      report(.store(error), .repl)
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
  @discardableResult
  public func importTrail(path: String, displayName: String? = nil) -> Bool {
    let name = displayName ?? path
    do {
      try importEnvelopes(path: path, name: name)
    } catch {
      report(error, .repl)
      console.flush()
      return false
    }
    console.flush()
    return true
  }

  func importEnvelopes(path: String, name: String) throws(EngineError) {
    let lines = try readExport(path: path, name: name)
    guard let first = lines.first, let last = lines.last else {
      emit(Notice.importEmpty(name))
      return
    }
    let head: Head
    do { head = try store.head(of: branch) } catch { throw .store(error) }
    if first.envelope.seq > head.seq + 1 {
      throw .importGap(name, line: first.line, seq: first.envelope.seq, branch: branch, head: head.seq)
    }
    // Lines the branch already holds must be the very same events.
    let overlapEnd = min(last.envelope.seq, head.seq)
    if first.envelope.seq <= overlapEnd {
      var index = 0
      var mismatch: (line: Int, seq: Int)?
      do {
        try store.read(branch, from: first.envelope.seq, to: overlapEnd) { stored in
          guard mismatch == nil, index < lines.count else { return }
          let line = lines[index]
          if stored.seq != line.envelope.seq || stored.hash != line.envelope.hash {
            mismatch = (line.line, line.envelope.seq)
          }
          index += 1
        }
      } catch {
        throw .store(error)
      }
      if let mismatch { throw .importDiverges(name, line: mismatch.line, seq: mismatch.seq, branch: branch) }
    }
    let new = lines.filter { $0.envelope.seq > head.seq }
    guard let firstNew = new.first, let lastNew = new.last else {
      emit(Notice.importNothingNew(name, count: lines.count, branch: branch))
      return
    }
    if firstNew.envelope.prevHash != head.hash {
      throw .importDoesNotFollow(name, line: firstNew.line, seq: firstNew.envelope.seq, branch: branch, head: head.seq)
    }
    try admit(new, name: name, head: head)
    do {
      try store.appendSealed(new.map(\.envelope), to: branch, expectedHead: head.seq)
    } catch {
      throw .store(error)
    }
    state = try loadState(upTo: nil)
    emit(
      Notice.imported(
        new.count, branch: branch, from: firstNew.envelope.seq, to: lastNew.envelope.seq,
        alreadyThere: lines.count - new.count))
  }

  /// Checks each new event as the decider would have checked the statement
  /// that made it, against the branch's state with the events before it
  /// folded in: anyone can recompute an export's hashes, so they prove no
  /// rule was kept (SPEC §7). Throws naming the first line that breaks one.
  func admit(_ lines: [(line: Int, envelope: Envelope)], name: String, head: Head) throws(EngineError) {
    try catchUp()
    var check = state
    // The types of the file's own events, for retractions that name them.
    var types = [Int: EventType]()
    for (line, envelope) in lines {
      let event: Event
      do throws(EventDecodingError) { event = try envelope.decoded() } catch {
        throw .importUnreadableEvent(name, line: line, seq: envelope.seq, error)
      }
      var target: String?
      if case .eventRetracted(let seq, _) = event {
        if seq > head.seq {
          target = types[seq]?.rawValue
        } else if seq >= 1 {
          do { target = try store.event(branch, seq: seq)?.type } catch { throw .store(error) }
        }
      }
      do throws(DomainError) {
        try check.admit(event, at: envelope.occurredAt, targetType: target)
      } catch {
        throw .importBreaksRule(name, line: line, seq: envelope.seq, type: envelope.type, error)
      }
      check.evolve(RecordedEvent(seq: envelope.seq, occurredAt: envelope.occurredAt, event: event))
      types[envelope.seq] = event.type
    }
  }

  /// The longest line `import` reads: an envelope of the longest statement,
  /// every character escaped, is far shorter.
  static let maxExportLine = 1 << 18

  /// The envelopes of an export file with their line numbers, after checking
  /// that each line is an envelope ethos can read and that the lines chain.
  func readExport(path: String, name: String) throws(EngineError) -> [(line: Int, envelope: Envelope)] {
    guard var reader = LineReader(path: path, maxLength: Session.maxExportLine) else {
      throw .importUnreadable(name, String(cString: strerror(errno)))
    }
    var result = [(line: Int, envelope: Envelope)]()
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
      if let previous = result.last?.envelope {
        broken = ChainBreak.check(envelope, expectedSeq: previous.seq + 1, previousHash: previous.hash)
      } else if envelope.seq == 1 {
        broken = ChainBreak.check(envelope, expectedSeq: 1, previousHash: Envelope.genesisHash)
      } else {
        // A file that starts later: its prevHash is checked against the branch.
        broken = ChainBreak.check(envelope, expectedSeq: envelope.seq, previousHash: envelope.prevHash)
      }
      if let broken { throw .importBrokenChain(name, line: number, seq: envelope.seq, reason: broken.reason) }
      do throws(EventDecodingError) { _ = try envelope.decoded() } catch {
        throw .importUnreadableEvent(name, line: number, seq: envelope.seq, error)
      }
      result.append((number, envelope))
    }
    if let line = reader.overlongLine {
      throw .importNotEnvelope(name, line: line, reason: "the line is longer than \(Session.maxExportLine) bytes")
    }
    return result
  }
}
