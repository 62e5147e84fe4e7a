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

/// An option a statement accepts, with its allowed values when they are a closed list.
public struct OptionSpec: Sendable, Equatable {
  public let name: String
  /// The closed list of values, or empty when the value is free (an id, a number, a time).
  public let values: [String]
  /// How the value is written in syntax lines: `1-5`, `D`, `T|+DURATION`.
  public let placeholder: String
  /// Whether several values may be given, comma-separated (`did=`).
  public let list: Bool

  public init(_ name: String, _ placeholder: String, values: [String] = [], list: Bool = false) {
    self.name = name
    self.placeholder = placeholder
    self.values = values
    self.list = list
  }

  init<V: Vocabulary>(_ name: String, _ type: V.Type, list: Bool = false) {
    self.init(name, type.allCases.map(\.rawValue).joined(separator: "|"), values: type.allCases.map(\.rawValue), list: list)
  }
}

/// One statement of the language: the single table that drives the parser's
/// option checks, `help`, and the REPL's completion.
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

  public func option(_ name: String) -> OptionSpec? { options.first { $0.name == name } }
}

public enum StatementTable {
  /// Every statement, in the order `help` shows them.
  public static let all: [StatementSpec] = [
    // people
    StatementSpec(
      words: "hire", group: .people,
      syntax: "hire ID \"NAME\" [dept=D] [role=R] [level=staff|manager|leader] [facing=yes|no] [orientation=1-5] [skills=1-5]",
      summary: "hire an employee (EmployeeHired)",
      options: [
        OptionSpec("dept", "D"), OptionSpec("role", "R"), OptionSpec("level", Level.self),
        OptionSpec("facing", YesNo.self), OptionSpec("orientation", "1-5", values: ["1", "2", "3", "4", "5"]),
        OptionSpec("skills", "1-5", values: ["1", "2", "3", "4", "5"]),
      ],
      rules: "ID must be new. Defaults: dept=general level=staff facing=yes orientation=3 skills=3.",
      example: "hire ana \"Ana Lima\" dept=front-desk level=manager orientation=5 skills=4"),
    StatementSpec(
      words: "depart", group: .people, syntax: "depart EMP [reason=resigned|dismissed|retired|other]",
      summary: "an employee leaves (EmployeeDeparted)", options: [OptionSpec("reason", DepartureReason.self)],
      rules: "EMP must be an active employee; the id is never reused.", example: "depart ana reason=resigned"),
    StatementSpec(
      words: "engage", group: .people, syntax: "engage ID \"NAME\" kind=vendor|subcontractor",
      summary: "engage a vendor or subcontractor (PartnerEngaged)", options: [OptionSpec("kind", PartnerKind.self)],
      rules: "ID must be new; kind= is required.", example: "engage linens \"Linen Co\" kind=vendor"),
    StatementSpec(
      words: "release", group: .people, syntax: "release PARTNER", summary: "end a partnership (PartnerReleased)",
      options: [], rules: "PARTNER must be engaged.", example: "release linens"),
    StatementSpec(
      words: "customer", group: .people, syntax: "customer ID \"NAME\" [segment=S]",
      summary: "register a customer (CustomerRegistered)", options: [OptionSpec("segment", "S")],
      rules: "ID must be new.", example: "customer acme \"Acme Travel\" segment=business"),
    StatementSpec(
      words: "lose", group: .people, syntax: "lose CUST [\"reason\"]", summary: "a customer goes away (CustomerLost)",
      options: [], rules: "CUST must be an active customer.", example: "lose acme \"moved to a competitor\""),
    StatementSpec(
      words: "champion", group: .people, syntax: "champion EMP [area=\"…\"]",
      summary: "name a service champion (ChampionNamed)", options: [OptionSpec("area", "\"…\"")],
      rules: "EMP must be active and not already a champion; any level.",
      example: "champion ben area=\"housekeeping\""),
    StatementSpec(
      words: "unchampion", group: .people, syntax: "unchampion EMP", summary: "a champion stands down (ChampionStoodDown)",
      options: [], rules: "EMP must be a current champion.", example: "unchampion ben"),
    StatementSpec(
      words: "team join", group: .people, syntax: "team join EMP",
      summary: "join the dedicated service team (ServiceTeamJoined)", options: [],
      rules: "EMP must be active and not on the team.", example: "team join ana"),
    StatementSpec(
      words: "team leave", group: .people, syntax: "team leave EMP", summary: "leave the service team (ServiceTeamLeft)",
      options: [], rules: "EMP must be on the team.", example: "team leave ana"),
    StatementSpec(
      words: "lead", group: .people, syntax: "lead EMP communicate|model|recognize|review|frontline [\"note\"]",
      summary: "a senior leader acts visibly (LeadershipActed)", options: [],
      rules: "EMP must be an active employee with level=leader.",
      example: "lead cora frontline \"worked the desk at check-in\""),
    StatementSpec(
      words: "say", group: .people, syntax: "say BY \"TEXT\" [to=internal|external]",
      summary: "record what a leader or the company says (StatementMade)", options: [OptionSpec("to", Addressee.self)],
      rules: "BY is an active employee or 'company'; to=external by default. Words like focus, initiative, tactic or "
        + "campaign count as tactic language.",
      example: "say company \"Service is how we work, every day\" to=internal"),
    StatementSpec(
      words: "train", group: .people, syntax: "train EMP[,EMP…] topic=phone-courtesy|follow-up|ownership|problem-resolution|other",
      summary: "record completed training (TrainingCompleted)", options: [OptionSpec("topic", TrainingTopic.self)],
      rules: "Every EMP must be an active employee; topic= is required.", example: "train ana,ben topic=ownership"),
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
      example: "log ana with acme mode=relationship channel=phone outcome=+2 did=answered-on-spot,courteous"),
    StatementSpec(
      words: "promise", group: .interactions, syntax: "promise ID by EMP to PARTY due=T|+DURATION [\"what\"]",
      summary: "record a promise (PromiseMade)", options: [OptionSpec("due", "T|+DURATION")],
      rules: "ID must be new; EMP an active employee; PARTY an active party other than EMP; due= is required "
        + "(+3d counts from now).",
      example: "promise p1 by ana to acme due=+2d \"call back with the refund\""),
    StatementSpec(
      words: "keep", group: .interactions, syntax: "keep PROMISE", summary: "a promise is kept (PromiseKept)",
      options: [], rules: "PROMISE must be open.", example: "keep p1"),
    StatementSpec(
      words: "break", group: .interactions, syntax: "break PROMISE", summary: "a promise is broken (PromiseBroken)",
      options: [], rules: "PROMISE must be open.", example: "break p1"),
    // stress
    StatementSpec(
      words: "stress begin", group: .stress,
      syntax: "stress begin ID kind=K [severity=1-3] [scope=org|dept:D|employee:EMP] [\"note\"]",
      summary: "a stress window opens (StressBegan)",
      options: [
        OptionSpec("kind", StressKind.self), OptionSpec("severity", "1-3", values: ["1", "2", "3"]),
        OptionSpec("scope", "org|dept:D|employee:EMP", values: ["org", "dept:", "employee:"]),
      ],
      rules: "ID must be new; D a department someone was hired into; EMP an active employee. "
        + "Defaults: severity=2 scope=org.",
      example: "stress begin storm kind=weather severity=3 \"hurricane warning\""),
    StatementSpec(
      words: "stress end", group: .stress, syntax: "stress end ID", summary: "a stress window closes (StressEnded)",
      options: [], rules: "ID must be an open stress window.", example: "stress end storm"),
    // voice of the customer
    StatementSpec(
      words: "feedback", group: .voice, syntax: "feedback CUST score=0-10 [about=EMP] [\"comment\"]",
      summary: "a customer's rating (FeedbackReceived)",
      options: [OptionSpec("score", "0-10"), OptionSpec("about", "EMP")],
      rules: "CUST a known customer (a lost one too); EMP a known employee; score= is required.",
      example: "feedback acme score=9 about=ana \"quick and kind\""),
    StatementSpec(
      words: "complain", group: .voice, syntax: "complain CUST [about=EMP] [level=frontline|manager|head-office] [\"text\"]",
      summary: "a customer complains (ComplaintReceived)",
      options: [OptionSpec("about", "EMP"), OptionSpec("level", ComplaintLevel.self)],
      rules: "CUST a known customer (a lost one too); EMP a known employee; level=frontline by default.",
      example: "complain acme about=ben level=manager \"room not ready\""),
    StatementSpec(
      words: "follow-up", group: .voice, syntax: "follow-up CUST by EMP [\"note\"]",
      summary: "close the loop with a customer (FollowUpMade)", options: [],
      rules: "CUST a known customer; EMP an active employee. Closes the customer's open complaints and detractor "
        + "feedback; with none open it is a proactive call.",
      example: "follow-up acme by ana \"refund confirmed\""),
    StatementSpec(
      words: "pulse", group: .voice, syntax: "pulse EMP score=0-10", summary: "an employee's eNPS answer (PulseRecorded)",
      options: [OptionSpec("score", "0-10")], rules: "EMP must be active; score= is required.",
      example: "pulse ben score=8"),
    // plan
    StatementSpec(
      words: "deficiency", group: .plan, syntax: "deficiency ID \"WHAT\" [area=INDICATOR]",
      summary: "name something to correct (DeficiencyIdentified)",
      options: [OptionSpec("area", "INDICATOR", values: IndicatorName.allCases.map(\.rawValue) + ["matrix"])],
      rules: "ID must be new; INDICATOR a culture indicator name or 'matrix'.",
      example: "deficiency d1 \"staff snap at each other in storms\" area=matrix"),
    StatementSpec(
      words: "plan", group: .plan, syntax: "plan ID for DEFICIENCY owner=EMP due=T|+DURATION [\"what\"]",
      summary: "plan an action against a deficiency (ActionPlanned); 'plan' alone lists the plan",
      options: [OptionSpec("owner", "EMP"), OptionSpec("due", "T|+DURATION")],
      rules: "ID must be new; DEFICIENCY known; owner an active employee; owner= and due= are required.",
      example: "plan a1 for d1 owner=cora due=+2w \"storm-week staff huddles\""),
    StatementSpec(
      words: "done", group: .plan, syntax: "done ACTION", summary: "an action is completed (ActionCompleted)",
      options: [], rules: "ACTION must be open.", example: "done a1"),
    StatementSpec(
      words: "retract", group: .plan, syntax: "retract @N \"REASON\"",
      summary: "withdraw an observation logged in error (EventRetracted)", options: [],
      rules: "@N is an InteractionLogged, FeedbackReceived, ComplaintReceived, PulseRecorded, StatementMade, "
        + "TrainingCompleted or LeadershipActed event not already retracted; projections then ignore it, the log keeps it.",
      example: "retract @42 \"logged against the wrong customer\""),
    StatementSpec(
      words: "clock", group: .plan, syntax: "clock [T|+DURATION|live]",
      summary: "show or set the business clock events are stamped with", options: [],
      rules: "The clock never moves before the last event's time. 'clock live' follows the wall clock (the default).",
      example: "clock 2021-01-04T08:00"),
    // queries
    StatementSpec(
      words: "matrix", group: .queries, syntax: "matrix [dept=D]", summary: "the Service Culture Matrix",
      options: [OptionSpec("dept", "D")], rules: "dept= counts only interactions served by employees of D.",
      example: "matrix dept=front-desk"),
    StatementSpec(
      words: "culture", group: .queries, syntax: "culture", summary: "the scorecard: indicators and the strategy verdict",
      options: [], rules: "", example: "culture"),
    StatementSpec(
      words: "employees", group: .queries, syntax: "employees [all]", summary: "active employees (all: departed too)",
      options: [], rules: "", example: "employees all"),
    StatementSpec(
      words: "customers", group: .queries, syntax: "customers [all]", summary: "active customers (all: lost too)",
      options: [], rules: "", example: "customers"),
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
      words: "promises", group: .queries, syntax: "promises [open|overdue|kept|broken]", summary: "promises and their state",
      options: [], rules: "", example: "promises overdue"),
    StatementSpec(
      words: "stresses", group: .queries, syntax: "stresses [open]", summary: "stress windows", options: [], rules: "",
      example: "stresses open"),
    StatementSpec(
      words: "at-risk", group: .queries, syntax: "at-risk",
      summary: "active customers whose latest interaction went badly and who never complained", options: [], rules: "",
      example: "at-risk"),
    StatementSpec(
      words: "who", group: .queries, syntax: "who ID", summary: "a party's profile, figures and last 20 events",
      options: [], rules: "", example: "who ana"),
    StatementSpec(
      words: "trend", group: .queries, syntax: "trend PATH [by=day|week|month]", summary: "a figure over time",
      options: [OptionSpec("by", TrendBucket.self)], rules: "PATH as for expect, e.g. culture.indicators.nps.value.",
      example: "trend matrix.cells.staff.stress.mean by=week"),
    // history & time travel
    StatementSpec(
      words: "as of", group: .history, syntax: "as of @N|T QUERY", summary: "run a query on the state as it was then",
      options: [], rules: "@N: just after event N; T: the last event at or before T.", example: "as of @120 matrix"),
    StatementSpec(
      words: "history", group: .history, syntax: "history [type=EVENT] [who=ID] [since=@N|T] [until=@N|T] [last=N]",
      summary: "the audit trail",
      options: [
        OptionSpec("type", EventType.self), OptionSpec("who", "ID"), OptionSpec("since", "@N|T"),
        OptionSpec("until", "@N|T"), OptionSpec("last", "N"),
      ],
      rules: "", example: "history who=ana last=10"),
    StatementSpec(
      words: "show", group: .history, syntax: "show @N", summary: "one event whole: payload, metadata, hashes",
      options: [], rules: "", example: "show @42"),
    StatementSpec(
      words: "replay", group: .history, syntax: "replay [from=@A] [to=@B] [step]",
      summary: "re-apply events in order, printing the indicators each changed",
      options: [OptionSpec("from", "@A"), OptionSpec("to", "@B")],
      rules: "step waits for Enter between events (interactive only; q stops).", example: "replay from=@100 to=@120"),
    StatementSpec(
      words: "diff", group: .history, syntax: "diff @A|T @B|T", summary: "how culture and matrix changed between two points",
      options: [], rules: "", example: "diff @100 @200"),
    StatementSpec(
      words: "verify", group: .history, syntax: "verify", summary: "recompute the hash chain", options: [], rules: "",
      example: "verify"),
    // scenarios
    StatementSpec(
      words: "branch", group: .scenarios, syntax: "branch NAME [from=@N]",
      summary: "start a what-if branch sharing history up to N, and switch to it", options: [OptionSpec("from", "@N")],
      rules: "", example: "branch champions-everywhere from=@150"),
    StatementSpec(
      words: "switch", group: .scenarios, syntax: "switch NAME", summary: "change branch", options: [], rules: "",
      example: "switch main"),
    StatementSpec(
      words: "branches", group: .scenarios, syntax: "branches", summary: "list branches with head and fork point",
      options: [], rules: "", example: "branches"),
    StatementSpec(
      words: "compare", group: .scenarios, syntax: "compare A B [QUERY]", summary: "a query on two branches side by side",
      options: [], rules: "QUERY defaults to culture.", example: "compare main storm-plan matrix"),
    StatementSpec(
      words: "what-if", group: .scenarios, syntax: "what-if STATEMENT",
      summary: "the indicators a write would change, appending nothing", options: [], rules: "",
      example: "what-if champion ben"),
    // scripts & settings
    StatementSpec(
      words: "source", group: .scripts, syntax: "source FILE", summary: "run a script (relative to the current script)",
      options: [], rules: "", example: "source workshops/storm-week.ethos"),
    StatementSpec(
      words: "expect", group: .scripts, syntax: "expect PATH ==|!=|<|<=|>|>= VALUE",
      summary: "assert on the JSON of a query; a failed expect is an error", options: [],
      rules: "PATH is query.key.key…, e.g. matrix.cells.staff.stress.mean or champions.count.",
      example: "expect culture.indicators.nps.value >= 30"),
    StatementSpec(
      words: "set", group: .scripts, syntax: "set format table|json|csv | set bail on|off | set echo on|off",
      summary: "output and script settings", options: [], rules: "", example: "set format json"),
    StatementSpec(
      words: "help", group: .scripts, syntax: "help [STATEMENT]", summary: "this list, or one statement in full",
      options: [], rules: "", example: "help log"),
    StatementSpec(
      words: "quit", group: .scripts, syntax: "quit | exit", summary: "leave ethos (Ctrl-D too)", options: [], rules: "",
      example: "quit"),
  ]

  /// The spec whose leading words are `words`.
  public static func spec(_ words: String) -> StatementSpec? {
    all.first { $0.words == words }
  }

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
