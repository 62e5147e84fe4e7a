import EthosDomain
import EthosEngine
import EthosStore
import TestSupport
import Testing

/// One rule of SPEC §3.1/§3.2: the facts it needs, a statement that breaks
/// it, and the exact line the user reads.
struct RuleCase: Sendable, CustomTestStringConvertible {
  let rule: String
  let setup: [String]
  let statement: String
  let message: String

  init(_ rule: String, _ setup: [String] = [], _ statement: String, _ message: String) {
    self.rule = rule
    self.setup = setup
    self.statement = statement
    self.message = message
  }

  var testDescription: String { "\(rule): \(statement)" }
}

/// Every write rule, the id rules and the clock rule, each pinned to its exact
/// message; a refused statement appends nothing and leaves the state as it was.
@Suite struct DecideRulesTests {
  /// Shared facts: two employees, a customer and a partner (events @1…@4),
  /// all on 2021-01-04 at 08:00.
  static let base = [
    "clock 2021-01-04T08:00",
    "hire ana \"Ana Lima\" dept=front-desk level=leader",
    "hire ben \"Ben Ode\" dept=support",
    "customer acme \"Acme Travel\"",
    "engage linens \"Coastal Linens\" kind=vendor",
  ]

  static let on = "on 2021-01-04"
  static let unknownZed =
    "unknown employee 'zed' — hire them first (hire zed \"NAME\") or see 'employees' for the ids in use"
  static let benDeparted = "employee 'ben' departed on 2021-01-04 — choose an active employee"

  static let idRules: [RuleCase] = [
    RuleCase(
      "hire: new id", [], "hire ana \"Ana Again\"",
      "id 'ana' is already taken by an employee (Ana Lima) — ids are never reused; choose another id"),
    RuleCase(
      "hire: id of a customer", [], "hire acme \"Acme Person\"",
      "id 'acme' is already taken by a customer (Acme Travel) — ids are never reused; choose another id"),
    RuleCase(
      "customer: id of a partner", [], "customer linens \"Linens Ltd\"",
      "id 'linens' is already taken by a partner (Coastal Linens) — ids are never reused; choose another id"),
    RuleCase(
      "engage: id of an employee", [], "engage ben \"Ben's Vans\" kind=subcontractor",
      "id 'ben' is already taken by an employee (Ben Ode) — ids are never reused; choose another id"),
    RuleCase(
      "hire: id of a promise", ["promise p1 by ana to acme due=+2d"], "hire p1 \"Pat\"",
      "id 'p1' is already taken by a promise — ids are never reused; choose another id"),
    RuleCase(
      "engage: id of a stress window", ["stress begin storm kind=weather"], "engage storm \"Storm Co\" kind=vendor",
      "id 'storm' is already taken by a stress window — ids are never reused; choose another id"),
    RuleCase(
      "customer: id of a deficiency", ["deficiency slow \"Slow email replies\""], "customer slow \"Slow Inc\"",
      "id 'slow' is already taken by a deficiency — ids are never reused; choose another id"),
    RuleCase(
      "hire: id of an action", ["deficiency slow \"Slow email replies\"", "plan fix for slow owner=ana due=+1w"],
      "hire fix \"Fix Person\"",
      "id 'fix' is already taken by an action — ids are never reused; choose another id"),
    RuleCase(
      "promise: id of an employee", [], "promise ben by ana to acme due=+1d",
      "id 'ben' is already taken by an employee (Ben Ode) — ids are never reused; choose another id"),
    RuleCase(
      "stress begin: id of a customer", [], "stress begin acme kind=volume",
      "id 'acme' is already taken by a customer (Acme Travel) — ids are never reused; choose another id"),
    RuleCase(
      "deficiency: id of a promise", ["promise p1 by ana to acme due=+2d"], "deficiency p1 \"Promises slip\"",
      "id 'p1' is already taken by a promise — ids are never reused; choose another id"),
    RuleCase(
      "plan: id of a deficiency", ["deficiency slow \"Slow email replies\""], "plan slow for slow owner=ana due=+1w",
      "id 'slow' is already taken by a deficiency — ids are never reused; choose another id"),
    RuleCase(
      "never reused after departure", ["depart ben reason=resigned"], "hire ben \"Ben Again\"",
      "id 'ben' is already taken by an employee (Ben Ode) — ids are never reused; choose another id"),
    RuleCase(
      "never reused after loss", ["lose acme"], "customer acme \"Acme Travel\"",
      "id 'acme' is already taken by a customer (Acme Travel) — ids are never reused; choose another id"),
    RuleCase(
      "never reused after release", ["release linens"], "engage linens \"Coastal Linens\" kind=vendor",
      "id 'linens' is already taken by a partner (Coastal Linens) — ids are never reused; choose another id"),
    RuleCase(
      "never reused after a stress window ends", ["stress begin storm kind=weather", "stress end storm"],
      "stress begin storm kind=weather",
      "id 'storm' is already taken by a stress window — ids are never reused; choose another id"),
    RuleCase(
      "'company' is reserved", [], "hire company \"The Company\"",
      "id 'company' is reserved for statements by the company — choose another id"),
    RuleCase(
      "'company' is reserved for customers too", [], "customer company \"Company Ltd\"",
      "id 'company' is reserved for statements by the company — choose another id"),
  ]

  static let peopleRules: [RuleCase] = [
    RuleCase("depart: unknown (did you mean)", [], "depart bne", "unknown employee 'bne' — did you mean 'ben'?"),
    RuleCase("depart: unknown", [], "depart zed", unknownZed),
    RuleCase("depart: not an employee", [], "depart acme", "'acme' is a customer, not an employee"),
    RuleCase("depart: active employee", ["depart ben"], "depart ben", "employee 'ben' already departed \(on)"),
    RuleCase(
      "release: unknown (did you mean)", [], "release linnens", "unknown partner 'linnens' — did you mean 'linens'?"),
    RuleCase(
      "release: unknown", [], "release zed",
      "unknown partner 'zed' — engage them first (engage zed \"NAME\" kind=vendor) or see 'partners'"),
    RuleCase("release: not a partner", [], "release ana", "'ana' is an employee, not a partner"),
    RuleCase(
      "release: engaged partner", ["release linens"], "release linens", "partner 'linens' was already released \(on)"),
    RuleCase("lose: unknown (did you mean)", [], "lose acm", "unknown customer 'acm' — did you mean 'acme'?"),
    RuleCase(
      "lose: unknown", [], "lose zed",
      "unknown customer 'zed' — register them first (customer zed \"NAME\") or see 'customers all'"),
    RuleCase("lose: not a customer", [], "lose linens", "'linens' is a partner, not a customer"),
    RuleCase(
      "lose: active customer", ["lose acme \"moved away\""], "lose acme", "customer 'acme' was already lost \(on)"),
    RuleCase("champion: active employee", ["depart ben"], "champion ben", benDeparted),
    RuleCase("champion: an employee", [], "champion acme", "'acme' is a customer, not an employee"),
    RuleCase(
      "champion: not already one", ["champion ben area=\"billing disputes\""], "champion ben",
      "'ben' is already a champion — use 'unchampion ben' first to name them again"),
    RuleCase(
      "unchampion: a current champion", [], "unchampion ben",
      "'ben' is not a champion — 'champions' lists the current ones"),
    RuleCase(
      "unchampion: stood down already", ["champion ben", "unchampion ben"], "unchampion ben",
      "'ben' is not a champion — 'champions' lists the current ones"),
    RuleCase(
      "unchampion: departure ends championship", ["champion ben", "depart ben"], "unchampion ben",
      "'ben' is not a champion — 'champions' lists the current ones"),
    RuleCase("unchampion: unknown", [], "unchampion bne", "unknown employee 'bne' — did you mean 'ben'?"),
    RuleCase("team join: active employee", ["depart ben"], "team join ben", benDeparted),
    RuleCase("team join: not on it", ["team join ben"], "team join ben", "'ben' is already on the service team"),
    RuleCase("team join: an employee", [], "team join linens", "'linens' is a partner, not an employee"),
    RuleCase(
      "team leave: a member", [], "team leave ben", "'ben' is not on the service team — 'team' lists its members"),
    RuleCase(
      "team leave: departure leaves the team", ["team join ben", "depart ben"], "team leave ben",
      "'ben' is not on the service team — 'team' lists its members"),
    RuleCase(
      "lead: level=leader", [], "lead ben communicate",
      "'ben' is level=staff — only leaders (level=leader) record 'lead' activities"),
    RuleCase(
      "lead: managers are not leaders", ["hire max \"Max Roy\" level=manager"], "lead max review",
      "'max' is level=manager — only leaders (level=leader) record 'lead' activities"),
    RuleCase(
      "lead: active leader", ["depart ana reason=retired"], "lead ana model",
      "employee 'ana' departed on 2021-01-04 — choose an active employee"),
    RuleCase("lead: unknown", [], "lead ann frontline", "unknown employee 'ann' — did you mean 'ana'?"),
    RuleCase(
      "say: employee or company", [], "say zed \"We care\"",
      "unknown employee 'zed' — name an employee id or 'company'"),
    RuleCase(
      "say: did you mean company", [], "say compnay \"We care\"",
      "unknown employee 'compnay' — did you mean 'company'?"),
    RuleCase(
      "say: not a customer", [], "say acme \"We care\"", "'acme' is a customer, not an employee or 'company'"),
    RuleCase("say: active employee", ["depart ben"], "say ben \"We care\"", benDeparted),
    RuleCase("train: every employee active", ["depart ben"], "train ana,ben topic=ownership", benDeparted),
    RuleCase(
      "train: every employee known", [], "train ana,bne topic=follow-up",
      "unknown employee 'bne' — did you mean 'ben'?"),
    RuleCase("train: employees only", [], "train ana,acme topic=other", "'acme' is a customer, not an employee"),
    RuleCase(
      "train: each once", [], "train ana,ben,ana topic=phone-courtesy",
      "'ana' is listed twice — name each employee once"),
  ]

  static let interactionRules: [RuleCase] = [
    RuleCase("log: active employee", ["depart ben"], "log ben with acme outcome=+1", benDeparted),
    RuleCase("log: EMP an employee", [], "log acme with ben", "'acme' is a customer, not an employee"),
    RuleCase("log: EMP known", [], "log zed with acme", unknownZed),
    RuleCase(
      "log: not with themself", [], "log ben with ben outcome=+2",
      "'ben' cannot log an interaction with themself — name the other party after 'with'"),
    RuleCase(
      "log: an active customer", ["lose acme"], "log ben with acme",
      "customer 'acme' was lost on 2021-01-04 — choose an active customer"),
    RuleCase(
      "log: an active employee as party", ["depart ana"], "log ben with ana",
      "employee 'ana' departed on 2021-01-04 — choose an active employee"),
    RuleCase(
      "log: an engaged partner", ["release linens"], "log ben with linens",
      "partner 'linens' was released on 2021-01-04 — choose an engaged partner"),
    RuleCase(
      "log: party known (did you mean)", [], "log ben with acmee", "unknown party 'acmee' — did you mean 'acme'?"),
    RuleCase(
      "log: party known", [], "log ben with zed", "unknown party 'zed' — name an active customer, employee or partner"),
    RuleCase(
      "log: party is a party", ["promise p1 by ana to acme due=+2d"], "log ben with p1",
      "'p1' is a promise, not a customer, employee or partner"),
    RuleCase("promise: active employee", ["depart ben"], "promise p1 by ben to acme due=+1d", benDeparted),
    RuleCase(
      "promise: EMP an employee", [], "promise p1 by linens to acme due=+1d", "'linens' is a partner, not an employee"),
    RuleCase(
      "promise: not to themself", [], "promise p1 by ben to ben due=+1d",
      "'ben' cannot make a promise to themself — name the party it is made to after 'to'"),
    RuleCase(
      "promise: an active party", ["lose acme"], "promise p1 by ben to acme due=+1d",
      "customer 'acme' was lost on 2021-01-04 — choose an active customer"),
    RuleCase(
      "promise: a known party", [], "promise p1 by ben to acne due=+1d", "unknown party 'acne' — did you mean 'acme'?"),
    RuleCase(
      "keep: an open promise", ["promise p1 by ben to acme due=+1d", "keep p1"], "keep p1",
      "promise 'p1' was already kept — only open promises can be kept or broken"),
    RuleCase(
      "break: an open promise", ["promise p1 by ben to acme due=+1d", "keep p1"], "break p1",
      "promise 'p1' was already kept — only open promises can be kept or broken"),
    RuleCase(
      "keep: a broken promise stays broken", ["promise p1 by ben to acme due=+1d", "break p1"], "keep p1",
      "promise 'p1' was already broken — only open promises can be kept or broken"),
    RuleCase(
      "keep: unknown (did you mean)", ["promise p1 by ben to acme due=+1d"], "keep p2",
      "unknown promise 'p2' — did you mean 'p1'?"),
    RuleCase("break: unknown", [], "break p9", "unknown promise 'p9' — 'promises open' lists the open ones"),
    RuleCase("keep: a promise", [], "keep ana", "'ana' is an employee, not a promise"),
  ]

  static let stressVoicePlanRules: [RuleCase] = [
    RuleCase(
      "stress begin: known department (did you mean)", [], "stress begin s1 kind=staffing scope=dept:suport",
      "unknown department 'suport' — did you mean 'support'?"),
    RuleCase(
      "stress begin: known department", [], "stress begin s1 kind=staffing scope=dept:legal",
      "no employee was ever hired into department 'legal' — known: front-desk, support"),
    RuleCase(
      "stress begin: known department, even an empty log", [], "stress begin s1 kind=staffing scope=dept:legal",
      "no employee was ever hired into department 'legal' — none yet: hire someone into it first"),
    RuleCase(
      "stress begin: active employee scope", ["depart ben"], "stress begin s1 kind=personal scope=employee:ben",
      benDeparted),
    RuleCase("stress begin: known employee scope", [], "stress begin s1 kind=personal scope=employee:zed", unknownZed),
    RuleCase(
      "stress end: an open window", ["stress begin storm kind=weather", "stress end storm"], "stress end storm",
      "stress window 'storm' already ended \(on)"),
    RuleCase(
      "stress end: unknown (did you mean)", ["stress begin storm kind=weather"], "stress end strom",
      "unknown stress window 'strom' — did you mean 'storm'?"),
    RuleCase(
      "stress end: unknown", [], "stress end storm",
      "unknown stress window 'storm' — 'stresses open' lists the open ones"),
    RuleCase("stress end: a stress window", [], "stress end acme", "'acme' is a customer, not a stress window"),
    RuleCase(
      "feedback: a known customer", [], "feedback acmee score=9", "unknown customer 'acmee' — did you mean 'acme'?"),
    RuleCase("feedback: a customer", [], "feedback ben score=9", "'ben' is an employee, not a customer"),
    RuleCase("feedback: about a known employee", [], "feedback acme score=3 about=zed", unknownZed),
    RuleCase(
      "feedback: about an employee", [], "feedback acme score=3 about=linens",
      "'linens' is a partner, not an employee"),
    RuleCase(
      "complain: a known customer", [], "complain zed \"rude on the phone\"",
      "unknown customer 'zed' — register them first (customer zed \"NAME\") or see 'customers all'"),
    RuleCase(
      "complain: about a known employee", [], "complain acme about=bne", "unknown employee 'bne' — did you mean 'ben'?"),
    RuleCase(
      "follow-up: a known customer", [], "follow-up acm by ben", "unknown customer 'acm' — did you mean 'acme'?"),
    RuleCase("follow-up: an active employee", ["depart ben"], "follow-up acme by ben \"called back\"", benDeparted),
    RuleCase("pulse: an active employee", ["depart ben"], "pulse ben score=7", benDeparted),
    RuleCase("pulse: an employee", [], "pulse acme score=7", "'acme' is a customer, not an employee"),
    RuleCase(
      "deficiency: a known area (did you mean)", [], "deficiency d1 \"Low scores\" area=nsp",
      "unknown area 'nsp' — did you mean 'nps'?"),
    RuleCase(
      "deficiency: a known area", [], "deficiency d1 \"Low scores\" area=happiness",
      "unknown area 'happiness' — use a 'culture' indicator name or 'matrix'"),
    RuleCase(
      "plan: a known deficiency", [], "plan a1 for slow owner=ana due=+1w",
      "unknown deficiency 'slow' — identify it first (deficiency slow \"WHAT\") or see 'plan'"),
    RuleCase(
      "plan: a known deficiency (did you mean)", ["deficiency slow \"Slow email replies\""],
      "plan a1 for slwo owner=ana due=+1w", "unknown deficiency 'slwo' — did you mean 'slow'?"),
    RuleCase("plan: a deficiency", [], "plan a1 for acme owner=ana due=+1w", "'acme' is a customer, not a deficiency"),
    RuleCase(
      "plan: an active owner", ["deficiency slow \"Slow email replies\"", "depart ben"],
      "plan a1 for slow owner=ben due=+1w", benDeparted),
    RuleCase(
      "done: an open action",
      ["deficiency slow \"Slow email replies\"", "plan fix for slow owner=ana due=+1w", "done fix"], "done fix",
      "action 'fix' was already done \(on)"),
    RuleCase(
      "done: unknown (did you mean)",
      ["deficiency slow \"Slow email replies\"", "plan fix for slow owner=ana due=+1w"],
      "done fxi", "unknown action 'fxi' — did you mean 'fix'?"),
    RuleCase("done: unknown", [], "done fix", "unknown action 'fix' — 'plan' lists the open actions"),
    RuleCase("done: an action", [], "done ben", "'ben' is an employee, not an action"),
    RuleCase(
      "retract: an existing event", [], "retract @99 \"typo\"", "there is no event @99 — the log runs from @1 to @4"),
    RuleCase(
      "retract: an observation", [], "retract @1 \"typo\"",
      "@1 is EmployeeHired, which records a change of state, not an observation — only InteractionLogged, "
        + "FeedbackReceived, ComplaintReceived, PulseRecorded, StatementMade, TrainingCompleted and LeadershipActed "
        + "can be retracted"),
    RuleCase(
      "retract: not a retraction", ["log ben with acme outcome=+1", "retract @5 \"wrong customer\""],
      "retract @6 \"undo\"",
      "@6 is EventRetracted, which records a change of state, not an observation — only InteractionLogged, "
        + "FeedbackReceived, ComplaintReceived, PulseRecorded, StatementMade, TrainingCompleted and LeadershipActed "
        + "can be retracted"),
    RuleCase(
      "retract: not already retracted", ["log ben with acme outcome=+1", "retract @5 \"wrong customer\""],
      "retract @5 \"again\"", "@5 is already retracted"),
    RuleCase(
      "clock: never before the head event", [], "clock 2021-01-03",
      "the clock cannot move to 2021-01-03T00:00:00Z, before the last event (@4 at 2021-01-04T08:00:00Z) — "
        + "choose 2021-01-04T08:00:00Z or later"),
    RuleCase(
      "clock: never before the head event, to the second", [], "clock 2021-01-04T07:59:59",
      "the clock cannot move to 2021-01-04T07:59:59Z, before the last event (@4 at 2021-01-04T08:00:00Z) — "
        + "choose 2021-01-04T08:00:00Z or later"),
  ]

  static func check(_ c: RuleCase) throws {
    let h = try Harness()
    // The "even an empty log" case runs without the shared facts.
    let facts = c.rule.contains("empty log") ? [] : base
    for line in facts + c.setup {
      h.run(line)
      #expect(h.console.errLines.isEmpty, "setup line failed: \(line): \(h.console.errLines)")
    }
    let count = h.eventCount
    let state = h.session.state
    let printed = h.run(c.statement)
    #expect(h.console.errLines == ["error: " + c.message], "printed: \(printed)")
    #expect(h.console.outLines.isEmpty)
    #expect(h.eventCount == count, "a refused statement appended events")
    #expect(h.session.state == state, "a refused statement changed the state")
  }

  @Test(arguments: idRules) func idRule(_ c: RuleCase) throws { try Self.check(c) }
  @Test(arguments: peopleRules) func peopleRule(_ c: RuleCase) throws { try Self.check(c) }
  @Test(arguments: interactionRules) func interactionRule(_ c: RuleCase) throws { try Self.check(c) }
  @Test(arguments: stressVoicePlanRules) func stressVoicePlanRule(_ c: RuleCase) throws { try Self.check(c) }

  /// What the rules allow must still go through (so the table above is not
  /// refusing everything): one line each, on the shared facts.
  @Test(arguments: [
    (["lose acme"], "feedback acme score=2 \"never again\""),
    (["lose acme"], "complain acme level=head-office"),
    (["lose acme"], "follow-up acme by ana"),
    (["depart ben"], "feedback acme score=8 about=ben"),
    (["depart ben"], "complain acme about=ben"),
    ([], "champion ben"),
    ([], "champion ana"),
    ([], "say company \"Service is how we work\" to=internal"),
    ([], "log ben with ana outcome=+1"),
    ([], "log ben with linens"),
    ([], "promise p1 by ben to linens due=2021-01-05"),
    ([], "stress begin s1 kind=volume scope=dept:support"),
    ([], "deficiency d1 \"Staff under stress\" area=matrix"),
    ([], "deficiency d1 \"Low NPS\" area=nps"),
    ([], "clock 2021-01-04T08:00"),
  ])
  func allowed(_ setup: [String], _ statement: String) throws {
    let h = try Harness()
    for line in Self.base + setup { h.run(line) }
    #expect(h.console.errLines.isEmpty)
    let count = h.eventCount
    h.run(statement)
    #expect(h.console.errLines.isEmpty, "\(statement) was refused: \(h.console.errLines)")
    #expect(h.eventCount == count + (statement.hasPrefix("clock") ? 0 : 1))
  }

  /// SPEC §3.2 across writers: a session whose fixed clock falls behind events
  /// another writer appended is refused, and appends nothing.
  @Test func clockBehindAnotherWritersEvent() throws {
    let store = MemoryStore()
    let first = try Harness(store: store)
    let second = try Harness(store: store)
    first.script(Self.base.joined(separator: "\n"))
    second.run("clock 2021-01-04T09:00")
    first.run("clock 2021-01-05", "hire cy \"Cy Park\"")
    #expect(store.headSeq == 5)
    second.run("hire dee \"Dee Park\"")
    #expect(
      second.console.errLines == [
        "error: the clock (2021-01-04T09:00:00Z) is before the last event (@5 at 2021-01-05T00:00:00Z) — "
          + "set it with 'clock 2021-01-05T00:00:00Z', then move on with 'clock +DURATION'"
      ])
    #expect(second.eventCount == 5)
  }

  /// `clock live` never stamps an event before the head (the wall clock of
  /// the harness is 2021-06-01; the log is already later).
  @Test func liveClockNeverGoesBack() throws {
    let h = try Harness()
    h.run("clock 2022-03-01T10:00", "hire ana \"Ana\"", "clock live", "hire ben \"Ben\"")
    #expect(h.console.errLines.isEmpty)
    let event = try #require(try h.store.event("main", seq: 2))
    #expect(event.occurredAt == Timestamp(parsing: "2022-03-01T10:00"))
  }
}

extension MemoryStore {
  fileprivate var headSeq: Int { (try? head(of: "main").seq) ?? -1 }
}
