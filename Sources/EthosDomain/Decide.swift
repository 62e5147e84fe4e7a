/// The decider: every business rule of SPEC §3.1 lives here.
///
/// Pure: the state, the command and the time it is recorded at come in; the
/// events to append (or the rule that refused them) go out.
public func decide(_ command: Command, state: State, now: Timestamp) throws(DomainError) -> [Event] {
  // The clock rule (SPEC §3.2): log order is time order.
  if let head = state.headTime, now < head { throw .clockBeforeHead(now, head: head, seq: state.headSeq) }
  var check = Rules(state: state)
  switch command {
  case .hire(let id, let name, let dept, let role, let level, let facing, let orientation, let skills, let key):
    try Rules.range("orientation", orientation, 1...5)
    try Rules.range("skills", skills, 1...5)
    try check.newId(id)
    return [
      .employeeHired(
        id: id, name: name, dept: dept, role: role, level: level, facing: facing, orientation: orientation,
        skills: skills, key: key)
    ]
  case .depart(let id, let reason):
    let employee = try check.employee(id)
    guard state.admits(id, as: .activeEmployee) else { throw .alreadyDeparted(id, on: employee.departedAt) }
    return [.employeeDeparted(id: id, reason: reason)]
  case .engage(let id, let name, let kind):
    try check.newId(id)
    return [.partnerEngaged(id: id, name: name, kind: kind)]
  case .release(let id):
    let partner = try check.partner(id)
    guard state.admits(id, as: .engagedPartner) else { throw .alreadyReleased(id, on: partner.releasedAt) }
    return [.partnerReleased(id: id)]
  case .registerCustomer(let id, let name, let segment, let key):
    try check.newId(id)
    return [.customerRegistered(id: id, name: name, segment: segment, key: key)]
  case .lose(let id, let reason):
    let customer = try check.customer(id)
    guard state.admits(id, as: .activeCustomer) else { throw .alreadyLost(id, on: customer.lostAt) }
    return [.customerLost(id: id, reason: reason)]
  case .nameChampion(let id, let area):
    _ = try check.activeEmployee(id)
    guard state.admits(id, as: .championCandidate) else { throw .alreadyChampion(id) }
    return [.championNamed(id: id, area: area)]
  case .standDownChampion(let id):
    _ = try check.employee(id)
    guard state.admits(id, as: .champion) else { throw .notChampion(id) }
    return [.championStoodDown(id: id)]
  case .joinTeam(let id):
    _ = try check.activeEmployee(id)
    guard state.admits(id, as: .teamCandidate) else { throw .alreadyOnTeam(id) }
    return [.serviceTeamJoined(id: id)]
  case .leaveTeam(let id):
    _ = try check.employee(id)
    guard state.admits(id, as: .teamMember) else { throw .notOnTeam(id) }
    return [.serviceTeamLeft(id: id)]
  case .lead(let by, let activity, let note):
    let employee = try check.activeEmployee(by)
    guard state.admits(by, as: .leader) else { throw .notLeader(by, level: employee.level) }
    return [.leadershipActed(by: by, activity: activity, note: note)]
  case .say(let by, let text, let to):
    if by != companySpeaker { _ = try check.activeEmployee(by, orCompany: true) }
    return [.statementMade(by: by, text: text, to: to, tactic: TacticLanguage.count(in: text))]
  case .train(let ids, let topic):
    var seen = Set<String>()
    for id in ids {
      _ = try check.activeEmployee(id)
      guard seen.insert(id).inserted else { throw .duplicateTrainee(id) }
    }
    return [.trainingCompleted(employees: ids, topic: topic)]
  case .log(let by, let with, let mode, let channel, let outcome, let did, let note):
    try Rules.range("outcome", outcome, -2...2)
    _ = try check.activeEmployee(by)
    guard with != by else { throw .selfInteraction(by) }
    try check.activeParty(with)
    return [
      .interactionLogged(by: by, with: with, mode: mode, channel: channel, outcome: outcome, did: did, note: note)
    ]
  case .promise(let id, let by, let to, let due, let what):
    try check.newId(id)
    _ = try check.activeEmployee(by)
    guard to != by else { throw .selfPromise(by) }
    try check.activeParty(to)
    let when = due.resolve(now: now)
    guard when.isRecordable else { throw .beyondLatest("the due date \(when.iso)") }
    return [.promiseMade(id: id, by: by, to: to, due: when, what: what)]
  case .keep(let id):
    let promise = try check.openPromise(id)
    return [.promiseKept(id: promise.id)]
  case .breakPromise(let id):
    let promise = try check.openPromise(id)
    return [.promiseBroken(id: promise.id)]
  case .beginStress(let id, let kind, let severity, let scope, let note):
    try Rules.range("severity", severity, 1...3)
    try check.newId(id)
    switch scope {
    case .org: break
    case .department(let dept): try check.department(dept)
    case .employee(let emp): _ = try check.activeEmployee(emp)
    }
    return [.stressBegan(id: id, kind: kind, severity: severity, scope: scope, note: note)]
  case .endStress(let id):
    let window = try check.stress(id)
    guard state.admits(id, as: .openStress) else { throw .stressEnded(id, on: window.endedAt) }
    return [.stressEnded(id: id)]
  case .feedback(let customer, let score, let about, let comment):
    try Rules.range("score", score, 0...10)
    _ = try check.customer(customer)
    if let about { _ = try check.employee(about) }
    return [.feedbackReceived(customer: customer, score: score, about: about, comment: comment)]
  case .complain(let customer, let about, let level, let text):
    _ = try check.customer(customer)
    if let about { _ = try check.employee(about) }
    return [.complaintReceived(customer: customer, about: about, level: level, text: text)]
  case .followUp(let customer, let by, let note):
    _ = try check.customer(customer)
    _ = try check.activeEmployee(by)
    return [.followUpMade(customer: customer, by: by, note: note)]
  case .pulse(let source, let score):
    try Rules.range("score", score, 0...10)
    let dept: String
    switch source {
    case .employee(let id): dept = try check.activeEmployee(id).dept
    case .department(let name):
      try check.department(name)
      guard state.employees.values.contains(where: { $0.active && $0.dept == name }) else {
        throw .noActiveStaff(name)
      }
      dept = name
    }
    // Anonymous (SPEC §3.1): the department only, never the employee.
    return [.pulseRecorded(dept: dept, score: score)]
  case .identifyDeficiency(let id, let what, let area, let target, let baseline):
    try check.newId(id)
    if let area, area != "matrix", IndicatorName(rawValue: area) == nil {
      let names = IndicatorName.allCases.map(\.rawValue) + ["matrix"]
      throw .unknownArea(area, suggestion: Suggestion.nearest(to: area, in: names))
    }
    let indicator = area.flatMap(IndicatorName.init(rawValue:))
    if target != nil, indicator == nil { throw .targetWithoutIndicator(area) }
    return [
      .deficiencyIdentified(
        id: id, what: what, area: area, baseline: indicator == nil ? nil : baseline,
        target: target.flatMap { $0.isFinite ? $0 : nil })
    ]
  case .planAction(let id, let deficiency, let owner, let due, let what):
    try check.newId(id)
    _ = try check.deficiency(deficiency)
    _ = try check.activeEmployee(owner)
    let when = due.resolve(now: now)
    guard when.isRecordable else { throw .beyondLatest("the due date \(when.iso)") }
    return [.actionPlanned(id: id, deficiency: deficiency, owner: owner, due: when, what: what)]
  case .completeAction(let id):
    let action = try check.action(id)
    guard state.admits(id, as: .openAction) else { throw .actionDone(id, on: action.doneAt) }
    return [.actionCompleted(id: id)]
  case .retract(let seq, let reason, let target):
    guard let target, seq >= 1, seq <= state.headSeq else { throw .noSuchEvent(seq, head: state.headSeq) }
    guard EventType(rawValue: target)?.isObservation == true else { throw .notObservation(seq, type: target) }
    guard !state.retracted.contains(seq) else { throw .alreadyRetracted(seq) }
    return [.eventRetracted(seq: seq, reason: reason)]
  case .forget(let id, let reason):
    if id == companySpeaker { throw .cannotForgetCompany() }
    if let seq = state.forgotten[id] { throw .forgotten(id, at: seq) }
    switch state.owners[id] {
    case .employee?, .customer?, .partner?:
      return [.subjectForgotten(id: id, reason: reason)]
    case let owner?:
      throw .notAParty(id, is: owner)
    case nil:
      let parties = state.owners.lazy.filter { $0.value == .employee || $0.value == .customer || $0.value == .partner }
        .map(\.key)
      throw .unknown(
        "party", id, suggestion: Suggestion.nearest(to: id, in: parties),
        hint: "name an employee, partner or customer (see 'employees', 'partners', 'customers all')")
    }
  }
}

/// The speaker of `say` statements made in the company's name.
public let companySpeaker = "company"

/// Lookups that either return the entity a rule needs or throw the message
/// that explains why it is not there.
struct Rules {
  let state: State

  func newId(_ id: String) throws(DomainError) {
    if id == companySpeaker { throw .reservedId(id) }
    guard let owner = state.owners[id] else { return }
    let detail: String?
    switch owner {
    case .employee: detail = state.employees[id]?.name
    case .customer: detail = state.customers[id]?.name
    case .partner: detail = state.partners[id]?.name
    default: detail = nil
    }
    throw .idTaken(id, by: owner, detail: detail)
  }

  /// Refuses a party whose personal data was erased: the log keeps its
  /// figures, but nothing more is recorded about them.
  func notForgotten(_ id: String) throws(DomainError) {
    if !state.forgotten.isEmpty, let seq = state.forgotten[id] { throw .forgotten(id, at: seq) }
  }

  func employee(_ id: String, orCompany: Bool = false) throws(DomainError) -> Employee {
    try notForgotten(id)
    if let employee = state.employees[id] { return employee }
    if let owner = state.owners[id] {
      throw .wrongKind(id, is: owner, expected: orCompany ? "an employee or 'company'" : "an employee")
    }
    var candidates = Array(state.employees.keys)
    if orCompany { candidates.append(companySpeaker) }
    throw .unknown(
      "employee", id, suggestion: Suggestion.nearest(to: id, in: candidates),
      hint: orCompany
        ? "name an employee id or 'company'"
        : "hire them first (hire \(id) \"NAME\") or see 'employees' for the ids in use")
  }

  func activeEmployee(_ id: String, orCompany: Bool = false) throws(DomainError) -> Employee {
    let employee = try employee(id, orCompany: orCompany)
    guard state.admits(id, as: .activeEmployee) else { throw .departed(id, on: employee.departedAt) }
    return employee
  }

  func customer(_ id: String) throws(DomainError) -> Customer {
    try notForgotten(id)
    if let customer = state.customers[id] { return customer }
    if let owner = state.owners[id] { throw .wrongKind(id, is: owner, expected: "a customer") }
    throw .unknown(
      "customer", id, suggestion: Suggestion.nearest(to: id, in: state.customers.keys),
      hint: "register them first (customer \(id) \"NAME\") or see 'customers all'")
  }

  func partner(_ id: String) throws(DomainError) -> Partner {
    try notForgotten(id)
    if let partner = state.partners[id] { return partner }
    if let owner = state.owners[id] { throw .wrongKind(id, is: owner, expected: "a partner") }
    throw .unknown(
      "partner", id, suggestion: Suggestion.nearest(to: id, in: state.partners.keys),
      hint: "engage them first (engage \(id) \"NAME\" kind=vendor) or see 'partners'")
  }

  /// An active customer, an active employee or an engaged partner.
  func activeParty(_ id: String) throws(DomainError) {
    switch state.owners[id] {
    case .employee?: _ = try activeEmployee(id)
    case .customer?:
      let customer = try customer(id)
      guard state.admits(id, as: .activeCustomer) else { throw .lost(id, on: customer.lostAt) }
    case .partner?:
      let partner = try partner(id)
      guard state.admits(id, as: .engagedPartner) else { throw .released(id, on: partner.releasedAt) }
    case let owner?:
      throw .wrongKind(id, is: owner, expected: "a customer, employee or partner")
    case nil:
      let parties = state.owners.lazy.filter { $0.value == .employee || $0.value == .customer || $0.value == .partner }
        .map(\.key)
      throw .unknown(
        "party", id, suggestion: Suggestion.nearest(to: id, in: parties),
        hint: "name an active customer, employee or partner")
    }
  }

  func openPromise(_ id: String) throws(DomainError) -> Promise {
    guard let promise = state.promises[id] else {
      if let owner = state.owners[id] { throw .wrongKind(id, is: owner, expected: "a promise") }
      let open = state.promises.values.lazy.filter { $0.status == .open }.map(\.id)
      throw .unknown(
        "promise", id, suggestion: Suggestion.nearest(to: id, in: open),
        hint: "'promises open' lists the open ones")
    }
    guard state.admits(id, as: .openPromise) else { throw .promiseClosed(id, promise.status) }
    return promise
  }

  func stress(_ id: String) throws(DomainError) -> StressWindow {
    if let window = state.stresses[id] { return window }
    if let owner = state.owners[id] { throw .wrongKind(id, is: owner, expected: "a stress window") }
    let open = state.stresses.values.lazy.filter(\.open).map(\.id)
    throw .unknown(
      "stress window", id, suggestion: Suggestion.nearest(to: id, in: open),
      hint: "'stresses open' lists the open ones")
  }

  func deficiency(_ id: String) throws(DomainError) -> Deficiency {
    if let deficiency = state.deficiencies[id] { return deficiency }
    if let owner = state.owners[id] { throw .wrongKind(id, is: owner, expected: "a deficiency") }
    throw .unknown(
      "deficiency", id, suggestion: Suggestion.nearest(to: id, in: state.deficiencies.keys),
      hint: "identify it first (deficiency \(id) \"WHAT\") or see 'plan'")
  }

  func action(_ id: String) throws(DomainError) -> Action {
    if let action = state.actions[id] { return action }
    if let owner = state.owners[id] { throw .wrongKind(id, is: owner, expected: "an action") }
    let open = state.actions.values.lazy.filter(\.open).map(\.id)
    throw .unknown(
      "action", id, suggestion: Suggestion.nearest(to: id, in: open), hint: "'plan' lists the open actions")
  }

  /// A value the statement table bounds (SPEC §3.1): the parser refuses it
  /// first with its column, but the rule is the decider's.
  static func range(_ name: String, _ value: Int, _ bounds: ClosedRange<Int>) throws(DomainError) {
    guard bounds.contains(value) else { throw .outOfRange(name, value, bounds) }
  }

  func department(_ dept: String) throws(DomainError) {
    guard !state.admits(dept, as: .department) else { return }
    throw .unknownDepartment(
      dept, known: state.departments, suggestion: Suggestion.nearest(to: dept, in: state.departments))
  }
}
