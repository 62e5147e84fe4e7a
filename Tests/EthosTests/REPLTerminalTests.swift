import EthosJSON
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Drives the real `ethos` binary on a real terminal (a tmux pane): line
/// editing, Tab completion, Ctrl-C, Ctrl-D and history across sessions, then
/// checks the screen and the events in the store.
@Suite(.serialized) struct REPLTerminalTests {
  static let prompt3 = "ethos main@3 2021-01-05 09:30> "

  @Test(
    .enabled(if: Tmux.available, "tmux is not installed: the terminal test of the REPL needs it (apt-get install tmux)")
  )
  func editCompleteInterruptAndRecall() throws {
    let dir = try EthosProcess.temporaryDirectory()
    let store = dir + "/s.sqlite"
    let historyFile = dir + "/history"
    let seeded = try EthosProcess.run(
      ["--store", store],
      stdin:
        "clock 2021-01-04T08:00\nhire ana \"Ana Lima\" dept=front-desk\nhire ben \"Ben\"\ncustomer acme \"Acme Travel\"\n",
      environment: ["ETHOS_NOW": "2021-01-04T08:00"])
    try #require(seeded.status == 0, "seeding failed: \(seeded.stderr)")
    let command =
      "env -u EDITRC HOME=\(dir) ETHOS_HISTORY=\(historyFile) ETHOS_NOW=2021-01-05T09:30 NO_COLOR=1 "
      + "LANG=C.UTF-8 LC_ALL=C.UTF-8 \(EthosProcess.binary) --store \(store) --actor tester"

    let tmux = Tmux()
    defer { tmux.stop() }

    // First session: the banner and the prompt.
    try tmux.start("one", command: command, statusFile: dir + "/status-one")
    var screen = try tmux.waitFor("one") { $0.contains("ethos main@3 2021-01-05 09:30>") }
    #expect(screen.contains("branch main, 3 events"))
    #expect(screen.contains("type 'help'"))

    // A typo ("lgo") fixed with the arrows and backspace, an employee id and
    // an option value completed with Tab.
    try tmux.type("one", "lgo")
    try tmux.press("one", "Left", "BSpace", "Right")
    try tmux.type("one", "g an")
    try tmux.press("one", "Tab")
    try tmux.waitFor("one") { $0.contains(Self.prompt3 + "log ana") }
    try tmux.type("one", "with ac")
    try tmux.press("one", "Tab")
    try tmux.type("one", "mode=rel")
    try tmux.press("one", "Tab")
    try tmux.waitFor("one") { $0.contains(Self.prompt3 + "log ana with acme mode=relationship") }
    try tmux.type("one", "outcome=+2")
    try tmux.press("one", "Enter")
    screen = try tmux.waitFor("one") { Self.atPrompt($0) }
    #expect(Self.lastLine(screen) == "ethos main@4 2021-01-05 09:30>")
    #expect(screen.contains("@4 InteractionLogged ana → acme (+2, relationship)"))
    #expect(!screen.contains("error:"))

    // Several candidates are listed under the line.
    try tmux.type("one", "log ana with ")
    try tmux.press("one", "Tab")
    screen = try tmux.waitFor("one") { $0.split(separator: "\n").contains("acme  ben") }

    // Ctrl-C abandons that line and a half-typed one; nothing is run.
    try tmux.press("one", "C-c")
    try tmux.waitFor("one") { Self.atPrompt($0) }
    try tmux.type("one", "hire zed \"Zé")
    try tmux.press("one", "C-c")
    screen = try tmux.waitFor("one") { $0.contains("hire zed \"Zé^C\n") && Self.atPrompt($0) }
    #expect(screen.contains("log ana with ^C"))
    #expect(!screen.contains("EmployeeHired zed"))

    // Ctrl-C stops a running script between two statements, not the process:
    // the script reads from a pipe, so it is still running when Ctrl-C comes.
    let fifo = dir + "/slow.ethos"
    try #require(mkfifo(fifo, 0o600) == 0)
    try tmux.type("one", "source \(fifo)")
    try tmux.press("one", "Enter")
    let writer = try Self.openWriter(fifo)
    writer.write(Data("customer c1 \"First\"\n".utf8))
    usleep(300_000)
    try tmux.press("one", "C-c")
    usleep(300_000)
    writer.write(Data("customer c2 \"Second\"\n".utf8))
    try writer.close()
    screen = try tmux.waitFor("one") { $0.contains("error: interrupted — '\(fifo)' stopped before line") }
    try tmux.waitFor("one") { Self.atPrompt($0) }

    // Ctrl-D leaves, cleanly.
    try tmux.press("one", "C-d")
    #expect(try tmux.waitForExit("one", statusFile: dir + "/status-one") == 0)

    let saved = try String(contentsOfFile: historyFile, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
    #expect(saved.contains("log ana with acme mode=relationship outcome=+2"))
    #expect(!saved.contains("zed"))

    // Second session: Up recalls the statement from the first one.
    try tmux.start("two", command: command, statusFile: dir + "/status-two")
    try tmux.waitFor("two") { Self.atPrompt($0) }
    try tmux.press("two", "Up")
    try tmux.waitFor("two") { $0.contains("09:30> source \(fifo)") }
    try tmux.press("two", "Up")
    try tmux.waitFor("two") { $0.contains("09:30> log ana with acme mode=relationship outcome=+2") }
    try tmux.press("two", "Enter")
    screen = try tmux.waitFor("two") {
      $0.contains("InteractionLogged ana → acme (+2, relationship)") && Self.atPrompt($0)
    }
    try tmux.type("two", "quit")
    try tmux.press("two", "Enter")
    #expect(try tmux.waitForExit("two", statusFile: dir + "/status-two") == 0)

    // The store holds exactly what was run: the seed, two interactions, and
    // at most the first customer of the interrupted script.
    let history = try EthosProcess.run(["query", "history", "--format", "json", "--store", store])
    let items = try #require(try JSON.parse(history.stdout)["items"]?.arrayValue)
    let types = items.compactMap { $0["type"]?.stringValue }
    let summaries = items.compactMap { $0["summary"]?.stringValue }
    #expect(!summaries.contains { $0.contains("zed") || $0.contains("c2") })
    #expect(types.filter { $0 == "InteractionLogged" }.count == 2)
    #expect(types.prefix(4) == ["EmployeeHired", "EmployeeHired", "CustomerRegistered", "InteractionLogged"])
    #expect(types.last == "InteractionLogged")
    #expect(items.count == 5 || (items.count == 6 && types[4] == "CustomerRegistered"))
    let first = try EthosProcess.run(["query", "show @4", "--format", "json", "--store", store])
    let event = try JSON.parse(first.stdout)
    #expect(event["command"]?.stringValue == "log ana with acme mode=relationship outcome=+2")
    #expect(event["origin"]?.stringValue == "repl")
    #expect(event["actor"]?.stringValue == "tester")
  }
}

extension REPLTerminalTests {
  /// The last line of a screen with text on it (capture-pane trims trailing spaces).
  static func lastLine(_ screen: String) -> String {
    String(screen.split(separator: "\n").last { !$0.allSatisfy { $0 == " " } } ?? "")
  }

  /// Whether the REPL waits at an empty prompt. Keys typed before that
  /// would reach the terminal while a statement still runs.
  static func atPrompt(_ screen: String) -> Bool {
    let last = lastLine(screen)
    return last.hasPrefix("ethos main@") && last.hasSuffix(" 2021-01-05 09:30>")
  }

  /// Opens a FIFO for writing once its reader has opened it, without hanging
  /// forever if the reader never comes.
  static func openWriter(_ path: String, timeout: Double = 30) throws -> FileHandle {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let fd = open(path, O_WRONLY | O_NONBLOCK)
      if fd >= 0 {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
      }
      usleep(50_000)
    }
    throw TmuxError(message: "no one opened \(path) for reading")
  }
}

/// A tmux server on a socket of its own, so the test never touches anyone
/// else's tmux; `stop()` ends that server only.
final class Tmux {
  let socket = "ethos-test-" + String(UUID().uuidString.prefix(8))

  static let available: Bool = {
    (try? Tmux.execute(["-V"]).status) == 0
  }()

  /// Runs `tmux ARGUMENTS` and waits for it. Spawned by hand, not with
  /// Foundation's `Process`: `new-session` forks the tmux server, which
  /// inherits every descriptor Process uses to notice the end of its child
  /// (and any output pipe), so Process would wait as long as the server lives.
  static func execute(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let path = NSTemporaryDirectory() + "ethos-tmux-" + UUID().uuidString
    defer { unlink(path) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = (["tmux"] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    // The test runner's threads may block or ignore signals; a terminal's
    // processes must start with the defaults, as from a shell.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGQUIT, SIGTSTP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid = pid_t()
    let spawned = posix_spawnp(&pid, "tmux", &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw TmuxError(message: "cannot run tmux: \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    let output = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    // WIFEXITED / WEXITSTATUS, which Swift does not import.
    let exited = status & 0x7f == 0
    return (exited ? (status >> 8) & 0xff : -1, output)
  }

  @discardableResult
  func run(_ arguments: [String]) throws -> String {
    let result = try Tmux.execute(["-L", socket, "-f", "/dev/null"] + arguments)
    guard result.status == 0 else {
      throw TmuxError(message: "tmux \(arguments.joined(separator: " ")): \(result.output)")
    }
    return result.output
  }

  /// A detached 200×50 session running `command`, whose exit status is then
  /// written to `statusFile`. The shell around it traps SIGINT with a no-op
  /// (reset to the default for `command` on exec), so Ctrl-C reaches only
  /// `command`, and the shell stays to record how it ended: tmux itself is
  /// slow, at times very slow, to reap a pane's process and report its status.
  func start(_ session: String, command: String, statusFile: String, width: Int = 200, height: Int = 50) throws {
    let wrapped = "trap : INT; \(command); echo $? > \(statusFile).part && mv \(statusFile).part \(statusFile)"
    try run([
      "new-session", "-d", "-x", String(width), "-y", String(height), "-s", session, wrapped, ";", "set-option", "-t",
      session, "remain-on-exit", "on",
    ])
  }

  /// The whole pane with its scrollback, wrapped lines joined (`capture-pane -J`):
  /// a line wider than the pane shows as one long line.
  func joinedHistory(_ session: String) throws -> String {
    try run(["capture-pane", "-p", "-J", "-S", "-", "-t", session])
  }

  /// Sends raw bytes (`send-keys -H`), as a terminal of another kind would.
  func sendBytes(_ session: String, _ bytes: [UInt8]) throws {
    try run(["send-keys", "-t", session, "-H"] + bytes.map { String($0, radix: 16) })
  }

  func type(_ session: String, _ text: String) throws { try run(["send-keys", "-t", session, "-l", text]) }

  func press(_ session: String, _ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }

  func screen(_ session: String) throws -> String { try run(["capture-pane", "-p", "-t", session]) }

  /// Polls the screen until `condition` holds; fails with the last screen after `timeout` seconds.
  @discardableResult
  func waitFor(_ session: String, timeout: Double = 30, _ condition: (String) -> Bool) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = try screen(session)
      if condition(last) { return last }
      usleep(50_000)
    }
    throw TmuxError(message: "timed out waiting; the screen was:\n\(last)")
  }

  /// Waits for the command of `start` to end and returns its exit status.
  func waitForExit(_ session: String, statusFile: String, timeout: Double = 30) throws -> Int32 {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let text = try? String(contentsOfFile: statusFile, encoding: .utf8),
        let status = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        return status
      }
      usleep(50_000)
    }
    throw TmuxError(message: "the process did not exit; the screen was:\n\((try? screen(session)) ?? "")")
  }

  func stop() { _ = try? run(["kill-server"]) }
}

struct TmuxError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
