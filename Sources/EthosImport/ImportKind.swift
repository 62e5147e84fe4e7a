/// What the rows of a file are (SPEC §15), and the fields each kind reads.
public enum ImportKind: String, Sendable, CaseIterable {
  case feedback, complaints, interactions, pulse, customers, employees

  /// Every field of the kind, required ones first, in the order of SPEC §15.
  public var fields: [String] {
    switch self {
    case .feedback: return ["customer", "score", "at", "comment", "about", "name", "key"]
    case .complaints: return ["customer", "at", "text", "about", "level", "name", "key"]
    case .interactions:
      return ["employee", "party", "at", "outcome", "mode", "channel", "did", "note", "key"]
    case .pulse: return ["dept", "employee", "score", "at", "key"]
    case .customers: return ["customer", "name", "segment", "at", "key"]
    case .employees:
      return ["employee", "name", "dept", "role", "level", "facing", "orientation", "skills", "at", "key"]
    }
  }

  /// The fields a row cannot do without (`pulse` needs `dept` or `employee`,
  /// checked on its own).
  public var required: [String] {
    switch self {
    case .feedback: return ["customer", "score", "at"]
    case .complaints: return ["customer", "at"]
    case .interactions: return ["employee", "party", "at"]
    case .pulse: return ["score", "at"]
    case .customers: return ["customer"]
    case .employees: return ["employee", "name"]
    }
  }

  static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
