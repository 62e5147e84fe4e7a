import EthosStore

/// The branches job's own state and rules: the clock each branch had when
/// the session left it (SPEC §3.2), and how deep a line of what-ifs may go.
struct Branches {
  /// How many branches deep a line of what-ifs may go: each read of a branch
  /// walks its parents, so a chain hundreds deep made every query crawl.
  static let maxDepth = 50

  private var clocks: [String: ClockSetting] = [:]

  /// Remembers the clock `branch` had as the session leaves it.
  mutating func leave(_ branch: String, clock: ClockSetting) {
    clocks[branch] = clock
  }

  /// The clock `branch` had when the session left it; a branch not visited
  /// yet follows the wall clock, as a new session does.
  func clock(of branch: String) -> ClockSetting {
    clocks[branch] ?? .live
  }

  /// Refuses a branch `name` forked from `parent` when `parent` is already
  /// `maxDepth` forks from a branch of its own.
  static func checkDepth(forking name: String, from parent: String, in store: any EventStore) throws(EngineError) {
    var depth = 0
    do {
      var line = try store.branch(parent)
      while let grandparent = line?.parent, depth <= maxDepth {
        depth += 1
        line = try store.branch(grandparent)
      }
    } catch {
      throw .store(error)
    }
    guard depth < maxDepth else { throw .branchTooDeep(name, parent: parent, limit: maxDepth) }
  }

  /// The clock of a branch forked from `parent` at `seq`: a branch forked
  /// from the past stays in the past, fixed at the fork point's time; with
  /// no `from=` it keeps `current`.
  static func clock(forkedAt seq: Int?, from parent: String, current: ClockSetting, in store: any EventStore)
    throws(EngineError) -> ClockSetting
  {
    guard let seq else { return current }
    let envelope: Envelope?
    do { envelope = try store.event(parent, seq: seq) } catch { throw .store(error) }
    return envelope.map { .fixed($0.occurredAt) } ?? current
  }
}
