import Dispatch
import EthosStore

/// One batch appended on another thread while the session decides the next
/// (`import-csv`, SPEC §17): the transaction — hashing the chain, the
/// inserts, freeing the batch — is about a fifth of an import, and the second
/// core takes it. Nothing is reported done before `wait()` says it landed.
///
/// `@unchecked Sendable` because the session hands the store and the batch
/// over whole: it does not touch the store, nor read these fields, until
/// `wait()` returns, and the semaphore orders the two threads' memory.
final class BackgroundCommit: @unchecked Sendable {
  /// How a commit ended.
  enum Outcome {
    /// Stored: what the batch's statements said, to print now.
    case stored(output: [(isError: Bool, text: String)])
    /// Not stored: the batch as it was handed over, its keys, and why.
    case failed(Batch, keys: KeyChange, StoreError)
  }

  private let store: any EventStore
  private let branch: String
  private let keys: KeyChange
  private var batch: Batch?
  private var failure: StoreError?
  private let output: [(isError: Bool, text: String)]
  private let done = DispatchSemaphore(value: 0)

  init(_ batch: Batch, keys: KeyChange, store: any EventStore, branch: String) {
    self.store = store
    self.branch = branch
    self.keys = keys
    self.output = batch.output
    self.batch = batch
    DispatchQueue.global().async { self.run() }
  }

  private func run() {
    defer { done.signal() }
    guard let open = batch else { return }
    do {
      _ = try store.append(open.events, to: branch, expectedHead: open.startHead, keys: keys)
      // Freed here, on this thread: the batch is not needed once stored.
      batch = nil
    } catch {
      failure = error
    }
  }

  /// Waits for the append to end.
  func wait() -> Outcome {
    done.wait()
    if let failure, let batch { return .failed(batch, keys: keys, failure) }
    return .stored(output: output)
  }
}
