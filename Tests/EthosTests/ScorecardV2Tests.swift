import EthosDomain
import EthosEngine
import EthosJSON
import EthosProjections
import EthosStore
import Foundation
import TestSupport
import Testing

/// The write-time side of scorecard version 2 (SPEC §3.1, §5): the
/// tactic-language rule decided when a `say` is made, anonymous pulse
/// answers, and deficiencies measured from a baseline.
@Suite struct ScorecardV2Tests {
  // MARK: tactic language

  @Test(arguments: [
    ("Service is our focus", 1),
    ("FOCUS!", 1),
    ("We refocused on people", 0),
    ("Service is not a tactic", 0),
    ("We never run service as a campaign", 0),
    ("Service is not a tactic, it is our focus", 1),
    ("Our focus this quarter", 2),
    ("Programmes and programs and initiatives", 3),
    ("This quarterly report is late", 0),
    ("Service isn't a program", 0),
    ("Service aren\u{2019}t campaigns", 0),
    ("No initiative. Our initiative!", 1),
    ("Plans for the upcoming period", 1),
    ("Next quarter; this month; this year", 3),
    ("Without a campaign, service wins; with a campaign it fades", 1),
  ])
  func tacticLanguageRule(_ text: String, _ count: Int) {
    #expect(TacticLanguage.count(in: text) == count, "\(text)")
  }

  static let given: [Event] = [
    .employeeHired(
      id: "boss", name: "Boss", dept: "ops", role: nil, level: .leader, facing: false, orientation: 3, skills: 3),
    .employeeHired(
      id: "ana", name: "Ana", dept: "desk", role: nil, level: .staff, facing: true, orientation: 3, skills: 3),
  ]

  static func state(_ events: [Event]) -> State {
    var state = State()
    for (index, event) in events.enumerated() {
      state.evolve(RecordedEvent(seq: index + 1, occurredAt: Timestamp(year: 2021, month: 1, day: 4), event: event))
    }
    return state
  }

  static let now = Timestamp(year: 2021, month: 1, day: 4)

  @Test func theDeciderRecordsTheCountOnTheStatement() throws {
    let events = try decide(
      .say(by: "boss", text: "Our focus this quarter", to: .external), state: Self.state(Self.given), now: Self.now)
    #expect(events == [.statementMade(by: "boss", text: "Our focus this quarter", to: .external, tactic: 2)])
  }

  // MARK: anonymous pulse

  @Test func aPulseKeepsTheDepartmentOnly() throws {
    let state = Self.state(Self.given)
    #expect(
      try decide(.pulse(from: .employee("ana"), score: 9), state: state, now: Self.now) == [
        .pulseRecorded(dept: "desk", score: 9)
      ])
    #expect(
      try decide(.pulse(from: .department("ops"), score: 2), state: state, now: Self.now) == [
        .pulseRecorded(dept: "ops", score: 2)
      ])
  }

  @Test(arguments: [
    (Command.pulse(from: .department("sales"), score: 5), "no employee was ever hired into department 'sales'"),
    (Command.pulse(from: .department("deks"), score: 5), "unknown department 'deks' — did you mean 'desk'?"),
    (Command.pulse(from: .employee("ana"), score: 42), "score is 42; it must be a whole number from 0 to 10"),
    (Command.pulse(from: .employee("ana"), score: -1), "score is -1; it must be a whole number from 0 to 10"),
  ])
  func aPulseIsRefused(_ command: Command, _ message: String) {
    do {
      _ = try decide(command, state: Self.state(Self.given), now: Self.now)
      Issue.record("\(command) was accepted")
    } catch {
      #expect(error.message.hasPrefix(message), "\(error.message)")
    }
  }

  @Test func aDepartmentWithNobodyActiveTakesNoPulse() throws {
    let state = Self.state(Self.given + [.employeeDeparted(id: "boss", reason: .resigned)])
    do {
      _ = try decide(.pulse(from: .department("ops"), score: 5), state: state, now: Self.now)
      Issue.record("a pulse from an empty department was accepted")
    } catch {
      #expect(error.rule == "no-active-staff")
    }
  }

  /// Acceptance 4: no event, query document or transcript names who gave a pulse answer.
  @Test func noOutputNamesWhoAnswered() throws {
    let h = try Harness()
    h.script(
      """
      clock 2021-01-04T08:00
      hire ana "Ana" dept=desk
      hire ben "Ben" dept=desk
      pulse ana score=9
      pulse dept=desk score=3
      """)
    let confirmations = h.script("pulse ben score=10")
    #expect(confirmations == "@5 PulseRecorded desk score 10\n")
    for query in ["show @3", "show @5", "history", "history type=PulseRecorded", "employees", "who ana", "who ben"] {
      let text = try h.json(query).canonical
      #expect(!text.contains("pulse ana"), "\(query)")
      #expect(!text.contains("pulse ben"), "\(query)")
      #expect(!text.contains("\"pulse\""), "\(query) shows a per-person pulse")
    }
    let shown = try h.json("show @3")
    #expect(shown["command"] == "pulse dept=desk score=9")
    #expect(shown["data"] == .object(JSONObject([("dept", "desk"), ("score", 9)])))
    #expect(try h.json("history who=ana")["items"]?.arrayValue?.contains { $0["type"] == "PulseRecorded" } == false)
    #expect(try h.json("culture")["indicators"]?["enps"]?["n"] == 3)
  }

  /// Version 1 answers named the employee: they are read as answers with no
  /// department, and `show` withholds the name the stored bytes keep.
  @Test func aVersion1PulseIsReadAnonymously() throws {
    let log = try FixtureLogTests.envelopes()
    let pulse = try #require(log.first { $0.type == "PulseRecorded" })
    #expect(try pulse.decoded() == .pulseRecorded(dept: nil, score: 4))
    let statement = try #require(log.first { $0.type == "StatementMade" })
    #expect(
      try statement.decoded() == .statementMade(by: "company", text: "Service is how we work", to: .internal, tactic: 0)
    )

    let store = MemoryStore()
    _ = try store.append(
      log.map {
        PendingEvent(
          type: $0.type, version: $0.version, occurredAt: $0.occurredAt, recordedAt: $0.recordedAt, actor: $0.actor,
          origin: $0.origin, command: $0.command, data: $0.data)
      }, to: "main", expectedHead: 0)
    let h = try Harness(store: store)
    let shown = try h.json("show @\(pulse.seq)")
    #expect(shown["data"]?["employee"] == "(withheld: pulse answers are anonymous)")
    #expect(shown["command"] == "(withheld: pulse answers are anonymous)")
    #expect(shown["hash"] == .string(pulse.hash))
    let history = try h.json("history type=PulseRecorded").canonical
    #expect(!history.contains("ben"))
  }

  // MARK: deficiencies from a baseline

  @Test func aDeficiencyRecordsItsBaselineAndPlanShowsProgress() throws {
    let h = try Harness()
    h.script(
      """
      clock 2021-01-04T08:00
      hire ana "Ana" dept=desk
      customer c1 "C1"
      feedback c1 score=2
      feedback c1 score=10
      deficiency d1 "customers do not recommend us" area=nps target=30
      plan a1 for d1 owner=ana due=+2w "call every detractor"
      deficiency d2 "storms" area=matrix
      """)
    #expect(h.console.errLines.isEmpty, Comment(rawValue: h.console.errLines.joined(separator: "\n")))
    let event = try h.json("show @5")
    #expect(event["data"]?["baseline"]?.number == 0)
    #expect(event["data"]?["target"]?.number == 30)
    #expect(event["version"] == 2)
    var plan = try h.json("plan")["items"]?.arrayValue ?? []
    #expect(plan.first?["area"] == "nps")
    #expect(plan.first?["baseline"]?.number == 0)
    #expect(plan.first?["target"]?.number == 30)
    #expect(plan.first?["current"]?.number == 0)
    #expect(plan.first?["met"] == false)
    #expect(plan.last?["baseline"] == .null)
    #expect(plan.last?["met"] == .null)
    h.script("feedback c1 score=9\nfeedback c1 score=9")
    plan = try h.json("plan")["items"]?.arrayValue ?? []
    #expect(plan.first?["current"]?.number == 50)
    #expect(plan.first?["baseline"]?.number == 0)
    #expect(plan.first?["met"] == true)
  }

  @Test func lessIsBetterForSomeIndicators() {
    #expect(IndicatorName.balance.reached(0.2, target: 0.25))
    #expect(!IndicatorName.balance.reached(0.3, target: 0.25))
    #expect(IndicatorName.nps.reached(31, target: 30))
  }

  @Test(arguments: [
    ("deficiency d1 \"x\" target=3", "target= needs area= naming a 'culture' indicator (there is no area=)"),
    (
      "deficiency d1 \"x\" area=matrix target=3", "target= needs area= naming a 'culture' indicator (area=matrix is not"
    ),
    ("deficiency d1 \"x\" area=nps target=lots", "target= must be a number such as 0.9 or 30 (got 'lots')"),
  ])
  func aTargetNeedsAnIndicator(_ line: String, _ message: String) throws {
    let h = try Harness()
    h.script("clock 2021-01-04\nhire ana \"Ana\"")
    h.run(line)
    #expect(h.console.errLines.count == 1)
    #expect(h.console.errLines.first?.contains(message) == true, "\(h.console.errLines)")
    #expect(h.eventCount == 1)
  }
}
