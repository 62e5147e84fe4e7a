/// Maps a continuous domain onto a range of pixels, and picks "nice" ticks
/// for it (steps of 1, 2 or 5 times a power of ten), as d3-scale does.
public struct LinearScale: Sendable, Equatable {
  public let domain: ClosedRange<Double>
  public let range: ClosedRange<Double>
  /// Whether the range runs the other way (an SVG y axis grows downwards).
  public let inverted: Bool

  public init(domain: ClosedRange<Double>, range: ClosedRange<Double>, inverted: Bool = false) {
    // A domain of one value (a single point, a flat series) still needs width.
    if domain.lowerBound == domain.upperBound {
      let pad = domain.lowerBound == 0 ? 1 : abs(domain.lowerBound) * 0.5
      self.domain = (domain.lowerBound - pad)...(domain.upperBound + pad)
    } else {
      self.domain = domain
    }
    self.range = range
    self.inverted = inverted
  }

  /// The pixel position of `value` (values outside the domain extrapolate).
  public func callAsFunction(_ value: Double) -> Double {
    let t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
    let span = range.upperBound - range.lowerBound
    return inverted ? range.upperBound - t * span : range.lowerBound + t * span
  }

  /// `value` forced into the domain.
  public func clamped(_ value: Double) -> Double {
    min(max(value, domain.lowerBound), domain.upperBound)
  }

  /// The tick step for about `count` ticks over the domain: 1, 2 or 5 × 10^k.
  public func tickStep(count: Int = 5) -> Double {
    LinearScale.niceStep(span: domain.upperBound - domain.lowerBound, count: count)
  }

  /// Tick values inside the domain, multiples of `tickStep(count:)`.
  public func ticks(count: Int = 5) -> [Double] {
    let step = tickStep(count: count)
    let first = (domain.lowerBound / step).rounded(.up)
    let last = (domain.upperBound / step).rounded(.down)
    guard first <= last, last - first < 1000 else { return [] }
    // Multiply integers by the step (never add steps up) so 0.1 × 3 prints 0.3.
    return stride(from: first, through: last, by: 1).map { LinearScale.clean($0 * step, step: step) }
  }

  /// This scale with its domain widened to whole tick steps.
  public func niced(count: Int = 5) -> LinearScale {
    let step = tickStep(count: count)
    let low = LinearScale.clean((domain.lowerBound / step).rounded(.down) * step, step: step)
    let high = LinearScale.clean((domain.upperBound / step).rounded(.up) * step, step: step)
    return LinearScale(domain: low...high, range: range, inverted: inverted)
  }

  /// A tick label: as many decimals as the step needs, no float noise.
  public func label(_ value: Double, count: Int = 5) -> String {
    LinearScale.format(value, step: tickStep(count: count))
  }

  static func niceStep(span: Double, count: Int) -> Double {
    guard span > 0, span.isFinite, count > 0 else { return 1 }
    let raw = span / Double(count)
    var power = 1.0
    while power * 10 <= raw { power *= 10 }
    while power > raw { power /= 10 }
    let fraction = raw / power
    let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
    return nice * power
  }

  /// The number of decimals a step needs (0.25 needs 2, 5 needs 0).
  static func decimals(for step: Double) -> Int {
    var decimals = 0
    var scaled = step
    while decimals < 6, abs(scaled - scaled.rounded()) > 1e-9 {
      scaled *= 10
      decimals += 1
    }
    return decimals
  }

  static func clean(_ value: Double, step: Double) -> Double {
    let factor = pow10(decimals(for: step))
    let rounded = (value * factor).rounded() / factor
    return rounded == 0 ? 0 : rounded  // no "-0"
  }

  /// `value` with the decimals `step` needs.
  public static func format(_ value: Double, step: Double) -> String {
    fixed(clean(value, step: step), decimals: decimals(for: step))
  }

  /// `value` with exactly `decimals` digits after the point, without Foundation.
  public static func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return "" }
    let factor = pow10(decimals)
    let scaled = (abs(value) * factor).rounded()
    let negative = value < 0 && scaled != 0
    var digits = String(Int64(scaled))
    if decimals > 0 {
      if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
    }
    return (negative ? "-" : "") + digits
  }

  static func pow10(_ n: Int) -> Double {
    var result = 1.0
    for _ in 0..<max(0, n) { result *= 10 }
    return result
  }
}
