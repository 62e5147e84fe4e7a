import EthosStore

/// Data keys and nonces from a fixed seed (SplitMix64), so a golden transcript's
/// hashes, which cover sealed personal data, come out the same every run.
/// Never for real logs: anyone knowing the seed could open them.
public final class SeededKeys: RandomSource {
  private var state: UInt64

  public init(seed: UInt64 = 0x5EED) { state = seed }

  public func bytes(_ count: Int) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(count + 8)
    while out.count < count {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      withUnsafeBytes(of: z.littleEndian) { out.append(contentsOf: $0) }
    }
    return Array(out.prefix(count))
  }
}
