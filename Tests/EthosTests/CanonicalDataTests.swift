import EthosDomain
import EthosJSON
import Testing

/// The hand-written fast paths for InteractionLogged must give exactly the
/// bytes and values of the general JSON path: they are hashed and stored.
@Suite struct CanonicalDataTests {
  static let interactions: [Event] = [
    .interactionLogged(by: "e1", with: "c1", mode: .transaction, channel: .other, outcome: 0, did: [], note: nil),
    .interactionLogged(
      by: "ana", with: "acme.travel", mode: .relationship, channel: .inPerson, outcome: 2,
      did: [.answeredOnSpot, .courteous, .resolvedPositively], note: "said \"thanks\" \\ twice"),
    .interactionLogged(
      by: "b-2", with: "p_9", mode: .transaction, channel: .phone, outcome: -2, did: [.strategicQuestion],
      note: "Zé — naïve café\nline two\u{01}"),
    .interactionLogged(
      by: "x", with: "y", mode: .relationship, channel: .email, outcome: -1,
      did: [.followedUp, .tookOwnership], note: ""),
  ]

  @Test(arguments: interactions)
  func canonicalDataMatchesTheGeneralPath(_ event: Event) throws {
    #expect(event.canonicalData == event.data.canonical)
  }

  @Test(arguments: interactions)
  func fastDecodingMatchesTheGeneralPath(_ event: Event) throws {
    var text = event.canonicalData
    var type = "InteractionLogged"
    let decoded = try type.withUTF8 { typeBytes in
      try text.withUTF8 { dataBytes in try Event(typeUTF8: typeBytes, version: 1, data: dataBytes) }
    }
    #expect(decoded == event)
    #expect(try Event(type: "InteractionLogged", version: 1, data: JSON.parse(event.canonicalData)) == event)
  }
}
