import EthosDomain
import EthosJSON

/// The list queries of SPEC §5: `{"count": n, "items": [...]}` over the
/// entities of the state, with their derived figures.
public enum ListDocuments {
  /// `{"count": n, "items": items}`.
  public static func list(_ items: [JSON]) -> JSON {
    .object(JSONObject([("count", .int(items.count)), ("items", .array(items))]))
  }

  // MARK: parties

  /// `employees [all]`: active employees (all of them with `all`), in hire order.
  public static func employees(_ state: State, all: Bool) -> JSON {
    list(sortedEmployees(state).filter { all || $0.active }.map(employee))
  }

  /// Employees in hire order.
  static func sortedEmployees(_ state: State) -> [Employee] {
    state.employees.values.sorted { ($0.hiredSeq, $0.id) < ($1.hiredSeq, $1.id) }
  }

  /// One employee with its figures.
  public static func employee(_ e: Employee) -> JSON {
    .object(
      JSONObject([
        ("id", .string(e.id)), ("name", .string(e.name)), ("dept", .string(e.dept)), ("role", .optional(e.role)),
        ("level", .string(e.level.rawValue)), ("facing", .bool(e.facing)),
        ("orientation", .int(e.orientation)), ("skills", .int(e.skills)),
        ("champion", .bool(e.champion)), ("team", .bool(e.onTeam)),
        ("served", .int(e.served.n)), ("meanServed", .optional(Rounding.round(e.served.mean))),
        ("received", .int(e.receivedStaff.n)), ("meanReceived", .optional(Rounding.round(e.receivedStaff.mean))),
        ("trained", .array(TrainingTopic.allCases.filter { e.trained.contains($0) }.map { .string($0.rawValue) })),
        ("active", .bool(e.active)), ("hiredAt", .string(e.hiredAt.iso)), ("departedAt", .optional(e.departedAt?.iso)),
      ]))
  }

  /// `customers [all]`: active customers (all of them with `all`), in registration order.
  public static func customers(_ state: State, all: Bool) -> JSON {
    list(sortedCustomers(state).filter { all || $0.active }.map(customer))
  }

  static func sortedCustomers(_ state: State) -> [Customer] {
    state.customers.values.sorted { ($0.registeredSeq, $0.id) < ($1.registeredSeq, $1.id) }
  }

  /// One customer with its figures.
  public static func customer(_ c: Customer) -> JSON {
    .object(
      JSONObject([
        ("id", .string(c.id)), ("name", .string(c.name)), ("segment", .optional(c.segment)),
        ("interactions", .int(c.interactions.n)), ("meanOutcome", .optional(Rounding.round(c.interactions.mean))),
        ("lastOutcome", .optional(c.lastOutcome)), ("complaints", .int(c.complaints)),
        ("feedback", .int(c.feedbackCount)),
        (
          "meanFeedback",
          .optional(Rounding.round(c.feedbackCount > 0 ? Double(c.feedbackSum) / Double(c.feedbackCount) : nil))
        ),
        ("openLoops", .int(c.openLoops.count)),
        ("active", .bool(c.active)), ("registeredAt", .string(c.registeredAt.iso)),
        ("lostAt", .optional(c.lostAt?.iso)),
        ("lostReason", .optional(c.lostReason)),
      ]))
  }

  /// `partners`: every partner ever engaged, released ones marked inactive.
  public static func partners(_ state: State) -> JSON {
    list(
      state.partners.values.sorted { ($0.engagedSeq, $0.id) < ($1.engagedSeq, $1.id) }.map(partner))
  }

  /// One partner with the interactions it received.
  public static func partner(_ p: Partner) -> JSON {
    .object(
      JSONObject([
        ("id", .string(p.id)), ("name", .string(p.name)), ("kind", .string(p.kind.rawValue)),
        ("interactions", .int(p.received.n)), ("meanOutcome", .optional(Rounding.round(p.received.mean))),
        ("active", .bool(p.active)), ("engagedAt", .string(p.engagedAt.iso)),
        ("releasedAt", .optional(p.releasedAt?.iso)),
      ]))
  }

  /// `champions`: current champions (active employees), in hire order.
  public static func champions(_ state: State) -> JSON {
    list(
      sortedEmployees(state).filter { $0.active && $0.champion }.map { e in
        .object(
          JSONObject([
            ("id", .string(e.id)), ("name", .string(e.name)), ("dept", .string(e.dept)),
            ("level", .string(e.level.rawValue)), ("area", .optional(e.championArea)),
            ("served", .int(e.served.n)), ("meanServed", .optional(Rounding.round(e.served.mean))),
          ]))
      })
  }

  /// `team`: members of the dedicated service team, in hire order.
  public static func team(_ state: State) -> JSON {
    list(
      sortedEmployees(state).filter { $0.active && $0.onTeam }.map { e in
        .object(
          JSONObject([
            ("id", .string(e.id)), ("name", .string(e.name)), ("dept", .string(e.dept)),
            ("role", .optional(e.role)), ("level", .string(e.level.rawValue)), ("champion", .bool(e.champion)),
          ]))
      })
  }

  /// `at-risk`: active customers whose latest interaction went badly and who
  /// never complained — the ones most likely to leave without a word.
  public static func atRisk(_ state: State) -> JSON {
    list(
      sortedCustomers(state).filter { $0.active && ($0.lastOutcome ?? 0) < 0 && $0.complaints == 0 }.map { c in
        .object(
          JSONObject([
            ("id", .string(c.id)), ("name", .string(c.name)), ("segment", .optional(c.segment)),
            ("lastOutcome", .optional(c.lastOutcome)), ("interactions", .int(c.interactions.n)),
            ("meanOutcome", .optional(Rounding.round(c.interactions.mean))),
            ("feedback", .int(c.feedbackCount)),
            (
              "meanFeedback",
              .optional(Rounding.round(c.feedbackCount > 0 ? Double(c.feedbackSum) / Double(c.feedbackCount) : nil))
            ),
          ]))
      })
  }

  // MARK: promises, stresses, plan

  /// A promise's status as of `time`: `overdue` when open past its due time.
  public static func status(_ promise: Promise, at time: Timestamp?) -> String {
    if promise.status == .open, let time, promise.due < time { return "overdue" }
    return promise.status.rawValue
  }

  /// `promises [open|overdue|kept|broken]`, in the order they were made.
  /// `open` lists every open promise, overdue ones included.
  public static func promises(_ state: State, filter: String?, at time: Timestamp?) -> JSON {
    let items = state.promises.values.sorted { ($0.madeAt, $0.id) < ($1.madeAt, $1.id) }.compactMap {
      p -> JSON? in
      let status = status(p, at: time)
      switch filter {
      case nil: break
      case "open"?: guard p.status == .open else { return nil }
      case let wanted?: guard status == wanted else { return nil }
      }
      return .object(
        JSONObject([
          ("id", .string(p.id)), ("by", .string(p.by)), ("to", .string(p.to)), ("what", .optional(p.what)),
          ("madeAt", .string(p.madeAt.iso)), ("due", .string(p.due.iso)), ("status", .string(status)),
          ("closedAt", .optional(p.closedAt?.iso)),
        ]))
    }
    return list(items)
  }

  /// `stresses [open]`: stress windows in the order they began.
  public static func stresses(_ state: State, openOnly: Bool, at time: Timestamp?) -> JSON {
    list(
      state.stresses.values.sorted { ($0.beganAt, $0.id) < ($1.beganAt, $1.id) }.filter { !openOnly || $0.open }.map {
        s in
        let end = s.endedAt ?? time
        return .object(
          JSONObject([
            ("id", .string(s.id)), ("kind", .string(s.kind.rawValue)), ("severity", .int(s.severity)),
            ("scope", .string(s.scope.description)), ("note", .optional(s.note)),
            ("beganAt", .string(s.beganAt.iso)), ("endedAt", .optional(s.endedAt?.iso)), ("open", .bool(s.open)),
            ("days", .optional(Rounding.round(end.map { $0.days(since: s.beganAt) }))),
          ]))
      })
  }

  /// `plan`: every deficiency with its actions, one row per action (a
  /// deficiency with no action yet is one `unplanned` row).
  public static func plan(_ state: State, at time: Timestamp?) -> JSON {
    var byDeficiency = [String: [Action]]()
    for action in state.actions.values { byDeficiency[action.deficiency, default: []].append(action) }
    var items = [JSON]()
    var readings = [IndicatorName: IndicatorReading]()
    for d in state.deficiencies.values.sorted(by: { ($0.identifiedAt, $0.id) < ($1.identifiedAt, $1.id) }) {
      let indicator = d.area.flatMap(IndicatorName.init(rawValue:))
      var current: Double?
      if let indicator {
        let reading = readings[indicator] ?? CultureDocument.reading(indicator, state, at: time)
        readings[indicator] = reading
        current = reading.value
      }
      let met = indicator.flatMap { name in current.flatMap { now in d.target.map { name.reached(now, target: $0) } } }
      let actions = (byDeficiency[d.id] ?? []).sorted { ($0.plannedAt, $0.id) < ($1.plannedAt, $1.id) }
      func row(_ a: Action?) -> JSON {
        var status = "unplanned"
        if let a {
          if a.doneAt != nil {
            status = "done"
          } else if let time, a.due < time {
            status = "overdue"
          } else {
            status = "open"
          }
        }
        return .object(
          JSONObject([
            ("deficiency", .string(d.id)), ("what", .string(d.what)), ("area", .optional(d.area)),
            ("baseline", .optional(d.baseline)), ("target", .optional(d.target)), ("current", .optional(current)),
            ("met", met.map(JSON.bool) ?? .null),
            ("action", .optional(a?.id)), ("task", .optional(a?.what)), ("owner", .optional(a?.owner)),
            ("due", .optional(a?.due.iso)), ("status", .string(status)), ("doneAt", .optional(a?.doneAt?.iso)),
          ]))
      }
      if actions.isEmpty { items.append(row(nil)) } else { items.append(contentsOf: actions.map(row)) }
    }
    return list(items)
  }
}

extension IndicatorName {
  /// Whether `value` has reached `target` in this indicator's good direction
  /// (at or below it for indicators where less is better).
  public func reached(_ value: Double, target: Double) -> Bool {
    if case .atMost = thresholds { return value <= target }
    return value >= target
  }
}
