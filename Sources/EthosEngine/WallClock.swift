import EthosDomain

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The wall clock: `recordedAt` of appended events, and `clock live`.
public protocol WallClock: Sendable {
  /// Now, with millisecond precision.
  func now() -> (time: Timestamp, milliseconds: Int)
}

extension WallClock {
  /// ISO 8601 with milliseconds: `2026-11-23T12:00:00.123Z`.
  public func recordedAt() -> String {
    let (time, ms) = now()
    return Self.recordedAt(time: time, milliseconds: ms)
  }

  /// The `recordedAt` text of an instant.
  public static func recordedAt(time: Timestamp, milliseconds ms: Int) -> String {
    let iso = time.iso
    let fraction = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
    return String(iso.dropLast()) + "." + fraction + "Z"
  }
}

/// The system's real-time clock.
public struct SystemClock: WallClock {
  public init() {}

  public func now() -> (time: Timestamp, milliseconds: Int) {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return (Timestamp(seconds: Int64(spec.tv_sec)), Int(spec.tv_nsec / 1_000_000))
  }
}

/// A clock stopped at one instant: deterministic tests and transcripts
/// (`ETHOS_NOW` in the environment selects it).
public struct FixedClock: WallClock {
  public let time: Timestamp

  public init(_ time: Timestamp) { self.time = time }

  public func now() -> (time: Timestamp, milliseconds: Int) { (time, 0) }
}
