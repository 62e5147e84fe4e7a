import Foundation
import TestSupport
import Testing

/// One alteration of a stored event, made with the `sqlite3` shell after
/// dropping the append-only triggers, as a tamperer would.
struct Tamper: Sendable, CustomTestStringConvertible {
  let name: String
  let sql: String
  /// The seq `ethos verify` must name, and why.
  let seq: Int
  let reason: String

  var testDescription: String { name }

  static let altered = "hash does not match the event's contents (altered?)"

  /// Changes the byte at `position` (1-based; 0 = the last) of text column
  /// `column` of event `seq` to another character.
  static func byte(_ column: String, seq: Int, at position: Int, reason: String = altered, name: String? = nil)
    -> Tamper
  {
    let at = position == 0 ? "length(\(column))" : "\(position)"
    let sql = """
      UPDATE events SET \(column) = substr(\(column), 1, \(at) - 1)
        || CASE substr(\(column), \(at), 1) WHEN 'a' THEN 'b' ELSE 'a' END
        || substr(\(column), \(at) + 1)
      WHERE branch = 'main' AND seq = \(seq);
      """
    let place = position == 0 ? "last" : "#\(position)"
    return Tamper(name: name ?? "\(column) @\(seq) byte \(place)", sql: sql, seq: seq, reason: reason)
  }
}

/// Issue 2, acceptance 3: `ethos verify` exits 0 on a good store and 1 naming
/// the first bad seq after one byte of a stored event is altered; issue 7's
/// tampering faults (altered payload or hash, deleted and swapped rows).
@Suite(.serialized) struct TamperTests {
  static let script = """
    clock 2021-01-04T08:00
    hire ana "Ana Lima" dept=front-desk level=leader
    hire ben "Ben Ode" dept=support
    customer acme "Acme Travel"
    log ben with acme outcome=+1 mode=relationship "first call"
    log ana with ben outcome=+2 did=courteous
    feedback acme score=9 "quick and kind"
    promise p1 by ben to acme due=+2d "send the invoice"
    keep p1
    """
  static let events = 8
  static let middle = 4

  /// A good store of `events` events, checkpointed so its one file is the whole store.
  static let base: String? = {
    guard let dir = try? EthosProcess.temporaryDirectory() else { return nil }
    let path = dir + "/base.sqlite"
    guard
      let run = try? EthosProcess.run(
        ["--store", path, "--actor", "auditor"], stdin: script,
        // In clear, so the tampering below can edit a name in place.
        environment: ["ETHOS_NOW": "2021-06-01T12:00", "ETHOS_ENVELOPE_VERSION": "1"]),
      run.status == 0,
      (try? EthosProcess.sqlite3(path, "PRAGMA wal_checkpoint(TRUNCATE);")) != nil
    else { return nil }
    return path
  }()

  /// A private copy of the good store.
  static func copy() throws -> String {
    let base = try #require(Self.base, "could not build the base store")
    let path = try EthosProcess.temporaryDirectory() + "/store.sqlite"
    try FileManager.default.copyItem(atPath: base, toPath: path)
    return path
  }

  static let dropTriggers = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;\n"

  static var columnTampers: [Tamper] {
    var cases = [Tamper]()
    for column in ["data", "command", "recorded_at", "actor", "origin", "type"] {
      for position in [1, 2, 7, 0] { cases.append(.byte(column, seq: middle, at: position)) }
    }
    for position in [1, 33, 0] {
      cases.append(.byte("hash", seq: middle, at: position))
      cases.append(
        .byte("prev_hash", seq: middle, at: position, reason: "prevHash does not match the hash of the event before it")
      )
    }
    cases += [
      Tamper(
        name: "occurred_at @4 + 1s", sql: "UPDATE events SET occurred_at = occurred_at + 1 WHERE seq = 4;", seq: 4,
        reason: Tamper.altered),
      Tamper(
        name: "version @4", sql: "UPDATE events SET version = 2 WHERE seq = 4;", seq: 4, reason: Tamper.altered),
      Tamper(
        name: "seq @4 → 0", sql: "UPDATE events SET seq = 0 WHERE seq = 4;", seq: 4, reason: "event @4 is missing"),
      Tamper(
        name: "seq of the head @8 → 9", sql: "UPDATE events SET seq = 9 WHERE seq = 8;", seq: 8,
        reason: "event @8 is missing"),
      Tamper(
        name: "first event's data",
        sql: "UPDATE events SET data = replace(data, 'Ana Lima', 'Ana Lina') WHERE seq = 1;",
        seq: 1, reason: Tamper.altered),
      Tamper(
        name: "deleted row @4", sql: "DELETE FROM events WHERE seq = 4;", seq: 4, reason: "event @4 is missing"),
      Tamper(
        name: "swapped rows @4 and @5",
        sql: """
          UPDATE events SET seq = -4 WHERE seq = 4;
          UPDATE events SET seq = 4 WHERE seq = 5;
          UPDATE events SET seq = 5 WHERE seq = -4;
          """, seq: 4, reason: "prevHash does not match the hash of the event before it"),
      Tamper(
        name: "swapped payloads @5 and @6",
        sql: """
          CREATE TEMP TABLE d AS SELECT seq, data FROM events WHERE seq IN (5, 6);
          UPDATE events SET data = (SELECT data FROM d WHERE d.seq = 11 - events.seq) WHERE seq IN (5, 6);
          """, seq: 5, reason: Tamper.altered),
      Tamper(
        name: "re-chained forgery (@4 altered, its hash recomputed wrongly by hand)",
        sql:
          "UPDATE events SET data = replace(data, '\"outcome\":1', '\"outcome\":2'), hash = lower(hex(randomblob(32))) WHERE seq = 4;",
        seq: 4, reason: Tamper.altered),
      Tamper(
        name: "deleted head row @8", sql: "DELETE FROM events WHERE seq = 8;", seq: 8,
        reason: "event @8 is missing: the log was cut short"),
      Tamper(
        name: "last three rows deleted", sql: "DELETE FROM events WHERE seq >= 6;", seq: 6,
        reason: "events @6…@8 are missing: the log was cut short"),
      Tamper(
        name: "every row deleted", sql: "DELETE FROM events;", seq: 1,
        reason: "events @1…@8 are missing: the log was cut short"),
      Tamper(
        name: "recorded head altered", sql: "UPDATE heads SET hash = lower(hex(randomblob(32)));", seq: 8,
        reason: "hash does not match the head ethos recorded for this branch"),
      .byte("data", seq: events, at: 3, name: "data of the head @8"),
      .byte("hash", seq: events, at: 1, name: "hash of the head @8"),
    ]
    return cases
  }

  @Test func verifyPassesOnTheGoodStore() throws {
    let path = try Self.copy()
    let result = try EthosProcess.run(["verify", "--store", path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "ok: branch 'main' verifies, \(Self.events) events chain from @1\n")
    #expect(result.stderr == "")
  }

  @Test func verifyOnAnUnknownBranchIsBadUsage() throws {
    let result = try EthosProcess.run(["verify", "--store", try Self.copy(), "--branch", "mian"])
    #expect(result.status == 2)
    #expect(result.stderr == "error: unknown branch 'mian' — did you mean 'main'?\n")
  }

  @Test(arguments: columnTampers) func verifyNamesTheFirstBadSeq(_ tamper: Tamper) throws {
    let path = try Self.copy()
    let dump = "SELECT * FROM events ORDER BY seq; SELECT * FROM heads;"
    let before = try EthosProcess.sqlite3(path, dump)
    try EthosProcess.sqlite3(path, Self.dropTriggers + tamper.sql)
    #expect(try EthosProcess.sqlite3(path, dump) != before, "the tamper changed nothing")
    let result = try EthosProcess.run(["verify", "--store", path])
    #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
    #expect(result.stdout == "")
    #expect(result.stderr == "error: verify failed on branch 'main' at @\(tamper.seq): \(tamper.reason)\n")
  }

  /// A tampered head is caught when any command opens the store (exit 3),
  /// and the message sends the user to `ethos verify`, which names it.
  @Test func aTamperedHeadRefusesToOpen() throws {
    let path = try Self.copy()
    try EthosProcess.sqlite3(path, Self.dropTriggers + Tamper.byte("data", seq: Self.events, at: 3).sql)
    let query = try EthosProcess.run(["query", "matrix", "--format", "json", "--store", path])
    #expect(query.status == 3)
    #expect(
      query.stderr
        == "error: '\(path)' is damaged: branch 'main' @8: hash does not match the event's contents (altered?) — "
        + "run 'ethos verify' for details\n")
    let append = try EthosProcess.run(["--store", path], stdin: "hire cy \"Cy\"\n")
    #expect(append.status == 3)
    #expect(try EthosProcess.sqlite3(path, "SELECT count(*) FROM events;") == "\(Self.events)\n")
  }

  /// Events cut from the end leave a chain that verifies by itself; the head
  /// each append records shows the cut, on open (exit 3) and in `verify`.
  @Test func aLogCutShortRefusesToOpen() throws {
    let path = try Self.copy()
    try EthosProcess.sqlite3(path, Self.dropTriggers + "DELETE FROM events WHERE seq >= 7;")
    let query = try EthosProcess.run(["query", "matrix", "--store", path])
    #expect(query.status == 3)
    #expect(
      query.stderr
        == "error: '\(path)' is damaged: branch 'main' @7: events @7…@8 are missing: the log was cut short — "
        + "run 'ethos verify' for details\n")
  }

  /// A store written before heads were recorded (schema v1) is migrated on
  /// open: its heads are taken from its events, and it verifies and appends.
  @Test func aV1StoreIsMigrated() throws {
    let path = try Self.copy()
    try EthosProcess.sqlite3(
      path, "DROP TABLE heads; DELETE FROM grdb_migrations WHERE identifier = 'v2-recorded-heads';")
    let write = try EthosProcess.run(
      ["--store", path], stdin: "hire cy \"Cy\"\n", environment: ["ETHOS_NOW": "2021-06-01T12:00"])
    #expect(write.status == 0, "\(write.stderr)")
    #expect(try EthosProcess.sqlite3(path, "SELECT seq FROM heads WHERE branch = 'main';") == "9\n")
    let verify = try EthosProcess.run(["verify", "--store", path])
    #expect(verify.stdout == "ok: branch 'main' verifies, 9 events chain from @1\n")
  }

  /// An event whose payload no longer decodes stops every command that folds
  /// the log (exit 3, naming the event), but not `verify`. Snapshots are
  /// dropped (they are a cache) so that opening folds the altered event.
  @Test func anUndecodablePayloadIsReportedNotGuessed() throws {
    let path = try Self.copy()
    try EthosProcess.sqlite3(
      path, Self.dropTriggers + "UPDATE events SET data = '{\"by\":' WHERE seq = 4; DELETE FROM snapshots;")
    let query = try EthosProcess.run(["query", "matrix", "--store", path])
    #expect(query.status == 3)
    #expect(query.stderr.hasPrefix("error: event @4 cannot be read: "), "\(query.stderr)")
    #expect(query.stderr.split(separator: "\n").count == 1)
    let verify = try EthosProcess.run(["verify", "--store", path])
    #expect(verify.status == 1)
    #expect(verify.stderr == "error: verify failed on branch 'main' at @4: \(Tamper.altered)\n")
  }
}
