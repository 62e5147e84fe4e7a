import EthosDomain

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Checkpoint {
  /// The largest file read as a checkpoint; a record is under 500 bytes.
  public static let maximumSize = 64 * 1024

  /// Reads a record from the bytes of a file named `name` (for messages).
  ///
  /// Accepts what mail and editors do to text: a byte-order mark, CRLF line
  /// ends, spaces around values, blank lines and `#` comment lines, and hex
  /// in either case. Anything else that is not exactly one of each field is
  /// refused, naming the line and the field.
  public static func parse(_ bytes: [UInt8], name: String) throws(CheckpointError) -> Checkpoint {
    guard bytes.count <= maximumSize else { throw .malformed(name, "is too large to be a checkpoint") }
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
      throw .malformed(name, "is empty")
    }
    if body.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }) {
      throw .malformed(name, "is not text (it holds control bytes)")
    }
    guard let text = String(validating: body, as: UTF8.self) else {
      throw .malformed(name, "is not text (it is not UTF-8)")
    }
    var values = [String: (value: String, line: Int)]()
    var sawHeader = false
    var number = 0
    // `isNewline` splits at LF, CR and CRLF (one Character in Swift) alike.
    for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
      number += 1
      let line = raw.trimmed
      if line.isEmpty || line.hasPrefix("#") { continue }
      if !sawHeader {
        guard line == header else {
          if line.hasPrefix("ethos checkpoint v") {
            throw .malformed(name, "is a checkpoint of format \(line.dropFirst(17)); this ethos reads v1")
          }
          throw .malformed(name, "does not start with '\(header)' (line \(number)) — is it a checkpoint?")
        }
        sawHeader = true
        continue
      }
      guard let colon = line.firstIndex(of: ":") else {
        throw .malformed(name, "line \(number) is not 'field: value'")
      }
      let field = String(line[..<colon].trimmed)
      let value = String(line[line.index(after: colon)...].trimmed)
      guard fields.contains(field) else {
        throw .malformed(
          name,
          "line \(number) has an unknown field '\(field.shown)' (a checkpoint has "
            + fields.joined(separator: ", ") + ")")
      }
      if let earlier = values[field] {
        throw .malformed(name, "has two '\(field)' lines (\(earlier.line) and \(number))")
      }
      values[field] = (value, number)
    }
    let missing = fields.filter { values[$0] == nil }
    guard missing.isEmpty else {
      let list = missing.map { "'\($0)'" }.joined(separator: ", ")
      throw .malformed(name, "has no \(list) line\(missing.count == 1 ? "" : "s") (cut short?)")
    }
    func value(_ field: String) -> (String, Int) { values[field].map { ($0.value, $0.line) } ?? ("", 0) }
    func hex(_ field: String, bytes: Int) throws(CheckpointError) -> [UInt8] {
      let (text, line) = value(field)
      guard let decoded = Hex.decode(text), decoded.count == bytes else {
        throw .malformed(name, "line \(line): '\(field)' must be \(bytes * 2) hex digits")
      }
      return decoded
    }
    let log = Hex.encode(try hex("log", bytes: 32))
    let hash = Hex.encode(try hex("hash", bytes: 32))
    let publicKey = try hex("public-key", bytes: 32)
    let signature = try hex("signature", bytes: 64)
    let (branch, branchLine) = value("branch")
    guard !branch.isEmpty, branch.unicodeScalars.count <= 200 else {
      throw .malformed(name, "line \(branchLine): 'branch' must name a branch")
    }
    let (seqText, seqLine) = value("seq")
    guard let seq = Int(seqText), seq >= 1, String(seq) == seqText else {
      throw .malformed(name, "line \(seqLine): 'seq' must be a whole number from 1 up (got '\(seqText.shown)')")
    }
    let (timeText, timeLine) = value("time")
    guard let time = Timestamp(parsing: timeText) else {
      throw .malformed(name, "line \(timeLine): 'time' must be a time like 2021-06-01T12:00:00Z")
    }
    return Checkpoint(
      log: log, branch: branch, seq: seq, hash: hash, time: time, publicKey: publicKey, signature: signature)
  }
}

/// Lowercase hex, both ways.
enum Hex {
  static func encode(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes `text` spells in hex (either case), or `nil`.
  static func decode(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
      default: return nil
      }
    }
    var bytes = [UInt8]()
    bytes.reserveCapacity(utf8.count / 2)
    var index = 0
    while index < utf8.count {
      guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    return bytes
  }
}

extension StringProtocol {
  /// Without spaces, tabs and carriage returns at either end.
  var trimmed: Substring {
    var text = self[...]
    while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
    return Substring(text)
  }

  /// At most 40 characters of a value read from a file, for a message.
  var shown: String { count > 40 ? String(prefix(40)) + "…" : String(self) }
}

extension Checkpoint {
  /// Reads and parses the checkpoint file at `path` (`-`: standard input).
  public static func read(path: String) throws(CheckpointError) -> Checkpoint {
    let name = path == "-" ? "standard input" : path
    let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .cannotRead(name, String(cString: strerror(errno))) }
    defer { if fd != 0 { close(fd) } }
    var info = stat()
    if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { throw .cannotRead(name, "it is a directory") }
    var bytes = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while bytes.count <= maximumSize {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        throw .cannotRead(name, String(cString: strerror(errno)))
      }
      bytes += buffer[..<count]
    }
    return try parse(bytes, name: name)
  }

  /// The raw public key that 64 hex digits spell (`verify --signer`).
  public static func publicKey(hex text: String) throws(CheckpointError) -> [UInt8] {
    guard let bytes = Hex.decode(String(text.trimmed)), bytes.count == 32 else { throw .badSigner }
    return bytes
  }
}
