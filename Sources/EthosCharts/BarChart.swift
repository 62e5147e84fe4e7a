/// A vertical bar chart of counts per category (events per week).
public struct BarChart: Sendable {
  public var id: String
  public var title: String
  public var xTitle: String
  public var yTitle: String
  public var labels: [String]
  public var values: [Int]
  public var emptyText = "no events yet"
  public var width = 960.0
  public var height = 240.0

  public init(id: String, title: String, xTitle: String, yTitle: String, labels: [String], values: [Int]) {
    self.id = id
    self.title = title
    self.xTitle = xTitle
    self.yTitle = yTitle
    self.labels = labels
    self.values = values
  }

  let left = 64.0, right = 16.0, top = 16.0, bottom = 56.0

  /// The count axis: 0 up to the largest count, on whole ticks.
  public var yScale: LinearScale {
    let high = Double(max(values.max() ?? 0, 1))
    let scale = LinearScale(domain: 0...high, range: top...(height - bottom), inverted: true)
    // Counts are whole numbers: never a tick step below 1.
    return scale.tickStep() < 1
      ? LinearScale(domain: 0...max(high, 5), range: scale.range, inverted: true) : scale.niced()
  }

  public func svg() -> String {
    let total = values.reduce(0, +)
    let description =
      values.isEmpty
      ? "\(title): \(emptyText)." : "\(yTitle) per \(xTitle), \(values.count) bars, \(total) in all."
    var out = SVG.open(id: id, width: width, height: height, title: title, description: description)
    let y = yScale
    let plotBottom = height - bottom
    let x = LinearScale(domain: 0...Double(max(values.count, 1)), range: left...(width - right))
    let ticks = Axis.thinned(
      labels.enumerated().map { Tick(Double($0.offset) + 0.5, $0.element) },
      limit: max(1, Int((width - left - right) / 70)))
    out += Axis.left(Axis.ticks(of: y), scale: y, x: left, gridTo: width - right, title: yTitle)
    let slot = x(1) - x(0)
    for (index, value) in values.enumerated() {
      let top = y(Double(value))
      let label = index < labels.count ? labels[index] : ""
      out +=
        "<rect class=\"bar\" x=\"\(SVG.n(x(Double(index)) + slot * 0.15))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(slot * 0.7))\" "
        + "height=\"\(SVG.n(plotBottom - top))\"><title>\(SVG.escape(label)): \(value)</title></rect>"
    }
    out += Axis.bottom(ticks, scale: x, y: plotBottom, title: xTitle)
    if values.isEmpty {
      out += SVG.text(
        emptyText, x: (left + width - right) / 2, y: (top + plotBottom) / 2, anchor: "middle", cssClass: "empty")
    }
    return out + "</svg>"
  }
}
