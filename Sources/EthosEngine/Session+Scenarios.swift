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
    var depth = 0
    do {
      var line = try store.branch(branch)
      while let parent = line?.parent, depth <= Session.maxBranchDepth {
        depth += 1
        line = try store.branch(parent)
      }
    } catch {
      throw .store(error)
    }
    guard depth < Session.maxBranchDepth else {
      throw .branchTooDeep(name, parent: branch, limit: Session.maxBranchDepth)
    }
    do {
      try store.createBranch(name, from: branch, at: fork)
    } catch {
      throw .store(error)
    }
    let parent = branch
    // A branch forked from the past stays in the past: its clock starts fixed
    // at the fork point's time; with no from= it keeps the current clock.
    var forkClock = clock
    if let seq {
      let envelope: Envelope?
      do { envelope = try store.event(branch, seq: seq) } catch { throw .store(error) }
      if let envelope { forkClock = .fixed(envelope.occurredAt) }
    }
    branchClocks[parent] = clock
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
    branchClocks[previous.0] = previous.1
    clock = branchClocks[name] ?? .live
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
    // The query's name is the same on every row (and culture's rows are
    // nearly all indicators): the table leaves it out.
    func shortPath(_ path: String) -> String {
      var path = Substring(path)
      for prefix in [query.name + ".", "indicators."] where path.hasPrefix(prefix) {
        path = path.dropFirst(prefix.count)
      }
      return String(path)
    }
    emitDocument(
      result,
      table: {
        var table = [[query.name, left, right, "Δ"]]
        for row in rows {
          table.append([
            shortPath(row.path), row.left.map { Renderer.cell($0) } ?? "", row.right.map { Renderer.cell($0) } ?? "",
            Session.delta(row.left, row.right),
          ])
        }
        // The values are cut before the names of the figures.
        var lines = Renderer.fitTable(table, layout: layout, cuttable: [1, 2])
        lines.append(
          differing.isEmpty
            ? Notice.noDifference(left, right) : Notice.differences(differing.count, of: rows.count))
        return lines
      },
      csv: {
        ["path," + Renderer.csvField(left) + "," + Renderer.csvField(right) + ",delta"]
          + rows.map { row in
            [
              Renderer.csvField(row.path), Renderer.csvValue(row.left), Renderer.csvValue(row.right),
              row.left?.number != nil && row.right?.number != nil
                ? Renderer.csvField(Session.delta(row.left, row.right)) : "",
            ].joined(separator: ",")
          }
      })
  }

  /// The change from `left` to `right`: signed for numbers (empty when equal), `≠` for other values that differ.
  static func delta(_ left: JSON?, _ right: JSON?) -> String {
    guard left != right else { return "" }
    guard let a = left?.number, let b = right?.number else { return "≠" }
    let difference = ((b - a) * 1000).rounded() / 1000
    if difference == 0 { return "" }
    var text = JSON.double(difference).compact
    if case .int? = left, case .int? = right { text = String(Int(difference)) }
    return difference > 0 ? "+" + text : text
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

extension IndicatorSnapshot {
  /// Every scalar leaf of a query document, lists included by index, for
  /// `compare` (which shows any query, not just the indicators).
  mutating func addLeavesForCompare(of document: JSON, prefix: String) {
    switch document {
    case .object(let object):
      for (key, value) in object.pairs { addLeavesForCompare(of: value, prefix: prefix + "." + key) }
    case .array(let items) where items.contains(where: { $0.objectValue != nil || $0.arrayValue != nil }):
      // List items are matched by id (or seq, or name), not by position: one
      // more employee on a branch must not shift every row after it.
      let keys = ["id", "seq", "name", "action", "deficiency"]
      let key = keys.first { key in
        let values = items.compactMap { $0[key].map(Renderer.plain) }
        return values.count == items.count && Set(values).count == values.count
      }
      for (index, item) in items.enumerated() {
        let step = key.flatMap { item[$0].map(Renderer.plain) } ?? String(index)
        addLeavesForCompare(of: item, prefix: prefix + "." + step)
      }
    default:
      figures.append(Figure(path: prefix, value: document))
    }
  }
}
