// swift-tools-version: 6.1
import PackageDescription

// Targets are split by weight of dependencies: the core is pure Swift, ingest and synth
// depend only on the core, the store brings in GRDB, and only the executable parses arguments.
let package = Package(
    name: "Vigie",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigie", targets: ["vigie"]),
        .library(name: "VigieCore", targets: ["VigieCore"]),
        .library(name: "VigieIngest", targets: ["VigieIngest"]),
        .library(name: "VigieStore", targets: ["VigieStore"]),
        .library(name: "VigieSynth", targets: ["VigieSynth"]),
        .library(name: "VigieDelivery", targets: ["VigieDelivery"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Snowball stemmers (Debian libstemmer-dev) for the query language's stemmed mode.
        .systemLibrary(name: "CLibStemmer", providers: [.apt(["libstemmer-dev"])]),
        .target(name: "VigieCore", dependencies: ["CLibStemmer"]),
        .target(name: "VigieIngest", dependencies: ["VigieCore"]),
        .target(name: "VigieSynth", dependencies: ["VigieCore"]),
        .target(
            name: "VigieStore",
            dependencies: [
                "VigieCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The write path binds values through SQLite's C API directly.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Alert delivery over HTTP (URLSession): kept out of the core, which does no I/O.
        .target(name: "VigieDelivery", dependencies: ["VigieCore"]),
        .executableTarget(
            name: "vigie",
            dependencies: [
                "VigieCore", "VigieIngest", "VigieStore", "VigieSynth", "VigieDelivery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "VigieCoreTests", dependencies: ["VigieCore"]),
        .testTarget(name: "VigieIngestTests", dependencies: ["VigieIngest"]),
        .testTarget(name: "VigieSynthTests", dependencies: ["VigieSynth", "VigieIngest"]),
        .testTarget(name: "VigieStoreTests", dependencies: ["VigieStore", "VigieIngest"]),
        .testTarget(name: "VigieCLITests", dependencies: ["vigie"]),
        .testTarget(name: "VigieDeliveryTests", dependencies: ["VigieDelivery", "VigieStore"]),
        // Mutated records of every format, hostile arguments and queries, and the kill -9 test,
        // run against the built `vigie` in child processes (a trap or a hang fails one case).
        .testTarget(
            name: "VigieFuzzTests",
            dependencies: [
                "vigie", "VigieCore", "VigieIngest", "VigieSynth",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
