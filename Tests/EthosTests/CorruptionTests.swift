import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Damaged stores (issue 7): a truncated file, flipped bytes, a file that is
/// not SQLite, a read-only store, a store from a newer ethos, a folder that is
/// not there. Each gives one clear `error:` line and exit 3 (or `verify` 1
/// naming the seq), never a crash and never a silent success.
@Suite(.serialized) struct CorruptionTests {
  /// A checkpointed store of 302 events over many pages.
  static let base: String? = {
    guard let dir = try? EthosProcess.temporaryDirectory() else { return nil }
    var script = "clock 2021-01-04\nhire ana \"Ana\"\ncustomer acme \"Acme\"\n"
    for i in 1...300 { script += "log ana with acme outcome=+1 \"note number \(i) — padding to fill pages\"\n" }
    let path = dir + "/good.sqlite"
    guard
      let run = try? EthosProcess.run(["--store", path], stdin: script, environment: ["ETHOS_NOW": "2021-06-01"]),
      run.status == 0, (try? EthosProcess.sqlite3(path, "PRAGMA wal_checkpoint(TRUNCATE);")) != nil
    else { return nil }
    return path
  }()

  static func copy(_ name: String = "store.sqlite") throws -> String {
    let base = try #require(Self.base, "could not build the base store")
    let path = try EthosProcess.temporaryDirectory() + "/" + name
    try FileManager.default.copyItem(atPath: base, toPath: path)
    return path
  }

  static func bytes(_ path: String) throws -> [UInt8] {
    [UInt8](try #require(FileManager.default.contents(atPath: path)))
  }

  static let hashesSQL = "SELECT group_concat(hash, ',') FROM (SELECT hash FROM events ORDER BY seq);"

  /// What every command must do on a damaged store: exit 0, 1 or 3 (never a
  /// signal), with nothing or exactly one `error:` line on standard error.
  static func expectClean(_ result: EthosProcess.Result, _ what: String) {
    #expect([0, 1, 3].contains(result.status), "\(what): exit \(result.status), \(result.stderr)")
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count == (result.status == 0 ? 0 : 1), "\(what): \(result.stderr)")
    if let first = lines.first { #expect(first.hasPrefix("error: "), "\(what): \(first)") }
  }

  @Test(arguments: [50, 100, 101, 4096, 8192, 40_000, 100_000, -1, -4096])
  func truncatedFile(_ keep: Int) throws {
    let path = try Self.copy()
    let bytes = try Self.bytes(path)
    let count = keep < 0 ? bytes.count + keep : keep
    try Data(bytes.prefix(count)).write(to: URL(fileURLWithPath: path))
    let damaged =
      count < 100 || count % 4096 == 0
      ? "error: '\(path)' is damaged (SQLite reports corruption) — restore it from a backup or an export\n"
      : "error: '\(path)' is damaged: it is \(count) bytes, not a whole number of 4096-byte pages (cut short?) — "
        + "restore it from a backup or an export\n"
    for arguments in [["verify"], ["query", "matrix", "--format", "json"], ["run", "/dev/null"]] {
      let result = try EthosProcess.run(arguments + ["--store", path])
      #expect(result.status == 3, "\(arguments) on \(count) bytes: \(result.stderr)")
      #expect(result.stderr == damaged)
    }
  }

  /// Random bytes flipped anywhere in the file: whatever SQLite makes of it,
  /// ethos exits cleanly; when `verify` passes, every event is intact.
  @Test func flippedBytes() throws {
    let original = try EthosProcess.sqlite3(try Self.copy(), Self.hashesSQL)
    var rng = SeededGenerator(seed: 99)
    var outcomes = [Int32: Int]()
    for round in 0..<30 {
      let path = try Self.copy()
      var bytes = try Self.bytes(path)
      for _ in 0..<(1 + round % 3) {
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        bytes[at] ^= UInt8.random(in: 1...255, using: &rng)
      }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let verify = try EthosProcess.run(["verify", "--store", path])
      Self.expectClean(verify, "verify after flips (round \(round))")
      outcomes[verify.status, default: 0] += 1
      if verify.status == 0 {
        // The chain verified: the events must be exactly the original ones.
        let now = try? EthosProcess.sqlite3(path, Self.hashesSQL)
        #expect(now == original, "round \(round): verify passed on changed events")
      }
      if verify.status == 1 { #expect(verify.stderr.hasPrefix("error: verify failed on branch 'main' at @")) }
      let query = try EthosProcess.run(["query", "matrix", "--format", "json", "--store", path])
      Self.expectClean(query, "query after flips (round \(round))")
      let write = try EthosProcess.run(["--store", path], stdin: "hire zed \"Zed\"\n")
      Self.expectClean(write, "write after flips (round \(round))")
    }
    print("corruption: verify outcomes after random byte flips: \(outcomes)")
  }

  @Test func notSQLite() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let path = dir + "/notes.sqlite"
    try String(repeating: "these are my meeting notes, not a database\n", count: 200).write(
      toFile: path, atomically: true, encoding: .utf8)
    for arguments in [["verify"], ["query", "matrix"], ["run", "/dev/null"]] {
      let result = try EthosProcess.run(arguments + ["--store", path])
      #expect(result.status == 3)
      #expect(result.stderr == "error: '\(path)' is not an ethos store (not a SQLite database)\n")
    }
    // And it was left as it was.
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("these are my meeting notes"))
  }

  @Test func aSQLiteDatabaseOfSomethingElse() throws {
    let path = try EthosProcess.temporaryDirectory() + "/other.sqlite"
    try EthosProcess.sqlite3(
      path, "CREATE TABLE events (id INTEGER PRIMARY KEY, what TEXT); INSERT INTO events VALUES (1, 'x');")
    let result = try EthosProcess.run(["query", "matrix", "--store", path])
    Self.expectClean(result, "a foreign SQLite database")
    #expect(result.status == 3, "\(result.stderr)")
  }

  @Test func newerSchemaVersion() throws {
    let path = try Self.copy()
    try EthosProcess.sqlite3(path, "INSERT INTO grdb_migrations (identifier) VALUES ('v9-events-from-the-future');")
    for arguments in [["verify"], ["query", "matrix"]] {
      let result = try EthosProcess.run(arguments + ["--store", path])
      #expect(result.status == 3)
      #expect(
        result.stderr
          == "error: '\(path)' was written by a newer version of ethos (unknown schema) — upgrade ethos to open it\n")
    }
    let write = try EthosProcess.run(["--store", path], stdin: "hire zed \"Zed\"\n")
    #expect(write.status == 3)
    #expect(try EthosProcess.sqlite3(path, "SELECT count(*) FROM events;") == "302\n")
  }

  @Test func missingFolderOrAFolder() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let missing = dir + "/no/such/folder/s.sqlite"
    // Reading commands say there is no store; writing ones cannot create it there.
    let verify = try EthosProcess.run(["verify", "--store", missing])
    #expect(verify.status == 3)
    #expect(
      verify.stderr
        == "error: there is no store at '\(missing)' — check --store or $ETHOS_STORE, or create one with "
        + "'ethos run FILE --store \(missing)'\n")
    let result = try EthosProcess.run(["--store", missing], stdin: "")
    #expect(result.status == 3)
    #expect(result.stderr == "error: cannot open '\(missing)' — check that its folder exists and is writable\n")
    // A folder is named as what it is (issue 17).
    let folder = try EthosProcess.run(["--store", dir], stdin: "")
    #expect(folder.status == 3)
    #expect(
      folder.stderr
        == "error: '\(dir)' is a folder, not an ethos store — give --store the path of a store file, or of a new one "
        + "to create\n")
  }

  /// Whether a file can be made read-only for this user: by its permission
  /// bits, or for root (as in CI) with `chattr +i`, which not every file
  /// system supports.
  static let canMakeReadOnly: Bool = {
    guard getuid() == 0 else { return true }
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr"),
      let dir = try? EthosProcess.temporaryDirectory()
    else { return false }
    let probe = dir + "/probe"
    FileManager.default.createFile(atPath: probe, contents: Data("x".utf8))
    guard let result = try? EthosProcess.runProgram("/usr/bin/chattr", ["+i", probe]), result.status == 0 else {
      return false
    }
    _ = try? EthosProcess.runProgram("/usr/bin/chattr", ["-i", probe])
    return true
  }()

  /// Read-only for root too: `chattr +i` when running as root (CI), else
  /// the permission bits.
  @Test(.enabled(if: canMakeReadOnly, "running as root where chattr +i cannot make a file read-only"))
  func readOnlyStore() throws {
    let path = try Self.copy()
    var release: () -> Void = {}
    if getuid() == 0 {
      let chattr = try EthosProcess.runProgram("/usr/bin/chattr", ["+i", path])
      try #require(chattr.status == 0, "chattr +i failed: \(chattr.stderr)")
      release = { _ = try? EthosProcess.runProgram("/usr/bin/chattr", ["-i", path]) }
    } else {
      chmod(path, 0o444)
    }
    defer { release() }
    for (arguments, stdin) in [(["query", "matrix"], nil), ([], "hire zed \"Zed\"\n")] as [([String], String?)] {
      let result = try EthosProcess.run(arguments + ["--store", path], stdin: stdin)
      #expect(result.status == 3)
      #expect(result.stderr == "error: '\(path)' is read-only — ethos needs to write to it (check its permissions)\n")
    }
    release()
    #expect(try EthosProcess.sqlite3(path, "SELECT count(*) FROM events;") == "302\n")
  }
}
