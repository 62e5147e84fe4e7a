import EthosJSON
import EthosLanguage

/// Turns query documents into lines of text: `table`, `json` or `csv` (SPEC §6).
/// The document is the contract; rendering only presents it.
public enum Renderer {
  public static func render(_ document: JSON, query: Query, format: OutputFormat) -> [String] {
    switch format {
    case .json: return document.pretty.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    case .csv: return csv(document, query: query)
    case .table: return table(document, query: query)
    }
  }

  // MARK: table

  static func table(_ document: JSON, query: Query) -> [String] {
    if case .matrix = query, let cells = document["cells"] { return matrixGrid(document, cells: cells) }
    if let items = document["items"]?.arrayValue {
      return items.isEmpty ? ["(none)"] : grid(items)
    }
    return keyValues(document)
  }

  static func matrixGrid(_ document: JSON, cells: JSON) -> [String] {
    func cell(_ audience: String, _ condition: String) -> String {
      guard let cell = cells[audience]?[condition] else { return "" }
      let n = cell["interactions"]?.intValue ?? 0
      return "n=\(n)  mean=\(signed(cell["mean"]))  positive=\(percent(cell["positive"]))"
    }
    let rows = [
      ["", "normal", "stress"],
      ["customers", cell("customers", "normal"), cell("customers", "stress")],
      ["staff", cell("staff", "normal"), cell("staff", "stress")],
    ]
    var lines = align(rows, separator: " │ ")
    let width = lines.map(\.count).max() ?? 0
    lines.insert(String(repeating: "─", count: width), at: 1)
    let gap = document["stressGap"]
    lines.append(
      "balance \(plain(document["balance"]))   weakest \(plain(document["weakest"]))   "
        + "stress gap: customers \(signed(gap?["customers"])), staff \(signed(gap?["staff"]))")
    return lines
  }

  /// Rows of objects as aligned columns, keys of the first item first.
  static func grid(_ items: [JSON]) -> [String] {
    var columns = [String]()
    for item in items {
      for key in item.objectValue?.keys ?? [] where !columns.contains(key) { columns.append(key) }
    }
    var rows = [columns]
    for item in items {
      rows.append(columns.map { plain(item[$0]) })
    }
    var lines = align(rows, separator: "  ")
    lines.insert(String(repeating: "─", count: lines.first?.count ?? 0), at: 1)
    return lines
  }

  /// Nested objects flattened to `key.key  value` lines.
  static func keyValues(_ document: JSON) -> [String] {
    var rows = [[String]]()
    flatten(document, prefix: "") { rows.append([$0, $1]) }
    return align(rows, separator: "  ")
  }

  static func flatten(_ value: JSON, prefix: String, _ body: (String, String) -> Void) {
    switch value {
    case .object(let object):
      for (key, child) in object.pairs { flatten(child, prefix: prefix.isEmpty ? key : prefix + "." + key, body) }
    case .array(let items) where items.contains(where: { $0.objectValue != nil || $0.arrayValue != nil }):
      for (index, child) in items.enumerated() { flatten(child, prefix: "\(prefix).\(index)", body) }
    default:
      body(prefix, plain(value))
    }
  }

  static func align(_ rows: [[String]], separator: String) -> [String] {
    let count = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: count)
    for row in rows {
      for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) }
    }
    return rows.map { row in
      var line = ""
      for (index, text) in row.enumerated() {
        if index > 0 { line += separator }
        line += index == row.count - 1 ? text : text + String(repeating: " ", count: widths[index] - text.count)
      }
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }
  }

  /// A value as table text: `—` for null, lists comma-joined.
  static func plain(_ value: JSON?) -> String {
    switch value {
    case nil, .null?: return "—"
    case .bool(let flag)?: return flag ? "yes" : "no"
    case .int(let number)?: return String(number)
    case .double(let number)?: return JSON.double(number).compact
    case .string(let text)?: return text
    case .array(let items)?: return items.map { plain($0) }.joined(separator: ",")
    case .object?: return value?.compact ?? ""
    }
  }

  static func signed(_ value: JSON?) -> String {
    guard let number = value?.number else { return "—" }
    return number > 0 ? "+" + plain(value) : plain(value)
  }

  static func percent(_ value: JSON?) -> String {
    guard let number = value?.number else { return "—" }
    let tenths = (number * 1000).rounded()
    return "\(Int(tenths) / 10).\(abs(Int(tenths)) % 10)%"
  }

  // MARK: csv

  static func csv(_ document: JSON, query: Query) -> [String] {
    if case .matrix = query, let cells = document["cells"] {
      var lines = ["audience,condition,interactions,mean,positive"]
      for audience in ["customers", "staff"] {
        for condition in ["normal", "stress"] {
          let cell = cells[audience]?[condition]
          lines.append(
            [audience, condition, csvValue(cell?["interactions"]), csvValue(cell?["mean"]), csvValue(cell?["positive"])]
              .joined(separator: ","))
        }
      }
      return lines
    }
    if let items = document["items"]?.arrayValue {
      var columns = [String]()
      for item in items {
        for key in item.objectValue?.keys ?? [] where !columns.contains(key) { columns.append(key) }
      }
      return [columns.map(csvField).joined(separator: ",")]
        + items.map { item in columns.map { csvValue(item[$0]) }.joined(separator: ",") }
    }
    var lines = ["path,value"]
    flattenRaw(document, prefix: "") { lines.append(csvField($0) + "," + csvValue($1)) }
    return lines
  }

  static func flattenRaw(_ value: JSON, prefix: String, _ body: (String, JSON) -> Void) {
    switch value {
    case .object(let object):
      for (key, child) in object.pairs { flattenRaw(child, prefix: prefix.isEmpty ? key : prefix + "." + key, body) }
    case .array(let items) where items.contains(where: { $0.objectValue != nil || $0.arrayValue != nil }):
      for (index, child) in items.enumerated() { flattenRaw(child, prefix: "\(prefix).\(index)", body) }
    default:
      body(prefix, value)
    }
  }

  static func csvValue(_ value: JSON?) -> String {
    switch value {
    case nil, .null?: return ""
    default: return csvField(plain(value))
    }
  }

  static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
  }
}

extension String {
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var result = ""
    for character in self {
      if character == target { result += replacement } else { result.append(character) }
    }
    return result
  }
}
