import EthosEngine
import EthosLanguage
import Foundation
import TestSupport
import Testing

/// A line the parser refuses: the exact message, and where it points.
struct DiagnosticCase: Sendable, CustomTestStringConvertible {
  let line: String
  let message: String
  /// The 1-based column the diagnostic names: the first character of the
  /// `at`-th occurrence of `marker` in the line, or the end of the line when `nil`.
  let column: Int

  init(_ line: String, _ message: String, at marker: String? = nil, occurrence: Int = 1) {
    self.line = line
    self.message = message
    guard let marker else {
      column = line.count + 1
      return
    }
    var seen = 0
    var found = 0
    let chars = Array(line)
    let needle = Array(marker)
    for start in 0...(chars.count - needle.count) where Array(chars[start..<start + needle.count]) == needle {
      seen += 1
      if seen == occurrence {
        found = start + 1
        break
      }
    }
    column = found
  }

  var testDescription: String { line }
}

/// Parser and tokenizer diagnostics (SPEC §3): each pinned to its exact text
/// and column; through a session each is one `error:` line and appends nothing.
@Suite struct ParserDiagnosticsTests {
  static let cases: [DiagnosticCase] = [
    // unknown statements
    DiagnosticCase("hier ana \"Ana\"", "unknown statement 'hier' — did you mean 'hire'?", at: "hier"),
    DiagnosticCase("mtarix", "unknown statement 'mtarix' — did you mean 'matrix'?", at: "mtarix"),
    DiagnosticCase("frobnicate now", "unknown statement 'frobnicate' — type 'help' for the list", at: "frobnicate"),
    DiagnosticCase(
      "\"hire\" ana", "a statement starts with a word such as 'log' or 'matrix' — see 'help'", at: "\"hire\""),
    DiagnosticCase(
      "mode=relationship", "a statement starts with a word such as 'log' or 'matrix' — see 'help'", at: "mode"),
    DiagnosticCase("stress start s1", "expected 'stress begin' or 'stress end' (got 'start')", at: "start"),
    DiagnosticCase("stress", "expected 'stress begin' or 'stress end'"),
    DiagnosticCase("team joins ben", "expected 'team join' or 'team leave' (got 'joins')", at: "joins"),
    // unknown and repeated options
    DiagnosticCase(
      "hire zoe \"Zoe\" levle=leader", "unknown option 'levle' for hire — did you mean 'level'?", at: "levle"),
    DiagnosticCase(
      "pulse ben score=7 mood=ok", "unknown option 'mood' for pulse — pulse takes dept=, score=", at: "mood"),
    DiagnosticCase(
      "release linens kind=vendor", "release takes no options (got 'kind=') — usage: release PARTNER", at: "kind"),
    DiagnosticCase(
      "log ben with acme mode=relationship mode=transaction", "option 'mode' is given twice — keep one", at: "mode",
      occurrence: 2),
    // closed word lists
    DiagnosticCase("hire zoe \"Zoe\" level=boss", "level= must be staff, manager or leader (got 'boss')", at: "level"),
    DiagnosticCase(
      "hire zoe \"Zoe\" level=leeder",
      "level= must be staff, manager or leader (got 'leeder') — did you mean 'leader'?",
      at: "level"),
    DiagnosticCase("hire zoe \"Zoe\" facing=maybe", "facing= must be yes or no (got 'maybe')", at: "facing"),
    DiagnosticCase(
      "log ben with acme mode=relation", "mode= must be relationship or transaction (got 'relation')", at: "mode"),
    DiagnosticCase(
      "log ben with acme channel=fax", "channel= must be phone, email, chat, in-person or other (got 'fax')",
      at: "channel"),
    DiagnosticCase(
      "log ben with acme did=courteous,rude",
      "each did= item must be answered-on-spot, followed-up, took-ownership, strategic-question, courteous or "
        + "resolved-positively (got 'rude')", at: "did"),
    DiagnosticCase(
      "log ben with acme did=courtious",
      "each did= item must be answered-on-spot, followed-up, took-ownership, strategic-question, courteous or "
        + "resolved-positively (got 'courtious') — did you mean 'courteous'?", at: "did"),
    DiagnosticCase(
      "lead ana shout", "an activity must be communicate, model, recognize, review or frontline (got 'shout')",
      at: "shout"),
    DiagnosticCase(
      "train ana topic=sales",
      "topic= must be phone-courtesy, follow-up, ownership, problem-resolution or other (got 'sales')", at: "topic"),
    DiagnosticCase(
      "stress begin s1 kind=flood",
      "kind= must be weather, staffing, resources, volume, systems, difficult-customer, shareholder, personal or "
        + "other (got 'flood')", at: "kind"),
    DiagnosticCase(
      "complain acme level=ceo", "level= must be frontline, manager or head-office (got 'ceo')", at: "level"),
    DiagnosticCase(
      "depart ben reason=fired", "reason= must be resigned, dismissed, retired or other (got 'fired')", at: "reason"),
    DiagnosticCase("say company \"Hi\" to=everyone", "to= must be internal or external (got 'everyone')", at: "to="),
    DiagnosticCase(
      "engage x \"X\" kind=supplier", "kind= must be vendor or subcontractor (got 'supplier')", at: "kind"),
    DiagnosticCase("set format xml", "a format must be table, json or csv (got 'xml')", at: "xml"),
    // numbers out of range
    DiagnosticCase(
      "log ben with acme outcome=3", "outcome= must be a whole number from -2 to 2 (got '3')", at: "outcome"),
    DiagnosticCase(
      "log ben with acme outcome=-3", "outcome= must be a whole number from -2 to 2 (got '-3')", at: "outcome"),
    DiagnosticCase(
      "log ben with acme outcome=1.5", "outcome= must be a whole number from -2 to 2 (got '1.5')", at: "outcome"),
    DiagnosticCase(
      "log ben with acme outcome=++1", "outcome= must be a whole number from -2 to 2 (got '++1')", at: "outcome"),
    DiagnosticCase("feedback acme score=11", "score= must be a whole number from 0 to 10 (got '11')", at: "score"),
    DiagnosticCase("pulse ben score=-1", "score= must be a whole number from 0 to 10 (got '-1')", at: "score"),
    DiagnosticCase(
      "hire zoe \"Zoe\" orientation=0", "orientation= must be a whole number from 1 to 5 (got '0')", at: "orientation"),
    DiagnosticCase(
      "hire zoe \"Zoe\" skills=six", "skills= must be a whole number from 1 to 5 (got 'six')", at: "skills"),
    DiagnosticCase(
      "stress begin s1 kind=weather severity=4", "severity= must be a whole number from 1 to 3 (got '4')",
      at: "severity"),
    DiagnosticCase(
      "log ben with acme outcome=99999999999999999999999",
      "outcome= must be a whole number from -2 to 2 (got '99999999999999999999999')", at: "outcome"),
    // ids
    DiagnosticCase(
      "hire Ana \"Ana\"",
      "'Ana' is not a valid id (expected an employee id): use lowercase letters, digits, '.', '_' or '-', starting "
        + "with a letter or digit — did you mean 'ana'?", at: "Ana"),
    DiagnosticCase(
      "hire -ana \"Ana\"",
      "'-ana' is not a valid id (expected an employee id): use lowercase letters, digits, '.', '_' or '-', starting "
        + "with a letter or digit", at: "-ana"),
    DiagnosticCase(
      "customer c/1 \"C\"",
      "'c/1' is not a valid id (expected a customer id): use lowercase letters, digits, '.', '_' or '-', starting "
        + "with a letter or digit", at: "c/1"),
    DiagnosticCase(
      "train ana,,ben topic=other", "empty id in the list 'ana,,ben' — separate the ids with single commas", at: "ana"),
    DiagnosticCase(
      "train ana, topic=other", "empty id in the list 'ana,' — separate the ids with single commas", at: "ana"),
    DiagnosticCase(
      "hire zoe \"Zoe\" dept=Front",
      "'Front' is not a valid id (expected a department): use lowercase letters, digits, '.', '_' or '-', starting "
        + "with a letter or digit — did you mean 'front'?", at: "dept"),
    DiagnosticCase(
      "stress begin s1 kind=weather scope=dept:Sales",
      "'Sales' is not a valid id (expected a department): use lowercase letters, digits, '.', '_' or '-', starting "
        + "with a letter or digit — did you mean 'sales'?", at: "scope"),
    // quoting
    DiagnosticCase("hire zoe \"Zoe", "unterminated quote — add the closing \"", at: "\""),
    DiagnosticCase("say company \"ends with a backslash\\", "unterminated quote — add the closing \"", at: "\""),
    DiagnosticCase(
      "say company \"50\\% off\"", "unknown escape '\\%' — inside quotes only \\\" and \\\\ are escapes", at: "\\"),
    DiagnosticCase("hire zoe \"Zoe\"x", "expected a space after the closing quote", at: "x"),
    DiagnosticCase("hire zoe Zo\"e\"", "unexpected quote inside a word — put a space before the quoted text", at: "\""),
    DiagnosticCase("hire zoe \"\"", "empty text — write something between the quotes", at: "\"\""),
    // shape of the statement
    DiagnosticCase(
      "engage x \"X\"",
      "engage needs kind= (vendor or subcontractor) — usage: engage ID \"NAME\" kind=vendor|subcontractor"),
    DiagnosticCase("pulse ben", "pulse needs score= (0-10) — usage: pulse dept=D score=0-10 (or pulse EMP score=0-10)"),
    DiagnosticCase(
      "customer c1", "customer needs the customer's name in quotes — usage: customer ID \"NAME\" [segment=S] [key=K]"),
    DiagnosticCase(
      "depart", "depart needs an employee id — usage: depart EMP [reason=resigned|dismissed|retired|other]"),
    DiagnosticCase(
      "depart ben now", "unexpected 'now' — usage: depart EMP [reason=resigned|dismissed|retired|other]", at: "now"),
    DiagnosticCase(
      "lose acme unhappy", "unexpected 'unhappy' — a note goes in quotes; usage: lose CUST [\"reason\"]", at: "unhappy"),
    DiagnosticCase(
      "follow-up acme with ben", "expected 'by' here, got 'with' — usage: follow-up CUST by EMP [\"note\"]", at: "with"),
    DiagnosticCase(
      "promise p1 by ben to acme due=tomorrow",
      "due= must be a time (YYYY-MM-DD[THH:MM[:SS]]) or +DURATION such as +2d (got 'tomorrow')", at: "due"),
    DiagnosticCase(
      "promise p1 by ben to acme due=2021-02-30",
      "due= must be a time (YYYY-MM-DD[THH:MM[:SS]]) or +DURATION such as +2d (got '2021-02-30')", at: "due"),
    DiagnosticCase(
      "stress begin s1 kind=weather scope=everyone", "scope= must be org, dept:D or employee:EMP (got 'everyone')",
      at: "scope"),
    DiagnosticCase("show @0", "'@0' is not an event — write @N with N ≥ 1, e.g. @42", at: "@0"),
    DiagnosticCase("show 12", "'12' is not an event — write @N with N ≥ 1, e.g. @42", at: "12"),
    DiagnosticCase("retract @x \"typo\"", "'@x' is not an event — write @N with N ≥ 1, e.g. @42", at: "@x"),
    DiagnosticCase(
      "clock yesterday",
      "'yesterday' is not a time — write YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], +DURATION (e.g. +90m) or live",
      at: "yesterday"),
    DiagnosticCase(
      "clock +5y", "'+5y' is not a time — write YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], +DURATION (e.g. +90m) or live",
      at: "+5y"),
    DiagnosticCase("history last=0", "last= must be a whole number ≥ 1 (got '0')", at: "last"),
  ]

  @Test(arguments: cases) func parserRefuses(_ c: DiagnosticCase) {
    #expect(throws: Diagnostic(c.message, column: c.column)) { _ = try Parser.parse(c.line) }
  }

  @Test(arguments: cases) func sessionPrintsOneErrorLine(_ c: DiagnosticCase) throws {
    let h = try Harness()
    h.script(DecideRulesTests.base.joined(separator: "\n"))
    let count = h.eventCount
    let state = h.session.state
    h.run(c.line)
    #expect(h.console.errLines == ["error: " + c.message])
    #expect(h.console.outLines.isEmpty)
    #expect(h.eventCount == count)
    #expect(h.session.state == state)
  }
}

/// In a script, an error the parser located names its column too:
/// `FILE:LINE:COLUMN: error: …`, as swiftc and clang write it; an error of
/// the rules (no column) stays `FILE:LINE:`.
@Suite struct ScriptColumnTests {
  @Test func scriptErrorsNameTheColumn() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let script =
      "clock 2021-01-04\nhire ana \"Ana\"\nlog ana wiht acme\nfeedback nobody score=11\nlog ana with nobody\n"
    try script.write(toFile: dir + "/s.ethos", atomically: true, encoding: .utf8)
    let result = try EthosProcess.run(["run", "s.ethos", "--store", ":memory:"], directory: dir)
    #expect(result.status == 1)
    let lines = result.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("s.ethos:3:9: error: expected 'with' here, got 'wiht'"))
    #expect(lines[1] == "s.ethos:4:17: error: score= must be a whole number from 0 to 10 (got '11')")
    #expect(lines[2].hasPrefix("s.ethos:5: error: unknown "))
  }
}
