import EthosDomain
import EthosLanguage
import EthosProjections

/// `help` and `help STATEMENT`, read from the statement table that also
/// drives the parser and completion.
public enum Help {
  /// Lines are wrapped to this many characters, so help reads well on an 80-100 column terminal.
  static let width = 100

  public static func render(topic: String?) throws(EngineError) -> [String] {
    guard let topic else { return overview() }
    let key = topic == "exit" ? "quit" : topic
    guard let spec = StatementTable.spec(key) else { throw .helpUnknown(topic) }
    return detail(spec) + (key == "culture" ? indicators() : [])
  }

  /// `help culture`: what each indicator means, its bands and the sample it
  /// needs, one line each, then how the verdict is reached (SPEC §5).
  static func indicators() -> [String] {
    var rows = [["indicator", "W", "good", "watch", "min n", "measures"]]
    for name in IndicatorName.allCases {
      var bands = ["—", "—"]
      if case .atMost(let good, let watch) = name.thresholds {
        bands = ["≤" + Thresholds.show(good), "≤" + Thresholds.show(watch)]
      } else if case .atLeast(let good, let watch) = name.thresholds {
        bands = ["≥" + Thresholds.show(good), "≥" + Thresholds.show(watch)]
      }
      rows.append([name.rawValue, name.windowed ? "W" : ""] + bands + [String(name.minimumSample), name.meaning])
    }
    var lines = [""] + Renderer.align(rows, separator: "  ").map { "  " + $0 }
    lines.append("")
    lines += wrap(
      "W: narrowed by window=. Below its min n an indicator shows its value and n but no status. Verdict: tactic "
        + "on any red flag (floor, tacticLanguage, talkWalkRatio, leadershipRecency, nps or silentChurnShare poor, "
        + "or no 'lead' in 20+ interactions); else unknown while a box of the matrix has under 5 interactions; else "
        + "strategy when balance, floor, leadershipRecency and tacticLanguage are good and championCoverage good or "
        + "null; else tactic.",
      first: "", rest: "")
    return lines
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
    lines.append("")
    lines += wrap(
      "ids are lowercase letters, digits, '.', '_' and '-', one thing each across the whole log; @N names event N; "
        + "times are YYYY-MM-DD[THH:MM[:SS]] (UTC); durations N with m, h, d or w. Tab completes words, options, "
        + "values and ids.",
      first: "", rest: "")
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
        let head = "  \(option.name)=\(pad)  "
        lines += wrap(
          values + (option.list ? " (comma-separated list)" : ""), first: head,
          rest: String(repeating: " ", count: head.count))
      }
    }
    if !spec.rules.isEmpty { lines += wrap(spec.rules, first: "rules: ", rest: "  ") }
    lines.append("example: \(spec.example)")
    return lines
  }

  /// Words of `text` in lines of at most ``width`` characters (a longer word
  /// gets a line of its own), the first line starting with `first`, the
  /// others with `rest`.
  static func wrap(_ text: String, first: String, rest: String) -> [String] {
    var lines = [String]()
    var line = first
    var empty = true
    for word in text.split(separator: " ") {
      if !empty, line.count + 1 + word.count > width {
        lines.append(line)
        line = rest
        empty = true
      }
      line += (empty ? "" : " ") + word
      empty = false
    }
    lines.append(line)
    return lines
  }
}
