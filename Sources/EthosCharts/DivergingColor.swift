/// A diverging colour scale: red for the negative end, a light neutral at the
/// midpoint, blue for the positive end (ColorBrewer's RdBu, which readers
/// with red–green colour blindness can still tell apart).
public struct DivergingColor: Sendable {
  public let domain: ClosedRange<Double>
  static let low: (Double, Double, Double) = (178, 24, 43)  // #b2182b
  static let mid: (Double, Double, Double) = (247, 247, 247)  // #f7f7f7
  static let high: (Double, Double, Double) = (33, 102, 172)  // #2166ac
  /// The fill of a cell with no data.
  public static let missing = "#e5e5e5"

  public init(domain: ClosedRange<Double>) {
    self.domain = domain
  }

  /// The colour of `value` as `#rrggbb`; values outside the domain take its ends.
  public func callAsFunction(_ value: Double?) -> String {
    guard let (r, g, b) = rgb(value) else { return DivergingColor.missing }
    return "#" + hex(r) + hex(g) + hex(b)
  }

  /// Red, green and blue (0–255) of `value`, or `nil` when there is none.
  public func rgb(_ value: Double?) -> (Double, Double, Double)? {
    guard let value, value.isFinite else { return nil }
    let middle = (domain.lowerBound + domain.upperBound) / 2
    let clamped = min(max(value, domain.lowerBound), domain.upperBound)
    let (from, to, t): ((Double, Double, Double), (Double, Double, Double), Double)
    if clamped < middle {
      (from, to, t) = (DivergingColor.mid, DivergingColor.low, (middle - clamped) / (middle - domain.lowerBound))
    } else {
      (from, to, t) = (DivergingColor.mid, DivergingColor.high, (clamped - middle) / (domain.upperBound - middle))
    }
    return (from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t, from.2 + (to.2 - from.2) * t)
  }

  /// Whether text on `value`'s colour should be white (the fill is dark).
  public func needsLightText(_ value: Double?) -> Bool {
    guard let (r, g, b) = rgb(value) else { return false }
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 140
  }

  private func hex(_ component: Double) -> String {
    let value = Int(component.rounded())
    let digits = Array("0123456789abcdef")
    return String(digits[(value >> 4) & 15]) + String(digits[value & 15])
  }
}
