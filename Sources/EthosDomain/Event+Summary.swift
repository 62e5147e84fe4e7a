import EthosJSON

extension Event {
  /// A one-line human summary, as shown by confirmations and `history`.
  public var summary: String { described.summary() }

  /// Every id this event names, for `history who=`.
  public var ids: [String] { described.ids() }

  /// The ids of the things this event creates besides parties (a promise, a
  /// stress window, a deficiency, an action).
  public var createdIds: [String] { described.created() }

  /// An outcome with its sign: `+2`, `0`, `-1`.
  public static func signed(_ outcome: Int) -> String { outcome > 0 ? "+\(outcome)" : "\(outcome)" }

  /// A figure as a summary shows it: `0.25`, `30`.
  static func figure(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : JSON.double(value).compact
  }

  /// `text` cut to `limit` characters; a sealed text is cut when revealed.
  static func clip(_ text: String, _ limit: Int = 60) -> String {
    if let sealed = Sealed.clipped(text, to: limit) { return sealed }
    return text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
  }
}
