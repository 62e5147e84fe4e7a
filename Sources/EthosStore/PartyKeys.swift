import Crypto
import EthosDomain
import EthosJSON
import Foundation

/// The key table (SPEC §13): one random data key per party, kept outside
/// the event log, and the parties whose key was destroyed by `forget`.
public struct PartyKeys: Sendable, Equatable {
  /// Party id to its 32-byte AES-256 key.
  public var keys: [String: [UInt8]]
  public var forgotten: Set<String>

  public init(keys: [String: [UInt8]] = [:], forgotten: Set<String> = []) {
    self.keys = keys
    self.forgotten = forgotten
  }

  /// Bytes in a data key (AES-256).
  public static let keyLength = 32
}

/// What one write changes in the key table, in the transaction of its events.
public struct KeyChange: Sendable, Equatable {
  /// New keys: stored unless the party already has one (the same one is
  /// fine; another is a conflict, so the writer reloads and seals again).
  public var added: [String: [UInt8]]
  /// Parties whose key is destroyed now, for good.
  public var forgotten: [String]

  public init(added: [String: [UInt8]] = [:], forgotten: [String] = []) {
    self.added = added
    self.forgotten = forgotten
  }

  public var isEmpty: Bool { added.isEmpty && forgotten.isEmpty }

  public static let none = KeyChange()

  /// Checks `self` against the table as it stands: the parties it adds keys
  /// for that already hold another key (a conflict), or the error when one
  /// of them was forgotten.
  public func check(against current: PartyKeys) throws(StoreError) -> Bool {
    var clash = false
    for (party, key) in added {
      if current.forgotten.contains(party) {
        throw StoreError.forgottenParty(party)
      }
      if let existing = current.keys[party], existing != key { clash = true }
    }
    return clash
  }
}

/// Where new keys and nonces come from: the system's CSPRNG, or a seeded
/// sequence in tests (golden transcripts show hashes, which cover ciphertext).
public protocol RandomSource: AnyObject {
  func bytes(_ count: Int) -> [UInt8]
  /// A 96-bit AES-GCM nonce never used before with any key this source seals
  /// under. By default 12 fresh bytes of `bytes(_:)`.
  func nonce() -> [UInt8]
}

extension RandomSource {
  public func nonce() -> [UInt8] { bytes(12) }
}

/// The operating system's cryptographically secure generator.
public final class SystemRandom: RandomSource {
  /// This source's nonces: a random 64-bit prefix and a 32-bit counter.
  private var noncePrefix: UInt64 = 0
  private var nonceCount: UInt32 = 0

  public init() {}

  public func bytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var out = [UInt8]()
    out.reserveCapacity(count + 8)
    while out.count < count {
      withUnsafeBytes(of: generator.next()) { out.append(contentsOf: $0) }
    }
    return Array(out.prefix(count))
  }

  /// AES-GCM needs a nonce that is unique per key, not one that is
  /// unpredictable (NIST SP 800-38D §8.2.1, the deterministic construction):
  /// a random 64-bit prefix drawn once per source (a fresh one every 2³²
  /// nonces) followed by a counter. Within a process no two nonces are equal;
  /// two processes sealing under one party's key collide only if they draw
  /// the same prefix (about n²/2⁶⁵ for n processes). It saves a system call
  /// per sealed field, which on an import is most of a field's cost.
  /// (Data keys stay 32 bytes straight from the system's CSPRNG.)
  public func nonce() -> [UInt8] {
    if nonceCount == 0 {
      var generator = SystemRandomNumberGenerator()
      noncePrefix = generator.next()
    }
    var nonce = [UInt8](repeating: 0, count: 12)
    withUnsafeBytes(of: noncePrefix.littleEndian) { nonce.replaceSubrange(0..<8, with: $0) }
    withUnsafeBytes(of: nonceCount.bigEndian) { nonce.replaceSubrange(8..<12, with: $0) }
    nonceCount &+= 1
    return nonce
  }
}

/// Seals personal fields under their party's key and reveals them again
/// (SPEC §13): AES-256-GCM with a random 96-bit nonce, the party id as
/// associated data (a token moved to another party does not open).
public final class Keyring {
  /// The keys known: the store's table once read, and keys made here.
  public var keys: [String: SymmetricKey] {
    loadQuietly()
    return known
  }
  public var forgotten: Set<String> {
    loadQuietly()
    return forgottenParties
  }
  /// Keys made by this session and not yet stored.
  public private(set) var pending: [String: [UInt8]] = [:]
  /// Keys whose bytes are not a usable key (a damaged key table).
  public var damaged: Set<String> {
    loadQuietly()
    return damagedParties
  }
  let random: any RandomSource
  private var known: [String: SymmetricKey] = [:]
  private var forgottenParties: Set<String> = []
  private var damagedParties: Set<String> = []
  /// Reads the store's table, until it has been read once (`load` clears it).
  private var source: (() throws(StoreError) -> PartyKeys)?

  public init(_ table: PartyKeys = PartyKeys(), random: any RandomSource = SystemRandom()) {
    self.random = random
    load(table)
  }

  /// A keyring that reads its table from `source` when it first needs a key.
  /// Most commands never do (a `matrix`, a `culture`, the log's integrity):
  /// the 2,220 keys of the 100k workload were 10 M of the 125 M instructions
  /// of a `query matrix`. Read later rather than at open, it is only fresher.
  public init(random: any RandomSource = SystemRandom(), loading source: @escaping () throws(StoreError) -> PartyKeys) {
    self.random = random
    self.source = source
  }

  /// Reads the table now if it has not been read: a writer calls it before
  /// sealing so that a table that cannot be read fails the write, as it
  /// would have failed the open.
  public func loadIfNeeded() throws(StoreError) {
    guard let source else { return }
    load(try source())
  }

  /// Reads the table if it has not been read. One that cannot be read now
  /// leaves every party without a key here (shown `(not available)`, as
  /// after an import without `--keys`), and is tried again at the next need.
  private func loadQuietly() {
    guard source != nil else { return }
    try? loadIfNeeded()
  }

  /// Replaces what is known with the store's table (keys made but not yet
  /// stored are kept).
  public func load(_ table: PartyKeys) {
    source = nil
    known = [:]
    damagedParties = []
    for (party, bytes) in table.keys {
      if bytes.count == PartyKeys.keyLength {
        known[party] = SymmetricKey(data: bytes)
      } else {
        damagedParties.insert(party)
      }
    }
    forgottenParties = table.forgotten
    for party in pending.keys where known[party] == nil && !forgottenParties.contains(party) {
      known[party] = SymmetricKey(data: pending[party]!)
    }
  }

  public func hasKey(_ party: String) -> Bool { keys[party] != nil }

  /// Makes a key for `party` (held as pending until `stored()`).
  func makeKey(_ party: String) -> SymmetricKey {
    let bytes = random.bytes(PartyKeys.keyLength)
    pending[party] = bytes
    let key = SymmetricKey(data: bytes)
    known[party] = key
    return key
  }

  /// The pending keys have been stored (or dropped with their write).
  public func stored() { pending = [:] }

  /// Holds `added` as pending again: the write that was to store them did
  /// not land, and its events go out again with the next write.
  public func pend(_ added: [String: [UInt8]]) {
    loadQuietly()
    for (party, bytes) in added where !forgottenParties.contains(party) {
      pending[party] = bytes
      known[party] = SymmetricKey(data: bytes)
    }
  }

  /// Drops pending keys (their write was rolled back). (A key is pending
  /// only once the table was read: `seal` and `pend` read it first.)
  public func discardPending() {
    for party in pending.keys { known[party] = nil }
    pending = [:]
  }

  /// `party`'s key is gone for good.
  public func forget(_ party: String) {
    loadQuietly()
    known[party] = nil
    pending[party] = nil
    forgottenParties.insert(party)
  }

  /// `text` sealed under `party`'s key (made now if it has none). Throws
  /// when the party was forgotten.
  public func seal(_ text: String, for party: String) throws(StoreError) -> String {
    loadQuietly()
    if forgottenParties.contains(party) {
      throw StoreError.forgottenParty(party)
    }
    let key = known[party] ?? makeKey(party)
    let nonce: AES.GCM.Nonce
    do { nonce = try AES.GCM.Nonce(data: random.nonce()) } catch { preconditionFailure("a 12-byte nonce") }
    guard let box = try? AES.GCM.seal(Array(text.utf8), using: key, nonce: nonce, authenticating: Array(party.utf8)),
      let combined = box.combined
    else { preconditionFailure("AES-GCM sealing cannot fail with a 32-byte key and a 12-byte nonce") }
    // `Sealed.token(party:ciphertext:)` written straight into one buffer: an
    // import seals a few hundred thousand fields, and the intermediate
    // strings cost more than the encryption.
    var token = [UInt8]()
    token.reserveCapacity(party.utf8.count + combined.count * 4 / 3 + 12)
    token.append(contentsOf: Sealed.open.utf8)
    token.append(contentsOf: party.utf8)
    token.append(UInt8(ascii: ":"))
    combined.withUnsafeBytes { Keyring.appendBase64URL($0, to: &token) }
    token.append(contentsOf: Sealed.close.utf8)
    return String(decoding: token, as: UTF8.self)
  }

  /// What a reader sees of a sealed field.
  public enum Reading: Sendable, Equatable {
    case text(String)
    /// The party's key was destroyed by `forget`.
    case forgotten
    /// No key for it here (a copy imported without `--keys`).
    case unavailable
    /// The key does not open it (damaged, or another log's key).
    case unreadable
  }

  public func open(_ part: Sealed.Part) -> Reading {
    loadQuietly()
    if forgottenParties.contains(part.party) { return .forgotten }
    guard let key = known[part.party] else { return .unavailable }
    guard let combined = Keyring.unbase64URL(part.ciphertext),
      let box = try? AES.GCM.SealedBox(combined: combined),
      let plain = try? AES.GCM.open(box, using: key, authenticating: Array(part.party.utf8))
    else { return .unreadable }
    return .text(String(decoding: plain, as: UTF8.self))
  }

  /// `text` with every sealed field shown: its plaintext, or `(forgotten)`,
  /// `(not available)` or `(unreadable)`.
  public func reveal(_ text: String) -> String {
    Sealed.replacing(in: text) { part in
      var shown: String
      switch open(part) {
      case .text(let plain): shown = plain
      case .forgotten: shown = "(forgotten)"
      case .unavailable: shown = "(not available)"
      case .unreadable: shown = "(unreadable)"
      }
      if let limit = part.clip, shown.count > limit { shown = String(shown.prefix(limit - 1)) + "…" }
      return shown
    }
  }

  /// A document with every sealed field shown (see `reveal(_:)`).
  public func reveal(_ json: JSON) -> JSON {
    switch json {
    case .string(let text): return Sealed.contains(text) ? .string(reveal(text)) : json
    case .array(let items): return .array(items.map(reveal))
    case .object(let object):
      return .object(JSONObject(object.pairs.map { ($0.key, reveal($0.value)) }))
    default: return json
    }
  }

  /// Whether `party`'s key opens `token` (an import's `--keys` check).
  public func opens(_ token: String) -> Bool {
    guard let part = Sealed.parse(token), case .text = open(part) else { return false }
    return true
  }

  /// Base64url without padding, byte by byte: Foundation's string search
  /// and replace cost more than the sealing itself on an import.
  static func base64URL(_ bytes: Data) -> String {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 4 / 3 + 4)
    bytes.withUnsafeBytes { appendBase64URL($0, to: &out) }
    return String(decoding: out, as: UTF8.self)
  }

  private static let base64URLAlphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// Appends `bytes` in base64url without padding (RFC 4648 §5).
  static func appendBase64URL(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
    base64URLAlphabet.withUnsafeBufferPointer { alphabet in
      var index = 0
      while index + 3 <= bytes.count {
        let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
        out.append(alphabet[Int(group >> 18)])
        out.append(alphabet[Int(group >> 12 & 0x3F)])
        out.append(alphabet[Int(group >> 6 & 0x3F)])
        out.append(alphabet[Int(group & 0x3F)])
        index += 3
      }
      switch bytes.count - index {
      case 1:
        let group = UInt32(bytes[index]) << 16
        out.append(alphabet[Int(group >> 18)])
        out.append(alphabet[Int(group >> 12 & 0x3F)])
      case 2:
        let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
        out.append(alphabet[Int(group >> 18)])
        out.append(alphabet[Int(group >> 12 & 0x3F)])
        out.append(alphabet[Int(group >> 6 & 0x3F)])
      default:
        break
      }
    }
  }

  static func unbase64URL(_ text: String) -> Data? {
    var base = [UInt8]()
    base.reserveCapacity(text.utf8.count + 3)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "-"): base.append(UInt8(ascii: "+"))
      case UInt8(ascii: "_"): base.append(UInt8(ascii: "/"))
      default: base.append(byte)
      }
    }
    while base.count % 4 != 0 { base.append(UInt8(ascii: "=")) }
    return Data(base64Encoded: Data(base))
  }
}
