#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Rounds figures the way SPEC §5 prints them: the exact decimal nearest the
/// binary value, ties to even — the same answer as Python's `round(x, n)`, so
/// ethos and the peer agree digit for digit.
public enum Rounding {
  /// `value` rounded to `places` decimals, or `nil` for `nil`.
  public static func round(_ value: Double?, _ places: Int = 3) -> Double? {
    guard let value, value.isFinite else { return nil }
    // Nearly always decided without printf: `withVaList` casts each argument
    // to two runtime protocols, and a process's first such casts scan every
    // conformance record of the binary (2 M instructions of a `query`).
    // `scaled` is within half an ulp of the exact `value × 10^places`; below
    // 2^30 that is under 1.2e-7, so unless the fraction is that close to ½
    // both round to the same integer. Then `integer / 10^places`, one
    // correctly rounded division of exact operands, is the double nearest
    // that decimal: what `strtod` makes of printf's digits.
    if places >= 0, places < powersOfTen.count {
      let scale = powersOfTen[places]
      let scaled = value * scale
      if abs(scaled) < 0x1p30 {
        let fraction = scaled - scaled.rounded(.down)
        if abs(fraction - 0.5) > 1e-6 {
          let result = scaled.rounded(.toNearestOrEven) / scale
          return result == 0 ? 0 : result  // no negative zero in documents
        }
      }
    }
    return printed(value, places)
  }

  /// 10^0 through 10^15, each exact.
  private static let powersOfTen: [Double] = (0...15).map { places in
    (0..<places).reduce(1.0) { product, _ in product * 10 }
  }

  /// `round` by C's printf, which rounds the exact binary value correctly
  /// (glibc), as Python's round does; reading it back gives the nearest
  /// double. For near-ties and large values, and for tests to compare with.
  static func printed(_ value: Double, _ places: Int) -> Double {
    var buffer = [CChar](repeating: 0, count: 64)
    let written = withVaList([Int32(places), value]) { args in
      vsnprintf(&buffer, buffer.count, "%.*f", args)
    }
    guard written > 0, written < 64 else { return value }
    let result = strtod(buffer, nil)
    return result == 0 ? 0 : result  // no negative zero in documents
  }
}
