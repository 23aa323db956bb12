#!/usr/bin/env bash
# Build step run by Maven (generate-sources) and by bindings/bindings.mk:
#   1. builds libantom_ffi with cargo (the same command the Python build uses, so the build
#      is shared), unless ANTOM_FFI_LIB names a library that is already built;
#   2. generates the Kotlin glue from that library with the workspace's pinned uniffi-bindgen
#      into <target>/generated-sources/uniffi (a build output: never committed);
#   3. stages the library as <target>/native/<jna-prefix>/<file>, which Maven packages into
#      the jar where JNA looks for it (linux-x86-64/libantom_ffi.so on this machine), plus
#      any libraries for other platforms named in ANTOM_EXTRA_NATIVE.
# Usage: generate.sh <maven target dir>
set -euo pipefail
target="$(cd "${1:?usage: generate.sh <target dir>}" 2>/dev/null && pwd || { mkdir -p "$1" && cd "$1" && pwd; })"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# JNA's resource prefix (com.sun.jna.Platform.RESOURCE_PREFIX) and the library file name.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64)   prefix=linux-x86-64;  file=libantom_ffi.so ;;
  Linux-aarch64)  prefix=linux-aarch64; file=libantom_ffi.so ;;
  Darwin-arm64)   prefix=darwin-aarch64; file=libantom_ffi.dylib ;;
  Darwin-x86_64)  prefix=darwin-x86-64; file=libantom_ffi.dylib ;;
  MINGW*-x86_64|MSYS*-x86_64|CYGWIN*-x86_64) prefix=win32-x86-64; file=antom_ffi.dll ;;
  *) echo "generate.sh: unknown platform $(uname -s)-$(uname -m); set ANTOM_JNA_PREFIX" >&2; prefix="" ; file=libantom_ffi.so ;;
esac
prefix="${ANTOM_JNA_PREFIX:-$prefix}"
[ -n "$prefix" ] || exit 1

if [ -n "${ANTOM_FFI_LIB:-}" ]; then
  lib="$ANTOM_FFI_LIB"
else
  cargo build --release -p antom-ffi
  lib="target/release/$file"
fi
[ -f "$lib" ] || { echo "generate.sh: $lib not found" >&2; exit 1; }

out="$target/generated-sources/uniffi"
rm -rf "$out"
mkdir -p "$out"
cargo run -q -p antom-ffi --features bindgen --bin uniffi-bindgen -- generate \
  --config bindings/kotlin/uniffi.toml --no-format --language kotlin --out-dir "$out" "$lib"

rm -rf "$target/native"
mkdir -p "$target/native/$prefix"
cp "$lib" "$target/native/$prefix/$(basename "$lib")"
# More platforms in the same jar: ANTOM_EXTRA_NATIVE="linux-aarch64=/path/libantom_ffi.so ..."
# (JNA resource prefix = library built for it; e.g. darwin-aarch64=...dylib, win32-x86-64=...dll).
for extra in ${ANTOM_EXTRA_NATIVE:-}; do
  extra_prefix="${extra%%=*}"; extra_lib="${extra#*=}"
  [ -f "$extra_lib" ] || { echo "generate.sh: $extra_lib not found" >&2; exit 1; }
  mkdir -p "$target/native/$extra_prefix"
  cp "$extra_lib" "$target/native/$extra_prefix/$(basename "$extra_lib")"
  echo "generate.sh: also staged $extra_prefix/$(basename "$extra_lib")"
done
echo "generate.sh: $(find "$out" -name '*.kt' | wc -l) Kotlin file(s) in $out; native library staged as $prefix/$(basename "$lib")"
