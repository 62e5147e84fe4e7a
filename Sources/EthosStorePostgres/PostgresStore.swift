import Crypto
import EthosDomain
import EthosStore
import Foundation
import PostgresNIO

/// A log shared across machines: the `EventStore` on PostgreSQL (SPEC §12).
///
/// postgres-nio is asynchronous and the engine is not, so the store owns one
/// connection on a one-thread event loop group and blocks the caller on each
/// query's future: no `Task` reaches the engine. An append locks its branch's
/// row in `heads` (`SELECT … FOR UPDATE`), checks the expected head against
/// the events, seals the events client-side from the exact previous hash,
/// inserts them in multi-row statements, moves the head row and `NOTIFY`s
/// listeners, all in one transaction; the primary key on `(branch, seq)` is
/// the backstop should anything get past the lock.
public final class PostgresStore: EventStore {
  public let url: PostgresURL
  public var location: String { url.description }
  /// Whether the server is a hot standby (reads only).
  public private(set) var isStandby = false
  /// A write on a standby is refused before the engine decides it.
  public var writeRefusal: StoreError? { isStandby ? Self.standbyWrite(location) : nil }

  /// The one event loop thread every store of this process runs its connection on.
  static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
  /// Guards `connection`: a store may be handed between threads, one at a time.
  private let lock = NSRecursiveLock()
  private var connection: PostgresConnection?
  /// Set between `BEGIN` and its end: a dropped connection is then not
  /// silently replaced (the rest would run outside the transaction).
  private var inTransaction = false
  /// Set inside `whileHoldingHead`: transactions join the one it holds.
  private var holding = false
  private let logger: Logger = {
    var logger = Logger(label: "ethos.postgres")
    logger.logLevel = .critical
    return logger
  }()

  /// The channel appends notify on; the payload is `SCHEMA BRANCH SEQ`.
  public static let channel = "ethos_events"
  /// Rows per multi-row insert or read page.
  static let batchRows = 2_000

  /// Connects, creates the schema and runs the migrations not yet applied
  /// (none on a standby), and checks that each branch head still chains.
  public init(url: PostgresURL, checkingHeads: Bool = true) throws(StoreError) {
    self.url = url
    do {
      try connect()
      isStandby = try queryOne("SELECT pg_is_in_recovery()") { try $0[0].decode(Bool.self) } ?? false
      try migrate()
    } catch {
      throw Self.storeError(error, url: url, opening: true)
    }
    if checkingHeads { try checkHeads() }
  }

  public convenience init(_ text: String, environmentPassword: String? = nil, checkingHeads: Bool = true)
    throws(StoreError)
  {
    try self.init(url: PostgresURL(text, environmentPassword: environmentPassword), checkingHeads: checkingHeads)
  }

  /// A second, independent connection to the same log.
  public func reopened() throws(StoreError) -> PostgresStore {
    try PostgresStore(url: url)
  }

  deinit {
    if let connection { _ = try? connection.close().wait() }
  }

  // MARK: connection

  private func connect() throws {
    var configuration = PostgresConnection.Configuration(
      host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
      tls: .disable)
    configuration.options.connectTimeout = .seconds(10)
    connection = try PostgresConnection.connect(
      on: Self.group.next(), configuration: configuration, id: 1, logger: logger
    ).wait()
    try execute("SET search_path TO \(quoted(url.schema))")
  }

  /// The open connection, reconnecting once after the server dropped it
  /// (a restart): a new statement starts a new transaction, so nothing is
  /// left half done.
  private func open() throws -> PostgresConnection {
    if let connection, !connection.isClosed { return connection }
    // Inside a transaction a new connection would run the rest of it outside
    // any transaction (each statement on its own): the transaction is lost.
    if inTransaction { throw Self.lostConnection(url) }
    try connect()
    guard let connection else { throw StoreError(.io, "lost the connection to \(location)") }
    return connection
  }

  private func quoted(_ identifier: String) -> String { "\"" + identifier + "\"" }

  @discardableResult
  private func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
    try open().query(query, logger: logger).wait()
  }

  private func execute(_ sql: String) throws {
    try run(PostgresQuery(unsafeSQL: sql))
  }

  private func queryOne<T>(_ query: PostgresQuery, _ decode: (PostgresRandomAccessRow) throws -> T) throws -> T? {
    for row in try run(query) { return try decode(row.makeRandomAccess()) }
    return nil
  }

  /// Runs `body` in one transaction under the store's lock, mapping errors.
  ///
  /// When the connection drops while `COMMIT` is on its way, the server may
  /// or may not have committed. `landed`, asked on a new connection once the
  /// server answers again, tells which (an append checks that its last event
  /// is in the log): a write is never reported lost that was kept, which a
  /// person would then repeat.
  private func transaction<T>(
    readOnly: Bool = false, landed: ((T) throws -> Bool)? = nil, _ body: () throws -> T
  ) throws(StoreError) -> T {
    lock.lock()
    defer { lock.unlock() }
    if holding {
      // Part of the transaction `whileHoldingHead` holds, which commits it.
      do { return try body() } catch { throw Self.storeError(error, url: url, opening: false) }
    }
    do {
      if readOnly {
        try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
      } else {
        if isStandby { throw Self.standbyWrite(location) }
        try execute("BEGIN")
      }
      inTransaction = true
      defer { inTransaction = false }
      let result: T
      do {
        result = try body()
      } catch {
        abandonTransaction()
        throw error
      }
      do {
        try execute("COMMIT")
      } catch {
        inTransaction = false
        guard let landed, Self.isConnectionLoss(error) else { throw error }
        if try committedAfterAll(result, landed) { return result }
        throw error
      }
      return result
    } catch {
      throw Self.storeError(error, url: url, opening: false)
    }
  }

  /// Ends a transaction that failed: rolls it back while the connection
  /// still stands (a lost one took the transaction with it).
  private func abandonTransaction() {
    inTransaction = false
    if let connection, !connection.isClosed { _ = try? execute("ROLLBACK") }
  }

  /// Locks `branch`'s head row for one transaction around `body`: every
  /// other append to the branch waits on that row (in the order they came),
  /// and the reads and appends of `body` run inside the transaction.
  public func whileHoldingHead(of branch: String, _ body: () throws -> Void) throws -> Bool {
    if let writeRefusal { throw writeRefusal }
    lock.lock()
    defer { lock.unlock() }
    if holding {
      try body()
      return true
    }
    do {
      try execute("BEGIN")
      inTransaction = true
      try run("SELECT 1 FROM heads WHERE branch = \(branch) FOR UPDATE")
    } catch {
      abandonTransaction()
      throw Self.storeError(error, url: url, opening: false)
    }
    holding = true
    defer {
      holding = false
      inTransaction = false
    }
    do {
      try body()
    } catch {
      holding = false
      abandonTransaction()
      throw error
    }
    do {
      try execute("COMMIT")
    } catch {
      throw Self.storeError(error, url: url, opening: false)
    }
    return true
  }

  /// How long to wait for a server that dropped the connection during
  /// `COMMIT` to answer again (a restart takes a few seconds).
  static let commitCheckSeconds = 30.0

  /// Whether a transaction whose `COMMIT` lost its connection committed:
  /// reconnects (waiting for a restarting server) and asks `landed`. Throws
  /// when the server does not answer in time: the outcome is unknown.
  private func committedAfterAll<T>(_ result: T, _ landed: (T) throws -> Bool) throws -> Bool {
    let deadline = Date().addingTimeInterval(Self.commitCheckSeconds)
    while true {
      do {
        if let connection, !connection.isClosed { _ = try? connection.close().wait() }
        try connect()
        return try landed(result)
      } catch {
        guard Date() < deadline else {
          throw StoreError(
            .io,
            "lost the connection to PostgreSQL at \(url.host):\(url.port) while committing, and it did not come back "
              + "to say whether the write was stored — look with 'ethos query history' before repeating it")
        }
        usleep(200_000)
      }
    }
  }

  /// Whether `error` says the connection to the server is gone.
  static func isConnectionLoss(_ error: any Error) -> Bool {
    if let error = error as? StoreError { return error.message.hasPrefix("lost the connection") }
    guard let error = error as? PSQLError else { return false }
    switch error.code {
    case .serverClosedConnection, .uncleanShutdown, .connectionError: return true
    default: return error.serverInfo?[.sqlState].map { $0.hasPrefix("57P") } ?? false
    }
  }

  /// NIO's description of a failed connect, as a person would say it:
  /// `connection refused` rather than the channel's error dump.
  static func plainReason(_ error: any Error) -> String {
    let text = String(describing: error)
    for (needle, plain) in [
      ("Connection refused", "connection refused"), ("errno: 111", "connection refused"),
      ("timed out", "timed out"), ("imeout", "timed out"), ("No route to host", "no route to host"),
      ("Network is unreachable", "network unreachable"), ("ailed to resolve", "unknown host"),
      ("No address", "unknown host"),
    ] where text.contains(needle) {
      return plain
    }
    return text
  }

  static func lostConnection(_ url: PostgresURL) -> StoreError {
    StoreError(
      .io,
      "lost the connection to PostgreSQL at \(url.host):\(url.port) — the server closed it (restarted?); "
        + "nothing was acknowledged since")
  }

  static func standbyWrite(_ location: String) -> StoreError {
    StoreError(
      .invalid,
      "'\(location)' is a read-only hot standby — write on the primary server (query, verify, export and follow work here)"
    )
  }

  // MARK: errors

  /// One clear message per failure, with the same codes as SQLite's.
  static func storeError(_ error: any Error, url: PostgresURL, opening: Bool) -> StoreError {
    if let error = error as? StoreError { return error }
    if let error = error as? CallerFailure { return StoreError(.io, "\(error.underlying)") }
    let place = "\(url.host):\(url.port)"
    let lost = opening ? StoreError.Code.cannotOpen : .io
    if let error = error as? PSQLError {
      if error.code == .server, let info = error.serverInfo {
        let state = info[.sqlState] ?? ""
        let message = info[.message] ?? "unknown error"
        switch state {
        case "28P01", "28000":
          return StoreError(
            .cannotOpen,
            "cannot sign in to PostgreSQL at \(place) as '\(url.user)': \(message) — check the user and password "
              + "(in the URL or $PGPASSWORD)")
        case "3D000":
          return StoreError(
            .cannotOpen,
            "PostgreSQL at \(place) has no database '\(url.database)' — create it with 'createdb \(url.database)'")
        case "42501":
          return StoreError(
            .cannotOpen,
            "PostgreSQL refused '\(url.user)' the rights ethos needs on '\(url.database)' (schema \(url.schema)): "
              + "\(message) — grant them, or use another database or ?schema=")
        case "25006":
          return standbyWrite(url.description)
        case "57P01", "57P02", "57P03":
          return StoreError(lost, "PostgreSQL at \(place) is shutting down or restarting (\(message)) — try again")
        case "53100":
          return StoreError(.io, "PostgreSQL at \(place) is out of disk space: \(message)")
        default:
          return StoreError(opening ? .cannotOpen : .io, "PostgreSQL at \(place): \(message) (SQLSTATE \(state))")
        }
      }
      switch error.code {
      case .connectionError:
        let why = error.underlying.map { " (\(Self.plainReason($0)))" } ?? ""
        return StoreError(
          lost, "cannot reach PostgreSQL at \(place)\(why) — check that the server is running and the host and port")
      case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
        let error = lostConnection(url)
        return StoreError(lost, error.message)
      default:
        return StoreError(lost, "PostgreSQL at \(place): \(error.code)")
      }
    }
    if error is PostgresDecodingError {
      return StoreError(
        .damaged, "'\(url)' is damaged: a stored value has the wrong type — run 'ethos verify' for details")
    }
    return StoreError(lost, "PostgreSQL at \(place): \(error)")
  }

  // MARK: migrations

  /// Named, ordered, append-only schema changes (as GRDB's `DatabaseMigrator`).
  /// Each migration is a list of statements (the extended protocol runs one at a time).
  static let migrations: [(name: String, statements: [String])] = [
    (
      "v1-events",
      [
        """
        CREATE TABLE branches (
          name TEXT PRIMARY KEY,
          parent TEXT REFERENCES branches(name),
          fork_seq BIGINT NOT NULL,
          position BIGINT GENERATED ALWAYS AS IDENTITY
        )
        """,
        "INSERT INTO branches (name, parent, fork_seq) VALUES ('main', NULL, 0)",
        """
        CREATE TABLE events (
          branch TEXT NOT NULL REFERENCES branches(name),
          seq BIGINT NOT NULL,
          type TEXT NOT NULL,
          version BIGINT NOT NULL,
          occurred_at BIGINT NOT NULL,
          recorded_at TEXT NOT NULL,
          actor TEXT NOT NULL,
          origin TEXT NOT NULL,
          command TEXT NOT NULL,
          data TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL,
          CONSTRAINT events_branch_seq UNIQUE (branch, seq)
        )
        """,
        "CREATE INDEX events_retractions ON events (branch, seq) WHERE type = 'EventRetracted'",
        """
        CREATE FUNCTION ethos_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$
        """,
        """
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
          FOR EACH ROW EXECUTE FUNCTION ethos_append_only()
        """,
        """
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
          FOR EACH STATEMENT EXECUTE FUNCTION ethos_append_only()
        """,
        """
        CREATE TABLE heads (
          branch TEXT PRIMARY KEY REFERENCES branches(name),
          seq BIGINT NOT NULL,
          hash TEXT NOT NULL
        )
        """,
        "INSERT INTO heads (branch, seq, hash) VALUES ('main', 0, '\(Envelope.genesisHash)')",
        """
        CREATE TABLE snapshots (
          branch TEXT NOT NULL,
          seq BIGINT NOT NULL,
          version BIGINT NOT NULL,
          data BYTEA NOT NULL,
          hash TEXT NOT NULL,
          digest TEXT NOT NULL,
          PRIMARY KEY (branch, seq, version)
        )
        """,
      ]
    ),
    // The key table (SPEC §13): each party's data key, outside the log, and
    // the parties whose key `forget` destroyed.
    (
      "v2-party-keys",
      [
        "CREATE TABLE party_keys (party TEXT PRIMARY KEY, key BYTEA NOT NULL)",
        "CREATE TABLE forgotten_parties (party TEXT PRIMARY KEY)",
      ]
    ),
  ]

  private func migrate() throws {
    let schema = quoted(url.schema)
    let table = "\(schema).ethos_migrations"
    if isStandby {
      let exists = try queryOne("SELECT to_regclass(\(schema + ".ethos_migrations"))::text") {
        try $0[0].decode(String?.self)
      }
      guard exists ?? nil != nil else {
        throw StoreError(
          .cannotOpen,
          "there is no ethos log at '\(location)', and a read-only standby cannot create one — create it on the primary"
        )
      }
      try checkMigrations(table)
      return
    }
    try execute("BEGIN")
    do {
      // One process migrates at a time; the others wait here, then see it done.
      try run("SELECT pg_advisory_xact_lock(hashtext(\("ethos migrations " + url.schema)))")
      try execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
      try execute(
        "CREATE TABLE IF NOT EXISTS \(table) (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
      let applied = try checkMigrations(table)
      for migration in Self.migrations where !applied.contains(migration.name) {
        for statement in migration.statements { try execute(statement) }
        try run(PostgresQuery(unsafeSQL: "INSERT INTO \(table) (name) VALUES ($1)", binds: binds(migration.name)))
      }
      try execute("COMMIT")
    } catch {
      _ = try? execute("ROLLBACK")
      throw error
    }
  }

  /// The migrations applied; a name ethos does not know means a newer ethos wrote the schema.
  @discardableResult
  private func checkMigrations(_ table: String) throws -> Set<String> {
    var applied = Set<String>()
    for row in try run(PostgresQuery(unsafeSQL: "SELECT name FROM \(table)")) {
      applied.insert(try row.makeRandomAccess()[0].decode(String.self))
    }
    let known = Set(Self.migrations.map(\.name))
    if !applied.isSubset(of: known) {
      throw StoreError(
        .damaged, "'\(location)' was written by a newer version of ethos (unknown schema) — upgrade ethos to open it")
    }
    return applied
  }

  private func binds(_ values: String...) -> PostgresBindings {
    var result = PostgresBindings()
    for value in values { result.append(value) }
    return result
  }

  /// Refuses a log whose branch heads do not chain (SPEC §7).
  private func checkHeads() throws(StoreError) {
    for branch in try branches() {
      if let failure = try recordedHeadBreak(of: branch.name) {
        throw StoreError(
          .damaged, "'\(location)' is damaged: branch '\(branch.name)' \(failure) — run 'ethos verify' for details")
      }
      guard branch.head > branch.forkSeq, let last = try event(branch.name, seq: branch.head) else { continue }
      let previous = branch.head > 1 ? try event(branch.name, seq: branch.head - 1)?.hash : Envelope.genesisHash
      if let failure = ChainBreak.check(last, expectedSeq: branch.head, previousHash: previous ?? "") {
        throw StoreError(
          .damaged, "'\(location)' is damaged: branch '\(branch.name)' \(failure) — run 'ethos verify' for details")
      }
    }
  }

  // MARK: reads inside a transaction or the lock

  private func knownBranches() throws -> [String] {
    try run("SELECT name FROM branches ORDER BY position").map { try $0.makeRandomAccess()[0].decode(String.self) }
  }

  /// The stretches of history that make up `branch`, root first.
  private func segments(_ branch: String) throws -> [(owner: String, after: Int, through: Int)] {
    var result = [(owner: String, after: Int, through: Int)]()
    var name = branch
    var through = Int.max
    var seen = Set<String>()
    while seen.insert(name).inserted {
      guard
        let (parent, forkSeq) = try queryOne(
          "SELECT parent, fork_seq FROM branches WHERE name = \(name)",
          {
            (try $0[0].decode(String?.self), try $0[1].decode(Int.self))
          })
      else { throw StoreError.unknownBranch(name, known: try knownBranches()) }
      result.append((name, forkSeq, through))
      guard let parent else { break }
      through = forkSeq
      name = parent
    }
    return result.reversed()
  }

  private func headRow(_ row: PostgresRandomAccessRow) throws -> Head {
    Head(
      seq: try row[0].decode(Int.self), hash: try row[1].decode(String.self),
      occurredAt: Timestamp(seconds: Int64(try row[2].decode(Int.self))))
  }

  private func currentHead(_ branch: String) throws -> Head {
    if let head = try queryOne(
      "SELECT seq, hash, occurred_at FROM events WHERE branch = \(branch) ORDER BY seq DESC LIMIT 1", headRow)
    {
      return head
    }
    let segments = try segments(branch)
    guard let own = segments.last, own.after > 0 else { return .empty }
    for segment in segments.dropLast() where segment.after < own.after && own.after <= segment.through {
      if let head = try queryOne(
        "SELECT seq, hash, occurred_at FROM events WHERE branch = \(segment.owner) AND seq = \(own.after)", headRow)
      {
        return head
      }
    }
    return .empty
  }

  private func hash(_ branch: String, seq: Int) throws -> String? {
    for segment in try segments(branch) where segment.after < seq && seq <= segment.through {
      return try queryOne("SELECT hash FROM events WHERE branch = \(segment.owner) AND seq = \(seq)") {
        try $0[0].decode(String.self)
      }
    }
    return nil
  }

  /// Calls `body` with each row of `branch` in `from...to`, page by page
  /// (`columns` first is `seq`): memory stays bounded on any log.
  private func scan(
    _ branch: String, columns: String, type: String? = nil, from: Int, to: Int,
    _ body: (PostgresRandomAccessRow) throws -> Void
  ) throws {
    // An unnamed statement is planned with its values, so a type with a
    // partial index of its own is read through that index.
    let filter = type == nil ? "" : "AND type = $4 "
    for segment in try segments(branch) {
      var after = max(from, segment.after + 1) - 1
      let high = min(to, segment.through)
      while after < high {
        let rows = try run(
          PostgresQuery(
            unsafeSQL: """
              SELECT \(columns) FROM events WHERE branch = $1 AND seq > $2 AND seq <= $3 \(filter)\
              ORDER BY seq LIMIT \(Self.batchRows)
              """,
            binds: {
              var binds = PostgresBindings()
              binds.append(segment.owner)
              binds.append(after)
              binds.append(high)
              if let type { binds.append(type) }
              return binds
            }()))
        var count = 0
        for row in rows {
          let cells = row.makeRandomAccess()
          after = try cells[0].decode(Int.self)
          count += 1
          try CallerFailure.passing { try body(cells) }
        }
        if count < Self.batchRows { break }
      }
    }
  }

  // MARK: EventStore

  public func head(of branch: String) throws(StoreError) -> Head {
    try locked { try currentHead(branch) }
  }

  /// Runs a read under the lock (one statement at a time on the connection).
  private func locked<T>(_ body: () throws -> T) throws(StoreError) -> T {
    lock.lock()
    defer { lock.unlock() }
    do { return try body() } catch { throw Self.storeError(error, url: url, opening: false) }
  }

  public func branches() throws(StoreError) -> [BranchInfo] {
    try transaction(readOnly: true) {
      var infos = [BranchInfo]()
      for row in try run("SELECT name, parent, fork_seq FROM branches ORDER BY position") {
        let cells = row.makeRandomAccess()
        let name = try cells[0].decode(String.self)
        infos.append(
          BranchInfo(
            name: name, parent: try cells[1].decode(String?.self), forkSeq: try cells[2].decode(Int.self), head: 0))
      }
      for index in infos.indices { infos[index].head = try currentHead(infos[index].name).seq }
      return infos
    }
  }

  public func createBranch(_ name: String, from parent: String, at seq: Int) throws(StoreError) {
    try transaction {
      // Branches are created one at a time per log.
      try run("LOCK TABLE branches IN SHARE ROW EXCLUSIVE MODE")
      if try queryOne("SELECT 1 FROM branches WHERE name = \(name)", { _ in true }) == true {
        throw StoreError.branchExists(name)
      }
      let parentHead = try currentHead(parent).seq
      guard seq >= 0, seq <= parentHead else {
        throw StoreError(.invalid, "branch '\(parent)' has no event @\(seq) — its head is @\(parentHead)")
      }
      let hash = seq == 0 ? Envelope.genesisHash : try self.hash(parent, seq: seq) ?? Envelope.genesisHash
      try run("INSERT INTO branches (name, parent, fork_seq) VALUES (\(name), \(parent), \(seq))")
      try run("INSERT INTO heads (branch, seq, hash) VALUES (\(name), \(seq), \(hash))")
    }
  }

  /// Locks `branch`'s head row for this transaction and returns where the
  /// branch ends, or throws a conflict when that is not `expectedHead`.
  private func lockHead(_ branch: String, expectedHead: Int) throws -> Head {
    // The head row moves in every append's transaction, so once locked it is
    // where the branch ends (open and verify check it against the events).
    let lockSQL: PostgresQuery = "SELECT seq, hash FROM heads WHERE branch = \(branch) FOR UPDATE"
    let row: (PostgresRandomAccessRow) throws -> Head = {
      Head(seq: try $0[0].decode(Int.self), hash: try $0[1].decode(String.self), occurredAt: nil)
    }
    var head = try queryOne(lockSQL, row)
    if head == nil {
      // A branch without a head row (none should be): make one, then lock it.
      let current = try currentHead(branch)
      try run(
        "INSERT INTO heads (branch, seq, hash) VALUES (\(branch), \(current.seq), \(current.hash)) ON CONFLICT DO NOTHING"
      )
      head = try queryOne(lockSQL, row)
    }
    guard let head else { throw StoreError.unknownBranch(branch, known: try knownBranches()) }
    guard head.seq == expectedHead else { throw StoreError.conflict(expected: expectedHead, actual: head.seq) }
    return head
  }

  /// Inserts `envelopes` in multi-row statements, then moves the head row
  /// and notifies listeners, inside the caller's transaction.
  private func insert(_ envelopes: ArraySlice<Envelope>, branch: String) throws {
    guard !envelopes.isEmpty else { return }
    var binds = PostgresBindings(capacity: 12)
    binds.append(branch)
    try binds.append(envelopes.map(\.seq))
    try binds.append(envelopes.map(\.type))
    try binds.append(envelopes.map(\.version))
    try binds.append(envelopes.map { Int($0.occurredAt.seconds) })
    try binds.append(envelopes.map(\.recordedAt))
    try binds.append(envelopes.map(\.actor))
    try binds.append(envelopes.map(\.origin))
    try binds.append(envelopes.map(\.command))
    try binds.append(envelopes.map(\.data))
    try binds.append(envelopes.map(\.prevHash))
    try binds.append(envelopes.map(\.hash))
    let result = try run(
      PostgresQuery(
        unsafeSQL: """
          INSERT INTO events (branch, seq, type, version, occurred_at, recorded_at, actor, origin, command,
                              data, prev_hash, hash)
          SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],
                                   $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
          """,
        binds: binds))
    guard result.metadata.rows == envelopes.count else {
      throw StoreError(
        .damaged,
        "a write to the events table was silently dropped (a trigger not made by ethos?) — nothing was appended; "
          + "run 'ethos verify' and check the schema")
    }
  }

  private func finish(_ branch: String, last: Envelope) throws {
    // One round trip: move the head row and notify listeners (delivered on commit).
    let moved = try queryOne(
      """
      WITH moved AS (UPDATE heads SET seq = \(last.seq), hash = \(last.hash) WHERE branch = \(branch) RETURNING 1)
      SELECT (SELECT count(*) FROM moved), pg_notify(\(Self.channel), \(url.schema + " " + branch + " " + String(last.seq)))
      """
    ) { try $0[0].decode(Int.self) }
    guard moved == 1 else {
      throw StoreError(.damaged, "a write to the heads table was silently dropped — nothing was appended")
    }
  }

  /// Whether `envelope` (the last of a write) is in `branch`'s log.
  private func holds(_ branch: String, _ envelope: Envelope?) throws -> Bool {
    guard let envelope else { return true }
    return try hash(branch, seq: envelope.seq) == envelope.hash
  }

  /// A unique violation on `(branch, seq)`: another writer got past the
  /// head lock (it cannot, but the backstop says so), reported as a conflict.
  private func backstop<T>(_ branch: String, expectedHead: Int, _ body: () throws(StoreError) -> T) throws(StoreError)
    -> T
  {
    do {
      return try body()
    } catch {
      guard error.code == .io, error.message.contains("SQLSTATE 23505") else { throw error }
      let actual = (try? head(of: branch).seq) ?? expectedHead
      throw StoreError.conflict(expected: expectedHead, actual: actual)
    }
  }

  public func append(
    _ events: [PendingEvent], to branch: String, expectedHead: Int, keys: KeyChange
  ) throws(StoreError) -> [Envelope] {
    guard !events.isEmpty else { return [] }
    let sealed = try backstop(branch, expectedHead: expectedHead) { () throws(StoreError) in
      try transaction(landed: { (sealed: [Envelope]) in try self.holds(branch, sealed.last) }) {
        let head = try lockHead(branch, expectedHead: expectedHead)
        if !keys.isEmpty, try !apply(keys) { throw StoreError.conflict(expected: expectedHead, actual: head.seq) }
        var sealed = [Envelope]()
        sealed.reserveCapacity(events.count)
        var previous = head.hash
        for (offset, pending) in events.enumerated() {
          let envelope = pending.sealed(seq: head.seq + offset + 1, prevHash: previous)
          previous = envelope.hash
          sealed.append(envelope)
        }
        var start = 0
        while start < sealed.count {
          let end = min(start + Self.batchRows, sealed.count)
          try insert(sealed[start..<end], branch: branch)
          start = end
        }
        if let last = sealed.last { try finish(branch, last: last) }
        return sealed
      }
    }
    if !keys.forgotten.isEmpty { vacuumKeys() }
    return sealed
  }

  public func partyKeys() throws(StoreError) -> PartyKeys {
    try locked {
      var table = PartyKeys()
      for row in try run("SELECT party, key FROM party_keys") {
        let cells = row.makeRandomAccess()
        guard let party = try? cells[0].decode(String.self) else { continue }
        table.keys[party] = (try? cells[1].decode(ByteBuffer.self)).map { Array($0.readableBytesView) } ?? []
      }
      for row in try run("SELECT party FROM forgotten_parties") {
        if let party = try? row.makeRandomAccess()[0].decode(String.self) { table.forgotten.insert(party) }
      }
      return table
    }
  }

  public func changeKeys(_ change: KeyChange) throws(StoreError) {
    guard !change.isEmpty else { return }
    try transaction {
      if try !apply(change) { throw StoreError.keyClash(change, try partyKeys()) }
    }
    if !change.forgotten.isEmpty { vacuumKeys() }
  }

  /// Applies `change` inside the caller's transaction: `false` when a party
  /// already holds another key (a concurrent writer's insert wins and this
  /// one waits for it, then sees it here). Throws for a forgotten party.
  private func apply(_ change: KeyChange) throws -> Bool {
    for (party, key) in change.added {
      if try queryOne("SELECT 1 FROM forgotten_parties WHERE party = \(party)", { _ in 1 }) != nil {
        throw StoreError.forgottenParty(party)
      }
      try run("INSERT INTO party_keys (party, key) VALUES (\(party), \(ByteBuffer(bytes: key))) ON CONFLICT DO NOTHING")
      let stored = try queryOne("SELECT key FROM party_keys WHERE party = \(party)") {
        Array(try $0[0].decode(ByteBuffer.self).readableBytesView)
      }
      if stored != key { return false }
    }
    for party in change.forgotten {
      try run("DELETE FROM party_keys WHERE party = \(party)")
      try run("INSERT INTO forgotten_parties (party) VALUES (\(party)) ON CONFLICT DO NOTHING")
    }
    return true
  }

  /// Rewrites the key table so a destroyed key's dead row is not left in
  /// its file (SPEC §13). Best effort: it needs a moment's exclusive lock.
  private func vacuumKeys() {
    _ = try? locked { try execute("VACUUM FULL party_keys") }
  }

  public func appendSealed(_ envelopes: [Envelope], to branch: String, expectedHead: Int) throws(StoreError) {
    var iterator = envelopes.makeIterator()
    try appendSealed(to: branch, expectedHead: expectedHead) { () throws(StoreError) in iterator.next() }
  }

  public func appendSealed(
    to branch: String, expectedHead: Int, from next: () throws(StoreError) -> Envelope?
  ) throws(StoreError) {
    try backstop(branch, expectedHead: expectedHead) { () throws(StoreError) in
      _ = try transaction(landed: { (last: Envelope?) in try self.holds(branch, last) }) { () -> Envelope? in
        let head = try lockHead(branch, expectedHead: expectedHead)
        var last = head
        var lastEnvelope: Envelope?
        var pending = [Envelope]()
        pending.reserveCapacity(Self.batchRows)
        while let envelope = try next() {
          if let broken = ChainBreak.check(envelope, expectedSeq: last.seq + 1, previousHash: last.hash) {
            throw StoreError(
              .invalid, "the events do not continue branch '\(branch)': \(broken) — nothing was imported")
          }
          pending.append(envelope)
          last = Head(seq: envelope.seq, hash: envelope.hash, occurredAt: nil)
          lastEnvelope = envelope
          if pending.count == Self.batchRows {
            try insert(pending[...], branch: branch)
            pending.removeAll(keepingCapacity: true)
          }
        }
        try insert(pending[...], branch: branch)
        if let lastEnvelope { try finish(branch, last: lastEnvelope) }
        return lastEnvelope
      }
    }
  }

  public func read(_ branch: String, from: Int, to: Int, _ body: (Envelope) throws -> Void) throws(StoreError) {
    try read(branch, type: nil, from: from, to: to, body)
  }

  public func read(
    _ branch: String, type: String, from: Int, to: Int, _ body: (Envelope) throws -> Void
  ) throws(StoreError) {
    try read(branch, type: Optional(type), from: from, to: to, body)
  }

  /// The events of `branch` in `from...to`, of `type` alone when it is given.
  private func read(
    _ branch: String, type: String?, from: Int, to: Int, _ body: (Envelope) throws -> Void
  ) throws(StoreError) {
    try locked {
      try scan(
        branch, columns: "seq, type, version, occurred_at, recorded_at, actor, origin, command, data, prev_hash, hash",
        type: type, from: from, to: to
      ) { row in
        try body(
          Envelope(
            seq: try row[0].decode(Int.self), type: try row[1].decode(String.self),
            version: try row[2].decode(Int.self),
            occurredAt: Timestamp(seconds: Int64(try row[3].decode(Int.self))),
            recordedAt: try row[4].decode(String.self),
            actor: try row[5].decode(String.self), origin: try row[6].decode(String.self),
            command: try row[7].decode(String.self), data: try row[8].decode(String.self),
            prevHash: try row[9].decode(String.self), hash: try row[10].decode(String.self)))
      }
    }
  }

  public func fold(_ branch: String, from: Int, to: Int, _ body: (FoldRow) throws -> Void) throws(StoreError) {
    try locked {
      try scan(branch, columns: "seq, occurred_at, type, version, data", from: from, to: to) { row in
        let seq = try row[0].decode(Int.self)
        let occurredAt = Timestamp(seconds: Int64(try row[1].decode(Int.self)))
        let version = try row[3].decode(Int.self)
        // TEXT arrives as its UTF-8 bytes: handed out without making Strings.
        let type = row[2].bytes ?? ByteBuffer()
        let data = row[4].bytes ?? ByteBuffer()
        try type.withUnsafeReadableBytes { typeBytes in
          try data.withUnsafeReadableBytes { dataBytes in
            try body(
              FoldRow(
                seq: seq, occurredAt: occurredAt, type: typeBytes.bindMemory(to: UInt8.self), version: version,
                data: dataBytes.bindMemory(to: UInt8.self)))
          }
        }
      }
    }
  }

  public func actors(_ branch: String, from: Int, to: Int) throws(StoreError) -> [String] {
    try locked {
      var result = [String]()
      for segment in try segments(branch) {
        let low = max(from, segment.after + 1)
        let high = min(to, segment.through)
        guard low <= high else { continue }
        let rows = try run(
          """
          SELECT actor FROM events WHERE branch = \(segment.owner) AND seq >= \(low) AND seq <= \(high)
          GROUP BY actor ORDER BY min(seq)
          """)
        for row in rows {
          let actor = try row.makeRandomAccess()[0].decode(String.self)
          if !result.contains(actor) { result.append(actor) }
        }
      }
      return result
    }
  }

  public func loadSnapshot(_ branch: String, atOrBefore seq: Int, version: Int) throws(StoreError) -> (
    seq: Int, data: [UInt8]
  )? {
    try locked {
      // The candidates first, without their data (a snapshot at a million
      // events is megabytes): only the one that still matches is fetched.
      let rows = try run(
        """
        SELECT seq, hash, digest FROM snapshots WHERE branch = \(branch) AND version = \(version) AND seq <= \(seq)
        ORDER BY seq DESC LIMIT 8
        """)
      for row in rows {
        let cells = row.makeRandomAccess()
        guard let at = try? cells[0].decode(Int.self), let hash = try? cells[1].decode(String.self),
          let digest = try? cells[2].decode(String.self), try self.hash(branch, seq: at) == hash,
          let blob = try queryOne(
            "SELECT data FROM snapshots WHERE branch = \(branch) AND version = \(version) AND seq = \(at)",
            { try? $0[0].decode(ByteBuffer.self) }) ?? nil
        else { continue }
        let data = Array(blob.readableBytesView)
        guard Self.hex(SHA256.hash(data: data)) == digest else { continue }
        return (at, data)
      }
      return nil
    }
  }

  /// How far apart the older snapshots kept are, in events (as on SQLite).
  static let snapshotSpacing = 50_000

  public func saveSnapshot(_ branch: String, seq: Int, version: Int, data: [UInt8]) throws(StoreError) {
    // A cache: on a standby there is nowhere to keep it, and nothing is lost.
    if isStandby { return }
    try transaction {
      guard let hash = try self.hash(branch, seq: seq) else { return }
      let digest = Self.hex(SHA256.hash(data: data))
      try run(
        """
        INSERT INTO snapshots (branch, seq, version, data, hash, digest)
        VALUES (\(branch), \(seq), \(version), \(ByteBuffer(bytes: data)), \(hash), \(digest))
        ON CONFLICT (branch, seq, version) DO UPDATE SET data = excluded.data, hash = excluded.hash, digest = excluded.digest
        """)
      try run(
        """
        DELETE FROM snapshots WHERE branch = \(branch) AND version = \(version) AND seq NOT IN
          (SELECT seq FROM snapshots WHERE branch = \(branch) AND version = \(version) ORDER BY seq DESC LIMIT 3)
          AND seq NOT IN
          (SELECT MIN(seq) FROM snapshots WHERE branch = \(branch) AND version = \(version)
           GROUP BY seq / \(unescaped: String(Self.snapshotSpacing)))
        """)
    }
  }

  public func recordedHeadBreak(of branch: String) throws(StoreError) -> ChainBreak? {
    // One snapshot of the database: an append in between would look like a log cut short.
    try transaction(readOnly: true) {
      guard
        let recorded = try queryOne(
          "SELECT seq, hash FROM heads WHERE branch = \(branch)",
          {
            Head(seq: try $0[0].decode(Int.self), hash: try $0[1].decode(String.self), occurredAt: nil)
          })
      else { return nil }
      return ChainBreak.check(head: try currentHead(branch), recorded: recorded)
    }
  }

  /// Signals `semaphore` each time an append to this log commits (`LISTEN`
  /// on the store's connection). Throws on a standby, where `NOTIFY` never
  /// arrives: the caller polls instead.
  public func signalAppends(_ semaphore: DispatchSemaphore) throws(StoreError) {
    if isStandby { throw Self.standbyWrite(location) }
    let prefix = url.schema + " "
    try locked {
      let connection = try open()
      connection.addListener(channel: Self.channel) { _, notification in
        if notification.payload.hasPrefix(prefix) { semaphore.signal() }
      }
      try execute("LISTEN \(quoted(Self.channel))")
    }
  }

  static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
    bytes.map { String(format: "%02x", $0) }.joined()
  }
}

/// An error the caller's own body threw inside a read: an I/O failure, as on every backend.
struct CallerFailure: Error {
  let underlying: any Error

  static func passing(_ body: () throws -> Void) throws {
    do { try body() } catch let error as StoreError { throw error } catch { throw CallerFailure(underlying: error) }
  }
}
