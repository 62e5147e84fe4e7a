/// A grid of cells coloured by a value on a diverging scale, each cell with
/// lines of text: the Service Culture Matrix's 2×2 picture.
public struct HeatGrid: Sendable {
  /// One line of text in a cell or a row note: a label, then maybe a
  /// number in a `<tspan>` carrying `data-path` (the query path it shows)
  /// and `data-value` (its JSON text), so a test can read it back.
  public struct Line: Sendable {
    public let text: String
    public let number: String?
    public let path: String?
    public let value: String?

    public init(_ text: String, number: String? = nil, path: String? = nil, value: String? = nil) {
      self.text = text
      self.number = number
      self.path = path
      self.value = value
    }
  }

  public struct Cell: Sendable {
    public let value: Double?
    public let lines: [Line]

    public init(value: Double?, lines: [Line]) {
      self.value = value
      self.lines = lines
    }
  }

  public var id: String
  public var title: String
  public var description: String
  public var rowTitle: String
  public var columnTitle: String
  public var rows: [String]
  public var columns: [String]
  /// `cells[row][column]`.
  public var cells: [[Cell]]
  /// A note at the end of each row (the stress gap).
  public var rowNotes: [[Line]]
  public var color: DivergingColor
  public var legendTitle: String
  public var cellWidth = 190.0
  public var cellHeight = 104.0

  public init(
    id: String, title: String, description: String, rowTitle: String, columnTitle: String, rows: [String],
    columns: [String], cells: [[Cell]], rowNotes: [[Line]], color: DivergingColor, legendTitle: String
  ) {
    self.id = id
    self.title = title
    self.description = description
    self.rowTitle = rowTitle
    self.columnTitle = columnTitle
    self.rows = rows
    self.columns = columns
    self.cells = cells
    self.rowNotes = rowNotes
    self.color = color
    self.legendTitle = legendTitle
  }

  let left = 120.0, top = 52.0, noteWidth = 150.0, legendHeight = 64.0

  public var width: Double { left + Double(columns.count) * cellWidth + noteWidth }
  public var height: Double { top + Double(rows.count) * cellHeight + legendHeight }

  public func svg() -> String {
    var out = SVG.open(id: id, width: width, height: height, title: title, description: description)
    let gridRight = left + Double(columns.count) * cellWidth
    out += SVG.text(columnTitle, x: (left + gridRight) / 2, y: 16, anchor: "middle", cssClass: "axis-title")
    for (index, column) in columns.enumerated() {
      out += SVG.text(
        column, x: left + (Double(index) + 0.5) * cellWidth, y: top - 10, anchor: "middle", cssClass: "head")
    }
    let gridBottom = top + Double(rows.count) * cellHeight
    out +=
      "<text class=\"axis-title\" text-anchor=\"middle\" transform=\"translate(18 \(SVG.n((top + gridBottom) / 2))) rotate(-90)\">"
      + SVG.escape(rowTitle) + "</text>"
    for (r, row) in rows.enumerated() {
      let y0 = top + Double(r) * cellHeight
      out += SVG.text(row, x: left - 10, y: y0 + cellHeight / 2 + 4, anchor: "end", cssClass: "head")
      for (c, cell) in (r < cells.count ? cells[r] : []).enumerated() {
        let x0 = left + Double(c) * cellWidth
        let light = color.needsLightText(cell.value)
        out +=
          "<g class=\"cell\"><rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(y0))\" width=\"\(SVG.n(cellWidth))\" height=\"\(SVG.n(cellHeight))\" "
          + "fill=\"\(color(cell.value))\" stroke=\"#333\"/>"
        for (i, line) in cell.lines.enumerated() {
          out += HeatGrid.text(
            line, x: x0 + cellWidth / 2, y: y0 + 30 + Double(i) * 24, anchor: "middle",
            cssClass: (i == 0 ? "cell-head" : "cell-line") + (light ? " on-dark" : ""))
        }
        out += "</g>"
      }
      for (i, line) in (r < rowNotes.count ? rowNotes[r] : []).enumerated() {
        out += HeatGrid.text(
          line, x: gridRight + 12, y: y0 + cellHeight / 2 - 4 + Double(i) * 18, anchor: "start", cssClass: "note")
      }
    }
    out += legend(y: gridBottom + 18)
    return out + "</svg>"
  }

  static func text(_ line: Line, x: Double, y: Double, anchor: String, cssClass: String) -> String {
    var content = SVG.escape(line.text)
    if let number = line.number {
      var attributes = ""
      if let path = line.path { attributes += " data-path=\"\(SVG.escape(path))\"" }
      if let value = line.value { attributes += " data-value=\"\(SVG.escape(value))\"" }
      content += "<tspan\(attributes)>\(SVG.escape(number))</tspan>"
    }
    return "<text x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" text-anchor=\"\(anchor)\" class=\"\(cssClass)\">\(content)</text>"
  }

  /// A colour ramp over the scale's domain with its ticks, so the colours are read as numbers.
  func legend(y: Double) -> String {
    let x0 = left
    let x1 = left + Double(columns.count) * cellWidth
    let scale = LinearScale(domain: color.domain, range: x0...x1)
    let gradient = SVG.escape(id) + "-ramp"
    var out = "<g class=\"ramp\"><defs><linearGradient id=\"\(gradient)\">"
    for step in 0...8 {
      let t = Double(step) / 8
      let value = color.domain.lowerBound + t * (color.domain.upperBound - color.domain.lowerBound)
      out += "<stop offset=\"\(SVG.n(t * 100))%\" stop-color=\"\(color(value))\"/>"
    }
    out += "</linearGradient></defs>"
    out +=
      "<rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(y))\" width=\"\(SVG.n(x1 - x0))\" height=\"10\" fill=\"url(#\(gradient))\" stroke=\"#333\"/>"
    for tick in Axis.ticks(of: scale, count: 4) {
      out += SVG.text(tick.label, x: scale(tick.value), y: y + 24, anchor: "middle", cssClass: "tick")
    }
    out += SVG.text(legendTitle, x: x1 + 12, y: y + 9, cssClass: "tick")
    return out + "</g>"
  }
}
