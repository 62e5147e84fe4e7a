import EthosDomain
import EthosJSON

/// Good, watch or poor: how an indicator's value reads against its thresholds.
public enum IndicatorStatus: String, Sendable, Equatable {
  case good, watch, poor
}

/// Where an indicator turns from good to watch to poor (SPEC §5).
public enum Thresholds: Sendable, Equatable {
  /// Good at or below `good`, watch at or below `watch`, else poor.
  case atMost(good: Double, watch: Double)
  /// Good at or above `good`, watch at or above `watch`, else poor.
  case atLeast(good: Double, watch: Double)
  /// Reported, never judged.
  case none

  /// The status of `value` (already rounded as the document prints it), or
  /// `nil` for no value or no thresholds.
  public func status(_ value: Double?) -> IndicatorStatus? {
    guard let value else { return nil }
    switch self {
    case .atMost(let good, let watch): return value <= good ? .good : value <= watch ? .watch : .poor
    case .atLeast(let good, let watch): return value >= good ? .good : value >= watch ? .watch : .poor
    case .none: return nil
    }
  }

  /// How the good band reads in a reason: `≤0.25`, `≥0.9`.
  public var goodBand: String {
    switch self {
    case .atMost(let good, _): return "≤" + Thresholds.show(good)
    case .atLeast(let good, _): return "≥" + Thresholds.show(good)
    case .none: return ""
    }
  }

  /// A threshold as people write it: `14`, `0.25`.
  static func show(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : JSON.double(value).compact
  }
}

extension IndicatorName {
  /// The SPEC §5 thresholds of this indicator.
  public var thresholds: Thresholds {
    switch self {
    case .balance: return .atMost(good: 0.25, watch: 0.75)
    case .relationshipShare: return .atLeast(good: 0.4, watch: 0.2)
    case .promiseKeptRate: return .atLeast(good: 0.9, watch: 0.75)
    case .nps: return .atLeast(good: 30, watch: 0)
    case .enps: return .atLeast(good: 20, watch: 0)
    case .perceptionGap: return .atMost(good: 1, watch: 2.5)
    case .silentChurnShare: return .atMost(good: 0.5, watch: 0.8)
    case .complaintMultiplier: return .atMost(good: 2, watch: 5)
    case .followUpRate: return .atLeast(good: 0.9, watch: 0.6)
    case .turnover: return .atMost(good: 0.15, watch: 0.3)
    case .championCoverage: return .atLeast(good: 1, watch: 0.5)
    case .leadershipRecency: return .atMost(good: 14, watch: 45)
    case .talkWalkRatio: return .atMost(good: 1, watch: 2)
    case .tacticLanguage: return .atMost(good: 0, watch: 1)
    case .hiringFit: return .atMost(good: 0, watch: 1)
    case .trainingCoverage: return .atLeast(good: 0.8, watch: 0.5)
    case .happyLink: return .none
    }
  }

  /// Indicators whose value is a count (printed as an integer).
  var isCount: Bool { self == .tacticLanguage || self == .hiringFit }

  /// Decimals the document keeps (SPEC §5: 3, `nps` and `enps` 1).
  var places: Int { self == .nps || self == .enps ? 1 : 3 }
}

/// The `culture` scorecard (SPEC §5): every indicator, its status, and the
/// strategy-or-tactic verdict with the rules that decided it.
public enum CultureDocument {
  /// The indicators that must all be good for a `strategy` verdict.
  public static let strategyRules: [IndicatorName] = [.balance, .leadershipRecency, .championCoverage, .tacticLanguage]
  /// Interactions below which the verdict is `unknown`.
  public static let minimumInteractions = 20

  /// The scorecard of `state`, measured against `asOfTime` (the time of the
  /// `as of T` point), else the time of the last event in view.
  public static func make(_ state: State, asOfTime: Timestamp? = nil) -> JSON {
    let time = asOfTime ?? state.headTime
    let values = self.values(state, at: time)
    var indicators = JSONObject()
    for name in IndicatorName.allCases {
      let value = values[name] ?? nil
      let json: JSON =
        name.isCount ? .optional(value.map { Int($0) }) : .optional(value)
      indicators[name.rawValue] = .object(
        JSONObject([("value", json), ("status", .optional(name.thresholds.status(value)?.rawValue))]))
    }
    let (verdict, reasons) = self.verdict(state, values: values)
    return .object(
      JSONObject([
        ("asOf", .object(JSONObject([("seq", .int(state.headSeq)), ("time", .optional(time?.iso))]))),
        ("verdict", .string(verdict)),
        ("reasons", .array(reasons.map(JSON.string))),
        ("indicators", .object(indicators)),
      ]))
  }

  /// Every indicator's value, rounded as the document prints it (`nil`: no data).
  public static func values(_ state: State, at time: Timestamp?) -> [IndicatorName: Double?] {
    var result = [IndicatorName: Double?]()
    for name in IndicatorName.allCases {
      let raw = value(name, state, at: time)
      result[name] = name.isCount ? raw : Rounding.round(raw, name.places)
    }
    return result
  }

  /// One indicator's exact value (`nil`: no data).
  public static func value(_ name: IndicatorName, _ state: State, at time: Timestamp?) -> Double? {
    let tally = state.tally
    switch name {
    case .balance:
      return MatrixDocument.balance(state.matrix)
    case .relationshipShare:
      let customer = state.matrix.customersNormal.n + state.matrix.customersStress.n
      return ratio(state.matrix.customerRelationship, customer)
    case .promiseKeptRate:
      var overdue = 0
      if let time {
        for promise in state.promises.values where promise.status == .open && promise.due < time { overdue += 1 }
      }
      return ratio(tally.promisesKept, tally.promisesKept + tally.promisesBroken + overdue)
    case .nps:
      return netScore(promoters: tally.feedbackPromoters, detractors: tally.feedbackDetractors, of: tally.feedbackResponses)
    case .enps:
      return netScore(promoters: tally.pulsePromoters, detractors: tally.pulseDetractors, of: tally.pulseResponses)
    case .perceptionGap:
      var customer = state.matrix.customersNormal
      customer.n += state.matrix.customersStress.n
      customer.sum += state.matrix.customersStress.sum
      guard let outcome = customer.mean, tally.feedbackResponses > 0 else { return nil }
      return (outcome + 2) * 2.5 - Double(tally.feedbackScoreSum) / Double(tally.feedbackResponses)
    case .silentChurnShare:
      var lost = 0
      var silent = 0
      for customer in state.customers.values where !customer.active {
        lost += 1
        if customer.complaints == 0 { silent += 1 }
      }
      return ratio(silent, lost)
    case .complaintMultiplier:
      var withProblem = 0
      var complained = 0
      for customer in state.customers.values {
        if customer.complaints > 0 { complained += 1 }
        if customer.complaints > 0 || customer.hadLowFeedback || customer.hadNegativeInteraction || !customer.active {
          withProblem += 1
        }
      }
      return ratio(withProblem, complained)
    case .followUpRate:
      var stale = 0
      if let time {
        for customer in state.customers.values {
          for opened in customer.openLoops where time.seconds - opened.seconds > 48 * 3600 { stale += 1 }
        }
      }
      return ratio(tally.loopsClosedWithin48h, tally.loopsClosed + stale)
    case .turnover:
      return ratio(tally.departures, tally.hires)
    case .championCoverage:
      var staffed = Set<String>()
      var championed = Set<String>()
      for employee in state.employees.values where employee.active {
        staffed.insert(employee.dept)
        if employee.champion { championed.insert(employee.dept) }
      }
      return ratio(championed.count, staffed.count)
    case .leadershipRecency:
      guard let last = tally.lastLead, let time else { return nil }
      return time.days(since: last)
    case .talkWalkRatio:
      let walk = tally.leads + tally.trainings + tally.actionsDone
      guard tally.says > 0 || walk > 0 else { return nil }
      return Double(tally.says) / Double(max(1, walk))
    case .tacticLanguage:
      // A count: nothing said is nothing tactical said.
      return Double(tally.tacticStatements)
    case .hiringFit:
      // A count, like tacticLanguage: no weak hire is 0, not "no data".
      var unfit = 0
      for employee in state.employees.values where employee.active && employee.facing && employee.skills <= 2 {
        unfit += 1
      }
      return Double(unfit)
    case .trainingCoverage:
      var facing = 0
      var trained = 0
      for employee in state.employees.values where employee.active && employee.facing {
        facing += 1
        if !employee.trained.isEmpty { trained += 1 }
      }
      return ratio(trained, facing)
    case .happyLink:
      var pairs = [(Double, Double)]()
      // In id order, so the sums (and so the last digit) never depend on hashing.
      for employee in state.employees.values.sorted(by: { $0.id < $1.id }) where employee.active {
        guard let received = employee.receivedStaff.mean, let served = employee.servedCustomers.mean else { continue }
        pairs.append((received, served))
      }
      return pearson(pairs)
    }
  }

  /// `strategy`, `tactic` or `unknown`, and the rules that decided it.
  static func verdict(_ state: State, values: [IndicatorName: Double?]) -> (String, [String]) {
    let interactions = state.matrix.interactions
    if interactions < minimumInteractions {
      return (
        "unknown",
        ["\(interactions) interaction\(interactions == 1 ? "" : "s") logged — a verdict needs at least \(minimumInteractions)"]
      )
    }
    var failing = [String]()
    var passing = [String]()
    for name in strategyRules {
      let value = values[name] ?? nil
      let band = name.thresholds.goodBand
      guard let value else {
        failing.append("\(name.rawValue) has no data (good is \(band))")
        continue
      }
      let shown = name.isCount ? String(Int(value)) : JSON.double(value).compact
      let status = name.thresholds.status(value) ?? .poor
      if status == .good {
        passing.append("\(name.rawValue) \(shown) is good (\(band))")
      } else {
        failing.append("\(name.rawValue) \(shown) is \(status.rawValue) (good is \(band))")
      }
    }
    return failing.isEmpty ? ("strategy", passing) : ("tactic", failing)
  }

  static func ratio(_ part: Int, _ whole: Int) -> Double? {
    whole > 0 ? Double(part) / Double(whole) : nil
  }

  static func netScore(promoters: Int, detractors: Int, of responses: Int) -> Double? {
    responses > 0 ? 100 * Double(promoters - detractors) / Double(responses) : nil
  }

  /// Pearson's r, or `nil` under 3 pairs or when either side does not vary.
  public static func pearson(_ pairs: [(Double, Double)]) -> Double? {
    guard pairs.count >= 3 else { return nil }
    let n = Double(pairs.count)
    let meanX = pairs.reduce(0) { $0 + $1.0 } / n
    let meanY = pairs.reduce(0) { $0 + $1.1 } / n
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for (x, y) in pairs {
      sxy += (x - meanX) * (y - meanY)
      sxx += (x - meanX) * (x - meanX)
      syy += (y - meanY) * (y - meanY)
    }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
  }
}
