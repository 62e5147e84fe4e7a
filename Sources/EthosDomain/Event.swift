import EthosJSON

/// A fact recorded in the log: what happened, in the past tense.
///
/// Events are a storage format. Their type names, payload keys and versions
/// are public (SPEC §4) and an old log must decode forever. Each type is
/// described once in this file: its name and case here, its schema (version,
/// upcasts) in ``EventType/schema`` and its payload fields, summary, ids and
/// command in ``Event/described``. Adding one? See CONTRIBUTING.md.
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
}

// MARK: - One description per event type

extension EventType {
  /// This type's schema: its current version, whether it is an observation,
  /// and how a payload of each of its versions is read (upcasts included).
  public var schema: EventSchema {
    switch self {
    // v2: the external key a party was imported under (SPEC §15).
    case .employeeHired:
      return EventSchema(version: 2) { r throws(EventDecodingError) in
        .employeeHired(
          id: try r.string("id"), name: try r.string("name"), dept: try r.string("dept"),
          role: try r.optionalString("role"), level: try r.word("level"), facing: try r.bool("facing"),
          orientation: try r.int("orientation"), skills: try r.int("skills"),
          key: r.version >= 2 ? try r.optionalString("key") : nil)
      }
    case .employeeDeparted:
      return EventSchema { r throws(EventDecodingError) in
        .employeeDeparted(id: try r.string("id"), reason: try r.word("reason"))
      }
    case .partnerEngaged:
      return EventSchema { r throws(EventDecodingError) in
        .partnerEngaged(id: try r.string("id"), name: try r.string("name"), kind: try r.word("kind"))
      }
    case .partnerReleased:
      return EventSchema { r throws(EventDecodingError) in .partnerReleased(id: try r.string("id")) }
    // v2: the external key; v1 had none.
    case .customerRegistered:
      return EventSchema(version: 2) { r throws(EventDecodingError) in
        .customerRegistered(
          id: try r.string("id"), name: try r.string("name"), segment: try r.optionalString("segment"),
          key: r.version >= 2 ? try r.optionalString("key") : nil)
      }
    case .customerLost:
      return EventSchema { r throws(EventDecodingError) in
        .customerLost(id: try r.string("id"), reason: try r.optionalString("reason"))
      }
    case .championNamed:
      return EventSchema { r throws(EventDecodingError) in
        .championNamed(id: try r.string("id"), area: try r.optionalString("area"))
      }
    case .championStoodDown:
      return EventSchema { r throws(EventDecodingError) in .championStoodDown(id: try r.string("id")) }
    case .serviceTeamJoined:
      return EventSchema { r throws(EventDecodingError) in .serviceTeamJoined(id: try r.string("id")) }
    case .serviceTeamLeft:
      return EventSchema { r throws(EventDecodingError) in .serviceTeamLeft(id: try r.string("id")) }
    case .leadershipActed:
      return EventSchema(observation: true) { r throws(EventDecodingError) in
        .leadershipActed(by: try r.string("by"), activity: try r.word("activity"), note: try r.optionalString("note"))
      }
    // v2: the tactic-language count decided at write time.
    case .statementMade:
      return EventSchema(version: 2, observation: true) { r throws(EventDecodingError) in
        let text = try r.string("text")
        // v1 did not record the count: it is decided from the text as v2 would.
        let tactic = r.version >= 2 ? try r.int("tactic") : TacticLanguage.count(in: text)
        guard tactic >= 0 else { throw r.fail("'tactic' is negative") }
        return .statementMade(by: try r.string("by"), text: text, to: try r.word("to"), tactic: tactic)
      }
    case .trainingCompleted:
      return EventSchema(observation: true) { r throws(EventDecodingError) in
        .trainingCompleted(employees: try r.strings("employees"), topic: try r.word("topic"))
      }
    case .interactionLogged:
      return EventSchema(observation: true) { r throws(EventDecodingError) in
        let did: [Behaviour] = try r.words("did")
        return .interactionLogged(
          by: try r.string("by"), with: try r.string("with"), mode: try r.word("mode"),
          channel: try r.word("channel"), outcome: try r.int("outcome"), did: did, note: try r.optionalString("note"))
      }
    case .promiseMade:
      return EventSchema { r throws(EventDecodingError) in
        .promiseMade(
          id: try r.string("id"), by: try r.string("by"), to: try r.string("to"), due: try r.time("due"),
          what: try r.optionalString("what"))
      }
    case .promiseKept:
      return EventSchema { r throws(EventDecodingError) in .promiseKept(id: try r.string("id")) }
    case .promiseBroken:
      return EventSchema { r throws(EventDecodingError) in .promiseBroken(id: try r.string("id")) }
    case .stressBegan:
      return EventSchema { r throws(EventDecodingError) in
        let scope = try r.scope("scope")
        return .stressBegan(
          id: try r.string("id"), kind: try r.word("kind"), severity: try r.int("severity"), scope: scope,
          note: try r.optionalString("note"))
      }
    case .stressEnded:
      return EventSchema { r throws(EventDecodingError) in .stressEnded(id: try r.string("id")) }
    case .feedbackReceived:
      return EventSchema(observation: true) { r throws(EventDecodingError) in
        .feedbackReceived(
          customer: try r.string("customer"), score: try r.int("score"), about: try r.optionalString("about"),
          comment: try r.optionalString("comment"))
      }
    case .complaintReceived:
      return EventSchema(observation: true) { r throws(EventDecodingError) in
        .complaintReceived(
          customer: try r.string("customer"), about: try r.optionalString("about"), level: try r.word("level"),
          text: try r.optionalString("text"))
      }
    case .followUpMade:
      return EventSchema { r throws(EventDecodingError) in
        .followUpMade(customer: try r.string("customer"), by: try r.string("by"), note: try r.optionalString("note"))
      }
    // v2: the department instead of the employee (anonymous answers); v1
    // named the employee and is upcast without it.
    case .pulseRecorded:
      return EventSchema(version: 2, observation: true) { r throws(EventDecodingError) in
        .pulseRecorded(dept: r.version >= 2 ? try r.optionalString("dept") : nil, score: try r.int("score"))
      }
    // v2: the area's baseline and target (absent in v1, read as none).
    case .deficiencyIdentified:
      return EventSchema(version: 2) { r throws(EventDecodingError) in
        .deficiencyIdentified(
          id: try r.string("id"), what: try r.string("what"), area: try r.optionalString("area"),
          baseline: try r.optionalDouble("baseline"), target: try r.optionalDouble("target"))
      }
    case .actionPlanned:
      return EventSchema { r throws(EventDecodingError) in
        .actionPlanned(
          id: try r.string("id"), deficiency: try r.string("deficiency"), owner: try r.string("owner"),
          due: try r.time("due"), what: try r.optionalString("what"))
      }
    case .actionCompleted:
      return EventSchema { r throws(EventDecodingError) in .actionCompleted(id: try r.string("id")) }
    case .eventRetracted:
      return EventSchema { r throws(EventDecodingError) in
        .eventRetracted(seq: try r.int("seq"), reason: try r.string("reason"))
      }
    case .subjectForgotten:
      return EventSchema { r throws(EventDecodingError) in
        .subjectForgotten(id: try r.string("id"), reason: try r.string("reason"))
      }
    }
  }
}

extension Event {
  /// This event as data: its payload fields (JSON keys, the form of each
  /// value, which are personal data and whose), its summary, the ids it
  /// names and the command it is decided from.
  public var described: EventDescription {
    switch self {
    case .employeeHired(
      let id, let name, let dept, let role, let level, let facing, let orientation, let skills, let key):
      return EventDescription(
        [
          .id("id", id), .name("name", name, personal: .party(id)), .id("dept", dept), .name("role", role),
          .word("level", level), .bool("facing", facing), .int("orientation", orientation, in: 1...5),
          .int("skills", skills, in: 1...5), .name("key", key, personal: .party(id)),
        ],
        summary: { "\(id) \"\(name)\" (\(dept), \(level.rawValue))" }, ids: { [id] },
        command: { _ in
          .hire(
            id: id, name: name, dept: dept, role: role, level: level, facing: facing, orientation: orientation,
            skills: skills, key: key)
        })
    case .employeeDeparted(let id, let reason):
      return EventDescription(
        [.id("id", id), .word("reason", reason)], summary: { "\(id) (\(reason.rawValue))" }, ids: { [id] },
        command: { _ in .depart(id: id, reason: reason) })
    case .partnerEngaged(let id, let name, let kind):
      return EventDescription(
        [.id("id", id), .name("name", name, personal: .party(id)), .word("kind", kind)],
        summary: { "\(id) \"\(name)\" (\(kind.rawValue))" }, ids: { [id] },
        command: { _ in .engage(id: id, name: name, kind: kind) })
    case .partnerReleased(let id):
      return EventDescription([.id("id", id)], summary: { id }, ids: { [id] }, command: { _ in .release(id: id) })
    case .customerRegistered(let id, let name, let segment, let key):
      return EventDescription(
        [
          .id("id", id), .name("name", name, personal: .party(id)), .name("key", key, personal: .party(id)),
          .name("segment", segment),
        ],
        summary: { "\(id) \"\(name)\"" + (segment.map { " (\($0))" } ?? "") }, ids: { [id] },
        command: { _ in .registerCustomer(id: id, name: name, segment: segment, key: key) })
    case .customerLost(let id, let reason):
      return EventDescription(
        [.id("id", id), .text("reason", reason, personal: .party(id))],
        summary: { id + (reason.map { " (\(Event.clip($0)))" } ?? "") }, ids: { [id] },
        command: { _ in .lose(id: id, reason: reason) })
    case .championNamed(let id, let area):
      return EventDescription(
        [.id("id", id), .name("area", area)], summary: { id + (area.map { " (\($0))" } ?? "") }, ids: { [id] },
        command: { _ in .nameChampion(id: id, area: area) })
    case .championStoodDown(let id):
      return EventDescription(
        [.id("id", id)], summary: { id }, ids: { [id] }, command: { _ in .standDownChampion(id: id) })
    case .serviceTeamJoined(let id):
      return EventDescription([.id("id", id)], summary: { id }, ids: { [id] }, command: { _ in .joinTeam(id: id) })
    case .serviceTeamLeft(let id):
      return EventDescription([.id("id", id)], summary: { id }, ids: { [id] }, command: { _ in .leaveTeam(id: id) })
    case .leadershipActed(let by, let activity, let note):
      return EventDescription(
        [.id("by", by), .word("activity", activity), .text("note", note, personal: .party(by))],
        summary: { "\(by) \(activity.rawValue)" }, ids: { [by] },
        command: { _ in .lead(by: by, activity: activity, note: note) })
    case .statementMade(let by, let text, let to, let tactic):
      // What the company says is not personal; what an employee says is theirs.
      return EventDescription(
        [
          .id("by", by), .text("text", text, personal: by == companySpeaker ? nil : .party(by)), .word("to", to),
          .int("tactic", tactic),
        ],
        summary: { "\(by) → \(to.rawValue): \"\(Event.clip(text))\"" }, ids: { [by] },
        command: { _ in .say(by: by, text: text, to: to) })
    case .trainingCompleted(let employees, let topic):
      return EventDescription(
        [.ids("employees", employees), .word("topic", topic)],
        summary: { "\(employees.joined(separator: ", ")): \(topic.rawValue)" }, ids: { employees },
        command: { _ in .train(employees: employees, topic: topic) })
    case .interactionLogged(let by, let with, let mode, let channel, let outcome, let did, let note):
      return EventDescription(
        [
          .id("by", by), .id("with", with), .word("mode", mode), .word("channel", channel),
          .int("outcome", outcome, in: -2...2), .words("did", did),
          .text("note", note, personal: .customer(with, otherwise: by)),
        ],
        summary: { "\(by) → \(with) (\(Event.signed(outcome)), \(mode.rawValue))" }, ids: { [by, with] },
        command: { _ in .log(by: by, with: with, mode: mode, channel: channel, outcome: outcome, did: did, note: note) }
      )
    case .promiseMade(let id, let by, let to, let due, let what):
      return EventDescription(
        [
          .id("id", id), .id("by", by), .id("to", to), .time("due", due),
          .text("what", what, personal: .customer(to, otherwise: by)),
        ],
        summary: { "\(id): \(by) → \(to), due \(due.short)" }, ids: { [id, by, to] }, created: { [id] },
        command: { _ in .promise(id: id, by: by, to: to, due: .at(due), what: what) })
    case .promiseKept(let id):
      return EventDescription([.id("id", id)], summary: { id }, ids: { [id] }, command: { _ in .keep(id: id) })
    case .promiseBroken(let id):
      return EventDescription(
        [.id("id", id)], summary: { id }, ids: { [id] }, command: { _ in .breakPromise(id: id) })
    case .stressBegan(let id, let kind, let severity, let scope, let note):
      // A window over one employee is about them; over the organisation or a department it is not.
      let employee: String?
      if case .employee(let emp) = scope { employee = emp } else { employee = nil }
      return EventDescription(
        [
          .id("id", id), .word("kind", kind), .int("severity", severity, in: 1...3), .scope("scope", scope),
          .text("note", note, personal: employee.map(EventField.Owner.party)),
        ],
        summary: { "\(id) \(kind.rawValue) severity \(severity) (\(scope))" },
        ids: { [id] + (employee.map { [$0] } ?? []) },
        created: { [id] },
        command: { _ in .beginStress(id: id, kind: kind, severity: severity, scope: scope, note: note) })
    case .stressEnded(let id):
      return EventDescription([.id("id", id)], summary: { id }, ids: { [id] }, command: { _ in .endStress(id: id) })
    case .feedbackReceived(let customer, let score, let about, let comment):
      return EventDescription(
        [
          .id("customer", customer), .int("score", score, in: 0...10), .id("about", about),
          .text("comment", comment, personal: .party(customer)),
        ],
        summary: { "\(customer) score \(score)" + (about.map { " (about \($0))" } ?? "") },
        ids: { [customer] + (about.map { [$0] } ?? []) },
        command: { _ in .feedback(customer: customer, score: score, about: about, comment: comment) })
    case .complaintReceived(let customer, let about, let level, let text):
      return EventDescription(
        [
          .id("customer", customer), .id("about", about), .word("level", level),
          .text("text", text, personal: .party(customer)),
        ],
        summary: { "\(customer) (\(level.rawValue)" + (about.map { ", about \($0)" } ?? "") + ")" },
        ids: { [customer] + (about.map { [$0] } ?? []) },
        command: { _ in .complain(customer: customer, about: about, level: level, text: text) })
    case .followUpMade(let customer, let by, let note):
      return EventDescription(
        [.id("customer", customer), .id("by", by), .text("note", note, personal: .party(customer))],
        summary: { "\(customer) by \(by)" }, ids: { [customer, by] },
        command: { _ in .followUp(customer: customer, by: by, note: note) })
    case .pulseRecorded(let dept, let score):
      // Anonymous: no id, ever. A version 1 answer, read without its
      // department, names nothing a rule could check.
      return EventDescription(
        [.id("dept", dept), .int("score", score, in: 0...10)],
        summary: { "\(dept ?? "(no department)") score \(score)" }, ids: { [] },
        command: { _ in dept.map { .pulse(from: .department($0), score: score) } })
    case .deficiencyIdentified(let id, let what, let area, let baseline, let target):
      return EventDescription(
        [
          .id("id", id), .text("what", what), .name("area", area), .number("baseline", baseline),
          .number("target", target),
        ],
        summary: {
          var figures = [String]()
          if let baseline { figures.append("baseline \(Event.figure(baseline))") }
          if let target { figures.append("target \(Event.figure(target))") }
          let detail = ([area].compactMap { $0 } + figures).joined(separator: ", ")
          return "\(id) \"\(Event.clip(what))\"" + (detail.isEmpty ? "" : " (\(detail))")
        }, ids: { [id] }, created: { [id] },
        command: { _ in .identifyDeficiency(id: id, what: what, area: area, target: target, baseline: baseline) })
    case .actionPlanned(let id, let deficiency, let owner, let due, let what):
      return EventDescription(
        [.id("id", id), .id("deficiency", deficiency), .id("owner", owner), .time("due", due), .text("what", what)],
        summary: { "\(id) for \(deficiency), owner \(owner), due \(due.short)" }, ids: { [id, deficiency, owner] },
        created: { [id] },
        command: { _ in .planAction(id: id, deficiency: deficiency, owner: owner, due: .at(due), what: what) })
    case .actionCompleted(let id):
      return EventDescription(
        [.id("id", id)], summary: { id }, ids: { [id] }, command: { _ in .completeAction(id: id) })
    case .eventRetracted(let seq, let reason):
      return EventDescription(
        [.int("seq", seq), .text("reason", reason)], summary: { "@\(seq) (\(Event.clip(reason)))" }, ids: { [] },
        command: { target in .retract(seq: seq, reason: reason, target: target) })
    case .subjectForgotten(let id, let reason):
      // Holds no personal data; the reason is for the audit trail.
      return EventDescription(
        [.id("id", id), .text("reason", reason)], summary: { "\(id) (\(Event.clip(reason)))" }, ids: { [id] },
        command: { _ in .forget(id: id, reason: reason) })
    }
  }
}
