import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A PostgreSQL 15 server of a test's own on loopback, for what the shared
/// suite server must not see: a streaming standby of it (`pg_basebackup -R`)
/// or a restart in the middle of a script. `initdb` and `pg_ctl` refuse to
/// run as root, so as root they run as the `postgres` user (`runuser`).
///
/// `stop()` shuts the server down and removes its folder; call it in a
/// `defer`. The folders live under `$ETHOS_PG_DIR` when Tests/postgres.sh
/// set it, and its cleanup stops any server a crashed test left there.
public final class PostgresServer: @unchecked Sendable {
  // @unchecked: `port` is set while starting, before the server is shared;
  // after that nothing changes.
  public static let bin = "/usr/lib/postgresql/15/bin"

  /// The server's folder: its data directory, socket and log.
  public let folder: String
  public private(set) var port = 0

  public var dataDirectory: String { folder + "/data" }
  public var logFile: String { folder + "/server.log" }
  /// The `postgres` database on this server, as the superuser.
  public var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

  /// Whether these tests run: PostgreSQL 15 is installed, or this is CI
  /// (where a missing server is a failure, never a skip).
  public static var available: Bool {
    FileManager.default.isExecutableFile(atPath: bin + "/initdb") || ProcessInfo.processInfo.environment["CI"] != nil
  }

  public static let unavailableReason =
    "PostgreSQL 15 is not installed (\(bin)): 'bash Tests/run.sh' installs it"

  private init(folder: String) {
    self.folder = folder
  }

  /// A new primary: `initdb`, then started on a free loopback port, ready to
  /// serve a streaming standby (`wal_level=replica`, WAL senders, and the
  /// `replication` lines `initdb --auth=trust` writes into pg_hba.conf).
  public static func startPrimary() throws -> PostgresServer {
    let server = PostgresServer(folder: try makeFolder("primary"))
    do {
      try server.asPostgres(
        bin + "/initdb",
        ["-D", server.dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
      try server.start(options: "-c wal_level=replica -c max_wal_senders=5")
    } catch {
      server.stop()
      throw error
    }
    return server
  }

  /// A hot standby of this server: a base backup with `-R` (which writes
  /// `standby.signal` and `primary_conninfo`), started on a port of its own;
  /// it streams the primary's WAL and answers reads only.
  public func startStandby() throws -> PostgresServer {
    let standby = PostgresServer(folder: try Self.makeFolder("standby"))
    do {
      try standby.asPostgres(
        Self.bin + "/pg_basebackup",
        [
          "-D", standby.dataDirectory, "-R", "-X", "stream", "-c", "fast", "-h", "127.0.0.1", "-p", String(port), "-U",
          "postgres",
        ])
      try standby.start(options: "-c hot_standby=on")
    } catch {
      standby.stop()
      throw error
    }
    return standby
  }

  /// `pg_ctl restart -m fast`: every connection is dropped, then the server
  /// comes back on the same port.
  public func restart() throws {
    try asPostgres(
      Self.bin + "/pg_ctl", ["-D", dataDirectory, "-l", logFile, "-m", "fast", "-w", "-t", "60", "restart"])
  }

  /// Stops the server at once and removes its folder; never throws.
  public func stop() {
    if FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
      _ = try? asPostgres(Self.bin + "/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
    }
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// Starts the server on a free port; another process may take the port
  /// between the check and the start, so a few ports are tried.
  private func start(options: String) throws {
    var lastError: (any Error)?
    for _ in 0..<5 {
      guard let free = Self.freePort() else { continue }
      port = free
      do {
        try asPostgres(
          Self.bin + "/pg_ctl",
          [
            "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o",
            "-c listen_addresses=127.0.0.1 -p \(free) -k \(folder) -c fsync=off -c max_connections=60 \(options)",
            "start",
          ])
        return
      } catch {
        lastError = error
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        guard log.contains("Address already in use") else { break }
      }
    }
    throw lastError ?? ProcessFailure(message: "no free loopback port for PostgreSQL")
  }

  /// A port nothing listens on now: the kernel's pick for a socket bound to port 0.
  static func freePort() -> Int? {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketFD >= 0 else { return nil }
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
      }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
  }

  /// A new folder for one server, owned by the user the server runs as.
  static func makeFolder(_ role: String) throws -> String {
    var base = ProcessInfo.processInfo.environment["ETHOS_PG_DIR"] ?? ""
    if base.isEmpty || !FileManager.default.fileExists(atPath: base) { base = "/tmp" }
    // Short: the socket path (FOLDER/.s.PGSQL.PORT) must fit in 107 bytes.
    let folder = base + "/\(role)-" + UUID().uuidString.prefix(8).lowercased()
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    if getuid() == 0 {
      try Self.spawn(["/bin/sh", "-c", "id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres"])
      try Self.spawn(["/bin/chown", "postgres", folder])
      chmod(folder, 0o700)
    }
    return folder
  }

  /// Runs a PostgreSQL program (as `postgres` when this is root), with its
  /// output in the server's folder; throws with that output when it fails.
  @discardableResult
  private func asPostgres(_ program: String, _ arguments: [String]) throws -> String {
    let output = folder + "/command.log"
    var argv = [program] + arguments
    if getuid() == 0 {
      let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first { FileManager.default.isExecutableFile(atPath: $0) }
      argv = [runuser ?? "runuser", "-u", "postgres", "--"] + argv
    }
    do {
      try Self.spawn(argv, output: output)
    } catch {
      let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
      throw ProcessFailure(message: "\(error)\nserver log:\n\(log.suffix(2000))")
    }
    return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
  }

  /// Runs `argv` and waits, its output appended to `output`, with only the
  /// standard descriptors open: a server it starts must not hold a pipe of
  /// some other test's process (whose reader would then wait for the server
  /// to end). A shell closes every other descriptor, then becomes `argv`.
  static func spawn(_ argv: [String], output: String = "/dev/null") throws {
    let prelude = "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done; exec \"$@\""
    let full = ["/bin/bash", "-c", prelude, "bash"] + argv
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    let cArguments = full.map { strdup($0) } + [nil]
    defer { for pointer in cArguments { free(pointer) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, cArguments, environ)
    guard spawned == 0 else {
      throw ProcessFailure(message: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    // WIFEXITED and WEXITSTATUS, which Swift does not import.
    guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
      let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
      throw ProcessFailure(message: "\(argv.joined(separator: " ")) failed (status \(status)):\n\(text.suffix(2000))")
    }
  }
}
