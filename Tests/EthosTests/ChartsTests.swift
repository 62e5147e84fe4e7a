import EthosCharts
import Foundation
import Testing

/// The chart geometry the report draws with: scales, ticks, axes, colours.
@Suite struct ChartsTests {
  @Test func linearScaleMapsDomainOntoRange() {
    let scale = LinearScale(domain: -2...2, range: 0...400)
    #expect(scale(-2) == 0)
    #expect(scale(0) == 200)
    #expect(scale(2) == 400)
    #expect(scale(3) == 500)  // extrapolates; `clamped` keeps values inside
    #expect(scale.clamped(3) == 2)
  }

  @Test func invertedScaleGrowsUpwards() {
    let y = LinearScale(domain: 0...10, range: 40...240, inverted: true)
    #expect(y(0) == 240)
    #expect(y(10) == 40)
    #expect(y(5) == 140)
  }

  @Test func aDomainOfOneValueStillHasWidth() {
    let flat = LinearScale(domain: 3...3, range: 0...100)
    #expect(flat.domain.lowerBound < 3 && flat.domain.upperBound > 3)
    #expect(flat(3) == 50)
    let zero = LinearScale(domain: 0...0, range: 0...100)
    #expect(zero.domain == -1...1)
  }

  @Test(arguments: [
    (-2.0...2.0, [-2.0, -1, 0, 1, 2]),
    (0.0...1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (-100.0...100.0, [-100.0, -50, 0, 50, 100]),
    (0.0...97.0, [0.0, 20, 40, 60, 80]),
    (0.0...0.03, [0.0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03]),
  ])
  func ticksAreNiceSteps(domain: ClosedRange<Double>, expected: [Double]) {
    #expect(LinearScale(domain: domain, range: 0...100).ticks() == expected)
  }

  @Test func nicedWidensToWholeSteps() {
    let scale = LinearScale(domain: 0.13...0.87, range: 0...1).niced()
    #expect(scale.domain == 0.1...0.9)
    let counts = LinearScale(domain: 0...23, range: 0...1).niced()
    #expect(counts.domain == 0...25)
  }

  @Test func tickLabelsHaveTheDecimalsTheirStepNeeds() {
    let scale = LinearScale(domain: 0...1, range: 0...100)
    #expect(scale.ticks().map { scale.label($0) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    let wide = LinearScale(domain: -100...100, range: 0...100)
    #expect(wide.ticks().map { wide.label($0) } == ["-100", "-50", "0", "50", "100"])
    // 0.1 × 3 is 0.30000000000000004 in binary: the label never shows that.
    #expect(LinearScale.format(0.1 * 3, step: 0.1) == "0.3")
  }

  @Test(arguments: [
    (1.5, 0, "2"), (-0.25, 2, "-0.25"), (-0.004, 2, "0.00"), (0.05, 1, "0.1"), (12.345, 1, "12.3"), (3, 3, "3.000"),
    (-1.75, 3, "-1.750"),
  ])
  func fixedFormatsWithoutFoundation(value: Double, decimals: Int, expected: String) {
    #expect(LinearScale.fixed(value, decimals: decimals) == expected)
  }

  @Test func divergingColourRunsRedThroughLightToBlue() {
    let color = DivergingColor(domain: -2...2)
    #expect(color(-2) == "#b2182b")
    #expect(color(0) == "#f7f7f7")
    #expect(color(2) == "#2166ac")
    #expect(color(-9) == "#b2182b")  // clamped to the domain's ends
    #expect(color(nil) == DivergingColor.missing)
    #expect(color.needsLightText(-2) && color.needsLightText(2))
    #expect(!color.needsLightText(0) && !color.needsLightText(nil))
  }

  @Test func thinnedKeepsTheFirstTickAndAtMostTheLimit() {
    let ticks = (0..<52).map { Tick(Double($0), "w\($0)") }
    let thinned = Axis.thinned(ticks, limit: 8)
    #expect(thinned.count <= 8)
    #expect(thinned.first?.label == "w0")
    #expect(Axis.thinned(Array(ticks.prefix(3)), limit: 8).count == 3)
  }

  @Test func axesDrawEveryTickLabelAndTheirTitle() {
    let x = LinearScale(domain: 0...10, range: 50...550)
    let bottom = Axis.bottom([Tick(0, "start"), Tick(10, "end")], scale: x, y: 200, title: "week")
    #expect(bottom.contains(">start</text>") && bottom.contains(">end</text>"))
    #expect(bottom.contains("class=\"axis-title\">week</text>"))
    #expect(bottom.contains("x=\"50.0\"") && bottom.contains("x=\"550.0\""))
    let y = LinearScale(domain: -2...2, range: 40...240, inverted: true)
    let left = Axis.left(Axis.ticks(of: y), scale: y, x: 60, gridTo: 600, title: "mean & more")
    for label in ["-2", "-1", "0", "1", "2"] { #expect(left.contains(">\(label)</text>")) }
    #expect(left.contains("mean &amp; more"))
    #expect(left.contains("rotate(-90)"))
  }

  @Test func svgEscapesTextAndAttributes() {
    #expect(
      SVG.escape("<script>alert('x') & \"y\"</script>")
        == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
    let open = SVG.open(id: "c", width: 10, height: 10, title: "a <b>", description: "d")
    #expect(open.contains("<title id=\"c-title\">a &lt;b&gt;</title>"))
    #expect(open.contains("role=\"img\""))
  }

  @Test func lineChartBreaksAtGapsAndSaysWhenEmpty() {
    let buckets = (0..<5).map { Double($0 * 10)...Double($0 * 10 + 10) }
    var chart = LineChart(
      id: "t", title: "Trend", xTitle: "week", yTitle: "mean", buckets: buckets,
      bucketLabels: buckets.map { "\($0.lowerBound)" },
      series: [LineChart.Series(name: "a", values: [1, 2, nil, 1, 0])])
    chart.bands = [LineChart.Band(from: 15, to: 25, label: "stress: ida")]
    let svg = chart.svg()
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)  // [1,2] and [1,0]
    #expect(svg.contains("stress: ida"))
    #expect(svg.contains("<title id=\"t-title\">Trend</title>"))
    #expect(!svg.contains("no data yet"))
    chart.series = [LineChart.Series(name: "a", values: [nil, nil, nil, nil, nil])]
    #expect(chart.isEmpty)
    #expect(chart.svg().contains(">no data yet</text>"))
    // No buckets at all (an empty log) is an empty chart too, not a crash.
    let none = LineChart(id: "n", title: "T", xTitle: "x", yTitle: "y", buckets: [], bucketLabels: [], series: [])
    #expect(none.svg().contains("no data yet"))
  }

  @Test func manyBandsAreHatchedWithoutLabelsRunningTogether() {
    let buckets = [0.0...100.0]
    var chart = LineChart(
      id: "b", title: "T", xTitle: "week", yTitle: "mean", buckets: buckets, bucketLabels: ["w"],
      series: [LineChart.Series(name: "a", values: [1])])
    chart.bands = (0..<3).map { LineChart.Band(from: Double($0), to: Double($0) + 0.5, label: "stress: s\($0)") }
    // Three bands a few pixels apart: the first is labelled, the others would overlap it.
    #expect(chart.svg().components(separatedBy: "class=\"band-label\"").count - 1 == 1)
    chart.bands = (0..<20).map { LineChart.Band(from: Double($0 * 5), to: Double($0 * 5) + 1, label: "s\($0)") }
    let svg = chart.svg()
    #expect(svg.components(separatedBy: "class=\"band\"").count - 1 == 20)
    #expect(!svg.contains("class=\"band-label\""))
    #expect(svg.contains("<title>s19</title>"))
  }

  @Test func barChartCountsOnWholeTicks() {
    let chart = BarChart(
      id: "b", title: "Events", xTitle: "week", yTitle: "events", labels: ["a", "b"], values: [1, 3])
    #expect(chart.yScale.ticks().allSatisfy { $0 == $0.rounded() })
    let svg = chart.svg()
    #expect(svg.components(separatedBy: "class=\"bar\"").count - 1 == 2)
    #expect(svg.contains("<title>b: 3</title>"))
  }

  @Test func heatGridLabelsCellsWithTheirPaths() {
    let grid = HeatGrid(
      id: "m", title: "Matrix", description: "d", rowTitle: "audience", columnTitle: "condition", rows: ["customers"],
      columns: ["normal"],
      cells: [
        [HeatGrid.Cell(value: -2, lines: [HeatGrid.Line("mean ", number: "-2.0", path: "matrix.x", value: "-2.0")])]
      ],
      rowNotes: [[HeatGrid.Line("gap")]], color: DivergingColor(domain: -2...2), legendTitle: "mean outcome")
    let svg = grid.svg()
    #expect(svg.contains("fill=\"#b2182b\""))
    #expect(svg.contains(">mean <tspan data-path=\"matrix.x\" data-value=\"-2.0\">-2.0</tspan></text>"))
    #expect(svg.contains("on-dark"))
    #expect(svg.contains("linearGradient"))
  }
}
