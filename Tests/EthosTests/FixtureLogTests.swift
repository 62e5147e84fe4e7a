import EthosDomain
import EthosEngine
import EthosJSON
import EthosStore
import Foundation
import TestSupport
import Testing

/// Schema evolution (SPEC §4, issue 7): `Tests/Fixtures/v1-log.jsonl` is a
/// log written by the first ethos, one envelope per line, holding every event
/// type at version 1. It must stay readable forever: same hashes, same
/// payloads decoded, same state folded. It was made by `ethos run
/// Tests/Fixtures/v1-log.ethos --actor fixture` and a `sqlite3` JSON dump of the
/// events in the export format of SPEC §4; never regenerate it — add a new
/// fixture when a payload changes shape.
@Suite struct FixtureLogTests {
  static let path = Transcripts.root + "/Tests/Fixtures/v1-log.jsonl"

  static func envelopes() throws -> [Envelope] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let o = try JSON.parse(String(line))
      let field = { (key: String) throws -> String in
        try #require(o[key]?.stringValue, "\(key) missing in \(line.prefix(80))")
      }
      return Envelope(
        seq: try #require(o["seq"]?.intValue), type: try field("type"), version: try #require(o["version"]?.intValue),
        occurredAt: try #require(Timestamp(parsing: try field("occurredAt"))), recordedAt: try field("recordedAt"),
        actor: try field("actor"), origin: try field("origin"), command: try field("command"),
        data: try #require(o["data"]).canonical, prevHash: try field("prevHash"), hash: try field("hash"))
    }
  }

  @Test func everyV1EventStillChainsAndDecodes() throws {
    let log = try Self.envelopes()
    #expect(log.count == 33)
    // Every type of the first ethos: SubjectForgotten came with sealed personal data.
    #expect(
      Set(log.map(\.type)) == Set(EventType.allCases.map(\.rawValue)).subtracting(["SubjectForgotten"]),
      "the fixture must hold every event type")
    #expect(log.allSatisfy { $0.version == 1 })
    var previous = Envelope.genesisHash
    for (index, envelope) in log.enumerated() {
      #expect(envelope.seq == index + 1)
      #expect(envelope.prevHash == previous, "@\(envelope.seq) does not chain")
      #expect(envelope.expectedHash == envelope.hash, "@\(envelope.seq): its hash no longer matches its contents")
      #expect(throws: Never.self, "@\(envelope.seq) no longer decodes") { _ = try envelope.decoded() }
      previous = envelope.hash
    }
  }

  /// Appending the fixture's events afresh seals them with the same hashes,
  /// and a session folds them into the state the first ethos saw.
  @Test func aSessionOpensTheOldLog() throws {
    let log = try Self.envelopes()
    let store = MemoryStore()
    let pending = log.map {
      PendingEvent(
        type: $0.type, version: $0.version, occurredAt: $0.occurredAt, recordedAt: $0.recordedAt, actor: $0.actor,
        origin: $0.origin, command: $0.command, data: $0.data)
    }
    let sealed = try store.append(pending, to: "main", expectedHead: 0)
    #expect(sealed.map(\.hash) == log.map(\.hash))
    #expect(try store.verify("main") == nil)

    let h = try Harness(store: store)
    let state = h.session.state
    #expect(state.headSeq == 33)
    #expect(state.employees.count == 3)
    #expect(state.employees["ben"]?.departedAt != nil)
    #expect(state.employees["ana"]?.champion == false)
    #expect(state.customers["zoe"]?.lostAt != nil)
    #expect(state.customers["zoe"]?.name == "Zoë Ünal")
    #expect(state.partners["linens"]?.releasedAt != nil)
    #expect(state.promises["p1"]?.status == .kept)
    #expect(state.promises["p2"]?.status == .broken)
    #expect(state.retracted == [21])
    let matrix = try h.json("matrix")
    #expect(matrix["cells"]?["customers"]?["normal"]?["interactions"] == .int(1))
    #expect(matrix["cells"]?["staff"]?["normal"]?["interactions"] == .int(1))
    #expect(matrix["cells"]?["staff"]?["stress"]?["interactions"] == .int(1))
    #expect(state.tally.feedbackResponses == 0, "the retracted feedback @21 still counts")
    #expect(state.tally.complaints == 1)
    // And the old log takes new events.
    #expect(h.run("clock 2021-04-01", "hire cy \"Cy\"") == "@34 EmployeeHired cy \"Cy\" (general, staff)\n")
  }

  /// A version this ethos does not know is refused by name, never guessed
  /// (EmployeeHired is at version 2: the external key of an import).
  @Test func aNewerVersionIsRefusedByName() throws {
    let envelope = try #require(try Self.envelopes().first)
    #expect(
      throws: EventDecodingError(
        type: "EmployeeHired", version: 3, reason: "version 3 is newer than this ethos understands (2); upgrade ethos")
    ) { _ = try Event(type: "EmployeeHired", version: 3, data: try JSON.parse(envelope.data)) }
    #expect(throws: EventDecodingError(type: "EmployeeRehired", version: 1, reason: "unknown event type")) {
      _ = try Event(type: "EmployeeRehired", version: 1, data: try JSON.parse(envelope.data))
    }
  }
}
