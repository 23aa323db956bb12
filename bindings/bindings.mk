# JVM (bindings/kotlin) and Swift/C (bindings/swift) packages of the uniffi binding.
# Included from the root Makefile; appends its suites to TEST_SUITES (so `make test` and
# .ci/run run them).
#
#   make test-jvm       mvn verify: build libantom_ffi, generate the Kotlin glue, package the jar
#                       (native library inside), run every JUnit test against that jar
#   make test-jvm-lts   the same on a second LTS JDK (25 or 21)
#   make test-swift-c   generated Swift files up to date, header compiles (clang, gcc), the C
#                       harness passes vectors through the header; swift build/test if installed
#   make bench-jvm      sign/verify ops/s vs the JDK; rewrites the jvm block of BENCHMARKS.md
#   make swift-generate regenerate the committed Swift bindings after an FFI change
#
# Maven's local repository (~/.m2/repository) is its download cache: keep it between CI runs.

TEST_SUITES += test-jvm test-jvm-lts test-swift-c
# A JDK, Maven and clang are checked by the root Makefile before anything runs (make doctor);
# they are system packages, never installed from here.
NEEDS_test-jvm       := rust cc jdk maven
NEEDS_test-jvm-lts   := rust cc jdk maven
NEEDS_bench-jvm      := rust cc jdk maven
NEEDS_test-swift-c   := rust cc clang python
NEEDS_swift-generate := rust cc

MVN       ?= mvn
MVN_FLAGS ?= -B -q -Dstyle.color=never

.PHONY: test-jvm test-jvm-lts test-swift-c bench-jvm swift-generate

test-jvm:
	cd bindings/kotlin && $(MVN) $(MVN_FLAGS) verify

## test-jvm-lts: the same suite on a second, newer LTS JDK (25 or 21) when the default is 17.
## These machines have a Temurin JDK beside Debian's; JDK_LTS_HOME=path picks another.
JDK_LTS_HOME ?= $(firstword $(wildcard /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/temurin-21-jdk* \
	/usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/java-21-openjdk*))
test-jvm-lts:
	@test -n "$(JDK_LTS_HOME)" || { echo "missing: a JDK 21 or 25 beside the default JDK (e.g. Temurin 25 in /usr/lib/jvm, or set JDK_LTS_HOME=path)" >&2; exit 1; }
	@echo "== JVM package on $$($(JDK_LTS_HOME)/bin/java -version 2>&1 | head -n 1)"
	cd bindings/kotlin && JAVA_HOME=$(JDK_LTS_HOME) PATH="$(JDK_LTS_HOME)/bin:$$PATH" $(MVN) $(MVN_FLAGS) verify

test-swift-c:
	bash bindings/swift/ctest/run.sh

bench-jvm:
	bash bindings/kotlin/scripts/bench.sh

swift-generate:
	bash bindings/swift/scripts/generate.sh
