// swift-tools-version: 6.1
// Manhole: inspect a live Swift process from the outside while it keeps running its own blocking code.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Manhole",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Reactor", targets: ["Reactor"]),
        .library(name: "Inspector", targets: ["Inspector"]),
        .library(name: "ManholeWire", targets: ["ManholeWire"]),
        .library(name: "ManholeClient", targets: ["ManholeClient"]),
        .library(name: "Manhole", targets: ["Manhole"]),
        .library(name: "ManholeSSH", targets: ["ManholeSSH"]),
        .library(name: "ManholeLifecycle", targets: ["ManholeLifecycle"]),
        .executable(name: "manhole-client", targets: ["manhole-client"]),
        .executable(name: "manhole-demo", targets: ["manhole-demo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio-ssh.git", from: "0.15.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "Reactor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Model"],
            swiftSettings: strict
        ),
        // The wire protocol both ends speak: frames, SCRAM messages, command-line words, what text
        // may reach a terminal. swift-crypto only: no NIO, so the client links none of it.
        .target(
            name: "ManholeWire",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The blocking client: connect, log in, run commands. Used by manhole-client, the tests and
        // the load tool.
        .target(
            name: "ManholeClient",
            dependencies: ["ManholeWire"],
            swiftSettings: strict
        ),
        .target(
            name: "Inspector",
            dependencies: [
                "Reactor",
                "ManholeWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Manhole",
            dependencies: [
                "Reactor",
                "Inspector",
                "ManholeWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The same shell over SSH (stock `ssh`), as a second listener of a manhole: its own module,
        // so that a host without SSH does not link swift-nio-ssh.
        .target(
            name: "ManholeSSH",
            dependencies: [
                "Manhole",
                "ManholeWire",
                "Reactor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The manhole and the reactor as ServiceLifecycle services: their own module, so that a host
        // that does not run a ServiceGroup does not link ServiceLifecycle.
        .target(
            name: "ManholeLifecycle",
            dependencies: [
                "Manhole",
                "Reactor",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .systemLibrary(
            name: "CLibEdit",
            path: "Sources/CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .executableTarget(
            name: "manhole-client",
            dependencies: [
                "ManholeClient",
                "ManholeWire",
                "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            // The release client ships without DWARF (its symbol table stays, so backtraces keep
            // their names): SwiftPM links every object of swift-crypto's BoringSSL, and their debug
            // information alone is 3 of the binary's 21 MiB, far more than the client's own code.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--strip-debug"], .when(platforms: [.linux], configuration: .release))]
        ),
        .executableTarget(
            name: "manhole-demo",
            dependencies: [
                "Reactor",
                "Inspector",
                "Manhole",
                "ManholeSSH",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // What the tests, the benchmarks, the load tool and the fixtures share: the test server,
        // its accounts and fast-login settings, the shutdown probe's terms, child processes over
        // pipes, executables built beside them, log lines, hang-guarded waits. Test support,
        // not a product: it may depend on everything it tests.
        .target(
            name: "ManholeTesting",
            dependencies: [
                "Manhole",
                "ManholeClient",
                "ManholeWire",
                "Reactor",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            path: "Tests/ManholeTesting",
            swiftSettings: strict
        ),
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            path: "Benchmarks/BenchmarkSupport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "manhole-load",
            dependencies: [
                "BenchmarkSupport",
                "ManholeTesting",
                "Reactor",
                "Manhole",
                "ManholeClient",
                "Inspector",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/manhole-load",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "manhole-benchmark",
            dependencies: [
                "BenchmarkSupport",
                "ManholeTesting",
                "Reactor",
                // Built beside the benchmark: the `shutdown` section runs it as a child process.
                "manhole-shutdown-probe",
                "Inspector",
                "Manhole",
                "ManholeClient",
                // The `ssh` section serves the shell over SSH to the stock client.
                "ManholeSSH",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/manhole-benchmark",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "reactor-exit-probe",
            dependencies: [
                "Reactor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/Fixtures/reactor-exit-probe",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "manhole-shutdown-probe",
            dependencies: ["ManholeTesting", "Reactor", "Manhole", "ManholeClient"],
            path: "Tests/Fixtures/manhole-shutdown-probe",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReactorTests",
            dependencies: [
                "ManholeTesting",
                "Reactor",
                "reactor-exit-probe",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ManholeTests",
            dependencies: [
                "ManholeTesting",
                "Manhole",
                "ManholeClient",
                "ManholeWire",
                "manhole-shutdown-probe",
                "Inspector",
                "Reactor",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ClientTests",
            dependencies: [
                "ManholeTesting",
                "manhole-client",
                "ManholeClient",
                "ManholeWire",
                "Manhole",
                "Inspector",
                "Reactor",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SSHTests",
            dependencies: [
                "ManholeTesting",
                "ManholeSSH",
                "Manhole",
                "ManholeWire",
                "Reactor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LifecycleServiceTests",
            dependencies: [
                "ManholeTesting",
                "ManholeLifecycle",
                "Manhole",
                "ManholeClient",
                "Reactor",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InspectorTests",
            dependencies: [
                "ManholeTesting",
                "Inspector",
                "ManholeWire",
                "Reactor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, one per parser that sees network or user input (Fuzz/README.md). They exist
// only when MANHOLE_FUZZ=1, so the ordinary builds never compile them; scripts/fuzz.sh builds
// them with `--sanitize=fuzzer --sanitize=address`, under which SwiftPM compiles every executable
// as a library (libFuzzer supplies `main`; each target defines `LLVMFuzzerTestOneInput`). So in
// that mode the package is its libraries and the fuzz targets only, built in one go.
if Context.environment["MANHOLE_FUZZ"] == "1" {
    package.products = package.products.filter { $0 is Product.Library }
    package.targets.removeAll { [.executable, .test, .system].contains($0.type) || $0.name == "ManholeTesting" }
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("fuzz-line-decoder", ["Manhole", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio")]),
        ("fuzz-frame", ["ManholeClient", "ManholeWire"]),
        ("fuzz-auth", ["ManholeWire", .product(name: "Crypto", package: "swift-crypto")]),
        ("fuzz-command-line", ["ManholeWire"]),
        ("fuzz-path", ["Inspector", "ManholeWire"]),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(name: target.name, dependencies: target.dependencies, path: "Fuzz/\(target.name)", swiftSettings: strict))
    }
}
