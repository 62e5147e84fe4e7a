import EthosDomain
import EthosJSON

/// Why a line of an export file is not an envelope.
public struct EnvelopeLineError: Error, Sendable, Equatable, CustomStringConvertible {
  public let reason: String
  public var description: String { reason }
}

extension Envelope {
  /// The envelope as one line of `ethos export` (JSON Lines): compact JSON,
  /// keys in SPEC §4 order, the payload as the object that was hashed.
  public var jsonLine: String { json.compact }

  /// The keys every exported envelope has, and no others.
  static let lineKeys: Set<String> = [
    "seq", "type", "version", "occurredAt", "recordedAt", "actor", "origin", "command", "data", "prevHash", "hash",
  ]

  /// Reads one line written by ``jsonLine``. Checks the shape only; whether
  /// the hashes hold is ``ChainBreak/check(_:expectedSeq:previousHash:)``'s job.
  public init(jsonLine line: String) throws(EnvelopeLineError) {
    let json: JSON
    do { json = try JSON.parse(line) } catch { throw EnvelopeLineError(reason: error.description) }
    guard case .object(let object) = json else { throw EnvelopeLineError(reason: "not a JSON object") }
    for key in object.keys where !Envelope.lineKeys.contains(key) {
      throw EnvelopeLineError(reason: "unexpected key '\(key)'")
    }
    func text(_ key: String) throws(EnvelopeLineError) -> String {
      guard case .string(let value)? = object[key] else {
        throw EnvelopeLineError(reason: object[key] == nil ? "'\(key)' is missing" : "'\(key)' is not a string")
      }
      return value
    }
    func number(_ key: String) throws(EnvelopeLineError) -> Int {
      guard case .int(let value)? = object[key], value >= 1 else {
        throw EnvelopeLineError(
          reason: object[key] == nil ? "'\(key)' is missing" : "'\(key)' is not a whole number of 1 or more")
      }
      return value
    }
    func hash(_ key: String) throws(EnvelopeLineError) -> String {
      let value = try text(key)
      guard value.utf8.count == 64, value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
      else { throw EnvelopeLineError(reason: "'\(key)' is not 64 lowercase hex digits") }
      return value
    }
    // Fields are checked in SPEC §4 order, so the first problem named is the first in the line.
    let seq = try number("seq")
    let type = try text("type")
    let version = try number("version")
    let occurred = try text("occurredAt")
    guard let occurredAt = Timestamp(parsing: occurred), occurredAt.iso == occurred else {
      throw EnvelopeLineError(reason: "'occurredAt' is not a time like 2021-01-04T08:00:00Z")
    }
    let recordedAt = try text("recordedAt")
    let actor = try text("actor")
    let origin = try text("origin")
    let command = try text("command")
    guard let data = object["data"] else { throw EnvelopeLineError(reason: "'data' is missing") }
    guard case .object = data else { throw EnvelopeLineError(reason: "'data' is not an object") }
    self.init(
      seq: seq, type: type, version: version, occurredAt: occurredAt, recordedAt: recordedAt, actor: actor,
      origin: origin, command: command, data: data.canonical, prevHash: try hash("prevHash"), hash: try hash("hash"))
  }
}

extension EventStore {
  /// Why `envelopes` do not continue a branch whose head is `head`, or `nil`
  /// when each follows the one before it and every hash holds.
  public static func chainBreak(_ envelopes: [Envelope], after head: Head) -> ChainBreak? {
    var previous = head.hash
    var expected = head.seq + 1
    for envelope in envelopes {
      if let broken = ChainBreak.check(envelope, expectedSeq: expected, previousHash: previous) { return broken }
      previous = envelope.hash
      expected += 1
    }
    return nil
  }
}

extension StoreError {
  package static func doesNotChain(_ broken: ChainBreak, branch: String) -> StoreError {
    StoreError(.invalid, "these events do not continue branch '\(branch)': \(broken)")
  }
}
