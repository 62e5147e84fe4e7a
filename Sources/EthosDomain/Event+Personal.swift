/// Which fields of an event are personal data, and whose (SPEC §13).
///
/// A name belongs to its own party; a free text to the statement's customer
/// when it has one, else to the employee acting. Ids, departments, figures,
/// organisational texts (deficiencies, action plans, a stress window over the
/// organisation or a department, what the company says) and the reasons of
/// retractions and forgettings are not personal and stay in clear.
extension Event {
  /// The event with every personal field replaced by `transform(value,
  /// party)`; `isCustomer` tells whether an id names a customer.
  public func mappingPersonal(
    isCustomer: (String) -> Bool, _ transform: (_ value: String, _ party: String) throws -> String
  ) rethrows -> Event {
    func optional(_ value: String?, _ party: String) throws -> String? {
      guard let value else { return nil }
      return try transform(value, party)
    }
    switch self {
    case .employeeHired(
      let id, let name, let dept, let role, let level, let facing, let orientation, let skills, let key):
      return .employeeHired(
        id: id, name: try transform(name, id), dept: dept, role: role, level: level, facing: facing,
        orientation: orientation, skills: skills, key: try optional(key, id))
    case .partnerEngaged(let id, let name, let kind):
      return .partnerEngaged(id: id, name: try transform(name, id), kind: kind)
    case .customerRegistered(let id, let name, let segment, let key):
      return .customerRegistered(id: id, name: try transform(name, id), segment: segment, key: try optional(key, id))
    case .customerLost(let id, let reason):
      return .customerLost(id: id, reason: try optional(reason, id))
    case .leadershipActed(let by, let activity, let note):
      return .leadershipActed(by: by, activity: activity, note: try optional(note, by))
    case .statementMade(let by, let text, let to, let tactic):
      guard by != companySpeaker else { return self }
      return .statementMade(by: by, text: try transform(text, by), to: to, tactic: tactic)
    case .interactionLogged(let by, let with, let mode, let channel, let outcome, let did, let note):
      return .interactionLogged(
        by: by, with: with, mode: mode, channel: channel, outcome: outcome, did: did,
        note: try optional(note, isCustomer(with) ? with : by))
    case .promiseMade(let id, let by, let to, let due, let what):
      return .promiseMade(id: id, by: by, to: to, due: due, what: try optional(what, isCustomer(to) ? to : by))
    case .stressBegan(let id, let kind, let severity, let scope, let note):
      guard case .employee(let employee) = scope else { return self }
      return .stressBegan(id: id, kind: kind, severity: severity, scope: scope, note: try optional(note, employee))
    case .feedbackReceived(let customer, let score, let about, let comment):
      return .feedbackReceived(customer: customer, score: score, about: about, comment: try optional(comment, customer))
    case .complaintReceived(let customer, let about, let level, let text):
      return .complaintReceived(customer: customer, about: about, level: level, text: try optional(text, customer))
    case .followUpMade(let customer, let by, let note):
      return .followUpMade(customer: customer, by: by, note: try optional(note, customer))
    case .employeeDeparted, .partnerReleased, .championNamed, .championStoodDown, .serviceTeamJoined,
      .serviceTeamLeft, .trainingCompleted, .promiseKept, .promiseBroken, .stressEnded, .pulseRecorded,
      .deficiencyIdentified, .actionPlanned, .actionCompleted, .eventRetracted, .subjectForgotten:
      return self
    }
  }

  /// Each personal field's value with its party, in field order.
  public func personalFields(isCustomer: (String) -> Bool) -> [(value: String, party: String)] {
    var fields: [(value: String, party: String)] = []
    _ = mappingPersonal(isCustomer: isCustomer) { value, party in
      fields.append((value, party))
      return value
    }
    return fields
  }
}
