// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "ethos",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "ethos", targets: ["ethos"])
  ],
  dependencies: [
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", exact: "1.19.7"),
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
    .target(
      name: "EthosStore",
      dependencies: [
        "EthosDomain", "EthosJSON",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
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
    .target(
      name: "EthosEngine",
      dependencies: ["EthosDomain", "EthosJSON", "EthosLanguage", "EthosProjections", "EthosStore"],
      swiftSettings: strict
    ),
    .target(
      name: "EthosREPL", dependencies: ["EthosDomain", "EthosLanguage", "EthosEngine", "EthosStore", "CLibEdit"],
      swiftSettings: strict),
    .target(
      name: "EthosCLI",
      dependencies: [
        "EthosEngine", "EthosREPL", "EthosStore", "EthosStorePostgres",
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
        "TestSupport", "EthosEngine", "EthosStore", "EthosStorePostgres", "EthosDomain", "EthosLanguage", "EthosJSON",
        "EthosProjections", "EthosREPL", "EthosCLI",
        .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
      ],
      swiftSettings: strict
    ),
  ]
)
