import EthosDomain

/// The groups `help` lists statements under.
public enum StatementGroup: String, Sendable, CaseIterable {
  case people = "people"
  case interactions = "interactions"
  case stress = "stress"
  case voice = "voice of the customer"
  case plan = "plan"
  case queries = "queries"
  case history = "history & time travel"
  case scenarios = "scenarios"
  case scripts = "scripts & settings"
}

/// What a word of a statement holds, so completion knows what to offer.
public enum Slot: Sendable, Equatable {
  /// A fresh id, a name or free text: nothing to offer.
  case free
  /// A fixed word the syntax requires (`with`, `by`, `to`, `for`).
  case keyword(String)
  /// One of a closed list of words.
  case words([String])
  /// An id of the current state.
  case ref(Reference)
  /// Ids of the current state separated by commas (`train ana,ben`).
  case refList(Reference)
  /// An event as `@N` (times are accepted where the syntax says so).
  case seq
  /// `org`, `dept:D` or `employee:EMP`.
  case scope
  /// A query with its own words and options (`as of`, `compare`).
  case query
  /// A write statement (`what-if`).
  case write
  /// A file path (`source`).
  case file
  /// A JSON path such as `culture.indicators.nps.value` (`expect`, `trend`).
  case path
  /// A statement name (`help`).
  case topic
  /// A setting name, then its value (`set format json`).
  case setting
  /// A branch name.
  case branch
}

/// A positional word of a statement.
public struct ArgumentSpec: Sendable, Equatable {
  public let slot: Slot
  public let optional: Bool

  public init(_ slot: Slot, optional: Bool = false) {
    self.slot = slot
    self.optional = optional
  }

  static let free = ArgumentSpec(.free)
  static let note = ArgumentSpec(.free, optional: true)
  static func ref(_ reference: Reference) -> ArgumentSpec { ArgumentSpec(.ref(reference)) }
  static func keyword(_ word: String) -> ArgumentSpec { ArgumentSpec(.keyword(word)) }
}

/// An option a statement accepts, with its allowed values when they are a closed list.
public struct OptionSpec: Sendable, Equatable {
  public let name: String
  /// The closed list of values, or empty when the value is free (an id, a number, a time).
  public let values: [String]
  /// How the value is written in syntax lines: `1-5`, `D`, `T|+DURATION`.
  public let placeholder: String
  /// Whether several values may be given, comma-separated (`did=`).
  public let list: Bool
  /// What a free value names, for completion (`about=` an employee, `from=` an event).
  public let slot: Slot

  public init(_ name: String, _ placeholder: String, values: [String] = [], list: Bool = false, slot: Slot = .free) {
    self.name = name
    self.placeholder = placeholder
    self.values = values
    self.list = list
    self.slot = values.isEmpty ? slot : .words(values)
  }

  init(_ name: String, _ placeholder: String, _ slot: Slot) {
    self.init(name, placeholder, slot: slot)
  }

  init<V: Vocabulary>(_ name: String, _ type: V.Type, list: Bool = false) {
    self.init(
      name, type.allCases.map(\.rawValue).joined(separator: "|"), values: type.allCases.map(\.rawValue), list: list)
  }
}

/// One statement of the language: the single table that drives the parser
/// (a write statement's words to its command), `help`, and the REPL's completion.
public struct StatementSpec: Sendable, Equatable {
  /// The leading words: `hire`, `stress begin`, `as of`.
  public let words: String
  public let group: StatementGroup
  public let syntax: String
  public let summary: String
  public let options: [OptionSpec]
  /// Rules and notes beyond the syntax.
  public let rules: String
  public let example: String
  /// The positional words after the leading words, in order.
  public let arguments: [ArgumentSpec]
  /// How a write statement's words become its command (`nil` for the
  /// others); the parser checks that every word was used.
  let write: (@Sendable (inout Args) throws(Diagnostic) -> Command)?

  init(
    words: String, group: StatementGroup, syntax: String, summary: String, options: [OptionSpec], rules: String,
    example: String, arguments: [ArgumentSpec] = [],
    write: (@Sendable (inout Args) throws(Diagnostic) -> Command)? = nil
  ) {
    self.words = words
    self.group = group
    self.syntax = syntax
    self.summary = summary
    self.options = options
    self.rules = rules
    self.example = example
    self.arguments = arguments
    self.write = write
  }

  public static func == (lhs: StatementSpec, rhs: StatementSpec) -> Bool {
    lhs.words == rhs.words && lhs.group == rhs.group && lhs.syntax == rhs.syntax && lhs.summary == rhs.summary
      && lhs.options == rhs.options && lhs.rules == rhs.rules && lhs.example == rhs.example
      && lhs.arguments == rhs.arguments && (lhs.write == nil) == (rhs.write == nil)
  }

  /// Whether the statement appends events (`what-if` takes only these).
  public var isWrite: Bool {
    [.people, .interactions, .stress, .voice, .plan].contains(group)
  }

  public func option(_ name: String) -> OptionSpec? { options.first { $0.name == name } }
}

public enum StatementTable {
  /// Every statement, in the order `help` shows them.
  public static let all: [StatementSpec] = [
    // people
    StatementSpec(
      words: "hire", group: .people,
      syntax:
        "hire ID \"NAME\" [dept=D] [role=R] [level=staff|manager|leader] [facing=yes|no] [orientation=1-5] [skills=1-5] [key=K]",
      summary: "hire an employee (EmployeeHired)",
      options: [
        OptionSpec("dept", "D", .ref(.department)), OptionSpec("role", "R"), OptionSpec("level", Level.self),
        OptionSpec("facing", YesNo.self), OptionSpec("orientation", "1-5", values: ["1", "2", "3", "4", "5"]),
        OptionSpec("skills", "1-5", values: ["1", "2", "3", "4", "5"]), OptionSpec("key", "K"),
      ],
      rules: "ID must be new. Defaults: dept=general level=staff facing=yes orientation=3 skills=3. "
        + "key= keeps the external key (an HR number, an e-mail) an import knows the employee by.",
      example: "hire ana \"Ana Lima\" dept=front-desk level=manager orientation=5 skills=4", arguments: [.free, .free],
      write: { a throws(Diagnostic) in
        let id = try a.id(0, "an employee id")
        let name = try a.name(1, "the employee's name in quotes")
        let level = try a.word("level", Level.self) ?? .staff
        let facing = try a.word("facing", YesNo.self) ?? .yes
        return .hire(
          id: id, name: name, dept: try a.id(option: "dept", what: "a department") ?? "general",
          role: try a.text(option: "role"), level: level, facing: facing == .yes,
          orientation: try a.int("orientation", 1...5) ?? 3, skills: try a.int("skills", 1...5) ?? 3,
          key: try a.key())
      }),
    StatementSpec(
      words: "depart", group: .people, syntax: "depart EMP [reason=resigned|dismissed|retired|other]",
      summary: "an employee leaves (EmployeeDeparted)", options: [OptionSpec("reason", DepartureReason.self)],
      rules: "EMP must be an active employee; the id is never reused.", example: "depart ana reason=resigned",
      arguments: [.ref(.activeEmployee)],
      write: { a throws(Diagnostic) in
        .depart(id: try a.id(0, "an employee id"), reason: try a.word("reason", DepartureReason.self) ?? .other)
      }),
    StatementSpec(
      words: "engage", group: .people, syntax: "engage ID \"NAME\" kind=vendor|subcontractor",
      summary: "engage a vendor or subcontractor (PartnerEngaged)", options: [OptionSpec("kind", PartnerKind.self)],
      rules: "ID must be new; kind= is required.", example: "engage linens \"Linen Co\" kind=vendor",
      arguments: [.free, .free],
      write: { a throws(Diagnostic) in
        let id = try a.id(0, "a partner id")
        let name = try a.name(1, "the partner's name in quotes")
        guard let kind = try a.word("kind", PartnerKind.self) else { throw a.missing("kind", PartnerKind.choices) }
        return .engage(id: id, name: name, kind: kind)
      }),
    StatementSpec(
      words: "release", group: .people, syntax: "release PARTNER", summary: "end a partnership (PartnerReleased)",
      options: [], rules: "PARTNER must be engaged.", example: "release linens", arguments: [.ref(.engagedPartner)],
      write: { a throws(Diagnostic) in
        .release(id: try a.id(0, "a partner id"))
      }),
    StatementSpec(
      words: "customer", group: .people, syntax: "customer ID \"NAME\" [segment=S] [key=K]",
      summary: "register a customer (CustomerRegistered)",
      options: [OptionSpec("segment", "S", .ref(.segment)), OptionSpec("key", "K")],
      rules: "ID must be new. key= keeps the external key (an e-mail, a requester id) an import knows the customer by.",
      example: "customer acme \"Acme Travel\" segment=business", arguments: [.free, .free],
      write: { a throws(Diagnostic) in
        let id = try a.id(0, "a customer id")
        let name = try a.name(1, "the customer's name in quotes")
        return .registerCustomer(id: id, name: name, segment: try a.text(option: "segment"), key: try a.key())
      }),
    StatementSpec(
      words: "lose", group: .people, syntax: "lose CUST [\"reason\"]", summary: "a customer goes away (CustomerLost)",
      options: [], rules: "CUST must be an active customer.", example: "lose acme \"moved to a competitor\"",
      arguments: [.ref(.activeCustomer), .note],
      write: { a throws(Diagnostic) in
        .lose(id: try a.id(0, "a customer id"), reason: try a.optionalText(1))
      }),
    StatementSpec(
      words: "champion", group: .people, syntax: "champion EMP [area=\"…\"]",
      summary: "name a service champion (ChampionNamed)", options: [OptionSpec("area", "\"…\"")],
      rules: "EMP must be active and not already a champion; any level.",
      example: "champion ben area=\"housekeeping\"", arguments: [.ref(.championCandidate)],
      write: { a throws(Diagnostic) in
        .nameChampion(id: try a.id(0, "an employee id"), area: try a.text(option: "area"))
      }),
    StatementSpec(
      words: "unchampion", group: .people, syntax: "unchampion EMP",
      summary: "a champion stands down (ChampionStoodDown)",
      options: [], rules: "EMP must be a current champion.", example: "unchampion ben", arguments: [.ref(.champion)],
      write: { a throws(Diagnostic) in
        .standDownChampion(id: try a.id(0, "an employee id"))
      }),
    StatementSpec(
      words: "team join", group: .people, syntax: "team join EMP",
      summary: "join the dedicated service team (ServiceTeamJoined)", options: [],
      rules: "EMP must be active and not on the team.", example: "team join ana", arguments: [.ref(.teamCandidate)],
      write: { a throws(Diagnostic) in
        .joinTeam(id: try a.id(0, "an employee id"))
      }),
    StatementSpec(
      words: "team leave", group: .people, syntax: "team leave EMP",
      summary: "leave the service team (ServiceTeamLeft)",
      options: [], rules: "EMP must be on the team.", example: "team leave ana", arguments: [.ref(.teamMember)],
      write: { a throws(Diagnostic) in
        .leaveTeam(id: try a.id(0, "an employee id"))
      }),
    StatementSpec(
      words: "lead", group: .people, syntax: "lead EMP communicate|model|recognize|review|frontline [\"note\"]",
      summary: "a senior leader acts visibly (LeadershipActed)", options: [],
      rules: "EMP must be an active employee with level=leader.",
      example: "lead cora frontline \"worked the desk at check-in\"",
      arguments: [.ref(.leader), ArgumentSpec(.words(LeadActivity.allCases.map(\.rawValue))), .note],
      write: { a throws(Diagnostic) in
        let by = try a.id(0, "a leader's employee id")
        let activity = try a.positionalWord(1, LeadActivity.self, "an activity")
        return .lead(by: by, activity: activity, note: try a.optionalText(2))
      }),
    StatementSpec(
      words: "say", group: .people, syntax: "say BY \"TEXT\" [to=internal|external]",
      summary: "record what a leader or the company says (StatementMade)", options: [OptionSpec("to", Addressee.self)],
      rules: "BY is an active employee or 'company'; to=external by default. Words like focus, initiative, tactic or "
        + "campaign count as tactic language.",
      example: "say company \"Service is how we work, every day\" to=internal",
      arguments: [.ref(.employeeOrCompany), .free],
      write: { a throws(Diagnostic) in
        let by = try a.id(0, "an employee id or 'company'")
        let text = try a.name(1, "what was said, in quotes", limit: Limits.textLength)
        return .say(by: by, text: text, to: try a.word("to", Addressee.self) ?? .external)
      }),
    StatementSpec(
      words: "train", group: .people,
      syntax: "train EMP[,EMP…] topic=phone-courtesy|follow-up|ownership|problem-resolution|other",
      summary: "record completed training (TrainingCompleted)", options: [OptionSpec("topic", TrainingTopic.self)],
      rules: "Every EMP must be an active employee; topic= is required.", example: "train ana,ben topic=ownership",
      arguments: [ArgumentSpec(.refList(.activeEmployee))],
      write: { a throws(Diagnostic) in
        let ids = try a.idList(0, "employee ids separated by commas")
        guard let topic = try a.word("topic", TrainingTopic.self) else {
          throw a.missing("topic", TrainingTopic.choices)
        }
        return .train(employees: ids, topic: topic)
      }),
    // interactions
    StatementSpec(
      words: "log", group: .interactions,
      syntax: "log EMP with PARTY [mode=relationship|transaction] [channel=phone|email|chat|in-person|other] "
        + "[outcome=-2..+2] [did=B[,B…]] [\"note\"]",
      summary: "log an interaction (InteractionLogged)",
      options: [
        OptionSpec("mode", Mode.self), OptionSpec("channel", Channel.self),
        OptionSpec("outcome", "-2..+2", values: ["-2", "-1", "0", "+1", "+2"]),
        OptionSpec("did", Behaviour.self, list: true),
      ],
      rules: "EMP is an active employee; PARTY an active customer, another active employee or an engaged partner. "
        + "Defaults: mode=transaction channel=other outcome=0.",
      example: "log ana with acme mode=relationship channel=phone outcome=+2 did=answered-on-spot,courteous",
      arguments: [.ref(.activeEmployee), .keyword("with"), .ref(.party), .note],
      write: { a throws(Diagnostic) in
        let by = try a.id(0, "an employee id")
        try a.keyword(1, "with")
        let with = try a.id(2, "the customer, employee or partner served")
        return .log(
          by: by, with: with, mode: try a.word("mode", Mode.self) ?? .transaction,
          channel: try a.word("channel", Channel.self) ?? .other, outcome: try a.int("outcome", -2...2) ?? 0,
          did: try a.words("did", Behaviour.self), note: try a.optionalText(3))
      }),
    StatementSpec(
      words: "promise", group: .interactions, syntax: "promise ID by EMP to PARTY due=T|+DURATION [\"what\"]",
      summary: "record a promise (PromiseMade)", options: [OptionSpec("due", "T|+DURATION")],
      rules: "ID must be new; EMP an active employee; PARTY an active party other than EMP; due= is required "
        + "(+3d counts from the promise's time on the clock).",
      example: "promise p1 by ana to acme due=+2d \"call back with the refund\"",
      arguments: [.free, .keyword("by"), .ref(.activeEmployee), .keyword("to"), .ref(.party), .note],
      write: { a throws(Diagnostic) in
        let id = try a.id(0, "a promise id")
        try a.keyword(1, "by")
        let by = try a.id(2, "the employee making the promise")
        try a.keyword(3, "to")
        let to = try a.id(4, "the party it is made to")
        guard let due = try a.due("due") else { throw a.missing("due", "a time or +DURATION, e.g. due=+2d") }
        return .promise(id: id, by: by, to: to, due: due, what: try a.optionalText(5))
      }),
    StatementSpec(
      words: "keep", group: .interactions, syntax: "keep PROMISE", summary: "a promise is kept (PromiseKept)",
      options: [], rules: "PROMISE must be open.", example: "keep p1", arguments: [.ref(.openPromise)],
      write: { a throws(Diagnostic) in
        .keep(id: try a.id(0, "a promise id"))
      }),
    StatementSpec(
      words: "break", group: .interactions, syntax: "break PROMISE", summary: "a promise is broken (PromiseBroken)",
      options: [], rules: "PROMISE must be open.", example: "break p1", arguments: [.ref(.openPromise)],
      write: { a throws(Diagnostic) in
        .breakPromise(id: try a.id(0, "a promise id"))
      }),
    // stress
    StatementSpec(
      words: "stress begin", group: .stress,
      syntax: "stress begin ID kind=K [severity=1-3] [scope=org|dept:D|employee:EMP] [\"note\"]",
      summary: "a stress window opens (StressBegan)",
      options: [
        OptionSpec("kind", StressKind.self), OptionSpec("severity", "1-3", values: ["1", "2", "3"]),
        OptionSpec("scope", "org|dept:D|employee:EMP", .scope),
      ],
      rules: "ID must be new; D a department someone was hired into; EMP an active employee. "
        + "Defaults: severity=2 scope=org.",
      example: "stress begin storm kind=weather severity=3 \"hurricane warning\"", arguments: [.free, .note],
      write: { a throws(Diagnostic) in
        let id = try a.id(0, "a stress window id")
        guard let kind = try a.word("kind", StressKind.self) else { throw a.missing("kind", StressKind.choices) }
        return .beginStress(
          id: id, kind: kind, severity: try a.int("severity", 1...3) ?? 2, scope: try a.scope("scope") ?? .org,
          note: try a.optionalText(1))
      }),
    StatementSpec(
      words: "stress end", group: .stress, syntax: "stress end ID", summary: "a stress window closes (StressEnded)",
      options: [], rules: "ID must be an open stress window.", example: "stress end storm",
      arguments: [.ref(.openStress)],
      write: { a throws(Diagnostic) in
        .endStress(id: try a.id(0, "a stress window id"))
      }),
    // voice of the customer
    StatementSpec(
      words: "feedback", group: .voice, syntax: "feedback CUST score=0-10 [about=EMP] [\"comment\"]",
      summary: "a customer's rating (FeedbackReceived)",
      options: [
        OptionSpec("score", "0-10", values: (0...10).map(String.init)),
        OptionSpec("about", "EMP", .ref(.knownEmployee)),
      ],
      rules: "CUST a known customer (a lost one too); EMP a known employee; score= is required.",
      example: "feedback acme score=9 about=ana \"quick and kind\"", arguments: [.ref(.knownCustomer), .note],
      write: { a throws(Diagnostic) in
        let customer = try a.id(0, "a customer id")
        guard let score = try a.int("score", 0...10) else { throw a.missing("score", "0-10") }
        return .feedback(
          customer: customer, score: score, about: try a.id(option: "about", what: "an employee id"),
          comment: try a.optionalText(1))
      }),
    StatementSpec(
      words: "complain", group: .voice,
      syntax: "complain CUST [about=EMP] [level=frontline|manager|head-office] [\"text\"]",
      summary: "a customer complains (ComplaintReceived)",
      options: [OptionSpec("about", "EMP", .ref(.knownEmployee)), OptionSpec("level", ComplaintLevel.self)],
      rules: "CUST a known customer (a lost one too); EMP a known employee; level=frontline by default.",
      example: "complain acme about=ben level=manager \"room not ready\"", arguments: [.ref(.knownCustomer), .note],
      write: { a throws(Diagnostic) in
        let customer = try a.id(0, "a customer id")
        return .complain(
          customer: customer, about: try a.id(option: "about", what: "an employee id"),
          level: try a.word("level", ComplaintLevel.self) ?? .frontline, text: try a.optionalText(1))
      }),
    StatementSpec(
      words: "follow-up", group: .voice, syntax: "follow-up CUST by EMP [\"note\"]",
      summary: "close the loop with a customer (FollowUpMade)", options: [],
      rules: "CUST a known customer; EMP an active employee. Closes the customer's open complaints and detractor "
        + "feedback; with none open it is a proactive call.",
      example: "follow-up acme by ana \"refund confirmed\"",
      arguments: [.ref(.knownCustomer), .keyword("by"), .ref(.activeEmployee), .note],
      write: { a throws(Diagnostic) in
        let customer = try a.id(0, "a customer id")
        try a.keyword(1, "by")
        let by = try a.id(2, "the employee following up")
        return .followUp(customer: customer, by: by, note: try a.optionalText(3))
      }),
    StatementSpec(
      words: "pulse", group: .voice, syntax: "pulse dept=D score=0-10 (or pulse EMP score=0-10)",
      summary: "an anonymous eNPS answer (PulseRecorded)",
      options: [
        OptionSpec("dept", "D", .ref(.department)), OptionSpec("score", "0-10", values: (0...10).map(String.init)),
      ],
      rules: "D a department with an active employee; with EMP (an active employee) only EMP's department is "
        + "recorded, never the id. score= is required. Answers are anonymous: eNPS is shown from 5 answers on.",
      example: "pulse dept=front-desk score=8", arguments: [ArgumentSpec(.ref(.activeEmployee), optional: true)],
      write: { a throws(Diagnostic) in
        let source: PulseSource
        if let dept = try a.id(option: "dept", what: "a department") {
          source = .department(dept)
        } else {
          source = .employee(try a.id(0, "dept=D (or an employee id, of whom only the department is kept)"))
        }
        guard let score = try a.int("score", 0...10) else { throw a.missing("score", "0-10") }
        return .pulse(from: source, score: score)
      }),
    // plan
    StatementSpec(
      words: "deficiency", group: .plan, syntax: "deficiency ID \"WHAT\" [area=INDICATOR] [target=V]",
      summary: "name something to correct (DeficiencyIdentified)",
      options: [
        OptionSpec("area", "INDICATOR", values: IndicatorName.allCases.map(\.rawValue) + ["matrix"]),
        OptionSpec("target", "V"),
      ],
      rules: "ID must be new; INDICATOR a culture indicator name or 'matrix'. With an indicator, its value now is "
        + "recorded as the baseline and 'plan' shows it beside the current value and whether target= V is met.",
      example: "deficiency d1 \"staff snap at each other in storms\" area=matrix", arguments: [.free, .free],
      write: { a throws(Diagnostic) in
        let id = try a.id(0, "a deficiency id")
        let what = try a.name(1, "what is deficient, in quotes", limit: Limits.textLength)
        return .identifyDeficiency(
          id: id, what: what, area: try a.text(option: "area"), target: try a.number("target"), baseline: nil)
      }),
    StatementSpec(
      words: "plan", group: .plan, syntax: "plan ID for DEFICIENCY owner=EMP due=T|+DURATION [\"what\"]",
      summary: "plan an action against a deficiency (ActionPlanned); 'plan' alone lists the plan",
      options: [OptionSpec("owner", "EMP", .ref(.activeEmployee)), OptionSpec("due", "T|+DURATION")],
      rules: "ID must be new; DEFICIENCY known; owner an active employee; owner= and due= are required.",
      example: "plan a1 for d1 owner=cora due=+2w \"storm-week staff huddles\"",
      arguments: [.free, .keyword("for"), .ref(.deficiency), .note],
      write: { a throws(Diagnostic) in
        let id = try a.id(0, "an action id")
        try a.keyword(1, "for")
        let deficiency = try a.id(2, "a deficiency id")
        guard let owner = try a.id(option: "owner", what: "an employee id") else {
          throw a.missing("owner", "an employee id")
        }
        guard let due = try a.due("due") else { throw a.missing("due", "a time or +DURATION, e.g. due=+2w") }
        return .planAction(id: id, deficiency: deficiency, owner: owner, due: due, what: try a.optionalText(3))
      }),
    StatementSpec(
      words: "done", group: .plan, syntax: "done ACTION", summary: "an action is completed (ActionCompleted)",
      options: [], rules: "ACTION must be open.", example: "done a1", arguments: [.ref(.openAction)],
      write: { a throws(Diagnostic) in
        .completeAction(id: try a.id(0, "an action id"))
      }),
    StatementSpec(
      words: "retract", group: .plan, syntax: "retract @N \"REASON\"",
      summary: "withdraw an observation logged in error (EventRetracted)", options: [],
      rules: "@N is an InteractionLogged, FeedbackReceived, ComplaintReceived, PulseRecorded, StatementMade, "
        + "TrainingCompleted or LeadershipActed event not already retracted; projections then ignore it, the log keeps it.",
      example: "retract @42 \"logged against the wrong customer\"", arguments: [ArgumentSpec(.seq), .free],
      write: { a throws(Diagnostic) in
        let seq = try a.seq(0)
        let reason = try a.name(1, "the reason, in quotes", limit: Limits.textLength)
        return .retract(seq: seq, reason: reason, target: nil)
      }),
    StatementSpec(
      words: "forget", group: .plan, syntax: "forget ID \"REASON\"",
      summary: "erase a person's personal data for good (SubjectForgotten)", options: [],
      rules: "ID is an employee, partner or customer not already forgotten (not 'company'). Their data key is "
        + "destroyed: names and texts show as (forgotten), every figure stays, verify still passes, and nothing more "
        + "can be recorded about them. The reason is kept in clear: write no personal data in it.",
      example: "forget c2 \"erasure request 2026-114\"", arguments: [.ref(.knownParty), .free],
      write: { a throws(Diagnostic) in
        let id = try a.id(0, "the id of an employee, partner or customer")
        let reason = try a.name(1, "the reason, in quotes", limit: Limits.textLength)
        return .forget(id: id, reason: reason)
      }),
    // queries
    StatementSpec(
      words: "matrix", group: .queries, syntax: "matrix [dept=D] [window=DURATION]",
      summary: "the Service Culture Matrix",
      options: [OptionSpec("dept", "D", .ref(.department)), OptionSpec("window", "DURATION")],
      rules: "dept= counts only interactions served by employees of D; window=90d only those of the last 90 days.",
      example: "matrix dept=front-desk"),
    StatementSpec(
      words: "culture", group: .queries, syntax: "culture [window=DURATION]",
      summary: "the scorecard: indicators and the strategy verdict",
      options: [OptionSpec("window", "DURATION")],
      rules: "window=90d counts only observations of the last 90 days (who is active, departments and champions "
        + "stay as of now). Each indicator shows its value, its status and n, the sample it rests on; below its "
        + "minimum sample the status is empty.",
      example: "culture window=90d"),
    StatementSpec(
      words: "employees", group: .queries, syntax: "employees [all]", summary: "active employees (all: departed too)",
      options: [], rules: "", example: "employees all", arguments: [ArgumentSpec(.words(["all"]), optional: true)]),
    StatementSpec(
      words: "customers", group: .queries, syntax: "customers [all]", summary: "active customers (all: lost too)",
      options: [], rules: "", example: "customers", arguments: [ArgumentSpec(.words(["all"]), optional: true)]),
    StatementSpec(
      words: "partners", group: .queries, syntax: "partners", summary: "vendors and subcontractors", options: [],
      rules: "", example: "partners"),
    StatementSpec(
      words: "champions", group: .queries, syntax: "champions", summary: "current service champions", options: [],
      rules: "", example: "champions"),
    StatementSpec(
      words: "team", group: .queries, syntax: "team", summary: "the dedicated service team", options: [], rules: "",
      example: "team"),
    StatementSpec(
      words: "promises", group: .queries, syntax: "promises [open|overdue|kept|broken]",
      summary: "promises and their state",
      options: [], rules: "", example: "promises overdue",
      arguments: [ArgumentSpec(.words(PromiseFilter.allCases.map(\.rawValue)), optional: true)]),
    StatementSpec(
      words: "stresses", group: .queries, syntax: "stresses [open]", summary: "stress windows", options: [], rules: "",
      example: "stresses open", arguments: [ArgumentSpec(.words(["open"]), optional: true)]),
    StatementSpec(
      words: "at-risk", group: .queries, syntax: "at-risk",
      summary: "active customers whose latest interaction went badly and who never complained", options: [], rules: "",
      example: "at-risk"),
    StatementSpec(
      words: "who", group: .queries, syntax: "who ID", summary: "a party's profile, figures and last 20 events",
      options: [], rules: "", example: "who ana", arguments: [.ref(.anyId)]),
    StatementSpec(
      words: "trend", group: .queries, syntax: "trend PATH [by=day|week|month]", summary: "a figure over time",
      options: [OptionSpec("by", TrendBucket.self)],
      rules: "PATH as for expect, e.g. culture.indicators.nps.value; by=week by default. Each point is computed over "
        + "the observations inside its bucket.",
      example: "trend matrix.cells.staff.stress.mean by=week", arguments: [ArgumentSpec(.path)]),
    // history & time travel
    StatementSpec(
      words: "as of", group: .history, syntax: "as of @N|T QUERY", summary: "run a query on the state as it was then",
      options: [], rules: "@N: just after event N; T: the last event at or before T.", example: "as of @120 matrix",
      arguments: [ArgumentSpec(.seq), ArgumentSpec(.query)]),
    StatementSpec(
      words: "history", group: .history, syntax: "history [type=EVENT] [who=ID] [since=@N|T] [until=@N|T] [last=N]",
      summary: "the audit trail",
      options: [
        OptionSpec("type", EventType.self), OptionSpec("who", "ID", .ref(.anyId)), OptionSpec("since", "@N|T", .seq),
        OptionSpec("until", "@N|T", .seq), OptionSpec("last", "N"),
      ],
      rules: "", example: "history who=ana last=10"),
    StatementSpec(
      words: "show", group: .history, syntax: "show @N", summary: "one event whole: payload, metadata, hashes",
      options: [], rules: "", example: "show @42", arguments: [ArgumentSpec(.seq)]),
    StatementSpec(
      words: "replay", group: .history, syntax: "replay [from=@A] [to=@B] [step]",
      summary: "re-apply events in order, printing the indicators each changed",
      options: [OptionSpec("from", "@A", .seq), OptionSpec("to", "@B", .seq)],
      rules: "step waits for Enter between events (interactive only; q stops).", example: "replay from=@100 to=@120",
      arguments: [ArgumentSpec(.words(["step"]), optional: true)]),
    StatementSpec(
      words: "diff", group: .history, syntax: "diff @A|T @B|T",
      summary: "how culture and matrix changed between two points",
      options: [], rules: "", example: "diff @100 @200", arguments: [ArgumentSpec(.seq), ArgumentSpec(.seq)]),
    StatementSpec(
      words: "verify", group: .history, syntax: "verify", summary: "recompute the hash chain", options: [], rules: "",
      example: "verify"),
    StatementSpec(
      words: "clock", group: .history, syntax: "clock [T|+DURATION|live]",
      summary: "show or set the business clock events are stamped with", options: [],
      rules: "'clock' shows it, 'clock T' sets it, 'clock +90m' advances it, 'clock live' follows the wall clock "
        + "(the default). The clock never moves before the last event's time; each branch keeps its own.",
      example: "clock 2021-01-04T08:00", arguments: [ArgumentSpec(.words(["live"]), optional: true)]),
    // scenarios
    StatementSpec(
      words: "branch", group: .scenarios, syntax: "branch NAME [from=@N]",
      summary: "start a what-if branch sharing history up to N, and switch to it",
      options: [OptionSpec("from", "@N", .seq)],
      rules: "N defaults to the head of the current branch; NAME must be new. With from=@N the branch's clock "
        + "starts at @N's time, so a scenario forked from the past stays there.",
      example: "branch champions-everywhere from=@150", arguments: [.free]),
    StatementSpec(
      words: "switch", group: .scenarios, syntax: "switch NAME", summary: "change branch", options: [],
      rules: "The branch gets back the clock it had when you left it.",
      example: "switch main", arguments: [ArgumentSpec(.branch)]),
    StatementSpec(
      words: "branches", group: .scenarios, syntax: "branches", summary: "list branches with head and fork point",
      options: [], rules: "", example: "branches"),
    StatementSpec(
      words: "compare", group: .scenarios, syntax: "compare A B [QUERY]",
      summary: "a query on two branches side by side",
      options: [], rules: "QUERY defaults to culture.", example: "compare main storm-plan matrix",
      arguments: [ArgumentSpec(.branch), ArgumentSpec(.branch), ArgumentSpec(.query, optional: true)]),
    StatementSpec(
      words: "what-if", group: .scenarios, syntax: "what-if STATEMENT",
      summary: "the indicators a write would change, appending nothing", options: [], rules: "",
      example: "what-if champion ben", arguments: [ArgumentSpec(.write)]),
    StatementSpec(
      words: "report", group: .scenarios, syntax: "report [FILE] [compare=B]",
      summary: "write the HTML report: matrix, scorecard, trends, coverage, at-risk, audit",
      options: [OptionSpec("compare", "B", .branch)],
      rules: "FILE defaults to ethos-report.html (relative to the working directory); one self-contained page, "
        + "no network and no JavaScript. compare=B shows branch B's matrix and scorecard beside this branch's, "
        + "the differences marked.",
      example: "report storm.html compare=storm-plan", arguments: [ArgumentSpec(.file, optional: true)]),
    // scripts & settings
    StatementSpec(
      words: "source", group: .scripts, syntax: "source FILE", summary: "run a script",
      options: [],
      rules: "A relative FILE is read from the folder of the script that sources it, else from the working directory. "
        + "Writes commit in batches; Ctrl-C in the REPL stops the script between two statements.",
      example: "source workshops/storm-week.ethos", arguments: [ArgumentSpec(.file)]),
    StatementSpec(
      words: "import-csv", group: .scripts,
      syntax: "import-csv FILE --kind K [--map FIELD=COLUMN]… [--preset P] [--date-format F] [--dry-run] [--bail]",
      summary: "turn the rows of a survey, helpdesk or HR export into statements",
      options: [],
      rules: "K is feedback, complaints, interactions, pulse, customers or employees; P is nps, zendesk or qualtrics "
        + "(a preset also sets the kind). A relative FILE is read from the folder of the script that names it. "
        + "Each row is decided like a typed statement, with origin FILE:LINE; a row already imported is skipped.",
      example: "import-csv surveys/q3.csv --preset nps", arguments: [ArgumentSpec(.file)]),
    StatementSpec(
      words: "expect", group: .scripts, syntax: "expect PATH ==|!=|<|<=|>|>= VALUE",
      summary: "assert on the JSON of a query; a failed expect is an error", options: [],
      rules: "PATH is query.key.key…, e.g. matrix.cells.staff.stress.mean or champions.count.",
      example: "expect culture.indicators.nps.value >= 30",
      arguments: [ArgumentSpec(.path), ArgumentSpec(.words(ExpectOperator.allCases.map(\.rawValue))), .free]),
    StatementSpec(
      words: "set", group: .scripts,
      syntax:
        "set [format table|json|csv | bail on|off | echo on|off | expanded on|off|auto | pager on|off | timing on|off]",
      summary: "output and script settings", options: [],
      rules: "Bare 'set' lists every setting. 'expanded auto' (the default) shows one record per block when a table "
        + "would not fit the terminal; 'pager' sends output taller than the screen through $PAGER (default less -FRX); "
        + "'timing' prints how long each statement took.", example: "set format json",
      arguments: [ArgumentSpec(.setting), ArgumentSpec(.setting)]),
    StatementSpec(
      words: "help", group: .scripts, syntax: "help [STATEMENT]", summary: "this list, or one statement in full",
      options: [], rules: "", example: "help log",
      arguments: [ArgumentSpec(.topic, optional: true), ArgumentSpec(.topic, optional: true)]),
    StatementSpec(
      words: "quit", group: .scripts, syntax: "quit | exit", summary: "leave ethos (Ctrl-D too)", options: [],
      rules: "",
      example: "quit"),
  ]

  /// The spec whose leading words are `words`.
  public static func spec(_ words: String) -> StatementSpec? {
    byWords[words]
  }

  /// The table by leading words: looked up for every parsed line.
  private static let byWords: [String: StatementSpec] = {
    var table = [String: StatementSpec]()
    for spec in all where table[spec.words] == nil { table[spec.words] = spec }
    return table
  }()

  /// Every first word of a statement (`stress`, `team`, `as`, …), for suggestions.
  public static var firstWords: [String] {
    var seen = Set<String>()
    var result = [String]()
    for spec in all {
      let first = String(spec.words.split(separator: " ").first ?? "")
      if seen.insert(first).inserted { result.append(first) }
    }
    return result + ["exit"]
  }
}
