import EthosDomain
import EthosEngine
import EthosJSON
import EthosLanguage
import EthosStore

/// A session on an in-memory (or given) store with a frozen wall clock and a
/// captured console: one line of setup per test.
public final class Harness {
  public let store: any EventStore
  public let console = CapturingConsole()
  public let session: Session

  /// The wall time tests freeze `recordedAt` and `clock live` at.
  public static let frozenNow = Timestamp(year: 2021, month: 6, day: 1)

  /// Keys and nonces come from a fixed seed (``SeededKeys``): two harnesses
  /// running the same statements seal them alike, so their hashes agree.
  public init(store: any EventStore = MemoryStore(), actor: String = "tester") throws {
    self.store = store
    session = try Session(
      store: store, actor: actor, wall: FixedClock(Harness.frozenNow), console: console, random: SeededKeys())
  }

  /// Runs each line as the REPL would; returns what they printed.
  @discardableResult
  public func run(_ lines: String...) -> String {
    console.reset()
    for line in lines { session.execute(line) }
    return console.text
  }

  /// Runs a multi-line script text line by line.
  @discardableResult
  public func script(_ text: String) -> String {
    console.reset()
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) { session.execute(String(line)) }
    return console.text
  }

  /// Events in the store on the session's branch.
  public var eventCount: Int { (try? store.head(of: session.branch).seq) ?? -1 }

  /// The JSON document of a query.
  public func json(_ query: String) throws -> JSON {
    console.reset()
    let format = session.settings.format
    session.settings.format = .json
    defer { session.settings.format = format }
    session.execute(query)
    guard console.errLines.isEmpty else { throw HarnessError(message: console.errLines.joined(separator: "\n")) }
    return try JSON.parse(console.outLines.joined(separator: "\n"))
  }
}

public struct HarnessError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
