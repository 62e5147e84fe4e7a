import EthosDomain
import EthosJSON
import EthosLanguage
import EthosStore

/// Where a statement came from: recorded as the event's `origin` and used to
/// prefix error messages (SPEC §4, §6).
public enum Origin: Sendable, Equatable {
  case repl
  case script(file: String, line: Int)
  case query
  case importing

  /// The `origin` field of events.
  public var recorded: String {
    switch self {
    case .repl: return "repl"
    case .script(let file, let line): return "\(file):\(line)"
    case .query: return "query"
    case .importing: return "import"
    }
  }

  /// What error lines start with.
  var errorPrefix: String {
    if case .script(let file, let line) = self { return "\(file):\(line): " }
    return ""
  }
}

/// How a statement ended.
public enum Outcome: Sendable, Equatable {
  case done
  case failed
  case quit
}

/// The business clock of a session (SPEC §3.2).
public enum ClockSetting: Sendable, Equatable {
  case live
  case fixed(Timestamp)
}

/// A session: one store, one branch, a clock and the current culture state.
///
/// Executes statements of the command language: writes go through the
/// decider and the store; queries render documents of the state.
public final class Session {
  public let store: any EventStore
  public internal(set) var branch: String
  public internal(set) var state: State
  public var clock: ClockSetting = .live
  public var format: OutputFormat
  public var bail = false
  public var echo = false
  public let actor: String
  public let wall: any WallClock
  public let console: any Console
  /// Statements (and expects) that failed so far.
  public internal(set) var failures = 0
  /// Whether the last failure came from an unusable store (exit code 3).
  public internal(set) var storeFailed = false
  /// Statements per transaction when running scripts.
  public var batchSize = 1000
  /// Scripts being run, innermost last (for `source` cycles and paths).
  var scripts: [(path: String, name: String)] = []
  var batch: Batch?
  /// Set when `bail` stops a nested script, so every enclosing script stops too.
  var stopRequested = false
  /// Asked between the statements of a script: `true` stops it (the REPL
  /// answers whether Ctrl-C was pressed since the statement began).
  public var interruption: (() -> Bool)?

  public init(
    store: any EventStore, branch: String = "main", actor: String, wall: any WallClock = SystemClock(),
    console: any Console, format: OutputFormat = .table
  ) throws(EngineError) {
    self.store = store
    self.branch = branch
    self.actor = actor
    self.wall = wall
    self.console = console
    self.format = format
    self.state = State()
    do {
      _ = try store.head(of: branch)
    } catch {
      throw EngineError.store(error)
    }
    self.state = try loadState(upTo: nil)
  }

  // MARK: state

  /// The state of the current branch just after `seq` (the head when `nil`),
  /// folded with the retractions known at that point.
  func loadState(upTo seq: Int?, on branch: String? = nil) throws(EngineError) -> State {
    let branch = branch ?? self.branch
    do {
      let head = try store.head(of: branch).seq
      let target = min(seq ?? head, head)
      var state = State()
      state.skip = try store.retractions(branch, upTo: target)
      try fold(into: &state, branch: branch, from: 1, to: target)
      return state
    } catch {
      throw EngineError.store(error)
    }
  }

  func fold(into state: inout State, branch: String, from: Int, to: Int) throws(StoreError) {
    guard from <= to else { return }
    var failure: EngineError?
    try store.read(branch, from: from, to: to) { envelope in
      guard failure == nil else { return }
      do throws(EventDecodingError) {
        state.evolve(try envelope.recorded())
      } catch {
        failure = .unreadable(error, seq: envelope.seq)
      }
    }
    if let failure { throw StoreError(.damaged, failure.message) }
  }

  /// Folds in events other writers appended since this session last looked.
  func catchUp() throws(EngineError) {
    let head: Int
    do { head = try store.head(of: branch).seq } catch { throw .store(error) }
    if head == state.headSeq { return }
    if head < state.headSeq {
      state = try loadState(upTo: nil)
      return
    }
    let before = state.retracted.count
    do { try fold(into: &state, branch: branch, from: state.headSeq + 1, to: head) } catch { throw .store(error) }
    if state.retracted.count != before { state = try loadState(upTo: nil) }
  }

  // MARK: time

  /// The business time a write now would carry.
  func now() throws(EngineError) -> Timestamp {
    switch clock {
    case .live:
      let wallNow = wall.now().time
      if let head = state.headTime, head > wallNow { return head }
      return wallNow
    case .fixed(let time):
      if let head = state.headTime, time < head { throw .clockBehind(time, head: head, seq: state.headSeq) }
      return time
    }
  }

  // MARK: reporting

  func report(_ error: EngineError, _ origin: Origin) {
    failures += 1
    if error.storeFailure { storeFailed = true }
    emitError(origin.errorPrefix + "error: " + error.message)
  }

  func emit(_ line: String) {
    if batch != nil {
      batch?.output.append((false, line))
    } else {
      console.out(line)
    }
  }

  func emitError(_ line: String) {
    if batch != nil {
      batch?.output.append((true, line))
    } else {
      console.err(line)
    }
  }

  /// Renders a query document in the current format.
  func render(_ document: JSON, query: Query) {
    for line in Renderer.render(document, query: query, format: format) { emit(line) }
  }
}

/// Writes of a script held in memory until their transaction commits: no
/// line is reported done before it is durable (SPEC §7).
struct Batch {
  var startHead: Int
  var startState: State
  var events: [PendingEvent] = []
  var entries: [(line: String, origin: Origin)] = []
  var output: [(isError: Bool, text: String)] = []
  /// The session's failure count before the batch, restored if it is re-run.
  var failuresBefore: Int
  var storeFailedBefore: Bool
}
