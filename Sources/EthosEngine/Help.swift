import EthosLanguage

/// `help` and `help STATEMENT`, read from the statement table that also
/// drives the parser and completion.
public enum Help {
  public static func render(topic: String?) throws(EngineError) -> [String] {
    guard let topic else { return overview() }
    let key = topic == "exit" ? "quit" : topic
    guard let spec = StatementTable.spec(key) else { throw .helpUnknown(topic) }
    return detail(spec)
  }

  static func overview() -> [String] {
    var lines = ["ethos statements (help STATEMENT for one in full):"]
    for group in StatementGroup.allCases {
      let specs = StatementTable.all.filter { $0.group == group }
      guard !specs.isEmpty else { continue }
      lines.append("")
      lines.append(group.rawValue + ":")
      let width = specs.map(\.words.count).max() ?? 0
      for spec in specs {
        lines.append("  " + spec.words + String(repeating: " ", count: width - spec.words.count + 2) + spec.summary)
      }
    }
    return lines
  }

  static func detail(_ spec: StatementSpec) -> [String] {
    var lines = ["usage: \(spec.syntax)", "  \(spec.summary)"]
    if !spec.options.isEmpty {
      lines.append("options:")
      let width = spec.options.map(\.name.count).max() ?? 0
      for option in spec.options {
        let pad = String(repeating: " ", count: width - option.name.count)
        // Number ranges read better as the range (0-10) than as eleven values.
        let numeric = option.values.allSatisfy { Int($0) != nil }
        let values = numeric ? option.placeholder : option.values.joined(separator: ", ")
        lines.append("  \(option.name)=\(pad)  \(values)\(option.list ? " (comma-separated list)" : "")")
      }
    }
    if !spec.rules.isEmpty { lines.append("rules: \(spec.rules)") }
    lines.append("example: \(spec.example)")
    return lines
  }
}
