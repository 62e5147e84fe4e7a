import EthosDomain
import EthosLanguage
import EthosStore

/// Personal data (SPEC §13): sealed as it is written, shown as it is read.
extension Session {
  /// `events` with every personal field sealed under its party's key, and
  /// the statement text to store with them, its personal words sealed in
  /// place (the same parties' keys), so nothing personal is stored in clear.
  func sealPersonal(_ events: [Event], line: String) throws(EngineError) -> (events: [Event], command: String) {
    let command = line.trimmingSpaces
    guard sealsPersonalData else { return (events, command) }
    var registered = Set<String>()
    for case .customerRegistered(let id, _, _, _) in events { registered.insert(id) }
    let customers = state.customers
    let isCustomer = { (id: String) in customers[id] != nil || registered.contains(id) }
    var fields: [(value: String, party: String)] = []
    for event in events { fields += event.personalFields(isCustomer: isCustomer) }
    guard !fields.isEmpty else { return (events, command) }
    // The key table is read on first need: one that cannot be read fails
    // the write as a store failure, as it failed opening when read there.
    do { try keyring.loadIfNeeded() } catch { throw .store(error) }
    // A party of the log with no key here: another process may have made it.
    if fields.contains(where: { !keyring.hasKey($0.party) && state.owners[$0.party] != nil }) { reloadKeys() }
    do {
      // A value written in the statement exactly as it is stored (a name, a
      // comment with no escapes) is sealed once: the payload field and the
      // word of the command carry the same token. Both sit in the same
      // envelope, so sharing it tells no one more than either does; it
      // halves the AES-GCM calls of a survey import. Tokens are never shared
      // across statements.
      var seals = SealedTokens(keyring: keyring)
      let sealed = try events.map { event in
        try event.mappingPersonal(isCustomer: isCustomer) { value, party in try seals.seal(value, for: party) }
      }
      return (sealed, try sealWords(of: command, fields: fields, ids: Set(events.flatMap(\.ids)), tokens: &seals))
    } catch let error as StoreError {
      keyring.discardPending()
      throw EngineError(error.message)
    } catch {
      keyring.discardPending()
      throw EngineError("\(error)")
    }
  }

  /// `command` with each word that holds a personal value sealed where it is
  /// written (quotes and escapes kept outside and inside the seal, so the
  /// revealed text is the statement as typed). A word that is an id of the
  /// statement stays in clear unless quoted; the verb always does.
  private func sealWords(
    of command: String, fields: [(value: String, party: String)], ids: Set<String>, tokens seals: inout SealedTokens
  ) throws(StoreError) -> String {
    var owner: [String: String] = [:]
    for field in fields where owner[field.value] == nil { owner[field.value] = field.party }
    guard let tokens = try? Tokenizer.tokenize(command) else {
      // It parsed a moment ago; if it did not, keep none of it in clear.
      return try keyring.seal(command, for: fields[0].party)
    }
    let sealed = tokens.dropFirst().filter { token in
      owner[token.text] != nil && (token.quoted || !ids.contains(token.text)) && !token.source.isEmpty
    }
    guard !sealed.isEmpty else { return command }
    // Token offsets count characters; in an ASCII line (nearly every one)
    // a character is a byte, and bytes are far cheaper to cut and join.
    if command.utf8.allSatisfy({ $0 < 0x80 }) {
      var bytes = Array(command.utf8)
      for token in sealed.reversed() where token.source.upperBound <= bytes.count {
        let written = String(decoding: bytes[token.source], as: UTF8.self)
        bytes.replaceSubrange(token.source, with: Array(try seals.seal(written, for: owner[token.text]!).utf8))
      }
      return String(decoding: bytes, as: UTF8.self)
    }
    var characters = Array(command)
    for token in sealed.reversed() where token.source.upperBound <= characters.count {
      let written = String(characters[token.source])
      characters.replaceSubrange(token.source, with: Array(try seals.seal(written, for: owner[token.text]!)))
    }
    return String(characters)
  }

  /// Takes the store's key table (keys another process made, parties it forgot).
  func reloadKeys() {
    if let table = try? store.partyKeys() { keyring.load(table) }
  }

  /// After `forget ID`: says plainly what could not be erased, when ID was
  /// recorded before personal data was sealed (envelope version 1).
  func noteClearData(of id: String) {
    guard let name = Session.partyName(id, in: state), Sealed.parse(name) == nil else { return }
    emitText(Notice.clearDataRemains(id))
  }

  /// The name an employee, customer or partner was recorded under (sealed or not).
  static func partyName(_ id: String, in state: State) -> String? {
    state.employees[id]?.name ?? state.customers[id]?.name ?? state.partners[id]?.name
  }
}

/// The tokens sealed for one statement, by party and text, so the same text
/// of the same party is sealed once in it (see `sealPersonal`).
struct SealedTokens {
  let keyring: Keyring
  private var made: [String: [String: String]] = [:]

  init(keyring: Keyring) { self.keyring = keyring }

  mutating func seal(_ value: String, for party: String) throws(StoreError) -> String {
    if let token = made[party]?[value] { return token }
    let token = try keyring.seal(value, for: party)
    made[party, default: [:]][value] = token
    return token
  }
}
