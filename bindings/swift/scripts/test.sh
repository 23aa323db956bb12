#!/usr/bin/env bash
# What `make test-swift` runs: the Swift package compiled and tested with a real toolchain.
#   1. the committed generated files match what the shipped libantom_ffi generates
#      (generate.sh --check, with ANTOM_FFI_LIB: the wheel's library, no second cargo build);
#   2. the generated C header compiles on its own for C users: the toolchain's clang with
#      -Wall -Wextra -Werror, and gcc with the clang-only nullability qualifiers defined away;
#   3. swift build, then swift test (XCTest): every vector in tests/vectors/, send against
#      `antom mock`, the models over the simulator's lifecycle, webhooks from `antom trigger`;
#      the counts of Swift tests and vectors it printed are checked here.
# The toolchain: `swift` on the PATH, else Swift 6.0.3 in the Debian trixie root that
# tests/setup/swift-root.sh makes (as root) and caches.
#   ANTOM_FFI_LIB=path/libantom_ffi.so [ANTOM_BIN=path/antom] bash bindings/swift/scripts/test.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
lib="${ANTOM_FFI_LIB:?set ANTOM_FFI_LIB to the libantom_ffi to test (make test-swift takes it from the Python wheel)}"
lib="$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")"
lib_dir="$(dirname "$lib")"
export ANTOM_BIN="${ANTOM_BIN:-$root/target/debug/antom}"
[ -x "$ANTOM_BIN" ] || { echo "test-swift: missing $ANTOM_BIN (cargo build -p antom-cli --bin antom)" >&2; exit 1; }
start=$SECONDS
step() { echo "test-swift: [$((SECONDS - start)) s] $*"; }
in_swift() { bash "$root/tests/setup/swift-root.sh" exec "$@"; }

bash "$root/tests/setup/swift-root.sh"
step "generate.sh --check against $lib"
ANTOM_FFI_LIB="$lib" bash "$here/scripts/generate.sh" --check

step "AntomCoreFFI.h compiles on its own (clang -Werror, gcc)"
cd "$here"
# shellcheck disable=SC2016 # expanded by the inner shell, where the toolchain is
in_swift bash -c '
  set -euo pipefail
  clang="$(command -v clang || echo "$(dirname "$(readlink -f "$(command -v swift)")")/clang")"
  out="$(mktemp -d)"; trap "rm -rf $out" EXIT
  echo "#include \"AntomCoreFFI.h\"" > "$out/header.c"
  "$clang" -fsyntax-only -std=c11 -Wall -Wextra -Werror -ISources/AntomCoreFFI "$out/header.c"
  if command -v gcc >/dev/null; then
    gcc -fsyntax-only -std=c11 -Wall -Wextra -Werror -D_Nonnull= -D_Nullable= -ISources/AntomCoreFFI "$out/header.c"
    echo "test-swift: AntomCoreFFI.h compiles ($("$clang" --version | head -n 1); $(gcc --version | head -n 1))"
  else
    echo "test-swift: AntomCoreFFI.h compiles ($("$clang" --version | head -n 1); no gcc here)"
  fi'

scratch="$root/.cache/swift-build"
flags=(--scratch-path "$scratch" -Xlinker -L"$lib_dir" -Xlinker -rpath -Xlinker "$lib_dir")
step "$(in_swift swift --version 2>&1 | head -n 1)"
step "swift build"
in_swift swift build "${flags[@]}"

step "swift test"
log="$scratch/swift-test.log"
mkdir -p "$scratch"
set +e
LD_LIBRARY_PATH="$lib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" in_swift swift test "${flags[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || { echo "test-swift: swift test failed (exit $status); log: $log" >&2; exit 1; }

# The counts: every vector of the manifest, and every test function of Tests/ executed, none
# skipped (a skipped test is not a passed one).
want_vectors="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["total"])' "$root/tests/vectors/manifest.json")"
got_vectors="$(sed -n 's/^VectorsTests: \([0-9]*\) of \([0-9]*\) conformance vectors passed.*/\1 \2/p' "$log" | tail -n 1)"
[ "$got_vectors" = "$want_vectors $want_vectors" ] || {
  echo "test-swift: expected '$want_vectors of $want_vectors conformance vectors passed', got '${got_vectors:-nothing}'" >&2; exit 1; }
want_tests="$(cat "$here"/Tests/AntomCoreTests/*.swift | grep -cE '^\s*func test[A-Za-z0-9_]*\(')"
summary="$(grep -E "Executed [0-9]+ tests?, with" "$log" | tail -n 1)"
got_tests="$(echo "$summary" | sed -n 's/.*Executed \([0-9]*\) tests\{0,1\}, with.*/\1/p')"
case "$summary" in *skipped*) echo "test-swift: tests were skipped: $summary" >&2; exit 1 ;; esac
case "$summary" in *"with 0 failures"*) ;; *) echo "test-swift: failures: $summary" >&2; exit 1 ;; esac
[ "$got_tests" = "$want_tests" ] || {
  echo "test-swift: Tests/ has $want_tests test functions, swift test executed ${got_tests:-none}" >&2; exit 1; }
step "ok: $got_tests Swift tests, $want_vectors of $want_vectors vectors (manifest), $(in_swift swift --version 2>&1 | head -n 1)"
