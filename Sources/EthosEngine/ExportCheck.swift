import EthosDomain
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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

/// The first pass of `ethos import` (the transfer job): checks an export
/// against a branch without writing anything.
struct ExportCheck {
  let store: any EventStore
  let branch: String
  /// The file's name in messages.
  let name: String
  /// The branch's head when the import began.
  let head: Head

  /// Reads every line of the export at `path`: each must be an envelope
  /// ethos can read and chain to the line before; lines the branch already
  /// holds must be the very same events; the first new one must follow the
  /// head; each new event must keep the rules the decider keeps.
  func run(path: String, from state: State) throws(EngineError) -> CheckedExport {
    guard var reader = LineReader(path: path, maxLength: Transfer.maxLine) else {
      throw .importUnreadable(name, String(cString: strerror(errno)))
    }
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
      throw .importNotEnvelope(name, line: line, reason: "the line is longer than \(Transfer.maxLine) bytes")
    }
    try compareOverlap()
    return result
  }
}
