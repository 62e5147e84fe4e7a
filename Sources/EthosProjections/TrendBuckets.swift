import EthosDomain

/// The buckets of business time a `trend` is computed over (SPEC §5).
public enum TrendBuckets {
  /// How long a bucket is.
  public enum Unit: String, Sendable { case day, week, month }

  /// Consecutive `[from, to)` buckets of `by` (days, ISO weeks from Monday,
  /// calendar months; UTC) from the one holding `start` to the one holding `end`.
  public static func make(from start: Timestamp, through end: Timestamp, by: Unit) -> [(from: Timestamp, to: Timestamp)]
  {
    var result = [(from: Timestamp, to: Timestamp)]()
    var from = floor(start, by: by)
    while from <= end {
      let to = next(after: from, by: by)
      result.append((from, to))
      from = to
    }
    return result
  }

  /// The start of the bucket holding `time`.
  public static func floor(_ time: Timestamp, by: Unit) -> Timestamp {
    let day = time.startOfDay
    switch by {
    case .day: return day
    case .week: return Timestamp(seconds: day.seconds - Int64(day.isoWeekday - 1) * 86_400)
    case .month:
      let (year, month, _) = time.civil
      return Timestamp(year: year, month: month, day: 1)
    }
  }

  /// The start of the bucket after the one starting at `from`.
  public static func next(after from: Timestamp, by: Unit) -> Timestamp {
    switch by {
    case .day: return Timestamp(seconds: from.seconds + 86_400)
    case .week: return Timestamp(seconds: from.seconds + 7 * 86_400)
    case .month:
      let (year, month, _) = from.civil
      return month == 12 ? Timestamp(year: year + 1, month: 1, day: 1) : Timestamp(year: year, month: month + 1, day: 1)
    }
  }
}
