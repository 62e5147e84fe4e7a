import EthosDomain
import EthosJSON

/// The `matrix` document (SPEC §5).
public enum MatrixDocument {
  static let order: [(Audience, Condition)] = [
    (.customers, .normal), (.customers, .stress), (.staff, .normal), (.staff, .stress),
  ]

  /// The matrix over all interactions, or those served by employees of `dept`.
  /// With `window` (as written, `90d`), `state` holds only the window's
  /// observations and the document says so.
  public static func make(_ state: State, dept: String? = nil, window: String? = nil) -> JSON {
    let tally = dept.map { state.matrixByDept[$0] ?? MatrixTally() } ?? state.matrix
    return make(tally, window: window)
  }

  public static func make(_ tally: MatrixTally, window: String? = nil) -> JSON {
    var cells = JSONObject()
    for audience in Audience.allCases {
      var row = JSONObject()
      for condition in Condition.allCases {
        let cell = tally[audience, condition]
        row[condition.rawValue] = .object(
          JSONObject([
            ("interactions", .int(cell.n)),
            ("mean", .optional(Rounding.round(cell.mean))),
            ("positive", .optional(Rounding.round(cell.positiveShare))),
          ]))
      }
      cells[audience.rawValue] = .object(row)
    }
    var gaps = JSONObject()
    for audience in Audience.allCases {
      gaps[audience.rawValue] = .optional(Rounding.round(stressGap(tally, audience)))
    }
    var document = JSONObject([
      ("cells", .object(cells)),
      ("balance", .optional(Rounding.round(balance(tally)))),
      ("weakest", .optional(weakest(tally))),
      ("stressGap", .object(gaps)),
    ])
    // Only a narrowed matrix names its window: the all-time document keeps its round-1 shape.
    if let window { document["window"] = .string(window) }
    return .object(document)
  }

  /// Highest cell mean minus lowest, over cells with interactions.
  public static func balance(_ tally: MatrixTally) -> Double? {
    let means = order.compactMap { tally[$0.0, $0.1].mean }
    guard let high = means.max(), let low = means.min() else { return nil }
    return high - low
  }

  /// The cell with the lowest mean; ties go to the first in SPEC order.
  public static func weakest(_ tally: MatrixTally) -> String? {
    var best: (String, Double)?
    for (audience, condition) in order {
      guard let mean = tally[audience, condition].mean else { continue }
      if best == nil || mean < (best?.1 ?? 0) { best = ("\(audience.rawValue)/\(condition.rawValue)", mean) }
    }
    return best?.0
  }

  /// Mean under normal conditions minus mean under stress, for one audience.
  public static func stressGap(_ tally: MatrixTally, _ audience: Audience) -> Double? {
    guard let normal = tally[audience, .normal].mean, let stress = tally[audience, .stress].mean else { return nil }
    return normal - stress
  }
}
