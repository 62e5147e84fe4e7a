#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The scripts a session is running, innermost last (SPEC §7): the scripts
/// job of a session. It knows files and names — whether one more script may
/// start (no cycle, not too deep), where a relative path written in a script
/// points, how to show it — and nothing of statements or the store.
struct ScriptStack {
  /// One running script: its real path (for cycles) and the name it is shown by.
  struct Frame {
    var path: String
    var name: String
  }

  private(set) var frames: [Frame] = []
  /// Set when `bail` (or a store that cannot follow) stops a script, so
  /// every enclosing script stops too.
  var stopRequested = false
  /// Whether the last line run was not a statement (it did not parse): a
  /// file that starts with several such lines is not a script.
  var lastLineUnparsed = false

  /// How deep `source` may nest (SPEC §7): each level holds a file open
  /// and a stack frame, and 2,000 levels overflowed the stack.
  static let maxDepth = 100

  var isEmpty: Bool { frames.isEmpty }

  /// Opens `path` as the next script, or says why it may not run: it is
  /// already running (a cycle, checked before opening, so a refused script
  /// leaves no descriptor open), the stack is full, or it cannot be read.
  /// Balance with `leave()`.
  mutating func enter(_ path: String, shownAs name: String) throws(EngineError) -> LineReader {
    let key = Self.absolute(path)
    guard !frames.contains(where: { $0.path == key }) else { throw .sourceCycle(name) }
    guard frames.count < Self.maxDepth else {
      throw .sourceTooDeep(frames.map(\.name) + [name], limit: Self.maxDepth)
    }
    guard let reader = LineReader(path: path) else {
      throw .unreadableFile(name, String(cString: strerror(errno)))
    }
    frames.append(Frame(path: key, name: name))
    return reader
  }

  mutating func leave() { frames.removeLast() }

  /// A file named by a statement: relative to the script that names it, else
  /// to the working directory. Returns the path to open and the name to show.
  func resolve(_ path: String, from origin: Origin) -> (path: String, name: String) {
    guard !path.hasPrefix("/"), case .script = origin, let current = frames.last else { return (path, path) }
    var resolved = path
    var shown = path
    if let slash = current.path.lastIndex(of: "/") { resolved = String(current.path[...slash]) + path }
    if let slash = current.name.lastIndex(of: "/") { shown = Self.tidy(String(current.name[...slash]) + path) }
    return (resolved, shown)
  }

  /// `a/b/../c` as `a/c`, `./x` as `x`: the name a person would write.
  /// Lexical only (the shown name; the cycle check uses the real path).
  static func tidy(_ path: String) -> String {
    var parts = [Substring]()
    for part in path.split(separator: "/", omittingEmptySubsequences: false) {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != "..", !last.isEmpty {
        parts.removeLast()
        continue
      }
      parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return joined.isEmpty ? "." : joined
  }

  static func absolute(_ path: String) -> String {
    if let resolved = realpath(path, nil) {
      defer { free(resolved) }
      return String(cString: resolved)
    }
    return path
  }
}
