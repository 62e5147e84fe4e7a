// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "ethos",
  // Linux only (Glibc, libedit from apt): no Apple platform is claimed.
  products: [
    .executable(name: "ethos", targets: ["ethos"])
  ],
  dependencies: [
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", exact: "1.19.7"),
    // The report's HTML (SPEC §16) is a Mustache template: the page reads as
    // HTML in one place, the template has no logic (every number comes from
    // the query documents), it escapes HTML by default (quotes too, so a name
    // holding `<script>` or `"` stays text), and the library has no
    // dependencies. Plot's Swift DSL has no SVG vocabulary, so the charts
    // would have been raw strings there anyway.
    .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    // CSV for `import-csv` (SPEC §15): yaslab/CSV.swift rather than SwiftCSV.
    // Its reader hands out one record at a time as raw fields in file order
    // (SwiftCSV builds a whole keyed table and guesses delimiters), reads
    // CRLF and LF, and keeps quoted commas, quotes and line breaks inside a
    // field; the line each record starts on is counted from the line breaks
    // its fields hold (see CSVTable). Neither library reports line numbers.
    // ethos checks the bytes are UTF-8 (naming the line of the first bad one)
    // and drops a byte-order mark before handing it the text.
    .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
    .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
  ],
  targets: [
    // libedit is variadic C; the shim header wraps it in static inline functions.
    .systemLibrary(
      name: "CLibEdit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    .target(name: "EthosJSON", swiftSettings: strict),
    .target(name: "EthosDomain", dependencies: ["EthosJSON"], swiftSettings: strict),
    .target(name: "EthosLanguage", dependencies: ["EthosDomain"], swiftSettings: strict),
    .target(name: "EthosProjections", dependencies: ["EthosDomain", "EthosJSON"], swiftSettings: strict),
    // The store core: the EventStore protocol, the envelope and hash chain,
    // and the in-memory store. Each backend is a target beside it (as
    // swift-nio keeps NIOCore apart from NIOPosix), so a backend joins
    // without touching the core.
    .target(
      name: "EthosStore",
      dependencies: ["EthosDomain", "EthosJSON", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: strict
    ),
    // The embedded default backend: SQLite through GRDB.
    .target(
      name: "EthosStoreSQLite",
      dependencies: [
        "EthosStore", "EthosDomain", "EthosJSON",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strict
    ),
    // SVG chart geometry (scales, axes, charts): no dependencies, unit-tested.
    .target(name: "EthosCharts", swiftSettings: strict),
    // The HTML report built from query documents (SPEC §16).
    .target(
      name: "EthosReport",
      dependencies: ["EthosJSON", "EthosDomain", "EthosCharts", .product(name: "Mustache", package: "swift-mustache")],
      swiftSettings: strict
    ),
    // Rows of survey, helpdesk and HR exports mapped to statements (SPEC §15).
    .target(
      name: "EthosImport",
      dependencies: [
        "EthosDomain", "EthosLanguage",
        .product(name: "CSV", package: "CSV.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strict
    ),
    // The shared store (SPEC §12): a backend beside SQLite, on postgres-nio.
    .target(
      name: "EthosStorePostgres",
      dependencies: [
        "EthosDomain", "EthosJSON", "EthosStore",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strict
    ),
    // Signed checkpoints (SPEC §14): the record, its parsing, Ed25519
    // signing keys and the check of a checkpoint against a log.
    .target(
      name: "EthosCheckpoint",
      dependencies: ["EthosDomain", "EthosStore", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: strict
    ),
    .target(
      name: "EthosEngine",
      dependencies: [
        "EthosDomain", "EthosJSON", "EthosLanguage", "EthosProjections", "EthosStore", "EthosReport", "EthosImport",
      ],
      swiftSettings: strict
    ),
    .target(
      name: "EthosREPL", dependencies: ["EthosDomain", "EthosLanguage", "EthosEngine", "EthosStore", "CLibEdit"],
      swiftSettings: strict),
    .target(
      name: "EthosCLI",
      dependencies: [
        "EthosEngine", "EthosREPL", "EthosStore", "EthosStoreSQLite", "EthosStorePostgres", "EthosCheckpoint",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    .executableTarget(name: "ethos", dependencies: ["EthosCLI"], swiftSettings: strict),
    .target(
      name: "TestSupport",
      dependencies: ["EthosEngine", "EthosStore", "EthosStorePostgres", "EthosDomain", "EthosLanguage", "EthosJSON"],
      swiftSettings: strict
    ),
    .testTarget(
      name: "EthosTests",
      dependencies: [
        "TestSupport", "EthosEngine", "EthosStore", "EthosStoreSQLite", "EthosStorePostgres", "EthosDomain",
        "EthosLanguage", "EthosJSON", "EthosProjections", "EthosREPL", "EthosCLI", "EthosCharts", "EthosReport",
        "EthosImport", "EthosCheckpoint",
        .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
      ],
      swiftSettings: strict
    ),
  ]
)
