import Dispatch
import EthosDomain
import EthosStore

/// One conformance suite for every ``EventStore`` backend (SPEC §2, §7): the
/// same bodies run against the in-memory store, SQLite on disk and any
/// backend added later, so the backends cannot drift apart.
///
/// Each check builds its stores with `make` and throws a
/// ``ConformanceFailure`` naming what the backend got wrong.
public enum StoreConformance {
  /// A fresh, empty store of the backend under test.
  public typealias Make = () throws -> any EventStore
  /// A second connection to the same store, as another process would open it.
  public typealias Reopen = (any EventStore) throws -> any EventStore

  /// Every check, by name, in the order they build on each other.
  public static let checks: [(name: String, run: @Sendable (Make, Reopen) throws -> Void)] = [
    ("append seals a chain", appendSealsAChain),
    ("a stale head is a conflict", staleHeadIsAConflict),
    ("branches share history up to their fork point", branchesShareHistory),
    ("reads honour their ranges", readsHonourRanges),
    ("fold rows are the stored events", foldRowsAreTheStoredEvents),
    ("reads by type keep only that type", readsByTypeKeepOnlyThatType),
    ("snapshots are a versioned cache", snapshotsAreAVersionedCache),
    ("sealed import keeps every hash", sealedImportKeepsEveryHash),
    ("sealed import refuses a broken chain", sealedImportRefusesABrokenChain),
    ("errors map to the same codes", errorsMapToTheSameCodes),
    ("concurrent appends never fork", concurrentAppendsNeverFork),
    ("keys are stored with their events", keysAreStoredWithTheirEvents),
    ("forgetting destroys a key for good", forgettingDestroysAKey),
    ("actors are named once, in order, across a fork", actorsAreNamedOnceInOrder),
  ]

  // MARK: keys (SPEC §13)

  static func isConflict(_ code: StoreError.Code?) -> Bool {
    if case .conflict? = code { return true }
    return false
  }

  static func key(_ byte: UInt8) -> [UInt8] { [UInt8](repeating: byte, count: PartyKeys.keyLength) }

  static func keysAreStoredWithTheirEvents(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try require(try store.partyKeys() == PartyKeys(), "a new store holds keys")
    try store.append(pending(1), to: "main", expectedHead: 0, keys: KeyChange(added: ["c0": key(1)]))
    let other = try reopen(store)
    try require(try other.partyKeys().keys == ["c0": key(1)], "a key appended with its event is not read back")
    // The same key again is no change; another key for the party is a conflict
    // (the writer reloads and seals again), and nothing of that write lands.
    try store.append(pending(1, start: 1), to: "main", expectedHead: 1, keys: KeyChange(added: ["c0": key(1)]))
    let clash = code { () throws(StoreError) in
      try store.append(
        pending(1, start: 2), to: "main", expectedHead: 2, keys: KeyChange(added: ["c0": key(2), "c2": key(3)]))
    }
    try require(isConflict(clash), "another key for a party with one is \(String(describing: clash)), not a conflict")
    try require(try store.head(of: "main").seq == 2, "a write whose key clashed appended its events")
    try require(try other.partyKeys().keys == ["c0": key(1)], "a write whose key clashed stored its other keys")
    // Restoring keys alone (an import's --keys): the same is fine, another is refused.
    try store.changeKeys(KeyChange(added: ["c0": key(1), "c9": key(9)]))
    try require(try other.partyKeys().keys == ["c0": key(1), "c9": key(9)], "restored keys are not read back")
    let restoreClash = code { () throws(StoreError) in try store.changeKeys(KeyChange(added: ["c0": key(7)])) }
    try require(restoreClash == .invalid, "restoring another key for a party is \(String(describing: restoreClash))")
  }

  static func forgettingDestroysAKey(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try store.append(pending(2), to: "main", expectedHead: 0, keys: KeyChange(added: ["c0": key(1), "c1": key(2)]))
    try store.append(pending(1, start: 2), to: "main", expectedHead: 2, keys: KeyChange(forgotten: ["c0"]))
    let other = try reopen(store)
    let table = try other.partyKeys()
    try require(table.keys == ["c1": key(2)], "a forgotten party's key is still held: \(table.keys.keys.sorted())")
    try require(table.forgotten == ["c0"], "the forgotten party is not marked: \(table.forgotten)")
    // A forgotten party never gets a key again, by a write or a restore.
    let again = code { () throws(StoreError) in
      try store.append(pending(1, start: 3), to: "main", expectedHead: 3, keys: KeyChange(added: ["c0": key(5)]))
    }
    try require(again == .invalid, "a key for a forgotten party was \(String(describing: again)), not refused")
    try require(try store.head(of: "main").seq == 3, "a write with a key for a forgotten party appended")
    let restored = code { () throws(StoreError) in try store.changeKeys(KeyChange(added: ["c0": key(5)])) }
    try require(restored == .invalid, "restoring a forgotten party's key was \(String(describing: restored))")
    // A forgetting whose append conflicts destroys nothing.
    let stale = code { () throws(StoreError) in
      try store.append(pending(1, start: 4), to: "main", expectedHead: 1, keys: KeyChange(forgotten: ["c1"]))
    }
    try require(isConflict(stale), "a stale forgetting was \(String(describing: stale))")
    try require(try other.partyKeys().keys == ["c1": key(2)], "a forgetting that did not append destroyed a key")
  }

  // MARK: helpers

  /// `count` pending events, the first at `start`, one a minute.
  public static func pending(_ count: Int, start: Int = 0, actor: String = "conformance") -> [PendingEvent] {
    (0..<count).map { index in
      let event = Event.customerRegistered(id: "c\(start + index)", name: "Customer \(start + index)", segment: nil)
      return PendingEvent(
        type: event.type.rawValue, version: event.type.currentVersion,
        occurredAt: Timestamp(seconds: 1_609_459_200 + Int64(start + index) * 60),
        recordedAt: "2021-06-01T00:00:00.000Z", actor: actor, origin: "conformance", command: "customer",
        data: event.canonicalData)
    }
  }

  static func require(_ condition: Bool, _ what: @autoclosure () -> String) throws {
    if !condition { throw ConformanceFailure(message: what()) }
  }

  static func all(_ store: any EventStore, _ branch: String) throws -> [Envelope] {
    var result = [Envelope]()
    try store.read(branch, from: 1, to: Int.max) { result.append($0) }
    return result
  }

  /// The code `body` fails with, or `nil` when it succeeds.
  static func code(_ body: () throws(StoreError) -> Void) -> StoreError.Code? {
    do {
      try body()
      return nil
    } catch {
      return error.code
    }
  }

  // MARK: checks

  static func appendSealsAChain(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try require(try store.head(of: "main") == .empty, "a new store's head is empty")
    let first = try store.append(pending(3), to: "main", expectedHead: 0)
    let second = try store.append(pending(2, start: 3), to: "main", expectedHead: 3)
    let stored = try all(store, "main")
    try require(stored == first + second, "read returns exactly what append returned")
    try require(stored.map(\.seq) == [1, 2, 3, 4, 5], "seqs run 1, 2, 3… without gaps")
    var previous = Envelope.genesisHash
    for envelope in stored {
      try require(envelope.prevHash == previous, "@\(envelope.seq) chains from the hash before it")
      try require(envelope.expectedHash == envelope.hash, "@\(envelope.seq)'s hash covers its contents")
      previous = envelope.hash
    }
    let head = try store.head(of: "main")
    try require(head.seq == 5 && head.hash == previous, "the head is the last event")
    try require(head.occurredAt == stored.last?.occurredAt, "the head carries the last event's time")
    try require(stored.first?.data == pending(1).first?.data, "the payload is kept byte for byte")
    try require(try store.verify("main") == nil, "a store ethos wrote verifies")
  }

  static func staleHeadIsAConflict(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try store.append(pending(2), to: "main", expectedHead: 0)
    let code = code { () throws(StoreError) in _ = try store.append(pending(1, start: 9), to: "main", expectedHead: 1) }
    try require(
      code == .conflict(expected: 1, actual: 2),
      "appending after a stale head is a conflict (got \(String(describing: code)))")
    try require(try store.head(of: "main").seq == 2, "a refused append appends nothing")
  }

  static func branchesShareHistory(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    let main = try store.append(pending(4), to: "main", expectedHead: 0)
    try store.createBranch("storm", from: "main", at: 2)
    try require(try store.head(of: "storm").seq == 2, "a new branch's head is its fork point")
    let own = try store.append(pending(2, start: 20), to: "storm", expectedHead: 2)
    try require(own.first?.prevHash == main[1].hash, "a branch's first event chains from the fork point's hash")
    let storm = try all(store, "storm")
    try require(Array(storm.prefix(2)) == Array(main.prefix(2)), "a branch shares its parent's events up to the fork")
    try require(storm.map(\.seq) == [1, 2, 3, 4], "a branch continues the parent's seqs")
    try require(try all(store, "main") == main, "appending to a branch leaves its parent alone")
    try require(try store.verify("storm") == nil, "a branch verifies")
    try store.createBranch("calm", from: "storm", at: 3)
    try require(try all(store, "calm") == Array(storm.prefix(3)), "a branch of a branch shares both histories")
    let infos = try store.branches()
    try require(infos.map(\.name) == ["main", "storm", "calm"], "branches are listed in creation order")
    try require(
      infos[1] == BranchInfo(name: "storm", parent: "main", forkSeq: 2, head: 4), "a branch knows its parent and fork")
    try require(
      code { () throws(StoreError) in try store.createBranch("storm", from: "main", at: 1) } == .branchExists,
      "a branch name is used once")
    try require(
      code { () throws(StoreError) in try store.createBranch("far", from: "main", at: 9) } == .invalid,
      "a fork point past the parent's head is refused")
    try require(
      code { () throws(StoreError) in try store.createBranch("x", from: "nope", at: 0) } == .unknownBranch,
      "an unknown parent is refused")
  }

  static func actorsAreNamedOnceInOrder(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try store.append(pending(2, actor: "bob"), to: "main", expectedHead: 0)
    try store.append(pending(1, start: 2, actor: "ana"), to: "main", expectedHead: 2)
    try store.append(pending(2, start: 3, actor: "bob"), to: "main", expectedHead: 3)
    try require(try store.actors("main", from: 1, to: 5) == ["bob", "ana"], "each actor once, by first event")
    try require(try store.actors("main", from: 4, to: 9) == ["bob"], "only the range's actors")
    try require(try store.actors("main", from: 6, to: 9).isEmpty, "none past the head")
    try store.createBranch("storm", from: "main", at: 3)
    try store.append(pending(1, start: 10, actor: "cy"), to: "storm", expectedHead: 3)
    try require(try store.actors("storm", from: 2, to: 4) == ["bob", "ana", "cy"], "a branch's range spans its fork")
    try require(try reopen(store).actors("storm", from: 4, to: 4) == ["cy"], "a reopened store names them too")
  }

  static func readsHonourRanges(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try store.append(pending(6), to: "main", expectedHead: 0)
    var seqs = [Int]()
    try store.read("main", from: 2, to: 4) { seqs.append($0.seq) }
    try require(seqs == [2, 3, 4], "read covers from…to inclusive")
    seqs = []
    try store.read("main", from: 5, to: 99) { seqs.append($0.seq) }
    try require(seqs == [5, 6], "read stops at the head")
    seqs = []
    try store.read("main", from: 7, to: 9) { seqs.append($0.seq) }
    try require(seqs.isEmpty, "read past the head reads nothing")
    try require(try store.event("main", seq: 3)?.seq == 3, "one event by seq")
    try require(try store.event("main", seq: 7) == nil, "no event past the head")
    try require(try store.seq(atOrBefore: Timestamp(seconds: 1_609_459_200 + 150), on: "main") == 3, "time to seq")
  }

  static func foldRowsAreTheStoredEvents(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try store.append(pending(5), to: "main", expectedHead: 0)
    var folded = [RecordedEvent]()
    try store.fold("main", from: 2, to: 5) { folded.append(try $0.recorded()) }
    var read = [RecordedEvent]()
    try store.read("main", from: 2, to: 5) { read.append(try $0.recorded()) }
    try require(folded.count == 4 && folded == read, "fold hands out the events read hands out")
  }

  static func readsByTypeKeepOnlyThatType(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try store.append(pending(3), to: "main", expectedHead: 0)
    let retraction = Event.eventRetracted(seq: 2, reason: "wrong")
    try store.append(
      [
        PendingEvent(
          type: retraction.type.rawValue, version: 1, occurredAt: Timestamp(seconds: 1_609_459_200 + 600),
          recordedAt: "2021-06-01T00:00:00.000Z", actor: "conformance", origin: "conformance",
          command: "retract @2 \"wrong\"", data: retraction.canonicalData)
      ], to: "main", expectedHead: 3)
    try store.append(pending(2, start: 10), to: "main", expectedHead: 4)
    try store.createBranch("side", from: "main", at: 4)
    try store.append(pending(1, start: 12), to: "side", expectedHead: 4)
    func typed(_ branch: String, _ type: String, _ from: Int, _ to: Int) throws -> [Envelope] {
      var found = [Envelope]()
      try store.read(branch, type: type, from: from, to: to) { found.append($0) }
      return found
    }
    let stored = try all(store, "main")
    let retracted = try typed("main", retraction.type.rawValue, 1, 6)
    try require(retracted == stored.filter { $0.seq == 4 }, "a read by type hands out the stored event whole")
    try require(try typed("main", retraction.type.rawValue, 1, 3).isEmpty, "a read by type honours its range")
    try require(try typed("side", retraction.type.rawValue, 1, 5).map(\.seq) == [4], "a branch reads its parent's")
    let registered = stored[0].type
    let others = try typed("main", registered, 2, 6)
    try require(others == stored.filter { $0.type == registered && $0.seq >= 2 }, "a type with no index of its own")
    try require(try typed("side", registered, 5, 5) == Array(try all(store, "side").suffix(1)), "a branch's own events")
    try require(try typed("main", "NoSuchType", 1, 6).isEmpty, "an unknown type is no event")
  }

  static func snapshotsAreAVersionedCache(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try store.append(pending(6), to: "main", expectedHead: 0)
    try require(try store.loadSnapshot("main", atOrBefore: 6, version: 1) == nil, "no snapshot yet")
    try store.saveSnapshot("main", seq: 2, version: 1, data: [2])
    try store.saveSnapshot("main", seq: 4, version: 1, data: [4])
    try store.saveSnapshot("main", seq: 5, version: 2, data: [5])
    let found = try store.loadSnapshot("main", atOrBefore: 5, version: 1)
    try require(found?.seq == 4 && found?.data == [4], "the newest snapshot of the version at or before the seq")
    try require(try store.loadSnapshot("main", atOrBefore: 3, version: 1)?.seq == 2, "a bound below the newest")
    try require(try store.loadSnapshot("main", atOrBefore: 6, version: 3) == nil, "another version is ignored")
    try store.saveSnapshot("main", seq: 4, version: 1, data: [44])
    try require(try store.loadSnapshot("main", atOrBefore: 4, version: 1)?.data == [44], "saving again replaces")
  }

  static func sealedImportKeepsEveryHash(_ make: Make, _ reopen: Reopen) throws {
    let source = try make()
    let original = try source.append(pending(5), to: "main", expectedHead: 0)
    let target = try make()
    try target.appendSealed(Array(original.prefix(3)), to: "main", expectedHead: 0)
    try target.appendSealed(Array(original.suffix(2)), to: "main", expectedHead: 3)
    try require(try all(target, "main") == original, "an import keeps seqs, hashes, times and origins")
    try require(try target.head(of: "main").hash == original.last?.hash, "the head is the imported head")
    try require(try target.verify("main") == nil, "an imported store verifies")
    let next = try target.append(pending(1, start: 5), to: "main", expectedHead: 5)
    try require(next.first?.prevHash == original.last?.hash, "appends continue the imported chain")
    try require(try target.verify("main") == nil, "and still verify")
  }

  static func sealedImportRefusesABrokenChain(_ make: Make, _ reopen: Reopen) throws {
    let source = try make()
    var original = try source.append(pending(3), to: "main", expectedHead: 0)
    let target = try make()
    try require(
      code { () throws(StoreError) in try target.appendSealed(Array(original.dropFirst()), to: "main", expectedHead: 0)
      }
        != nil,
      "a file that does not start at the head is refused")
    original[1].hash = String(repeating: "0", count: 64)
    try require(
      code { () throws(StoreError) in try target.appendSealed(original, to: "main", expectedHead: 0) } != nil,
      "an altered hash is refused")
    try require(try target.head(of: "main").seq == 0, "a refused import appends nothing")
    try target.append(pending(1), to: "main", expectedHead: 0)
    try require(
      code { () throws(StoreError) in try target.appendSealed(original, to: "main", expectedHead: 0) }
        == .conflict(expected: 0, actual: 1),
      "a stale head is a conflict")
  }

  struct BodyFailure: Error {}

  static func errorsMapToTheSameCodes(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    try store.append(pending(2), to: "main", expectedHead: 0)
    try require(
      code { () throws(StoreError) in _ = try store.head(of: "nope") } == .unknownBranch, "head of an unknown branch")
    try require(
      code { () throws(StoreError) in try store.read("nope", from: 1, to: 2) { _ in } } == .unknownBranch,
      "read of an unknown branch")
    try require(
      code { () throws(StoreError) in _ = try store.append(pending(1), to: "nope", expectedHead: 0) } == .unknownBranch,
      "append to an unknown branch")
    let failing = code { () throws(StoreError) in try store.read("main", from: 1, to: 2) { _ in throw BodyFailure() } }
    try require(
      failing == .io,
      "an error thrown while reading is an I/O failure, not a store that cannot open (got \(String(describing: failing)))"
    )
  }

  /// Two threads append 100 batches each, catching up on conflicts: the log
  /// holds all 200 batches once each, in one chain.
  static func concurrentAppendsNeverFork(_ make: Make, _ reopen: Reopen) throws {
    let store = try make()
    let connections = [store, try reopen(store)]
    let lock = DispatchSemaphore(value: 1)
    let group = DispatchGroup()
    nonisolated(unsafe) var failures = [String]()
    for writer in 0..<2 {
      // Each writer is confined to its own thread; the store serializes (SQLite) or locks (memory).
      nonisolated(unsafe) let store = connections[writer]
      DispatchQueue.global().async(group: group) {
        for batch in 0..<100 {
          var attempts = 0
          while true {
            attempts += 1
            do throws(StoreError) {
              let head = try store.head(of: "main").seq
              try store.append(
                pending(1, start: writer * 1000 + batch, actor: "w\(writer)"), to: "main", expectedHead: head)
              break
            } catch {
              if case .conflict = error.code, attempts < 1000 { continue }
              lock.wait()
              failures.append("\(error)")
              lock.signal()
              return
            }
          }
        }
      }
    }
    group.wait()
    try require(failures.isEmpty, "appends failed: \(failures.prefix(3))")
    let stored = try all(store, "main")
    try require(stored.map(\.seq) == Array(1...200), "200 events, no gap, no duplicate")
    try require(Set(stored.map(\.data)).count == 200, "each append stored once")
    try require(try store.verify("main") == nil, "one chain, never a fork")
  }
}

/// What a backend got wrong, in words.
public struct ConformanceFailure: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
