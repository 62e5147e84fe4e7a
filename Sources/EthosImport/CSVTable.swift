import CSV
import Foundation

/// One record of a CSV file and the line it starts on (1-based, counting the
/// line breaks inside quoted fields of the records before it).
public struct CSVRecord: Sendable, Equatable {
  public var line: Int
  public var fields: [String]

  public init(line: Int, fields: [String]) {
    self.line = line
    self.fields = fields
  }
}

/// The records of a CSV file, read with yaslab/CSV.swift (see Package.swift
/// for why that library). Blank lines are skipped; the first record is the
/// header.
public struct CSVTable: Sendable {
  public var header: [String]
  public var headerLine: Int
  public var records: [CSVRecord]

  /// Files larger than this are refused rather than read into memory whole.
  public static let maxBytes = 1 << 30

  /// Reads `path`. Throws for a file that cannot be read, is empty, or is not
  /// UTF-8 text; a ragged row is left to the importer (it knows the line).
  public static func read(path: String) throws(ImportError) -> CSVTable {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
      throw .noSuchFile
    }
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    guard attributes?[.type] as? FileAttributeType == .typeRegular else {
      throw .notRegularFile
    }
    if let size = attributes?[.size] as? Int, size > maxBytes {
      throw .tooLarge(size, most: maxBytes)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .cannotRead(line: 0)
    }
    return try read(bytes: [UInt8](data))
  }

  /// Reads CSV held in memory. The text is checked to be UTF-8 first (the
  /// error names the line of the first bad byte) and a byte-order mark is
  /// dropped; CSV.swift then splits it from the String, which is several
  /// times faster than its byte-at-a-time InputStream path.
  public static func read(bytes: [UInt8]) throws(ImportError) -> CSVTable {
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    guard let text = String(validating: body, as: UTF8.self) else {
      throw .notUTF8(line: firstInvalidLine(body))
    }
    let reader: CSVReader
    do {
      reader = try CSVReader(string: text, hasHeaderRow: false)
    } catch {
      throw .cannotRead(line: 1, error)
    }
    var header: [String]?
    var headerLine = 0
    var records: [CSVRecord] = []
    var line = 1
    while let fields = reader.next() {
      let start = line
      let (breaks, holdsNUL) = CSVTable.scan(fields)
      line += 1 + breaks
      try CSVTable.check(reader.error, line: start)
      if holdsNUL {
        throw .holdsNUL(line: start)
      }
      if fields.count == 1, fields[0].isEmpty { continue }  // a blank line
      if header == nil {
        header = fields.map { $0.trimmingCharacters(in: .whitespaces) }
        headerLine = start
      } else {
        records.append(CSVRecord(line: start, fields: fields))
      }
    }
    try CSVTable.check(reader.error, line: line)
    guard let header else {
      throw .empty
    }
    return CSVTable(header: header, headerLine: headerLine, records: records)
  }

  /// The line holding the first byte that is not part of valid UTF-8.
  static func firstInvalidLine(_ bytes: ArraySlice<UInt8>) -> Int {
    var line = 1
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let byte = bytes[index]
      let length: Int
      switch byte {
      case 0x00...0x7F: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return line
      }
      guard index + length <= bytes.endIndex else { return line }
      let sequence = bytes[index..<(index + length)]
      if length > 1, String(validating: sequence, as: UTF8.self) == nil { return line }
      if byte == 0x0A { line += 1 }
      index += length
    }
    return line
  }

  /// The reader's error, if it is one: running out of bytes is how it says
  /// the file ended.
  static func check(_ error: (any Error)?, line: Int) throws(ImportError) {
    guard let error else { return }
    switch error {
    case CSVError.cannotReadFile:
      return
    case CSVError.unicodeDecoding:
      throw .notUTF8(line: line)
    default:
      throw .cannotRead(line: line, error)
    }
  }

  /// The line breaks a record's quoted fields hold (CRLF, LF and a lone CR
  /// count one each) and whether any field holds a NUL byte, in one pass
  /// over the bytes.
  static func scan(_ fields: [String]) -> (breaks: Int, holdsNUL: Bool) {
    var count = 0
    var holdsNUL = false
    for var field in fields {
      field.withUTF8 { bytes in
        var previousCR = false
        for byte in bytes {
          // Nearly every byte is none of the three.
          guard byte <= 0x0D else {
            previousCR = false
            continue
          }
          if byte == 0x0A {
            if !previousCR { count += 1 }
            previousCR = false
          } else if byte == 0x0D {
            count += 1
            previousCR = true
          } else {
            if byte == 0 { holdsNUL = true }
            previousCR = false
          }
        }
      }
    }
    return (count, holdsNUL)
  }

}
