import Testing

@testable import EthosDomain
@testable import EthosEngine
@testable import EthosImport

/// Every `import-csv` message is built in ImportError.swift; these pin the
/// exact words a user reads, one row per message, and the line each is
/// reported at: a change of wording is a change of this table.
@Suite struct ImportMessageTests {
  static let at = Timestamp(parsing: "2024-03-01T09:00")!
  static let head = Timestamp(parsing: "2024-03-02T10:30")!
  static let header = ["Response ID", "Date", "Email", "Scroe"]

  static let messages: [(ImportError, Int, String)] = [
    (.noSuchFile, 0, "cannot read the file: no such file"),
    (.notRegularFile, 0, "cannot read the file: it is not a regular file"),
    (.empty, 1, "the file is empty — export it again with a header row and at least one row"),
    (.tooLarge(2_000, most: 1_000), 0, "the file is 2000 bytes; import-csv reads at most 1000 — split it"),
    (.cannotRead(line: 0), 0, "cannot read the file"),
    (.notUTF8(line: 4), 4, "the file is not UTF-8 text (bytes that are not UTF-8 on line 4) — save it as CSV UTF-8"),
    (.holdsNUL(line: 3), 3, "the file is not text (it holds NUL bytes by line 3) — export it as CSV"),
    (
      .unknownPreset("zendeks", known: ["nps", "zendesk"], line: 1), 1,
      "unknown preset 'zendeks' — did you mean 'zendesk'?"
    ),
    (.unknownPreset("xyzzy", known: ["nps", "zendesk"], line: 1), 1, "unknown preset 'xyzzy' — presets: nps, zendesk"),
    (.unknownKind("feedbak", line: 1), 1, "unknown kind 'feedbak' — did you mean 'feedback'?"),
    (
      .presetImportsOtherKind("zendesk", imports: .complaints, not: .feedback, line: 1), 1,
      "preset 'zendesk' imports complaints, not feedback — leave out --kind or the preset"
    ),
    (
      .noKind(line: 1), 1,
      "give --kind (feedback, complaints, interactions, pulse, customers, employees) or --preset"
    ),
    (
      .unknownField("scroe", of: .feedback, line: 1), 1,
      "--map names no field 'scroe' of --kind feedback — did you mean 'score'? fields: "
        + ImportKind.feedback.fields.joined(separator: ", ")
    ),
    (
      .noSuchColumn("Score", mappedTo: "score", header: header, line: 1), 1,
      "--map score=Score: the file has no column 'Score' — did you mean 'Scroe'? columns: 'Response ID', 'Date', "
        + "'Email', 'Scroe'"
    ),
    (
      .missingColumn("score", of: .feedback, header: header, orEmployee: false, line: 1), 1,
      "no column for 'score', which --kind feedback needs — did you mean 'Scroe'? the file's columns are "
        + "'Response ID', 'Date', 'Email', 'Scroe'; name one with --map score=COLUMN"
    ),
    (
      .missingColumn("dept", of: .pulse, header: ["When", "Score"], orEmployee: true, line: 2), 2,
      "no column for 'dept' (or employee), which --kind pulse needs — the file's columns are 'When', 'Score'; "
        + "name one with --map dept=COLUMN"
    ),
    (
      .ragged(5, header: 6, line: 7), 7,
      "this row has 5 fields but the header has 6 — look for a comma or quote that is not inside a quoted field"
    ),
    (
      .emptyField("Email", "customer", line: 8), 8,
      "column 'Email' (customer) is empty — fill it in or leave the row out"
    ),
    (
      .badScore("Score", "score", "11", ratings: false, line: 9), 9,
      "column 'Score' (score) holds '11'; a score is a whole number from 0 to 10 — fix the value"
    ),
    (
      .badScore("Satisfaction Score", "score", "meh", ratings: true, line: 9), 9,
      "column 'Satisfaction Score' (score) holds 'meh'; a score is a whole number from 0 to 10 (or Good / Bad) — "
        + "fix the value"
    ),
    (
      .badTime("Date", "yesterday", expected: "YYYY-MM-DD", line: 10), 10,
      "column 'Date' (at) holds 'yesterday', which is not a time; expected YYYY-MM-DD"
    ),
    (
      .badOutcome("Result", "3", line: 11), 11,
      "column 'Result' (outcome) holds '3'; an outcome is a whole number from -2 to +2 — fix the value"
    ),
    (.deptWithoutLetters("Team", line: 12), 12, "column 'Team' (dept) holds no letter or digit to name a department"),
    (.badFacing("Facing", "maybe", line: 13), 13, "column 'Facing' (facing) holds 'maybe'; write yes or no"),
    (
      .badScale("Skills", "skills", "9", line: 14), 14,
      "column 'Skills' (skills) holds '9'; it is a whole number from 1 to 5"
    ),
    (
      .beforeHead(at, branch: "main", seq: 12, head: head, line: 15), 15,
      "this row's time 2024-03-01T09:00:00Z is before the head of branch 'main' (@12, 2024-03-02T10:30:00Z); rows "
        + "are never put into the past — import it into a branch forked before then (branch NAME from=@N)"
    ),
    (
      .keyWithoutLetters("--", employee: true, line: 16), 16,
      "the employee key '--' holds no letter or digit to make an id from"
    ),
    (
      .keyWithoutLetters("!!", employee: false, line: 17), 17,
      "the key '!!' holds no letter or digit to make an id from"
    ),
    (
      .employeeIdTaken("A.B", id: "a-b", by: "a b", line: 18), 18,
      "employee key 'A.B' becomes id 'a-b', which is already the employee of key 'a b' — map a column that tells "
        + "them apart"
    ),
    (
      .customerIdTaken("x@y", id: "x-y", by: "x y", line: 19), 19,
      "key 'x@y' becomes id 'x-y', which is already the customer of key 'x y' — map a column that tells them apart"
    ),
    (
      .idNotACustomer("Ana", id: "ana", line: 20), 20,
      "key 'Ana' becomes id 'ana', which already names someone who is not a customer"
    ),
    (
      .notAnEmployee("Anna", column: "Assignee", id: "anna", nearest: "ana", line: 21), 21,
      "column 'Assignee' names 'Anna', who is not an employee — did you mean 'ana'? Or hire them first "
        + "(hire anna \"NAME\" key=\"Anna\")"
    ),
    (
      .notAnEmployee("--", column: "Assignee", id: nil, nearest: nil, line: 22), 22,
      "column 'Assignee' names '--', who is not an employee — hire them first (hire ID \"NAME\" key=\"--\")"
    ),
  ]

  @Test(arguments: messages.indices) func importMessage(_ index: Int) {
    let (error, line, text) = Self.messages[index]
    #expect(error.message == text)
    #expect(error.line == line)
  }

  @Test func dryRunLastLine() {
    #expect(
      Notice.dryRunAppendedNothing(branch: "main", head: 7, wouldAppend: 12_345)
        == "(dry run: nothing appended — branch 'main' stays at @7; 12,345 events would be appended)")
  }
}
