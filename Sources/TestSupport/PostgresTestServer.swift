import EthosStore
import EthosStorePostgres
import Foundation

/// The PostgreSQL server the tests run against: `ETHOS_TEST_POSTGRES_URL`
/// (Tests/run.sh starts one on loopback and sets it). Each store gets a
/// schema of its own, so tests never see each other's logs.
public enum PostgresTestServer {
  /// The server's URL, or `nil` when none is configured.
  public static var url: String? {
    guard let value = ProcessInfo.processInfo.environment["ETHOS_TEST_POSTGRES_URL"], !value.isEmpty else { return nil }
    return value
  }

  /// Whether the PostgreSQL tests run: a server is configured, or this is CI
  /// (where a missing server is a failure, never a skip).
  public static var enabled: Bool { url != nil || ProcessInfo.processInfo.environment["CI"] != nil }

  /// Why the PostgreSQL tests were skipped.
  public static let skipReason =
    "ETHOS_TEST_POSTGRES_URL is not set: 'bash Tests/run.sh' starts PostgreSQL 15 and sets it"

  /// The URL of a new, empty log in a schema of its own.
  public static func freshURL() throws -> String {
    guard let url else { throw ProcessFailure(message: "ETHOS_TEST_POSTGRES_URL is not set (run bash Tests/run.sh)") }
    let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
    return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
  }

  /// A new, empty PostgreSQL store.
  public static func makeStore() throws -> PostgresStore {
    try PostgresStore(try freshURL())
  }
}
