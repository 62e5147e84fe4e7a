import EthosDomain
import Foundation
import Testing

/// Follows CONTRIBUTING.md's recipe for adding a statement: for every write
/// statement and the event it records, the source files that name its
/// command case or its event case are the recipe's files and no more than
/// five. Spreading a statement over another file again makes this fail.
@Suite struct RecipeTests {
  /// The files a new statement touches (CONTRIBUTING.md, "Adding a statement").
  static let recipe: Set<String> = [
    "EthosDomain/Command.swift", "EthosDomain/Decide.swift", "EthosDomain/Event.swift",
    "EthosDomain/State+Evolve.swift", "EthosLanguage/StatementTable.swift",
  ]

  /// Every write statement's command case and the event case it records.
  static let statements: [(command: String, event: EventType)] = [
    ("hire", .employeeHired), ("depart", .employeeDeparted), ("engage", .partnerEngaged),
    ("release", .partnerReleased), ("registerCustomer", .customerRegistered), ("lose", .customerLost),
    ("nameChampion", .championNamed), ("standDownChampion", .championStoodDown), ("joinTeam", .serviceTeamJoined),
    ("leaveTeam", .serviceTeamLeft), ("lead", .leadershipActed), ("say", .statementMade),
    ("train", .trainingCompleted), ("log", .interactionLogged), ("promise", .promiseMade),
    ("keep", .promiseKept), ("breakPromise", .promiseBroken), ("beginStress", .stressBegan),
    ("endStress", .stressEnded), ("feedback", .feedbackReceived), ("complain", .complaintReceived),
    ("followUp", .followUpMade), ("pulse", .pulseRecorded), ("identifyDeficiency", .deficiencyIdentified),
    ("planAction", .actionPlanned), ("completeAction", .actionCompleted), ("retract", .eventRetracted),
    ("forget", .subjectForgotten),
  ]

  /// Files beyond the recipe that name a statement on purpose, each with
  /// why. None of them is a step of the recipe: a new statement needs none.
  /// Pinned exactly, so a new entry is a decision made here, in review.
  static let beyondTheRecipe: [String: [String: String]] = [
    // Speed: canonical encoding and decoding written out for the three
    // types that make up nearly every event of a script or a survey import
    // (CanonicalDataTests holds them to the generic path's bytes).
    "InteractionLogged": [
      "EthosDomain/Event+Coding.swift": "fast canonical encoder",
      "EthosDomain/Event+FastDecoding.swift": "fast decoder",
    ],
    "FeedbackReceived": ["EthosDomain/Event+Coding.swift": "fast canonical encoder"],
    "CustomerRegistered": [
      "EthosDomain/Event+Coding.swift": "fast canonical encoder",
      "EthosEngine/Session+Personal.swift": "a customer registered in the same statement is sealed as a customer",
    ],
    // Statements about the log itself rather than the culture: the engine
    // carries them out.
    "EventRetracted": [
      "EthosDomain/Rebuild.swift": "the fold cannot take an event back: a retraction folds again from a base",
      "EthosEngine/Session+Execute.swift": "marks a retracted event in `show` and `history`",
      "EthosEngine/Session+Queries.swift": "history links a retraction and its target",
      "EthosEngine/ExportCheck.swift": "import checks a retraction's target",
    ],
    "SubjectForgotten": ["EthosEngine/Session+Execute.swift": "destroys the party's key (SPEC §13)"],
    // Figures only the engine has: the anonymous statement text, the
    // baseline an indicator had when a deficiency was identified.
    "PulseRecorded": [
      "EthosEngine/Writes.swift": "stores the statement without the employee (anonymous)",
      "EthosEngine/Session+Queries.swift": "shows a version 1 answer without its employee",
    ],
    "DeficiencyIdentified": ["EthosEngine/Session+Execute.swift": "measures the area's baseline"],
  ]

  /// The Swift sources under `Sources/`, comments and string literals
  /// blanked out, by path relative to `Sources/`. TestSupport is test code.
  static let sources: [String: String] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources")
    var files: [String: String] = [:]
    let walker = FileManager.default.enumerator(atPath: root.path)
    while let path = walker?.nextObject() as? String {
      guard path.hasSuffix(".swift"), !path.hasPrefix("TestSupport/") else { continue }
      let text = (try? String(contentsOfFile: root.appendingPathComponent(path).path, encoding: .utf8)) ?? ""
      files[path] = code(text)
    }
    return files
  }()

  /// `text` without comments and string literals, which may name a case
  /// in prose; the code inside a string's interpolations is kept.
  static func code(_ text: String) -> String {
    var scanner = CodeScanner(bytes: Array(text.utf8))
    scanner.code(inInterpolation: false)
    return String(decoding: scanner.out, as: UTF8.self)
  }

  /// The files that name `name` as a case: `.name(` or `case name(` (a
  /// construction, a pattern or the declaration), and for an event also a
  /// bare `.name` (its `EventType`). A command's bare `.name` is not counted:
  /// verbs such as `promise` or `feedback` are also cases of other enums.
  static func files(naming name: String, bare: Bool) -> Set<String> {
    let pattern = bare ? "(\\.|case +)\(name)(?![A-Za-z0-9_])" : "(\\.|case +)\(name)\\("
    guard let regex = try? Regex(pattern) else { return [] }
    return Set(sources.filter { $0.value.contains(regex) }.keys)
  }

  static func caseName(_ type: EventType) -> String {
    type.rawValue.prefix(1).lowercased() + type.rawValue.dropFirst()
  }

  @Test func everyEventTypeHasItsStatement() {
    #expect(Set(Self.statements.map(\.event)) == Set(EventType.allCases))
    #expect(Self.statements.count == EventType.allCases.count)
    #expect(Set(Self.beyondTheRecipe.keys).isSubset(of: Set(EventType.allCases.map(\.rawValue))))
  }

  @Test func theSourcesAreFound() {
    #expect(Self.sources.count > 50)
    #expect(Self.files(naming: "championNamed", bare: true).contains("EthosDomain/Event.swift"))
  }

  @Test(arguments: statements)
  func aStatementTouchesOnlyTheRecipesFiles(command: String, event: EventType) {
    let named = Self.files(naming: command, bare: false).union(Self.files(naming: Self.caseName(event), bare: true))
    let beyond = Self.beyondTheRecipe[event.rawValue] ?? [:]
    let touched = named.subtracting(beyond.keys)
    #expect(
      touched.isSubset(of: Self.recipe),
      "\(command)/\(event.rawValue) is also named in \(touched.subtracting(Self.recipe).sorted())")
    #expect(touched.count <= 5, "\(command)/\(event.rawValue) touches \(touched.sorted())")
    // An exception that no longer applies is taken out of the table.
    #expect(Set(beyond.keys).isSubset(of: named), "\(event.rawValue): \(Set(beyond.keys).subtracting(named).sorted())")
  }
}

/// Copies Swift code, leaving out comments and the text of string literals.
private struct CodeScanner {
  let bytes: [UInt8]
  var index = 0
  var out: [UInt8] = []

  init(bytes: [UInt8]) { self.bytes = bytes }

  func at(_ text: String, _ offset: Int = 0) -> Bool {
    let pattern = Array(text.utf8)
    let start = index + offset
    return start + pattern.count <= bytes.count && Array(bytes[start..<start + pattern.count]) == pattern
  }

  /// Code up to the end, or up to the `)` that closes an interpolation.
  mutating func code(inInterpolation: Bool) {
    var depth = 0
    while index < bytes.count {
      if at("//") {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
      } else if at("/*") {
        index += 2
        while index < bytes.count, !at("*/") { index += 1 }
        index += 2
      } else if at("\"\"\"") {
        index += 3
        string(close: "\"\"\"")
      } else if at("\"") {
        index += 1
        string(close: "\"")
      } else {
        let byte = bytes[index]
        if byte == UInt8(ascii: "(") { depth += 1 }
        if byte == UInt8(ascii: ")") {
          if inInterpolation, depth == 0 {
            index += 1
            return
          }
          depth -= 1
        }
        out.append(byte)
        index += 1
      }
    }
  }

  /// A string literal's text, left out but for its interpolations.
  mutating func string(close: String) {
    out += Array("\"\"".utf8)
    while index < bytes.count {
      if at("\\(") {
        index += 2
        out += Array(" (".utf8)
        code(inInterpolation: true)
        out += Array(") ".utf8)
      } else if at("\\") {
        index += 2
      } else if at(close) {
        index += close.utf8.count
        return
      } else {
        index += 1
      }
    }
  }
}
