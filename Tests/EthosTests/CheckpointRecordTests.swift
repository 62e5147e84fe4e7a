import Crypto
import EthosDomain
import EthosStore
import Foundation
import TestSupport
import Testing

@testable import EthosCheckpoint

/// The checkpoint record (SPEC §14) as a value: its text, its parsing and
/// its signature, and the check of a checkpoint against a log on every backend.
@Suite struct CheckpointRecordTests {
  /// One signing key for the suite (its seed: a private key is not Sendable).
  static let seed = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
  static var key: Curve25519.Signing.PrivateKey {
    (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)) ?? Curve25519.Signing.PrivateKey()
  }
  static let time = Timestamp(parsing: "2021-06-01T12:00:00Z") ?? Timestamp(seconds: 0)
  static let head = Head(seq: 8, hash: String(repeating: "9a", count: 32), occurredAt: nil)

  static func sample() throws -> Checkpoint {
    try Checkpoint.signed(
      log: String(repeating: "5d", count: 32), branch: "main", head: head, time: time, key: key)
  }

  @Test func theTextIsTheDocumentedFormat() throws {
    let checkpoint = try Self.sample()
    let lines = checkpoint.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.count == 9)
    #expect(lines[0] == "ethos checkpoint v1")
    #expect(lines[1] == "log: " + String(repeating: "5d", count: 32))
    #expect(lines[2] == "branch: main")
    #expect(lines[3] == "seq: 8")
    #expect(lines[4] == "hash: " + String(repeating: "9a", count: 32))
    #expect(lines[5] == "time: 2021-06-01T12:00:00Z")
    #expect(lines[6] == "public-key: " + Hex.encode(Array(Self.key.publicKey.rawRepresentation)))
    #expect(lines[7].hasPrefix("signature: ") && lines[7].count == 11 + 128)
    #expect(lines[8] == "")
    #expect(checkpoint.text.hasPrefix(checkpoint.content))
  }

  @Test func aRecordReadsBackAndItsSignatureVerifies() throws {
    let checkpoint = try Self.sample()
    let read = try Checkpoint.parse(Array(checkpoint.text.utf8), name: "cp.txt")
    #expect(read == checkpoint)
    #expect(read.signatureIsValid)
    #expect(read.signerFingerprint.count == 16)
  }

  /// What mail, tickets and editors do to text.
  enum Mangling: String, CaseIterable, Sendable {
    case crlf, cr, byteOrderMark, commentsAndBlankLines, spacesAroundValues, noFinalLineFeed, upperCaseHex
    case fieldsInAnotherOrder

    func apply(_ text: String) -> String {
      switch self {
      case .crlf: return text.replacingOccurrences(of: "\n", with: "\r\n")
      case .cr: return text.replacingOccurrences(of: "\n", with: "\r")
      case .byteOrderMark: return "\u{FEFF}" + text
      case .commentsAndBlankLines: return "# taken before the audit\n\n" + text + "\n# end\n"
      case .spacesAroundValues: return text.replacingOccurrences(of: ": ", with: " :   ")
      case .noFinalLineFeed: return String(text.dropLast())
      case .upperCaseHex:
        return text.split(separator: "\n").map { line in
          ["log: ", "hash: ", "public-key: ", "signature: "].contains { line.hasPrefix($0) }
            ? line.uppercased().lowercasedField : String(line)
        }.joined(separator: "\n")
      case .fieldsInAnotherOrder:
        var lines = text.split(separator: "\n").map(String.init)
        lines[1...].reverse()
        return lines.joined(separator: "\n")
      }
    }
  }

  /// None of it breaks a record.
  @Test(arguments: Mangling.allCases)
  func harmlessChangesKeepTheSignature(_ change: Mangling) throws {
    let checkpoint = try Self.sample()
    let read = try Checkpoint.parse(Array(change.apply(checkpoint.text).utf8), name: "cp.txt")
    #expect(read == checkpoint)
    #expect(read.signatureIsValid)
  }

  /// A record whose value was changed after signing keeps its shape and
  /// loses its signature: that is what a forged checkpoint looks like.
  @Test(arguments: [
    ("log: 5d", "log: 4d"), ("branch: main", "branch: mainx"), ("seq: 8", "seq: 7"), ("hash: 9a", "hash: 9b"),
    ("time: 2021-06-01T12:00:00Z", "time: 2021-06-01T12:00:01Z"),
  ])
  func anEditedValueBreaksTheSignature(_ from: String, _ to: String) throws {
    let text = try Self.sample().text
    #expect(text.contains(from))
    let read = try Checkpoint.parse(
      Array(text.replacingOccurrences(of: from, with: to).utf8), name: "cp.txt")
    #expect(!read.signatureIsValid)
  }

  @Test func anotherKeyOrAnotherSignatureDoesNotVerify() throws {
    var checkpoint = try Self.sample()
    // The key swapped for another's: the signature is not theirs.
    checkpoint.publicKey = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
    #expect(!checkpoint.signatureIsValid)
    // A signature byte flipped.
    checkpoint = try Self.sample()
    checkpoint.signature[10] ^= 0x01
    #expect(!checkpoint.signatureIsValid)
    // Not a point on the curve at all: invalid, no crash.
    checkpoint.publicKey = [UInt8](repeating: 0xFF, count: 32)
    #expect(!checkpoint.signatureIsValid)
  }

  static let good: String = (try? sample().text) ?? ""

  /// Every way a file can fail to be a checkpoint, and the one line it gets.
  static var malformedFiles: [(String, String)] {
    let good = CheckpointRecordTests.good
    func replacing(_ from: String, _ to: String) -> String { good.replacingOccurrences(of: from, with: to) }
    var cases: [(String, String)] = []
    cases.append(("", "is empty"))
    cases.append(("  \n\r\n", "is empty"))
    cases.append(("hello\u{0}world", "is not text (it holds control bytes)"))
    cases.append(("ethos checkpoint v1\n\u{1B}[31m", "is not text (it holds control bytes)"))
    cases.append(("just some words", "does not start with 'ethos checkpoint v1' (line 1) — is it a checkpoint?"))
    cases.append(("ethos checkpoint v2\nlog: 00", "is a checkpoint of format v2; this ethos reads v1"))
    cases.append(("ethos checkpoint v1\nlog 5d\n", "line 2 is not 'field: value'"))
    cases.append(
      (
        "ethos checkpoint v1\nlog: 5d\ncolour: blue\n",
        "line 3 has an unknown field 'colour' (a checkpoint has log, branch, seq, hash, time, public-key, signature)"
      ))
    cases.append(("ethos checkpoint v1\nseq: 1\nseq: 2\n", "has two 'seq' lines (2 and 3)"))
    cases.append(
      (
        "ethos checkpoint v1\n",
        "has no 'log', 'branch', 'seq', 'hash', 'time', 'public-key', 'signature' lines (cut short?)"
      ))
    cases.append(
      (good.split(separator: "\n").dropLast().joined(separator: "\n"), "has no 'signature' line (cut short?)"))
    for bad in ["eight", "0", "08", "-1", "99999999999999999999999"] {
      cases.append(
        (replacing("seq: 8", "seq: \(bad)"), "line 4: 'seq' must be a whole number from 1 up (got '\(bad)')"))
    }
    cases.append((replacing("hash: 9a", "hash: zz"), "line 5: 'hash' must be 64 hex digits"))
    cases.append((replacing("log: 5d", "log: 5"), "line 2: 'log' must be 64 hex digits"))
    cases.append((replacing("branch: main", "branch:"), "line 3: 'branch' must name a branch"))
    cases.append(
      (replacing("2021-06-01T12:00:00Z", "yesterday"), "line 6: 'time' must be a time like 2021-06-01T12:00:00Z"))
    cases.append((replacing("signature: ", "signature: 00"), "line 8: 'signature' must be 128 hex digits"))
    return cases
  }

  @Test(arguments: malformedFiles)
  func aMalformedFileGetsOneLineNamingTheProblem(_ text: String, _ problem: String) {
    #expect(throws: CheckpointError.malformed("cp.txt", problem)) {
      try Checkpoint.parse(Array(text.utf8), name: "cp.txt")
    }
  }

  @Test func aHugeFileIsNotReadAsACheckpoint() {
    #expect(throws: CheckpointError.malformed("cp.txt", "is too large to be a checkpoint")) {
      try Checkpoint.parse(Array(String(repeating: "# padding\n", count: 7000).utf8), name: "cp.txt")
    }
  }

  @Test func bytesThatAreNotUTF8AreNotText() {
    #expect(throws: CheckpointError.malformed("cp.txt", "is not text (it is not UTF-8)")) {
      try Checkpoint.parse(Array("ethos checkpoint v1\n".utf8) + [0xC3, 0x28, 0xFF], name: "cp.txt")
    }
  }

  /// Any truncation and any one-byte change of a record is refused or fails
  /// its signature: never accepted, never a crash.
  @Test func noTruncationOrFlippedByteIsAccepted() throws {
    let bytes = Array(try Self.sample().text.utf8)
    let content = try Self.sample().content.utf8.count
    for length in 0..<bytes.count - 1 {
      let read = try? Checkpoint.parse(Array(bytes[..<length]), name: "cp.txt")
      #expect(read == nil || read?.signatureIsValid == false, "cut at \(length)")
    }
    var generator = SystemRandomNumberGenerator()
    for index in 0..<bytes.count {
      var changed = bytes
      changed[index] ^= UInt8.random(in: 1...255, using: &generator)
      guard let read = try? Checkpoint.parse(changed, name: "cp.txt") else { continue }
      // Only changes a reader ignores (the case of a hex digit, spacing) may still verify.
      if read.signatureIsValid {
        #expect(read == (try Self.sample()), "byte \(index) of \(content) changed and still verifies")
      }
    }
  }

  // MARK: the check against a log, on every backend

  /// A checkpoint of a five-event log, checked against logs that hold it,
  /// lost its end, rewrote its end or are another log altogether.
  @Test(arguments: StoreConformanceTests.backends)
  func aCheckpointHoldsOnlyOnTheLogItWasTakenOf(_ backend: StoreConformanceTests.Backend) throws {
    let original = try backend.make()
    try original.append(StoreConformance.pending(5), to: "main", expectedHead: 0)
    let checkpoint = try Checkpoint.take(original, branch: "main", time: Self.time) { Self.key }
    #expect(checkpoint.seq == 5)
    #expect(checkpoint.log == (try original.event("main", seq: 1))?.hash)
    let holds = try checkpoint.check(original, name: "cp.txt")
    #expect(holds.hasPrefix("ok: checkpoint 'cp.txt' holds: branch 'main' still has event @5 with hash "))
    #expect(holds.hasSuffix("(the branch still ends there)"))

    // The same log, grown since: still holds.
    try original.append(StoreConformance.pending(2, start: 5), to: "main", expectedHead: 5)
    #expect(try checkpoint.check(original, name: "cp.txt").hasSuffix("(2 events appended since)"))

    // The same first three events and nothing after: cut short.
    let short = try backend.make()
    try short.append(StoreConformance.pending(3), to: "main", expectedHead: 0)
    #expect(
      throws: CheckpointError.cutShort("cp.txt", seq: 5, branch: "main", head: 3)
    ) { try checkpoint.check(short, name: "cp.txt") }

    // The same first three events, then others: @5 was rewritten.
    let rewritten = try backend.make()
    try rewritten.append(StoreConformance.pending(3), to: "main", expectedHead: 0)
    try rewritten.append(StoreConformance.pending(2, start: 30), to: "main", expectedHead: 3)
    let found = try #require(try rewritten.event("main", seq: 5)).hash
    #expect(
      throws: CheckpointError.rewritten("cp.txt", seq: 5, expected: checkpoint.hash, found: found)
    ) { try checkpoint.check(rewritten, name: "cp.txt") }

    // Another log: its @1 differs.
    let other = try backend.make()
    try other.append(StoreConformance.pending(6, start: 100), to: "main", expectedHead: 0)
    let otherFirst = try #require(try other.event("main", seq: 1)).hash
    #expect(
      throws: CheckpointError.anotherLog("cp.txt", expected: checkpoint.log, found: otherFirst)
    ) { try checkpoint.check(other, name: "cp.txt") }

    // An empty log: everything was cut.
    #expect(throws: CheckpointError.cutShort("cp.txt", seq: 5, branch: "main", head: 0)) {
      try checkpoint.check(try backend.make(), name: "cp.txt")
    }

    // Nothing to sign on an empty branch.
    #expect(throws: CheckpointError.emptyBranch("main")) {
      try Checkpoint.take(try backend.make(), branch: "main", time: Self.time) { Self.key }
    }
  }

  /// A branch's checkpoint is checked on that branch, which shares the
  /// log's @1 with its parent.
  @Test(arguments: StoreConformanceTests.backends)
  func aBranchCheckpointNamesItsBranch(_ backend: StoreConformanceTests.Backend) throws {
    let store = try backend.make()
    try store.append(StoreConformance.pending(3), to: "main", expectedHead: 0)
    try store.createBranch("b", from: "main", at: 2)
    try store.append(StoreConformance.pending(2, start: 50), to: "b", expectedHead: 2)
    let checkpoint = try Checkpoint.take(store, branch: "b", time: Self.time) { Self.key }
    #expect(checkpoint.branch == "b")
    #expect(checkpoint.seq == 4)
    #expect(checkpoint.log == (try store.event("main", seq: 1))?.hash)
    #expect(try checkpoint.check(store, name: "cp.txt").contains("branch 'b' still has event @4"))
    // A log without branch b, but the same @1: the branch is gone.
    let trunk = try backend.make()
    try trunk.append(StoreConformance.pending(3), to: "main", expectedHead: 0)
    #expect(throws: CheckpointError.unknownBranch("cp.txt", "b")) { try checkpoint.check(trunk, name: "cp.txt") }
  }

  @Test func aTrustedSignerIsRequiredWhenNamed() throws {
    let store = MemoryStore()
    try store.append(StoreConformance.pending(2), to: "main", expectedHead: 0)
    let checkpoint = try Checkpoint.take(store, branch: "main", time: Self.time) { Self.key }
    let mine = Array(Self.key.publicKey.rawRepresentation)
    #expect(try checkpoint.check(store, name: "cp.txt", trustedSigner: mine).hasPrefix("ok: "))
    let someoneElse = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
    #expect(
      throws: CheckpointError.untrustedSigner(
        "cp.txt", signer: checkpoint.signerFingerprint, trusted: Checkpoint.fingerprint(of: someoneElse))
    ) { try checkpoint.check(store, name: "cp.txt", trustedSigner: someoneElse) }
    #expect(try Checkpoint.publicKey(hex: Hex.encode(mine)) == mine)
    #expect(throws: CheckpointError.badSigner) { try Checkpoint.publicKey(hex: "abc") }
  }

  // MARK: key files

  @Test(arguments: [
    ("", "is not an ethos signing key (it does not start with 'ethos signing key v1')"),
    (
      "-----BEGIN OPENSSH PRIVATE KEY-----\n",
      "is not an ethos signing key (it does not start with 'ethos signing key v1')"
    ),
    ("ethos signing key v1\n", "is malformed: its 'private-key' line must hold 64 hex digits"),
    ("ethos signing key v1\nprivate-key: abcd\n", "is malformed: its 'private-key' line must hold 64 hex digits"),
    ("ethos signing key v1\nprivate-key\n", "is malformed: 'private-key' is not 'field: value'"),
    ("ethos signing key v1\nowner: me\n", "is malformed: unexpected line 'owner: me'"),
    (
      "ethos signing key v1\nprivate-key: \(String(repeating: "11", count: 32))\npublic-key: \(String(repeating: "22", count: 32))\n",
      "is malformed: its 'public-key' line does not match its private key"
    ),
  ])
  func aMalformedKeyFileIsNamed(_ text: String, _ problem: String) {
    #expect(throws: CheckpointError.keyMalformed("k", problem)) { try SigningKey.parse(Array(text.utf8), path: "k") }
  }

  @Test func aKeyFileReadsBack() throws {
    let key = Curve25519.Signing.PrivateKey()
    let read = try SigningKey.parse(Array(SigningKey.text(of: key).utf8), path: "k")
    #expect(read.rawRepresentation == key.rawRepresentation)
    #expect(throws: CheckpointError.keyMalformed("k", "is not an ethos signing key (it is not text)")) {
      try SigningKey.parse([0xFF, 0xFE, 0x00], path: "k")
    }
  }

  @Test func theKeyLocationFollowsOptionThenEnvironmentThenHome() throws {
    #expect(try SigningKey.location(option: "a", environment: "b", home: "/h") == ("a", SigningKey.Source.option))
    #expect(try SigningKey.location(option: nil, environment: "b", home: "/h") == ("b", SigningKey.Source.environment))
    #expect(
      try SigningKey.location(option: nil, environment: "", home: "/h/") == (
        "/h/.config/ethos/signing.key", SigningKey.Source.defaultLocation
      ))
    #expect(throws: CheckpointError.noHome) { try SigningKey.location(option: nil, environment: nil, home: nil) }
    // A key pasted into the variable instead of a path is refused, not echoed in a "no such file" message.
    let key = Hex.encode(Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    for value in [key, key.uppercased(), SigningKey.text(of: Self.key)] {
      #expect(throws: CheckpointError.keyInEnvironment) {
        try SigningKey.location(option: nil, environment: value, home: "/h")
      }
    }
  }
}

extension String {
  /// `LOG: ABC…` → `log: ABC…`: the field name back in lower case.
  fileprivate var lowercasedField: String {
    guard let colon = firstIndex(of: ":") else { return self }
    return self[..<colon].lowercased() + self[colon...]
  }
}
