import Testing

@testable import EthosDomain

/// The decider on its own, in given / when / then form (Equinox's
/// FavoritesTests): *given* events, *when* a command, *then* the exact events
/// or the exact error. No parser, no engine, no store: every rule the
/// decider holds is checked by calling `decide` directly.
@Suite struct DeciderTests {
  static let t0 = Timestamp(year: 2021, month: 3, day: 1)
  static let later = Timestamp(year: 2021, month: 3, day: 2)

  /// The state the given events fold into, all at `t0`.
  static func given(_ events: Event...) -> State {
    var state = State()
    for (index, event) in events.enumerated() {
      state.evolve(RecordedEvent(seq: index + 1, occurredAt: t0, event: event))
    }
    return state
  }

  static let ana = Event.employeeHired(
    id: "ana", name: "Ana", dept: "desk", role: nil, level: .leader, facing: true, orientation: 3, skills: 3)
  static let acme = Event.customerRegistered(id: "acme", name: "Acme", segment: nil)

  /// When `command` is decided on `state` at `now`: its events, or its error.
  static func when(_ command: Command, _ state: State, now: Timestamp = later) -> Result<[Event], DomainError> {
    Result { () throws(DomainError) in try decide(command, state: state, now: now) }
  }

  @Test func aLogOfAnActiveEmployeeWithACustomerIsOneInteraction() {
    let then = Self.when(
      .log(by: "ana", with: "acme", mode: .relationship, channel: .phone, outcome: 2, did: [.courteous], note: nil),
      Self.given(Self.ana, Self.acme))
    #expect(
      then
        == .success([
          .interactionLogged(
            by: "ana", with: "acme", mode: .relationship, channel: .phone, outcome: 2, did: [.courteous], note: nil)
        ]))
  }

  @Test(arguments: [
    (
      Command.log(by: "ana", with: "acme", mode: .transaction, channel: .other, outcome: 3, did: [], note: nil),
      DomainError.outOfRange("outcome", 3, -2...2)
    ),
    (
      Command.log(by: "ana", with: "acme", mode: .transaction, channel: .other, outcome: -9, did: [], note: nil),
      DomainError.outOfRange("outcome", -9, -2...2)
    ),
    (
      Command.feedback(customer: "acme", score: 42, about: nil, comment: nil),
      DomainError.outOfRange("score", 42, 0...10)
    ),
    (
      Command.feedback(customer: "acme", score: -1, about: nil, comment: nil),
      DomainError.outOfRange("score", -1, 0...10)
    ),
    (Command.pulse(from: .department("desk"), score: 11), DomainError.outOfRange("score", 11, 0...10)),
    (
      Command.hire(
        id: "ben", name: "Ben", dept: "desk", role: nil, level: .staff, facing: true, orientation: 0, skills: 3),
      DomainError.outOfRange("orientation", 0, 1...5)
    ),
    (
      Command.hire(
        id: "ben", name: "Ben", dept: "desk", role: nil, level: .staff, facing: true, orientation: 3, skills: 6),
      DomainError.outOfRange("skills", 6, 1...5)
    ),
    (
      Command.beginStress(id: "s1", kind: .weather, severity: 4, scope: .org, note: nil),
      DomainError.outOfRange("severity", 4, 1...3)
    ),
  ])
  func outOfRangeValuesAreRefusedByTheDecider(_ command: Command, _ error: DomainError) {
    #expect(Self.when(command, Self.given(Self.ana, Self.acme)) == .failure(error))
  }

  @Test func theClockNeverRunsBackwards() {
    let state = Self.given(Self.ana, Self.acme)
    let before = Timestamp(year: 2021, month: 2, day: 28)
    let then = Self.when(.registerCustomer(id: "zed", name: "Zed", segment: nil), state, now: before)
    #expect(then == .failure(.clockBeforeHead(before, head: Self.t0, seq: 2)))
    // The head's own time is fine: many events share a second.
    #expect(
      Self.when(.registerCustomer(id: "zed", name: "Zed", segment: nil), state, now: Self.t0)
        == .success([.customerRegistered(id: "zed", name: "Zed", segment: nil)]))
  }

  @Test func anIdIsNeverReused() {
    let state = Self.given(Self.ana, Self.acme, .customerLost(id: "acme", reason: nil))
    let then = Self.when(.registerCustomer(id: "acme", name: "Acme again", segment: nil), state)
    guard case .failure(let error) = then else {
      Issue.record("a lost customer's id was reused")
      return
    }
    #expect(error.rule == "id-taken")
  }

  @Test func aDepartedEmployeeLogsNothing() {
    let state = Self.given(Self.ana, Self.acme, .employeeDeparted(id: "ana", reason: .resigned))
    let then = Self.when(
      .log(by: "ana", with: "acme", mode: .transaction, channel: .other, outcome: 0, did: [], note: nil), state)
    #expect(then == .failure(.departed("ana", on: Self.t0)))
  }

  @Test func aPulseFromAnEmployeeKeepsOnlyTheDepartment() {
    #expect(
      Self.when(.pulse(from: .employee("ana"), score: 9), Self.given(Self.ana))
        == .success([.pulseRecorded(dept: "desk", score: 9)]))
  }

  @Test func namingAChampionTwiceIsRefused() {
    // Naming a champion is not idempotent: once named, naming again is an error.
    let state = Self.given(Self.ana)
    let first = Self.when(.nameChampion(id: "ana", area: nil), state)
    #expect(first == .success([.championNamed(id: "ana", area: nil)]))
    var after = state
    after.evolve(RecordedEvent(seq: 2, occurredAt: Self.later, event: .championNamed(id: "ana", area: nil)))
    #expect(Self.when(.nameChampion(id: "ana", area: nil), after) == .failure(.alreadyChampion("ana")))
  }

  @Test func aRetractionNeedsAnObservationNotRetractedYet() {
    let logged = Event.interactionLogged(
      by: "ana", with: "acme", mode: .transaction, channel: .other, outcome: 1, did: [], note: nil)
    let state = Self.given(Self.ana, Self.acme, logged)
    #expect(
      Self.when(.retract(seq: 3, reason: "wrong", target: "InteractionLogged"), state)
        == .success([.eventRetracted(seq: 3, reason: "wrong")]))
    #expect(
      Self.when(.retract(seq: 1, reason: "wrong", target: "EmployeeHired"), state)
        == .failure(.notObservation(1, type: "EmployeeHired")))
    #expect(Self.when(.retract(seq: 9, reason: "wrong", target: nil), state) == .failure(.noSuchEvent(9, head: 3)))
  }
}
