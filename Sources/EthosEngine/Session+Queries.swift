import EthosDomain
import EthosJSON
import EthosLanguage
import EthosProjections
import EthosStore

extension Session {
  /// The state as it was at `point`, and the time indicators are measured
  /// against (SPEC §5: T itself for `as of T`, else that event's time).
  func stateAt(_ point: Point) throws(EngineError) -> (State, Timestamp?) {
    let seq: Int
    var time: Timestamp?
    switch point {
    case .seq(let n):
      guard n <= state.headSeq else { throw .noEvent(n, head: state.headSeq) }
      seq = n
    case .time(let t):
      do {
        seq = try store.seq(atOrBefore: t, on: branch)
      } catch {
        throw .store(error)
      }
      time = t
    }
    let view = seq == state.headSeq ? state : try loadState(upTo: seq)
    return (view, time)
  }

  /// The JSON document a query yields on `state` (SPEC §5).
  func document(_ query: Query, state: State, asOfTime: Timestamp?) throws(EngineError) -> JSON {
    switch query {
    case .matrix(let dept):
      if let dept, !state.departments.contains(dept) {
        throw .unknownDepartment(dept, known: state.departments)
      }
      return MatrixDocument.make(state, dept: dept)
    case .history(let filter):
      return try history(filter, upTo: state.headSeq)
    case .show(let seq):
      return try show(seq, upTo: state.headSeq)
    case .culture: throw .notYet("culture")
    case .employees: throw .notYet("employees")
    case .customers: throw .notYet("customers")
    case .partners: throw .notYet("partners")
    case .champions: throw .notYet("champions")
    case .team: throw .notYet("team")
    case .promises: throw .notYet("promises")
    case .stresses: throw .notYet("stresses")
    case .plan: throw .notYet("plan")
    case .atRisk: throw .notYet("at-risk")
    case .who: throw .notYet("who")
    case .trend: throw .notYet("trend")
    }
  }

  /// Resolves a history bound to a seq.
  func seq(of point: Point, rounding: FloorOrCeiling) throws(EngineError) -> Int {
    switch point {
    case .seq(let n): return n
    case .time(let t):
      do {
        // `since=T` starts at the first event at or after T: the one after the
        // last event before T (times are whole seconds; many events may share T).
        if rounding == .ceiling {
          return try store.seq(atOrBefore: Timestamp(seconds: t.seconds - 1), on: branch) + 1
        }
        return try store.seq(atOrBefore: t, on: branch)
      } catch {
        throw .store(error)
      }
    }
  }

  enum FloorOrCeiling { case floor, ceiling }

  /// `history …`: the audit trail (SPEC §5).
  func history(_ filter: HistoryFilter, upTo head: Int) throws(EngineError) -> JSON {
    let from = try filter.since.map { p throws(EngineError) in try seq(of: p, rounding: .ceiling) } ?? 1
    let to = min(head, try filter.until.map { p throws(EngineError) in try seq(of: p, rounding: .floor) } ?? head)
    var items = [JSON]()
    var failure: EngineError?
    let retracted = state.retracted
    do {
      try store.read(branch, from: max(1, from), to: to) { envelope in
        guard failure == nil else { return }
        if let type = filter.type, envelope.type != type.rawValue { return }
        let event: Event
        do throws(EventDecodingError) { event = try envelope.decoded() } catch {
          failure = .unreadable(error, seq: envelope.seq)
          return
        }
        if let who = filter.who, !event.ids.contains(who) { return }
        items.append(Session.summaryItem(envelope, event: event, retracted: retracted.contains(envelope.seq)))
        if let last = filter.last, items.count > last * 2 { items.removeFirst(items.count - last) }
      }
    } catch {
      throw .store(error)
    }
    if let failure { throw failure }
    if let last = filter.last, items.count > last { items.removeFirst(items.count - last) }
    return .object(JSONObject([("count", .int(items.count)), ("items", .array(items))]))
  }

  static func summaryItem(_ envelope: Envelope, event: Event, retracted: Bool) -> JSON {
    .object(
      JSONObject([
        ("seq", .int(envelope.seq)), ("type", .string(envelope.type)),
        ("occurredAt", .string(envelope.occurredAt.iso)), ("recordedAt", .string(envelope.recordedAt)),
        ("actor", .string(envelope.actor)), ("origin", .string(envelope.origin)),
        ("summary", .string(event.summary)), ("retracted", .bool(retracted)),
      ]))
  }

  /// `show @N`: the whole envelope plus whether it is retracted.
  func show(_ seq: Int, upTo head: Int) throws(EngineError) -> JSON {
    guard seq <= head else { throw .noEvent(seq, head: head) }
    let found: Envelope?
    do { found = try store.event(branch, seq: seq) } catch { throw .store(error) }
    guard let envelope = found, case .object(var object) = envelope.json else { throw .noEvent(seq, head: head) }
    object["retracted"] = .bool(state.retracted.contains(seq))
    return .object(object)
  }
}
