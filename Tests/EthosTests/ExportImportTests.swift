import EthosEngine
import EthosJSON
import EthosStore
import Foundation
import TestSupport
import Testing

@Suite struct ExportImportTests {
  static let script = """
    clock 2021-03-01T09:00
    hire ana "Ana \\"the desk\\" Lima" dept=desk level=leader
    hire ben "Ben" dept=desk
    customer acme "Acme — Ünïcode & Co"
    stress begin rush kind=volume
    log ana with acme outcome=+2 mode=relationship did=courteous "said \\"thanks\\""
    log ben with ana outcome=-1
    stress end rush
    feedback acme score=9
    retract @6 "logged twice"
    """

  /// Exports `h`'s current branch and writes it to a file; returns its path and lines.
  static func export(_ h: Harness) throws -> (path: String, lines: [String]) {
    h.console.reset()
    #expect(h.session.exportTrail())
    let lines = h.console.outLines
    let path = try EthosProcess.temporaryDirectory() + "/log.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return (path, lines)
  }

  /// Acceptance 2: export then import into a fresh store reproduces the log.
  @Test(arguments: StoreKind.allCases)
  func roundTripReproducesHashesAndFigures(kind: StoreKind) throws {
    let source = try Harness(store: try kind.make())
    source.script(Self.script)
    #expect(source.console.errLines.isEmpty)
    let (path, lines) = try Self.export(source)
    #expect(lines.count == 9)
    #expect(try JSON.parse(lines[0])["seq"] == 1)

    let target = try Harness(store: try kind.make())
    target.console.reset()
    #expect(target.session.importTrail(path: path, displayName: "log.jsonl"))
    #expect(target.console.text == "imported 9 events into branch 'main' (@1…@9)\n")
    #expect(try envelopes(target.store, "main") == (try envelopes(source.store, "main")))
    #expect(try target.store.verify("main") == nil)
    #expect(try target.json("matrix") == (try source.json("matrix")))
    #expect(try target.json("culture") == (try source.json("culture")))
    #expect(try target.json("show @6")["retracted"] == true)

    // Idempotent: the same file again adds nothing.
    target.console.reset()
    #expect(target.session.importTrail(path: path, displayName: "log.jsonl"))
    #expect(
      target.console.text == "nothing to import: all 9 events of 'log.jsonl' are already on branch 'main'\n")
    #expect(target.eventCount == 9)

    // A longer export of the same log continues the chain.
    source.run("clock +1h", "log ben with acme outcome=+1")
    let (longer, _) = try Self.export(source)
    target.console.reset()
    #expect(target.session.importTrail(path: longer, displayName: "longer.jsonl"))
    #expect(target.console.text == "imported 1 event into branch 'main' (@10…@10); 9 already there\n")
    #expect(try envelopes(target.store, "main") == (try envelopes(source.store, "main")))
  }

  /// One-byte edits of a line: a metadata field, the payload, the hash itself, the JSON syntax.
  static func mutate(_ line: String, _ kind: String) -> String {
    var bytes = Array(line.utf8)
    func at(_ marker: String) -> Int? {
      let needle = Array(marker.utf8)
      guard needle.count <= bytes.count else { return nil }
      return (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }
        .map { $0 + needle.count - 1 }
    }
    switch kind {
    case "actor": if let i = at("\"actor\":\"te") { bytes[i] = UInt8(ascii: "a") }
    case "payload": if let i = at("\"outcome\":-1") { bytes[i] = UInt8(ascii: "2") }
    case "hash":
      if let i = at("\"hash\":\"") {
        bytes[i + 1] = bytes[i + 1] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
      }
    default: if let i = at("{\"seq\":6,") { bytes[i] = UInt8(ascii: ";") }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Acceptance 2: a one-byte change makes import fail, naming the line, adding nothing.
  @Test(arguments: ["actor", "payload", "hash", "json"])
  func oneByteChangeIsRefused(kind: String) throws {
    let source = try Harness()
    source.script(Self.script)
    let (_, lines) = try Self.export(source)
    var changed = lines
    // Line 6 is `log ben with ana outcome=-1`.
    let line = Self.mutate(changed[5], kind)
    #expect(line.utf8.count == changed[5].utf8.count)
    #expect(line != changed[5])
    changed[5] = line
    let path = try EthosProcess.temporaryDirectory() + "/bad.jsonl"
    try (changed.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

    // Into a fresh store, and into one that already holds the first lines.
    for prefill in [0, 3] {
      let target = try Harness()
      if prefill > 0 {
        let good = try EthosProcess.temporaryDirectory() + "/good.jsonl"
        try (lines.prefix(prefill).joined(separator: "\n") + "\n").write(
          toFile: good, atomically: true, encoding: .utf8)
        #expect(target.session.importTrail(path: good))
      }
      target.console.reset()
      #expect(!target.session.importTrail(path: path, displayName: "bad.jsonl"))
      #expect(target.eventCount == prefill)
      #expect(target.console.errLines.count == 1)
      let error = target.console.errLines.first ?? ""
      #expect(error.hasPrefix("error: bad.jsonl:6"), "\(error)")
      #expect(error.hasSuffix("nothing was imported"), "\(error)")
    }
  }

  @Test func brokenChainMessages() throws {
    let source = try Harness()
    source.script(Self.script)
    let (_, lines) = try Self.export(source)
    let dir = try EthosProcess.temporaryDirectory()
    func importing(_ text: [String]) throws -> String {
      let path = dir + "/x.jsonl"
      try (text.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      let target = try Harness()
      target.session.importTrail(path: path, displayName: "x.jsonl")
      #expect(target.eventCount == 0)
      return target.console.text
    }
    // A line dropped: the next one no longer follows.
    #expect(
      try importing(Array(lines.prefix(3)) + Array(lines.dropFirst(4)))
        == "error: x.jsonl:4 (@5): event @4 is missing — the file's hash chain is broken; nothing was imported\n")
    #expect(
      try importing(["{\"seq\":1}"])
        == "error: x.jsonl:1: not an ethos event ('type' is missing) — import reads files written by 'ethos export'; "
        + "nothing was imported\n")
    #expect(
      try importing(Array(lines.dropFirst(2)))
        == "error: x.jsonl:1 starts at @3 but branch 'main' ends at @0 — the file must continue the chain from @1; "
        + "nothing was imported\n")
  }

  @Test func importRefusesAForeignLog() throws {
    let one = try Harness()
    one.script(Self.script)
    let other = try Harness()
    other.script(Self.script.replacingOccurrences(of: "score=9", with: "score=3"))
    let (path, _) = try Self.export(other)
    one.console.reset()
    #expect(!one.session.importTrail(path: path, displayName: "other.jsonl"))
    #expect(
      one.console.text
        == "error: other.jsonl:8 (@8) differs from event @8 of branch 'main' — the file does not continue this "
        + "store's chain (import it into an empty store); nothing was imported\n")
    #expect(one.eventCount == 9)
  }

  /// The CLI: export to stdout, import a file, exit codes.
  @Test func commandLine() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let env = ["ETHOS_NOW": "2021-06-01"]
    let script = dir + "/s.ethos"
    try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
    #expect(try EthosProcess.run(["run", script, "--store", dir + "/a.sqlite"], environment: env).status == 0)
    let exported = try EthosProcess.run(["export", "--store", dir + "/a.sqlite"], environment: env)
    #expect(exported.status == 0)
    try exported.stdout.write(toFile: dir + "/log.jsonl", atomically: true, encoding: .utf8)
    let imported = try EthosProcess.run(
      ["import", "log.jsonl", "--store", "b.sqlite"], environment: env, directory: dir)
    #expect(imported.status == 0)
    #expect(imported.stdout == "imported 9 events into branch 'main' (@1…@9)\n")
    let again = try EthosProcess.run(["export", "--store", dir + "/b.sqlite"], environment: env)
    #expect(again.stdout == exported.stdout)

    var bytes = Array(exported.stdout.utf8)
    if let index = bytes.indices.dropFirst(bytes.count / 2).first(where: { bytes[$0] == UInt8(ascii: "a") }) {
      bytes[index] = UInt8(ascii: "b")
    }
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bad.jsonl"))
    let bad = try EthosProcess.run(["import", "bad.jsonl", "--store", "c.sqlite"], environment: env, directory: dir)
    #expect(bad.status == 1)
    #expect(bad.stderr.hasPrefix("error: bad.jsonl:"))
    let empty = try EthosProcess.run(["export", "--store", dir + "/c.sqlite"], environment: env)
    #expect(empty.stdout == "")
  }
}
