import GRDB
import Testing

@testable import EthosStoreSQLite

/// Every open checks a store's schema against `writtenSchema`; only when
/// that fails are the migrations run in memory. The two must agree.
@Suite struct SQLiteSchemaTests {
  @Test func writtenSchemaIsWhatTheMigrationsMake() throws {
    let migrations = SQLiteStore.migrator.migrations
    for count in 0...migrations.count {
      let applied = Set(migrations.prefix(count))
      let written = SQLiteStore.writtenSchema(applied: applied)
      let made = try SQLiteStore.expectedSchema(applied: applied)
      #expect(written.count == made.count, "after \(applied.sorted())")
      for (name, sql) in made {
        #expect(written[name] == sql, "\(name) after \(applied.sorted())")
      }
    }
  }
}
