import EthosDomain
import EthosJSON
import TestSupport
import Testing

@testable import EthosEngine

/// SPEC §3.1: after `retract @N`, "projections ignore it". Over random valid
/// scripts that retract random observations, every figure equals the figure
/// of the same script with the retracted statements and the retractions
/// left out: a retraction is exactly as if the observation was never logged,
/// whatever came after it (follow-ups, losses, windows, stress).
@Suite struct RetractPropertyTests {
  static let seeds: [UInt64] = Array(1...60)

  static let queries = [
    "culture", "matrix", "culture window=2d", "matrix window=36h", "employees all", "customers all", "partners",
    "champions", "team", "promises", "stresses", "plan", "at-risk",
  ]

  /// `document` without its `asOf` (the two logs differ in length, not in
  /// what they say), and without the plan's baselines: a baseline is the
  /// value measured when the deficiency was identified, recorded on its
  /// event (SPEC §5), so it keeps what was counted then.
  static func figures(_ document: JSON) -> JSON {
    switch document {
    case .object(let object):
      var kept = JSONObject()
      for (key, value) in object.pairs where key != "asOf" && key != "baseline" { kept[key] = figures(value) }
      return .object(kept)
    case .array(let items):
      return .array(items.map(figures))
    default:
      return document
    }
  }

  @Test(arguments: seeds)
  func retractedIsAsIfNeverLogged(seed: UInt64) throws {
    let full = try Harness()
    // Snapshots often, so retractions land on both sides of them.
    full.session.snapshotInterval = 1 + Int(seed % 7)
    var generator = ScriptGenerator(seed: seed)
    var lines = ["clock 2021-03-01T08:00"]
    full.session.execute(lines[0])
    // The line that appended each seq, and what each retraction names.
    var lineOfSeq = [Int: Int]()
    var retracted = Set<Int>()
    var retractions = Set<Int>()
    for _ in 0..<(80 + Int(seed % 80)) {
      let before = full.session.state.headSeq
      let (line, failed) = generator.step(on: full.session)
      #expect(!failed, "seed \(seed): \(line)")
      for seq in (before + 1)...max(before + 1, full.session.state.headSeq) where seq > before {
        lineOfSeq[seq] = lines.count
      }
      if line.hasPrefix("retract @"), let seq = Int(line.dropFirst(9).prefix { $0.isNumber }) {
        retracted.insert(seq)
        retractions.insert(lines.count)
      }
      lines.append(line)
    }
    let dropped = retractions.union(retracted.compactMap { lineOfSeq[$0] })
    let short = try Harness()
    for (index, line) in lines.enumerated() where !dropped.contains(index) {
      #expect(short.session.execute(line) != .failed, "seed \(seed): \(line) without the retracted lines")
    }
    for query in Self.queries {
      #expect(
        Self.figures(try full.json(query)) == Self.figures(try short.json(query)),
        "seed \(seed): \(query) with \(retracted.count) retracted")
    }
    // Each party's profile and last events, told apart by what they say, not
    // by seq or script line (the two logs number them differently).
    for id in full.session.state.owners.keys.sorted() where full.session.state.admits(id, as: .knownParty) {
      #expect(
        Self.profile(try full.json("who \(id)")) == Self.profile(try short.json("who \(id)")),
        "seed \(seed): who \(id) with \(retracted.count) retracted")
    }
  }

  /// A `who` document with its events as (type, time, summary).
  static func profile(_ document: JSON) -> JSON {
    guard case .object(var object) = document else { return document }
    let items = object["events"]?["items"]?.arrayValue ?? []
    object["events"] = .array(
      items.map { item in
        .array([item["type"] ?? .null, item["occurredAt"] ?? .null, item["summary"] ?? .null])
      })
    return .object(object)
  }

  /// The case the property found: a `lead` before a window, retracted inside
  /// it, was still the window's last lead (the state before the window was
  /// folded with the retractions known at the window's start).
  @Test func aLeadRetractedInsideAWindowIsNotItsLastLead() throws {
    let h = try Harness()
    h.script(
      """
      clock 2021-03-01T08:00
      hire lee "Lee" dept=ops level=leader
      lead lee model
      clock +5d
      lead lee review
      clock +5d
      retract @3 "recorded by mistake"
      """)
    // The window is the last three days: both leads lie before it.
    let recency = try h.json("culture window=3d")["indicators"]?["leadershipRecency"]
    #expect(recency?["n"] == 1, "one lead stands")
    #expect(recency?["value"] == 10.0, "the last lead is the one ten days ago, not the retracted one")
  }
}
