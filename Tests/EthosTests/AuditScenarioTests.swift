import EthosEngine
import EthosJSON
import EthosStore
import EthosStoreSQLite
import Foundation
import TestSupport
import Testing

@Suite struct AuditScenarioTests {
  static let base = """
    clock 2021-03-01T09:00
    hire ana "Ana" dept=desk
    hire ben "Ben" dept=desk
    customer acme "Acme"
    log ana with acme outcome=+2
    stress begin rush kind=volume
    log ben with ana outcome=-2
    stress end rush
    """

  static func matrixChanges(_ item: JSON?) -> [JSON] {
    (item?["changes"]?.arrayValue ?? []).filter { $0["path"]?.stringValue?.hasPrefix("matrix.") == true }
  }

  // MARK: replay

  @Test func replayPrintsWhatEachEventChanged() throws {
    let h = try Harness()
    h.script(Self.base)
    let replay = try h.json("replay from=@4 to=@6")
    #expect(replay["from"] == 4)
    #expect(replay["to"] == 6)
    let items = replay["items"]?.arrayValue ?? []
    #expect(items.map { $0["seq"] } == [4, 5, 6])
    #expect(
      Self.matrixChanges(items.first)
        == [
          ["path": "matrix.cells.customers.normal.interactions", "before": 0, "after": 1],
          ["path": "matrix.cells.customers.normal.mean", "before": nil, "after": 2.0],
          ["path": "matrix.cells.customers.normal.positive", "before": nil, "after": 1.0],
          ["path": "matrix.balance", "before": nil, "after": 0.0],
          ["path": "matrix.weakest", "before": nil, "after": "customers/normal"],
        ])
    #expect(Self.matrixChanges(items[1]) == [])
    #expect(
      Self.matrixChanges(items[2])
        == [
          ["path": "matrix.cells.staff.stress.interactions", "before": 0, "after": 1],
          ["path": "matrix.cells.staff.stress.mean", "before": nil, "after": -2.0],
          ["path": "matrix.cells.staff.stress.positive", "before": nil, "after": 0.0],
          ["path": "matrix.balance", "before": 0.0, "after": 4.0],
          ["path": "matrix.weakest", "before": "customers/normal", "after": "staff/stress"],
        ])
    #expect(h.eventCount == 7)
  }

  @Test func replayTableAndRetractions() throws {
    let h = try Harness()
    h.script(Self.base)
    h.run("retract @6 \"wrong person\"")
    let text = h.run("replay from=@6")
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == "replay of branch 'main' from @6 to @8")
    #expect(lines[1] == "@6 2021-03-01 09:00 InteractionLogged ben → ana (-2, transaction)  [retracted]")
    #expect(lines[2].hasPrefix("    matrix.cells.staff.stress.interactions"))
    #expect(lines[2].hasSuffix("0 → 1"))
    // The retraction moves the figures back.
    let retraction = lines.firstIndex { $0.hasPrefix("@8 ") } ?? 0
    #expect(lines[retraction] == "@8 2021-03-01 09:00 EventRetracted @6 (wrong person)")
    #expect(
      lines.dropFirst(retraction).contains {
        $0.hasPrefix("    matrix.cells.staff.stress.interactions") && $0.hasSuffix("1 → 0")
      })
    #expect(lines.contains("@7 2021-03-01 09:00 StressEnded rush"))
  }

  @Test func replayRangeAndStepErrors() throws {
    let h = try Harness()
    #expect(h.run("replay") == "error: there is no event @1 — the log is empty\n")
    h.script(Self.base)
    #expect(
      h.run("replay from=@5 to=@2") == "error: replay from=@5 is after to=@2 — give from= an event at or before to=\n")
    #expect(h.run("replay to=@12") == "error: there is no event @12 — the log runs from @1 to @7\n")
    #expect(
      h.run("replay step")
        == "error: 'replay step' waits for Enter between events, which only works at an interactive terminal — "
        + "drop 'step' to print the whole replay\n")
  }

  @Test func replayStepWaitsAndStopsOnQ() throws {
    let h = try Harness()
    h.script(Self.base)
    var prompts = [String]()
    var answers = ["", "q"]
    h.session.stepReader = { prompt in
      prompts.append(prompt)
      return answers.isEmpty ? nil : answers.removeFirst()
    }
    let text = h.run("replay from=@2 step")
    #expect(
      prompts == [
        "-- @2 done: Enter for the next event, q to stop --", "-- @3 done: Enter for the next event, q to stop --",
      ])
    #expect(text.contains("@3 2021-03-01 09:00 CustomerRegistered"))
    #expect(!text.contains("@4 "))
    #expect(text.hasSuffix("(replay stopped after @3)\n"))
    // In a script the same statement is refused.
    h.console.reset()
    h.session.execute("replay step", origin: .script(file: "s.ethos", line: 3))
    #expect(h.console.errLines.first?.hasPrefix("s.ethos:3: error: 'replay step' waits for Enter") == true)
  }

  // MARK: diff

  @Test func diffReportsTheChangeBetweenTwoPoints() throws {
    let h = try Harness()
    h.script(Self.base)
    let diff = try h.json("diff @3 @7")
    #expect(diff["from"] == ["seq": 3, "time": "2021-03-01T09:00:00Z"])
    #expect(diff["to"]?["seq"] == 7)
    let matrix = (diff["changes"]?.arrayValue ?? []).filter { $0["path"]?.stringValue?.hasPrefix("matrix.") == true }
    #expect(matrix.contains(["path": "matrix.balance", "before": nil, "after": 4.0]))
    #expect(matrix.contains(["path": "matrix.cells.staff.stress.interactions", "before": 0, "after": 1]))
    #expect(matrix.count == 8)
    // Same point: nothing changed.
    #expect(h.run("diff @7 @7") == "diff @7 2021-03-01 09:00 → @7 2021-03-01 09:00\n  (no indicator changed)\n")
    // Times work as well.
    h.run("clock 2021-03-02T09:00", "log ana with acme outcome=-2")
    let byTime = try h.json("diff 2021-03-01T12:00 2021-03-02")
    #expect(byTime["from"] == ["seq": 7, "time": "2021-03-01T12:00:00Z"])
    #expect(byTime["to"] == ["seq": 7, "time": "2021-03-02T00:00:00Z"])
    #expect(
      (byTime["changes"]?.arrayValue ?? []).allSatisfy { $0["path"]?.stringValue?.hasPrefix("culture.") == true })
    #expect(h.run("diff @1 @30") == "error: there is no event @30 — the log runs from @1 to @8\n")
  }

  // MARK: what-if

  @Test func whatIfPrintsChangesAndAppendsNothing() throws {
    let h = try Harness()
    h.script(Self.base)
    let matrix = try h.json("matrix")
    let text = h.run("what-if log ben with acme outcome=-1")
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == "would append @8 InteractionLogged ben → acme (-1, transaction)")
    #expect(lines.contains { $0.hasPrefix("  matrix.cells.customers.normal.mean ") && $0.hasSuffix("2.0 → 0.5") })
    #expect(lines.last == "(what-if: nothing appended — branch 'main' stays at @7)")
    #expect(h.eventCount == 7)
    #expect(try h.json("matrix") == matrix)

    let retract = try h.json("what-if retract @6 \"never happened\"")
    #expect(retract["appended"] == 0)
    #expect(retract["events"] == [["seq": 8, "type": "EventRetracted", "summary": "@6 (never happened)"]])
    #expect(
      Self.matrixChanges(retract).contains(["path": "matrix.cells.staff.stress.interactions", "before": 1, "after": 0]))
    #expect(try h.json("show @6")["retracted"] == false)
    #expect(h.run("what-if champion bne") == "error: unknown employee 'bne' — did you mean 'ben'?\n")
    #expect(h.eventCount == 7)
  }

  /// Acceptance 5: what-if leaves the SQLite store byte-for-byte unchanged.
  @Test func whatIfLeavesTheSQLiteFileUntouched() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let path = dir + "/store.sqlite"
    let files = [path, path + "-wal"]
    func bytes() -> [Data?] { files.map { FileManager.default.contents(atPath: $0) } }

    do {
      let h = try Harness(store: try SQLiteStore(path: path))
      h.script(Self.base)
      h.run("branch side from=@5", "switch main")
      let before = bytes()
      #expect(before[0] != nil)
      let out = h.script(
        """
        what-if log ben with acme outcome=-1
        what-if retract @6 "never happened"
        what-if champion ana
        what-if hire cat "Cat" dept=desk
        what-if stress begin storm kind=weather
        what-if champion nobody
        """)
      #expect(out.contains("would append @8 ChampionNamed ana"))
      #expect(bytes() == before)
      #expect(h.eventCount == 7)
    }
    // Through the binary: opening a store in a new process lets GRDB create and drop a
    // bootstrap table when no WAL file exists (its issue 102), which rewrites the header
    // whatever the statements do; so across processes compare the log itself.
    let env = ["ETHOS_NOW": "2021-06-01"]
    let before = try EthosProcess.run(["export", "--store", path], environment: env).stdout
    #expect(before.split(separator: "\n").count == 7)
    let process = try EthosProcess.run(
      ["--store", path], stdin: "what-if log ana with acme outcome=+1\nwhat-if retract @4 \"x\"\n", environment: env)
    #expect(process.stdout.hasPrefix("would append @8 InteractionLogged ana → acme (+1, transaction)\n"))
    #expect(process.stderr == "")
    #expect(try EthosProcess.run(["export", "--store", path], environment: env).stdout == before)
  }
}
