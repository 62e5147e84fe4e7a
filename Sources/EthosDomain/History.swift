/// What a ``Rebuild`` reads of one branch's past (SPEC §7): its events in
/// seq order, the events of one type alone, and the projection snapshots
/// saved along it.
///
/// The engine reads a store through it; a test reads an array. Nothing in it
/// knows what a retraction is: that is the rebuild's business.
public protocol History {
  /// What a read can throw.
  associatedtype Failure: Error

  /// Calls `body` with every event with `from <= seq <= through`, in seq order.
  func events(from: Int, through: Int, _ body: (RecordedEvent) -> Void) throws(Failure)

  /// Calls `body` with every event of `type` with `from <= seq <= through`,
  /// in seq order, reading no other event: how a rebuild learns what a
  /// range retracts without folding it.
  func events(of type: EventType, from: Int, through: Int, _ body: (RecordedEvent) -> Void) throws(Failure)

  /// The newest snapshot saved at or before `seq` that reads back whole, or
  /// `nil`: the fold of the log up to its own `headSeq` (a cache).
  func snapshot(atOrBefore seq: Int) throws(Failure) -> State?
}
