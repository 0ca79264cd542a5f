// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "hirebind",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hirebind", targets: ["hirebind"]),
        .library(name: "HireBind", targets: ["HireBind"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Core: system libraries, secrets, domain types.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "Secrets", dependencies: [.product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .target(name: "HireBindCore", dependencies: ["Secrets"], swiftSettings: swiftSettings),

        // Stores, clients, naming, signatures: each depends on core types only.
        .target(name: "WebhookSignature", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        .target(name: "MailboxNaming", swiftSettings: swiftSettings),
        .systemLibrary(
            name: "CLDAP",
            pkgConfig: "ldap",
            providers: [.apt(["libldap-dev"])]
        ),
        .target(
            name: "HTTPAuthorization",
            dependencies: [
                "Secrets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MailboxDirectory",
            dependencies: [
                "Secrets", "CLDAP", "HTTPAuthorization",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JobStore",
            dependencies: [
                "HireBindCore", "Secrets",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FeishuAPI",
            dependencies: [
                "Secrets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // The service.
        .target(
            name: "HireBind",
            dependencies: [
                "HireBindCore", "Secrets", "JobStore", "FeishuAPI", "MailboxNaming", "MailboxDirectory", "WebhookSignature", "HTTPAuthorization",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The OpenAPI document of both listeners, served at the admin listener's /openapi.yaml; the console's
            // templates, stylesheet and icon.
            resources: [.copy("Admin/openapi.yaml"), .copy("Console/console")],
            swiftSettings: swiftSettings
        ),

        // Dry runs: the Feishu simulator and the executable's in-process wiring of it. The service never links them.
        .target(
            name: "FeishuSandbox",
            dependencies: [
                "WebhookSignature",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DryRun",
            dependencies: [
                "HireBind", "HireBindCore", "FeishuSandbox", "WebhookSignature", "Secrets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // The command line.
        .executableTarget(
            name: "hirebind",
            dependencies: [
                "HireBind", "DryRun", "HireBindCore", "JobStore", "FeishuAPI", "FeishuSandbox", "MailboxNaming", "WebhookSignature",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // The test kit: the whole stack on loopback ports, the store contract suite's engines, HTTP helpers.
        .target(
            name: "HireBindTesting",
            dependencies: [
                "HireBind", "HireBindCore", "JobStore", "FeishuAPI", "FeishuSandbox", "DryRun", "WebhookSignature",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/HireBindTesting",
            swiftSettings: swiftSettings
        ),

        // Benchmarks (scripts/bench-*): the store's claim statements against large backlogs (bench-queue); the
        // HTTP stack's floor, collecting a body and answering 202 (bench-intake).
        .executableTarget(
            name: "BenchQueue",
            dependencies: [
                "JobStore", "HireBindCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/BenchQueue", swiftSettings: swiftSettings),
        .executableTarget(
            name: "BenchHelloWorld", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/BenchHelloWorld", swiftSettings: swiftSettings),

        // Fuzz targets of the parsers (scripts/fuzz): libFuzzer entry points built with -DFUZZING and
        // -sanitize=fuzzer; in ordinary builds, executables that replay a corpus and the crashes found.
        .target(name: "FuzzReplay", path: "Fuzz/FuzzReplay", swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzSignatureHeader", dependencies: ["FuzzReplay", "WebhookSignature"], path: "Fuzz/FuzzSignatureHeader",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzEventDecoder", dependencies: ["FuzzReplay", "HireBindCore"], path: "Fuzz/FuzzEventDecoder", swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzNaming", dependencies: ["FuzzReplay", "MailboxNaming"], path: "Fuzz/FuzzNaming", swiftSettings: swiftSettings),

        .testTarget(name: "WebhookSignatureTests", dependencies: ["WebhookSignature"], swiftSettings: swiftSettings),
        .testTarget(name: "MailboxNamingTests", dependencies: ["MailboxNaming"], swiftSettings: swiftSettings),
        .testTarget(name: "HireBindCoreTests", dependencies: ["HireBindCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MailboxDirectoryTests",
            dependencies: [
                "MailboxDirectory", "HireBindTesting", "FeishuSandbox", "DryRun", "Secrets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JobStoreTests",
            dependencies: ["JobStore", "HireBindCore", "HireBindTesting", "Secrets", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FeishuAPITests",
            dependencies: [
                "FeishuAPI", "FeishuSandbox", "HireBindTesting", "Secrets", "DryRun", "HireBind",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FeishuSandboxTests",
            dependencies: [
                "FeishuSandbox", "DryRun", "HireBind",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HireBindTests",
            dependencies: [
                "HireBind", "HireBindCore", "JobStore", "FeishuAPI", "FeishuSandbox", "WebhookSignature", "DryRun", "HireBindTesting",
                "MailboxNaming", "MailboxDirectory", "Secrets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
