#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every sentence the command line itself prints (the engine's are in
/// EthosEngine's EngineError.swift): pinned word for word by CLIMessageTests.
enum CLIMessage {
  /// The system's words for the last failed call.
  static var systemReason: String { String(cString: strerror(errno)) }

  static func junitUnwritable(_ path: String, _ reason: String) -> String {
    "cannot write the JUnit report '\(path)': \(reason)"
  }

  static let queryMissing = "name a query, e.g. ethos query matrix"

  static func checkpointOfOtherBranch(_ name: String, branch: String, given: String) -> String {
    "checkpoint '\(name)' is of branch '\(branch)', not '\(given)' — drop --branch: a checkpoint is checked "
      + "against the branch it names"
  }

  static func cannotSpool(_ reason: String) -> String { "cannot spool standard input: \(reason)" }

  static func cannotReadInput(_ reason: String) -> String { "cannot read standard input: \(reason)" }

  static func cannotSpool(to path: String, _ reason: String) -> String {
    "cannot spool standard input to '\(path)': \(reason)"
  }

  static func notAPoint(_ text: String) -> String {
    "'\(text)' is not a point of the log — write --as-of @N or a time YYYY-MM-DD[THH:MM[:SS]]"
  }

  static func noStore(_ path: String) -> String {
    "there is no store at '\(path)' — check --store or $ETHOS_STORE, or create one with 'ethos run FILE --store \(path)'"
  }

  // Options that do not fit together (argument-parser prints them as usage errors).

  static let noScript = "name at least one script file to run"
  static let signerWithoutCheckpoint = "--signer needs --checkpoint FILE"
  static let kindOrPreset = "give --kind K or --preset P"
  static func badMap(_ entry: String) -> String { "--map takes FIELD=COLUMN (got '\(entry)')" }
  static func followFormat(_ format: String) -> String { "--format must be table or json, not '\(format)'" }
  static func followFrom(_ from: String) -> String { "--from takes @N (N ≥ 1), e.g. --from @1, not '\(from)'" }
}
