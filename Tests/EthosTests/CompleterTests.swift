import EthosDomain
import EthosEngine
import EthosLanguage
import EthosREPL
import TestSupport
import Testing

/// Tab completion at every position the REPL completes, against one small log.
@Suite struct CompleterTests {
  /// ana (leader, team), andre, ben (champion), old (departed); acme, alba,
  /// gone (lost); linens; p1 open, p2 kept; storm open, rush ended; d1; a1
  /// open, a2 done: 22 events.
  static let state: State = {
    guard let h = try? Harness() else { return State() }
    h.script(
      """
      clock 2021-01-04T08:00
      hire ana "Ana" dept=front-desk level=leader
      hire andre "André" dept=housekeeping
      hire ben "Ben" dept=front-desk
      hire old "Old"
      depart old
      customer acme "Acme" segment=business
      customer alba "Alba" segment=leisure
      customer gone "Gone"
      lose gone
      engage linens "Linen Co" kind=vendor
      champion ben
      team join ana
      promise p1 by ana to acme due=+2d
      promise p2 by ben to acme due=+2d
      keep p2
      stress begin storm kind=weather
      stress begin rush kind=volume
      stress end rush
      deficiency d1 "slow check-in"
      plan a1 for d1 owner=ana due=+1w
      plan a2 for d1 owner=ana due=+1w
      done a2
      """)
    return h.session.state
  }()

  static let files: [String: [String]] = [
    "": ["scripts/", "notes.txt", ".hidden", "storm.ethos"],
    "scripts/": ["week.ethos", "workshop.ethos", "old/"],
  ]

  static let completer = Completer(state: state, branches: ["main", "storm-plan"]) { files[$0] ?? [] }

  static func complete(_ line: String) -> [String] { completer.complete(line).candidates }

  static let employees = ["ana", "andre", "ben"]

  // (line left of the cursor, expected candidates in order)
  static let cases: [(String, [String])] = [
    // statement words and sub-words
    ("lo", ["log", "lose"]),
    ("str", ["stress", "stresses"]),
    ("stress ", ["begin", "end"]),
    ("team ", ["join", "leave"]),
    ("as ", ["of"]),
    ("ex", ["exit", "expect"]),
    ("frobnicate ", []),
    // people
    ("hire zoe ", []),
    ("hire zoe \"Zoe\" ", ["dept=", "role=", "level=", "facing=", "orientation=", "skills=", "key="]),
    ("hire zoe \"Zoe\" level=", ["staff", "manager", "leader"]),
    ("hire zoe \"Zoe\" dept=", ["front-desk", "general", "housekeeping"]),
    ("hire zoe \"Zoe\" facing=y", ["yes"]),
    ("depart ", employees),
    ("depart ana reason=re", ["resigned", "retired"]),
    ("engage acme2 \"A\" kind=", ["vendor", "subcontractor"]),
    ("release ", ["linens"]),
    ("customer c9 \"C\" segment=", ["business", "leisure"]),
    ("lose ", ["acme", "alba"]),
    ("champion ", ["ana", "andre"]),
    ("unchampion ", ["ben"]),
    ("team join ", ["andre", "ben"]),
    ("team leave ", ["ana"]),
    ("lead ", ["ana"]),
    ("lead ana ", ["communicate", "model", "recognize", "review", "frontline"]),
    ("say ", ["ana", "andre", "ben", "company"]),
    ("say company \"x\" to=", ["internal", "external"]),
    ("train ", employees),
    ("train ana,", ["andre", "ben"]),
    ("train ana,b", ["ben"]),
    ("train ana topic=", ["phone-courtesy", "follow-up", "ownership", "problem-resolution", "other"]),
    // interactions
    ("log ", employees),
    ("log an", ["ana", "andre"]),
    ("log ana ", ["with"]),
    ("log ana with ", ["acme", "alba", "andre", "ben", "linens"]),
    ("log ana with acme ", ["mode=", "channel=", "outcome=", "did="]),
    ("log ana with acme mode=relationship ", ["channel=", "outcome=", "did="]),
    ("log ana with acme ch", ["channel="]),
    ("log ana with acme mode=", ["relationship", "transaction"]),
    ("log ana with acme channel=", ["phone", "email", "chat", "in-person", "other"]),
    ("log ana with acme outcome=", ["-2", "-1", "0", "+1", "+2"]),
    ("log ana with acme did=", Behaviour.allCases.map(\.rawValue)),
    (
      "log ana with acme did=courteous,",
      ["answered-on-spot", "followed-up", "took-ownership", "strategic-question", "resolved-positively"]
    ),
    ("log ana with acme did=courteous,f", ["followed-up"]),
    ("log ana with acme modee=", []),
    ("log ana with acme \"a note", []),
    ("log ana # a comment", []),
    ("promise p3 ", ["by"]),
    ("promise p3 by ", employees),
    ("promise p3 by ben ", ["to"]),
    ("promise p3 by ben to ", ["acme", "alba", "ana", "andre", "linens"]),
    ("promise p3 by ben to acme ", ["due="]),
    ("keep ", ["p1"]),
    ("break p", ["p1"]),
    // stress
    ("stress begin s2 ", ["kind=", "severity=", "scope="]),
    ("stress begin s2 kind=w", ["weather"]),
    ("stress begin s2 severity=", ["1", "2", "3"]),
    ("stress begin s2 scope=", ["org", "dept:", "employee:"]),
    ("stress begin s2 scope=dept:", ["dept:front-desk", "dept:general", "dept:housekeeping"]),
    ("stress begin s2 scope=employee:a", ["employee:ana", "employee:andre"]),
    ("stress end ", ["storm"]),
    // voice of the customer
    ("feedback ", ["acme", "alba", "gone"]),
    ("feedback acme ", ["score=", "about="]),
    ("feedback acme about=", ["ana", "andre", "ben", "old"]),
    ("feedback acme score=1", ["1", "10"]),
    ("complain acme level=", ["frontline", "manager", "head-office"]),
    ("follow-up acme ", ["by"]),
    ("follow-up acme by ", employees),
    ("pulse ", employees + ["dept=", "score="]),
    ("pulse ben ", ["dept=", "score="]),
    // plan
    ("deficiency d2 \"x\" area=pro", ["promiseKeptRate"]),
    ("deficiency d2 \"x\" area=m", ["matrix"]),
    ("plan a3 ", ["for"]),
    ("plan a3 for ", ["d1"]),
    ("plan a3 for d1 ", ["owner=", "due="]),
    ("plan a3 for d1 owner=", employees),
    ("done ", ["a1"]),
    ("clock ", ["live"]),
    // queries
    ("matrix ", ["dept=", "window="]),
    ("matrix dept=h", ["housekeeping"]),
    ("employees ", ["all"]),
    ("customers a", ["all"]),
    ("promises ", ["open", "overdue", "kept", "broken"]),
    ("stresses ", ["open"]),
    ("who a", ["a1", "a2", "acme", "alba", "ana", "andre"]),
    ("trend culture.indicators.np", ["culture.indicators.nps."]),
    ("trend culture.indicators.nps.", ["culture.indicators.nps.value", "culture.indicators.nps.status"]),
    ("trend matrix.cells.staff.stress.m", ["matrix.cells.staff.stress.mean"]),
    ("trend matrix.balance ", ["by="]),
    ("trend matrix.balance by=", ["day", "week", "month"]),
    // history & time travel
    ("as of @3 ma", ["matrix"]),
    ("as of @3 matrix dept=f", ["front-desk"]),
    ("as of @3 hi", ["history"]),
    ("as of @3 hire", []),
    ("history ", ["type=", "who=", "since=", "until=", "last="]),
    ("history type=Employee", ["EmployeeHired", "EmployeeDeparted"]),
    ("history who=li", ["linens"]),
    ("history since=@2", ["@22", "@21", "@20", "@2"]),
    ("show @1", ["@19", "@18", "@17", "@16", "@15", "@14", "@13", "@12", "@11", "@10", "@1"]),
    ("retract @", (3...22).reversed().map { "@\($0)" }),
    ("replay ", ["step", "from=", "to="]),
    ("replay from=@2", ["@22", "@21", "@20", "@2"]),
    ("diff @5 @2", ["@22", "@21", "@20", "@2"]),
    // scenarios
    ("branch b1 ", ["from="]),
    ("branch b1 from=@22", ["@22"]),
    ("switch ", ["main", "storm-plan"]),
    ("compare main ", ["main", "storm-plan"]),
    ("compare main storm-plan cu", ["culture", "customers"]),
    ("compare main storm-plan matrix dept=", ["front-desk", "general", "housekeeping"]),
    ("what-if champion ", ["ana", "andre"]),
    ("what-if stress ", ["begin", "end"]),
    ("what-if ma", []),
    ("what-if team ", ["join", "leave"]),
    // scripts & settings
    ("source ", ["notes.txt", "scripts/", "storm.ethos"]),
    ("source .", [".hidden"]),
    ("source scripts/w", ["scripts/week.ethos", "scripts/workshop.ethos"]),
    ("source scripts/", ["scripts/old/", "scripts/week.ethos", "scripts/workshop.ethos"]),
    ("expect culture.", ["culture.verdict", "culture.asOf.", "culture.indicators."]),
    ("expect champions.count ", ExpectOperator.allCases.map(\.rawValue)),
    ("set ", ["format", "bail", "echo", "expanded", "pager", "timing"]),
    ("set format ", ["table", "json", "csv"]),
    ("set bail ", ["on", "off"]),
    ("set echo o", ["on", "off"]),
    ("help st", ["stress", "stresses"]),
    ("help stress ", ["begin", "end"]),
    ("help lo", ["log", "lose"]),
    ("quit ", []),
  ]

  @Test(arguments: cases)
  func candidates(_ line: String, _ expected: [String]) {
    #expect(Self.complete(line) == expected, "completing '\(line)'")
  }

  @Test func emptyLineOffersEveryStatementWord() {
    let words = Self.complete("")
    #expect(words == StatementTable.firstWords.sorted())
    #expect(["as", "exit", "log", "quit", "stress", "team", "what-if"].allSatisfy(words.contains))
  }

  @Test func whatIfOffersOnlyWrites() {
    let words = Self.complete("what-if ")
    #expect(words.contains("champion") && words.contains("log") && words.contains("stress"))
    #expect(!words.contains("matrix") && !words.contains("clock") && !words.contains("as"))
  }

  @Test func asOfOffersOnlyQueries() {
    let words = Self.complete("as of @3 ")
    #expect(words.contains("matrix") && words.contains("plan") && words.contains("history") && words.contains("show"))
    #expect(words.contains("team"))
    #expect(!words.contains("log") && !words.contains("stress") && !words.contains("hire"))
  }

  @Test func seqsAreTheNewestTwentyAtMost() {
    #expect(Self.state.headSeq == 22)
    #expect(Self.complete("show ").count == Completer.seqLimit)
    #expect(Self.complete("show ").first == "@22")
    #expect(Completer(state: State()).complete("show @").candidates.isEmpty)
  }

  // (line, what Tab inserts at the cursor)
  static let insertions: [(String, String)] = [
    ("log ana with acme mode=rel", "ationship "),
    ("log ana with acme mo", "de="),
    ("log an", ""),
    ("lo", ""),
    ("stress b", "egin "),
    ("stress begin s2 scope=d", "ept:"),
    ("trend culture.indicators.np", "s."),
    ("source scripts/we", "ek.ethos "),
    ("source scr", "ipts/"),
    ("keep ", "p1 "),
    ("log ana with acme did=courteous,f", "ollowed-up"),  // a comma may follow: no space
    ("what-if cha", "mpion "),
    ("say ", ""),
    ("history type=Employee", ""),
    ("history type=EmployeeH", "ired "),
  ]

  @Test(arguments: insertions)
  func insertion(_ line: String, _ expected: String) {
    #expect(Self.completer.complete(line).insertion == expected, "completing '\(line)'")
  }

  @Test func severalCandidatesInsertWhatTheyShare() {
    let completion = Completion(fragment: "a", candidates: ["answered-on-spot", "another"])
    #expect(completion.insertion == "n")
  }
}
