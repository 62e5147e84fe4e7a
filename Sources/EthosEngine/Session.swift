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

  /// Whether the statement comes from a script (file or standard input).
  var isScript: Bool {
    if case .script = self { return true }
    return false
  }

  /// What error lines start with.
  /// `FILE:LINE: ` of a script, `FILE:LINE:COLUMN: ` when the column is known
  /// (as swiftc and clang write it); nothing in the REPL.
  func errorPrefix(column: Int?) -> String {
    guard case .script(let file, let line) = self else { return "" }
    return column.map { "\(file):\(line):\($0): " } ?? "\(file):\(line): "
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
/// decider and the store; queries render documents of the state. The
/// session coordinates; each job keeps its own state in a type of its own:
/// `writes` (``Writes``), time travel (`projector`, ``Projector``),
/// `scripts` (``ScriptStack``), `branches` (``Branches``, and ``Comparison``
/// for `compare`), `transfer` (``Transfer``) and `settings` (``Settings``).
public final class Session {
  public let store: any EventStore
  public internal(set) var branch: String
  public internal(set) var state: State
  public var clock: ClockSetting = .live
  /// The `set` options and what the terminal allows.
  public var settings: Settings
  public let wall: any WallClock
  /// The parties' data keys (SPEC §13): seals personal fields as they are
  /// written and shows them as documents are made.
  public let keyring: Keyring
  /// Whether personal fields are sealed (envelope version 2). Off only to
  /// measure what sealing costs (`ETHOS_ENVELOPE_VERSION=1`, benchmarks).
  public var sealsPersonalData = true
  public let console: any Console
  /// Statements (and expects) that failed so far.
  public internal(set) var failures = 0
  /// Whether the last failure came from an unusable store (exit code 3).
  public internal(set) var storeFailed = false
  /// When set, the wall time each script statement took, in seconds.
  public var statementTimings: [Double]?
  /// Items of a `history` rendered at a time when it is longer (it streams).
  public var historyChunk = 10_000
  /// Loads states and keeps projection snapshots: the time-travel job.
  var projector: Projector
  /// Stamps writes and holds a script's until they commit: the writes job.
  public var writes: Writes
  /// Who records the events (`--actor`).
  public var actor: String { writes.actor }
  /// Events folded or appended between projection snapshots (SPEC §7).
  public var snapshotInterval: Int {
    get { projector.interval }
    set { projector.interval = newValue }
  }
  /// Every `expect` run so far, for the summary and `--junit` (SPEC §6).
  public internal(set) var expectResults: [ExpectResult] = []
  /// The clock each branch had when this session last left it: the branches job.
  var branches = Branches()
  /// The column of the last error the parser located, for the REPL's caret.
  public internal(set) var lastErrorColumn: Int?
  /// How often a script line is decided again after another writer got in
  /// first, before it is refused as busy (the REPL re-decides once).
  static let scriptConflictAttempts = 100
  /// Scripts being run, innermost last: the scripts job.
  var scripts = ScriptStack()
  /// Lines from the top of a file that are not statements after which it is
  /// taken for something other than a script.
  static let unparsedLinesBeforeGivingUp = 3
  /// Reads one line at an interactive terminal, showing the prompt given;
  /// `nil` at end of input. The REPL sets it; `replay step` needs it.
  public var stepReader: ((String) -> String?)?
  /// Asked between the statements of a script: `true` stops it (the REPL
  /// answers whether Ctrl-C was pressed since the statement began).
  public var interruption: (() -> Bool)?

  public init(
    store: any EventStore, branch: String = "main", actor: String, wall: any WallClock = SystemClock(),
    console: any Console, format: OutputFormat = .table, random: any RandomSource = SystemRandom()
  ) throws(EngineError) {
    self.store = store
    self.projector = Projector(store: store)
    // Read when a key is first needed: most queries need none.
    keyring = Keyring(random: random) { () throws(StoreError) in try store.partyKeys() }
    self.branch = branch
    self.writes = Writes(actor: actor)
    self.wall = wall
    self.console = console
    self.settings = Settings(format: format)
    self.state = State()
    do {
      _ = try store.head(of: branch)
    } catch {
      throw EngineError.store(error)
    }
    self.state = try loadState(upTo: nil)
  }

  // MARK: state

  /// The state of the current branch (or `branch`) just after `seq` (the
  /// head when `nil`): see ``Projector``.
  func loadState(upTo seq: Int?, on branch: String? = nil) throws(EngineError) -> State {
    let branch = branch ?? self.branch
    do {
      return try projector.state(of: branch, upTo: seq, remembering: branch == self.branch)
    } catch {
      throw EngineError.store(error)
    }
  }

  /// Snapshots the current state when enough events came in since the last one.
  func snapshotIfDue() {
    guard !writes.isHolding else { return }
    projector.saveIfMoved(state, on: branch, by: projector.interval)
  }

  /// Snapshots the current state if it moved since the last snapshot: call on
  /// a clean exit so the next open folds nothing.
  public func checkpoint() {
    guard !writes.isHolding else { return }
    projector.saveIfMoved(state, on: branch, by: 1)
  }

  /// Folds in events other writers appended since this session last looked.
  func catchUp() throws(EngineError) {
    do { try projector.catchUp(&state, on: branch) } catch { throw .store(error) }
  }

  /// Catches up on events other writers appended to the branch since the
  /// last statement, and says so in one line (SPEC §8): `3 new events on
  /// main since your last statement (bob)`. The REPL calls it before each
  /// statement. A store that cannot be read now is left to the statement
  /// itself to report.
  public func catchUpAndAnnounce() {
    guard !writes.isHolding else { return }
    let before = state.headSeq
    guard (try? catchUp()) != nil, state.headSeq > before else { return }
    // Actors come from the log, which any import may have filled: shown safe.
    let actors = ((try? store.actors(branch, from: before + 1, to: state.headSeq)) ?? []).map(Renderer.visible)
    emitText(Notice.newEvents(state.headSeq - before, branch: branch, actors: actors))
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
    if error.storeFailure {
      storeFailed = true
      // A script goes no further than the store could follow (SPEC §7): what
      // came after would be decided against a state the store does not hold.
      if origin.isScript || !scripts.isEmpty { scripts.stopRequested = true }
    }
    lastErrorColumn = error.column
    emitError(origin.errorPrefix(column: error.column) + "error: " + keyring.reveal(error.message))
  }

  func emit(_ line: String, sealed: Bool = false) {
    // Documents are shown before they are laid out; this catches a sealed
    // field in any other line (a replay step, a notice). JSON lines are
    // documents, revealed before they were encoded; an export stays sealed.
    let line = settings.format == .json || sealed ? line : keyring.reveal(line)
    if !writes.withhold(line, isError: false) { console.out(line) }
  }

  func emitError(_ line: String) {
    if !writes.withhold(line, isError: true) { console.err(line) }
  }

  /// How tables are laid out now.
  public var layout: Layout { settings.layout }

  /// Renders a query document in the current format.
  func render(_ document: JSON, query: Query) {
    for line in Renderer.render(
      document, query: query, format: settings.format, color: settings.color, layout: layout,
      pretty: settings.prettyJSON)
    {
      emit(line)
    }
  }

  /// A line that is not a document (a notice, help, the clock): in `json`
  /// format an object `{"message": …}`, so every line of a run stays JSON.
  func emitText(_ line: String) {
    let line = keyring.reveal(line)
    if settings.format == .json {
      emit(JSON.object(JSONObject([("message", .string(line))])).compact)
    } else {
      emit(line)
    }
  }

  /// A document's lines in `json` format: pretty for a person, else one line.
  func jsonLines(_ document: JSON) -> [String] {
    settings.prettyJSON
      ? document.pretty.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) : [document.compact]
  }
}

/// One `expect` that ran: where, what, and how it ended.
public struct ExpectResult: Sendable, Equatable {
  /// `FILE:LINE` of a script, `repl` otherwise.
  public var location: String
  public var file: String?
  public var statement: String
  /// The failure message; `nil` when it passed.
  public var failure: String?

  public var passed: Bool { failure == nil }
}
