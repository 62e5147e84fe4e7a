import EthosStore
import Foundation

/// Where a PostgreSQL store lives:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=NAME]` (or `postgresql://`).
public struct PostgresURL: Sendable, Equatable {
  public var user: String
  public var password: String?
  public var host: String
  public var port: Int
  public var database: String
  /// The schema holding this log's tables (`public` unless `?schema=` names one).
  public var schema: String

  /// Whether `text` names a PostgreSQL store rather than a file.
  public static func isPostgres(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
  }

  /// Parses `text`; a missing password is taken from `$PGPASSWORD` (passed in as `environmentPassword`).
  public init(_ text: String, environmentPassword: String? = nil) throws(StoreError) {
    func bad(_ why: String) -> StoreError {
      StoreError(
        .cannotOpen,
        "'\(PostgresURL.redacted(text))' is not a PostgreSQL store address: \(why) — "
          + "write postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=NAME]")
    }
    guard let components = URLComponents(string: text), let scheme = components.scheme,
      scheme == "postgres" || scheme == "postgresql"
    else { throw bad("it is not a URL") }
    guard let user = components.user, !user.isEmpty else { throw bad("it names no user") }
    guard let host = components.host, !host.isEmpty else { throw bad("it names no host") }
    let database = String(components.path.drop(while: { $0 == "/" }))
    guard !database.isEmpty, !database.contains("/") else { throw bad("it names no database") }
    var schema = "public"
    for item in components.queryItems ?? [] {
      switch item.name {
      case "schema":
        guard let value = item.value, PostgresURL.isIdentifier(value) else {
          throw bad("the schema must be a name of letters, digits and '_' (at most 63, not starting with a digit)")
        }
        schema = value
      default:
        throw bad("unknown parameter '\(item.name)' (only schema= is understood)")
      }
    }
    self.user = components.user?.removingPercentEncoding ?? user
    self.password = components.password?.removingPercentEncoding ?? environmentPassword
    self.host = host
    self.port = components.port ?? 5432
    self.database = database.removingPercentEncoding ?? database
    self.schema = schema
  }

  /// The address without its password: safe for banners, messages and logs.
  public var description: String {
    let query = schema == "public" ? "" : "?schema=\(schema)"
    return "postgres://\(user)@\(host):\(port)/\(database)\(query)"
  }

  static func isIdentifier(_ name: String) -> Bool {
    guard let first = name.utf8.first, name.utf8.count <= 63, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
    else { return false }
    return name.utf8.allSatisfy { byte in
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
  }

  /// `text` with any password replaced by `***`.
  static func redacted(_ text: String) -> String {
    guard let at = text.lastIndex(of: "@"), let schemeEnd = text.range(of: "://") else { return text }
    let credentials = text[schemeEnd.upperBound..<at]
    guard let colon = credentials.firstIndex(of: ":") else { return text }
    return String(text[..<colon]) + ":***" + String(text[at...])
  }
}
