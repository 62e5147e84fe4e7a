import EthosDomain
import EthosEngine
import EthosStore
import Foundation
import TestSupport
import Testing

/// Before each statement the REPL catches up on events other writers
/// appended and says so in one line (SPEC §8): on a real terminal (tmux),
/// with the other writer a separate `ethos` process, on SQLite and PostgreSQL.
@Suite(.serialized) struct REPLCatchUpTests {
  enum Kind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
  }

  static let seed = """
    clock 2021-01-04T08:00
    hire ana "Ana Lima" dept=front-desk
    customer acme "Acme Travel"

    """

  @Test(
    .enabled(
      if: Tmux.available, "tmux is not installed: the terminal test of the REPL needs it (apt-get install tmux)"),
    arguments: Kind.allCases)
  func theREPLSaysWhatOthersAppendedSinceTheLastStatement(kind: Kind) throws {
    if kind == .postgres, !PostgresTestServer.enabled { return }
    let dir = try EthosProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = kind == .postgres ? try PostgresTestServer.freshURL() : dir + "/s.sqlite"
    let environment = ["ETHOS_NOW": "2021-01-05T09:30"]
    let seeded = try EthosProcess.run(["--store", store, "--actor", "ana"], stdin: Self.seed, environment: environment)
    try #require(seeded.status == 0, "\(seeded.stderr)")

    let command =
      "env -u EDITRC HOME=\(dir) ETHOS_HISTORY=\(dir)/history ETHOS_NOW=2021-01-05T09:30 NO_COLOR=1 "
      + "LANG=C.UTF-8 LC_ALL=C.UTF-8 \(EthosProcess.binary) --store '\(store)' --actor tester"
    let tmux = Tmux()
    defer { tmux.stop() }
    try tmux.start("one", command: command, statusFile: dir + "/status")
    try tmux.waitFor("one") { REPLTerminalTests.atPrompt($0) && $0.contains("main@2 ") }

    // Nothing new: no line.
    try tmux.type("one", "customers")
    try tmux.press("one", "Enter")
    var screen = try tmux.waitFor("one") { $0.contains("acme") && REPLTerminalTests.atPrompt($0) }
    #expect(!screen.contains("new event"))

    // bob and carol append three events from other processes.
    for (actor, lines) in [("bob", "hire ben \"Ben\"\ncustomer bolt \"Bolt\"\n"), ("carol", "feedback acme score=9\n")]
    {
      let other = try EthosProcess.run(["--store", store, "--actor", actor], stdin: lines, environment: environment)
      #expect(other.status == 0, "\(other.stderr)")
    }
    // The next statement, a query, sees them, and says so once, above its output.
    try tmux.type("one", "customers")
    try tmux.press("one", "Enter")
    screen = try tmux.waitFor("one") { $0.contains("bolt") && REPLTerminalTests.atPrompt($0) }
    let notice = "3 new events on main since your last statement (bob, carol)"
    #expect(screen.contains(notice), "\(screen)")
    #expect(REPLTerminalTests.lastLine(screen).hasPrefix("ethos main@5 "))

    // A write after one more event from bob: one event, named, and the
    // write lands after it (@7), decided against the caught-up state.
    let more = try EthosProcess.run(
      ["--store", store, "--actor", "bob"], stdin: "customer cora \"Cora\"\n", environment: environment)
    #expect(more.status == 0, "\(more.stderr)")
    try tmux.type("one", "feedback cora score=7")
    try tmux.press("one", "Enter")
    screen = try tmux.waitFor("one") { REPLTerminalTests.lastLine($0).hasPrefix("ethos main@7 ") }
    #expect(screen.contains("1 new event on main since your last statement (bob)"), "\(screen)")
    #expect(screen.contains("@7 "), "\(screen)")
    #expect(!screen.contains("error:"), "\(screen)")

    // Its own write is not news.
    try tmux.type("one", "customers")
    try tmux.press("one", "Enter")
    screen = try tmux.waitFor("one") { $0.split(separator: "\n").filter { $0.contains("09:30> customers") }.count == 3 }
    screen = try tmux.waitFor("one") { REPLTerminalTests.atPrompt($0) }
    #expect(screen.components(separatedBy: "since your last statement").count == 3, "\(screen)")
    try tmux.type("one", "quit")
    try tmux.press("one", "Enter")
    #expect(try tmux.waitForExit("one", statusFile: dir + "/status") == 0)
  }

  /// The line itself, and the engine call the REPL makes, on every store.
  @Test func theNoticeCountsAndNamesTheOthers() throws {
    let store = MemoryStore()
    let console = CapturingConsole()
    let session = try Session(store: store, actor: "tester", console: console)
    session.catchUpAndAnnounce()
    #expect(console.outLines.isEmpty)
    for (index, actor) in ["bob", "carol", "bob", "dan", "eve", "fay"].enumerated() {
      let other = try Session(store: store, actor: actor, console: CapturingConsole())
      other.execute("customer c\(index) \"C\(index)\"")
    }
    session.catchUpAndAnnounce()
    #expect(console.outLines == ["6 new events on main since your last statement (bob, carol, dan, 2 others)"])
    console.reset()
    session.catchUpAndAnnounce()
    #expect(console.outLines.isEmpty)
    #expect(session.state.headSeq == 6)
  }
}
