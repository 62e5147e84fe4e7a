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

  // swiftlint:disable:next cyclomatic_complexity function_body_length
  private static func parse(_ words: String, _ a: inout Args) throws(Diagnostic) -> Statement {
    switch words {
    // `log` first: a string switch tries its cases in order, and most lines are logs.
    case "log":
      let by = try a.id(0, "an employee id")
      try a.keyword(1, "with")
      let with = try a.id(2, "the customer, employee or partner served")
      let command = Command.log(
        by: by, with: with, mode: try a.word("mode", Mode.self) ?? .transaction,
        channel: try a.word("channel", Channel.self) ?? .other, outcome: try a.int("outcome", -2...2) ?? 0,
        did: try a.words("did", Behaviour.self), note: try a.optionalText(3))
      try a.finish()
      return .write(command)
    case "hire":
      let id = try a.id(0, "an employee id")
      let name = try a.name(1, "the employee's name in quotes")
      let level = try a.word("level", Level.self) ?? .staff
      let facing = try a.word("facing", YesNo.self) ?? .yes
      let command = Command.hire(
        id: id, name: name, dept: try a.id(option: "dept", what: "a department") ?? "general",
        role: try a.text(option: "role"), level: level, facing: facing == .yes,
        orientation: try a.int("orientation", 1...5) ?? 3, skills: try a.int("skills", 1...5) ?? 3,
        key: try a.key())
      try a.finish()
      return .write(command)
    case "depart":
      let command = Command.depart(
        id: try a.id(0, "an employee id"), reason: try a.word("reason", DepartureReason.self) ?? .other)
      try a.finish()
      return .write(command)
    case "engage":
      let id = try a.id(0, "a partner id")
      let name = try a.name(1, "the partner's name in quotes")
      guard let kind = try a.word("kind", PartnerKind.self) else { throw a.missing("kind", PartnerKind.choices) }
      try a.finish()
      return .write(.engage(id: id, name: name, kind: kind))
    case "release":
      let command = Command.release(id: try a.id(0, "a partner id"))
      try a.finish()
      return .write(command)
    case "customer":
      let id = try a.id(0, "a customer id")
      let name = try a.name(1, "the customer's name in quotes")
      let command = Command.registerCustomer(
        id: id, name: name, segment: try a.text(option: "segment"), key: try a.key())
      try a.finish()
      return .write(command)
    case "lose":
      let command = Command.lose(id: try a.id(0, "a customer id"), reason: try a.optionalText(1))
      try a.finish()
      return .write(command)
    case "champion":
      let command = Command.nameChampion(id: try a.id(0, "an employee id"), area: try a.text(option: "area"))
      try a.finish()
      return .write(command)
    case "unchampion":
      let command = Command.standDownChampion(id: try a.id(0, "an employee id"))
      try a.finish()
      return .write(command)
    case "team join", "team leave":
      let id = try a.id(0, "an employee id")
      try a.finish()
      return .write(words == "team join" ? .joinTeam(id: id) : .leaveTeam(id: id))
    case "lead":
      let by = try a.id(0, "a leader's employee id")
      let activity = try a.positionalWord(1, LeadActivity.self, "an activity")
      let command = Command.lead(by: by, activity: activity, note: try a.optionalText(2))
      try a.finish()
      return .write(command)
    case "say":
      let by = try a.id(0, "an employee id or 'company'")
      let text = try a.name(1, "what was said, in quotes", limit: Limits.textLength)
      let command = Command.say(by: by, text: text, to: try a.word("to", Addressee.self) ?? .external)
      try a.finish()
      return .write(command)
    case "train":
      let ids = try a.idList(0, "employee ids separated by commas")
      guard let topic = try a.word("topic", TrainingTopic.self) else { throw a.missing("topic", TrainingTopic.choices) }
      try a.finish()
      return .write(.train(employees: ids, topic: topic))
    case "promise":
      let id = try a.id(0, "a promise id")
      try a.keyword(1, "by")
      let by = try a.id(2, "the employee making the promise")
      try a.keyword(3, "to")
      let to = try a.id(4, "the party it is made to")
      guard let due = try a.due("due") else { throw a.missing("due", "a time or +DURATION, e.g. due=+2d") }
      let command = Command.promise(id: id, by: by, to: to, due: due, what: try a.optionalText(5))
      try a.finish()
      return .write(command)
    case "keep", "break":
      let id = try a.id(0, "a promise id")
      try a.finish()
      return .write(words == "keep" ? .keep(id: id) : .breakPromise(id: id))
    case "stress begin":
      let id = try a.id(0, "a stress window id")
      guard let kind = try a.word("kind", StressKind.self) else { throw a.missing("kind", StressKind.choices) }
      let command = Command.beginStress(
        id: id, kind: kind, severity: try a.int("severity", 1...3) ?? 2, scope: try a.scope("scope") ?? .org,
        note: try a.optionalText(1))
      try a.finish()
      return .write(command)
    case "stress end":
      let id = try a.id(0, "a stress window id")
      try a.finish()
      return .write(.endStress(id: id))
    case "feedback":
      let customer = try a.id(0, "a customer id")
      guard let score = try a.int("score", 0...10) else { throw a.missing("score", "0-10") }
      let command = Command.feedback(
        customer: customer, score: score, about: try a.id(option: "about", what: "an employee id"),
        comment: try a.optionalText(1))
      try a.finish()
      return .write(command)
    case "complain":
      let customer = try a.id(0, "a customer id")
      let command = Command.complain(
        customer: customer, about: try a.id(option: "about", what: "an employee id"),
        level: try a.word("level", ComplaintLevel.self) ?? .frontline, text: try a.optionalText(1))
      try a.finish()
      return .write(command)
    case "follow-up":
      let customer = try a.id(0, "a customer id")
      try a.keyword(1, "by")
      let by = try a.id(2, "the employee following up")
      let command = Command.followUp(customer: customer, by: by, note: try a.optionalText(3))
      try a.finish()
      return .write(command)
    case "pulse":
      let source: PulseSource
      if let dept = try a.id(option: "dept", what: "a department") {
        source = .department(dept)
      } else {
        source = .employee(try a.id(0, "dept=D (or an employee id, of whom only the department is kept)"))
      }
      guard let score = try a.int("score", 0...10) else { throw a.missing("score", "0-10") }
      try a.finish()
      return .write(.pulse(from: source, score: score))
    case "deficiency":
      let id = try a.id(0, "a deficiency id")
      let what = try a.name(1, "what is deficient, in quotes", limit: Limits.textLength)
      let command = Command.identifyDeficiency(
        id: id, what: what, area: try a.text(option: "area"), target: try a.number("target"), baseline: nil)
      try a.finish()
      return .write(command)
    case "plan":
      if a.positionals.isEmpty && a.options.isEmpty { return .query(.plan) }
      let id = try a.id(0, "an action id")
      try a.keyword(1, "for")
      let deficiency = try a.id(2, "a deficiency id")
      guard let owner = try a.id(option: "owner", what: "an employee id") else {
        throw a.missing("owner", "an employee id")
      }
      guard let due = try a.due("due") else { throw a.missing("due", "a time or +DURATION, e.g. due=+2w") }
      let command = Command.planAction(
        id: id, deficiency: deficiency, owner: owner, due: due, what: try a.optionalText(3))
      try a.finish()
      return .write(command)
    case "done":
      let id = try a.id(0, "an action id")
      try a.finish()
      return .write(.completeAction(id: id))
    case "retract":
      let seq = try a.seq(0)
      let reason = try a.name(1, "the reason, in quotes", limit: Limits.textLength)
      try a.finish()
      return .write(.retract(seq: seq, reason: reason, target: nil))
    case "forget":
      let id = try a.id(0, "the id of an employee, partner or customer")
      let reason = try a.name(1, "the reason, in quotes", limit: Limits.textLength)
      try a.finish()
      return .write(.forget(id: id, reason: reason))
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
