import EthosDomain
import EthosEngine
import EthosJSON
import EthosStore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 11, SPEC §13: personal data sealed under per-party keys, `forget`,
/// keys in and out with `--keys`, and logs of envelope version 1 read forever.
@Suite(.serialized) struct PersonalDataTests {
  static let name = "Carla Mendes"
  static let comment = "the soup at table nine was stone cold"
  static let complaint = "waited forty minutes for a manager"

  static let script = """
    clock 2024-03-01T08:00
    hire ana "Ana Lima" dept=front-desk
    customer c1 "Bo Lund"
    customer c2 "\(name)"
    feedback c2 score=3 "\(comment)"
    complain c2 about=ana "\(complaint)"
    log ana with c2 outcome=-1 "apologised, \\"twice\\""
    feedback c1 score=9 "lovely"
    """

  /// Every file of a SQLite store (the database, and its WAL when there is one).
  static func storeFiles(_ path: String) -> [Data] {
    ["", "-wal"].compactMap { FileManager.default.contents(atPath: path + $0) }
  }

  static func contains(_ files: [Data], _ needle: [UInt8]) -> Bool {
    files.contains { $0.range(of: Data(needle)) != nil }
  }

  static func keyOf(_ party: String, in keyFile: String) throws -> [UInt8] {
    let text = try String(contentsOfFile: keyFile, encoding: .utf8)
    for line in text.split(separator: "\n") {
      let json = try JSON.parse(String(line))
      if json["party"]?.stringValue == party, let key = json["key"]?.stringValue, let data = Data(base64Encoded: key) {
        return Array(data)
      }
    }
    throw ProcessFailure(message: "no key for \(party) in \(keyFile)")
  }

  // MARK: acceptance 1

  @Test func forgetLeavesNothingReadableAndChangesNoFigure() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/s.sqlite"
    #expect(try EthosProcess.run(["--store", store], stdin: Self.script).status == 0)
    // Shown to whoever holds the store, stored only sealed.
    let before = try EthosProcess.run(["query", "customers all", "--store", store, "--format", "csv"])
    #expect(before.stdout.contains(Self.name), "\(before.stdout)")
    for text in [Self.name, Self.comment, Self.complaint, "twice"] {
      #expect(!Self.contains(Self.storeFiles(store), Array(text.utf8)), "'\(text)' is stored in clear")
    }
    let head =
      try EthosProcess.run(["query", "history", "--store", store]).stdout.components(separatedBy: "\"seq\":")
      .count - 1
    let asOf = ["query", "as of @\(head) culture", "--store", store, "--format", "json"]
    let cultureBefore = try EthosProcess.run(asOf)
    #expect(try EthosProcess.run(["export", "--store", store, "--keys", dir + "/keys.jsonl"]).status == 0)
    let key = try Self.keyOf("c2", in: dir + "/keys.jsonl")
    #expect(Self.contains(Self.storeFiles(store), key), "the key is where the test looks for it")

    let forget = try EthosProcess.run(["--store", store], stdin: "forget c2 \"erasure request 2026-114\"\n")
    #expect(forget.status == 0, "\(forget.stderr)")
    #expect(forget.stdout.contains("SubjectForgotten c2"))

    // No byte of the key (nor, as before, of the name and texts) is left.
    #expect(!Self.contains(Self.storeFiles(store), key), "c2's key is still in the store's files")
    for text in [Self.name, Self.comment, Self.complaint] {
      #expect(!Self.contains(Self.storeFiles(store), Array(text.utf8)))
    }
    #expect(try EthosProcess.run(["verify", "--store", store]).status == 0)
    // Every figure as it was.
    let cultureAfter = try EthosProcess.run(asOf)
    #expect(cultureAfter.status == 0)
    #expect(cultureAfter.stdout == cultureBefore.stdout)
    // Every query shows (forgotten) where c2's data was; others are untouched.
    let customers = try EthosProcess.run(["query", "customers all", "--store", store, "--format", "csv"]).stdout
    #expect(customers.contains("c2,(forgotten)"), "\(customers)")
    #expect(customers.contains("Bo Lund"))
    let show = try EthosProcess.run(["query", "show @4", "--store", store, "--format", "json"]).stdout
    #expect(show.contains("\"comment\":\"(forgotten)\""), "\(show)")
    #expect(show.contains("feedback c2 score=3 \\\"(forgotten)\\\""), "\(show)")
    #expect(!show.contains(Self.comment))
  }

  // MARK: the rules of forget

  @Test func forgetIsRefusedWithTheReason() throws {
    let h = try Harness()
    h.script(Self.script + "\ndeficiency d1 \"slow replies\"")
    let count = h.eventCount
    #expect(h.run("forget company \"x\"").contains("error: 'company' is the organisation itself"))
    #expect(h.run("forget c3 \"x\"").contains("unknown party 'c3' — did you mean"))
    #expect(h.run("forget d1 \"x\"").contains("'d1' is a deficiency, not a person"))
    #expect(h.eventCount == count, "a refused forget appended")
    #expect(h.run("forget c2 \"erasure request\"").hasPrefix("@\(count + 1) SubjectForgotten c2"))
    #expect(h.run("forget c2 \"again\"").contains("error: 'c2' was forgotten at @\(count + 1)"))
    // Nothing more is recorded about them; others go on as before.
    #expect(h.run("feedback c2 score=9").contains("error: 'c2' was forgotten"))
    #expect(h.run("complain c1 about=ana").contains("ComplaintReceived"))
    #expect(h.eventCount == count + 2)
    // The typed statement, shown back as typed, until its party is forgotten.
    let show = try h.json("show @6")
    #expect(show["command"]?.stringValue == "log ana with c2 outcome=-1 \"(forgotten)\"")
    let lund = try h.json("show @2")
    #expect(lund["command"]?.stringValue == "customer c1 \"Bo Lund\"")
  }

  @Test func sealedTextsRoundTripThroughTheStatement() throws {
    let h = try Harness()
    h.script(Self.script)
    let show = try h.json("show @6")
    #expect(show["command"]?.stringValue == "log ana with c2 outcome=-1 \"apologised, \\\"twice\\\"\"")
    #expect(show["data"]?["note"]?.stringValue == "apologised, \"twice\"")
    let stored = try #require(try h.store.event("main", seq: 6))
    #expect(!stored.command.contains("twice") && !stored.data.contains("twice"))
    #expect(Sealed.parse(try #require(JSON.parse(stored.data)["note"]?.stringValue))?.party == "c2")
    // A summary clips a long text after it is revealed.
    let long = String(repeating: "x", count: 80)
    h.run("say ana \"\(long)\"")
    #expect(h.run("history last=1").contains("\"" + String(repeating: "x", count: 59) + "…\""))
    // The tactic-language count is decided before the text is sealed.
    h.run("say ana \"our service focus for this quarter\"")
    #expect(h.session.state.tally.tacticStatements == 1)
  }

  @Test func tokensAreReadStrictly() {
    let token = Sealed.token(party: "c2", ciphertext: "AbC-_9")
    let part = Sealed.parse(token)
    #expect(part?.party == "c2" && part?.ciphertext == "AbC-_9" && part?.clip == nil)
    #expect(Sealed.parse("x" + token) == nil)
    #expect(Sealed.parse("⟦C2:abc⟧") == nil, "an id is lower case")
    #expect(Sealed.parse("⟦c2:⟧") == nil)
    #expect(Sealed.parse("⟦c2:abc") == nil)
    #expect(Sealed.parse("⟦c2:a+c⟧") == nil)
    #expect(Sealed.clipped(token, to: 60) == "⟦c2:AbC-_9|60⟧")
    #expect(Sealed.replacing(in: "a ⟦ b " + token + " ⟦c:", { "<\($0.party)>" }) == "a ⟦ b <c2> ⟦c:")
    // A token whose key is absent, forgotten or wrong is never shown as text.
    let keyring = Keyring(PartyKeys(keys: ["c2": [UInt8](repeating: 1, count: 32)], forgotten: ["c3"]))
    let sealed = (try? keyring.seal("Zoë", for: "c2")) ?? ""
    #expect(keyring.reveal(sealed) == "Zoë")
    #expect(keyring.reveal(sealed.replacingOccurrences(of: "⟦c2:", with: "⟦c3:")) == "(forgotten)")
    #expect(keyring.reveal(sealed.replacingOccurrences(of: "⟦c2:", with: "⟦c4:")) == "(not available)")
    #expect(Keyring(PartyKeys(keys: ["c2": [UInt8](repeating: 2, count: 32)])).reveal(sealed) == "(unreadable)")
  }

  /// The key table is read when a key is first needed, not when a session
  /// opens: text without a sealed field needs none. A table that cannot be
  /// read fails `loadIfNeeded` (a writer's check) and leaves a reader with
  /// `(not available)`; the next need reads it again.
  @Test func theKeyTableIsReadOnFirstNeed() throws {
    final class Source: @unchecked Sendable {
      var reads = 0
      var failing = false
      let table = PartyKeys(keys: ["c2": [UInt8](repeating: 1, count: 32)], forgotten: ["c3"])
      func read() throws(StoreError) -> PartyKeys {
        reads += 1
        if failing { throw StoreError(.io, "the disk is gone") }
        return table
      }
    }
    let sealed = try Keyring(Source().table).seal("Zoë", for: "c2")
    let source = Source()
    let keyring = Keyring { () throws(StoreError) in try source.read() }
    #expect(keyring.reveal("no personal field here") == "no personal field here")
    #expect(keyring.pending.isEmpty && source.reads == 0)
    #expect(keyring.reveal(sealed) == "Zoë")
    #expect(keyring.reveal(sealed) == "Zoë" && keyring.forgotten == ["c3"] && source.reads == 1)

    let broken = Source()
    broken.failing = true
    let unread = Keyring { () throws(StoreError) in try broken.read() }
    #expect(unread.reveal(sealed) == "(not available)")
    #expect(throws: StoreError.self) { try unread.loadIfNeeded() }
    broken.failing = false
    #expect(unread.reveal(sealed) == "Zoë" && broken.reads == 3)
  }

  @Test func everySealHasItsOwnNonceAndOpens() throws {
    // The system source numbers its nonces after a random prefix: no two
    // seals under one key share one, and every length of text (each base64
    // remainder) opens back to itself.
    let keyring = Keyring()
    var seen = Set<String>()
    for length in 0..<200 {
      let text = String(repeating: "é", count: length % 7) + String(repeating: "a", count: length)
      let token = try keyring.seal(text, for: "c1")
      #expect(keyring.reveal(token) == text)
      let part = try #require(Sealed.parse(token))
      seen.insert(String(part.ciphertext.prefix(16)))  // the nonce's 12 bytes
    }
    #expect(seen.count == 200, "a nonce was used twice")
    let nonces = SystemRandom()
    #expect(nonces.nonce() != nonces.nonce())
    #expect(nonces.nonce().count == 12)
  }

  // MARK: export and import with and without keys

  @Test func exportAndImportWithKeysReproduceEveryHashAndDocument() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let a = dir + "/a.sqlite"
    #expect(try EthosProcess.run(["--store", a], stdin: Self.script + "\nforget c1 \"left us\"\n").status == 0)
    let export = try EthosProcess.run(["export", "--store", a, "--keys", dir + "/k.jsonl"])
    #expect(export.status == 0)
    try export.stdout.write(toFile: dir + "/a.jsonl", atomically: true, encoding: .utf8)
    var info = stat()
    #expect(stat(dir + "/k.jsonl", &info) == 0 && info.st_mode & 0o777 == 0o600, "the key file is not 0600")
    let keys = try String(contentsOfFile: dir + "/k.jsonl", encoding: .utf8)
    #expect(!keys.contains("\"c1\""), "a forgotten party's key was exported")
    #expect(!export.stdout.contains(Self.name), "an export holds personal data in clear")

    let b = dir + "/b.sqlite"
    let imported = try EthosProcess.run(["import", dir + "/a.jsonl", "--keys", dir + "/k.jsonl", "--store", b])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(try EthosProcess.run(["export", "--store", b]).stdout == export.stdout, "a hash changed")
    for query in ["customers all", "employees", "history", "show @4", "culture", "matrix", "who c2"] {
      let left = try EthosProcess.run(["query", query, "--store", a, "--format", "json"])
      let right = try EthosProcess.run(["query", query, "--store", b, "--format", "json"])
      #expect(left.status == 0 && left.stdout == right.stdout, "\(query) differs after the round trip")
    }
    #expect(
      try EthosProcess.run(["query", "customers all", "--store", b, "--format", "csv"]).stdout.contains(
        "c1,(forgotten)"))

    // Without keys: the same figures, no personal data.
    let c = dir + "/c.sqlite"
    #expect(try EthosProcess.run(["import", dir + "/a.jsonl", "--store", c]).status == 0)
    let customers = try EthosProcess.run(["query", "customers all", "--store", c, "--format", "csv"]).stdout
    #expect(customers.contains("c2,(not available)") && customers.contains("c1,(forgotten)"), "\(customers)")
    for query in ["culture", "matrix"] {
      #expect(
        try EthosProcess.run(["query", query, "--store", a]).stdout
          == EthosProcess.run(["query", query, "--store", c]).stdout)
    }
  }

  @Test func aKeyFileThatDoesNotMatchIsRefusedAndNothingImported() throws {
    let dir = try EthosProcess.temporaryDirectory()
    for name in ["a", "other"] {
      #expect(try EthosProcess.run(["--store", dir + "/\(name).sqlite"], stdin: Self.script).status == 0)
      let out = try EthosProcess.run(["export", "--store", dir + "/\(name).sqlite", "--keys", dir + "/\(name).keys"])
      try out.stdout.write(toFile: dir + "/\(name).jsonl", atomically: true, encoding: .utf8)
    }
    let b = dir + "/b.sqlite"
    let wrong = try EthosProcess.run(["import", dir + "/a.jsonl", "--keys", dir + "/other.keys", "--store", b])
    #expect(wrong.status == 1)
    #expect(wrong.stderr.hasPrefix("error: the key file") && wrong.stderr.contains("does not match this log"))
    #expect(wrong.stderr.split(separator: "\n").count == 1, "\(wrong.stderr)")
    #expect(!FileManager.default.fileExists(atPath: b), "a refused import left a store behind")
    // A damaged key file: named by line, nothing imported.
    try "{\"party\":\"c2\",\"key\":\"c2hvcnQ=\"}\n".write(toFile: dir + "/bad.keys", atomically: true, encoding: .utf8)
    let bad = try EthosProcess.run(["import", dir + "/a.jsonl", "--keys", dir + "/bad.keys", "--store", b])
    #expect(bad.status == 1)
    #expect(bad.stderr.hasPrefix("error: \(dir)/bad.keys:1: the key of 'c2' is not 32 bytes"), "\(bad.stderr)")
    let missing = try EthosProcess.run(["import", dir + "/a.jsonl", "--keys", dir + "/none.keys", "--store", b])
    #expect(missing.status == 1 && missing.stderr.hasPrefix("error: cannot read the key file"))
  }

  // MARK: envelope version 1, forever

  static let fixtures = Transcripts.root + "/Tests/Fixtures"

  @Test func theVersion1StoreOpensVerifiesAndFolds() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/v1.sqlite"
    // A SQLite store, named `.db` so that no working store (`*.sqlite`) is ever committed by mistake.
    try FileManager.default.copyItem(atPath: Self.fixtures + "/envelope-v1.db", toPath: store)
    #expect(try EthosProcess.run(["verify", "--store", store]).status == 0)
    // Its export is the committed one, byte for byte: every hash kept.
    let export = try EthosProcess.run(["export", "--store", store])
    #expect(export.stdout == (try String(contentsOfFile: Self.fixtures + "/envelope-v1.jsonl", encoding: .utf8)))
    let customers = try EthosProcess.run(["query", "customers all", "--store", store, "--format", "csv"]).stdout
    #expect(customers.contains("Acme Travel") && customers.contains("Zoë Ünal") && customers.contains("Ana Silva"))
    // The committed export imports into a new store (every event type checked
    // as the decider would) and folds to the same documents.
    let fresh = dir + "/fresh.sqlite"
    #expect(try EthosProcess.run(["import", Self.fixtures + "/envelope-v1.jsonl", "--store", fresh]).status == 0)
    for query in ["customers all", "employees all", "culture", "matrix", "plan", "history"] {
      #expect(
        try EthosProcess.run(["query", query, "--store", store, "--format", "json"]).stdout
          == EthosProcess.run(["query", query, "--store", fresh, "--format", "json"]).stdout, "\(query)")
    }
    // Forgetting a party of version 1 says plainly what stays in clear.
    let forget = try EthosProcess.run(["--store", store], stdin: "forget acme \"erasure request\"\n")
    #expect(forget.status == 0)
    #expect(forget.stdout.contains("cannot be erased in place"), "\(forget.stdout)")
    #expect(try EthosProcess.run(["verify", "--store", store]).status == 0)
  }

  // MARK: faults

  /// A damaged key table: verify names it (exit 1); queries go on, showing
  /// the party's data as not available and every figure as before.
  @Test func aDamagedKeyIsNamedByVerify() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/s.sqlite"
    #expect(try EthosProcess.run(["--store", store], stdin: Self.script).status == 0)
    let culture = try EthosProcess.run(["query", "culture", "--store", store]).stdout
    _ = try EthosProcess.sqlite3(store, "UPDATE party_keys SET key = x'0102' WHERE party = 'c2';")
    let verify = try EthosProcess.run(["verify", "--store", store])
    #expect(verify.status == 1)
    #expect(verify.stderr.hasPrefix("error: verify failed: the key table is damaged — the data key of c2 is not 32"))
    #expect(verify.stderr.split(separator: "\n").count == 1, "\(verify.stderr)")
    let customers = try EthosProcess.run(["query", "customers all", "--store", store, "--format", "csv"])
    #expect(customers.status == 0 && customers.stdout.contains("c2,(not available)"), "\(customers.stdout)")
    #expect(try EthosProcess.run(["query", "culture", "--store", store]).stdout == culture)
  }

  /// `forget` deletes the key and appends SubjectForgotten in one
  /// transaction: a kill leaves the key and no event, or no key and the
  /// event, never one without the other.
  @Test func aKillDuringForgetLeavesKeyAndEventTogether() throws {
    let dir = try EthosProcess.temporaryDirectory()
    var landed = 0
    for attempt in 0..<8 {
      let store = dir + "/k\(attempt).sqlite"
      #expect(try EthosProcess.run(["--store", store], stdin: Self.script).status == 0)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: EthosProcess.binary)
      process.arguments = ["--store", store]
      let input = Pipe()
      process.standardInput = input
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      input.fileHandleForWriting.write(Data("forget c2 \"erasure\"\n".utf8))
      usleep(UInt32(attempt) * 40_000)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let events = try EthosProcess.sqlite3(store, "SELECT count(*) FROM events WHERE type = 'SubjectForgotten';")
      let keys = try EthosProcess.sqlite3(store, "SELECT count(*) FROM party_keys WHERE party = 'c2';")
      let marks = try EthosProcess.sqlite3(store, "SELECT count(*) FROM forgotten_parties WHERE party = 'c2';")
      #expect(
        (events, keys, marks) == ("1\n", "0\n", "1\n") || (events, keys, marks) == ("0\n", "1\n", "0\n"),
        "after a kill at \(attempt * 40) ms: \(events) events, \(keys) keys, \(marks) marks")
      if events == "1\n" { landed += 1 }
      #expect(try EthosProcess.run(["verify", "--store", store]).status == 0)
    }
    print("forget under SIGKILL: \(landed) of 8 forgets landed before the kill")
  }

  /// A value typed as it is stored (a name, a comment without escapes) is
  /// sealed once per statement: the payload and the stored command carry
  /// the same token, and each opens to the text typed.
  @Test func aValueTypedAsStoredIsSealedOnce() throws {
    let h = try Harness()
    h.run("clock 2021-01-04", "customer c1 \"\(Self.name)\"", "feedback c1 score=3 \"\(Self.comment)\"")
    var envelopes = [Envelope]()
    try h.store.read("main", from: 1, to: 2) { envelopes.append($0) }
    #expect(envelopes.count == 2)
    for envelope in envelopes {
      let inCommand = Self.tokens(in: envelope.command)
      #expect(inCommand.count == 1, "\(envelope.command)")
      #expect(inCommand.isSubset(of: Self.tokens(in: envelope.data)), "\(envelope.type): one token for both")
    }
    #expect(try h.json("customers all")["items"]?.arrayValue?.first?["name"] == .string(Self.name))
    #expect(h.run("show @2").contains("\"\(Self.comment)\""))
  }

  /// The sealed tokens `⟦PARTY:…⟧` in `text`.
  static func tokens(in text: String) -> Set<Substring> {
    var found = Set<Substring>()
    var rest = text[...]
    while let open = rest.firstIndex(of: "⟦"), let close = rest[open...].firstIndex(of: "⟧") {
      found.insert(rest[open...close])
      rest = rest[rest.index(after: close)...]
    }
    return found
  }
}
