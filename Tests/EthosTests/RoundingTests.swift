import Testing

@testable import EthosProjections

/// `Rounding.round` decides most values without printf; every answer must
/// still be printf's (the exact binary value rounded, ties to even).
@Suite struct RoundingTests {
  @Test(arguments: [
    (0.0625, 3, 0.062),  // an exact tie: to even
    (0.0675, 3, 0.068),  // just above the tie in binary
    (0.0005, 3, 0.001),  // likewise, and ×1000 is exactly 0.5 in doubles
    (2.675, 2, 2.67),  // just below it (Python's own example)
    (-0.0004, 3, 0.0),  // no negative zero
    (-1.2345, 3, -1.234),
    (1e300, 3, 1e300),
  ])
  func knownValues(value: Double, places: Int, expected: Double) {
    #expect(Rounding.round(value, places) == expected)
    #expect(Rounding.round(value, places) == Rounding.printed(value, places))
  }

  @Test func agreesWithPrintf() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200_000 {
      let places = Int.random(in: 0...4, using: &generator)
      let magnitude = [1.0, 10, 1_000, 1e7][Int.random(in: 0...3, using: &generator)]
      // Values on the grid of a fraction (means of small counts) hit the ties.
      let value =
        Bool.random(using: &generator)
        ? Double.random(in: -magnitude...magnitude, using: &generator)
        : Double(Int.random(in: -5_000...5_000, using: &generator)) / Double(Int.random(in: 1...64, using: &generator))
      #expect(Rounding.round(value, places) == Rounding.printed(value, places), "\(value) to \(places)")
    }
  }
}
