import EthosEngine
import EthosJSON
import Foundation
import TestSupport
import Testing

@testable import EthosStore
@testable import EthosStoreSQLite

/// The stores every scenario test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
  case memory, sqlite

  var testDescription: String { rawValue }

  func make() throws -> any EventStore {
    switch self {
    case .memory: return MemoryStore()
    case .sqlite: return try SQLiteStore(path: try EthosProcess.temporaryDirectory() + "/store.sqlite")
    }
  }
}

/// Every envelope of `branch`, in seq order.
func envelopes(_ store: any EventStore, _ branch: String) throws -> [Envelope] {
  var result = [Envelope]()
  try store.read(branch, from: 1, to: Int.max) { result.append($0) }
  return result
}

@Suite struct BranchTests {
  static let base = """
    clock 2021-03-01T09:00
    hire ana "Ana" dept=desk
    hire ben "Ben" dept=desk
    customer acme "Acme"
    log ana with acme outcome=+2 mode=relationship
    log ben with ana outcome=+1
    """

  /// Acceptance 1: a branch at @N with different events on each side.
  @Test(arguments: StoreKind.allCases)
  func branchesDivergeWithoutTouchingMain(kind: StoreKind) throws {
    let h = try Harness(store: try kind.make())
    h.script(Self.base)
    h.script("log ana with acme outcome=+1")
    let mainBefore = try envelopes(h.store, "main")
    let matrixBefore = try h.json("matrix")
    let cultureBefore = try h.json("culture")
    #expect(mainBefore.count == 6)

    let out = h.run("branch storm from=@4")
    #expect(out == "branch 'storm' shares 'main' up to @4 — now on 'storm'\n")
    #expect(h.session.branch == "storm")
    #expect(h.eventCount == 4)
    let written = h.script(
      """
      log ben with acme outcome=-2
      log ana with ben outcome=-1
      """)
    #expect(h.console.errLines.isEmpty, "\(written)")
    #expect(h.eventCount == 6)

    // main: same events, same hashes, same figures.
    #expect(try envelopes(h.store, "main") == mainBefore)
    #expect(h.run("switch main") == "on branch 'main' (head @6)\n")
    #expect(try h.json("matrix") == matrixBefore)
    #expect(try h.json("culture") == cultureBefore)

    // The branch shares @1…@4 and chains its own events from @4's hash.
    let storm = try envelopes(h.store, "storm")
    #expect(Array(storm.prefix(4)) == Array(mainBefore.prefix(4)))
    #expect(storm[4].prevHash == mainBefore[3].hash)
    #expect(storm[4].hash != mainBefore[4].hash)
    #expect(try h.store.verify("main") == nil)
    #expect(try h.store.verify("storm") == nil)
    #expect(h.run("verify") == "ok: branch 'main' verifies, 6 events chain from @1\n")
    h.run("switch storm")
    #expect(h.run("verify") == "ok: branch 'storm' verifies, 6 events chain from @1\n")

    // compare shows the difference.
    let compared = try h.json("compare main storm matrix")
    #expect(compared["left"]?["branch"] == "main")
    #expect(compared["right"]?["document"] == (try h.json("matrix")))
    let differences = compared["differences"]?.arrayValue ?? []
    #expect(differences.contains("matrix.cells.customers.normal.mean"))
    #expect(differences.contains("matrix.cells.staff.normal.mean"))
    #expect(!differences.contains("matrix.cells.customers.normal.interactions"))
    #expect(compared["left"]?["document"]?["cells"]?["customers"]?["normal"]?["mean"] == .double(1.5))
    #expect(compared["right"]?["document"]?["cells"]?["customers"]?["normal"]?["mean"] == .double(0))
    // Comparing leaves the session where it was.
    #expect(h.session.branch == "storm")
    #expect(h.eventCount == 6)

    let branches = try h.json("branches")
    #expect(
      branches["items"]
        == [
          ["name": "main", "current": false, "parent": nil, "forkSeq": 0, "head": 6, "ownEvents": 6],
          ["name": "storm", "current": true, "parent": "main", "forkSeq": 4, "head": 6, "ownEvents": 2],
        ])
  }

  @Test func branchStorageSharesHistoryWithoutCopying() throws {
    let store = MemoryStore()
    let h = try Harness(store: store)
    h.script(Self.base)
    h.run("branch side", "log ana with acme outcome=+1")
    #expect(store.lines["side"]?.events.count == 1)
    #expect(store.lines["main"]?.events.count == 5)
  }

  /// A branch may retract an event it shares with main; main keeps counting it.
  @Test(arguments: StoreKind.allCases)
  func retractionOnABranchStaysOnIt(kind: StoreKind) throws {
    let h = try Harness(store: try kind.make())
    h.script(Self.base)
    let mainMatrix = try h.json("matrix")
    h.run("branch clean")
    #expect(h.run("retract @4 \"never happened\"") == "@6 EventRetracted @4 (never happened)\n")
    #expect(try h.json("matrix")["cells"]?["customers"]?["normal"]?["interactions"] == 0)
    #expect(try h.json("show @4")["retracted"] == true)
    let compared = try h.json("compare main clean history")
    #expect(compared["left"]?["document"]?["count"] == 5)
    #expect(compared["right"]?["document"]?["count"] == 6)
    h.run("switch main")
    #expect(try h.json("matrix") == mainMatrix)
    #expect(try h.json("show @4")["retracted"] == false)
    #expect(try h.store.verify("clean") == nil)
  }

  @Test func branchErrors() throws {
    let h = try Harness()
    h.script(Self.base)
    h.run("branch side")
    #expect(
      h.run("branch side")
        == "error: branch 'side' already exists — 'switch side' to use it, or pick another name\n")
    #expect(h.run("switch sied") == "error: unknown branch 'sied' — did you mean 'side'?\n")
    #expect(h.run("branch far from=@9") == "error: there is no event @9 — the log runs from @1 to @5\n")
    #expect(
      h.run("compare main sdie matrix") == "error: unknown branch 'sdie' — did you mean 'side'?\n")
    #expect(h.session.branch == "side")
  }

  @Test func compareTableMarksDifferences() throws {
    let h = try Harness()
    h.script(Self.base)
    h.run("branch side from=@4", "log ben with acme outcome=-2")
    let lines = h.run("compare main side matrix").split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("matrix") == true)
    #expect(lines.first?.contains("main") == true)
    #expect(lines.first?.contains("side") == true)
    #expect(lines.first?.hasSuffix("Δ") == true)
    // A number that moved shows by how much; one that did not, nothing.
    #expect(lines.contains { $0.hasPrefix("cells.customers.normal.mean ") && $0.hasSuffix("-2.0") })
    #expect(lines.contains { $0.hasPrefix("cells.customers.stress.interactions ") && $0.hasSuffix("0") })
    #expect(lines.last == "8 of 16 figures differ")
  }

  /// `ethos --branch B` reaches every subcommand.
  @Test func branchOptionOnEverySubcommand() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/s.sqlite"
    let env = ["ETHOS_NOW": "2021-06-01"]
    let script = dir + "/base.ethos"
    try (Self.base + "\nbranch side from=@4\n").write(toFile: script, atomically: true, encoding: .utf8)
    #expect(try EthosProcess.run(["run", script, "--store", store], environment: env).status == 0)
    let side = dir + "/side.ethos"
    try "log ben with acme outcome=-2\n".write(toFile: side, atomically: true, encoding: .utf8)
    let ran = try EthosProcess.run(["run", side, "--store", store, "--branch", "side"], environment: env)
    #expect(ran.stdout == "@5 InteractionLogged ben → acme (-2, transaction)\n")
    let query = try EthosProcess.run(
      ["query", "matrix", "--format", "json", "--store", store, "--branch", "side"], environment: env)
    #expect(try JSON.parse(query.stdout)["cells"]?["customers"]?["normal"]?["mean"] == .double(0))
    let verify = try EthosProcess.run(["verify", "--store", store, "--branch", "side"], environment: env)
    #expect(verify.stdout == "ok: branch 'side' verifies, 5 events chain from @1\n")
    let export = try EthosProcess.run(["export", "--store", store, "--branch", "side"], environment: env)
    #expect(export.stdout.split(separator: "\n").count == 5)
    let stdin = try EthosProcess.run(
      ["--store", store, "--branch", "side"], stdin: "history last=1\n", environment: env)
    #expect(stdin.stdout.contains("ben → acme (-2, transaction)"))
    let unknown = try EthosProcess.run(["verify", "--store", store, "--branch", "nope"], environment: env)
    #expect(unknown.status == 2)
    #expect(unknown.stderr == "error: unknown branch 'nope' — 'branches' lists them\n")
  }
}
