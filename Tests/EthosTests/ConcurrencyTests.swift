import EthosDomain
import EthosEngine
import EthosStore
import EthosStoreSQLite
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A store through which another writer gets in first: before each of the
/// next appends, it runs one of `interference` (an append by someone else).
final class InterferingStore: EventStore {
  let base: any EventStore
  var interference: [() -> Void] = []

  init(_ base: any EventStore) { self.base = base }

  var location: String { base.location }
  func head(of branch: String) throws(StoreError) -> Head { try base.head(of: branch) }
  func branches() throws(StoreError) -> [BranchInfo] { try base.branches() }
  func createBranch(_ name: String, from parent: String, at seq: Int) throws(StoreError) {
    try base.createBranch(name, from: parent, at: seq)
  }
  func append(
    _ events: [PendingEvent], to branch: String, expectedHead: Int, keys: KeyChange
  ) throws(StoreError) -> [Envelope] {
    if !interference.isEmpty { interference.removeFirst()() }
    return try base.append(events, to: branch, expectedHead: expectedHead, keys: keys)
  }
  func partyKeys() throws(StoreError) -> PartyKeys { try base.partyKeys() }
  func changeKeys(_ change: KeyChange) throws(StoreError) { try base.changeKeys(change) }
  func read(_ branch: String, from: Int, to: Int, _ body: (Envelope) throws -> Void) throws(StoreError) {
    try base.read(branch, from: from, to: to, body)
  }
  func appendSealed(_ envelopes: [Envelope], to branch: String, expectedHead: Int) throws(StoreError) {
    if !interference.isEmpty { interference.removeFirst()() }
    try base.appendSealed(envelopes, to: branch, expectedHead: expectedHead)
  }
  /// Rows handed out by `fold`, for tests that bound how much a step refolds.
  var folded = 0

  func fold(_ branch: String, from: Int, to: Int, _ body: (FoldRow) throws -> Void) throws(StoreError) {
    try base.fold(branch, from: from, to: to) { row in
      folded += 1
      try body(row)
    }
  }
  func recordedHeadBreak(of branch: String) throws(StoreError) -> ChainBreak? {
    try base.recordedHeadBreak(of: branch)
  }
  func read(
    _ branch: String, type: String, from: Int, to: Int, _ body: (Envelope) throws -> Void
  ) throws(StoreError) {
    try base.read(branch, type: type, from: from, to: to, body)
  }
  func loadSnapshot(_ branch: String, atOrBefore seq: Int, version: Int) throws(StoreError) -> (
    seq: Int, data: [UInt8]
  )? {
    try base.loadSnapshot(branch, atOrBefore: seq, version: version)
  }
  func saveSnapshot(_ branch: String, seq: Int, version: Int, data: [UInt8]) throws(StoreError) {
    try base.saveSnapshot(branch, seq: seq, version: version, data: data)
  }
}

/// SPEC §7 conflicts, made to happen at an exact moment: the REPL path
/// catches up and re-decides once; a script's batch re-runs its lines one by
/// one. Each body runs on the memory store and on SQLite.
@Suite struct ConflictTests {
  /// Two writers on one store: `mine` appends through an interfering store.
  static func writers(_ backend: StoreKind) throws -> (mine: Harness, other: Harness, gate: InterferingStore) {
    let base = try backend.make()
    let other = try Harness(store: base, actor: "other")
    other.script(DecideRulesTests.base.joined(separator: "\n"))
    let gate = InterferingStore(base)
    let mine = try Harness(store: gate, actor: "me")
    return (mine, other, gate)
  }

  @Test(arguments: StoreKind.allCases) func replCatchesUpAndRedecides(_ backend: StoreKind) throws {
    let (mine, other, gate) = try Self.writers(backend)
    gate.interference = [{ other.run("hire yan \"Yan Li\" dept=support") }]
    let printed = mine.run("log ben with acme outcome=+2")
    // Decided against @4, refused by the store, re-decided against @5.
    #expect(printed == "@6 InteractionLogged ben → acme (+2, transaction)\n")
    #expect(mine.eventCount == 6)
    #expect(mine.session.state.employees["yan"] != nil, "the other writer's event was not caught up")
    #expect(try mine.store.verify("main") == nil)
  }

  @Test(arguments: StoreKind.allCases) func replRedecidesAgainstTheNewState(_ backend: StoreKind) throws {
    let (mine, other, gate) = try Self.writers(backend)
    gate.interference = [{ other.run("hire zed \"Zed (theirs)\"") }]
    mine.run("hire zed \"Zed (mine)\"")
    #expect(
      mine.console.errLines == [
        "error: id 'zed' is already taken by an employee (Zed (theirs)) — ids are never reused; choose another id"
      ])
    #expect(mine.eventCount == 5)
    #expect(try mine.store.event("main", seq: 5)?.actor == "other")
  }

  @Test(arguments: StoreKind.allCases) func replGivesUpAfterASecondConflict(_ backend: StoreKind) throws {
    let (mine, other, gate) = try Self.writers(backend)
    gate.interference = [{ other.run("hire y1 \"Y1\"") }, { other.run("hire y2 \"Y2\"") }]
    mine.run("hire me1 \"Me\"")
    #expect(
      mine.console.errLines == ["error: the store is busy: another writer keeps appending — try the statement again"])
    #expect(mine.eventCount == 6)
    // Nothing half-done: the retry that follows goes through.
    #expect(mine.run("hire me1 \"Me\"") == "@7 EmployeeHired me1 \"Me\" (general, staff)\n")
  }

  /// A script's batch conflicts at commit: every line it held is re-run on
  /// its own — writes, refused lines and clock lines alike — and the output
  /// is what the re-run says, nothing of the abandoned batch.
  @Test(arguments: StoreKind.allCases) func batchConflictRerunsEveryLine(_ backend: StoreKind) throws {
    let (mine, other, gate) = try Self.writers(backend)
    let dir = try EthosProcess.temporaryDirectory()
    let path = dir + "/batch.ethos"
    try """
    hire s1 "Sol One" dept=support
    log s1 with acme outcome=+1
    hire zed "Zed (mine)"
    log s1 with acme outcome=9
    clock +1h
    hire s2 "Sol Two"
    """.write(toFile: path, atomically: true, encoding: .utf8)
    gate.interference = [{ other.run("clock 2021-01-04T08:30", "hire zed \"Zed (theirs)\"") }]
    mine.session.execute("clock 2021-01-04T09:00")
    mine.console.reset()
    let ok = mine.session.runScript(path: path, displayName: "batch.ethos")
    #expect(!ok)
    #expect(
      mine.console.transcript == [
        "@6 EmployeeHired s1 \"Sol One\" (support, staff)",
        "@7 InteractionLogged s1 → acme (+1, transaction)",
        "batch.ethos:3: error: id 'zed' is already taken by an employee (Zed (theirs)) — ids are never reused; "
          + "choose another id",
        "batch.ethos:4:18: error: outcome= must be a whole number from -2 to 2 (got '9')",
        "@8 EmployeeHired s2 \"Sol Two\" (general, staff)",
      ])
    #expect(mine.session.failures == 2)
    #expect(mine.eventCount == 8)
    let s1 = try #require(try mine.store.event("main", seq: 6))
    let s2 = try #require(try mine.store.event("main", seq: 8))
    #expect(s1.origin == "batch.ethos:1")
    #expect(s2.origin == "batch.ethos:6")
    // The clock line was replayed from the clock the batch started with.
    #expect(s1.occurredAt == Timestamp(parsing: "2021-01-04T09:00"))
    #expect(s2.occurredAt == Timestamp(parsing: "2021-01-04T10:00"))
    #expect(try mine.store.verify("main") == nil)
  }
}

/// `import-csv` appends each transaction on another thread while it decides
/// the next (SPEC §17). When another writer gets in first, the transaction
/// that lost and the one decided on top of it commit again together, through
/// the conflict path of a script: every row lands once, the other writer's
/// event stays, and the chain verifies.
@Suite struct ImportConflictTests {
  /// 120 NPS answers from 30 respondents, all at one time, so the other
  /// writer's event (at that time too) can land between any two of them.
  static func responses() throws -> String {
    var rows = ["Response ID,Date,Email,Name,Score,Comment"]
    for n in 1...120 { rows.append("R\(n),2021-01-05 09:00,p\(n % 30)@x.io,P \(n % 30),\(n % 11),c\(n)") }
    return try ImportCSVTests.file("responses.csv", rows.joined(separator: "\n"))
  }

  /// 151 lines (a clock line, 30 registrations, 120 answers). In 30-line
  /// transactions, five, all appended in the background: beaten at the first,
  /// one in the middle, and the last (settled before the summary). In 40-line
  /// ones, the fourth is the rest, committed in the foreground: beaten there.
  @Test(arguments: StoreKind.allCases, [(30, 1), (30, 3), (30, 5), (40, 4)])
  func importBeatenMidwayLandsEveryRowOnce(_ backend: StoreKind, _ plan: (lines: Int, beatenAt: Int)) throws {
    let (mine, other, gate) = try ConflictTests.writers(backend)
    let path = try Self.responses()
    mine.session.writes.importBatchLines = plan.lines
    gate.interference =
      Array(repeating: {}, count: plan.beatenAt - 1) + [
        { _ = other.run("clock 2021-01-05T09:00", "hire zed \"Zed\" dept=support") }
      ]
    let (out, err) = ImportCSVTests.importing(mine, path, "--preset nps")
    #expect(err == [])
    #expect(out == ["120 rows: 120 imported (150 events), 0 refused"])
    #expect(gate.interference.isEmpty, "the other writer never got in")
    let all = try envelopes(mine.store, "main")
    #expect(all.count == 4 + 1 + 150)
    #expect(all.filter { $0.actor == "other" }.count == 5)
    let answers = all.filter { $0.type == "FeedbackReceived" }.map {
      String($0.origin.split(separator: "/").last ?? "")
    }
    #expect(answers == (2...121).map { "responses.csv:\($0)" })
    #expect(try mine.store.verify("main") == nil)
    // What the session holds is what the log folds to.
    let fresh = try Harness(store: mine.store, actor: "reader")
    #expect(fresh.run("culture --format json") == mine.run("culture --format json"))
    #expect(mine.session.state.employees["zed"] != nil)
    // And a second run finds every row in.
    let again = ImportCSVTests.importing(mine, path, "--preset nps")
    #expect(again.out == ["120 rows: 0 imported (0 events), 120 already imported, 0 refused"])
  }
}

/// Several `ethos` processes appending to one SQLite store at once.
@Suite(.serialized) struct ConcurrentWriterTests {
  struct Writer {
    var name: String
    var lines: [String]
    var writes: [Int]  // 1-based line numbers of the write statements
  }

  /// A script of `statements` lines on ids starting with `prefix`, without
  /// clock lines: every writer follows the (frozen) live clock.
  static func writer(_ prefix: String, statements: Int, seed: UInt64) -> Writer {
    let text = Workload.script(statements: statements + statements / 49 + 2, seed: seed, prefix: prefix).text
    let lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("clock") }.prefix(statements)
    return Writer(name: "\(prefix).ethos", lines: Array(lines), writes: Array(1...lines.count))
  }

  struct Row {
    var seq: Int
    var origin: String
    var command: String
    var type: String
    var actor: String
  }

  static func rows(_ store: String) throws -> [Row] {
    let sep = "\u{1F}"
    let out = try EthosProcess.sqlite3(
      store,
      ".separator \"\(sep)\" \"\\n\"\nSELECT seq, origin, command, type, actor FROM events WHERE branch = 'main' ORDER BY seq;"
    )
    return out.split(separator: "\n").map { line in
      let f = line.split(separator: Character(sep), omittingEmptySubsequences: false).map(String.init)
      return Row(seq: Int(f[0]) ?? -1, origin: f[1], command: f[2], type: f[3], actor: f[4])
    }
  }

  /// Checks that the store holds every write of every writer exactly once, in
  /// each writer's order, on one chain; and that every confirmation a writer
  /// printed names an event of its own, of that type.
  static func check(_ store: String, _ writers: [Writer], stdouts: [String], others: Int = 0) throws {
    let verify = try EthosProcess.run(["verify", "--store", store])
    #expect(verify.status == 0, "\(verify.stderr)")
    let rows = try rows(store)
    #expect(rows.map(\.seq) == Array(1..<(rows.count + 1)))
    #expect(rows.count == writers.map(\.writes.count).reduce(0, +) + others, "events lost or duplicated")
    // The writers really did interleave (else nothing was tested).
    let switches = zip(rows, rows.dropFirst()).filter { $0.origin.prefix(2) != $1.origin.prefix(2) }.count
    print("concurrency: \(rows.count) events from \(writers.count) writers, \(switches) switches between writers")
    #expect(switches >= writers.count + (others > 0 ? 1 : 0), "the writers ran one after another")
    for (writer, stdout) in zip(writers, stdouts) {
      let mine = rows.filter { $0.origin.hasPrefix(writer.name + ":") }
      let lines = mine.map { Int($0.origin.dropFirst(writer.name.count + 1)) ?? -1 }
      if lines != writer.writes {
        let missing = Set(writer.writes).subtracting(lines).count
        let duplicated = lines.count - Set(lines).count
        let reordered = zip(lines, lines.dropFirst()).filter { $0 >= $1 }.count
        Issue.record(
          "\(writer.name): \(missing) lines missing, \(duplicated) duplicated, \(reordered) out of order")
      }
      for row in mine.prefix(writer.lines.count) {
        let line = Int(row.origin.dropFirst(writer.name.count + 1)) ?? 0
        if row.command != writer.lines[line - 1] {
          Issue.record("\(writer.name):\(line) recorded as '\(row.command)'")
          break
        }
      }
      let bySeq = Dictionary(uniqueKeysWithValues: rows.map { ($0.seq, $0) })
      var confirmations = 0
      for line in stdout.split(separator: "\n") where line.hasPrefix("@") {
        confirmations += 1
        let parts = line.dropFirst().split(separator: " ", maxSplits: 2)
        guard let seq = Int(parts[0]), let row = bySeq[seq] else {
          Issue.record("\(writer.name) confirmed '\(line)', which is not in the store")
          break
        }
        if !row.origin.hasPrefix(writer.name + ":") || row.type != String(parts[1]) {
          Issue.record("\(writer.name) confirmed '\(line)', but @\(seq) is \(row.type) from \(row.origin)")
          break
        }
      }
      #expect(confirmations == writer.writes.count, "\(writer.name) confirmed \(confirmations) lines")
    }
  }

  static func start(_ arguments: [String], directory: String, stdout: String, stdin: String? = nil) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: EthosProcess.binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["ETHOS_NOW"] = "2021-06-01T12:00"
    env["NO_COLOR"] = "1"
    // Stored statements are compared with the script's lines: in clear.
    env["ETHOS_ENVELOPE_VERSION"] = "1"
    process.environment = env
    FileManager.default.createFile(atPath: stdout, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
    FileManager.default.createFile(atPath: stdout + ".err", contents: nil)
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout + ".err"))
    if let stdin {
      let path = stdout + ".in"
      try stdin.write(toFile: path, atomically: true, encoding: .utf8)
      process.standardInput = FileHandle(forReadingAtPath: path)
    } else {
      process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    return process
  }

  static func read(_ path: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
  }

  /// Three script writers (two `ethos run`, one on standard input), 6,000
  /// statements each, started together on one store.
  @Test func threeScriptWritersAtOnce() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/shared.sqlite"
    let writers = [
      Self.writer("a", statements: 6000, seed: 1), Self.writer("b", statements: 6000, seed: 2),
      Self.writer("stdin", statements: 6000, seed: 3),
    ]
    for writer in writers.prefix(2) {
      try (writer.lines.joined(separator: "\n") + "\n").write(
        toFile: dir + "/" + writer.name, atomically: true, encoding: .utf8)
    }
    // Create the store first (an empty script), so the writers race on appends, not on creating it.
    #expect(try EthosProcess.run(["--store", store], stdin: "").status == 0)
    let processes = [
      try Self.start(["run", "a.ethos", "--store", store], directory: dir, stdout: dir + "/a.out"),
      try Self.start(["run", "b.ethos", "--store", store], directory: dir, stdout: dir + "/b.out"),
      try Self.start(
        ["--store", store], directory: dir, stdout: dir + "/stdin.out",
        stdin: writers[2].lines.joined(separator: "\n") + "\n"),
    ]
    for process in processes { process.waitUntilExit() }
    for (process, name) in zip(processes, ["a", "b", "stdin"]) {
      #expect(process.terminationStatus == 0, "\(name): \(Self.read(dir + "/\(name).out.err").prefix(2000))")
      #expect(Self.read(dir + "/\(name).out.err") == "")
    }
    // The stdin writer's origin is "stdin:LINE".
    var named = writers
    named[2].name = "stdin"
    try Self.check(store, named, stdouts: ["a", "b", "stdin"].map { Self.read(dir + "/\($0).out") })
  }

  /// Two script writers; one is killed with SIGKILL half-way. The other
  /// finishes whole; of the killed one, the store holds a prefix of its
  /// lines, every line it confirmed among them; one chain throughout.
  @Test func oneWriterKilledWhileAnotherWrites() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/shared.sqlite"
    let writers = [Self.writer("a", statements: 6000, seed: 6), Self.writer("b", statements: 6000, seed: 7)]
    for writer in writers {
      try (writer.lines.joined(separator: "\n") + "\n").write(
        toFile: dir + "/" + writer.name, atomically: true, encoding: .utf8)
    }
    #expect(try EthosProcess.run(["--store", store], stdin: "").status == 0)
    let survivor = try Self.start(["run", "a.ethos", "--store", store], directory: dir, stdout: dir + "/a.out")
    let victim = try Self.start(["run", "b.ethos", "--store", store], directory: dir, stdout: dir + "/b.out")
    usleep(1_200_000)
    kill(victim.processIdentifier, SIGKILL)
    victim.waitUntilExit()
    survivor.waitUntilExit()
    // The property is about a writer killed mid-run: a victim that finished first proves nothing.
    #expect(victim.terminationReason == .uncaughtSignal, "the kill landed after the victim had finished")
    #expect(survivor.terminationStatus == 0, "\(Self.read(dir + "/a.out.err").prefix(1000))")
    let verify = try EthosProcess.run(["verify", "--store", store])
    #expect(verify.status == 0, "\(verify.stderr)")
    let rows = try Self.rows(store)
    #expect(rows.map(\.seq) == Array(1..<(rows.count + 1)))
    let lines = { (name: String) in
      rows.filter { $0.origin.hasPrefix(name + ":") }.map { Int($0.origin.dropFirst(name.count + 1)) ?? -1 }
    }
    #expect(lines("a.ethos") == writers[0].writes, "the surviving writer lost events")
    let kept = lines("b.ethos")
    #expect(kept == Array(writers[1].writes.prefix(kept.count)), "the killed writer's events are not a prefix")
    let confirmed = Self.read(dir + "/b.out").split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      .filter { $0.hasPrefix("@") }.count
    #expect(confirmed <= kept.count, "the killed writer confirmed \(confirmed) lines, the store holds \(kept.count)")
    let killed = victim.terminationReason == .uncaughtSignal
    print(
      "concurrency: killed writer (\(killed ? "killed" : "had finished")): \(kept.count) events kept, \(confirmed) confirmed"
    )
  }

  /// A REPL-style writer (statement by statement, origin `repl`) in this
  /// process while an `ethos run` appends 6,000 statements: each of its
  /// statements is either confirmed and stored once, in order, or refused as
  /// busy after catching up and re-deciding once (SPEC §7); it sees the other
  /// writer's events; the chain stays whole.
  @Test func replWriterBesideAScript() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/shared.sqlite"
    let script = Self.writer("a", statements: 6000, seed: 4)
    try (script.lines.joined(separator: "\n") + "\n").write(toFile: dir + "/a.ethos", atomically: true, encoding: .utf8)
    let repl = try Harness(store: try SQLiteStore(path: store), actor: "repl-writer")
    let process = try Self.start(["run", "a.ethos", "--store", store], directory: dir, stdout: dir + "/a.out")
    var confirmed = [String]()
    var busy = 0
    var sawOthers = false
    let lines = Self.writer("r", statements: 1500, seed: 5).lines
    // As the message says: a statement refused as busy is simply tried again.
    lines: for line in lines {
      while true {
        let printed = repl.run(line)
        if repl.session.state.employees["ae0"] != nil { sawOthers = true }
        if printed.hasPrefix("@") {
          confirmed.append(line)
          continue lines
        }
        guard printed == "error: the store is busy: another writer keeps appending — try the statement again\n" else {
          Issue.record("'\(line)' printed '\(printed)'")
          break lines
        }
        busy += 1
      }
    }
    #expect(confirmed == lines)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(Self.read(dir + "/a.out.err").prefix(1000))")
    print("concurrency: REPL writer: \(confirmed.count) confirmed, \(busy) refused as busy")
    #expect(sawOthers, "the REPL writer never caught up on the script's events")
    let rows = try Self.rows(store)
    #expect(rows.map(\.seq) == Array(1..<(rows.count + 1)))
    // The REPL writer seals personal data (the script writes in clear): shown, its statements are the lines.
    #expect(rows.filter { $0.actor == "repl-writer" }.map { repl.session.keyring.reveal($0.command) } == confirmed)
    try Self.check(store, [script], stdouts: [Self.read(dir + "/a.out")], others: confirmed.count)
  }
}
