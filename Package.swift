// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Deferrable",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Deferrable", targets: ["Deferrable"]),
        .library(name: "DeferrableRedis", targets: ["DeferrableRedis"]),
        .library(name: "DeferrableDashboard", targets: ["DeferrableDashboard"]),
        .library(name: "DeferrablePostgres", targets: ["DeferrablePostgres"]),
        .library(name: "DeferrableSignals", targets: ["DeferrableSignals"]),
        .library(name: "DeferrableSQS", targets: ["DeferrableSQS"]),
        .library(name: "DeferrableTesting", targets: ["DeferrableTesting"]),
        .executable(name: "deferrable-demo", targets: ["deferrable-demo"]),
        .executable(name: "deferrable", targets: ["deferrable-cli"]),
        .executable(name: "deferrable-bench", targets: ["deferrable-bench"]),
    ],
    traits: [
        .trait(
            name: "Redis",
            description: "Builds the demo with Redis support (needs libhiredis-dev)."
        ),
        .trait(
            name: "Postgres",
            description: "Builds the demo with PostgreSQL support (builds postgres-nio)."
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "Deferrable",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DeferrableTesting",
            dependencies: ["Deferrable"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DeferrableSignals",
            dependencies: [
                "Deferrable",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DeferrableSQS",
            dependencies: [
                "Deferrable",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .systemLibrary(
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev"]), .brew(["hiredis"])]
        ),
        .target(
            name: "DeferrableRedis",
            dependencies: [
                "Deferrable",
                "CHiredis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DeferrablePostgres",
            dependencies: [
                "Deferrable",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DeferrableDashboard",
            dependencies: [
                "Deferrable",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "deferrable-demo",
            dependencies: [
                "Deferrable",
                .target(name: "DeferrableRedis", condition: .when(traits: ["Redis"])),
                .target(name: "DeferrablePostgres", condition: .when(traits: ["Postgres"])),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "deferrable-cli",
            dependencies: [
                "Deferrable",
                "DeferrableRedis",
                "DeferrablePostgres",
                "DeferrableDashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "deferrable-bench",
            dependencies: [
                "Deferrable",
                "DeferrableRedis",
                "DeferrablePostgres",
                "DeferrableSignals",
                "DeferrableSQS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "worker-example",
            dependencies: [
                "Deferrable",
                "DeferrableRedis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Examples/WorkerExample",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: ["DeferrableTestSupport", 
                "Deferrable",
                "DeferrableRedis",
                "DeferrableSignals",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Deferrable",
                "DeferrableDashboard",
                "DeferrableRedis",
                "DeferrableTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["DeferrableTestSupport", "Deferrable", "DeferrableRedis", "DeferrablePostgres"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DeferrableTestSupport",
            dependencies: [
                "Deferrable",
                "DeferrableRedis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            path: "Tests/DeferrableTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeferrableTests",
            dependencies: [
                "Deferrable", "DeferrableTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeferrableSignalsTests",
            dependencies: [
                "Deferrable", "DeferrableSignals", "DeferrableTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeferrableTestingTests",
            dependencies: ["Deferrable", "DeferrableTesting", "DeferrableTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeferrableSQSTests",
            dependencies: [
                "Deferrable", "DeferrableSQS", "DeferrableTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DebounceTests",
            dependencies: ["DeferrableTestSupport", "Deferrable", "DeferrableRedis", "DeferrablePostgres", "DeferrableSQS"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BackendBehaviourTests",
            dependencies: ["Deferrable", "DeferrableTestSupport", "DeferrableRedis", "DeferrablePostgres", "DeferrableSQS"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeferrablePostgresTests",
            dependencies: [
                "Deferrable", "DeferrablePostgres", "DeferrableTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeferrableRedisTests",
            dependencies: [
                "DeferrableTestSupport", "Deferrable", "DeferrableRedis", "CHiredis",
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "deferrable-fault-worker",
            dependencies: [
                "Deferrable",
                "DeferrablePostgres",
                "DeferrableRedis",
                "DeferrableSQS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FaultTests",
            dependencies: [
                "Deferrable", "DeferrableTestSupport", "DeferrablePostgres",
                "DeferrableRedis", "DeferrableSQS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
