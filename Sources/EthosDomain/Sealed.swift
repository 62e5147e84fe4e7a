/// A personal field as stored from envelope version 2 on (SPEC §13): the
/// text sealed under its party's data key, written `⟦PARTY:CIPHERTEXT⟧`.
///
/// The domain never opens one: a sealed name or note is carried through the
/// fold and into snapshots as it is, and only the engine, holding the keys,
/// turns it back into text (or `(forgotten)`) as a document is shown. Figures
/// never depend on a sealed text: what they need of it is decided at write
/// time (the tactic-language count of a `say`).
///
/// `CIPHERTEXT` is base64url without padding; a summary that clips a long
/// text clips a sealed one by writing the limit after a `|`
/// (`⟦c2:…|60⟧`), applied once the text is revealed.
public enum Sealed {
  public static let open = "⟦"
  public static let close = "⟧"
  /// The UTF-8 bytes of `⟦` (U+27E6): E2 9F A6.
  static let openBytes: [UInt8] = [0xE2, 0x9F, 0xA6]
  static let closeBytes: [UInt8] = [0xE2, 0x9F, 0xA7]

  /// The stored form of a text sealed under `party`.
  public static func token(party: String, ciphertext: String) -> String {
    open + party + ":" + ciphertext + close
  }

  /// One token found in a text.
  public struct Part: Sendable, Equatable {
    public var party: String
    public var ciphertext: String
    /// Characters the revealed text is cut to (with `…`), if any.
    public var clip: Int?
  }

  /// The token `text` consists of, or `nil` when it is not exactly one.
  public static func parse(_ text: String) -> Part? {
    let bytes = Array(text.utf8)
    guard bytes.starts(with: openBytes), let (part, end) = scan(bytes, at: 0), end == bytes.count else { return nil }
    return part
  }

  /// Whether `text` holds a sealed field anywhere (a command, a summary).
  public static func contains(_ text: String) -> Bool {
    var utf8 = text.utf8.makeIterator()
    var matched = 0
    while let byte = utf8.next() {
      if byte == openBytes[matched] {
        matched += 1
        if matched == 3 { return true }
      } else {
        matched = byte == openBytes[0] ? 1 : 0
      }
    }
    return false
  }

  /// `text` with every well-formed token replaced by `reveal(token)`; other
  /// text (and a `⟦` that starts no token) is kept as it is.
  public static func replacing(in text: String, _ reveal: (Part) -> String) -> String {
    guard contains(text) else { return text }
    let bytes = Array(text.utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0xE2, bytes[index...].starts(with: openBytes), let (part, end) = scan(bytes, at: index) {
        out.append(contentsOf: reveal(part).utf8)
        index = end
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// A token as a summary shows it: cut to `limit` characters once revealed.
  public static func clipped(_ text: String, to limit: Int) -> String? {
    guard var part = parse(text) else { return nil }
    part.clip = limit
    return open + part.party + ":" + part.ciphertext + "|" + String(limit) + close
  }

  /// Reads the token starting at `start` (at its `⟦`): the part and the
  /// index after its `⟧`.
  private static func scan(_ b: [UInt8], at start: Int) -> (Part, Int)? {
    var i = start + 3
    let partyStart = i
    while i < b.count, b[i] != UInt8(ascii: ":") {
      guard isIdByte(b[i]), i - partyStart < EventLimits.idLength else { return nil }
      i += 1
    }
    guard i > partyStart, i < b.count else { return nil }
    let party = String(decoding: b[partyStart..<i], as: UTF8.self)
    i += 1
    let textStart = i
    while i < b.count, isBase64URL(b[i]) { i += 1 }
    guard i > textStart else { return nil }
    let ciphertext = String(decoding: b[textStart..<i], as: UTF8.self)
    var clip: Int?
    if i < b.count, b[i] == UInt8(ascii: "|") {
      i += 1
      var value = 0
      let digitsStart = i
      while i < b.count, b[i] >= 0x30, b[i] <= 0x39, i - digitsStart < 6 {
        value = value * 10 + Int(b[i] - 0x30)
        i += 1
      }
      guard i > digitsStart, value > 1 else { return nil }
      clip = value
    }
    guard b[i...].starts(with: closeBytes) else { return nil }
    return (Part(party: party, ciphertext: ciphertext, clip: clip), i + 3)
  }

  private static func isIdByte(_ c: UInt8) -> Bool {
    (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x5F || c == 0x2D
  }

  private static func isBase64URL(_ c: UInt8) -> Bool {
    (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x5F
  }

  /// The longest token a field may hold: its party id, and a ciphertext of
  /// the longest text (2,000 characters of up to 4 UTF-8 bytes each, plus
  /// nonce and tag) in base64.
  public static let maxTokenLength = 12_000
}
