#!/usr/bin/env bash
# Runs LoadAndSign.java against the packaged jar with the java command given as arguments
# (e.g. `qemu-aarch64-static -L SYSROOT SYSROOT/usr/lib/jvm/.../bin/java -Xshare:off`), using
# the first case of tests/vectors/sign.json: the jar must load its native library and produce
# exactly the vector's signature (made by OpenSSL).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
jar="$(ls "$root"/bindings/kotlin/target/antom-core-*.jar | grep -v -e sources -e javadoc | head -n 1)"
# Maven's default local repository is ${user.home}/.m2/repository, and the JVM's user.home
# comes from the password database, not $HOME: ask the JDK.
user_home="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *user\.home = //p' | head -n 1)"
m2="${MAVEN_REPO:-${user_home:-$HOME}/.m2/repository}"
version() { sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" "$root/bindings/kotlin/pom.xml" | head -n 1; }
jna="$m2/net/java/dev/jna/jna/$(version jna.version)/jna-$(version jna.version).jar"
kotlin="$m2/org/jetbrains/kotlin/kotlin-stdlib/$(version kotlin.version)/kotlin-stdlib-$(version kotlin.version).jar"
for f in "$jar" "$jna" "$kotlin"; do [ -f "$f" ] || { echo "load-and-sign.sh: $f not found (run make test-jvm)" >&2; exit 1; }; done
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
python3 - "$root/tests/vectors" "$work" <<'PY'
import json, pathlib, sys
vectors, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
case = json.loads((vectors / "sign.json").read_text())["cases"][0]
content = case["input"]["content"]
assert isinstance(content, str), "the first sign vector must have a plain text content"
(work / "content.txt").write_bytes(content.encode("utf-8"))
(work / "expected.txt").write_text(case["expect"]["signature"])
(work / "key.txt").write_text(str(vectors / case["input"]["private_key_file"]))
PY
"$@" -cp "$jar:$jna:$kotlin" "$here/LoadAndSign.java" "$(cat "$work/key.txt")" "$work/content.txt" "$(cat "$work/expected.txt")"
