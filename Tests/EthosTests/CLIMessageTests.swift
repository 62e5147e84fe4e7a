import Testing

@testable import EthosCLI

/// The command line's own sentences, word for word (the engine's are pinned
/// by EngineMessageTests).
@Suite struct CLIMessageTests {
  static let messages: [(String, String)] = [
    (
      CLIMessage.junitUnwritable("out/j.xml", "No such file or directory"),
      "cannot write the JUnit report 'out/j.xml': No such file or directory"
    ),
    (CLIMessage.queryMissing, "name a query, e.g. ethos query matrix"),
    (
      CLIMessage.checkpointOfOtherBranch("c.txt", branch: "storm", given: "main"),
      "checkpoint 'c.txt' is of branch 'storm', not 'main' — drop --branch: a checkpoint is checked against the "
        + "branch it names"
    ),
    (CLIMessage.cannotSpool("No space left on device"), "cannot spool standard input: No space left on device"),
    (CLIMessage.cannotReadInput("Input/output error"), "cannot read standard input: Input/output error"),
    (
      CLIMessage.cannotSpool(to: "/tmp/x", "Disk quota exceeded"),
      "cannot spool standard input to '/tmp/x': Disk quota exceeded"
    ),
    (
      CLIMessage.notAPoint("yesterday"),
      "'yesterday' is not a point of the log — write --as-of @N or a time YYYY-MM-DD[THH:MM[:SS]]"
    ),
    (
      CLIMessage.noStore("h.sqlite"),
      "there is no store at 'h.sqlite' — check --store or $ETHOS_STORE, or create one with 'ethos run FILE --store "
        + "h.sqlite'"
    ),
    (CLIMessage.noScript, "name at least one script file to run"),
    (CLIMessage.signerWithoutCheckpoint, "--signer needs --checkpoint FILE"),
    (CLIMessage.kindOrPreset, "give --kind K or --preset P"),
    (CLIMessage.badMap("score"), "--map takes FIELD=COLUMN (got 'score')"),
    (CLIMessage.followFormat("csv"), "--format must be table or json, not 'csv'"),
    (CLIMessage.followFrom("3"), "--from takes @N (N ≥ 1), e.g. --from @1, not '3'"),
  ]

  @Test(arguments: messages)
  func readsExactly(message: String, expected: String) {
    #expect(message == expected)
  }
}
