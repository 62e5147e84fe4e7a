import EthosJSON

/// Which fields of an event are personal data, and whose (SPEC §13).
///
/// A name belongs to its own party; a free text to the statement's customer
/// when it has one, else to the employee acting. Ids, departments, figures,
/// organisational texts (deficiencies, action plans, a stress window over the
/// organisation or a department, what the company says) and the reasons of
/// retractions and forgettings are not personal and stay in clear.
extension Event {
  /// The event with every personal field replaced by `transform(value,
  /// party)`; `isCustomer` tells whether an id names a customer.
  public func mappingPersonal(
    isCustomer: (String) -> Bool, _ transform: (_ value: String, _ party: String) throws -> String
  ) rethrows -> Event {
    let fields = described.fields
    guard fields.contains(where: { $0.owner != nil }) else { return self }
    var pairs = [(String, JSON)]()
    var changed = false
    for field in fields {
      guard let owner = field.owner, case .string(let value) = field.value else {
        pairs.append((field.key, field.value))
        continue
      }
      let party: String
      switch owner {
      case .party(let id): party = id
      case .customer(let customer, let otherwise): party = isCustomer(customer) ? customer : otherwise
      }
      let mapped = try transform(value, party)
      changed = changed || mapped != value
      pairs.append((field.key, .string(mapped)))
    }
    guard changed else { return self }
    // The described fields read back as the event they describe (a test
    // holds every type to it), so this cannot fail but by a broken description.
    guard
      let mapped = try? Event(
        type: type.rawValue, version: type.currentVersion, data: .object(JSONObject(pairs)))
    else { preconditionFailure("\(type.rawValue): its described fields do not read back") }
    return mapped
  }

  /// Each personal field's value with its party, in field order.
  public func personalFields(isCustomer: (String) -> Bool) -> [(value: String, party: String)] {
    var fields: [(value: String, party: String)] = []
    _ = mappingPersonal(isCustomer: isCustomer) { value, party in
      fields.append((value, party))
      return value
    }
    return fields
  }
}
