import EthosJSON

/// Why a stored payload could not be read as an event.
public struct EventDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
  public let type: String
  public let version: Int
  public let reason: String
  public var description: String { "cannot read \(type) v\(version): \(reason)" }

  public init(type: String, version: Int, reason: String) {
    self.type = type
    self.version = version
    self.reason = reason
  }
}

extension Event {
  /// The payload as canonical JSON text (sorted keys, no spaces): what the
  /// store keeps and hashes. `InteractionLogged` (nearly every event of a
  /// script), and `FeedbackReceived` and `CustomerRegistered` (nearly every
  /// event of a survey import) are written directly; the others go through
  /// ``data``. A test holds the two paths to the same bytes.
  public var canonicalData: String {
    switch self {
    case .interactionLogged(let by, let with, let mode, let channel, let outcome, let did, let note):
      return Self.interactionData(
        by: by, with: with, mode: mode, channel: channel, outcome: outcome, did: did, note: note)
    case .feedbackReceived(let customer, let score, let about, let comment):
      // Keys in sorted order: about, comment, customer, score.
      var out = "{"
      out.reserveCapacity(96)
      if let about {
        out += "\"about\":"
        JSON.writeString(about, to: &out)
        out += ","
      }
      if let comment {
        out += "\"comment\":"
        JSON.writeString(comment, to: &out)
        out += ","
      }
      out += "\"customer\":"
      JSON.writeString(customer, to: &out)
      out += ",\"score\":"
      out += String(score)
      out += "}"
      return out
    case .customerRegistered(let id, let name, let segment, let key):
      // Keys in sorted order: id, key, name, segment.
      var out = "{\"id\":"
      out.reserveCapacity(96)
      JSON.writeString(id, to: &out)
      if let key {
        out += ",\"key\":"
        JSON.writeString(key, to: &out)
      }
      out += ",\"name\":"
      JSON.writeString(name, to: &out)
      if let segment {
        out += ",\"segment\":"
        JSON.writeString(segment, to: &out)
      }
      out += "}"
      return out
    default:
      return data.canonical
    }
  }

  private static func interactionData(
    by: String, with: String, mode: Mode, channel: Channel, outcome: Int, did: [Behaviour], note: String?
  ) -> String {
    var out = "{\"by\":"
    out.reserveCapacity(128)
    JSON.writeString(by, to: &out)
    out += ",\"channel\":\""
    out += channel.rawValue
    out += "\",\"did\":["
    for (index, behaviour) in did.enumerated() {
      out += index == 0 ? "\"" : ",\""
      out += behaviour.rawValue
      out += "\""
    }
    out += "],\"mode\":\""
    out += mode.rawValue
    out += "\""
    if let note {
      out += ",\"note\":"
      JSON.writeString(note, to: &out)
    }
    out += ",\"outcome\":"
    out += String(outcome)
    out += ",\"with\":"
    JSON.writeString(with, to: &out)
    out += "}"
    return out
  }

  /// The payload (`data`) of this event as stored, at its type's current
  /// version: its described fields, an absent optional left out.
  public var data: JSON {
    var pairs = [(String, JSON)]()
    for field in described.fields {
      if case .null = field.value { continue }
      pairs.append((field.key, field.value))
    }
    return .object(JSONObject(pairs))
  }

  /// Reads a stored payload, upcasting older versions to the current shape.
  public init(type typeName: String, version: Int, data: JSON) throws(EventDecodingError) {
    guard let type = EventType(rawValue: typeName) else {
      throw EventDecodingError(type: typeName, version: version, reason: "unknown event type")
    }
    guard version >= 1, version <= type.currentVersion else {
      throw EventDecodingError(
        type: typeName, version: version,
        reason: "version \(version) is newer than this ethos understands (\(type.currentVersion)); upgrade ethos")
    }
    guard case .object(let o) = data else {
      throw EventDecodingError(type: typeName, version: version, reason: "payload is not an object")
    }
    self = try type.schema.read(PayloadReader(object: o, type: typeName, version: version))
  }
}

extension Event {
  /// Reads a stored payload given as raw UTF-8, as the store's fold hands it
  /// out: no intermediate Strings for the type name or the payload text.
  public init(
    typeUTF8: UnsafeBufferPointer<UInt8>, version: Int, data: UnsafeBufferPointer<UInt8>
  ) throws(EventDecodingError) {
    guard let type = EventType(utf8: typeUTF8) else {
      throw EventDecodingError(
        type: String(decoding: typeUTF8, as: UTF8.self), version: version, reason: "unknown event type")
    }
    guard version >= 1, version <= type.currentVersion else {
      try self.init(type: type.rawValue, version: version, data: .null)
      return
    }
    if type == .interactionLogged, version == 1, let event = InteractionPayload.decode(data) {
      self = event
      return
    }
    let json: JSON
    do { json = try JSON.parse(data) } catch {
      throw EventDecodingError(type: type.rawValue, version: version, reason: error.description)
    }
    try self.init(type: type.rawValue, version: version, data: json)
  }
}

extension EventType {
  /// The UTF-8 of every type name, the most frequent first.
  private static let names: [(bytes: [UInt8], type: EventType)] = {
    var order = EventType.allCases
    if let index = order.firstIndex(of: .interactionLogged) { order.swapAt(0, index) }
    return order.map { (Array($0.rawValue.utf8), $0) }
  }()

  /// The type whose name is `utf8`, compared byte for byte.
  public init?(utf8: UnsafeBufferPointer<UInt8>) {
    search: for (bytes, type) in EventType.names where bytes.count == utf8.count {
      for index in 0..<bytes.count where bytes[index] != utf8[index] { continue search }
      self = type
      return
    }
    return nil
  }
}

/// Reads typed fields out of a payload object, failing with the field's name.
struct PayloadReader {
  let object: JSONObject
  let type: String
  let version: Int

  func fail(_ reason: String) -> EventDecodingError {
    EventDecodingError(type: type, version: version, reason: reason)
  }

  func string(_ key: String) throws(EventDecodingError) -> String {
    guard case .string(let value)? = object[key] else { throw fail("missing string '\(key)'") }
    return value
  }

  func optionalString(_ key: String) throws(EventDecodingError) -> String? {
    switch object[key] {
    case nil, .null?: return nil
    case .string(let value)?: return value
    default: throw fail("'\(key)' is not a string")
    }
  }

  func int(_ key: String) throws(EventDecodingError) -> Int {
    guard case .int(let value)? = object[key] else { throw fail("missing integer '\(key)'") }
    return value
  }

  func optionalDouble(_ key: String) throws(EventDecodingError) -> Double? {
    switch object[key] {
    case nil, .null?: return nil
    case .int(let value)?: return Double(value)
    case .double(let value)? where value.isFinite: return value
    default: throw fail("'\(key)' is not a number")
    }
  }

  func bool(_ key: String) throws(EventDecodingError) -> Bool {
    guard case .bool(let value)? = object[key] else { throw fail("missing boolean '\(key)'") }
    return value
  }

  func word<V: Vocabulary>(_ key: String, as _: V.Type) throws(EventDecodingError) -> V {
    let text = try string(key)
    guard let value = V(rawValue: text) else { throw fail("'\(key)' has unknown value '\(text)'") }
    return value
  }

  func strings(_ key: String) throws(EventDecodingError) -> [String] {
    guard case .array(let items)? = object[key] else { throw fail("missing list '\(key)'") }
    var result = [String]()
    result.reserveCapacity(items.count)
    for item in items {
      guard case .string(let value) = item else { throw fail("'\(key)' holds a non-string") }
      result.append(value)
    }
    return result
  }

  func time(_ key: String) throws(EventDecodingError) -> Timestamp {
    let text = try string(key)
    guard let value = Timestamp(parsing: text) else { throw fail("'\(key)' is not a time") }
    return value
  }

  func word<V: Vocabulary>(_ key: String) throws(EventDecodingError) -> V {
    try word(key, as: V.self)
  }

  /// A list of words, failing on the first unknown one.
  func words<V: Vocabulary>(_ key: String) throws(EventDecodingError) -> [V] {
    var result = [V]()
    for name in try strings(key) {
      guard let value = V(rawValue: name) else { throw fail("'\(key)' has unknown value '\(name)'") }
      result.append(value)
    }
    return result
  }

  func scope(_ key: String) throws(EventDecodingError) -> StressScope {
    let text = try string(key)
    guard let scope = StressScope(parsing: text) else { throw fail("'\(key)' has unknown value '\(text)'") }
    return scope
  }
}
