import EthosDomain
import EthosEngine
import EthosJSON
import EthosLanguage
import EthosStore
import EthosStoreSQLite
import Foundation
import TestSupport
import Testing

/// The documents of SPEC §5 through the real binary and the renderer.
@Suite struct QueryDocumentTests {
  static let indicatorNames = IndicatorName.allCases.map(\.rawValue)

  /// `ethos query culture --format json` on each scenario script: valid JSON
  /// holding every key SPEC §5 fixes. (`help.ethos` only prints help: it logs nothing.)
  @Test(arguments: Transcripts.scripts().filter { $0 != "help.ethos" })
  func cultureJSONHasEverySpecKey(_ script: String) throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/s.sqlite"
    _ = try EthosProcess.run(
      ["run", Transcripts.root + "/Snapshots/" + script, "--store", store], environment: ["ETHOS_NOW": "2021-06-01"])
    let result = try EthosProcess.run(["query", "culture", "--format", "json", "--store", store])
    #expect(result.status == 0, Comment(rawValue: result.stderr))
    let document = try JSON.parse(result.stdout)
    #expect(document.objectValue?.keys == ["asOf", "window", "verdict", "reasons", "indicators"])
    #expect(document["window"] == .null)
    #expect(document["asOf"]?.objectValue?.keys == ["seq", "time"])
    #expect(document["asOf"]?["seq"]?.intValue ?? 0 > 0)
    #expect(["strategy", "tactic", "unknown"].contains(document["verdict"]?.stringValue ?? ""))
    #expect((document["reasons"]?.arrayValue?.count ?? 0) > 0)
    #expect(document["indicators"]?.objectValue?.keys == Self.indicatorNames)
    for name in Self.indicatorNames {
      #expect(document["indicators"]?[name]?.objectValue?.keys == ["value", "status", "n"], "\(name)")
    }
    // A clean exit of `ethos run` left a snapshot at the head.
    let sqlite = try SQLiteStore(path: store)
    let head = try sqlite.head(of: "main").seq
    #expect(try sqlite.loadSnapshot("main", atOrBefore: head, version: State.snapshotVersion)?.seq == head)
  }

  @Test func queryAsOfFlagTravels() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/s.sqlite"
    _ = try EthosProcess.run(
      ["run", Transcripts.root + "/Snapshots/scorecard-tour.ethos", "--store", store],
      environment: ["ETHOS_NOW": "2021-06-01"])
    let atSeq = try EthosProcess.run(["query", "culture", "--as-of", "@20", "--format", "json", "--store", store])
    #expect(try JSON.parse(atSeq.stdout)["asOf"] == ["seq": 20, "time": "2021-03-01T09:00:00Z"])
    let atTime = try EthosProcess.run([
      "query", "culture", "--as-of", "2021-03-10", "--format", "json", "--store", store,
    ])
    #expect(try JSON.parse(atTime.stdout)["asOf"] == ["seq": 46, "time": "2021-03-10T00:00:00Z"])
    let csv = try EthosProcess.run(["query", "promises broken", "--format", "csv", "--store", store])
    #expect(csv.stdout.hasPrefix("id,by,to,what,madeAt,due,status,closedAt\np2,lea,office,send the invoice,"))
  }

  @Test func colourOnlyWhenAsked() throws {
    let h = try Harness()
    h.script("clock 2021-01-04\nhire ana \"Ana\"")
    let document = try h.json("culture")
    let plain = Renderer.render(document, query: .culture, format: .table, color: false).joined()
    let painted = Renderer.render(document, query: .culture, format: .table, color: true).joined()
    #expect(!plain.contains("\u{1B}["))
    #expect(painted.contains("\u{1B}[32mgood\u{1B}[0m"))
    #expect(painted.contains("\u{1B}[33munknown\u{1B}[0m"))
    // Through the binary stdout is a pipe: never colour.
    let dir = try EthosProcess.temporaryDirectory()
    let result = try EthosProcess.run(["query", "culture", "--format", "table", "--store", dir + "/s.sqlite"])
    #expect(!result.stdout.contains("\u{1B}["))
  }

  @Test func trendCountsEachBucketsObservationsWithPartiesAsTheyStood() throws {
    let h = try Harness()
    h.script(
      """
      clock 2021-03-03T09:00
      hire ana "Ana"
      customer c1 "C1"
      log ana with c1 outcome=+2
      stress begin rush kind=volume
      clock 2021-03-09T09:00
      log ana with c1 outcome=-2
      hire ben "Ben"
      clock 2021-03-23T12:00
      stress end rush
      log ben with c1 outcome=+1
      """)
    func values(_ query: String) throws -> [JSON?] {
      try h.json(query)["points"]?.arrayValue?.map { $0["value"] } ?? []
    }
    // Weeks from Monday: 1 Mar, 8 Mar, 15 Mar (no events), 22 Mar.
    #expect(try values("trend matrix.cells.customers.normal.mean by=week") == [2.0, .null, .null, 1.0])
    // The stress window opened in week 1 still applies in week 2.
    #expect(try values("trend matrix.cells.customers.stress.interactions by=week") == [0, 1, 0, 0])
    #expect(try values("trend employees.count by=week") == [1, 2, 2, 2])
    let month = try h.json("trend culture.indicators.balance.value by=month")
    #expect(month["points"] == [["from": "2021-03-01T00:00:00Z", "to": "2021-04-01T00:00:00Z", "value": 3.5]])
    #expect(try h.json("as of @3 trend employees.count by=day")["points"]?.arrayValue?.count == 1)
    #expect(h.run("trend matrix.nope").hasPrefix("error: cannot read 'matrix.nope': 'matrix' has no key 'nope'"))
  }

  @Test func sparklineScalesBetweenLowAndHigh() {
    #expect(Renderer.sparkline([0, 1, nil, 0.5]) == "▁█ ▅")
    #expect(Renderer.sparkline([2, 2]) == "▄▄")
    #expect(Renderer.sparkline([nil]) == "")
  }

  @Test func whoRefusesUnknownAndNonPartyIds() throws {
    let h = try Harness()
    h.script("clock 2021-01-04\nhire alice \"Alice\"\ncustomer c1 \"C1\"\npromise p1 by alice to c1 due=+1d")
    #expect(h.run("who alcie") == "error: unknown id 'alcie' — did you mean 'alice'?\n")
    #expect(
      h.run("who p1")
        == "error: 'p1' is a promise, not a party — 'who' profiles employees, customers and partners; 'promises' shows it\n"
    )
    let who = try h.json("who alice")
    #expect(who["kind"] == "employee")
    #expect(who["events"]?["count"] == 2)
    #expect(who["events"]?["items"]?.arrayValue?.map { $0["seq"] } == [1, 3])
  }

  @Test func whoKeepsTheLast20Events() throws {
    let h = try Harness()
    h.script(
      "clock 2021-01-04\nhire ana \"Ana\"\ncustomer c1 \"C1\"\n"
        + (1...25).map { _ in "log ana with c1" }.joined(separator: "\n"))
    let items = try h.json("who c1")["events"]?["items"]?.arrayValue ?? []
    #expect(items.count == 20)
    #expect(items.first?["seq"] == 8)
    #expect(items.last?["seq"] == 27)
  }

  @Test func snapshotsOnSQLiteReopenToTheSameState() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let path = dir + "/s.sqlite"
    let h = try Harness(store: try SQLiteStore(path: path))
    h.session.snapshotInterval = 3
    h.script(
      "clock 2021-01-04\nhire ana \"Ana\"\ncustomer c1 \"C1\"\n"
        + (1...10).map { "log ana with c1 outcome=\($0 % 2 == 0 ? "+1" : "-1")" }.joined(separator: "\n"))
    let expected = h.session.state
    let culture = try h.json("culture")
    let store = try SQLiteStore(path: path)
    #expect(try store.loadSnapshot("main", atOrBefore: 12, version: State.snapshotVersion) != nil)
    let reopened = try Harness(store: store)
    #expect(reopened.session.state == expected)
    #expect(try reopened.json("culture") == culture)
    // Deleting every snapshot loses nothing: the next open folds from scratch.
    let sqlite3 = Process()
    sqlite3.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    sqlite3.arguments = ["sqlite3", path, "DELETE FROM snapshots"]
    try sqlite3.run()
    sqlite3.waitUntilExit()
    #expect(sqlite3.terminationStatus == 0)
    let emptied = try SQLiteStore(path: path)
    #expect(try emptied.loadSnapshot("main", atOrBefore: 12, version: State.snapshotVersion) == nil)
    let rebuilt = try Harness(store: emptied)
    #expect(rebuilt.session.state == expected)
    #expect(try rebuilt.json("culture") == culture)
  }
}
