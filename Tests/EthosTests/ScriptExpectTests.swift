import Foundation
import TestSupport
import Testing

@Suite struct ScriptExpectTests {
  static let scenario = """
    clock 2021-03-01T09:00
    hire ana "Ana" dept=desk
    customer acme "Acme"
    log ana with acme outcome=+2
    expect matrix.cells.customers.normal.interactions == 1
    expect matrix.cells.customers.normal.mean == 1
    expect matrix.weakest == "customers/normal"
    expect matrix.balance == null
    log ana with acme outcome=-2
    expect matrix.cells.customers.normal.mean >= 0
    expect matrix.cells.customers.normal.interactions > 2
    """

  /// Acceptance 3: each failure with FILE:LINE, expected and actual; exit 1; `--bail` stops at the first.
  @Test func runReportsEveryFailedExpect() throws {
    let dir = try EthosProcess.temporaryDirectory()
    try Self.scenario.write(toFile: dir + "/checks.ethos", atomically: true, encoding: .utf8)
    let env = ["ETHOS_NOW": "2021-06-01"]
    let all = try EthosProcess.run(["run", "checks.ethos", "--store", ":memory:"], environment: env, directory: dir)
    #expect(all.status == 1)
    #expect(
      all.stderr == """
        checks.ethos:6: error: expect failed: matrix.cells.customers.normal.mean — expected == 1, actual 2.0
        checks.ethos:8: error: expect failed: matrix.balance — expected == null, actual 0.0
        checks.ethos:11: error: expect failed: matrix.cells.customers.normal.interactions — expected > 2, actual 2
        6 expects: 3 passed, 3 failed

        """)
    // Statements after a failure still run without --bail.
    #expect(all.stdout.contains("@3 InteractionLogged ana → acme (+2, transaction)"))
    #expect(all.stdout.contains("@4 InteractionLogged ana → acme (-2, transaction)"))

    let bail = try EthosProcess.run(
      ["run", "checks.ethos", "--bail", "--store", ":memory:"], environment: env, directory: dir)
    #expect(bail.status == 1)
    #expect(
      bail.stderr
        == "checks.ethos:6: error: expect failed: matrix.cells.customers.normal.mean — expected == 1, actual 2.0\n"
        + "2 expects: 1 passed, 1 failed\n")
    #expect(!bail.stdout.contains("@4"))
  }

  @Test func passingScriptExitsZero() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let passing = Self.scenario.split(separator: "\n").enumerated()
      .filter { ![5, 7, 10].contains($0.offset) }.map(\.element).joined(separator: "\n")
    try passing.write(toFile: dir + "/ok.ethos", atomically: true, encoding: .utf8)
    let result = try EthosProcess.run(
      ["run", "ok.ethos", "--store", ":memory:"], environment: ["ETHOS_NOW": "2021-06-01"], directory: dir)
    #expect(result.stderr == "3 expects: 3 passed, 0 failed\n")
    #expect(result.status == 0)
  }

  /// `source` resolves against the sourcing script, nests, and refuses cycles.
  @Test func sourceIsRelativeNestedAndCycleSafe() throws {
    let dir = try EthosProcess.temporaryDirectory()
    try FileManager.default.createDirectory(atPath: dir + "/parts/more", withIntermediateDirectories: true)
    try "clock 2021-03-01T09:00\nsource parts/people.ethos\nexpect matrix.balance == null\n".write(
      toFile: dir + "/main.ethos", atomically: true, encoding: .utf8)
    try "hire ana \"Ana\"\nsource more/bob.ethos\n".write(
      toFile: dir + "/parts/people.ethos", atomically: true, encoding: .utf8)
    try "hire bob \"Bob\"\nsource ../people.ethos\n".write(
      toFile: dir + "/parts/more/bob.ethos", atomically: true, encoding: .utf8)
    // Run from another directory: paths resolve against each script, not the working directory.
    let result = try EthosProcess.run(
      ["run", dir + "/main.ethos", "--store", ":memory:"], environment: ["ETHOS_NOW": "2021-06-01"], directory: "/")
    #expect(
      result.stdout == "@1 EmployeeHired ana \"Ana\" (general, staff)\n@2 EmployeeHired bob \"Bob\" (general, staff)\n")
    #expect(
      result.stderr
        == dir + "/parts/more/bob.ethos:2: error: '" + dir
        + "/parts/people.ethos' is already being run — a script cannot source itself, directly or through others\n"
        + "1 expect: 1 passed, 0 failed\n")
    #expect(result.status == 1)
  }
}
