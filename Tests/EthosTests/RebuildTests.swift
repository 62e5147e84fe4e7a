import Testing

@testable import EthosDomain

/// The domain's rebuild on its own, in given / when / then form: *given* a
/// log and the snapshots saved along it, *when* a state is rebuilt, *then*
/// it is the fold of the log with every retracted event left out. No
/// store, no engine: the history is two arrays.
@Suite struct RebuildTests {
  static let t0 = Timestamp(year: 2021, month: 3, day: 1)

  /// A branch's past held in arrays, counting what a rebuild reads.
  struct ArrayHistory: History {
    typealias Failure = Never

    final class Reads {
      var events = 0
      var typed = 0
    }

    var log: [RecordedEvent] = []
    var snapshots: [State] = []
    let reads = Reads()

    func events(from: Int, through: Int, _ body: (RecordedEvent) -> Void) {
      for recorded in log where recorded.seq >= from && recorded.seq <= through {
        reads.events += 1
        body(recorded)
      }
    }

    func events(of type: EventType, from: Int, through: Int, _ body: (RecordedEvent) -> Void) {
      reads.typed += 1
      for recorded in log where recorded.event.type == type && recorded.seq >= from && recorded.seq <= through {
        body(recorded)
      }
    }

    func snapshot(atOrBefore seq: Int) -> State? {
      snapshots.filter { $0.headSeq <= seq }.max { $0.headSeq < $1.headSeq }
    }

    /// Appends `event` an hour after the last one.
    mutating func append(_ event: Event) {
      let seq = log.count + 1
      log.append(RecordedEvent(seq: seq, occurredAt: RebuildTests.hour(seq), event: event))
    }

    /// Saves the state of the log just after `seq`, as the engine would: the
    /// fold of that prefix, with what it retracts left out.
    mutating func saveSnapshot(at seq: Int) {
      snapshots.append(Rebuild(ArrayHistory(log: log)).state(through: seq).state)
    }
  }

  static func hour(_ n: Int) -> Timestamp { Timestamp(seconds: t0.seconds + Int64(n) * 3600) }

  /// The events folded one by one with `evolve` alone: the oracle.
  static func folded(_ events: [RecordedEvent]) -> State {
    var state = State()
    for recorded in events { state.evolve(recorded) }
    return state
  }

  /// `state` without what says where in the log it stands (its head, its
  /// count of events, the seqs it saw retracted): the culture alone, to
  /// compare with a log that never held the retracted event.
  static func culture(_ state: State) -> State {
    var culture = state
    culture.headSeq = 0
    culture.headTime = nil
    culture.eventCount = 0
    culture.retracted = []
    return culture
  }

  /// A log where each observation changes something `evolve` cannot undo: a
  /// stress window sets the condition of an interaction, a follow-up closes
  /// loops, a customer lost after a complaint is not a silent loss, leads
  /// set the last lead, and every party keeps its latest seqs.
  static func given() -> ArrayHistory {
    var history = ArrayHistory()
    for event: Event in [
      .employeeHired(
        id: "ana", name: "Ana", dept: "desk", role: nil, level: .leader, facing: true, orientation: 3, skills: 3),
      .employeeHired(
        id: "bo", name: "Bo", dept: "desk", role: nil, level: .staff, facing: true, orientation: 4, skills: 2),
      .customerRegistered(id: "acme", name: "Acme", segment: nil),
      .customerRegistered(id: "zed", name: "Zed", segment: nil),
      .stressBegan(id: "s1", kind: .staffing, severity: 3, scope: .org, note: nil),
      .interactionLogged(
        by: "ana", with: "acme", mode: .relationship, channel: .phone, outcome: -1, did: [], note: nil),
      .complaintReceived(customer: "acme", about: "ana", level: .frontline, text: nil),
      .stressEnded(id: "s1"),
      .followUpMade(customer: "acme", by: "ana", note: nil),
      .interactionLogged(by: "bo", with: "acme", mode: .transaction, channel: .chat, outcome: 2, did: [], note: nil),
      .leadershipActed(by: "ana", activity: .review, note: nil),
      .leadershipActed(by: "bo", activity: .model, note: nil),
      .feedbackReceived(customer: "zed", score: 3, about: "bo", comment: nil),
      .complaintReceived(customer: "zed", about: nil, level: .manager, text: nil),
      .customerLost(id: "zed", reason: nil),
      .trainingCompleted(employees: ["ana"], topic: .phoneCourtesy),
      .statementMade(by: "ana", text: "we hit the numbers", to: .internal, tactic: 1),
      .pulseRecorded(dept: "desk", score: 9),
      .interactionLogged(
        by: "ana", with: "bo", mode: .relationship, channel: .inPerson, outcome: 1, did: [], note: nil),
    ] {
      history.append(event)
    }
    return history
  }

  static let observations = given().log.filter { $0.event.type.isObservation }.map(\.seq)

  @Test(arguments: observations)
  func aRetractionInsideAFoldIsTheLogWithoutItsTarget(target: Int) throws {
    var history = Self.given()
    for seq in [5, 8, 12, 16] { history.saveSnapshot(at: seq) }
    history.append(.eventRetracted(seq: target, reason: "logged by mistake"))
    let rebuilt = Rebuild(history).state(through: history.log.count)
    let withoutIt = Self.folded(history.log.filter { $0.seq != target && $0.seq <= 19 })
    #expect(Self.culture(rebuilt.state) == Self.culture(withoutIt), "@\(target) retracted")
    #expect(rebuilt.state.retracted == [target])
    #expect(rebuilt.state.eventCount == 20, "a retracted event keeps its place in the log")
    #expect(rebuilt.base == [0, 5, 8, 12, 16].last { $0 < target }, "the newest snapshot before the target")
  }

  @Test func aSnapshotSavedBeforeALaterRetractionIsNeverStale() throws {
    var history = Self.given()
    history.saveSnapshot(at: 16)
    let saved = try #require(history.snapshots.first)
    history.append(.eventRetracted(seq: 14, reason: "wrong customer"))
    let rebuild = Rebuild(history)
    // As of @16 the retraction is not yet in the log: the snapshot is that state.
    #expect(rebuild.state(through: 16) == Rebuilt(state: saved, base: 16))
    // Past the retraction the snapshot counted zed's complaint: it is passed over.
    let now = rebuild.state(through: 20)
    #expect(now.base == 0)
    #expect(now.state.tally.silentLosses == 1, "zed left without a complaint on record")
    #expect(now.state == Rebuild(ArrayHistory(log: history.log)).state(through: 20).state)
    #expect(now.state.retracted == [14])
    // A snapshot saved after the retraction is the base of the next fold.
    history.saveSnapshot(at: 20)
    history.append(.pulseRecorded(dept: "desk", score: 10))
    let next = Rebuild(history).state(through: 21)
    #expect(next.base == 20)
    #expect(next.state == Rebuild(ArrayHistory(log: history.log)).state(through: 21).state)
  }

  @Test func aWindowBaseLeavesOutWhatTheWindowsEndRetracts() {
    var history = ArrayHistory()
    history.append(
      .employeeHired(
        id: "lee", name: "Lee", dept: "ops", role: nil, level: .leader, facing: true, orientation: 3, skills: 3))
    history.append(.leadershipActed(by: "lee", activity: .model, note: nil))
    history.append(.leadershipActed(by: "lee", activity: .review, note: nil))
    history.saveSnapshot(at: 3)
    history.append(.eventRetracted(seq: 2, reason: "recorded by mistake"))
    // The window holds only the retraction; the leads lie before it.
    let window = Rebuild(history).window(after: 3, through: 4)
    #expect(window.state.tally.lastLead == Self.hour(3), "the last lead is the one that stands")
    #expect(window.state.tally.leadsEver == 1)
    #expect(window.state.tally.leads == 0, "no lead inside the window")
    #expect(window.base == 0, "the snapshot at @3 counted the retracted lead")
    #expect(window == Rebuild(ArrayHistory(log: history.log)).window(after: 3, through: 4))
    // A window that ends before the retraction still counts both.
    let before = Rebuild(history).window(after: 2, through: 3)
    #expect(before.state.tally.leadsEver == 2)
    #expect(before.state.tally.leads == 1)
  }

  @Test func theNextEventFoldsAgainOnlyWhenItRetracts() {
    var history = Self.given()
    let rebuild = Rebuild(history)
    var state = rebuild.state(through: 19).state
    history.append(.eventRetracted(seq: 12, reason: "not a lead"))
    let retraction = history.log[19]
    let refolded = Rebuild(history).fold(retraction, into: &state)
    #expect(refolded?.state == state)
    #expect(state == Rebuild(history).state(through: 20).state)
    #expect(state.tally.lastLead == Self.hour(11), "the lead before the retracted one")
    history.append(.pulseRecorded(dept: "desk", score: 10))
    #expect(Rebuild(history).fold(history.log[20], into: &state) == nil)
    #expect(state == Rebuild(history).state(through: 21).state)
  }

  @Test func catchingUpOnARetractionFoldsAgain() {
    var history = Self.given()
    var state = Rebuild(history).state(through: 15).state
    history.append(.eventRetracted(seq: 9, reason: "no follow-up happened"))
    #expect(Rebuild(history).catchUp(&state, to: 20) != nil)
    #expect(state == Rebuild(history).state(through: 20).state)
    #expect(state.tally.loopsClosed == 0)
    #expect(Rebuild(history).catchUp(&state, to: 20) == nil, "nothing new")
  }

  @Test func aWhatIfRetractionIsTheRetractionAppended() {
    let history = Self.given()
    let now = Rebuild(history).state(through: 19).state
    let retraction = RecordedEvent(seq: 20, occurredAt: Self.hour(20), event: .eventRetracted(seq: 6, reason: "x"))
    let supposed = Rebuild(history).supposing([retraction], after: now)
    var appended = history
    appended.log.append(retraction)
    #expect(supposed == Rebuild(appended).state(through: 20).state)
    #expect(supposed.matrix.customersStress.n == 0, "the one interaction under stress is gone")
  }

  @Test func aLogWithoutRetractionsIsReadOnce() {
    let history = Self.given()
    let rebuilt = Rebuild(history).state(through: 19)
    #expect(rebuilt.state == Self.folded(history.log))
    #expect(history.reads.events == 19, "one pass over the log")
    #expect(history.reads.typed == 1, "one read of its retractions")
  }
}
