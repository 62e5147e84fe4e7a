import Crypto
import EthosDomain
import EthosStore

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A signed statement that a branch ended at a seq with a hash (SPEC §14).
///
/// Its text is a few `field: value` lines under a header, kept outside the
/// store (a ticket, an email, a git repository):
///
///     ethos checkpoint v1
///     log: 5d1c…        the hash of event @1 of the branch: names the log
///     branch: main
///     seq: 8
///     hash: 9a0f…       the hash of event @8
///     time: 2021-06-01T12:00:00Z
///     public-key: 3b6a…  the signer's Ed25519 public key (32 bytes, hex)
///     signature: 7c2e…  Ed25519 over every line above it (64 bytes, hex)
///
/// The signature covers the canonical text of the other fields
/// (``content``), not the file's bytes: line endings, blank lines and `#`
/// comments added around a record do not break it, and any change of a
/// value does.
public struct Checkpoint: Sendable, Equatable {
  /// The hash of event @1 of the branch: which log this is a checkpoint of.
  public var log: String
  public var branch: String
  public var seq: Int
  public var hash: String
  /// When the checkpoint was taken (the signer's wall clock).
  public var time: Timestamp
  /// The signer's Ed25519 public key, raw (32 bytes).
  public var publicKey: [UInt8]
  /// Ed25519 over ``content`` (64 bytes).
  public var signature: [UInt8]

  public init(
    log: String, branch: String, seq: Int, hash: String, time: Timestamp, publicKey: [UInt8], signature: [UInt8]
  ) {
    self.log = log
    self.branch = branch
    self.seq = seq
    self.hash = hash
    self.time = time
    self.publicKey = publicKey
    self.signature = signature
  }

  /// The first line of every version 1 record.
  public static let header = "ethos checkpoint v1"

  /// The fields of a record, in the order they are written.
  static let fields = ["log", "branch", "seq", "hash", "time", "public-key", "signature"]

  /// The signed text: the header and every field but the signature, one
  /// `field: value` line each, each ending in a line feed.
  public var content: String {
    """
    \(Self.header)
    log: \(log)
    branch: \(branch)
    seq: \(seq)
    hash: \(hash)
    time: \(time.iso)
    public-key: \(Envelope.hex(publicKey))

    """
  }

  /// The whole record as written: ``content`` and the signature line.
  public var text: String { content + "signature: \(Envelope.hex(signature))\n" }

  /// A checkpoint of `head` signed with `key`.
  public static func signed(
    log: String, branch: String, head: Head, time: Timestamp, key: Curve25519.Signing.PrivateKey
  ) throws(CheckpointError) -> Checkpoint {
    var checkpoint = Checkpoint(
      log: log, branch: branch, seq: head.seq, hash: head.hash, time: time,
      publicKey: Array(key.publicKey.rawRepresentation), signature: [])
    do {
      checkpoint.signature = Array(try key.signature(for: Array(checkpoint.content.utf8)))
    } catch {
      throw .cannotSign(String(describing: error))
    }
    return checkpoint
  }

  /// Whether ``signature`` is the signature of ``content`` by ``publicKey``.
  public var signatureIsValid: Bool {
    guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
    return key.isValidSignature(signature, for: Array(content.utf8))
  }

  /// A short name for the signer's key: the first 16 hex digits of the
  /// SHA-256 of the raw public key.
  public var signerFingerprint: String { Self.fingerprint(of: publicKey) }

  /// The first 16 hex digits of the SHA-256 of a raw public key.
  public static func fingerprint(of publicKey: [UInt8]) -> String {
    String(Envelope.hex(SHA256.hash(data: publicKey)).prefix(16))
  }
}
