// Hand-written rather than Foundation's JSONEncoder: the hash chain needs one
// exact canonical byte form (sorted keys, no spaces, minimal escapes) that no
// encoder setting guarantees across platforms, and the store writes and reads
// a million payloads, where Foundation's per-value overhead dominates.

extension JSON {
  /// Sorted keys, no spaces: the form hashed by the event chain.
  public var canonical: String {
    var out = ""
    out.reserveCapacity(128)
    write(to: &out, sorted: true, indent: nil, level: 0)
    return out
  }

  /// Keys in document order, no spaces.
  public var compact: String {
    var out = ""
    write(to: &out, sorted: false, indent: nil, level: 0)
    return out
  }

  /// Keys in document order, two-space indentation.
  public var pretty: String {
    var out = ""
    write(to: &out, sorted: false, indent: "  ", level: 0)
    return out
  }

  func write(to out: inout String, sorted: Bool, indent: String?, level: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let value): out += value ? "true" : "false"
    case .int(let value): out += String(value)
    case .double(let value): out += JSON.format(value)
    case .string(let value): JSON.writeString(value, to: &out, forDisplay: !sorted)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        newline(&out, indent, level + 1)
        item.write(to: &out, sorted: sorted, indent: indent, level: level + 1)
      }
      newline(&out, indent, level)
      out += "]"
    case .object(let object):
      if object.isEmpty {
        out += "{}"
        return
      }
      out += "{"
      let pairs = sorted ? object.pairs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : object.pairs
      for (index, pair) in pairs.enumerated() {
        if index > 0 { out += "," }
        newline(&out, indent, level + 1)
        JSON.writeString(pair.key, to: &out, forDisplay: !sorted)
        out += indent == nil ? ":" : ": "
        pair.value.write(to: &out, sorted: sorted, indent: indent, level: level + 1)
      }
      newline(&out, indent, level)
      out += "}"
    }
  }

  private func newline(_ out: inout String, _ indent: String?, _ level: Int) {
    guard let indent else { return }
    out += "\n"
    for _ in 0..<level { out += indent }
  }

  /// A double as JSON: integral values keep one decimal (`1.0`), others print
  /// in Swift's shortest round-tripping form; non-finite values become null.
  static func format(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    return value.description
  }

  /// Writes `value` quoted, escaping only what JSON requires. `forDisplay`
  /// also escapes U+2028 and U+2029, which JSON allows raw but JavaScript
  /// and many line-oriented tools take for line breaks; never in the
  /// canonical (hashed) form, whose bytes must stay as they were.
  public static func writeString(_ value: String, to out: inout String, forDisplay: Bool = false) {
    out += "\""
    var needsEscape = false
    for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C || (forDisplay && byte == 0xE2) {
      needsEscape = true
      break
    }
    if !needsEscape {
      out += value
      out += "\""
      return
    }
    // Escaped byte by byte into one buffer, appended once: a Unicode scalar
    // at a time costs several times more, and statement texts (quoted
    // comments and names) nearly always need an escape.
    var bytes = [UInt8]()
    bytes.reserveCapacity(value.utf8.count + 16)
    writeEscaped(value, to: &bytes, forDisplay: forDisplay)
    out += String(decoding: bytes, as: UTF8.self)
    out += "\""
  }

  /// The escaped body of a JSON string (no quotes around it). Only ASCII
  /// bytes are escaped, plus U+2028 and U+2029 (E2 80 A8, E2 80 A9) when
  /// `forDisplay`; every other byte of the valid UTF-8 is copied as it is.
  static func writeEscaped(_ value: String, to out: inout [UInt8], forDisplay: Bool) {
    var value = value
    value.withUTF8 { bytes in
      // Runs of bytes that need no escape are copied whole.
      var start = 0
      var index = 0
      func flush() {
        if start < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
      }
      while index < bytes.count {
        let byte = bytes[index]
        let escape: UInt8
        switch byte {
        case 0x22, 0x5C: escape = byte
        case 0x0A: escape = UInt8(ascii: "n")
        case 0x0D: escape = UInt8(ascii: "r")
        case 0x09: escape = UInt8(ascii: "t")
        case 0x08: escape = UInt8(ascii: "b")
        case 0x0C: escape = UInt8(ascii: "f")
        case 0x00..<0x20:
          // `\u00XX`, lower-case hex.
          flush()
          out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
          out.append(hexDigit(byte >> 4))
          out.append(hexDigit(byte & 0x0F))
          index += 1
          start = index
          continue
        case 0xE2 where forDisplay:
          // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
          if index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
            flush()
            out.append(contentsOf: bytes[index + 2] == 0xA8 ? "\\u2028".utf8 : "\\u2029".utf8)
            index += 3
            start = index
            continue
          }
          index += 1
          continue
        default:
          index += 1
          continue
        }
        flush()
        out.append(0x5C)
        out.append(escape)
        index += 1
        start = index
      }
      flush()
    }
  }

  private static func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
  }
}

extension JSON {
  /// Writes `value` quoted, as UTF-8 bytes: the same text as the String form.
  public static func writeString(_ value: String, to out: inout [UInt8]) {
    // One pass over the bytes: runs that need no escape (all of most
    // strings) are copied whole.
    out.append(0x22)
    writeEscaped(value, to: &out, forDisplay: false)
    out.append(0x22)
  }

}
