import Crypto

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The Ed25519 key that signs checkpoints, and the file it lives in.
///
/// The file is text, readable by its owner alone (mode 0600):
///
///     # an ethos checkpoint signing key: keep it private
///     ethos signing key v1
///     private-key: <32 bytes, hex>
///     public-key: <32 bytes, hex>
///
/// The public key line is a convenience (it is what an auditor pins with
/// `verify --signer`); when present it must match the private key.
public struct SigningKey {
  public let key: Curve25519.Signing.PrivateKey
  /// Where the key was read from (or written to).
  public let path: String
  /// Whether this run made the file.
  public let created: Bool

  /// Where the key comes from, for messages.
  public enum Source: Sendable, Equatable {
    case option
    case environment
    case defaultLocation

    var name: String {
      switch self {
      case .option: return "--key"
      case .environment: return "$ETHOS_SIGNING_KEY"
      case .defaultLocation: return "the default location"
      }
    }
  }

  public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }
  public var publicKeyHex: String { Hex.encode(publicKey) }
  public var fingerprint: String { Checkpoint.fingerprint(of: publicKey) }

  static let header = "ethos signing key v1"
  static let maximumSize = 4096

  /// The key file to use: `--key`, else `$ETHOS_SIGNING_KEY` (a path), else
  /// `~/.config/ethos/signing.key` under `home`.
  public static func location(option: String?, environment: String?, home: String?) throws(CheckpointError) -> (
    path: String, source: Source
  ) {
    if let option, !option.isEmpty { return (option, .option) }
    if let environment, !environment.isEmpty {
      // A key pasted into the variable is refused without being echoed.
      if environment.contains(where: \.isNewline) || Hex.decode(String(environment.trimmed))?.count == 32 {
        throw .keyInEnvironment
      }
      return (environment, .environment)
    }
    guard let home, !home.isEmpty else { throw .noHome }
    return ((home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.config/ethos/signing.key", .defaultLocation)
  }

  /// Reads the key at `path`. A missing file is made (mode 0600, missing
  /// directories 0700) when `create` is set; otherwise it is an error, so a
  /// mistyped path never quietly mints a new signer.
  public static func load(path: String, source: Source, create: Bool) throws(CheckpointError) -> SigningKey {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      let error = errno
      guard error == ENOENT else { throw .keyUnreadable(path, reason(error)) }
      guard create else { throw .keyMissing(path, namedBy: source.name) }
      return try make(path: path)
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .keyUnreadable(path, reason(errno)) }
    guard info.st_mode & S_IFMT == S_IFREG else { throw .keyNotAFile(path) }
    guard info.st_mode & 0o077 == 0 else { throw .keyTooOpen(path, mode: UInt32(info.st_mode)) }
    var bytes = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 1024)
    while bytes.count <= maximumSize {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        throw .keyUnreadable(path, reason(errno))
      }
      bytes += buffer[..<count]
    }
    guard bytes.count <= maximumSize else { throw .keyMalformed(path, "is too large to be an ethos signing key") }
    return SigningKey(key: try parse(bytes, path: path), path: path, created: false)
  }

  /// The private key a key file's bytes hold.
  static func parse(_ bytes: [UInt8], path: String) throws(CheckpointError) -> Curve25519.Signing.PrivateKey {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .keyMalformed(path, "is not an ethos signing key (it is not text)")
    }
    var lines = text.split(whereSeparator: \.isNewline).map(\.trimmed).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    guard lines.first == Substring(header) else {
      throw .keyMalformed(path, "is not an ethos signing key (it does not start with '\(header)')")
    }
    lines.removeFirst()
    var values = [String: String]()
    for line in lines {
      guard let colon = line.firstIndex(of: ":") else {
        throw .keyMalformed(path, "is malformed: '\(line.shown)' is not 'field: value'")
      }
      let field = String(line[..<colon].trimmed)
      guard field == "private-key" || field == "public-key", values[field] == nil else {
        throw .keyMalformed(path, "is malformed: unexpected line '\(line.shown)'")
      }
      values[field] = String(line[line.index(after: colon)...].trimmed)
    }
    guard let seed = values["private-key"].flatMap(Hex.decode), seed.count == 32,
      let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    else {
      throw .keyMalformed(path, "is malformed: its 'private-key' line must hold 64 hex digits")
    }
    if let stated = values["public-key"], Hex.decode(stated) != Array(key.publicKey.rawRepresentation) {
      throw .keyMalformed(path, "is malformed: its 'public-key' line does not match its private key")
    }
    return key
  }

  /// The text of a key file.
  static func text(of key: Curve25519.Signing.PrivateKey) -> String {
    """
    # an ethos checkpoint signing key: keep it private (mode 0600)
    \(header)
    private-key: \(Hex.encode(Array(key.rawRepresentation)))
    public-key: \(Hex.encode(Array(key.publicKey.rawRepresentation)))

    """
  }

  /// Makes a new key at `path`: written to a temporary file of mode 0600
  /// beside it, then linked into place, so no one ever reads half a key and
  /// two processes racing to create it end up sharing the first one's.
  static func make(path: String) throws(CheckpointError) -> SigningKey {
    let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    try makeDirectories(directory.isEmpty ? "/" : directory, for: path)
    let key = Curve25519.Signing.PrivateKey()
    let temporary = path + ".new-\(getpid())"
    unlink(temporary)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw .keyNotCreated(path, reason(errno)) }
    var failure: Int32 = 0
    if fchmod(fd, 0o600) != 0 { failure = errno }
    let bytes = Array(text(of: key).utf8)
    var offset = 0
    while failure == 0, offset < bytes.count {
      let written = bytes.withUnsafeBytes { buffer in
        buffer.baseAddress.map { write(fd, $0 + offset, bytes.count - offset) } ?? -1
      }
      if written < 0 {
        if errno == EINTR { continue }
        failure = errno
      } else {
        offset += written
      }
    }
    if failure == 0, fsync(fd) != 0 { failure = errno }
    close(fd)
    defer { unlink(temporary) }
    guard failure == 0 else { throw .keyNotCreated(path, reason(failure)) }
    if link(temporary, path) != 0 {
      let error = errno
      // Another process made the key first: use theirs.
      if error == EEXIST { return try load(path: path, source: .defaultLocation, create: false) }
      // A file system without hard links: move the file into place instead.
      guard access(path, F_OK) != 0, rename(temporary, path) == 0 else { throw .keyNotCreated(path, reason(error)) }
    }
    return SigningKey(key: key, path: path, created: true)
  }

  /// Makes the missing directories of `directory`, each of mode 0700.
  static func makeDirectories(_ directory: String, for path: String) throws(CheckpointError) {
    var info = stat()
    if stat(directory, &info) == 0 {
      guard info.st_mode & S_IFMT == S_IFDIR else { throw .keyNotCreated(path, "'\(directory)' is not a directory") }
      return
    }
    guard errno == ENOENT else { throw .keyNotCreated(path, reason(errno)) }
    if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
      try makeDirectories(String(directory[..<slash]), for: path)
    }
    if mkdir(directory, 0o700) == 0 {
      // The umask may have taken bits away; none is added.
      chmod(directory, 0o700)
    } else if errno != EEXIST {
      throw .keyNotCreated(path, reason(errno))
    }
  }

  /// The C library's sentence for an `errno`.
  static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
