/// The things of the current state a word of a statement can name.
///
/// Each case is a rule of SPEC §3.1 about who or what a statement may name
/// ("EMP must be active and not a champion yet"). ``State/admits(_:as:besides:)``
/// is that rule as a predicate: the decider refuses by it, and the REPL's
/// completer offers what ``State/candidates(for:besides:)`` lists by it, so
/// what Tab offers and what the decider accepts cannot drift apart.
public enum Reference: Sendable, Equatable, CaseIterable {
  case activeEmployee
  /// Any employee ever hired (departed ones too).
  case knownEmployee
  /// An active employee or the word `company` (`say`).
  case employeeOrCompany
  /// An active employee with level=leader (`lead`).
  case leader
  /// An active employee who is not a champion yet.
  case championCandidate
  case champion
  /// An active employee not on the service team.
  case teamCandidate
  case teamMember
  case activeCustomer
  /// Any customer ever registered (lost ones too).
  case knownCustomer
  case engagedPartner
  /// An active customer, active employee or engaged partner, other than the
  /// employee named earlier in the statement.
  case party
  /// Any employee, partner or customer ever recorded and not yet forgotten.
  case knownParty
  case openPromise
  case openStress
  case deficiency
  case openAction
  /// A department someone was hired into.
  case department
  /// A customer segment in use.
  case segment
  /// Any id of the log.
  case anyId
}

extension State {
  /// Whether `id` may fill a word of kind `reference` now. `employee` is the
  /// employee named earlier in the same statement: a party is anyone else.
  /// Nothing more is recorded about a forgotten party (SPEC §13), so only
  /// ``Reference/anyId`` (which queries use) admits one.
  public func admits(_ id: String, as reference: Reference, besides employee: String? = nil) -> Bool {
    if reference != .anyId, !forgotten.isEmpty, forgotten[id] != nil { return false }
    switch reference {
    case .activeEmployee: return employees[id]?.active == true
    case .knownEmployee: return employees[id] != nil
    case .employeeOrCompany: return id == companySpeaker || employees[id]?.active == true
    case .leader: return employees[id].map { $0.active && $0.level == .leader } == true
    case .championCandidate: return employees[id].map { $0.active && !$0.champion } == true
    case .champion: return employees[id]?.champion == true
    case .teamCandidate: return employees[id].map { $0.active && !$0.onTeam } == true
    case .teamMember: return employees[id]?.onTeam == true
    case .activeCustomer: return customers[id]?.active == true
    case .knownCustomer: return customers[id] != nil
    case .engagedPartner: return partners[id]?.active == true
    case .party:
      return id != employee
        && (customers[id]?.active == true || employees[id]?.active == true || partners[id]?.active == true)
    case .knownParty: return employees[id] != nil || customers[id] != nil || partners[id] != nil
    case .openPromise: return promises[id]?.status == .open
    case .openStress: return stresses[id]?.open == true
    case .deficiency: return deficiencies[id] != nil
    case .openAction: return actions[id]?.open == true
    case .department: return departments.contains(id)
    case .segment: return customers.values.contains { $0.segment == id }
    case .anyId: return owners[id] != nil
    }
  }

  /// Every id ``admits(_:as:besides:)`` admits for `reference`, sorted: what
  /// completion offers.
  public func candidates(for reference: Reference, besides employee: String? = nil) -> [String] {
    let pool: [String]
    switch reference {
    case .activeEmployee, .knownEmployee, .leader, .championCandidate, .champion, .teamCandidate, .teamMember:
      pool = Array(employees.keys)
    case .employeeOrCompany: pool = Array(employees.keys) + [companySpeaker]
    case .activeCustomer, .knownCustomer: pool = Array(customers.keys)
    case .engagedPartner: pool = Array(partners.keys)
    case .party, .knownParty: pool = Array(employees.keys) + Array(customers.keys) + Array(partners.keys)
    case .openPromise: pool = Array(promises.keys)
    case .openStress: pool = Array(stresses.keys)
    case .deficiency: pool = Array(deficiencies.keys)
    case .openAction: pool = Array(actions.keys)
    case .department: return departments.sorted()
    case .segment: return Set(customers.values.compactMap(\.segment)).sorted()
    case .anyId: return owners.keys.sorted()
    }
    return pool.filter { admits($0, as: reference, besides: employee) }.sorted()
  }
}
