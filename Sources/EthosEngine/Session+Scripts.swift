import EthosDomain
import EthosJSON
import EthosLanguage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Session {
  /// Runs the script at `path`: writes are committed in batches, and each
  /// line's result is printed only once its transaction has committed.
  /// Returns `false` when any statement failed.
  @discardableResult
  public func runScript(path: String, displayName: String? = nil) -> Bool {
    let before = failures
    scripts.stopRequested = false
    do {
      try runNested(path, displayName: displayName ?? path)
      try commitBatch()
    } catch {
      report(error, .repl)
    }
    console.flush()
    return failures == before
  }

  /// Runs lines read from `reader` as a script named `name` (e.g. standard input).
  @discardableResult
  public func runLines(_ reader: LineReader, name: String) -> Bool {
    let before = failures
    scripts.stopRequested = false
    do {
      _ = try runLoop(reader, name: name)
      try commitBatch()
    } catch {
      report(error, .repl)
    }
    console.flush()
    return failures == before
  }

  /// Whether the last run stopped early (bail or quit).
  func runLoop(_ reader: LineReader, name: String) throws(EngineError) -> Bool {
    var reader = reader
    var number = 0
    let outer = !writes.isHolding && writes.batching
    if outer { try openBatch() }
    var stopped = false
    // Lines from the top that were not statements at all: a file that starts
    // with several is not a script (`source /etc/passwd`), and echoing it
    // line by line in errors would only spill it.
    var unparsedFromTop: Int? = 0
    while var bytes = reader.next() {
      if interruption?() == true {
        // What ran before Ctrl-C is kept: commit it, then say where the script stopped.
        if outer { try commitBatch() }
        throw .interrupted(name, line: number + 1)
      }
      number += 1
      // A byte-order mark some editors write at the start is not part of line 1.
      if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
      let first = number
      // A line ending in `\` continues on the next (SPEC §8); its origin is its first line.
      while bytes.last == 0x5C, let next = reader.next() {
        number += 1
        bytes = bytes.dropLast() + [0x20] + next
      }
      let started = statementTimings == nil ? 0 : Session.monotonicSeconds()
      scripts.lastLineUnparsed = false
      let outcome = execute(bytes: bytes, origin: .script(file: name, line: first))
      if statementTimings != nil { statementTimings?.append(Session.monotonicSeconds() - started) }
      if let count = unparsedFromTop, !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
        unparsedFromTop = scripts.lastLineUnparsed ? count + 1 : nil
        if let count = unparsedFromTop, count >= Session.unparsedLinesBeforeGivingUp {
          if outer { try commitBatch() }
          throw .notAScript(name, lines: count)
        }
      }
      if outcome == .quit { stopped = true }
      if outcome == .failed, settings.bail { scripts.stopRequested = true }
      if scripts.stopRequested { stopped = true }
      if stopped { break }
      if !writes.isHolding, outer { try openBatch() }
    }
    // Commit here, not in a `defer` with `try?`: a failed commit is reported.
    if outer { try commitBatch() }
    if let line = reader.overlongLine { throw .lineTooLong(name, line: line, limit: reader.maxLength) }
    return stopped
  }

  func runNested(_ path: String, displayName: String) throws(EngineError) {
    let reader = try scripts.enter(path, shownAs: displayName)
    defer { scripts.leave() }
    _ = try runLoop(reader, name: displayName)
  }

  /// `source FILE`: relative to the script that names it, else to the working directory.
  func source(_ path: String, from origin: Origin) throws(EngineError) {
    if scripts.isEmpty { scripts.stopRequested = false }
    let (resolved, shown) = scripts.resolve(path, from: origin)
    try runNested(resolved, displayName: shown)
  }

  /// Seconds on the monotonic clock, for statement timings.
  static func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }

  // MARK: expect

  func expect(_ path: String, _ op: ExpectOperator, _ expected: ExpectValue) throws(EngineError) {
    let actual = try value(at: path)
    let holds: Bool
    switch (actual, expected) {
    case (_, .number(let number)):
      guard let value = actual.number else {
        throw .expectFailed(path, op, expected, actual: Session.show(actual))
      }
      holds = Session.compare(value, number, op)
    case (.string(let text), .string(let wanted)):
      switch op {
      case .equal: holds = text == wanted
      case .notEqual: holds = text != wanted
      case .less: holds = text < wanted
      case .lessOrEqual: holds = text <= wanted
      case .greater: holds = text > wanted
      case .greaterOrEqual: holds = text >= wanted
      }
    case (.bool(let flag), .bool(let wanted)):
      holds = op == .equal ? flag == wanted : op == .notEqual ? flag != wanted : false
    case (.null, .null):
      holds = op == .equal || op == .lessOrEqual || op == .greaterOrEqual
    default:
      holds = op == .notEqual
    }
    guard holds else { throw .expectFailed(path, op, expected, actual: Session.show(actual)) }
  }

  static func compare(_ a: Double, _ b: Double, _ op: ExpectOperator) -> Bool {
    switch op {
    case .equal: return a == b
    case .notEqual: return a != b
    case .less: return a < b
    case .lessOrEqual: return a <= b
    case .greater: return a > b
    case .greaterOrEqual: return a >= b
    }
  }

  static func show(_ value: JSON) -> String {
    switch value {
    case .object, .array: return value.compact.count > 80 ? String(value.compact.prefix(79)) + "…" : value.compact
    default: return value.compact
    }
  }

  /// The JSON value at `query.key.key…` (array items by index).
  func value(at path: String) throws(EngineError) -> JSON {
    try value(at: path, state: state, asOfTime: nil)
  }

  /// The JSON value at `path` in the documents of `state` as of `asOfTime`.
  func value(at path: String, state: State, asOfTime: Timestamp?) throws(EngineError) -> JSON {
    let steps = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard let head = steps.first, !head.isEmpty else { throw .badPath(path, reason: "it is empty") }
    let query: Query
    do {
      guard case .query(let parsed)? = try Parser.parse(head) else {
        throw EngineError.badPath(path, reason: "'\(head)' is not a query")
      }
      query = parsed
    } catch let error as EngineError {
      throw error
    } catch {
      throw .badPath(path, reason: "'\(head)' is not a query with no arguments (matrix, culture, champions, …)")
    }
    var current = try document(query, state: state, asOfTime: asOfTime)
    var walked = head
    for step in steps.dropFirst() {
      switch current {
      case .object(let object):
        guard let next = object[step] else {
          let fix =
            Suggestion.nearest(to: step, in: object.keys).map { " — did you mean '\($0)'?" }
            ?? " (keys: \(object.keys.joined(separator: ", ")))"
          throw .badPath(path, reason: "'\(walked)' has no key '\(step)'\(fix)")
        }
        current = next
      case .array(let items):
        guard let index = Int(step), items.indices.contains(index) else {
          throw .badPath(path, reason: "'\(walked)' is a list of \(items.count); '\(step)' is not an index in it")
        }
        current = items[index]
      default:
        throw .badPath(path, reason: "'\(walked)' is \(Session.show(current)), which has no key '\(step)'")
      }
      walked += "." + step
    }
    return current
  }
}
