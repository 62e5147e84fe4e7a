/// Why the decider refused a command: one line a person reads, saying what is
/// wrong and how to fix it. Every message the domain can produce is built here.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A stable name for the rule that failed, for tests and tooling.
  public let rule: String
  public let message: String

  public var description: String { message }

  init(_ rule: String, _ message: String) {
    self.rule = rule
    self.message = message
  }

  static func idTaken(_ id: String, by owner: IdOwner, detail: String?) -> DomainError {
    let who = detail.map { "\(article(owner)) \(owner.rawValue) (\($0))" } ?? "\(article(owner)) \(owner.rawValue)"
    return DomainError("id-taken", "id '\(id)' is already taken by \(who) — ids are never reused; choose another id")
  }

  static func reservedId(_ id: String) -> DomainError {
    DomainError("id-reserved", "id '\(id)' is reserved for statements by the company — choose another id")
  }

  static func forgotten(_ id: String, at seq: Int) -> DomainError {
    DomainError(
      "forgotten",
      "'\(id)' was forgotten at @\(seq) (their personal data was erased) — nothing more can be recorded about them")
  }

  static func cannotForgetCompany() -> DomainError {
    DomainError(
      "forget-company", "'company' is the organisation itself, not a person — it holds no personal data to forget")
  }

  static func notAParty(_ id: String, is owner: IdOwner) -> DomainError {
    DomainError(
      "forget-not-party",
      "'\(id)' is \(article(owner)) \(owner.rawValue), not a person — forget names an employee, partner or customer")
  }

  static func unknown(_ what: String, _ id: String, suggestion: String?, hint: String) -> DomainError {
    if let suggestion {
      return DomainError("unknown-id", "unknown \(what) '\(id)' — did you mean '\(suggestion)'?")
    }
    return DomainError("unknown-id", "unknown \(what) '\(id)' — \(hint)")
  }

  static func wrongKind(_ id: String, is owner: IdOwner, expected: String) -> DomainError {
    DomainError("wrong-kind", "'\(id)' is \(article(owner)) \(owner.rawValue), not \(expected)")
  }

  static func departed(_ id: String, on date: Timestamp?) -> DomainError {
    DomainError("inactive", "employee '\(id)' departed\(on(date)) — choose an active employee")
  }

  static func lost(_ id: String, on date: Timestamp?) -> DomainError {
    DomainError("inactive", "customer '\(id)' was lost\(on(date)) — choose an active customer")
  }

  static func released(_ id: String, on date: Timestamp?) -> DomainError {
    DomainError("inactive", "partner '\(id)' was released\(on(date)) — choose an engaged partner")
  }

  static func alreadyDeparted(_ id: String, on date: Timestamp?) -> DomainError {
    DomainError("already", "employee '\(id)' already departed\(on(date))")
  }

  static func alreadyLost(_ id: String, on date: Timestamp?) -> DomainError {
    DomainError("already", "customer '\(id)' was already lost\(on(date))")
  }

  static func alreadyReleased(_ id: String, on date: Timestamp?) -> DomainError {
    DomainError("already", "partner '\(id)' was already released\(on(date))")
  }

  static func alreadyChampion(_ id: String) -> DomainError {
    DomainError("already", "'\(id)' is already a champion — use 'unchampion \(id)' first to name them again")
  }

  static func notChampion(_ id: String) -> DomainError {
    DomainError("not-champion", "'\(id)' is not a champion — 'champions' lists the current ones")
  }

  static func alreadyOnTeam(_ id: String) -> DomainError {
    DomainError("already", "'\(id)' is already on the service team")
  }

  static func notOnTeam(_ id: String) -> DomainError {
    DomainError("not-on-team", "'\(id)' is not on the service team — 'team' lists its members")
  }

  static func notLeader(_ id: String, level: Level) -> DomainError {
    DomainError(
      "not-leader", "'\(id)' is level=\(level.rawValue) — only leaders (level=leader) record 'lead' activities")
  }

  static func selfInteraction(_ id: String) -> DomainError {
    DomainError("self", "'\(id)' cannot log an interaction with themself — name the other party after 'with'")
  }

  static func selfPromise(_ id: String) -> DomainError {
    DomainError("self", "'\(id)' cannot make a promise to themself — name the party it is made to after 'to'")
  }

  static func promiseClosed(_ id: String, _ status: PromiseStatus) -> DomainError {
    DomainError(
      "promise-closed", "promise '\(id)' was already \(status.rawValue) — only open promises can be kept or broken")
  }

  static func unknownDepartment(_ dept: String, known: [String], suggestion: String?) -> DomainError {
    if let suggestion {
      return DomainError("unknown-dept", "unknown department '\(dept)' — did you mean '\(suggestion)'?")
    }
    let list = known.isEmpty ? "none yet: hire someone into it first" : "known: " + known.joined(separator: ", ")
    return DomainError("unknown-dept", "no employee was ever hired into department '\(dept)' — \(list)")
  }

  static func stressEnded(_ id: String, on date: Timestamp?) -> DomainError {
    DomainError("stress-ended", "stress window '\(id)' already ended\(on(date))")
  }

  static func actionDone(_ id: String, on date: Timestamp?) -> DomainError {
    DomainError("action-done", "action '\(id)' was already done\(on(date))")
  }

  static func unknownArea(_ area: String, suggestion: String?) -> DomainError {
    let fix = suggestion.map { "did you mean '\($0)'?" } ?? "use a 'culture' indicator name or 'matrix'"
    return DomainError("unknown-area", "unknown area '\(area)' — \(fix)")
  }

  static func noActiveStaff(_ dept: String) -> DomainError {
    DomainError(
      "no-active-staff",
      "department '\(dept)' has no active employee — a pulse answer comes from someone working there now")
  }

  static func targetWithoutIndicator(_ area: String?) -> DomainError {
    let now = area.map { "area=\($0) is not an indicator" } ?? "there is no area="
    return DomainError(
      "target-without-indicator", "target= needs area= naming a 'culture' indicator (\(now)) — add area=INDICATOR")
  }

  static func noSuchEvent(_ seq: Int, head: Int) -> DomainError {
    let range = head == 0 ? "the log is empty" : "the log runs from @1 to @\(head)"
    return DomainError("no-event", "there is no event @\(seq) — \(range)")
  }

  static func notObservation(_ seq: Int, type: String) -> DomainError {
    DomainError(
      "not-observation",
      "@\(seq) is \(type), which records a change of state, not an observation — only InteractionLogged, "
        + "FeedbackReceived, ComplaintReceived, PulseRecorded, StatementMade, TrainingCompleted and "
        + "LeadershipActed can be retracted")
  }

  static func alreadyRetracted(_ seq: Int) -> DomainError {
    DomainError("already-retracted", "@\(seq) is already retracted")
  }

  static func duplicateTrainee(_ id: String) -> DomainError {
    DomainError("duplicate", "'\(id)' is listed twice — name each employee once")
  }

  /// The clock rule of SPEC §3.2.
  public static func clockBeforeHead(_ time: Timestamp, head: Timestamp, seq: Int) -> DomainError {
    DomainError(
      "clock-before-head",
      "the clock cannot move to \(time.iso), before the last event (@\(seq) at \(head.iso)) — "
        + "choose \(head.iso) or later")
  }

  private static func on(_ date: Timestamp?) -> String {
    date.map { " on \($0.date)" } ?? ""
  }

  private static func article(_ owner: IdOwner) -> String {
    owner == .employee || owner == .action ? "an" : "a"
  }
}

extension DomainError {
  // MARK: events checked on import (SPEC §7)

  static func outOfRange(_ field: String, _ value: Int, _ bounds: ClosedRange<Int>) -> DomainError {
    DomainError(
      "out-of-range",
      "\(field) is \(value); it must be a whole number from \(bounds.lowerBound) to \(bounds.upperBound)")
  }

  static func malformed(_ field: String, _ reason: String) -> DomainError {
    DomainError("malformed", "\(field) is not a value ethos writes: \(reason)")
  }

  static func timeOutOfRange(_ time: Timestamp) -> DomainError {
    DomainError(
      "time-out-of-range",
      "the time (\(time.seconds) s after 1970) is outside years 0000 to 9999, the times ethos records")
  }

  static func timeRunsBackwards(_ time: Timestamp, head: Timestamp, seq: Int) -> DomainError {
    DomainError(
      "time-backwards",
      "its time \(time.iso) is before the event before it (@\(seq) at \(head.iso)) — time never runs backwards in a log"
    )
  }

  static func notDecidable(_ type: String) -> DomainError {
    DomainError("not-decidable", "no statement records a \(type) like this one")
  }

  public static func beyondLatest(_ what: String) -> DomainError {
    DomainError(
      "time-out-of-range",
      "\(what) would be after \(Timestamp.latest.iso), the latest time ethos records — choose an earlier one")
  }
}
