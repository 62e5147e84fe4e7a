import EthosDomain
import EthosJSON
import EthosLanguage

/// Turns query documents into lines of text: `table`, `json` or `csv` (SPEC §6).
/// The document is the contract; rendering only presents it.
public enum Renderer {
  /// `color` allows ANSI colour in tables (a terminal without `NO_COLOR`);
  /// `layout` is the width tables must fit; `pretty` spreads JSON over lines
  /// (else one compact line: JSON Lines).
  public static func render(
    _ document: JSON, query: Query, format: OutputFormat, color: Bool = false, layout: Layout = .unbounded,
    pretty: Bool = true
  ) -> [String] {
    switch format {
    case .json:
      return pretty
        ? document.pretty.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) : [document.compact]
    case .csv: return csv(document, query: query)
    case .table: return fit(table(document, query: query, color: color, layout: layout), layout: layout)
    }
  }

  // MARK: table

  static func table(_ document: JSON, query: Query, color: Bool = false, layout: Layout = .unbounded) -> [String] {
    switch query {
    case .matrix:
      if let cells = document["cells"] { return matrixGrid(document, cells: cells, layout: layout) }
    case .culture:
      return culture(document, color: color, layout: layout)
    case .who:
      return who(document, layout: layout)
    case .trend:
      return trend(document, layout: layout)
    default:
      break
    }
    if let items = document["items"]?.arrayValue {
      return items.isEmpty ? ["(none)"] : grid(items, columns: tableColumns(query), layout: layout)
    }
    return keyValues(document, layout: layout)
  }

  /// The columns a list shows as a table (all of them in json and csv).
  static func tableColumns(_ query: Query) -> [String]? {
    switch query {
    case .employees:
      return [
        "id", "name", "dept", "level", "facing", "champion", "team", "served", "meanServed", "pulse", "trained",
        "active",
      ]
    case .customers:
      return [
        "id", "name", "segment", "interactions", "meanOutcome", "lastOutcome", "complaints", "feedback", "meanFeedback",
        "openLoops", "active",
      ]
    case .partners:
      return ["id", "name", "kind", "interactions", "meanOutcome", "active"]
    case .promises:
      return ["id", "by", "to", "due", "status", "closedAt", "what"]
    case .stresses:
      return ["id", "kind", "severity", "scope", "beganAt", "endedAt", "days", "note"]
    case .plan:
      return ["deficiency", "what", "area", "action", "owner", "due", "status", "task"]
    case .history:
      return ["seq", "occurredAt", "recordedAt", "actor", "type", "summary", "retracted"]
    default:
      return nil
    }
  }

  /// ANSI colours for statuses and verdicts, or the plain text.
  static func paint(_ text: String, _ word: String?, color: Bool) -> String {
    guard color else { return text }
    let code: String
    switch word {
    case "good"?, "strategy"?: code = "32"
    case "watch"?, "unknown"?: code = "33"
    case "poor"?, "tactic"?: code = "31"
    default: return text
    }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
  }

  /// The scorecard: the verdict and its reasons, then one row per indicator.
  static func culture(_ document: JSON, color: Bool, layout: Layout = .unbounded) -> [String] {
    let asOf = document["asOf"]
    let verdict = document["verdict"]?.stringValue ?? "unknown"
    let window = document["window"]?.stringValue.map { ", window \($0)" } ?? ""
    var lines = ["culture as of @\(plain(asOf?["seq"])) (\(plain(asOf?["time"])))\(window)"]
    lines.append("verdict: " + paint(verdict, verdict, color: color))
    for reason in document["reasons"]?.arrayValue ?? [] {
      lines += wrap("  - " + plain(reason), width: layout.width, indent: "    ")
    }
    lines.append("")
    // n before status, so the status ends the line and can be coloured there.
    var rows = [["indicator", "value", "n", "status"]]
    var statuses: [String?] = [nil]
    for (name, indicator) in document["indicators"]?.objectValue?.pairs ?? [] {
      let status = indicator["status"]?.stringValue
      rows.append([name, plain(indicator["value"]), plain(indicator["n"]), status ?? "—"])
      statuses.append(status)
    }
    var table = align(rows, separator: "  ")
    if color {
      // Colour after aligning, so escape codes do not count as width.
      for index in table.indices {
        guard let status = statuses[index], table[index].hasSuffix(status) else { continue }
        table[index] = String(table[index].dropLast(status.count)) + paint(status, status, color: true)
      }
    }
    table.insert(String(repeating: "─", count: table.first.map { max($0.count, 30) } ?? 30), at: 1)
    return lines + table
  }

  /// A party's profile as key/value lines, then its latest events.
  static func who(_ document: JSON, layout: Layout = .unbounded) -> [String] {
    var lines = ["\(plain(document["kind"])) \(plain(document["id"]))"]
    var rows = [[String]]()
    for (key, value) in document["profile"]?.objectValue?.pairs ?? [] where key != "id" {
      rows.append(["  " + key, plain(value)])
    }
    lines += align(rows, separator: "  ")
    let events = document["events"]?["items"]?.arrayValue ?? []
    lines.append("")
    lines.append("last \(events.count) event\(events.count == 1 ? "" : "s")")
    lines +=
      events.isEmpty
      ? ["(none)"] : grid(events, columns: ["seq", "occurredAt", "type", "summary", "retracted"], layout: layout)
    return lines
  }

  /// A trend's points and a sparkline of its numeric values.
  static func trend(_ document: JSON, layout: Layout = .unbounded) -> [String] {
    let points = document["points"]?.arrayValue ?? []
    var lines = ["trend \(plain(document["path"])) by \(plain(document["by"]))"]
    guard !points.isEmpty else { return lines + ["(no events)"] }
    var rows = [["from", "to", "value"]]
    for point in points {
      rows.append([plain(point["from"]), plain(point["to"]), plain(point["value"])])
    }
    var table = align(rows, separator: "  ")
    table.insert(String(repeating: "─", count: table.first?.count ?? 0), at: 1)
    lines += table
    let values = points.map { $0["value"]?.number }
    let numbers = values.compactMap { $0 }
    if let low = numbers.min(), let high = numbers.max() {
      // A long trend is averaged down to the width the line has (80 off a terminal).
      let range = "  (" + JSON.double(low).compact + " … " + JSON.double(high).compact + ")"
      let room = max(8, (layout.width ?? 80) - DisplayWidth.of(range))
      lines.append("")
      lines.append(sparkline(bucketed(values, count: room)) + range)
    }
    return lines
  }

  /// One bar per value, scaled between the lowest and highest; a space for no value.
  public static func sparkline(_ values: [Double?]) -> String {
    let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    let numbers = values.compactMap { $0 }
    guard let low = numbers.min(), let high = numbers.max() else { return "" }
    return String(
      values.map { value -> Character in
        guard let value else { return " " }
        guard high > low else { return bars[3] }
        let index = Int(((value - low) / (high - low) * Double(bars.count - 1)).rounded())
        return bars[min(max(index, 0), bars.count - 1)]
      })
  }

  static func matrixGrid(_ document: JSON, cells: JSON, layout: Layout = .unbounded) -> [String] {
    func parts(_ audience: String, _ condition: String) -> [String] {
      guard let cell = cells[audience]?[condition] else { return ["", "", ""] }
      let n = cell["interactions"]?.intValue ?? 0
      return ["n=\(n)", "mean=\(signed(cell["mean"]))", "positive=\(percent(cell["positive"]))"]
    }
    var rows = [
      ["", "normal", "stress"],
      [
        "customers", parts("customers", "normal").joined(separator: "  "),
        parts("customers", "stress").joined(separator: "  "),
      ],
      ["staff", parts("staff", "normal").joined(separator: "  "), parts("staff", "stress").joined(separator: "  ")],
    ]
    var lines = align(rows, separator: " │ ")
    if let width = layout.width, (lines.map(DisplayWidth.of).max() ?? 0) > width {
      // Too narrow for a cell on one line: one figure per line.
      rows = [["", "normal", "stress"]]
      for audience in ["customers", "staff"] {
        let normal = parts(audience, "normal")
        let stress = parts(audience, "stress")
        for index in 0..<3 { rows.append([index == 0 ? audience : "", normal[index], stress[index]]) }
      }
      lines = align(rows, separator: " │ ")
    }
    let width = lines.map(DisplayWidth.of).max() ?? 0
    lines.insert(String(repeating: "─", count: width), at: 1)
    let gap = document["stressGap"]
    let figures = "balance \(plain(document["balance"]))   weakest \(plain(document["weakest"]))"
    let gaps = "stress gap: customers \(signed(gap?["customers"])), staff \(signed(gap?["staff"]))"
    if let limit = layout.width, DisplayWidth.of(figures + "   " + gaps) > limit {
      lines += [figures, gaps]
    } else {
      lines.append(figures + "   " + gaps)
    }
    return lines
  }

  /// Rows of objects as aligned columns, keys of the first item first.
  static func grid(_ items: [JSON], columns chosen: [String]? = nil, layout: Layout = .unbounded) -> [String] {
    var columns = [String]()
    for item in items {
      for key in item.objectValue?.keys ?? [] where !columns.contains(key) { columns.append(key) }
    }
    if let chosen { columns = chosen.filter(columns.contains) }
    var rows = [columns]
    for item in items {
      rows.append(columns.map { cell(item[$0]) })
    }
    return fitTable(rows, layout: layout)
  }

  /// A value as a table cell: `—` for nothing, an empty list included.
  public static func cell(_ value: JSON?) -> String {
    if case .array(let items)? = value, items.isEmpty { return "—" }
    return plain(value)
  }

  /// Nested objects flattened to `key.key  value` lines, values cut to the width.
  static func keyValues(_ document: JSON, layout: Layout = .unbounded) -> [String] {
    var rows = [[String]]()
    flatten(document, prefix: "") { rows.append([$0, plain($1)]) }
    if let width = layout.width {
      let keyWidth = rows.map { DisplayWidth.of($0[0]) }.max() ?? 0
      let room = max(8, width - keyWidth - 2)
      rows = rows.map { [$0[0], DisplayWidth.cut($0[1], to: room)] }
    }
    return align(rows, separator: "  ")
  }

  static func align(_ rows: [[String]], separator: String) -> [String] {
    let count = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: count)
    for row in rows {
      for (index, text) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.of(text)) }
    }
    return rows.map { row in
      var line = ""
      for (index, text) in row.enumerated() {
        if index > 0 { line += separator }
        line += index == row.count - 1 ? text : DisplayWidth.pad(text, to: widths[index])
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
    case .string(let text)?: return visible(text)
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
    if case .culture = query, let indicators = document["indicators"]?.objectValue {
      var lines = ["indicator,value,status"]
      lines.append("verdict," + csvValue(document["verdict"]) + ",")
      for (name, indicator) in indicators.pairs {
        lines.append(
          [csvField(name), csvValue(indicator["value"]), csvValue(indicator["status"])].joined(separator: ","))
      }
      return lines
    }
    if case .trend = query, let points = document["points"]?.arrayValue {
      return ["from,to,value"]
        + points.map { [csvValue($0["from"]), csvValue($0["to"]), csvValue($0["value"])].joined(separator: ",") }
    }
    if case .matrix = query, let cells = document["cells"] {
      var lines = ["audience,condition,interactions,mean,positive"]
      for audience in ["customers", "staff"] {
        for condition in ["normal", "stress"] {
          let cell = cells[audience]?[condition]
          lines.append(
            [
              audience, condition, csvValue(cell?["interactions"]), csvValue(cell?["mean"]),
              csvValue(cell?["positive"]),
            ]
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
      // No rows still gives the header a program reading the file expects.
      if items.isEmpty { columns = csvColumns(query) }
      return [columns.map(csvField).joined(separator: ",")]
        + items.map { item in columns.map { csvValue(item[$0]) }.joined(separator: ",") }
    }
    var lines = ["path,value"]
    flatten(document, prefix: "") { lines.append(csvField($0) + "," + csvValue($1)) }
    return lines
  }

  /// Calls `body` with the path and value of every leaf of `value`; lists of
  /// scalars count as one leaf.
  static func flatten(_ value: JSON, prefix: String, _ body: (String, JSON) -> Void) {
    switch value {
    case .object(let object):
      for (key, child) in object.pairs { flatten(child, prefix: prefix.isEmpty ? key : prefix + "." + key, body) }
    case .array(let items) where items.contains(where: { $0.objectValue != nil || $0.arrayValue != nil }):
      for (index, child) in items.enumerated() { flatten(child, prefix: "\(prefix).\(index)", body) }
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
    // A spreadsheet runs a cell starting with one of these as a formula
    // (OWASP's CSV injection advice: prefix a quote); numbers stay numbers.
    if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isNumber(text) {
      return csvField("'" + text)
    }
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
  }
}

extension Renderer {
  /// `text` with the characters that would reorder or hide what a table
  /// shows (a bidi override in a name) or break its lines written as
  /// `\u{202E}`; a name needing none is returned as it is.
  static func visible(_ text: String) -> String {
    func shown(_ scalar: Unicode.Scalar) -> Bool {
      !EventLimits.isHidden(scalar) && scalar != "\u{2028}" && scalar != "\u{2029}"
    }
    guard !text.unicodeScalars.allSatisfy(shown) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
      if shown(scalar) {
        result.unicodeScalars.append(scalar)
      } else {
        result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      }
    }
    return result
  }

  /// `-2`, `-0.5`, `1e3`: a plain JSON number, which no spreadsheet runs.
  static func isNumber(_ text: String) -> Bool {
    var bytes = Substring(text).utf8[...]
    if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
    let digits = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }
    guard !digits.isEmpty else { return false }
    bytes = bytes.dropFirst(digits.count)
    if bytes.first == UInt8(ascii: ".") {
      let fraction = bytes.dropFirst().prefix { $0 >= 0x30 && $0 <= 0x39 }
      guard !fraction.isEmpty else { return false }
      bytes = bytes.dropFirst(1 + fraction.count)
    }
    if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
      bytes = bytes.dropFirst()
      if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
      let exponent = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }
      guard !exponent.isEmpty else { return false }
      bytes = bytes.dropFirst(exponent.count)
    }
    return bytes.isEmpty
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
