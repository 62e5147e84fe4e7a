#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads lines of raw bytes from a file descriptor, so a script's invalid
/// UTF-8 is reported line by line instead of silently replaced.
public final class LineReader: IteratorProtocol, Sequence {
  private let fd: Int32
  private let closeWhenDone: Bool
  private var buffer: [UInt8] = []
  private var start = 0
  /// Where the search for the next newline resumes: bytes before it (from
  /// `start`) are known to hold none, so a long line is scanned once.
  private var scanned = 0
  private var finished = false
  /// The longest line read, in bytes; a longer one ends the reading.
  public let maxLength: Int
  /// Set when reading stopped at a line longer than ``maxLength`` (its
  /// number, counting from 1): that line and the rest were not read.
  public private(set) var overlongLine: Int?
  private var lines = 0

  /// The bytes a line may have by default: a script line holds at most
  /// 8192 characters of up to four bytes each.
  public static let defaultMaxLength = 4 * 8192

  /// Reads from an already open descriptor (standard input is 0).
  public init(fd: Int32, maxLength: Int = LineReader.defaultMaxLength) {
    self.fd = fd
    self.closeWhenDone = false
    self.maxLength = maxLength
  }

  /// Opens `path` for reading, or returns `nil` with `errno` set.
  public init?(path: String, maxLength: Int = LineReader.defaultMaxLength) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    var info = stat()
    if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      errno = EISDIR
      return nil
    }
    self.fd = fd
    self.closeWhenDone = true
    self.maxLength = maxLength
  }

  private var closed = false

  // A class, so a script stopped part-way (an error with `bail`, Ctrl-C, a
  // store failure) still closes its file: the descriptor used to leak.
  deinit { closeOnce() }

  /// Closes the file once (a descriptor closed twice may be another file's).
  private func closeOnce() {
    guard closeWhenDone, !closed, fd >= 0 else { return }
    closed = true
    close(fd)
  }

  /// The next line without its terminator (`\n` or `\r\n`), or `nil` at the
  /// end, or at a line longer than ``maxLength`` (see ``overlongLine``).
  public func next() -> [UInt8]? {
    guard overlongLine == nil else { return nil }
    while true {
      if let newline = buffer[Swift.max(start, scanned)...].firstIndex(of: 0x0A) {
        var end = newline
        if end > start, buffer[end - 1] == 0x0D { end -= 1 }
        guard end - start <= maxLength else { return overlong() }
        let line = Array(buffer[start..<end])
        start = newline + 1
        scanned = start
        lines += 1
        return line
      }
      scanned = buffer.count
      // Memory stays bounded: a line longer than the limit is not kept
      // (`source /dev/zero` would otherwise read forever).
      if buffer.count - start > maxLength + 1 { return overlong() }
      if finished {
        guard start < buffer.count else {
          closeOnce()
          buffer = []
          start = 0
          return nil
        }
        var line = Array(buffer[start...])
        if line.last == 0x0D { line.removeLast() }
        start = buffer.count
        guard line.count <= maxLength else { return overlong() }
        lines += 1
        return line
      }
      if start > 0 {
        buffer.removeFirst(start)
        scanned -= start
        start = 0
      }
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      let count = chunk.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress, raw.count) }
      if count < 0, errno == EINTR { continue }
      if count <= 0 {
        finished = true
      } else {
        buffer.append(contentsOf: chunk[0..<count])
      }
    }
  }

  private func overlong() -> [UInt8]? {
    overlongLine = lines + 1
    closeOnce()
    finished = true
    buffer = []
    start = 0
    scanned = 0
    return nil
  }
}
