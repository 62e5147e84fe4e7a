import EthosDomain

/// One parsed line of the command language (SPEC §3).
public enum Statement: Sendable, Equatable {
  case write(Command)
  case clock(ClockAction)
  case query(Query)
  case asOf(Point, Query)
  case history(HistoryFilter)
  case show(seq: Int)
  case replay(from: Int?, to: Int?, step: Bool)
  case diff(Point, Point)
  case verify
  case branch(name: String, from: Int?)
  case switchBranch(name: String)
  case branches
  case compare(String, String, Query)
  case whatIf(Command)
  case source(path: String)
  case importCSV(ImportRequest)
  case expect(path: String, op: ExpectOperator, value: ExpectValue)
  case set(Setting)
  case help(topic: String?)
  case quit
  /// `report [FILE] [compare=B]`: writes the HTML report (SPEC §16).
  case report(path: String?, compare: String?)
}

public enum ClockAction: Sendable, Equatable {
  case show
  case set(Timestamp)
  case advance(TimeSpan)
  case live
}

/// A read-only query; each yields one JSON document (SPEC §5).
public enum Query: Sendable, Equatable {
  /// `culture` over all history.
  public static let culture = Query.culture(window: nil)

  case matrix(dept: String?, window: TimeSpan? = nil)
  case culture(window: TimeSpan? = nil)
  case employees(all: Bool)
  case customers(all: Bool)
  case partners
  case champions
  case team
  case promises(PromiseFilter?)
  case stresses(openOnly: Bool)
  case plan
  case atRisk
  case who(id: String)
  case trend(path: String, by: TrendBucket)
  case history(HistoryFilter)
  case show(seq: Int)

  /// The word that names this query, used as the first step of `expect` paths.
  public var name: String {
    switch self {
    case .matrix: return "matrix"
    case .culture: return "culture"
    case .employees: return "employees"
    case .customers: return "customers"
    case .partners: return "partners"
    case .champions: return "champions"
    case .team: return "team"
    case .promises: return "promises"
    case .stresses: return "stresses"
    case .plan: return "plan"
    case .atRisk: return "at-risk"
    case .who: return "who"
    case .trend: return "trend"
    case .history: return "history"
    case .show: return "show"
    }
  }
}

public enum PromiseFilter: String, Vocabulary { case open, overdue, kept, broken }
public enum TrendBucket: String, Vocabulary { case day, week, month }

/// A point of the log: an event, or a business time.
public enum Point: Sendable, Equatable, CustomStringConvertible {
  case seq(Int)
  case time(Timestamp)

  public var description: String {
    switch self {
    case .seq(let seq): return "@\(seq)"
    case .time(let time): return time.iso
    }
  }
}

public struct HistoryFilter: Sendable, Equatable {
  public var type: EventType?
  public var who: String?
  public var since: Point?
  public var until: Point?
  public var last: Int?

  public init(type: EventType? = nil, who: String? = nil, since: Point? = nil, until: Point? = nil, last: Int? = nil) {
    self.type = type
    self.who = who
    self.since = since
    self.until = until
    self.last = last
  }
}

public enum ExpectOperator: String, Vocabulary {
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
}

/// The right-hand side of an `expect`.
public enum ExpectValue: Sendable, Equatable, CustomStringConvertible {
  case number(Double)
  case string(String)
  case bool(Bool)
  case null

  public var description: String {
    switch self {
    case .number(let value):
      return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    case .string(let value): return "\"\(value)\""
    case .bool(let value): return String(value)
    case .null: return "null"
    }
  }
}

public enum OutputFormat: String, Vocabulary { case table, json, csv }
public enum OnOff: String, Vocabulary { case on, off }

/// `set expanded`: one record per block always, never, or when a table would not fit.
public enum Expanded: String, Vocabulary { case on, off, auto }

public enum Setting: Sendable, Equatable {
  case format(OutputFormat)
  case bail(Bool)
  case echo(Bool)
  case expanded(Expanded)
  case pager(Bool)
  case timing(Bool)
  /// Bare `set`: lists every setting.
  case list
}
