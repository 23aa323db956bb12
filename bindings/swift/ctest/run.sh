#!/usr/bin/env bash
# The Swift checks that run on machines without a Swift toolchain (ours):
#   1. the committed generated files match what the current libantom_ffi generates;
#   2. the generated C header compiles on its own (clang -fsyntax-only -Wall -Werror, and gcc
#      with the clang-only nullability qualifiers defined away);
#   3. a C program calls libantom_ffi through that header, exactly as the generated Swift
#      does, and passes the vectors cases.py extracts from tests/vectors/;
#   4. glue.c checks the issue-9 additions (body size, next action, redaction, engine) the same way;
#   5. external.c runs every external_signer.json case (issue 13: KMS/HSM signers) the same way.
# Then, only where `swift` is installed: swift build and swift test (every vector, XCTest).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$here/ctest/build"
mkdir -p "$build"
case "$(uname -s)" in Darwin) file=libantom_ffi.dylib ;; *) file=libantom_ffi.so ;; esac
lib_dir="$root/target/release"

bash "$here/scripts/generate.sh" --check   # builds target/release/$file first

command -v clang >/dev/null || { echo "ctest: clang is required (Debian: apt-get install clang)" >&2; exit 1; }
echo '#include "AntomCoreFFI.h"' > "$build/header.c"
clang -fsyntax-only -std=c11 -Wall -Wextra -Werror -I"$here/Sources/AntomCoreFFI" "$build/header.c"
if command -v gcc >/dev/null; then
  gcc -fsyntax-only -std=c11 -Wall -Wextra -Werror -D_Nonnull= -D_Nullable= -I"$here/Sources/AntomCoreFFI" "$build/header.c"
fi
echo "ctest: AntomCoreFFI.h compiles (clang -fsyntax-only$(command -v gcc >/dev/null && echo ', gcc'))"

python3 "$here/ctest/cases.py" "$root/tests/vectors" > "$build/cases.tsv"
clang -std=c11 -O1 -Wall -Wextra -Werror -I"$here/Sources/AntomCoreFFI" "$here/ctest/main.c" \
  -L"$lib_dir" -lantom_ffi -Wl,-rpath,"$lib_dir" -o "$build/ctest"
"$build/ctest" "$build/cases.tsv" "$root/tests/vectors"

# 4. The issue-9 surface through the same header: check_body_size from a length, a client's
#    max_body_bytes and its identical refusal, next_action INQUIRE for an unsigned F, the
#    core's redaction rule, the engine name.
clang -std=c11 -O1 -Wall -Wextra -Werror -I"$here/Sources/AntomCoreFFI" "$here/ctest/glue.c" \
  -L"$lib_dir" -lantom_ffi -Wl,-rpath,"$lib_dir" -o "$build/glue"
"$build/glue" "$root/tests/vectors"

# 5. External signers (issue 13): every case of external_signer.json through the header: an
#    ExternalSigner client, prepare_external (message and digest), finish_external with the
#    vector's OpenSSL-made signature (the request, or SIGNING_FAILED); the manifest's count.
python3 "$here/ctest/cases.py" "$root/tests/vectors" --external > "$build/external.tsv"
clang -std=c11 -O1 -Wall -Wextra -Werror -I"$here/Sources/AntomCoreFFI" "$here/ctest/external.c" \
  -L"$lib_dir" -lantom_ffi -Wl,-rpath,"$lib_dir" -o "$build/external"
"$build/external" "$build/external.tsv"

if command -v swift >/dev/null; then
  cd "$here"
  swift build -Xlinker -L"$lib_dir"
  LD_LIBRARY_PATH="$lib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" swift test -Xlinker -L"$lib_dir" -Xlinker -rpath -Xlinker "$lib_dir"
else
  echo "ctest: swift is not installed here: skipping 'swift build' and 'swift test' (the XCTest suite runs on macOS / Swift-on-Linux machines; see bindings/swift/README.md)"
fi
