import EthosDomain
import EthosJSON
import EthosLanguage
import EthosProjections
import EthosReport
import EthosStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Session {
  /// Where `report` writes when no file is named (SPEC §16).
  public static let defaultReportPath = "ethos-report.html"

  /// The figures the weekly trend charts follow: the four boxes, NPS and eNPS.
  static let reportTrendPaths = [
    "matrix.cells.customers.normal.mean", "matrix.cells.customers.stress.mean", "matrix.cells.staff.normal.mean",
    "matrix.cells.staff.stress.mean", "culture.indicators.nps.value", "culture.indicators.enps.value",
  ]

  /// Everything the report shows, as the query documents that hold it: the
  /// page is drawn from this and from nothing else (one source of numbers).
  public func reportDocument(asOf point: Point? = nil, compare other: String? = nil) throws(EngineError) -> JSON {
    try catchUp()
    let (view, time) = try point.map { p throws(EngineError) in try stateAt(p) } ?? (state, nil)
    var trends = JSONObject()
    let series = try self.trends(Session.reportTrendPaths, by: .week, state: view, asOfTime: time)
    for (path, trend) in zip(Session.reportTrendPaths, series) { trends[path] = trend }
    var document = JSONObject([
      ("branch", .string(branch)),
      ("generatedAt", .string(wall.now().time.iso)),
      ("requestedAsOf", .optional(point?.description)),
      ("matrix", try self.document(.matrix(dept: nil), state: view, asOfTime: time)),
      ("culture", try self.document(.culture, state: view, asOfTime: time)),
      ("trends", .object(trends)),
      ("stresses", try self.document(.stresses(openOnly: false), state: view, asOfTime: time)),
      ("employees", try self.document(.employees(all: false), state: view, asOfTime: time)),
      ("champions", try self.document(.champions, state: view, asOfTime: time)),
      ("team", try self.document(.team, state: view, asOfTime: time)),
      ("atRisk", try self.document(.atRisk, state: view, asOfTime: time)),
      // The last 20 events: read only those, not the whole log. Their
      // summaries come from the stored (sealed) events: shown as the other
      // documents are.
      (
        "history",
        keyring.reveal(
          try history(
            HistoryFilter(since: .seq(max(1, view.headSeq - 19)), last: 20), upTo: view.headSeq,
            retracted: view.retracted))
      ),
      ("audit", try auditSummary(view, asOfTime: time)),
    ])
    if let other {
      document["compare"] = try onBranch(other) { () throws(EngineError) -> JSON in
        let (otherView, otherTime) = try point.map { p throws(EngineError) in try stateAt(p) } ?? (state, nil)
        return .object(
          JSONObject([
            ("branch", .string(other)),
            ("matrix", try self.document(.matrix(dept: nil), state: otherView, asOfTime: otherTime)),
            ("culture", try self.document(.culture, state: otherView, asOfTime: otherTime)),
          ]))
      }
    }
    return .object(document)
  }

  /// The report page as HTML.
  public func reportHTML(asOf point: Point? = nil, compare other: String? = nil) throws(EngineError) -> String {
    ReportPage.render(try reportDocument(asOf: point, compare: other))
  }

  /// Writes the report to `path` (default `ethos-report.html`) and prints the
  /// path; on failure prints one `error:` line. The CLI's `report` and the
  /// REPL's `report [FILE] [compare=B]` both come here.
  @discardableResult
  public func writeReport(to path: String?, asOf point: Point? = nil, compare other: String? = nil) -> Outcome {
    do throws(EngineError) {
      try writeReportFile(to: path, asOf: point, compare: other)
      return .done
    } catch {
      report(error, .repl)
      return .failed
    }
  }

  func writeReportFile(to path: String?, asOf point: Point?, compare other: String?) throws(EngineError) {
    let path = path ?? Session.defaultReportPath
    let html = try reportHTML(asOf: point, compare: other)
    try WholeFile.save(html, to: path)
    emitDocument(
      .object(JSONObject([("report", .string(path))])), table: { [path] }, csv: { ["report", Renderer.csvField(path)] })
  }

  /// The audit part of the report: events by type per week up to `view`,
  /// the head hash, and whether the branch's chain verifies.
  func auditSummary(_ view: State, asOfTime: Timestamp?) throws(EngineError) -> JSON {
    var weeks = [(from: Timestamp, to: Timestamp, counts: [String: Int])]()
    var headHash: String?
    if view.headSeq > 0, let end = asOfTime ?? view.headTime {
      var index = 0
      var failure: EngineError?
      do {
        try store.read(branch, from: 1, to: view.headSeq) { envelope in
          if weeks.isEmpty {
            weeks = TrendBuckets.make(from: envelope.occurredAt, through: max(end, envelope.occurredAt), by: .week)
              .map { ($0.from, $0.to, [:]) }
          }
          while index < weeks.count - 1, envelope.occurredAt >= weeks[index].to { index += 1 }
          guard index < weeks.count else {
            failure = .outsideReportWeeks(envelope.seq)
            return
          }
          weeks[index].counts[envelope.type, default: 0] += 1
          if envelope.seq == view.headSeq { headHash = envelope.hash }
        }
      } catch {
        throw .store(error)
      }
      if let failure { throw failure }
    }
    let verify: JSON
    do throws(EngineError) {
      verify = .object(
        JSONObject([("ok", .bool(true)), ("message", .string(try Session.verify(store, branch: branch)))]))
    } catch {
      verify = .object(JSONObject([("ok", .bool(false)), ("message", .string(error.message))]))
    }
    let weekItems = weeks.map { week in
      JSON.object(
        JSONObject([
          ("from", .string(week.from.iso)), ("to", .string(week.to.iso)),
          ("counts", .object(JSONObject(week.counts.sorted { $0.key < $1.key }.map { ($0.key, JSON.int($0.value)) }))),
        ]))
    }
    return .object(
      JSONObject([
        ("events", .int(view.headSeq)), ("headHash", .optional(headHash)), ("weeks", .array(weekItems)),
        ("verify", verify),
      ]))
  }
}

/// Files written in one piece.
enum WholeFile {
  /// Writes `text` to `path` whole: into a temporary file beside it, then
  /// renamed over it, so a reader never sees half a page.
  static func save(_ text: String, to path: String) throws(EngineError) {
    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw .reportUnwritable(path, errno: errno) }
    let bytes = Array(text.utf8)
    var written = 0
    var failure: Int32 = 0
    bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      while written < raw.count {
        let n = write(fd, base + written, raw.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        written += n
      }
    }
    if failure == 0, fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure == 0, rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw .reportUnwritable(path, errno: failure)
    }
  }
}
