import Foundation

/// Headless Chromium (Debian's `chromium` package, which `Tests/run.sh`
/// installs when missing): the report tests load pages in a real browser.
public enum Chromium {
  /// The browser binary, or `nil` when none is installed.
  public static var binary: String? {
    for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    where FileManager.default.isExecutableFile(atPath: path) {
      return path
    }
    return nil
  }

  /// Flags every run needs here: headless, as root in a container (no
  /// sandbox), no GPU, a profile of its own so runs never share a lock.
  static func flags(profile: String) -> [String] {
    [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
      "--hide-scrollbars", "--user-data-dir=\(profile)",
    ]
  }

  /// The DOM of `file` after Chromium loaded it, serialized as HTML.
  public static func dumpDOM(_ file: String) throws -> String {
    let result = try run(["--dump-dom", "file://" + file])
    guard result.status == 0, !result.stdout.isEmpty else {
      throw ProcessFailure(message: "chromium --dump-dom failed (\(result.status)): \(result.stderr.suffix(2000))")
    }
    return result.stdout
  }

  /// Writes a PNG screenshot of `file` to `png`, `width`×`height` pixels.
  public static func screenshot(_ file: String, to png: String, width: Int = 1280, height: Int = 2400) throws {
    try? FileManager.default.removeItem(atPath: png)
    let result = try run(["--screenshot=\(png)", "--window-size=\(width),\(height)", "file://" + file])
    guard result.status == 0, FileManager.default.fileExists(atPath: png) else {
      throw ProcessFailure(message: "chromium --screenshot failed (\(result.status)): \(result.stderr.suffix(2000))")
    }
  }

  static func run(_ arguments: [String]) throws -> EthosProcess.Result {
    guard let binary else {
      throw ProcessFailure(
        message: "chromium is not installed — run 'bash Tests/run.sh' (it installs it) or 'apt-get install chromium'")
    }
    let profile = NSTemporaryDirectory() + "ethos-chromium-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: profile) }
    return try EthosProcess.runProgram(binary, flags(profile: profile) + arguments, environment: ["HOME": profile])
  }
}
