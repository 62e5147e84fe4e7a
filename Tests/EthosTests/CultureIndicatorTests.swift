import EthosEngine
import EthosJSON
import Foundation
import Testing
import TestSupport

/// One hand-worked script per indicator of SPEC §5 and per status band,
/// with the exact value the formula gives.
@Suite struct CultureIndicatorTests {
  /// What each case expects: a value (`nil`: null) and a status (`nil`: null).
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var script: String
    var value: Double?
    var status: String?
    var testDescription: String { name }
  }

  static let prelude = """
    clock 2021-01-04T08:00
    hire boss "Boss" dept=ops level=leader facing=no
    hire ana "Ana" dept=desk
    hire ben "Ben" dept=desk
    customer c1 "C1"
    customer c2 "C2"
    customer c3 "C3"
    customer c4 "C4"
    customer c5 "C5"
    customer c6 "C6"
    """

  /// Runs `prelude` + `script`, refusing any error, and reads one indicator.
  static func indicator(_ name: String, after script: String, query: String = "culture") throws -> (value: JSON?, status: JSON?) {
    let h = try Harness()
    h.script(prelude + "\n" + script)
    #expect(h.console.errLines.isEmpty, Comment(rawValue: h.console.errLines.joined(separator: "\n")))
    let document = try h.json(query)
    let indicator = document["indicators"]?[name]
    return (indicator?["value"], indicator?["status"])
  }

  static func check(_ name: String, _ c: Case) throws {
    let (value, status) = try indicator(name, after: c.script)
    if let expected = c.value {
      #expect(value?.number == expected, "\(name) value")
    } else {
      #expect(value == .null, "\(name) value should be null")
    }
    #expect(status == c.status.map(JSON.string) ?? .null, "\(name) status")
  }

  /// `n` lines of `line` with `{i}` replaced by 1…n.
  static func lines(_ n: Int, _ line: String) -> String {
    (1...n).map { line.replacingOccurrences(of: "{i}", with: String($0)) }.joined(separator: "\n")
  }

  // MARK: matrix-based

  @Test(arguments: [
    Case(name: "no interactions: null", script: "", value: nil, status: nil),
    Case(name: "equal cells: 0", script: "log ana with c1 outcome=+1\nlog ana with ben outcome=+1", value: 0, status: "good"),
    Case(
      name: "0.25 is good",
      script: "log ana with c1 outcome=+1\n" + lines(3, "log ana with ben outcome=+1") + "\nlog ana with ben outcome=0",
      value: 0.25, status: "good"),
    Case(
      name: "0.75 is watch",
      script: "log ana with c1 outcome=+1\nlog ana with ben outcome=+1\n" + lines(3, "log ana with ben outcome=0"),
      value: 0.75, status: "watch"),
    Case(name: "1 is poor", script: "log ana with c1 outcome=+2\nlog ana with ben outcome=+1", value: 1, status: "poor"),
  ])
  func balance(_ c: Case) throws { try Self.check("balance", c) }

  @Test(arguments: [
    Case(name: "staff only: null", script: "log ana with ben outcome=+1", value: nil, status: nil),
    Case(
      name: "2 of 5 is good",
      script: lines(2, "log ana with c{i} mode=relationship") + "\n" + lines(3, "log ana with c{i}")
        + "\nlog ana with ben mode=relationship",
      value: 0.4, status: "good"),
    Case(
      name: "1 of 5 is watch", script: "log ana with c1 mode=relationship\n" + lines(4, "log ana with c{i}"),
      value: 0.2, status: "watch"),
    Case(name: "0 of 2 is poor", script: lines(2, "log ana with c{i}"), value: 0, status: "poor"),
  ])
  func relationshipShare(_ c: Case) throws { try Self.check("relationshipShare", c) }

  // MARK: promises

  @Test(arguments: [
    Case(name: "open, not yet due: null", script: "promise p1 by ana to c1 due=+1d", value: nil, status: nil),
    Case(
      name: "9 kept, 1 broken is good",
      script: lines(10, "promise p{i} by ana to c1 due=+1d") + "\n" + lines(9, "keep p{i}") + "\nbreak p10",
      value: 0.9, status: "good"),
    Case(
      name: "3 kept, 1 broken is watch",
      script: lines(4, "promise p{i} by ana to c1 due=+1d") + "\n" + lines(3, "keep p{i}") + "\nbreak p4",
      value: 0.75, status: "watch"),
    Case(
      name: "1 kept, 1 overdue is poor (due=+1d from the promise)",
      script: "promise p1 by ana to c1 due=+1d\npromise p2 by ana to c2 due=+1d\nkeep p1\nclock +1d\nclock +1m\ncustomer c9 \"C9\"",
      value: 0.5, status: "poor"),
    Case(
      name: "due exactly at asOf.time is not overdue",
      script: "promise p1 by ana to c1 due=+1d\npromise p2 by ana to c2 due=+1d\nkeep p1\nclock +1d\ncustomer c9 \"C9\"",
      value: 1, status: "good"),
  ])
  func promiseKeptRate(_ c: Case) throws { try Self.check("promiseKeptRate", c) }

  @Test func promiseOverdueIsMeasuredAgainstAsOfTime() throws {
    // The last event is at 08:00 on the 4th; `as of T` measures at T itself.
    let (value, status) = try Self.indicator(
      "promiseKeptRate", after: "promise p1 by ana to c1 due=+1d", query: "as of 2021-01-06 culture")
    #expect(value?.number == 0)
    #expect(status == "poor")
  }

  // MARK: scores

  @Test(arguments: [
    Case(name: "no feedback: null", script: "", value: nil, status: nil),
    Case(
      name: "4 promoters, 1 detractor of 10 is 30 (good)",
      script: lines(4, "feedback c1 score=9") + "\nfeedback c2 score=6\n" + lines(5, "feedback c3 score=8"),
      value: 30, status: "good"),
    Case(name: "1 and 1 is 0 (watch)", script: "feedback c1 score=10\nfeedback c2 score=0", value: 0, status: "watch"),
    Case(name: "a detractor is -100 (poor)", script: "feedback c1 score=3", value: -100, status: "poor"),
    Case(
      name: "1 decimal", script: "feedback c1 score=9\nfeedback c2 score=7\nfeedback c3 score=8", value: 33.3,
      status: "good"),
  ])
  func nps(_ c: Case) throws { try Self.check("nps", c) }

  @Test(arguments: [
    Case(name: "no pulse: null", script: "", value: nil, status: nil),
    Case(
      name: "1 promoter of 5 is 20 (good)", script: "pulse ana score=9\n" + lines(4, "pulse ben score=7"), value: 20,
      status: "good"),
    Case(name: "0 is watch", script: "pulse ana score=8", value: 0, status: "watch"),
    Case(
      name: "-33.3 is poor", script: "pulse ana score=6\npulse ben score=7\npulse boss score=8", value: -33.3,
      status: "poor"),
  ])
  func enps(_ c: Case) throws { try Self.check("enps", c) }

  @Test(arguments: [
    Case(name: "no feedback: null", script: "log ana with c1 outcome=+2", value: nil, status: nil),
    Case(name: "no customer interaction: null", script: "feedback c1 score=9", value: nil, status: nil),
    Case(name: "10 - 9 = 1 (good)", script: "log ana with c1 outcome=+2\nfeedback c1 score=9", value: 1, status: "good"),
    Case(
      name: "10 - 7.5 = 2.5 (watch)", script: "log ana with c1 outcome=+2\nfeedback c1 score=7\nfeedback c2 score=8",
      value: 2.5, status: "watch"),
    Case(
      name: "(0.5+2)*2.5 - 3 = 3.25 (poor)",
      script: "log ana with c1 outcome=+1\nlog ana with c2 outcome=0\nfeedback c1 score=3", value: 3.25, status: "poor"),
    Case(
      name: "staff interactions do not count; negative gaps are good",
      script: "log ana with c1 outcome=-2\nlog ana with ben outcome=+2\nfeedback c1 score=4", value: -4, status: "good"),
  ])
  func perceptionGap(_ c: Case) throws { try Self.check("perceptionGap", c) }

  // MARK: customers

  @Test(arguments: [
    Case(name: "no one lost: null", script: "complain c1", value: nil, status: nil),
    Case(name: "1 silent of 2 is good", script: "complain c1\nlose c1\nlose c2", value: 0.5, status: "good"),
    Case(
      name: "4 silent of 5 is watch", script: "complain c5\n" + lines(5, "lose c{i}"), value: 0.8, status: "watch"),
    Case(name: "1 silent of 1 is poor", script: "lose c1", value: 1, status: "poor"),
    Case(
      name: "a complaint after the loss still counts", script: "lose c1\ncomplain c1\nlose c2\ncomplain c2",
      value: 0, status: "good"),
  ])
  func silentChurnShare(_ c: Case) throws { try Self.check("silentChurnShare", c) }

  @Test(arguments: [
    Case(name: "no complaints: null", script: "feedback c1 score=2\nlose c2", value: nil, status: nil),
    Case(name: "1 problem per complainer is 1", script: "complain c1", value: 1, status: "good"),
    Case(
      name: "low feedback makes 2 (good)", script: "complain c1\nfeedback c2 score=6\nfeedback c3 score=7",
      value: 2, status: "good"),
    Case(
      name: "feedback, negative interaction, loss: 5 (watch)",
      script: "complain c1\nfeedback c2 score=6\nlog ana with c3 outcome=-1\nlose c4\nlog ben with c5 outcome=-2",
      value: 5, status: "watch"),
    Case(
      name: "6 is poor", script: "complain c1\n" + (2...6).map { "lose c\($0)" }.joined(separator: "\n"), value: 6,
      status: "poor"),
    Case(
      name: "a customer with several problems counts once",
      script: "complain c1\ncomplain c1\nfeedback c1 score=0\nlog ana with c1 outcome=-2\nlose c1", value: 1,
      status: "good"),
  ])
  func complaintMultiplier(_ c: Case) throws { try Self.check("complaintMultiplier", c) }

  @Test(arguments: [
    Case(name: "an item younger than 48h: null", script: "complain c1\nclock +47h\ncustomer c9 \"C9\"", value: nil, status: nil),
    Case(name: "closed at exactly 48h is in time", script: "complain c1\nclock +48h\nfollow-up c1 by ana", value: 1, status: "good"),
    Case(name: "closed at 48h01 is late", script: "complain c1\nclock +48h\nclock +1m\nfollow-up c1 by ana", value: 0, status: "poor"),
    Case(
      name: "9 in time, 1 open for more than 48h is 0.9 (good)",
      script: lines(6, "complain c{i}") + "\n" + lines(4, "feedback c{i} score=5")
        + "\nfeedback c6 score=7\nclock +1h\n" + lines(5, "follow-up c{i} by ana") + "\nclock +49h\ncustomer c9 \"C9\"",
      value: 0.9, status: "good"),
    Case(
      name: "3 in time, 2 late is 0.6 (watch)",
      script: lines(5, "complain c{i}") + "\n" + lines(3, "follow-up c{i} by ben") + "\nclock +3d\nfollow-up c4 by ben\nfollow-up c5 by ben",
      value: 0.6, status: "watch"),
    Case(
      name: "a follow-up with nothing open changes nothing", script: "follow-up c1 by ana\ncomplain c2\nfollow-up c2 by ana",
      value: 1, status: "good"),
  ])
  func followUpRate(_ c: Case) throws { try Self.check("followUpRate", c) }

  // MARK: people

  @Test(arguments: [
    Case(
      name: "3 of 20 is good", script: lines(17, "hire x{i} \"X\"") + "\n" + lines(3, "depart x{i}"), value: 0.15,
      status: "good"),
    Case(
      name: "3 of 10 is watch", script: lines(7, "hire x{i} \"X\"") + "\n" + lines(3, "depart x{i}"), value: 0.3,
      status: "watch"),
    Case(name: "1 of 3 is poor", script: "depart ben", value: 0.333, status: "poor"),
  ])
  func turnover(_ c: Case) throws { try Self.check("turnover", c) }

  @Test func turnoverIsNullWithNoHires() throws {
    let h = try Harness()
    let document = try h.json("culture")
    #expect(document["indicators"]?["turnover"]?["value"] == .null)
    #expect(document["asOf"] == ["seq": 0, "time": nil])
    #expect(document["verdict"] == "unknown")
  }

  @Test(arguments: [
    Case(name: "every department is good", script: "champion boss\nchampion ana", value: 1, status: "good"),
    Case(name: "1 of 2 is watch", script: "champion ana", value: 0.5, status: "watch"),
    Case(name: "0 of 2 is poor", script: "", value: 0, status: "poor"),
    Case(
      name: "a departed champion no longer covers; an emptied department no longer counts",
      script: "champion ana\nchampion boss\ndepart ana\ndepart boss", value: 0, status: "poor"),
    Case(name: "stood down", script: "champion ana\nchampion boss\nunchampion ana", value: 0.5, status: "watch"),
  ])
  func championCoverage(_ c: Case) throws { try Self.check("championCoverage", c) }

  @Test(arguments: [
    Case(name: "no lead: null", script: "", value: nil, status: nil),
    Case(name: "14 days is good", script: "lead boss review\nclock +14d\ncustomer c9 \"C9\"", value: 14, status: "good"),
    Case(name: "45 days is watch", script: "lead boss review\nclock +45d\ncustomer c9 \"C9\"", value: 45, status: "watch"),
    Case(
      name: "45 days 1 hour is poor", script: "lead boss review\nclock +45d\nclock +1h\ncustomer c9 \"C9\"", value: 45.042,
      status: "poor"),
  ])
  func leadershipRecency(_ c: Case) throws { try Self.check("leadershipRecency", c) }

  @Test func leadershipRecencyIsNeverTheWallClock() throws {
    let h = try Harness()
    h.script(Self.prelude + "\nlead boss model\nclock +2d\ncustomer c9 \"C9\"")
    // The harness wall clock is months later; the answer depends on the log only.
    #expect(try h.json("culture")["indicators"]?["leadershipRecency"]?["value"]?.number == 2)
    #expect(try h.json("as of @10 culture")["indicators"]?["leadershipRecency"]?["value"]?.number == 0)
    #expect(try h.json("as of 2021-01-05T08:00 culture")["indicators"]?["leadershipRecency"]?["value"]?.number == 1)
    #expect(try h.json("as of 2021-01-05T08:00 culture")["asOf"] == ["seq": 10, "time": "2021-01-05T08:00:00Z"])
  }

  @Test(arguments: [
    Case(name: "neither: null", script: "", value: nil, status: nil),
    Case(name: "walk only is 0", script: "lead boss model", value: 0, status: "good"),
    Case(name: "1 say, 1 lead is good", script: "say boss \"hi\"\nlead boss model", value: 1, status: "good"),
    Case(
      name: "2 says, 1 training is watch", script: "say boss \"a\"\nsay company \"b\"\ntrain ana topic=ownership", value: 2,
      status: "watch"),
    Case(
      name: "3 says, 2 done actions is 1.5 (watch)",
      script: "say boss \"a\"\nsay boss \"b\"\nsay boss \"c\"\ndeficiency d1 \"x\"\nplan a1 for d1 owner=ana due=+1d\nplan a2 for d1 owner=ana due=+1d\ndone a1\ndone a2",
      value: 1.5, status: "watch"),
    Case(name: "2 says and no walk divide by 1", script: "say boss \"a\"\nsay boss \"b\"", value: 2, status: "watch"),
    Case(
      name: "3 says and no walk is poor", script: "say boss \"a\"\nsay boss \"b\"\nsay boss \"c\"", value: 3,
      status: "poor"),
  ])
  func talkWalkRatio(_ c: Case) throws { try Self.check("talkWalkRatio", c) }

  @Test(arguments: [
    Case(name: "nothing said is 0", script: "", value: 0, status: "good"),
    Case(name: "no tactic word", script: "say boss \"We serve, refocused on people\"", value: 0, status: "good"),
    Case(name: "one", script: "say boss \"Our FOCUS this quarter\" to=internal", value: 1, status: "watch"),
    Case(
      name: "two, plural and punctuated", script: "say boss \"New initiatives!\"\nsay company \"campaign-driven\"",
      value: 2, status: "poor"),
  ])
  func tacticLanguage(_ c: Case) throws { try Self.check("tacticLanguage", c) }

  @Test(arguments: [
    Case(name: "none", script: "hire back \"B\" facing=no skills=1", value: 0, status: "good"),
    Case(name: "one weak facing hire", script: "hire x \"X\" skills=2", value: 1, status: "watch"),
    Case(name: "two", script: "hire x \"X\" skills=2\nhire y \"Y\" skills=1", value: 2, status: "poor"),
    Case(name: "departed ones do not count", script: "hire x \"X\" skills=2\ndepart x", value: 0, status: "good"),
  ])
  func hiringFit(_ c: Case) throws { try Self.check("hiringFit", c) }

  @Test(arguments: [
    Case(name: "4 of 5 is good", script: lines(3, "hire x{i} \"X\"") + "\ntrain ana,ben,x1 topic=ownership\ntrain x2 topic=other", value: 0.8, status: "good"),
    Case(name: "1 of 2 is watch", script: "train ana topic=follow-up\ntrain boss topic=other", value: 0.5, status: "watch"),
    Case(name: "0 of 2 is poor", script: "", value: 0, status: "poor"),
  ])
  func trainingCoverage(_ c: Case) throws { try Self.check("trainingCoverage", c) }

  @Test func trainingCoverageIsNullWithoutFacingEmployees() throws {
    let h = try Harness()
    h.script("clock 2021-01-04\nhire back \"B\" facing=no")
    let indicator = try h.json("culture")["indicators"]?["trainingCoverage"]
    #expect(indicator == ["value": nil, "status": nil])
  }

  @Test(arguments: [
    Case(name: "two employees: null", script: "log ana with ben outcome=+1\nlog ben with ana outcome=+1\nlog ana with c1\nlog ben with c1", value: nil, status: nil),
    Case(
      name: "perfectly linked",
      script: """
        hire cy "Cy"
        log boss with ana outcome=+2
        log boss with ben outcome=0
        log boss with cy outcome=-2
        log ana with c1 outcome=+2
        log ben with c1 outcome=+1
        log cy with c1 outcome=0
        """,
      value: 1, status: nil),
    Case(
      name: "partly inverse",
      script: """
        hire cy "Cy"
        log boss with ana outcome=+2
        log boss with ben outcome=+1
        log boss with cy outcome=-1
        log ana with c1 outcome=-1
        log ben with c1 outcome=+2
        log cy with c1 outcome=+1
        """,
      value: -0.5, status: nil),
  ])
  func happyLink(_ c: Case) throws { try Self.check("happyLink", c) }

  // MARK: verdict

  @Test func verdictUnknownUnder20Interactions() throws {
    let h = try Harness()
    h.script(Self.prelude + "\n" + Self.lines(19, "log ana with c1 outcome=+1"))
    let document = try h.json("culture")
    #expect(document["verdict"] == "unknown")
    #expect(document["reasons"] == ["19 interactions logged — a verdict needs at least 20"])
  }

  @Test func verdictStrategyWhenTheFourRulesAreGood() throws {
    let h = try Harness()
    h.script(Self.prelude + "\nchampion boss\nchampion ana\nlead boss frontline\n" + Self.lines(20, "log ana with c1 outcome=+1"))
    let document = try h.json("culture")
    #expect(document["verdict"] == "strategy")
    #expect(
      document["reasons"] == [
        "balance 0.0 is good (≤0.25)", "leadershipRecency 0.0 is good (≤14)", "championCoverage 1.0 is good (≥1)",
        "tacticLanguage 0 is good (≤0)",
      ])
  }

  @Test func verdictTacticListsTheRulesThatFailed() throws {
    let h = try Harness()
    h.script(
      Self.prelude + "\nchampion ana\nsay boss \"our service initiative\"\n" + Self.lines(10, "log ana with c1 outcome=+2")
        + "\n" + Self.lines(10, "log ana with ben outcome=0"))
    let document = try h.json("culture")
    #expect(document["verdict"] == "tactic")
    #expect(
      document["reasons"] == [
        "balance 2.0 is poor (good is ≤0.25)", "leadershipRecency has no data (good is ≤14)",
        "championCoverage 0.5 is watch (good is ≥1)", "tacticLanguage 1 is watch (good is ≤0)",
      ])
  }

  @Test func retractedObservationsAreIgnored() throws {
    let h = try Harness()
    h.script(Self.prelude + "\nfeedback c1 score=0\nfeedback c2 score=10")
    #expect(try h.json("culture")["indicators"]?["nps"]?["value"]?.number == 0)
    h.script("retract @10 \"entered for the wrong customer\"")
    #expect(try h.json("culture")["indicators"]?["nps"]?["value"]?.number == 100)
    // Before the retraction it counted; from the retraction on it does not.
    #expect(try h.json("as of @11 culture")["indicators"]?["nps"]?["value"]?.number == 0)
    #expect(try h.json("as of @12 culture")["indicators"]?["nps"]?["value"]?.number == 100)
  }
}
