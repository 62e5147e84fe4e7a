import EthosDomain
import EthosEngine
import EthosStore
import EthosStorePostgres
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads from a hot standby (SPEC §12, issue 12 acceptance 4): a primary and
/// a streaming standby made with `pg_basebackup -R`, both on loopback and
/// both started and stopped by the test. On the standby `query`, `verify`,
/// `export`, `follow` (polling: NOTIFY is not replicated) and a read-only
/// REPL work; a write fails with exit 1 and one clear line.
@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.unavailableReason)))
struct PostgresStandbyTests {
  static let environment = ["ETHOS_NOW": "2021-06-01T00:00:00Z"]

  func ethos(_ arguments: [String], stdin: String? = nil, actor: String = "ana") throws -> EthosProcess.Result {
    try EthosProcess.run(arguments + ["--actor", actor], stdin: stdin, environment: Self.environment)
  }

  /// Polls `condition` every 50 ms for up to `seconds`.
  static func eventually(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try condition() { return true }
      usleep(50_000)
    }
    return try condition()
  }

  static func oneErrorLine(_ stderr: String) -> Bool {
    let lines = stderr.split(separator: "\n")
    return lines.count == 1 && lines[0].hasPrefix("error: ")
  }

  @Test func queryVerifyExportFollowAndTheREPLWorkOnAStandbyAndWritesFailClearly() throws {
    let primary = try PostgresServer.startPrimary()
    defer { primary.stop() }
    let standby = try primary.startStandby()
    defer { standby.stop() }
    let folder = try EthosProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let onPrimary = primary.url + "?schema=shared_log"
    let onStandby = standby.url + "?schema=shared_log"

    // A log on the primary, replayed on the standby.
    try PostgresStoreTests.script.write(toFile: folder + "/s.ethos", atomically: true, encoding: .utf8)
    let seeded = try ethos(["run", folder + "/s.ethos", "--store", onPrimary])
    try #require(seeded.status == 0, "\(seeded.stderr)")
    let culture = try ethos(["query", "culture", "--format", "json", "--store", onPrimary])
    try #require(culture.status == 0 && !culture.stdout.isEmpty, "\(culture.stderr)")
    var onStandbyCulture = ""
    let replayed = try Self.eventually(seconds: 30) {
      let result = try ethos(["query", "culture", "--format", "json", "--store", onStandby])
      onStandbyCulture = result.stdout + result.stderr
      return result.status == 0 && result.stdout == culture.stdout
    }
    #expect(replayed, "the standby's culture: \(onStandbyCulture)")

    // The store knows where it is.
    let opened = try PostgresStore(onStandby)
    #expect(opened.isStandby)
    #expect(opened.writeRefusal != nil)
    #expect(try PostgresStore(onPrimary).writeRefusal == nil)

    // verify and export read the same log as on the primary.
    let verify = try ethos(["verify", "--store", onStandby])
    #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    #expect(verify.stdout.contains("ok: branch 'main' verifies, 7 events chain from @1"), "\(verify.stdout)")
    let exported = try ethos(["export", "--store", onStandby])
    #expect(exported.status == 0, "\(exported.stderr)")
    #expect(exported.stdout == (try ethos(["export", "--store", onPrimary])).stdout)

    // A write fails with exit 1 and one clear line, from a script file, from
    // standard input and as `branch`; nothing reaches the log.
    try "customer zed \"Zed\"\nfeedback acme score=3\n".write(
      toFile: folder + "/w.ethos", atomically: true, encoding: .utf8)
    let written = try ethos(["run", folder + "/w.ethos", "--store", onStandby])
    #expect(written.status == 1, "\(written.stdout)\(written.stderr)")
    #expect(written.stderr.split(separator: "\n").count == 1, "\(written.stderr)")
    #expect(written.stderr.hasPrefix(folder + "/w.ethos:1: error: '\(onStandby)' is a read-only"), "\(written.stderr)")
    #expect(written.stderr.contains("is a read-only hot standby — write on the primary server"), "\(written.stderr)")
    #expect(written.stdout.isEmpty, "\(written.stdout)")
    let piped = try ethos(["--store", onStandby], stdin: "culture\ncustomer zed \"Zed\"\n")
    #expect(piped.status == 1, "\(piped.stderr)")
    // From a script the line says where: `-:2: error: …`.
    #expect(piped.stderr.split(separator: "\n").count == 1 && piped.stderr.contains("error: "), "\(piped.stderr)")
    #expect(piped.stderr.contains("read-only hot standby"), "\(piped.stderr)")
    let branched = try ethos(["--store", onStandby], stdin: "branch what-if\n")
    #expect(branched.status == 1, "\(branched.stderr)")
    #expect(branched.stderr.split(separator: "\n").count == 1, "\(branched.stderr)")
    #expect(branched.stderr.contains("read-only hot standby"), "\(branched.stderr)")
    #expect(try PostgresStore(onPrimary).head(of: "main").seq == 7)

    // A log that is not on the primary cannot be made on the standby: exit 3.
    let missing = try ethos(["query", "culture", "--store", standby.url + "?schema=no_such_log"])
    #expect(missing.status == 3, "\(missing.stderr)")
    #expect(Self.oneErrorLine(missing.stderr), "\(missing.stderr)")
    #expect(missing.stderr.contains("a read-only standby cannot create one"), "\(missing.stderr)")

    // The REPL's engine on the standby: queries answer, a write is refused
    // with one line and the session goes on; no snapshot is written.
    let console = CapturingConsole()
    let session = try Session(store: try PostgresStore(onStandby), actor: "reader", console: console)
    session.execute("culture")
    #expect(console.errLines.isEmpty, "\(console.errLines)")
    console.reset()
    #expect(session.execute("customer zed \"Zed\"") == .failed)
    #expect(console.errLines.count == 1 && console.errLines[0].contains("read-only hot standby"), "\(console.errLines)")
    console.reset()
    #expect(session.execute("history") == .done)
    session.checkpoint()
    #expect(console.errLines.isEmpty)

    try followPollsTheStandby(primary: onPrimary, standby: onStandby, folder: folder)
    try theREPLOnATerminal(primary: onPrimary, standby: onStandby, folder: folder)
  }

  /// `follow` on the standby polls, and shows an event appended on the
  /// primary once it is replayed.
  func followPollsTheStandby(primary: String, standby: String, folder: String) throws {
    let follower = Process()
    follower.executableURL = URL(fileURLWithPath: EthosProcess.binary)
    follower.arguments = ["follow", "--from", "@1", "--format", "json", "--store", standby]
    let out = Pipe()
    let err = Pipe()
    follower.standardOutput = out
    follower.standardError = err
    let lines = LineCollector(out.fileHandleForReading)
    let errors = LineCollector(err.fileHandleForReading)
    try follower.run()
    defer {
      follower.terminate()
      let deadline = Date().addingTimeInterval(5)
      while follower.isRunning, Date() < deadline { usleep(10_000) }
      if follower.isRunning { kill(follower.processIdentifier, SIGKILL) }
      follower.waitUntilExit()
    }
    #expect(lines.wait(for: 7, seconds: 15), "catch-up: \(lines.lines) \(errors.lines)")
    #expect(lines.lines.first?.hasPrefix("{\"seq\":1,") == true)

    try "clock +1h\nfeedback acme score=8\n".write(toFile: folder + "/more.ethos", atomically: true, encoding: .utf8)
    let appended = try ethos(["run", folder + "/more.ethos", "--store", primary], actor: "bob")
    try #require(appended.status == 0, "\(appended.stderr)")
    let started = Date()
    #expect(lines.wait(for: 8, seconds: 10), "live: \(lines.lines) \(errors.lines)")
    let latency = Date().timeIntervalSince(started)
    print("follow (standby, polling): an event appended on the primary shown after \(Int(latency * 1000)) ms")
    #expect(latency < 2.0)
    #expect(lines.lines.last?.hasPrefix("{\"seq\":8,") == true)
    #expect(errors.lines.isEmpty, "\(errors.lines)")
  }

  /// The REPL on a real terminal against the standby: the banner says it
  /// is read-only, a query answers, a write is one error line and the
  /// session goes on, others' events arrive with the catch-up line, and it
  /// leaves with exit 0.
  func theREPLOnATerminal(primary: String, standby: String, folder: String) throws {
    guard Tmux.available else {
      Issue.record("tmux is not installed: the terminal test of the REPL needs it (apt-get install tmux)")
      return
    }
    let command =
      "env -u EDITRC HOME=\(folder) ETHOS_HISTORY=\(folder)/history ETHOS_NOW=2021-06-01T00:00 NO_COLOR=1 "
      + "LANG=C.UTF-8 LC_ALL=C.UTF-8 \(EthosProcess.binary) --store '\(standby)' --actor reader"
    let tmux = Tmux()
    defer { tmux.stop() }
    let status = folder + "/status-repl"
    try tmux.start("repl", command: command, statusFile: status)
    var screen = try tmux.waitFor("repl") { $0.contains("ethos main@8 ") }
    #expect(screen.contains("is a read-only hot standby — write on the primary server"), "\(screen)")

    try tmux.type("repl", "employees")
    try tmux.press("repl", "Enter")
    screen = try tmux.waitFor("repl") { $0.contains("ana") && $0.contains("ben") && Self.lastLine($0).hasSuffix(">") }

    try tmux.type("repl", "customer zed \"Zed\"")
    try tmux.press("repl", "Enter")
    screen = try tmux.waitFor("repl") { $0.contains("error: ") && Self.lastLine($0).hasSuffix(">") }
    #expect(screen.contains("read-only hot standby"), "\(screen)")
    #expect(screen.split(separator: "\n").filter { $0.hasPrefix("error: ") }.count == 1, "\(screen)")
    #expect(Self.lastLine(screen).hasPrefix("ethos main@8 "))

    // Two events from bob on the primary, replayed here: the next statement says so.
    try "clock +1h\ncustomer cora \"Cora\"\nfeedback cora score=10\n".write(
      toFile: folder + "/bob.ethos", atomically: true, encoding: .utf8)
    #expect(try ethos(["run", folder + "/bob.ethos", "--store", primary], actor: "bob").status == 0)
    #expect(try Self.eventually(seconds: 30) { try PostgresStore(standby).head(of: "main").seq == 10 })
    try tmux.type("repl", "customers")
    try tmux.press("repl", "Enter")
    screen = try tmux.waitFor("repl") { $0.contains("cora") && Self.lastLine($0).hasPrefix("ethos main@10 ") }
    #expect(screen.contains("2 new events on main since your last statement (bob)"), "\(screen)")

    try tmux.type("repl", "quit")
    try tmux.press("repl", "Enter")
    #expect(try tmux.waitForExit("repl", statusFile: status) == 0)
  }

  static func lastLine(_ screen: String) -> String {
    String(screen.split(separator: "\n").last { !$0.allSatisfy { $0 == " " } } ?? "")
  }
}
