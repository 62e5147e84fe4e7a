import EthosJSON
import EthosLanguage
import Foundation
import GRDB
import TestSupport
import Testing

@testable import EthosDomain
@testable import EthosEngine
@testable import EthosStore
@testable import EthosStoreSQLite

/// Issue 17: no input, file or fault can brick a store, leave a gap, crash
/// ethos or exhaust the machine. One test (or more) per item of the issue,
/// each failing before its fix.
@Suite(.serialized) struct HardeningTests {
  static let env = ["ETHOS_NOW": "2021-03-01T09:00", "ETHOS_ACTOR": "tester"]
  static let script = """
    hire ana "Ana" dept=desk
    customer acme "Acme"
    log ana with acme outcome=+1

    """

  /// The one line on standard error of a refused command.
  static func oneError(_ result: EthosProcess.Result, _ what: String = "") {
    #expect(result.stderr.split(separator: "\n").count == 1, "\(what): \(result.stderr)")
    #expect(result.stderr.hasPrefix("error: "), "\(what): \(result.stderr)")
  }

  // MARK: 1. import moves the recorded head

  @Test func importOntoAStoreEthosWroteKeepsItOpenable() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let a = dir + "/a.sqlite"
    let b = dir + "/b.sqlite"
    // Both stores must hold the same first events: in clear, as sealing
    // draws fresh keys each run.
    let clear = Self.env.merging(["ETHOS_ENVELOPE_VERSION": "1"]) { $1 }
    for store in [a, b] {
      #expect(try EthosProcess.run(["--store", store], stdin: Self.script, environment: clear).status == 0)
    }
    #expect(try EthosProcess.run(["--store", a], stdin: "pulse ana score=8\n", environment: Self.env).status == 0)
    let export = try EthosProcess.run(["export", "--store", a])
    #expect(export.status == 0)
    try export.stdout.write(toFile: dir + "/a.jsonl", atomically: true, encoding: .utf8)
    let imported = try EthosProcess.run(["import", dir + "/a.jsonl", "--store", b], environment: Self.env)
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.hasPrefix("imported 1 event"))
    let query = try EthosProcess.run(["query", "employees", "--store", b])
    #expect(query.status == 0, "\(query.stderr)")
    let verify = try EthosProcess.run(["verify", "--store", b])
    #expect(verify.stdout == "ok: branch 'main' verifies, 4 events chain from @1\n", "\(verify.stderr)")
    #expect(try EthosProcess.sqlite3(b, "SELECT seq FROM heads WHERE branch = 'main';") == "4\n")
  }

  /// A store filled only by import records its head, so a cut end is seen.
  @Test func aStoreFilledByImportNoticesACutEnd() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let a = dir + "/a.sqlite"
    let b = dir + "/b.sqlite"
    #expect(try EthosProcess.run(["--store", a], stdin: Self.script, environment: Self.env).status == 0)
    let export = try EthosProcess.run(["export", "--store", a])
    try export.stdout.write(toFile: dir + "/a.jsonl", atomically: true, encoding: .utf8)
    #expect(try EthosProcess.run(["import", dir + "/a.jsonl", "--store", b]).status == 0)
    try EthosProcess.sqlite3(
      b, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 3; DELETE FROM snapshots;")
    let query = try EthosProcess.run(["query", "employees", "--store", b])
    #expect(query.status == 3)
    #expect(query.stderr.contains("event @3 is missing: the log was cut short"), "\(query.stderr)")
  }

  // MARK: 2. a store error stops a script, leaving an exact prefix

  @Test func aFullDiskStopsTheScriptWithAnExactPrefix() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = try SQLiteStore(path: dir + "/store.sqlite")
    let h = try Harness(store: store)
    h.session.writes.batchSize = 100
    h.run("clock 2021-03-01", "hire ana \"Ana\"", "customer acme \"Acme\"")
    let pages = try store.queue.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
    _ = try store.queue.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages + 40)") }
    // Short lines, then long ones that cannot fit, then short ones that could.
    let long = String(repeating: "x", count: 1900)
    var lines = [String]()
    for i in 1...400 {
      lines.append("log ana with acme outcome=+1 \"\((150...250).contains(i) ? long : "n\(i)")\"")
    }
    let path = dir + "/script.ethos"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    h.console.reset()
    #expect(!h.session.runScript(path: path, displayName: "script.ethos"))
    #expect(h.session.storeFailed)
    #expect(h.console.errLines.count == 1, "\(h.console.errLines)")
    #expect(
      h.console.errLines.first?.hasPrefix("script.ethos:200: error: the disk holding '\(dir)/store.sqlite' is full")
        == true,
      "\(h.console.errLines)")
    #expect(h.console.errLines.first?.contains("nothing from script.ethos:101 on was stored") == true)
    // The log is lines 1…100 of the script and nothing after: no gap.
    var origins = [String]()
    try store.read("main", from: 3, to: Int.max) { origins.append($0.origin) }
    #expect(origins == (1...100).map { "script.ethos:\($0)" })
    #expect(try store.verify("main") == nil)
  }

  // MARK: 3. planted triggers and objects

  @Test(arguments: [
    ("CREATE TRIGGER swallow BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END;", "trigger 'swallow'"),
    ("CREATE TRIGGER swallow_heads BEFORE INSERT ON heads BEGIN SELECT RAISE(IGNORE); END;", "trigger 'swallow_heads'"),
    ("CREATE TABLE notes (x TEXT);", "table 'notes'"),
    ("CREATE INDEX events_by_type ON events(type);", "index 'events_by_type'"),
    ("CREATE VIEW v AS SELECT * FROM events;", "view 'v'"),
  ])
  func aStoreWithObjectsEthosDidNotMakeRefusesToOpen(_ sql: String, _ object: String) throws {
    let dir = try EthosProcess.temporaryDirectory()
    let path = dir + "/store.sqlite"
    #expect(try EthosProcess.run(["--store", path], stdin: Self.script, environment: Self.env).status == 0)
    try EthosProcess.sqlite3(path, sql)
    for arguments in [["run", "/dev/stdin"], ["query", "employees"], ["verify"]] {
      let result = try EthosProcess.run(
        arguments + ["--store", path], stdin: "pulse ana score=9\n", environment: Self.env)
      #expect(result.status == 3, "\(arguments): \(result.stdout) \(result.stderr)")
      Self.oneError(result, "\(arguments)")
      #expect(result.stderr.contains("the \(object) was not made by ethos"), "\(result.stderr)")
      #expect(!result.stdout.contains("@4"))
    }
    #expect(try EthosProcess.sqlite3(path, "SELECT count(*) FROM events;") == "3\n")
  }

  @Test func aChangedTriggerRefusesToOpen() throws {
    let path = try EthosProcess.temporaryDirectory() + "/store.sqlite"
    #expect(try EthosProcess.run(["--store", path], stdin: Self.script, environment: Self.env).status == 0)
    try EthosProcess.sqlite3(
      path,
      "DROP TRIGGER events_no_update; CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END;")
    let result = try EthosProcess.run(["query", "employees", "--store", path])
    #expect(result.status == 3)
    #expect(
      result.stderr.contains("the trigger 'events_no_update' was changed since ethos made it"), "\(result.stderr)")
  }

  /// Even without the schema check, an insert that changed no row fails.
  @Test func anInsertThatChangedNoRowFailsTheAppend() throws {
    let path = try EthosProcess.temporaryDirectory() + "/store.sqlite"
    let store = try SQLiteStore(path: path)
    let h = try Harness(store: store)
    h.run("clock 2021-03-01", "hire ana \"Ana\"")
    try store.queue.inDatabase { db in
      try db.execute(sql: "CREATE TEMP TRIGGER swallow BEFORE INSERT ON main.events BEGIN SELECT RAISE(IGNORE); END;")
    }
    let out = h.run("hire ben \"Ben\"")
    #expect(!out.contains("@2"))
    #expect(h.console.errLines.count == 1)
    #expect(h.console.errLines.first?.contains("was silently dropped") == true, "\(h.console.errLines)")
    #expect(h.eventCount == 1)
  }

  // MARK: 4. snapshots are tied to the chain

  @Test func aSnapshotCopiedFromAnotherStoreIsIgnored() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let a = dir + "/a.sqlite"
    let b = dir + "/b.sqlite"
    #expect(try EthosProcess.run(["--store", a], stdin: Self.script, environment: Self.env).status == 0)
    let other = Self.script.replacingOccurrences(of: "outcome=+1", with: "outcome=-2")
    #expect(try EthosProcess.run(["--store", b], stdin: other, environment: Self.env).status == 0)
    let before = try EthosProcess.run(["query", "matrix", "--format", "json", "--store", a])
    #expect(try EthosProcess.sqlite3(a, "SELECT count(*) FROM snapshots WHERE seq = 3;") == "1\n")
    try EthosProcess.sqlite3(
      a, "ATTACH '\(b)' AS other; DELETE FROM snapshots; INSERT INTO snapshots SELECT * FROM other.snapshots;")
    let after = try EthosProcess.run(["query", "matrix", "--format", "json", "--store", a])
    #expect(after.status == 0)
    #expect(after.stdout == before.stdout)
  }

  /// A store from before snapshots recorded hashes opens, and its old rows
  /// are never used.
  @Test func oldSnapshotRowsWithoutAHashAreIgnored() throws {
    let path = try EthosProcess.temporaryDirectory() + "/store.sqlite"
    #expect(try EthosProcess.run(["--store", path], stdin: Self.script, environment: Self.env).status == 0)
    let before = try EthosProcess.run(["query", "matrix", "--format", "json", "--store", path])
    try EthosProcess.sqlite3(path, "UPDATE snapshots SET hash = NULL, data = x'00';")
    let after = try EthosProcess.run(["query", "matrix", "--format", "json", "--store", path])
    #expect(after.status == 0, "\(after.stderr)")
    #expect(after.stdout == before.stdout)
  }

  // MARK: forged exports

  /// Envelopes sealed by hand, chained after `after`, hashes recomputed as
  /// anyone can: `(type, data, occurredAt)` each.
  static func forge(_ events: [(String, String, String)], after: Envelope? = nil) -> [Envelope] {
    var previous = after?.hash ?? Envelope.genesisHash
    var seq = after?.seq ?? 0
    return events.map { type, data, time in
      seq += 1
      var envelope = Envelope(
        seq: seq, type: type, version: 1, occurredAt: Timestamp(parsing: time) ?? Timestamp(seconds: 0),
        recordedAt: "2021-06-01T00:00:00.000Z", actor: "forger", origin: "import", command: "", data: data,
        prevHash: previous, hash: "")
      envelope.hash = envelope.expectedHash
      previous = envelope.hash
      return envelope
    }
  }

  static let base: [(String, String, String)] = [
    (
      "EmployeeHired",
      #"{"dept":"desk","facing":true,"id":"ana","level":"staff","name":"Ana","orientation":3,"skills":3}"#, "2021-03-01"
    ),
    ("CustomerRegistered", #"{"id":"acme","name":"Acme"}"#, "2021-03-01"),
    (
      "InteractionLogged", #"{"by":"ana","channel":"other","did":[],"mode":"transaction","outcome":1,"with":"acme"}"#,
      "2021-03-02"
    ),
  ]

  static func write(_ lines: [String]) throws -> String {
    let path = try EthosProcess.temporaryDirectory() + "/forged.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  // MARK: 7. no value read from a file traps

  /// Events no rule checked (a forged store) fold without trapping: scores
  /// near Int.max, times far outside the calendar.
  @Test func absurdValuesInTheLogDoNotCrash() throws {
    let path = try EthosProcess.temporaryDirectory() + "/store.sqlite"
    let store = try SQLiteStore(path: path)
    let huge = #"{"customer":"acme","score":9000000000000000000}"#
    let forged = Self.forge(
      Self.base + [
        ("FeedbackReceived", huge, "2021-03-03"), ("FeedbackReceived", huge, "2021-03-03"),
        ("PulseRecorded", #"{"employee":"ana","score":-9000000000000000000}"#, "2021-03-03"),
        (
          "InteractionLogged",
          #"{"by":"ana","channel":"other","did":[],"mode":"transaction","outcome":9000000000000000000,"with":"acme"}"#,
          "2021-03-03"
        ),
        (
          "InteractionLogged",
          #"{"by":"ana","channel":"other","did":[],"mode":"transaction","outcome":9000000000000000000,"with":"acme"}"#,
          "2021-03-03"
        ),
        ("ComplaintReceived", #"{"customer":"acme","level":"frontline"}"#, "2021-03-03"),
      ])
    try store.appendSealed(forged, to: "main", expectedHead: 0)
    try EthosProcess.sqlite3(
      path, "DROP TRIGGER events_no_update; UPDATE events SET occurred_at = 9223372036854775807 WHERE seq = 8;")
    for query in [
      "matrix", "culture", "customers all", "employees", "history", "trend matrix.cells.staff.stress.mean by=month",
      "who acme",
    ] {
      let result = try EthosProcess.run(["query", query, "--format", "json", "--store", path])
      #expect([0, 1].contains(result.status), "\(query): \(result.status) \(result.stderr)")
    }
  }

  /// A snapshot whose figures could not come from a fold is not used.
  @Test func aCraftedSnapshotIsIgnored() throws {
    let path = try EthosProcess.temporaryDirectory() + "/store.sqlite"
    #expect(try EthosProcess.run(["--store", path], stdin: Self.script, environment: Self.env).status == 0)
    let before = try EthosProcess.run(["query", "culture", "--format", "json", "--store", path])
    // Varint of Int.max, zigzagged: the event count field after seq and time.
    var state = State()
    try SQLiteStore(path: path).read("main", from: 1, to: 3) { state.evolve(try $0.recorded()) }
    state.eventCount = Int.max
    let hex = state.snapshotBytes().map { String(format: "%02x", $0) }.joined()
    try EthosProcess.sqlite3(path, "UPDATE snapshots SET data = x'\(hex)' WHERE seq = 3;")
    let after = try EthosProcess.run(["--store", path], stdin: "pulse ana score=9\nculture\n", environment: Self.env)
    #expect(after.status == 0, "\(after.stderr)")
    state.eventCount = 3
    state.tally.feedbackResponses = Int.max
    let hex2 = state.snapshotBytes().map { String(format: "%02x", $0) }.joined()
    try EthosProcess.sqlite3(path, "UPDATE snapshots SET data = x'\(hex2)' WHERE seq = 3;")
    let again = try EthosProcess.run(["query", "culture", "--format", "json", "--store", path])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(before.status == 0)
  }

  // MARK: 5. import checks the rules, not only the hashes

  static let ruleBreakers: [(String, (String, String, String), String)] = [
    (
      "hire twice",
      (
        "EmployeeHired",
        #"{"dept":"desk","facing":true,"id":"ana","level":"staff","name":"Ana 2","orientation":3,"skills":3}"#,
        "2021-03-03"
      ), "id 'ana' is already taken"
    ),
    ("retract a hire", ("EventRetracted", #"{"reason":"x","seq":1}"#, "2021-03-03"), "@1"),
    (
      "outcome 1000",
      (
        "InteractionLogged",
        #"{"by":"ana","channel":"other","did":[],"mode":"transaction","outcome":1000,"with":"acme"}"#, "2021-03-03"
      ), "outcome is 1000; it must be a whole number from -2 to 2"
    ),
    ("pulse -999", ("PulseRecorded", #"{"employee":"ana","score":-999}"#, "2021-03-03"), "score is -999"),
    (
      "unknown party",
      (
        "InteractionLogged", #"{"by":"ana","channel":"other","did":[],"mode":"transaction","outcome":1,"with":"zed"}"#,
        "2021-03-03"
      ), "unknown party 'zed'"
    ),
    (
      "time backwards", ("PulseRecorded", #"{"employee":"ana","score":5}"#, "2020-01-01"),
      "is before the event before it"
    ),
    ("bad id", ("CustomerRegistered", #"{"id":"Bad Id","name":"X"}"#, "2021-03-03"), "is not a valid id"),
    (
      "hidden text", ("CustomerRegistered", "{\"id\":\"bob\",\"name\":\"X\u{202E}Y\"}", "2021-03-03"),
      "invisible or control character"
    ),
    ("retract a later event", ("EventRetracted", #"{"reason":"x","seq":9}"#, "2021-03-03"), "no event @9"),
  ]

  @Test(arguments: ruleBreakers.indices)
  func importRefusesAWellHashedFileThatBreaksARule(_ index: Int) throws {
    let (what, event, message) = Self.ruleBreakers[index]
    let lines = Self.forge(Self.base + [event]).map(\.jsonLine)
    let file = try Self.write(lines)
    for kind in StoreKind.allCases {
      let h = try Harness(store: try kind.make())
      h.console.reset()
      #expect(!h.session.importTrail(path: file, displayName: "forged.jsonl"), "\(what)")
      #expect(h.console.errLines.count == 1, "\(what): \(h.console.errLines)")
      let line = h.console.errLines.first ?? ""
      #expect(line.hasPrefix("error: forged.jsonl:4 (@4): "), "\(what): \(line)")
      #expect(line.contains(message), "\(what): \(line)")
      #expect(line.hasSuffix("nothing was imported"), "\(what): \(line)")
      #expect(h.eventCount == 0, "\(what)")
    }
  }

  /// The rules hold against what the store already has, not only the file.
  @Test func importChecksTheFileAgainstTheBranch() throws {
    let h = try Harness(store: try StoreKind.sqlite.make())
    let first = Self.forge(Self.base)
    try h.session.store.appendSealed(first, to: "main", expectedHead: 0)
    let tail = Self.forge([("EventRetracted", #"{"reason":"x","seq":2}"#, "2021-03-03")], after: first.last)
    let file = try Self.write(tail.map(\.jsonLine))
    h.console.reset()
    #expect(!h.session.importTrail(path: file, displayName: "tail.jsonl"))
    #expect(h.console.errLines.first?.contains("CustomerRegistered") == true, "\(h.console.errLines)")
    // A valid retraction of an observation already in the store is accepted.
    let good = Self.forge([("EventRetracted", #"{"reason":"x","seq":3}"#, "2021-03-03")], after: first.last)
    let goodFile = try Self.write(good.map(\.jsonLine))
    #expect(h.session.importTrail(path: goodFile, displayName: "good.jsonl"), "\(h.console.errLines)")
    #expect(h.eventCount == 4)
  }

  @Test(arguments: [
    #"{"seq":1,"seq":1,"type":"x"}"#,
    #"{"a":{"by":"ana","by":"ben"}}"#,
  ])
  func theJSONReaderRefusesDuplicateKeys(_ text: String) throws {
    #expect(throws: JSONParseError.self) { try JSON.parse(text) }
  }

  /// A line with a duplicated key in its payload or envelope is refused by
  /// import, naming the line, before anything is written.
  @Test func importRefusesDuplicateKeys() throws {
    var lines = Self.forge(Self.base).map(\.jsonLine)
    lines[2] = lines[2].replacingOccurrences(of: #""by":"ana""#, with: #""by":"ana","by":"zed""#)
    lines[1] = lines[1].replacingOccurrences(of: #""actor":"forger""#, with: #""actor":"forger","actor":"someone""#)
    let h = try Harness()
    h.console.reset()
    #expect(!h.session.importTrail(path: try Self.write(lines), displayName: "dup.jsonl"))
    #expect(h.console.errLines.count == 1)
    #expect(
      h.console.errLines.first?.hasPrefix("error: dup.jsonl:2: not an ethos event (") == true, "\(h.console.errLines)")
    #expect(h.console.errLines.first?.contains("duplicate key \"actor\"") == true, "\(h.console.errLines)")
    #expect(h.eventCount == 0)
  }

  // MARK: 6. one time range everywhere

  @Test func theClockStopsAtTheLastYearEthosRecords() throws {
    let h = try Harness()
    h.run("clock 9999-12-30", "hire ana \"Ana\"", "customer acme \"Acme\"")
    h.run("clock +2d")
    #expect(
      h.console.errLines == [
        "error: the clock (9999-12-30T00:00:00Z + 2d) would be after 9999-12-31T23:59:59Z, the latest time ethos "
          + "records — choose an earlier one"
      ])
    h.run("promise p1 by ana to acme due=+1w")
    #expect(h.console.errLines.first?.contains("the latest time ethos records") == true, "\(h.console.errLines)")
    // The last second is fine, and what is written there exports and imports.
    h.run("clock 9999-12-31T23:59:59", "log ana with acme outcome=+1")
    #expect(h.console.errLines.isEmpty, "\(h.console.errLines)")
    h.console.reset()
    #expect(h.session.exportTrail())
    let file = try Self.write(h.console.outLines)
    let target = try Harness()
    #expect(target.session.importTrail(path: file), "\(target.console.errLines)")
    #expect(target.eventCount == 3)
  }

  // MARK: 8. source nests at most 100 deep

  @Test func aLongSourceChainStopsAtADepthOf100() throws {
    let dir = try EthosProcess.temporaryDirectory()
    for i in 0..<150 {
      try "source s\(i + 1).ethos\n".write(toFile: dir + "/s\(i).ethos", atomically: true, encoding: .utf8)
    }
    try "hire ana \"Ana\"\n".write(toFile: dir + "/s150.ethos", atomically: true, encoding: .utf8)
    let h = try Harness()
    h.console.reset()
    #expect(!h.session.runScript(path: dir + "/s0.ethos", displayName: "s0.ethos"))
    #expect(h.console.errLines.count == 1, "\(h.console.errLines)")
    #expect(
      h.console.errLines.first
        == "s99.ethos:1: error: scripts may source one another at most 100 deep: 's0.ethos' → 's1.ethos' → "
        + "'s2.ethos' → … → 's99.ethos' → 's100.ethos' — flatten the chain (or look for a loop through copies of a file)"
    )
    #expect(h.eventCount == 0)
  }

  // MARK: 9. lines are bounded while being read

  @Test func theLineReaderStopsAtALineLongerThanItsLimit() throws {
    let path = try EthosProcess.temporaryDirectory() + "/lines.txt"
    let long = String(repeating: "x", count: 100)
    try "short\r\n\(long)\nafter\n".write(toFile: path, atomically: true, encoding: .utf8)
    var exact = try #require(LineReader(path: path, maxLength: 100))
    #expect(exact.next() == Array("short".utf8))
    #expect(exact.next()?.count == 100)
    #expect(exact.next() == Array("after".utf8))
    #expect(exact.next() == nil)
    #expect(exact.overlongLine == nil)
    var short = try #require(LineReader(path: path, maxLength: 99))
    #expect(short.next() == Array("short".utf8))
    #expect(short.next() == nil)
    #expect(short.next() == nil)
    #expect(short.overlongLine == 2)
  }

  /// One 20 MB line is refused at once, in linear time and bounded memory.
  @Test func aHugeLineIsRefusedQuickly() throws {
    let path = try EthosProcess.temporaryDirectory() + "/huge.ethos"
    try Data(repeating: UInt8(ascii: "a"), count: 20_000_000).write(to: URL(fileURLWithPath: path))
    let clock = ContinuousClock()
    var reader = try #require(LineReader(path: path, maxLength: 1 << 30))
    let elapsed = clock.measure { _ = reader.next() }
    #expect(elapsed < .seconds(5), "a 20 MB line took \(elapsed)")
    let h = try Harness()
    h.console.reset()
    #expect(!h.session.runScript(path: path, displayName: "huge.ethos"))
    #expect(
      h.console.errLines == [
        "error: 'huge.ethos' line 1 is longer than 32768 bytes, so it was not read, nor anything after it — "
          + "is it an ethos script? A statement has at most 8192 characters"
      ])
  }

  @Test func sourceAndImportOfAnEndlessFileEnd() throws {
    let source = try EthosProcess.run(["--store", ":memory:"], stdin: "source /dev/zero\n")
    #expect(source.status == 1)
    #expect(
      source.stderr.hasPrefix("stdin:1: error: '/dev/zero' line 1 is longer than 32768 bytes"), "\(source.stderr)")
    let dir = try EthosProcess.temporaryDirectory()
    let imported = try EthosProcess.run(["import", "/dev/zero", "--store", dir + "/s.sqlite"])
    #expect(imported.status != 0)
    Self.oneError(imported)
    #expect(imported.stderr.contains("/dev/zero:1: not an ethos event (the line is longer than 262144 bytes)"))
  }

  // MARK: 10. --store is a regular file or a new path

  @Test func aStoreThatIsNotARegularFileIsRefused() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let fifo = dir + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let onFifo = try EthosProcess.run(["query", "matrix", "--store", fifo])
    #expect(onFifo.status == 3)
    #expect(
      onFifo.stderr
        == "error: '\(fifo)' is a FIFO (named pipe), not an ethos store — give --store the path of a store file, or of "
        + "a new one to create\n")
    for (path, kind) in [("/dev/null", "a device"), (dir, "a folder")] {
      let result = try EthosProcess.run(["--store", path], stdin: "hire ana \"Ana\"\n")
      #expect(result.status == 3, "\(path)")
      #expect(result.stderr.hasPrefix("error: '\(path)' is \(kind), not an ethos store"), "\(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal"))
    #expect(!FileManager.default.fileExists(atPath: "/dev/null-wal"))
  }

  // MARK: 12. CSV cells a spreadsheet would run

  @Test func csvNeutralisesFormulasAndKeepsNumbers() throws {
    let h = try Harness()
    h.run(
      "clock 2021-03-01", #"hire ana "=HYPERLINK(\"http://x\")""#, #"customer c1 "+cmd""#, #"customer c2 "@SUM(1)""#,
      #"customer c3 "-2+3""#, #"customer c4 "-2""#, "log ana with c1 outcome=-2", "set format csv")
    let customers = h.run("customers all")
    #expect(customers.contains("c1,'+cmd,"), "\(customers)")
    #expect(customers.contains("c2,'@SUM(1),"), "\(customers)")
    #expect(customers.contains("c3,'-2+3,"), "\(customers)")
    #expect(customers.contains("c4,-2,"), "\(customers)")
    let employees = h.run("employees")
    #expect(employees.contains(#"ana,"'=HYPERLINK(""http://x"")""#), "\(employees)")
    let matrix = h.run("matrix")
    #expect(matrix.contains("customers,normal,1,-2.0,"), "\(matrix)")
    #expect(!matrix.contains("'-"), "\(matrix)")
    #expect(Renderer.csvField("\tx") == "'\tx")
    #expect(Renderer.csvField("\rx") == "\"'\rx\"")
    for number in ["-2", "-0.5", "1e3", "-1.5E-3"] { #expect(Renderer.csvField(number) == number) }
  }

  // MARK: 13. unclear or unsafe output

  @Test func lineSeparatorsAreEscapedInJSONOutput() throws {
    let h = try Harness()
    h.run("hire ana \"A\u{2028}B\u{2029}C\"")
    #expect(h.console.errLines.isEmpty, "\(h.console.errLines)")
    h.session.settings.format = .json
    let out = h.run("employees")
    #expect(out.contains(#"A\u2028B\u2029C"#), "\(out)")
    #expect(!out.unicodeScalars.contains("\u{2028}"))
    // The hashed form keeps the characters as they are.
    let stored = try #require(try h.store.event("main", seq: 1)?.data)
    #expect(h.session.keyring.reveal(stored).contains("\u{2028}"))
  }

  @Test func aBidiOverrideFromALogIsShownEscaped() throws {
    let store = MemoryStore()
    let name = "{\"id\":\"acme\",\"name\":\"gnp.\u{202E}exe\"}"
    try store.appendSealed(Self.forge([("CustomerRegistered", name, "2021-03-01")]), to: "main", expectedHead: 0)
    let h = try Harness(store: store)
    let out = h.run("show @1") + h.run("customers all")
    #expect(!out.unicodeScalars.contains("\u{202E}"), "\(out)")
    #expect(out.contains("gnp.\\u{202E}exe"), "\(out)")
  }

  @Test func joinersAreAllowedInNames() throws {
    let h = try Harness()
    h.run(
      "hire ana \"\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}\"",
      "customer fam \"👨\u{200D}👩\u{200D}👧\"")
    #expect(h.console.errLines.isEmpty, "\(h.console.errLines)")
    #expect(h.eventCount == 2)
  }

  @Test func aFileThatIsNotAScriptIsNotEchoedLineByLine() throws {
    let path = try EthosProcess.temporaryDirectory() + "/passwd"
    let lines = (0..<30).map { "user\($0):x:\($0):\($0)::/home/user\($0):/bin/sh" }
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let h = try Harness()
    h.console.reset()
    #expect(!h.session.runScript(path: path, displayName: "passwd"))
    #expect(h.console.errLines.count == 4, "\(h.console.errLines)")
    #expect(
      h.console.errLines.last
        == "error: 'passwd' is not an ethos script: its first 3 lines are not statements, so the rest was not run — "
        + "check the file name")
  }

  /// Over a file size limit, ethos reports a store error instead of dying by SIGXFSZ.
  @Test func aFileSizeLimitIsAStoreErrorNotASignal() throws {
    let dir = try EthosProcess.temporaryDirectory()
    var script = "clock 2021-03-01\nhire ana \"Ana\"\ncustomer acme \"Acme\"\n"
    for i in 0..<3000 { script += "log ana with acme outcome=+1 \"note \(i) padding padding padding padding\"\n" }
    try script.write(toFile: dir + "/big.ethos", atomically: true, encoding: .utf8)
    let result = try EthosProcess.runProgram(
      "/bin/bash", ["-c", "ulimit -f 200; exec \"$0\" run big.ethos --store s.sqlite", EthosProcess.binary],
      directory: dir)
    #expect(result.status == 3, "\(result.status): \(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.contains(": error: cannot write 's.sqlite'"), "\(result.stderr)")
    #expect(result.stderr.contains("free some space"), "\(result.stderr)")
  }

  // MARK: 11. bounded memory and time

  @Test func aTrendWithTooManyBucketsIsRefusedSayingTheBound() throws {
    let h = try Harness()
    h.run("clock 1990-01-01", "hire ana \"Ana\"", "clock 2040-01-01", "pulse ana score=8")
    h.run("trend matrix.cells.staff.stress.mean by=day")
    #expect(
      h.console.errLines == [
        "error: trend by=day from 1990-01-01 to 2040-01-01 would have about 18264 points; the limit is 10000 — use a "
          + "longer bucket (by=week, by=month) or an earlier 'as of'"
      ])
    h.run("trend matrix.cells.staff.stress.mean by=month")
    #expect(h.console.errLines.isEmpty)
  }

  /// A long `history` streams in chunks, and says exactly what it says whole
  /// (a table aligns each chunk by itself).
  @Test(arguments: [OutputFormat.json, .csv, .table])
  func aLongHistoryStreamsTheSameDocument(_ format: OutputFormat) throws {
    let store = MemoryStore()
    let whole = try Harness(store: store)
    whole.run("clock 2021-03-01", "hire ana \"Ana\"", "customer acme \"Acme\"")
    for i in 0..<47 { whole.run("log ana with acme outcome=+1 \"n\(i % 3 == 0 ? "x" : "")\"") }
    whole.session.settings.format = format
    let expected = whole.run("history")
    let streamed = try Harness(store: store)
    streamed.session.settings.format = format
    streamed.session.historyChunk = 7
    let got = streamed.run("history")
    if format == .table {
      let rows = got.split(separator: "\n").filter { !$0.hasPrefix("seq") && !$0.hasPrefix("─") }
      #expect(rows.count == 49)
      #expect(
        rows.map { $0.split(separator: " ").joined(separator: " ") }
          == expected.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").joined(separator: " ") })
    } else {
      #expect(got == expected)
    }
    if format == .json { #expect(try JSON.parse(got)["count"] == 49) }
  }
}

/// Item 11: a line of branches is bounded, and the bound is said.
@Suite struct BranchDepthTests {
  @Test func branchesNestAtMostFiftyDeep() throws {
    let h = try Harness()
    h.script("clock 2021-01-04\nhire ana \"Ana\"")
    for depth in 1...50 {
      h.run("branch b\(depth)")
      #expect(h.console.errLines.isEmpty, "branch \(depth): \(h.console.errLines)")
    }
    h.run("branch b51")
    #expect(
      h.console.errLines == [
        "error: branch 'b51' would be more than 50 branches deep below 'b50' (each read of a branch walks its "
          + "whole line of parents) — branch from one nearer to main, or from main"
      ])
    #expect(h.session.branch == "b50")
    h.run("switch main")
    h.run("branch fresh")
    #expect(h.console.errLines.isEmpty)
  }

  /// A retraction refolds from the newest snapshot before its target (the
  /// SQLite store keeps one every 50,000 events), not the whole log.
  @Test func aRetractionRefoldsFromTheSnapshotBeforeItsTarget() throws {
    let gate = InterferingStore(MemoryStore())
    let h = try Harness(store: gate)
    h.session.snapshotInterval = 100
    let logs = Array(repeating: "log ana with acme outcome=+1", count: 1000).joined(separator: "\n")
    h.script("clock 2021-01-04\nhire ana \"Ana\"\ncustomer acme \"Acme\"\n" + logs)
    #expect(h.eventCount == 1002)
    gate.folded = 0
    h.run("retract @990 \"logged twice\"")
    #expect(h.console.errLines.isEmpty, "\(h.console.errLines)")
    #expect(gate.folded > 0 && gate.folded <= 200, "refolded \(gate.folded) events for one retraction")
    #expect(h.session.state == (try SnapshotPropertyTests.scratch(gate, upTo: 1003)))
  }
}
