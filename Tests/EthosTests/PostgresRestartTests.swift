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

/// The server restarted in the middle of a 20,000-statement script (issue
/// 12, faults): `pg_ctl restart -m fast` on a server of the test's own, so
/// no other test loses its connections. The script fails cleanly (one
/// `error:` line, exit 3) or resumes; either way the log is an exact prefix
/// of the script's events that verifies, holding every line reported done.
@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.unavailableReason)))
struct PostgresRestartTests {
  /// In clear (envelope version 1): the log is compared byte for byte with
  /// an undisturbed run's, and sealed fields differ from run to run.
  static let environment = ["ETHOS_NOW": "2021-06-01T00:00:00Z", "ETHOS_ENVELOPE_VERSION": "1"]

  @Test func aRestartMidScriptLeavesAnExactPrefixThatVerifies() throws {
    let server = try PostgresServer.startPrimary()
    defer { server.stop() }
    let folder = try EthosProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let script = folder + "/big.ethos"
    try Workload.script(statements: 20_000, seed: 12).text.write(toFile: script, atomically: true, encoding: .utf8)
    let store = server.url + "?schema=restarted"

    // The same script on SQLite, undisturbed: what the log must be a prefix of
    // (the clock and the actor are fixed, so every hash is the same).
    let reference = folder + "/reference.sqlite"
    let whole = try EthosProcess.run(
      ["run", script, "--store", reference, "--actor", "ana"], environment: Self.environment)
    try #require(whole.status == 0, "\(whole.stderr)")
    let referenceLog = try EthosProcess.run(["export", "--store", reference]).stdout.split(separator: "\n")
    let referenceDone = whole.stdout.split(separator: "\n").filter { $0.hasPrefix("@") }
    try #require(referenceLog.count > 19_000)

    // The run on PostgreSQL, its output in files (a pipe would fill while we wait).
    let runner = Process()
    runner.executableURL = URL(fileURLWithPath: EthosProcess.binary)
    runner.arguments = ["run", script, "--store", store, "--actor", "ana"]
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    for (key, value) in Self.environment { environment[key] = value }
    runner.environment = environment
    FileManager.default.createFile(atPath: folder + "/out", contents: nil)
    FileManager.default.createFile(atPath: folder + "/err", contents: nil)
    runner.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out"))
    runner.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/err"))
    runner.standardInput = FileHandle.nullDevice
    try runner.run()
    defer {
      if runner.isRunning { kill(runner.processIdentifier, SIGKILL) }
      runner.waitUntilExit()
    }
    func done() -> Int {
      let text = (try? String(contentsOfFile: folder + "/out", encoding: .utf8)) ?? ""
      return text.split(separator: "\n").count
    }
    // Restart once the first batches are committed and reported, mid-run.
    let deadline = Date().addingTimeInterval(120)
    while done() < 2_000, runner.isRunning, Date() < deadline { usleep(20_000) }
    let midRun = runner.isRunning
    let reportedBefore = done()
    try server.restart()
    let exitDeadline = Date().addingTimeInterval(300)
    while runner.isRunning, Date() < exitDeadline { usleep(50_000) }
    #expect(!runner.isRunning, "the script did not end after the restart")
    runner.waitUntilExit()
    #expect(midRun, "the script ended before the restart (\(reportedBefore) lines reported)")

    let stdout = (try? String(contentsOfFile: folder + "/out", encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: folder + "/err", encoding: .utf8)) ?? ""
    let status = runner.terminationStatus
    print("postgres restart mid-script: exit \(status), \(done()) lines reported; \(stderr)")
    if status == 0 {
      #expect(stderr.isEmpty, "\(stderr)")
    } else {
      // Fails cleanly: one error line, exit 3 (the store went away) or 1.
      #expect(status == 3 || status == 1, "\(stderr)")
      let lines = stderr.split(separator: "\n")
      #expect(lines.count == 1 && lines[0].contains("error: "), "\(stderr)")
    }

    // Every line reported done is in the log, which is an exact prefix of the
    // undisturbed run's log and verifies.
    let reported = stdout.split(separator: "\n").filter { $0.hasPrefix("@") }
    #expect(Array(reported) == Array(referenceDone.prefix(reported.count)), "reported lines differ from the script's")
    let exported = try EthosProcess.run(["export", "--store", store])
    #expect(exported.status == 0, "\(exported.stderr)")
    let log = exported.stdout.split(separator: "\n")
    #expect(log.count >= reported.count, "\(reported.count) lines reported done, \(log.count) events in the log")
    #expect(Array(log) == Array(referenceLog.prefix(log.count)), "the log is not a prefix of the script's events")
    if status == 0 { #expect(log.count == referenceLog.count) }
    let verify = try EthosProcess.run(["verify", "--store", store])
    #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    #expect(try PostgresStore(store).verify("main") == nil)
  }
}
