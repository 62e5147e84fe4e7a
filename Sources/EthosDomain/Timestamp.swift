/// A UTC instant with one-second resolution: the business time of events.
///
/// Times parse from `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`
/// (a trailing `Z` is accepted) and print as `YYYY-MM-DDTHH:MM:SSZ`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since 1970-01-01T00:00:00Z.
  public var seconds: Int64

  public init(seconds: Int64) { self.seconds = seconds }

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.seconds < rhs.seconds }

  /// Saturates rather than traps: a time read from a file can be anything.
  public static func + (lhs: Timestamp, rhs: TimeSpan) -> Timestamp {
    let (sum, overflow) = lhs.seconds.addingReportingOverflow(rhs.seconds)
    return Timestamp(seconds: overflow ? (rhs.seconds > 0 ? Int64.max : Int64.min) : sum)
  }

  /// The first instant ethos records: 0000-01-01T00:00:00Z.
  public static let earliest = Timestamp(seconds: days(fromCivil: 0, 1, 1) * 86_400)
  /// The last instant ethos records: 9999-12-31T23:59:59Z. Times print with
  /// four-digit years, and every time ethos writes must read back (SPEC §4).
  public static let latest = Timestamp(seconds: days(fromCivil: 9999, 12, 31) * 86_400 + 86_399)

  /// Whether ethos can record this time (years 0000 to 9999).
  public var isRecordable: Bool { self >= Self.earliest && self <= Self.latest }

  /// This time brought within the recordable range, for values read from a
  /// file that no rule checked.
  public var clamped: Timestamp { min(max(self, Self.earliest), Self.latest) }

  /// Fractional days from `earlier` to `self`.
  public func days(since earlier: Timestamp) -> Double {
    Double(seconds - earlier.seconds) / 86_400
  }

  /// The ISO form stored in events: `2021-01-04T08:00:00Z`.
  public var description: String { iso }

  public var iso: String {
    // Recordable times (years 0000 to 9999, all but a few read from files)
    // are written straight into the string's 20 bytes: every appended event
    // and every imported row formats one.
    guard isRecordable else {
      let (date, h, m, s) = parts
      return "\(date)T\(Self.pad2(h)):\(Self.pad2(m)):\(Self.pad2(s))Z"
    }
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = Int(seconds - days * 86_400)
    let (year, month, day) = Self.civil(fromDays: days)
    return String(unsafeUninitializedCapacity: 20) { out in
      func put(_ value: Int, at index: Int, digits: Int) {
        var value = value
        for offset in stride(from: index + digits - 1, through: index, by: -1) {
          out[offset] = UInt8(ascii: "0") + UInt8(value % 10)
          value /= 10
        }
      }
      put(year, at: 0, digits: 4)
      out[4] = UInt8(ascii: "-")
      put(month, at: 5, digits: 2)
      out[7] = UInt8(ascii: "-")
      put(day, at: 8, digits: 2)
      out[10] = UInt8(ascii: "T")
      put(rest / 3600, at: 11, digits: 2)
      out[13] = UInt8(ascii: ":")
      put(rest / 60 % 60, at: 14, digits: 2)
      out[16] = UInt8(ascii: ":")
      put(rest % 60, at: 17, digits: 2)
      out[19] = UInt8(ascii: "Z")
      return 20
    }
  }

  /// The short form of the prompt: `2021-01-04 08:00`.
  public var short: String {
    let (date, h, m, _) = parts
    return "\(date) \(Self.pad2(h)):\(Self.pad2(m))"
  }

  /// The calendar date alone: `2021-01-04`.
  public var date: String { parts.date }

  private var parts: (date: String, hour: Int, minute: Int, second: Int) {
    let days = Int64((Double(seconds) / 86_400).rounded(.down))
    let rest = Int(seconds - days * 86_400)
    let (y, mo, d) = Self.civil(fromDays: days)
    let year = y < 0 ? "-" + Self.pad(-y, 4) : Self.pad(y, 4)
    return ("\(year)-\(Self.pad2(mo))-\(Self.pad2(d))", rest / 3600, rest / 60 % 60, rest % 60)
  }

  /// Midnight UTC of the same day.
  public var startOfDay: Timestamp {
    let days = Int64((Double(seconds) / 86_400).rounded(.down))
    return Timestamp(seconds: days * 86_400)
  }

  /// The calendar components (year, month, day) of this instant in UTC.
  public var civil: (year: Int, month: Int, day: Int) {
    Self.civil(fromDays: Int64((Double(seconds) / 86_400).rounded(.down)))
  }

  /// 1 = Monday … 7 = Sunday.
  public var isoWeekday: Int {
    let days = Int64((Double(seconds) / 86_400).rounded(.down))
    // 1970-01-01 was a Thursday (4).
    return Int(((days % 7) + 7 + 3) % 7) + 1
  }

  /// Parses the three accepted time forms; `nil` when `text` is none of them.
  public init?(parsing text: String) {
    var text = Substring(text)
    if text.hasSuffix("Z") { text = text.dropLast() }
    let bytes = Array(text.utf8)
    func number(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= bytes.count else { return nil }
      var value = 0
      for index in range {
        let byte = bytes[index]
        guard byte >= 0x30 && byte <= 0x39 else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      return value
    }
    guard bytes.count == 10 || bytes.count == 16 || bytes.count == 19,
      let year = number(0..<4), bytes[4] == UInt8(ascii: "-"),
      let month = number(5..<7), bytes[7] == UInt8(ascii: "-"),
      let day = number(8..<10)
    else { return nil }
    var hour = 0
    var minute = 0
    var second = 0
    if bytes.count >= 16 {
      guard bytes[10] == UInt8(ascii: "T"), let h = number(11..<13), bytes[13] == UInt8(ascii: ":"),
        let m = number(14..<16)
      else { return nil }
      hour = h
      minute = m
    }
    if bytes.count == 19 {
      guard bytes[16] == UInt8(ascii: ":"), let s = number(17..<19) else { return nil }
      second = s
    }
    self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
  }

  /// A UTC time from its calendar and clock parts; `nil` when they name no
  /// time (month 13, February 30, 24:00). Years 0000 to 9999, as parsed.
  public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
    guard (0...9999).contains(year), (1...12).contains(month), day >= 1,
      day <= Self.daysIn(month: month, year: year), (0..<24).contains(hour), (0..<60).contains(minute),
      (0..<60).contains(second)
    else { return nil }
    let days = Self.days(fromCivil: year, month, day)
    self.seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
  }

  /// Builds a timestamp from calendar components (UTC midnight).
  public init(year: Int, month: Int, day: Int) {
    self.seconds = Self.days(fromCivil: year, month, day) * 86_400
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  // Days <-> civil date conversion after Howard Hinnant's public-domain
  // "chrono-compatible low-level date algorithms" (era-based, proleptic
  // Gregorian). Written out here because Foundation's calendar is far slower
  // and only this one conversion is needed.
  static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let m = Int64(month)
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  static func civil(fromDays days: Int64) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
  }

  private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
  private static func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
  }
}

/// A span of time written `N` + `m`, `h`, `d` or `w`.
public struct TimeSpan: Sendable, Hashable, CustomStringConvertible {
  public var seconds: Int64
  public var text: String

  public init?(parsing text: String) {
    guard let unit = text.last, text.count >= 2, let count = Int64(text.dropLast()), count >= 0,
      count <= 1_000_000
    else { return nil }
    let scale: Int64
    switch unit {
    case "m": scale = 60
    case "h": scale = 3600
    case "d": scale = 86_400
    case "w": scale = 604_800
    default: return nil
    }
    self.seconds = count * scale
    self.text = text
  }

  public var description: String { text }
}

/// A due date: a time, or a duration after the moment the statement is recorded.
public enum Due: Sendable, Hashable {
  case at(Timestamp)
  case after(TimeSpan)

  public func resolve(now: Timestamp) -> Timestamp {
    switch self {
    case .at(let time): return time
    case .after(let duration): return now + duration
    }
  }
}
