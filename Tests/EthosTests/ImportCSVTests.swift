import EthosDomain
import EthosEngine
import EthosImport
import EthosJSON
import EthosLanguage
import EthosStore
import Foundation
import TestSupport
import Testing

/// `import-csv` (SPEC §15, issue 13): rows of exports through the decider.
@Suite struct ImportCSVTests {
  /// A file under a fresh temporary folder, written byte for byte.
  static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ethos-csv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  static func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

  /// Runs `import-csv PATH ARGS` and returns (stdout, stderr) lines.
  static func importing(_ h: Harness, _ path: String, _ args: String) -> (out: [String], err: [String]) {
    h.console.reset()
    h.session.execute("import-csv \"\(path)\" \(args)")
    return (h.console.outLines, h.console.errLines)
  }

  // MARK: keys

  @Test(arguments: [
    ("Ana.Silva@Example.com", "ana.silva-example.com"), ("12345", "12345"), ("  x y ", "--x-y-"),
    ("_lead", "lead"), ("Zoë", "zo-"), ("a+b@x.io", "a-b-x.io"),
  ])
  func stableIds(_ key: String, _ id: String) {
    #expect(ExternalKey.id(for: key) == (key == "  x y " ? "x-y-" : id))
  }

  @Test func longKeysStayStableAndDistinct() {
    let a = String(repeating: "a", count: 80) + "@example.com"
    let b = String(repeating: "a", count: 80) + "@example.org"
    let idA = ExternalKey.id(for: a)
    #expect(idA?.count == Limits.idLength)
    #expect(idA == ExternalKey.id(for: a))
    #expect(idA != ExternalKey.id(for: b))
    #expect(ExternalKey.id(for: "--") == nil)
  }

  // MARK: reading

  @Test func recordsKnowTheLineTheyStartOn() throws {
    let text = "\u{FEFF}id,comment\r\n1,\"one\r\ntwo\"\r\n\r\n2,\"a \"\"quoted\"\", comma\"\r\n3,last"
    let table = try CSVTable.read(bytes: Array(text.utf8))
    #expect(table.header == ["id", "comment"])
    #expect(table.records.map(\.line) == [2, 5, 6])
    #expect(table.records[0].fields == ["1", "one\r\ntwo"])
    #expect(table.records[1].fields == ["2", "a \"quoted\", comma"])
  }

  @Test(arguments: [
    ("2024-03-01", "2024-03-01T00:00:00Z"), ("2024-03-01 09:15", "2024-03-01T09:15:00Z"),
    ("2024-03-01 09:15:30", "2024-03-01T09:15:30Z"), ("2024-03-01T09:15:30.250Z", "2024-03-01T09:15:30Z"),
    ("2024-03-01T11:15:30+02:00", "2024-03-01T09:15:30Z"), ("2024-03-01T04:15:30-0500", "2024-03-01T09:15:30Z"),
    ("2024-03-01T09:15:30Z", "2024-03-01T09:15:30Z"), ("2024-03-01T09:15:30z", "2024-03-01T09:15:30Z"),
    ("2024-02-29 23:59:59", "2024-02-29T23:59:59Z"), ("0000-01-01 00:00:00", "0000-01-01T00:00:00Z"),
    ("9999-12-31T23:59:59", "9999-12-31T23:59:59Z"), ("1969-12-31 23:59:59", "1969-12-31T23:59:59Z"),
  ])
  func isoTimes(_ text: String, _ iso: String) {
    #expect(CSVTime(format: nil).parse(text)?.iso == iso)
  }

  @Test(arguments: [
    "2023-02-29 10:00:00", "2024-01-02 24:00:00", "2024-01-02 10:60:00", "2024-01-02 10:00:60", "2024-13-01 00:00:00",
    "2024-00-01 00:00:00", "2024-01-0a 00:00:00", "2024-01-02_10:00:00", "2024/01/02 10:00:00", "2024-01-02 10:00:00Q",
  ])
  func notTimes(_ text: String) {
    #expect(CSVTime(format: nil).parse(text) == nil)
  }

  /// Times print as they always did, at both ends of the recordable range
  /// and beyond it.
  @Test func timesPrintInOneShape() {
    #expect(Timestamp(seconds: 0).iso == "1970-01-01T00:00:00Z")
    #expect(Timestamp(seconds: -1).iso == "1969-12-31T23:59:59Z")
    #expect(Timestamp(seconds: 951_825_599).iso == "2000-02-29T11:59:59Z")
    #expect(Timestamp.earliest.iso == "0000-01-01T00:00:00Z")
    #expect(Timestamp.latest.iso == "9999-12-31T23:59:59Z")
    #expect(Timestamp(seconds: Timestamp.latest.seconds + 1).iso == "10000-01-01T00:00:00Z")
    #expect(Timestamp(seconds: Timestamp.earliest.seconds - 1).iso == "-0001-12-31T23:59:59Z")
  }

  @Test func dateFormats() {
    #expect(CSVTime(format: "%d/%m/%Y %H:%M").parse("01/03/2024 09:15")?.iso == "2024-03-01T09:15:00Z")
    #expect(CSVTime(format: "%b %d, %Y %I:%M %p").parse("Mar 01, 2024 02:05 PM")?.iso == "2024-03-01T14:05:00Z")
    #expect(CSVTime(format: "%d/%m/%Y").parse("01/03/2024 junk") == nil)
    #expect(CSVTime(format: nil).parse("03/01/2024") == nil)
  }

  // MARK: acceptance

  /// Acceptance 3: BOM, CRLF, a quoted comment with a comma, a quote and a
  /// line break, and a score of 11: every good row in, the bad one named by line.
  @Test func badRowIsNamedByItsLineAndTheRestImports() throws {
    let text =
      "\u{FEFF}Response ID,Date,Email,Name,Score,Comment\r\n"
      + "R1,2024-03-01 09:00,ana@example.com,Ana,9,\"Good, \"\"really\"\"\r\nthanks\"\r\n"
      + "R2,2024-03-01 10:00,bo@example.com,Bo,11,too high\r\n"
      + "R3,2024-03-01 11:00,ana@example.com,Ana,6,\r\n"
    let path = try Self.file("survey.csv", text)
    let h = try Harness()
    let (out, err) = Self.importing(h, path, "--preset nps")
    #expect(
      err == [
        "\(path):4: error: column 'Score' (score) holds '11'; a score is a whole number from 0 to 10 — fix the value"
      ])
    #expect(out == ["3 rows: 2 imported (3 events), 1 refused"])
    #expect(h.eventCount == 3)
    #expect(h.session.failures == 1)
    let shown = try h.json("show @2")
    #expect(shown["data"]?["comment"] == .string("Good, \"really\" thanks"))
    #expect(shown["origin"] == .string("\(path):2"))
    #expect(try h.json("show @3")["origin"] == .string("\(path):5"))
    #expect(try h.json("show @1")["data"]?["key"] == .string("ana@example.com"))
  }

  /// Acceptance 2: a second import and a dry run append nothing.
  @Test func secondImportAndDryRunAppendNothing() throws {
    let path = try Self.file(
      "nps.csv", String(contentsOfFile: Transcripts.root + "/Snapshots/csv/nps-survey.csv", encoding: .utf8))
    let h = try Harness()
    let (dryOut, _) = Self.importing(h, path, "--preset nps --dry-run")
    #expect(h.eventCount == 0)
    #expect(dryOut.last == "12 rows: 12 imported (23 events), 0 refused")
    #expect(dryOut.contains { $0.hasPrefix("  culture.indicators.nps.value ") && $0.hasSuffix(" — → 16.7") })
    _ = Self.importing(h, path, "--preset nps")
    #expect(h.eventCount == 23)
    let (again, err) = Self.importing(h, path, "--preset nps")
    #expect(err.isEmpty)
    #expect(again == ["12 rows: 0 imported (0 events), 12 already imported, 0 refused"])
    #expect(h.eventCount == 23)
    #expect(try h.json("culture")["indicators"]?["nps"]?["value"] == .double(16.7))
  }

  /// Without a `key` column each row is known by a digest of its fields.
  @Test func rowsWithoutKeysAreKnownByDigest() throws {
    let path = try Self.file("f.csv", "customer,score,at\nc1,9,2024-01-01\nc2,3,2024-01-02\n")
    let h = try Harness()
    #expect(Self.importing(h, path, "--kind feedback").out == ["2 rows: 2 imported (4 events), 0 refused"])
    #expect(
      Self.importing(h, path, "--kind feedback").out == ["2 rows: 0 imported (0 events), 2 already imported, 0 refused"]
    )
  }

  @Test func rowsGoInTimeOrderAndNeverIntoThePast() throws {
    let path = try Self.file(
      "f.csv", "customer,score,at,key\nc2,3,2024-01-03,b\nc1,9,2024-01-02,a\nc3,9,2020-01-01,c\n")
    let h = try Harness()
    h.run("clock 2021-01-01", "customer c0 \"Zero\"")
    let (out, err) = Self.importing(h, path, "--kind feedback")
    #expect(err.count == 1)
    #expect(
      err.first?.hasPrefix("\(path):4: error: this row's time 2020-01-01T00:00:00Z is before the head of branch 'main'")
        == true)
    #expect(out == ["3 rows: 2 imported (4 events), 1 refused"])
    #expect(try h.json("show @3")["origin"] == .string("\(path):3"))
    #expect(try h.json("show @5")["origin"] == .string("\(path):2"))
  }

  /// A party's external key is kept on it: a later export naming the same
  /// person by that key maps to the same id, whatever the rule would say.
  @Test func keptKeysMapPeopleToTheirIds() throws {
    let h = try Harness()
    h.run("clock 2024-01-01", "hire ana \"Ana Lima\" dept=support key=\"Ana Lima\"")
    let path = try Self.file(
      "z.csv",
      "Id,Requester,Requester id,Assignee,Created at,Satisfaction Score\n"
        + "1,Cy,501,Ana Lima,2024-02-01 10:00,Good\n2,Di,502,Ana Lima,2024-02-02 10:00,Bad\n"
        + "3,Ed,503,,2024-02-03 10:00,Offered\n4,Fe,504,Bob Stone,2024-02-04 10:00,Good\n")
    let (out, err) = Self.importing(h, path, "--preset zendesk")
    #expect(out == ["4 rows: 2 imported (4 events), 1 without a rating, 1 refused"])
    #expect(
      err == [
        "\(path):5: error: column 'Assignee' names 'Bob Stone', who is not an employee — hire them first (hire bob-stone \"NAME\" key=\"Bob Stone\")"
      ])
    #expect(
      try h.json("show @3")["data"]
        == .object(JSONObject([("about", .string("ana")), ("customer", .string("501")), ("score", .int(10))])))
    #expect(try h.json("show @5")["data"]?["score"] == .int(0))
    #expect(try h.json("customers")["items"]?.arrayValue?.first?["name"] == .string("Cy"))
  }

  @Test func employeesThenInteractionsAndPulse() throws {
    let h = try Harness()
    let staff = try Self.file(
      "staff.csv",
      "Employee,Name,Dept,Level,Facing,Orientation\nE-1,Ana Lima,Front Desk,manager,yes,5\nE-2,Bo Berg,Front Desk,staff,no,2\n"
    )
    #expect(Self.importing(h, staff, "--kind employees").out == ["2 rows: 2 imported (2 events), 0 refused"])
    #expect(
      Self.importing(h, staff, "--kind employees").out == [
        "2 rows: 0 imported (0 events), 2 already imported, 0 refused"
      ])
    let employees = try h.json("employees")
    #expect(employees["items"]?.arrayValue?.first?["dept"] == .string("front-desk"))
    let log = try Self.file(
      "log.csv",
      "employee,party,at,outcome,mode,did,note\nE-1,acme,2024-01-02 09:00,+2,relationship,\"courteous; followed-up\",\"called back\"\nE-1,E-2,2024-01-02 10:00,-1,,,\n"
    )
    #expect(Self.importing(h, log, "--kind interactions").out == ["2 rows: 2 imported (3 events), 0 refused"])
    #expect(try h.json("matrix")["cells"]?["staff"]?["normal"]?["interactions"] == .int(1))
    let pulse = try Self.file("pulse.csv", "employee,score,at\nE-1,9,2024-01-03\nE-2,4,2024-01-03\n")
    #expect(Self.importing(h, pulse, "--kind pulse").out == ["2 rows: 2 imported (2 events), 0 refused"])
    let answer = try h.json("show @6")
    #expect(
      answer["command"]?.stringValue?.hasPrefix("pulse dept=front-desk score=9 # import-csv key=\"sha256:") == true)
    #expect(
      Self.importing(h, pulse, "--kind pulse").out == ["2 rows: 0 imported (0 events), 2 already imported, 0 refused"])
  }

  @Test func qualtricsSkipsItsTwoExtraHeaderRows() throws {
    let h = try Harness()
    let path = Transcripts.root + "/Snapshots/csv/qualtrics-export.csv"
    let (out, err) = Self.importing(h, path, "--preset qualtrics")
    #expect(err.isEmpty)
    #expect(out.last?.hasPrefix("6 rows: 6 imported") == true)
  }

  // MARK: bad input

  static let badFiles: [(name: String, bytes: [UInt8], args: String, error: String)] = [
    (
      "missing.csv", Array("Response ID,Date,Email,Scor\nR1,2024-01-01,a@b.c,9\n".utf8), "--preset nps",
      ":1: error: no column for 'score', which --kind feedback needs — did you mean 'Scor'? the file's columns are "
        + "'Response ID', 'Date', 'Email', 'Scor'; name one with --map score=COLUMN"
    ),
    (
      "time.csv", Array("customer,score,at\nc1,9,01/02/2024\n".utf8), "--kind feedback",
      ":2: error: column 'at' (at) holds '01/02/2024', which is not a time; expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] "
        + "or ISO 8601 such as 2024-03-01T09:15:00Z — or give --date-format"
    ),
    (
      "empty.csv", [], "--kind feedback",
      ":1: error: the file is empty — export it again with a header row and at least one row"
    ),
    (
      "binary.csv", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFE, 0x00], "--kind feedback",
      ":1: error: the file is not UTF-8 text (bytes that are not UTF-8 on line 1) — save it as CSV UTF-8"
    ),
    (
      "ragged.csv", Array("customer,score,at\nc1,9,2024-01-01,extra\n".utf8), "--kind feedback",
      ":2: error: this row has 4 fields but the header has 3 — look for a comma or quote that is not inside a quoted field"
    ),
    (
      "preset.csv", Array("customer,score,at\n".utf8), "--preset zendsk",
      ":1: error: unknown preset 'zendsk' — did you mean 'zendesk'?"
    ),
    (
      "kind.csv", Array("customer,score,at\n".utf8), "--kind feedbak",
      ":1: error: unknown kind 'feedbak' — did you mean 'feedback'?"
    ),
  ]

  @Test(arguments: badFiles.indices)
  func badInputGetsOneErrorLine(_ index: Int) throws {
    let bad = Self.badFiles[index]
    let path = try Self.file(bad.name, bad.bytes)
    let h = try Harness()
    let (_, err) = Self.importing(h, path, bad.args)
    #expect(err == [path + bad.error])
    #expect(h.eventCount == 0)
  }

  @Test func bailStopsAtTheFirstRefusedRow() throws {
    let path = try Self.file("f.csv", "customer,score,at\nc1,11,2024-01-01\nc2,9,2024-01-02\n")
    let h = try Harness()
    let (out, _) = Self.importing(h, path, "--kind feedback --bail")
    #expect(out == ["1 row: 0 imported (0 events), 1 refused"])
    #expect(h.eventCount == 0)
  }

  @Test func statementWordsAreChecked() {
    #expect(throws: Diagnostic.self) { try Parser.parse("import-csv f.csv") }
    #expect(throws: Diagnostic.self) { try Parser.parse("import-csv f.csv --kind feedback --dry") }
    #expect(throws: Diagnostic.self) { try Parser.parse("import-csv --kind feedback") }
    let parsed = try? Parser.parse(
      "import-csv \"a b.csv\" --kind=feedback --map \"score=How likely, 0-10\" --map at=Date --dry-run")
    #expect(
      parsed
        == .importCSV(
          ImportRequest(
            path: "a b.csv", kind: "feedback",
            maps: [.init(field: "score", column: "How likely, 0-10"), .init(field: "at", column: "Date")], dryRun: true)
        ))
  }

  @Test func keyedPayloadsDecodeAtEveryVersion() throws {
    let v1 = try Event(
      type: "CustomerRegistered", version: 1, data: JSON.parse("{\"id\":\"c1\",\"name\":\"C\",\"key\":\"x\"}"))
    #expect(v1 == .customerRegistered(id: "c1", name: "C", segment: nil, key: nil))
    let event = Event.employeeHired(
      id: "e1", name: "E", dept: "d", role: nil, level: .staff, facing: true, orientation: 3, skills: 3, key: "E-1")
    #expect(try Event(type: "EmployeeHired", version: 2, data: event.data) == event)
    #expect(event.version == 2)
    #expect(Event.customerRegistered(id: "c1", name: "C", segment: nil).version == 1)
  }

  // MARK: fuzz

  /// Mutated CSV files (bytes flipped, cut, duplicated, quotes and breaks
  /// thrown in): never a crash, and a refused row appends nothing.
  @Test func mutatedFilesNeverCrash() throws {
    let base = Array(
      (try String(contentsOfFile: Transcripts.root + "/Snapshots/csv/nps-survey.csv", encoding: .utf8)).utf8)
    let noise: [[UInt8]] = [
      [0x22], [0x2C], [0x0D, 0x0A], [0x0A], [0xFF], [0x00], [0xEF, 0xBB, 0xBF], Array("💥".utf8), [0x5C],
    ]
    var rng = SeededGenerator(seed: 13)
    let h = try Harness()
    h.run("clock 2024-01-01")
    for round in 0..<150 {
      var bytes = base
      for _ in 0..<Int.random(in: 1...6, using: &rng) {
        guard !bytes.isEmpty else { break }
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: bytes.insert(contentsOf: noise.randomElement(using: &rng) ?? [], at: at)
        case 1: bytes.remove(at: at)
        case 2: bytes[at] = UInt8.random(in: 0...255, using: &rng)
        default: bytes = Array(bytes[..<at])
        }
      }
      let path = try Self.file("m\(round).csv", bytes)
      let before = h.eventCount
      let (out, err) = Self.importing(h, path, round % 2 == 0 ? "--preset nps" : "--preset nps --dry-run")
      let appended = h.eventCount - before
      if round % 2 == 1 { #expect(appended == 0) }
      #expect(h.session.state.headSeq == h.eventCount)
      if let summary = out.last, summary.contains(" rows: ") || summary.contains(" row: ") {
        #expect(err.allSatisfy { $0.hasPrefix(path + ":") })
      }
    }
    #expect(h.run("verify").hasPrefix("ok: branch 'main' verifies"))
  }
}
