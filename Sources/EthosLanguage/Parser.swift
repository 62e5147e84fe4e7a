import EthosDomain

/// Parses one line of the command language into a ``Statement``.
///
/// Never traps: every problem comes back as a ``Diagnostic`` naming the column
/// and how to fix it. A blank or comment-only line parses to `nil`.
public enum Parser {
  public static func parse(_ line: String) throws(Diagnostic) -> Statement? {
    let tokens = try Tokenizer.tokenize(line)
    guard !tokens.isEmpty else { return nil }
    return try statement(tokens, endColumn: characters(in: line) + 1)
  }

  /// `line.count` without walking grapheme clusters when it need not: in an
  /// ASCII line with no carriage return (where `\r\n` would be one
  /// character) every byte is one character.
  static func characters(in line: String) -> Int {
    var line = line
    let simple = line.withUTF8 { bytes in !bytes.contains { $0 >= 0x80 || $0 == 0x0D } }
    return simple ? line.utf8.count : line.count
  }

  static func statement(_ tokens: [Token], endColumn: Int) throws(Diagnostic) -> Statement {
    guard let head = tokens.first else { throw Diagnostic("expected a statement", column: endColumn) }
    guard head.key == nil, !head.quoted else {
      throw Diagnostic("a statement starts with a word such as 'log' or 'matrix' — see 'help'", column: head.column)
    }
    let rest = Array(tokens.dropFirst())
    switch head.text {
    case "stress": return try subcommand(head, rest, ["begin", "end"], endColumn)
    case "team":
      if rest.isEmpty { return .query(.team) }
      return try subcommand(head, rest, ["join", "leave"], endColumn)
    case "as":
      guard let of = rest.first, of.key == nil, of.text == "of" else {
        throw Diagnostic("expected 'as of @N QUERY' or 'as of T QUERY'", column: rest.first?.column ?? endColumn)
      }
      var args = Args(spec: spec("as of"), tokens: Array(rest.dropFirst()), endColumn: endColumn)
      let point = try args.point(0, "@N or a time")
      let query = try args.nestedQuery(from: 1)
      return .asOf(point, query)
    case "what-if":
      let nested = try statement(rest, endColumn: endColumn)
      guard case .write(let command) = nested else {
        throw Diagnostic(
          "what-if takes a write statement such as 'what-if champion ben'", column: rest.first?.column ?? endColumn)
      }
      return .whatIf(command)
    case "import-csv":
      return .importCSV(try ImportRequest.parse(rest, endColumn: endColumn))
    case "exit", "quit":
      var args = Args(spec: spec("quit"), tokens: rest, endColumn: endColumn)
      try args.finish()
      return .quit
    default:
      guard let spec = StatementTable.spec(head.text) else {
        let suggestion = Suggestion.nearest(to: head.text, in: StatementTable.firstWords)
        let fix = suggestion.map { "did you mean '\($0)'?" } ?? "type 'help' for the list"
        throw Diagnostic("unknown statement '\(shown(head.text))' — \(fix)", column: head.column)
      }
      var args = Args(spec: spec, tokens: rest, endColumn: endColumn)
      return try parse(spec.words, &args)
    }
  }

  private static func subcommand(
    _ head: Token, _ rest: [Token], _ words: [String], _ endColumn: Int
  ) throws(Diagnostic) -> Statement {
    guard let sub = rest.first, sub.key == nil, !sub.quoted, words.contains(sub.text) else {
      let got = rest.first.map { " (got '\(shown($0.text))')" } ?? ""
      throw Diagnostic(
        "expected \(words.map { "'\(head.text) \($0)'" }.joined(separator: " or "))\(got)",
        column: rest.first?.column ?? endColumn)
    }
    let words = head.text + " " + sub.text
    var args = Args(spec: spec(words), tokens: Array(rest.dropFirst()), endColumn: endColumn)
    return try parse(words, &args)
  }

  private static func spec(_ words: String) -> StatementSpec {
    // Every name passed here is a literal present in the table.
    StatementTable.spec(words) ?? StatementTable.all[0]
  }

  private static func parse(_ words: String, _ a: inout Args) throws(Diagnostic) -> Statement {
    if let write = a.spec.write, !(words == "plan" && a.positionals.isEmpty && a.options.isEmpty) {
      let command = try write(&a)
      try a.finish()
      return .write(command)
    }
    switch words {
    case "plan":
      return .query(.plan)
    case "clock":
      let action: ClockAction
      if a.positionals.isEmpty {
        action = .show
      } else {
        let token = a.positionals[0]
        if token.text == "live" {
          action = .live
        } else if token.text.hasPrefix("+"), let duration = TimeSpan(parsing: String(token.text.dropFirst())) {
          action = .advance(duration)
        } else if let time = Timestamp(parsing: token.text) {
          action = .set(time)
        } else {
          throw Diagnostic(
            "'\(shown(token.text))' is not a time — write YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], +DURATION (e.g. +90m) or live",
            column: token.column)
        }
        a.used.insert(0)
      }
      try a.finish()
      return .clock(action)
    case "set":
      if a.positionals.isEmpty && a.options.isEmpty {
        try a.finish()
        return .set(.list)
      }
      let name = try a.positionalWord(0, SettingName.self, "a setting")
      let setting: Setting
      switch name {
      case .format: setting = .format(try a.positionalWord(1, OutputFormat.self, "a format"))
      case .bail: setting = .bail(try a.positionalWord(1, OnOff.self, "on or off") == .on)
      case .echo: setting = .echo(try a.positionalWord(1, OnOff.self, "on or off") == .on)
      case .expanded: setting = .expanded(try a.positionalWord(1, Expanded.self, "on, off or auto"))
      case .pager: setting = .pager(try a.positionalWord(1, OnOff.self, "on or off") == .on)
      case .timing: setting = .timing(try a.positionalWord(1, OnOff.self, "on or off") == .on)
      }
      try a.finish()
      return .set(setting)
    case "help":
      let topic = a.positionals.map(\.text).joined(separator: " ")
      a.used = Set(a.positionals.indices)
      try a.finish()
      return .help(topic: topic.isEmpty ? nil : topic)
    case "show":
      let seq = try a.seq(0)
      try a.finish()
      return .show(seq: seq)
    case "history":
      let filter = try a.historyFilter()
      try a.finish()
      return .history(filter)
    case "replay":
      var step = false
      if let first = a.positionals.first {
        guard first.text == "step", !first.quoted else {
          throw Diagnostic(
            "unexpected '\(shown(first.text))' — replay takes from=@A, to=@B and step", column: first.column)
        }
        step = true
        a.used.insert(0)
      }
      let from = try a.seqOption("from")
      let to = try a.seqOption("to")
      try a.finish()
      return .replay(from: from, to: to, step: step)
    case "diff":
      let from = try a.point(0, "@A or a time")
      let to = try a.point(1, "@B or a time")
      try a.finish()
      return .diff(from, to)
    case "verify":
      try a.finish()
      return .verify
    case "branch":
      let name = try a.id(0, "a branch name")
      let from = try a.seqOption("from")
      try a.finish()
      return .branch(name: name, from: from)
    case "switch":
      let name = try a.id(0, "a branch name")
      try a.finish()
      return .switchBranch(name: name)
    case "branches":
      try a.finish()
      return .branches
    case "compare":
      let first = try a.id(0, "a branch name")
      let second = try a.id(1, "a second branch name")
      let query = a.positionals.count > 2 ? try a.nestedQuery(from: 2) : .culture
      return .compare(first, second, query)
    case "source":
      let path = try a.name(0, "a file path", limit: 4096)
      try a.finish()
      return .source(path: path)
    case "report":
      let path = a.positionals.isEmpty ? nil : try a.name(0, "a file path", limit: 4096)
      let compare = try a.id(option: "compare", what: "a branch name")
      try a.finish()
      return .report(path: path, compare: compare)
    case "expect":
      let path = try a.name(0, "a path such as culture.indicators.nps.value", limit: 512)
      if a.positionals.count > 1, a.positionals[1].text == "=", !a.positionals[1].quoted {
        // The nearest word by spelling is '!=': the opposite of what was meant.
        throw Diagnostic(
          "a comparison must be \(ExpectOperator.choices) (got '=') — did you mean '=='?",
          column: a.positionals[1].column)
      }
      let op = try a.positionalWord(1, ExpectOperator.self, "a comparison")
      let value = try a.expectValue(2)
      try a.finish()
      return .expect(path: path, op: op, value: value)
    default:
      let query = try a.query(words)
      return .query(query)
    }
  }
}

public enum SettingName: String, Vocabulary { case format, bail, echo, expanded, pager, timing }
