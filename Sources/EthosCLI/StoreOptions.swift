import ArgumentParser
import EthosDomain
import EthosEngine
import EthosLanguage
import EthosREPL
import EthosStore
import EthosStorePostgres
import EthosStoreSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Options every subcommand takes: where the log is, which branch, who records.
struct StoreOptions: ParsableArguments {
  @Option(
    name: .long,
    help:
      "The store: a SQLite file, :memory:, or postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=NAME]. (default: $ETHOS_STORE, else ./ethos.sqlite)"
  )
  var store: String?

  @Option(name: .long, help: "The branch to work on.")
  var branch: String = "main"

  @Option(name: .long, help: "Who records the events. (default: $ETHOS_ACTOR, else the OS user)")
  var actor: String?

  var storePath: String {
    if let store { return store }
    if let env = Environment.get("ETHOS_STORE"), !env.isEmpty { return env }
    return "ethos.sqlite"
  }

  var actorName: String {
    if let actor, !actor.isEmpty { return actor }
    if let env = Environment.get("ETHOS_ACTOR"), !env.isEmpty { return env }
    if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
    return Environment.get("USER") ?? "unknown"
  }

  /// Opens the store, or exits with code 3 and one error line. Commands that
  /// only read (`query`, `verify`, `export`) pass `mustExist`: a mistyped path
  /// is reported, not answered from a new empty store left behind.
  func openStore(checkingHeads: Bool = true, mustExist: Bool = false) throws -> any EventStore {
    let path = storePath
    if path == ":memory:" { return MemoryStore() }
    if PostgresURL.isPostgres(path) {
      do {
        return try PostgresStore(path, environmentPassword: Environment.get("PGPASSWORD"), checkingHeads: checkingHeads)
      } catch {
        Exit.fail(error.message, code: .storeFailure)
      }
    }
    if mustExist, !PostgresURL.isPostgres(path), access(path, F_OK) != 0 {
      Exit.fail(CLIMessage.noStore(path), code: .storeFailure)
    }
    do {
      return try SQLiteStore(path: path, checkingHeads: checkingHeads)
    } catch {
      Exit.fail(error.message, code: .storeFailure)
    }
  }

  /// Whether a store is at the path already (`:memory:` never is).
  var storeExists: Bool {
    let path = storePath
    // A log on a server is never removed by ethos: count it as existing.
    if PostgresURL.isPostgres(path) { return true }
    return path != ":memory:" && access(path, F_OK) == 0
  }

  /// Removes the store file this run created, with its WAL and shared-memory
  /// files: a command that failed leaves no new file behind.
  func removeCreatedStore() {
    let path = storePath
    guard path != ":memory:", !PostgresURL.isPostgres(path) else { return }
    for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
  }

  /// A session on the store and branch, writing to the standard streams;
  /// on a terminal, tables fit its width.
  func openSession(
    console: any Console = StandardConsole(), format: EthosLanguage.OutputFormat = .table, mustExist: Bool = false
  ) throws -> Session {
    let existed = storeExists
    let store = try openStore(mustExist: mustExist)
    do throws(EngineError) {
      let session = try Session(
        store: store, branch: branch, actor: actorName, wall: Environment.wallClock, console: console, format: format)
      session.sealsPersonalData = Environment.sealsPersonalData
      session.settings.color = Environment.stdoutIsTerminal && Environment.get("NO_COLOR") == nil
      session.settings.width = REPL.terminalWidth(1)
      return session
    } catch {
      if !existed { removeCreatedStore() }
      Exit.fail(error.message, code: error.storeFailure ? .storeFailure : .usage)
    }
  }
}

/// Process environment lookups in one place.
enum Environment {
  static func get(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
  }

  /// The wall clock: `ETHOS_NOW` (a time) freezes it for reproducible transcripts.
  static var wallClock: any WallClock {
    if let text = get("ETHOS_NOW"), let time = Timestamp(parsing: text) { return FixedClock(time) }
    return SystemClock()
  }

  /// `ETHOS_ENVELOPE_VERSION=1` writes personal fields in clear, as ethos
  /// did before it sealed them: only to measure what sealing costs (SPEC §17).
  static var sealsPersonalData: Bool { Self.get("ETHOS_ENVELOPE_VERSION") != "1" }

  static var stdinIsTerminal: Bool { isatty(0) == 1 }
  static var stdoutIsTerminal: Bool { isatty(1) == 1 }
}

/// Exit codes of SPEC §9.
enum ExitStatus: Int32 {
  case success = 0
  case failure = 1
  case usage = 2
  case storeFailure = 3
}

enum Exit {
  /// Prints `error: message` to standard error and exits with `code`.
  static func fail(_ message: String, code: ExitStatus) -> Never {
    let console = StandardConsole()
    console.err("error: " + message)
    console.flush()
    Glibc.exit(code.rawValue)
  }

  /// The exit status a session ended with.
  static func status(of session: Session) -> ExitStatus {
    if session.storeFailed { return .storeFailure }
    return session.failures > 0 ? .failure : .success
  }
}
