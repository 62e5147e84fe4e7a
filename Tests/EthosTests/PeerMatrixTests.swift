import Foundation
import TestSupport
import Testing

/// Issue 2, acceptance 1: the matrix of a 20,000-interaction workload agrees
/// with the independent `eventsourcing` peer (`Tests/peer-matrix.sh`).
@Suite struct PeerMatrixTests {
  /// `../shared/bench` beside the repository (or beside the main checkout of a worktree).
  static let benchPresent: Bool = {
    let direct = Transcripts.root + "/../shared/bench/peer_eventsourcing.py"
    return FileManager.default.fileExists(atPath: direct)
  }()

  @Test(
    .enabled(if: benchPresent, "../shared/bench (gen_workload.py, peer_eventsourcing.py) is not beside this checkout"))
  func matrixAgreesWithThePeer() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [Transcripts.root + "/Tests/peer-matrix.sh", "20000"]
    var environment = ProcessInfo.processInfo.environment
    environment["ETHOS"] = EthosProcess.binary
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    #expect(process.terminationStatus == 0, Comment(rawValue: text))
    #expect(text.contains("agree on 20000 interactions"), Comment(rawValue: text))
  }
}
