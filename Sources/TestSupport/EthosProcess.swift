import Foundation

/// Runs the built `ethos` executable as a user would: for tests of exit
/// codes, crashes and concurrency that only a real process can show.
public enum EthosProcess {
  /// `.build/debug/ethos` (or release), built by `swift build --build-tests`.
  public static var binary: String {
    for configuration in ["debug", "release"] {
      let path = Transcripts.root + "/.build/\(configuration)/ethos"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return Transcripts.root + "/.build/debug/ethos"
  }

  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// Runs `ethos ARGUMENTS` with `stdin` as its input and waits for it.
  @discardableResult
  public static func run(
    _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], directory: String? = nil
  ) throws -> Result {
    try runProgram(binary, arguments, stdin: stdin, environment: environment, directory: directory)
  }

  /// Runs any program (`/usr/bin/sqlite3`, `/bin/bash`) the same way.
  @discardableResult
  public static func runProgram(
    _ path: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
    directory: String? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty process cannot block on a full pipe.
    let errData = LockedData()
    let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errData.done { usleep(1000) }
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData.value, as: UTF8.self))
  }

  /// Runs `sqlite3 PATH` with `sql` on its standard input, as a person
  /// tampering with a store would; fails the caller when sqlite3 reports an error.
  @discardableResult
  public static func sqlite3(_ database: String, _ sql: String) throws -> String {
    let result = try runProgram(sqlite3Path, ["-batch", "-bail", database], stdin: sql)
    guard result.status == 0 else {
      throw ProcessFailure(message: "sqlite3 failed (\(result.status)): \(result.stderr)")
    }
    return result.stdout
  }

  /// Where the `sqlite3` command-line shell is.
  public static var sqlite3Path: String {
    for path in ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
    where FileManager.default.isExecutableFile(atPath: path) {
      return path
    }
    return "/usr/bin/sqlite3"
  }

  /// A fresh temporary directory for a test's stores and scripts.
  public static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "ethos-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

/// A helper program did not do what a test needed.
public struct ProcessFailure: Error, CustomStringConvertible {
  public let message: String
  public init(message: String) { self.message = message }
  public var description: String { message }
}

/// Data handed from a reader thread; the lock is what makes it Sendable.
final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  private var finished = false

  func set(_ value: Data) {
    lock.lock()
    data = value
    finished = true
    lock.unlock()
  }

  var done: Bool {
    lock.lock()
    defer { lock.unlock() }
    return finished
  }

  var value: Data {
    lock.lock()
    defer { lock.unlock() }
    return data
  }
}
