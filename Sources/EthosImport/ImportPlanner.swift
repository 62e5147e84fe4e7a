import EthosDomain
import EthosLanguage

/// One row of a file, read and checked but not yet decided: the statement it
/// becomes, with its parties named by external key until the engine, which
/// knows the state, resolves them to ids.
public struct RowPlan: Sendable {
  public var line: Int
  /// `nil` for a `customers` or `employees` row without `at`: written at the
  /// session's clock.
  public var time: Timestamp?
  /// The row's `key`, or a digest of the row: recorded with its events.
  public var key: String
  public var action: Action

  public enum Action: Sendable {
    /// A ticket with no rating (helpdesk exports): nothing to import.
    case skip
    /// `customer …`: register the customer of `key` unless already known by it.
    case customer(key: String, name: String, segment: String?)
    /// `hire …`: hire the employee of `key` unless already known by it; `options`
    /// are the statement's options, already written out.
    case employee(key: String, name: String, options: String)
    /// An observation naming parties by key. `customers` must exist (the
    /// import registers unknown ones, named as given); `employees` must be known.
    case observation(Observation)
  }
}

/// An observation row: the statement's words with the parties left as keys.
public struct Observation: Sendable {
  public enum Word: Sendable {
    case text(String)
    /// An employee (must be known), written as its id.
    case employee(key: String, field: String)
    /// A customer, registered when unknown (named `name`), written as its id.
    case customer(key: String, name: String?)
    /// A party of any kind; an unknown one is registered as a customer.
    case party(key: String)
  }

  public var words: [Word]
}

/// Reads rows of one file as one kind, through the columns chosen for each
/// field by `--map`, the preset, or the field's own name (SPEC §15).
public struct ImportPlanner: Sendable {
  public let kind: ImportKind
  public let preset: Preset?
  public let header: [String]
  /// Field → column index.
  public let columns: [String: Int]
  let time: CSVTime

  /// Resolves the columns, or says what is wrong with the options or the header.
  public init(
    kind kindName: String?, preset presetName: String?, maps: [ImportRequest.FieldMap], dateFormat: String?,
    header: [String], headerLine: Int
  ) throws(ImportError) {
    var preset: Preset?
    if let presetName {
      guard let found = Preset.named(presetName) else {
        throw .unknownPreset(presetName, known: Preset.all.map(\.name), line: headerLine)
      }
      preset = found
    }
    var kind = preset?.kind
    if let kindName {
      guard let given = ImportKind(rawValue: kindName.lowercased()) else {
        throw .unknownKind(kindName, line: headerLine)
      }
      if let preset, preset.kind != given {
        throw .presetImportsOtherKind(preset.name, imports: preset.kind, not: given, line: headerLine)
      }
      kind = given
    }
    guard let kind else {
      throw .noKind(line: headerLine)
    }
    self.kind = kind
    self.preset = preset
    self.header = header
    self.time = CSVTime(format: dateFormat)

    func index(of column: String) -> Int? {
      header.firstIndex(of: column) ?? header.firstIndex { $0.lowercased() == column.lowercased() }
    }
    var columns = [String: Int]()
    for map in maps {
      guard kind.fields.contains(map.field) else { throw .unknownField(map.field, of: kind, line: headerLine) }
      guard let found = index(of: map.column) else {
        throw .noSuchColumn(map.column, mappedTo: map.field, header: header, line: headerLine)
      }
      columns[map.field] = found
    }
    for field in kind.fields where columns[field] == nil {
      if let candidates = preset?.columns[field], let found = candidates.lazy.compactMap(index(of:)).first {
        columns[field] = found
      } else if let found = index(of: field) {
        columns[field] = found
      }
    }
    var required = kind.required
    if kind == .pulse, columns["dept"] == nil, columns["employee"] == nil { required.insert("dept", at: 0) }
    for field in required where columns[field] == nil {
      throw .missingColumn(
        field, of: kind, header: header, orEmployee: kind == .pulse && field == "dept", line: headerLine)
    }
    self.columns = columns
  }

  /// Rows after the header that hold no data (the preset's extra header rows).
  public var extraHeaderRows: Int { preset?.extraHeaderRows ?? 0 }

  /// Reads one record as a row of this kind.
  public func plan(_ record: CSVRecord) -> Result<RowPlan, ImportError> {
    do throws(ImportError) {
      return .success(try read(record))
    } catch {
      return .failure(error)
    }
  }

  func read(_ record: CSVRecord) throws(ImportError) -> RowPlan {
    let line = record.line
    guard record.fields.count == header.count else {
      throw .ragged(record.fields.count, header: header.count, line: line)
    }
    func value(_ field: String) -> String? {
      guard let index = columns[field] else { return nil }
      let text = ImportPlanner.trimmed(record.fields[index])
      return text.isEmpty ? nil : text
    }
    func column(_ field: String) -> String { columns[field].map { header[$0] } ?? field }
    func required(_ field: String) throws(ImportError) -> String {
      guard let text = value(field) else {
        throw .emptyField(column(field), field, line: line)
      }
      return text
    }
    func score(_ field: String) throws(ImportError) -> Int? {
      let text = value(field) ?? ""
      if preset?.ratings == true, let rating = Rating.parse(text) {
        if case .score(let score) = rating { return score }
        return nil
      }
      if text.isEmpty { _ = try required(field) }
      let number = Int(text) ?? Double(text).flatMap { $0 == $0.rounded() && abs($0) < 1e9 ? Int($0) : nil }
      guard let number, (0...10).contains(number) else {
        throw .badScore(column(field), field, text, ratings: preset?.ratings == true, line: line)
      }
      return number
    }
    var at: Timestamp?
    if let text = value("at") {
      guard let parsed = time.parse(text) else {
        throw .badTime(column("at"), text, expected: time.expected, line: line)
      }
      at = parsed
    } else if kind.required.contains("at") {
      _ = try required("at")
    }
    let key: String
    if let given = value("key") {
      key = given
    } else if kind == .pulse, let employee = columns["employee"] {
      // A pulse answer is anonymous: a digest over the employee would let
      // anyone who can guess ids, scores and dates find who answered. The
      // line stands in for the employee (map `key` to import such a file
      // in pieces).
      var fields = record.fields
      fields[employee] = "line \(line)"
      key = ExternalKey.rowDigest(fields)
    } else {
      key = ExternalKey.rowDigest(record.fields)
    }

    let action: RowPlan.Action
    switch kind {
    case .feedback:
      let customer = try required("customer")
      guard let score = try score("score") else { return RowPlan(line: line, time: at, key: key, action: .skip) }
      var words: [Observation.Word] = [.text("feedback "), .customer(key: customer, name: value("name"))]
      words.append(.text(" score=\(score)"))
      if let about = value("about") { words += [.text(" about="), .employee(key: about, field: column("about"))] }
      if let comment = value("comment") { words.append(.text(" " + ImportPlanner.quoted(comment))) }
      action = .observation(Observation(words: words))
    case .complaints:
      let customer = try required("customer")
      var words: [Observation.Word] = [.text("complain "), .customer(key: customer, name: value("name"))]
      if let about = value("about") { words += [.text(" about="), .employee(key: about, field: column("about"))] }
      if let level = value("level") { words.append(.text(" level=" + ImportPlanner.word(level))) }
      if let text = value("text") { words.append(.text(" " + ImportPlanner.quoted(text))) }
      action = .observation(Observation(words: words))
    case .interactions:
      let employee = try required("employee")
      let party = try required("party")
      var words: [Observation.Word] = [
        .text("log "), .employee(key: employee, field: column("employee")), .text(" with "), .party(key: party),
      ]
      if let mode = value("mode") { words.append(.text(" mode=" + ImportPlanner.word(mode))) }
      if let channel = value("channel") { words.append(.text(" channel=" + ImportPlanner.word(channel))) }
      if let outcome = value("outcome") {
        let trimmed = outcome.hasPrefix("+") ? String(outcome.dropFirst()) : outcome
        guard let number = Int(trimmed), (-2...2).contains(number) else {
          throw .badOutcome(column("outcome"), outcome, line: line)
        }
        words.append(.text(" outcome=\(number)"))
      }
      if let did = value("did") {
        let list = did.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "|" || $0 == " " })
          .map { ImportPlanner.word(String($0)) }
        if !list.isEmpty { words.append(.text(" did=" + list.joined(separator: ","))) }
      }
      if let note = value("note") { words.append(.text(" " + ImportPlanner.quoted(note))) }
      action = .observation(Observation(words: words))
    case .pulse:
      guard let score = try score("score") else { return RowPlan(line: line, time: at, key: key, action: .skip) }
      var words: [Observation.Word] = [.text("pulse ")]
      if let dept = value("dept") {
        guard let id = ExternalKey.id(for: dept) else {
          throw .deptWithoutLetters(column("dept"), line: line)
        }
        words.append(.text("dept=" + id))
      } else {
        words.append(.employee(key: try required("employee"), field: column("employee")))
      }
      words.append(.text(" score=\(score)"))
      action = .observation(Observation(words: words))
    case .customers:
      let customer = try required("customer")
      action = .customer(key: customer, name: value("name") ?? customer, segment: value("segment"))
    case .employees:
      let employee = try required("employee")
      let name = try required("name")
      var options = ""
      if let dept = value("dept") {
        guard let id = ExternalKey.id(for: dept) else {
          throw .deptWithoutLetters(column("dept"), line: line)
        }
        options += " dept=" + id
      }
      if let role = value("role") { options += " role=" + ImportPlanner.quoted(role) }
      if let level = value("level") { options += " level=" + ImportPlanner.word(level) }
      if let facing = value("facing") {
        switch facing.lowercased() {
        case "yes", "y", "true", "1": options += " facing=yes"
        case "no", "n", "false", "0": options += " facing=no"
        default:
          throw .badFacing(column("facing"), facing, line: line)
        }
      }
      for field in ["orientation", "skills"] {
        guard let text = value(field) else { continue }
        guard let number = Int(text), (1...5).contains(number) else {
          throw .badScale(column(field), field, text, line: line)
        }
        options += " \(field)=\(number)"
      }
      action = .employee(key: employee, name: name, options: options)
    }
    return RowPlan(line: line, time: at, key: key, action: action)
  }

  /// `text` in the language's quotes: `\` and `"` escaped, line breaks and
  /// tabs as one space (a statement is one line).
  public static func quoted(_ text: String) -> String {
    // Most cells need no escaping: one pass over the bytes says so.
    if !text.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 == 0x0D || $0 == 0x0A || $0 == 0x09 }) {
      return "\"" + text + "\""
    }
    // Only ASCII bytes change, so the bytes are rewritten one by one (every
    // other byte of the UTF-8 is copied as it is).
    var out = [UInt8]()
    out.reserveCapacity(text.utf8.count + 8)
    out.append(UInt8(ascii: "\""))
    var lastWasBreak = false
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: "\t"):
        if !lastWasBreak { out.append(UInt8(ascii: " ")) }
        lastWasBreak = true
        continue
      case UInt8(ascii: "\""), UInt8(ascii: "\\"):
        out.append(UInt8(ascii: "\\"))
        out.append(byte)
      default: out.append(byte)
      }
      lastWasBreak = false
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
  }

  /// A vocabulary word (mode, channel, level, behaviour) as the language
  /// spells it: lower case, spaces and underscores as `-`; quoted when it
  /// still holds anything else, so the parser names the bad value.
  static func word(_ text: String) -> String {
    let lowered = text.lowercased().map { $0 == " " || $0 == "_" ? "-" : $0 }
    let word = String(lowered)
    if word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) { return word }
    return quoted(word)
  }

  static func trimmed(_ text: String) -> String {
    guard let first = text.utf8.first, let last = text.utf8.last else { return text }
    if first != 0x20, first != 0x09, last != 0x20, last != 0x09 { return text }
    var cell = Substring(text)
    while let first = cell.first, first == " " || first == "\t" { cell = cell.dropFirst() }
    while let last = cell.last, last == " " || last == "\t" { cell = cell.dropLast() }
    return String(cell)
  }

  /// A cell as an error message quotes it: at most 40 characters, one line.
  static func shown(_ text: String) -> String {
    let flat = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    return flat.count > 40 ? String(flat.prefix(40)) + "…" : flat
  }
}
