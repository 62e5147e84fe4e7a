import Foundation
import TestSupport
import Testing

/// `ethos import-csv` as a process: exit codes, streams, idempotence.
@Suite struct ImportCSVCLITests {
  @Test func refusedRowsExitOneAndSecondRunAppendsNothing() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/s.sqlite"
    let csv = Transcripts.root + "/Snapshots/csv/nps-bad-rows.csv"
    let first = try EthosProcess.run(["import-csv", csv, "--preset", "nps", "--store", store])
    #expect(first.status == 1)
    #expect(first.stdout == "5 rows: 2 imported (3 events), 3 refused\n")
    #expect(
      first.stderr.split(separator: "\n").map { String($0.prefix(csv.count + 3)) } == [
        csv + ":4:", csv + ":5:", csv + ":6:",
      ])
    // No progress bar when stderr is not a terminal: only the error lines.
    #expect(!first.stderr.contains("\r"))
    let dry = try EthosProcess.run(["import-csv", csv, "--preset", "nps", "--dry-run", "--store", store])
    #expect(dry.stdout.hasSuffix("5 rows: 0 imported (0 events), 2 already imported, 3 refused\n"))
    // March rows after May ones: refused, never put into the past.
    let good = Transcripts.root + "/Snapshots/csv/nps-survey.csv"
    let past = try EthosProcess.run(["import-csv", good, "--preset", "nps", "--store", store])
    #expect(past.status == 1)
    #expect(past.stdout == "12 rows: 0 imported (0 events), 12 refused\n")
    let fresh = dir + "/fresh.sqlite"
    let ok = try EthosProcess.run(["import-csv", good, "--preset", "nps", "--store", fresh])
    #expect(ok.status == 0)
    #expect(ok.stdout == "12 rows: 12 imported (23 events), 0 refused\n")
    let again = try EthosProcess.run(["import-csv", good, "--preset", "nps", "--store", fresh, "--format", "json"])
    #expect(again.status == 0)
    // Off a terminal, --format json is JSON Lines: one compact object.
    #expect(again.stdout.contains("\"alreadyImported\":12"))
    let head = try EthosProcess.run(["query", "history last=1", "--store", fresh, "--format", "csv"])
    #expect(head.stdout.contains("FeedbackReceived"))
  }

  @Test func usageErrorsExitTwo() throws {
    #expect(try EthosProcess.run(["import-csv", "x.csv"]).status == 2)
    #expect(try EthosProcess.run(["import-csv", "x.csv", "--kind", "feedback", "--map", "score"]).status == 2)
  }
}
