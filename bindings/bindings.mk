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

MVN       ?= mvn
MVN_FLAGS ?= -B -q -Dstyle.color=never

.PHONY: test-jvm test-swift-c bench-jvm swift-generate tools-jvm tools-clang

# Debian packages for what is missing (as root, like .ci/run); otherwise say what to install.
define bindings_apt_install
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else echo "missing: $(1) (install it and re-run)" >&2; exit 1; fi
endef

tools-jvm:
	@command -v javac >/dev/null || { $(call bindings_apt_install,openjdk-17-jdk-headless); }
	@command -v mvn >/dev/null || { $(call bindings_apt_install,maven); }

tools-clang:
	@command -v clang >/dev/null || { $(call bindings_apt_install,clang); }

test-jvm: tools-jvm
	cd bindings/kotlin && $(MVN) $(MVN_FLAGS) verify

test-swift-c: tools-clang
	bash bindings/swift/ctest/run.sh

bench-jvm: tools-jvm
	bash bindings/kotlin/scripts/bench.sh

swift-generate:
	bash bindings/swift/scripts/generate.sh
