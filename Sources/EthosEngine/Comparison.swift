import EthosJSON
import EthosLanguage

/// `compare A B [QUERY]`: one query's documents on two branches, figure by
/// figure. Made of the two documents alone, so it holds no session state.
struct Comparison {
  /// One scalar figure: its path in the document and its value on each side
  /// (`nil` where that side has no such figure).
  struct Row {
    var path: String
    var left: JSON?
    var right: JSON?
  }

  let query: Query
  let left: (branch: String, document: JSON)
  let right: (branch: String, document: JSON)
  /// Every figure of the left document in its order, then those only the right has.
  let rows: [Row]
  /// The paths of the rows whose two values differ.
  let differing: [String]

  init(_ query: Query, left: (branch: String, document: JSON), right: (branch: String, document: JSON)) {
    self.query = query
    self.left = left
    self.right = right
    var leftFigures = IndicatorSnapshot()
    leftFigures.addLeavesForCompare(of: left.document, prefix: query.name)
    var rightFigures = IndicatorSnapshot()
    rightFigures.addLeavesForCompare(of: right.document, prefix: query.name)
    var rightValues = [String: JSON]()
    for figure in rightFigures.figures { rightValues[figure.path] = figure.value }
    var rows = [Row]()
    var seen = Set<String>()
    for figure in leftFigures.figures {
      seen.insert(figure.path)
      rows.append(Row(path: figure.path, left: figure.value, right: rightValues[figure.path]))
    }
    for figure in rightFigures.figures where !seen.contains(figure.path) {
      rows.append(Row(path: figure.path, left: nil, right: figure.value))
    }
    self.rows = rows
    differing = rows.filter { $0.left != $0.right }.map(\.path)
  }

  /// The `compare` document (SPEC §6): both documents and the differing paths.
  var json: JSON {
    .object(
      JSONObject([
        ("query", .string(query.name)),
        ("left", .object(JSONObject([("branch", .string(left.branch)), ("document", left.document)]))),
        ("right", .object(JSONObject([("branch", .string(right.branch)), ("document", right.document)]))),
        ("differences", .array(differing.map(JSON.string))),
      ]))
  }

  /// A row per figure with its change, then a line counting the differences.
  func table(layout: Layout) -> [String] {
    var table = [[query.name, left.branch, right.branch, "Δ"]]
    for row in rows {
      table.append([
        shortPath(row.path), row.left.map { Renderer.cell($0) } ?? "", row.right.map { Renderer.cell($0) } ?? "",
        Comparison.delta(row.left, row.right),
      ])
    }
    // The values are cut before the names of the figures.
    var lines = Renderer.fitTable(table, layout: layout, cuttable: [1, 2])
    lines.append(
      differing.isEmpty
        ? Notice.noDifference(left.branch, right.branch) : Notice.differences(differing.count, of: rows.count))
    return lines
  }

  /// `path,LEFT,RIGHT,delta`, the delta only between two numbers.
  var csv: [String] {
    ["path," + Renderer.csvField(left.branch) + "," + Renderer.csvField(right.branch) + ",delta"]
      + rows.map { row in
        [
          Renderer.csvField(row.path), Renderer.csvValue(row.left), Renderer.csvValue(row.right),
          row.left?.number != nil && row.right?.number != nil
            ? Renderer.csvField(Comparison.delta(row.left, row.right)) : "",
        ].joined(separator: ",")
      }
  }

  /// A figure's path as the table shows it: the query's name is the same on
  /// every row (and culture's rows are nearly all indicators), so it is left out.
  private func shortPath(_ path: String) -> String {
    var path = Substring(path)
    for prefix in [query.name + ".", "indicators."] where path.hasPrefix(prefix) {
      path = path.dropFirst(prefix.count)
    }
    return String(path)
  }

  /// The change from `left` to `right`: signed for numbers (empty when equal), `≠` for other values that differ.
  static func delta(_ left: JSON?, _ right: JSON?) -> String {
    guard left != right else { return "" }
    guard let a = left?.number, let b = right?.number else { return "≠" }
    let difference = ((b - a) * 1000).rounded() / 1000
    if difference == 0 { return "" }
    var text = JSON.double(difference).compact
    if case .int? = left, case .int? = right { text = String(Int(difference)) }
    return difference > 0 ? "+" + text : text
  }
}

extension IndicatorSnapshot {
  /// Every scalar leaf of a query document, lists included by index, for
  /// `compare` (which shows any query, not just the indicators).
  mutating func addLeavesForCompare(of document: JSON, prefix: String) {
    switch document {
    case .object(let object):
      for (key, value) in object.pairs { addLeavesForCompare(of: value, prefix: prefix + "." + key) }
    case .array(let items) where items.contains(where: { $0.objectValue != nil || $0.arrayValue != nil }):
      // List items are matched by id (or seq, or name), not by position: one
      // more employee on a branch must not shift every row after it.
      let keys = ["id", "seq", "name", "action", "deficiency"]
      let key = keys.first { key in
        let values = items.compactMap { $0[key].map(Renderer.plain) }
        return values.count == items.count && Set(values).count == values.count
      }
      for (index, item) in items.enumerated() {
        let step = key.flatMap { item[$0].map(Renderer.plain) } ?? String(index)
        addLeavesForCompare(of: item, prefix: prefix + "." + step)
      }
    default:
      figures.append(Figure(path: prefix, value: document))
    }
  }
}
