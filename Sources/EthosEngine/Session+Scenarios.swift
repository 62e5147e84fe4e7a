import EthosDomain
import EthosJSON
import EthosLanguage
import EthosStore

extension Session {
  // MARK: branches

  /// `branch NAME [from=@N]`: a new branch sharing the current branch's
  /// history up to N (default: the head), and switches to it. The store
  /// copies nothing: the branch refers to its parent up to the fork point.
  func createBranch(_ name: String, from seq: Int?) throws(EngineError) {
    try catchUp()
    let fork = seq ?? state.headSeq
    guard fork >= 0, fork <= state.headSeq else { throw .noEvent(fork, head: state.headSeq) }
    try Branches.checkDepth(forking: name, from: branch, in: store)
    do {
      try store.createBranch(name, from: branch, at: fork)
    } catch {
      throw .store(error)
    }
    let parent = branch
    let forkClock = try Branches.clock(forkedAt: seq, from: parent, current: clock, in: store)
    branches.leave(parent, clock: clock)
    try switchTo(name)
    clock = forkClock
    emitText(Notice.branched(name, parent: parent, fork: fork))
  }

  /// `switch NAME`: makes `name` the current branch.
  /// Each branch gets back the clock it had when the session left it (a
  /// branch not visited yet follows the wall clock, as a new session does).
  func switchBranch(_ name: String) throws(EngineError) {
    let previous = (branch, clock)
    try switchTo(name)
    branches.leave(previous.0, clock: previous.1)
    clock = branches.clock(of: name)
    emitText(Notice.switched(name, head: state.headSeq))
  }

  func switchTo(_ name: String) throws(EngineError) {
    let previous = branch
    // The branch is set first so the load counts as this session's own
    // branch (the projector keeps each branch's snapshot bookkeeping).
    branch = name
    do {
      state = try loadState(upTo: nil)
    } catch {
      branch = previous
      throw error
    }
  }

  /// `branches`: every branch with its parent, fork point, head and own events.
  func listBranches() throws(EngineError) {
    let infos: [BranchInfo]
    do { infos = try store.branches() } catch { throw .store(error) }
    let items = infos.map { info in
      JSON.object(
        JSONObject([
          ("name", .string(info.name)), ("current", .bool(info.name == branch)),
          ("parent", .optional(info.parent)), ("forkSeq", .int(info.forkSeq)), ("head", .int(info.head)),
          ("ownEvents", .int(info.ownEvents)),
        ]))
    }
    let document = JSON.object(JSONObject([("count", .int(items.count)), ("items", .array(items))]))
    emitDocument(
      document, table: { Renderer.grid(items, layout: layout) },
      // Renderer lays out `items` documents the same for every query but matrix.
      csv: { Renderer.csv(document, query: .plan) })
  }

  /// Runs `body` with `name` as the current branch and its state, then
  /// restores the session as it was.
  func onBranch<T>(_ name: String, _ body: () throws(EngineError) -> T) throws(EngineError) -> T {
    let savedBranch = branch
    let savedState = state
    defer {
      branch = savedBranch
      state = savedState
    }
    if name != branch { try switchTo(name) } else { try catchUp() }
    return try body()
  }

  // MARK: compare

  /// `compare A B [QUERY]`: QUERY (default `culture`) on two branches side by side.
  func compare(_ left: String, _ right: String, _ query: Query) throws(EngineError) {
    let leftDocument = try onBranch(left) { () throws(EngineError) in try document(query, state: state, asOfTime: nil) }
    let rightDocument = try onBranch(right) { () throws(EngineError) in
      try document(query, state: state, asOfTime: nil)
    }
    let comparison = Comparison(query, left: (left, leftDocument), right: (right, rightDocument))
    emitDocument(comparison.json, table: { comparison.table(layout: layout) }, csv: { comparison.csv })
  }

  // MARK: what-if

  /// `what-if STATEMENT`: decides the write against the current state and
  /// applies it to a throw-away copy, printing the figures it would move.
  /// Nothing is appended and the session's state is untouched.
  func whatIf(_ command: Command) throws(EngineError) {
    try catchUp()
    let now = try self.now()
    let events = try decideEvents(command, now: now)
    let described = events.enumerated().map { (seq: state.headSeq + $0.offset + 1, event: $0.element) }
    let copy: State
    do {
      copy = try projector.rebuild(branch).supposing(
        described.map { RecordedEvent(seq: $0.seq, occurredAt: now, event: $0.event) }, after: state)
    } catch {
      throw .store(error)
    }
    // Both sides are measured at the write's time, so only the write shows.
    let changes = try indicators(of: state, asOfTime: now).changes(to: try indicators(of: copy, asOfTime: now))
    let document = JSON.object(
      JSONObject([
        ("appended", .int(0)), ("head", .int(state.headSeq)),
        (
          "events",
          .array(
            described.map {
              .object(
                JSONObject([
                  ("seq", .int($0.seq)), ("type", .string($0.event.type.rawValue)),
                  ("summary", .string($0.event.summary)),
                ]))
            })
        ),
        ("changes", IndicatorChange.json(changes)),
      ]))
    emitDocument(
      document,
      table: {
        described.map { Notice.wouldAppend(confirmation(seq: $0.seq, event: $0.event)) }
          + IndicatorChange.lines(changes)
          + [Notice.nothingAppended(branch: branch, head: state.headSeq)]
      },
      csv: { ["path,before,after"] + changes.map(\.csvCells) })
  }
}
