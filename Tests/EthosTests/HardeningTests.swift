import EthosEngine
import EthosJSON
import Foundation
import GRDB
import Testing
import TestSupport

@testable import EthosStore

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
    for store in [a, b] {
      #expect(try EthosProcess.run(["--store", store], stdin: Self.script, environment: Self.env).status == 0)
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
    h.session.batchSize = 100
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
      h.console.errLines.first?.hasPrefix("script.ethos:200: error: the disk holding '\(dir)/store.sqlite' is full") == true,
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
      let result = try EthosProcess.run(arguments + ["--store", path], stdin: "pulse ana score=9\n", environment: Self.env)
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
    #expect(result.stderr.contains("the trigger 'events_no_update' was changed since ethos made it"), "\(result.stderr)")
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
}
