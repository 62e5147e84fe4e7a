import EthosDomain

/// `import-csv FILE --kind K [--map FIELD=COLUMN]… [--preset P] [--date-format F]
/// [--dry-run] [--bail]` (SPEC §15): the same words in a script, the REPL and
/// on the command line. Kinds, presets and fields are checked by the importer,
/// which knows them; the parser only takes the words apart.
public struct ImportRequest: Sendable, Equatable {
  public var path: String
  public var kind: String?
  /// `--map FIELD=COLUMN`, in the order given (a later one wins).
  public var maps: [FieldMap]
  public var preset: String?
  public var dateFormat: String?
  public var dryRun: Bool
  public var bail: Bool

  public struct FieldMap: Sendable, Equatable {
    public var field: String
    public var column: String

    public init(field: String, column: String) {
      self.field = field
      self.column = column
    }
  }

  public init(
    path: String, kind: String? = nil, maps: [FieldMap] = [], preset: String? = nil, dateFormat: String? = nil,
    dryRun: Bool = false, bail: Bool = false
  ) {
    self.path = path
    self.kind = kind
    self.maps = maps
    self.preset = preset
    self.dateFormat = dateFormat
    self.dryRun = dryRun
    self.bail = bail
  }

  static let usage =
    "import-csv FILE --kind K [--map FIELD=COLUMN]… [--preset P] [--date-format F] [--dry-run] [--bail]"

  /// Reads the words after `import-csv`. `--flag value` and `--flag=value`
  /// both work; a `--map` value is `FIELD=COLUMN`, quoted when the column
  /// holds spaces (`--map "score=How likely, 0-10"` or `--map score="How likely"`).
  static func parse(_ tokens: [Token], endColumn: Int) throws(Diagnostic) -> ImportRequest {
    var request = ImportRequest(path: "")
    var path: Token?
    var index = 0
    func value(of flag: Token, _ name: String) throws(Diagnostic) -> Token {
      if flag.key != nil { return Token(text: flag.text, quoted: flag.quoted, column: flag.column) }
      index += 1
      guard index < tokens.count else {
        throw Diagnostic("\(name) needs a value — usage: \(usage)", column: endColumn)
      }
      return tokens[index]
    }
    while index < tokens.count {
      var token = tokens[index]
      if token.key == nil, !token.quoted, token.text.hasPrefix("--"), let equals = token.text.firstIndex(of: "=") {
        // `--kind=feedback`: the tokenizer keeps it as one word.
        token = Token(
          key: String(token.text[..<equals]), text: String(token.text[token.text.index(after: equals)...]),
          quoted: false, column: token.column)
      }
      let flag = token.quoted ? nil : (token.key ?? token.text)
      switch flag {
      case "--kind":
        request.kind = try value(of: token, "--kind").text
      case "--preset":
        request.preset = try value(of: token, "--preset").text
      case "--date-format":
        request.dateFormat = try value(of: token, "--date-format").text
      case "--map":
        let given = try value(of: token, "--map")
        let field: String
        let column: String
        if let key = given.key {
          (field, column) = (key, given.text)
        } else if let equals = given.text.firstIndex(of: "=") {
          (field, column) = (String(given.text[..<equals]), String(given.text[given.text.index(after: equals)...]))
        } else {
          throw Diagnostic(
            "--map takes FIELD=COLUMN (got '\(shown(given.text))'), e.g. --map \"score=How likely are you to recommend us?\"",
            column: given.column)
        }
        guard !field.isEmpty, !column.isEmpty else {
          throw Diagnostic("--map takes FIELD=COLUMN with both sides filled in", column: given.column)
        }
        request.maps.append(FieldMap(field: field.lowercased(), column: column))
      case "--dry-run" where token.key == nil:
        request.dryRun = true
      case "--bail" where token.key == nil:
        request.bail = true
      default:
        if token.key == nil, !token.text.hasPrefix("--") || token.quoted, path == nil {
          path = token
        } else if token.key == nil, token.text.hasPrefix("--") {
          let known = ["--kind", "--map", "--preset", "--date-format", "--dry-run", "--bail"]
          let fix = Suggestion.nearest(to: token.text, in: known).map { "did you mean '\($0)'?" } ?? "usage: \(usage)"
          throw Diagnostic("unknown option '\(shown(token.text))' for import-csv — \(fix)", column: token.column)
        } else {
          let display = token.key.map { "\($0)=\(token.text)" } ?? token.text
          throw Diagnostic("unexpected '\(shown(display))' — usage: \(usage)", column: token.column)
        }
      }
      index += 1
    }
    guard let path else { throw Diagnostic("import-csv needs a FILE — usage: \(usage)", column: endColumn) }
    request.path = path.text
    if request.kind == nil, request.preset == nil {
      throw Diagnostic(
        "import-csv needs --kind (feedback, complaints, interactions, pulse, customers or employees) or --preset "
          + "(nps, zendesk or qualtrics)", column: endColumn)
    }
    return request
  }
}
