extension State {
  /// Folds one event into the state. Never fails: the decider already checked
  /// the rules, and a log is history, so an event naming something unknown
  /// (possible only in a hand-made log) is recorded as far as it can be.
  ///
  /// A retraction is applied here when it comes before its target (only a
  /// hand-made log orders them so); one that comes after is applied by
  /// folding again without the target (``Rebuild``), since what `evolve`
  /// counted it cannot take back.
  public mutating func evolve(_ recorded: RecordedEvent) {
    let at = advance(recorded)
    if !retracted.isEmpty, retracted.contains(recorded.seq) { return }
    let seq = recorded.seq
    switch recorded.event {
    case .employeeHired(
      let id, let name, let dept, let role, let level, let facing, let orientation, let skills, let key):
      owners[id] = .employee
      employees[id] = Employee(
        id: id, name: name, dept: dept, role: role, level: level, facing: facing,
        orientation: orientation, skills: skills, hiredAt: at, hiredSeq: seq, recent: [seq])
      employees[id]?.key = key
      if !departments.contains(dept) { departments.append(dept) }
    case .employeeDeparted(let id, let reason):
      employees[id]?.departedAt = at
      employees[id]?.departureReason = reason
      employees[id]?.champion = false
      employees[id]?.onTeam = false
      note(seq, employee: id)
    case .partnerEngaged(let id, let name, let kind):
      owners[id] = .partner
      partners[id] = Partner(id: id, name: name, kind: kind, engagedAt: at, engagedSeq: seq, recent: [seq])
    case .partnerReleased(let id):
      partners[id]?.releasedAt = at
      note(seq, party: id)
    case .customerRegistered(let id, let name, let segment, let key):
      owners[id] = .customer
      customers[id] = Customer(
        id: id, name: name, segment: segment, registeredAt: at, registeredSeq: seq, recent: [seq])
      customers[id]?.key = key
    case .customerLost(let id, let reason):
      guard let customer = customers[id], customer.active else { return }
      customers[id]?.lostAt = at
      customers[id]?.lostReason = reason
      tally.customersLost &+= 1
      if !customer.everComplained { tally.silentLosses &+= 1 }
      note(seq, party: id)
    case .championNamed(let id, let area):
      employees[id]?.champion = true
      employees[id]?.championArea = area
      note(seq, employee: id)
    case .championStoodDown(let id):
      employees[id]?.champion = false
      employees[id]?.championArea = nil
      note(seq, employee: id)
    case .serviceTeamJoined(let id):
      employees[id]?.onTeam = true
      note(seq, employee: id)
    case .serviceTeamLeft(let id):
      employees[id]?.onTeam = false
      note(seq, employee: id)
    case .leadershipActed(let by, _, _):
      tally.leads &+= 1
      tally.leadsEver &+= 1
      tally.lastLead = at
      note(seq, employee: by)
    case .statementMade(let by, _, _, let tactic):
      tally.says &+= 1
      if tactic > 0 { tally.tacticStatements &+= 1 }
      note(seq, employee: by)
    case .trainingCompleted(let ids, let topic):
      tally.trainings &+= 1
      for id in ids {
        employees[id]?.trained.insert(topic)
        note(seq, employee: id)
      }
    case .interactionLogged(let by, let with, let mode, _, let outcome, _, _):
      logInteraction(seq: seq, by: by, with: with, mode: mode, outcome: min(max(outcome, -2), 2))
    case .promiseMade(let id, let by, let to, let due, let what):
      owners[id] = .promise
      promises[id] = Promise(id: id, by: by, to: to, due: due, what: what, madeAt: at)
      note(seq, party: by)
      note(seq, party: to)
    case .promiseKept(let id):
      closePromise(id, as: .kept, at: at, seq: seq)
    case .promiseBroken(let id):
      closePromise(id, as: .broken, at: at, seq: seq)
    case .stressBegan(let id, let kind, let severity, let scope, let note):
      owners[id] = .stress
      stresses[id] = StressWindow(id: id, kind: kind, severity: severity, scope: scope, note: note, beganAt: at)
      adjustStress(scope, by: 1)
      if case .employee(let emp) = scope { self.note(seq, employee: emp) }
    case .stressEnded(let id):
      guard let window = stresses[id], window.open else { return }
      stresses[id]?.endedAt = at
      adjustStress(window.scope, by: -1)
    case .feedbackReceived(let id, let raw, let about, _):
      let score = min(max(raw, 0), 10)
      tally.feedbackResponses &+= 1
      if score >= 9 { tally.feedbackPromoters &+= 1 }
      if score <= 6 { tally.feedbackDetractors &+= 1 }
      // One look-up of the customer for all of its counters.
      customers[id]?.countFeedback(score, at: at)
      note(seq, party: id)
      if let about { note(seq, employee: about) }
    case .complaintReceived(let id, let about, _, _):
      tally.complaints &+= 1
      customers[id]?.complaints &+= 1
      customers[id]?.everComplained = true
      customers[id]?.openLoops.append(at)
      note(seq, party: id)
      if let about { note(seq, employee: about) }
    case .followUpMade(let id, let by, _):
      if let loops = customers[id]?.openLoops, !loops.isEmpty {
        for opened in loops {
          tally.loopsClosed &+= 1
          if at.seconds &- opened.seconds <= 48 * 3600 { tally.loopsClosedWithin48h &+= 1 }
        }
        customers[id]?.openLoops = []
      }
      note(seq, party: id)
      note(seq, employee: by)
    case .pulseRecorded(_, let raw):
      // Anonymous: counted, never tied to anyone.
      let score = min(max(raw, 0), 10)
      tally.pulseResponses &+= 1
      if score >= 9 { tally.pulsePromoters &+= 1 }
      if score <= 6 { tally.pulseDetractors &+= 1 }
    case .deficiencyIdentified(let id, let what, let area, let baseline, let target):
      owners[id] = .deficiency
      deficiencies[id] = Deficiency(
        id: id, what: what, area: area, baseline: baseline, target: target, identifiedAt: at)
    case .actionPlanned(let id, let deficiency, let owner, let due, let what):
      owners[id] = .action
      actions[id] = Action(id: id, deficiency: deficiency, owner: owner, due: due, what: what, plannedAt: at)
      note(seq, employee: owner)
    case .actionCompleted(let id):
      actions[id]?.doneAt = at
      tally.actionsDone &+= 1
    case .eventRetracted(let target, _):
      retracted.insert(target)
    case .subjectForgotten(let id, _):
      forgotten[id] = seq
    }
  }

  /// Counts `recorded` as folded without applying it: an event a retraction
  /// took back keeps its place in the log and nothing else.
  public mutating func pass(_ recorded: RecordedEvent) {
    _ = advance(recorded)
  }

  /// Moves the head to `recorded`; its time, clamped.
  private mutating func advance(_ recorded: RecordedEvent) -> Timestamp {
    // Values come from a file no rule may have checked (a hand-made or forged
    // log): they are brought into range, and counters wrap, so nothing traps.
    let at = recorded.occurredAt.clamped
    headSeq = recorded.seq
    headTime = at
    eventCount &+= 1
    return at
  }

  /// Forgets every observation counted so far, keeping who is who: the
  /// start of a `window=` (SPEC §5). Lifecycle facts (who is active, their
  /// departments, champions, training, promises, the last `lead`) stay; the
  /// matrix, the culture tallies and each party's observed figures restart,
  /// so folding the window's events on top counts only those.
  public mutating func clearObservations() {
    matrix = MatrixTally()
    matrixByDept = [:]
    var kept = CultureTally()
    kept.leadsEver = tally.leadsEver
    kept.lastLead = tally.lastLead
    tally = kept
    for index in employees.values.indices {
      employees.values[index].served = Tally()
      employees.values[index].servedCustomers = Tally()
      employees.values[index].receivedStaff = Tally()
    }
    for index in customers.values.indices {
      customers.values[index].interactions = Tally()
      customers.values[index].hadNegativeInteraction = false
      customers.values[index].complaints = 0
      customers.values[index].feedbackCount = 0
      customers.values[index].feedbackSum = 0
      customers.values[index].feedbackGood = 0
      customers.values[index].hadLowFeedback = false
      customers.values[index].openLoops = []
    }
    for index in partners.values.indices { partners.values[index].received = Tally() }
  }

  /// Whether an open stress window applies to employee `id` right now.
  public func isStressed(employee id: String, dept: String) -> Bool {
    openOrgStress > 0 || (!openDeptStress.isEmpty && openDeptStress[dept, default: 0] > 0)
      || (!openEmployeeStress.isEmpty && openEmployeeStress[id, default: 0] > 0)
  }

  // The hot path of every rebuild: one hash lookup per dictionary touched,
  // and entities mutated in place rather than copied out and written back.
  private mutating func logInteraction(seq: Int, by: String, with: String, mode: Mode, outcome: Int) {
    let byIndex = employees.index(forKey: by)
    let dept = byIndex.map { employees.values[$0].dept } ?? ""
    let condition: Condition = isStressed(employee: by, dept: dept) ? .stress : .normal
    // Ids are unique across kinds, so finding `with` among customers (the
    // usual party) settles its kind without a second lookup in `owners`.
    let customerIndex = customers.index(forKey: with)
    let audience: Audience = customerIndex != nil ? .customers : .staff
    let relationship = audience == .customers && mode == .relationship
    matrix[audience, condition].add(outcome)
    if relationship { matrix.customerRelationship &+= 1 }
    if let index = matrixByDept.index(forKey: dept) {
      matrixByDept.values[index][audience, condition].add(outcome)
      if relationship { matrixByDept.values[index].customerRelationship &+= 1 }
    } else {
      var tally = MatrixTally()
      tally[audience, condition].add(outcome)
      if relationship { tally.customerRelationship &+= 1 }
      matrixByDept[dept] = tally
    }
    if let index = byIndex {
      employees.values[index].served.add(outcome)
      if audience == .customers { employees.values[index].servedCustomers.add(outcome) }
      employees.values[index].recent.remember(seq)
    }
    if let index = customerIndex {
      customers.values[index].interactions.add(outcome)
      customers.values[index].lastOutcome = outcome
      if outcome < 0 { customers.values[index].hadNegativeInteraction = true }
      customers.values[index].recent.remember(seq)
    } else if let index = employees.index(forKey: with) {
      employees.values[index].receivedStaff.add(outcome)
      employees.values[index].recent.remember(seq)
    } else if let index = partners.index(forKey: with) {
      partners.values[index].received.add(outcome)
      partners.values[index].recent.remember(seq)
    }
  }

  private mutating func closePromise(_ id: String, as status: PromiseStatus, at: Timestamp, seq: Int) {
    guard let promise = promises[id] else { return }
    promises[id]?.status = status
    promises[id]?.closedAt = at
    note(seq, party: promise.by)
    note(seq, party: promise.to)
  }

  private mutating func adjustStress(_ scope: StressScope, by delta: Int) {
    switch scope {
    case .org: openOrgStress += delta
    case .department(let dept):
      let count = openDeptStress[dept, default: 0] + delta
      openDeptStress[dept] = count == 0 ? nil : count
    case .employee(let id):
      let count = openEmployeeStress[id, default: 0] + delta
      openEmployeeStress[id] = count == 0 ? nil : count
    }
  }

  private mutating func note(_ seq: Int, employee id: String) {
    employees[id]?.recent.remember(seq)
  }

  private mutating func note(_ seq: Int, party id: String) {
    switch owners[id] {
    case .employee?: note(seq, employee: id)
    case .customer?: customers[id]?.recent.remember(seq)
    case .partner?: partners[id]?.recent.remember(seq)
    default: break
    }
  }
}

extension Customer {
  fileprivate mutating func countFeedback(_ score: Int, at: Timestamp) {
    feedbackCount &+= 1
    feedbackSum &+= score
    if score >= 7 { feedbackGood &+= 1 }
    if score <= 6 {
      hadLowFeedback = true
      openLoops.append(at)
    }
  }
}

extension Array where Element == Int {
  /// Appends `seq` once, keeping only the latest ``recentLimit`` entries.
  mutating func remember(_ seq: Int) {
    if last == seq { return }
    if count >= recentLimit { removeFirst(count - recentLimit + 1) }
    append(seq)
  }
}
