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
        .executable(name: "deferrable-demo", targets: ["deferrable-demo"]),
    ],
    traits: [
        .trait(
            name: "Redis",
            description: "Builds the demo with Redis support (needs libhiredis-dev)."
        )
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "Deferrable",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
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
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "deferrable-demo",
            dependencies: [
                "Deferrable",
                .target(name: "DeferrableRedis", condition: .when(traits: ["Redis"])),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeferrableTests",
            dependencies: ["Deferrable"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BackendBehaviourTests",
            dependencies: ["Deferrable", "DeferrableRedis"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeferrableRedisTests",
            dependencies: ["Deferrable", "DeferrableRedis", "CHiredis"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
