import SnapshotTesting
import TestSupport
import Testing

/// Every script under `Snapshots/` is a user-facing example and a test: its
/// transcript must match the golden one in `Snapshots/__transcripts__/`.
@Suite struct ScenarioTranscriptTests {
  @Test(arguments: Transcripts.scripts())
  func transcript(_ script: String) throws {
    let text = try Transcripts.run(script)
    let name = String(script.dropLast(".ethos".count))
    let failure = verifySnapshot(
      of: text, as: .lines, named: name, snapshotDirectory: Transcripts.goldenDirectory, testName: "scenario")
    #expect(failure == nil, Comment(rawValue: failure ?? ""))
  }
}
