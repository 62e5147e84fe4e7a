import EthosDomain
import EthosJSON
import EthosLanguage
import Testing

@testable import EthosEngine
@testable import EthosStore

/// The session's jobs as small types of their own (issue 10): each is tested
/// here without a session around it.
@Suite struct SessionJobTests {
  // MARK: writes

  static let noon = Timestamp(parsing: "2026-03-02T12:00:00Z")!

  @Test func stampWritesWhoWhenWhereAndTheStatementAsWritten() {
    var writes = Writes(actor: "ana")
    let pending = writes.stamp(
      [.customerRegistered(id: "c1", name: "Cy", segment: nil, key: nil)], now: Self.noon,
      recorded: (Self.noon, 7), line: "  customer c1 \"Cy\"\t", origin: .script(file: "a.ethos", line: 3))
    #expect(pending.count == 1)
    #expect(pending[0].occurredAtISO == "2026-03-02T12:00:00Z")
    #expect(pending[0].recordedAt == "2026-03-02T12:00:00.007Z")
    #expect(pending[0].actor == "ana")
    #expect(pending[0].origin == "a.ethos:3")
    #expect(pending[0].command == "customer c1 \"Cy\"")
  }

  @Test func aPulseAnswerIsStampedWithItsDepartmentOnlyAndKeepsItsImportKey() {
    var writes = Writes(actor: "hr")
    let typed = writes.stamp(
      [.pulseRecorded(dept: "desk", score: 4)], now: Self.noon, recorded: (Self.noon, 0),
      line: "pulse ana score=4", origin: .repl)
    #expect(typed[0].command == "pulse dept=desk score=4")
    let imported = writes.stamp(
      [.pulseRecorded(dept: "desk", score: 2)], now: Self.noon, recorded: (Self.noon, 0),
      line: "pulse ana score=2" + ImportKeyMark.comment(for: "R_9"), origin: .importing)
    #expect(imported[0].command == "pulse dept=desk score=2" + ImportKeyMark.comment(for: "R_9"))
  }

  @Test func heldWritesKeepTheirLinesAndOutputUntilTheTransactionCommits() {
    var writes = Writes(actor: "ana")
    writes.batchSize = 2
    // Nothing held: output is printed at once, lines are not recorded.
    let printedAtOnce = writes.withhold("@1 …", isError: false)
    #expect(!printedAtOnce)
    writes.note(Array("clock 2026-03-02T12:00".utf8), origin: .repl)
    #expect(!writes.isHolding)
    writes.hold(from: State(), clock: .fixed(Self.noon), failures: 3, storeFailed: false)
    let kept = [writes.withhold("@1 …", isError: false), writes.withhold("error: …", isError: true)]
    #expect(kept == [true, true])
    writes.note(Array("hire ana \"Ana\"".utf8), origin: .repl)
    #expect(!writes.isFull)
    writes.note(Array("hire ben \"Ben\"".utf8), origin: .repl)
    #expect(writes.isFull)
    let open = writes.open
    #expect(
      open?.entries.map { String(decoding: $0.bytes, as: UTF8.self) } == ["hire ana \"Ana\"", "hire ben \"Ben\""])
    #expect(open?.output.map(\.isError) == [false, true])
    #expect(open?.startClock == .fixed(Self.noon))
    #expect(open?.failuresBefore == 3)
  }

  // MARK: branches

  @Test func aBranchGetsBackTheClockItWasLeftWithAndANewOneFollowsTheWallClock() {
    var branches = Branches()
    #expect(branches.clock(of: "main") == .live)
    branches.leave("main", clock: .fixed(Self.noon))
    #expect(branches.clock(of: "main") == .fixed(Self.noon))
    #expect(branches.clock(of: "storm") == .live)
    branches.leave("main", clock: .live)
    #expect(branches.clock(of: "main") == .live)
  }

  @Test func aLineOfBranchesStopsAtItsDepthLimit() throws {
    let store = MemoryStore()
    var parent = "main"
    for depth in 1..<Branches.maxDepth {
      try Branches.checkDepth(forking: "b\(depth)", from: parent, in: store)
      try store.createBranch("b\(depth)", from: parent, at: 0)
      parent = "b\(depth)"
    }
    try Branches.checkDepth(forking: "last", from: parent, in: store)
    try store.createBranch("last", from: parent, at: 0)
    #expect(throws: EngineError.branchTooDeep("deeper", parent: "last", limit: Branches.maxDepth)) {
      try Branches.checkDepth(forking: "deeper", from: "last", in: store)
    }
  }

  @Test func aBranchForkedFromThePastStartsWithItsClockFixedThere() throws {
    let store = MemoryStore()
    var writes = Writes(actor: "ana")
    let later = Timestamp(parsing: "2026-03-05T08:00:00Z")!
    for (seq, time) in [(1, Self.noon), (2, later)] {
      _ = try store.append(
        writes.stamp(
          [.customerRegistered(id: "c\(seq)", name: "C", segment: nil, key: nil)], now: time,
          recorded: (time, 0), line: "customer c\(seq) \"C\"", origin: .repl), to: "main", expectedHead: seq - 1)
    }
    #expect(try Branches.clock(forkedAt: 1, from: "main", current: .live, in: store) == .fixed(Self.noon))
    #expect(try Branches.clock(forkedAt: nil, from: "main", current: .fixed(later), in: store) == .fixed(later))
  }

  // MARK: settings

  @Test func setChangesOneOptionAndBareSetListsThemAll() {
    var settings = Settings()
    let applied = [.format(.csv), .bail(true), .expanded(.on), .list].map { settings.apply($0) }
    #expect(applied == [true, true, true, false])
    #expect(settings.listed.map(\.name) == ["format", "bail", "echo", "expanded", "pager", "timing"])
    #expect(settings.listed.map(\.value) == ["csv", "on", "off", "on", "on", "off"])
    settings.width = 10
    #expect(settings.layout == Layout(width: 20, expanded: .on))
  }

  // MARK: compare

  @Test func comparisonMatchesListItemsByIdNotPosition() {
    let left = JSON.object(
      JSONObject([
        ("items", .array([Self.item("ana", 2), Self.item("ben", 1)]))
      ]))
    let right = JSON.object(
      JSONObject([
        ("items", .array([Self.item("abe", 0), Self.item("ana", 2), Self.item("ben", 3)]))
      ]))
    let comparison = Comparison(.employees(all: false), left: ("main", left), right: ("storm", right))
    #expect(
      comparison.rows.map(\.path) == [
        "employees.items.ana.id", "employees.items.ana.served", "employees.items.ben.id",
        "employees.items.ben.served", "employees.items.abe.id", "employees.items.abe.served",
      ])
    #expect(
      comparison.differing == [
        "employees.items.ben.served", "employees.items.abe.id", "employees.items.abe.served",
      ])
    #expect(comparison.json["differences"]?.arrayValue?.count == 3)
    #expect(comparison.csv[0] == "path,main,storm,delta")
    // A leading `+` is escaped so a spreadsheet does not take the cell for a formula.
    #expect(comparison.csv.contains("employees.items.ben.served,1,3,'+2"))
    #expect(comparison.table(layout: Layout(width: nil, expanded: .off)).last == Notice.differences(3, of: 6))
  }

  @Test func aDeltaIsSignedForNumbersAndUnequalForOtherValues() {
    #expect(Comparison.delta(.int(3), .int(1)) == "-2")
    #expect(Comparison.delta(.double(0.25), .double(0.5)) == "+0.25")
    #expect(Comparison.delta(.double(0.1), .double(0.1000001)) == "")
    #expect(Comparison.delta(.string("a"), .string("b")) == "≠")
    #expect(Comparison.delta(nil, .int(1)) == "≠")
    #expect(Comparison.delta(.int(1), .int(1)) == "")
  }

  static func item(_ id: String, _ served: Int) -> JSON {
    .object(JSONObject([("id", .string(id)), ("served", .int(served))]))
  }
}
