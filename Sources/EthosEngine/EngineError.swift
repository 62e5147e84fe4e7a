import EthosDomain
import EthosLanguage
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A statement the engine could not carry out: one line for the user.
/// Every engine-level message is built here.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
  public let message: String
  /// The statement failed because the store is unusable (exit code 3).
  public let storeFailure: Bool
  /// Where in the line the parser found the problem (1-based), when it knows.
  public let column: Int?

  public init(_ message: String, storeFailure: Bool = false, column: Int? = nil) {
    self.message = message
    self.storeFailure = storeFailure
    self.column = column
  }

  public var description: String { message }

  static func store(_ error: StoreError) -> EngineError {
    switch error.code {
    case .cannotOpen, .damaged, .io: return EngineError(error.message, storeFailure: true)
    default: return EngineError(error.message)
    }
  }

  /// A script's batch could not be committed: the store holds every line
  /// before the batch and none from it on, and the script stops there.
  static func batchNotStored(_ error: StoreError, from first: Origin?) -> EngineError {
    guard case .script(let file, let line)? = first else { return EngineError(error.message, storeFailure: true) }
    return EngineError(
      "\(error.message) — the script stopped: nothing from \(file):\(line) on was stored; the store holds every "
        + "line before it", storeFailure: true)
  }

  static func domain(_ error: DomainError) -> EngineError { EngineError(error.message) }

  static func unreadable(_ error: EventDecodingError, seq: Int) -> EngineError {
    EngineError("event @\(seq) cannot be read: \(error.description)", storeFailure: true)
  }

  /// Never suggests `clock live`: on a log whose head lies in the past it
  /// would stamp the wall clock's present into it for good (SPEC §3.2).
  static func clockBehind(_ clock: Timestamp, head: Timestamp, seq: Int) -> EngineError {
    EngineError(
      "the clock (\(clock.iso)) is before the last event (@\(seq) at \(head.iso)) — "
        + "set it with 'clock \(head.iso)', then move on with 'clock +DURATION'")
  }

  static func replayInterrupted(after seq: Int) -> EngineError {
    EngineError("replay interrupted after @\(seq) (Ctrl-C)")
  }

  static let busy = EngineError("the store is busy: another writer keeps appending — try the statement again")

  static func noEvent(_ seq: Int, head: Int) -> EngineError {
    EngineError("there is no event @\(seq) — " + (head == 0 ? "the log is empty" : "the log runs from @1 to @\(head)"))
  }

  static func unknownDepartment(_ dept: String, known: [String]) -> EngineError {
    let fix =
      Suggestion.nearest(to: dept, in: known).map { "did you mean '\($0)'?" }
      ?? (known.isEmpty ? "no one has been hired yet" : "known: " + known.joined(separator: ", "))
    return EngineError("unknown department '\(dept)' — \(fix)")
  }

  static func unknownId(_ id: String, candidates: [String]) -> EngineError {
    let fix =
      Suggestion.nearest(to: id, in: candidates).map { "did you mean '\($0)'?" }
      ?? "'employees all', 'customers all' and 'partners' list the ids in use"
    return EngineError("unknown id '\(id)' — \(fix)")
  }

  static func notAParty(_ id: String, owner: String) -> EngineError {
    let list: String
    switch owner {
    case "promise": list = "promises"
    case "stress window": list = "stresses"
    case "deficiency", "action": list = "plan"
    default: list = "history who=\(id)"
    }
    return EngineError(
      "'\(id)' is a \(owner), not a party — 'who' profiles employees, customers and partners; '\(list)' shows it")
  }

  static func badPath(_ path: String, reason: String) -> EngineError {
    EngineError("cannot read '\(path)': \(reason)")
  }

  static func expectFailed(_ path: String, _ op: ExpectOperator, _ value: ExpectValue, actual: String) -> EngineError {
    EngineError("expect failed: \(path) — expected \(op.rawValue) \(value), actual \(actual)")
  }

  static func unreadableFile(_ path: String, _ reason: String) -> EngineError {
    EngineError("cannot read script '\(path)': \(reason)")
  }

  static func sourceCycle(_ path: String) -> EngineError {
    EngineError("'\(path)' is already being run — a script cannot source itself, directly or through others")
  }

  static func sourceTooDeep(_ chain: [String], limit: Int) -> EngineError {
    let shown = chain.count <= 6 ? chain : Array(chain.prefix(3)) + ["…"] + Array(chain.suffix(2))
    return EngineError(
      "scripts may source one another at most \(limit) deep: "
        + shown.map { $0 == "…" ? $0 : "'\($0)'" }.joined(separator: " → ")
        + " — flatten the chain (or look for a loop through copies of a file)")
  }

  static func branchTooDeep(_ name: String, parent: String, limit: Int) -> EngineError {
    EngineError(
      "branch '\(name)' would be more than \(limit) branches deep below '\(parent)' (each read of a branch walks "
        + "its whole line of parents) — branch from one nearer to main, or from main")
  }

  static func tooManyBuckets(_ count: Int, by: String, from: Timestamp, to: Timestamp) -> EngineError {
    EngineError(
      "trend by=\(by) from \(from.date) to \(to.date) would have about \(count) points; the limit is "
        + "\(Session.maxTrendBuckets) — use a longer bucket (by=week, by=month) or an earlier 'as of'")
  }

  static func lineTooLong(_ script: String, line: Int, limit: Int) -> EngineError {
    EngineError(
      "'\(script)' line \(line) is longer than \(limit) bytes, so it was not read, nor anything after it — "
        + "is it an ethos script? A statement has at most \(Limits.lineLength) characters")
  }

  static func notAScript(_ script: String, lines: Int) -> EngineError {
    EngineError(
      "'\(script)' is not an ethos script: its first \(lines) lines are not statements, so the rest was not run — "
        + "check the file name")
  }

  static func interrupted(_ script: String, line: Int) -> EngineError {
    EngineError("interrupted — '\(script)' stopped before line \(line); the statements before it are kept")
  }

  static let invalidUTF8 = EngineError("the line is not valid UTF-8 — save the script as UTF-8")

  public static let queryOnly = EngineError(
    "ethos query runs one read-only statement — use 'ethos run FILE' or the REPL for writes")

  static func helpUnknown(_ topic: String) -> EngineError {
    let words = StatementTable.all.map(\.words)
    let fix = Suggestion.nearest(to: topic, in: words).map { "did you mean '\($0)'?" } ?? "'help' lists every statement"
    return EngineError("no statement '\(topic)' — \(fix)")
  }
}

extension EngineError {
  // MARK: replay, diff

  static let stepNeedsTerminal = EngineError(
    "'replay step' waits for Enter between events, which only works at an interactive terminal — "
      + "drop 'step' to print the whole replay")

  static func replayBackwards(from: Int, to: Int) -> EngineError {
    EngineError("replay from=@\(from) is after to=@\(to) — give from= an event at or before to=")
  }

  // MARK: import

  static func keyFileUnreadable(_ path: String, _ reason: String) -> EngineError {
    EngineError("cannot read the key file '\(path)': \(reason) — nothing was imported")
  }

  static func keyFileUnwritable(_ path: String, _ reason: String) -> EngineError {
    EngineError("cannot write the key file '\(path)': \(reason) — check the folder exists and is writable")
  }

  static func keyFileBad(_ path: String, line: Int, _ reason: String) -> EngineError {
    EngineError("\(path):\(line): \(reason) — nothing was imported")
  }

  static func keyFileMismatch(_ path: String, party: String) -> EngineError {
    EngineError(
      "the key file '\(path)' does not match this log: its key for '\(party)' does not open \(party)'s sealed data — "
        + "use the key file exported with this log; nothing was imported")
  }

  static func importUnreadable(_ path: String, _ reason: String) -> EngineError {
    EngineError("cannot read '\(path)': \(reason)")
  }

  static func importNotEnvelope(_ file: String, line: Int, reason: String) -> EngineError {
    EngineError(
      "\(file):\(line): not an ethos event (\(reason)) — import reads files written by 'ethos export'; "
        + "nothing was imported")
  }

  static func importBrokenChain(_ file: String, line: Int, seq: Int, reason: String) -> EngineError {
    EngineError(
      "\(file):\(line) (@\(seq)): \(reason) — the file's hash chain is broken; nothing was imported")
  }

  static func importUnreadableEvent(_ file: String, line: Int, seq: Int, _ error: EventDecodingError) -> EngineError {
    EngineError(
      "\(file):\(line) (@\(seq)) cannot be read: \(error.description) — a newer ethos may have written it; "
        + "nothing was imported")
  }

  static func importBreaksRule(_ file: String, line: Int, seq: Int, type: String, _ error: DomainError) -> EngineError {
    EngineError(
      "\(file):\(line) (@\(seq)): this \(type) could not have been recorded: \(error.message) — the file was not "
        + "written by ethos as it is (edited, or forged with recomputed hashes); nothing was imported")
  }

  static func importChanged(_ file: String) -> EngineError {
    EngineError("'\(file)' changed while it was being imported — nothing was imported; try again")
  }

  static func importDiverges(_ file: String, line: Int, seq: Int, branch: String) -> EngineError {
    EngineError(
      "\(file):\(line) (@\(seq)) differs from event @\(seq) of branch '\(branch)' — the file does not continue "
        + "this store's chain (import it into an empty store); nothing was imported")
  }

  static func importDoesNotFollow(_ file: String, line: Int, seq: Int, branch: String, head: Int) -> EngineError {
    EngineError(
      "\(file):\(line) (@\(seq)) does not follow event @\(head) of branch '\(branch)' (its prevHash is not "
        + "@\(head)'s hash) — the file does not continue this store's chain; nothing was imported")
  }

  static func importGap(_ file: String, line: Int, seq: Int, branch: String, head: Int) -> EngineError {
    EngineError(
      "\(file):\(line) starts at @\(seq) but branch '\(branch)' ends at @\(head) — the file must continue "
        + "the chain from @\(head + 1); nothing was imported")
  }
}

/// What the audit and scenario statements say when they succeed: kept beside
/// the errors so every sentence a person reads is in one file.
public enum Notice {
  /// What `verify` prints when the chain holds.
  static func verified(_ branch: String, events: Int) -> String {
    "ok: branch '\(branch)' verifies, \(events) events chain from @1"
  }

  static func clearDataRemains(_ id: String) -> String {
    "note: '\(id)' was recorded before ethos sealed personal data (envelope version 1): their name and texts in "
      + "those events stay readable in the log and cannot be erased in place; what was recorded since is erased"
  }

  static func replayHeader(branch: String, from: Int, to: Int) -> String {
    "replay of branch '\(branch)' from @\(from) to @\(to)"
  }

  static func stepPrompt(after seq: Int) -> String { "-- @\(seq) done: Enter for the next event, q to stop --" }

  static func replayStopped(after seq: Int) -> String { "(replay stopped after @\(seq))" }

  static let noChange = "(no indicator changed)"

  static func branched(_ name: String, parent: String, fork: Int) -> String {
    "branch '\(name)' shares '\(parent)' up to @\(fork) — now on '\(name)'"
  }

  static func switched(_ name: String, head: Int) -> String { "on branch '\(name)' (head @\(head))" }

  static func timing(seconds: Double) -> String {
    let micro = Int((seconds * 1_000_000).rounded())
    let fraction = micro % 1000
    return "time: \(micro / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction) ms"
  }

  static func expectPassed(_ location: String, _ statement: String) -> String { "ok \(location) \(statement)" }

  /// `12 expects: 11 passed, 1 failed`.
  public static func expectSummary(_ results: [ExpectResult]) -> String {
    let passed = results.filter(\.passed).count
    let noun = results.count == 1 ? "expect" : "expects"
    return "\(results.count) \(noun): \(passed) passed, \(results.count - passed) failed"
  }

  static func noDifference(_ left: String, _ right: String) -> String {
    "no difference between '\(left)' and '\(right)'"
  }

  static func differences(_ count: Int, of total: Int) -> String { "\(count) of \(total) figures differ" }

  static func wouldAppend(_ confirmation: String) -> String { "would append " + confirmation }

  static func nothingAppended(branch: String, head: Int) -> String {
    "(what-if: nothing appended — branch '\(branch)' stays at @\(head))"
  }

  /// The last line of `import-csv --dry-run`.
  static func dryRunAppendedNothing(branch: String, head: Int, wouldAppend events: Int) -> String {
    "(dry run: nothing appended — branch '\(branch)' stays at @\(head); "
      + "\(ImportSummary.grouped(events)) events would be appended)"
  }

  /// The REPL's catch-up line: `3 new events on main since your last
  /// statement (bob, carol)`; past four actors, how many more.
  static func newEvents(_ count: Int, branch: String, actors: [String]) -> String {
    let shown = actors.count > 4 ? actors.prefix(3) + ["\(actors.count - 3) others"] : actors[...]
    let who = shown.isEmpty ? "" : " (" + shown.joined(separator: ", ") + ")"
    return "\(count) new event\(count == 1 ? "" : "s") on \(branch) since your last statement" + who
  }

  static func importEmpty(_ file: String) -> String { "nothing to import: '\(file)' holds no events" }

  static func importNothingNew(_ file: String, count: Int, branch: String) -> String {
    "nothing to import: all \(count) events of '\(file)' are already on branch '\(branch)'"
  }

  static func imported(_ count: Int, branch: String, from: Int, to: Int, alreadyThere: Int) -> String {
    "imported \(count) event\(count == 1 ? "" : "s") into branch '\(branch)' (@\(from)…@\(to))"
      + (alreadyThere > 0 ? "; \(alreadyThere) already there" : "")
  }
}

// MARK: verify, trend and report

extension EngineError {
  static func verifyFailed(_ branch: String, at broken: ChainBreak) -> EngineError {
    EngineError("verify failed on branch '\(branch)' at @\(broken.seq): \(broken.reason)")
  }

  /// The key table sits outside the chain: a key that is not a key shows the
  /// party's data as (not available) everywhere, so verify names it.
  static func damagedKeys(_ parties: [String]) -> EngineError {
    EngineError(
      "verify failed: the key table is damaged — the data key of \(parties.joined(separator: ", ")) is not "
        + "\(PartyKeys.keyLength) bytes, so their personal data cannot be read; restore the keys from a backup "
        + "(ethos import FILE --keys KEYS into a fresh store) — every figure is unaffected")
  }

  static func notTrendable(_ path: String) -> EngineError {
    .badPath(path, reason: "trend follows a figure of matrix, culture or a list (e.g. culture.indicators.nps.value)")
  }

  static func trendOfObject(_ path: String, keys: [String], hasValue: Bool) -> EngineError {
    let fix = hasValue ? "did you mean '\(path).value'?" : "pick one of its keys: \(keys.joined(separator: ", "))"
    return .badPath(path, reason: "it is an object, and a trend follows a number — \(fix)")
  }

  static func trendOfList(_ path: String) -> EngineError {
    let head = path.split(separator: ".").first ?? "culture"
    return .badPath(path, reason: "it is a list, and a trend follows a number — name a figure, e.g. '\(head).count'")
  }

  static func trendOfWord(_ path: String) -> EngineError {
    .badPath(path, reason: "it is not a number, and a trend follows a number (e.g. culture.indicators.nps.value)")
  }

  static func outsideReportWeeks(_ seq: Int) -> EngineError {
    EngineError("event @\(seq) lies outside the report's weeks")
  }

  static func reportUnwritable(_ path: String, errno code: Int32) -> EngineError {
    let reason = strerror(code).map { String(cString: $0) } ?? "error \(code)"
    return EngineError(
      "cannot write the report to '\(path)': \(reason) — name a file in a folder you can write to (ethos report -o FILE)"
    )
  }
}
