import EthosDomain
import EthosEngine
import EthosJSON
import EthosLanguage
import EthosREPL
import Foundation
import TestSupport
import Testing

/// A small log with a CJK name, an emoji name, long texts and a branch: what
/// issue 15's first user found misaligned or too wide.
enum Wide {
  static let script = """
    clock 2020-01-01T09:00
    hire ana "Ana Lima" dept=front-desk role="Senior front desk agent for the VIP floor"
    hire li "李雷" dept=front-desk
    hire emo "😀 Smiley" dept=back
    customer acme "Acme Travel Incorporated"
    log ana with acme outcome=2 mode=relationship "a very long note about what happened at the desk that morning"
    log li with acme outcome=-1
    log emo with ana outcome=1
    branch b from=@5
    champion li
    log li with acme outcome=2
    hire zed "Zed" dept=back
    switch main
    """

  static func harness(width: Int?) throws -> Harness {
    let h = try Harness()
    h.script(script)
    h.session.settings.width = width
    return h
  }
}

@Suite struct DisplayWidthTests {
  @Test(arguments: [
    ("ana", 3), ("李雷", 4), ("😀", 2), ("😀 Smiley", 9), ("e\u{301}", 1), ("—", 1), ("\u{1B}[32mgood\u{1B}[0m", 4),
    ("🇫🇷", 2), ("한국", 4), ("ｶ", 1), ("Ａ", 2),
  ])
  func width(_ text: String, _ expected: Int) {
    #expect(DisplayWidth.of(text) == expected, "\(text)")
  }

  @Test func cutEndsWithAnEllipsisWithinTheWidth() {
    #expect(DisplayWidth.cut("Acme Travel", to: 6) == "Acme …")
    #expect(DisplayWidth.cut("李雷李雷", to: 5) == "李雷…")
    #expect(DisplayWidth.cut("short", to: 10) == "short")
  }

  /// Today a `李雷` row shifts every column after it by two.
  @Test func cjkAndEmojiRowsStayAligned() throws {
    let h = try Wide.harness(width: nil)
    let lines = h.run("employees").split(separator: "\n").map(String.init)
    let header = try #require(lines.first)
    let deptRange = try #require(header.range(of: "dept"))
    let deptColumn = DisplayWidth.of(String(header[..<deptRange.lowerBound]))
    for line in lines.dropFirst(2) {
      let dept = try #require(line.range(of: "front-desk") ?? line.range(of: "back"))
      #expect(DisplayWidth.of(String(line[..<dept.lowerBound])) == deptColumn, "\(line)")
    }
  }
}

@Suite struct FitTheTerminalTests {
  /// At 60 columns nothing is wider than 60 display columns.
  @Test(arguments: [
    "employees", "employees all", "history", "compare main b", "compare main b employees", "compare main b matrix",
    "culture", "matrix", "show @5", "who ana", "customers", "branches", "trend matrix.balance by=day", "help",
    "help log",
  ])
  func nothingIsWiderThanTheTerminal(_ statement: String) throws {
    let h = try Wide.harness(width: 60)
    let out = h.run(statement)
    #expect(h.console.errLines.isEmpty, "\(h.console.errLines)")
    for line in h.console.outLines {
      #expect(DisplayWidth.of(line) <= 60, "\(statement): '\(line)' is \(DisplayWidth.of(line)) wide")
    }
    #expect(!out.isEmpty)
  }

  @Test func expandedAutoShowsRecordsWhenATableWouldNotFit() throws {
    let h = try Wide.harness(width: 60)
    let out = h.run("employees")
    #expect(out.hasPrefix("─[ 1 ]──"))
    #expect(out.contains("\nname        李雷\n"))
    #expect(out.contains("\ntrained     —\n"))
    // Wide enough, the same query is a table.
    h.session.settings.width = 200
    #expect(h.run("employees").hasPrefix("id   name"))
  }

  @Test func expandedOffCutsCellsAndOnAlwaysShowsBlocks() throws {
    let h = try Wide.harness(width: 60)
    h.run("set expanded off")
    let table = h.run("history")
    #expect(table.hasPrefix("seq  "))
    #expect(table.contains("…"))
    for line in h.console.outLines { #expect(DisplayWidth.of(line) <= 60) }
    h.session.settings.width = nil
    h.run("set expanded on")
    let blocks = h.run("customers")
    #expect(blocks.hasPrefix("─[ 1 ]"))
    #expect(blocks.contains("name          Acme Travel Incorporated\n"))
  }

  @Test func bareSetListsEverySetting() throws {
    let h = try Harness()
    h.run("set expanded off", "set timing on", "set pager off")
    let out = h.run("set")
    #expect(out.contains("format    table\n"))
    #expect(out.contains("expanded  off\n"))
    #expect(out.contains("pager     off\n"))
    #expect(out.contains("timing    on\n"))
    #expect(out.contains("bail      off\n"))
    #expect(out.contains("echo      off\n"))
  }

  @Test func timingPrintsHowLongEachStatementTookOnStderr() throws {
    let h = try Harness()
    h.run("set timing on")
    h.run("hire ana \"Ana\"")
    #expect(h.console.outLines == ["@1 EmployeeHired ana \"Ana\" (general, staff)"])
    let timing = try #require(h.console.errLines.first)
    #expect(timing.hasPrefix("time: ") && timing.hasSuffix(" ms"), "\(timing)")
  }

  /// A `trend by=day` over years printed a 1,000-character sparkline.
  @Test func longTrendSparklineIsBucketedToTheWidth() throws {
    let h = try Harness()
    var lines = ["clock 2019-01-01", "hire ana \"Ana\"", "customer acme \"Acme\""]
    for index in 0..<40 { lines += ["clock +30d", "log ana with acme outcome=\(index % 5 - 2)"] }
    h.script(lines.joined(separator: "\n"))
    h.session.settings.width = 60
    h.run("trend matrix.balance by=day")
    let spark = try #require(h.console.outLines.last)
    #expect(spark.contains("▁") || spark.contains("▄"))
    #expect(DisplayWidth.of(spark) <= 60, "\(spark)")
    #expect(h.console.outLines.count > 1000)
    // Off a terminal the sparkline keeps to 80 columns.
    h.session.settings.width = nil
    h.run("trend matrix.balance by=day")
    #expect(DisplayWidth.of(try #require(h.console.outLines.last)) <= 80)
  }

  @Test func bucketingAveragesNeighbours() {
    #expect(Renderer.bucketed([1, 3, nil, nil, 5, 7], count: 3) == [2, nil, 6])
    #expect(Renderer.bucketed([1, 2], count: 5) == [1, 2])
  }
}

@Suite struct MachineReadableTests {
  /// Acceptance 2: `ethos run FILE --format json` is JSON Lines only.
  @Test func jsonRunPrintsOneObjectPerLine() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let script = dir + "/mixed.ethos"
    try """
    clock 2021-01-04T08:00
    hire ana "Ana Lima"
    customer acme "Acme"
    log ana with acme outcome=+2
    clock
    employees
    matrix
    culture
    history
    expect employees.count == 1
    branch b
    switch main
    help hire
    verify
    set
    """.write(toFile: script, atomically: true, encoding: .utf8)
    let result = try EthosProcess.run(["run", script, "--format", "json", "--echo", "--store", dir + "/s.sqlite"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count > 20)
    for line in lines {
      let value = try JSON.parse(String(line))
      #expect(value.objectValue != nil, "\(line)")
    }
    #expect(
      lines.contains("{\"seq\":1,\"type\":\"EmployeeHired\",\"summary\":\"ana \\\"Ana Lima\\\" (general, staff)\"}"))
    // The same check as a user's pipe into python.
    let python = try EthosProcess.runProgram(
      "/usr/bin/env", ["python3", "-c", "import sys,json; [json.loads(l) for l in sys.stdin]"], stdin: result.stdout)
    #expect(python.status == 0, "\(python.stderr)")
  }

  /// Today a list with no rows prints a bare newline in csv.
  @Test(arguments: [
    "employees", "customers", "partners", "champions", "team", "promises", "stresses", "plan", "at-risk",
  ])
  func csvWithNoRowsStillPrintsTheHeader(_ query: String) throws {
    let empty = try Harness()
    empty.run("set format csv")
    let header = empty.run(query)
    let full = try Harness()
    full.script(
      """
      clock 2021-01-04
      hire ana "Ana" dept=desk level=leader
      customer acme "Acme"
      engage ven "Vendor" kind=vendor
      champion ana
      team join ana
      promise p1 by ana to acme due=+1d
      stress begin s1 kind=weather
      deficiency d1 "slow" area=nps
      plan a1 for d1 owner=ana due=+1w
      log ana with acme outcome=-2
      """)
    full.run("set format csv")
    let rows = full.run(query).split(separator: "\n")
    #expect(rows.count >= 2, "\(query) had no row in the full store")
    #expect(header == String(rows[0]) + "\n", "\(query)")
  }
}

@Suite struct ClockAndBranchTests {
  static let past = """
    clock 2020-01-01T09:00
    hire ana "Ana"
    clock 2020-02-01T09:00
    customer acme "Acme"
    clock 2020-03-01T09:00
    log ana with acme outcome=1
    """

  /// A branch forked from the past stays in the past; `switch` restores each branch's clock.
  @Test func branchStartsAtItsForkPointAndSwitchRestoresClocks() throws {
    let h = try Harness()
    h.script(Self.past)
    h.run("branch b from=@2")
    #expect(h.run("clock") == "2020-02-01T09:00:00Z\n")
    h.run("log ana with acme outcome=2")
    #expect(try h.json("show @3")["occurredAt"] == "2020-02-01T09:00:00Z")
    h.run("clock 2020-02-10")
    #expect(h.run("switch main") == "on branch 'main' (head @3)\n")
    #expect(h.run("clock") == "2020-03-01T09:00:00Z\n")
    h.run("switch b")
    #expect(h.run("clock") == "2020-02-10T00:00:00Z\n")
    // A branch from the head keeps the clock it was made with.
    h.run("branch c")
    #expect(h.run("clock") == "2020-02-10T00:00:00Z\n")
  }

  /// The error never suggests `clock live`, which would stamp the wall clock
  /// (2021 here) into a log whose head is in the past for good.
  @Test func clockErrorsNeverSuggestClockLive() throws {
    let h = try Harness()
    h.script(Self.past)
    h.run("branch b from=@1", "clock 2020-01-15")
    h.run("switch main")
    h.run("clock 2020-03-01T09:00", "branch d from=@2", "switch main")
    h.session.clock = .fixed(Timestamp(year: 2020, month: 1, day: 2))
    let out = h.run("hire bob \"Bob\"")
    #expect(out.contains("error: the clock (2020-01-02T00:00:00Z) is before the last event"))
    #expect(out.contains("'clock 2020-03-01T09:00:00Z'"))
    #expect(!out.contains("clock live"))
    #expect(!h.run("clock 2020-01-01").contains("clock live"))
  }
}

@Suite struct TrainerScriptTests {
  @Test func expectSummaryEchoAndJUnit() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let script = dir + "/check.ethos"
    try """
    hire ana "Ana"
    expect employees.count == 1
    expect employees.count == 2
    expect champions.count < 1
    """.write(toFile: script, atomically: true, encoding: .utf8)
    let report = dir + "/report.xml"
    let result = try EthosProcess.run(
      ["run", script, "--echo", "--junit", report, "--store", ":memory:"], environment: ["ETHOS_NOW": "2021-01-01"])
    #expect(result.status == 1)
    #expect(result.stderr.hasSuffix("3 expects: 2 passed, 1 failed\n"), "\(result.stderr)")
    #expect(result.stdout.contains("ok \(script):2 expect employees.count == 1\n"))
    #expect(result.stdout.contains("ok \(script):4 expect champions.count < 1\n"))
    #expect(!result.stdout.contains("ok \(script):3"))
    let xml = try String(contentsOfFile: report, encoding: .utf8)
    #expect(xml.contains("<testsuites name=\"ethos\" tests=\"3\" failures=\"1\">"))
    #expect(xml.components(separatedBy: "<testcase ").count == 4)
    #expect(xml.contains("<failure message=\"expect failed: employees.count — expected == 2, actual 1\"/>"))
    // Well-formed XML.
    let parsed = try EthosProcess.runProgram(
      "/usr/bin/env", ["python3", "-c", "import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])", report])
    #expect(parsed.status == 0, "\(parsed.stderr)")
  }

  @Test func scriptOnStandardInputEndsWithTheSummaryToo() throws {
    let result = try EthosProcess.run(
      ["--store", ":memory:"], stdin: "hire ana \"Ana\"\nexpect employees.count == 1\n",
      environment: ["ETHOS_NOW": "2021-01-01"])
    #expect(result.status == 0)
    #expect(result.stderr == "1 expect: 1 passed, 0 failed\n")
  }

  @Test func noExpectsNoSummary() throws {
    let result = try EthosProcess.run(["run", "/dev/null", "--store", ":memory:"])
    #expect(result.stderr == "")
  }

  /// `expect a = b` suggested `!=`, the opposite of what was meant.
  @Test func singleEqualsSuggestsDoubleEquals() throws {
    let h = try Harness()
    let out = h.run("expect champions.count = 0")
    #expect(out == "error: a comparison must be ==, !=, <, <=, > or >= (got '=') — did you mean '=='?\n")
  }

  @Test func byteOrderMarkAtTheStartIsIgnored() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let script = dir + "/bom.ethos"
    try Data([0xEF, 0xBB, 0xBF] + Array("hire ana \"Ana\"\nhire bob \"Bob\"\n".utf8)).write(
      to: URL(fileURLWithPath: script))
    let result = try EthosProcess.run(["run", script, "--store", ":memory:"], environment: ["ETHOS_NOW": "2021-01-01"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("@1 EmployeeHired ana"))
    let piped = try EthosProcess.run(
      ["--store", ":memory:"], stdin: "\u{FEFF}hire ana \"Ana\"\n", environment: ["ETHOS_NOW": "2021-01-01"])
    #expect(piped.status == 0, "\(piped.stderr)")
  }

  @Test func backslashContinuesAScriptLine() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let script = dir + "/long.ethos"
    try "hire ana \"Ana Lima\" \\\n  dept=front-desk \\\n  level=leader\nhire bob\n".write(
      toFile: script, atomically: true, encoding: .utf8)
    let result = try EthosProcess.run(["run", script, "--store", ":memory:"], environment: ["ETHOS_NOW": "2021-01-01"])
    #expect(result.stdout.hasPrefix("@1 EmployeeHired ana \"Ana Lima\" (front-desk, leader)\n"))
    // The next statement keeps its own line number.
    #expect(result.stderr.hasPrefix("\(script):4:"), "\(result.stderr)")
  }

  @Test func trendOfAnObjectSuggestsItsValue() throws {
    let h = try Harness()
    h.run("hire ana \"Ana\"")
    let out = h.run("trend culture.indicators.nps")
    #expect(
      out
        == "error: cannot read 'culture.indicators.nps': it is an object, and a trend follows a number — "
        + "did you mean 'culture.indicators.nps.value'?\n")
    #expect(h.run("trend culture.verdict").contains("is not a number"))
  }
}

@Suite struct AuditorLinkTests {
  static let trail = """
    clock 2021-01-04
    hire ana "Ana"
    hire ben "Ben"
    customer acme "Acme"
    promise p1 by ben to acme due=+1d
    keep p1
    log ben with acme outcome=-2
    retract @6 "logged against the wrong customer"
    plan x1 for d1 owner=ana due=+1w
    """

  @Test func historyWhoFollowsEveryRole() throws {
    let h = try Harness()
    h.script(Self.trail)
    let items = try #require(try h.json("history who=acme")["items"]?.arrayValue)
    let seqs = items.compactMap { $0["seq"]?.intValue }
    // Registered, promised to, its promise kept, an interaction, that interaction's retraction.
    #expect(seqs == [3, 4, 5, 6, 7])
  }

  @Test func historyWhoOfAnUnknownIdIsAnError() throws {
    let h = try Harness()
    h.script(Self.trail)
    #expect(h.run("history who=acmee") == "error: unknown id 'acmee' — did you mean 'acme'?\n")
  }

  @Test func showNamesTheRetractionAndItsTarget() throws {
    let h = try Harness()
    h.script(Self.trail)
    let retracted = try h.json("show @6")
    #expect(retracted["retracted"] == .bool(true))
    #expect(retracted["retractedBy"]?["seq"] == .int(7))
    #expect(retracted["retractedBy"]?["actor"] == "tester")
    #expect(retracted["retractedBy"]?["reason"] == "logged against the wrong customer")
    let retraction = try h.json("show @7")
    #expect(retraction["retracts"]?["seq"] == .int(6))
    #expect(retraction["retracts"]?["type"] == "InteractionLogged")
    #expect(try h.json("show @5")["retractedBy"] == nil)
  }

  /// compare matches list items by id and shows a delta column.
  @Test func compareMatchesByIdWithADelta() throws {
    let h = try Harness()
    h.script(
      """
      clock 2021-01-04
      hire ana "Ana"
      hire bob "Bob"
      branch b from=@1
      hire cid "Cid"
      log cid with ana outcome=1
      switch main
      """)
    let compared = try h.json("compare main b employees")
    let differences = try #require(compared["differences"]?.arrayValue).compactMap(\.stringValue)
    #expect(differences.contains("employees.items.cid.id"))
    #expect(differences.contains("employees.items.bob.id"))
    #expect(!differences.contains("employees.items.ana.id"))
    let table = h.run("compare main b employees")
    #expect(table.hasPrefix("employees"))
    #expect(table.contains("Δ"))
    #expect(table.split(separator: "\n").contains { $0.hasPrefix("items.ana.received") && $0.hasSuffix("+1") })
  }
}

@Suite struct SmallerEdgesTests {
  @Test func helpListsTheStoreOptionsAndTheREPL() throws {
    let result = try EthosProcess.run(["--help"])
    #expect(result.status == 0)
    for word in ["--store", "--branch", "--actor", "REPL"] { #expect(result.stdout.contains(word), "\(word)") }
  }

  @Test func bannerSaysWhenTheStoreIsNew() throws {
    let h = try Harness()
    #expect(REPL.banner(h.session, version: "ethos", createdStore: true).contains { $0.hasPrefix("new store:") })
    #expect(!REPL.banner(h.session, version: "ethos").contains { $0.hasPrefix("new store:") })
  }

  @Test func failedImportIntoANewStoreLeavesNoFile() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let source = dir + "/source.sqlite"
    try EthosProcess.run(["--store", source], stdin: "hire ana \"Ana\"\n", environment: ["ETHOS_NOW": "2021-01-01"])
    let trail = try EthosProcess.run(["export", "--store", source]).stdout
    try trail.write(toFile: dir + "/log.jsonl", atomically: true, encoding: .utf8)
    let target = dir + "/new.sqlite"
    let result = try EthosProcess.run(["import", dir + "/log.jsonl", "--branch", "x", "--store", target])
    #expect(result.status != 0)
    #expect(!FileManager.default.fileExists(atPath: target))
    try "not json\n".write(toFile: dir + "/bad.jsonl", atomically: true, encoding: .utf8)
    let bad = try EthosProcess.run(["import", dir + "/bad.jsonl", "--store", target])
    #expect(bad.status != 0)
    #expect(!FileManager.default.fileExists(atPath: target))
  }

  @Test func verifyAllChecksEveryBranch() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/s.sqlite"
    try EthosProcess.run(
      ["--store", store], stdin: "hire ana \"Ana\"\nbranch b\nhire bob \"Bob\"\n",
      environment: ["ETHOS_NOW": "2021-01-01"])
    let result = try EthosProcess.run(["verify", "--all", "--store", store])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout
        == "ok: branch 'main' verifies, 1 events chain from @1\nok: branch 'b' verifies, 2 events chain from @1\n")
  }

  @Test func emptyTrainedCellsShowADash() throws {
    let h = try Harness()
    h.run("hire ana \"Ana\"")
    let lines = h.run("employees").split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[2].hasSuffix("—        yes") || lines[2].contains("—"), "\(lines[2])")
    let header = String(lines[0])
    let trained = try #require(header.range(of: "trained"))
    let row = String(lines[2])
    let column = header.distance(from: header.startIndex, to: trained.lowerBound)
    #expect(row.dropFirst(column).hasPrefix("—"), "\(row)")
  }
}
