// swift-tools-version: 6.1
import PackageDescription

// A Hummingbird 2 app that pushes a job from a route and runs it on a Worker among the application's services.
// It depends on this repository by path; in your app, depend on the repository's URL instead.
let package = Package(
    name: "HummingbirdApp",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Deferrable", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "HummingbirdApp",
            dependencies: [
                .product(name: "Deferrable", package: "Deferrable"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
