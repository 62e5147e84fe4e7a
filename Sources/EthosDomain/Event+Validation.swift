/// Checks an event that did not come through the decider (an imported
/// export, whose unkeyed hashes anyone can recompute) as the decider would
/// have checked the statement that made it (SPEC §7).
extension State {
  /// Refuses `event`, recorded at `at`, unless the decider could have
  /// appended it to this state: its values in range, its ids well formed,
  /// its time not before the last event's, and every rule of
  /// ``decide(_:state:now:)`` holding. `targetType` gives the type of the
  /// event a retraction names (`nil` when there is none).
  public func admit(_ event: Event, at: Timestamp, targetType: String?) throws(DomainError) {
    guard at.isRecordable else { throw .timeOutOfRange(at) }
    if let head = headTime, at < head { throw .timeRunsBackwards(at, head: head, seq: headSeq) }
    try event.checkValues()
    // A version 1 pulse answer is read without its employee or department
    // (anonymous, SPEC §3.1): it names nothing a rule could check.
    if case .pulseRecorded(nil, _) = event { return }
    var decided = try decide(event.command(targetType: targetType), state: self, now: at)
    // A sealed `say` text cannot be read here: its tactic-language count was
    // decided when it was written (SPEC §13), and is taken as recorded.
    if case .statementMade(let by, let text, let to, _) = event, Sealed.parse(text) != nil,
      case .statementMade(by, text, to, _)? = decided.first, decided.count == 1
    {
      decided = [event]
    }
    // Every command decides to exactly the event it was made from; anything
    // else would mean the mapping above lost a field.
    guard decided == [event] else { throw .notDecidable(event.type.rawValue) }
  }
}

extension Event {
  /// The command that decides to this event.
  func command(targetType: String?) -> Command {
    switch self {
    case .employeeHired(
      let id, let name, let dept, let role, let level, let facing, let orientation, let skills, let key):
      return .hire(
        id: id, name: name, dept: dept, role: role, level: level, facing: facing, orientation: orientation,
        skills: skills, key: key)
    case .employeeDeparted(let id, let reason): return .depart(id: id, reason: reason)
    case .partnerEngaged(let id, let name, let kind): return .engage(id: id, name: name, kind: kind)
    case .partnerReleased(let id): return .release(id: id)
    case .customerRegistered(let id, let name, let segment, let key):
      return .registerCustomer(id: id, name: name, segment: segment, key: key)
    case .customerLost(let id, let reason): return .lose(id: id, reason: reason)
    case .championNamed(let id, let area): return .nameChampion(id: id, area: area)
    case .championStoodDown(let id): return .standDownChampion(id: id)
    case .serviceTeamJoined(let id): return .joinTeam(id: id)
    case .serviceTeamLeft(let id): return .leaveTeam(id: id)
    case .leadershipActed(let by, let activity, let note): return .lead(by: by, activity: activity, note: note)
    case .statementMade(let by, let text, let to, _): return .say(by: by, text: text, to: to)
    case .trainingCompleted(let ids, let topic): return .train(employees: ids, topic: topic)
    case .interactionLogged(let by, let with, let mode, let channel, let outcome, let did, let note):
      return .log(by: by, with: with, mode: mode, channel: channel, outcome: outcome, did: did, note: note)
    case .promiseMade(let id, let by, let to, let due, let what):
      return .promise(id: id, by: by, to: to, due: .at(due), what: what)
    case .promiseKept(let id): return .keep(id: id)
    case .promiseBroken(let id): return .breakPromise(id: id)
    case .stressBegan(let id, let kind, let severity, let scope, let note):
      return .beginStress(id: id, kind: kind, severity: severity, scope: scope, note: note)
    case .stressEnded(let id): return .endStress(id: id)
    case .feedbackReceived(let customer, let score, let about, let comment):
      return .feedback(customer: customer, score: score, about: about, comment: comment)
    case .complaintReceived(let customer, let about, let level, let text):
      return .complain(customer: customer, about: about, level: level, text: text)
    case .followUpMade(let customer, let by, let note): return .followUp(customer: customer, by: by, note: note)
    case .pulseRecorded(let dept, let score): return .pulse(from: .department(dept ?? ""), score: score)
    case .deficiencyIdentified(let id, let what, let area, let baseline, let target):
      return .identifyDeficiency(id: id, what: what, area: area, target: target, baseline: baseline)
    case .actionPlanned(let id, let deficiency, let owner, let due, let what):
      return .planAction(id: id, deficiency: deficiency, owner: owner, due: .at(due), what: what)
    case .actionCompleted(let id): return .completeAction(id: id)
    case .eventRetracted(let seq, let reason): return .retract(seq: seq, reason: reason, target: targetType)
    case .subjectForgotten(let id, let reason): return .forget(id: id, reason: reason)
    }
  }

  /// The ranges and forms the statement parser enforces (SPEC §3.1).
  func checkValues() throws(DomainError) {
    func range(_ field: String, _ value: Int, _ bounds: ClosedRange<Int>) throws(DomainError) {
      guard bounds.contains(value) else { throw .outOfRange(field, value, bounds) }
    }
    func id(_ field: String, _ value: String) throws(DomainError) {
      guard EventLimits.isId(value) else { throw .malformed(field, "'\(EventLimits.shown(value))' is not a valid id") }
    }
    func text(_ field: String, _ value: String?, limit: Int = EventLimits.textLength) throws(DomainError) {
      guard let value else { return }
      if value.isEmpty { throw .malformed(field, "it is empty") }
      // A sealed personal field (SPEC §13): its length is the ciphertext's.
      if value.utf8.count <= Sealed.maxTokenLength, Sealed.parse(value) != nil { return }
      if value.count > limit { throw .malformed(field, "it is \(value.count) characters long; at most \(limit)") }
      if value.unicodeScalars.contains(where: EventLimits.isHidden) {
        throw .malformed(field, "it contains an invisible or control character")
      }
    }
    func due(_ field: String, _ value: Timestamp) throws(DomainError) {
      guard value.isRecordable else { throw .malformed(field, "\(value.seconds) is outside years 0000 to 9999") }
    }
    switch self {
    case .employeeHired(let eid, let name, let dept, let role, _, _, let orientation, let skills, let key):
      try id("id", eid)
      try text("name", name, limit: EventLimits.nameLength)
      try id("dept", dept)
      try text("role", role, limit: EventLimits.nameLength)
      try range("orientation", orientation, 1...5)
      try range("skills", skills, 1...5)
      try text("key", key, limit: EventLimits.nameLength)
    case .employeeDeparted(let eid, _), .partnerReleased(let eid), .championStoodDown(let eid),
      .serviceTeamJoined(let eid), .serviceTeamLeft(let eid), .promiseKept(let eid), .promiseBroken(let eid),
      .stressEnded(let eid), .actionCompleted(let eid):
      try id("id", eid)
    case .partnerEngaged(let eid, let name, _):
      try id("id", eid)
      try text("name", name, limit: EventLimits.nameLength)
    case .customerRegistered(let eid, let name, let segment, let key):
      try id("id", eid)
      try text("name", name, limit: EventLimits.nameLength)
      try text("key", key, limit: EventLimits.nameLength)
      try text("segment", segment, limit: EventLimits.nameLength)
    case .customerLost(let eid, let reason):
      try id("id", eid)
      try text("reason", reason)
    case .championNamed(let eid, let area):
      try id("id", eid)
      try text("area", area, limit: EventLimits.nameLength)
    case .leadershipActed(let by, _, let note):
      try id("by", by)
      try text("note", note)
    case .statementMade(let by, let said, _, _):
      try id("by", by)
      try text("text", said)
    case .trainingCompleted(let ids, _):
      guard !ids.isEmpty, ids.count <= EventLimits.listLength else {
        throw .malformed("employees", "it lists \(ids.count) ids; 1 to \(EventLimits.listLength)")
      }
      for each in ids { try id("employees", each) }
    case .interactionLogged(let by, let with, _, _, let outcome, _, let note):
      try id("by", by)
      try id("with", with)
      try range("outcome", outcome, -2...2)
      try text("note", note)
    case .promiseMade(let eid, let by, let to, let when, let what):
      try id("id", eid)
      try id("by", by)
      try id("to", to)
      try due("due", when)
      try text("what", what)
    case .stressBegan(let eid, _, let severity, let scope, let note):
      try id("id", eid)
      try range("severity", severity, 1...3)
      switch scope {
      case .org: break
      case .department(let dept): try id("scope", dept)
      case .employee(let emp): try id("scope", emp)
      }
      try text("note", note)
    case .feedbackReceived(let customer, let score, let about, let comment):
      try id("customer", customer)
      try range("score", score, 0...10)
      if let about { try id("about", about) }
      try text("comment", comment)
    case .complaintReceived(let customer, let about, _, let said):
      try id("customer", customer)
      if let about { try id("about", about) }
      try text("text", said)
    case .followUpMade(let customer, let by, let note):
      try id("customer", customer)
      try id("by", by)
      try text("note", note)
    case .pulseRecorded(let dept, let score):
      if let dept { try id("dept", dept) }
      try range("score", score, 0...10)
    case .deficiencyIdentified(let eid, let what, let area, _, _):
      try id("id", eid)
      try text("what", what)
      try text("area", area, limit: EventLimits.nameLength)
    case .actionPlanned(let eid, let deficiency, let owner, let when, let what):
      try id("id", eid)
      try id("deficiency", deficiency)
      try id("owner", owner)
      try due("due", when)
      try text("what", what)
    case .eventRetracted(_, let reason):
      try text("reason", reason)
    case .subjectForgotten(let eid, let reason):
      try id("id", eid)
      try text("reason", reason)
    }
  }
}

/// The sizes and forms of values in events: the statement parser enforces
/// them on what people type, and import on what files hold.
public enum EventLimits {
  public static let idLength = 64
  public static let nameLength = 200
  public static let textLength = 2000
  public static let listLength = 200

  /// Lowercase letters and digits, then also `.`, `_`, `-`; 1 to 64 long.
  public static func isId(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, isIdStart(first), text.unicodeScalars.count <= idLength else {
      return false
    }
    return text.unicodeScalars.allSatisfy { isIdStart($0) || $0 == "." || $0 == "_" || $0 == "-" }
  }

  private static func isIdStart(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
  }

  /// Control characters (C0, DEL, C1) and the format characters that reorder
  /// or hide text (bidi embeddings, overrides and isolates, invisible marks,
  /// BOM). The zero-width joiner and non-joiner are not among them: Persian
  /// names and emoji sequences need them.
  public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: return true
    case 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: return true
    default: return false
    }
  }

  /// `text` cut to 20 characters, hidden characters escaped, for messages.
  static func shown(_ text: String) -> String {
    var result = ""
    for (index, scalar) in text.unicodeScalars.enumerated() {
      if index == 20 {
        result += "…"
        break
      }
      result += isHidden(scalar) ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
    }
    return result
  }
}
