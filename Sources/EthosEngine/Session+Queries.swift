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
  /// A query's document, its sealed personal fields shown (SPEC §13).
  func document(_ query: Query, state: State, asOfTime: Timestamp?) throws(EngineError) -> JSON {
    keyring.reveal(try sealedDocument(query, state: state, asOfTime: asOfTime))
  }

  /// A query's document as the state holds it (personal fields sealed).
  func sealedDocument(_ query: Query, state: State, asOfTime: Timestamp?) throws(EngineError) -> JSON {
    switch query {
    case .matrix(let dept, let window):
      if let dept, !state.departments.contains(dept) {
        throw .unknownDepartment(dept, known: state.departments)
      }
      guard let window else { return MatrixDocument.make(state, dept: dept) }
      let (narrowed, _) = try windowed(state, asOfTime: asOfTime, window: window)
      return MatrixDocument.make(narrowed, dept: dept, window: window.text)
    case .history(let filter):
      return try history(filter, upTo: state.headSeq, retracted: state.retracted)
    case .show(let seq):
      return try show(seq, upTo: state.headSeq, retracted: state.retracted)
    case .culture(let window):
      guard let window else { return CultureDocument.make(state, asOfTime: asOfTime) }
      let (narrowed, bounds) = try windowed(state, asOfTime: asOfTime, window: window)
      return CultureDocument.make(narrowed, asOfTime: asOfTime, window: bounds)
    case .employees(let all):
      return ListDocuments.employees(state, all: all)
    case .customers(let all):
      return ListDocuments.customers(state, all: all)
    case .partners:
      return ListDocuments.partners(state)
    case .champions:
      return ListDocuments.champions(state)
    case .team:
      return ListDocuments.team(state)
    case .promises(let filter):
      return ListDocuments.promises(state, filter: filter?.rawValue, at: asOfTime ?? state.headTime)
    case .stresses(let openOnly):
      return ListDocuments.stresses(state, openOnly: openOnly, at: asOfTime ?? state.headTime)
    case .plan:
      return ListDocuments.plan(state, at: asOfTime ?? state.headTime)
    case .atRisk:
      return ListDocuments.atRisk(state)
    case .who(let id):
      return try who(id, state: state)
    case .trend(let path, let by):
      return try trend(path, by: by, state: state, asOfTime: asOfTime)
    }
  }

  // MARK: window

  /// `view` narrowed to `window` (SPEC §5): who is active, departments,
  /// champions and every lifecycle fact as of `view`, but only the
  /// observations in (end − window, end], end being `asOfTime` or the time
  /// of `view`'s last event. Folded from the state just before the window,
  /// its observations cleared, so a snapshot serves the window too.
  func windowed(_ view: State, asOfTime: Timestamp?, window: TimeSpan) throws(EngineError) -> (State, CultureWindow) {
    guard let end = asOfTime ?? view.headTime else {
      return (view, CultureWindow(text: window.text, start: Timestamp(seconds: 0)))
    }
    let start = Timestamp(seconds: end.seconds - window.seconds)
    let before: Int
    do { before = min(try store.seq(atOrBefore: start, on: branch), view.headSeq) } catch { throw .store(error) }
    let state: State
    do {
      state = try projector.window(of: branch, after: before, through: view.headSeq, remembering: true)
    } catch {
      throw .store(error)
    }
    return (state, CultureWindow(text: window.text, start: start))
  }

  // MARK: who

  /// `who ID`: a party's profile and figures, and its last 20 events.
  func who(_ id: String, state: State) throws(EngineError) -> JSON {
    let profile: JSON
    let recent: [Int]
    let kind: String
    switch state.owners[id] {
    case .employee?:
      guard let employee = state.employees[id] else { throw .unknownId(id, candidates: []) }
      (kind, profile, recent) = ("employee", ListDocuments.employee(employee), employee.recent)
    case .customer?:
      guard let customer = state.customers[id] else { throw .unknownId(id, candidates: []) }
      (kind, profile, recent) = ("customer", ListDocuments.customer(customer), customer.recent)
    case .partner?:
      guard let partner = state.partners[id] else { throw .unknownId(id, candidates: []) }
      (kind, profile, recent) = ("partner", ListDocuments.partner(partner), partner.recent)
    case let owner?:
      throw .notAParty(id, owner: owner.rawValue)
    case nil:
      let parties = Array(state.employees.keys) + Array(state.customers.keys) + Array(state.partners.keys)
      throw .unknownId(id, candidates: parties.sorted())
    }
    var events = [JSON]()
    for seq in recent where seq <= state.headSeq {
      let found: Envelope?
      do { found = try store.event(branch, seq: seq) } catch { throw .store(error) }
      guard let envelope = found else { continue }
      let event: Event
      do throws(EventDecodingError) { event = try envelope.decoded() } catch { throw .unreadable(error, seq: seq) }
      events.append(Session.summaryItem(envelope, event: event, retracted: state.retracted.contains(seq)))
    }
    return .object(
      JSONObject([
        ("id", .string(id)), ("kind", .string(kind)), ("profile", profile),
        ("events", .object(JSONObject([("count", .int(events.count)), ("items", .array(events))]))),
      ]))
  }

  // MARK: trend

  /// `trend PATH [by=…]`: PATH evaluated per bucket of business time, each
  /// over the observation events inside its bucket, with every party (and
  /// every lifecycle fact) as it stood at the bucket's end (SPEC §5).
  func trend(_ path: String, by: TrendBucket, state view: State, asOfTime: Timestamp?) throws(EngineError) -> JSON {
    try trends([path], by: by, state: view, asOfTime: asOfTime)[0]
  }

  /// `trend` of several paths in one pass over the log (the report's charts).
  func trends(_ paths: [String], by: TrendBucket, state view: State, asOfTime: Timestamp?) throws(EngineError) -> [JSON]
  {
    for path in paths {
      let head = path.split(separator: ".").first.map(String.init) ?? ""
      guard !["trend", "who", "history", "show"].contains(head) else {
        throw .notTrendable(path)
      }
      // A trend follows a number: refuse an object, a list or a word up front.
      switch try value(at: path, state: view, asOfTime: asOfTime) {
      case .int, .double, .null: break
      case .object(let object):
        throw .trendOfObject(path, keys: object.keys, hasValue: object["value"] != nil)
      case .array:
        throw .trendOfList(path)
      default:
        throw .trendOfWord(path)
      }
    }
    var points = [[JSON]](repeating: [], count: paths.count)
    let first: Envelope?
    do { first = view.headSeq > 0 ? try store.event(branch, seq: 1) : nil } catch { throw .store(error) }
    if let end = asOfTime ?? view.headTime, let first {
      let unit = TrendBuckets.Unit(rawValue: by.rawValue) ?? .week
      // Each bucket is a point of the document and a figure computed: a log
      // spanning millennia by day would need gigabytes (SPEC §7).
      let span = Session.bucketCount(from: first.occurredAt.clamped, through: end.clamped, by: unit)
      guard span <= Session.maxTrendBuckets else {
        throw .tooManyBuckets(span, by: by.rawValue, from: first.occurredAt.clamped, to: end.clamped)
      }
      let buckets = TrendBuckets.make(from: first.occurredAt.clamped, through: end.clamped, by: unit)
      // One pass, O(state) memory: `point` folds every event of the current
      // bucket on top of `base`, which keeps lifecycle facts only, so each
      // bucket counts its own observations with parties as they stood. Both
      // fold the log as `view` knows it.
      let fold: LogFold
      do { fold = try projector.rebuild(branch).fold(knownBy: view.headSeq) } catch { throw .store(error) }
      var base = State()
      var point = base
      var index = 0
      var failure: EngineError?
      func close() throws(EngineError) {
        let bucket = buckets[index]
        for (i, path) in paths.enumerated() {
          let value = try self.value(at: path, state: point, asOfTime: min(bucket.to, end))
          points[i].append(
            .object(JSONObject([("from", .string(bucket.from.iso)), ("to", .string(bucket.to.iso)), ("value", value)])))
        }
        point = base
        index += 1
      }
      do {
        try store.read(branch, from: 1, to: view.headSeq) { envelope in
          guard failure == nil else { return }
          do throws(EngineError) {
            let recorded: RecordedEvent
            do throws(EventDecodingError) { recorded = try envelope.recorded() } catch {
              throw .unreadable(error, seq: envelope.seq)
            }
            while index < buckets.count, recorded.occurredAt >= buckets[index].to { try close() }
            fold.evolve(&point, recorded)
            if !recorded.event.type.isObservation { fold.evolve(&base, recorded) }
          } catch {
            failure = error
          }
        }
      } catch {
        throw .store(error)
      }
      if let failure { throw failure }
      while index < buckets.count { try close() }
    } else {
      for path in paths { _ = try value(at: path, state: view, asOfTime: asOfTime) }
    }
    return zip(paths, points).map { path, points in
      .object(JSONObject([("path", .string(path)), ("by", .string(by.rawValue)), ("points", .array(points))]))
    }
  }

  /// The most points a `trend` yields.
  static let maxTrendBuckets = 10_000

  /// How many buckets of `unit` run from `start` to `end` (at most one more
  /// than the buckets `TrendBuckets.make` would make), computed without making them.
  static func bucketCount(from start: Timestamp, through end: Timestamp, by unit: TrendBuckets.Unit) -> Int {
    guard end >= start else { return 0 }
    switch unit {
    case .day: return Int((end.seconds - start.seconds) / 86_400) + 2
    case .week: return Int((end.seconds - start.seconds) / (7 * 86_400)) + 2
    case .month:
      let (y1, m1, _) = start.civil
      let (y2, m2, _) = end.civil
      return (y2 - y1) * 12 + (m2 - m1) + 1
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
  func history(_ filter: HistoryFilter, upTo head: Int, retracted: Set<Int>) throws(EngineError) -> JSON {
    var items = [JSON]()
    try forEachHistoryItem(filter, upTo: head, retracted: retracted) { item in
      items.append(item)
      if let last = filter.last, items.count > last * 2 { items.removeFirst(items.count - last) }
    }
    if let last = filter.last, items.count > last { items.removeFirst(items.count - last) }
    return .object(JSONObject([("count", .int(items.count)), ("items", .array(items))]))
  }

  /// Calls `body` with each item of the audit trail `filter` selects, in order.
  func forEachHistoryItem(
    _ filter: HistoryFilter, upTo head: Int, retracted: Set<Int>, _ body: (JSON) -> Void
  ) throws(EngineError) {
    if let who = filter.who, state.owners[who] == nil, who != "company" {
      throw .unknownId(who, candidates: state.owners.keys.sorted())
    }
    let from = try filter.since.map { p throws(EngineError) in try seq(of: p, rounding: .ceiling) } ?? 1
    let to = min(head, try filter.until.map { p throws(EngineError) in try seq(of: p, rounding: .floor) } ?? head)
    var failure: EngineError?
    // `who=ID` follows ID in every role: the events naming it, then the
    // events naming what those created (a promise to ID kept, an action ID
    // owns done) and the retractions of any of them.
    var watched = Set(filter.who.map { [$0] } ?? [])
    var matched = Set<Int>()
    // A retraction can name an event before `since=`: start reading at @1.
    let readFrom = filter.who == nil ? max(1, from) : 1
    do {
      try store.read(branch, from: readFrom, to: to) { envelope in
        guard failure == nil else { return }
        if filter.who == nil, let type = filter.type, envelope.type != type.rawValue { return }
        let event: Event
        do throws(EventDecodingError) { event = try envelope.decoded() } catch {
          failure = .unreadable(error, seq: envelope.seq)
          return
        }
        if filter.who != nil {
          let ids = event.ids
          var names = ids.contains(where: watched.contains)
          if case .eventRetracted(let target, _) = event, matched.contains(target) { names = true }
          guard names else { return }
          matched.insert(envelope.seq)
          watched.formUnion(event.createdIds)
          if envelope.seq < from { return }
          if let type = filter.type, envelope.type != type.rawValue { return }
        }
        body(Session.summaryItem(envelope, event: event, retracted: retracted.contains(envelope.seq)))
      }
    } catch {
      throw .store(error)
    }
    if let failure { throw failure }
  }

  /// Prints `history`: whole when short (or cut by `last=`), else streamed a
  /// chunk at a time (SPEC §7: a million events would otherwise be held as
  /// documents and lines at once). A streamed table aligns each chunk alone.
  func printHistory(_ filter: HistoryFilter) throws(EngineError) {
    let query = Query.history(filter)
    var count = 0
    if filter.last == nil {
      try forEachHistoryItem(filter, upTo: state.headSeq, retracted: state.retracted) { _ in count += 1 }
    }
    guard filter.last == nil, count > historyChunk else {
      render(try document(query, state: state, asOfTime: nil), query: query)
      return
    }
    var chunk = [JSON]()
    var first = true
    // Compact JSON (JSON Lines, for a program) is one line: written a chunk
    // of items at a time, ended once.
    let oneLine = settings.format == .json && !settings.prettyJSON
    func flush(last: Bool) {
      if oneLine {
        var text = first ? "{\"count\":\(count),\"items\":[" : ","
        text += chunk.map(\.compact).joined(separator: ",")
        if last { console.out(text + "]}") } else { console.outPart(text) }
        console.flush()
        chunk.removeAll(keepingCapacity: true)
        first = false
        return
      }
      let document = JSON.object(JSONObject([("count", .int(count)), ("items", .array(chunk))]))
      var lines = Renderer.render(document, query: query, format: settings.format, color: settings.color)[...]
      switch settings.format {
      case .json:
        // `{`, `"count": N,`, `"items": [` … `]`, `}`: items continue across chunks.
        if !first { lines = lines.dropFirst(3) }
        if !last {
          lines = lines.dropLast(2)
          if let end = lines.indices.last { lines[end] += "," }
        }
      case .csv:
        if !first { lines = lines.dropFirst(1) }
      case .table:
        if !first { lines = lines.dropFirst(2) }
      }
      for line in lines { emit(line) }
      console.flush()
      chunk.removeAll(keepingCapacity: true)
      first = false
    }
    var seen = 0
    try forEachHistoryItem(filter, upTo: state.headSeq, retracted: state.retracted) { item in
      // Events appended meanwhile by another writer are not in the count.
      guard seen < count else { return }
      seen += 1
      chunk.append(keyring.reveal(item))
      if chunk.count == historyChunk, seen < count { flush(last: false) }
    }
    flush(last: true)
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

  /// What `show` prints in place of who gave a version 1 pulse answer.
  static let withheld = "(withheld: pulse answers are anonymous)"

  /// `show @N`: the whole envelope plus whether it is retracted.
  func show(_ seq: Int, upTo head: Int, retracted: Set<Int>) throws(EngineError) -> JSON {
    guard seq <= head else { throw .noEvent(seq, head: head) }
    let found: Envelope?
    do { found = try store.event(branch, seq: seq) } catch { throw .store(error) }
    guard let envelope = found, case .object(var object) = envelope.json else { throw .noEvent(seq, head: head) }
    object["retracted"] = .bool(retracted.contains(seq))
    // A version 1 pulse answer named its employee: answers are anonymous now,
    // so the name is withheld here (the stored bytes, and so the hash, stay).
    if envelope.type == EventType.pulseRecorded.rawValue, envelope.version == 1,
      case .object(var data)? = object["data"], data["employee"] != nil
    {
      data["employee"] = .string(Session.withheld)
      object["data"] = .object(data)
      object["command"] = .string(Session.withheld)
    }
    // The auditor's links: who retracted this event and why; what a retraction retracts.
    if retracted.contains(seq) {
      var by: JSON?
      do {
        try store.read(branch, from: seq + 1, to: head) { later in
          guard by == nil, later.type == EventType.eventRetracted.rawValue,
            case .eventRetracted(let target, let reason)? = try? later.decoded(), target == seq
          else { return }
          by = .object(
            JSONObject([("seq", .int(later.seq)), ("actor", .string(later.actor)), ("reason", .string(reason))]))
        }
      } catch {
        throw .store(error)
      }
      if let by { object["retractedBy"] = by }
    }
    if envelope.type == EventType.eventRetracted.rawValue,
      case .eventRetracted(let target, _)? = try? envelope.decoded()
    {
      let targetEnvelope: Envelope?
      do { targetEnvelope = try store.event(branch, seq: target) } catch { throw .store(error) }
      var link = JSONObject([("seq", .int(target))])
      if let targetEnvelope {
        link["type"] = .string(targetEnvelope.type)
        link["actor"] = .string(targetEnvelope.actor)
        if let event = try? targetEnvelope.decoded() { link["summary"] = .string(event.summary) }
      }
      object["retracts"] = .object(link)
    }
    return .object(object)
  }
}
