import EthosEngine
import EthosJSON
import TestSupport
import Testing

@Suite struct RetractTests {
  static let before = """
    clock 2021-03-01T09:00
    hire ana "Ana" dept=desk level=leader
    hire ben "Ben" dept=kitchen
    customer acme "Acme"
    stress begin rush kind=volume scope=dept:kitchen
    log ana with acme outcome=+2 mode=relationship
    """
  static let retractable = [
    "log ben with acme outcome=-2 mode=relationship",
    "feedback acme score=2 about=ben",
    "complain acme about=ben",
    "pulse ben score=3",
    "say company \"our service focus this quarter\"",
    "train ben topic=ownership",
    "lead ana review",
  ]
  static let after = """
    log ben with ana outcome=-1
    stress end rush
    log ana with acme outcome=+1
    """

  /// Acceptance 4: retracting an observation gives the figures of a log that never held it.
  @Test(arguments: retractable)
  func retractIsAsIfNeverLogged(observation: String) throws {
    let with = try Harness()
    with.script(Self.before)
    with.script(observation)
    #expect(with.console.errLines.isEmpty, "\(with.console.text)")
    with.script(Self.after)
    let out = with.run("retract @6 \"entered for the wrong customer\"")
    #expect(out == "@10 EventRetracted @6 (entered for the wrong customer)\n")

    let without = try Harness()
    without.script(Self.before)
    without.script(Self.after)

    #expect(try with.json("matrix") == (try without.json("matrix")))
    let culture = try with.json("culture")
    let clean = try without.json("culture")
    #expect(culture["indicators"] != nil)
    #expect(culture["indicators"] == clean["indicators"])
    #expect(culture["verdict"] == clean["verdict"])
    // A fresh session folding the log from the start agrees.
    #expect(try Harness.reopen(with).json("matrix") == (try without.json("matrix")))

    // The log keeps it, marked.
    let history = try with.json("history")
    #expect(history["count"] == 10)
    let items = history["items"]?.arrayValue ?? []
    #expect(items.count == 10)
    #expect(items.first { $0["seq"] == 6 }?["retracted"] == true)
    #expect(items.filter { $0["retracted"] == true }.count == 1)
    let shown = try with.json("show @6")
    #expect(shown["retracted"] == true)
    // A pulse answer is stored anonymously: the statement names the department only.
    let stored = observation.hasPrefix("pulse ") ? "pulse dept=kitchen score=3" : observation
    #expect(shown["command"] == .string(stored))
    #expect(try with.json("show @7")["retracted"] == false)
  }

  @Test func lifecycleEventsAndRepeatsAreRefused() throws {
    let h = try Harness()
    h.script(Self.before)
    #expect(
      h.run("retract @1 \"wrong person\"")
        == "error: @1 is EmployeeHired, which records a change of state, not an observation — only "
        + "InteractionLogged, FeedbackReceived, ComplaintReceived, PulseRecorded, StatementMade, TrainingCompleted "
        + "and LeadershipActed can be retracted\n")
    #expect(h.run("retract @4 \"no rush\"").hasPrefix("error: @4 is StressBegan, which records a change of state"))
    #expect(h.run("retract @9 \"x\"") == "error: there is no event @9 — the log runs from @1 to @5\n")
    #expect(h.run("retract @5 \"dup\"") == "@6 EventRetracted @5 (dup)\n")
    #expect(h.run("retract @5 \"again\"") == "error: @5 is already retracted\n")
    #expect(h.run("retract @6 \"undo\"").hasPrefix("error: @6 is EventRetracted, which records a change of state"))
    #expect(h.eventCount == 6)
  }
}

extension Harness {
  /// A new harness on the same store: state folded from the log alone.
  static func reopen(_ h: Harness) throws -> Harness {
    try Harness(store: h.store)
  }
}
