import EthosJSON

/// Checks an event that did not come through the decider (an imported
/// export, whose unkeyed hashes anyone can recompute) as the decider would
/// have checked the statement that made it (SPEC §7).
extension State {
  /// Refuses `event`, recorded at `at`, unless the decider could have
  /// appended it to this state: its values in range, its ids well formed,
  /// its time not before the last event's, and every rule of
  /// ``decide(_:state:now:)`` holding. `targetType` gives the type of the
  /// event a retraction names (`nil` when there is none).
  public func admit(_ event: Event, at: Timestamp, targetType: String?) throws(DomainError) {
    guard at.isRecordable else { throw .timeOutOfRange(at) }
    if let head = headTime, at < head { throw .timeRunsBackwards(at, head: head, seq: headSeq) }
    let description = event.described
    try description.checkValues()
    // An event whose description names no command (a version 1 pulse
    // answer, read without its employee or department) names nothing a rule
    // could check.
    guard let command = description.command(targetType) else { return }
    var decided = try decide(command, state: self, now: at)
    // A sealed personal field cannot be read here: what the decider derives
    // from it (a `say` text's tactic-language count) was decided when it was
    // written (SPEC §13), and is taken as recorded.
    if decided.count == 1, decided != [event], description.hasSealedField,
      decided[0].described.command(targetType) == command
    {
      decided = [event]
    }
    // Every command decides to exactly the event it was made from; anything
    // else would mean the mapping above lost a field.
    guard decided == [event] else { throw .notDecidable(event.type.rawValue) }
  }
}

extension EventDescription {
  /// Whether a personal field holds a sealed value (SPEC §13).
  var hasSealedField: Bool {
    fields.contains { field in
      guard field.owner != nil, case .string(let value) = field.value else { return false }
      return Sealed.parse(value) != nil
    }
  }

  /// The ranges and forms the statement parser enforces (SPEC §3.1), field
  /// by field in the order described.
  func checkValues() throws(DomainError) {
    for field in fields {
      let key = field.key
      switch (field.form, field.value) {
      case (_, .null), (.plain, _): continue
      case (.id, .string(let value)): try Self.id(key, value)
      case (.ids, .array(let items)):
        guard !items.isEmpty, items.count <= EventLimits.listLength else {
          throw .malformed(key, "it lists \(items.count) ids; 1 to \(EventLimits.listLength)")
        }
        for case .string(let each) in items { try Self.id(key, each) }
      case (.name, .string(let value)): try Self.text(key, value, limit: EventLimits.nameLength)
      case (.text, .string(let value)): try Self.text(key, value, limit: EventLimits.textLength)
      case (.range(let bounds), .int(let value)):
        guard bounds.contains(value) else { throw .outOfRange(key, value, bounds) }
      case (.time(let time), _):
        guard time.isRecordable else { throw .malformed(key, "\(time.seconds) is outside years 0000 to 9999") }
      case (.scope(let scope), _):
        switch scope {
        case .org: break
        case .department(let dept): try Self.id(key, dept)
        case .employee(let emp): try Self.id(key, emp)
        }
      default: continue
      }
    }
  }

  private static func id(_ field: String, _ value: String) throws(DomainError) {
    guard EventLimits.isId(value) else { throw .malformed(field, "'\(EventLimits.shown(value))' is not a valid id") }
  }

  private static func text(_ field: String, _ value: String, limit: Int) throws(DomainError) {
    if value.isEmpty { throw .malformed(field, "it is empty") }
    // A sealed personal field (SPEC §13): its length is the ciphertext's.
    if value.utf8.count <= Sealed.maxTokenLength, Sealed.parse(value) != nil { return }
    if value.count > limit { throw .malformed(field, "it is \(value.count) characters long; at most \(limit)") }
    if value.unicodeScalars.contains(where: EventLimits.isHidden) {
      throw .malformed(field, "it contains an invisible or control character")
    }
  }
}

/// The sizes and forms of values in events: the statement parser enforces
/// them on what people type, and import on what files hold.
public enum EventLimits {
  public static let idLength = 64
  public static let nameLength = 200
  public static let textLength = 2000
  public static let listLength = 200

  /// Lowercase letters and digits, then also `.`, `_`, `-`; 1 to 64 long.
  public static func isId(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, isIdStart(first), text.unicodeScalars.count <= idLength else {
      return false
    }
    return text.unicodeScalars.allSatisfy { isIdStart($0) || $0 == "." || $0 == "_" || $0 == "-" }
  }

  private static func isIdStart(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
  }

  /// Control characters (C0, DEL, C1) and the format characters that reorder
  /// or hide text (bidi embeddings, overrides and isolates, invisible marks,
  /// BOM). The zero-width joiner and non-joiner are not among them: Persian
  /// names and emoji sequences need them.
  public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: return true
    case 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: return true
    default: return false
    }
  }

  /// `text` cut to 20 characters, hidden characters escaped, for messages.
  static func shown(_ text: String) -> String {
    var result = ""
    for (index, scalar) in text.unicodeScalars.enumerated() {
      if index == 20 {
        result += "…"
        break
      }
      result += isHidden(scalar) ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
    }
    return result
  }
}
