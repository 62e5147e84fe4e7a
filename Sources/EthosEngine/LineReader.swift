#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads lines of raw bytes from a file descriptor, so a script's invalid
/// UTF-8 is reported line by line instead of silently replaced.
public struct LineReader: IteratorProtocol, Sequence {
  private let fd: Int32
  private let closeWhenDone: Bool
  private var buffer: [UInt8] = []
  private var start = 0
  private var finished = false

  /// Reads from an already open descriptor (standard input is 0).
  public init(fd: Int32) {
    self.fd = fd
    self.closeWhenDone = false
  }

  /// Opens `path` for reading, or returns `nil` with `errno` set.
  public init?(path: String) {
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
  }

  /// The next line without its terminator (`\n` or `\r\n`), or `nil` at the end.
  public mutating func next() -> [UInt8]? {
    while true {
      if let newline = buffer[start...].firstIndex(of: 0x0A) {
        var end = newline
        if end > start, buffer[end - 1] == 0x0D { end -= 1 }
        let line = Array(buffer[start..<end])
        start = newline + 1
        return line
      }
      if finished {
        guard start < buffer.count else {
          if closeWhenDone, fd >= 0 { close(fd) }
          return nil
        }
        var line = Array(buffer[start...])
        if line.last == 0x0D { line.removeLast() }
        start = buffer.count
        return line
      }
      if start > 0 {
        buffer.removeFirst(start)
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
}
