import EthosDomain
import EthosStore

/// The time-travel job of a session (SPEC §7): the culture state of a branch
/// just after any seq, folded from the nearest usable projection snapshot,
/// and the snapshots that keep the next fold short. It knows the store and
/// the fold, nothing of statements, output or scripts; the session asks it
/// for states and tells it when a statement moved the head.
struct Projector {
  let store: any EventStore
  /// Events folded or appended between projection snapshots (SPEC §7).
  var interval = 10_000
  /// The seq of the newest snapshot read or written, per branch.
  var lastSnapshot: [String: Int] = [:]

  init(store: any EventStore) { self.store = store }

  /// The state of `branch` just after `seq` (its head when `nil`), folded
  /// with the retractions known at that point — or, given `horizon`, known
  /// by that later seq — from the nearest usable snapshot, else from
  /// scratch. A long fold on a branch `remembering` is set for (the
  /// session's own) leaves a snapshot behind.
  mutating func state(of branch: String, upTo seq: Int?, remembering: Bool, retractionsUpTo horizon: Int? = nil)
    throws(StoreError) -> State
  {
    let head = try store.head(of: branch).seq
    let target = min(seq ?? head, head)
    let known = max(target, min(horizon ?? target, head))
    let skip = try store.retractions(branch, upTo: known)
    var state = try nearestSnapshot(branch, atOrBefore: target, skip: skip) ?? State()
    let start = state.headSeq
    state.skip = skip
    try fold(into: &state, branch: branch, from: start + 1, to: target)
    if remembering {
      lastSnapshot[branch] = max(lastSnapshot[branch] ?? 0, start)
      // A state that leaves out what was retracted after it is no state the
      // log had at `target`: it is never kept as a snapshot.
      if target - start >= interval, known == target { save(state, on: branch) }
    }
    return state
  }

  /// The newest snapshot at or before `target` that is still valid there: a
  /// snapshot at S is stale for `target` when an event at or before S was
  /// retracted after S (its effect is folded into the snapshot). `skip` holds
  /// the seqs retracted up to `target`. Unreadable snapshots are passed over.
  /// A branch with no snapshot of its own uses its parent's up to the fork
  /// point: that history is shared.
  func nearestSnapshot(_ branch: String, atOrBefore target: Int, skip: Set<Int>) throws(StoreError) -> State? {
    var bound = target
    var line = branch
    while bound > 0 {
      guard let (seq, data) = try store.loadSnapshot(line, atOrBefore: bound, version: State.snapshotVersion) else {
        guard let info = try store.branch(line), let parent = info.parent, info.forkSeq > 0 else { return nil }
        line = parent
        bound = min(bound, info.forkSeq)
        continue
      }
      guard let snapshot = State(snapshotBytes: data), snapshot.headSeq == seq else {
        bound = seq - 1
        continue
      }
      let retractedSince = skip.filter { $0 <= seq }.subtracting(snapshot.retracted)
      guard let earliest = retractedSince.min() else { return snapshot }
      bound = earliest - 1
    }
    return nil
  }

  /// Writes a snapshot of `state`; a cache, so a failure only costs speed.
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

  /// Folds the events `from...to` of `branch` into `state`.
  func fold(into state: inout State, branch: String, from: Int, to: Int) throws(StoreError) {
    guard from <= to else { return }
    var failure: EngineError?
    try store.fold(branch, from: from, to: to) { row in
      guard failure == nil else { return }
      do throws(EventDecodingError) {
        state.evolve(try row.recorded())
      } catch {
        failure = .unreadable(error, seq: row.seq)
      }
    }
    if let failure { throw StoreError(.damaged, failure.message) }
  }

  /// Brings `state` of `branch` up to the branch's head, as other writers
  /// left it: folds what they appended, or folds again from a snapshot when
  /// the head went back or something already folded was retracted.
  mutating func catchUp(_ state: inout State, on branch: String) throws(StoreError) {
    let head = try store.head(of: branch).seq
    if head == state.headSeq { return }
    if head > state.headSeq {
      let before = state.retracted.count
      try fold(into: &state, branch: branch, from: state.headSeq + 1, to: head)
      if state.retracted.count == before { return }
    }
    state = try self.state(of: branch, upTo: nil, remembering: true)
  }

  /// Folds `recorded`, the next event of `branch`, into `state`. The fold
  /// cannot take back an event it already counted, so after a retraction
  /// `state` is folded again up to it, from a snapshot before what it retracts.
  mutating func step(_ state: inout State, _ recorded: RecordedEvent, on branch: String, remembering: Bool)
    throws(StoreError)
  {
    state.evolve(recorded)
    if case .eventRetracted = recorded.event {
      state = try self.state(of: branch, upTo: recorded.seq, remembering: remembering)
    }
  }

  /// The state of `branch` at `end` with only the observations after
  /// `before` counted (a `window=`, SPEC §5): every lifecycle fact as of
  /// `end`, folded from the state at `before` with its observations cleared,
  /// so a snapshot serves the window too. The state at `before` leaves out
  /// what was retracted by `end`: the facts a window keeps (training, the
  /// last `lead`, every `lead` counted) must not hold a retracted event.
  mutating func window(of branch: String, after before: Int, through end: Int, remembering: Bool) throws(StoreError)
    -> State
  {
    var state =
      before == 0
      ? State() : try self.state(of: branch, upTo: before, remembering: remembering, retractionsUpTo: end)
    state.clearObservations()
    state.skip = try store.retractions(branch, upTo: end)
    try fold(into: &state, branch: branch, from: before + 1, to: end)
    return state
  }

  /// The state of `branch` at `end` as if `target` were retracted too (a
  /// what-if of `retract`), folded from scratch.
  func state(of branch: String, through end: Int, alsoRetracting target: Int) throws(StoreError) -> State {
    var state = State()
    state.skip = try store.retractions(branch, upTo: end)
    state.skip.insert(target)
    try fold(into: &state, branch: branch, from: 1, to: end)
    return state
  }
}
