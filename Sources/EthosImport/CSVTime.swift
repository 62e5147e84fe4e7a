import EthosDomain

/// Times in CSV cells (SPEC §15): ISO 8601 and `YYYY-MM-DD HH:MM[:SS]`
/// always, read as UTC unless they carry an offset (`Z`, `+02:00`, `-0500`);
/// fractions of a second are dropped. Other shapes need `--date-format`
/// (strftime-style; UTC unless it has `%z`).
public struct CSVTime: Sendable {
  public let format: String?

  public init(format: String?) { self.format = format }

  /// What an error message names as the expected shape.
  public var expected: String {
    if let format { return "the --date-format '\(format)'" }
    return "YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or ISO 8601 such as 2024-03-01T09:15:00Z — or give --date-format"
  }

  public func parse(_ text: String) -> Timestamp? {
    if let format { return CSVTime.strptime(text, format: format) }
    return CSVTime.iso(text)
  }

  static func iso(_ raw: String) -> Timestamp? {
    if let time = plain(raw) { return time }
    var text = Substring(raw)
    guard text.utf8.count >= 10, text.utf8.count <= 40 else { return nil }
    var offset: Int64 = 0
    if text.hasSuffix("Z") || text.hasSuffix("z") {
      text = text.dropLast()
    } else if text.utf8.count > 10, let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }),
      text.distance(from: text.startIndex, to: sign) > 10
    {
      // An offset after the time: +HH:MM, +HHMM or +HH.
      let digits = text[text.index(after: sign)...].filter { $0 != ":" }
      guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.count == 2 || digits.count == 4,
        let value = Int(digits)
      else { return nil }
      let minutes = digits.count == 2 ? value * 60 : (value / 100) * 60 + value % 100
      guard minutes <= 18 * 60 else { return nil }
      offset = Int64(text[sign] == "+" ? minutes * 60 : -minutes * 60)
      text = text[..<sign]
    }
    if let dot = text.firstIndex(of: "."), text.distance(from: text.startIndex, to: dot) == 19 {
      guard text[text.index(after: dot)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
      text = text[..<dot]
    }
    var normalized = String(text)
    if normalized.utf8.count > 10 {
      var bytes = Array(normalized.utf8)
      guard bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T") else { return nil }
      bytes[10] = UInt8(ascii: "T")
      normalized = String(decoding: bytes, as: UTF8.self)
    }
    guard let time = Timestamp(parsing: normalized) else { return nil }
    return Timestamp(seconds: time.seconds - offset)
  }

  /// `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DDTHH:MM:SS[Z]`, the shapes of
  /// nearly every export, read straight from the bytes (the general path
  /// builds several strings per cell); `nil` for any other shape or value,
  /// which then takes the general path and gets its answer there.
  static func plain(_ text: String) -> Timestamp? {
    var text = text
    return text.withUTF8 { bytes -> Timestamp? in
      let count = bytes.count
      guard count == 19 || (count == 20 && (bytes[19] == UInt8(ascii: "Z") || bytes[19] == UInt8(ascii: "z"))),
        bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
        bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
        bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
      else { return nil }
      func number(_ start: Int, _ length: Int) -> Int? {
        var value = 0
        for index in start..<(start + length) {
          let byte = bytes[index]
          guard byte >= 0x30, byte <= 0x39 else { return nil }
          value = value * 10 + Int(byte - 0x30)
        }
        return value
      }
      guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
        let minute = number(14, 2), let second = number(17, 2)
      else { return nil }
      return Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
  }

  /// Reads `text` with a strftime-style `format`: %Y %y %m %d %e %H %I %M
  /// %S %p %b %B %h %F %T %R %D %z %% and literal characters (a space
  /// matches any run of spaces). The whole text must match.
  static func strptime(_ text: String, format: String) -> Timestamp? {
    var input = Array(text.unicodeScalars)[...]
    var year = 1970
    var month = 1
    var day = 1
    var hour = 0
    var minute = 0
    var second = 0
    var pm: Bool?
    var offset = 0
    func number(_ maxDigits: Int) -> Int? {
      var digits = 0
      var value = 0
      while digits < maxDigits, let first = input.first, first.properties.numericType == .decimal,
        let digit = Int(String(first)), first.isASCII
      {
        value = value * 10 + digit
        digits += 1
        input = input.dropFirst()
      }
      return digits == 0 ? nil : value
    }
    func monthName() -> Int? {
      let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
      let full = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
      ]
      let rest = String(String.UnicodeScalarView(input)).lowercased()
      for (index, name) in full.enumerated() where rest.hasPrefix(name) {
        input = input.dropFirst(name.count)
        return index + 1
      }
      for (index, name) in names.enumerated() where rest.hasPrefix(name) {
        input = input.dropFirst(3)
        return index + 1
      }
      return nil
    }
    var pattern = Array(format.unicodeScalars)[...]
    // Expands the composite directives first.
    var expanded = [Unicode.Scalar]()
    while let c = pattern.first {
      pattern = pattern.dropFirst()
      guard c == "%", let d = pattern.first else {
        expanded.append(c)
        continue
      }
      pattern = pattern.dropFirst()
      switch d {
      case "F": expanded += "%Y-%m-%d".unicodeScalars
      case "T": expanded += "%H:%M:%S".unicodeScalars
      case "R": expanded += "%H:%M".unicodeScalars
      case "D": expanded += "%m/%d/%y".unicodeScalars
      default: expanded += ["%", d]
      }
    }
    var format = expanded[...]
    while let c = format.first {
      format = format.dropFirst()
      if c == " " {
        while input.first == " " { input = input.dropFirst() }
        continue
      }
      guard c == "%", let d = format.first else {
        guard input.first == c else { return nil }
        input = input.dropFirst()
        continue
      }
      format = format.dropFirst()
      switch d {
      case "Y":
        guard let v = number(4) else { return nil }
        year = v
      case "y":
        guard let v = number(2) else { return nil }
        year = v < 69 ? 2000 + v : 1900 + v
      case "m":
        guard let v = number(2) else { return nil }
        month = v
      case "d", "e":
        while input.first == " " { input = input.dropFirst() }
        guard let v = number(2) else { return nil }
        day = v
      case "H", "I":
        guard let v = number(2) else { return nil }
        hour = v
      case "M":
        guard let v = number(2) else { return nil }
        minute = v
      case "S":
        guard let v = number(2) else { return nil }
        second = v
      case "b", "B", "h":
        guard let v = monthName() else { return nil }
        month = v
      case "p":
        let rest = String(String.UnicodeScalarView(input.prefix(2))).lowercased()
        guard rest == "am" || rest == "pm" else { return nil }
        pm = rest == "pm"
        input = input.dropFirst(2)
      case "z":
        if input.first == "Z" {
          input = input.dropFirst()
          continue
        }
        guard let sign = input.first, sign == "+" || sign == "-" else { return nil }
        input = input.dropFirst()
        guard let h = number(2) else { return nil }
        if input.first == ":" { input = input.dropFirst() }
        let m = number(2) ?? 0
        offset = (sign == "+" ? 1 : -1) * (h * 3600 + m * 60)
      case "%":
        guard input.first == "%" else { return nil }
        input = input.dropFirst()
      default:
        return nil
      }
    }
    guard input.allSatisfy({ $0 == " " }) else { return nil }
    if let pm {
      guard (1...12).contains(hour) else { return nil }
      hour = hour % 12 + (pm ? 12 : 0)
    }
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    guard (0...9999).contains(year) else { return nil }
    let yearText = String(repeating: "0", count: 4 - String(year).count) + String(year)
    let iso = "\(yearText)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
    guard let time = Timestamp(parsing: iso) else { return nil }
    return Timestamp(seconds: time.seconds - Int64(offset))
  }
}
