/// A line chart over time buckets, with shaded bands (stress windows) on the
/// time axis. Series differ in colour, dash and marker shape, so the chart
/// still reads when printed in black and white.
public struct LineChart: Sendable {
  public struct Series: Sendable {
    public let name: String
    /// One value per bucket of the chart; `nil` where there is no data.
    public let values: [Double?]

    public init(name: String, values: [Double?]) {
      self.name = name
      self.values = values
    }
  }

  /// A span of the time axis to shade, in the same units as the buckets.
  public struct Band: Sendable {
    public let from: Double
    public let to: Double
    public let label: String

    public init(from: Double, to: Double, label: String) {
      self.from = from
      self.to = to
      self.label = label
    }
  }

  public var id: String
  public var title: String
  public var xTitle: String
  public var yTitle: String
  /// Bucket bounds (e.g. seconds): bucket i spans `buckets[i]`; points sit at the middle.
  public var buckets: [ClosedRange<Double>]
  /// Tick labels of the buckets, one per bucket.
  public var bucketLabels: [String]
  public var series: [Series]
  public var bands: [Band] = []
  /// A fixed value axis (e.g. −2…2 for mean outcome), else taken from the data.
  public var yDomain: ClosedRange<Double>?
  /// What the chart says when no series has a value.
  public var emptyText = "no data yet"
  public var width = 960.0
  public var height = 300.0

  /// Up to this many bands are labelled on the chart; more are only hatched.
  public static let labelledBands = 8
  public static let colors = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"]
  public static let dashes = ["", "6 3", "2 3", "8 3 2 3", "", "4 4"]

  public init(
    id: String, title: String, xTitle: String, yTitle: String, buckets: [ClosedRange<Double>], bucketLabels: [String],
    series: [Series]
  ) {
    self.id = id
    self.title = title
    self.xTitle = xTitle
    self.yTitle = yTitle
    self.buckets = buckets
    self.bucketLabels = bucketLabels
    self.series = series
  }

  let left = 64.0, right = 16.0, top = 40.0, bottom = 56.0

  /// Whether any series has a value.
  public var isEmpty: Bool { !series.contains { $0.values.contains { $0 != nil } } }

  /// The x scale: from the first bucket's start to the last one's end.
  public var xScale: LinearScale {
    let low = buckets.first?.lowerBound ?? 0
    let high = buckets.last?.upperBound ?? 1
    return LinearScale(domain: low...max(high, low), range: left...(width - right))
  }

  /// The y scale: `yDomain` as given, else the data's extent widened to nice ticks (0 always in view).
  public var yScale: LinearScale {
    let range = top...(height - bottom)
    if let yDomain { return LinearScale(domain: yDomain, range: range, inverted: true) }
    let values = series.flatMap { $0.values.compactMap { $0 } }
    let low = min(values.min() ?? 0, 0)
    let high = max(values.max() ?? 1, 0)
    return LinearScale(domain: low...high, range: range, inverted: true).niced()
  }

  /// The chart as one `<svg>` element.
  public func svg() -> String {
    let x = xScale
    let y = yScale
    let plotBottom = height - bottom
    let names = series.map(\.name).joined(separator: ", ")
    let description =
      isEmpty
      ? "\(title): \(emptyText)."
      : "\(yTitle) per \(xTitle) for \(names); \(bands.count) shaded stress window\(bands.count == 1 ? "" : "s")."
    var out = SVG.open(id: id, width: width, height: height, title: title, description: description)
    out +=
      "<defs><pattern id=\"\(SVG.escape(id))-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" class=\"band-fill\"/>"
      + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" class=\"band-hatch\"/></pattern></defs>"
    // Stress windows first, under everything else. A label only where it
    // fits and does not run into the previous one; every band keeps its
    // label as a tooltip.
    var labelEnd = -Double.infinity
    for band in bands {
      let from = x(x.clamped(band.from))
      let to = x(x.clamped(band.to))
      guard to > from || band.to > band.from else { continue }
      out +=
        "<g class=\"band\"><rect x=\"\(SVG.n(from))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(max(to - from, 2)))\" "
        + "height=\"\(SVG.n(plotBottom - top))\" fill=\"url(#\(SVG.escape(id))-hatch)\"><title>\(SVG.escape(band.label))</title></rect>"
      let labelWidth = Double(band.label.count) * 6.2 + 6
      if bands.count <= LineChart.labelledBands, from >= labelEnd {
        out += SVG.text(band.label, x: from + 3, y: top + 12, cssClass: "band-label")
        labelEnd = from + labelWidth
      }
      out += "</g>"
    }
    let ticks = Axis.thinned(
      zip(buckets, bucketLabels).map { Tick($0.0.lowerBound, $0.1) }, limit: max(1, Int((width - left - right) / 70)))
    out += Axis.bottom(ticks, scale: x, y: plotBottom, title: xTitle)
    out += Axis.left(Axis.ticks(of: y), scale: y, x: left, gridTo: width - right, title: yTitle)
    if y.domain.contains(0) {
      out +=
        "<line class=\"zero\" x1=\"\(SVG.n(left))\" y1=\"\(SVG.n(y(0)))\" x2=\"\(SVG.n(width - right))\" y2=\"\(SVG.n(y(0)))\"/>"
    }
    if isEmpty {
      out += SVG.text(
        emptyText, x: (left + width - right) / 2, y: (top + plotBottom) / 2, anchor: "middle", cssClass: "empty")
    }
    for (index, series) in series.enumerated() {
      out += self.line(series, index: index, x: x, y: y)
    }
    out += legend()
    return out + "</svg>"
  }

  func line(_ series: Series, index: Int, x: LinearScale, y: LinearScale) -> String {
    let color = LineChart.colors[index % LineChart.colors.count]
    let dash = LineChart.dashes[index % LineChart.dashes.count]
    var out = "<g class=\"series\" stroke=\"\(color)\" fill=\"\(color)\">"
    // A run of consecutive values is one polyline; a gap breaks the line.
    var run = [(Double, Double)]()
    func flush() {
      if run.count > 1 {
        let points = run.map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " ")
        out +=
          "<polyline fill=\"none\" points=\"\(points)\"" + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
      }
      run = []
    }
    for (bucket, value) in zip(buckets, series.values) {
      guard let value else {
        flush()
        continue
      }
      let px = x((bucket.lowerBound + bucket.upperBound) / 2)
      let py = y(y.clamped(value))
      run.append((px, py))
    }
    flush()
    for (bucket, value) in zip(buckets, series.values) {
      guard let value else { continue }
      let px = x((bucket.lowerBound + bucket.upperBound) / 2)
      let py = y(y.clamped(value))
      out += LineChart.marker(index, x: px, y: py, title: "\(series.name): \(LineChart.plain(value))")
    }
    return out + "</g>"
  }

  /// Marker `index`: circle, square, triangle, diamond, then again.
  static func marker(_ index: Int, x: Double, y: Double, title: String) -> String {
    let t = "<title>\(SVG.escape(title))</title>"
    switch index % 4 {
    case 0: return "<circle cx=\"\(SVG.n(x))\" cy=\"\(SVG.n(y))\" r=\"3.5\">\(t)</circle>"
    case 1: return "<rect x=\"\(SVG.n(x - 3.5))\" y=\"\(SVG.n(y - 3.5))\" width=\"7\" height=\"7\">\(t)</rect>"
    case 2:
      return
        "<polygon points=\"\(SVG.n(x)),\(SVG.n(y - 4.5)) \(SVG.n(x + 4)),\(SVG.n(y + 3)) \(SVG.n(x - 4)),\(SVG.n(y + 3))\">\(t)</polygon>"
    default:
      return
        "<polygon points=\"\(SVG.n(x)),\(SVG.n(y - 4.5)) \(SVG.n(x + 4.5)),\(SVG.n(y)) \(SVG.n(x)),\(SVG.n(y + 4.5)) \(SVG.n(x - 4.5)),\(SVG.n(y))\">\(t)</polygon>"
    }
  }

  func legend() -> String {
    var out = "<g class=\"legend\">"
    var x = left
    for (index, series) in series.enumerated() {
      let color = LineChart.colors[index % LineChart.colors.count]
      let dash = LineChart.dashes[index % LineChart.dashes.count]
      out +=
        "<g stroke=\"\(color)\" fill=\"\(color)\"><line x1=\"\(SVG.n(x))\" y1=\"16\" x2=\"\(SVG.n(x + 22))\" y2=\"16\""
        + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
        + LineChart.marker(index, x: x + 11, y: 16, title: series.name) + "</g>"
      out += SVG.text(series.name, x: x + 27, y: 20, cssClass: "legend-label")
      x += 34 + Double(series.name.count) * 6.6
    }
    return out + "</g>"
  }

  /// A value as a short number for a tooltip.
  static func plain(_ value: Double) -> String {
    value == value.rounded() ? LinearScale.fixed(value, decimals: 0) : LinearScale.fixed(value, decimals: 3)
  }
}
