/// Small helpers for writing SVG text: escaping and number formatting.
public enum SVG {
  /// `text` safe inside an element or a quoted attribute (`&`, `<`, `>`, `"`, `'`).
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }

  /// A coordinate with one decimal: enough for a screen, short in the file.
  public static func n(_ value: Double) -> String {
    LinearScale.fixed(value, decimals: 1)
  }

  /// `<text>` at (x, y) with `anchor`, its content escaped; `extra` is raw attributes.
  public static func text(
    _ content: String, x: Double, y: Double, anchor: String = "start", cssClass: String? = nil, extra: String = ""
  ) -> String {
    let cls = cssClass.map { " class=\"\($0)\"" } ?? ""
    return "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(cls)\(extra)>\(escape(content))</text>"
  }

  /// The opening `<svg>` of an accessible chart: `role="img"`, a `<title>`
  /// and a `<desc>` that screen readers announce (ids prefixed by `id`).
  public static func open(id: String, width: Double, height: Double, title: String, description: String) -> String {
    let id = escape(id)
    return
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(id)\" class=\"chart\" role=\"img\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
      + "width=\"\(n(width))\" height=\"\(n(height))\" aria-labelledby=\"\(id)-title \(id)-desc\">"
      + "<title id=\"\(id)-title\">\(escape(title))</title><desc id=\"\(id)-desc\">\(escape(description))</desc>"
  }
}
