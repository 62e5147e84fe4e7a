import EthosCharts
import EthosDomain
import EthosJSON
import Mustache

/// The HTML report (SPEC §16): one self-contained page, no script, no
/// network, built only from the query documents gathered in a report
/// document (see `Session.reportDocument`), so every number on the page is
/// the number the query returns.
///
/// The layout is the Mustache template in `ReportTemplate`; this type turns
/// the documents into the template's context and draws the SVG charts.
public enum ReportPage {
  /// The four cells of the matrix in the order the spec lists them.
  static let audiences = ["customers", "staff"]
  static let conditions = ["normal", "stress"]

  /// Renders `report` (a report document) as a whole HTML page.
  public static func render(_ report: JSON) -> String {
    guard let template else {
      return "<!doctype html><html lang=\"en\"><title>ethos report</title><p>template error</p></html>"
    }
    return template.render(context(report), library: library)
  }

  static let library: MustacheLibrary = {
    var library = MustacheLibrary()
    for (name, text) in ReportTemplate.partials {
      if let template = try? MustacheTemplate(string: text) { library.register(template, named: name) }
    }
    return library
  }()

  /// The page template; `nil` only if the literal failed to parse, which the
  /// first test run would show (`render` then says so on the page).
  static let template = try? MustacheTemplate(string: ReportTemplate.page)

  // MARK: context

  static func context(_ report: JSON) -> [String: Any] {
    let matrix = report["matrix"] ?? .null
    let culture = report["culture"] ?? .null
    let asOf = culture["asOf"] ?? .null
    let events = asOf["seq"]?.intValue ?? 0
    var context: [String: Any] = [
      "style": ReportTemplate.style,
      "branch": report["branch"]?.stringValue ?? "main",
      "generatedAt": display(time: report["generatedAt"]?.stringValue),
      "asOfSeq": events,
      "empty": events == 0,
      "requestedAsOf": report["requestedAsOf"]?.stringValue ?? "",
      "hasRequestedAsOf": report["requestedAsOf"]?.stringValue != nil,
      "matrix": matrixContext(matrix, prefix: "matrix", id: "matrix-grid"),
      "scorecard": scorecardContext(culture, prefix: "culture"),
      "trends": trendsContext(report),
      "coverage": coverageContext(report),
      "atRisk": atRiskContext(report["atRisk"] ?? .null),
      "audit": auditContext(report),
    ]
    // Mustache shows a section for any string, even an empty one: no time, no key.
    if let time = asOf["time"]?.stringValue { context["asOfTime"] = display(time: time) }
    if let compare = report["compare"], compare != .null {
      context["compare"] = compareContext(report, compare)
    }
    return context
  }

  /// A number of a document for the `num` partial: the JSON text of the
  /// value (exactly as `--format json` prints it), `—` for null, and the
  /// `expect` path it came from.
  static func number(_ value: JSON?, path: String) -> [String: Any] {
    let value = value ?? .null
    return ["text": text(value), "value": value.compact, "path": path]
  }

  /// `2021-09-03T06:00:00Z` as `2021-09-03 06:00 UTC`.
  static func display(time: String?) -> String {
    guard let time, let stamp = Timestamp(parsing: time) else { return time ?? "" }
    return stamp.short + " UTC"
  }

  static func seconds(_ time: String?) -> Double? {
    guard let time, let stamp = Timestamp(parsing: time) else { return nil }
    return Double(stamp.seconds)
  }

  // MARK: matrix

  static func matrixContext(_ matrix: JSON, prefix: String, id: String) -> [String: Any] {
    var rows = [[String: Any]]()
    var cells = [[HeatGrid.Cell]]()
    var notes = [[HeatGrid.Line]]()
    for audience in audiences {
      var gridRow = [HeatGrid.Cell]()
      for condition in conditions {
        let cell = matrix["cells"]?[audience]?[condition] ?? .null
        let base = "\(prefix).cells.\(audience).\(condition)"
        let n = cell["interactions"] ?? .null
        let mean = cell["mean"] ?? .null
        let positive = cell["positive"] ?? .null
        rows.append([
          "audience": audience, "condition": condition,
          "interactions": number(n, path: base + ".interactions"), "mean": number(mean, path: base + ".mean"),
          "positive": number(positive, path: base + ".positive"),
        ])
        let lines: [HeatGrid.Line] =
          (n.intValue ?? 0) == 0
          ? [line("n = ", n, path: base + ".interactions"), HeatGrid.Line("no interactions yet")]
          : [
            line("n = ", n, path: base + ".interactions"), line("mean ", mean, path: base + ".mean"),
            line("positive ", positive, path: base + ".positive"),
          ]
        gridRow.append(HeatGrid.Cell(value: mean.number, lines: lines))
      }
      cells.append(gridRow)
      let gap = matrix["stressGap"]?[audience] ?? .null
      notes.append([
        HeatGrid.Line("stress gap"),
        line("", gap, path: "\(prefix).stressGap.\(audience)"),
      ])
    }
    let grid = HeatGrid(
      id: id, title: "Service Culture Matrix",
      description:
        "How customers and staff are treated on a normal day and under stress: each box coloured by its mean outcome "
        + "from −2 (red) to +2 (blue), with its number of interactions, mean and share positive.",
      rowTitle: "audience", columnTitle: "condition", rows: ["customers", "staff"],
      columns: ["normal day", "under stress"],
      cells: cells, rowNotes: notes, color: DivergingColor(domain: -2...2), legendTitle: "mean outcome")
    return [
      "svg": grid.svg(), "rows": rows,
      "balance": number(matrix["balance"], path: prefix + ".balance"),
      "weakest": matrix["weakest"]?.stringValue ?? "—",
      "gaps": audiences.map {
        ["audience": $0, "gap": number(matrix["stressGap"]?[$0], path: "\(prefix).stressGap.\($0)")]
      },
    ]
  }

  /// A grid line: `label` then the value's JSON text, tagged with its path.
  static func line(_ label: String, _ value: JSON, path: String) -> HeatGrid.Line {
    HeatGrid.Line(label, number: text(value), path: path, value: value.compact)
  }

  /// A value's JSON text, or `—` when null.
  static func text(_ value: JSON) -> String {
    switch value {
    case .null: return "—"
    case .string(let word): return word
    default: return value.compact
    }
  }

  // MARK: scorecard

  static func scorecardContext(_ culture: JSON, prefix: String) -> [String: Any] {
    let verdict = culture["verdict"]?.stringValue ?? "unknown"
    var indicators = [[String: Any]]()
    for (name, indicator) in culture["indicators"]?.objectValue?.pairs ?? [] {
      let status = indicator["status"]?.stringValue
      indicators.append([
        "name": name,
        "value": number(indicator["value"], path: "\(prefix).indicators.\(name).value"),
        "n": number(indicator["n"], path: "\(prefix).indicators.\(name).n"),
        "status": status ?? "none",
        "statusPath": "\(prefix).indicators.\(name).status",
        "statusValue": (indicator["status"] ?? .null).compact,
        "statusText": status ?? (name == "happyLink" ? "reported, no status" : "too little data"),
      ])
    }
    return [
      "verdict": verdict, "verdictPath": prefix + ".verdict", "verdictValue": JSON.string(verdict).compact,
      "verdictText": verdictText(verdict),
      "reasons": (culture["reasons"]?.arrayValue ?? []).compactMap(\.stringValue),
      "window": culture["window"]?.stringValue ?? "all history",
      "indicators": indicators,
    ]
  }

  static func verdictText(_ verdict: String) -> String {
    switch verdict {
    case "strategy": return "service is a strategy here"
    case "tactic": return "service is a tactic here"
    default: return "too early to tell"
    }
  }

  // MARK: trends

  static func trendsContext(_ report: JSON) -> [String: Any] {
    let trends = report["trends"] ?? .null
    let stresses = report["stresses"]?["items"]?.arrayValue ?? []
    let asOfTime = seconds(report["culture"]?["asOf"]?["time"]?.stringValue)
    var bands = [LineChart.Band]()
    var windows = [[String: Any]]()
    for stress in stresses {
      let id = stress["id"]?.stringValue ?? "?"
      guard let from = seconds(stress["beganAt"]?.stringValue) else { continue }
      let to = seconds(stress["endedAt"]?.stringValue) ?? asOfTime ?? from
      bands.append(LineChart.Band(from: from, to: to, label: "stress: \(id)"))
      windows.append([
        "id": id, "kind": stress["kind"]?.stringValue ?? "", "scope": stress["scope"]?.stringValue ?? "",
        "severity": number(stress["severity"], path: "stresses.items.\(id).severity"),
        "beganAt": display(time: stress["beganAt"]?.stringValue),
        "endedAt": stress["endedAt"]?.stringValue.map { display(time: $0) } ?? "open",
      ])
    }
    let cellPaths = audiences.flatMap { a in conditions.map { c in ("matrix.cells.\(a).\(c).mean", "\(a)/\(c)") } }
    var cells = chart(
      trends, paths: cellPaths, id: "trend-matrix", title: "Weekly mean outcome of the four boxes",
      yTitle: "mean outcome (−2…+2)", bands: bands)
    cells.yDomain = -2...2
    cells.emptyText = "no interactions yet"
    var voice = chart(
      trends, paths: [("culture.indicators.nps.value", "NPS"), ("culture.indicators.enps.value", "eNPS")],
      id: "trend-nps", title: "Weekly NPS and eNPS", yTitle: "score (−100…+100)", bands: bands)
    voice.yDomain = -100...100
    voice.emptyText = "no feedback or pulse answers yet (eNPS needs 5 answers a week)"
    return [
      "matrixSvg": cells.svg(), "npsSvg": voice.svg(), "windows": windows, "hasWindows": !windows.isEmpty,
      "tables": trendTables(
        trends, paths: cellPaths + [("culture.indicators.nps.value", "NPS"), ("culture.indicators.enps.value", "eNPS")]),
    ]
  }

  static func chart(
    _ trends: JSON, paths: [(String, String)], id: String, title: String, yTitle: String, bands: [LineChart.Band]
  ) -> LineChart {
    // Every trend of a report shares its buckets; the first one with points gives them.
    let points = paths.lazy.compactMap { trends[$0.0]?["points"]?.arrayValue }.first ?? []
    var buckets = [ClosedRange<Double>]()
    var labels = [String]()
    for point in points {
      guard let from = seconds(point["from"]?.stringValue), let to = seconds(point["to"]?.stringValue), to >= from
      else { continue }
      buckets.append(from...to)
      labels.append(String((point["from"]?.stringValue ?? "").prefix(10)))
    }
    let series = paths.map { path, name in
      LineChart.Series(name: name, values: (trends[path]?["points"]?.arrayValue ?? []).map { $0["value"]?.number })
    }
    var chart = LineChart(
      id: id, title: title, xTitle: "week (from Monday, UTC)", yTitle: yTitle, buckets: buckets, bucketLabels: labels,
      series: series)
    chart.bands = bands
    return chart
  }

  /// The charts' numbers as a table too (screen readers, print, tests).
  static func trendTables(_ trends: JSON, paths: [(String, String)]) -> [String: Any] {
    let first = paths.lazy.compactMap { trends[$0.0]?["points"]?.arrayValue }.first ?? []
    let weeks = first.map { String(($0["from"]?.stringValue ?? "").prefix(10)) }
    let rows = paths.map { path, name -> [String: Any] in
      let points = trends[path]?["points"]?.arrayValue ?? []
      return [
        "name": name, "path": path,
        "values": points.enumerated().map { index, point in
          number(point["value"], path: "trend.\(path).points.\(index).value")
        },
      ]
    }
    return ["weeks": weeks, "rows": rows, "hasWeeks": !weeks.isEmpty]
  }

  // MARK: coverage

  static func coverageContext(_ report: JSON) -> [String: Any] {
    let employees = report["employees"]?["items"]?.arrayValue ?? []
    var departments = [String]()
    var counts = [String: (active: Int, champions: [String], team: [String])]()
    for employee in employees where employee["active"]?.boolValue ?? true {
      let dept = employee["dept"]?.stringValue ?? "general"
      if counts[dept] == nil {
        departments.append(dept)
        counts[dept] = (0, [], [])
      }
      let name = employee["name"]?.stringValue ?? employee["id"]?.stringValue ?? "?"
      counts[dept]?.active += 1
      if employee["champion"]?.boolValue == true { counts[dept]?.champions.append(name) }
      if employee["team"]?.boolValue == true { counts[dept]?.team.append(name) }
    }
    let rows = departments.sorted().map { dept -> [String: Any] in
      let count = counts[dept] ?? (0, [], [])
      let counted = count.active >= 3
      var row: [String: Any] = [
        "dept": dept, "active": count.active, "counted": counted ? "yes" : "no (fewer than 3 active)",
        "champions": count.champions.count, "team": count.team.count,
        "covered": count.champions.isEmpty ? (counted ? "not covered" : "not counted") : "covered",
        "coveredClass": count.champions.isEmpty ? (counted ? "poor" : "none") : "good",
      ]
      // Mustache shows a section for any string, even an empty one: set names only when there are some.
      if !count.champions.isEmpty { row["championNames"] = count.champions.joined(separator: ", ") }
      if !count.team.isEmpty { row["teamNames"] = count.team.joined(separator: ", ") }
      return row
    }
    return [
      "rows": rows, "hasRows": !rows.isEmpty,
      "champions": number(report["champions"]?["count"], path: "champions.count"),
      "team": number(report["team"]?["count"], path: "team.count"),
    ]
  }

  // MARK: at-risk

  static func atRiskContext(_ atRisk: JSON) -> [String: Any] {
    let items = (atRisk["items"]?.arrayValue ?? []).map { item -> [String: Any] in
      let id = item["id"]?.stringValue ?? "?"
      var row: [String: Any] = [
        "id": id, "name": item["name"]?.stringValue ?? "", "segment": item["segment"]?.stringValue ?? "—",
      ]
      for key in ["lastOutcome", "interactions", "meanOutcome", "feedback", "meanFeedback"] {
        row[key] = number(item[key], path: "at-risk.items.\(id).\(key)")
      }
      return row
    }
    return ["count": number(atRisk["count"], path: "at-risk.count"), "items": items, "hasItems": !items.isEmpty]
  }

  // MARK: audit

  static func auditContext(_ report: JSON) -> [String: Any] {
    let audit = report["audit"] ?? .null
    let weeks = audit["weeks"]?.arrayValue ?? []
    let labels = weeks.map { String(($0["from"]?.stringValue ?? "").prefix(10)) }
    let totals = weeks.map { week in
      (week["counts"]?.objectValue?.pairs ?? []).reduce(0) { $0 + ($1.value.intValue ?? 0) }
    }
    var bars = BarChart(
      id: "audit-weeks", title: "Events per week", xTitle: "week (from Monday, UTC)", yTitle: "events", labels: labels,
      values: totals)
    bars.emptyText = "no events yet"
    var types = [String]()
    for week in weeks {
      for key in week["counts"]?.objectValue?.keys ?? [] where !types.contains(key) { types.append(key) }
    }
    let typeRows = types.sorted().map { type -> [String: Any] in
      ["type": type, "counts": weeks.map { $0["counts"]?[type]?.intValue ?? 0 }]
    }
    let history = (report["history"]?["items"]?.arrayValue ?? []).reversed().map { item -> [String: Any] in
      [
        "seq": text(item["seq"] ?? .null), "type": item["type"]?.stringValue ?? "",
        "occurredAt": display(time: item["occurredAt"]?.stringValue), "actor": item["actor"]?.stringValue ?? "",
        "summary": item["summary"]?.stringValue ?? "", "retracted": item["retracted"]?.boolValue ?? false,
      ]
    }
    let verify = audit["verify"] ?? .null
    return [
      "barsSvg": bars.svg(), "weeks": labels, "typeRows": typeRows, "hasTypes": !typeRows.isEmpty,
      "events": number(audit["events"], path: "audit.events"),
      "history": history, "hasHistory": !history.isEmpty,
      "headHash": audit["headHash"]?.stringValue ?? "—",
      "verifyOK": verify["ok"]?.boolValue ?? false, "verifyMessage": verify["message"]?.stringValue ?? "",
    ]
  }

  // MARK: compare

  static func compareContext(_ report: JSON, _ compare: JSON) -> [String: Any] {
    let left = report["branch"]?.stringValue ?? "main"
    let right = compare["branch"]?.stringValue ?? "?"
    var rows = [[String: Any]]()
    for audience in audiences {
      for condition in conditions {
        for key in ["interactions", "mean", "positive"] {
          let path = "matrix.cells.\(audience).\(condition).\(key)"
          let a = report["matrix"]?["cells"]?[audience]?[condition]?[key] ?? .null
          let b = compare["matrix"]?["cells"]?[audience]?[condition]?[key] ?? .null
          rows.append(compareRow(path, a, b))
        }
      }
    }
    for key in ["balance"] {
      rows.append(compareRow("matrix.\(key)", report["matrix"]?[key] ?? .null, compare["matrix"]?[key] ?? .null))
    }
    for audience in audiences {
      let a = report["matrix"]?["stressGap"]?[audience] ?? .null
      let b = compare["matrix"]?["stressGap"]?[audience] ?? .null
      rows.append(compareRow("matrix.stressGap.\(audience)", a, b))
    }
    rows.append(
      compareRow("culture.verdict", report["culture"]?["verdict"] ?? .null, compare["culture"]?["verdict"] ?? .null))
    for (name, indicator) in report["culture"]?["indicators"]?.objectValue?.pairs ?? [] {
      let other = compare["culture"]?["indicators"]?[name] ?? .null
      rows.append(compareRow("culture.indicators.\(name).value", indicator["value"] ?? .null, other["value"] ?? .null))
      rows.append(
        compareRow("culture.indicators.\(name).status", indicator["status"] ?? .null, other["status"] ?? .null))
    }
    let differing = rows.filter { ($0["differs"] as? Bool) == true }.count
    return [
      "left": left, "right": right, "rows": rows, "differing": differing,
      "leftMatrix": matrixContext(report["matrix"] ?? .null, prefix: "matrix", id: "compare-left-grid")["svg"] ?? "",
      "rightMatrix": matrixContext(compare["matrix"] ?? .null, prefix: "compare.matrix", id: "compare-right-grid")[
        "svg"] ?? "",
      "rightScorecard": scorecardContext(compare["culture"] ?? .null, prefix: "compare.culture"),
    ]
  }

  static func compareRow(_ path: String, _ a: JSON, _ b: JSON) -> [String: Any] {
    ["path": path, "left": text(a), "right": text(b), "differs": a != b]
  }
}
