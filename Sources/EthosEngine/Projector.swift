import EthosDomain
import EthosStore

/// The time-travel job of a session (SPEC §7): the store read as the
/// domain's ``History``, and the snapshots that keep the next fold short.
/// How a state is rebuilt, retractions included, is the domain's
/// ``Rebuild``; this type only says where the events and snapshots come from
/// and when a state is worth keeping. It knows nothing of statements, output
/// or scripts; the session asks it for states and tells it when a statement
/// moved the head.
struct Projector {
  let store: any EventStore
  /// Events folded or appended between projection snapshots (SPEC §7).
  var interval = 10_000
  /// The seq of the newest snapshot read or written, per branch.
  var lastSnapshot: [String: Int] = [:]

  init(store: any EventStore) { self.store = store }

  /// The rebuild of `branch`, reading this store.
  func rebuild(_ branch: String) -> Rebuild<StoredHistory> {
    Rebuild(StoredHistory(store: store, branch: branch))
  }

  /// The state of `branch` just after `seq` (its head when `nil`). A long
  /// fold on a branch `remembering` is set for (the session's own) leaves a
  /// snapshot behind.
  mutating func state(of branch: String, upTo seq: Int?, remembering: Bool) throws(StoreError) -> State {
    let head = try store.head(of: branch).seq
    let rebuilt = try rebuild(branch).state(through: min(seq ?? head, head))
    if remembering { remember(rebuilt, on: branch) }
    return rebuilt.state
  }

  /// Notes the snapshot `rebuilt` was folded from and, after a long fold,
  /// saves its state. That state is the fold of the log up to its own seq,
  /// so a snapshot saved is never stale: a later retraction makes the
  /// rebuild pass over it, never read it wrong.
  private mutating func remember(_ rebuilt: Rebuilt, on branch: String) {
    lastSnapshot[branch] = max(lastSnapshot[branch] ?? 0, rebuilt.base)
    if rebuilt.state.headSeq - rebuilt.base >= interval { save(rebuilt.state, on: branch) }
  }

  /// Writes a snapshot of `state`, a state of the log up to its own seq; a
  /// cache, so a failure only costs speed.
  mutating func save(_ state: State, on branch: String) {
    guard state.headSeq > 0 else { return }
    try? store.saveSnapshot(branch, seq: state.headSeq, version: State.snapshotVersion, data: state.snapshotBytes())
    lastSnapshot[branch] = max(lastSnapshot[branch] ?? 0, state.headSeq)
  }

  /// Snapshots `state` when at least `minimum` events came in on `branch`
  /// since its last snapshot.
  mutating func saveIfMoved(_ state: State, on branch: String, by minimum: Int) {
    guard state.headSeq - (lastSnapshot[branch] ?? 0) >= minimum else { return }
    save(state, on: branch)
  }

  /// Brings `state` of `branch` up to the branch's head, as other writers
  /// left it (see ``Rebuild/catchUp(_:to:)``).
  mutating func catchUp(_ state: inout State, on branch: String) throws(StoreError) {
    let head = try store.head(of: branch).seq
    if let rebuilt = try rebuild(branch).catchUp(&state, to: head) { remember(rebuilt, on: branch) }
  }

  /// Folds `recorded`, the next event of `branch`, into `state` (see
  /// ``Rebuild/fold(_:into:)``).
  mutating func step(_ state: inout State, _ recorded: RecordedEvent, on branch: String, remembering: Bool)
    throws(StoreError)
  {
    let rebuilt = try rebuild(branch).fold(recorded, into: &state)
    if let rebuilt, remembering { remember(rebuilt, on: branch) }
  }

  /// The state of `branch` at `end` with only the observations after
  /// `before` counted (a `window=`, SPEC §5; see ``Rebuild/window(after:through:)``).
  mutating func window(of branch: String, after before: Int, through end: Int, remembering: Bool) throws(StoreError)
    -> State
  {
    let rebuilt = try rebuild(branch).window(after: before, through: end)
    // Not a state of the log at any seq: never saved.
    if remembering { lastSnapshot[branch] = max(lastSnapshot[branch] ?? 0, rebuilt.base) }
    return rebuilt.state
  }
}

/// One branch of a store as the domain's rebuild reads it.
struct StoredHistory: History {
  let store: any EventStore
  let branch: String

  func events(from: Int, through: Int, _ body: (RecordedEvent) -> Void) throws(StoreError) {
    var failure: EngineError?
    try store.fold(branch, from: from, to: through) { row in
      guard failure == nil else { return }
      do throws(EventDecodingError) {
        body(try row.recorded())
      } catch {
        failure = .unreadable(error, seq: row.seq)
      }
    }
    if let failure { throw StoreError(.damaged, failure.message) }
  }

  func events(of type: EventType, from: Int, through: Int, _ body: (RecordedEvent) -> Void) throws(StoreError) {
    try store.read(branch, type: type.rawValue, from: from, to: through) { envelope in
      // One that does not decode is left to the fold that reaches it, which reports it.
      if let recorded = try? envelope.recorded() { body(recorded) }
    }
  }

  /// Unreadable snapshots are passed over. A branch with no snapshot of its
  /// own uses its parent's up to the fork point: that history is shared.
  func snapshot(atOrBefore seq: Int) throws(StoreError) -> State? {
    var bound = seq
    var line = branch
    while bound > 0 {
      guard let (at, data) = try store.loadSnapshot(line, atOrBefore: bound, version: State.snapshotVersion) else {
        guard let info = try store.branch(line), let parent = info.parent, info.forkSeq > 0 else { return nil }
        line = parent
        bound = min(bound, info.forkSeq)
        continue
      }
      guard let snapshot = State(snapshotBytes: data), snapshot.headSeq == at else {
        bound = at - 1
        continue
      }
      return snapshot
    }
    return nil
  }
}
