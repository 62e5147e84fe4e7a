/// Finds the candidate nearest to a mistyped word, for "did you mean".
public enum Suggestion {
  /// The closest candidate within a small edit distance, or `nil`.
  public static func nearest<S: Sequence>(to word: String, in candidates: S) -> String?
  where S.Element == String {
    let target = Array(word.unicodeScalars)
    let limit = max(1, min(3, target.count / 3))
    var best: (String, Int)?
    for candidate in candidates {
      let scalars = Array(candidate.unicodeScalars)
      if abs(scalars.count - target.count) > limit { continue }
      let distance = editDistance(target, scalars)
      if distance <= limit, distance < (best?.1 ?? Int.max) || (distance == best?.1 && candidate < (best?.0 ?? "")) {
        best = (candidate, distance)
      }
    }
    return best?.0
  }

  /// Optimal string alignment distance (Levenshtein plus adjacent swaps).
  static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = min(current[j], previous2[j - 2] + 1)
        }
      }
      (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[b.count]
  }
}
