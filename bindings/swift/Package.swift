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
// See README.md for what is checked where (this machine has no Swift toolchain).
import PackageDescription

let package = Package(
    name: "AntomCore",
    platforms: [.macOS(.v12)],
    products: [
        .library(name: "AntomCore", targets: ["AntomCore"]),
    ],
    dependencies: [
        // Tests only: SHA-256 for the vectors that pin a 1 MB content by its digest
        // (CryptoKit's API, also on Linux).
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0" ..< "5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "AntomCoreFFI", path: "Sources/AntomCoreFFI"),
        .target(name: "AntomCore", dependencies: ["AntomCoreFFI"], path: "Sources/AntomCore"),
        .testTarget(
            name: "AntomCoreTests",
            dependencies: ["AntomCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/AntomCoreTests"
        ),
    ]
)
