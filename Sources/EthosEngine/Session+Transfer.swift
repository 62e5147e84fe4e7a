import EthosDomain
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Session {
  // MARK: export

  /// `ethos export`: every event of the current branch (shared history
  /// included) as JSON Lines, one whole envelope per line, in seq order.
  /// Returns `false` when the store could not be read.
  /// With `keysPath`, also writes the keys of the parties not forgotten
  /// there (SPEC §13): the export alone holds no key and is safe to hand on.
  @discardableResult
  public func exportTrail(keysPath: String? = nil) -> Bool {
    do throws(EngineError) {
      if let keysPath {
        let keys: PartyKeys
        do { keys = try store.partyKeys() } catch { throw .store(error) }
        try KeyFile.write(keys.keys, to: keysPath)
      }
      do {
        let head = try store.head(of: branch).seq
        try store.read(branch, from: 1, to: head) { envelope in emit(envelope.jsonLine, sealed: true) }
      } catch {
        throw .store(error)
      }
    } catch {
      report(error, .repl)
      console.flush()
      return false
    }
    console.flush()
    return true
  }

  // MARK: import

  /// `ethos import FILE`: appends the events of an export to the current
  /// branch exactly as they were sealed.
  ///
  /// Every line is parsed and every hash recomputed before anything is
  /// written; the first bad line is named and nothing is appended. Events
  /// the branch already holds (same seq, same hash) are skipped, so importing
  /// a file twice adds nothing; a file that disagrees with the branch, or
  /// leaves a gap after its head, is refused. Returns `false` on failure.
  ///
  /// With `keysPath`, restores the parties' keys written by `export --keys`
  /// once they are checked to open this log's sealed data (SPEC §13).
  @discardableResult
  public func importTrail(path: String, displayName: String? = nil, keysPath: String? = nil) -> Bool {
    let name = displayName ?? path
    do {
      let keys = try keysPath.map { path throws(EngineError) in try KeyFile.read(path) }
      try importEnvelopes(path: path, name: name, keys: keys.map { ($0, keysPath!) })
    } catch {
      report(error, .repl)
      console.flush()
      return false
    }
    console.flush()
    return true
  }

  /// Two passes over the file, so that memory does not grow with it (SPEC
  /// §7): the first checks every line (its form and hash, its place in the
  /// branch's chain, the rules it must keep), the second appends the new
  /// events in one transaction and makes sure they are the ones checked.
  func importEnvelopes(path: String, name: String, keys: (table: [String: [UInt8]], path: String)? = nil)
    throws(EngineError)
  {
    let head: Head
    do { head = try store.head(of: branch) } catch { throw .store(error) }
    try catchUp()
    let checked = try ExportCheck(store: store, branch: branch, name: name, head: head).run(path: path, from: state)
    guard checked.lines > 0 else {
      emit(Notice.importEmpty(name))
      return
    }
    if let refusal = checked.refusal { throw refusal }
    guard let firstNew = checked.firstNew, let lastNew = checked.lastNew else {
      try restoreKeys(keys, state: checked.state)
      emit(Notice.importNothingNew(name, count: checked.lines, branch: branch))
      return
    }
    try restoreKeys(keys, state: checked.state)
    guard var reader = LineReader(path: path, maxLength: Session.maxExportLine) else {
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
    if checked.retracts {
      state = try loadState(upTo: nil)
    } else {
      state = checked.state
      snapshotIfDue()
    }
    emit(
      Notice.imported(
        lastNew.seq - firstNew.seq + 1, branch: branch, from: firstNew.seq, to: lastNew.seq,
        alreadyThere: checked.lines - (lastNew.seq - firstNew.seq + 1)))
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

  /// The longest line `import` reads: an envelope of the longest statement,
  /// every character escaped, is far shorter.
  static let maxExportLine = 1 << 18
}
