import EthosDomain
import EthosJSON
import Testing

/// The hand-written fast paths for InteractionLogged, FeedbackReceived and
/// CustomerRegistered must give exactly the bytes and values of the general
/// JSON path: they are hashed and stored.
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

  static let surveyEvents: [Event] = [
    .feedbackReceived(customer: "c1", score: 0, about: nil, comment: nil),
    .feedbackReceived(
      customer: "customer.4943-example.com", score: 10, about: "ana", comment: "said \"hi\", \\ then\nleft"),
    .feedbackReceived(customer: "c", score: 7, about: nil, comment: "Zé \u{2028} naïve\u{01}\t"),
    .feedbackReceived(customer: "c", score: 3, about: "b-2", comment: nil),
    .customerRegistered(id: "c1", name: "C One", segment: nil, key: nil),
    .customerRegistered(id: "c.2", name: "B \"Bob\" O\\", segment: "business", key: "C.2@Example.com"),
    .customerRegistered(id: "z", name: "Zoë\u{1F}", segment: "", key: nil),
    .customerRegistered(id: "k", name: "K", segment: nil, key: "k\u{2029}"),
  ]

  @Test(arguments: interactions + surveyEvents)
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

  /// JSON strings escape what JSON requires and nothing else, byte for byte
  /// as they always did (the hash chain depends on it); the display form also
  /// escapes U+2028 and U+2029.
  @Test(arguments: [
    ("plain é 😀", #""plain é 😀""#, #""plain é 😀""#),
    ("q\"\\\n\r\t\u{08}\u{0C}", #""q\"\\\n\r\t\b\f""#, #""q\"\\\n\r\t\b\f""#),
    ("\u{00}\u{01}\u{1F}\u{7F}", #""\u0000\u0001\u001f\#u{7F}""#, #""\u0000\u0001\u001f\#u{7F}""#),
    ("a\u{2028}b\u{2029}c\u{2027}\"", "\"a\u{2028}b\u{2029}c\u{2027}\\\"\"", #""a\u2028b\u2029c\#u{2027}\"""#),
    ("€\"", #""€\"""#, #""€\"""#),
  ])
  func stringEscapes(_ value: String, canonical: String, display: String) {
    var text = ""
    JSON.writeString(value, to: &text)
    #expect(text == canonical)
    var bytes = [UInt8]()
    JSON.writeString(value, to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == canonical)
    var shown = ""
    JSON.writeString(value, to: &shown, forDisplay: true)
    #expect(shown == display)
  }
}
