// swift-tools-version: 6.1
// An example host: a Hummingbird 2 application with in-memory state (a cache, a job queue, a
// connection-pool stand-in) and a manhole registered with that state, both run by one
// ServiceGroup. A package of its own, so that the Manhole library never depends on Hummingbird.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "HummingbirdHost",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hummingbird-host", targets: ["hummingbird-host"]),
    ],
    dependencies: [
        // Named: a path dependency is otherwise known by its folder's name, which differs between clones.
        .package(name: "Manhole", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        // The application: its state, its routes, the manhole's view of both, and the service
        // group that runs them. A library so that the tests reach it without the executable.
        .target(
            name: "HummingbirdHostApp",
            dependencies: [
                .product(name: "Manhole", package: "Manhole"),
                .product(name: "Reactor", package: "Manhole"),
                .product(name: "Inspector", package: "Manhole"),
                .product(name: "ManholeLifecycle", package: "Manhole"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hummingbird-host",
            dependencies: [
                "HummingbirdHostApp",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A paced manhole client for the wrk benchmark: N sessions, each running a command R
        // times a second, for a fixed time.
        .executableTarget(
            name: "hbhost-load",
            dependencies: [
                .product(name: "ManholeClient", package: "Manhole"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HummingbirdHostTests",
            dependencies: [
                "HummingbirdHostApp",
                "hummingbird-host",
                .product(name: "ManholeClient", package: "Manhole"),
                .product(name: "ManholeWire", package: "Manhole"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
