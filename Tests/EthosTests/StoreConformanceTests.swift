import EthosStore
import EthosStorePostgres
import EthosStoreSQLite
import TestSupport
import Testing

/// The store conformance suite (`TestSupport/StoreConformance.swift`) on
/// every backend: one test body, many stores. A new backend adds one line.
@Suite struct StoreConformanceTests {
  struct Backend: Sendable, CustomTestStringConvertible {
    var name: String
    var make: @Sendable () throws -> any EventStore
    var reopen: @Sendable (any EventStore) throws -> any EventStore
    var testDescription: String { name }
  }

  static let backends: [Backend] =
    [
      Backend(name: "memory", make: { MemoryStore() }, reopen: { $0 }),
      Backend(
        name: "sqlite",
        make: { try SQLiteStore(path: try EthosProcess.temporaryDirectory() + "/conformance.sqlite") },
        reopen: { try SQLiteStore(path: $0.location) }),
    ] + (PostgresTestServer.enabled ? [postgres] : [])

  /// A real server (ETHOS_TEST_POSTGRES_URL), each store in a schema of its own.
  static let postgres = Backend(
    name: "postgres", make: { try PostgresTestServer.makeStore() },
    reopen: { store in
      guard let store = store as? PostgresStore else { throw ProcessFailure(message: "not a PostgresStore") }
      return try store.reopened()
    })

  @Test(.enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
  func postgresServerIsConfigured() throws {
    let url = try #require(
      PostgresTestServer.url, "CI must start PostgreSQL (Tests/run.sh) and set ETHOS_TEST_POSTGRES_URL")
    _ = try PostgresStore(url)
  }

  @Test(arguments: backends, StoreConformance.checks.map(\.name))
  func conforms(_ backend: Backend, _ check: String) throws {
    let run = try #require(StoreConformance.checks.first { $0.name == check }?.run)
    try run(backend.make, backend.reopen)
  }
}
