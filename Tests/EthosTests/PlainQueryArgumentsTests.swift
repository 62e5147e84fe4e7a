import ArgumentParser
import EthosLanguage
import Testing

@testable import EthosCLI

/// `ethos query` parses its usual arguments without ArgumentParser
/// (`QueryCommand.plain`): the command made must be the one ArgumentParser
/// makes, and anything else must be left to ArgumentParser.
@Suite struct PlainQueryArgumentsTests {
  /// What a query command holds, to compare.
  struct Fields: Equatable {
    var statement: String
    var format: String?
    var asOf: String?
    var store: String?
    var branch: String
    var actor: String?

    init(_ command: QueryCommand) {
      statement = command.statement
      format = command.format?.rawValue
      asOf = command.asOf
      store = command.options.store
      branch = command.options.branch
      actor = command.options.actor
    }
  }

  static let plain: [[String]] = [
    ["query", "matrix"],
    ["query", "matrix", "--store", "s.sqlite"],
    ["query", "--store", "s.sqlite", "matrix"],
    ["query", "matrix dept=support", "--format", "csv", "--branch", "storm", "--actor", "ana"],
    ["query", "--as-of", "@12", "culture", "--format", "json", "--store", "postgres://u@h/db"],
    ["query", "--format", "table", "--as-of", "2021-01-04T08:00", "who c1", "--store", ":memory:"],
    ["query", "history", "--branch", "main", "--actor", "query"],
  ]

  @Test(arguments: plain)
  func madeAsArgumentParserMakesIt(arguments: [String]) throws {
    let command = try #require(QueryCommand.plain(arguments))
    let parsed = try #require(try EthosCommand.parseAsRoot(arguments) as? QueryCommand)
    #expect(Fields(command) == Fields(parsed))
  }

  static let unusual: [[String]] = [
    ["query"],
    ["run", "x.ethos"],
    ["--store", "s.sqlite", "query", "matrix"],
    ["query", "matrix", "culture"],
    ["query", ""],
    ["query", "matrix", "--store"],
    ["query", "matrix", "--store", "--branch", "b"],
    ["query", "matrix", "--store=s.sqlite"],
    ["query", "matrix", "--store", "a", "--store", "b"],
    ["query", "matrix", "--format", "xml"],
    ["query", "matrix", "--help"],
    ["query", "-h"],
    ["query", "--version"],
    ["query", "--", "-matrix"],
    ["query", "matrix", "--as-of", "-1"],
    ["query", "matrix", "--keys", "k"],
  ]

  @Test(arguments: unusual)
  func leftToArgumentParser(arguments: [String]) {
    #expect(QueryCommand.plain(arguments) == nil)
  }

  /// A property added to the command or its store options must be set by
  /// `plain` too (one it leaves unset traps when read): this fails until it is.
  @Test func setsEveryProperty() throws {
    let parsed = try #require(try EthosCommand.parseAsRoot(["query", "matrix"]) as? QueryCommand)
    #expect(Mirror(reflecting: parsed).children.map(\.label) == ["_statement", "_format", "_asOf", "_options"])
    #expect(Mirror(reflecting: parsed.options).children.map(\.label) == ["_store", "_branch", "_actor"])
  }
}
