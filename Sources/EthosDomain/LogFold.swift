/// How the log folds as known at one seq, its horizon: ``State/evolve(_:)``,
/// leaving out every event that a retraction at or before the horizon takes
/// back.
///
/// A retraction comes after the event it retracts, and `evolve` cannot take
/// back what it counted, so a fold must know the retractions before it
/// reaches their targets: ``Rebuild/fold(knownBy:)`` learns them from the
/// retractions alone.
public struct LogFold: Sendable, Equatable {
  /// The seqs this fold leaves out.
  var leftOut: Set<Int> = []

  /// A fold that leaves nothing out but what `evolve` itself does.
  public init() {}

  /// Folds `recorded` into `state`; an event left out only moves its head.
  public func evolve(_ state: inout State, _ recorded: RecordedEvent) {
    if !leftOut.isEmpty, leftOut.contains(recorded.seq) {
      state.pass(recorded)
    } else {
      state.evolve(recorded)
    }
  }
}
