import EthosDomain

/// Where a branch ends: its last event's seq, hash and time.
public struct Head: Sendable, Equatable {
  public var seq: Int
  public var hash: String
  public var occurredAt: Timestamp?

  public init(seq: Int, hash: String, occurredAt: Timestamp?) {
    self.seq = seq
    self.hash = hash
    self.occurredAt = occurredAt
  }

  public static let empty = Head(seq: 0, hash: Envelope.genesisHash, occurredAt: nil)
}

/// A line of history: `main`, or a what-if branch forked from another at a seq.
public struct BranchInfo: Sendable, Equatable {
  public var name: String
  public var parent: String?
  /// The last seq shared with the parent (0 for `main`).
  public var forkSeq: Int
  public var head: Int

  public init(name: String, parent: String?, forkSeq: Int, head: Int) {
    self.name = name
    self.parent = parent
    self.forkSeq = forkSeq
    self.head = head
  }

  /// Events this branch holds of its own.
  public var ownEvents: Int { head - forkSeq }
}

/// The durable, append-only, hash-chained log (SPEC §7).
///
/// Implementations: ``MemoryStore`` for tests and `:memory:` sessions,
/// ``SQLiteStore`` as the embedded default. All share one conformance suite.
public protocol EventStore: AnyObject {
  /// Where the store lives, for banners and messages.
  var location: String { get }

  func head(of branch: String) throws(StoreError) -> Head
  func branches() throws(StoreError) -> [BranchInfo]
  /// Creates `name` sharing `parent`'s history up to `seq` (no copy).
  func createBranch(_ name: String, from parent: String, at seq: Int) throws(StoreError)

  /// Appends `events` atomically after `expectedHead`, with `keys`'s change
  /// to the key table in the same transaction, or throws
  /// ``StoreError/Code/conflict`` when the branch head has moved or a key
  /// added is already held, different, by its party (then reload the keys
  /// and seal again), and ``StoreError/Code/invalid`` when a key is added
  /// for a forgotten party.
  @discardableResult
  func append(
    _ events: [PendingEvent], to branch: String, expectedHead: Int, keys: KeyChange
  ) throws(StoreError) -> [Envelope]

  /// The key table (SPEC §13).
  func partyKeys() throws(StoreError) -> PartyKeys

  /// Changes the key table alone (an import's `--keys`, its forgotten
  /// parties): ``StoreError/Code/invalid`` when a key added clashes with one
  /// held or names a forgotten party, and nothing changes.
  func changeKeys(_ change: KeyChange) throws(StoreError)

  /// Appends envelopes sealed elsewhere (an import) exactly as they are —
  /// same seqs, hashes, times and origins — atomically after `expectedHead`.
  /// Throws ``StoreError/Code/conflict`` when the head has moved, and
  /// ``StoreError/Code/invalid`` when they do not continue the branch's chain.
  func appendSealed(_ envelopes: [Envelope], to branch: String, expectedHead: Int) throws(StoreError)

  /// ``appendSealed(_:to:expectedHead:)`` with the envelopes pulled one at a
  /// time from `next` (`nil` ends them), all in one transaction: an import of
  /// a million events never holds them all in memory.
  func appendSealed(
    to branch: String, expectedHead: Int, from next: () throws(StoreError) -> Envelope?
  ) throws(StoreError)

  /// Calls `body` with every event of `branch` with `from <= seq <= to`, in order.
  func read(
    _ branch: String, from: Int, to: Int, _ body: (Envelope) throws -> Void
  ) throws(StoreError)

  /// Calls `body` with the fields a projection fold needs of every event of
  /// `branch` with `from <= seq <= to`, in order: no hashes or metadata, and
  /// the payload as raw UTF-8 (valid only during the call).
  func fold(_ branch: String, from: Int, to: Int, _ body: (FoldRow) throws -> Void) throws(StoreError)

  /// Calls `body` with every event of `branch` whose envelope `type` is
  /// `type`, with `from <= seq <= to`, in order: a read by the envelope
  /// alone, never its payload. A backend may serve it from an index.
  func read(
    _ branch: String, type: String, from: Int, to: Int, _ body: (Envelope) throws -> Void
  ) throws(StoreError)

  /// Projection snapshots: a cache, tagged with a projection version.
  func loadSnapshot(_ branch: String, atOrBefore seq: Int, version: Int) throws(StoreError) -> (
    seq: Int, data: [UInt8]
  )?
  func saveSnapshot(_ branch: String, seq: Int, version: Int, data: [UInt8]) throws(StoreError)

  /// Compares where `branch` ends with the head the store recorded at its
  /// last append, apart from the events: why they differ, or `nil` (also when
  /// the store keeps no such record). Shows events cut from the end of the
  /// chain, which the chain itself cannot show. Both are read at one moment.
  func recordedHeadBreak(of branch: String) throws(StoreError) -> ChainBreak?

  /// Who recorded the events of `branch` with `from <= seq <= to`: each
  /// actor once, in the order they first appear (the REPL's catch-up line).
  func actors(_ branch: String, from: Int, to: Int) throws(StoreError) -> [String]

  /// Why this store takes no writes at all (a read-only PostgreSQL hot
  /// standby), or `nil`: the engine refuses a write before deciding it.
  var writeRefusal: StoreError? { get }

  /// Runs `body` while no other writer can append to `branch`, and returns
  /// `true`; reads and appends in `body` see and join that hold, and its
  /// appends commit when `body` returns. A writer beaten by another decides
  /// again inside it and cannot be beaten twice, however busy the branch.
  /// Returns `false` without running `body` when the store cannot hold a
  /// branch (the caller retries optimistically).
  func whileHoldingHead(of branch: String, _ body: () throws -> Void) throws -> Bool
}

extension EventStore {
  public func recordedHeadBreak(of branch: String) throws(StoreError) -> ChainBreak? { nil }

  /// Appends `events` leaving the key table as it is.
  @discardableResult
  public func append(_ events: [PendingEvent], to branch: String, expectedHead: Int) throws(StoreError) -> [Envelope] {
    try append(events, to: branch, expectedHead: expectedHead, keys: .none)
  }

  public var writeRefusal: StoreError? { nil }

  public func whileHoldingHead(of branch: String, _ body: () throws -> Void) throws -> Bool { false }

  /// Reads the envelopes (stores in memory; SQL stores ask the database).
  public func actors(_ branch: String, from: Int, to: Int) throws(StoreError) -> [String] {
    var seen = Set<String>()
    var result = [String]()
    try read(branch, from: from, to: to) { envelope in
      if seen.insert(envelope.actor).inserted { result.append(envelope.actor) }
    }
    return result
  }

  /// Collects the envelopes, then appends them at once (for stores in memory).
  public func appendSealed(
    to branch: String, expectedHead: Int, from next: () throws(StoreError) -> Envelope?
  ) throws(StoreError) {
    var envelopes = [Envelope]()
    while let envelope = try next() { envelopes.append(envelope) }
    try appendSealed(envelopes, to: branch, expectedHead: expectedHead)
  }

  /// Reads the range and keeps the events of `type` (stores in memory).
  public func read(
    _ branch: String, type: String, from: Int, to: Int, _ body: (Envelope) throws -> Void
  ) throws(StoreError) {
    try read(branch, from: from, to: to) { envelope in
      if envelope.type == type { try body(envelope) }
    }
  }

  /// One event of `branch`, or `nil`.
  public func event(_ branch: String, seq: Int) throws(StoreError) -> Envelope? {
    var found: Envelope?
    try read(branch, from: seq, to: seq) { found = $0 }
    return found
  }

  /// The last seq whose `occurredAt` is at or before `time` (0 if none).
  /// Log order is time order (SPEC §3.2), so this is a binary search.
  public func seq(atOrBefore time: Timestamp, on branch: String) throws(StoreError) -> Int {
    var low = 0
    var high = try head(of: branch).seq
    while low < high {
      let mid = (low + high + 1) / 2
      guard let event = try event(branch, seq: mid) else { return low }
      if event.occurredAt <= time { low = mid } else { high = mid - 1 }
    }
    return low
  }

  public func branch(_ name: String) throws(StoreError) -> BranchInfo? {
    try branches().first { $0.name == name }
  }

  /// Recomputes the hash chain of `branch`; the first event that does not
  /// match, with why, or `nil` when every event chains.
  public func verify(_ branch: String) throws(StoreError) -> ChainBreak? {
    var expectedSeq = 1
    var previous = Envelope.genesisHash
    var broken: ChainBreak?
    let head = try head(of: branch).seq
    try read(branch, from: 1, to: Int.max) { envelope in
      guard broken == nil else { return }
      broken = ChainBreak.check(envelope, expectedSeq: expectedSeq, previousHash: previous)
      expectedSeq = envelope.seq + 1
      previous = envelope.hash
    }
    if broken == nil, expectedSeq <= head {
      broken = ChainBreak(seq: expectedSeq, reason: "event @\(expectedSeq) is missing")
    }
    if broken == nil { broken = try recordedHeadBreak(of: branch) }
    return broken
  }
}

/// What a fold reads of one stored event.
public struct FoldRow {
  public var seq: Int
  public var occurredAt: Timestamp
  public var type: UnsafeBufferPointer<UInt8>
  public var version: Int
  public var data: UnsafeBufferPointer<UInt8>

  public init(
    seq: Int, occurredAt: Timestamp, type: UnsafeBufferPointer<UInt8>, version: Int, data: UnsafeBufferPointer<UInt8>
  ) {
    self.seq = seq
    self.occurredAt = occurredAt
    self.type = type
    self.version = version
    self.data = data
  }

  /// The event this row stores, decoded and upcast.
  public func recorded() throws(EventDecodingError) -> RecordedEvent {
    RecordedEvent(seq: seq, occurredAt: occurredAt, event: try Event(typeUTF8: type, version: version, data: data))
  }
}

/// The first event of a chain that does not verify.
public struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
  public var seq: Int
  public var reason: String

  public var description: String { "@\(seq): \(reason)" }

  /// Why a branch ending at `head` is not the branch whose last append the
  /// store recorded as `recorded`, or `nil`.
  public static func check(head: Head, recorded: Head) -> ChainBreak? {
    if recorded.seq > head.seq {
      let first = head.seq + 1
      let which = recorded.seq == first ? "event @\(first) is" : "events @\(first)…@\(recorded.seq) are"
      return ChainBreak(seq: first, reason: "\(which) missing: the log was cut short")
    }
    if recorded.seq < head.seq {
      return ChainBreak(
        seq: recorded.seq + 1,
        reason: "event @\(recorded.seq + 1) was not appended by ethos (its last append ended at @\(recorded.seq))")
    }
    if recorded.hash != head.hash {
      return ChainBreak(seq: head.seq, reason: "hash does not match the head ethos recorded for this branch")
    }
    return nil
  }

  /// Why `envelope` does not follow an event with `previousHash`, or `nil`.
  public static func check(_ envelope: Envelope, expectedSeq: Int, previousHash: String) -> ChainBreak? {
    if envelope.seq != expectedSeq {
      let missing = envelope.seq > expectedSeq
      return ChainBreak(
        seq: missing ? expectedSeq : envelope.seq,
        reason: missing ? "event @\(expectedSeq) is missing" : "seq @\(envelope.seq) is out of order")
    }
    if envelope.prevHash != previousHash {
      return ChainBreak(seq: envelope.seq, reason: "prevHash does not match the hash of the event before it")
    }
    if envelope.expectedHash != envelope.hash {
      return ChainBreak(seq: envelope.seq, reason: "hash does not match the event's contents (altered?)")
    }
    return nil
  }
}

/// Why the store could not do what was asked.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Code: Sendable, Equatable {
    /// Another writer appended first; the branch head is now `actual`.
    case conflict(expected: Int, actual: Int)
    /// The store cannot be opened at all (exit code 3).
    case cannotOpen
    /// The store is damaged, tampered or from a newer ethos (exit code 3).
    case damaged
    case unknownBranch
    case branchExists
    case invalid
    case io
  }

  public let code: Code
  public let message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }

  public static func conflict(expected: Int, actual: Int) -> StoreError {
    StoreError(
      .conflict(expected: expected, actual: actual),
      "another writer appended first (head moved from @\(expected) to @\(actual))")
  }

  public static func unknownBranch(_ name: String, known: [String]) -> StoreError {
    let suggestion = Suggestion.nearest(to: name, in: known)
    let fix = suggestion.map { "did you mean '\($0)'?" } ?? "'branches' lists them"
    return StoreError(.unknownBranch, "unknown branch '\(name)' — \(fix)")
  }

  public static func branchExists(_ name: String) -> StoreError {
    StoreError(.branchExists, "branch '\(name)' already exists — 'switch \(name)' to use it, or pick another name")
  }

  /// A key added for a party whose key `forget` destroyed (SPEC §13).
  public static func forgottenParty(_ party: String) -> StoreError {
    StoreError(
      .invalid, "'\(party)' was forgotten: their data key is gone for good and no new personal data is recorded")
  }

  /// A key restored for a party that holds another one already.
  public static func keyClash(_ change: KeyChange, _ current: PartyKeys) -> StoreError {
    let parties = change.added.compactMap { party, key in
      current.keys[party].flatMap { $0 != key ? party : nil }
    }
    return StoreError(
      .invalid,
      "the key file does not match this store: it holds another key for \(parties.sorted().joined(separator: ", ")) "
        + "— restore keys only into the store they were exported from (or a fresh import of its log)")
  }
}

extension StoreError {
  /// An insert SQLite reported done changed no row: something in the store
  /// (a planted trigger) swallowed it, and the append is rolled back.
  package static func writeSwallowed(_ table: String) -> StoreError {
    StoreError(
      .damaged,
      "a write to the \(table) table was silently dropped (a trigger not made by ethos?) — nothing was appended; "
        + "run 'ethos verify' and check the store's schema with sqlite3 '.schema'")
  }
}
