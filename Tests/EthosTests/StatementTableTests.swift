import EthosDomain
import EthosEngine
import EthosLanguage
import EthosREPL
import EthosStore
import Foundation
import TestSupport
import Testing

/// The statement table drives the parser, `help` and completion: these keep
/// its parts consistent with each other.
@Suite struct StatementTableTests {
  @Test(arguments: StatementTable.all.map(\.words))
  func syntaxNamesExactlyTheOptions(_ words: String) throws {
    let spec = try #require(StatementTable.spec(words))
    let named = Set(spec.syntax.matches(of: /([a-z][a-z-]*)=/).map { String($0.output.1) })
    #expect(named == Set(spec.options.map(\.name)), "\(words): syntax \(spec.syntax)")
    #expect(spec.syntax.hasPrefix(words == "quit" ? "quit" : words))
  }

  @Test(arguments: StatementTable.all.map(\.words))
  func exampleParses(_ words: String) throws {
    let spec = try #require(StatementTable.spec(words))
    #expect(throws: Never.self, "\(spec.example)") { _ = try Parser.parse(spec.example) }
  }

  @Test func everyStatementHasAHelpGolden() throws {
    let script = try String(contentsOfFile: Transcripts.root + "/Snapshots/help.ethos", encoding: .utf8)
    let lines = Set(script.split(separator: "\n").map(String.init))
    #expect(lines.contains("help"))
    for spec in StatementTable.all {
      #expect(lines.contains("help " + spec.words), "Snapshots/help.ethos lacks 'help \(spec.words)'")
    }
  }

  @Test func everyGroupHasStatements() {
    for group in StatementGroup.allCases {
      #expect(StatementTable.all.contains { $0.group == group }, "\(group.rawValue)")
    }
  }

  @Test func helpListsEveryStatementOnce() throws {
    let h = try Harness()
    let lines = h.run("help").split(separator: "\n").map(String.init)
    for spec in StatementTable.all {
      #expect(lines.filter { $0.hasPrefix("  " + spec.words + "  ") }.count == 1, "\(spec.words)")
    }
  }
}

/// The parts of the REPL that need no terminal.
@Suite struct REPLTextTests {
  @Test func promptShowsBranchHeadAndClock() throws {
    let h = try Harness()
    #expect(REPL.prompt(h.session) == "ethos main@0 2021-06-01 00:00> ")
    h.run("clock 2021-01-05T09:30", "hire ana \"Ana\"")
    #expect(REPL.prompt(h.session) == "ethos main@1 2021-01-05 09:30> ")
    h.run("clock +90m")
    #expect(REPL.prompt(h.session) == "ethos main@1 2021-01-05 11:00> ")
  }

  @Test func liveClockShowsTheLastEventWhenItIsLater() throws {
    let h = try Harness()
    h.run("clock 2030-01-01T10:00", "hire ana \"Ana\"", "clock live")
    #expect(REPL.prompt(h.session) == "ethos main@1 2030-01-01 10:00> ")
  }

  @Test func bannerNamesVersionStoreBranchAndEvents() throws {
    let h = try Harness()
    h.run("hire ana \"Ana\"")
    let banner = REPL.banner(h.session, version: "ethos 0.1.0")
    #expect(banner.first == "ethos 0.1.0 — store \(h.store.location), branch main, 1 event")
    #expect(banner.last?.contains("type 'help'") == true)
  }

  @Test func interruptionStopsAScriptBetweenStatements() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let path = dir + "/two.ethos"
    try "hire ana \"Ana\"\nhire ben \"Ben\"\n".write(toFile: path, atomically: true, encoding: .utf8)
    let h = try Harness()
    var asked = 0
    // Ctrl-C "pressed" while the first statement runs.
    h.session.interruption = {
      asked += 1
      return asked > 1
    }
    let output = h.run("source \(path)")
    #expect(
      output == """
        @1 EmployeeHired ana "Ana" (general, staff)
        error: interrupted — '\(path)' stopped before line 2; the statements before it are kept

        """)
    #expect(h.eventCount == 1)
  }

  @Test func columnsFillDownThenAcross() {
    #expect(REPL.columns(["a", "bb", "c", "d", "e"], width: 9) == ["a   d", "bb  e", "c"])
    #expect(REPL.columns(["one", "two"], width: 80) == ["one  two"])
    #expect(REPL.columns(["a-very-long-word", "b"], width: 5) == ["a-very-long-word", "b"])
    #expect(REPL.columns([], width: 80).isEmpty)
  }
}
