import EthosDomain
import EthosStore

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
      try transfer.export(keysPath: keysPath) { emit($0, sealed: true) }
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

  /// The transfer job on the current branch.
  var transfer: Transfer { Transfer(store: store, branch: branch, keyring: keyring) }

  /// Appends the new events of the export at `path` and says how many.
  func importEnvelopes(path: String, name: String, keys: (table: [String: [UInt8]], path: String)? = nil)
    throws(EngineError)
  {
    let head: Head
    do { head = try store.head(of: branch) } catch { throw .store(error) }
    try catchUp()
    switch try transfer.importEnvelopes(path: path, name: name, keys: keys, head: head, state: state) {
    case .empty:
      emit(Notice.importEmpty(name))
    case .nothingNew(let lines):
      emit(Notice.importNothingNew(name, count: lines, branch: branch))
    case .appended(let count, let from, let to, let alreadyThere, let folded):
      if let folded {
        state = folded
        snapshotIfDue()
      } else {
        state = try loadState(upTo: nil)
      }
      emit(Notice.imported(count, branch: branch, from: from, to: to, alreadyThere: alreadyThere))
    }
  }
}
