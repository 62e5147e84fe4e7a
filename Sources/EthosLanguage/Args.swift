import EthosDomain

/// The words after a statement's leading words: positionals in order and
/// options by key, with typed accessors that produce the exact diagnostic for
/// each kind of mistake. ``finish()`` rejects whatever was not consumed.
struct Args {
  let spec: StatementSpec
  let endColumn: Int
  var positionals: [Token] = []
  var options: [String: Token] = [:]
  var used = Set<Int>()
  var usedOptions = Set<String>()
  var duplicate: Token?

  init(spec: StatementSpec, tokens: [Token], endColumn: Int) {
    self.spec = spec
    self.endColumn = endColumn
    for token in tokens {
      if let key = token.key {
        if options[key] != nil, duplicate == nil { duplicate = token }
        options[key] = token
      } else {
        positionals.append(token)
      }
    }
  }

  var verb: String { spec.words }

  func missing(_ option: String, _ allowed: String) -> Diagnostic {
    Diagnostic("\(verb) needs \(option)= (\(allowed)) — usage: \(spec.syntax)", column: endColumn)
  }

  /// Rejects unconsumed words and unknown, repeated or unused options.
  func finish() throws(Diagnostic) {
    if let duplicate, let key = duplicate.key {
      throw Diagnostic("option '\(key)' is given twice — keep one", column: duplicate.column)
    }
    for (index, token) in positionals.enumerated() where !used.contains(index) {
      let display = token.quoted ? "\"\(shown(token.text))\"" : shown(token.text)
      throw Diagnostic("unexpected '\(display)' — usage: \(spec.syntax)", column: token.column)
    }
    for token in options.values.sorted(by: { $0.column < $1.column }) {
      guard let key = token.key, !usedOptions.contains(key) else { continue }
      let names = spec.options.map(\.name)
      if names.isEmpty {
        throw Diagnostic("\(verb) takes no options (got '\(key)=') — usage: \(spec.syntax)", column: token.column)
      }
      let fix =
        Suggestion.nearest(to: key, in: names).map { "did you mean '\($0)'?" }
        ?? "\(verb) takes \(names.map { "\($0)=" }.joined(separator: ", "))"
      throw Diagnostic("unknown option '\(key)' for \(verb) — \(fix)", column: token.column)
    }
  }

  // MARK: positionals

  mutating func positional(_ index: Int, _ what: String) throws(Diagnostic) -> Token {
    guard index < positionals.count else {
      throw Diagnostic("\(verb) needs \(what) — usage: \(spec.syntax)", column: endColumn)
    }
    used.insert(index)
    return positionals[index]
  }

  mutating func id(_ index: Int, _ what: String) throws(Diagnostic) -> String {
    let token = try positional(index, what)
    return try Args.validId(token, what: what)
  }

  static func validId(_ token: Token, what: String) throws(Diagnostic) -> String {
    let text = token.text
    guard !text.isEmpty, text.unicodeScalars.count <= Limits.idLength else {
      throw Diagnostic(
        text.isEmpty
          ? "expected \(what), got an empty word"
          : "id '\(shown(text, limit: 20))' is \(text.unicodeScalars.count) characters long; an id may have at most "
            + "\(Limits.idLength) — choose a shorter one",
        column: token.column)
    }
    var first = true
    for scalar in text.unicodeScalars {
      let ok =
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        || (!first && (scalar == "." || scalar == "_" || scalar == "-"))
      if !ok {
        let lower = text.lowercased()
        let hint = lower != text && isId(lower) ? " — did you mean '\(lower)'?" : ""
        throw Diagnostic(
          "'\(shown(text))' is not a valid id (expected \(what)): use lowercase letters, digits, '.', '_' or '-', "
            + "starting with a letter or digit\(hint)",
          column: token.column)
      }
      first = false
    }
    return text
  }

  static func isId(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first) else {
      return false
    }
    return text.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
    }
  }

  mutating func idList(_ index: Int, _ what: String) throws(Diagnostic) -> [String] {
    let token = try positional(index, what)
    let parts = token.text.split(separator: ",", omittingEmptySubsequences: false)
    guard parts.count <= Limits.listLength else {
      throw Diagnostic("more than \(Limits.listLength) ids in one list — split the statement", column: token.column)
    }
    var ids = [String]()
    for part in parts {
      if part.isEmpty, parts.count > 1 {
        throw Diagnostic(
          "empty id in the list '\(shown(token.text))' — separate the ids with single commas", column: token.column)
      }
      var piece = token
      piece.text = String(part)
      ids.append(try Args.validId(piece, what: what))
    }
    return ids
  }

  /// A name or text: quoted, or a single bare word.
  mutating func name(_ index: Int, _ what: String, limit: Int = Limits.nameLength) throws(Diagnostic) -> String {
    let token = try positional(index, what)
    return try Args.bounded(token, limit: limit)
  }

  static func bounded(_ token: Token, limit: Int) throws(Diagnostic) -> String {
    let count = token.text.count
    guard count <= limit else {
      let kind =
        limit == Limits.nameLength ? "a name or value" : limit == Limits.textLength ? "a note or text" : "this"
      throw Diagnostic(
        "'\(shown(token.text, limit: 20))' is \(count) characters long; \(kind) may have at most \(limit) — shorten it",
        column: token.column)
    }
    guard !token.text.isEmpty else {
      throw Diagnostic("empty text — write something between the quotes", column: token.column)
    }
    if let hidden = token.text.unicodeScalars.first(where: isHidden) {
      throw Diagnostic(
        "'\(shown(token.text, limit: 20))' contains an invisible or control character "
          + "(\(shown(String(Character(hidden))))) — remove it",
        column: token.column)
    }
    return token.text
  }

  /// An optional trailing quoted note.
  mutating func optionalText(_ index: Int) throws(Diagnostic) -> String? {
    guard index < positionals.count else { return nil }
    let token = positionals[index]
    guard token.quoted else {
      throw Diagnostic(
        "unexpected '\(shown(token.text))' — a note goes in quotes; usage: \(spec.syntax)", column: token.column)
    }
    used.insert(index)
    return try Args.bounded(token, limit: Limits.textLength)
  }

  mutating func keyword(_ index: Int, _ word: String) throws(Diagnostic) {
    let token = try positional(index, "'\(word)'")
    guard token.text == word, !token.quoted else {
      throw Diagnostic(
        "expected '\(word)' here, got '\(shown(token.text))' — usage: \(spec.syntax)", column: token.column)
    }
  }

  mutating func positionalWord<V: Vocabulary>(_ index: Int, _ type: V.Type, _ what: String) throws(Diagnostic) -> V {
    let token = try positional(index, "\(what) (\(V.choices))")
    guard let value = V(rawValue: token.text) else {
      throw Diagnostic(Args.choiceMessage(what, token.text, V.self), column: token.column)
    }
    return value
  }

  static func choiceMessage<V: Vocabulary>(_ what: String, _ got: String, _: V.Type) -> String {
    let words = V.allCases.map(\.rawValue)
    let fix = Suggestion.nearest(to: got, in: words).map { " — did you mean '\($0)'?" } ?? ""
    return "\(what) must be \(V.choices) (got '\(shown(got))')\(fix)"
  }

  mutating func seq(_ index: Int) throws(Diagnostic) -> Int {
    let token = try positional(index, "an event as @N")
    return try Args.seqValue(token)
  }

  static func seqValue(_ token: Token) throws(Diagnostic) -> Int {
    guard token.text.hasPrefix("@"), let seq = Int(token.text.dropFirst()), seq >= 1 else {
      throw Diagnostic("'\(shown(token.text))' is not an event — write @N with N ≥ 1, e.g. @42", column: token.column)
    }
    return seq
  }

  mutating func point(_ index: Int, _ what: String) throws(Diagnostic) -> Point {
    let token = try positional(index, what)
    return try Args.pointValue(token)
  }

  static func pointValue(_ token: Token) throws(Diagnostic) -> Point {
    if token.text.hasPrefix("@") { return .seq(try seqValue(token)) }
    guard let time = Timestamp(parsing: token.text) else {
      throw Diagnostic(
        "'\(shown(token.text))' is neither @N nor a time — write @42, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]",
        column: token.column)
    }
    return .time(time)
  }

  mutating func expectValue(_ index: Int) throws(Diagnostic) -> ExpectValue {
    let token = try positional(index, "a value to compare with")
    if token.quoted { return .string(token.text) }
    switch token.text {
    case "null": return .null
    case "true": return .bool(true)
    case "false": return .bool(false)
    default:
      if let number = Double(token.text), number.isFinite { return .number(number) }
      return .string(token.text)
    }
  }

  /// The query that follows at `index` (for `as of` and `compare`).
  mutating func nestedQuery(from index: Int) throws(Diagnostic) -> Query {
    guard index < positionals.count else {
      throw Diagnostic("\(verb) needs a query such as 'matrix' or 'culture'", column: endColumn)
    }
    let head = positionals[index]
    var tokens = Array(positionals[(index + 1)...])
    tokens.append(contentsOf: options.values.sorted { $0.column < $1.column })
    used = Set(positionals.indices)
    usedOptions = Set(options.keys)
    guard let spec = StatementTable.spec(head.text),
      spec.group == .queries || ["history", "show", "plan"].contains(head.text)
    else {
      throw Diagnostic(
        "'\(shown(head.text))' is not a query — use matrix, culture, employees, … (see 'help')", column: head.column)
    }
    var nested = Args(spec: spec, tokens: tokens, endColumn: endColumn)
    let query: Query
    switch head.text {
    case "history": query = .history(try nested.historyFilter())
    case "show": query = .show(seq: try nested.seq(0))
    default: query = try nested.query(head.text)
    }
    try nested.finish()
    return query
  }

  mutating func query(_ word: String) throws(Diagnostic) -> Query {
    let query: Query
    switch word {
    case "matrix": query = .matrix(dept: try id(option: "dept", what: "a department"), window: try window())
    case "culture": query = .culture(window: try window())
    case "employees": query = .employees(all: try allFlag())
    case "customers": query = .customers(all: try allFlag())
    case "partners": query = .partners
    case "champions": query = .champions
    case "team": query = .team
    case "promises":
      query = .promises(positionals.isEmpty ? nil : try positionalWord(0, PromiseFilter.self, "a promise filter"))
    case "stresses":
      if let first = positionals.first {
        guard first.text == "open" else {
          throw Diagnostic("unexpected '\(shown(first.text))' — usage: stresses [open]", column: first.column)
        }
        used.insert(0)
        query = .stresses(openOnly: true)
      } else {
        query = .stresses(openOnly: false)
      }
    case "at-risk": query = .atRisk
    case "plan": query = .plan  // the bare word; `plan ID for …` is a write
    case "who": query = .who(id: try id(0, "an id"))
    case "trend":
      let path = try name(0, "a path such as culture.indicators.nps.value", limit: 512)
      query = .trend(path: path, by: try self.word("by", TrendBucket.self) ?? .week)
    default:
      throw Diagnostic("'\(word)' is not a query — see 'help'", column: endColumn)
    }
    try finish()
    return query
  }

  private mutating func allFlag() throws(Diagnostic) -> Bool {
    guard let first = positionals.first else { return false }
    guard first.text == "all", !first.quoted else {
      throw Diagnostic("unexpected '\(shown(first.text))' — usage: \(spec.syntax)", column: first.column)
    }
    used.insert(0)
    return true
  }

  mutating func historyFilter() throws(Diagnostic) -> HistoryFilter {
    var filter = HistoryFilter()
    filter.type = try word("type", EventType.self)
    filter.who = try id(option: "who", what: "an id")
    if let token = option("since") { filter.since = try Args.pointValue(token) }
    if let token = option("until") { filter.until = try Args.pointValue(token) }
    if let token = option("last") {
      guard let last = Int(token.text), last >= 1 else {
        throw Diagnostic("last= must be a whole number ≥ 1 (got '\(shown(token.text))')", column: token.column)
      }
      filter.last = last
    }
    return filter
  }

  // MARK: options

  mutating func option(_ name: String) -> Token? {
    guard let token = options[name], spec.option(name) != nil else { return nil }
    usedOptions.insert(name)
    return token
  }

  mutating func text(option name: String) throws(Diagnostic) -> String? {
    guard let token = option(name) else { return nil }
    return try Args.bounded(token, limit: Limits.nameLength)
  }

  /// `key=`: an external key (an e-mail, a requester id), bounded like a name.
  mutating func key() throws(Diagnostic) -> String? {
    guard let token = option("key") else { return nil }
    return try Args.bounded(token, limit: Limits.nameLength)
  }

  mutating func id(option name: String, what: String) throws(Diagnostic) -> String? {
    guard let token = option(name) else { return nil }
    return try Args.validId(token, what: what)
  }

  mutating func word<V: Vocabulary>(_ name: String, _ type: V.Type) throws(Diagnostic) -> V? {
    guard let token = option(name) else { return nil }
    guard let value = V(rawValue: token.text) else {
      throw Diagnostic(Args.choiceMessage("\(name)=", token.text, V.self), column: token.column)
    }
    return value
  }

  mutating func words<V: Vocabulary>(_ name: String, _ type: V.Type) throws(Diagnostic) -> [V] {
    guard let token = option(name) else { return [] }
    var values = [V]()
    for part in token.text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let value = V(rawValue: String(part)) else {
        throw Diagnostic(Args.choiceMessage("each \(name)= item", String(part), V.self), column: token.column)
      }
      if !values.contains(value) { values.append(value) }
    }
    return values
  }

  mutating func int(_ name: String, _ range: ClosedRange<Int>) throws(Diagnostic) -> Int? {
    guard let token = option(name) else { return nil }
    let text = token.text.hasPrefix("+") ? String(token.text.dropFirst()) : token.text
    guard let value = Int(text), range.contains(value), !text.hasPrefix("+"), !text.hasPrefix("-+") else {
      throw Diagnostic(
        "\(name)= must be a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(shown(token.text))')",
        column: token.column)
    }
    return value
  }

  /// `window=DURATION` of `culture` and `matrix` (SPEC §5): a span greater than zero.
  mutating func window() throws(Diagnostic) -> TimeSpan? {
    guard let token = option("window") else { return nil }
    guard let duration = TimeSpan(parsing: token.text), duration.seconds > 0 else {
      throw Diagnostic(
        "window= must be a duration greater than zero such as 90d, 12w or 36h (got '\(shown(token.text))')",
        column: token.column)
    }
    return duration
  }

  /// A number option (`target=0.9`, `target=-20`): finite, at most 15 significant characters.
  mutating func number(_ name: String) throws(Diagnostic) -> Double? {
    guard let token = option(name) else { return nil }
    let text = token.text
    let allowed = text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }
    guard allowed, text.count <= 16, let value = Double(text), value.isFinite else {
      throw Diagnostic("\(name)= must be a number such as 0.9 or 30 (got '\(shown(text))')", column: token.column)
    }
    return value
  }

  mutating func seqOption(_ name: String) throws(Diagnostic) -> Int? {
    guard let token = option(name) else { return nil }
    return try Args.seqValue(token)
  }

  mutating func due(_ name: String) throws(Diagnostic) -> Due? {
    guard let token = option(name) else { return nil }
    if token.text.hasPrefix("+"), let duration = TimeSpan(parsing: String(token.text.dropFirst())) {
      return .after(duration)
    }
    if let time = Timestamp(parsing: token.text) { return .at(time) }
    throw Diagnostic(
      "\(name)= must be a time (YYYY-MM-DD[THH:MM[:SS]]) or +DURATION such as +2d (got '\(shown(token.text))')",
      column: token.column)
  }

  mutating func scope(_ name: String) throws(Diagnostic) -> StressScope? {
    guard let token = option(name) else { return nil }
    guard let scope = StressScope(parsing: token.text) else {
      throw Diagnostic("scope= must be org, dept:D or employee:EMP (got '\(shown(token.text))')", column: token.column)
    }
    switch scope {
    case .org: break
    case .department(let dept):
      var piece = token
      piece.text = dept
      _ = try Args.validId(piece, what: "a department")
    case .employee(let emp):
      var piece = token
      piece.text = emp
      _ = try Args.validId(piece, what: "an employee id")
    }
    return scope
  }
}
