import EthosStore
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

  static let backends: [Backend] = [
    Backend(name: "memory", make: { MemoryStore() }, reopen: { $0 }),
    Backend(
      name: "sqlite",
      make: { try SQLiteStore(path: try EthosProcess.temporaryDirectory() + "/conformance.sqlite") },
      reopen: { try SQLiteStore(path: $0.location) }),
  ]

  @Test(arguments: backends, StoreConformance.checks.map(\.name))
  func conforms(_ backend: Backend, _ check: String) throws {
    let run = try #require(StoreConformance.checks.first { $0.name == check }?.run)
    try run(backend.make, backend.reopen)
  }
}
