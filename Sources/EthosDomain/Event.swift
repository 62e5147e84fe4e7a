import EthosJSON

/// A fact recorded in the log: what happened, in the past tense.
///
/// Events are a storage format. Their type names, payload keys and versions
/// are public (SPEC §4) and an old log must decode forever; see
/// `Event+Coding.swift` for the payload shapes and upcasts.
public enum Event: Sendable, Hashable {
  /// `key`: the external key (an e-mail, an HR number) the party was
  /// imported under, kept so the next import maps it to the same id (v2).
  case employeeHired(
    id: String, name: String, dept: String, role: String?, level: Level, facing: Bool,
    orientation: Int, skills: Int, key: String? = nil)
  case employeeDeparted(id: String, reason: DepartureReason)
  case partnerEngaged(id: String, name: String, kind: PartnerKind)
  case partnerReleased(id: String)
  /// `key`: the external key the customer was imported under (v2).
  case customerRegistered(id: String, name: String, segment: String?, key: String? = nil)
  case customerLost(id: String, reason: String?)
  case championNamed(id: String, area: String?)
  case championStoodDown(id: String)
  case serviceTeamJoined(id: String)
  case serviceTeamLeft(id: String)
  case leadershipActed(by: String, activity: LeadActivity, note: String?)
  /// `tactic`: how many tactic-language terms the decider found in `text` (SPEC §5).
  case statementMade(by: String, text: String, to: Addressee, tactic: Int)
  case trainingCompleted(employees: [String], topic: TrainingTopic)
  case interactionLogged(
    by: String, with: String, mode: Mode, channel: Channel, outcome: Int, did: [Behaviour], note: String?)
  case promiseMade(id: String, by: String, to: String, due: Timestamp, what: String?)
  case promiseKept(id: String)
  case promiseBroken(id: String)
  case stressBegan(id: String, kind: StressKind, severity: Int, scope: StressScope, note: String?)
  case stressEnded(id: String)
  case feedbackReceived(customer: String, score: Int, about: String?, comment: String?)
  case complaintReceived(customer: String, about: String?, level: ComplaintLevel, text: String?)
  case followUpMade(customer: String, by: String, note: String?)
  /// An anonymous eNPS answer: only the department is kept (`nil` for version 1
  /// answers, which named the employee and are upcast without it).
  case pulseRecorded(dept: String?, score: Int)
  /// `baseline`: the area indicator's value when the deficiency was identified.
  case deficiencyIdentified(id: String, what: String, area: String?, baseline: Double?, target: Double?)
  case actionPlanned(id: String, deficiency: String, owner: String, due: Timestamp, what: String?)
  case actionCompleted(id: String)
  case eventRetracted(seq: Int, reason: String)
  /// `forget ID "REASON"`: ID's data key was destroyed (SPEC §13). Holds no
  /// personal data; the reason is for the audit trail.
  case subjectForgotten(id: String, reason: String)

  /// The schema version this event is written at: its type's current one,
  /// except that a party registered without an external key is written at
  /// version 1, whose shape it has (so logs and hashes of every typed
  /// statement stay as they were before keys existed).
  public var version: Int {
    switch self {
    case .employeeHired(_, _, _, _, _, _, _, _, nil), .customerRegistered(_, _, _, nil): return 1
    default: return type.currentVersion
    }
  }

  /// The public type name stored in the log.
  public var type: EventType {
    switch self {
    case .employeeHired: return .employeeHired
    case .employeeDeparted: return .employeeDeparted
    case .partnerEngaged: return .partnerEngaged
    case .partnerReleased: return .partnerReleased
    case .customerRegistered: return .customerRegistered
    case .customerLost: return .customerLost
    case .championNamed: return .championNamed
    case .championStoodDown: return .championStoodDown
    case .serviceTeamJoined: return .serviceTeamJoined
    case .serviceTeamLeft: return .serviceTeamLeft
    case .leadershipActed: return .leadershipActed
    case .statementMade: return .statementMade
    case .trainingCompleted: return .trainingCompleted
    case .interactionLogged: return .interactionLogged
    case .promiseMade: return .promiseMade
    case .promiseKept: return .promiseKept
    case .promiseBroken: return .promiseBroken
    case .stressBegan: return .stressBegan
    case .stressEnded: return .stressEnded
    case .feedbackReceived: return .feedbackReceived
    case .complaintReceived: return .complaintReceived
    case .followUpMade: return .followUpMade
    case .pulseRecorded: return .pulseRecorded
    case .deficiencyIdentified: return .deficiencyIdentified
    case .actionPlanned: return .actionPlanned
    case .actionCompleted: return .actionCompleted
    case .eventRetracted: return .eventRetracted
    case .subjectForgotten: return .subjectForgotten
    }
  }
}

/// The public names of event types (SPEC §3.1, §4).
public enum EventType: String, Vocabulary {
  case employeeHired = "EmployeeHired"
  case employeeDeparted = "EmployeeDeparted"
  case partnerEngaged = "PartnerEngaged"
  case partnerReleased = "PartnerReleased"
  case customerRegistered = "CustomerRegistered"
  case customerLost = "CustomerLost"
  case championNamed = "ChampionNamed"
  case championStoodDown = "ChampionStoodDown"
  case serviceTeamJoined = "ServiceTeamJoined"
  case serviceTeamLeft = "ServiceTeamLeft"
  case leadershipActed = "LeadershipActed"
  case statementMade = "StatementMade"
  case trainingCompleted = "TrainingCompleted"
  case interactionLogged = "InteractionLogged"
  case promiseMade = "PromiseMade"
  case promiseKept = "PromiseKept"
  case promiseBroken = "PromiseBroken"
  case stressBegan = "StressBegan"
  case stressEnded = "StressEnded"
  case feedbackReceived = "FeedbackReceived"
  case complaintReceived = "ComplaintReceived"
  case followUpMade = "FollowUpMade"
  case pulseRecorded = "PulseRecorded"
  case deficiencyIdentified = "DeficiencyIdentified"
  case actionPlanned = "ActionPlanned"
  case actionCompleted = "ActionCompleted"
  case eventRetracted = "EventRetracted"
  case subjectForgotten = "SubjectForgotten"

  /// Observations may be retracted; lifecycle events may not (SPEC §3.1).
  public var isObservation: Bool {
    switch self {
    case .interactionLogged, .feedbackReceived, .complaintReceived, .pulseRecorded, .statementMade,
      .trainingCompleted, .leadershipActed:
      return true
    default:
      return false
    }
  }

  /// The current schema version written for this type.
  public var currentVersion: Int {
    switch self {
    // v2: the tactic-language count decided at write time.
    case .statementMade: return 2
    // v2: the department instead of the employee (anonymous answers).
    case .pulseRecorded: return 2
    // v2: the area's baseline and target.
    case .deficiencyIdentified: return 2
    // v2: the external key a party was imported under (SPEC §15).
    case .employeeHired, .customerRegistered: return 2
    default: return 1
    }
  }
}
