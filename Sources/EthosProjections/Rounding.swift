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
    // C's printf rounds the exact binary value correctly (glibc), which is
    // what Python's round does; reading it back gives the nearest double.
    var buffer = [CChar](repeating: 0, count: 64)
    let written = withVaList([Int32(places), value]) { args in
      vsnprintf(&buffer, buffer.count, "%.*f", args)
    }
    guard written > 0, written < 64 else { return value }
    let result = strtod(buffer, nil)
    return result == 0 ? 0 : result  // no negative zero in documents
  }
}
