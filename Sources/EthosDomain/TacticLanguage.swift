/// The tactic-language rule of SPEC §5: words and phrases that, in what
/// leaders say, betray service run as a tactic or a campaign rather than a
/// strategy (seed 001).
///
/// The decider applies it when a `say` is made and records the count on the
/// event, so no figure ever depends on re-reading a text.
public enum TacticLanguage {
  /// Whole words that betray a tactic, case-insensitively.
  static let words: Set<String> = [
    "focus", "initiative", "initiatives", "tactic", "tactics", "campaign", "campaigns",
    "program", "programs", "programme", "programmes",
  ]

  /// Two-word phrases that betray a short horizon.
  static let phrases: Set<[String]> = [
    ["this", "quarter"], ["this", "year"], ["this", "month"], ["next", "quarter"], ["upcoming", "period"],
  ]

  /// Words that, earlier in the same clause, turn a match into its denial
  /// ("service is not a tactic").
  static let negations: Set<String> = ["not", "never", "no", "isn't", "aren't", "without"]

  /// How many tactic terms `text` uses outside a negated clause. Clauses end
  /// at `.`, `!`, `?`, `;` and `,`.
  public static func count(in text: String) -> Int {
    var total = 0
    for clause in clauses(of: text) {
      var negated = false
      for (index, word) in clause.enumerated() {
        if negations.contains(word) {
          negated = true
          continue
        }
        if negated { continue }
        if words.contains(word) { total += 1 }
        if index + 1 < clause.count, phrases.contains([word, clause[index + 1]]) { total += 1 }
      }
    }
    return total
  }

  /// The clauses of `text`, each as its lower-cased words. A word is a run
  /// of letters and digits, with an apostrophe inside it kept (`isn't`).
  static func clauses(of text: String) -> [[String]] {
    var result = [[String]]()
    var clause = [String]()
    var word = ""
    func endWord() {
      while word.hasSuffix("'") { word.removeLast() }
      if !word.isEmpty { clause.append(word) }
      word = ""
    }
    for character in text.lowercased() {
      if character.isLetter || character.isNumber {
        word.append(character)
      } else if character == "'" || character == "\u{2019}" {
        if !word.isEmpty { word.append("'") }
      } else {
        endWord()
        if ".!?;,".contains(character) {
          if !clause.isEmpty { result.append(clause) }
          clause = []
        }
      }
    }
    endWord()
    if !clause.isEmpty { result.append(clause) }
    return result
  }
}
