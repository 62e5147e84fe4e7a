/// A compact binary encoding of ``State`` for projection snapshots (SPEC §7).
///
/// Hand-written rather than `Codable` so a large state loads in a few
/// milliseconds. Bump ``State/snapshotVersion`` whenever `State`, `evolve`
/// or this encoding changes: snapshots of another version are ignored and the
/// state is folded from the log instead.
extension State {
  /// The projection version snapshots are tagged with.
  public static let snapshotVersion = 6

  /// The state as snapshot bytes.
  public func snapshotBytes() -> [UInt8] {
    var w = SnapshotWriter()
    w.int(headSeq)
    w.time(headTime)
    w.int(eventCount)
    w.count(owners.count)
    for (id, owner) in owners.sorted(by: { $0.key < $1.key }) {
      w.string(id)
      w.string(owner.rawValue)
    }
    w.count(employees.count)
    for e in employees.values.sorted(by: { $0.id < $1.id }) { w.employee(e) }
    w.count(customers.count)
    for c in customers.values.sorted(by: { $0.id < $1.id }) { w.customer(c) }
    w.count(partners.count)
    for p in partners.values.sorted(by: { $0.id < $1.id }) {
      w.string(p.id)
      w.string(p.name)
      w.string(p.kind.rawValue)
      w.time(p.engagedAt)
      w.int(p.engagedSeq)
      w.time(p.releasedAt)
      w.tally(p.received)
      w.ints(p.recent)
    }
    w.count(promises.count)
    for p in promises.values.sorted(by: { $0.id < $1.id }) {
      w.string(p.id)
      w.string(p.by)
      w.string(p.to)
      w.time(p.due)
      w.string(p.what)
      w.time(p.madeAt)
      w.string(p.status.rawValue)
      w.time(p.closedAt)
    }
    w.count(stresses.count)
    for s in stresses.values.sorted(by: { $0.id < $1.id }) {
      w.string(s.id)
      w.string(s.kind.rawValue)
      w.int(s.severity)
      w.string(s.scope.description)
      w.string(s.note)
      w.time(s.beganAt)
      w.time(s.endedAt)
    }
    w.count(deficiencies.count)
    for d in deficiencies.values.sorted(by: { $0.id < $1.id }) {
      w.string(d.id)
      w.string(d.what)
      w.string(d.area)
      w.optionalDouble(d.baseline)
      w.optionalDouble(d.target)
      w.time(d.identifiedAt)
    }
    w.count(actions.count)
    for a in actions.values.sorted(by: { $0.id < $1.id }) {
      w.string(a.id)
      w.string(a.deficiency)
      w.string(a.owner)
      w.time(a.due)
      w.string(a.what)
      w.time(a.plannedAt)
      w.time(a.doneAt)
    }
    w.count(departments.count)
    for dept in departments { w.string(dept) }
    w.int(openOrgStress)
    w.counts(openDeptStress)
    w.counts(openEmployeeStress)
    w.matrix(matrix)
    w.count(matrixByDept.count)
    for (dept, tally) in matrixByDept.sorted(by: { $0.key < $1.key }) {
      w.string(dept)
      w.matrix(tally)
    }
    let t = tally
    for value in [
      t.feedbackResponses, t.feedbackPromoters, t.feedbackDetractors, t.pulseResponses, t.pulsePromoters,
      t.pulseDetractors, t.says, t.leads, t.trainings, t.actionsDone, t.tacticStatements, t.loopsClosed,
      t.loopsClosedWithin48h, t.complaints, t.customersLost, t.silentLosses, t.leadsEver,
    ] { w.int(value) }
    w.time(t.lastLead)
    w.ints(retracted.sorted())
    w.counts(forgotten)
    return w.bytes
  }

  /// The state encoded in `bytes`, or `nil` when they are not a snapshot of
  /// this version (truncated, damaged, or written by another ethos).
  public init?(snapshotBytes bytes: [UInt8]) {
    var r = SnapshotReader(bytes)
    // Every event folded counts once, retracted or not: a state of N events
    // counts N (a crafted count would only overflow later).
    guard let state = try? State.read(&r), r.atEnd, state.eventCount == state.headSeq, state.headSeq >= 0 else {
      return nil
    }
    self = state
  }

  private static func read(_ r: inout SnapshotReader) throws(SnapshotReader.Failure) -> State {
    var s = State()
    s.headSeq = try r.int()
    s.headTime = try r.time()
    s.eventCount = try r.int()
    // The big tables are sized once, not grown (and rehashed) eight times
    // on the way to thousands of entries.
    let owners = try r.count()
    s.owners.reserveCapacity(r.plausible(owners))
    for _ in 0..<owners {
      let id = try r.string()
      s.owners[id] = try r.word(IdOwner.self)
    }
    let employees = try r.count()
    s.employees.reserveCapacity(r.plausible(employees))
    for _ in 0..<employees {
      let e = try r.employee()
      s.employees[e.id] = e
    }
    let customers = try r.count()
    s.customers.reserveCapacity(r.plausible(customers))
    for _ in 0..<customers {
      let c = try r.customer()
      s.customers[c.id] = c
    }
    for _ in 0..<(try r.count()) {
      var p = Partner(
        id: try r.string(), name: try r.string(), kind: try r.word(PartnerKind.self), engagedAt: try r.timestamp())
      p.engagedSeq = try r.int()
      p.releasedAt = try r.time()
      p.received = try r.tally()
      p.recent = try r.ints()
      s.partners[p.id] = p
    }
    for _ in 0..<(try r.count()) {
      var p = Promise(
        id: try r.string(), by: try r.string(), to: try r.string(), due: try r.timestamp(),
        what: try r.optionalString(),
        madeAt: try r.timestamp())
      p.status = try r.word(PromiseStatus.self)
      p.closedAt = try r.time()
      s.promises[p.id] = p
    }
    for _ in 0..<(try r.count()) {
      let id = try r.string()
      let kind = try r.word(StressKind.self)
      let severity = try r.int()
      guard let scope = StressScope(parsing: try r.string()) else { throw .invalid }
      var w = StressWindow(
        id: id, kind: kind, severity: severity, scope: scope, note: try r.optionalString(), beganAt: try r.timestamp())
      w.endedAt = try r.time()
      s.stresses[w.id] = w
    }
    for _ in 0..<(try r.count()) {
      let d = Deficiency(
        id: try r.string(), what: try r.string(), area: try r.optionalString(), baseline: try r.optionalDouble(),
        target: try r.optionalDouble(), identifiedAt: try r.timestamp())
      s.deficiencies[d.id] = d
    }
    for _ in 0..<(try r.count()) {
      var a = Action(
        id: try r.string(), deficiency: try r.string(), owner: try r.string(), due: try r.timestamp(),
        what: try r.optionalString(), plannedAt: try r.timestamp())
      a.doneAt = try r.time()
      s.actions[a.id] = a
    }
    for _ in 0..<(try r.count()) { s.departments.append(try r.string()) }
    s.openOrgStress = try r.int()
    s.openDeptStress = try r.counts()
    s.openEmployeeStress = try r.counts()
    s.matrix = try r.matrix()
    for _ in 0..<(try r.count()) {
      let dept = try r.string()
      s.matrixByDept[dept] = try r.matrix()
    }
    var t = CultureTally()
    t.feedbackResponses = try r.int()
    t.feedbackPromoters = try r.int()
    t.feedbackDetractors = try r.int()
    t.pulseResponses = try r.int()
    t.pulsePromoters = try r.int()
    t.pulseDetractors = try r.int()
    t.says = try r.int()
    t.leads = try r.int()
    t.trainings = try r.int()
    t.actionsDone = try r.int()
    t.tacticStatements = try r.int()
    t.loopsClosed = try r.int()
    t.loopsClosedWithin48h = try r.int()
    t.complaints = try r.int()
    t.customersLost = try r.int()
    t.silentLosses = try r.int()
    t.leadsEver = try r.int()
    t.lastLead = try r.time()
    s.tally = t
    s.retracted = Set(try r.ints())
    s.forgotten = try r.counts()
    return s
  }
}

/// Appends values as bytes: LEB128 varints (zig-zag for signed), strings as
/// a length and UTF-8.
struct SnapshotWriter {
  var bytes: [UInt8] = []

  init() { bytes.reserveCapacity(1 << 16) }

  mutating func uint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  mutating func int(_ value: Int) {
    let v = Int64(value)
    uint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
  }

  mutating func count(_ value: Int) { uint(UInt64(value)) }

  mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

  mutating func string(_ value: String) {
    let utf8 = value.utf8
    count(utf8.count)
    bytes.append(contentsOf: utf8)
  }

  mutating func string(_ value: String?) {
    bool(value != nil)
    if let value { string(value) }
  }

  mutating func time(_ value: Timestamp?) {
    bool(value != nil)
    if let value { int(Int(value.seconds)) }
  }

  mutating func time(_ value: Timestamp) { int(Int(value.seconds)) }

  mutating func optionalInt(_ value: Int?) {
    bool(value != nil)
    if let value { int(value) }
  }

  mutating func optionalDouble(_ value: Double?) {
    bool(value != nil)
    if let value { uint(value.bitPattern) }
  }

  mutating func ints(_ values: [Int]) {
    count(values.count)
    for value in values { int(value) }
  }

  mutating func counts(_ values: [String: Int]) {
    count(values.count)
    for (key, value) in values.sorted(by: { $0.key < $1.key }) {
      string(key)
      int(value)
    }
  }

  mutating func tally(_ t: Tally) {
    int(t.n)
    int(t.sum)
    int(t.positive)
  }

  mutating func matrix(_ m: MatrixTally) {
    tally(m.customersNormal)
    tally(m.customersStress)
    tally(m.staffNormal)
    tally(m.staffStress)
    int(m.customerRelationship)
  }

  mutating func employee(_ e: Employee) {
    string(e.id)
    string(e.name)
    string(e.dept)
    string(e.role)
    string(e.level.rawValue)
    bool(e.facing)
    int(e.orientation)
    int(e.skills)
    time(e.hiredAt)
    int(e.hiredSeq)
    time(e.departedAt)
    string(e.departureReason?.rawValue)
    bool(e.champion)
    string(e.championArea)
    bool(e.onTeam)
    count(e.trained.count)
    for topic in TrainingTopic.allCases where e.trained.contains(topic) { string(topic.rawValue) }
    tally(e.served)
    tally(e.servedCustomers)
    tally(e.receivedStaff)
    ints(e.recent)
    string(e.key)
  }

  mutating func customer(_ c: Customer) {
    string(c.id)
    string(c.name)
    string(c.segment)
    time(c.registeredAt)
    int(c.registeredSeq)
    time(c.lostAt)
    string(c.lostReason)
    tally(c.interactions)
    optionalInt(c.lastOutcome)
    bool(c.hadNegativeInteraction)
    int(c.complaints)
    bool(c.everComplained)
    int(c.feedbackCount)
    int(c.feedbackSum)
    int(c.feedbackGood)
    bool(c.hadLowFeedback)
    count(c.openLoops.count)
    for opened in c.openLoops { time(opened) }
    ints(c.recent)
    string(c.key)
  }
}

/// Reads what ``SnapshotWriter`` wrote; every read is bounds-checked.
struct SnapshotReader {
  enum Failure: Error { case truncated, invalid }

  let bytes: [UInt8]
  var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var atEnd: Bool { offset == bytes.count }

  mutating func byte() throws(Failure) -> UInt8 {
    guard offset < bytes.count else { throw .truncated }
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func uint() throws(Failure) -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let b = try byte()
      guard shift < 64 else { throw .invalid }
      result |= UInt64(b & 0x7F) << shift
      if b < 0x80 { return result }
      shift += 7
    }
  }

  /// No figure of a real state comes near 2^40 (a trillion events); a
  /// bigger one is a crafted snapshot, refused so that no sum can trap.
  mutating func int() throws(Failure) -> Int {
    let v = try uint()
    let value = Int(Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))))
    guard value.magnitude < 1 << 40 else { throw .invalid }
    return value
  }

  mutating func count() throws(Failure) -> Int {
    let v = try uint()
    guard v <= UInt64(bytes.count) else { throw .invalid }
    return Int(v)
  }

  /// `count` if the bytes left could hold that many entries of at least
  /// two bytes each, else what they could: room reserved for a crafted
  /// count stays within the snapshot's size.
  func plausible(_ count: Int) -> Int { Swift.min(count, (bytes.count - offset) / 2) }

  mutating func bool() throws(Failure) -> Bool {
    switch try byte() {
    case 0: return false
    case 1: return true
    default: throw .invalid
    }
  }

  mutating func string() throws(Failure) -> String {
    let n = try count()
    guard offset + n <= bytes.count else { throw .truncated }
    defer { offset += n }
    return String(decoding: bytes[offset..<offset + n], as: UTF8.self)
  }

  mutating func optionalString() throws(Failure) -> String? {
    try bool() ? try string() : nil
  }

  mutating func word<T: RawRepresentable>(_ type: T.Type) throws(Failure) -> T where T.RawValue == String {
    guard let value = T(rawValue: try string()) else { throw .invalid }
    return value
  }

  mutating func timestamp() throws(Failure) -> Timestamp {
    let uint = try uint()
    let time = Timestamp(seconds: Int64(bitPattern: (uint >> 1) ^ (0 &- (uint & 1))))
    guard time.isRecordable else { throw .invalid }
    return time
  }

  mutating func time() throws(Failure) -> Timestamp? {
    try bool() ? try timestamp() : nil
  }

  mutating func optionalInt() throws(Failure) -> Int? {
    try bool() ? try int() : nil
  }

  mutating func optionalDouble() throws(Failure) -> Double? {
    guard try bool() else { return nil }
    let value = Double(bitPattern: try uint())
    guard value.isFinite else { throw .invalid }
    return value
  }

  mutating func ints() throws(Failure) -> [Int] {
    let n = try count()
    var result = [Int]()
    result.reserveCapacity(n)
    for _ in 0..<n { result.append(try int()) }
    return result
  }

  mutating func counts() throws(Failure) -> [String: Int] {
    var result = [String: Int]()
    for _ in 0..<(try count()) {
      let key = try string()
      result[key] = try int()
    }
    return result
  }

  mutating func tally() throws(Failure) -> Tally {
    var t = Tally()
    t.n = try int()
    t.sum = try int()
    t.positive = try int()
    return t
  }

  mutating func matrix() throws(Failure) -> MatrixTally {
    var m = MatrixTally()
    m.customersNormal = try tally()
    m.customersStress = try tally()
    m.staffNormal = try tally()
    m.staffStress = try tally()
    m.customerRelationship = try int()
    return m
  }

  mutating func employee() throws(Failure) -> Employee {
    var e = Employee(
      id: try string(), name: try string(), dept: try string(), role: try optionalString(), level: try word(Level.self),
      facing: try bool(), orientation: try int(), skills: try int(), hiredAt: try timestamp())
    e.hiredSeq = try int()
    e.departedAt = try time()
    if let reason = try optionalString() {
      guard let parsed = DepartureReason(rawValue: reason) else { throw .invalid }
      e.departureReason = parsed
    }
    e.champion = try bool()
    e.championArea = try optionalString()
    e.onTeam = try bool()
    for _ in 0..<(try count()) { e.trained.insert(try word(TrainingTopic.self)) }
    e.served = try tally()
    e.servedCustomers = try tally()
    e.receivedStaff = try tally()
    e.recent = try ints()
    e.key = try optionalString()
    return e
  }

  mutating func customer() throws(Failure) -> Customer {
    var c = Customer(id: try string(), name: try string(), segment: try optionalString(), registeredAt: try timestamp())
    c.registeredSeq = try int()
    c.lostAt = try time()
    c.lostReason = try optionalString()
    c.interactions = try tally()
    c.lastOutcome = try optionalInt()
    c.hadNegativeInteraction = try bool()
    c.complaints = try int()
    c.everComplained = try bool()
    c.feedbackCount = try int()
    c.feedbackSum = try int()
    c.feedbackGood = try int()
    c.hadLowFeedback = try bool()
    for _ in 0..<(try count()) { c.openLoops.append(try timestamp()) }
    c.recent = try ints()
    c.key = try optionalString()
    return c
  }
}
