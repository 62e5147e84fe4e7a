/// One tick of an axis: where it sits (in domain units) and what it says.
public struct Tick: Sendable, Equatable {
  public let value: Double
  public let label: String

  public init(_ value: Double, _ label: String) {
    self.value = value
    self.label = label
  }
}

/// Axes drawn as SVG: a line, tick marks, tick labels and the axis title.
public enum Axis {
  /// At most `limit` of `ticks`, evenly spread, always keeping the first:
  /// a year of weekly buckets still gets readable labels.
  public static func thinned(_ ticks: [Tick], limit: Int) -> [Tick] {
    guard limit > 0, ticks.count > limit else { return ticks }
    let every = (ticks.count + limit - 1) / limit
    return ticks.enumerated().filter { $0.offset % every == 0 }.map(\.element)
  }

  /// The ticks of `scale` labelled with as many decimals as their step needs.
  public static func ticks(of scale: LinearScale, count: Int = 5) -> [Tick] {
    scale.ticks(count: count).map { Tick($0, scale.label($0, count: count)) }
  }

  /// A horizontal axis at `y` under a plot spanning `scale.range`.
  public static func bottom(_ ticks: [Tick], scale: LinearScale, y: Double, title: String) -> String {
    var out = "<g class=\"axis axis-x\">"
    out +=
      "<line x1=\"\(SVG.n(scale.range.lowerBound))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(scale.range.upperBound))\" y2=\"\(SVG.n(y))\"/>"
    for tick in ticks {
      let x = scale(tick.value)
      out += "<line x1=\"\(SVG.n(x))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(x))\" y2=\"\(SVG.n(y + 5))\"/>"
      out += SVG.text(tick.label, x: x, y: y + 17, anchor: "middle", cssClass: "tick")
    }
    let middle = (scale.range.lowerBound + scale.range.upperBound) / 2
    out += SVG.text(title, x: middle, y: y + 36, anchor: "middle", cssClass: "axis-title")
    return out + "</g>"
  }

  /// A vertical axis at `x` beside a plot spanning `scale.range`, with light
  /// grid lines across to `gridTo`.
  public static func left(_ ticks: [Tick], scale: LinearScale, x: Double, gridTo: Double, title: String) -> String {
    var out = "<g class=\"axis axis-y\">"
    out +=
      "<line x1=\"\(SVG.n(x))\" y1=\"\(SVG.n(scale.range.lowerBound))\" x2=\"\(SVG.n(x))\" y2=\"\(SVG.n(scale.range.upperBound))\"/>"
    for tick in ticks {
      let y = scale(tick.value)
      out += "<line class=\"grid\" x1=\"\(SVG.n(x))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(gridTo))\" y2=\"\(SVG.n(y))\"/>"
      out += SVG.text(tick.label, x: x - 6, y: y + 4, anchor: "end", cssClass: "tick")
    }
    let middle = (scale.range.lowerBound + scale.range.upperBound) / 2
    out +=
      "<text class=\"axis-title\" text-anchor=\"middle\" transform=\"translate(\(SVG.n(x - 40)) \(SVG.n(middle))) rotate(-90)\">"
      + SVG.escape(title) + "</text>"
    return out + "</g>"
  }
}
