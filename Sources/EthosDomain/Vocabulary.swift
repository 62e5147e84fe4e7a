/// The closed word lists of the command language. Each is `CaseIterable` so the
/// parser, `help` and completion read the allowed values from one place.
public protocol Vocabulary: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {}

extension Vocabulary {
  /// The allowed values joined for a message: `a, b or c`.
  public static var choices: String {
    let words = allCases.map(\.rawValue)
    guard words.count > 1 else { return words.first ?? "" }
    return words.dropLast().joined(separator: ", ") + " or " + (words.last ?? "")
  }
}

public enum Level: String, Vocabulary { case staff, manager, leader }
public enum DepartureReason: String, Vocabulary { case resigned, dismissed, retired, other }
public enum PartnerKind: String, Vocabulary { case vendor, subcontractor }
public enum LeadActivity: String, Vocabulary { case communicate, model, recognize, review, frontline }
public enum Addressee: String, Vocabulary { case `internal`, external }
public enum TrainingTopic: String, Vocabulary {
  case phoneCourtesy = "phone-courtesy"
  case followUp = "follow-up"
  case ownership
  case problemResolution = "problem-resolution"
  case other
}
public enum Mode: String, Vocabulary { case relationship, transaction }
public enum Channel: String, Vocabulary {
  case phone, email, chat
  case inPerson = "in-person"
  case other
}
public enum Behaviour: String, Vocabulary {
  case answeredOnSpot = "answered-on-spot"
  case followedUp = "followed-up"
  case tookOwnership = "took-ownership"
  case strategicQuestion = "strategic-question"
  case courteous
  case resolvedPositively = "resolved-positively"
}
public enum StressKind: String, Vocabulary {
  case weather, staffing, resources, volume, systems
  case difficultCustomer = "difficult-customer"
  case shareholder, personal, other
}
public enum ComplaintLevel: String, Vocabulary {
  case frontline, manager
  case headOffice = "head-office"
}
public enum YesNo: String, Vocabulary { case yes, no }

/// Where a stress window applies.
public enum StressScope: Sendable, Hashable, CustomStringConvertible {
  case org
  case department(String)
  case employee(String)

  public init?(parsing text: String) {
    if text == "org" {
      self = .org
    } else if text.hasPrefix("dept:"), text.count > 5 {
      self = .department(String(text.dropFirst(5)))
    } else if text.hasPrefix("employee:"), text.count > 9 {
      self = .employee(String(text.dropFirst(9)))
    } else {
      return nil
    }
  }

  public var description: String {
    switch self {
    case .org: return "org"
    case .department(let dept): return "dept:\(dept)"
    case .employee(let id): return "employee:\(id)"
    }
  }
}

/// The names of the `culture` indicators, in the order the scorecard lists them.
public enum IndicatorName: String, Vocabulary {
  case balance, floor, relationshipShare, promiseKeptRate, nps, enps, perceptionGap, silentChurnShare
  case complaintMultiplier, followUpRate, turnover, championCoverage, leadershipRecency
  case talkWalkRatio, tacticLanguage, hiringFit, trainingCoverage, happyLink
}
