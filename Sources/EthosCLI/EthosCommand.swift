import ArgumentParser
import EthosCheckpoint
import EthosDomain
import EthosEngine
import EthosLanguage
import EthosREPL
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `ethos` command line (SPEC §9).
public struct EthosCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "ethos",
    abstract: "An event-sourced model of an organization's customer-service culture.",
    usage: """
      ethos [--store S] [--branch B] [--actor A]      (the REPL, or a script on standard input)
        ethos <subcommand> [--store S] [--branch B] [--actor A] …
      """,
    discussion: """
      With no subcommand, ethos opens the interactive REPL on the store (or, when standard input is not a \
      terminal, runs it as a script). Every subcommand, and the REPL, takes:
        --store S    a SQLite file, :memory: or postgres://… (default $ETHOS_STORE, ethos.sqlite)
        --branch B   the branch to work on (default: main)
        --actor A    who records the events (default: $ETHOS_ACTOR, else the OS user)
      Exit codes: 0 success; 1 a statement, an expect or verify failed; 2 bad usage; 3 the store cannot be \
      opened or is damaged.
      """,
    version: "ethos 0.1.0",
    // Each names itself (`commandName:`): a name left to ArgumentParser is
    // made from the type's name with `String(describing:)`, whose dynamic
    // casts scan every protocol conformance of the binary once per type, on
    // every start — 10 M of `query`'s 125 M instructions.
    subcommands: [
      Interactive.self, Run.self, QueryCommand.self, Export.self, Import.self, Verify.self, CheckpointCommand.self,
      ReportCommand.self, ImportCSV.self, Follow.self,
    ],
    defaultSubcommand: Interactive.self
  )

  public init() {}

  /// Parses argv and runs, mapping errors onto SPEC's exit codes (usage: 2).
  public static func main(arguments: [String]? = nil) -> Never {
    // Over a file size limit (`ulimit -f`) the kernel would kill ethos with
    // SIGXFSZ mid-write, without a word; ignored, the write fails instead
    // and the store error is reported like a full disk (exit 3).
    signal(SIGXFSZ, SIG_IGN)
    let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
    do {
      var command = try QueryCommand.plain(arguments) ?? parseAsRoot(arguments)
      try command.run()
      Glibc.exit(0)
    } catch let code as ExitCode {
      Glibc.exit(code.rawValue)
    } catch {
      let status = exitCode(for: error)
      if status == .success {
        print(fullMessage(for: error))
        Glibc.exit(0)
      }
      let console = StandardConsole()
      console.err(fullMessage(for: error))
      console.flush()
      Glibc.exit(ExitStatus.usage.rawValue)
    }
  }
}

/// `ethos [--store S] [--branch B] [--actor A]`: the REPL, or a stdin script.
struct Interactive: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl", abstract: "Open the interactive REPL (the default).", shouldDisplay: false)

  @OptionGroup var options: StoreOptions

  func run() throws {
    let existed = options.storeExists || options.storePath == ":memory:"
    let session = try options.openSession()
    if Environment.stdinIsTerminal {
      let status = REPL.run(session, version: EthosCommand.configuration.version, createdStore: !existed)
      session.checkpoint()
      session.console.flush()
      throw ExitCode(status)
    }
    session.runLines(LineReader(fd: 0), name: "stdin")
    if !session.expectResults.isEmpty {
      session.console.err(Notice.expectSummary(session.expectResults))
      session.console.flush()
    }
    session.checkpoint()
    throw ExitCode(Exit.status(of: session).rawValue)
  }
}

/// `ethos run FILE… [--bail] [--echo] [--format F]`.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run command scripts against the store.")

  @Argument(help: "Script files, run in order.")
  var files: [String]

  @Flag(help: "Stop at the first failing statement.")
  var bail = false

  @Flag(help: "Print each statement before its result.")
  var echo = false

  @Option(help: "Output format: table, json (JSON Lines: one object per line) or csv.")
  var format: EthosLanguage.OutputFormat = .table

  @Option(help: ArgumentHelp("Also write a JUnit XML report of the expects to this file.", valueName: "file"))
  var junit: String?

  @Flag(
    name: .customLong("statement-timings"),
    help: ArgumentHelp(
      "Commit each statement alone, as the REPL does, and report latency percentiles.", visibility: .hidden))
  var statementTimings = false

  @OptionGroup var options: StoreOptions

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError(CLIMessage.noScript) }
  }

  func run() throws {
    let session = try options.openSession(format: format)
    session.settings.bail = bail
    session.settings.echo = echo
    if statementTimings {
      session.writes.batching = false
      session.statementTimings = []
    }
    for file in files {
      let ok = session.runScript(path: file)
      if !ok, bail { break }
    }
    if !session.expectResults.isEmpty {
      session.console.err(Notice.expectSummary(session.expectResults))
      session.console.flush()
    }
    if let junit {
      let xml = JUnitReport.xml(session.expectResults)
      guard let handle = fopen(junit, "w") else {
        Exit.fail(CLIMessage.junitUnwritable(junit, CLIMessage.systemReason), code: .failure)
      }
      fputs(xml, handle)
      fclose(handle)
    }
    if let timings = session.statementTimings { Run.report(timings, to: session.console) }
    session.checkpoint()
    throw ExitCode(Exit.status(of: session).rawValue)
  }

  /// `statements N p50 MS p99 MS max MS` on standard error, for the benchmark.
  static func report(_ timings: [Double], to console: any Console) {
    let sorted = timings.sorted()
    guard !sorted.isEmpty else { return }
    func percentile(_ p: Double) -> String {
      let index = min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)
      return formatMilliseconds(sorted[max(0, index)])
    }
    console.err(
      "statements \(sorted.count) p50 \(percentile(0.5)) ms p99 \(percentile(0.99)) ms max "
        + "\(formatMilliseconds(sorted[sorted.count - 1])) ms")
    console.flush()
  }

  static func formatMilliseconds(_ seconds: Double) -> String {
    let micro = Int((seconds * 1_000_000).rounded())
    let fraction = micro % 1000
    return "\(micro / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
  }
}

extension EthosLanguage.OutputFormat: ExpressibleByArgument {}

/// `ethos query "STATEMENT" [--format F] [--as-of @N|T]`.
struct QueryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "query", abstract: "Run one query and print it.")

  @Argument(help: "A read-only statement, e.g. \"matrix dept=support\".")
  var statement: String

  @Option(help: "Output format: table, json or csv. (default: table on a terminal, else json)")
  var format: EthosLanguage.OutputFormat?

  @Option(name: .customLong("as-of"), help: "Answer as of event @N or time T.")
  var asOf: String?

  @OptionGroup var options: StoreOptions

  func run() throws {
    let (status, state) = try answer()
    // The session is gone (its store closed, the WAL checkpointed and
    // removed) but its state is left for the process's end to free: freed
    // piece by piece, a state of thousands of parties was 3% of a query.
    withExtendedLifetime(state) { Glibc.exit(status.rawValue) }
  }

  /// Answers the query: how ethos exits, and the state it was answered from.
  private func answer() throws -> (ExitStatus, State) {
    let format = self.format ?? (Environment.stdoutIsTerminal ? .table : .json)
    let session = try options.openSession(format: format, mustExist: true)
    session.settings.prettyJSON = Environment.stdoutIsTerminal
    var line = statement
    if let asOf { line = "as of \(asOf) \(statement)" }
    let parsed: Statement?
    do {
      parsed = try Parser.parse(line)
    } catch {
      Exit.fail(error.message, code: .usage)
    }
    switch parsed {
    case .query?, .asOf?, .history?, .show?, .verify?, .help?, .clock(.show)?, .branches?, .compare?, .replay?, .diff?,
      .whatIf?:
      session.execute(line, origin: Origin.query)
    case nil:
      Exit.fail(CLIMessage.queryMissing, code: .usage)
    default:
      Exit.fail(EngineError.queryOnly.message, code: .usage)
    }
    session.console.flush()
    return (Exit.status(of: session), session.state)
  }
}

extension QueryCommand {
  /// `query STATEMENT` with at most `--store`, `--branch`, `--actor`,
  /// `--format` and `--as-of`, each once, as `--name VALUE`: the command
  /// ArgumentParser would make of it, made directly; `nil` for anything
  /// else, which ArgumentParser parses (and reports). ArgumentParser reflects
  /// on every subcommand's properties and casts them to its protocols at
  /// each start: 21 M of the 96 M instructions of a `query` on a 100k store,
  /// where a process opens, answers and exits in about 30 ms. A test holds
  /// this to ArgumentParser's answer, and to the properties there are.
  static func plain(_ arguments: [String]) -> QueryCommand? {
    guard arguments.first == "query" else { return nil }
    var statement: String?
    var store: String?
    var branch: String?
    var actor: String?
    var format: String?
    var asOf: String?
    var index = 1
    while index < arguments.count {
      let word = arguments[index]
      guard word.hasPrefix("-") else {
        guard statement == nil, !word.isEmpty else { return nil }
        statement = word
        index += 1
        continue
      }
      // A value that looks like an option is ArgumentParser's to judge.
      guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") else { return nil }
      let value = arguments[index + 1]
      index += 2
      switch word {
      case "--store" where store == nil: store = value
      case "--branch" where branch == nil: branch = value
      case "--actor" where actor == nil: actor = value
      case "--format" where format == nil: format = value
      case "--as-of" where asOf == nil: asOf = value
      default: return nil
      }
    }
    guard let statement else { return nil }
    var command = QueryCommand()
    if let format {
      guard let parsed = EthosLanguage.OutputFormat(argument: format) else { return nil }
      command.format = parsed
    } else {
      command.format = nil
    }
    // Every property is set: one left as declared would trap when read.
    var options = StoreOptions()
    options.store = store
    options.branch = branch ?? "main"
    options.actor = actor
    command.statement = statement
    command.asOf = asOf
    command.options = options
    return command
  }
}

/// `ethos verify [--all] [--checkpoint FILE]… [--signer KEY]`: recompute the
/// hash chain, and hold the log to signed checkpoints (SPEC §14).
struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Recompute the hash chain of a branch, and check signed checkpoints against it.",
    discussion: """
      With --checkpoint FILE (repeatable; - reads standard input), also checks each checkpoint: its signature, \
      that it is a checkpoint of this log, and that its branch still has the event at its seq with its hash \
      (which a log cut short, or rewritten with its chain recomputed, no longer has). A checkpoint names its \
      branch: that branch is checked, and its chain verified (--all: every branch). Exit 1 when a check fails, \
      2 when a checkpoint file cannot be read or is not a checkpoint.
      """)

  @Flag(help: "Verify every branch, not just --branch.")
  var all = false

  @Option(
    name: .customLong("checkpoint"),
    help: ArgumentHelp("A checkpoint written by 'ethos checkpoint' to hold the log to (repeatable).", valueName: "file")
  )
  var checkpoints: [String] = []

  @Option(
    help: ArgumentHelp(
      "Accept only checkpoints signed by this public key (the 64 hex digits of a trusted checkpoint's "
        + "'public-key' line).", valueName: "key"))
  var signer: String?

  @OptionGroup var options: StoreOptions

  func validate() throws {
    if signer != nil, checkpoints.isEmpty { throw ValidationError(CLIMessage.signerWithoutCheckpoint) }
  }

  /// Opens the store without the head check and without folding any event,
  /// so a damaged store gets the seq it breaks at (exit 1), not a refusal to open.
  func run() throws {
    // Every checkpoint is read before the store is touched: a file that is
    // not a checkpoint is bad usage, whatever the log holds.
    var loaded = [(name: String, checkpoint: Checkpoint)]()
    var trusted: [UInt8]?
    do throws(CheckpointError) {
      if let signer { trusted = try Checkpoint.publicKey(hex: signer) }
      for path in checkpoints {
        loaded.append((path == "-" ? "standard input" : path, try Checkpoint.read(path: path)))
      }
    } catch {
      Exit.fail(error.message, code: error.exitStatus)
    }
    // A checkpoint names its branch; a --branch other than the default must agree.
    if !all, options.branch != "main" {
      for (name, checkpoint) in loaded where checkpoint.branch != options.branch {
        Exit.fail(
          CLIMessage.checkpointOfOtherBranch(name, branch: checkpoint.branch, given: options.branch), code: .usage)
      }
    }
    let store = try options.openStore(checkingHeads: false, mustExist: true)
    let console = StandardConsole()
    var status = ExitStatus.success
    func failed(_ failure: ExitStatus) {
      if status != .storeFailure { status = failure }
    }
    for (name, checkpoint) in loaded {
      do throws(CheckpointError) {
        console.out(try checkpoint.check(store, name: name, trustedSigner: trusted))
      } catch {
        console.err("error: " + error.message)
        failed(error.exitStatus)
      }
    }
    let names: [String]
    if all {
      do { names = try store.branches().map(\.name) } catch { Exit.fail(error.message, code: .storeFailure) }
    } else if loaded.isEmpty {
      do {
        _ = try store.head(of: options.branch)
      } catch {
        // As for every other subcommand: an unknown branch is bad usage.
        Exit.fail(error.message, code: error.code == .unknownBranch ? .usage : .storeFailure)
      }
      names = [options.branch]
    } else {
      // The chains of the checkpoints' branches (one whose branch is gone said so above).
      var unique = [String]()
      for (_, checkpoint) in loaded where !unique.contains(checkpoint.branch) { unique.append(checkpoint.branch) }
      names = unique.filter { (try? store.branch($0)) != nil }
    }
    for name in names {
      do throws(EngineError) {
        console.out(try Session.verify(store, branch: name))
      } catch {
        console.err("error: " + error.message)
        failed(error.storeFailure ? .storeFailure : .failure)
      }
    }
    console.flush()
    throw ExitCode(status.rawValue)
  }
}

/// `ethos export [--branch B] > log.jsonl`.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the audit trail as JSON Lines.",
    discussion: """
      Personal fields are written sealed (ciphertext), with no key: the export is safe to hand to an auditor. \
      --keys FILE also writes the data keys of the parties not forgotten to FILE (mode 0600), for a full backup.
      """)

  @Option(name: .customLong("keys"), help: "Also write the parties' data keys to this file (a full backup).")
  var keys: String?

  @OptionGroup var options: StoreOptions

  func run() throws {
    let session = try options.openSession(mustExist: true)
    session.exportTrail(keysPath: keys)
    throw ExitCode(Exit.status(of: session).rawValue)
  }
}

/// `ethos import log.jsonl`.
struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import", abstract: "Read an audit trail from JSON Lines.")

  @Argument(help: "A JSON Lines file written by ethos export, or - for standard input.")
  var file: String

  @Option(name: .customLong("keys"), help: "Restore the parties' data keys from this file (written by export --keys).")
  var keys: String?

  @OptionGroup var options: StoreOptions

  func run() throws {
    let existed = options.storeExists
    // `-` is standard input (`ethos export --store A | ethos import - --store B`):
    // import reads its file twice, so the stream is spooled to a temporary file first.
    let spooled = file == "-" ? StandardInputSpool.copy() : nil
    defer { if let spooled { unlink(spooled) } }
    let session = try options.openSession()
    let ok = session.importTrail(
      path: spooled ?? file, displayName: spooled == nil ? nil : "standard input", keysPath: keys)
    // A failed import into a store it created leaves no new file behind.
    if !ok, !existed { options.removeCreatedStore() }
    throw ExitCode(Exit.status(of: session).rawValue)
  }
}

/// `ethos import-csv FILE --kind K [--map FIELD=COLUMN]… [--preset P] [--dry-run] [--bail]` (SPEC §15).
struct ImportCSV: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import-csv", abstract: "Turn the rows of a survey, helpdesk or HR export into statements.",
    discussion: """
      Kinds: feedback, complaints, interactions, pulse, customers, employees. Presets: nps (a generic NPS \
      survey export), zendesk (helpdesk tickets with satisfaction ratings), qualtrics (with its two extra \
      header rows). Each row is decided like a typed statement with origin FILE:LINE; rows already imported \
      are skipped. Exit 1 when any row was refused.
      """)

  @Argument(help: "The CSV file (UTF-8, with or without a byte-order mark).")
  var file: String

  @Option(help: "What the rows are: feedback, complaints, interactions, pulse, customers or employees.")
  var kind: String?

  @Option(help: ArgumentHelp("Which column holds a field (repeatable).", valueName: "FIELD=COLUMN"))
  var map: [String] = []

  @Option(help: "A built-in mapping: nps, zendesk or qualtrics.")
  var preset: String?

  @Option(name: .customLong("date-format"), help: "A strftime-style format for times that are not ISO 8601.")
  var dateFormat: String?

  @Flag(name: .customLong("dry-run"), help: "Append nothing; print the summary and the indicators it would change.")
  var dryRun = false

  @Flag(help: "Stop at the first refused row.")
  var bail = false

  @Option(help: "Output format: table, json or csv.")
  var format: EthosLanguage.OutputFormat = .table

  @OptionGroup var options: StoreOptions

  func validate() throws {
    if kind == nil, preset == nil { throw ValidationError(CLIMessage.kindOrPreset) }
    for entry in map where !entry.contains("=") || entry.hasPrefix("=") || entry.hasSuffix("=") {
      throw ValidationError(CLIMessage.badMap(entry))
    }
  }

  func run() throws {
    let maps = map.compactMap { entry -> ImportRequest.FieldMap? in
      guard let equals = entry.firstIndex(of: "=") else { return nil }
      return ImportRequest.FieldMap(
        field: String(entry[..<equals]).lowercased(), column: String(entry[entry.index(after: equals)...]))
    }
    let request = ImportRequest(
      path: file, kind: kind, maps: maps, preset: preset, dateFormat: dateFormat, dryRun: dryRun, bail: bail)
    let session = try options.openSession(format: format)
    session.importCSV(request)
    session.checkpoint()
    throw ExitCode(Exit.status(of: session).rawValue)
  }
}

/// Standard input copied to a temporary file, in bounded chunks.
enum StandardInputSpool {
  /// The temporary file's path; exits with code 3 when it cannot be written.
  static func copy() -> String {
    var template = Array(((Environment.get("TMPDIR") ?? "/tmp") + "/ethos-import-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
    guard fd >= 0 else {
      Exit.fail(CLIMessage.cannotSpool(CLIMessage.systemReason), code: .storeFailure)
    }
    let path = String(cString: template)
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        unlink(path)
        Exit.fail(CLIMessage.cannotReadInput(CLIMessage.systemReason), code: .failure)
      }
      var offset = 0
      while offset < count {
        let written = buffer.withUnsafeBytes { bytes in
          bytes.baseAddress.map { write(fd, $0 + offset, count - offset) } ?? -1
        }
        if written <= 0 {
          unlink(path)
          Exit.fail(CLIMessage.cannotSpool(to: path, CLIMessage.systemReason), code: .storeFailure)
        }
        offset += written
      }
    }
    return path
  }
}
