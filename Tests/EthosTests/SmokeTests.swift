import EthosJSON
import TestSupport
import Testing

@Suite struct SmokeTests {
  @Test func hireLogAndMatrix() throws {
    let h = try Harness()
    h.script(
      """
      clock 2021-01-04T08:00
      hire ana "Ana" dept=front-desk
      customer acme "Acme"
      log ana with acme outcome=+2 mode=relationship
      """)
    #expect(h.eventCount == 3)
    let matrix = try h.json("matrix")
    #expect(matrix["cells"]?["customers"]?["normal"]?["interactions"] == .int(1))
    #expect(matrix["weakest"] == .string("customers/normal"))
  }
}
