// swift-tools-version: 6.1
import PackageDescription

// Targets are split by weight of dependencies: the core is pure Swift (domain, analyses and the
// storage protocols), ingest and synth depend only on the core, the engine (the use cases every
// front end calls) on those three, the SQLite store brings in GRDB, the server brings in
// Hummingbird and its friends, and only the executable parses arguments and picks the store.
let package = Package(
    name: "Vigie",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigie", targets: ["vigie"]),
        .executable(name: "vigie-bench", targets: ["VigieBench"]),
        .library(name: "VigieCore", targets: ["VigieCore"]),
        .library(name: "VigieIngest", targets: ["VigieIngest"]),
        .library(name: "VigieEngine", targets: ["VigieEngine"]),
        .library(name: "VigieBus", targets: ["VigieBus"]),
        .library(name: "VigieStore", targets: ["VigieStore"]),
        .library(name: "VigieSynth", targets: ["VigieSynth"]),
        .library(name: "VigieDelivery", targets: ["VigieDelivery"]),
        .library(name: "VigieServer", targets: ["VigieServer"]),
        .library(name: "VigieLive", targets: ["VigieLive"]),
        .library(name: "VigieReplay", targets: ["VigieReplay"]),
        .library(name: "VigiePostgres", targets: ["VigiePostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The server (docs/server.md). Hummingbird without its swift-configuration support: the
        // server takes one configuration value from the CLI, like the engine.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // Already in Hummingbird's graph; named because the server and the NATS client use them directly.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        // The PostgreSQL backend (docs/postgres.md).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
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
        // The use cases (ingest a source, query, dashboards, trends, alerts, influence, trust,
        // coordination) as async operations on `any Store`: the CLI and the server call these.
        .target(name: "VigieEngine", dependencies: [
            "VigieCore", "VigieIngest", "VigieSynth",
            // HMAC-SHA-256 of the short links' visitor keys (campaigns).
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The ingest bus on NATS JetStream: a small client of the NATS protocol on SwiftNIO.
        .target(name: "VigieBus", dependencies: [
            "VigieCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // Zstandard (Debian libzstd-dev) for Jetstream's optional compressed frames.
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        // Live listening: the Jetstream and Mastodon connectors, the source supervisor and the
        // alert schedule, each a swift-service-lifecycle Service writing through any StoreWriter.
        .target(name: "VigieLive", dependencies: [
            "VigieCore", "VigieIngest", "VigieEngine", "CZstd",
            .product(name: "WSClient", package: "swift-websocket"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Local servers that speak Jetstream's and Mastodon's protocols and play recorded data,
        // for the tests, the benchmark and demonstrations (`vigie dev …`).
        .target(name: "VigieReplay", dependencies: [
            "VigieCore", "VigieIngest", "VigieLive",
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
        ]),
        // The PostgreSQL store (PostgresNIO): every storage protocol, for the multi-user server.
        .target(name: "VigiePostgres", dependencies: [
            "VigieCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // `vigie migrate`: a SQLite store copied into PostgreSQL, then verified.
        .target(name: "VigieMigrate", dependencies: [
            "VigieCore", "VigieStore", "VigiePostgres",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The HTTP API and the web dashboard over the engine, with users, roles and jobs.
        .target(
            name: "VigieServer",
            dependencies: [
                "VigieCore", "VigieEngine", "VigieIngest",
                .product(name: "Hummingbird", package: "hummingbird"),
                // bcrypt for passwords (its C core only; no other part of hummingbird-auth).
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                // SHA-256 of session ids and API tokens (stored hashed), constant-time compares.
                .product(name: "Crypto", package: "swift-crypto"),
                // The dashboard's upload form (multipart/form-data, parsed as it streams in).
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            // Embedded in the binary: `vigie serve` needs no files beside it.
            resources: [
                .embedInCode("Resources/openapi.json"),
                .embedInCode("Resources/vigie.css"),
                .embedInCode("Dashboard/Templates/layout.mustache"),
                .embedInCode("Dashboard/Templates/sign-in.mustache"),
                .embedInCode("Dashboard/Templates/workspaces.mustache"),
                .embedInCode("Dashboard/Templates/home.mustache"),
                .embedInCode("Dashboard/Templates/chart.mustache"),
                .embedInCode("Dashboard/Templates/query.mustache"),
                .embedInCode("Dashboard/Templates/account.mustache"),
                .embedInCode("Dashboard/Templates/imports.mustache"),
                .embedInCode("Dashboard/Templates/job.mustache"),
                .embedInCode("Dashboard/Templates/rejects.mustache"),
                .embedInCode("Dashboard/Templates/audit.mustache"),
                .embedInCode("Dashboard/Templates/error.mustache"),
                .embedInCode("Dashboard/Templates/watch.mustache"),
                .embedInCode("Dashboard/Templates/influencers.mustache"),
                .embedInCode("Dashboard/Templates/trust.mustache"),
                .embedInCode("Dashboard/Templates/coordination.mustache"),
                .embedInCode("Dashboard/Templates/alerts.mustache"),
                .embedInCode("Dashboard/Templates/pending.mustache"),
                .embedInCode("Dashboard/Templates/campaign-list.mustache"),
                .embedInCode("Dashboard/Templates/campaign-report.mustache"),
            ]
        ),
        .executableTarget(
            name: "vigie",
            dependencies: [
                "VigieCore", "VigieEngine", "VigieIngest", "VigieStore", "VigieSynth", "VigieDelivery", "VigieServer", "VigieBus",
                "VigieLive", "VigieReplay", "VigiePostgres", "VigieMigrate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Benchmark-only modes (reference computations, timed loops), kept out of the shipped CLI;
        // scripts/bench-* call it.
        .executableTarget(
            name: "VigieBench",
            dependencies: [
                "VigieEngine", "VigieStore", "VigieIngest", "VigiePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/VigieBench"
        ),
        // What every test target shares: the data locator, the CLI runner, and the store
        // conformance suite that every backend runs.
        .target(name: "VigieTestSupport", dependencies: ["VigieCore", "VigieIngest"], path: "Tests/VigieTestSupport"),
        .testTarget(name: "VigieCoreTests", dependencies: ["VigieCore", "VigieTestSupport"]),
        .testTarget(name: "VigieIngestTests", dependencies: ["VigieIngest", "VigieTestSupport"]),
        .testTarget(name: "VigieSynthTests", dependencies: ["VigieSynth", "VigieIngest", "VigieTestSupport"]),
        .testTarget(name: "VigieStoreTests", dependencies: ["VigieStore", "VigieIngest", "VigieTestSupport"]),
        .testTarget(name: "VigieEngineTests", dependencies: ["VigieEngine", "VigieStore", "VigieTestSupport"]),
        .testTarget(name: "VigieCLITests", dependencies: ["vigie", "VigieBench", "VigieTestSupport", "VigiePostgres"]),
        .testTarget(name: "VigieBusTests", dependencies: ["VigieBus", "VigieEngine", "VigieStore", "VigieTestSupport", "VigiePostgres"]),
        .testTarget(name: "VigieDeliveryTests", dependencies: ["VigieDelivery", "VigieStore", "VigieTestSupport"]),
        .testTarget(
            name: "VigieServerTests",
            dependencies: [
                "VigieServer", "VigieStore", "VigieEngine", "VigieTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "VigiePostgresTests", dependencies: [
            "VigiePostgres", "VigieMigrate", "VigieStore", "VigieTestSupport",
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "VigieLiveTests", dependencies: [
            "VigieLive", "VigieReplay", "VigieEngine", "VigieStore", "VigieDelivery", "VigieTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
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
