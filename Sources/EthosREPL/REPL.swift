import CLibEdit
import EthosDomain
import EthosEngine
import EthosLanguage
import EthosStore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whether Ctrl-C was pressed while a statement ran. A signal handler is a C
/// function that can reach no context, so this one flag is process-wide; an
/// `Atomic` is lock-free (safe to store from a handler) and `Sendable`.
private let interruptPressed = Atomic<Bool>(false)

/// The interactive front end: libedit line editing over a session (SPEC §8).
public enum REPL {
  /// History entries kept in the history file.
  public static let historySize: Int32 = 1000
  /// More candidates than this are counted, not listed: a screenful of ids helps no one.
  public static let listLimit = 200

  /// Runs the REPL until `quit`, `exit` or Ctrl-D. Returns 3 when the store
  /// failed, else 0: a statement that fails in a REPL is reported and
  /// forgotten, it does not make the whole session fail.
  public static func run(_ session: Session, version: String = "", createdStore: Bool = false) -> Int32 {
    session.settings.prettyJSON = true
    let editor = LineEditor(session: session, historyPath: historyPath())
    editor.banner(version: version, createdStore: createdStore)
    editor.loop()
    return session.storeFailed ? 3 : 0
  }

  /// `$ETHOS_HISTORY`, else `~/.ethos_history`; `nil` (no persistence) without a home.
  static func historyPath() -> String? {
    if let path = getenv("ETHOS_HISTORY").map({ String(cString: $0) }), !path.isEmpty { return path }
    if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty { return home + "/.ethos_history" }
    if let entry = getpwuid(getuid()), let home = entry.pointee.pw_dir {
      return String(cString: home) + "/.ethos_history"
    }
    return nil
  }

  /// The prompt: `ethos main@42 2021-01-05 09:30> `. The time is the one a
  /// write would be stamped with now: the set clock, or under `clock live`
  /// the wall clock (or the last event's time when that is later).
  public static func prompt(_ session: Session) -> String {
    let time: Timestamp
    switch session.clock {
    case .fixed(let fixed):
      time = fixed
    case .live:
      let wall = session.wall.now().time
      time = session.state.headTime.map { max($0, wall) } ?? wall
    }
    return "ethos \(session.branch)@\(session.state.headSeq) \(time.short)> "
  }

  /// The banner: version, store, branch, events, and how to get help; and
  /// whether the store was created just now (a mistyped `--store` shows).
  public static func banner(_ session: Session, version: String, createdStore: Bool = false) -> [String] {
    let events = session.state.headSeq
    let count = events == 1 ? "1 event" : "\(events) events"
    let name = version.isEmpty ? "ethos" : version
    var lines = ["\(name) — store \(session.store.location), branch \(session.branch), \(count)"]
    if createdStore {
      lines.append("new store: there was none at \(session.store.location), so an empty one was created there")
    }
    if let refusal = session.store.writeRefusal { lines.append(refusal.message) }
    lines.append("type 'help' for the statements, Tab to complete, Ctrl-C to drop a line, Ctrl-D to leave")
    return lines
  }

  /// The width of the terminal on `fd`, `nil` when `fd` is not a terminal.
  public static func terminalWidth(_ fd: Int32 = 1) -> Int? {
    isatty(fd) == 1 ? Int(ethos_terminal_columns(fd)) : nil
  }

  /// The prompt of a continued line (after a line ending in `\`).
  public static let continuationPrompt = "...> "

  /// Key sequences of Home, End, Delete and word moves as xterm, VTE,
  /// tmux/screen, rxvt and the Linux console send them, bound whatever
  /// `TERM` says (terminfo knows only its own terminal's).
  static let keyBindings: [(sequence: String, function: String)] = {
    let escape = "\u{1B}"
    var bindings = [(String, String)]()
    for home in ["[H", "OH", "[1~", "[7~"] { bindings.append((escape + home, "ed-move-to-beg")) }
    for end in ["[F", "OF", "[4~", "[8~"] { bindings.append((escape + end, "ed-move-to-end")) }
    bindings.append((escape + "[3~", "ed-delete-next-char"))
    for left in ["[1;5D", "[5D", "Od", "[1;3D", "\u{1B}[D"] { bindings.append((escape + left, "ed-prev-word")) }
    for right in ["[1;5C", "[5C", "Oc", "[1;3C", "\u{1B}[C"] { bindings.append((escape + right, "em-next-word")) }
    return bindings
  }()

  /// The pager command: `$PAGER`, else `less -FRX` when less is installed;
  /// `nil` for none (`PAGER=` empty, or no less).
  static func pagerCommand() -> String? {
    if let value = getenv("PAGER") {
      let command = String(cString: value)
      return command.allSatisfy({ $0 == " " }) ? nil : command
    }
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") where access(directory + "/less", X_OK) == 0 {
      return "less -FRX"
    }
    return nil
  }

  /// Writes `bytes` through `command` (run by the shell) and waits for it to
  /// end; `false` when it could not be started.
  static func page(_ bytes: [UInt8], through command: String) -> Bool {
    // A pager quit early (q in less) closes the pipe: that must not kill ethos.
    let previous = signal(SIGPIPE, SIG_IGN)
    defer { signal(SIGPIPE, previous) }
    guard let pipe = popen(command, "w") else { return false }
    _ = bytes.withUnsafeBytes { raw in fwrite(raw.baseAddress, 1, raw.count, pipe) }
    pclose(pipe)
    return true
  }

  /// Lays `items` out in columns that fit `width`, filled down then across (as `ls` does).
  public static func columns(_ items: [String], width: Int) -> [String] {
    guard let longest = items.map(\.count).max() else { return [] }
    let columnWidth = longest + 2
    let perRow = max(1, min(items.count, (width + 2) / columnWidth))
    let rows = (items.count + perRow - 1) / perRow
    var lines = [String]()
    for row in 0..<rows {
      var line = ""
      var column = 0
      while row + column * rows < items.count {
        let item = items[row + column * rows]
        let last = row + (column + 1) * rows >= items.count
        line += last ? item : item + String(repeating: " ", count: columnWidth - item.count)
        column += 1
      }
      lines.append(line)
    }
    return lines
  }
}

/// One libedit editor and history over a session. libedit calls back into
/// C function pointers; they find this object through `EL_CLIENTDATA`.
final class LineEditor {
  let session: Session
  let historyPath: String?
  private let editLine: OpaquePointer
  private let history: OpaquePointer
  private var event = HistEvent()
  /// The prompt libedit reads, kept alive until the next one.
  private var promptText: UnsafeMutablePointer<CChar>?
  /// Set by the Ctrl-C key binding: the line being read is dropped.
  fileprivate var abandoned = false

  init(session: Session, historyPath: String?) {
    self.session = session
    self.historyPath = historyPath
    // Multibyte (UTF-8) input is only decoded right with the locale's character type.
    setlocale(LC_CTYPE, "")
    editLine = el_init("ethos", ethos_stdin(), ethos_stdout(), ethos_stderr())
    history = history_init()
    ethos_history_setsize(history, &event, REPL.historySize)
    ethos_history_setunique(history, &event, 1)
    if let historyPath { ethos_history_load(history, &event, historyPath) }

    ethos_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
    ethos_el_set_editor(editLine, "emacs")
    ethos_el_set_signal(editLine, 1)
    ethos_el_set_hist(editLine, history)
    ethos_el_set_prompt(editLine, LineEditor.promptCallback)
    ethos_el_addfn(editLine, "ethos-complete", "complete the word at the cursor", LineEditor.completeCallback)
    ethos_el_addfn(editLine, "ethos-interrupt", "abandon the line", LineEditor.interruptCallback)
    ethos_el_bind(editLine, "^I", "ethos-complete")
    ethos_el_set_tty_noisig(editLine)
    ethos_el_bind(editLine, "^C", "ethos-interrupt")
    for (sequence, function) in REPL.keyBindings { ethos_el_bind(editLine, sequence, function) }
    // ~/.editrc (or $EDITRC) last, so a user's own bindings win.
    el_source(editLine, nil)
  }

  deinit {
    el_end(editLine)
    history_end(history)
    free(promptText)
  }

  func banner(version: String, createdStore: Bool) {
    let width = REPL.terminalWidth()
    for line in REPL.banner(session, version: version, createdStore: createdStore) {
      for part in Renderer.wrap(line, width: width, indent: "  ") { session.console.out(part) }
    }
    session.console.flush()
  }

  /// Reads and runs lines until `quit`, `exit` or Ctrl-D, then saves the history.
  func loop() {
    var previous = sigaction()
    ethos_sigint_install({ _ in interruptPressed.store(true, ordering: .relaxed) }, &previous)
    session.interruption = { interruptPressed.load(ordering: .relaxed) }
    session.stepReader = { [unowned self] prompt in self.readStep(prompt) }
    defer {
      session.interruption = nil
      session.stepReader = nil
      ethos_sigint_restore(&previous)
      saveHistory()
    }
    // A line ending in `\` continues on the next one.
    var pending: [UInt8]?
    while true {
      updatePrompt(continuing: pending != nil)
      abandoned = false
      var count: Int32 = 0
      errno = 0
      guard let raw = el_gets(editLine, &count) else {
        if count < 0, errno == EINTR { continue }
        // Ctrl-D on an empty line: leave on a fresh line.
        session.console.out("")
        session.console.flush()
        return
      }
      if abandoned {
        pending = nil
        continue
      }
      var bytes = Array(
        UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: Int(count)))
      while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
      if bytes.last == 0x5C {
        pending = (pending.map { $0 + [0x20] } ?? []) + bytes.dropLast()
        continue
      }
      if let head = pending {
        bytes = head + [0x20] + bytes
        pending = nil
      }
      guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
      remember(bytes)
      interruptPressed.store(false, ordering: .relaxed)
      session.settings.width = REPL.terminalWidth()
      // Others' events since the last statement, in one line (SPEC §8).
      session.catchUpAndAnnounce()
      session.console.flush()
      let outcome = runPaged(bytes)
      if outcome == .failed, let column = session.lastErrorColumn { showCaret(bytes, column: column) }
      if outcome == .quit { return }
    }
  }

  /// Under the error line, the line again with a caret under the word the
  /// parser stopped at, as swiftc and clang show it.
  private func showCaret(_ bytes: [UInt8], column: Int) {
    guard let line = String(validating: bytes, as: UTF8.self), column >= 1 else { return }
    // Never echo what could steer the terminal (controls, bidi overrides): the error line quoted it safely.
    let plain = line.unicodeScalars.allSatisfy { scalar in
      scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80...0x9F).contains(scalar.value)
        && !(0x200E...0x200F).contains(scalar.value) && !(0x202A...0x202E).contains(scalar.value)
        && !(0x2066...0x2069).contains(scalar.value)
    }
    guard plain else { return }
    let before = String(line.prefix(column - 1))
    let caret = String(repeating: " ", count: DisplayWidth.of(before)) + "^"
    StandardConsole.writeAll(2, Array(("  " + line + "\n  " + caret + "\n").utf8))
  }

  /// Runs one statement; output taller than the screen goes through the
  /// pager (SPEC §8) unless `set pager off` or standard output is no terminal.
  private func runPaged(_ bytes: [UInt8]) -> Outcome {
    guard session.settings.pager, isatty(1) == 1, let console = session.console as? StandardConsole,
      let command = REPL.pagerCommand()
    else {
      let outcome = session.execute(bytes: bytes, origin: .repl)
      session.console.flush()
      return outcome
    }
    console.hold()
    let outcome = session.execute(bytes: bytes, origin: .repl)
    let held = console.takeHeld()
    let rows = Int(ethos_terminal_rows(1))
    let lines = held.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    if rows > 0, lines >= rows, REPL.page(held, through: command) {
      console.flush()
      return outcome
    }
    StandardConsole.writeAll(1, held)
    console.flush()
    return outcome
  }

  /// One line for `replay … step` (Enter to go on, q to stop), read with the
  /// given prompt; not added to the history. `nil` at Ctrl-D or Ctrl-C.
  func readStep(_ prompt: String) -> String? {
    free(promptText)
    promptText = strdup(prompt)
    abandoned = false
    var count: Int32 = 0
    guard let raw = el_gets(editLine, &count), !abandoned else { return nil }
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: Int(count))
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Adds a line to the history and saves the file, so a crash loses little.
  private func remember(_ bytes: [UInt8]) {
    var text = bytes.map { CChar(bitPattern: $0) }
    text.append(0)
    ethos_history_enter(history, &event, text)
    saveHistory()
  }

  private func saveHistory() {
    guard let historyPath else { return }
    ethos_history_save(history, &event, historyPath)
  }

  private func updatePrompt(continuing: Bool = false) {
    free(promptText)
    promptText = strdup(continuing ? REPL.continuationPrompt : REPL.prompt(session))
  }

  // MARK: callbacks

  private static func editor(_ editLine: OpaquePointer?) -> LineEditor? {
    guard let editLine, let data = ethos_el_get_clientdata(editLine) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
  }

  private static let promptCallback: ethos_prompt_fn = { editLine in
    editor(editLine)?.promptText
  }

  /// Ctrl-C while editing: show `^C` after the text, end the line, and drop it.
  private static let interruptCallback: ethos_command_fn = { editLine, _ in
    guard let editLine, let editor = editor(editLine) else { return UInt8(CC_ERROR) }
    editor.abandoned = true
    el_cursor(editLine, 1 << 20)  // clamped to the end of the line
    el_insertstr(editLine, "^C")
    // Feed a newline so libedit finishes the line (and the screen) its usual way.
    el_push(editLine, "\n")
    return UInt8(CC_REFRESH)
  }

  /// Tab: complete the word left of the cursor; list the candidates when several fit.
  private static let completeCallback: ethos_command_fn = { editLine, _ in
    guard let editLine, let editor = editor(editLine), let info = el_line(editLine) else { return UInt8(CC_ERROR) }
    let start = UnsafeRawPointer(info.pointee.buffer)
    let length = info.pointee.cursor - info.pointee.buffer
    let line = String(decoding: UnsafeRawBufferPointer(start: start, count: max(0, length)), as: UTF8.self)
    let completion = editor.completer().complete(line)
    guard !completion.candidates.isEmpty else { return UInt8(CC_ERROR) }
    let insertion = completion.insertion
    if !insertion.isEmpty { el_insertstr(editLine, insertion) }
    guard completion.candidates.count > 1 else { return UInt8(CC_REFRESH) }
    var text = "\n"
    if completion.candidates.count > REPL.listLimit {
      text += "(\(completion.candidates.count) candidates — type a few more letters)\n"
    } else {
      for row in REPL.columns(completion.candidates, width: Int(ethos_terminal_columns(1))) { text += row + "\n" }
    }
    fputs(text, ethos_stdout())
    fflush(ethos_stdout())
    return UInt8(CC_REDISPLAY)
  }

  func completer() -> Completer {
    let branches = (try? session.store.branches().map(\.name)) ?? [session.branch]
    return Completer(state: session.state, branches: branches, listDirectory: LineEditor.list)
  }

  /// The entries of a directory (`""`: the working directory), directories with a trailing `/`.
  static func list(_ directory: String) -> [String] {
    let path = directory.isEmpty ? "." : directory
    guard let handle = opendir(path) else { return [] }
    defer { closedir(handle) }
    var names = [String]()
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name == "." || name == ".." { continue }
      var info = stat()
      let isDirectory = stat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
      names.append(isDirectory ? name + "/" : name)
    }
    return names
  }
}
