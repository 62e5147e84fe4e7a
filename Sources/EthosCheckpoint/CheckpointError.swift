import EthosDomain
import EthosStore

/// Why a checkpoint could not be taken, read or upheld: one line for the
/// user, and what kind of failure it is (the exit code follows from it).
/// Every sentence this module prints is built in this file.
public struct CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Code: Sendable, Equatable {
    /// The input cannot be used: a malformed checkpoint or key file, a
    /// missing key, a bad `--signer` (bad usage: exit 2).
    case unusable
    /// A check failed: the log does not match the checkpoint, or the
    /// checkpoint's signature does not verify (exit 1).
    case failed
    /// The store could not be read (exit 3).
    case store
  }

  public let code: Code
  public let message: String

  init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }

  // MARK: checkpoint files

  static func malformed(_ name: String, _ problem: String) -> CheckpointError {
    CheckpointError(.unusable, "checkpoint '\(name)' \(problem)")
  }

  static func cannotRead(_ name: String, _ reason: String) -> CheckpointError {
    CheckpointError(.unusable, "cannot read checkpoint '\(name)': \(reason)")
  }

  public static let badSigner = CheckpointError(
    .unusable,
    "--signer takes the 64 hex digits of an Ed25519 public key (the 'public-key' line of a checkpoint you trust)")

  // MARK: signing keys

  static let noHome = CheckpointError(
    .unusable,
    "cannot find your home directory for ~/.config/ethos/signing.key — set $HOME, or name a key file "
      + "with --key FILE or $ETHOS_SIGNING_KEY")

  static let keyInEnvironment = CheckpointError(
    .unusable,
    "$ETHOS_SIGNING_KEY holds what looks like a key, not the path of a key file — put the key in a file "
      + "of mode 0600 and set $ETHOS_SIGNING_KEY to its path")

  static func keyMissing(_ path: String, namedBy source: String) -> CheckpointError {
    CheckpointError(
      .unusable,
      "there is no signing key at '\(path)' (named by \(source)) — check the path, or add --create-key to make "
        + "a new key there")
  }

  static func keyUnreadable(_ path: String, _ reason: String) -> CheckpointError {
    CheckpointError(.unusable, "cannot read the signing key '\(path)': \(reason)")
  }

  static func keyNotAFile(_ path: String) -> CheckpointError {
    CheckpointError(.unusable, "the signing key '\(path)' is not a file")
  }

  static func keyTooOpen(_ path: String, mode: UInt32) -> CheckpointError {
    CheckpointError(
      .unusable,
      "the signing key '\(path)' can be read by other users (mode \(octal(mode))) — a private key must be yours "
        + "alone: run 'chmod 600 \(path)'")
  }

  static func keyMalformed(_ path: String, _ problem: String) -> CheckpointError {
    CheckpointError(.unusable, "the signing key '\(path)' \(problem)")
  }

  static func keyNotCreated(_ path: String, _ reason: String) -> CheckpointError {
    CheckpointError(.unusable, "cannot create the signing key '\(path)': \(reason)")
  }

  static func cannotSign(_ reason: String) -> CheckpointError {
    CheckpointError(.failed, "cannot sign the checkpoint: \(reason)")
  }

  // MARK: taking a checkpoint

  static func emptyBranch(_ branch: String) -> CheckpointError {
    CheckpointError(.failed, "branch '\(branch)' has no events: there is nothing to checkpoint yet")
  }

  static func chainBroken(_ branch: String, _ broken: ChainBreak) -> CheckpointError {
    CheckpointError(
      .failed,
      "will not sign a checkpoint of branch '\(branch)': it does not verify at @\(broken.seq): \(broken.reason) — "
        + "run 'ethos verify' for details")
  }

  static func store(_ error: StoreError) -> CheckpointError {
    switch error.code {
    case .unknownBranch, .invalid, .conflict, .branchExists: return CheckpointError(.failed, error.message)
    case .cannotOpen, .damaged, .io: return CheckpointError(.store, error.message)
    }
  }

  // MARK: checking a checkpoint against a log

  static func badSignature(_ name: String) -> CheckpointError {
    CheckpointError(
      .failed,
      "checkpoint '\(name)' has a bad signature: the record was changed after it was signed (or not signed by "
        + "the key it names) — it proves nothing")
  }

  static func untrustedSigner(_ name: String, signer: String, trusted: String) -> CheckpointError {
    CheckpointError(
      .failed, "checkpoint '\(name)' was signed by key \(signer), not by the trusted signer \(trusted) (--signer)")
  }

  static func anotherLog(_ name: String, expected: String, found: String?) -> CheckpointError {
    let here = found.map { "this log's @1 has \(short($0))" } ?? "this log has no event @1"
    return CheckpointError(
      .failed,
      "checkpoint '\(name)' is for another log: its log begins with an event @1 of hash \(short(expected)), "
        + "\(here) (or @1 was rewritten)")
  }

  static func unknownBranch(_ name: String, _ branch: String) -> CheckpointError {
    CheckpointError(
      .failed, "checkpoint '\(name)' is for branch '\(branch)', which this log does not have (was it removed?)")
  }

  static func cutShort(_ name: String, seq: Int, branch: String, head: Int) -> CheckpointError {
    let gone = head + 1 == seq ? "@\(seq) is gone" : "@\(head + 1)…@\(seq) are gone"
    return CheckpointError(
      .failed,
      "the log was cut short: checkpoint '\(name)' is at @\(seq), but branch '\(branch)' now ends at @\(head) "
        + "(\(gone))")
  }

  static func missingEvent(_ name: String, seq: Int, branch: String) -> CheckpointError {
    CheckpointError(
      .failed, "event @\(seq) of checkpoint '\(name)' is missing from branch '\(branch)': the log was altered")
  }

  static func rewritten(_ name: String, seq: Int, expected: String, found: String) -> CheckpointError {
    CheckpointError(
      .failed,
      "event @\(seq) was rewritten since checkpoint '\(name)': its hash is now \(short(found)), the checkpoint "
        + "says \(short(expected)) (it, or an event before it, was changed and the chain recomputed)")
  }

  // MARK: helpers

  /// The first 12 hex digits of a hash, for a message.
  static func short(_ hash: String) -> String { String(hash.prefix(12)) + "…" }

  static func octal(_ mode: UInt32) -> String {
    let digits = String(mode & 0o777, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}

/// What the checkpoint commands say when they succeed.
public enum CheckpointNotice {
  /// The line `verify --checkpoint` prints for a checkpoint that holds.
  static func holds(_ name: String, _ checkpoint: Checkpoint, head: Int) -> String {
    let since =
      head == checkpoint.seq
      ? "the branch still ends there"
      : "\(head - checkpoint.seq) event\(head - checkpoint.seq == 1 ? "" : "s") appended since"
    return
      "ok: checkpoint '\(name)' holds: branch '\(checkpoint.branch)' still has event @\(checkpoint.seq) with hash "
      + "\(CheckpointError.short(checkpoint.hash)) as signed by key \(checkpoint.signerFingerprint) at "
      + "\(checkpoint.time.iso) (\(since))"
  }

  /// The line on standard error when a signing key was made.
  public static func keyCreated(_ key: SigningKey) -> String {
    "created a signing key at '\(key.path)' (mode 0600; public key \(key.publicKeyHex), fingerprint "
      + "\(key.fingerprint)) — keep it private and back it up"
  }
}
