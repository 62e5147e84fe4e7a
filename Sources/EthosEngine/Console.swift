#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a session writes: results to one stream, errors to the other.
public protocol Console: AnyObject {
  func out(_ line: String)
  func err(_ line: String)
  /// Pushes buffered output to its destination.
  func flush()
}

/// Standard output and standard error, buffered so a script's thousands of
/// confirmation lines cost one write per batch, not one per line.
public final class StandardConsole: Console {
  private var outBuffer: [UInt8] = []
  private var errBuffer: [UInt8] = []
  /// Standard output held back (for the REPL's pager) until `takeHeld()`;
  /// a `flush()` meanwhile (a prompt, a script's commit) releases it.
  private var held: [UInt8]?

  public init() {
    outBuffer.reserveCapacity(1 << 16)
  }

  deinit { flush() }

  public func out(_ line: String) {
    if held != nil {
      held?.append(contentsOf: line.utf8)
      held?.append(0x0A)
      return
    }
    // Keep the order of errors and results on a shared terminal.
    if !errBuffer.isEmpty { flushErr() }
    outBuffer.append(contentsOf: line.utf8)
    outBuffer.append(0x0A)
    if outBuffer.count >= 1 << 16 { flushOut() }
  }

  public func err(_ line: String) {
    if !outBuffer.isEmpty { flushOut() }
    errBuffer.append(contentsOf: line.utf8)
    errBuffer.append(0x0A)
    flushErr()
  }

  public func flush() {
    if let bytes = held {
      held = nil
      outBuffer.append(contentsOf: bytes)
    }
    flushOut()
    flushErr()
  }

  /// Starts holding standard output back.
  public func hold() {
    flush()
    held = []
  }

  /// Stops holding and returns what was held (empty when a flush released it).
  public func takeHeld() -> [UInt8] {
    defer { held = nil }
    return held ?? []
  }

  private func flushOut() {
    StandardConsole.writeAll(1, outBuffer)
    outBuffer.removeAll(keepingCapacity: true)
  }

  private func flushErr() {
    StandardConsole.writeAll(2, errBuffer)
    errBuffer.removeAll(keepingCapacity: true)
  }

  public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      while offset < raw.count {
        let written = write(fd, base + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return  // a closed pipe: nothing more can be said
        }
        offset += written
      }
    }
  }
}

/// Collects output in memory: for tests and golden transcripts.
public final class CapturingConsole: Console {
  /// Results and errors interleaved as a person would see them, errors marked.
  public private(set) var transcript: [String] = []
  public private(set) var outLines: [String] = []
  public private(set) var errLines: [String] = []

  public init() {}

  public func out(_ line: String) {
    outLines.append(line)
    transcript.append(line)
  }

  public func err(_ line: String) {
    errLines.append(line)
    transcript.append(line)
  }

  public func flush() {}

  public var text: String { transcript.joined(separator: "\n") + (transcript.isEmpty ? "" : "\n") }

  public func reset() {
    transcript = []
    outLines = []
    errLines = []
  }
}
