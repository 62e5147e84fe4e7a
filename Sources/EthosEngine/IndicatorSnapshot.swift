import EthosDomain
import EthosJSON
import EthosLanguage
import EthosStore

/// The figures that `replay`, `diff` and `what-if` report on: every leaf of
/// the `matrix` document, and the verdict and each indicator's value and
/// status of `culture`, named by the path `expect` reads them with
/// (`matrix.cells.staff.stress.mean`, `culture.indicators.nps.value`).
struct IndicatorSnapshot: Equatable {
  struct Figure: Equatable {
    var path: String
    var value: JSON
  }

  /// In document order: matrix first, then culture.
  var figures: [Figure] = []

  /// The figures that differ between `self` (before) and `after`, in the
  /// order of `self`, then any that only `after` has.
  func changes(to after: IndicatorSnapshot) -> [IndicatorChange] {
    var afterValues = [String: JSON]()
    for figure in after.figures { afterValues[figure.path] = figure.value }
    var seen = Set<String>()
    var result = [IndicatorChange]()
    for figure in figures {
      seen.insert(figure.path)
      let new = afterValues[figure.path] ?? .null
      if new != figure.value { result.append(IndicatorChange(path: figure.path, before: figure.value, after: new)) }
    }
    for figure in after.figures where !seen.contains(figure.path) && figure.value != .null {
      result.append(IndicatorChange(path: figure.path, before: .null, after: figure.value))
    }
    return result
  }

  /// Adds every scalar leaf of `document` under `prefix`.
  mutating func addLeaves(of document: JSON, prefix: String) {
    switch document {
    case .object(let object):
      for (key, value) in object.pairs { addLeaves(of: value, prefix: prefix + "." + key) }
    case .array:
      break  // lists (culture's reasons) are explanations, not figures
    default:
      figures.append(Figure(path: prefix, value: document))
    }
  }
}

/// One figure that moved: the unit of `replay`, `diff` and `what-if` output.
struct IndicatorChange: Equatable {
  var path: String
  var before: JSON
  var after: JSON

  var json: JSON {
    .object(JSONObject([("path", .string(path)), ("before", before), ("after", after)]))
  }

  static func json(_ changes: [IndicatorChange]) -> JSON { .array(changes.map(\.json)) }

  /// Aligned `path  before → after` lines, indented by `indent`.
  static func lines(_ changes: [IndicatorChange], indent: String = "  ") -> [String] {
    guard !changes.isEmpty else { return [indent + Notice.noChange] }
    let width = changes.map(\.path.count).max() ?? 0
    return changes.map { change in
      indent + change.path + String(repeating: " ", count: width - change.path.count) + "  "
        + Renderer.plain(change.before) + " → " + Renderer.plain(change.after)
    }
  }

  /// CSV cells `path,before,after` (null as an empty cell).
  var csvCells: String {
    [Renderer.csvField(path), Renderer.csvValue(before), Renderer.csvValue(after)].joined(separator: ",")
  }
}

extension Session {
  /// The figures of `state` as of `asOfTime` (its head time when `nil`).
  func indicators(of state: State, asOfTime: Timestamp?) throws(EngineError) -> IndicatorSnapshot {
    var snapshot = IndicatorSnapshot()
    snapshot.addLeaves(of: try document(.matrix(dept: nil), state: state, asOfTime: asOfTime), prefix: "matrix")
    let culture = try document(.culture, state: state, asOfTime: asOfTime)
    if let verdict = culture["verdict"] { snapshot.figures.append(.init(path: "culture.verdict", value: verdict)) }
    if let indicators = culture["indicators"] {
      snapshot.addLeaves(of: indicators, prefix: "culture.indicators")
    }
    return snapshot
  }

  /// Prints a document that is not one of the query documents (branches,
  /// replay, diff, what-if, compare) in the current format.
  func emitDocument(_ document: JSON, table: () -> [String], csv: () -> [String]) {
    let lines: [String]
    switch settings.format {
    case .json: lines = jsonLines(keyring.reveal(document))
    case .csv: lines = csv().map(keyring.reveal)
    case .table: lines = Renderer.fit(table().map(keyring.reveal), layout: layout)
    }
    for line in lines { emit(line) }
  }
}
