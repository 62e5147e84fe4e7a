import EthosJSON

/// Why a stored payload could not be read as an event.
public struct EventDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
  public let type: String
  public let version: Int
  public let reason: String
  public var description: String { "cannot read \(type) v\(version): \(reason)" }

  public init(type: String, version: Int, reason: String) {
    self.type = type
    self.version = version
    self.reason = reason
  }
}

extension Event {
  /// The payload as canonical JSON text (sorted keys, no spaces): what the
  /// store keeps and hashes. `InteractionLogged` (nearly every event of a
  /// script), and `FeedbackReceived` and `CustomerRegistered` (nearly every
  /// event of a survey import) are written directly; the others go through
  /// ``data``. A test holds the two paths to the same bytes.
  public var canonicalData: String {
    switch self {
    case .interactionLogged(let by, let with, let mode, let channel, let outcome, let did, let note):
      return Self.interactionData(
        by: by, with: with, mode: mode, channel: channel, outcome: outcome, did: did, note: note)
    case .feedbackReceived(let customer, let score, let about, let comment):
      // Keys in sorted order: about, comment, customer, score.
      var out = "{"
      out.reserveCapacity(96)
      if let about {
        out += "\"about\":"
        JSON.writeString(about, to: &out)
        out += ","
      }
      if let comment {
        out += "\"comment\":"
        JSON.writeString(comment, to: &out)
        out += ","
      }
      out += "\"customer\":"
      JSON.writeString(customer, to: &out)
      out += ",\"score\":"
      out += String(score)
      out += "}"
      return out
    case .customerRegistered(let id, let name, let segment, let key):
      // Keys in sorted order: id, key, name, segment.
      var out = "{\"id\":"
      out.reserveCapacity(96)
      JSON.writeString(id, to: &out)
      if let key {
        out += ",\"key\":"
        JSON.writeString(key, to: &out)
      }
      out += ",\"name\":"
      JSON.writeString(name, to: &out)
      if let segment {
        out += ",\"segment\":"
        JSON.writeString(segment, to: &out)
      }
      out += "}"
      return out
    default:
      return data.canonical
    }
  }

  private static func interactionData(
    by: String, with: String, mode: Mode, channel: Channel, outcome: Int, did: [Behaviour], note: String?
  ) -> String {
    var out = "{\"by\":"
    out.reserveCapacity(128)
    JSON.writeString(by, to: &out)
    out += ",\"channel\":\""
    out += channel.rawValue
    out += "\",\"did\":["
    for (index, behaviour) in did.enumerated() {
      out += index == 0 ? "\"" : ",\""
      out += behaviour.rawValue
      out += "\""
    }
    out += "],\"mode\":\""
    out += mode.rawValue
    out += "\""
    if let note {
      out += ",\"note\":"
      JSON.writeString(note, to: &out)
    }
    out += ",\"outcome\":"
    out += String(outcome)
    out += ",\"with\":"
    JSON.writeString(with, to: &out)
    out += "}"
    return out
  }

  /// The payload (`data`) of this event as stored, at its type's current version.
  public var data: JSON {
    var o = JSONObject()
    switch self {
    case .employeeHired(
      let id, let name, let dept, let role, let level, let facing, let orientation, let skills, let key):
      o["key"] = key.map(JSON.string)
      o["id"] = .string(id)
      o["name"] = .string(name)
      o["dept"] = .string(dept)
      o["role"] = role.map(JSON.string)
      o["level"] = .string(level.rawValue)
      o["facing"] = .bool(facing)
      o["orientation"] = .int(orientation)
      o["skills"] = .int(skills)
    case .employeeDeparted(let id, let reason):
      o["id"] = .string(id)
      o["reason"] = .string(reason.rawValue)
    case .partnerEngaged(let id, let name, let kind):
      o["id"] = .string(id)
      o["name"] = .string(name)
      o["kind"] = .string(kind.rawValue)
    case .customerRegistered(let id, let name, let segment, let key):
      o["key"] = key.map(JSON.string)
      o["id"] = .string(id)
      o["name"] = .string(name)
      o["segment"] = segment.map(JSON.string)
    case .customerLost(let id, let reason):
      o["id"] = .string(id)
      o["reason"] = reason.map(JSON.string)
    case .championNamed(let id, let area):
      o["id"] = .string(id)
      o["area"] = area.map(JSON.string)
    case .partnerReleased(let id), .championStoodDown(let id), .serviceTeamJoined(let id),
      .serviceTeamLeft(let id), .promiseKept(let id), .promiseBroken(let id), .stressEnded(let id),
      .actionCompleted(let id):
      o["id"] = .string(id)
    case .leadershipActed(let by, let activity, let note):
      o["by"] = .string(by)
      o["activity"] = .string(activity.rawValue)
      o["note"] = note.map(JSON.string)
    case .statementMade(let by, let text, let to, let tactic):
      o["by"] = .string(by)
      o["text"] = .string(text)
      o["to"] = .string(to.rawValue)
      o["tactic"] = .int(tactic)
    case .trainingCompleted(let employees, let topic):
      o["employees"] = .array(employees.map(JSON.string))
      o["topic"] = .string(topic.rawValue)
    case .interactionLogged(let by, let with, let mode, let channel, let outcome, let did, let note):
      o["by"] = .string(by)
      o["with"] = .string(with)
      o["mode"] = .string(mode.rawValue)
      o["channel"] = .string(channel.rawValue)
      o["outcome"] = .int(outcome)
      o["did"] = .array(did.map { .string($0.rawValue) })
      o["note"] = note.map(JSON.string)
    case .promiseMade(let id, let by, let to, let due, let what):
      o["id"] = .string(id)
      o["by"] = .string(by)
      o["to"] = .string(to)
      o["due"] = .string(due.iso)
      o["what"] = what.map(JSON.string)
    case .stressBegan(let id, let kind, let severity, let scope, let note):
      o["id"] = .string(id)
      o["kind"] = .string(kind.rawValue)
      o["severity"] = .int(severity)
      o["scope"] = .string(scope.description)
      o["note"] = note.map(JSON.string)
    case .feedbackReceived(let customer, let score, let about, let comment):
      o["customer"] = .string(customer)
      o["score"] = .int(score)
      o["about"] = about.map(JSON.string)
      o["comment"] = comment.map(JSON.string)
    case .complaintReceived(let customer, let about, let level, let text):
      o["customer"] = .string(customer)
      o["about"] = about.map(JSON.string)
      o["level"] = .string(level.rawValue)
      o["text"] = text.map(JSON.string)
    case .followUpMade(let customer, let by, let note):
      o["customer"] = .string(customer)
      o["by"] = .string(by)
      o["note"] = note.map(JSON.string)
    case .pulseRecorded(let dept, let score):
      o["dept"] = dept.map(JSON.string)
      o["score"] = .int(score)
    case .deficiencyIdentified(let id, let what, let area, let baseline, let target):
      o["id"] = .string(id)
      o["what"] = .string(what)
      o["area"] = area.map(JSON.string)
      o["baseline"] = baseline.map(JSON.double)
      o["target"] = target.map(JSON.double)
    case .actionPlanned(let id, let deficiency, let owner, let due, let what):
      o["id"] = .string(id)
      o["deficiency"] = .string(deficiency)
      o["owner"] = .string(owner)
      o["due"] = .string(due.iso)
      o["what"] = what.map(JSON.string)
    case .eventRetracted(let seq, let reason):
      o["seq"] = .int(seq)
      o["reason"] = .string(reason)
    case .subjectForgotten(let id, let reason):
      o["id"] = .string(id)
      o["reason"] = .string(reason)
    }
    return .object(o)
  }

  /// Reads a stored payload, upcasting older versions to the current shape.
  public init(type typeName: String, version: Int, data: JSON) throws(EventDecodingError) {
    guard let type = EventType(rawValue: typeName) else {
      throw EventDecodingError(type: typeName, version: version, reason: "unknown event type")
    }
    guard version >= 1, version <= type.currentVersion else {
      throw EventDecodingError(
        type: typeName, version: version,
        reason: "version \(version) is newer than this ethos understands (\(type.currentVersion)); upgrade ethos")
    }
    guard case .object(let o) = data else {
      throw EventDecodingError(type: typeName, version: version, reason: "payload is not an object")
    }
    var reader = PayloadReader(object: o, type: typeName, version: version)
    self = try reader.read(type)
  }
}

extension Event {
  /// Reads a stored payload given as raw UTF-8, as the store's fold hands it
  /// out: no intermediate Strings for the type name or the payload text.
  public init(
    typeUTF8: UnsafeBufferPointer<UInt8>, version: Int, data: UnsafeBufferPointer<UInt8>
  ) throws(EventDecodingError) {
    guard let type = EventType(utf8: typeUTF8) else {
      throw EventDecodingError(
        type: String(decoding: typeUTF8, as: UTF8.self), version: version, reason: "unknown event type")
    }
    guard version >= 1, version <= type.currentVersion else {
      try self.init(type: type.rawValue, version: version, data: .null)
      return
    }
    if type == .interactionLogged, version == 1, let event = InteractionPayload.decode(data) {
      self = event
      return
    }
    let json: JSON
    do { json = try JSON.parse(data) } catch {
      throw EventDecodingError(type: type.rawValue, version: version, reason: error.description)
    }
    try self.init(type: type.rawValue, version: version, data: json)
  }
}

extension EventType {
  /// The UTF-8 of every type name, the most frequent first.
  private static let names: [(bytes: [UInt8], type: EventType)] = {
    var order = EventType.allCases
    if let index = order.firstIndex(of: .interactionLogged) { order.swapAt(0, index) }
    return order.map { (Array($0.rawValue.utf8), $0) }
  }()

  /// The type whose name is `utf8`, compared byte for byte.
  public init?(utf8: UnsafeBufferPointer<UInt8>) {
    search: for (bytes, type) in EventType.names where bytes.count == utf8.count {
      for index in 0..<bytes.count where bytes[index] != utf8[index] { continue search }
      self = type
      return
    }
    return nil
  }
}

/// Reads typed fields out of a payload object, failing with the field's name.
struct PayloadReader {
  let object: JSONObject
  let type: String
  let version: Int

  func fail(_ reason: String) -> EventDecodingError {
    EventDecodingError(type: type, version: version, reason: reason)
  }

  func string(_ key: String) throws(EventDecodingError) -> String {
    guard case .string(let value)? = object[key] else { throw fail("missing string '\(key)'") }
    return value
  }

  func optionalString(_ key: String) throws(EventDecodingError) -> String? {
    switch object[key] {
    case nil, .null?: return nil
    case .string(let value)?: return value
    default: throw fail("'\(key)' is not a string")
    }
  }

  func int(_ key: String) throws(EventDecodingError) -> Int {
    guard case .int(let value)? = object[key] else { throw fail("missing integer '\(key)'") }
    return value
  }

  func optionalDouble(_ key: String) throws(EventDecodingError) -> Double? {
    switch object[key] {
    case nil, .null?: return nil
    case .int(let value)?: return Double(value)
    case .double(let value)? where value.isFinite: return value
    default: throw fail("'\(key)' is not a number")
    }
  }

  func bool(_ key: String) throws(EventDecodingError) -> Bool {
    guard case .bool(let value)? = object[key] else { throw fail("missing boolean '\(key)'") }
    return value
  }

  func word<V: Vocabulary>(_ key: String, as _: V.Type) throws(EventDecodingError) -> V {
    let text = try string(key)
    guard let value = V(rawValue: text) else { throw fail("'\(key)' has unknown value '\(text)'") }
    return value
  }

  func strings(_ key: String) throws(EventDecodingError) -> [String] {
    guard case .array(let items)? = object[key] else { throw fail("missing list '\(key)'") }
    var result = [String]()
    result.reserveCapacity(items.count)
    for item in items {
      guard case .string(let value) = item else { throw fail("'\(key)' holds a non-string") }
      result.append(value)
    }
    return result
  }

  func time(_ key: String) throws(EventDecodingError) -> Timestamp {
    let text = try string(key)
    guard let value = Timestamp(parsing: text) else { throw fail("'\(key)' is not a time") }
    return value
  }

  mutating func read(_ type: EventType) throws(EventDecodingError) -> Event {
    switch type {
    case .employeeHired:
      return .employeeHired(
        id: try string("id"), name: try string("name"), dept: try string("dept"),
        role: try optionalString("role"), level: try word("level", as: Level.self),
        facing: try bool("facing"), orientation: try int("orientation"), skills: try int("skills"),
        key: version >= 2 ? try optionalString("key") : nil)
    case .employeeDeparted:
      return .employeeDeparted(id: try string("id"), reason: try word("reason", as: DepartureReason.self))
    case .partnerEngaged:
      return .partnerEngaged(
        id: try string("id"), name: try string("name"), kind: try word("kind", as: PartnerKind.self))
    case .partnerReleased: return .partnerReleased(id: try string("id"))
    case .customerRegistered:
      // v1 had no external key.
      return .customerRegistered(
        id: try string("id"), name: try string("name"), segment: try optionalString("segment"),
        key: version >= 2 ? try optionalString("key") : nil)
    case .customerLost: return .customerLost(id: try string("id"), reason: try optionalString("reason"))
    case .championNamed: return .championNamed(id: try string("id"), area: try optionalString("area"))
    case .championStoodDown: return .championStoodDown(id: try string("id"))
    case .serviceTeamJoined: return .serviceTeamJoined(id: try string("id"))
    case .serviceTeamLeft: return .serviceTeamLeft(id: try string("id"))
    case .leadershipActed:
      return .leadershipActed(
        by: try string("by"), activity: try word("activity", as: LeadActivity.self), note: try optionalString("note"))
    case .statementMade:
      let text = try string("text")
      // v1 did not record the count: it is decided from the text as v2 would.
      let tactic = version >= 2 ? try int("tactic") : TacticLanguage.count(in: text)
      guard tactic >= 0 else { throw fail("'tactic' is negative") }
      return .statementMade(
        by: try string("by"), text: text, to: try word("to", as: Addressee.self), tactic: tactic)
    case .trainingCompleted:
      return .trainingCompleted(employees: try strings("employees"), topic: try word("topic", as: TrainingTopic.self))
    case .interactionLogged:
      var did = [Behaviour]()
      for name in try strings("did") {
        guard let behaviour = Behaviour(rawValue: name) else { throw fail("'did' has unknown value '\(name)'") }
        did.append(behaviour)
      }
      return .interactionLogged(
        by: try string("by"), with: try string("with"), mode: try word("mode", as: Mode.self),
        channel: try word("channel", as: Channel.self), outcome: try int("outcome"), did: did,
        note: try optionalString("note"))
    case .promiseMade:
      return .promiseMade(
        id: try string("id"), by: try string("by"), to: try string("to"), due: try time("due"),
        what: try optionalString("what"))
    case .promiseKept: return .promiseKept(id: try string("id"))
    case .promiseBroken: return .promiseBroken(id: try string("id"))
    case .stressBegan:
      let scopeText = try string("scope")
      guard let scope = StressScope(parsing: scopeText) else { throw fail("'scope' has unknown value '\(scopeText)'") }
      return .stressBegan(
        id: try string("id"), kind: try word("kind", as: StressKind.self), severity: try int("severity"),
        scope: scope, note: try optionalString("note"))
    case .stressEnded: return .stressEnded(id: try string("id"))
    case .feedbackReceived:
      return .feedbackReceived(
        customer: try string("customer"), score: try int("score"), about: try optionalString("about"),
        comment: try optionalString("comment"))
    case .complaintReceived:
      return .complaintReceived(
        customer: try string("customer"), about: try optionalString("about"),
        level: try word("level", as: ComplaintLevel.self), text: try optionalString("text"))
    case .followUpMade:
      return .followUpMade(customer: try string("customer"), by: try string("by"), note: try optionalString("note"))
    case .pulseRecorded:
      // v1 named the employee; the answer is upcast without it (anonymous).
      return .pulseRecorded(dept: version >= 2 ? try optionalString("dept") : nil, score: try int("score"))
    case .deficiencyIdentified:
      return .deficiencyIdentified(
        id: try string("id"), what: try string("what"), area: try optionalString("area"),
        baseline: try optionalDouble("baseline"), target: try optionalDouble("target"))
    case .actionPlanned:
      return .actionPlanned(
        id: try string("id"), deficiency: try string("deficiency"), owner: try string("owner"),
        due: try time("due"), what: try optionalString("what"))
    case .actionCompleted: return .actionCompleted(id: try string("id"))
    case .eventRetracted: return .eventRetracted(seq: try int("seq"), reason: try string("reason"))
    case .subjectForgotten: return .subjectForgotten(id: try string("id"), reason: try string("reason"))
    }
  }
}
