#!/usr/bin/env bash
# Regenerates the Swift package's generated files from libantom_ffi with the workspace's
# pinned uniffi-bindgen and the root uniffi.toml (Swift module `AntomCore`):
#   Sources/AntomCore/AntomCore.swift      the generated Swift API
#   Sources/AntomCoreFFI/AntomCoreFFI.h    the C header Swift calls through
#   Sources/AntomCoreFFI/module.modulemap  the generated module map + `link "antom_ffi"`
# They are committed (SwiftPM cannot run cargo; a package fetched by URL needs them in git),
# and uniffi output is deterministic, so CI runs `generate.sh --check`: regenerate into a
# temporary directory and fail on any difference (the FFI changed: run generate.sh, commit).
# ANTOM_FFI_LIB=path skips the cargo build and reads that library.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
check=0
[ "${1:-}" = "--check" ] && check=1
cd "$root"

case "$(uname -s)" in Darwin) file=libantom_ffi.dylib ;; *) file=libantom_ffi.so ;; esac
if [ -n "${ANTOM_FFI_LIB:-}" ]; then
  lib="$ANTOM_FFI_LIB"
else
  cargo build --release -p antom-ffi
  lib="target/release/$file"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo run -q -p antom-ffi --features bindgen --bin uniffi-bindgen -- generate \
  --config uniffi.toml --no-format --language swift --out-dir "$tmp/gen" "$lib"

mkdir -p "$tmp/out/Sources/AntomCore" "$tmp/out/Sources/AntomCoreFFI"
cp "$tmp/gen/AntomCore.swift" "$tmp/out/Sources/AntomCore/AntomCore.swift"
cp "$tmp/gen/AntomCoreFFI.h" "$tmp/out/Sources/AntomCoreFFI/AntomCoreFFI.h"
# SwiftPM wants module.modulemap; a system-library target links through it.
awk '/^}/ { print "    link \"antom_ffi\"" } { print }' "$tmp/gen/AntomCoreFFI.modulemap" \
  > "$tmp/out/Sources/AntomCoreFFI/module.modulemap"

files="Sources/AntomCore/AntomCore.swift Sources/AntomCoreFFI/AntomCoreFFI.h Sources/AntomCoreFFI/module.modulemap"
if [ "$check" = 1 ]; then
  status=0
  for f in $files; do
    if ! cmp -s "$tmp/out/$f" "$here/$f"; then
      echo "generate.sh --check: bindings/swift/$f differs from what $lib generates (run bindings/swift/scripts/generate.sh and commit)" >&2
      diff -u "$here/$f" "$tmp/out/$f" | head -20 >&2 || true
      status=1
    fi
  done
  [ "$status" = 0 ] && echo "generate.sh --check: the committed Swift bindings match $lib"
  exit "$status"
fi
for f in $files; do cp "$tmp/out/$f" "$here/$f"; done
echo "generate.sh: wrote $files"
