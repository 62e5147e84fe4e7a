import EthosDomain
import EthosEngine

/// The seeded generator the random scripts draw from (see `Workload.swift`).
public typealias SeededRandom = SeededGenerator

/// Writes random but valid scripts using every write statement of SPEC §3.1,
/// by keeping a model of what exists. Each line is run on a session as it is
/// generated, so retractions can name real observation events.
public struct ScriptGenerator {
  public var random: SeededRandom
  var serial = 0
  var employees: [String] = []
  var leaders: [String] = []
  var customers: [String] = []
  var lostCustomers: [String] = []
  var partners: [String] = []
  var champions: Set<String> = []
  var team: Set<String> = []
  var openPromises: [String] = []
  var openStresses: [String] = []
  var deficiencies: [String] = []
  var openActions: [String] = []
  var departments: [String] = []
  /// Seqs of observation events not yet retracted.
  var observations: [Int] = []

  public init(seed: UInt64) { random = SeededRandom(seed: seed) }

  mutating func pick<T>(_ items: [T]) -> T? {
    items.isEmpty ? nil : items[Int(random.next() % UInt64(items.count))]
  }

  mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

  mutating func fresh(_ prefix: String) -> String {
    serial += 1
    return "\(prefix)\(serial)"
  }

  /// Runs `count` random statements on `session`; returns the lines, and
  /// the lines that failed (none, for a valid script).
  public mutating func run(_ count: Int, on session: Session) -> (lines: [String], failed: [String]) {
    var lines = ["clock 2021-03-01T08:00"]
    var failed = [String]()
    session.execute(lines[0])
    for _ in 0..<count {
      let (line, refused) = step(on: session)
      lines.append(line)
      if refused { failed.append(line) }
    }
    return (lines, failed)
  }

  /// Runs one random statement on `session`; returns it, and whether the
  /// session refused it (never, for a valid script).
  public mutating func step(on session: Session) -> (line: String, failed: Bool) {
    let (line, observation) = next()
    let before = session.state.headSeq
    let failed = session.execute(line) == .failed
    if observation, session.state.headSeq == before + 1 { observations.append(before + 1) }
    return (line, failed)
  }

  /// One statement, and whether it appends an observation event.
  mutating func next() -> (String, Bool) {
    while true {
      if let line = attempt(int(0...29)) { return line }
    }
  }

  mutating func attempt(_ choice: Int) -> (String, Bool)? {
    let depts = ["desk", "kitchen", "ops"]
    switch choice {
    case 0, 1:
      let id = fresh("e")
      let dept = pick(depts) ?? "desk"
      let level = pick(["staff", "staff", "manager", "leader"]) ?? "staff"
      employees.append(id)
      if level == "leader" { leaders.append(id) }
      if !departments.contains(dept) { departments.append(dept) }
      return (
        "hire \(id) \"Emp \(id)\" dept=\(dept) level=\(level) facing=\(pick(["yes", "no"]) ?? "yes") "
          + "orientation=\(int(1...5)) skills=\(int(1...5))", false
      )
    case 2:
      guard employees.count > 3, let id = pick(employees) else { return nil }
      employees.removeAll { $0 == id }
      leaders.removeAll { $0 == id }
      champions.remove(id)
      team.remove(id)
      return ("depart \(id) reason=\(pick(["resigned", "dismissed", "retired", "other"]) ?? "other")", false)
    case 3:
      let id = fresh("p")
      partners.append(id)
      return ("engage \(id) \"Partner \(id)\" kind=\(pick(["vendor", "subcontractor"]) ?? "vendor")", false)
    case 4:
      guard partners.count > 1, let id = pick(partners) else { return nil }
      partners.removeAll { $0 == id }
      return ("release \(id)", false)
    case 5, 6:
      let id = fresh("c")
      customers.append(id)
      return ("customer \(id) \"Cust \(id)\" segment=\(pick(["leisure", "business"]) ?? "leisure")", false)
    case 7:
      guard customers.count > 2, let id = pick(customers) else { return nil }
      customers.removeAll { $0 == id }
      lostCustomers.append(id)
      return ("lose \(id) \"went elsewhere\"", false)
    case 8:
      guard let id = pick(employees.filter { !champions.contains($0) }) else { return nil }
      champions.insert(id)
      return ("champion \(id) area=\"service\"", false)
    case 9:
      guard let id = pick(Array(champions).sorted()) else { return nil }
      champions.remove(id)
      return ("unchampion \(id)", false)
    case 10:
      if let id = pick(employees.filter { !team.contains($0) }), int(0...1) == 0 {
        team.insert(id)
        return ("team join \(id)", false)
      }
      guard let id = pick(Array(team).sorted()) else { return nil }
      team.remove(id)
      return ("team leave \(id)", false)
    case 11:
      guard let id = pick(leaders) else { return nil }
      return ("lead \(id) \(pick(["communicate", "model", "recognize", "review", "frontline"]) ?? "model")", true)
    case 12:
      let by = int(0...2) == 0 ? "company" : (pick(employees) ?? "company")
      let text = pick(["We serve for the long run", "Our focus this month", "A new initiative!", "Thanks, team"]) ?? ""
      return ("say \(by) \"\(text)\" to=\(pick(["internal", "external"]) ?? "external")", true)
    case 13:
      guard let a = pick(employees) else { return nil }
      let b = pick(employees) ?? a
      let ids = a == b ? a : a + "," + b
      return (
        "train \(ids) topic=\(pick(["phone-courtesy", "follow-up", "ownership", "problem-resolution", "other"]) ?? "other")",
        true
      )
    case 14, 15, 16, 17, 18:
      guard let by = pick(employees) else { return nil }
      let others = customers + customers + employees.filter { $0 != by } + partners
      guard let with = pick(others) else { return nil }
      return (
        "log \(by) with \(with) mode=\(pick(["relationship", "transaction"]) ?? "transaction") "
          + "channel=\(pick(["phone", "email", "chat", "in-person", "other"]) ?? "other") outcome=\(int(-2...2)) "
          + "did=\(pick(["courteous", "followed-up", "took-ownership"]) ?? "courteous")", true
      )
    case 19:
      guard let by = pick(employees), let to = pick(customers + employees.filter { $0 != by }) else { return nil }
      let id = fresh("pr")
      openPromises.append(id)
      let day = int(2...28)
      let due = int(0...1) == 0 ? "+\(int(1...72))h" : "2021-03-" + (day < 10 ? "0" : "") + String(day)
      return ("promise \(id) by \(by) to \(to) due=\(due) \"call back\"", false)
    case 20:
      guard let id = pick(openPromises) else { return nil }
      openPromises.removeAll { $0 == id }
      return (int(0...2) == 0 ? "break \(id)" : "keep \(id)", false)
    case 21:
      if let id = pick(openStresses), int(0...1) == 0 {
        openStresses.removeAll { $0 == id }
        return ("stress end \(id)", false)
      }
      let id = fresh("s")
      var scope = "org"
      switch int(0...2) {
      case 1: if let dept = pick(departments) { scope = "dept:\(dept)" }
      case 2: if let emp = pick(employees) { scope = "employee:\(emp)" }
      default: break
      }
      openStresses.append(id)
      return (
        "stress begin \(id) kind=\(pick(["weather", "staffing", "volume"]) ?? "other") severity=\(int(1...3)) scope=\(scope)",
        false
      )
    case 22:
      guard let id = pick(customers + lostCustomers) else { return nil }
      let about = int(0...1) == 0 ? (pick(employees).map { " about=\($0)" } ?? "") : ""
      return ("feedback \(id) score=\(int(0...10))\(about) \"ok\"", true)
    case 23:
      guard let id = pick(customers + lostCustomers) else { return nil }
      return ("complain \(id) level=\(pick(["frontline", "manager", "head-office"]) ?? "frontline") \"slow\"", true)
    case 24:
      guard let id = pick(customers + lostCustomers), let by = pick(employees) else { return nil }
      return ("follow-up \(id) by \(by)", false)
    case 25:
      guard let id = pick(employees) else { return nil }
      return ("pulse \(id) score=\(int(0...10))", true)
    case 26:
      if let deficiency = pick(deficiencies), let owner = pick(employees), int(0...1) == 0 {
        let id = fresh("a")
        openActions.append(id)
        return ("plan \(id) for \(deficiency) owner=\(owner) due=+\(int(1...14))d \"fix it\"", false)
      }
      let id = fresh("d")
      deficiencies.append(id)
      return ("deficiency \(id) \"a gap\" area=\(pick(["balance", "nps", "matrix"]) ?? "matrix")", false)
    case 27:
      guard let id = pick(openActions) else { return nil }
      openActions.removeAll { $0 == id }
      return ("done \(id)", false)
    case 28:
      guard let seq = pick(observations) else { return nil }
      observations.removeAll { $0 == seq }
      return ("retract @\(seq) \"recorded by mistake\"", false)
    default:
      return ("clock +\(int(1...30))h", false)
    }
  }
}
