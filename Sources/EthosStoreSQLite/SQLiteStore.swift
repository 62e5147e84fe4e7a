import Crypto
import EthosDomain
import EthosStore
import Foundation
import GRDB
import GRDBSQLite

/// The embedded default store: one SQLite file in WAL mode, through GRDB.
///
/// The `events` table is append-only (triggers refuse UPDATE and DELETE);
/// branches share history by reference; snapshots live in their own table and
/// are a cache. Appends run in `BEGIN IMMEDIATE` transactions that check the
/// expected head, so two processes never fork the chain.
public final class SQLiteStore: EventStore {
  let queue: DatabaseQueue
  public let location: String
  /// The file's device and inode, while this store has it open.
  private var openFile: OpenFiles.Key?

  deinit {
    if let openFile { OpenFiles.shared.closed(openFile) }
  }

  /// Opens (creating if needed) the store at `path`, migrating its schema and
  /// checking that each branch head still chains. `ethos verify` opens with
  /// `checkingHeads: false` so that it can name a damaged head itself.
  public init(path: String, readOnly: Bool = false, checkingHeads: Bool = true) throws(StoreError) {
    location = path
    var config = Configuration()
    // WAL, as GRDB's `journalMode = .wal` would set it up: see `setUpWAL`.
    config.busyMode = .timeout(30)
    config.readonly = readOnly
    config.label = "ethos"
    config.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
      // A forgotten party's key must not linger in freed pages (SPEC §13).
      try db.execute(sql: "PRAGMA secure_delete = ON")
    }
    try SQLiteStore.checkRegularFile(path)
    // Closing any descriptor of a file drops every POSIX lock this process
    // holds on it, so the file is read only when no other store of this
    // process has it open: else a `sqlite3` beside it would take itself for
    // the last user and reset the WAL under the open connections.
    let file = OpenFiles.key(path)
    if let file, OpenFiles.shared.isOpen(file) {
      // Checked when it was first opened.
    } else {
      try SQLiteStore.checkWholePages(path)
    }
    do {
      queue = try DatabaseQueue(path: path, configuration: config)
      if !readOnly { try queue.writeWithoutTransaction { db in try SQLiteStore.setUpWAL(db, path: path) } }
    } catch {
      throw SQLiteStore.openError(path, error)
    }
    openFile = OpenFiles.key(path)
    if let openFile { OpenFiles.shared.opened(openFile) }
    try migrate(readOnly: readOnly)
    try checkSchema()
    if checkingHeads { try checkHeads() }
  }

  /// What GRDB's `journalMode = .wal` does on opening a store, step for
  /// step, without Foundation: GRDB asks for the WAL file's size through
  /// `URL.resourceValues` and reads the mode through a generic fetch, 4 M
  /// instructions of a 75 M `query matrix` (most of it the conformance scans
  /// of their first uses). The write when there
  /// is no WAL yet is kept: it is what refuses, at open, a store that cannot
  /// be written to (a read-only file), even for a query.
  static func setUpWAL(_ db: Database, path: String) throws {
    let statement = try db.makeStatement(sql: "PRAGMA journal_mode = WAL")
    let handle = statement.sqliteStatement
    let mode = try step(handle, db) ? sqlite3_column_text(handle, 0).map { String(cString: $0) } : nil
    // Done with before the write below, which a statement still running would lock out.
    sqlite3_reset(handle)
    guard mode == "wal" else { throw DatabaseError(message: "could not activate WAL Mode at path: \(path)") }
    try db.execute(sql: "PRAGMA synchronous = NORMAL")
    // GRDB makes sure the WAL exists and is not empty (its issues 102 and 1383).
    var info = stat()
    if stat(path + "-wal", &info) != 0 || info.st_size == 0 {
      try db.inSavepoint {
        try db.execute(
          sql: """
            CREATE TABLE grdb_issue_102 (id INTEGER PRIMARY KEY);
            DROP TABLE grdb_issue_102;
            """)
        return .commit
      }
    }
  }

  static func openError(_ path: String, _ error: any Error) -> StoreError {
    if let error = error as? DatabaseError {
      switch error.resultCode {
      case .SQLITE_NOTADB:
        return StoreError(.cannotOpen, "'\(path)' is not an ethos store (not a SQLite database)")
      case .SQLITE_CORRUPT:
        return StoreError(
          .damaged, "'\(path)' is damaged (SQLite reports corruption) — restore it from a backup or an export")
      case .SQLITE_CANTOPEN:
        return StoreError(.cannotOpen, "cannot open '\(path)' — check that its folder exists and is writable")
      case .SQLITE_READONLY:
        return readOnlyError(path)
      case .SQLITE_IOERR:
        return StoreError(
          .io,
          "cannot write '\(path)': the disk reported an error (full, over a file size limit, or failing) — "
            + "free some space or check the disk, then try again")
      case .SQLITE_FULL:
        return StoreError(.io, "the disk holding '\(path)' is full — free some space, then try again")
      case .SQLITE_BUSY, .SQLITE_LOCKED:
        return StoreError(.cannotOpen, "'\(path)' is locked by another process — try again")
      default:
        return StoreError(.cannotOpen, "cannot use '\(path)': \(error.message ?? "\(error.resultCode)")")
      }
    }
    if error is RowDecodingError {
      return StoreError(
        .damaged, "'\(path)' is damaged: a stored value has the wrong type (\(error)) — run 'ethos verify' for details")
    }
    return StoreError(.cannotOpen, "cannot use '\(path)': \(error)")
  }

  /// Which file or folder is read-only: SQLite writes the store, and beside
  /// it in its folder its `-wal` and `-shm` files, and names none of them.
  static func readOnlyError(_ path: String) -> StoreError {
    let folder = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) : "."
    let fix = "check its permissions"
    if access(path, F_OK) == 0, access(path, W_OK) != 0 {
      return StoreError(.cannotOpen, "'\(path)' is read-only — ethos needs to write to it (\(fix))")
    }
    for suffix in ["-wal", "-shm"] where access(path + suffix, F_OK) == 0 && access(path + suffix, W_OK) != 0 {
      return StoreError(
        .cannotOpen,
        "'\(path)\(suffix)' is read-only (left over from another user or a copy?) — remove it if no ethos is running, "
          + "or \(fix)")
    }
    if access(folder.isEmpty ? "/" : folder, W_OK) != 0 {
      return StoreError(
        .cannotOpen,
        "the folder '\(folder.isEmpty ? "/" : folder)' is read-only — ethos writes the store's journal files beside it "
          + "(\(fix), or move the store)")
    }
    return StoreError(.cannotOpen, "'\(path)' is read-only — ethos needs to write to it (\(fix))")
  }

  private func wrap<T>(_ body: () throws -> T) throws(StoreError) -> T {
    do {
      return try body()
    } catch let error as StoreError {
      throw error
    } catch let error as CallerError {
      // What the caller's own body threw while reading: as on every backend, an I/O failure.
      throw StoreError(.io, "\(error.underlying)")
    } catch {
      throw SQLiteStore.openError(location, error)
    }
  }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-events") { db in
      try db.execute(
        sql: """
          CREATE TABLE branches (
            name TEXT PRIMARY KEY NOT NULL,
            parent TEXT REFERENCES branches(name),
            fork_seq INTEGER NOT NULL
          );
          INSERT INTO branches (name, parent, fork_seq) VALUES ('main', NULL, 0);
          CREATE TABLE events (
            branch TEXT NOT NULL,
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            version INTEGER NOT NULL,
            occurred_at INTEGER NOT NULL,
            recorded_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            origin TEXT NOT NULL,
            command TEXT NOT NULL,
            data TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (branch, seq)
          ) WITHOUT ROWID;
          CREATE INDEX events_retractions ON events(branch, seq) WHERE type = 'EventRetracted';
          CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
          CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
          CREATE TABLE snapshots (
            branch TEXT NOT NULL,
            seq INTEGER NOT NULL,
            version INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (branch, seq, version)
          );
          """)
    }
    // Each append also records where the branch now ends, so that events cut
    // from the end of the log (which the hash chain cannot show) are seen.
    migrator.registerMigration("v2-recorded-heads") { db in
      try db.execute(
        sql: """
          CREATE TABLE heads (
            branch TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL
          );
          INSERT INTO heads (branch, seq, hash)
            SELECT branch, seq, hash FROM events AS e
            WHERE seq = (SELECT max(seq) FROM events WHERE branch = e.branch);
          """)
    }
    // A snapshot names the event it was taken at by hash, so that one copied
    // from another store, or left over from a log since replaced, is not
    // used; and carries the SHA-256 of its bytes, so that a damaged one is
    // not either. Older rows have neither and are never used again (a cache).
    migrator.registerMigration("v3-snapshot-hashes") { db in
      try db.execute(sql: "ALTER TABLE snapshots ADD COLUMN hash TEXT; ALTER TABLE snapshots ADD COLUMN digest TEXT")
    }
    // The key table (SPEC §13): each party's data key, outside the log, and
    // the parties whose key `forget` destroyed.
    migrator.registerMigration("v4-party-keys") { db in
      try db.execute(
        sql: """
          CREATE TABLE party_keys (
            party TEXT PRIMARY KEY NOT NULL,
            key BLOB NOT NULL
          );
          CREATE TABLE forgotten_parties (
            party TEXT PRIMARY KEY NOT NULL
          );
          """)
    }
    return migrator
  }

  private func migrate(readOnly: Bool) throws(StoreError) {
    let migrator = SQLiteStore.migrator
    try wrap {
      let superseded = try queue.read { db in try migrator.hasBeenSuperseded(db) }
      if superseded {
        throw StoreError(
          .damaged, "'\(location)' was written by a newer version of ethos (unknown schema) — upgrade ethos to open it")
      }
      if !readOnly { try migrator.migrate(queue) }
    }
  }

  /// Refuses a store holding a table, index, trigger or view that ethos's
  /// migrations did not make, or one they made but that was changed since: a
  /// planted trigger can swallow or rewrite writes that ethos acknowledges.
  /// Objects that are missing are left to `verify` (the hash chain shows
  /// what a dropped append-only trigger let through).
  private func checkSchema() throws(StoreError) {
    try wrap {
      let (applied, objects) = try queue.read { db in
        (try SQLiteStore.migrator.appliedIdentifiers(db), try SQLiteStore.schemaObjects(db))
      }
      var expected = SQLiteStore.writtenSchema(applied: applied)
      if objects.contains(where: { expected[$0.name] != $0.sql }) {
        // Only the migrations themselves say what is wrong.
        expected = try SQLiteStore.expectedSchema(applied: applied)
      }
      for object in objects where expected[object.name] != object.sql {
        let what = expected[object.name] == nil ? "was not made by ethos" : "was changed since ethos made it"
        throw StoreError(
          .damaged,
          "'\(location)' has been tampered with: the \(object.type) '\(object.name)' \(what) — "
            + "drop it with sqlite3 (or restore the store from a backup or an export), then open it again")
      }
    }
  }

  /// The tables, indexes, triggers and views of `db`, by name, with the SQL
  /// that made them (SQLite's own statistics tables aside).
  static func schemaObjects(_ db: Database) throws -> [(type: String, name: String, sql: String?)] {
    try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'").map {
      (try $0.decode(atIndex: 0), try $0.decode(atIndex: 1), try $0.decode(atIndex: 2))
    }
  }

  /// What the migrations in `applied` make, found by running them on an
  /// empty database in memory: the schema can then never drift from them.
  static func expectedSchema(applied: Set<String>) throws -> [String: String?] {
    let migrator = SQLiteStore.migrator
    guard let last = migrator.migrations.last(where: applied.contains) else { return [:] }
    let queue = try DatabaseQueue()
    try migrator.migrate(queue, upTo: last)
    var result = [String: String?]()
    for object in try queue.read({ db in try schemaObjects(db) }) { result[object.name] = object.sql }
    return result
  }

  /// `expectedSchema(applied:)` written out, for the schema of every store
  /// that is as ethos made it: running the migrations on a database in
  /// memory at each open was a sixteenth of opening a store to answer one
  /// query. A test holds it to `expectedSchema` for every migration; where
  /// they would still differ (another SQLite spelling an altered table
  /// otherwise), a store's schema is checked against `expectedSchema`.
  static func writtenSchema(applied: Set<String>) -> [String: String?] {
    guard let last = migrator.migrations.lastIndex(where: applied.contains) else { return [:] }
    var schema: [String: String?] = [
      "grdb_migrations": "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)",
      "sqlite_autoindex_grdb_migrations_1": nil,
      "branches": """
      CREATE TABLE branches (
        name TEXT PRIMARY KEY NOT NULL,
        parent TEXT REFERENCES branches(name),
        fork_seq INTEGER NOT NULL
      )
      """,
      "sqlite_autoindex_branches_1": nil,
      "events": """
      CREATE TABLE events (
        branch TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        version INTEGER NOT NULL,
        occurred_at INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        origin TEXT NOT NULL,
        command TEXT NOT NULL,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (branch, seq)
      ) WITHOUT ROWID
      """,
      "events_retractions": "CREATE INDEX events_retractions ON events(branch, seq) WHERE type = 'EventRetracted'",
      "events_no_update": """
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END
      """,
      "events_no_delete": """
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END
      """,
      "snapshots": """
      CREATE TABLE snapshots (
        branch TEXT NOT NULL,
        seq INTEGER NOT NULL,
        version INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (branch, seq, version)
      )
      """,
      "sqlite_autoindex_snapshots_1": nil,
    ]
    if last >= 1 {
      schema["heads"] = """
        CREATE TABLE heads (
          branch TEXT PRIMARY KEY NOT NULL,
          seq INTEGER NOT NULL,
          hash TEXT NOT NULL
        )
        """
      schema["sqlite_autoindex_heads_1"] = .some(nil)
    }
    if last >= 2 {
      // SQLite writes an added column into the table's SQL after the last one.
      schema["snapshots"] = """
        CREATE TABLE snapshots (
          branch TEXT NOT NULL,
          seq INTEGER NOT NULL,
          version INTEGER NOT NULL,
          data BLOB NOT NULL, hash TEXT, digest TEXT,
          PRIMARY KEY (branch, seq, version)
        )
        """
    }
    if last >= 3 {
      schema["party_keys"] = """
        CREATE TABLE party_keys (
          party TEXT PRIMARY KEY NOT NULL,
          key BLOB NOT NULL
        )
        """
      schema["sqlite_autoindex_party_keys_1"] = .some(nil)
      schema["forgotten_parties"] = """
        CREATE TABLE forgotten_parties (
          party TEXT PRIMARY KEY NOT NULL
        )
        """
      schema["sqlite_autoindex_forgotten_parties_1"] = .some(nil)
    }
    return schema
  }

  /// Refuses anything but a regular file or a new path, before opening it:
  /// a FIFO blocks the open forever, and SQLite beside a device
  /// (`/dev/null`) creates its journal in `/dev`.
  static func checkRegularFile(_ path: String) throws(StoreError) {
    var info = stat()
    guard stat(path, &info) == 0 else { return }
    let kind: String
    switch info.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: kind = "a folder"
    case S_IFIFO: kind = "a FIFO (named pipe)"
    case S_IFCHR, S_IFBLK: kind = "a device"
    case S_IFSOCK: kind = "a socket"
    default: kind = "not a regular file"
    }
    throw StoreError(
      .cannotOpen,
      "'\(path)' is \(kind), not an ethos store — give --store the path of a store file, or of a new one to create")
  }

  /// Refuses a file cut short, before SQLite opens (and may write to) it:
  /// a SQLite file is always a whole number of pages, and SQLite reads a
  /// short last page without complaint. The page size is in the header.
  static func checkWholePages(_ path: String) throws(StoreError) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return }
    defer { try? handle.close() }
    guard let header = try? handle.read(upToCount: 100), header.count == 100,
      header.starts(with: Array("SQLite format 3".utf8) + [0]),
      let size = try? handle.seekToEnd()
    else { return }
    let raw = Int(header[16]) << 8 | Int(header[17])
    let pageSize = raw == 1 ? 65_536 : raw
    guard pageSize >= 512, size % UInt64(pageSize) != 0 else { return }
    throw StoreError(
      .damaged,
      "'\(path)' is damaged: it is \(size) bytes, not a whole number of \(pageSize)-byte pages (cut short?) — "
        + "restore it from a backup or an export")
  }

  /// Refuses a store whose branch heads do not chain (SPEC §7).
  private func checkHeads() throws(StoreError) {
    for branch in try branches() {
      if let failure = try recordedHeadBreak(of: branch.name) {
        throw StoreError(
          .damaged,
          "'\(location)' is damaged: branch '\(branch.name)' \(failure) — run 'ethos verify' for details")
      }
    }
    for branch in try branches() where branch.head > branch.forkSeq {
      guard let last = try event(branch.name, seq: branch.head) else { continue }
      let previous = branch.head > 1 ? try event(branch.name, seq: branch.head - 1)?.hash : Envelope.genesisHash
      if let failure = ChainBreak.check(last, expectedSeq: branch.head, previousHash: previous ?? "") {
        throw StoreError(
          .damaged,
          "'\(location)' is damaged: branch '\(branch.name)' \(failure) — run 'ethos verify' for details")
      }
    }
  }

  // MARK: EventStore

  public func head(of branch: String) throws(StoreError) -> Head {
    try wrap { try queue.read { db in try Self.head(db, branch) } }
  }

  static func head(_ db: Database, _ branch: String) throws -> Head {
    if let row = try Row.fetchOne(
      db, sql: "SELECT seq, hash, occurred_at FROM events WHERE branch = ? ORDER BY seq DESC LIMIT 1",
      arguments: [branch])
    {
      return try Self.head(row)
    }
    guard
      let info = try Row.fetchOne(db, sql: "SELECT parent, fork_seq FROM branches WHERE name = ?", arguments: [branch])
    else {
      let known = try String.fetchAll(db, sql: "SELECT name FROM branches ORDER BY rowid")
      throw StoreError.unknownBranch(branch, known: known)
    }
    let parent: String? = try info.decode(atIndex: 0)
    let forkSeq: Int = try info.decode(atIndex: 1)
    guard let parent, forkSeq > 0 else { return .empty }
    for segment in try segments(db, parent) where segment.after < forkSeq && forkSeq <= segment.through {
      if let row = try Row.fetchOne(
        db, sql: "SELECT seq, hash, occurred_at FROM events WHERE branch = ? AND seq = ?",
        arguments: [segment.owner, forkSeq])
      {
        return try Self.head(row)
      }
    }
    return .empty
  }

  /// Columns are decoded with `decode`, which throws on a value of the wrong
  /// type (a hand-edited store), where `row[i]` would trap.
  static func head(_ row: Row) throws -> Head {
    Head(
      seq: try row.decode(atIndex: 0), hash: try row.decode(atIndex: 1),
      occurredAt: Timestamp(seconds: try row.decode(atIndex: 2)))
  }

  public func branches() throws(StoreError) -> [BranchInfo] {
    try wrap {
      try queue.read { db in
        let rows = try Row.fetchAll(db, sql: "SELECT name, parent, fork_seq FROM branches ORDER BY rowid")
        return try rows.map { row in
          let name: String = try row.decode(atIndex: 0)
          return BranchInfo(
            name: name, parent: try row.decode(atIndex: 1), forkSeq: try row.decode(atIndex: 2),
            head: try Self.head(db, name).seq)
        }
      }
    }
  }

  public func createBranch(_ name: String, from parent: String, at seq: Int) throws(StoreError) {
    try wrap {
      try queue.writeWithoutTransaction { db in
        try db.inTransaction(.immediate) {
          if try Bool.fetchOne(db, sql: "SELECT 1 FROM branches WHERE name = ?", arguments: [name]) == true {
            throw StoreError.branchExists(name)
          }
          let parentHead = try Self.head(db, parent).seq
          guard seq >= 0, seq <= parentHead else {
            throw StoreError(.invalid, "branch '\(parent)' has no event @\(seq) — its head is @\(parentHead)")
          }
          try db.execute(
            sql: "INSERT INTO branches (name, parent, fork_seq) VALUES (?, ?, ?)", arguments: [name, parent, seq])
          return .commit
        }
      }
    }
  }

  public func append(
    _ events: [PendingEvent], to branch: String, expectedHead: Int, keys: KeyChange
  ) throws(StoreError) -> [Envelope] {
    guard !events.isEmpty else { return [] }
    let sealed: [Envelope] = try wrap {
      try queue.writeWithoutTransaction { db in
        var sealed = [Envelope]()
        sealed.reserveCapacity(events.count)
        try db.inTransaction(.immediate) {
          let head = try Self.head(db, branch)
          guard head.seq == expectedHead else { throw StoreError.conflict(expected: expectedHead, actual: head.seq) }
          if !keys.isEmpty {
            if try keys.check(against: Self.partyKeys(of: keys, db)) {
              throw StoreError.conflict(expected: expectedHead, actual: head.seq)
            }
            try Self.apply(keys, db)
          }
          let insert = try db.cachedStatement(sql: Self.insertSQL)
          var previous = head.hash
          for offset in events.indices {
            let envelope = events[offset].sealed(seq: head.seq + offset + 1, prevHash: previous)
            try Self.insert(envelope, branch: branch, with: insert, db: db)
            previous = envelope.hash
            sealed.append(envelope)
          }
          if let last = sealed.last { try Self.recordHead(db, branch: branch, seq: last.seq, hash: last.hash) }
          return .commit
        }
        return sealed
      }
    }
    if !keys.forgotten.isEmpty { checkpointWAL() }
    return sealed
  }

  public func partyKeys() throws(StoreError) -> PartyKeys {
    try wrap { try queue.read { db in try Self.partyKeys(db) } }
  }

  public func changeKeys(_ change: KeyChange) throws(StoreError) {
    guard !change.isEmpty else { return }
    try wrap {
      try queue.writeWithoutTransaction { db in
        try db.inTransaction(.immediate) {
          let current = try Self.partyKeys(db)
          if try change.check(against: current) { throw StoreError.keyClash(change, current) }
          try Self.apply(change, db)
          return .commit
        }
      }
    }
    if !change.forgotten.isEmpty { checkpointWAL() }
  }

  static func partyKeys(_ db: Database) throws -> PartyKeys {
    var table = PartyKeys()
    // Read as raw values: a damaged row (a key stored as text, or of the
    // wrong length) is kept as it is, for the keyring to report, not a trap.
    // Stepped with SQLite's C API, as the fold is: every open reads the whole
    // table, a store of 20,000 customers holds 20,000 keys, and a GRDB row
    // per key made this a fifth of opening such a store.
    let statement = try db.makeStatement(sql: "SELECT CAST(party AS TEXT), key FROM party_keys")
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    while try Self.step(handle, db) {
      guard let text = sqlite3_column_text(handle, 0) else { continue }
      let party = String(
        decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 0))), as: UTF8.self)
      if sqlite3_column_type(handle, 1) == SQLITE_BLOB, let blob = sqlite3_column_blob(handle, 1) {
        table.keys[party] = Array(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(handle, 1))))
      } else {
        table.keys[party] = []
      }
    }
    table.forgotten = Set(try String.fetchAll(db, sql: "SELECT party FROM forgotten_parties"))
    return table
  }

  /// The part of the key table `change` is checked against: the rows of the
  /// parties it adds keys for, and which of them were forgotten. An import
  /// adds thousands of keys to a table of thousands; reading all of it for
  /// every write would cost more than the write.
  static func partyKeys(of change: KeyChange, _ db: Database) throws -> PartyKeys {
    var table = PartyKeys()
    guard !change.added.isEmpty else { return table }
    // As `partyKeys(_:)` reads them: raw, a damaged key kept as it is.
    let key = try db.cachedStatement(sql: "SELECT key FROM party_keys WHERE party = ?")
    let forgotten = try db.cachedStatement(sql: "SELECT 1 FROM forgotten_parties WHERE party = ?")
    for party in change.added.keys {
      if let row = try Row.fetchOne(key, arguments: [party]) {
        switch (row[0] as DatabaseValue).storage {
        case .blob(let data): table.keys[party] = Array(data)
        default: table.keys[party] = []
        }
      }
      if try Bool.fetchOne(forgotten, arguments: [party]) == true { table.forgotten.insert(party) }
    }
    return table
  }

  static func apply(_ change: KeyChange, _ db: Database) throws {
    if !change.added.isEmpty {
      let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO party_keys (party, key) VALUES (?, ?)")
      for (party, key) in change.added {
        try insert.execute(arguments: [party, Data(key)])
      }
    }
    for party in change.forgotten {
      try db.execute(sql: "DELETE FROM party_keys WHERE party = ?", arguments: [party])
      try db.execute(sql: "INSERT OR IGNORE INTO forgotten_parties (party) VALUES (?)", arguments: [party])
    }
  }

  /// Moves the WAL into the database file and empties it, so a destroyed
  /// key survives in neither (secure_delete zeroes it in the file). Best
  /// effort: a reader holding an old snapshot keeps the WAL until it ends.
  private func checkpointWAL() {
    _ = try? queue.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }
  }

  public func appendSealed(_ envelopes: [Envelope], to branch: String, expectedHead: Int) throws(StoreError) {
    guard !envelopes.isEmpty else { return }
    try wrap {
      try queue.writeWithoutTransaction { db in
        try db.inTransaction(.immediate) {
          let head = try Self.head(db, branch)
          guard head.seq == expectedHead else { throw StoreError.conflict(expected: expectedHead, actual: head.seq) }
          if let broken = Self.chainBreak(envelopes, after: head) {
            throw StoreError.doesNotChain(broken, branch: branch)
          }
          let insert = try db.cachedStatement(sql: Self.insertSQL)
          for envelope in envelopes {
            try Self.insert(envelope, branch: branch, with: insert, db: db)
          }
          // An import is an append too: without this the next open would
          // take the imported events for ones ethos never appended.
          if let last = envelopes.last { try Self.recordHead(db, branch: branch, seq: last.seq, hash: last.hash) }
          return .commit
        }
      }
    }
  }

  public func appendSealed(
    to branch: String, expectedHead: Int, from next: () throws(StoreError) -> Envelope?
  ) throws(StoreError) {
    try wrap {
      try queue.writeWithoutTransaction { db in
        try db.inTransaction(.immediate) {
          let head = try Self.head(db, branch)
          guard head.seq == expectedHead else { throw StoreError.conflict(expected: expectedHead, actual: head.seq) }
          let insert = try db.cachedStatement(sql: Self.insertSQL)
          var last = head
          while let envelope = try next() {
            if let broken = ChainBreak.check(envelope, expectedSeq: last.seq + 1, previousHash: last.hash) {
              throw StoreError.doesNotChain(broken, branch: branch)
            }
            try Self.insert(envelope, branch: branch, with: insert, db: db)
            last = Head(seq: envelope.seq, hash: envelope.hash, occurredAt: nil)
          }
          if last.seq > head.seq { try Self.recordHead(db, branch: branch, seq: last.seq, hash: last.hash) }
          return .commit
        }
      }
    }
  }

  public func read(_ branch: String, from: Int, to: Int, _ body: (Envelope) throws -> Void) throws(StoreError) {
    try read(branch, from: from, to: to, source: "events", filter: "", arguments: [], body)
  }

  public func read(
    _ branch: String, type: String, from: Int, to: Int, _ body: (Envelope) throws -> Void
  ) throws(StoreError) {
    // The planner prefers the primary key (a scan of the whole range): a type
    // with a partial index of its own is read through it, so learning the
    // few events of that type in a large log stays fast.
    if let index = Self.typeIndexes[type] {
      try read(
        branch, from: from, to: to, source: "events INDEXED BY \(index.name)", filter: "AND \(index.type)",
        arguments: [], body)
    } else {
      try read(branch, from: from, to: to, source: "events", filter: "AND type = ?", arguments: [type], body)
    }
  }

  /// The partial indexes over the events of one type, by that type: each
  /// with its condition written as the index has it (SQLite uses a partial
  /// index only for a query that repeats its condition, not a bound value).
  static let typeIndexes: [String: (name: String, type: String)] = [
    "EventRetracted": ("events_retractions", "type = 'EventRetracted'")
  ]

  /// The events of `branch` in `from...to` read from `source` with `filter`
  /// (SQL after the range, with its `arguments`).
  private func read(
    _ branch: String, from: Int, to: Int, source: String, filter: String, arguments: [any DatabaseValueConvertible],
    _ body: (Envelope) throws -> Void
  ) throws(StoreError) {
    try wrap {
      try queue.read { db in
        for segment in try Self.segments(db, branch) {
          let low = max(from, segment.after + 1)
          let high = min(to, segment.through)
          guard low <= high else { continue }
          let cursor = try Row.fetchCursor(
            db,
            sql: """
              SELECT seq, type, version, occurred_at, recorded_at, actor, origin, command, data, prev_hash, hash
              FROM \(source) WHERE branch = ? AND seq BETWEEN ? AND ? \(filter) ORDER BY seq
              """,
            arguments: StatementArguments([segment.owner, low, high] + arguments))
          while let row = try cursor.next() {
            let envelope = Envelope(
              seq: try row.decode(atIndex: 0), type: try row.decode(atIndex: 1), version: try row.decode(atIndex: 2),
              occurredAt: Timestamp(seconds: try row.decode(atIndex: 3)), recordedAt: try row.decode(atIndex: 4),
              actor: try row.decode(atIndex: 5), origin: try row.decode(atIndex: 6),
              command: try row.decode(atIndex: 7), data: try row.decode(atIndex: 8),
              prevHash: try row.decode(atIndex: 9), hash: try row.decode(atIndex: 10))
            try CallerError.passing { try body(envelope) }
          }
        }
      }
    }
  }

  public func actors(_ branch: String, from: Int, to: Int) throws(StoreError) -> [String] {
    try wrap {
      try queue.read { db in
        var result = [String]()
        for segment in try Self.segments(db, branch) {
          let low = max(from, segment.after + 1)
          let high = min(to, segment.through)
          guard low <= high else { continue }
          let actors = try String.fetchAll(
            db,
            sql: "SELECT actor FROM events WHERE branch = ? AND seq BETWEEN ? AND ? GROUP BY actor ORDER BY min(seq)",
            arguments: [segment.owner, low, high])
          for actor in actors where !result.contains(actor) { result.append(actor) }
        }
        return result
      }
    }
  }

  public func recordedHeadBreak(of branch: String) throws(StoreError) -> ChainBreak? {
    try wrap {
      // One read transaction: another process appending in between would
      // otherwise look like a log cut short.
      try queue.read { db in
        // A store opened read-only before this table existed has no record.
        guard try Self.hasTable(db, "heads"),
          let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM heads WHERE branch = ?", arguments: [branch])
        else { return nil }
        let recorded = Head(seq: try row.decode(atIndex: 0), hash: try row.decode(atIndex: 1), occurredAt: nil)
        return ChainBreak.check(head: try Self.head(db, branch), recorded: recorded)
      }
    }
  }

  /// Records where `branch` now ends, in the append's transaction. A row
  /// that did not change (a trigger planted to swallow it) fails the append.
  static func recordHead(_ db: Database, branch: String, seq: Int, hash: String) throws {
    try db.execute(
      sql: """
        INSERT INTO heads (branch, seq, hash) VALUES (?, ?, ?)
        ON CONFLICT(branch) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
        """,
      arguments: [branch, seq, hash])
    guard db.changesCount == 1 else { throw StoreError.writeSwallowed("heads") }
  }

  /// The one statement that adds an event, for `append` and `appendSealed`.
  static let insertSQL = """
    INSERT INTO events (branch, seq, type, version, occurred_at, recorded_at, actor, origin, command,
                        data, prev_hash, hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """

  /// Steps a statement with SQLite's C API: `true` with a row to read,
  /// `false` when there are no more.
  /// Whether the store has the table `name`, as GRDB's `tableExists` says
  /// for a table of the main schema (ethos makes no other), without loading
  /// and caching the whole schema for one answer at each open.
  static func hasTable(_ db: Database, _ name: String) throws -> Bool {
    let statement = try db.makeStatement(
      sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE")
    try statement.setArguments([name])
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    return try step(handle, db)
  }

  static func step(_ handle: SQLiteStatement, _ db: Database) throws -> Bool {
    let code = sqlite3_step(handle)
    if code == SQLITE_DONE { return false }
    guard code == SQLITE_ROW else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
    return true
  }

  /// Inserts one sealed envelope with SQLite's C API: the per-event cost of
  /// GRDB's argument arrays is most of an insert's cost in a large batch.
  static func insert(_ envelope: Envelope, branch: String, with statement: Statement, db: Database) throws {
    let handle = statement.sqliteStatement
    defer {
      sqlite3_reset(handle)
      sqlite3_clear_bindings(handle)
    }
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    func text(_ index: Int32, _ value: String) {
      var value = value
      value.withUTF8 { bytes in
        guard let base = bytes.baseAddress else {
          _ = sqlite3_bind_text(handle, index, "", 0, transient)
          return
        }
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
          _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
        }
      }
    }
    text(1, branch)
    sqlite3_bind_int64(handle, 2, Int64(envelope.seq))
    text(3, envelope.type)
    sqlite3_bind_int64(handle, 4, Int64(envelope.version))
    sqlite3_bind_int64(handle, 5, envelope.occurredAt.seconds)
    text(6, envelope.recordedAt)
    text(7, envelope.actor)
    text(8, envelope.origin)
    text(9, envelope.command)
    text(10, envelope.data)
    text(11, envelope.prevHash)
    text(12, envelope.hash)
    let code = sqlite3_step(handle)
    guard code == SQLITE_DONE else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
    // SQLite reports success for a row a trigger chose to ignore.
    guard sqlite3_changes(db.sqliteConnection) == 1 else { throw StoreError.writeSwallowed("events") }
  }

  // The fold is the hot path of opening a store and of `as of`: it steps the
  // prepared statement with SQLite's C API and hands out column bytes without
  // making Strings or GRDB rows, which would cost more than the fold itself.
  public func fold(_ branch: String, from: Int, to: Int, _ body: (FoldRow) throws -> Void) throws(StoreError) {
    try wrap {
      try queue.read { db in
        let statement = try db.cachedStatement(
          sql: """
            SELECT seq, occurred_at, type, version, data FROM events
            WHERE branch = ? AND seq BETWEEN ? AND ? ORDER BY seq
            """)
        for segment in try Self.segments(db, branch) {
          let low = max(from, segment.after + 1)
          let high = min(to, segment.through)
          guard low <= high else { continue }
          try statement.setArguments([segment.owner, low, high])
          let handle = statement.sqliteStatement
          defer { sqlite3_reset(handle) }
          while try Self.step(handle, db) {
            let row = FoldRow(
              seq: Int(sqlite3_column_int64(handle, 0)),
              occurredAt: Timestamp(seconds: sqlite3_column_int64(handle, 1)),
              type: Self.bytes(handle, 2), version: Int(sqlite3_column_int64(handle, 3)),
              data: Self.bytes(handle, 4))
            try CallerError.passing { try body(row) }
          }
        }
      }
    }
  }

  private static func bytes(_ handle: OpaquePointer?, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
    guard let text = sqlite3_column_text(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
  }

  public func loadSnapshot(_ branch: String, atOrBefore seq: Int, version: Int) throws(StoreError) -> (
    seq: Int, data: [UInt8]
  )? {
    try wrap {
      try queue.read { db in
        // A store opened read-only before snapshots recorded hashes has none to trust.
        guard try db.columns(in: "snapshots").contains(where: { $0.name == "digest" }) else { return nil }
        // A cursor: the newest snapshot is nearly always the one, and each
        // row fetched is a copy of a whole state (400 KB on a 100k log).
        let rows = try Row.fetchCursor(
          db,
          sql: """
            SELECT seq, hash, digest, data FROM snapshots
            WHERE branch = ? AND version = ? AND seq <= ? AND hash IS NOT NULL AND digest IS NOT NULL
            ORDER BY seq DESC LIMIT 8
            """,
          arguments: [branch, version, seq])
        while let row = try rows.next() {
          guard let at = try? row.decode(Int.self, atIndex: 0), let hash = try? row.decode(String.self, atIndex: 1),
            let digest = try? row.decode(String.self, atIndex: 2), let blob = try? row.decode(Data.self, atIndex: 3),
            try Self.hash(db, branch, seq: at) == hash
          else { continue }
          let data = [UInt8](blob)
          guard Envelope.hex(SHA256.hash(data: data)) == digest else { continue }
          return (at, data)
        }
        return nil
      }
    }
  }

  /// How far apart the older snapshots kept are, in events.
  static let snapshotSpacing = 50_000

  public func saveSnapshot(_ branch: String, seq: Int, version: Int, data: [UInt8]) throws(StoreError) {
    try wrap {
      try queue.write { db in
        guard let hash = try Self.hash(db, branch, seq: seq) else { return }
        try db.execute(
          sql: "INSERT OR REPLACE INTO snapshots (branch, seq, version, data, hash, digest) VALUES (?, ?, ?, ?, ?, ?)",
          arguments: [branch, seq, version, Data(data), hash, Envelope.hex(SHA256.hash(data: data))])
        // A cache: keep the three newest per branch and version, and the first
        // of every 50,000 events, so a point in the past (`as of`, the start of a
        // `window=`) is never more than about 50,000 events from a snapshot.
        try db.execute(
          sql: """
            DELETE FROM snapshots WHERE branch = ? AND version = ? AND seq NOT IN
              (SELECT seq FROM snapshots WHERE branch = ? AND version = ? ORDER BY seq DESC LIMIT 3)
              AND seq NOT IN
              (SELECT MIN(seq) FROM snapshots WHERE branch = ? AND version = ? GROUP BY seq / \(Self.snapshotSpacing))
            """,
          arguments: [branch, version, branch, version, branch, version])
      }
    }
  }

  /// The hash of event `seq` of `branch` (shared history included), or `nil`.
  static func hash(_ db: Database, _ branch: String, seq: Int) throws -> String? {
    for segment in try segments(db, branch) where segment.after < seq && seq <= segment.through {
      return try String.fetchOne(
        db, sql: "SELECT hash FROM events WHERE branch = ? AND seq = ?", arguments: [segment.owner, seq])
    }
    return nil
  }

  /// The stretches of history that make up `branch`, root first.
  static func segments(_ db: Database, _ branch: String) throws -> [(owner: String, after: Int, through: Int)] {
    var result = [(owner: String, after: Int, through: Int)]()
    var name = branch
    var through = Int.max
    var seen = Set<String>()
    while seen.insert(name).inserted {
      guard
        let row = try Row.fetchOne(db, sql: "SELECT parent, fork_seq FROM branches WHERE name = ?", arguments: [name])
      else {
        let known = try String.fetchAll(db, sql: "SELECT name FROM branches ORDER BY rowid")
        throw StoreError.unknownBranch(name, known: known)
      }
      let forkSeq: Int = try row.decode(atIndex: 1)
      result.append((name, forkSeq, through))
      guard let parent: String = try row.decode(atIndex: 0) else { break }
      through = forkSeq
      name = parent
    }
    return result.reversed()
  }
}

/// An error the caller's own body threw inside a read, kept apart from the
/// database's errors so it maps to the same code as on every backend.
struct CallerError: Error {
  let underlying: any Error

  static func passing(_ body: () throws -> Void) throws {
    do { try body() } catch let error as StoreError { throw error } catch { throw CallerError(underlying: error) }
  }
}

/// The store files this process has open, by device and inode.
final class OpenFiles: @unchecked Sendable {
  // @unchecked: `lock` guards `counts`, the only state.
  struct Key: Hashable { var device: UInt64, inode: UInt64 }

  static let shared = OpenFiles()
  private let lock = NSLock()
  private var counts = [Key: Int]()

  static func key(_ path: String) -> Key? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Key(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
  }

  func isOpen(_ key: Key) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return counts[key, default: 0] > 0
  }

  func opened(_ key: Key) {
    lock.lock()
    counts[key, default: 0] += 1
    lock.unlock()
  }

  func closed(_ key: Key) {
    lock.lock()
    counts[key] = counts[key, default: 1] > 1 ? counts[key, default: 1] - 1 : nil
    lock.unlock()
  }
}
