import Testing

@testable import EthosDomain
@testable import EthosEngine
@testable import EthosStore

/// Every engine message is built in EngineError.swift; these pin the exact
/// words a user reads, one row per message (swift-argument-parser's
/// ErrorMessageTests): a change of wording is a change of this table.
@Suite struct EngineMessageTests {
  static let errors: [(EngineError, String)] = [
    (.noEvent(9, head: 0), "there is no event @9 — the log is empty"),
    (.noEvent(9, head: 4), "there is no event @9 — the log runs from @1 to @4"),
    (.unknownDepartment("frnt", known: ["front"]), "unknown department 'frnt' — did you mean 'front'?"),
    (.unknownDepartment("x", known: []), "unknown department 'x' — no one has been hired yet"),
    (.unknownId("anna", candidates: ["ana"]), "unknown id 'anna' — did you mean 'ana'?"),
    (
      .notAParty("p1", owner: "promise"),
      "'p1' is a promise, not a party — 'who' profiles employees, customers and partners; 'promises' shows it"
    ),
    (.replayInterrupted(after: 7), "replay interrupted after @7 (Ctrl-C)"),
    (.busy, "the store is busy: another writer keeps appending — try the statement again"),
    (.invalidUTF8, "the line is not valid UTF-8 — save the script as UTF-8"),
    (.helpUnknown("hier"), "no statement 'hier' — did you mean 'hire'?"),
    (.replayBackwards(from: 5, to: 2), "replay from=@5 is after to=@2 — give from= an event at or before to="),
    (
      .sourceCycle("a.ethos"),
      "'a.ethos' is already being run — a script cannot source itself, directly or through others"
    ),
    (
      .interrupted("a.ethos", line: 3),
      "interrupted — 'a.ethos' stopped before line 3; the statements before it are kept"
    ),
    (
      .verifyFailed("main", at: ChainBreak(seq: 4, reason: "hash mismatch")),
      "verify failed on branch 'main' at @4: hash mismatch"
    ),
    (
      .damagedKeys(["c2"]),
      "verify failed: the key table is damaged — the data key of c2 is not 32 bytes, so their personal data cannot "
        + "be read; restore the keys from a backup (ethos import FILE --keys KEYS into a fresh store) — every "
        + "figure is unaffected"
    ),
    (
      .notTrendable("who.ana"),
      "cannot read 'who.ana': trend follows a figure of matrix, culture or a list (e.g. culture.indicators.nps.value)"
    ),
    (
      .trendOfObject("culture.indicators.nps", keys: ["value", "status"], hasValue: true),
      "cannot read 'culture.indicators.nps': it is an object, and a trend follows a number — did you mean "
        + "'culture.indicators.nps.value'?"
    ),
    (
      .trendOfObject("matrix.cells", keys: ["customers", "staff"], hasValue: false),
      "cannot read 'matrix.cells': it is an object, and a trend follows a number — pick one of its keys: "
        + "customers, staff"
    ),
    (
      .trendOfList("employees.items"),
      "cannot read 'employees.items': it is a list, and a trend follows a number — name a figure, e.g. "
        + "'employees.count'"
    ),
    (
      .trendOfWord("culture.verdict"),
      "cannot read 'culture.verdict': it is not a number, and a trend follows a number (e.g. "
        + "culture.indicators.nps.value)"
    ),
    (.outsideReportWeeks(12), "event @12 lies outside the report's weeks"),
  ]

  @Test(arguments: errors)
  func errorReadsExactly(error: EngineError, expected: String) {
    #expect(error.message == expected)
  }

  static let notes: [(String, String)] = [
    (Notice.verified("main", events: 12), "ok: branch 'main' verifies, 12 events chain from @1"),
    (Notice.noChange, "(no indicator changed)"),
    (Notice.switched("what-if", head: 3), "on branch 'what-if' (head @3)"),
    (Notice.replayStopped(after: 4), "(replay stopped after @4)"),
    (Notice.differences(2, of: 40), "2 of 40 figures differ"),
    (Notice.importEmpty("x.jsonl"), "nothing to import: 'x.jsonl' holds no events"),
  ]

  @Test(arguments: notes)
  func noteReadsExactly(note: String, expected: String) {
    #expect(note == expected)
  }
}
