import EthosDomain
import Foundation

/// An in-memory store: for tests and `--store :memory:` sessions.
///
/// Branches share their parent's events exactly as the SQLite store does:
/// each branch keeps only the events appended to it after its fork point.
public final class MemoryStore: EventStore {
  struct Line {
    var parent: String?
    var forkSeq: Int
    var events: [Envelope] = []
  }

  /// Held by every public method, so two threads (two "connections") can
  /// share the store as two processes share a SQLite file. Recursive: a read
  /// body may call back into the store.
  let lock = NSRecursiveLock()

  var lines: [String: Line] = ["main": Line(parent: nil, forkSeq: 0)]
  var order: [String] = ["main"]
  var snapshots: [String: [(seq: Int, version: Int, data: [UInt8])]] = [:]
  var keyTable = PartyKeys()

  public init() {}

  public var location: String { ":memory:" }

  public func head(of branch: String) throws(StoreError) -> Head {
    lock.lock()
    defer { lock.unlock() }
    let line = try self.line(branch)
    if let last = line.events.last { return Head(seq: last.seq, hash: last.hash, occurredAt: last.occurredAt) }
    guard let parent = line.parent, line.forkSeq > 0 else { return .empty }
    guard let fork = try event(parent, seq: line.forkSeq) else { return .empty }
    return Head(seq: fork.seq, hash: fork.hash, occurredAt: fork.occurredAt)
  }

  public func branches() throws(StoreError) -> [BranchInfo] {
    lock.lock()
    defer { lock.unlock() }
    var result = [BranchInfo]()
    for name in order {
      let line = try self.line(name)
      result.append(BranchInfo(name: name, parent: line.parent, forkSeq: line.forkSeq, head: try head(of: name).seq))
    }
    return result
  }

  public func createBranch(_ name: String, from parent: String, at seq: Int) throws(StoreError) {
    lock.lock()
    defer { lock.unlock() }
    guard lines[name] == nil else { throw .branchExists(name) }
    let parentHead = try head(of: parent).seq
    guard seq >= 0, seq <= parentHead else {
      throw StoreError(.invalid, "branch '\(parent)' has no event @\(seq) — its head is @\(parentHead)")
    }
    lines[name] = Line(parent: parent, forkSeq: seq)
    order.append(name)
  }

  public func append(
    _ events: [PendingEvent], to branch: String, expectedHead: Int, keys: KeyChange
  ) throws(StoreError) -> [Envelope] {
    lock.lock()
    defer { lock.unlock() }
    let head = try head(of: branch)
    guard head.seq == expectedHead else { throw .conflict(expected: expectedHead, actual: head.seq) }
    if try keys.check(against: keyTable) { throw .conflict(expected: expectedHead, actual: head.seq) }
    apply(keys)
    var previous = head.hash
    var sealed = [Envelope]()
    sealed.reserveCapacity(events.count)
    for (offset, pending) in events.enumerated() {
      let envelope = pending.sealed(seq: head.seq + offset + 1, prevHash: previous)
      previous = envelope.hash
      sealed.append(envelope)
    }
    lines[branch]?.events.append(contentsOf: sealed)
    return sealed
  }

  public func partyKeys() throws(StoreError) -> PartyKeys {
    lock.lock()
    defer { lock.unlock() }
    return keyTable
  }

  public func changeKeys(_ change: KeyChange) throws(StoreError) {
    lock.lock()
    defer { lock.unlock() }
    if try change.check(against: keyTable) { throw .keyClash(change, keyTable) }
    apply(change)
  }

  private func apply(_ change: KeyChange) {
    for (party, key) in change.added { keyTable.keys[party] = key }
    for party in change.forgotten {
      keyTable.keys[party] = nil
      keyTable.forgotten.insert(party)
    }
  }

  public func appendSealed(_ envelopes: [Envelope], to branch: String, expectedHead: Int) throws(StoreError) {
    lock.lock()
    defer { lock.unlock() }
    let head = try head(of: branch)
    guard head.seq == expectedHead else { throw .conflict(expected: expectedHead, actual: head.seq) }
    if let broken = Self.chainBreak(envelopes, after: head) { throw .doesNotChain(broken, branch: branch) }
    lines[branch]?.events.append(contentsOf: envelopes)
  }

  public func read(_ branch: String, from: Int, to: Int, _ body: (Envelope) throws -> Void) throws(StoreError) {
    lock.lock()
    defer { lock.unlock() }
    for segment in try segments(branch) {
      let low = max(from, segment.after + 1)
      let high = min(to, segment.through)
      guard low <= high, let line = lines[segment.owner] else { continue }
      // Own events of a line are contiguous from forkSeq + 1.
      let start = low - line.forkSeq - 1
      let end = min(high - line.forkSeq - 1, line.events.count - 1)
      guard start <= end, start >= 0 else { continue }
      do {
        for index in start...end { try body(line.events[index]) }
      } catch let error as StoreError {
        throw error
      } catch {
        throw StoreError(.io, "\(error)")
      }
    }
  }

  public func fold(_ branch: String, from: Int, to: Int, _ body: (FoldRow) throws -> Void) throws(StoreError) {
    try read(branch, from: from, to: to) { envelope in
      var type = envelope.type
      var data = envelope.data
      try type.withUTF8 { typeBytes in
        try data.withUTF8 { dataBytes in
          try body(
            FoldRow(
              seq: envelope.seq, occurredAt: envelope.occurredAt, type: typeBytes, version: envelope.version,
              data: dataBytes))
        }
      }
    }
  }

  public func loadSnapshot(_ branch: String, atOrBefore seq: Int, version: Int) throws(StoreError) -> (
    seq: Int, data: [UInt8]
  )? {
    lock.lock()
    defer { lock.unlock() }
    let candidates = snapshots[branch, default: []].filter { $0.version == version && $0.seq <= seq }
    return candidates.max { $0.seq < $1.seq }.map { ($0.seq, $0.data) }
  }

  public func saveSnapshot(_ branch: String, seq: Int, version: Int, data: [UInt8]) throws(StoreError) {
    lock.lock()
    defer { lock.unlock() }
    // A cache, as in SQLiteStore: keep the three newest per branch and version.
    var kept = snapshots[branch, default: []].filter { !($0.seq == seq && $0.version == version) }
    kept.append((seq, version, data))
    let newest = kept.filter { $0.version == version }.map(\.seq).sorted(by: >).prefix(3)
    snapshots[branch] = kept.filter { $0.version != version || newest.contains($0.seq) }
  }

  private func line(_ branch: String) throws(StoreError) -> Line {
    guard let line = lines[branch] else { throw .unknownBranch(branch, known: order) }
    return line
  }

  /// The stretches of history that make up `branch`, root first: each
  /// `(owner, after, through)` holds the owner's own events in `after+1...through`.
  private func segments(_ branch: String) throws(StoreError) -> [(owner: String, after: Int, through: Int)] {
    var result = [(owner: String, after: Int, through: Int)]()
    var name = branch
    var through = Int.max
    while true {
      let line = try self.line(name)
      result.append((name, line.forkSeq, through))
      guard let parent = line.parent else { break }
      through = line.forkSeq
      name = parent
    }
    return result.reversed()
  }
}
