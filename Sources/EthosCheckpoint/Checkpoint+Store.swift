import Crypto
import EthosDomain
import EthosStore

extension Checkpoint {
  /// Signs where `branch` of `store` ends now, at `time`, with the key
  /// `key` returns.
  ///
  /// Refuses an empty branch (there is no head to vouch for) and a branch
  /// whose chain does not verify: a checkpoint vouches for every event up
  /// to its head, so it is never signed over a damaged log. `key` is called
  /// after the cheap check of the head and before the whole chain is read:
  /// no key is made for an empty branch, and a key that cannot be used is
  /// reported before a long verification.
  public static func take(
    _ store: any EventStore, branch: String, time: Timestamp,
    key: () throws(CheckpointError) -> Curve25519.Signing.PrivateKey
  ) throws(CheckpointError) -> Checkpoint {
    let head: Head
    let first: Envelope?
    let signingKey: Curve25519.Signing.PrivateKey
    do {
      head = try store.head(of: branch)
      guard head.seq > 0 else { throw CheckpointError.emptyBranch(branch) }
      signingKey = try key()
      if let broken = try store.verify(branch) { throw CheckpointError.chainBroken(branch, broken) }
      first = try store.event(branch, seq: 1)
    } catch let error as CheckpointError {
      throw error
    } catch let error as StoreError {
      throw .store(error)
    } catch {
      throw CheckpointError(.store, String(describing: error))
    }
    guard let first else { throw .emptyBranch(branch) }
    return try signed(log: first.hash, branch: branch, head: head, time: time, key: signingKey)
  }

  /// Checks this checkpoint against `store`: its signature (and signer,
  /// when `trustedSigner` names one), that it is a checkpoint of this log,
  /// and that its branch still holds an event at its seq with its hash.
  /// Returns the line saying what was proven; `name` is the file's, for
  /// messages. The chain itself is checked apart (`EventStore.verify`).
  public func check(
    _ store: any EventStore, name: String, trustedSigner: [UInt8]? = nil
  ) throws(CheckpointError) -> String {
    guard signatureIsValid else { throw .badSignature(name) }
    if let trustedSigner, trustedSigner != publicKey {
      throw .untrustedSigner(
        name, signer: signerFingerprint, trusted: Checkpoint.fingerprint(of: trustedSigner))
    }
    do {
      guard let info = try store.branch(branch) else {
        // Name the log first: a checkpoint of another log's branch is that.
        let root = try store.branches().first { $0.parent == nil }?.name ?? "main"
        let first = try store.branch(root) == nil ? nil : try store.event(root, seq: 1)
        if let first, first.hash != log { throw CheckpointError.anotherLog(name, expected: log, found: first.hash) }
        throw CheckpointError.unknownBranch(name, branch)
      }
      let head = try store.head(of: info.name)
      let first = head.seq >= 1 ? try store.event(branch, seq: 1) : nil
      if first == nil || head.seq < seq {
        // Every event gone, or the last ones: the log was cut short.
        if let first, first.hash != log { throw CheckpointError.anotherLog(name, expected: log, found: first.hash) }
        throw CheckpointError.cutShort(name, seq: seq, branch: branch, head: head.seq)
      }
      if let first, first.hash != log { throw CheckpointError.anotherLog(name, expected: log, found: first.hash) }
      guard let event = try store.event(branch, seq: seq) else {
        throw CheckpointError.missingEvent(name, seq: seq, branch: branch)
      }
      guard event.hash == hash else {
        throw CheckpointError.rewritten(name, seq: seq, expected: hash, found: event.hash)
      }
      return CheckpointNotice.holds(name, self, head: head.seq)
    } catch let error as CheckpointError {
      throw error
    } catch let error as StoreError {
      throw .store(error)
    } catch {
      throw CheckpointError(.store, String(describing: error))
    }
  }
}
