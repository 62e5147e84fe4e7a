import EthosDomain
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The transfer job: a branch's events out as JSON Lines (`export`) and an
/// export's events back in (`import`), exactly as they were sealed, with the
/// parties' keys when asked (SPEC §13).
struct Transfer {
  let store: any EventStore
  let branch: String
  let keyring: Keyring

  /// The longest line `import` reads: an envelope of the longest statement,
  /// every character escaped, is far shorter.
  static let maxLine = 1 << 18

  /// Writes the keys of the parties not forgotten to `keysPath`, when given,
  /// then hands every event of the branch (shared history included) to
  /// `emit` as one envelope per line, in seq order. The export alone holds
  /// no key and is safe to hand on.
  func export(keysPath: String?, emit: (String) -> Void) throws(EngineError) {
    if let keysPath {
      let keys: PartyKeys
      do { keys = try store.partyKeys() } catch { throw .store(error) }
      try KeyFile.write(keys.keys, to: keysPath)
    }
    do {
      let head = try store.head(of: branch).seq
      try store.read(branch, from: 1, to: head) { envelope in emit(envelope.jsonLine) }
    } catch {
      throw .store(error)
    }
  }

  /// What an import appended.
  enum Imported {
    /// The file holds no event.
    case empty
    /// Every event of the file is on the branch already.
    case nothingNew(lines: Int)
    /// `count` events appended, seqs `from`…`to`; `state` is the branch's
    /// state after them, `nil` when a retraction means it must be loaded.
    case appended(count: Int, from: Int, to: Int, alreadyThere: Int, state: State?)
  }

  /// Appends the events of the export at `path` that come after `head`, the
  /// branch's head when `state` was read.
  ///
  /// Two passes over the file, so that memory does not grow with it (SPEC
  /// §7): the first checks every line (its form and hash, its place in the
  /// branch's chain, the rules it must keep), the second appends the new
  /// events in one transaction and makes sure they are the ones checked.
  func importEnvelopes(
    path: String, name: String, keys: (table: [String: [UInt8]], path: String)?, head: Head, state: State
  ) throws(EngineError) -> Imported {
    let checked = try ExportCheck(store: store, branch: branch, name: name, head: head).run(path: path, from: state)
    guard checked.lines > 0 else { return .empty }
    if let refusal = checked.refusal { throw refusal }
    try restoreKeys(keys, state: checked.state)
    guard let firstNew = checked.firstNew, let lastNew = checked.lastNew else {
      return .nothingNew(lines: checked.lines)
    }
    guard var reader = LineReader(path: path, maxLength: Transfer.maxLine) else {
      throw .importUnreadable(name, String(cString: strerror(errno)))
    }
    var lastHash = head.hash
    do {
      try store.appendSealed(to: branch, expectedHead: head.seq) { () throws(StoreError) -> Envelope? in
        while let bytes = reader.next() {
          if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
          guard let text = String(validating: bytes, as: UTF8.self), let envelope = try? Envelope(jsonLine: text)
          else { throw StoreError(.invalid, EngineError.importChanged(name).message) }
          if envelope.seq <= head.seq { continue }
          lastHash = envelope.hash
          return envelope
        }
        // The chain's last hash pins every event before it: the same hash
        // means the same events as were checked.
        guard lastHash == checked.lastHash else { throw StoreError(.invalid, EngineError.importChanged(name).message) }
        return nil
      }
    } catch {
      throw .store(error)
    }
    let count = lastNew.seq - firstNew.seq + 1
    return .appended(
      count: count, from: firstNew.seq, to: lastNew.seq, alreadyThere: checked.lines - count,
      state: checked.retracts ? nil : checked.state)
  }

  /// Stores the keys of a key file, and marks the parties the log forgot,
  /// before the events go in: a key that does not open its party's sealed
  /// name in `state` (the log with the import folded in) refuses the import.
  func restoreKeys(_ keys: (table: [String: [UInt8]], path: String)?, state: State) throws(EngineError) {
    var change = KeyChange(forgotten: state.forgotten.keys.sorted())
    if let keys {
      let check = Keyring(PartyKeys(keys: keys.table))
      for party in keys.table.keys.sorted() where state.forgotten[party] == nil {
        if let name = Session.partyName(party, in: state), Sealed.parse(name) != nil, !check.opens(name) {
          throw .keyFileMismatch(keys.path, party: party)
        }
        change.added[party] = keys.table[party]
      }
    }
    do {
      let current = try store.partyKeys()
      change.forgotten.removeAll { current.forgotten.contains($0) }
      change.added = change.added.filter { current.keys[$0.key] != $0.value }
      try store.changeKeys(change)
      keyring.load(try store.partyKeys())
    } catch {
      throw .store(error)
    }
  }
}
