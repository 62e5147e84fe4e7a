import ArgumentParser
import Dispatch
import EthosDomain
import EthosEngine
import EthosStore
import EthosStorePostgres

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `ethos follow`: every event of a branch as it lands (SPEC §12) — first
/// those from `--from @N`, then each new one, until Ctrl-C. On PostgreSQL a
/// `LISTEN` wakes it at once; on SQLite (and a standby, where `NOTIFY` does
/// not arrive) it polls.
struct Follow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "follow", abstract: "Print every event of a branch as it lands, until Ctrl-C.")

  @Option(help: "Catch up from event @N first. (default: the head: new events only)")
  var from: String?

  @Option(help: "Output format: table, or json (one envelope per line).")
  var format: String = "table"

  @OptionGroup var options: StoreOptions

  /// How long to sleep between polls, in seconds (a listener wakes earlier).
  static let pollInterval = 0.2

  func validate() throws {
    guard format == "table" || format == "json" else {
      throw ValidationError(CLIMessage.followFormat(format))
    }
    if let from, Self.seq(from) == nil {
      throw ValidationError(CLIMessage.followFrom(from))
    }
  }

  static func seq(_ text: String) -> Int? {
    guard text.hasPrefix("@"), let value = Int(text.dropFirst()), value >= 1 else { return nil }
    return value
  }

  func run() throws {
    // Runs until Ctrl-C or a kill: a parent may have started it with these
    // signals blocked (the mask survives exec), which would make it unstoppable.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    sigprocmask(SIG_UNBLOCK, &signals, nil)
    let store = try options.openStore(mustExist: true)
    let branch = options.branch
    var next = from.flatMap(Self.seq) ?? 0
    do throws(StoreError) {
      if next == 0 { next = try store.head(of: branch).seq + 1 }
    } catch {
      Exit.fail(error.message, code: error.code == .unknownBranch ? .failure : .storeFailure)
    }
    let console = StandardConsole()
    let wake = DispatchSemaphore(value: 0)
    let listening = (store as? PostgresStore).map { (try? $0.signalAppends(wake)) != nil } ?? false
    // The table shows personal fields; JSON Lines are envelopes as stored
    // (sealed), as `export` writes them (SPEC §13).
    let keyring = Keyring((try? store.partyKeys()) ?? PartyKeys())
    func shown(_ envelope: Envelope) -> String {
      let row = Self.row(envelope)
      guard Sealed.contains(row) else { return row }
      var text = keyring.reveal(row)
      if text.contains("(not available)"), let table = try? store.partyKeys() {
        // A party registered since the keys were read.
        keyring.load(table)
        text = keyring.reveal(row)
      }
      return text
    }
    while true {
      do throws(StoreError) {
        try store.read(branch, from: next, to: Int.max) { envelope in
          // Flushed line by line: into a pipe or a file too (`| jq`).
          console.out(format == "json" ? envelope.jsonLine : shown(envelope))
          console.flush()
          next = envelope.seq + 1
        }
      } catch {
        Exit.fail(error.message, code: error.code == .unknownBranch ? .failure : .storeFailure)
      }
      _ = wake.wait(timeout: .now() + (listening ? 1.0 : Self.pollInterval))
    }
  }

  /// One event as a table row: seq, business time, type, actor, command.
  static func row(_ envelope: Envelope) -> String {
    "@\(envelope.seq)  \(envelope.occurredAt.iso)  \(envelope.type)  \(envelope.actor)  \(envelope.command)"
  }
}
