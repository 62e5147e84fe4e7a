import EthosDomain

/// A word of a statement line, with the column it starts at (1-based).
public struct Token: Sendable, Equatable {
  /// For `key=value`, the key; otherwise `nil`.
  public var key: String?
  /// The word, or the option's value, with quotes removed and escapes applied.
  public var text: String
  /// Whether the word (or value) was written in quotes.
  public var quoted: Bool
  public var column: Int
  /// Where the word's value is written in the line, in characters from 0,
  /// quotes excluded (the personal parts of a stored statement are sealed
  /// in place, SPEC §13).
  public var source: Range<Int>

  public init(key: String? = nil, text: String, quoted: Bool, column: Int, source: Range<Int> = 0..<0) {
    self.key = key
    self.text = text
    self.quoted = quoted
    self.column = column
    self.source = source
  }
}

/// A problem with a line, located at a column (1-based).
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var column: Int

  public init(_ message: String, column: Int) {
    self.message = message
    self.column = column
  }

  public var description: String { message }
}

/// A word of the user's line as a message quotes it: at most `limit`
/// characters (then "…"), with control characters and the invisible marks
/// that reorder or hide text shown as `\u{…}`, so an error line cannot
/// scroll a terminal away, recolour it, or read backwards.
func shown(_ text: String, limit: Int = 40) -> String {
  var result = ""
  var count = 0
  for scalar in text.unicodeScalars {
    if count == limit {
      result += "…"
      break
    }
    count += 1
    if isHidden(scalar) {
      result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    } else {
      result.unicodeScalars.append(scalar)
    }
  }
  return result
}

/// Control characters and the format characters that reorder or hide text;
/// one list for statements and imports (the joiners are allowed).
func isHidden(_ scalar: Unicode.Scalar) -> Bool { EventLimits.isHidden(scalar) }

/// Size limits that keep one line from swamping the log (and the terminal).
public enum Limits {
  public static let lineLength = 8192
  public static let idLength = 64
  public static let nameLength = 200
  public static let textLength = 2000
  public static let listLength = 200
}

/// Splits a line into tokens (SPEC §3): spaces separate words, `"…"` quotes
/// (with `\"` and `\\`), `key=value` options (value may be quoted), and `#`
/// outside quotes starts a comment.
public enum Tokenizer {
  public static func tokenize(_ line: String) throws(Diagnostic) -> [Token] {
    var line = line
    // Nearly every line is ASCII, where a byte is a character: tokenize the
    // bytes directly (a script of a million lines spends most of its parse
    // time here otherwise). Other lines take the Character path below, which
    // the byte path mirrors rule for rule.
    let ascii = line.withUTF8 { bytes -> [Token]?? in
      guard bytes.allSatisfy({ $0 < 0x80 }) else { return .none }
      return .some(try? tokenizeASCII(bytes))
    }
    if case .some(.some(let tokens)) = ascii { return tokens }
    return try tokenizeCharacters(line)
  }

  /// The byte path for ASCII lines; `nil` when the line has a problem, so the
  /// Character path produces the diagnostic (one place words it).
  static func tokenizeASCII(_ b: UnsafeBufferPointer<UInt8>) throws -> [Token]? {
    guard b.count <= Limits.lineLength else { return nil }
    func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }
    func text(_ range: Range<Int>) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    }
    func quoted(from open: Int) -> (String, Int)? {
      var i = open + 1
      var start = i
      var result = ""
      while i < b.count {
        let c = b[i]
        if c == 0x22 { return (result + text(start..<i), i + 1) }
        if c == 0x5C {
          guard i + 1 < b.count, b[i + 1] == 0x22 || b[i + 1] == 0x5C else { return nil }
          result += text(start..<i)
          start = i + 1
          i += 2
          continue
        }
        i += 1
      }
      return nil
    }
    func separated(_ i: Int) -> Bool { i >= b.count || isSpace(b[i]) || b[i] == 0x23 }
    var tokens = [Token]()
    var i = 0
    while i < b.count {
      let c = b[i]
      if isSpace(c) {
        i += 1
        continue
      }
      if c == 0x23 { break }
      let start = i
      if c == 0x22 {
        guard let (value, next) = quoted(from: i), separated(next) else { return nil }
        tokens.append(Token(text: value, quoted: true, column: start + 1, source: (start + 1)..<(next - 1)))
        i = next
        continue
      }
      var wordStart = i
      var key: String?
      var done = false
      while i < b.count {
        let d = b[i]
        if isSpace(d) || d == 0x23 { break }
        if d == 0x3D, key == nil, isOptionKey(b, wordStart..<i) {
          key = text(wordStart..<i)
          i += 1
          wordStart = i
          if i < b.count, b[i] == 0x22 {
            guard let (value, next) = quoted(from: i), separated(next) else { return nil }
            tokens.append(Token(key: key, text: value, quoted: true, column: start + 1, source: (i + 1)..<(next - 1)))
            i = next
            done = true
            break
          }
          continue
        }
        if d == 0x22 { return nil }
        i += 1
      }
      if done || i == start { continue }
      if let key {
        tokens.append(
          Token(key: key, text: text(wordStart..<i), quoted: false, column: start + 1, source: wordStart..<i))
      } else if i > wordStart {
        tokens.append(Token(text: text(wordStart..<i), quoted: false, column: start + 1, source: wordStart..<i))
      }
    }
    return tokens
  }

  static func isOptionKey(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
    guard let first = range.first, b[first] >= 0x61, b[first] <= 0x7A else { return false }
    for index in range where !((b[index] >= 0x61 && b[index] <= 0x7A) || b[index] == 0x2D) { return false }
    return true
  }

  static func tokenizeCharacters(_ line: String) throws(Diagnostic) -> [Token] {
    let chars = Array(line)
    guard chars.count <= Limits.lineLength else {
      throw Diagnostic(
        "line is \(chars.count) characters long; the limit is \(Limits.lineLength) — split it into several statements",
        column: Limits.lineLength + 1)
    }
    var tokens = [Token]()
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == " " || c == "\t" || c == "\r" || c == "\n" {
        i += 1
        continue
      }
      if c == "#" { break }
      let start = i
      if c == "\"" {
        let (text, next) = try quoted(chars, from: i)
        i = next
        try requireSeparator(chars, at: i)
        tokens.append(Token(text: text, quoted: true, column: start + 1, source: (start + 1)..<(next - 1)))
        continue
      }
      var word = ""
      var key: String?
      while i < chars.count {
        let d = chars[i]
        if d == " " || d == "\t" || d == "\r" || d == "\n" || d == "#" { break }
        if d == "=", key == nil, isOptionKey(word) {
          key = word
          word = ""
          i += 1
          if i < chars.count, chars[i] == "\"" {
            let quote = i
            let (text, next) = try quoted(chars, from: i)
            i = next
            try requireSeparator(chars, at: i)
            tokens.append(
              Token(key: key, text: text, quoted: true, column: start + 1, source: (quote + 1)..<(next - 1)))
            key = nil
            word = ""
            break
          }
          continue
        }
        if d == "\"" {
          throw Diagnostic("unexpected quote inside a word — put a space before the quoted text", column: i + 1)
        }
        word.append(d)
        i += 1
      }
      if i == start { continue }
      if let key {
        tokens.append(
          Token(key: key, text: word, quoted: false, column: start + 1, source: (start + key.count + 1)..<i))
      } else if !word.isEmpty || i > start {
        if !word.isEmpty { tokens.append(Token(text: word, quoted: false, column: start + 1, source: start..<i)) }
      }
    }
    return tokens
  }

  /// Option keys are lowercase words: `mode`, `due`, `type`.
  static func isOptionKey(_ word: String) -> Bool {
    guard let first = word.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
    return word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "-" }
  }

  private static func quoted(_ chars: [Character], from open: Int) throws(Diagnostic) -> (String, Int) {
    var i = open + 1
    var text = ""
    while i < chars.count {
      let c = chars[i]
      if c == "\"" { return (text, i + 1) }
      if c == "\\" {
        guard i + 1 < chars.count else { break }
        let next = chars[i + 1]
        guard next == "\"" || next == "\\" else {
          throw Diagnostic("unknown escape '\\\(next)' — inside quotes only \\\" and \\\\ are escapes", column: i + 1)
        }
        text.append(next)
        i += 2
        continue
      }
      text.append(c)
      i += 1
    }
    throw Diagnostic("unterminated quote — add the closing \"", column: open + 1)
  }

  private static func requireSeparator(_ chars: [Character], at i: Int) throws(Diagnostic) {
    guard i < chars.count else { return }
    let c = chars[i]
    if c == " " || c == "\t" || c == "\r" || c == "\n" || c == "#" { return }
    throw Diagnostic("expected a space after the closing quote", column: i + 1)
  }
}
