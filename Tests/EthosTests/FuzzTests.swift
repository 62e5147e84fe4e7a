import EthosEngine
import EthosLanguage
import Foundation
import TestSupport
import Testing

/// Bad input (issue 7): 100k+ generated and mutated lines — random bytes,
/// invalid UTF-8, huge lines, deep quoting, every statement with every option
/// wrong — through the parser and a session. Never a crash; a refused line
/// prints exactly one `error:` line and changes neither the state nor the
/// store. Seeded, so a failure names a line that reproduces it.
@Suite struct FuzzTests {
  static let facts = [
    "clock 2021-01-04T08:00",
    "hire ana \"Ana\" dept=front-desk",
    "hire ben \"Ben\" dept=support",
    "hire cora \"Cora\" level=leader",
    "customer acme \"Acme\"",
    "engage linens \"Linen Co\" kind=vendor",
    "promise p1 by ana to acme due=+2d",
    "deficiency d1 \"slow\"",
  ]

  /// Valid lines to mutate: every statement's example, and the scenario scripts.
  static let corpus: [String] = {
    var lines = StatementTable.all.map(\.example)
    for name in Transcripts.scripts() {
      let text = (try? String(contentsOfFile: Transcripts.root + "/Snapshots/" + name, encoding: .utf8)) ?? ""
      lines += text.split(separator: "\n").map(String.init)
    }
    // No `source` (reads files) and no `report` (writes one): a mutated
    // `help report` reshuffled to `report help` would leave files behind.
    return lines.filter { !$0.hasPrefix("source") && !$0.contains("report") }
  }()

  static let badValues = [
    "", "x", "-1", "0", "+", "++2", "3.5", "99999999999999999999999", "-99999999999999999999", "é", "Ana", "a b",
    "\"\"", "\"unterminated", "=", "==", ",", ",,", "a,,b", "@", "@0", "@-1", "@99999999999999999999", "yes,no",
    "2021-13-01", "2021-02-30T25:61", "+0d", "+99999999d", "dept:", "employee:", "dept:Ana", "#", "\\", "\u{0}",
    "\u{202E}rtl", "💥", String(repeating: "z", count: 300), String(repeating: "9", count: 40),
  ]

  static let fragments = [
    " ", "\"", "\\", "\\\"", "=", "#", ",", "@", "+", "-", "\t", "\r", "é", "💥", "\u{0}", "\u{FEFF}", "ana", "acme",
    "with", "by", "to", "for", "mode=", "due=", "did=", "\"note\"", "999999999999999999999",
  ]

  /// Every statement with each of its options given a wrong value.
  static var everyOptionWrong: [String] {
    var lines = [String]()
    for spec in StatementTable.all where spec.words != "source" && spec.words != "report" {
      let names = spec.options.map(\.name) + ["bogus", "mode", "x-y"]
      for name in names {
        for value in badValues {
          lines.append(spec.example + " \(name)=\(value)")
          lines.append(spec.words + " \(name)=\(value)")
        }
      }
    }
    return lines
  }

  static func mutate(_ line: String, _ rng: inout SeededGenerator) -> String {
    var chars = Array(line)
    for _ in 0..<Int.random(in: 1...4, using: &rng) {
      let at = chars.isEmpty ? 0 : Int.random(in: 0...chars.count, using: &rng)
      switch Int.random(in: 0..<6, using: &rng) {
      case 0 where at < chars.count: chars.remove(at: at)
      case 1: chars.insert(contentsOf: Array(fragments.randomElement(using: &rng) ?? " "), at: at)
      case 2: chars = Array(chars.prefix(at))
      case 3:
        let words = String(chars).split(separator: " ").shuffled(using: &rng)
        chars = Array(words.joined(separator: " "))
      case 4:
        chars.insert(
          contentsOf: Array(
            " \(["mode", "due", "did", "score", "kind"].randomElement(using: &rng) ?? "x")=\(badValues.randomElement(using: &rng) ?? "")"
          ), at: chars.count)
      default:
        if let c = chars.indices.randomElement(using: &rng) {
          chars[c] = Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng)))
        }
      }
    }
    return String(chars)
  }

  static func deepQuoting(_ depth: Int) -> String {
    var text = "x"
    for _ in 0..<depth { text = "\\\"" + text.replacingOccurrences(of: "\\", with: "\\\\") + "\\\"" }
    return "say company \"\(text.prefix(Limits.lineLength - 20))\""
  }

  /// The lines: (bytes, description) — bytes, since some are not UTF-8.
  static func lines(count: Int) -> [[UInt8]] {
    var rng = SeededGenerator(seed: 2026)
    var result = [[UInt8]]()
    result.reserveCapacity(count)
    for line in everyOptionWrong { result.append(Array(line.utf8)) }
    for depth in 0..<12 { result.append(Array(deepQuoting(depth).utf8)) }
    for length in [Limits.lineLength - 1, Limits.lineLength, Limits.lineLength + 1, 100_000, 1_000_000] {
      result.append(Array(("say company \"" + String(repeating: "a", count: max(0, length - 14)) + "\"").utf8))
      result.append(Array(String(repeating: "\"", count: length).utf8))
      result.append(Array(String(repeating: "log ", count: length / 4).utf8))
    }
    while result.count < count {
      switch Int.random(in: 0..<10, using: &rng) {
      case 0:  // random bytes: invalid UTF-8, control characters, NULs
        result.append((0..<Int.random(in: 0...120, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
      case 1:  // a valid line with a byte that breaks UTF-8
        var bytes = Array((corpus.randomElement(using: &rng) ?? "").utf8)
        bytes.insert(
          [0xC3, 0xFF, 0x80, 0xED, 0xA0][Int.random(in: 0..<5, using: &rng)],
          at: Int.random(in: 0...bytes.count, using: &rng))
        result.append(bytes)
      default:  // mutated valid lines
        result.append(Array(mutate(corpus.randomElement(using: &rng) ?? "", &rng).utf8))
      }
    }
    return result
  }

  @Test func hundredThousandBadLines() throws {
    let lines = Self.lines(count: 110_000)
    #expect(lines.count >= 100_000)
    var h = try Harness()
    var failures = 0
    var successes = 0
    for (index, bytes) in lines.enumerated() {
      if index % 2000 == 0 {
        // A fresh session now and then keeps the state small to compare.
        h = try Harness()
        h.script(Self.facts.joined(separator: "\n"))
        #expect(h.console.errLines.isEmpty)
      }
      if let text = String(validating: bytes, as: UTF8.self),
        (try? Parser.parse(text)).flatMap({ statement in
          switch statement {
          case .source, .importCSV: return true
          default: return false
          }
        }) == true
      {
        // `source` would run whatever file the fuzz names, and `import-csv`
        // read it (its errors name the CSV file: ImportCSVTests fuzzes it).
        continue
      }
      let count = h.eventCount
      let state = h.session.state
      h.console.reset()
      let outcome = h.session.execute(bytes: bytes, origin: .repl)
      let errors = h.console.errLines
      if outcome == .failed {
        failures += 1
        let shown = String(decoding: bytes.prefix(200), as: UTF8.self)
        guard errors.count == 1, errors[0].hasPrefix("error: "), !errors[0].contains("\n") else {
          Issue.record("line \(index) '\(shown)': \(errors.count) error lines: \(errors.prefix(3))")
          continue
        }
        if h.eventCount != count || h.session.state != state {
          Issue.record("line \(index) '\(shown)' failed but changed the store or the state")
        }
        if h.console.outLines.contains(where: { $0.hasPrefix("@") }) {
          Issue.record("line \(index) '\(shown)' failed but confirmed a write")
        }
      } else {
        successes += 1
        #expect(errors.isEmpty, "line \(index) succeeded but printed \(errors)")
      }
    }
    print("fuzz: \(lines.count) lines, \(failures) refused, \(successes) accepted")
    #expect(failures > lines.count / 2)
    #expect(successes > 1000)
  }
}
