import EthosDomain
import EthosLanguage

/// What Tab offers for the text left of the cursor.
public struct Completion: Sendable, Equatable {
  /// The end of the line that the candidates replace: the word being typed,
  /// or its value after `key=`, or its last item after a comma.
  public var fragment: String
  /// Full replacements for `fragment`, in the order they are listed.
  public var candidates: [String]
  /// Whether a single candidate is followed by a space: not for an item of
  /// a comma-separated list (`did=courteous`), where a comma may follow.
  public var spaceAfter = true

  public init(fragment: String, candidates: [String], spaceAfter: Bool = true) {
    self.fragment = fragment
    self.candidates = candidates
    self.spaceAfter = spaceAfter
  }

  static let none = Completion(fragment: "", candidates: [])

  /// The text to insert at the cursor: the rest of a single candidate (then a
  /// space, unless it ends where more typing follows, like `mode=` or `dir/`),
  /// or the prefix every candidate shares.
  public var insertion: String {
    guard let first = candidates.first else { return "" }
    if candidates.count == 1 {
      let rest = String(first.dropFirst(fragment.count))
      return first.last.map(Completion.continues) == true || !spaceAfter ? rest : rest + " "
    }
    var shared = Substring(first)
    for candidate in candidates.dropFirst() {
      shared = shared.commonPrefix(with: candidate)
    }
    return String(shared.dropFirst(fragment.count))
  }

  /// Candidates ending in these characters are not finished words.
  static func continues(_ last: Character) -> Bool { last == "=" || last == "/" || last == ":" || last == "." }
}

extension Substring {
  fileprivate func commonPrefix(with other: String) -> Substring {
    var end = startIndex
    var otherIndex = other.startIndex
    while end < endIndex, otherIndex < other.endIndex, self[end] == other[otherIndex] {
      end = index(after: end)
      otherIndex = other.index(after: otherIndex)
    }
    return self[startIndex..<end]
  }
}

/// Tab completion for the command language, read from ``StatementTable``:
/// statement words, sub-words, option names and values, ids of the state,
/// `@` seqs, query paths and file names.
///
/// Pure: it sees the line left of the cursor, a state, the branch names and a
/// directory lister, so every position can be unit-tested without a terminal.
public struct Completer: Sendable {
  public var state: State
  public var branches: [String]
  /// Entries of a directory (`""` is the working directory), directories
  /// with a trailing `/`.
  public var listDirectory: @Sendable (String) -> [String]

  /// How many `@N` candidates at most: the newest events matching.
  public static let seqLimit = 20

  public init(
    state: State, branches: [String] = [], listDirectory: @escaping @Sendable (String) -> [String] = { _ in [] }
  ) {
    self.state = state
    self.branches = branches
    self.listDirectory = listDirectory
  }

  /// The completion of `line`, the text left of the cursor.
  public func complete(_ line: String) -> Completion {
    guard let split = Completer.split(line) else { return .none }
    return complete(split.words, split.current, among: .all)
  }

  // MARK: the line

  /// A finished word of the line.
  struct Word: Equatable {
    var text: String
    /// For `key=value`, the key.
    var key: String?
    var quoted: Bool
  }

  /// The finished words and the word being typed (`""` after a space), or
  /// `nil` inside quotes or a comment, where nothing is completed. Lenient,
  /// unlike ``Tokenizer``: a half-typed line is the normal case here.
  static func split(_ line: String) -> (words: [Word], current: String)? {
    var words = [Word]()
    var word = ""
    var inWord = false
    var quoted = false
    var inQuotes = false
    var escaped = false
    for c in line {
      if inQuotes {
        if escaped {
          word.append(c)
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else if c == "\"" {
          inQuotes = false
        } else {
          word.append(c)
        }
        continue
      }
      switch c {
      case " ", "\t":
        if inWord { words.append(finished(word, quoted: quoted)) }
        word = ""
        inWord = false
        quoted = false
      case "#":
        return nil
      case "\"":
        inQuotes = true
        inWord = true
        quoted = true
      default:
        word.append(c)
        inWord = true
      }
    }
    if inQuotes { return nil }
    if quoted { return (words + [finished(word, quoted: true)], "") }
    return (words, word)
  }

  private static func finished(_ text: String, quoted: Bool) -> Word {
    if !quoted, let (key, value) = option(text) { return Word(text: value, key: key, quoted: false) }
    return Word(text: text, key: nil, quoted: quoted)
  }

  /// `key=value` when `key` is an option name (lowercase letters and `-`), as the tokenizer reads it.
  static func option(_ text: String) -> (key: String, value: String)? {
    guard let equals = text.firstIndex(of: "=") else { return nil }
    let key = String(text[..<equals])
    guard let first = key.unicodeScalars.first, ("a"..."z").contains(first),
      key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "-" })
    else { return nil }
    return (key, String(text[text.index(after: equals)...]))
  }

  // MARK: statements

  /// Which statements may start here.
  enum Scope {
    case all
    case queries
    case writes

    func admits(_ spec: StatementSpec) -> Bool {
      switch self {
      case .all: return true
      case .queries: return spec.group == .queries || ["plan", "history", "show"].contains(spec.words)
      case .writes: return spec.isWrite
      }
    }
  }

  /// Statements with two leading words, by their first.
  static let subWords: [String: [String]] = ["stress": ["begin", "end"], "team": ["join", "leave"], "as": ["of"]]

  func complete(_ words: [Word], _ current: String, among scope: Scope) -> Completion {
    guard let head = words.first else {
      var firsts = [String]()
      for spec in StatementTable.all where scope.admits(spec) {
        let first = String(spec.words.split(separator: " ").first ?? "")
        if !firsts.contains(first) { firsts.append(first) }
      }
      if scope == .all { firsts.append("exit") }
      return Completion(fragment: current, candidates: Completer.matching(current, firsts.sorted()))
    }
    guard head.key == nil, !head.quoted else { return .none }
    var rest = Array(words.dropFirst())
    var name = head.text == "exit" ? "quit" : head.text
    if let subs = Completer.subWords[head.text] {
      guard let sub = rest.first else {
        let offered = subs.filter { sub in StatementTable.spec(head.text + " " + sub).map(scope.admits) ?? false }
        return Completion(fragment: current, candidates: Completer.matching(current, offered))
      }
      guard sub.key == nil, subs.contains(sub.text) else { return .none }
      name += " " + sub.text
      rest.removeFirst()
    }
    guard let spec = StatementTable.spec(name), scope.admits(spec) else { return .none }
    return complete(spec, rest, current)
  }

  /// Completes the words after a statement's leading words.
  func complete(_ spec: StatementSpec, _ rest: [Word], _ current: String) -> Completion {
    let positionals = rest.filter { $0.key == nil }
    // A nested query or write takes over from its first word on.
    for (index, argument) in spec.arguments.enumerated() where argument.slot == .query || argument.slot == .write {
      guard positionals.count > index else { break }
      var seen = 0
      for (offset, word) in rest.enumerated() where word.key == nil {
        if seen == index {
          return complete(Array(rest[offset...]), current, among: argument.slot == .query ? .queries : .writes)
        }
        seen += 1
      }
    }
    if let (key, value) = Completer.option(current) {
      guard let option = spec.option(key) else { return .none }
      return completeValue(option, value, rest)
    }
    let index = positionals.count
    var candidates = [String]()
    var fragment = current
    if index < spec.arguments.count {
      let slot = spec.arguments[index].slot
      let offered = offer(slot, current, positionals: positionals, spec: spec)
      candidates = offered.candidates
      fragment = offered.fragment
    }
    let required = spec.arguments.filter { !$0.optional }.count
    if index >= required || (index < spec.arguments.count && spec.arguments[index].optional) {
      let given = Set(rest.compactMap(\.key))
      let names = spec.options.filter { !given.contains($0.name) }.map { $0.name + "=" }
      if fragment == current { candidates += Completer.matching(current, names) }
    }
    return Completion(fragment: fragment, candidates: candidates)
  }

  /// What a positional slot offers for `current`.
  func offer(_ slot: Slot, _ current: String, positionals: [Word], spec: StatementSpec) -> Completion {
    switch slot {
    case .free:
      return Completion(fragment: current, candidates: [])
    case .query:
      return complete([], current, among: .queries)
    case .write:
      return complete([], current, among: .writes)
    case .keyword(let word):
      return Completion(fragment: current, candidates: Completer.matching(current, [word]))
    case .words(let words):
      return Completion(fragment: current, candidates: Completer.matching(current, words))
    case .ref(let reference):
      // A party is anyone but the employee named before it (`log EMP with PARTY`, `promise … by EMP to PARTY`).
      let employee = Array(zip(spec.arguments, positionals)).last { $0.0.slot == .ref(.activeEmployee) }?.1.text
      return Completion(fragment: current, candidates: Completer.matching(current, ids(reference, besides: employee)))
    case .refList(let reference):
      return listItems(current, ids(reference, besides: nil))
    case .seq:
      return Completion(fragment: current, candidates: seqs(current))
    case .scope:
      return Completion(fragment: current, candidates: scopes(current))
    case .file:
      return Completion(fragment: current, candidates: files(current))
    case .path:
      return Completion(fragment: current, candidates: paths(current))
    case .topic:
      if let first = positionals.first {
        return Completion(
          fragment: current, candidates: Completer.matching(current, Completer.subWords[first.text] ?? []))
      }
      return Completion(fragment: current, candidates: Completer.matching(current, StatementTable.firstWords.sorted()))
    case .setting:
      guard let name = positionals.first else {
        return Completion(
          fragment: current, candidates: Completer.matching(current, SettingName.allCases.map(\.rawValue)))
      }
      let values: [String]
      switch SettingName(rawValue: name.text) {
      case .format?: values = OutputFormat.allCases.map(\.rawValue)
      case .expanded?: values = Expanded.allCases.map(\.rawValue)
      case .bail?, .echo?, .pager?, .timing?: values = ["on", "off"]
      case nil: values = []
      }
      return Completion(fragment: current, candidates: Completer.matching(current, values))
    case .branch:
      return Completion(fragment: current, candidates: Completer.matching(current, branches.sorted()))
    }
  }

  /// Completes the value of `option` after `key=`.
  func completeValue(_ option: OptionSpec, _ value: String, _ rest: [Word]) -> Completion {
    if option.list {
      return listItems(value, option.values)
    }
    switch option.slot {
    case .words(let words): return Completion(fragment: value, candidates: Completer.matching(value, words))
    case .ref(let reference):
      return Completion(fragment: value, candidates: Completer.matching(value, ids(reference, besides: nil)))
    case .seq: return Completion(fragment: value, candidates: seqs(value))
    case .scope: return Completion(fragment: value, candidates: scopes(value))
    default: return Completion(fragment: value, candidates: [])
    }
  }

  /// The last item of a comma-separated list, completed from `items` not listed yet.
  func listItems(_ text: String, _ items: [String]) -> Completion {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let last = parts.last ?? ""
    let listed = Set(parts.dropLast())
    return Completion(
      fragment: last, candidates: Completer.matching(last, items.filter { !listed.contains($0) }), spaceAfter: false)
  }

  // MARK: what the state offers

  /// The ids `reference` names in the current state, sorted: the decider's
  /// own eligibility rules (``State/candidates(for:besides:)``), so Tab never
  /// offers what the statement would then refuse.
  func ids(_ reference: Reference, besides employee: String?) -> [String] {
    state.candidates(for: reference, besides: employee)
  }

  /// `@N` for events of the log whose digits start as typed, newest first,
  /// at most ``seqLimit`` of them (a log has thousands).
  func seqs(_ text: String) -> [String] {
    guard state.headSeq > 0, text.isEmpty || text.hasPrefix("@") else { return [] }
    let digits = text.dropFirst()
    var found = [String]()
    var seq = state.headSeq
    while seq >= 1, found.count < Completer.seqLimit {
      let candidate = "@\(seq)"
      if candidate.dropFirst().hasPrefix(digits) { found.append(candidate) }
      seq -= 1
    }
    return found
  }

  func scopes(_ text: String) -> [String] {
    if text.hasPrefix("dept:") {
      return Completer.matching(text, state.departments.sorted().map { "dept:" + $0 })
    }
    if text.hasPrefix("employee:") {
      return Completer.matching(text, ids(.activeEmployee, besides: nil).map { "employee:" + $0 })
    }
    return Completer.matching(text, ["org", "dept:", "employee:"])
  }

  /// Files and directories matching a path being typed.
  func files(_ text: String) -> [String] {
    var directory = ""
    var name = text
    if let slash = text.lastIndex(of: "/") {
      directory = String(text[...slash])
      name = String(text[text.index(after: slash)...])
    }
    let entries = listDirectory(directory).filter { name.hasPrefix(".") || !$0.hasPrefix(".") }
    return Completer.matching(name, entries.sorted()).map { directory + $0 }
  }

  /// The next step of the query paths that start as typed: `culture.` offers
  /// `culture.verdict`, `culture.indicators.` and so on.
  func paths(_ text: String) -> [String] {
    var steps = [String]()
    for path in Completer.knownPaths where path.hasPrefix(text) {
      let rest = path.dropFirst(text.count)
      let step = rest.firstIndex(of: ".").map { text + rest[...$0] } ?? path
      if !steps.contains(step) { steps.append(step) }
    }
    return steps
  }

  /// Every path of the query documents worth comparing in `expect` or `trend` (SPEC §5).
  static let knownPaths: [String] = {
    var paths = [String]()
    for audience in Audience.allCases {
      for condition in Condition.allCases {
        for figure in ["interactions", "mean", "positive"] {
          paths.append("matrix.cells.\(audience.rawValue).\(condition.rawValue).\(figure)")
        }
      }
    }
    paths += ["matrix.balance", "matrix.weakest", "matrix.stressGap.customers", "matrix.stressGap.staff"]
    paths += ["culture.verdict", "culture.asOf.seq", "culture.asOf.time"]
    for indicator in IndicatorName.allCases {
      paths += ["culture.indicators.\(indicator.rawValue).value", "culture.indicators.\(indicator.rawValue).status"]
    }
    for list in ["employees", "customers", "partners", "champions", "team", "promises", "stresses", "plan", "at-risk"] {
      paths.append("\(list).count")
    }
    return paths
  }()

  /// The words that start with `prefix`, in their order, without repeats.
  static func matching(_ prefix: String, _ words: [String]) -> [String] {
    var seen = Set<String>()
    return words.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
  }
}
