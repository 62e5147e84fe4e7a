import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SIGKILL of `ethos run` part-way (issue 2 acceptance 4; issue 7 crash
/// safety): the store always opens and verifies, holds exactly a prefix of the
/// script's events, and holds every line the run reported as committed.
///
/// Every run uses the same script name, actor and frozen wall clock, so the
/// n-th event of any run is byte for byte the n-th event of an uninterrupted
/// reference run: equal hashes prove an exact prefix.
@Suite(.serialized) struct CrashSafetyTests {
  /// Personal data in clear (envelope version 1): an exact prefix is proven by
  /// equal hashes with a reference run, and sealed fields differ run to run.
  static let environment = [
    "ETHOS_NOW": "2021-06-01T12:00", "ETHOS_ACTOR": "crash-test", "ETHOS_ENVELOPE_VERSION": "1",
  ]
  static let name = "workload.ethos"
  static let full = Workload.script(statements: 50_000, seed: 11)

  /// The uninterrupted run: its event hashes and confirmation lines, and how long it took.
  struct Reference {
    var hashes: [String]
    var confirmations: [String]
    var seconds: Double
  }

  static let reference: Result<Reference, ProcessFailure> = {
    do {
      let dir = try EthosProcess.temporaryDirectory()
      try full.text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
      let start = Date()
      let run = try EthosProcess.run(
        ["run", name, "--store", "ref.sqlite"], environment: environment, directory: dir)
      let seconds = Date().timeIntervalSince(start)
      guard run.status == 0, run.stderr.isEmpty else {
        return .failure(ProcessFailure(message: "reference run failed (\(run.status)): \(run.stderr.prefix(500))"))
      }
      let hashes = try hashes(dir + "/ref.sqlite")
      return .success(Reference(hashes: hashes, confirmations: lines(run.stdout), seconds: seconds))
    } catch {
      return .failure(ProcessFailure(message: "\(error)"))
    }
  }()

  static func hashes(_ store: String) throws -> [String] {
    lines(try EthosProcess.sqlite3(store, "SELECT hash FROM events WHERE branch = 'main' ORDER BY seq;"))
  }

  /// Complete lines only: a kill may cut the last one short.
  static func lines(_ text: String) -> [String] {
    var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast()  // the text after the last newline: empty, or a cut line
    return parts
  }

  struct Kill {
    var landed: Bool
    var events: Int
    var confirmed: Int
  }

  /// Runs the first `statements` lines of the script under SIGKILL after
  /// `delay` seconds, then checks the store. Returns what the kill left.
  static func killRun(statements: Int, after delay: Double, reference: Reference) throws -> Kill {
    let dir = try EthosProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var text = full.text.split(separator: "\n", omittingEmptySubsequences: false).prefix(statements)
      .joined(separator: "\n")
    if !text.hasSuffix("\n") { text += "\n" }
    try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    let store = dir + "/store.sqlite"

    let process = Process()
    process.executableURL = URL(fileURLWithPath: EthosProcess.binary)
    process.arguments = ["run", name, "--store", store]
    process.currentDirectoryURL = URL(fileURLWithPath: dir)
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    FileManager.default.createFile(atPath: dir + "/out.txt", contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out.txt"))
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    usleep(useconds_t(delay * 1_000_000))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    try out.close()
    let landed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL

    // The store opens for every kind of use and verifies. A user reopens it
    // first: a kill before the file existed leaves no store, and nothing to keep.
    let reopen = try EthosProcess.run(["--store", store], stdin: "")
    #expect(reopen.status == 0, "reopen after a kill at \(delay)s: \(reopen.stderr)")
    let verify = try EthosProcess.run(["verify", "--store", store])
    #expect(verify.status == 0, "verify after a kill at \(delay)s: \(verify.stderr)")
    let query = try EthosProcess.run(["query", "history last=1", "--format", "json", "--store", store])
    #expect(query.status == 0, "open after a kill at \(delay)s: \(query.stderr)")

    // Exactly a prefix of the script's events.
    let hashes = try hashes(store)
    #expect(hashes.count <= reference.hashes.count)
    #expect(hashes == Array(reference.hashes.prefix(hashes.count)), "not a prefix after a kill at \(delay)s")

    // Every line reported as committed is in the store.
    let stdout = String(decoding: FileManager.default.contents(atPath: dir + "/out.txt") ?? Data(), as: UTF8.self)
    let confirmed = lines(stdout)
    #expect(confirmed == Array(reference.confirmations.prefix(confirmed.count)), "confirmations are not a prefix")
    #expect(
      confirmed.count <= hashes.count, "reported \(confirmed.count) lines, but only \(hashes.count) events are there")
    if !landed {
      // The run finished before the signal: all of it is there.
      let writes = text.split(separator: "\n").filter { !$0.hasPrefix("clock") }.count
      #expect(hashes.count == writes)
      #expect(confirmed.count == writes)
    }

    // And it takes new writes after the crash.
    let more = try EthosProcess.run(
      ["--store", store], stdin: "clock 2031-01-01\nhire after-crash \"After Crash\"\n", environment: environment)
    #expect(more.status == 0, "a write after the kill failed: \(more.stderr)")
    let verifyAgain = try EthosProcess.run(["verify", "--store", store])
    #expect(verifyAgain.stdout == "ok: branch 'main' verifies, \(hashes.count + 1) events chain from @1\n")
    return Kill(landed: landed, events: hashes.count, confirmed: confirmed.count)
  }

  /// Issue 2, acceptance 4: SIGKILL part-way through a 50k-statement script.
  @Test func killPartWayThroughFiftyThousandStatements() throws {
    let reference = try Self.reference.get()
    #expect(Self.full.writes >= 48_000)
    #expect(reference.hashes.count == Self.full.writes)
    var rng = SeededGenerator(seed: 50_000)
    var landed = 0
    for _ in 0..<4 where landed < 2 {
      let delay = reference.seconds * Double.random(in: 0.2...0.7, using: &rng)
      let kill = try Self.killRun(statements: 50_000, after: delay, reference: reference)
      if kill.landed { landed += 1 }
      print("crash-safety: 50k script killed after \(delay)s: \(kill.events) events kept, \(kill.confirmed) confirmed")
    }
    #expect(landed >= 1, "no kill landed before the run finished")
  }

  /// Issue 7: at least 20 SIGKILLs at random moments of a 20k-statement script.
  @Test func twentyKillsAtRandomMoments() throws {
    let reference = try Self.reference.get()
    let statements = 20_000
    var estimate = reference.seconds * Double(statements) / 50_000
    var rng = SeededGenerator(seed: 20_000)
    var landed = 0
    var attempts = 0
    var kept = [Int]()
    while landed < 20, attempts < 60 {
      attempts += 1
      // A few kills in the first moments: while the store is created and migrated.
      let delay =
        attempts <= 3 ? Double.random(in: 0...0.05, using: &rng) : estimate * Double.random(in: 0...1, using: &rng)
      let kill = try Self.killRun(statements: statements, after: delay, reference: reference)
      if kill.landed {
        landed += 1
        kept.append(kill.events)
      } else {
        estimate *= 0.8  // the run was faster than estimated: aim earlier
      }
    }
    print("crash-safety: \(landed) kills landed in \(attempts) runs; events kept: \(kept)")
    #expect(landed >= 20)
  }
}
