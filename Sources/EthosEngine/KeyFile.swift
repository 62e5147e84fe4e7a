import EthosDomain
import EthosJSON
import EthosStore
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The keys of a full backup (`ethos export --keys FILE`, SPEC §13): JSON
/// Lines, one `{"party": ID, "key": BASE64}` per party not forgotten. Whoever
/// holds this file can read every name and text of the log: it is written
/// readable by its owner only.
enum KeyFile {
  /// Writes `keys` to `path` (mode 0600, replacing what was there).
  static func write(_ keys: [String: [UInt8]], to path: String) throws(EngineError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw EngineError.keyFileUnwritable(path, String(cString: strerror(errno))) }
    defer { close(fd) }
    // A file that existed keeps its mode on open: tighten it.
    _ = fchmod(fd, 0o600)
    var text = ""
    for party in keys.keys.sorted() {
      let line = JSON.object(
        JSONObject([("party", .string(party)), ("key", .string(Data(keys[party]!).base64EncodedString()))]))
      text += line.compact + "\n"
    }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      guard n > 0 else { throw EngineError.keyFileUnwritable(path, String(cString: strerror(errno))) }
      written += n
    }
    guard fsync(fd) == 0 else { throw EngineError.keyFileUnwritable(path, String(cString: strerror(errno))) }
  }

  /// Reads a key file: every line checked, the first bad one named.
  static func read(_ path: String) throws(EngineError) -> [String: [UInt8]] {
    guard let reader = LineReader(path: path, maxLength: 4096) else {
      throw EngineError.keyFileUnreadable(path, String(cString: strerror(errno)))
    }
    var keys: [String: [UInt8]] = [:]
    var number = 0
    while let bytes = reader.next() {
      number += 1
      if reader.overlongLine != nil { break }
      if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      guard let text = String(validating: bytes, as: UTF8.self), let json = try? JSON.parse(text),
        case .string(let party)? = json["party"], case .string(let encoded)? = json["key"]
      else {
        throw EngineError.keyFileBad(path, line: number, "not a key line ({\"party\": ID, \"key\": BASE64})")
      }
      guard EventLimits.isId(party) else { throw EngineError.keyFileBad(path, line: number, "'\(party)' is not an id") }
      guard let data = Data(base64Encoded: encoded), data.count == PartyKeys.keyLength else {
        throw EngineError.keyFileBad(
          path, line: number,
          "the key of '\(party)' is not \(PartyKeys.keyLength) bytes in base64 — the file is damaged")
      }
      guard keys[party] == nil else {
        throw EngineError.keyFileBad(path, line: number, "'\(party)' has a key on an earlier line too")
      }
      keys[party] = Array(data)
    }
    if let line = reader.overlongLine {
      throw EngineError.keyFileBad(path, line: line, "the line is longer than any key line can be")
    }
    return keys
  }
}
