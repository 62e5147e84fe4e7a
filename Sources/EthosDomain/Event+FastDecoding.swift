/// A direct reader for the payload of `InteractionLogged`, nearly every event
/// of a real log. Rebuilding projections decodes each one, and going through
/// the general JSON tree (an object, a String per key and value, a string
/// switch per word) costs more than folding it. This reads the canonical
/// bytes once; anything it does not expect (escapes, unknown keys) returns
/// `nil` and the caller takes the general path, so it can only be faster,
/// never different.
enum InteractionPayload {
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Event? {
    var scanner = Scanner(bytes: bytes)
    guard scanner.take(UInt8(ascii: "{")) else { return nil }
    var by: String?
    var with: String?
    var mode: Mode?
    var channel: Channel?
    var outcome: Int?
    var did: [Behaviour] = []
    var note: String?
    if scanner.take(UInt8(ascii: "}")) { return nil }
    repeat {
      guard let key = scanner.rawString(), scanner.take(UInt8(ascii: ":")) else { return nil }
      switch key.count {
      case 2:  // by
        guard key[0] == UInt8(ascii: "b"), key[1] == UInt8(ascii: "y"), let value = scanner.rawString() else {
          return nil
        }
        by = String(decoding: value, as: UTF8.self)
      case 4:  // with, mode, note
        guard let value = scanner.rawString() else { return nil }
        switch key[0] {
        case UInt8(ascii: "w"): with = String(decoding: value, as: UTF8.self)
        case UInt8(ascii: "m"):
          let candidate: Mode = value.count == 12 ? .relationship : .transaction
          guard matches(candidate.rawValue, value) else { return nil }
          mode = candidate
        case UInt8(ascii: "n"): note = String(decoding: value, as: UTF8.self)
        default: return nil
        }
      case 7:  // channel, outcome
        if key[0] == UInt8(ascii: "c") {
          guard let value = scanner.rawString() else { return nil }
          channel = channelWord(value)
        } else if key[0] == UInt8(ascii: "o") {
          guard let value = scanner.integer() else { return nil }
          outcome = value
        } else {
          return nil
        }
      case 3:  // did
        guard key[0] == UInt8(ascii: "d"), scanner.take(UInt8(ascii: "[")) else { return nil }
        if !scanner.take(UInt8(ascii: "]")) {
          repeat {
            guard let value = scanner.rawString(), let behaviour = behaviourWord(value) else { return nil }
            did.append(behaviour)
          } while scanner.take(UInt8(ascii: ","))
          guard scanner.take(UInt8(ascii: "]")) else { return nil }
        }
      default:
        return nil
      }
    } while scanner.take(UInt8(ascii: ","))
    guard scanner.take(UInt8(ascii: "}")), scanner.atEnd, let by, let with, let mode, let channel, let outcome else {
      return nil
    }
    return .interactionLogged(by: by, with: with, mode: mode, channel: channel, outcome: outcome, did: did, note: note)
  }

  // Each word is picked by its length (and first letter), then checked whole.
  private static func channelWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Channel? {
    let candidate: Channel
    switch (bytes.count, bytes.first) {
    case (4, _): candidate = .chat
    case (9, _): candidate = .inPerson
    case (5, UInt8(ascii: "p")?): candidate = .phone
    case (5, UInt8(ascii: "e")?): candidate = .email
    case (5, _): candidate = .other
    default: return nil
    }
    return matches(candidate.rawValue, bytes) ? candidate : nil
  }

  private static func behaviourWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Behaviour? {
    let candidate: Behaviour
    switch bytes.count {
    case 16: candidate = .answeredOnSpot
    case 11: candidate = .followedUp
    case 14: candidate = .tookOwnership
    case 18: candidate = .strategicQuestion
    case 9: candidate = .courteous
    case 19: candidate = .resolvedPositively
    default: return nil
    }
    return matches(candidate.rawValue, bytes) ? candidate : nil
  }

  private static func matches(_ word: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var word = word
    return word.withUTF8 { raw in
      guard raw.count == bytes.count else { return false }
      for index in 0..<raw.count where raw[index] != bytes[index] { return false }
      return true
    }
  }

  /// Just enough of a JSON scanner for canonical (space-free) payloads.
  struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
      return true
    }

    /// A string without escapes, as the bytes between its quotes.
    mutating func rawString() -> UnsafeBufferPointer<UInt8>? {
      guard take(UInt8(ascii: "\"")) else { return nil }
      let start = index
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
          let value = UnsafeBufferPointer(rebasing: bytes[start..<index])
          index += 1
          return value
        }
        if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
        index += 1
      }
      return nil
    }

    mutating func integer() -> Int? {
      var negative = false
      if take(UInt8(ascii: "-")) { negative = true }
      var value = 0
      var digits = 0
      while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, digits < 18 {
        value = value * 10 + Int(bytes[index] - 0x30)
        index += 1
        digits += 1
      }
      guard digits > 0 else { return nil }
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") { return nil }
      return negative ? -value : value
    }
  }
}
