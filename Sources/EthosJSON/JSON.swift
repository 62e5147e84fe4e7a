/// A JSON value whose objects keep their keys in insertion order.
///
/// Query documents, event payloads and `expect` paths all speak this one type.
/// Objects are ordered so documents print in the order the spec shows them;
/// ``canonical`` sorts keys for hashing.
public enum JSON: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object(JSONObject)

  /// The value at `key` when this is an object.
  public subscript(key: String) -> JSON? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  /// A number as a `Double`, whether stored as an integer or not.
  public var number: Double? {
    switch self {
    case .int(let value): return Double(value)
    case .double(let value): return value
    default: return nil
    }
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var intValue: Int? {
    if case .int(let value) = self { return value }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  public var arrayValue: [JSON]? {
    if case .array(let value) = self { return value }
    return nil
  }

  public var objectValue: JSONObject? {
    if case .object(let value) = self { return value }
    return nil
  }

  /// `.null` for `nil`, else the wrapped value.
  public static func optional(_ value: JSON?) -> JSON { value ?? .null }
  public static func optional(_ value: Double?) -> JSON { value.map(JSON.double) ?? .null }
  public static func optional(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
  public static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
}

/// An ordered JSON object.
public struct JSONObject: Sendable, Equatable {
  public private(set) var pairs: [(key: String, value: JSON)]

  public init(_ pairs: [(String, JSON)] = []) {
    self.pairs = pairs.map { (key: $0.0, value: $0.1) }
  }

  public subscript(key: String) -> JSON? {
    get { pairs.first(where: { $0.key == key })?.value }
    set {
      if let index = pairs.firstIndex(where: { $0.key == key }) {
        if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
      } else if let newValue {
        pairs.append((key: key, value: newValue))
      }
    }
  }

  public var keys: [String] { pairs.map(\.key) }
  public var isEmpty: Bool { pairs.isEmpty }

  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    lhs.pairs.count == rhs.pairs.count
      && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
  }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral,
  ExpressibleByFloatLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(arrayLiteral elements: JSON...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
  public init(nilLiteral: ()) { self = .null }
}
