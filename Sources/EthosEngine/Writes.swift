import EthosDomain
import EthosStore

/// The writes job: how decided events are stamped for the log, and how a
/// script's or an import's writes are held until their transaction commits
/// (SPEC §7). The REPL commits each statement alone; a script holds up to
/// `batchSize` lines, an import `importBatchLines`.
///
/// The session decides and appends; this keeps what a write needs between
/// statements: the open transaction, who writes, and the times already
/// formatted.
public struct Writes {
  /// Statements per transaction when running scripts.
  public var batchSize = 1000
  /// Lines per transaction of an `import-csv` (a row is two or three: its
  /// clock and its statements). Each transaction is appended on the second
  /// core while the next is decided, so a smaller one leaves less of the
  /// last to wait for; each also copies the state it could roll back to.
  public var importBatchLines = 16_000
  /// Whether scripts group writes into transactions; off, each statement
  /// commits alone as it does in the REPL.
  public var batching = true
  /// Whether writes print their confirmation line (`import-csv` prints a
  /// summary instead of one line per event).
  var confirms = true
  /// Who records the events (`--actor`).
  let actor: String
  /// The transaction being held, if any.
  var open: Batch?
  /// The last times formatted (see `stamp`).
  private var times = TimeTexts()

  init(actor: String) {
    self.actor = actor
  }

  /// Whether writes are being held for a transaction.
  var isHolding: Bool { open != nil }

  /// Whether the open transaction holds as many lines as a script commits at once.
  var isFull: Bool { (open?.entries.count ?? 0) >= batchSize }

  /// Starts holding writes on top of `state` (nothing held before).
  mutating func hold(from state: State, clock: ClockSetting, failures: Int, storeFailed: Bool) {
    open = Batch(
      startHead: state.headSeq, startState: state, startClock: clock, failuresBefore: failures,
      storeFailedBefore: storeFailed)
  }

  /// Records a line run while holding, so a transaction beaten by another
  /// writer can be run again line for line.
  mutating func note(_ bytes: [UInt8], origin: Origin) {
    open?.entries.append((bytes, origin))
  }

  /// Keeps a line of output until the transaction commits; `false` when
  /// nothing is held and the line is to be printed now.
  mutating func withhold(_ line: String, isError: Bool) -> Bool {
    guard open != nil else { return false }
    open?.output.append((isError, line))
    return true
  }

  /// Events as the log stores them: stamped with the business time `now`,
  /// the wall time `recorded` (seconds, milliseconds), who wrote them, where
  /// from and the statement as written.
  mutating func stamp(
    _ events: [Event], now: Timestamp, recorded: (time: Timestamp, milliseconds: Int), line: String, origin: Origin
  ) -> [PendingEvent] {
    // A script stamps thousands of statements with the same business time and
    // the same wall-clock millisecond: format each once.
    if times.recordedKey != (recorded.time.seconds, recorded.milliseconds) {
      times.recordedKey = (recorded.time.seconds, recorded.milliseconds)
      times.recorded = SystemClock.recordedAt(time: recorded.time, milliseconds: recorded.milliseconds)
    }
    let occurredISO = iso(now)
    var command = line.trimmingSpaces
    // A pulse answer is anonymous: the stored statement names the department
    // only, even when it was typed with the employee's id.
    if case .pulseRecorded(let dept?, let score)? = events.first {
      // An imported answer keeps its row key (see ImportKeyMark).
      let mark = ImportKeyMark.recorded(in: command).map { ImportKeyMark.marker + $0 } ?? ""
      command = "pulse dept=\(dept) score=\(score)" + mark
    }
    let origin = origin.recorded
    let recordedAt = times.recorded
    return events.map {
      PendingEvent(
        $0, occurredAt: now, occurredAtISO: occurredISO, recordedAt: recordedAt, actor: actor, origin: origin,
        command: command)
    }
  }

  /// `time` as ISO 8601, formatted once while it stays the same.
  mutating func iso(_ time: Timestamp) -> String {
    if times.occurred != time {
      times.occurred = time
      times.occurredISO = time.iso
    }
    return times.occurredISO
  }
}

/// Writes of a script held in memory until their transaction commits: no
/// line is reported done before it is durable (SPEC §7).
struct Batch {
  var startHead: Int
  var startState: State
  var startClock: ClockSetting
  var events: [PendingEvent] = []
  /// Every line run while the batch was open, in order, as read.
  var entries: [(bytes: [UInt8], origin: Origin)] = []
  var output: [(isError: Bool, text: String)] = []
  /// The session's failure count before the batch, restored if it is re-run.
  var failuresBefore: Int
  var storeFailedBefore: Bool
}

/// Formatted times reused while they stay the same.
private struct TimeTexts {
  var recordedKey: (Int64, Int) = (Int64.min, 0)
  var recorded = ""
  var occurred = Timestamp(seconds: Int64.min)
  var occurredISO = ""
}
