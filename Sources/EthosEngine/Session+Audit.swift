import EthosDomain
import EthosJSON
import EthosLanguage
import EthosStore

extension Session {
  // MARK: replay

  /// `replay [from=@A] [to=@B] [step]`: re-applies the events of the current
  /// branch in order and prints, for each, the indicators it moved.
  ///
  /// Each step shows what the event itself changed: the state before it is
  /// measured at the event's own time, so the mere passing of time between
  /// two events (days since the last `lead`, overdue promises) is not
  /// credited to the event. A retraction shows the figures of the event it
  /// retracts moving back.
  func replay(from: Int?, to: Int?, step: Bool, origin: Origin) throws(EngineError) {
    let head = state.headSeq
    if step, stepReader == nil || origin != .repl { throw .stepNeedsTerminal }
    let first = from ?? 1
    let last = to ?? head
    for bound in [from, to].compactMap({ $0 }) where bound < 1 || bound > head {
      throw .noEvent(bound, head: head)
    }
    guard first <= last else {
      if head == 0 { throw .noEvent(1, head: 0) }
      throw .replayBackwards(from: first, to: last)
    }
    // Only the table streams event by event; json and csv print one document at the end.
    let stepping = step && settings.format == .table
    if settings.format == .table { emit(Notice.replayHeader(branch: branch, from: first, to: last)) }
    var items = [JSON]()
    var csvRows = ["seq,type,path,before,after"]
    var current = try loadState(upTo: first - 1)
    var seq = first
    chunks: while seq <= last {
      let end = min(last, seq + Session.replayChunk - 1)
      let envelopes = try events(from: seq, to: end)
      for envelope in envelopes {
        let event: Event
        do throws(EventDecodingError) { event = try envelope.decoded() } catch {
          throw .unreadable(error, seq: envelope.seq)
        }
        let before = try indicators(of: current, asOfTime: envelope.occurredAt)
        let recorded = RecordedEvent(seq: envelope.seq, occurredAt: envelope.occurredAt, event: event)
        do { try projector.step(&current, recorded, on: branch, remembering: true) } catch { throw .store(error) }
        let changes = before.changes(to: try indicators(of: current, asOfTime: nil))
        let retracted = state.retracted.contains(envelope.seq)
        switch settings.format {
        case .table:
          let line =
            "@\(envelope.seq) \(envelope.occurredAt.short) \(envelope.type) \(event.summary)"
            + (retracted ? "  [retracted]" : "")
          for line in Renderer.fit([line] + IndicatorChange.lines(changes, indent: "    "), layout: layout) {
            emit(line)
          }
        case .json:
          items.append(
            .object(
              JSONObject([
                ("seq", .int(envelope.seq)), ("type", .string(envelope.type)),
                ("occurredAt", .string(envelope.occurredAt.iso)), ("summary", .string(event.summary)),
                ("retracted", .bool(retracted)), ("changes", IndicatorChange.json(changes)),
              ])))
        case .csv:
          for change in changes {
            csvRows.append("\(envelope.seq),\(Renderer.csvField(envelope.type)),\(change.csvCells)")
          }
        }
        if stepping, envelope.seq < last, !waitForStep(after: envelope.seq) { break chunks }
        // Ctrl-C in the REPL stops a long replay after the event in hand.
        if interruption?() == true, envelope.seq < last {
          console.flush()
          throw .replayInterrupted(after: envelope.seq)
        }
      }
      seq = end + 1
    }
    switch settings.format {
    case .table: break
    case .json:
      let document = JSON.object(
        JSONObject([
          ("branch", .string(branch)), ("from", .int(first)), ("to", .int(last)), ("count", .int(items.count)),
          ("items", .array(items)),
        ]))
      for line in jsonLines(document) { emit(line) }
    case .csv:
      for line in csvRows { emit(line) }
    }
  }

  /// Events read per store call while replaying, so a long replay neither
  /// holds the whole log in memory nor runs step prompts inside a read.
  static let replayChunk = 500

  func events(from: Int, to: Int) throws(EngineError) -> [Envelope] {
    var envelopes = [Envelope]()
    do {
      try store.read(branch, from: from, to: to) { envelopes.append($0) }
    } catch {
      throw .store(error)
    }
    return envelopes
  }

  /// Asks the person at the terminal whether to go on; `false` to stop.
  func waitForStep(after seq: Int) -> Bool {
    guard let stepReader else { return false }
    console.flush()
    guard let answer = stepReader(Notice.stepPrompt(after: seq)) else { return false }
    let word = answer.trimmingSpaces.lowercased()
    if word == "q" || word == "quit" {
      emit(Notice.replayStopped(after: seq))
      return false
    }
    return true
  }

  // MARK: diff

  /// `diff @A @B` (or times): how `culture` and `matrix` changed from A to B.
  func diff(_ from: Point, _ to: Point) throws(EngineError) {
    let (before, beforeTime) = try stateAt(from)
    let (after, afterTime) = try stateAt(to)
    let changes = try indicators(of: before, asOfTime: beforeTime).changes(
      to: try indicators(of: after, asOfTime: afterTime))
    func end(_ view: State, _ time: Timestamp?) -> JSON {
      .object(
        JSONObject([
          ("seq", .int(view.headSeq)), ("time", .optional((time ?? view.headTime)?.iso)),
        ]))
    }
    let document = JSON.object(
      JSONObject([
        ("from", end(before, beforeTime)), ("to", end(after, afterTime)), ("count", .int(changes.count)),
        ("changes", IndicatorChange.json(changes)),
      ]))
    emitDocument(
      document,
      table: {
        func label(_ point: Point, _ view: State, _ time: Timestamp?) -> String {
          let at = (time ?? view.headTime).map { " " + $0.short } ?? ""
          if case .seq = point { return "@\(view.headSeq)\(at)" }
          return "\(at.dropFirst()) (@\(view.headSeq))"
        }
        return ["diff \(label(from, before, beforeTime)) → \(label(to, after, afterTime))"]
          + IndicatorChange.lines(changes)
      },
      csv: { ["path,before,after"] + changes.map(\.csvCells) })
  }
}
