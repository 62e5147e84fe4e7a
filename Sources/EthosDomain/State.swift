/// The culture state: everything the rules need and every running figure the
/// projections report, folded from the log by ``State/evolve(_:)``.
///
/// Value-typed so a what-if or a time-travel query works on a copy.
/// Adding a field here or in the types below? Encode it in
/// `State+Snapshot.swift`, bump `State.snapshotVersion`, and set it in the
/// tests' `RandomState` (the snapshot round-trip property fails until then).
public struct State: Sendable, Equatable {
  /// The last event folded in (0 before the first).
  public var headSeq = 0
  /// That event's business time (`nil` before the first).
  public var headTime: Timestamp?
  /// Events folded in, retracted ones included.
  public var eventCount = 0

  /// Which kind of thing owns each id: ids are unique across the whole log.
  public var owners: [String: IdOwner] = [:]
  public var employees: [String: Employee] = [:]
  public var customers: [String: Customer] = [:]
  public var partners: [String: Partner] = [:]
  public var promises: [String: Promise] = [:]
  public var stresses: [String: StressWindow] = [:]
  public var deficiencies: [String: Deficiency] = [:]
  public var actions: [String: Action] = [:]
  /// Departments anyone was ever hired into, in first-hire order.
  public var departments: [String] = []

  /// Open stress windows by scope, so an interaction's condition is O(1).
  public var openOrgStress = 0
  public var openDeptStress: [String: Int] = [:]
  public var openEmployeeStress: [String: Int] = [:]

  /// The Service Culture Matrix over all interactions, and per department of the serving employee.
  public var matrix = MatrixTally()
  public var matrixByDept: [String: MatrixTally] = [:]

  /// Running counts behind the `culture` indicators.
  public var tally = CultureTally()

  /// Seqs of retracted events that this fold has seen retracted.
  public var retracted: Set<Int> = []
  /// Parties forgotten (SPEC §13), with the seq of their `SubjectForgotten`.
  public var forgotten: [String: Int] = [:]

  public init() {}

  /// The state as of no events.
  public static let initial = State()
}

/// The kinds of things that ids name.
public enum IdOwner: String, Sendable, Hashable {
  case employee, partner, customer, promise
  case stress = "stress window"
  case deficiency, action
}

/// Number, sum and positive count of interaction outcomes.
public struct Tally: Sendable, Equatable {
  public var n = 0
  public var sum = 0
  public var positive = 0

  public init() {}

  public mutating func add(_ outcome: Int) {
    n &+= 1
    sum &+= outcome
    if outcome > 0 { positive &+= 1 }
  }

  public var mean: Double? { n > 0 ? Double(sum) / Double(n) : nil }
  public var positiveShare: Double? { n > 0 ? Double(positive) / Double(n) : nil }
}

/// Who an interaction served.
public enum Audience: String, Sendable, CaseIterable { case customers, staff }
/// Whether a stress window applied to the serving employee.
public enum Condition: String, Sendable, CaseIterable { case normal, stress }

/// The four cells of the Service Culture Matrix.
public struct MatrixTally: Sendable, Equatable {
  public var customersNormal = Tally()
  public var customersStress = Tally()
  public var staffNormal = Tally()
  public var staffStress = Tally()
  /// Customer interactions with mode=relationship.
  public var customerRelationship = 0

  public init() {}

  public subscript(audience: Audience, condition: Condition) -> Tally {
    get {
      switch (audience, condition) {
      case (.customers, .normal): return customersNormal
      case (.customers, .stress): return customersStress
      case (.staff, .normal): return staffNormal
      case (.staff, .stress): return staffStress
      }
    }
    set {
      switch (audience, condition) {
      case (.customers, .normal): customersNormal = newValue
      case (.customers, .stress): customersStress = newValue
      case (.staff, .normal): staffNormal = newValue
      case (.staff, .stress): staffStress = newValue
      }
    }
  }

  /// All interactions in the four cells.
  public var interactions: Int { customersNormal.n + customersStress.n + staffNormal.n + staffStress.n }
}

/// Counts behind the scorecard that are not per-entity.
///
/// Every count but the last two is an observation that `window=` narrows:
/// ``State/clearObservations()`` zeroes them at a window's start.
public struct CultureTally: Sendable, Equatable {
  public var feedbackResponses = 0
  public var feedbackPromoters = 0
  public var feedbackDetractors = 0
  public var pulseResponses = 0
  public var pulsePromoters = 0
  public var pulseDetractors = 0
  public var says = 0
  public var leads = 0
  public var trainings = 0
  public var actionsDone = 0
  /// `say` statements that use tactic language (SPEC §5).
  public var tacticStatements = 0
  /// Loop items (complaints, detractor feedback) closed by a follow-up.
  public var loopsClosed = 0
  /// Of those, closed within 48 hours of being opened.
  public var loopsClosedWithin48h = 0
  public var complaints = 0
  /// Customers lost, and of those the ones with no complaint on record before their loss.
  public var customersLost = 0
  public var silentLosses = 0
  /// Every `lead` event, whatever the window (the sample of `leadershipRecency`).
  public var leadsEver = 0
  public var lastLead: Timestamp?

  public init() {}
}

public struct Employee: Sendable, Equatable {
  public var id: String
  public var name: String
  public var dept: String
  public var role: String?
  public var level: Level
  public var facing: Bool
  public var orientation: Int
  public var skills: Int
  public var hiredAt: Timestamp
  /// The external key the employee was imported under (SPEC §15).
  public var key: String?
  /// The seq of the hire, for listing in hire order.
  public var hiredSeq = 0
  public var departedAt: Timestamp?
  public var departureReason: DepartureReason?
  public var champion = false
  public var championArea: String?
  public var onTeam = false
  public var trained: Set<TrainingTopic> = []
  /// Interactions this employee served, any audience.
  public var served = Tally()
  /// Customer interactions this employee served.
  public var servedCustomers = Tally()
  /// Staff interactions this employee received (as PARTY).
  public var receivedStaff = Tally()
  /// Seqs of the latest events naming this employee (at most ``recentLimit``).
  public var recent: [Int] = []

  public var active: Bool { departedAt == nil }
}

public struct Customer: Sendable, Equatable {
  public var id: String
  public var name: String
  public var segment: String?
  public var registeredAt: Timestamp
  /// The external key the customer was imported under (SPEC §15).
  public var key: String?
  /// The seq of the registration, for listing in that order.
  public var registeredSeq = 0
  public var lostAt: Timestamp?
  public var lostReason: String?
  /// Interactions with this customer as PARTY.
  public var interactions = Tally()
  public var lastOutcome: Int?
  public var hadNegativeInteraction = false
  public var complaints = 0
  /// Whether a complaint was ever received, whatever the window.
  public var everComplained = false
  public var feedbackCount = 0
  public var feedbackSum = 0
  /// Feedback scores of 7 or more.
  public var feedbackGood = 0
  public var hadLowFeedback = false
  /// Open loop items (complaints, detractor feedback) by the time they opened.
  public var openLoops: [Timestamp] = []
  public var recent: [Int] = []

  public var active: Bool { lostAt == nil }
}

public struct Partner: Sendable, Equatable {
  public var id: String
  public var name: String
  public var kind: PartnerKind
  public var engagedAt: Timestamp
  /// The seq of the engagement, for listing in that order.
  public var engagedSeq = 0
  public var releasedAt: Timestamp?
  public var received = Tally()
  public var recent: [Int] = []

  public var active: Bool { releasedAt == nil }
}

public enum PromiseStatus: String, Sendable, CaseIterable { case open, kept, broken }

public struct Promise: Sendable, Equatable {
  public var id: String
  public var by: String
  public var to: String
  public var due: Timestamp
  public var what: String?
  public var madeAt: Timestamp
  public var status = PromiseStatus.open
  public var closedAt: Timestamp?
}

public struct StressWindow: Sendable, Equatable {
  public var id: String
  public var kind: StressKind
  public var severity: Int
  public var scope: StressScope
  public var note: String?
  public var beganAt: Timestamp
  public var endedAt: Timestamp?

  public var open: Bool { endedAt == nil }
}

public struct Deficiency: Sendable, Equatable {
  public var id: String
  public var what: String
  public var area: String?
  /// The area indicator's value when identified, and the value aimed for.
  public var baseline: Double?
  public var target: Double?
  public var identifiedAt: Timestamp
}

public struct Action: Sendable, Equatable {
  public var id: String
  public var deficiency: String
  public var owner: String
  public var due: Timestamp
  public var what: String?
  public var plannedAt: Timestamp
  public var doneAt: Timestamp?

  public var open: Bool { doneAt == nil }
}

/// An event as the fold sees it: its place in the log and its business time.
public struct RecordedEvent: Sendable, Equatable {
  public var seq: Int
  public var occurredAt: Timestamp
  public var event: Event

  public init(seq: Int, occurredAt: Timestamp, event: Event) {
    self.seq = seq
    self.occurredAt = occurredAt
    self.event = event
  }
}

/// How many recent event seqs each party keeps for `who`.
public let recentLimit = 20
