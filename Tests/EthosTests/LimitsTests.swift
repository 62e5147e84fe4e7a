import EthosEngine
import EthosLanguage
import TestSupport
import Testing

/// The size limits of `Limits` (issue 7): at the limit a line is accepted,
/// one past it is refused with a message that says the limit and the fix,
/// and nothing is appended.
@Suite struct LimitsTests {
  static func harness() throws -> Harness {
    let h = try Harness()
    h.script(DecideRulesTests.base.joined(separator: "\n"))
    return h
  }

  static func refused(_ line: String, _ message: String, column: Int) throws {
    #expect(throws: Diagnostic(message, column: column)) { _ = try Parser.parse(line) }
    let h = try harness()
    let count = h.eventCount
    h.run(line)
    #expect(h.console.errLines == ["error: " + message])
    #expect(h.eventCount == count)
  }

  static func accepted(_ line: String) throws {
    let h = try harness()
    let count = h.eventCount
    h.run(line)
    #expect(h.console.errLines == [])
    #expect(h.eventCount == count + 1)
  }

  @Test func lineLength() throws {
    let statement = "hire zed \"Zed\""
    let atLimit = statement + String(repeating: " ", count: Limits.lineLength - statement.count)
    #expect(atLimit.count == 8192)
    try Self.accepted(atLimit)
    try Self.refused(
      atLimit + " ", "line is 8193 characters long; the limit is 8192 — split it into several statements",
      column: 8193)
  }

  @Test func idLength() throws {
    let id = String(repeating: "a", count: Limits.idLength)
    try Self.accepted("hire \(id) \"Long Id\"")
    try Self.refused(
      "hire \(id)b \"Long Id\"",
      "id 'aaaaaaaaaaaaaaaaaaaa…' is 65 characters long; an id may have at most 64 — choose a shorter one", column: 6)
    try Self.refused(
      "hire zed \"Zed\" dept=\(id)x",
      "id 'aaaaaaaaaaaaaaaaaaaa…' is 65 characters long; an id may have at most 64 — choose a shorter one", column: 16)
  }

  @Test func nameLength() throws {
    let name = String(repeating: "n", count: Limits.nameLength)
    try Self.accepted("hire zed \"\(name)\"")
    try Self.accepted("customer c9 \"C\" segment=\"\(name)\"")
    try Self.refused(
      "hire zed \"\(name)n\"",
      "'nnnnnnnnnnnnnnnnnnnn…' is 201 characters long; a name or value may have at most 200 — shorten it", column: 10)
    try Self.refused(
      "hire zed \"Zed\" role=\"\(name)r\"",
      "'nnnnnnnnnnnnnnnnnnnn…' is 201 characters long; a name or value may have at most 200 — shorten it", column: 16)
  }

  @Test func noteLength() throws {
    let note = String(repeating: "t", count: Limits.textLength)
    try Self.accepted("log ben with acme \"\(note)\"")
    try Self.accepted("say company \"\(note)\"")
    try Self.refused(
      "log ben with acme \"\(note)t\"",
      "'tttttttttttttttttttt…' is 2001 characters long; a note or text may have at most 2000 — shorten it", column: 19)
    try Self.refused(
      "deficiency d9 \"\(note)t\"",
      "'tttttttttttttttttttt…' is 2001 characters long; a note or text may have at most 2000 — shorten it", column: 15)
  }

  @Test func listLength() throws {
    let ids = (0..<Limits.listLength).map { "e\($0)" }
    let h = try Self.harness()
    h.script(ids.map { "hire \($0) \"E\"" }.joined(separator: "\n"))
    let count = h.eventCount
    h.run("train \(ids.joined(separator: ",")) topic=other")
    #expect(h.console.errLines == [])
    #expect(h.eventCount == count + 1)
    try Self.refused(
      "train \((ids + ["ana"]).joined(separator: ",")) topic=other",
      "more than 200 ids in one list — split the statement", column: 7)
  }

  @Test func invisibleCharactersInText() throws {
    try Self.refused(
      "hire zed \"Zed\u{1B}[31m\"", "'Zed\\u{1B}[31m' contains an invisible or control character (\\u{1B}) — remove it",
      column: 10)
    try Self.refused(
      "say company \"\u{202E}ecivres\"",
      "'\\u{202E}ecivres' contains an invisible or control character (\\u{202E}) — remove it", column: 13)
    try Self.accepted("hire zed \"Zoë Ünal 山田 🌊\"")
  }

  @Test func quotedInputIsShortenedAndEscaped() throws {
    try Self.refused(
      String(repeating: "x", count: 500),
      "unknown statement 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' — type 'help' for the list", column: 1)
    try Self.refused(
      "hire \u{202E}ana \"Ana\"",
      "'\\u{202E}ana' is not a valid id (expected an employee id): use lowercase letters, digits, '.', '_' or '-', "
        + "starting with a letter or digit", column: 6)
  }
}
