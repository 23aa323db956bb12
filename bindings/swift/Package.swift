// swift-tools-version:5.9
//
// antom-core for Swift: the generated uniffi Swift API (Sources/AntomCore/AntomCore.swift)
// over libantom_ffi, reached through a system-library target (Sources/AntomCoreFFI: the
// generated C header and module map, which links `antom_ffi`).
//
// Build libantom_ffi first (from the repository root: `cargo build --release -p antom-ffi`),
// then tell the linker where it is:
//   swift build -Xlinker -L../../target/release
//   swift test  -Xlinker -L../../target/release     (LD_LIBRARY_PATH too on Linux)
// Nothing is fetched by URL: the tests' SHA-256 comes from the system's libcrypto through a
// system-library target (Tests/COpenSSLCrypto; Debian: libssl-dev). `make test-swift` runs
// both with Swift 6.0.3; see README.md.
import PackageDescription

let package = Package(
    name: "AntomCore",
    platforms: [.macOS(.v12)],
    products: [
        .library(name: "AntomCore", targets: ["AntomCore"]),
    ],
    targets: [
        .systemLibrary(name: "AntomCoreFFI", path: "Sources/AntomCoreFFI"),
        .target(name: "AntomCore", dependencies: ["AntomCoreFFI"], path: "Sources/AntomCore"),
        // Tests only: SHA-256 for the vectors that pin a 1 MiB content by its digest.
        .systemLibrary(name: "COpenSSLCrypto", path: "Tests/COpenSSLCrypto",
                       providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        .testTarget(
            name: "AntomCoreTests",
            dependencies: ["AntomCore", "COpenSSLCrypto"],
            path: "Tests/AntomCoreTests"
        ),
    ]
)
