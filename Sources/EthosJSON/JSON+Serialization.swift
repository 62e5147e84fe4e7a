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
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case "\u{2028}" where forDisplay: out += "\\u2028"
      case "\u{2029}" where forDisplay: out += "\\u2029"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}

extension JSON {
  /// Writes `value` quoted, as UTF-8 bytes: the same text as the String form.
  public static func writeString(_ value: String, to out: inout [UInt8]) {
    var needsEscape = false
    for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
      needsEscape = true
      break
    }
    if needsEscape {
      var text = ""
      writeString(value, to: &text)
      out.append(contentsOf: text.utf8)
      return
    }
    out.append(0x22)
    out.append(contentsOf: value.utf8)
    out.append(0x22)
  }
}
