import EthosDomain
import EthosLanguage
import EthosStore

/// A statement the engine could not carry out: one line for the user.
/// Every engine-level message is built here.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
  public let message: String
  /// The statement failed because the store is unusable (exit code 3).
  public let storeFailure: Bool

  public init(_ message: String, storeFailure: Bool = false) {
    self.message = message
    self.storeFailure = storeFailure
  }

  public var description: String { message }

  static func store(_ error: StoreError) -> EngineError {
    switch error.code {
    case .cannotOpen, .damaged, .io: return EngineError(error.message, storeFailure: true)
    default: return EngineError(error.message)
    }
  }

  static func domain(_ error: DomainError) -> EngineError { EngineError(error.message) }

  static func unreadable(_ error: EventDecodingError, seq: Int) -> EngineError {
    EngineError("event @\(seq) cannot be read: \(error.description)", storeFailure: true)
  }

  static func notYet(_ word: String) -> EngineError {
    EngineError("'\(word)' is not available yet")
  }

  static func clockBehind(_ clock: Timestamp, head: Timestamp, seq: Int) -> EngineError {
    EngineError(
      "the clock (\(clock.iso)) is before the last event (@\(seq) at \(head.iso)) — "
        + "set it with 'clock \(head.iso)' or later, or 'clock live'")
  }

  static let busy = EngineError("the store is busy: another writer keeps appending — try the statement again")

  static func noEvent(_ seq: Int, head: Int) -> EngineError {
    EngineError("there is no event @\(seq) — " + (head == 0 ? "the log is empty" : "the log runs from @1 to @\(head)"))
  }

  static func unknownDepartment(_ dept: String, known: [String]) -> EngineError {
    let fix = Suggestion.nearest(to: dept, in: known).map { "did you mean '\($0)'?" }
      ?? (known.isEmpty ? "no one has been hired yet" : "known: " + known.joined(separator: ", "))
    return EngineError("unknown department '\(dept)' — \(fix)")
  }

  static func unknownId(_ id: String, candidates: [String]) -> EngineError {
    let fix = Suggestion.nearest(to: id, in: candidates).map { "did you mean '\($0)'?" }
      ?? "'employees all', 'customers all' and 'partners' list the ids in use"
    return EngineError("unknown id '\(id)' — \(fix)")
  }

  static func badPath(_ path: String, reason: String) -> EngineError {
    EngineError("cannot read '\(path)': \(reason)")
  }

  static func expectFailed(_ path: String, _ op: ExpectOperator, _ value: ExpectValue, actual: String) -> EngineError {
    EngineError("expect failed: \(path) \(op.rawValue) \(value) — actual \(actual)")
  }

  static func unreadableFile(_ path: String, _ reason: String) -> EngineError {
    EngineError("cannot read script '\(path)': \(reason)")
  }

  static func sourceCycle(_ path: String) -> EngineError {
    EngineError("'\(path)' is already being run — a script cannot source itself, directly or through others")
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
  /// For features that later work will add.
  public static func notAvailable(_ word: String) -> EngineError { .notYet(word) }
}
