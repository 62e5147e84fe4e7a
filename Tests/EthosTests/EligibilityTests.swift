import TestSupport
import Testing

@testable import EthosDomain
@testable import EthosEngine
@testable import EthosREPL
@testable import EthosStore

/// The completer and the decider read one rule per kind of word
/// (``State/admits(_:as:besides:)``): over random states, a statement naming
/// an id is accepted exactly when Tab would have offered that id.
@Suite struct EligibilityTests {
  static let seeds: [UInt64] = Array(1...40)

  /// The statements whose first id is the word `reference` checks, as the
  /// statement table lists them.
  static let statements: [(Reference, @Sendable (String) -> Command)] = [
    (.activeEmployee, { .depart(id: $0, reason: .resigned) }),
    (.engagedPartner, { .release(id: $0) }),
    (.activeCustomer, { .lose(id: $0, reason: nil) }),
    (.championCandidate, { .nameChampion(id: $0, area: nil) }),
    (.champion, { .standDownChampion(id: $0) }),
    (.teamCandidate, { .joinTeam(id: $0) }),
    (.teamMember, { .leaveTeam(id: $0) }),
    (.leader, { .lead(by: $0, activity: .model, note: nil) }),
    (.employeeOrCompany, { .say(by: $0, text: "we listen", to: .internal) }),
    (.activeEmployee, { .train(employees: [$0], topic: .ownership) }),
    (.openPromise, { .keep(id: $0) }),
    (.openPromise, { .breakPromise(id: $0) }),
    (.openStress, { .endStress(id: $0) }),
    (.knownCustomer, { .feedback(customer: $0, score: 7, about: nil, comment: nil) }),
    (.knownCustomer, { .complain(customer: $0, about: nil, level: .frontline, text: nil) }),
    (.openAction, { .completeAction(id: $0) }),
    (.knownParty, { .forget(id: $0, reason: "asked") }),
  ]

  /// Every id of the state, and words that name nothing.
  static func words(_ state: State) -> [String] {
    Array(state.owners.keys) + state.departments + ["company", "nobody", ""]
  }

  @Test(arguments: seeds)
  func theDeciderAcceptsExactlyWhatCompletionOffers(seed: UInt64) throws {
    let h = try Harness()
    var generator = ScriptGenerator(seed: seed)
    _ = generator.run(40 + Int(seed % 60), on: h.session)
    let state = h.session.state
    let now = state.headTime ?? Timestamp(seconds: 0)
    for (reference, command) in Self.statements {
      let offered = Set(state.candidates(for: reference))
      for id in Self.words(state) {
        let accepted = (try? decide(command(id), state: state, now: now)) != nil
        #expect(accepted == offered.contains(id), "seed \(seed): \(command(id).verb) \(id)")
        #expect(accepted == state.admits(id, as: reference), "seed \(seed): \(command(id).verb) \(id)")
      }
    }
    // A party is anyone active but the employee who serves them.
    for by in state.candidates(for: .activeEmployee) {
      let offered = Set(state.candidates(for: .party, besides: by))
      for with in Self.words(state) {
        let command = Command.log(
          by: by, with: with, mode: .transaction, channel: .phone, outcome: 1, did: [], note: nil)
        let accepted = (try? decide(command, state: state, now: now)) != nil
        #expect(accepted == offered.contains(with), "seed \(seed): log \(by) with \(with)")
      }
    }
  }

  @Test func completionOffersTheDecidersCandidates() throws {
    let h = try Harness()
    h.run(
      "hire ana \"Ana\" dept=front level=leader", "hire ben \"Ben\" dept=front", "champion ben",
      "customer acme \"Acme\"", "depart ana reason=resigned")
    #expect(h.session.state.employees["ana"]?.active == false)
    let completer = Completer(state: h.session.state)
    #expect(completer.ids(.championCandidate, besides: nil) == [])
    #expect(completer.ids(.champion, besides: nil) == ["ben"])
    #expect(completer.ids(.party, besides: "ben") == ["acme"])
    #expect(completer.ids(.knownEmployee, besides: nil) == ["ana", "ben"])
  }
}
