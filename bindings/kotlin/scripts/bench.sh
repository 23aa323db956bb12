#!/usr/bin/env bash
# make bench-jvm (and bench-jvm-webhook): package the jar (tests compiled, not run), then run antom.core.bench.BenchKt
# with the jar — not target/classes — on the classpath. Rewrites the jvm block of BENCHMARKS.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
mvn -B -q -DskipTests package
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
jar="$(ls target/antom-core-*.jar)"
# `bench.sh webhook`: the com.sun.net.httpserver endpoint benchmark instead (WebhookBench.kt).
main=antom.core.bench.BenchKt
[ "${1:-}" = webhook ] && main=antom.core.bench.WebhookBenchKt
opts=()
[ "${1:-}" = webhook ] && opts=(-Xmx256m)
env -u LD_LIBRARY_PATH java "${opts[@]}" -cp "$jar:target/test-classes:$(cat target/test-classpath.txt)" \
  "$main" "$root/tests/vectors" "$root/BENCHMARKS.md"
