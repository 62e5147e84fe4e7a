import Foundation
import TestSupport
import Testing

@Suite struct CLITests {
  @Test func runReportsFailuresWithExitCodeOne() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let result = try EthosProcess.run(
      ["--store", dir + "/s.sqlite"], stdin: "hire ana \"Ana\"\nhire ana \"Again\"\n",
      environment: ["ETHOS_NOW": "2021-01-01"])
    #expect(result.status == 1)
    #expect(result.stdout == "@1 EmployeeHired ana \"Ana\" (general, staff)\n")
    #expect(
      result.stderr
        == "stdin:2: error: id 'ana' is already taken by an employee (Ana) — ids are never reused; choose another id\n")
  }

  @Test func badUsageExitsTwo() throws {
    let result = try EthosProcess.run(["run"])
    #expect(result.status == 2)
  }

  @Test func notADatabaseExitsThree() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let path = dir + "/junk.sqlite"
    try "this is not sqlite, just text that is long enough to look like a header.......".write(
      toFile: path, atomically: true, encoding: .utf8)
    let result = try EthosProcess.run(["verify", "--store", path])
    #expect(result.status == 3)
    #expect(result.stderr.hasPrefix("error: "))
  }
}

@Suite struct MissingStoreTests {
  /// Reading commands on a path with no store say so (exit 3) and create nothing.
  @Test(arguments: [["query", "matrix"], ["verify"], ["export"]])
  func readingAMissingStoreIsRefused(_ command: [String]) throws {
    let dir = try EthosProcess.temporaryDirectory()
    let path = dir + "/typo.sqlite"
    let result = try EthosProcess.run(command + ["--store", path])
    #expect(result.status == 3)
    #expect(
      result.stderr
        == "error: there is no store at '\(path)' — check --store or $ETHOS_STORE, or create one with "
        + "'ethos run FILE --store \(path)'\n")
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}
