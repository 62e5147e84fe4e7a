import ArgumentParser
import EthosCheckpoint
import EthosEngine
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `ethos checkpoint [--key FILE] [--create-key]` (SPEC §14).
struct CheckpointCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checkpoint", abstract: "Print a signed record of where the branch ends, to keep outside the store.",
    discussion: """
      The record names the log (the hash of its event @1), the branch, its head seq and hash and the time, \
      signed with Ed25519. Keep it where the store's owner cannot rewrite it (a ticket, an email, a git \
      repository); 'ethos verify --checkpoint FILE' later proves the log still holds that head. The signing key \
      is --key FILE, else the file $ETHOS_SIGNING_KEY names, else ~/.config/ethos/signing.key, made with mode \
      0600 on first use. A key file that others can read is refused. Exit 1 when the branch is empty or does \
      not verify (nothing is signed), 2 when the key cannot be used.
      """)

  @Option(
    help: ArgumentHelp(
      "The signing key file. (default: the file $ETHOS_SIGNING_KEY names, else ~/.config/ethos/signing.key)",
      valueName: "file"))
  var key: String?

  @Flag(
    name: .customLong("create-key"),
    help: "Make the key file named by --key or $ETHOS_SIGNING_KEY (mode 0600) if it does not exist yet.")
  var createKey = false

  @OptionGroup var options: StoreOptions

  func run() throws {
    let store = try options.openStore(mustExist: true)
    do {
      _ = try store.head(of: options.branch)
    } catch {
      Exit.fail(error.message, code: error.code == .unknownBranch ? .usage : .storeFailure)
    }
    let console = StandardConsole()
    do throws(CheckpointError) {
      let location = try SigningKey.location(
        option: key, environment: Environment.get("ETHOS_SIGNING_KEY"), home: Environment.home)
      let create = createKey || location.source == .defaultLocation
      let checkpoint = try Checkpoint.take(store, branch: options.branch, time: Environment.wallClock.now().time) {
        () throws(CheckpointError) in
        let signing = try SigningKey.load(path: location.path, source: location.source, create: create)
        if signing.created { console.err(CheckpointNotice.keyCreated(signing)) }
        return signing.key
      }
      console.outPart(checkpoint.text)
      console.flush()
    } catch {
      Exit.fail(error.message, code: error.exitStatus)
    }
  }
}

extension CheckpointError {
  var exitStatus: ExitStatus {
    switch code {
    case .unusable: return .usage
    case .failed: return .failure
    case .store: return .storeFailure
    }
  }
}

extension Environment {
  /// The home directory: `$HOME`, else the password database's.
  static var home: String? {
    if let home = get("HOME"), !home.isEmpty { return home }
    guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
    return String(cString: directory)
  }
}
