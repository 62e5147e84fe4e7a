import Crypto
import EthosLanguage

/// External keys (an e-mail, a requester id, an HR number) as ethos ids, by
/// the stable rule of SPEC §15.
public enum ExternalKey {
  /// Lower case; every character outside `[a-z0-9._-]` becomes `-`. Leading
  /// `.`, `_` and `-` are dropped (an id starts with a letter or digit). A result
  /// longer than an id may be keeps its first 55 characters and ends with
  /// `-` and 8 hex digits of the key's SHA-256, so it stays stable and
  /// distinct. `nil` when nothing of the key is left.
  public static func id(for key: String) -> String? {
    // ASCII keys (nearly all): byte by byte.
    if key.utf8.allSatisfy({ $0 < 0x80 }) {
      var bytes = [UInt8]()
      bytes.reserveCapacity(key.utf8.count)
      for byte in key.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(byte + 32)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."),
          UInt8(ascii: "_"), UInt8(ascii: "-"):
          bytes.append(byte)
        default: bytes.append(UInt8(ascii: "-"))
        }
      }
      let start = bytes.firstIndex { $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "_") && $0 != UInt8(ascii: "-") }
      guard let start else { return nil }
      let id = String(decoding: bytes[start...], as: UTF8.self)
      if id.utf8.count > Limits.idLength {
        return String(id.prefix(Limits.idLength - 9)) + "-" + String(digest(key).prefix(8))
      }
      return id
    }
    var id = ""
    id.reserveCapacity(key.utf8.count)
    for character in key {
      if character.isASCII, let ascii = character.asciiValue {
        switch ascii {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): id.unicodeScalars.append(Unicode.Scalar(ascii + 32))
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."),
          UInt8(ascii: "_"), UInt8(ascii: "-"):
          id.append(character)
        default: id.append("-")
        }
      } else {
        id.append("-")
      }
    }
    while let first = id.first, first == "." || first == "_" || first == "-" { id.removeFirst() }
    guard !id.isEmpty else { return nil }
    if id.count > Limits.idLength {
      id = String(id.prefix(Limits.idLength - 9)) + "-" + String(digest(key).prefix(8))
    }
    return id
  }

  /// Lowercase hex SHA-256 of `text`.
  public static func digest(_ text: String) -> String {
    let hash = SHA256.hash(data: Array(text.utf8))
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(64)
    for byte in hash {
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The key a row is known by when no `key` column is mapped: a digest of
  /// every field of the row, so the same row of the same export is the same.
  public static func rowDigest(_ fields: [String]) -> String {
    "sha256:" + String(digest(fields.joined(separator: "\u{1F}")).prefix(32))
  }

  /// Whether two external keys name the same party: e-mails and ids differ
  /// only in case when they are the same.
  public static func same(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
}
