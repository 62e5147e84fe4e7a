import EthosJSON
import EthosLanguage

/// How a session shows what it does and how its scripts run: the `set`
/// options (SPEC §8) and what the terminal allows (colour, width, pretty
/// JSON). Set by the command line and the REPL, changed by `set`.
public struct Settings: Sendable, Equatable {
  /// `set format table|json|csv`.
  public var format: OutputFormat
  /// `set bail on|off`: a script stops at its first failure.
  public var bail = false
  /// `set echo on|off`: each statement is printed before its result.
  public var echo = false
  /// `set expanded on|off|auto`.
  public var expanded: Expanded = .auto
  /// `set pager on|off`: the REPL pages output taller than the screen.
  public var pager = true
  /// `set timing on|off`: how long each statement took, on stderr.
  public var timing = false
  /// Whether table output may use ANSI colour (a terminal, and no `NO_COLOR`).
  public var color = false
  /// The width tables must fit: the terminal's, `nil` off a terminal (SPEC §6).
  public var width: Int?
  /// JSON spread over lines for a person (the REPL); else one compact
  /// document per line, so a run's output is JSON Lines (SPEC §6).
  public var prettyJSON = false

  public init(format: OutputFormat = .table) {
    self.format = format
  }

  /// How tables are laid out now.
  public var layout: Layout { Layout(width: width, expanded: expanded) }

  /// Carries out `set NAME VALUE`; `false` for bare `set`, which lists them.
  mutating func apply(_ setting: Setting) -> Bool {
    switch setting {
    case .format(let format): self.format = format
    case .bail(let on): bail = on
    case .echo(let on): echo = on
    case .expanded(let mode): expanded = mode
    case .pager(let on): pager = on
    case .timing(let on): timing = on
    case .list: return false
    }
    return true
  }

  /// Every `set` option and its value, as bare `set` lists them.
  var listed: [(name: String, value: String)] {
    [
      ("format", format.rawValue), ("bail", bail ? "on" : "off"), ("echo", echo ? "on" : "off"),
      ("expanded", expanded.rawValue), ("pager", pager ? "on" : "off"), ("timing", timing ? "on" : "off"),
    ]
  }
}
