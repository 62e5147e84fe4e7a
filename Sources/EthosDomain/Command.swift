/// A write statement of the command language, as the decider receives it.
///
/// Commands are imperative requests; ``decide(_:state:now:)`` turns one into
/// the events that record it, or refuses it with a ``DomainError``.
public enum Command: Sendable, Hashable {
  case hire(
    id: String, name: String, dept: String, role: String?, level: Level, facing: Bool,
    orientation: Int, skills: Int, key: String? = nil)
  case depart(id: String, reason: DepartureReason)
  case engage(id: String, name: String, kind: PartnerKind)
  case release(id: String)
  /// `key`: the external key of an imported customer (SPEC §15).
  case registerCustomer(id: String, name: String, segment: String?, key: String? = nil)
  case lose(id: String, reason: String?)
  case nameChampion(id: String, area: String?)
  case standDownChampion(id: String)
  case joinTeam(id: String)
  case leaveTeam(id: String)
  case lead(by: String, activity: LeadActivity, note: String?)
  case say(by: String, text: String, to: Addressee)
  case train(employees: [String], topic: TrainingTopic)
  case log(
    by: String, with: String, mode: Mode, channel: Channel, outcome: Int, did: [Behaviour], note: String?)
  case promise(id: String, by: String, to: String, due: Due, what: String?)
  case keep(id: String)
  case breakPromise(id: String)
  case beginStress(id: String, kind: StressKind, severity: Int, scope: StressScope, note: String?)
  case endStress(id: String)
  case feedback(customer: String, score: Int, about: String?, comment: String?)
  case complain(customer: String, about: String?, level: ComplaintLevel, text: String?)
  case followUp(customer: String, by: String, note: String?)
  case pulse(from: PulseSource, score: Int)
  /// `baseline` is the area indicator's value as the engine measured it when
  /// the statement was made (the decider cannot compute projections).
  case identifyDeficiency(id: String, what: String, area: String?, target: Double?, baseline: Double?)
  case planAction(id: String, deficiency: String, owner: String, due: Due, what: String?)
  case completeAction(id: String)
  /// `target` is the type of event `seq` as the engine found it in the log
  /// (`nil` when there is no such event): the decider stays free of I/O.
  case retract(seq: Int, reason: String, target: String?)
  /// `forget ID "REASON"` (SPEC §13).
  case forget(id: String, reason: String)

  /// The statement word that introduces this command (for messages).
  public var verb: String {
    switch self {
    case .hire: return "hire"
    case .depart: return "depart"
    case .engage: return "engage"
    case .release: return "release"
    case .registerCustomer: return "customer"
    case .lose: return "lose"
    case .nameChampion: return "champion"
    case .standDownChampion: return "unchampion"
    case .joinTeam: return "team join"
    case .leaveTeam: return "team leave"
    case .lead: return "lead"
    case .say: return "say"
    case .train: return "train"
    case .log: return "log"
    case .promise: return "promise"
    case .keep: return "keep"
    case .breakPromise: return "break"
    case .beginStress: return "stress begin"
    case .endStress: return "stress end"
    case .feedback: return "feedback"
    case .complain: return "complain"
    case .followUp: return "follow-up"
    case .pulse: return "pulse"
    case .identifyDeficiency: return "deficiency"
    case .planAction: return "plan"
    case .completeAction: return "done"
    case .retract: return "retract"
    case .forget: return "forget"
    }
  }
}

/// Where a `pulse` answer comes from: a department, or an employee of whom
/// only the department is recorded (SPEC §3.1).
public enum PulseSource: Sendable, Hashable {
  case department(String)
  case employee(String)
}
