// A small recursive-descent parser over UTF-8 bytes. Hand-written for the same
// reason as the serializer: rebuilding projections parses every stored payload,
// and this keeps that to one pass with no intermediate Foundation objects.

/// Why a text is not JSON, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Equatable, CustomStringConvertible, Sendable {
  public let offset: Int
  public let reason: String
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSON {
  /// Parses one JSON value from `text`; trailing non-space text is an error.
  public static func parse(_ text: String) throws(JSONParseError) -> JSON {
    var copy = text
    let result: Result<JSON, JSONParseError> = copy.withUTF8 { buffer in
      do throws(JSONParseError) { return .success(try parse(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Parses one JSON value from UTF-8 bytes.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSON {
    var parser = Parser(bytes: bytes)
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.index == bytes.count else { throw parser.error("unexpected text after the value") }
    return value
  }
}

private struct Parser {
  let bytes: UnsafeBufferPointer<UInt8>
  var index = 0
  static let maxDepth = 256

  init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

  mutating func skipSpace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }

  mutating func value(depth: Int) throws(JSONParseError) -> JSON {
    guard depth < Parser.maxDepth else { throw error("nesting deeper than \(Parser.maxDepth)") }
    skipSpace()
    guard index < bytes.count else { throw error("unexpected end of text") }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      index += 1
      var object = [(String, JSON)]()
      var largeKeys = Set<String>()
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(JSONObject(object))
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
        let keyStart = index
        let key = try string()
        // Readers disagree on which of two equal keys wins (the first, the
        // last): a document that has both means two things, so it is refused.
        let duplicate: Bool
        if object.count < 16 {
          duplicate = object.contains(where: { $0.0 == key })
        } else {
          if largeKeys.isEmpty { largeKeys = Set(object.lazy.map(\.0)) }
          duplicate = !largeKeys.insert(key).inserted
        }
        if duplicate {
          index = keyStart
          throw error("duplicate key \"\(key)\"")
        }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
        index += 1
        object.append((key, try value(depth: depth + 1)))
        skipSpace()
        guard index < bytes.count else { throw error("unterminated object") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(JSONObject(object))
        } else {
          throw error("expected ',' or '}'")
        }
      }
    case UInt8(ascii: "["):
      index += 1
      var items = [JSON]()
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      while true {
        items.append(try value(depth: depth + 1))
        skipSpace()
        guard index < bytes.count else { throw error("unterminated array") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(items)
        } else {
          throw error("expected ',' or ']'")
        }
      }
    case UInt8(ascii: "\""):
      return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    default:
      return try number()
    }
  }

  mutating func literal(_ word: String) throws(JSONParseError) {
    let expected = Array(word.utf8)
    guard index + expected.count <= bytes.count else { throw error("unexpected end of text") }
    for offset in 0..<expected.count where bytes[index + offset] != expected[offset] {
      throw error("unknown literal")
    }
    index += expected.count
  }

  mutating func number() throws(JSONParseError) -> JSON {
    let start = index
    var isInteger = true
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
    var digits = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte >= 0x30 && byte <= 0x39 {
        digits += 1
      } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
      {
        isInteger = false
      } else {
        break
      }
      index += 1
    }
    guard digits > 0 else {
      index = start
      throw error("expected a value")
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    if isInteger, let value = Int(text) { return .int(value) }
    guard let value = Double(text) else { throw error("malformed number '\(text)'") }
    return .double(value)
  }

  mutating func string() throws(JSONParseError) -> String {
    index += 1  // opening quote
    let start = index
    // Fast path: no escapes.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let result = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        index += 1
        return result
      }
      if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
      index += 1
    }
    var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return String(decoding: scalars, as: UTF8.self)
      }
      if byte < 0x20 { throw error("control character in string") }
      if byte != UInt8(ascii: "\\") {
        scalars.append(byte)
        index += 1
        continue
      }
      index += 1
      guard index < bytes.count else { break }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""): scalars.append(0x22)
      case UInt8(ascii: "\\"): scalars.append(0x5C)
      case UInt8(ascii: "/"): scalars.append(0x2F)
      case UInt8(ascii: "n"): scalars.append(0x0A)
      case UInt8(ascii: "r"): scalars.append(0x0D)
      case UInt8(ascii: "t"): scalars.append(0x09)
      case UInt8(ascii: "b"): scalars.append(0x08)
      case UInt8(ascii: "f"): scalars.append(0x0C)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if code >= 0xD800 && code < 0xDC00 {
          guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          else { throw error("unpaired surrogate") }
          index += 2
          let low = try hex4()
          guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate") }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
        scalars.append(contentsOf: Array(String(scalar).utf8))
      default: throw error("invalid escape")
      }
    }
    throw error("unterminated string")
  }

  mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("short \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte - 0x30
      case 0x41...0x46: digit = byte - 0x41 + 10
      case 0x61...0x66: digit = byte - 0x61 + 10
      default: throw error("invalid hex digit")
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }
}
