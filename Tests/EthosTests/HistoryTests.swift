import EthosEngine
import EthosJSON
import TestSupport
import Testing

@Suite struct HistoryTests {
  static let log = """
    clock 2021-03-01T09:00
    hire ana "Ana" dept=desk
    hire ben "Ben" dept=desk
    clock 2021-03-02T09:00
    customer acme "Acme"
    log ana with acme outcome=+2
    log ben with ana outcome=-1
    clock 2021-03-03T09:00
    log ana with acme outcome=+1
    """

  static func seqs(_ h: Harness, _ query: String) throws -> [JSON] {
    try h.json(query)["items"]?.arrayValue?.compactMap { $0["seq"] } ?? []
  }

  @Test func filters() throws {
    let h = try Harness()
    h.script(Self.log)
    #expect(try Self.seqs(h, "history") == [1, 2, 3, 4, 5, 6])
    #expect(try Self.seqs(h, "history type=InteractionLogged") == [4, 5, 6])
    #expect(try Self.seqs(h, "history who=ben") == [2, 5])
    #expect(try Self.seqs(h, "history last=2") == [5, 6])
    #expect(try Self.seqs(h, "history since=@2 until=@4") == [2, 3, 4])
    // A time bound takes every event at that time, not only the last of them.
    #expect(try Self.seqs(h, "history since=2021-03-02T09:00") == [3, 4, 5, 6])
    #expect(try Self.seqs(h, "history since=2021-03-02") == [3, 4, 5, 6])
    #expect(try Self.seqs(h, "history until=2021-03-02T09:00") == [1, 2, 3, 4, 5])
    #expect(try Self.seqs(h, "history since=2021-03-02T09:00 until=2021-03-02T09:00 who=ana") == [4, 5])
    #expect(try Self.seqs(h, "history since=2021-03-04") == [])
  }

  @Test func showIsTheWholeEnvelope() throws {
    let h = try Harness()
    h.script(Self.log)
    let shown = try h.json("show @5")
    #expect(
      shown.objectValue?.keys == [
        "seq", "type", "version", "occurredAt", "recordedAt", "actor", "origin", "command", "data", "prevHash", "hash",
        "retracted",
      ])
    #expect(shown["command"] == "log ben with ana outcome=-1")
    #expect(shown["origin"] == "repl")
    #expect(shown["actor"] == "tester")
    #expect(shown["prevHash"] == (try h.json("show @4"))["hash"])
  }
}
