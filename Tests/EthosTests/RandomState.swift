import TestSupport

@testable import EthosDomain

/// Random `State` values with every field set, for the snapshot codec's
/// round-trip property: not states a log could fold to, but every value the
/// encoding must carry (ids as dictionary keys, as the fold keeps them).
struct RandomState {
  private var generator: SeededGenerator

  init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

  mutating func int(_ range: ClosedRange<Int> = -5_000...1_000_000) -> Int { Int.random(in: range, using: &generator) }
  mutating func bool() -> Bool { Bool.random(using: &generator) }
  mutating func maybe<T>(_ make: (inout RandomState) -> T) -> T? { bool() ? make(&self) : nil }

  mutating func string() -> String {
    let words = ["ana", "front-desk", "Ana Lima", "Zoë ✓", "", "\"quoted\"\n", "日本"]
    return (words.randomElement(using: &generator) ?? "") + String(int(0...999))
  }

  mutating func time() -> Timestamp { Timestamp(seconds: Int64(int(-2_000_000_000...4_000_000_000))) }
  mutating func double() -> Double { Double.random(in: -1000...1000, using: &generator) }
  mutating func word<V: CaseIterable>(_: V.Type) -> V {
    let all = Array(V.allCases)
    return all[int(0...(all.count - 1))]
  }

  mutating func tally() -> Tally {
    var t = Tally()
    t.n = int()
    t.sum = int()
    t.positive = int()
    return t
  }

  mutating func matrix() -> MatrixTally {
    var m = MatrixTally()
    m.customersNormal = tally()
    m.customersStress = tally()
    m.staffNormal = tally()
    m.staffStress = tally()
    m.customerRelationship = int()
    return m
  }

  mutating func ints() -> [Int] { (0..<int(0...4)).map { _ in int() } }
  mutating func counts() -> [String: Int] {
    Dictionary((0..<int(0...4)).map { _ in (string(), int()) }, uniquingKeysWith: { a, _ in a })
  }

  /// `count` records made by `make`, keyed by their ids.
  mutating func records<T>(_ make: (inout RandomState, String) -> T) -> [String: T] {
    var result: [String: T] = [:]
    for index in 0..<int(0...4) {
      let id = "id\(index)-\(int(0...99))"
      result[id] = make(&self, id)
    }
    return result
  }

  mutating func scope() -> StressScope {
    switch int(0...2) {
    case 0: return .org
    case 1: return .department(string())
    default: return .employee(string())
    }
  }

  mutating func employee(_ id: String) -> Employee {
    var e = Employee(
      id: id, name: string(), dept: string(), role: maybe { $0.string() }, level: word(Level.self), facing: bool(),
      orientation: int(1...5), skills: int(1...5), hiredAt: time())
    e.key = maybe { $0.string() }
    e.hiredSeq = int()
    e.departedAt = maybe { $0.time() }
    e.departureReason = maybe { $0.word(DepartureReason.self) }
    e.champion = bool()
    e.championArea = maybe { $0.string() }
    e.onTeam = bool()
    e.trained = Set(TrainingTopic.allCases.filter { _ in bool() })
    e.served = tally()
    e.servedCustomers = tally()
    e.receivedStaff = tally()
    e.recent = ints()
    return e
  }

  mutating func customer(_ id: String) -> Customer {
    var c = Customer(id: id, name: string(), segment: maybe { $0.string() }, registeredAt: time())
    c.key = maybe { $0.string() }
    c.registeredSeq = int()
    c.lostAt = maybe { $0.time() }
    c.lostReason = maybe { $0.string() }
    c.interactions = tally()
    c.lastOutcome = maybe { $0.int(-2...2) }
    c.hadNegativeInteraction = bool()
    c.complaints = int()
    c.everComplained = bool()
    c.feedbackCount = int()
    c.feedbackSum = int()
    c.feedbackGood = int()
    c.hadLowFeedback = bool()
    c.openLoops = (0..<int(0...3)).map { _ in time() }
    c.recent = ints()
    return c
  }

  mutating func state() -> State {
    var s = State()
    s.headSeq = int(0...1_000_000)
    s.eventCount = s.headSeq
    s.headTime = maybe { $0.time() }
    s.owners = records { r, _ in
      let owners: [IdOwner] = [.employee, .partner, .customer, .promise, .stress, .deficiency, .action]
      return owners[r.int(0...(owners.count - 1))]
    }
    s.employees = records { r, id in r.employee(id) }
    s.customers = records { r, id in r.customer(id) }
    s.partners = records { r, id in
      var p = Partner(id: id, name: r.string(), kind: r.word(PartnerKind.self), engagedAt: r.time())
      p.engagedSeq = r.int()
      p.releasedAt = r.maybe { $0.time() }
      p.received = r.tally()
      p.recent = r.ints()
      return p
    }
    s.promises = records { r, id in
      var p = Promise(
        id: id, by: r.string(), to: r.string(), due: r.time(), what: r.maybe { $0.string() }, madeAt: r.time())
      p.status = r.word(PromiseStatus.self)
      p.closedAt = r.maybe { $0.time() }
      return p
    }
    s.stresses = records { r, id in
      var w = StressWindow(
        id: id, kind: r.word(StressKind.self), severity: r.int(1...3), scope: r.scope(),
        note: r.maybe { $0.string() }, beganAt: r.time())
      w.endedAt = r.maybe { $0.time() }
      return w
    }
    s.deficiencies = records { r, id in
      Deficiency(
        id: id, what: r.string(), area: r.maybe { $0.string() }, baseline: r.maybe { $0.double() },
        target: r.maybe { $0.double() }, identifiedAt: r.time())
    }
    s.actions = records { r, id in
      var a = Action(
        id: id, deficiency: r.string(), owner: r.string(), due: r.time(), what: r.maybe { $0.string() },
        plannedAt: r.time())
      a.doneAt = r.maybe { $0.time() }
      return a
    }
    s.departments = (0..<int(0...4)).map { _ in string() }
    s.openOrgStress = int()
    s.openDeptStress = counts()
    s.openEmployeeStress = counts()
    s.matrix = matrix()
    s.matrixByDept = records { r, _ in r.matrix() }
    s.tally = cultureTally()
    s.retracted = Set(ints())
    s.forgotten = counts()
    return s
  }

  mutating func cultureTally() -> CultureTally {
    var t = CultureTally()
    t.feedbackResponses = int()
    t.feedbackPromoters = int()
    t.feedbackDetractors = int()
    t.pulseResponses = int()
    t.pulsePromoters = int()
    t.pulseDetractors = int()
    t.says = int()
    t.leads = int()
    t.trainings = int()
    t.actionsDone = int()
    t.tacticStatements = int()
    t.loopsClosed = int()
    t.loopsClosedWithin48h = int()
    t.complaints = int()
    t.customersLost = int()
    t.silentLosses = int()
    t.leadsEver = int()
    t.lastLead = maybe { $0.time() }
    return t
  }
}
