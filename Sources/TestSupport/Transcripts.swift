import EthosDomain
import EthosEngine
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Golden transcripts of the scenario scripts under `Snapshots/`.
public enum Transcripts {
  /// The repository root (this file is `Sources/TestSupport/Transcripts.swift`).
  public static let root: String = {
    var path = #filePath
    for _ in 0..<3 {
      if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
    }
    return path
  }()

  /// Where golden transcripts live: `Snapshots/__transcripts__/`.
  public static var goldenDirectory: String { root + "/Snapshots/__transcripts__" }

  /// Script names (`hotel-hurricane-week.ethos`) under `Snapshots/`.
  public static func scripts(under folder: String = "") -> [String] {
    let directory = root + "/Snapshots" + (folder.isEmpty ? "" : "/" + folder)
    guard let dir = opendir(directory) else { return [] }
    defer { closedir(dir) }
    var names = [String]()
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name.hasSuffix(".ethos") { names.append(folder.isEmpty ? name : folder + "/" + name) }
    }
    return names.sorted()
  }

  /// Runs `Snapshots/NAME` with echo on, in a fresh in-memory store with a
  /// frozen wall clock, and returns what a person would have seen.
  public static func run(_ name: String, store: any EventStore = MemoryStore()) throws -> String {
    let console = CapturingConsole()
    let session = try Session(
      store: store, actor: "trainer", wall: FixedClock(Harness.frozenNow), console: console, random: SeededKeys())
    session.settings.echo = true
    session.runScript(path: root + "/Snapshots/" + name, displayName: name)
    return console.text
  }
}
