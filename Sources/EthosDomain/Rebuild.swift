/// How a state is rebuilt from a branch's ``History`` (SPEC §7): every rule
/// of retraction lives here, so neither the store nor the engine knows one.
///
/// `evolve` cannot take back an event it counted: a customer's last outcome,
/// each party's latest seqs, the loops a follow-up closed, a customer's loss
/// counted silent, the last `lead`, a stress window that set the condition of
/// the interactions after it — none can be undone from the state alone. So a
/// retraction is applied by folding again, leaving its target out
/// (``LogFold``), from a base that never counted it.
///
/// Every state here is a function of a log prefix: the state just after seq N
/// leaves out exactly what the retractions up to N take back. A snapshot is
/// such a state, so a later retraction never makes it wrong, only unfit to be
/// the base of a fold past that retraction when it counted the target:
/// ``base(atOrBefore:for:)`` then takes an older one. The one state folded
/// with a later horizon, the base of a window, comes back with its
/// observations cleared and is never a snapshot.
public struct Rebuild<Log: History> {
  public let history: Log

  public init(_ history: Log) { self.history = history }

  /// The state just after `seq`: the fold of the log up to `seq`, from the
  /// newest snapshot that can be its base, else from the empty state.
  public func state(through seq: Int) throws(Log.Failure) -> Rebuilt {
    try state(through: seq, folding: try fold(knownBy: seq))
  }

  /// How the log folds as known at `horizon`: one read of its retractions,
  /// and no other event.
  public func fold(knownBy horizon: Int) throws(Log.Failure) -> LogFold {
    var fold = LogFold()
    guard horizon > 0 else { return fold }
    try history.events(of: .eventRetracted, from: 1, through: horizon) { recorded in
      if case .eventRetracted(let target, _) = recorded.event { fold.leftOut.insert(target) }
    }
    return fold
  }

  /// Folds `recorded`, the event just after `state`, into it. A retraction
  /// takes back an event `state` may have counted, so the state is then
  /// folded again up to the retraction, from a base before its target.
  /// Returns that rebuild, or `nil` when the event was only folded in.
  public func fold(_ recorded: RecordedEvent, into state: inout State) throws(Log.Failure) -> Rebuilt? {
    state.evolve(recorded)
    guard case .eventRetracted = recorded.event else { return nil }
    let rebuilt = try self.state(through: recorded.seq)
    state = rebuilt.state
    return rebuilt
  }

  /// Brings `state` up to `head`, as other writers left the log: folds the
  /// events after it, or folds again when the log now ends before it or one
  /// of those events retracted something. Returns the rebuild when it folded
  /// again.
  public func catchUp(_ state: inout State, to head: Int) throws(Log.Failure) -> Rebuilt? {
    if head == state.headSeq { return nil }
    if head > state.headSeq {
      let before = state.retracted.count
      try fold(&state, from: state.headSeq + 1, through: head, with: LogFold())
      if state.retracted.count == before { return nil }
    }
    let rebuilt = try self.state(through: head)
    state = rebuilt.state
    return rebuilt
  }

  /// The state just after `end` with only the observations after `before`
  /// counted (a `window=`, SPEC §5): every lifecycle fact as of `end`, folded
  /// on the state at `before` with its observations cleared, so a snapshot
  /// serves the window too. Both folds leave out what is retracted by `end`:
  /// the facts a window keeps (training, the last `lead`, every `lead`
  /// counted) must not hold a retracted event.
  public func window(after before: Int, through end: Int) throws(Log.Failure) -> Rebuilt {
    let fold = try self.fold(knownBy: end)
    var rebuilt = before > 0 ? try state(through: before, folding: fold) : Rebuilt(state: State(), base: 0)
    rebuilt.state.clearObservations()
    try self.fold(&rebuilt.state, from: before + 1, through: end, with: fold)
    return rebuilt
  }

  /// `state`, the state at the log's end, with `events` (decided, not
  /// appended) folded in as if they had been: a what-if. A retraction among
  /// them folds the log again as if its target were retracted too.
  public func supposing(_ events: [RecordedEvent], after state: State) throws(Log.Failure) -> State {
    var copy = state
    for recorded in events {
      if case .eventRetracted(let target, _) = recorded.event {
        var fold = try self.fold(knownBy: state.headSeq)
        fold.leftOut.insert(target)
        copy = try self.state(through: state.headSeq, folding: fold).state
        copy.retracted.formUnion(state.retracted)
      }
      copy.evolve(recorded)
    }
    return copy
  }

  /// The state just after `seq` folded by `fold`, from the newest snapshot
  /// that can be its base.
  func state(through seq: Int, folding fold: LogFold) throws(Log.Failure) -> Rebuilt {
    var state = try base(atOrBefore: seq, for: fold) ?? State()
    let base = state.headSeq
    try self.fold(&state, from: base + 1, through: seq, with: fold)
    return Rebuilt(state: state, base: base)
  }

  /// The newest snapshot at or before `seq` that `fold` can go on from: one
  /// that already leaves out every event up to its own seq that `fold` leaves
  /// out. A snapshot that counted an event retracted only after it cannot
  /// take it back; one older than that event can. Decided from the
  /// snapshot's own record of retractions, nothing else.
  func base(atOrBefore seq: Int, for fold: LogFold) throws(Log.Failure) -> State? {
    var bound = seq
    while bound > 0 {
      guard let snapshot = try history.snapshot(atOrBefore: bound), snapshot.headSeq > 0, snapshot.headSeq <= bound
      else { return nil }
      let counted = fold.leftOut.filter { $0 <= snapshot.headSeq }.subtracting(snapshot.retracted)
      guard let earliest = counted.min() else { return snapshot }
      bound = earliest - 1
    }
    return nil
  }

  /// Folds the events `from...through` into `state` by `fold`.
  func fold(_ state: inout State, from: Int, through: Int, with fold: LogFold) throws(Log.Failure) {
    guard from <= through else { return }
    try history.events(from: from, through: through) { fold.evolve(&state, $0) }
  }
}

/// A rebuilt state, and the seq of the snapshot it was folded from (0 when
/// from the empty state): a long fold is worth a snapshot.
public struct Rebuilt: Sendable, Equatable {
  public var state: State
  public var base: Int

  public init(state: State, base: Int) {
    self.state = state
    self.base = base
  }
}
