# JVM (bindings/kotlin) and Swift/C (bindings/swift) packages of the uniffi binding.
# Included from the root Makefile; appends its suites to TEST_SUITES (so `make test` and
# .ci/run run them).
#
#   make test-jvm       mvn verify: build libantom_ffi, generate the Kotlin glue, package the jar
#                       (native library inside), run every JUnit test against that jar
#   make test-swift-c   generated Swift files up to date, header compiles (clang, gcc), the C
#                       harness passes vectors through the header; swift build/test if installed
#   make bench-jvm      sign/verify ops/s vs the JDK; rewrites the jvm block of BENCHMARKS.md
#   make swift-generate regenerate the committed Swift bindings after an FFI change
#
# Maven's local repository (~/.m2/repository) is its download cache: keep it between CI runs.

TEST_SUITES += test-jvm test-swift-c
# A JDK, Maven and clang are checked by the root Makefile before anything runs (make doctor);
# they are system packages, never installed from here.
NEEDS_test-jvm       := rust cc jdk maven
NEEDS_bench-jvm      := rust cc jdk maven
NEEDS_test-swift-c   := rust cc clang python
NEEDS_swift-generate := rust cc

MVN       ?= mvn
MVN_FLAGS ?= -B -q -Dstyle.color=never

.PHONY: test-jvm test-swift-c bench-jvm swift-generate

test-jvm:
	cd bindings/kotlin && $(MVN) $(MVN_FLAGS) verify

test-swift-c:
	bash bindings/swift/ctest/run.sh

bench-jvm:
	bash bindings/kotlin/scripts/bench.sh

swift-generate:
	bash bindings/swift/scripts/generate.sh
