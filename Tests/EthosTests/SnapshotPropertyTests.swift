import EthosJSON
import TestSupport
import Testing

@testable import EthosDomain
@testable import EthosEngine
@testable import EthosStore

/// Properties over 200 random valid scripts using every write statement:
/// projection snapshots never change an answer, and `as of @N` is exactly
/// the present of a log that stops at N.
@Suite struct SnapshotPropertyTests {
  static let seeds: [UInt64] = Array(1...200)

  /// A session with a random script run on it, snapshotting often.
  static func generated(_ seed: UInt64) throws -> (Harness, MemoryStore) {
    let store = MemoryStore()
    let h = try Harness(store: store)
    h.session.snapshotInterval = 1 + Int(seed % 13)
    var generator = ScriptGenerator(seed: seed)
    let (_, failed) = generator.run(50 + Int(seed % 70), on: h.session)
    #expect(failed.isEmpty, "seed \(seed): \(failed.joined(separator: " | "))")
    return (h, store)
  }

  /// The state just after `seq` of `branch`, folded from the first event
  /// with no snapshot, leaving out each event retracted by `seq` (SPEC §3.1:
  /// projections ignore it, the log keeps it).
  static func scratch(_ store: any EventStore, upTo seq: Int, on branch: String = "main") throws -> State {
    var events = [RecordedEvent]()
    try store.read(branch, from: 1, to: seq) { events.append(try $0.recorded()) }
    let retracted = Set(
      events.compactMap { recorded -> Int? in
        guard case .eventRetracted(let target, _) = recorded.event else { return nil }
        return target
      })
    var state = State()
    for recorded in events {
      if retracted.contains(recorded.seq) { state.pass(recorded) } else { state.evolve(recorded) }
    }
    return state
  }

  /// The points of the log a property is checked at: a spread and the head.
  static func points(_ head: Int) -> [Int] {
    Array(Set(stride(from: 0, through: head, by: max(1, head / 12)) + [head, max(0, head - 1)])).sorted()
  }

  @Test(arguments: seeds)
  func snapshotPlusTailEqualsScratch(seed: UInt64) throws {
    let (h, store) = try Self.generated(seed)
    let head = h.session.state.headSeq
    #expect(!store.snapshots["main", default: []].isEmpty, "the run wrote snapshots")
    #expect(h.session.state == (try Self.scratch(store, upTo: head)), "the live state is the folded state")
    for n in Self.points(head) {
      let loaded = try h.session.loadState(upTo: n)
      #expect(loaded == (try Self.scratch(store, upTo: n)), "seed \(seed): state at @\(n)")
    }
    let bytes = h.session.state.snapshotBytes()
    #expect(State(snapshotBytes: bytes) == h.session.state)
    #expect(State(snapshotBytes: Array(bytes.dropLast())) == nil, "a truncated snapshot is refused")
  }

  static let queries = [
    "culture", "matrix", "employees all", "customers all", "partners", "champions", "team", "promises",
    "promises overdue", "stresses", "plan", "at-risk", "history", "trend culture.indicators.nps.value by=day",
    "trend matrix.balance by=week", "culture window=2d", "matrix window=36h", "culture window=2w",
  ]

  @Test(arguments: seeds)
  func asOfEqualsTheLogThatStopsThere(seed: UInt64) throws {
    let (h, store) = try Self.generated(seed)
    let head = h.session.state.headSeq
    for n in [head / 3, (2 * head) / 3, head] where n > 0 {
      let copy = MemoryStore()
      var pending = [PendingEvent]()
      try store.read("main", from: 1, to: n) { e in
        pending.append(
          PendingEvent(
            type: e.type, version: e.version, occurredAt: e.occurredAt, recordedAt: e.recordedAt, actor: e.actor,
            origin: e.origin, command: e.command, data: e.data))
      }
      try copy.append(pending, to: "main", expectedHead: 0)
      try copy.changeKeys(KeyChange(added: try store.partyKeys().keys))
      let short = try Harness(store: copy)
      var queries = Self.queries
      if let id = try short.json("employees all")["items"]?.arrayValue?.first?["id"]?.stringValue {
        queries.append("who \(id)")
      }
      if let id = try short.json("customers all")["items"]?.arrayValue?.first?["id"]?.stringValue {
        queries.append("who \(id)")
      }
      for query in queries {
        #expect(
          try h.json("as of @\(n) \(query)") == (try short.json(query)), "seed \(seed): as of @\(n) \(query)")
      }
    }
  }

  @Test func staleSnapshotsAreSkippedAfterARetraction() throws {
    let store = MemoryStore()
    let h = try Harness(store: store)
    h.session.snapshotInterval = 1
    h.script(
      """
      clock 2021-01-04
      hire ana "Ana"
      customer c1 "C1"
      feedback c1 score=0
      feedback c1 score=10
      """)
    // Snapshots at @3 and @4 hold the score-0 feedback; retracting it makes them stale.
    h.script("retract @3 \"wrong customer\"")
    #expect(try h.json("culture")["indicators"]?["nps"]?["value"]?.number == 100)
    let reopened = try Harness(store: store)
    #expect(reopened.session.state == (try Self.scratch(store, upTo: 5)))
    #expect(try reopened.json("culture")["indicators"]?["nps"]?["value"]?.number == 100)
    #expect(try reopened.json("as of @4 culture")["indicators"]?["nps"]?["value"]?.number == 0)
  }

  @Test(arguments: [UInt64(3), 17, 42, 99])
  func aBranchStartsFromItsParentsSnapshots(seed: UInt64) throws {
    let (h, store) = try Self.generated(seed)
    let head = h.session.state.headSeq
    let fork = head - head / 4
    try store.createBranch("what-if", from: "main", at: fork)
    let branch = try Session(store: store, branch: "what-if", actor: "t", console: CapturingConsole())
    var expected = try Self.scratch(store, upTo: fork)
    #expect(branch.state == expected)
    #expect(branch.execute("clock 2021-12-01") == .done)
    #expect(branch.execute("customer newcomer \"N\"") == .done)
    expected = try Self.scratch(store, upTo: fork + 1, on: "what-if")
    #expect(branch.state == expected)
    #expect(try branch.loadState(upTo: nil) == expected)
  }

  /// Every state reads back from its snapshot bytes as itself: a field the
  /// encoding forgets (or reads into the wrong place) comes back different.
  /// ``theRandomStatesVaryEveryField`` makes sure every field is exercised.
  @Test(arguments: seeds)
  func aRandomStateRoundTripsThroughItsSnapshot(seed: UInt64) throws {
    var random = RandomState(seed: seed)
    let state = random.state()
    let read = try #require(State(snapshotBytes: state.snapshotBytes()), "seed \(seed): the bytes read back")
    #expect(read == state, "seed \(seed)")
  }

  /// Across the random states, every stored field of `State` and of every
  /// type it holds takes at least two values, so the round trip above tests
  /// it. Fails when a field is added to the state and not to `RandomState`.
  @Test func theRandomStatesVaryEveryField() {
    var seen: [String: Set<String>] = [:]
    for seed in Self.seeds.prefix(40) {
      var random = RandomState(seed: seed)
      Self.collect(random.state(), into: &seen)
    }
    #expect(seen.count > 90, "the walk reached the fields (\(seen.count))")
    let constant = seen.filter { $0.value.count < 2 }.keys.sorted()
    #expect(constant.isEmpty, "never varied: \(constant)")
  }

  /// Records the value of every stored property of every struct within
  /// `value`, by `Type.property`; collections and optionals are looked through.
  static func collect(_ value: Any, into seen: inout [String: Set<String>]) {
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .struct?:
      for child in mirror.children {
        guard let label = child.label else { continue }
        seen["\(mirror.subjectType).\(label)", default: []].insert(String(describing: child.value))
        collect(child.value, into: &seen)
      }
    case .optional?, .collection?, .dictionary?, .set?, .tuple?:
      for child in mirror.children { collect(child.value, into: &seen) }
    default:
      break
    }
  }

  @Test func anotherProjectionVersionIsIgnored() throws {
    let store = MemoryStore()
    let h = try Harness(store: store)
    h.script("clock 2021-01-04\nhire ana \"Ana\"\ncustomer c1 \"C1\"")
    h.session.checkpoint()
    var bogus = State()
    bogus.headSeq = 2
    try store.saveSnapshot("main", seq: 2, version: State.snapshotVersion + 1, data: bogus.snapshotBytes())
    try store.saveSnapshot("main", seq: 1, version: State.snapshotVersion, data: [1, 2, 3])
    let reopened = try Harness(store: store)
    #expect(reopened.session.state == h.session.state)
    #expect(try reopened.json("as of @1 employees")["count"] == 1)
  }
}

@Suite struct ScriptGeneratorTests {
  /// The random scripts reach every write statement of SPEC §3.1 and stay valid.
  @Test func coversEveryWriteStatement() throws {
    var verbs = Set<String>()
    for seed in SnapshotPropertyTests.seeds {
      let h = try Harness()
      var generator = ScriptGenerator(seed: seed)
      let (lines, failed) = generator.run(50 + Int(seed % 70), on: h.session)
      #expect(failed.isEmpty)
      for line in lines {
        let words = line.split(separator: " ").map(String.init)
        verbs.insert(["stress", "team"].contains(words[0]) ? words[0] + " " + words[1] : words[0])
      }
    }
    let expected: Set<String> = [
      "hire", "depart", "engage", "release", "customer", "lose", "champion", "unchampion", "team join", "team leave",
      "lead", "say", "train", "log", "promise", "keep", "break", "stress begin", "stress end", "feedback", "complain",
      "follow-up", "pulse", "deficiency", "plan", "done", "retract", "clock",
    ]
    #expect(expected.subtracting(verbs).isEmpty, "never generated: \(expected.subtracting(verbs).sorted())")
  }
}
