/// A small seeded random number generator (SplitMix64): the same seed gives
/// the same scripts and fuzz lines on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Deterministic command scripts in which every write succeeds: one event per
/// write line, so a store's events can be matched line for line.
public enum Workload {
  /// A script of `statements` lines (writes and `clock +…` lines) over
  /// employees, customers and partners whose ids start with `prefix`, and how
  /// many of its lines are writes.
  public static func script(statements: Int, seed: UInt64 = 7, prefix: String = "") -> (text: String, writes: Int) {
    var rng = SeededGenerator(seed: seed)
    var lines = ["clock 2021-01-04T08:00"]
    var writes = 0
    func write(_ line: String) {
      lines.append(line)
      writes += 1
    }
    let depts = ["front-desk", "support", "billing", "sales", "housekeeping"]
    var employees = [String]()
    var customers = [String]()
    var partners = [String]()
    for i in 0..<40 {
      let id = "\(prefix)e\(i)"
      let level = i < 3 ? "leader" : (i % 10 == 0 ? "manager" : "staff")
      write("hire \(id) \"Employee \(i)\" dept=\(depts[i % depts.count]) level=\(level) skills=\(i % 5 + 1)")
      employees.append(id)
    }
    for i in 0..<10 {
      let id = "\(prefix)p\(i)"
      write("engage \(id) \"Partner \(i)\" kind=\(i % 2 == 0 ? "vendor" : "subcontractor")")
      partners.append(id)
    }
    for i in 0..<300 {
      let id = "\(prefix)c\(i)"
      write("customer \(id) \"Customer \(i)\" segment=\(["leisure", "business", "group"][i % 3])")
      customers.append(id)
    }
    let notes = [
      "", " \"called back within the hour\"", " \"said \\\"thank you\\\" twice\"", " \"café ☕ meeting — déjà vu\"",
      " \"backslash \\\\ in a note\"", " \"#not a comment\"",
    ]
    let behaviours = ["answered-on-spot", "followed-up", "took-ownership", "strategic-question", "courteous"]
    var openPromises = [String]()
    var openStress = [String]()
    var nextId = 0
    func pick(_ items: [String]) -> String { items[Int.random(in: 0..<items.count, using: &rng)] }
    while lines.count < statements {
      if lines.count % 50 == 0 {
        lines.append("clock +\(Int.random(in: 1...90, using: &rng))m")
        continue
      }
      let by = pick(employees)
      let r = Double.random(in: 0..<1, using: &rng)
      switch r {
      case ..<0.70:
        let q = Double.random(in: 0..<1, using: &rng)
        var to = q < 0.75 ? pick(customers) : (q < 0.95 ? pick(employees) : pick(partners))
        if to == by { to = customers[0] }
        let outcome = Int.random(in: -2...2, using: &rng)
        let mode = Bool.random(using: &rng) ? "relationship" : "transaction"
        let did = Bool.random(using: &rng) ? " did=\(pick(behaviours)),\(behaviours[4])" : ""
        write("log \(by) with \(to) mode=\(mode) outcome=\(outcome > 0 ? "+" : "")\(outcome)\(did)\(pick(notes))")
      case ..<0.75: write("pulse dept=\(pick(depts)) score=\(Int.random(in: 0...10, using: &rng))")
      case ..<0.80: write("feedback \(pick(customers)) score=\(Int.random(in: 0...10, using: &rng)) about=\(by)")
      case ..<0.83: write("complain \(pick(customers)) about=\(by) level=manager \"waited too long\"")
      case ..<0.86: write("follow-up \(pick(customers)) by \(by)")
      case ..<0.89:
        nextId += 1
        let id = "\(prefix)pr\(nextId)"
        write("promise \(id) by \(by) to \(pick(customers)) due=+2d \"call back\"")
        openPromises.append(id)
      case ..<0.91 where !openPromises.isEmpty:
        let id = openPromises.removeFirst()
        write((Bool.random(using: &rng) ? "keep " : "break ") + id)
      case ..<0.93: write("say \(Bool.random(using: &rng) ? "company" : by) \"Service is how we work\"")
      case ..<0.95: write("train \(by) topic=ownership")
      case ..<0.96: write("lead \(employees[0]) communicate \"weekly note\"")
      case ..<0.97:
        if openStress.count < 2 {
          nextId += 1
          let id = "\(prefix)s\(nextId)"
          write("stress begin \(id) kind=volume severity=2 scope=dept:\(pick(depts))")
          openStress.append(id)
        } else {
          write("stress end \(openStress.removeFirst())")
        }
      default:
        nextId += 1
        let id = "\(prefix)c\(300 + nextId)"
        write("customer \(id) \"Walk-in \(nextId)\"")
        customers.append(id)
      }
    }
    return (lines.joined(separator: "\n") + "\n", writes)
  }
}
