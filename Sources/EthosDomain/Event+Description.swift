import EthosJSON

/// What every event of one type shares: its schema version, whether it may
/// be retracted, and how a stored payload of any of its versions is read.
///
/// Each type's schema is written once, in `Event.swift` (``EventType/schema``).
public struct EventSchema: Sendable {
  /// The schema version written now (SPEC §4).
  public let version: Int
  /// Observations may be retracted; lifecycle events may not (SPEC §3.1).
  public let isObservation: Bool
  /// Reads a payload of any version from 1 to `version`, upcasting older ones.
  let read: @Sendable (PayloadReader) throws(EventDecodingError) -> Event

  init(
    version: Int = 1, observation: Bool = false,
    read: @escaping @Sendable (PayloadReader) throws(EventDecodingError) -> Event
  ) {
    self.version = version
    self.isObservation = observation
    self.read = read
  }
}

/// One event as data: its payload fields, and what it says in words, ids
/// and the command it is decided from.
///
/// Each case's description is written once, in `Event.swift`
/// (``Event/described``); the payload encoding, the checks an imported
/// event gets, the sealing of personal data, summaries and ids follow from it.
public struct EventDescription {
  /// The payload's fields, in the order an imported event's values are checked.
  public let fields: [EventField]
  /// A one-line human summary.
  let summary: () -> String
  /// Every id the event names.
  let ids: () -> [String]
  /// The ids of things it creates besides parties (a promise, a stress
  /// window, a deficiency, an action).
  let created: () -> [String]
  /// The command that decides to this event given the type of the event a
  /// retraction names; `nil` when there is no rule to check it against.
  let command: (_ targetType: String?) -> Command?

  init(
    _ fields: [EventField], summary: @escaping () -> String, ids: @escaping () -> [String],
    created: @escaping () -> [String] = { [] }, command: @escaping (_ targetType: String?) -> Command?
  ) {
    self.fields = fields
    self.summary = summary
    self.ids = ids
    self.created = created
    self.command = command
  }
}

/// One field of an event's payload: its JSON key and value, the form the
/// value must have, and whose personal data it is (SPEC §13).
public struct EventField {
  /// The key in the stored payload.
  public let key: String
  /// The value as stored; `.null` for an absent optional (not written).
  public let value: JSON
  let form: Form
  /// Whose personal data the value is; `nil` when it is not personal.
  let owner: Owner?

  /// The forms a value is checked against when an event is imported.
  enum Form {
    case id, ids, name, text, plain
    case time(Timestamp)
    case range(ClosedRange<Int>)
    case scope(StressScope)
  }

  /// Whose personal data a field holds.
  enum Owner {
    case party(String)
    /// `customer`'s when it names a customer, else `otherwise`'s.
    case customer(String, otherwise: String)
  }

  /// An id (`nil`: absent).
  static func id(_ key: String, _ value: String?) -> EventField {
    EventField(key: key, value: value.map(JSON.string) ?? .null, form: .id, owner: nil)
  }

  /// A list of ids, 1 to `EventLimits.listLength` long.
  static func ids(_ key: String, _ value: [String]) -> EventField {
    EventField(key: key, value: .array(value.map(JSON.string)), form: .ids, owner: nil)
  }

  /// A short text (a name, a role, an area), `personal` data of a party or not.
  static func name(_ key: String, _ value: String?, personal: Owner? = nil) -> EventField {
    EventField(key: key, value: value.map(JSON.string) ?? .null, form: .name, owner: personal)
  }

  /// A free text (a note, a reason), `personal` data of a party or not.
  static func text(_ key: String, _ value: String?, personal: Owner? = nil) -> EventField {
    EventField(key: key, value: value.map(JSON.string) ?? .null, form: .text, owner: personal)
  }

  /// An integer, within `range` when there is one.
  static func int(_ key: String, _ value: Int, in range: ClosedRange<Int>? = nil) -> EventField {
    EventField(key: key, value: .int(value), form: range.map(Form.range) ?? .plain, owner: nil)
  }

  static func number(_ key: String, _ value: Double?) -> EventField {
    EventField(key: key, value: value.map(JSON.double) ?? .null, form: .plain, owner: nil)
  }

  static func bool(_ key: String, _ value: Bool) -> EventField {
    EventField(key: key, value: .bool(value), form: .plain, owner: nil)
  }

  static func word<V: Vocabulary>(_ key: String, _ value: V) -> EventField {
    EventField(key: key, value: .string(value.rawValue), form: .plain, owner: nil)
  }

  static func words<V: Vocabulary>(_ key: String, _ value: [V]) -> EventField {
    EventField(key: key, value: .array(value.map { .string($0.rawValue) }), form: .plain, owner: nil)
  }

  /// A time within years 0000 to 9999.
  static func time(_ key: String, _ value: Timestamp) -> EventField {
    EventField(key: key, value: .string(value.iso), form: .time(value), owner: nil)
  }

  static func scope(_ key: String, _ value: StressScope) -> EventField {
    EventField(key: key, value: .string(value.description), form: .scope(value), owner: nil)
  }
}

extension EventType {
  /// The current schema version written for this type.
  public var currentVersion: Int { schema.version }

  /// Observations may be retracted; lifecycle events may not (SPEC §3.1).
  public var isObservation: Bool { schema.isObservation }
}
