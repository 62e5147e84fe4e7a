import EthosJSON

extension Event {
  /// A one-line human summary, as shown by confirmations and `history`.
  public var summary: String {
    switch self {
    case .employeeHired(let id, let name, let dept, _, let level, _, _, _, _):
      return "\(id) \"\(name)\" (\(dept), \(level.rawValue))"
    case .employeeDeparted(let id, let reason): return "\(id) (\(reason.rawValue))"
    case .partnerEngaged(let id, let name, let kind): return "\(id) \"\(name)\" (\(kind.rawValue))"
    case .customerRegistered(let id, let name, let segment, _):
      return "\(id) \"\(name)\"" + (segment.map { " (\($0))" } ?? "")
    case .customerLost(let id, let reason): return id + (reason.map { " (\(Event.clip($0)))" } ?? "")
    case .championNamed(let id, let area): return id + (area.map { " (\($0))" } ?? "")
    case .partnerReleased(let id), .championStoodDown(let id), .serviceTeamJoined(let id),
      .serviceTeamLeft(let id), .promiseKept(let id), .promiseBroken(let id), .stressEnded(let id),
      .actionCompleted(let id):
      return id
    case .leadershipActed(let by, let activity, _): return "\(by) \(activity.rawValue)"
    case .statementMade(let by, let text, let to, _): return "\(by) → \(to.rawValue): \"\(Event.clip(text))\""
    case .trainingCompleted(let ids, let topic): return "\(ids.joined(separator: ", ")): \(topic.rawValue)"
    case .interactionLogged(let by, let with, let mode, _, let outcome, _, _):
      return "\(by) → \(with) (\(Event.signed(outcome)), \(mode.rawValue))"
    case .promiseMade(let id, let by, let to, let due, _): return "\(id): \(by) → \(to), due \(due.short)"
    case .stressBegan(let id, let kind, let severity, let scope, _):
      return "\(id) \(kind.rawValue) severity \(severity) (\(scope))"
    case .feedbackReceived(let customer, let score, let about, _):
      return "\(customer) score \(score)" + (about.map { " (about \($0))" } ?? "")
    case .complaintReceived(let customer, let about, let level, _):
      return "\(customer) (\(level.rawValue)" + (about.map { ", about \($0)" } ?? "") + ")"
    case .followUpMade(let customer, let by, _): return "\(customer) by \(by)"
    case .pulseRecorded(let dept, let score): return "\(dept ?? "(no department)") score \(score)"
    case .deficiencyIdentified(let id, let what, let area, let baseline, let target):
      var figures = [String]()
      if let baseline { figures.append("baseline \(Event.figure(baseline))") }
      if let target { figures.append("target \(Event.figure(target))") }
      let detail = ([area].compactMap { $0 } + figures).joined(separator: ", ")
      return "\(id) \"\(Event.clip(what))\"" + (detail.isEmpty ? "" : " (\(detail))")
    case .actionPlanned(let id, let deficiency, let owner, let due, _):
      return "\(id) for \(deficiency), owner \(owner), due \(due.short)"
    case .eventRetracted(let seq, let reason): return "@\(seq) (\(Event.clip(reason)))"
    case .subjectForgotten(let id, let reason): return "\(id) (\(Event.clip(reason)))"
    }
  }

  /// Every id this event names, for `history who=`.
  public var ids: [String] {
    switch self {
    case .employeeHired(let id, _, _, _, _, _, _, _, _), .employeeDeparted(let id, _), .partnerEngaged(let id, _, _),
      .partnerReleased(let id), .customerRegistered(let id, _, _, _), .customerLost(let id, _),
      .championNamed(let id, _), .championStoodDown(let id), .serviceTeamJoined(let id),
      .serviceTeamLeft(let id), .promiseKept(let id), .promiseBroken(let id), .stressEnded(let id),
      .actionCompleted(let id), .deficiencyIdentified(let id, _, _, _, _), .subjectForgotten(let id, _):
      return [id]
    case .leadershipActed(let by, _, _), .statementMade(let by, _, _, _): return [by]
    case .trainingCompleted(let ids, _): return ids
    case .interactionLogged(let by, let with, _, _, _, _, _): return [by, with]
    case .promiseMade(let id, let by, let to, _, _): return [id, by, to]
    case .stressBegan(let id, _, _, let scope, _):
      if case .employee(let emp) = scope { return [id, emp] }
      return [id]
    case .feedbackReceived(let customer, _, let about, _), .complaintReceived(let customer, let about, _, _):
      return [customer] + (about.map { [$0] } ?? [])
    case .followUpMade(let customer, let by, _): return [customer, by]
    case .pulseRecorded: return []  // anonymous: no id, ever
    case .actionPlanned(let id, let deficiency, let owner, _, _): return [id, deficiency, owner]
    case .eventRetracted: return []
    }
  }

  /// An outcome with its sign: `+2`, `0`, `-1`.
  public static func signed(_ outcome: Int) -> String { outcome > 0 ? "+\(outcome)" : "\(outcome)" }

  /// A figure as a summary shows it: `0.25`, `30`.
  static func figure(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : JSON.double(value).compact
  }

  /// `text` cut to `limit` characters; a sealed text is cut when revealed.
  static func clip(_ text: String, _ limit: Int = 60) -> String {
    if let sealed = Sealed.clipped(text, to: limit) { return sealed }
    return text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
  }
}
