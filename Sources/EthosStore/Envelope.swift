import Crypto
import EthosDomain
import EthosJSON

/// An event as stored: the payload plus everything an auditor asks for (SPEC §4).
public struct Envelope: Sendable, Equatable {
  public var seq: Int
  public var type: String
  public var version: Int
  public var occurredAt: Timestamp
  /// Wall time when appended, ISO 8601 with milliseconds.
  public var recordedAt: String
  public var actor: String
  public var origin: String
  public var command: String
  /// The payload as canonical JSON text, exactly as hashed.
  public var data: String
  public var prevHash: String
  public var hash: String

  public init(
    seq: Int, type: String, version: Int, occurredAt: Timestamp, recordedAt: String, actor: String,
    origin: String, command: String, data: String, prevHash: String, hash: String
  ) {
    self.seq = seq
    self.type = type
    self.version = version
    self.occurredAt = occurredAt
    self.recordedAt = recordedAt
    self.actor = actor
    self.origin = origin
    self.command = command
    self.data = data
    self.prevHash = prevHash
    self.hash = hash
  }

  /// The hash this envelope should carry, given its own `prevHash`.
  public var expectedHash: String {
    Envelope.hash(
      prevHash: prevHash, seq: seq, type: type, version: version, occurredAt: occurredAt,
      recordedAt: recordedAt, actor: actor, origin: origin, command: command, data: data)
  }

  /// The payload decoded (and upcast) into a domain event.
  public func decoded() throws(EventDecodingError) -> Event {
    let json: JSON
    do { json = try JSON.parse(data) } catch {
      throw EventDecodingError(type: type, version: version, reason: error.description)
    }
    return try Event(type: type, version: version, data: json)
  }

  public func recorded() throws(EventDecodingError) -> RecordedEvent {
    RecordedEvent(seq: seq, occurredAt: occurredAt, event: try decoded())
  }

  /// The whole envelope as a JSON object, keys in SPEC §4 order.
  public var json: JSON {
    let payload = (try? JSON.parse(data)) ?? .string(data)
    return .object(
      JSONObject([
        ("seq", .int(seq)), ("type", .string(type)), ("version", .int(version)),
        ("occurredAt", .string(occurredAt.iso)), ("recordedAt", .string(recordedAt)),
        ("actor", .string(actor)), ("origin", .string(origin)), ("command", .string(command)),
        ("data", payload), ("prevHash", .string(prevHash)), ("hash", .string(hash)),
      ]))
  }

  /// The first event's `prevHash`.
  public static let genesisHash = String(repeating: "0", count: 64)

  /// SHA-256 of `prevHash` followed by the canonical JSON (sorted keys, no
  /// spaces) of every other field. The keys are written out in sorted order
  /// into one byte buffer rather than sorted and concatenated as Strings at
  /// run time: this runs once per appended event and once per verified one.
  public static func hash(
    prevHash: String, seq: Int, type: String, version: Int, occurredAt: Timestamp, recordedAt: String,
    actor: String, origin: String, command: String, data: String
  ) -> String {
    hash(
      prevHash: prevHash, seq: seq, type: type, version: version, occurredAtISO: occurredAt.iso,
      recordedAt: recordedAt, actor: actor, origin: origin, command: command, data: data)
  }

  /// The same, with the business time already in its ISO form.
  public static func hash(
    prevHash: String, seq: Int, type: String, version: Int, occurredAtISO: String, recordedAt: String,
    actor: String, origin: String, command: String, data: String
  ) -> String {
    var text = [UInt8]()
    text.reserveCapacity(prevHash.utf8.count + data.utf8.count + command.utf8.count + 200)
    text.append(contentsOf: prevHash.utf8)
    append("{\"actor\":", to: &text)
    JSON.writeString(actor, to: &text)
    append(",\"command\":", to: &text)
    JSON.writeString(command, to: &text)
    append(",\"data\":", to: &text)
    text.append(contentsOf: data.utf8)
    append(",\"occurredAt\":", to: &text)
    JSON.writeString(occurredAtISO, to: &text)
    append(",\"origin\":", to: &text)
    JSON.writeString(origin, to: &text)
    append(",\"recordedAt\":", to: &text)
    JSON.writeString(recordedAt, to: &text)
    append(",\"seq\":", to: &text)
    append(String(seq), to: &text)
    append(",\"type\":", to: &text)
    JSON.writeString(type, to: &text)
    append(",\"version\":", to: &text)
    append(String(version), to: &text)
    text.append(UInt8(ascii: "}"))
    return SHA256.hash(data: text).withUnsafeBytes { digest in
      // Written straight into the string's 64 bytes: once per appended event.
      String(unsafeUninitializedCapacity: digest.count * 2) { out in
        for (index, byte) in digest.enumerated() {
          out[index * 2] = hexDigits[Int(byte >> 4)]
          out[index * 2 + 1] = hexDigits[Int(byte & 0x0F)]
        }
        return digest.count * 2
      }
    }
  }

  private static func append(_ literal: String, to bytes: inout [UInt8]) {
    bytes.append(contentsOf: literal.utf8)
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  package static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
    var out = [UInt8]()
    out.reserveCapacity(64)
    for byte in bytes {
      out.append(hexDigits[Int(byte >> 4)])
      out.append(hexDigits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// An event decided but not yet appended: the store gives it a seq and hashes.
public struct PendingEvent: Sendable, Equatable {
  public var type: String
  public var version: Int
  public var occurredAt: Timestamp {
    didSet { occurredAtISO = occurredAt.iso }
  }
  /// `occurredAt` as hashed; kept so a batch formats each time once.
  public private(set) var occurredAtISO: String
  public var recordedAt: String
  public var actor: String
  public var origin: String
  public var command: String
  public var data: String

  public init(
    type: String, version: Int, occurredAt: Timestamp, recordedAt: String, actor: String, origin: String,
    command: String, data: String
  ) {
    self.init(
      type: type, version: version, occurredAt: occurredAt, occurredAtISO: occurredAt.iso, recordedAt: recordedAt,
      actor: actor, origin: origin, command: command, data: data)
  }

  /// The same, with `occurredAt` already formatted (it must be `occurredAt.iso`).
  public init(
    type: String, version: Int, occurredAt: Timestamp, occurredAtISO: String, recordedAt: String, actor: String,
    origin: String, command: String, data: String
  ) {
    self.type = type
    self.version = version
    self.occurredAt = occurredAt
    self.occurredAtISO = occurredAtISO
    self.recordedAt = recordedAt
    self.actor = actor
    self.origin = origin
    self.command = command
    self.data = data
  }

  /// Wraps a domain event with its metadata.
  public init(
    _ event: Event, occurredAt: Timestamp, occurredAtISO: String? = nil, recordedAt: String, actor: String,
    origin: String, command: String
  ) {
    self.init(
      type: event.type.rawValue, version: event.version, occurredAt: occurredAt,
      occurredAtISO: occurredAtISO ?? occurredAt.iso, recordedAt: recordedAt, actor: actor, origin: origin,
      command: command, data: event.canonicalData)
  }

  /// Seals this event at `seq` after `prevHash`.
  public func sealed(seq: Int, prevHash: String) -> Envelope {
    let hash = Envelope.hash(
      prevHash: prevHash, seq: seq, type: type, version: version, occurredAtISO: occurredAtISO,
      recordedAt: recordedAt, actor: actor, origin: origin, command: command, data: data)
    return Envelope(
      seq: seq, type: type, version: version, occurredAt: occurredAt, recordedAt: recordedAt, actor: actor,
      origin: origin, command: command, data: data, prevHash: prevHash, hash: hash)
  }
}
