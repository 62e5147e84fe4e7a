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
    do {
      try store.createBranch(name, from: branch, at: fork)
    } catch {
      throw .store(error)
    }
    let parent = branch
    try switchTo(name)
    emit(Notice.branched(name, parent: parent, fork: fork))
  }

  /// `switch NAME`: makes `name` the current branch.
  func switchBranch(_ name: String) throws(EngineError) {
    try switchTo(name)
    emit(Notice.switched(name, head: state.headSeq))
  }

  func switchTo(_ name: String) throws(EngineError) {
    let previous = (branch, lastSnapshotSeq)
    // The branch is set first so the load counts as this session's own branch;
    // snapshot bookkeeping starts over there.
    branch = name
    lastSnapshotSeq = 0
    do {
      state = try loadState(upTo: nil)
    } catch {
      (branch, lastSnapshotSeq) = previous
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
      document, table: { Renderer.grid(items) },
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
    var leftFigures = IndicatorSnapshot()
    leftFigures.addLeavesForCompare(of: leftDocument, prefix: query.name)
    var rightFigures = IndicatorSnapshot()
    rightFigures.addLeavesForCompare(of: rightDocument, prefix: query.name)
    var rightValues = [String: JSON]()
    for figure in rightFigures.figures { rightValues[figure.path] = figure.value }
    var rows = [(path: String, left: JSON?, right: JSON?)]()
    var seen = Set<String>()
    for figure in leftFigures.figures {
      seen.insert(figure.path)
      rows.append((figure.path, figure.value, rightValues[figure.path]))
    }
    for figure in rightFigures.figures where !seen.contains(figure.path) {
      rows.append((figure.path, nil, figure.value))
    }
    let differing = rows.filter { $0.left != $0.right }.map(\.path)
    let result = JSON.object(
      JSONObject([
        ("query", .string(query.name)),
        ("left", .object(JSONObject([("branch", .string(left)), ("document", leftDocument)]))),
        ("right", .object(JSONObject([("branch", .string(right)), ("document", rightDocument)]))),
        ("differences", .array(differing.map(JSON.string))),
      ]))
    emitDocument(
      result,
      table: {
        var table = [["", left, right, ""]]
        for row in rows {
          table.append([
            row.path, row.left.map { Renderer.plain($0) } ?? "", row.right.map { Renderer.plain($0) } ?? "",
            row.left == row.right ? "" : "≠",
          ])
        }
        var lines = Renderer.align(table, separator: "  ")
        lines.insert(String(repeating: "─", count: lines.map(\.count).max() ?? 0), at: 1)
        lines.append(
          differing.isEmpty
            ? Notice.noDifference(left, right) : Notice.differences(differing.count, of: rows.count))
        return lines
      },
      csv: {
        ["path," + Renderer.csvField(left) + "," + Renderer.csvField(right)]
          + rows.map { row in
            [Renderer.csvField(row.path), Renderer.csvValue(row.left), Renderer.csvValue(row.right)]
              .joined(separator: ",")
          }
      })
  }

  // MARK: what-if

  /// `what-if STATEMENT`: decides the write against the current state and
  /// applies it to a throw-away copy, printing the figures it would move.
  /// Nothing is appended and the session's state is untouched.
  func whatIf(_ command: Command) throws(EngineError) {
    try catchUp()
    let now = try self.now()
    let events = try decideEvents(command, now: now)
    var copy = state
    var seq = state.headSeq
    var described = [(seq: Int, event: Event)]()
    for event in events {
      seq += 1
      if case .eventRetracted(let target, _) = event {
        // Projections skip a retracted event from the start: refold as if it
        // had never been logged.
        copy = try hypotheticalRetraction(of: target)
      }
      copy.evolve(RecordedEvent(seq: seq, occurredAt: now, event: event))
      described.append((seq, event))
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

  /// The current state refolded with `target` skipped as well.
  func hypotheticalRetraction(of target: Int) throws(EngineError) -> State {
    var rebuilt = State()
    do {
      rebuilt.skip = try store.retractions(branch, upTo: state.headSeq)
      rebuilt.skip.insert(target)
      try fold(into: &rebuilt, branch: branch, from: 1, to: state.headSeq)
    } catch {
      throw .store(error)
    }
    rebuilt.retracted.formUnion(state.retracted)
    return rebuilt
  }
}

extension IndicatorSnapshot {
  /// Every scalar leaf of a query document, lists included by index, for
  /// `compare` (which shows any query, not just the indicators).
  mutating func addLeavesForCompare(of document: JSON, prefix: String) {
    switch document {
    case .object(let object):
      for (key, value) in object.pairs { addLeavesForCompare(of: value, prefix: prefix + "." + key) }
    case .array(let items) where items.contains(where: { $0.objectValue != nil || $0.arrayValue != nil }):
      for (index, item) in items.enumerated() { addLeavesForCompare(of: item, prefix: prefix + ".\(index)") }
    default:
      figures.append(Figure(path: prefix, value: document))
    }
  }
}
