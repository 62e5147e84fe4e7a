import EthosDomain
import EthosEngine
import EthosJSON
import Foundation
import TestSupport
import Testing

/// Scorecard version 2 (SPEC §5): one hand-worked script per indicator and
/// per status boundary, with the exact value the formula gives, the sample
/// `n` it rests on, and the `null` cases (no data; below the minimum sample).
@Suite struct CultureIndicatorTests {
  /// What a case expects: a value (`nil`: null), the sample and a status (`nil`: null).
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var script: String
    var value: Double?
    var n: Int
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

  /// Runs `prelude` + `script`, refusing any error, and returns a query's document.
  static func document(after script: String, query: String = "culture") throws -> JSON {
    let h = try Harness()
    h.script(prelude + "\n" + script)
    #expect(h.console.errLines.isEmpty, Comment(rawValue: h.console.errLines.joined(separator: "\n")))
    return try h.json(query)
  }

  static func check(_ name: String, _ c: Case) throws {
    let indicator = try document(after: c.script)["indicators"]?[name]
    if let expected = c.value {
      #expect(indicator?["value"]?.number == expected, "\(name) value")
    } else {
      #expect(indicator?["value"] == .null, "\(name) value should be null")
    }
    #expect(indicator?["n"] == .int(c.n), "\(name) n")
    #expect(indicator?["status"] == c.status.map(JSON.string) ?? .null, "\(name) status")
  }

  /// `n` lines of `line` with `{i}` replaced by 1…n.
  static func lines(_ n: Int, _ line: String) -> String {
    n == 0 ? "" : (1...n).map { line.replacingOccurrences(of: "{i}", with: String($0)) }.joined(separator: "\n")
  }

  /// Interactions filling the four boxes with the given outcomes: customers
  /// (ana with c1) and staff (ana with ben), on a normal day and inside a
  /// stress window.
  static func cells(_ customersNormal: [Int], _ customersStress: [Int], _ staffNormal: [Int], _ staffStress: [Int])
    -> String
  {
    func logs(_ outcomes: [Int], _ party: String) -> [String] {
      outcomes.map { "log ana with \(party) outcome=\($0 > 0 ? "+" : "")\($0)" }
    }
    return
      (logs(customersNormal, "c1") + logs(staffNormal, "ben") + ["stress begin storm kind=weather"]
      + logs(customersStress, "c1") + logs(staffStress, "ben") + ["stress end storm"]).joined(separator: "\n")
  }

  // MARK: the matrix

  @Test(arguments: [
    Case(name: "no interactions: null", script: "", value: nil, n: 0, status: nil),
    Case(
      name: "an empty box: shown, not judged", script: cells(five(1), five(1), five(1), []), value: 0, n: 0,
      status: nil),
    Case(
      name: "4 in the smallest box: not judged", script: cells(five(1), five(1), five(1), [1, 1, 1, 0]),
      value: 0.25, n: 4, status: nil),
    Case(
      name: "0.25 is good", script: cells(five(1), five(1), five(1), [1, 1, 1, 1, 1, 1, 0, 0]), value: 0.25, n: 5,
      status: "good"),
    Case(
      name: "0.75 is watch", script: cells(five(1), five(1), five(1), [1, 1, 0, 0, 0, 0, 0, 0]), value: 0.75, n: 5,
      status: "watch"),
    Case(name: "1 is poor", script: cells(five(1), five(1), five(1), five(0)), value: 1, n: 5, status: "poor"),
    Case(
      name: "all -2 is 0, good", script: cells(five(-2), five(-2), five(-2), five(-2)), value: 0, n: 5, status: "good"),
  ])
  func balance(_ c: Case) throws { try Self.check("balance", c) }

  @Test(arguments: [
    Case(name: "no box of 5: null", script: cells([1, 1, 1, 1], [], [], []), value: nil, n: 0, status: nil),
    Case(name: "thin boxes are passed over", script: cells(five(1), [-2], [], []), value: 1, n: 5, status: "good"),
    Case(name: "0.5 is good", script: cells([1, 1, 1, 0, 0, 0], [], [], []), value: 0.5, n: 6, status: "good"),
    Case(name: "0 is watch", script: cells([1, -1, 0, 0, 0], five(2), [], []), value: 0, n: 5, status: "watch"),
    Case(name: "-2 is poor", script: cells(five(-2), five(-2), five(-2), five(-2)), value: -2, n: 5, status: "poor"),
  ])
  func floor(_ c: Case) throws { try Self.check("floor", c) }

  @Test(arguments: [
    Case(name: "staff only: null", script: "log ana with ben mode=relationship", value: nil, n: 0, status: nil),
    Case(
      name: "2 of 5: shown, not judged",
      script: lines(2, "log ana with c{i} mode=relationship") + "\n" + lines(3, "log ana with c{i}"), value: 0.4, n: 5,
      status: nil),
    Case(
      name: "4 of 10 is good",
      script: lines(4, "log ana with c{i} mode=relationship") + "\n" + lines(6, "log ana with c1"), value: 0.4, n: 10,
      status: "good"),
    Case(
      name: "2 of 10 is watch",
      script: lines(2, "log ana with c{i} mode=relationship") + "\n" + lines(8, "log ana with c1"), value: 0.2, n: 10,
      status: "watch"),
    Case(
      name: "1 of 10 is poor", script: "log ana with c1 mode=relationship\n" + lines(9, "log ana with c1"), value: 0.1,
      n: 10, status: "poor"),
  ])
  func relationshipShare(_ c: Case) throws { try Self.check("relationshipShare", c) }

  // MARK: promises

  @Test(arguments: [
    Case(name: "open, not yet due: null", script: "promise p1 by ana to c1 due=+1d", value: nil, n: 0, status: nil),
    Case(
      name: "9 kept, 1 broken is good",
      script: lines(10, "promise p{i} by ana to c1 due=+1d") + "\n" + lines(9, "keep p{i}") + "\nbreak p10", value: 0.9,
      n: 10, status: "good"),
    Case(
      name: "6 kept, 2 broken is watch",
      script: lines(8, "promise p{i} by ana to c1 due=+1d") + "\n" + lines(6, "keep p{i}") + "\nbreak p7\nbreak p8",
      value: 0.75, n: 8, status: "watch"),
    Case(
      name: "3 kept, 1 broken: shown, not judged",
      script: lines(4, "promise p{i} by ana to c1 due=+1d") + "\n" + lines(3, "keep p{i}") + "\nbreak p4", value: 0.75,
      n: 4, status: nil),
    Case(
      name: "overdue counts as missed (due=+1d from the promise)",
      script: lines(5, "promise p{i} by ana to c1 due=+1d") + "\n" + lines(3, "keep p{i}") + "\nclock +1d\nclock +1m\n"
        + "customer c9 \"C9\"",
      value: 0.6, n: 5, status: "poor"),
  ])
  func promiseKeptRate(_ c: Case) throws { try Self.check("promiseKeptRate", c) }

  // MARK: the customers' voice

  @Test(arguments: [
    Case(name: "no feedback: null", script: "", value: nil, n: 0, status: nil),
    Case(
      name: "-100 from two answers is not judged", script: "feedback c1 score=0\nfeedback c2 score=3", value: -100,
      n: 2,
      status: nil),
    Case(
      name: "4 promoters, 1 detractor of 10 is 30 (good)",
      script: lines(4, "feedback c1 score=9") + "\nfeedback c2 score=6\n" + lines(5, "feedback c3 score=8"), value: 30,
      n: 10, status: "good"),
    Case(
      name: "1 and 1 of 10 is 0 (watch)",
      script: "feedback c1 score=10\nfeedback c2 score=0\n" + lines(8, "feedback c3 score=7"), value: 0, n: 10,
      status: "watch"),
    Case(
      name: "1 detractor of 10 is -10 (poor)", script: "feedback c1 score=3\n" + lines(9, "feedback c3 score=8"),
      value: -10, n: 10, status: "poor"),
  ])
  func nps(_ c: Case) throws { try Self.check("nps", c) }

  @Test(arguments: [
    Case(name: "no pulse: null", script: "", value: nil, n: 0, status: nil),
    Case(
      name: "4 answers are never shown", script: lines(4, "pulse dept=desk score=10"), value: nil, n: 4, status: nil),
    Case(
      name: "2 promoters, 1 detractor of 5 is 20 (good)",
      script: "pulse dept=desk score=10\npulse ana score=9\npulse dept=ops score=3\n"
        + lines(2, "pulse dept=desk score=8"),
      value: 20, n: 5, status: "good"),
    Case(
      name: "1 and 1 of 5 is 0 (watch)",
      script: "pulse dept=desk score=9\npulse dept=desk score=2\n"
        + lines(3, "pulse dept=desk score=7"), value: 0, n: 5, status: "watch"),
    Case(
      name: "all detractors is poor", script: lines(5, "pulse dept=desk score=0"), value: -100, n: 5, status: "poor"),
  ])
  func enps(_ c: Case) throws { try Self.check("enps", c) }

  @Test(arguments: [
    Case(
      name: "no customer with both: null", script: "feedback c1 score=3\nlog ana with c2", value: nil, n: 0,
      status: nil),
    Case(
      name: "staff and customers agree: 0 (good)",
      script: lines(5, "log ana with c{i} outcome=+1\nfeedback c{i} score=8") + "\nfeedback c6 score=0", value: 0, n: 5,
      status: "good"),
    Case(
      name: "0.1 is good",
      script: lines(5, "log ana with c{i} outcome=+1\nfeedback c{i} score=9") + "\n" + lines(4, "feedback c{i} score=7")
        + "\nfeedback c5 score=6",
      value: 0.1, n: 5, status: "good"),
    Case(
      name: "0.2 is watch",
      script: lines(5, "log ana with c{i} outcome=+1") + "\n" + lines(4, "feedback c{i} score=8")
        + "\nfeedback c5 score=3",
      value: 0.2, n: 5, status: "watch"),
    Case(
      name: "staff see 1, customers 0.6: 0.4 is poor",
      script: lines(5, "log ana with c{i} outcome=+1") + "\n" + lines(3, "feedback c{i} score=8") + "\n"
        + "feedback c4 score=5\nfeedback c5 score=5",
      value: 0.4, n: 5, status: "poor"),
    Case(
      name: "a neutral interaction is not positive",
      script: "log ana with c1 outcome=0\nfeedback c1 score=7", value: -1, n: 1, status: nil),
  ])
  func perceptionGap(_ c: Case) throws { try Self.check("perceptionGap", c) }

  @Test(arguments: [
    Case(name: "nobody lost: null", script: "", value: nil, n: 0, status: nil),
    Case(name: "2 lost: not judged", script: "lose c1\nlose c2", value: 1, n: 2, status: nil),
    Case(
      name: "2 silent of 4 is good", script: "complain c1\ncomplain c2\n" + lines(4, "lose c{i}"), value: 0.5, n: 4,
      status: "good"),
    Case(
      name: "4 silent of 5 is watch", script: "complain c1\n" + lines(5, "lose c{i}"), value: 0.8, n: 5, status: "watch"
    ),
    Case(
      name: "a complaint after the loss does not count", script: lines(3, "lose c{i}") + "\ncomplain c1", value: 1,
      n: 3,
      status: "poor"),
  ])
  func silentChurnShare(_ c: Case) throws { try Self.check("silentChurnShare", c) }

  @Test(arguments: [
    Case(name: "no problem: null", script: "log ana with c1 outcome=+2", value: nil, n: 0, status: nil),
    Case(
      name: "problems, nobody complains: null and poor (they just go away)",
      script: "log ana with c1 outcome=-1\nfeedback c2 score=4\nlose c3", value: nil, n: 3, status: "poor"),
    Case(
      name: "2 problems, nobody complains: not judged", script: "log ana with c1 outcome=-1\nlose c3", value: nil, n: 2,
      status: nil),
    Case(
      name: "4 problems, 2 complain: 2 (good)",
      script: "complain c1\ncomplain c2\nfeedback c3 score=6\nlog ana with c4 outcome=-2", value: 2, n: 4,
      status: "good"),
    Case(
      name: "4 problems, 1 complains: 4 (watch)",
      script: "complain c1\nfeedback c2 score=6\nlog ana with c3 outcome=-2\nlose c4",
      value: 4, n: 4, status: "watch"),
    Case(
      name: "6 problems, 1 complains: 6 (poor)",
      script: "complain c1\n" + lines(5, "log ana with c{i} outcome=-1").replacingOccurrences(of: "c1 ", with: "c6 "),
      value: 6, n: 6, status: "poor"),
  ])
  func complaintMultiplier(_ c: Case) throws { try Self.check("complaintMultiplier", c) }

  @Test(arguments: [
    Case(name: "no loop: null", script: "", value: nil, n: 0, status: nil),
    Case(
      name: "open less than 48h: not yet measured", script: lines(5, "complain c{i}"), value: nil, n: 0, status: nil),
    Case(
      name: "5 closed within 48h is good",
      script: lines(5, "complain c{i}") + "\nclock +2d\n" + lines(5, "follow-up c{i} by ana"), value: 1, n: 5,
      status: "good"),
    Case(
      name: "3 of 5 within 48h is watch",
      script: lines(5, "complain c{i}") + "\nclock +1d\n" + lines(3, "follow-up c{i} by ana") + "\nclock +3d\n"
        + "follow-up c4 by ana\nfollow-up c5 by ana",
      value: 0.6, n: 5, status: "watch"),
    Case(
      name: "stale open items count against",
      script: lines(5, "feedback c{i} score=2") + "\nclock +3d\ncustomer c9 \"C9\"",
      value: 0, n: 5, status: "poor"),
  ])
  func followUpRate(_ c: Case) throws { try Self.check("followUpRate", c) }

  // MARK: people

  @Test(arguments: [
    Case(name: "3 employees, nobody left: not judged", script: "", value: 0, n: 3, status: nil),
    Case(
      name: "1 of 10 is good", script: lines(7, "hire x{i} \"X\" dept=desk") + "\ndepart x1", value: 0.1, n: 10,
      status: "good"),
    Case(
      name: "3 of 10 is watch", script: lines(7, "hire x{i} \"X\" dept=desk") + "\n" + lines(3, "depart x{i}"),
      value: 0.3, n: 10, status: "watch"),
    Case(
      name: "4 of 10 is poor", script: lines(7, "hire x{i} \"X\" dept=desk") + "\n" + lines(4, "depart x{i}"),
      value: 0.4, n: 10, status: "poor"),
    Case(
      name: "a departure more than 365 days ago is out of the period",
      script: lines(7, "hire x{i} \"X\" dept=desk") + "\ndepart x1\nclock +366d\ncustomer c9 \"C9\"", value: 0, n: 9,
      status: "good"),
  ])
  func turnover(_ c: Case) throws { try Self.check("turnover", c) }

  @Test(arguments: [
    Case(name: "no department of 3: null", script: "champion boss", value: nil, n: 0, status: nil),
    Case(name: "desk counts, no champion: poor", script: "hire cat \"Cat\" dept=desk", value: 0, n: 1, status: "poor"),
    Case(
      name: "a one-person executive department does not count", script: "hire cat \"Cat\" dept=desk\nchampion ana",
      value: 1, n: 1, status: "good"),
    Case(
      name: "1 of 2 is watch",
      script: "hire cat \"Cat\" dept=desk\n" + lines(3, "hire s{i} \"S\" dept=sales") + "\nchampion ana", value: 0.5,
      n: 2, status: "watch"),
  ])
  func championCoverage(_ c: Case) throws { try Self.check("championCoverage", c) }

  @Test(arguments: [
    Case(name: "no lead: null", script: "", value: nil, n: 0, status: nil),
    Case(
      name: "14 days is good", script: "lead boss communicate\nclock +14d\ncustomer c9 \"C9\"", value: 14, n: 1,
      status: "good"),
    Case(
      name: "45 days is watch", script: "lead boss model\nlead boss review\nclock +45d\ncustomer c9 \"C9\"", value: 45,
      n: 2, status: "watch"),
    Case(
      name: "46 days is poor", script: "lead boss model\nclock +46d\ncustomer c9 \"C9\"", value: 46, n: 1,
      status: "poor"),
  ])
  func leadershipRecency(_ c: Case) throws { try Self.check("leadershipRecency", c) }

  @Test(arguments: [
    Case(name: "no talk, no walk: null", script: "", value: nil, n: 0, status: nil),
    Case(name: "1 say, no walk is 1 (good)", script: "say company \"We care\"", value: 1, n: 1, status: "good"),
    Case(name: "2 says is watch", script: lines(2, "say company \"We care {i}\""), value: 2, n: 2, status: "watch"),
    Case(
      name: "3 says, 1 lead is poor", script: lines(3, "say company \"We care {i}\"") + "\nlead boss model", value: 3,
      n: 4,
      status: "poor"),
    Case(
      name: "says matched by leads, training and done actions",
      script: lines(3, "say boss \"Service {i}\"") + "\nlead boss model\ntrain ana topic=ownership\n"
        + "deficiency d1 \"slow\"\nplan a1 for d1 owner=ana due=+1w\ndone a1",
      value: 1, n: 6, status: "good"),
  ])
  func talkWalkRatio(_ c: Case) throws { try Self.check("talkWalkRatio", c) }

  @Test(arguments: [
    Case(name: "nothing said is 0 (good)", script: "", value: 0, n: 0, status: "good"),
    Case(
      name: "denying the tactic is not tactic talk", script: "say company \"Service is not a tactic\"", value: 0, n: 1,
      status: "good"),
    Case(
      name: "one statement with two terms counts once", script: "say boss \"Our focus this quarter is service\"",
      value: 1,
      n: 1, status: "watch"),
    Case(
      name: "two statements are poor",
      script: "say boss \"Service is not a tactic, it is our focus\"\nsay company \"The programme ends this year\"",
      value: 2, n: 2, status: "poor"),
  ])
  func tacticLanguage(_ c: Case) throws { try Self.check("tacticLanguage", c) }

  @Test(arguments: [
    Case(name: "nobody customer-facing: null", script: "depart ana\ndepart ben", value: nil, n: 0, status: nil),
    Case(
      name: "orientation 3 is fit, low skills too", script: "hire cat \"Cat\" skills=1", value: 0, n: 3, status: "good"),
    Case(
      name: "1 of 5 with orientation 2 is watch",
      script: "hire cat \"Cat\" orientation=2\n" + lines(2, "hire x{i} \"X\" orientation=5"), value: 0.2, n: 5,
      status: "watch"),
    Case(name: "1 of 3 is poor", script: "hire cat \"Cat\" orientation=1", value: 0.333, n: 3, status: "poor"),
    Case(
      name: "back-office staff do not count", script: "hire cat \"Cat\" orientation=1 facing=no", value: 0, n: 2,
      status: "good"),
  ])
  func hiringFit(_ c: Case) throws { try Self.check("hiringFit", c) }

  @Test(arguments: [
    Case(name: "nobody customer-facing: null", script: "depart ana\ndepart ben", value: nil, n: 0, status: nil),
    Case(name: "nobody trained is poor", script: "", value: 0, n: 2, status: "poor"),
    Case(name: "1 of 2 is watch", script: "train ana topic=follow-up", value: 0.5, n: 2, status: "watch"),
    Case(name: "2 of 2 is good", script: "train ana,ben topic=ownership", value: 1, n: 2, status: "good"),
  ])
  func trainingCoverage(_ c: Case) throws { try Self.check("trainingCoverage", c) }

  /// Employees e1…e`count`, each treated by the boss as they then treat customers.
  static func mirrored(_ count: Int) -> String {
    (1...count).map { i in
      let outcome = i % 5 - 2
      let signed = outcome > 0 ? "+\(outcome)" : "\(outcome)"
      return "hire e\(i) \"E\" dept=desk\nlog boss with e\(i) outcome=\(signed)\nlog e\(i) with c1 outcome=\(signed)"
    }.joined(separator: "\n")
  }

  @Test(arguments: [
    Case(name: "3 employees: never reported", script: mirrored(3), value: nil, n: 3, status: nil),
    Case(name: "9 employees: still null", script: mirrored(9), value: nil, n: 9, status: nil),
    Case(
      name: "10 employees treated as they serve: r = 1, no status", script: mirrored(10), value: 1, n: 10, status: nil),
  ])
  func happyLink(_ c: Case) throws { try Self.check("happyLink", c) }

  // MARK: the verdict, step by step

  static func verdict(_ script: String) throws -> (String?, [String]) {
    let document = try document(after: script)
    return (document["verdict"]?.stringValue, document["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? [])
  }

  @Test func everyoneTreatedBadlyIsATactic() throws {
    let (verdict, reasons) = try Self.verdict("lead boss model\n" + Self.cells(five(-2), five(-2), five(-2), five(-2)))
    #expect(verdict == "tactic")
    #expect(reasons == ["floor -2 is poor (below 0): a box of the matrix is filled negatively"])
  }

  @Test func equalAndPositiveWithLeadersActingIsAStrategy() throws {
    let (verdict, reasons) = try Self.verdict(Self.cells(five(1), five(1), five(1), five(1)) + "\nlead boss recognize")
    #expect(verdict == "strategy")
    #expect(
      reasons == [
        "balance 0 is good (≤0.25)", "floor 1 is good (≥0.5)", "leadershipRecency 0 is good (≤14)",
        "tacticLanguage 0 is good (≤0)", "championCoverage has no department of 3 or more active employees",
      ])
  }

  @Test func thinBoxesAreUnknown() throws {
    let (verdict, reasons) = try Self.verdict("lead boss model\n" + Self.cells(five(1), [1, 1], five(1), []))
    #expect(verdict == "unknown")
    #expect(
      reasons == [
        "too few interactions to judge: customers/stress has 2, staff/stress has 0 (each box needs at least 5)"
      ])
  }

  @Test func tacticTalkWithoutActionIsATacticOnLittleData() throws {
    let (verdict, reasons) = try Self.verdict(
      Self.lines(7, "say boss \"Our service initiative {i} starts this quarter\""))
    #expect(verdict == "tactic")
    #expect(
      reasons == [
        "tacticLanguage 7 is poor (above 1): service is talked about as a tactic",
        "talkWalkRatio 7 is poor (above 2): more talk than action",
      ])
  }

  @Test func customersPoorNPSIsATactic() throws {
    let (verdict, reasons) = try Self.verdict(
      "lead boss model\n" + Self.cells(five(1), five(1), five(1), five(1)) + "\n"
        + Self.lines(10, "feedback c2 score=2"))
    #expect(verdict == "tactic")
    #expect(reasons == ["nps -100 is poor (below 0): customers would not recommend the organization"])
  }

  @Test func noLeaderEverIsATactic() throws {
    let (verdict, reasons) = try Self.verdict(Self.cells(five(1), five(1), five(1), five(1)))
    #expect(verdict == "tactic")
    #expect(
      reasons == [
        "no leader ever acted ('lead') in 20 interactions (a red flag from 20): service culture starts at the top"
      ])
  }

  @Test func silentChurnIsARedFlag() throws {
    let (verdict, reasons) = try Self.verdict("lose c2\nlose c3\nlose c4")
    #expect(verdict == "tactic")
    #expect(reasons == ["silentChurnShare 1 is poor (above 0.8): customers leave without complaining"])
  }

  @Test func unevenBoxesWithoutRedFlagsAreATactic() throws {
    let (verdict, reasons) = try Self.verdict(
      "lead boss model\nhire cat \"Cat\" dept=desk\n" + Self.cells(five(2), five(1), five(1), [1, 1, 0, 0, 0, 0, 0, 0]))
    #expect(verdict == "tactic")
    #expect(
      reasons == [
        "balance 1.75 is poor (good is ≤0.25)", "floor 0.25 is watch (good is ≥0.5)",
        "championCoverage 0 is poor (good is ≥1)",
      ])
  }

  // MARK: window=

  static let turnaround = """
    lead boss model
    \(lines(12, "log ana with c1 outcome=-2"))
    \(lines(10, "feedback c2 score=1"))
    clock +120d
    lead boss recognize
    \(lines(6, "log ana with c1 outcome=+2"))
    \(lines(10, "feedback c3 score=10"))
    """

  @Test func aWindowNarrowsObservationsOnly() throws {
    let all = try Self.document(after: Self.turnaround)
    let recent = try Self.document(after: Self.turnaround, query: "culture window=90d")
    #expect(all["window"] == .null)
    #expect(recent["window"] == "90d")
    #expect(all["indicators"]?["nps"]?["value"]?.number == 0)
    #expect(all["indicators"]?["nps"]?["n"] == 20)
    #expect(recent["indicators"]?["nps"]?["value"]?.number == 100)
    #expect(recent["indicators"]?["nps"]?["n"] == 10)
    #expect(all["indicators"]?["floor"]?["value"]?.number == -0.667)
    #expect(recent["indicators"]?["floor"]?["value"]?.number == 2)
    // Not narrowed: leadership recency counts every lead, hiring fit every employee.
    #expect(recent["indicators"]?["leadershipRecency"] == all["indicators"]?["leadershipRecency"])
    #expect(recent["indicators"]?["hiringFit"] == all["indicators"]?["hiringFit"])
    let matrix = try Self.document(after: Self.turnaround, query: "matrix window=90d")
    #expect(matrix["window"] == "90d")
    #expect(matrix["cells"]?["customers"]?["normal"]?["interactions"] == 6)
    #expect(try Self.document(after: Self.turnaround, query: "matrix")["window"] == nil)
  }

  @Test func aWindowAsOfThePastEndsThere() throws {
    let h = try Harness()
    h.script(Self.prelude + "\n" + Self.turnaround)
    // @32 is the last of the early feedback: the 90 days before it hold all the early history.
    let then = try h.json("as of @32 culture window=90d")
    #expect(then["asOf"]?["seq"] == 32)
    #expect(then["indicators"]?["nps"]?["value"]?.number == -100)
    #expect(then == (try h.json("as of @32 culture")).replacing(key: "window", with: "90d"))
  }

  @Test func windowNeedsAPositiveDuration() throws {
    let h = try Harness()
    h.script(Self.prelude)
    h.run("culture window=0d")
    #expect(h.console.errLines.first?.contains("window= must be a duration greater than zero") == true)
    h.run("matrix window=soon")
    #expect(h.console.errLines.first?.contains("window= must be a duration") == true)
  }
}

/// Five interactions of one outcome: a box just big enough to judge.
private func five(_ outcome: Int) -> [Int] { Array(repeating: outcome, count: 5) }

extension JSON {
  /// This object with `key` set to `value`.
  func replacing(key: String, with value: JSON) -> JSON {
    guard case .object(var object) = self else { return self }
    object[key] = value
    return .object(object)
  }
}
