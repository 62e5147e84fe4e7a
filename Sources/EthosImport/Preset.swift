/// A built-in mapping for a common export shape (`--preset`).
public struct Preset: Sendable {
  public let name: String
  public let kind: ImportKind
  /// Field → the columns that may hold it, in order: the first the file has wins.
  public let columns: [String: [String]]
  /// Rows after the header that hold no data (Qualtrics: question texts, import ids).
  public let extraHeaderRows: Int
  /// Whether `score` may hold satisfaction words (`good`, `bad`, `offered`, …).
  public let ratings: Bool

  public static let all: [Preset] = [nps, zendesk, qualtrics]

  public static func named(_ name: String) -> Preset? { all.first { $0.name == name.lowercased() } }

  /// A generic NPS survey export: `Response ID`, `Date`, `Email`, `Name`, `Score`, `Comment`.
  public static let nps = Preset(
    name: "nps", kind: .feedback,
    columns: [
      "key": ["Response ID", "ResponseId", "Response", "Id"],
      "at": ["Date", "Submitted at", "Submitted", "Created at", "Timestamp"],
      "customer": ["Email", "E-mail", "Email address", "Customer"],
      "name": ["Name", "Full name"],
      "score": ["Score", "NPS", "Likelihood to recommend"],
      "comment": ["Comment", "Reason", "Feedback"],
    ], extraHeaderRows: 0, ratings: false)

  /// A helpdesk ticket export with satisfaction ratings (Zendesk's columns).
  /// A `Good` rating becomes feedback with score 10, a `Bad` one feedback with
  /// score 0 (a detractor: it counts against NPS and opens a follow-up loop);
  /// tickets whose rating was only offered, or never, are skipped.
  public static let zendesk = Preset(
    name: "zendesk", kind: .feedback,
    columns: [
      "key": ["Id", "Ticket id"],
      "at": ["Created at"],
      "customer": ["Requester id", "Requester email", "Requester"],
      "name": ["Requester"],
      "about": ["Assignee"],
      "score": ["Satisfaction Score", "Satisfaction rating", "Satisfaction"],
      "comment": ["Satisfaction Comment"],
    ], extraHeaderRows: 0, ratings: true)

  /// A Qualtrics export: the header of column ids is followed by two rows
  /// (question texts, then `{"ImportId": …}`) that are skipped.
  public static let qualtrics = Preset(
    name: "qualtrics", kind: .feedback,
    columns: [
      "key": ["ResponseId"],
      "at": ["RecordedDate", "EndDate"],
      "customer": ["RecipientEmail", "ExternalReference"],
      "name": ["RecipientFirstName"],
      "score": ["NPS", "Q_NPS", "Q1"],
      "comment": ["Comment", "Q2"],
    ], extraHeaderRows: 2, ratings: false)
}

/// A satisfaction word as a score: `nil` for a ticket with no rating given.
enum Rating {
  case score(Int)
  case none

  static func parse(_ text: String) -> Rating? {
    switch text.lowercased() {
    case "good", "good, i'm satisfied", "satisfied": return .score(10)
    case "bad", "bad, i'm unsatisfied", "unsatisfied": return .score(0)
    case "", "offered", "unoffered", "not offered", "not_offered": return Rating.none
    default: return nil
    }
  }
}
