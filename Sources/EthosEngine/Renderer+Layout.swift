import EthosJSON
import EthosLanguage

/// How table output is laid out: the width it must fit (`nil`: no limit, as
/// in a pipe or a file) and `set expanded` (SPEC §6).
public struct Layout: Sendable, Equatable {
  public var width: Int?
  public var expanded: Expanded

  public init(width: Int? = nil, expanded: Expanded = .auto) {
    self.width = width.map { max($0, 20) }
    self.expanded = expanded
  }

  public static let unbounded = Layout()
}

/// Display width as a terminal counts it: CJK and emoji take two columns,
/// combining marks none, ANSI colour codes none.
public enum DisplayWidth {
  public static func of(_ text: String) -> Int {
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
    var width = 0
    var escape = false
    for character in text {
      if escape {
        // An SGR sequence ends with a letter (`\e[0m`).
        if character.isLetter { escape = false }
        continue
      }
      if character == "\u{1B}" {
        escape = true
        continue
      }
      width += of(character)
    }
    return width
  }

  public static func of(_ character: Character) -> Int {
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    let value = first.value
    if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
    if value < 0x7F { return 1 }
    if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }  // emoji presentation selector
    if first.properties.isEmojiPresentation { return 2 }
    if isWide(value) { return 2 }
    switch first.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: return 1
    }
  }

  /// East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth.txt, W and F).
  static func isWide(_ value: UInt32) -> Bool {
    switch value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
      0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// `text` cut to `width` display columns, ending in `…` when cut.
  public static func cut(_ text: String, to width: Int) -> String {
    guard of(text) > width else { return text }
    guard width > 0 else { return "" }
    var result = ""
    var used = 0
    var escape = false
    var colored = false
    for character in text {
      if escape {
        result.append(character)
        if character.isLetter { escape = false }
        continue
      }
      if character == "\u{1B}" {
        escape = true
        colored = true
        result.append(character)
        continue
      }
      let w = of(character)
      if used + w > width - 1 { break }
      result.append(character)
      used += w
    }
    return result + "…" + (colored ? "\u{1B}[0m" : "")
  }

  /// `text` padded with spaces to `width` display columns.
  static func pad(_ text: String, to width: Int) -> String {
    let missing = width - of(text)
    return missing > 0 ? text + String(repeating: " ", count: missing) : text
  }
}

extension Renderer {
  /// The csv header of a list with no rows: the keys its items have
  /// (ListDocuments; a test checks they agree).
  static func csvColumns(_ query: Query) -> [String] {
    switch query {
    case .employees:
      return [
        "id", "name", "dept", "role", "level", "facing", "orientation", "skills", "champion", "team", "served",
        "meanServed", "received", "meanReceived", "trained", "active", "hiredAt", "departedAt",
      ]
    case .customers:
      return [
        "id", "name", "segment", "interactions", "meanOutcome", "lastOutcome", "complaints", "feedback", "meanFeedback",
        "openLoops", "active", "registeredAt", "lostAt", "lostReason",
      ]
    case .partners: return ["id", "name", "kind", "interactions", "meanOutcome", "active", "engagedAt", "releasedAt"]
    case .champions: return ["id", "name", "dept", "level", "area", "served", "meanServed"]
    case .team: return ["id", "name", "dept", "role", "level", "champion"]
    case .promises: return ["id", "by", "to", "what", "madeAt", "due", "status", "closedAt"]
    case .stresses: return ["id", "kind", "severity", "scope", "note", "beganAt", "endedAt", "open", "days"]
    case .plan:
      return [
        "deficiency", "what", "area", "baseline", "target", "current", "met", "action", "task", "owner", "due",
        "status",
        "doneAt",
      ]
    case .atRisk:
      return ["id", "name", "segment", "lastOutcome", "interactions", "meanOutcome", "feedback", "meanFeedback"]
    case .history: return ["seq", "type", "occurredAt", "recordedAt", "actor", "origin", "summary", "retracted"]
    default: return []
    }
  }

  /// Columns of free text: cut first when a table is too wide.
  static let textColumns: Set<String> = [
    "name", "summary", "what", "note", "task", "area", "role", "segment", "text", "comment", "reason", "trained",
    "scope", "kind", "type", "actor", "origin", "dept",
  ]

  /// Rows (the first one the header) as a table that fits `layout`: aligned
  /// columns with a rule under the header; too wide, free-text columns are
  /// cut with `…`; still too wide (or `expanded on`), one record per block
  /// under `auto` and `on`, every column cut under `off`.
  static func fitTable(_ rows: [[String]], layout: Layout, cuttable: Set<Int>? = nil) -> [String] {
    guard let header = rows.first else { return [] }
    if layout.expanded == .on { return expandedBlocks(rows, layout: layout) }
    var widths = [Int](repeating: 0, count: header.count)
    for row in rows {
      for (index, text) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], DisplayWidth.of(text))
      }
    }
    let separators = 2 * max(0, widths.count - 1)
    if let width = layout.width, widths.reduce(separators, +) > width {
      let first = cuttable ?? Set(header.indices.filter { textColumns.contains(header[$0]) })
      shrink(&widths, columns: first, to: width - separators, floor: { max(8, min(DisplayWidth.of(header[$0]), 12)) })
      if widths.reduce(separators, +) > width {
        if layout.expanded == .auto { return expandedBlocks(rows, layout: layout) }
        shrink(&widths, columns: Set(widths.indices), to: width - separators, floor: { _ in 3 })
      }
    }
    var lines = rows.map { row in
      var line = ""
      for (index, text) in row.enumerated() where index < widths.count {
        if index > 0 { line += "  " }
        let cell = DisplayWidth.cut(text, to: widths[index])
        line += index == row.count - 1 ? cell : DisplayWidth.pad(cell, to: widths[index])
      }
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }
    let ruleWidth = lines.first.map(DisplayWidth.of) ?? 0  // as wide as the header
    lines.insert(String(repeating: "─", count: ruleWidth), at: 1)
    return lines
  }

  /// Narrows the widest of `columns` one step at a time until the widths sum
  /// to `target` or every one of them is at its floor.
  static func shrink(_ widths: inout [Int], columns: Set<Int>, to target: Int, floor: (Int) -> Int) {
    var total = widths.reduce(0, +)
    while total > target {
      guard let widest = columns.filter({ widths[$0] > floor($0) }).max(by: { widths[$0] < widths[$1] }) else { return }
      widths[widest] -= 1
      total -= 1
    }
  }

  /// One block per record: a `─[ N ]` line, then `key  value` lines.
  static func expandedBlocks(_ rows: [[String]], layout: Layout) -> [String] {
    guard let header = rows.first else { return [] }
    let keyWidth = header.map(DisplayWidth.of).max() ?? 0
    let valueWidth = layout.width.map { max(4, $0 - keyWidth - 2) }
    var blocks = [[String]]()
    for row in rows.dropFirst() {
      var block = [String]()
      for (index, key) in header.enumerated() {
        let value = index < row.count ? row[index] : ""
        var line =
          DisplayWidth.pad(key, to: keyWidth) + "  " + (valueWidth.map { DisplayWidth.cut(value, to: $0) } ?? value)
        while line.hasSuffix(" ") { line.removeLast() }
        block.append(line)
      }
      blocks.append(block)
    }
    // One rule width for every block: the widest line, within the layout's width.
    let ruleWidth = min(max(blocks.joined().map(DisplayWidth.of).max() ?? 0, 12), layout.width ?? Int.max)
    var lines = [String]()
    for (number, block) in blocks.enumerated() {
      let title = "─[ \(number + 1) ]"
      lines.append(title + String(repeating: "─", count: max(0, ruleWidth - DisplayWidth.of(title))))
      lines += block
    }
    return lines
  }

  /// Every line cut to the layout's width: the last guard that nothing wraps.
  public static func fit(_ lines: [String], layout: Layout) -> [String] {
    guard let width = layout.width else { return lines }
    return lines.map { DisplayWidth.cut($0, to: width) }
  }

  /// Words wrapped to `width` columns, continuation lines indented by `indent`.
  public static func wrap(_ text: String, width: Int?, indent: String) -> [String] {
    guard let width, DisplayWidth.of(text) > width else { return [text] }
    var lines = [String]()
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      let candidate = line.isEmpty ? String(word) : line + " " + word
      if DisplayWidth.of(candidate) > width, !line.allSatisfy({ $0 == " " }) {
        lines.append(line)
        line = indent + word
      } else {
        line = candidate
      }
    }
    lines.append(line)
    // A word longer than the width (a path) is broken where the width ends.
    return lines.flatMap { line -> [String] in
      guard DisplayWidth.of(line) > width else { return [line] }
      var parts = [String]()
      var part = ""
      for character in line {
        if DisplayWidth.of(part) + DisplayWidth.of(character) > width {
          parts.append(part)
          part = indent
        }
        part.append(character)
      }
      return parts + [part]
    }
  }

  /// `values` averaged down to at most `count` buckets, so a sparkline fits.
  public static func bucketed(_ values: [Double?], count: Int) -> [Double?] {
    guard count > 0, values.count > count else { return values }
    return (0..<count).map { bucket in
      let from = bucket * values.count / count
      let to = (bucket + 1) * values.count / count
      let numbers = values[from..<max(to, from + 1)].compactMap { $0 }
      return numbers.isEmpty ? nil : numbers.reduce(0, +) / Double(numbers.count)
    }
  }
}
