import EthosJSON
import Foundation
import TestSupport
import Testing

/// `ethos report` as a user runs it, and the page loaded in a real headless
/// Chromium (SPEC §16): the page loads, every section is there, the DOM's
/// numbers equal `ethos query … --format json`, names stay text, and a
/// screenshot is not blank. One browser at a time: the machine is small.
@Suite(.serialized) struct ReportBrowserTests {
  static let environment = ["ETHOS_NOW": "2021-06-01T00:00:00", "ETHOS_ACTOR": "trainer"]
  static let sections = ["matrix", "scorecard", "trends", "coverage", "at-risk", "audit"]

  /// A fresh folder under `.build/` (kept, so a failing page can be opened).
  static func folder(_ name: String) throws -> String {
    let path = Transcripts.root + "/.build/report-tests/" + name
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func ethos(_ arguments: [String]) throws -> EthosProcess.Result {
    try EthosProcess.run(arguments, environment: environment)
  }

  /// Every `data-path` number of the DOM: path, JSON text, shown text.
  static func numbers(in dom: String) -> [(path: String, value: String, text: String)] {
    var found = [(String, String, String)]()
    for piece in dom.components(separatedBy: "data-path=\"").dropFirst() {
      guard let pathEnd = piece.firstIndex(of: "\"") else { continue }
      let path = String(piece[..<pathEnd])
      let rest = piece[pathEnd...]
      guard let valueStart = rest.range(of: "data-value=\"")?.upperBound,
        let valueEnd = rest[valueStart...].firstIndex(of: "\""),
        let close = rest[valueEnd...].firstIndex(of: ">"),
        let textEnd = rest[close...].firstIndex(of: "<")
      else { continue }
      let value = unescape(String(rest[valueStart..<valueEnd]))
      let text = unescape(String(rest[rest.index(after: close)..<textEnd]))
      found.append((path, value, text))
    }
    return found
  }

  static func unescape(_ text: String) -> String {
    text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&amp;", with: "&")
  }

  /// The value at `steps` of `document`; in an array a step is an index or an item's `id`.
  static func lookup(_ document: JSON, _ steps: ArraySlice<Substring>) -> JSON? {
    var value: JSON? = document
    for step in steps {
      if let items = value?.arrayValue {
        value =
          Int(step).flatMap { $0 < items.count ? items[$0] : nil }
          ?? items.first { $0["id"]?.stringValue == String(step) }
      } else {
        value = value?[String(step)]
      }
    }
    return value
  }

  /// The figures the report's trend charts follow.
  static let trendPaths = [
    "matrix.cells.customers.normal.mean", "matrix.cells.customers.stress.mean", "matrix.cells.staff.normal.mean",
    "matrix.cells.staff.stress.mean", "culture.indicators.nps.value", "culture.indicators.enps.value",
  ]

  /// The query a `data-path` of the page comes from and the steps inside its
  /// document: `matrix.balance`, `at-risk.items.c1.lastOutcome`, and
  /// `trend.PATH.points.3.value` (PATH itself holding dots).
  static func source(of path: String) -> (query: String, steps: ArraySlice<Substring>)? {
    if path.hasPrefix("trend.") {
      let rest = path.dropFirst("trend.".count)
      guard let range = rest.range(of: ".points.") else { return nil }
      let figure = String(rest[..<range.lowerBound])
      let steps = rest[range.lowerBound...].dropFirst().split(separator: ".")
      return ("trend \(figure)", steps[...])
    }
    let steps = path.split(separator: ".")
    guard let head = steps.first else { return nil }
    return (String(head), steps.dropFirst())
  }

  /// Acceptance 1: each scenario's page loads in Chromium, has every section,
  /// and its matrix cells, indicators and verdict equal the JSON documents.
  @Test(arguments: Transcripts.scripts().filter { $0 != "help.ethos" })
  func scenarioPageLoadsAndItsNumbersEqualTheQueries(_ script: String) throws {
    let name = String(script.dropLast(".ethos".count))
    let dir = try ReportBrowserTests.folder(name)
    let store = dir + "/store.sqlite"
    let page = dir + "/report.html"
    _ = try ReportBrowserTests.ethos(["run", Transcripts.root + "/Snapshots/" + script, "--store", store])
    let written = try ReportBrowserTests.ethos(["report", "-o", page, "--store", store])
    #expect(written.status == 0, "\(written.stderr)")
    #expect(written.stdout == page + "\n")
    let dom = try Chromium.dumpDOM(page)
    #expect(dom.contains("<h1>Service culture report</h1>"))
    for section in ReportBrowserTests.sections { #expect(dom.contains("<section id=\"\(section)\""), "\(section)") }
    #expect(!dom.contains("<script"))

    var documents = [String: JSON]()
    let queries =
      ["matrix", "culture", "champions", "team", "at-risk", "stresses"]
      + ReportBrowserTests.trendPaths.map { "trend \($0)" }
    for query in queries {
      let result = try ReportBrowserTests.ethos(["query", query, "--format", "json", "--store", store])
      #expect(result.status == 0, "\(result.stderr)")
      documents[query] = try JSON.parse(result.stdout)
    }
    let numbers = ReportBrowserTests.numbers(in: dom)
    var checked = Set<String>()
    for number in numbers {
      guard let (query, steps) = ReportBrowserTests.source(of: number.path), let document = documents[query] else {
        continue
      }
      let expected = ReportBrowserTests.lookup(document, steps)
      #expect(expected != nil, "\(number.path) is not in the \(query) document")
      guard let expected else { continue }
      #expect(number.value == expected.compact, "\(number.path): page \(number.value), query \(expected.compact)")
      // Numbers show their JSON text (— for none); words (verdict, status) show the word.
      switch expected {
      case .string(let word): #expect(number.text == word, "\(number.path) shows \(number.text)")
      case .null where number.path.hasSuffix(".status"): break  // "too little data", said in words
      default:
        #expect(number.text == (expected == .null ? "—" : expected.compact), "\(number.path) shows \(number.text)")
      }
      checked.insert(number.path)
    }
    // Every cell, every indicator and the verdict are on the page.
    var required = ["culture.verdict", "matrix.balance", "matrix.stressGap.customers", "matrix.stressGap.staff"]
    for audience in ["customers", "staff"] {
      for condition in ["normal", "stress"] {
        for key in ["interactions", "mean", "positive"] {
          required.append("matrix.cells.\(audience).\(condition).\(key)")
        }
      }
    }
    for (indicator, _) in documents["culture"]?["indicators"]?.objectValue?.pairs ?? [] {
      required += ["culture.indicators.\(indicator).value", "culture.indicators.\(indicator).status"]
    }
    for path in ReportBrowserTests.trendPaths {
      for index in (documents["trend \(path)"]?["points"]?.arrayValue ?? []).indices {
        required.append("trend.\(path).points.\(index).value")
      }
    }
    required += ["champions.count", "team.count", "at-risk.count"]
    #expect(required.count > 30)
    for path in required { #expect(checked.contains(path), "\(path) is missing from the page") }
  }

  /// The screenshot of the hurricane week is not blank; the committed copy
  /// under `Snapshots/__reports__/` stays under 300 KB.
  @Test func hurricaneWeekScreenshotIsNotBlank() throws {
    let dir = try ReportBrowserTests.folder("screenshot")
    let store = dir + "/store.sqlite"
    let page = dir + "/report.html"
    let png = dir + "/hotel-hurricane-week.png"
    _ = try ReportBrowserTests.ethos([
      "run", Transcripts.root + "/Snapshots/hotel-hurricane-week.ethos", "--store", store,
    ])
    #expect(try ReportBrowserTests.ethos(["report", "-o", page, "--store", store]).status == 0)
    try Chromium.screenshot(page, to: png)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    // Width and height from the IHDR chunk.
    let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
    #expect(width == 1280 && height == 2400)
    // A blank page inflates to a handful of distinct bytes; a drawn one to many.
    let check = try EthosProcess.runProgram(
      "/usr/bin/env",
      [
        "python3", "-c",
        """
        import sys, zlib
        data = open(sys.argv[1], 'rb').read()
        pos, idat = 8, b''
        while pos < len(data):
            n = int.from_bytes(data[pos:pos+4], 'big'); kind = data[pos+4:pos+8]
            if kind == b'IDAT': idat += data[pos+8:pos+8+n]
            pos += 12 + n
        print(len(set(zlib.decompress(idat))))
        """,
        png,
      ])
    let distinct = Int(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    #expect(distinct > 64, "only \(distinct) distinct bytes in the pixels: \(check.stderr)")
    let committed = Transcripts.root + "/Snapshots/__reports__/hotel-hurricane-week.png"
    let size = (try FileManager.default.attributesOfItem(atPath: committed)[.size] as? Int) ?? Int.max
    #expect(size < 300_000)
  }

  /// Acceptance 3: a name holding `<script>` is text in the browser's DOM,
  /// never an element; `&` and quotes survive as typed.
  @Test func scriptNamesStayText() throws {
    let dir = try ReportBrowserTests.folder("escaping")
    let store = dir + "/store.sqlite"
    let page = dir + "/report.html"
    let script = dir + "/names.ethos"
    try """
    clock 2021-01-04T09:00
    hire e1 "<script>alert(1)</script>" dept=support
    customer c1 "Tom & \\"Jerry\\" 'O'Brien'"
    log e1 with c1 outcome=-2
    champion e1
    """.write(toFile: script, atomically: true, encoding: .utf8)
    let run = try EthosProcess.run(
      ["run", script, "--store", store, "--actor", "<b onmouseover=alert(3)>x</b>"],
      environment: ReportBrowserTests.environment)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try ReportBrowserTests.ethos(["report", "-o", page, "--store", store]).status == 0)
    let dom = try Chromium.dumpDOM(page)
    #expect(!dom.contains("<script"))
    #expect(!dom.contains("<b onmouseover"))
    #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(dom.contains("Tom &amp; \"Jerry\" 'O'Brien'"))
    #expect(dom.contains("&lt;b onmouseover=alert(3)&gt;x&lt;/b&gt;"))
  }

  /// An empty log: a page that says so, with every section and empty charts.
  @Test func emptyLogPageLoads() throws {
    let dir = try ReportBrowserTests.folder("empty")
    let store = dir + "/store.sqlite"
    let page = dir + "/report.html"
    _ = try EthosProcess.run(["--store", store], stdin: "", environment: ReportBrowserTests.environment)
    let written = try ReportBrowserTests.ethos(["report", "-o", page, "--store", store])
    #expect(written.status == 0, "\(written.stderr)")
    let dom = try Chromium.dumpDOM(page)
    #expect(dom.contains("id=\"nothing-yet\""))
    for section in ReportBrowserTests.sections { #expect(dom.contains("<section id=\"\(section)\"")) }
  }

  /// With `--compare`, both branches side by side; and a basic accessibility
  /// check of the loaded page (one h1, no skipped heading level, a header
  /// cell in every table, every chart an image with a title, alt on any
  /// image), and it prints to PDF.
  @Test func comparePageIsAccessibleAndPrints() throws {
    let dir = try ReportBrowserTests.folder("compare")
    let store = dir + "/store.sqlite"
    let page = dir + "/report.html"
    _ = try ReportBrowserTests.ethos(["run", Transcripts.root + "/Snapshots/what-if-champions.ethos", "--store", store])
    let written = try ReportBrowserTests.ethos(["report", "-o", page, "--compare", "champions", "--store", store])
    #expect(written.status == 0, "\(written.stderr)")
    let dom = try Chromium.dumpDOM(page)
    #expect(dom.contains("<section id=\"compare\""))
    #expect(dom.contains("main compared with champions"))
    #expect(dom.contains("≠ differs"))

    #expect(dom.contains("<html lang=\"en\">"))
    var levels = [Int]()
    for piece in dom.components(separatedBy: "<h").dropFirst() {
      if let digit = piece.first?.wholeNumberValue, (1...6).contains(digit),
        piece.dropFirst().first.map({ $0 == ">" || $0 == " " }) == true
      {
        levels.append(digit)
      }
    }
    #expect(levels.first == 1 && levels.filter { $0 == 1 }.count == 1, "\(levels)")
    for (previous, next) in zip(levels, levels.dropFirst()) {
      #expect(next <= previous + 1, "h\(previous) then h\(next)")
    }
    let tables = dom.components(separatedBy: "<table").dropFirst()
    #expect(!tables.isEmpty)
    for table in tables {
      #expect(table.components(separatedBy: "</table>")[0].contains("<th"), "a table without header cells")
    }
    let charts = dom.components(separatedBy: "<svg ").dropFirst()
    #expect(charts.count >= 6)
    for chart in charts {
      let open = chart.prefix { $0 != ">" }
      #expect(open.contains("role=\"img\"") && open.contains("aria-labelledby="))
      #expect(chart.contains("<title id="))
    }
    #expect(dom.components(separatedBy: "<img").count == dom.components(separatedBy: " alt=").count)

    let pdf = dir + "/report.pdf"
    let printed = try EthosProcess.runProgram(
      Chromium.binary ?? "/usr/bin/chromium",
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(dir)/profile",
        "--print-to-pdf=\(pdf)", "file://" + page,
      ],
      environment: ["HOME": dir])
    #expect(printed.status == 0, "\(printed.stderr.suffix(500))")
    let bytes = (try? Data(contentsOf: URL(fileURLWithPath: pdf))) ?? Data()
    #expect(bytes.starts(with: Array("%PDF".utf8)))
    #expect(bytes.count > 20_000)
  }

  /// Bad input on the command line: one `error:` line and the exit code SPEC §9 gives.
  @Test(arguments: [
    (
      ["--as-of", "yesterday"], Int32(2),
      "error: 'yesterday' is not a point of the log — write --as-of @N or a time YYYY-MM-DD[THH:MM[:SS]]"
    ),
    (["--as-of", "@99"], Int32(1), "error: there is no event @99 — the log runs from @1 to @23"),
    (["--branch", "nope"], Int32(2), "error: unknown branch 'nope' — 'branches' lists them"),
    (["--compare", "nope"], Int32(2), "error: unknown branch 'nope' — 'branches' lists them"),
    (
      ["-o", "/nonexistent-dir/r.html"], Int32(1),
      "error: cannot write the report to '/nonexistent-dir/r.html': No such file or directory — name a file in a folder you can write to (ethos report -o FILE)"
    ),
  ])
  func badInputIsOneErrorLine(_ arguments: [String], _ status: Int32, _ message: String) throws {
    let dir = try ReportBrowserTests.folder(
      "bad-\(status)-\(arguments[0].dropFirst())-\(abs(message.hashValue % 1000))")
    let store = dir + "/store.sqlite"
    _ = try ReportBrowserTests.ethos([
      "run", Transcripts.root + "/Snapshots/hotel-hurricane-week.ethos", "--store", store,
    ])
    var args = ["report", "--store", store] + arguments
    if !arguments.contains("-o") { args += ["-o", dir + "/r.html"] }
    let result = try ReportBrowserTests.ethos(args)
    #expect(result.status == status)
    #expect(result.stderr == message + "\n")
    #expect(result.stdout.isEmpty)
  }
}
