import EthosCheckpoint
import EthosDomain
import EthosStore
import EthosStoreSQLite
import Foundation
import TestSupport
import Testing

/// `ethos checkpoint` and `ethos verify --checkpoint` as a user runs them
/// (SPEC §14), against stores tampered with for real by the `sqlite3` shell.
/// Every run has a HOME of its own: the real `~/.config` is never touched.
@Suite struct CheckpointCLITests {
  /// A private copy of TamperTests' good 8-event store, a home and a clock.
  struct Setup {
    let dir: String
    let store: String

    init() throws {
      dir = try EthosProcess.temporaryDirectory()
      store = try TamperTests.copy()
    }

    var home: String { dir + "/home" }
    var defaultKey: String { home + "/.config/ethos/signing.key" }

    /// Runs ethos with this setup's home, no `$ETHOS_SIGNING_KEY` and a frozen clock.
    @discardableResult
    func ethos(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws
      -> EthosProcess.Result
    {
      var env = ["HOME": home, "ETHOS_SIGNING_KEY": "", "ETHOS_NOW": "2021-06-01T12:00"]
      for (key, value) in environment { env[key] = value }
      return try EthosProcess.run(arguments, stdin: stdin, environment: env)
    }

    /// Takes a checkpoint of `branch` into a file; returns its path and record.
    func checkpoint(
      _ name: String = "cp.txt", store: String? = nil, branch: String = "main", arguments: [String] = [],
      environment: [String: String] = [:]
    ) throws -> (path: String, checkpoint: Checkpoint) {
      let result = try ethos(
        ["checkpoint", "--store", store ?? self.store, "--branch", branch] + arguments, environment: environment)
      try #require(result.status == 0, "\(result.stderr)")
      let path = dir + "/" + name
      try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
      return (path, try Checkpoint.parse(Array(result.stdout.utf8), name: path))
    }

    func verify(_ arguments: [String], stdin: String? = nil) throws -> EthosProcess.Result {
      try ethos(["verify", "--store", store] + arguments, stdin: stdin)
    }

    /// Runs `sql` with the `sqlite3` shell as a careful tamperer would: the
    /// append-only triggers dropped first and put back exactly as they were
    /// after, the WAL checkpointed so the file is the whole store.
    func tamper(_ sql: String, store: String? = nil) throws {
      let path = store ?? self.store
      let triggers = try EthosProcess.sqlite3(path, "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger';")
      try EthosProcess.sqlite3(
        path,
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;\n\(sql)\n\(triggers)"
          + "PRAGMA wal_checkpoint(TRUNCATE);")
    }
  }

  static func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return try #require(attributes[.posixPermissions] as? Int)
  }

  static func oneError(_ result: EthosProcess.Result, _ status: Int32, _ message: String) {
    #expect(result.status == status, "\(result.stdout) \(result.stderr)")
    #expect(result.stderr == "error: \(message)\n")
  }

  /// The line a checkpoint that holds gets.
  static func holds(_ path: String, _ checkpoint: Checkpoint, since: String = "the branch still ends there")
    -> String
  {
    "ok: checkpoint '\(path)' holds: branch '\(checkpoint.branch)' still has event @\(checkpoint.seq) with hash "
      + "\(checkpoint.hash.prefix(12))… as signed by key \(checkpoint.signerFingerprint) at "
      + "\(checkpoint.time.iso) (\(since))"
  }

  // MARK: round trip

  @Test func aCheckpointIsSignedAndVerifies() throws {
    let setup = try Setup()
    let first = try setup.ethos(["checkpoint", "--store", setup.store])
    #expect(first.status == 0, "\(first.stderr)")
    let checkpoint = try Checkpoint.parse(Array(first.stdout.utf8), name: "stdout")
    #expect(checkpoint.branch == "main")
    #expect(checkpoint.seq == TamperTests.events)
    #expect(checkpoint.time.iso == "2021-06-01T12:00:00Z")
    #expect(checkpoint.signatureIsValid)
    #expect(first.stdout.hasPrefix("ethos checkpoint v1\nlog: "))
    #expect(first.stdout.split(separator: "\n").count == 8)

    // The first use made the key, said so on stderr, and keeps it private.
    let publicKey = checkpoint.publicKey.map { String(format: "%02x", $0) }.joined()
    #expect(
      first.stderr
        == "created a signing key at '\(setup.defaultKey)' (mode 0600; public key \(publicKey), fingerprint "
        + "\(checkpoint.signerFingerprint)) — keep it private and back it up\n")
    #expect(try Self.mode(setup.defaultKey) == 0o600)
    #expect(try Self.mode(setup.home + "/.config/ethos") == 0o700)
    #expect(try Self.mode(setup.home + "/.config") == 0o700)

    // The next run signs with the same key and says nothing.
    let (path, again) = try setup.checkpoint()
    #expect(again.publicKey == checkpoint.publicKey)

    let verified = try setup.verify(["--checkpoint", path])
    #expect(verified.status == 0, "\(verified.stderr)")
    #expect(verified.stderr == "")
    #expect(verified.stdout == Self.holds(path, again) + "\nok: branch 'main' verifies, 8 events chain from @1\n")

    // Appends after the checkpoint do not break it.
    #expect(try setup.ethos(["--store", setup.store], stdin: "pulse ana score=9\n").status == 0)
    let grown = try setup.verify(["--checkpoint", path])
    #expect(grown.status == 0, "\(grown.stderr)")
    #expect(grown.stdout.hasPrefix(Self.holds(path, again, since: "1 event appended since") + "\n"))
  }

  /// What mail does to a text attachment does not matter; `-` reads stdin.
  @Test func aCheckpointSurvivesCRLFAndComesOnStandardInput() throws {
    let setup = try Setup()
    let (path, checkpoint) = try setup.checkpoint()
    let mailed =
      "# ticket AUD-12\r\n"
      + (try String(contentsOfFile: path, encoding: .utf8))
      .replacingOccurrences(of: "\n", with: "\r\n")
    try mailed.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try setup.verify(["--checkpoint", path]).status == 0)
    let piped = try setup.verify(["--checkpoint", "-"], stdin: mailed)
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(piped.stdout.hasPrefix(Self.holds("standard input", checkpoint)))
  }

  // MARK: what a checkpoint catches

  /// Issue 11's acceptance: the last events deleted and the recorded head
  /// rewritten to match (an attacker with sqlite3) still pass plain
  /// `verify`, and `verify --checkpoint` with a checkpoint taken before
  /// exits 1 naming the seq.
  @Test func aLogCutShortWithItsHeadRewrittenIsCaught() throws {
    let setup = try Setup()
    let (path, _) = try setup.checkpoint()
    try setup.tamper(
      """
      DELETE FROM events WHERE branch = 'main' AND seq >= 6;
      UPDATE heads SET seq = 5, hash = (SELECT hash FROM events WHERE branch = 'main' AND seq = 5)
        WHERE branch = 'main';
      DELETE FROM snapshots;
      """)
    let plain = try setup.verify([])
    #expect(plain.status == 0, "the cut is invisible without a checkpoint: \(plain.stderr)")
    #expect(plain.stdout == "ok: branch 'main' verifies, 5 events chain from @1\n")
    #expect(try setup.ethos(["query", "employees", "--store", setup.store]).status == 0)

    let checked = try setup.verify(["--checkpoint", path])
    Self.oneError(
      checked, 1,
      "the log was cut short: checkpoint '\(path)' is at @8, but branch 'main' now ends at @5 (@6…@8 are gone)")
    #expect(checked.stdout == "ok: branch 'main' verifies, 5 events chain from @1\n")
  }

  /// An event rewritten and every hash after it recomputed, the recorded
  /// head too: a chain that verifies, and a checkpoint that does not hold.
  @Test func anEventRewrittenWithTheChainRecomputedIsCaught() throws {
    let setup = try Setup()
    let (path, checkpoint) = try setup.checkpoint()
    var events = [Envelope]()
    do {
      let store = try SQLiteStore(path: setup.store)
      try store.read("main", from: 1, to: Int.max) { events.append($0) }
    }
    #expect(events[3].data.contains("\"outcome\":1"))
    events[3].data = events[3].data.replacingOccurrences(of: "\"outcome\":1", with: "\"outcome\":2")
    var sql = ""
    for index in 3..<events.count {
      events[index].prevHash = events[index - 1].hash
      events[index].hash = events[index].expectedHash
      let data = events[index].data.replacingOccurrences(of: "'", with: "''")
      sql += """
        UPDATE events SET data = '\(data)', prev_hash = '\(events[index].prevHash)', hash = '\(events[index].hash)'
          WHERE branch = 'main' AND seq = \(events[index].seq);

        """
    }
    let head = try #require(events.last)
    sql += "UPDATE heads SET hash = '\(head.hash)' WHERE branch = 'main'; DELETE FROM snapshots;"
    try setup.tamper(sql)
    let plain = try setup.verify([])
    #expect(plain.status == 0, "the rewrite is consistent: \(plain.stderr)")

    let checked = try setup.verify(["--checkpoint", path])
    Self.oneError(
      checked, 1,
      "event @8 was rewritten since checkpoint '\(path)': its hash is now \(head.hash.prefix(12))…, the checkpoint "
        + "says \(checkpoint.hash.prefix(12))… (it, or an event before it, was changed and the chain recomputed)")
  }

  /// A log cut short without rewriting its head is caught on open already;
  /// `verify --checkpoint` names both the cut and the checkpoint's seq.
  @Test func aClumsyCutIsNamedTwice() throws {
    let setup = try Setup()
    let (path, _) = try setup.checkpoint()
    try setup.tamper("DELETE FROM events WHERE branch = 'main' AND seq >= 7;")
    let checked = try setup.verify(["--checkpoint", path])
    #expect(checked.status == 1)
    #expect(
      checked.stderr
        == "error: the log was cut short: checkpoint '\(path)' is at @8, but branch 'main' now ends at @6 (@7…@8 are "
        + "gone)\nerror: verify failed on branch 'main' at @7: events @7…@8 are missing: the log was cut short\n")
  }

  @Test(arguments: [("signature", 20), ("hash", 10), ("seq", 0), ("public-key", 5)])
  func aRecordChangedAfterSigningHasABadSignature(_ field: String, _ offset: Int) throws {
    let setup = try Setup()
    let (path, _) = try setup.checkpoint()
    var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    let index = try #require(lines.firstIndex { $0.hasPrefix(field + ": ") })
    var value = Array(lines[index].dropFirst(field.count + 2))
    value[offset] = value[offset] == "1" ? "2" : "1"
    lines[index] = field + ": " + String(value)
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let checked = try setup.verify(["--checkpoint", path])
    #expect(checked.status == 1)
    #expect(
      checked.stderr
        == "error: checkpoint '\(path)' has a bad signature: the record was changed after it was signed (or not "
        + "signed by the key it names) — it proves nothing\n")
    // The chain is still checked, and still fine.
    #expect(checked.stdout == "ok: branch 'main' verifies, 8 events chain from @1\n")
  }

  @Test func aCheckpointOfAnotherLogIsNamedSo() throws {
    let setup = try Setup()
    let other = setup.dir + "/other.sqlite"
    #expect(
      try setup.ethos(["--store", other], stdin: "clock 2021-02-01\nhire zoe \"Zoe\"\nhire yan \"Yan\"\n").status == 0)
    let (path, checkpoint) = try setup.checkpoint(store: other)
    let first = try #require(try SQLiteStore(path: setup.store).event("main", seq: 1)).hash
    let checked = try setup.verify(["--checkpoint", path])
    Self.oneError(
      checked, 1,
      "checkpoint '\(path)' is for another log: its log begins with an event @1 of hash \(checkpoint.log.prefix(12))…, "
        + "this log's @1 has \(first.prefix(12))… (or @1 was rewritten)")
  }

  /// Anyone can sign a checkpoint of a log they rewrote with a key of their
  /// own: it verifies as theirs (the fingerprint says whose), and `--signer`
  /// with the auditor's trusted key refuses it.
  @Test func aCheckpointByAnotherKeyIsRefusedUnderSigner() throws {
    let setup = try Setup()
    let (trustedPath, trusted) = try setup.checkpoint("trusted.txt")
    let forgerKey = setup.dir + "/forger.key"
    let (forgedPath, forged) = try setup.checkpoint(
      "forged.txt", arguments: ["--key", forgerKey, "--create-key"])
    #expect(forged.publicKey != trusted.publicKey)
    let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }

    let unpinned = try setup.verify(["--checkpoint", forgedPath])
    #expect(unpinned.status == 0)
    #expect(unpinned.stdout.contains("signed by key \(forged.signerFingerprint)"))

    let pinned = try setup.verify(["--checkpoint", forgedPath, "--signer", hex(trusted.publicKey)])
    Self.oneError(
      pinned, 1,
      "checkpoint '\(forgedPath)' was signed by key \(forged.signerFingerprint), not by the trusted signer "
        + "\(trusted.signerFingerprint) (--signer)")
    let good = try setup.verify(["--checkpoint", trustedPath, "--signer", hex(trusted.publicKey)])
    #expect(good.status == 0, "\(good.stderr)")

    Self.oneError(
      try setup.verify(["--checkpoint", trustedPath, "--signer", "abc"]), 2,
      "--signer takes the 64 hex digits of an Ed25519 public key (the 'public-key' line of a checkpoint you trust)")
    let alone = try setup.verify(["--signer", hex(trusted.publicKey)])
    #expect(alone.status == 2)
    #expect(alone.stderr.contains("--signer needs --checkpoint FILE"))
  }

  // MARK: files that are not checkpoints

  @Test(arguments: [
    ("empty", Data(), "is empty"),
    ("binary", Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00]), "is not text (it holds control bytes)"),
    ("garbage", Data("lorem ipsum\n".utf8), "does not start with 'ethos checkpoint v1' (line 1) — is it a checkpoint?"),
    (
      "a header only", Data("ethos checkpoint v1\n".utf8),
      "has no 'log', 'branch', 'seq', 'hash', 'time', 'public-key', 'signature' lines (cut short?)"
    ),
    (
      "a JSON file", Data("{\"seq\": 8}\n".utf8),
      "does not start with 'ethos checkpoint v1' (line 1) — is it a checkpoint?"
    ),
  ])
  func aFileThatIsNotACheckpointIsBadUsage(_ what: String, _ bytes: Data, _ problem: String) throws {
    let setup = try Setup()
    let path = setup.dir + "/cp.txt"
    try bytes.write(to: URL(fileURLWithPath: path))
    let checked = try setup.verify(["--checkpoint", path])
    Self.oneError(checked, 2, "checkpoint '\(path)' \(problem)")
    #expect(checked.stdout == "", "\(what)")
  }

  @Test func aTruncatedCheckpointIsBadUsage() throws {
    let setup = try Setup()
    let (path, _) = try setup.checkpoint()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for cut in [30, text.count / 2, text.count - 60] {
      try String(text.prefix(cut)).write(toFile: path, atomically: true, encoding: .utf8)
      let checked = try setup.verify(["--checkpoint", path])
      #expect(checked.status == 2, "cut at \(cut): \(checked.stderr)")
      #expect(checked.stderr.hasPrefix("error: checkpoint '\(path)' "))
      #expect(checked.stderr.split(separator: "\n").count == 1)
    }
  }

  @Test func aMissingCheckpointFileIsBadUsage() throws {
    let setup = try Setup()
    Self.oneError(
      try setup.verify(["--checkpoint", setup.dir + "/none.txt"]), 2,
      "cannot read checkpoint '\(setup.dir)/none.txt': No such file or directory")
    Self.oneError(
      try setup.verify(["--checkpoint", setup.dir]), 2, "cannot read checkpoint '\(setup.dir)': it is a directory")
  }

  // MARK: signing keys

  @Test func anExplicitKeyIsNeverMadeUnasked() throws {
    let setup = try Setup()
    let key = setup.dir + "/team.key"
    Self.oneError(
      try setup.ethos(["checkpoint", "--store", setup.store, "--key", key]), 2,
      "there is no signing key at '\(key)' (named by --key) — check the path, or add --create-key to make a new key "
        + "there")
    Self.oneError(
      try setup.ethos(["checkpoint", "--store", setup.store], environment: ["ETHOS_SIGNING_KEY": key]), 2,
      "there is no signing key at '\(key)' (named by $ETHOS_SIGNING_KEY) — check the path, or add --create-key to "
        + "make a new key there")
    #expect(!FileManager.default.fileExists(atPath: key))
    #expect(!FileManager.default.fileExists(atPath: setup.defaultKey))

    let made = try setup.ethos(
      ["checkpoint", "--store", setup.store, "--create-key"], environment: ["ETHOS_SIGNING_KEY": key])
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stderr.hasPrefix("created a signing key at '\(key)' (mode 0600; "))
    #expect(try Self.mode(key) == 0o600)
    let again = try setup.ethos(["checkpoint", "--store", setup.store], environment: ["ETHOS_SIGNING_KEY": key])
    #expect(again.status == 0)
    #expect(again.stderr == "")
    #expect(again.stdout == made.stdout)
  }

  @Test func aKeyOthersCanReadIsRefused() throws {
    let setup = try Setup()
    let key = setup.dir + "/team.key"
    _ = try setup.checkpoint(arguments: ["--key", key, "--create-key"])
    for mode in [0o644, 0o640, 0o604] {
      try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: key)
      let result = try setup.ethos(["checkpoint", "--store", setup.store, "--key", key])
      Self.oneError(
        result, 2,
        "the signing key '\(key)' can be read by other users (mode 0\(String(mode, radix: 8))) — a private key must be "
          + "yours alone: run 'chmod 600 \(key)'")
      #expect(result.stdout == "")
    }
  }

  @Test(arguments: [
    ("garbage", "not a key\n", "is not an ethos signing key (it does not start with 'ethos signing key v1')"),
    (
      "short", "ethos signing key v1\nprivate-key: 00ff\n",
      "is malformed: its 'private-key' line must hold 64 hex digits"
    ),
    ("binary", "\u{0}\u{1}\u{2}", "is not an ethos signing key (it does not start with 'ethos signing key v1')"),
  ])
  func aMalformedKeyIsBadUsage(_ what: String, _ contents: String, _ problem: String) throws {
    let setup = try Setup()
    let key = setup.dir + "/bad.key"
    FileManager.default.createFile(atPath: key, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600])
    let result = try setup.ethos(["checkpoint", "--store", setup.store, "--key", key])
    Self.oneError(result, 2, "the signing key '\(key)' \(problem)")
    #expect(result.stdout == "", "\(what)")
  }

  @Test func anUnreadableKeyIsBadUsage() throws {
    let setup = try Setup()
    Self.oneError(
      try setup.ethos(["checkpoint", "--store", setup.store, "--key", setup.dir]), 2,
      "the signing key '\(setup.dir)' is not a file")
    // A path through a file: unreadable whoever runs the test (root reads a mode 000 file).
    let through = setup.store + "/signing.key"
    Self.oneError(
      try setup.ethos(["checkpoint", "--store", setup.store, "--key", through]), 2,
      "cannot read the signing key '\(through)': Not a directory")
  }

  // MARK: what is not signed

  @Test func anEmptyOrDamagedBranchIsNotSigned() throws {
    let setup = try Setup()
    let empty = setup.dir + "/empty.sqlite"
    #expect(try setup.ethos(["--store", empty], stdin: "clock 2021-01-01\n").status == 0)
    Self.oneError(
      try setup.ethos(["checkpoint", "--store", empty]), 1,
      "branch 'main' has no events: there is nothing to checkpoint yet")
    #expect(!FileManager.default.fileExists(atPath: setup.defaultKey), "no key is made when nothing is signed")
    _ = try setup.checkpoint()
    try setup.tamper(Tamper.byte("data", seq: 4, at: 2).sql)
    let damaged = try setup.ethos(["checkpoint", "--store", setup.store])
    Self.oneError(
      damaged, 1,
      "will not sign a checkpoint of branch 'main': it does not verify at @4: hash does not match the event's "
        + "contents (altered?) — run 'ethos verify' for details")
    #expect(damaged.stdout == "")
    Self.oneError(
      try setup.ethos(["checkpoint", "--store", setup.store, "--branch", "mian"]), 2,
      "unknown branch 'mian' — did you mean 'main'?")
  }

  // MARK: branches and --all

  @Test func checkpointsNameTheirBranchAndCombineWithAll() throws {
    let setup = try Setup()
    #expect(
      try setup.ethos(["--store", setup.store], stdin: "branch what-if from=@6\nhire cy \"Cy\"\n").status == 0)
    let (mainPath, main) = try setup.checkpoint("main.txt")
    let (branchPath, branch) = try setup.checkpoint("what-if.txt", branch: "what-if")
    #expect(branch.seq == 7)
    #expect(branch.log == main.log)

    // The checkpoint's own branch is checked, without --branch.
    let one = try setup.verify(["--checkpoint", branchPath])
    #expect(one.status == 0, "\(one.stderr)")
    #expect(one.stdout == Self.holds(branchPath, branch) + "\nok: branch 'what-if' verifies, 7 events chain from @1\n")

    // Two checkpoints, each on its branch, each chain verified once.
    let two = try setup.verify(["--checkpoint", mainPath, "--checkpoint", branchPath])
    #expect(two.status == 0, "\(two.stderr)")
    #expect(
      two.stdout.split(separator: "\n").map(String.init) == [
        Self.holds(mainPath, main), Self.holds(branchPath, branch),
        "ok: branch 'main' verifies, 8 events chain from @1", "ok: branch 'what-if' verifies, 7 events chain from @1",
      ])

    // --all: the checkpoint, then every branch's chain.
    let all = try setup.verify(["--all", "--checkpoint", mainPath])
    #expect(all.status == 0, "\(all.stderr)")
    #expect(all.stdout.split(separator: "\n").count == 3)

    // A --branch that disagrees with the checkpoint is bad usage.
    Self.oneError(
      try setup.verify(["--checkpoint", mainPath, "--branch", "what-if"]), 2,
      "checkpoint '\(mainPath)' is of branch 'main', not 'what-if' — drop --branch: a checkpoint is checked against "
        + "the branch it names")
    #expect(try setup.verify(["--checkpoint", branchPath, "--branch", "what-if"]).status == 0)
  }

  // MARK: PostgreSQL

  /// A checkpoint of a log on PostgreSQL holds there and on a SQLite copy of
  /// the same log (it is about the log, not the backend), and catches the
  /// same cut made with psql.
  @Test(.enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
  func aCheckpointHoldsAcrossBackendsAndCatchesACutOnPostgres() throws {
    let setup = try Setup()
    let url = try PostgresTestServer.freshURL()
    let trail = try setup.ethos(["export", "--store", setup.store]).stdout
    let imported = try setup.ethos(["import", "-", "--store", url], stdin: trail)
    #expect(imported.status == 0, "\(imported.stderr)")
    let (path, _) = try setup.checkpoint(store: url)
    #expect(try setup.ethos(["verify", "--store", url, "--checkpoint", path]).status == 0)
    #expect(try setup.verify(["--checkpoint", path]).status == 0)

    let psql = "/usr/bin/psql"
    try #require(FileManager.default.isExecutableFile(atPath: psql), "psql is needed to tamper with the log")
    let (server, schema) = try #require(url.split(separator: "?schema=").map(String.init).pairOrNil)
    let cut = try EthosProcess.runProgram(
      psql,
      [
        server, "-v", "ON_ERROR_STOP=1", "-c",
        """
        SET search_path TO \(schema);
        ALTER TABLE events DISABLE TRIGGER USER;
        DELETE FROM events WHERE branch = 'main' AND seq >= 6;
        UPDATE heads SET seq = 5, hash = (SELECT hash FROM events WHERE branch = 'main' AND seq = 5)
          WHERE branch = 'main';
        DELETE FROM snapshots;
        ALTER TABLE events ENABLE TRIGGER USER;
        """,
      ])
    #expect(cut.status == 0, "\(cut.stderr)")
    #expect(try setup.ethos(["verify", "--store", url]).status == 0)
    Self.oneError(
      try setup.ethos(["verify", "--store", url, "--checkpoint", path]), 1,
      "the log was cut short: checkpoint '\(path)' is at @8, but branch 'main' now ends at @5 (@6…@8 are gone)")
  }
}

extension Array {
  /// The two elements of a two-element array.
  fileprivate var pairOrNil: (Element, Element)? { count == 2 ? (self[0], self[1]) : nil }
}
