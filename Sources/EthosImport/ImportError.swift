import EthosDomain

/// Why a row (or the whole file) cannot be imported: one line for the user,
/// printed as `FILE:LINE: error: …` (line 0: the file as a whole). Every
/// message of `import-csv` is built here, the engine's included, and pinned
/// by `ImportMessageTests`.
public struct ImportError: Error, Sendable, Equatable {
  public var line: Int
  public var message: String

  public init(line: Int, _ message: String) {
    self.line = line
    self.message = message
  }
}

// MARK: the file

extension ImportError {
  static let noSuchFile = ImportError(line: 0, "cannot read the file: no such file")
  static let notRegularFile = ImportError(line: 0, "cannot read the file: it is not a regular file")
  static let empty = ImportError(
    line: 1, "the file is empty — export it again with a header row and at least one row")

  static func tooLarge(_ size: Int, most: Int) -> ImportError {
    ImportError(line: 0, "the file is \(size) bytes; import-csv reads at most \(most) — split it")
  }

  /// The reader failed; `detail` is what it said, when it said anything.
  static func cannotRead(line: Int, _ detail: (any Error)? = nil) -> ImportError {
    ImportError(line: line, "cannot read the file" + (detail.map { " (\($0))" } ?? ""))
  }

  static func notUTF8(line: Int) -> ImportError {
    ImportError(
      line: line, "the file is not UTF-8 text (bytes that are not UTF-8 on line \(line)) — save it as CSV UTF-8")
  }

  static func holdsNUL(line: Int) -> ImportError {
    ImportError(line: line, "the file is not text (it holds NUL bytes by line \(line)) — export it as CSV")
  }
}

// MARK: the options and the header

extension ImportError {
  static func unknownPreset(_ name: String, known: [String], line: Int) -> ImportError {
    let fix =
      Suggestion.nearest(to: name.lowercased(), in: known).map { "did you mean '\($0)'?" }
      ?? "presets: \(known.joined(separator: ", "))"
    return ImportError(line: line, "unknown preset '\(name)' — \(fix)")
  }

  static func unknownKind(_ name: String, line: Int) -> ImportError {
    let fix =
      Suggestion.nearest(to: name.lowercased(), in: ImportKind.allCases.map(\.rawValue))
      .map { "did you mean '\($0)'?" } ?? "kinds: \(ImportKind.names)"
    return ImportError(line: line, "unknown kind '\(name)' — \(fix)")
  }

  static func presetImportsOtherKind(_ preset: String, imports kind: ImportKind, not given: ImportKind, line: Int)
    -> ImportError
  {
    ImportError(
      line: line,
      "preset '\(preset)' imports \(kind.rawValue), not \(given.rawValue) — leave out --kind or the preset")
  }

  static func noKind(line: Int) -> ImportError {
    ImportError(line: line, "give --kind (\(ImportKind.names)) or --preset")
  }

  static func unknownField(_ field: String, of kind: ImportKind, line: Int) -> ImportError {
    let fix = Suggestion.nearest(to: field, in: kind.fields).map { "did you mean '\($0)'? " } ?? ""
    return ImportError(
      line: line,
      "--map names no field '\(field)' of --kind \(kind.rawValue) — \(fix)fields: \(kind.fields.joined(separator: ", "))"
    )
  }

  static func noSuchColumn(_ column: String, mappedTo field: String, header: [String], line: Int) -> ImportError {
    let fix = Suggestion.nearest(to: column, in: header).map { "did you mean '\($0)'? " } ?? ""
    return ImportError(
      line: line,
      "--map \(field)=\(column): the file has no column '\(column)' — \(fix)columns: \(listed(header))")
  }

  /// A field the kind needs has no column; `orEmployee` for a pulse file,
  /// which may name the employee instead of the department.
  static func missingColumn(_ field: String, of kind: ImportKind, header: [String], orEmployee: Bool, line: Int)
    -> ImportError
  {
    let guess = Suggestion.nearest(to: field, in: header.map { $0.lowercased() })
      .flatMap { lower in header.first { $0.lowercased() == lower } }
    let fix = guess.map { "did you mean '\($0)'? " } ?? ""
    let also = orEmployee ? " (or employee)" : ""
    return ImportError(
      line: line,
      "no column for '\(field)'\(also), which --kind \(kind.rawValue) needs — \(fix)the file's columns are "
        + "\(listed(header)); name one with --map \(field)=COLUMN")
  }

  private static func listed(_ header: [String]) -> String { header.map { "'\($0)'" }.joined(separator: ", ") }
}

// MARK: a row

extension ImportError {
  static func ragged(_ fields: Int, header: Int, line: Int) -> ImportError {
    ImportError(
      line: line,
      "this row has \(fields) fields but the header has \(header) — look for a comma or quote that is not inside a "
        + "quoted field")
  }

  static func emptyField(_ column: String, _ field: String, line: Int) -> ImportError {
    ImportError(line: line, "column '\(column)' (\(field)) is empty — fill it in or leave the row out")
  }

  static func badScore(_ column: String, _ field: String, _ value: String, ratings: Bool, line: Int) -> ImportError {
    let words = ratings ? " (or Good / Bad)" : ""
    return ImportError(
      line: line,
      "column '\(column)' (\(field)) holds '\(ImportPlanner.shown(value))'; a score is a whole number from 0 to 10"
        + "\(words) — fix the value")
  }

  static func badTime(_ column: String, _ value: String, expected: String, line: Int) -> ImportError {
    ImportError(
      line: line,
      "column '\(column)' (at) holds '\(ImportPlanner.shown(value))', which is not a time; expected \(expected)")
  }

  static func badOutcome(_ column: String, _ value: String, line: Int) -> ImportError {
    ImportError(
      line: line,
      "column '\(column)' (outcome) holds '\(ImportPlanner.shown(value))'; an outcome is a whole number from -2 to "
        + "+2 — fix the value")
  }

  static func deptWithoutLetters(_ column: String, line: Int) -> ImportError {
    ImportError(line: line, "column '\(column)' (dept) holds no letter or digit to name a department")
  }

  static func badFacing(_ column: String, _ value: String, line: Int) -> ImportError {
    ImportError(line: line, "column '\(column)' (facing) holds '\(ImportPlanner.shown(value))'; write yes or no")
  }

  static func badScale(_ column: String, _ field: String, _ value: String, line: Int) -> ImportError {
    ImportError(
      line: line,
      "column '\(column)' (\(field)) holds '\(ImportPlanner.shown(value))'; it is a whole number from 1 to 5")
  }
}

// MARK: the parties and the log (the engine's checks)

extension ImportError {
  public static func beforeHead(_ time: Timestamp, branch: String, seq: Int, head: Timestamp, line: Int)
    -> ImportError
  {
    ImportError(
      line: line,
      "this row's time \(time.iso) is before the head of branch '\(branch)' (@\(seq), \(head.iso)); rows are never "
        + "put into the past — import it into a branch forked before then (branch NAME from=@N)")
  }

  /// `employee` for a staff list's key, else a customer's or a party's.
  public static func keyWithoutLetters(_ key: String, employee: Bool, line: Int) -> ImportError {
    ImportError(
      line: line, "the \(employee ? "employee " : "")key '\(key)' holds no letter or digit to make an id from")
  }

  public static func employeeIdTaken(_ key: String, id: String, by other: String, line: Int) -> ImportError {
    ImportError(
      line: line,
      "employee key '\(key)' becomes id '\(id)', which is already the employee of key '\(other)' — map a column "
        + "that tells them apart")
  }

  public static func customerIdTaken(_ key: String, id: String, by other: String, line: Int) -> ImportError {
    ImportError(
      line: line,
      "key '\(key)' becomes id '\(id)', which is already the customer of key '\(other)' — map a column that tells "
        + "them apart")
  }

  public static func idNotACustomer(_ key: String, id: String, line: Int) -> ImportError {
    ImportError(line: line, "key '\(key)' becomes id '\(id)', which already names someone who is not a customer")
  }

  public static func notAnEmployee(_ key: String, column: String, id: String?, nearest: String?, line: Int)
    -> ImportError
  {
    let fix = nearest.map { "did you mean '\($0)'? Or " } ?? ""
    return ImportError(
      line: line,
      "column '\(column)' names '\(key)', who is not an employee — \(fix)hire them first"
        + " (hire \(id ?? "ID") \"NAME\" key=\(ImportPlanner.quoted(key)))")
  }
}
