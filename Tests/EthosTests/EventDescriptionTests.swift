import EthosDomain
import EthosJSON
import Testing

/// Each event type's description (`Event.swift`) is the one source of its
/// payload, its sealing and its checks: these hold the parts to each other.
@Suite struct EventDescriptionTests {
  static let t = Timestamp(seconds: 1_614_556_800)

  /// One event of every type, every optional field set.
  static let samples: [Event] = [
    .employeeHired(
      id: "ana", name: "Ana", dept: "desk", role: "lead", level: .manager, facing: false, orientation: 4, skills: 2,
      key: "HR-1"),
    .employeeDeparted(id: "ana", reason: .retired), .partnerEngaged(id: "linens", name: "Linen Co", kind: .vendor),
    .partnerReleased(id: "linens"), .customerRegistered(id: "acme", name: "Acme", segment: "business", key: "a@x"),
    .customerLost(id: "acme", reason: "moved"), .championNamed(id: "ana", area: "desk"),
    .championStoodDown(id: "ana"), .serviceTeamJoined(id: "ana"), .serviceTeamLeft(id: "ana"),
    .leadershipActed(by: "cora", activity: .frontline, note: "at the desk"),
    .statementMade(by: "cora", text: "our focus", to: .internal, tactic: 1),
    .trainingCompleted(employees: ["ana", "ben"], topic: .ownership),
    .interactionLogged(
      by: "ana", with: "acme", mode: .relationship, channel: .phone, outcome: 2, did: [.courteous], note: "kind"),
    .promiseMade(id: "p1", by: "ana", to: "acme", due: t, what: "call back"), .promiseKept(id: "p1"),
    .promiseBroken(id: "p1"),
    .stressBegan(id: "s1", kind: .weather, severity: 3, scope: .employee("ana"), note: "storm"),
    .stressEnded(id: "s1"), .feedbackReceived(customer: "acme", score: 9, about: "ana", comment: "quick"),
    .complaintReceived(customer: "acme", about: "ana", level: .manager, text: "slow"),
    .followUpMade(customer: "acme", by: "ana", note: "called"), .pulseRecorded(dept: "desk", score: 8),
    .deficiencyIdentified(id: "d1", what: "slow replies", area: "nps", baseline: -12.5, target: 30),
    .actionPlanned(id: "a1", deficiency: "d1", owner: "ana", due: t, what: "train"),
    .actionCompleted(id: "a1"), .eventRetracted(seq: 4, reason: "wrong"),
    .subjectForgotten(id: "acme", reason: "asked"),
  ]

  @Test func thereIsASampleOfEveryType() {
    #expect(Set(Self.samples.map(\.type)) == Set(EventType.allCases))
  }

  @Test(arguments: samples)
  func anEventReadsBackFromItsDescribedPayload(_ event: Event) throws {
    #expect(try Event(type: event.type.rawValue, version: event.version, data: event.data) == event)
    #expect(
      try Event(type: event.type.rawValue, version: event.version, data: JSON.parse(event.canonicalData)) == event)
    #expect(Set(event.described.fields.map(\.key)).count == event.described.fields.count, "keys are unique")
  }

  /// Sealing changes exactly the personal fields, and the event still reads.
  @Test(arguments: samples)
  func sealingChangesOnlyThePersonalFields(_ event: Event) throws {
    let personal = event.personalFields(isCustomer: { $0 == "acme" })
    let isCustomer = { (id: String) in id == "acme" }
    let sealed = event.mappingPersonal(isCustomer: isCustomer) { value, party in "[\(party)] \(value)" }
    guard case .object(let before) = event.data, case .object(let after) = sealed.data else {
      Issue.record("payloads are objects")
      return
    }
    let changed = before.keys.filter { before[$0] != after[$0] }
    #expect(changed.count == personal.count)
    #expect(sealed.type == event.type)
  }
}
