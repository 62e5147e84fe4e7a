import EthosDomain
import EthosEngine
import EthosJSON
import EthosLanguage
import EthosReport
import EthosStore
import Foundation
import SnapshotTesting
import TestSupport
import Testing

/// The report page built in process: the golden page, escaping, empty logs,
/// the `report` statement and its errors. `ReportBrowserTests` loads pages in Chromium.
@Suite struct ReportPageTests {
  /// Runs `Snapshots/NAME` as the transcript tests do (in memory, frozen clock).
  static func session(running script: String?) throws -> (Session, CapturingConsole) {
    let console = CapturingConsole()
    let session = try Session(
      store: MemoryStore(), actor: "trainer", wall: FixedClock(Harness.frozenNow), console: console,
      random: SeededKeys())
    if let script { session.runScript(path: Transcripts.root + "/Snapshots/" + script, displayName: script) }
    return (session, console)
  }

  /// Pages compared line by line, stored as `.html` so they open in a browser.
  static var html: Snapshotting<String, String> { Snapshotting(pathExtension: "html", diffing: .lines) }

  /// The hurricane-week page is a golden file: a change to the page shows in review.
  @Test func hurricaneWeekGolden() throws {
    let (session, _) = try ReportPageTests.session(running: "hotel-hurricane-week.ethos")
    let page = try session.reportHTML()
    let failure = verifySnapshot(
      of: page, as: ReportPageTests.html, named: "hotel-hurricane-week",
      snapshotDirectory: Transcripts.root + "/Snapshots/__reports__", testName: "report")
    #expect(failure == nil, Comment(rawValue: failure ?? ""))
  }

  @Test(arguments: Transcripts.scripts())
  func everyScenarioPageIsSelfContained(_ script: String) throws {
    let (session, _) = try ReportPageTests.session(running: script)
    let page = try session.reportHTML()
    #expect(page.hasPrefix("<!DOCTYPE html>"))
    #expect(page.hasSuffix("</html>\n"))
    // No network: the only URL is the SVG namespace.
    let urls = page.components(separatedBy: "http").dropFirst().map { "http" + $0.prefix(40) }
    #expect(urls.allSatisfy { $0.hasPrefix("http://www.w3.org/2000/svg\"") }, "\(urls)")
    #expect(!page.contains("<script"))
    #expect(!page.contains("<link") && !page.contains("@import") && !page.contains("url(http"))
    // Every chart is titled.
    let charts = page.components(separatedBy: "<svg ").count - 1
    #expect(charts >= 4)
    #expect(page.components(separatedBy: "<title id=").count - 1 == charts)
  }

  @Test func namesAreEscapedNeverMarkup() throws {
    let console = CapturingConsole()
    let session = try Session(
      store: MemoryStore(), actor: "<img src=x onerror=alert(2)>", wall: FixedClock(Harness.frozenNow), console: console
    )
    for line in [
      "clock 2021-01-04T09:00",
      #"hire e1 "<script>alert(1)</script>" dept=support"#,
      #"customer c1 "Tom & \"Jerry\" 'O'Brien'""#,
      "log e1 with c1 outcome=-2",
      "champion e1",
    ] {
      #expect(session.execute(line) == .done, "\(line): \(console.text)")
    }
    let page = try session.reportHTML()
    #expect(!page.contains("<script>alert(1)</script>"))
    #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(page.contains("Tom &amp; &quot;Jerry&quot; &#39;O&#39;Brien&#39;"))
    #expect(page.contains("&lt;img src=x onerror=alert(2)&gt;"))
    #expect(!page.contains("<img"))
    #expect(!page.contains("<script"))
  }

  @Test func anEmptyLogSaysThereIsNothingYet() throws {
    let (session, _) = try ReportPageTests.session(running: nil)
    let page = try session.reportHTML()
    #expect(page.contains("id=\"nothing-yet\""))
    #expect(page.contains("as of <strong>@0</strong> · generated"))
    #expect(page.contains("no interactions yet"))
    #expect(page.contains("no events yet"))
    #expect(page.contains("No customer is at risk."))
    #expect(page.contains("verify passed"))
  }

  @Test func oneEventAndAPointBeforeTheFirstEvent() throws {
    let (session, _) = try ReportPageTests.session(running: nil)
    #expect(session.execute("clock 2021-01-04T09:00") == .done)
    #expect(session.execute(#"hire e1 "Ana" dept=support"#) == .done)
    let one = try session.reportHTML()
    #expect(one.contains("as of <strong>@1</strong>"))
    #expect(!one.contains("id=\"nothing-yet\""))
    let before = try session.reportHTML(asOf: .time(Timestamp(year: 2020, month: 1, day: 1)))
    #expect(before.contains("id=\"nothing-yet\""))
    #expect(before.contains("asked for 2020-01-01T00:00:00Z"))
  }

  @Test func theReportStatementWritesAndPrintsItsPath() throws {
    let directory = NSTemporaryDirectory() + "ethos-report-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (session, console) = try ReportPageTests.session(running: "what-if-champions.ethos")
    let path = directory + "/what if.html"
    #expect(session.execute("report \"\(path)\" compare=champions") == .done, "\(console.text)")
    #expect(console.text.hasSuffix(path + "\n"))
    let page = try String(contentsOfFile: path, encoding: .utf8)
    #expect(page.contains("id=\"compare\""))
    #expect(page.contains("≠ differs"))
    #expect(session.execute("report \(directory)/x.html compare=nope") == .failed)
    #expect(console.text.contains("error: unknown branch 'nope'"))
    #expect(session.execute("report /nonexistent-dir/x.html") == .failed)
    #expect(
      console.text.contains(
        "error: cannot write the report to '/nonexistent-dir/x.html': No such file or directory — name a file in a folder you can write to (ethos report -o FILE)"
      ))
  }
}
