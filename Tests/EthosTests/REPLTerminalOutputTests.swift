import EthosEngine
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Issue 15 on a real terminal: output that fits 60 columns, keys that work
/// whatever TERM says, continued lines, the pager, and the new-store banner.
@Suite(.serialized) struct REPLTerminalOutputTests {
  static let seededAt = ["ETHOS_NOW": "2021-01-04T08:00"]

  static func seed(_ dir: String, script: String = Wide.script) throws -> String {
    let store = dir + "/s.sqlite"
    let seeded = try EthosProcess.run(["--store", store], stdin: script + "\n", environment: seededAt)
    try #require(seeded.status == 0, "seeding failed: \(seeded.stderr)")
    return store
  }

  static func command(_ dir: String, store: String, term: String = "xterm", pager: String = "") -> String {
    "env -u EDITRC HOME=\(dir) TERM=\(term) PAGER='\(pager)' ETHOS_HISTORY=\(dir)/history ETHOS_NOW=2021-01-05T09:30 "
      + "NO_COLOR=1 LANG=C.UTF-8 LC_ALL=C.UTF-8 \(EthosProcess.binary) --store \(store) --actor tester"
  }

  /// A line the parser refuses gets its error, then the line again with a
  /// caret under the word it stopped at (as swiftc and clang show it); the
  /// REPL goes on.
  @Test(.enabled(if: Tmux.available, "tmux is not installed"))
  func aCaretPointsAtTheOffendingWord() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = try Self.seed(dir, script: "clock 2021-01-04T08:00\nhire ana \"Ana\"")
    let tmux = Tmux()
    defer { tmux.stop() }
    try tmux.start("caret", command: Self.command(dir, store: store), statusFile: dir + "/status")
    try tmux.waitFor("caret") { $0.contains("ethos main@1 2021-01-05 09:30>") }
    try tmux.type("caret", "log ana wiht acme")
    try tmux.press("caret", "Enter")
    let screen = try tmux.waitFor("caret") { $0.contains("^") }
    let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let at = try #require(lines.firstIndex { $0.hasPrefix("error: expected 'with' here, got 'wiht'") })
    #expect(lines[at + 1] == "  log ana wiht acme")
    #expect(lines[at + 2] == "          ^")
    try tmux.press("caret", "C-d")
    #expect(try tmux.waitForExit("caret", statusFile: dir + "/status") == 0)
  }

  /// Acceptance 1: at 60 columns, with a CJK and an emoji name present,
  /// `employees`, `history`, `compare main b` and `culture` print no line
  /// wider than 60 display columns.
  @Test(.enabled(if: Tmux.available, "tmux is not installed"))
  func sixtyColumnsNothingWraps() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = try Self.seed(dir)
    let tmux = Tmux()
    defer { tmux.stop() }
    try tmux.start(
      "narrow", command: Self.command(dir, store: store), statusFile: dir + "/status", width: 60, height: 40)
    try tmux.waitFor("narrow") { REPLTerminalTests.atPrompt($0) }
    let statements = [
      "employees", "history", "compare main b", "culture", "matrix", "compare main b matrix", "help log",
    ]
    for (index, statement) in statements.enumerated() {
      try tmux.type("narrow", statement)
      try tmux.press("narrow", "Enter")
      // Done when the prompt is back for the next statement.
      try tmux.waitFor("narrow") { screen in
        guard REPLTerminalTests.atPrompt(screen), let all = try? tmux.joinedHistory("narrow") else { return false }
        return all.split(separator: "\n").filter { $0.hasPrefix("ethos main@") }.count == index + 2
      }
    }
    let screen = try tmux.joinedHistory("narrow")
    #expect(screen.contains("李雷"))
    #expect(screen.contains("😀 Smiley"))
    #expect(screen.contains("Δ"))
    for line in screen.split(separator: "\n") {
      #expect(DisplayWidth.of(String(line)) <= 60, "'\(line)' is \(DisplayWidth.of(String(line))) columns wide")
    }
    try tmux.press("narrow", "C-d")
    #expect(try tmux.waitForExit("narrow", statusFile: dir + "/status") == 0)
  }

  /// Home under tmux with TERM=xterm inserted `~`: each terminal's sequences
  /// for Home, End, Delete and word moves are bound whatever TERM says.
  @Test(.enabled(if: Tmux.available, "tmux is not installed"), arguments: ["xterm", "dumb", "linux", "rxvt", "screen"])
  func homeEndDeleteAndWordMovesWhateverTerm(_ term: String) throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = try Self.seed(dir, script: "clock 2021-01-04T08:00\nhire ana \"Ana\"")
    let tmux = Tmux()
    defer { tmux.stop() }
    try tmux.start("keys", command: Self.command(dir, store: store, term: term), statusFile: dir + "/status")
    let prompt = "ethos main@1 2021-01-05 09:30> "
    try tmux.waitFor("keys") { $0.contains("ethos main@1 2021-01-05 09:30>") }
    let escape: UInt8 = 0x1B
    func seq(_ text: String) -> [UInt8] { [escape] + Array(text.utf8) }
    // (keys after typing "bc d", then typed text, what the line must read)
    let homes = ["[H", "OH", "[1~", "[7~"].map { (seq($0), "a", "abc d") }
    let ends = ["[F", "OF", "[4~", "[8~"].map { (seq("[H") + seq($0), "!", "bc d!") }
    let delete = [(seq("[H") + seq("[3~"), "", "c d")]
    let wordLeft = ["[1;5D", "[5D", "Od", "[1;3D"].map { (seq($0), "X", "bc Xd") }
    let wordRight = ["[1;5C", "[5C", "Oc", "[1;3C"].map { (seq("[H") + seq($0), "Y", "bcY d") }
    for (keys, typed, expected) in homes + ends + delete + wordLeft + wordRight {
      try tmux.type("keys", "bc d")
      try tmux.sendBytes("keys", keys)
      if !typed.isEmpty { try tmux.type("keys", typed) }
      try tmux.press("keys", "C-c")
      let screen = try tmux.waitFor("keys", timeout: 10) { $0.contains(prompt + expected + "^C") }
      #expect(!screen.contains("~"), "TERM=\(term) \(keys): \(screen)")
      try tmux.run(["clear-history", "-t", "keys"])
      try tmux.press("keys", "C-l")
    }
    // And tmux's own Home key, as a person presses it.
    try tmux.type("keys", "ire bob \"Bob\"")
    try tmux.press("keys", "Home")
    try tmux.type("keys", "h")
    try tmux.press("keys", "End")
    try tmux.type("keys", " dept=desk")
    try tmux.press("keys", "Enter")
    try tmux.waitFor("keys") { $0.contains("@2 EmployeeHired bob \"Bob\" (desk, staff)") }
    try tmux.press("keys", "C-d")
    #expect(try tmux.waitForExit("keys", statusFile: dir + "/status") == 0)
  }

  /// A line ending in `\` continues with a `...> ` prompt; output taller than
  /// the screen goes through $PAGER unless `set pager off`; a new store says so.
  @Test(.enabled(if: Tmux.available, "tmux is not installed"))
  func continuationPagerAndNewStoreBanner() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/fresh.sqlite"
    let paged = dir + "/paged.txt"
    let tmux = Tmux()
    defer { tmux.stop() }
    try tmux.start(
      "page", command: Self.command(dir, store: store, pager: "cat > \(paged)"), statusFile: dir + "/status", width: 80,
      height: 20)
    var screen = try tmux.waitFor("page") { REPLTerminalTests.atPrompt($0) }
    #expect(screen.contains("new store: there was none at"))

    try tmux.type("page", "hire ana \"Ana Lima\" \\")
    try tmux.press("page", "Enter")
    try tmux.waitFor("page") { REPLTerminalTests.lastLine($0) == "...>" }
    try tmux.type("page", "dept=front-desk")
    try tmux.press("page", "Enter")
    try tmux.waitFor("page") { $0.contains("@1 EmployeeHired ana \"Ana Lima\" (front-desk, staff)") }
    for index in 2...12 {
      try tmux.type("page", "hire e\(index) \"Employee \(index)\"")
      try tmux.press("page", "Enter")
      try tmux.waitFor("page") { $0.contains("@\(index) EmployeeHired") && REPLTerminalTests.atPrompt($0) }
    }
    // Taller than the 20-row screen: paged.
    try tmux.type("page", "history")
    try tmux.press("page", "Enter")
    try tmux.waitFor("page") { _ in FileManager.default.fileExists(atPath: paged) }
    try tmux.waitFor("page") { REPLTerminalTests.lastLine($0) == "ethos main@12 2021-01-05 09:30>" }
    let text = try String(contentsOfFile: paged, encoding: .utf8)
    #expect(text.contains("EmployeeHired"))
    #expect(text.split(separator: "\n").count > 20)
    // Short output is not paged; with the pager off nothing is.
    try FileManager.default.removeItem(atPath: paged)
    for statement in ["branches", "set pager off", "history"] {
      try tmux.type("page", statement)
      try tmux.press("page", "Enter")
      usleep(300_000)
      try tmux.waitFor("page") { REPLTerminalTests.lastLine($0) == "ethos main@12 2021-01-05 09:30>" }
    }
    screen = try tmux.screen("page")
    #expect(screen.contains("e12 \"Employee 12\""))
    #expect(!FileManager.default.fileExists(atPath: paged))
    try tmux.press("page", "C-d")
    #expect(try tmux.waitForExit("page", statusFile: dir + "/status") == 0)
  }
}
