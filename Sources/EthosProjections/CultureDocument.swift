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

  /// How the poor band reads in a reason: `above 0.75`, `below 0`.
  public var poorBand: String {
    switch self {
    case .atMost(_, let watch): return "above " + Thresholds.show(watch)
    case .atLeast(_, let watch): return "below " + Thresholds.show(watch)
    case .none: return ""
    }
  }

  /// A threshold as people write it: `14`, `0.25`.
  public static func show(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : JSON.double(value).compact
  }
}

extension IndicatorName {
  /// The SPEC §5 (scorecard version 2) thresholds of this indicator.
  public var thresholds: Thresholds {
    switch self {
    case .balance: return .atMost(good: 0.25, watch: 0.75)
    case .floor: return .atLeast(good: 0.5, watch: 0)
    case .relationshipShare: return .atLeast(good: 0.4, watch: 0.2)
    case .promiseKeptRate: return .atLeast(good: 0.9, watch: 0.75)
    case .nps: return .atLeast(good: 30, watch: 0)
    case .enps: return .atLeast(good: 20, watch: 0)
    case .perceptionGap: return .atMost(good: 0.1, watch: 0.25)
    case .silentChurnShare: return .atMost(good: 0.5, watch: 0.8)
    case .complaintMultiplier: return .atMost(good: 2, watch: 5)
    case .followUpRate: return .atLeast(good: 0.9, watch: 0.6)
    case .turnover: return .atMost(good: 0.15, watch: 0.3)
    case .championCoverage: return .atLeast(good: 1, watch: 0.5)
    case .leadershipRecency: return .atMost(good: 14, watch: 45)
    case .talkWalkRatio: return .atMost(good: 1, watch: 2)
    case .tacticLanguage: return .atMost(good: 0, watch: 1)
    case .hiringFit: return .atMost(good: 0, watch: 0.2)
    case .trainingCoverage: return .atLeast(good: 0.8, watch: 0.5)
    case .happyLink: return .none
    }
  }

  /// The smallest sample (`n`) on which the status is judged (SPEC §5).
  public var minimumSample: Int {
    switch self {
    case .balance, .floor, .promiseKeptRate, .enps, .perceptionGap, .followUpRate, .turnover: return 5
    case .relationshipShare, .nps, .happyLink: return 10
    case .silentChurnShare, .complaintMultiplier: return 3
    case .championCoverage, .leadershipRecency, .talkWalkRatio, .hiringFit, .trainingCoverage: return 1
    case .tacticLanguage: return 0
    }
  }

  /// Whether `window=` narrows this indicator (the "W" of SPEC §5).
  public var windowed: Bool {
    switch self {
    case .turnover, .championCoverage, .leadershipRecency, .hiringFit, .trainingCoverage: return false
    default: return true
    }
  }

  /// What the indicator measures, in a few words (`help culture`).
  public var meaning: String {
    switch self {
    case .balance: return "highest minus lowest box mean of the matrix"
    case .floor: return "lowest mean of a box with 5+ interactions"
    case .relationshipShare: return "customer interactions in relationship mode"
    case .promiseKeptRate: return "kept / (kept + broken + overdue) promises"
    case .nps: return "customers' Net Promoter Score (feedback)"
    case .enps: return "staff's anonymous pulse NPS, from 5 answers"
    case .perceptionGap: return "staff's positive share minus customers' 7+"
    case .silentChurnShare: return "lost customers who never complained"
    case .complaintMultiplier: return "customers with a problem per complainer"
    case .followUpRate: return "complaints and low scores closed within 48h"
    case .turnover: return "departures / staff over the last 365 days"
    case .championCoverage: return "departments of 3+ with an active champion"
    case .leadershipRecency: return "days since a leader last acted ('lead')"
    case .talkWalkRatio: return "say / (lead + train + done)"
    case .tacticLanguage: return "statements talking of service as a tactic"
    case .hiringFit: return "customer-facing staff of orientation 1-2"
    case .trainingCoverage: return "customer-facing staff trained in a topic"
    case .happyLink: return "r of treatment received vs service given"
    }
  }

  /// Indicators whose value is a count (printed as an integer).
  var isCount: Bool { self == .tacticLanguage }

  /// Decimals the document keeps (SPEC §5: 3, `nps` and `enps` 1).
  var places: Int { self == .nps || self == .enps ? 1 : 3 }
}

/// One indicator as measured: its value (rounded as the document prints it),
/// the sample it rests on, and its status (`nil` below the minimum sample).
public struct IndicatorReading: Sendable, Equatable {
  public var value: Double?
  public var n: Int
  public var status: IndicatorStatus?
}

/// Where `window=` starts and how it is written (SPEC §5).
public struct CultureWindow: Sendable, Equatable {
  /// As written: `90d`.
  public var text: String
  /// Observations at or before this time are outside the window.
  public var start: Timestamp

  public init(text: String, start: Timestamp) {
    self.text = text
    self.start = start
  }
}

/// The `culture` scorecard, version 2 (SPEC §5): every indicator with its
/// value, status and sample, and the strategy-or-tactic verdict with the
/// rules that decided it.
public enum CultureDocument {
  /// The indicators that must all be good for a `strategy` verdict
  /// (`championCoverage` may also be `null`).
  public static let strategyRules: [IndicatorName] = [.balance, .floor, .leadershipRecency, .tacticLanguage]
  /// Red flags that make a culture a tactic on any amount of data, with what each one says.
  public static let redFlags: [(IndicatorName, String)] = [
    (.floor, "a box of the matrix is filled negatively"),
    (.tacticLanguage, "service is talked about as a tactic"),
    (.talkWalkRatio, "more talk than action"),
    (.leadershipRecency, "leaders have not acted lately"),
    (.nps, "customers would not recommend the organization"),
    (.silentChurnShare, "customers leave without complaining"),
  ]
  /// Interactions in view from which never a `lead` is a red flag.
  public static let leaderlessInteractions = 20
  /// Interactions each box of the matrix needs before a culture can be a strategy.
  public static let minimumCell = 5
  /// A department counts for coverage with this many active employees.
  public static let countedDepartment = 3

  /// The scorecard of `state`, measured against `asOfTime` (the time of the
  /// `as of T` point), else the time of the last event in view. With
  /// `window`, `state` holds only the window's observations (see
  /// ``State/clearObservations()``) and the window is reported.
  public static func make(_ state: State, asOfTime: Timestamp? = nil, window: CultureWindow? = nil) -> JSON {
    let time = asOfTime ?? state.headTime
    let readings = self.readings(state, at: time, window: window)
    var indicators = JSONObject()
    for name in IndicatorName.allCases {
      guard let reading = readings[name] else { continue }
      let value: JSON = name.isCount ? .optional(reading.value.map { Int($0) }) : .optional(reading.value)
      indicators[name.rawValue] = .object(
        JSONObject([("value", value), ("status", .optional(reading.status?.rawValue)), ("n", .int(reading.n))]))
    }
    let (verdict, reasons) = self.verdict(state, readings: readings)
    return .object(
      JSONObject([
        ("asOf", .object(JSONObject([("seq", .int(state.headSeq)), ("time", .optional(time?.iso))]))),
        ("window", .optional(window?.text)),
        ("verdict", .string(verdict)),
        ("reasons", .array(reasons.map(JSON.string))),
        ("indicators", .object(indicators)),
      ]))
  }

  /// Every indicator's reading.
  public static func readings(_ state: State, at time: Timestamp?, window: CultureWindow? = nil) -> [IndicatorName:
    IndicatorReading]
  {
    var result = [IndicatorName: IndicatorReading]()
    for name in IndicatorName.allCases { result[name] = reading(name, state, at: time, window: window) }
    return result
  }

  /// Every indicator's value, rounded as the document prints it (`nil`: no data).
  public static func values(_ state: State, at time: Timestamp?) -> [IndicatorName: Double?] {
    readings(state, at: time).mapValues(\.value)
  }

  /// One indicator's reading: its rounded value, its sample and its status.
  public static func reading(
    _ name: IndicatorName, _ state: State, at time: Timestamp?, window: CultureWindow? = nil
  ) -> IndicatorReading {
    let (raw, n) = measure(name, state, at: time, window: window)
    let value = name.isCount ? raw : Rounding.round(raw, name.places)
    var status = n >= name.minimumSample ? name.thresholds.status(value) : nil
    // Problems and no complainer: the customers who "just go away" (seed 004).
    if name == .complaintMultiplier, value == nil, n >= name.minimumSample { status = .poor }
    return IndicatorReading(value: value, n: n, status: status)
  }

  /// One indicator's exact value (`nil`: no data) and the sample it rests on.
  static func measure(
    _ name: IndicatorName, _ state: State, at time: Timestamp?, window: CultureWindow?
  ) -> (Double?, Int) {
    let tally = state.tally
    let matrix = state.matrix
    let cells = MatrixDocument.order.map { matrix[$0.0, $0.1] }
    switch name {
    case .balance:
      return (MatrixDocument.balance(matrix), cells.map(\.n).min() ?? 0)
    case .floor:
      let judged = cells.filter { $0.n >= minimumCell }
      guard let lowest = judged.min(by: { ($0.mean ?? 0) < ($1.mean ?? 0) }) else { return (nil, 0) }
      return (lowest.mean, lowest.n)
    case .relationshipShare:
      let customer = matrix.customersNormal.n + matrix.customersStress.n
      return (ratio(matrix.customerRelationship, customer), customer)
    case .promiseKeptRate:
      var kept = 0
      var missed = 0
      for promise in state.promises.values where window.map({ promise.madeAt > $0.start }) ?? true {
        switch promise.status {
        case .kept: kept += 1
        case .broken: missed += 1
        case .open: if let time, promise.due < time { missed += 1 }
        }
      }
      return (ratio(kept, kept + missed), kept + missed)
    case .nps:
      let score = netScore(
        promoters: tally.feedbackPromoters, detractors: tally.feedbackDetractors, of: tally.feedbackResponses)
      return (score, tally.feedbackResponses)
    case .enps:
      // Anonymity: a small group's answers are never shown.
      let answers = tally.pulseResponses
      guard answers >= name.minimumSample else { return (nil, answers) }
      return (netScore(promoters: tally.pulsePromoters, detractors: tally.pulseDetractors, of: answers), answers)
    case .perceptionGap:
      var customers = 0
      var interactions = Tally()
      var feedback = 0
      var good = 0
      for customer in state.customers.values where customer.feedbackCount > 0 && customer.interactions.n > 0 {
        customers += 1
        interactions.n += customer.interactions.n
        interactions.positive += customer.interactions.positive
        feedback += customer.feedbackCount
        good += customer.feedbackGood
      }
      guard let staffView = interactions.positiveShare, let own = ratio(good, feedback) else { return (nil, 0) }
      return (staffView - own, customers)
    case .silentChurnShare:
      return (ratio(tally.silentLosses, tally.customersLost), tally.customersLost)
    case .complaintMultiplier:
      var withProblem = 0
      var complained = 0
      for customer in state.customers.values {
        let lost = customer.lostAt.map { lostAt in window.map { lostAt > $0.start } ?? true } ?? false
        if customer.complaints > 0 { complained += 1 }
        if customer.complaints > 0 || customer.hadLowFeedback || customer.hadNegativeInteraction || lost {
          withProblem += 1
        }
      }
      return (ratio(withProblem, complained), withProblem)
    case .followUpRate:
      var stale = 0
      if let time {
        for customer in state.customers.values {
          for opened in customer.openLoops where time.seconds - opened.seconds > 48 * 3600 { stale += 1 }
        }
      }
      let items = tally.loopsClosed + stale
      return (ratio(tally.loopsClosedWithin48h, items), items)
    case .turnover:
      guard let time else { return (nil, 0) }
      let start = Timestamp(seconds: time.seconds - 365 * 86_400)
      var employed = 0
      var departed = 0
      for employee in state.employees.values where employee.hiredAt <= time {
        if let left = employee.departedAt {
          guard left > start else { continue }
          if left <= time { departed += 1 }
        }
        employed += 1
      }
      return (ratio(departed, employed), employed)
    case .championCoverage:
      var staff = [String: Int]()
      var championed = Set<String>()
      for employee in state.employees.values where employee.active {
        staff[employee.dept, default: 0] += 1
        if employee.champion { championed.insert(employee.dept) }
      }
      let counted = staff.filter { $0.value >= countedDepartment }.map(\.key)
      return (ratio(counted.filter(championed.contains).count, counted.count), counted.count)
    case .leadershipRecency:
      guard let last = tally.lastLead, let time else { return (nil, tally.leadsEver) }
      return (time.days(since: last), tally.leadsEver)
    case .talkWalkRatio:
      let walk = tally.leads + tally.trainings + tally.actionsDone
      guard tally.says > 0 || walk > 0 else { return (nil, 0) }
      return (Double(tally.says) / Double(max(1, walk)), tally.says + walk)
    case .tacticLanguage:
      // A count: nothing said is nothing tactical said.
      return (Double(tally.tacticStatements), tally.says)
    case .hiringFit:
      var facing = 0
      var unfit = 0
      for employee in state.employees.values where employee.active && employee.facing {
        facing += 1
        if employee.orientation <= 2 { unfit += 1 }
      }
      return (ratio(unfit, facing), facing)
    case .trainingCoverage:
      var facing = 0
      var trained = 0
      for employee in state.employees.values where employee.active && employee.facing {
        facing += 1
        if !employee.trained.isEmpty { trained += 1 }
      }
      return (ratio(trained, facing), facing)
    case .happyLink:
      var pairs = [(Double, Double)]()
      // In id order, so the sums (and so the last digit) never depend on hashing.
      for employee in state.employees.values.sorted(by: { $0.id < $1.id }) where employee.active {
        guard let received = employee.receivedStaff.mean, let served = employee.servedCustomers.mean else { continue }
        pairs.append((received, served))
      }
      guard pairs.count >= name.minimumSample else { return (nil, pairs.count) }
      return (pearson(pairs), pairs.count)
    }
  }

  /// `strategy`, `tactic` or `unknown`, and every rule that decided it, in
  /// the four steps of SPEC §5.
  static func verdict(_ state: State, readings: [IndicatorName: IndicatorReading]) -> (String, [String]) {
    func reading(_ name: IndicatorName) -> IndicatorReading {
      readings[name] ?? IndicatorReading(value: nil, n: 0, status: nil)
    }
    // 1. Red flags, whatever the amount of data.
    var flags = [String]()
    for (name, meaning) in redFlags where reading(name).status == .poor {
      flags.append("\(describe(name, reading(name))) is poor (\(name.thresholds.poorBand)): \(meaning)")
    }
    let interactions = state.matrix.interactions
    if state.tally.leadsEver == 0, interactions >= leaderlessInteractions {
      flags.append(
        "no leader ever acted ('lead') in \(interactions) interactions (a red flag from \(leaderlessInteractions)): "
          + "service culture starts at the top")
    }
    if !flags.isEmpty { return ("tactic", flags) }
    // 2. Every box of the matrix filled before anything is called a strategy.
    var thin = [String]()
    for (audience, condition) in MatrixDocument.order {
      let n = state.matrix[audience, condition].n
      if n < minimumCell { thin.append("\(audience.rawValue)/\(condition.rawValue) has \(n)") }
    }
    if !thin.isEmpty {
      return (
        "unknown",
        ["too few interactions to judge: \(thin.joined(separator: ", ")) (each box needs at least \(minimumCell))"]
      )
    }
    // 3. Equal and equally positive, leaders acting, no tactic talk.
    var passing = [String]()
    var failing = [String]()
    for name in strategyRules + [.championCoverage] {
      let r = reading(name)
      let band = name.thresholds.goodBand
      if name == .championCoverage, r.value == nil {
        passing.append("championCoverage has no department of \(countedDepartment) or more active employees")
      } else if r.status == .good {
        passing.append("\(describe(name, r)) is good (\(band))")
      } else if let status = r.status {
        failing.append("\(describe(name, r)) is \(status.rawValue) (good is \(band))")
      } else {
        failing.append("\(describe(name, r)) rests on too little data (n \(r.n), needs \(name.minimumSample))")
      }
    }
    // 4. Otherwise a tactic.
    return failing.isEmpty ? ("strategy", passing) : ("tactic", failing)
  }

  /// `floor -2`, `balance 0.25`, `nps null`: an indicator and its value as a reason names it.
  static func describe(_ name: IndicatorName, _ reading: IndicatorReading) -> String {
    guard let value = reading.value else { return "\(name.rawValue) (no value)" }
    return "\(name.rawValue) " + (name.isCount ? String(Int(value)) : Thresholds.show(value))
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
