import EthosEngine

/// `ethos run --junit FILE`: the expects of a run as JUnit XML, one test
/// case per expect, one suite per script, for CI systems (SPEC §6).
enum JUnitReport {
  static func xml(_ results: [ExpectResult]) -> String {
    var order = [String]()
    var suites = [String: [ExpectResult]]()
    for result in results {
      let name = result.file ?? "ethos"
      if suites[name] == nil { order.append(name) }
      suites[name, default: []].append(result)
    }
    let failures = results.filter { !$0.passed }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites name=\"ethos\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
    for name in order {
      let cases = suites[name] ?? []
      xml +=
        "  <testsuite name=\"\(escape(name))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { !$0.passed }.count)\">\n"
      for result in cases {
        xml +=
          "    <testcase classname=\"\(escape(name))\" name=\"\(escape(result.location + " " + result.statement))\""
        if let failure = result.failure {
          xml += ">\n      <failure message=\"\(escape(failure))\"/>\n    </testcase>\n"
        } else {
          xml += "/>\n"
        }
      }
      xml += "  </testsuite>\n"
    }
    return xml + "</testsuites>\n"
  }

  static func escape(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      default:
        // Control characters are not allowed in XML 1.0.
        if scalar.value < 0x20, scalar != "\n", scalar != "\t" {
          result += "?"
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }
}
