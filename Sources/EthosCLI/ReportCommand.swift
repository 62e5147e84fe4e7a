import ArgumentParser
import EthosDomain
import EthosEngine
import EthosLanguage
import EthosStore

/// `ethos report [-o FILE] [--as-of @N|T] [--branch B] [--compare B2]` (SPEC §16).
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write the HTML report: one self-contained page with SVG charts, no network, no JavaScript.")

  @Option(name: [.customShort("o"), .long], help: "The file to write. (default: ethos-report.html)")
  var output: String?

  @Option(name: .customLong("as-of"), help: "Report as of event @N or time T.")
  var asOf: String?

  @Option(help: "A second branch shown beside this one, differences marked.")
  var compare: String?

  @OptionGroup var options: StoreOptions

  func run() throws {
    var point: Point?
    if let asOf {
      if asOf.hasPrefix("@"), let seq = Int(asOf.dropFirst()), seq >= 0 {
        point = .seq(seq)
      } else if let time = Timestamp(parsing: asOf) {
        point = .time(time)
      } else {
        Exit.fail(CLIMessage.notAPoint(asOf), code: .usage)
      }
    }
    let session = try options.openSession(mustExist: true)
    if let compare {
      // As for --branch: a branch that does not exist is bad usage.
      do {
        _ = try session.store.head(of: compare)
      } catch {
        Exit.fail(error.message, code: error.code == .unknownBranch ? .usage : .storeFailure)
      }
    }
    session.writeReport(to: output, asOf: point, compare: compare)
    session.console.flush()
    throw ExitCode(Exit.status(of: session).rawValue)
  }
}
