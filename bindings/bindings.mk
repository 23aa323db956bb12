# JVM (bindings/kotlin) and Swift/C (bindings/swift) packages of the uniffi binding.
# Included from the root Makefile; appends its suites to TEST_SUITES (so `make test` and
# .ci/run run them).
#
#   make test-jvm       mvn verify: build libantom_ffi, generate the Kotlin glue, package the jar
#                       (native library inside), run every JUnit test against that jar
#   make test-jvm-lts   the same on a second LTS JDK (25 or 21)
#   make test-jvm-spring the jar test-jvm built, installed into ~/.m2, in a Spring Boot 3.5 app
#                       (bindings/kotlin/spring-boot-test) notified by `antom trigger` on a real port
#   make test-swift     the Swift package with a real toolchain (swift on the PATH, else Swift
#                       6.0.3 in a cached Debian trixie root made as root): generated files up to
#                       date, the C header compiles (clang -Werror, gcc), swift build, swift test
#   make bench-jvm      sign/verify ops/s vs the JDK; rewrites the jvm block of BENCHMARKS.md
#   make swift-generate regenerate the committed Swift bindings after an FFI change
#
# Maven's local repository (~/.m2/repository) is its download cache: keep it between CI runs.

TEST_SUITES += test-jvm test-jvm-lts test-jvm-aarch64 test-swift test-jvm-spring
# A JDK, Maven, qemu and Swift are checked by the root Makefile before anything runs (make doctor);
# they are system packages, never installed from here.
# postgres, redis: DedupIT starts a throw-away PostgreSQL cluster and redis-server itself.
NEEDS_test-jvm       := rust cc jdk maven python postgres redis
NEEDS_test-jvm-lts   := rust cc jdk maven python
NEEDS_test-jvm-aarch64 := rust cc jdk maven python qemu
NEEDS_test-jvm-spring := rust cc jdk maven python
NEEDS_jvm-native     := rust cc python
NEEDS_bench-jvm      := rust cc jdk maven
NEEDS_test-swift     := rust cc python swift
NEEDS_swift-native   := rust cc python
NEEDS_swift-generate := rust cc

MVN       ?= mvn
MVN_FLAGS ?= -B -q -Dstyle.color=never

.PHONY: jvm-native test-jvm test-jvm-lts test-jvm-aarch64 test-jvm-spring swift-native test-swift bench-jvm swift-generate

## The jar carries the native library for linux-x86-64 and linux-aarch64, both the manylinux2014
## (glibc 2.17) builds of the Python wheels (the same uniffi cdylib; one build each), taken out
## of the wheels into JNA's layout. Other platforms: ANTOM_EXTRA_NATIVE="darwin-aarch64=... "
## (see bindings/kotlin/README.md).
JVM_NATIVE := $(CACHE)/jvm-native
JVM_ENV = ANTOM_FFI_LIB=$(CURDIR)/$(JVM_NATIVE)/linux-x86-64/libantom_ffi.so \
	ANTOM_EXTRA_NATIVE="linux-aarch64=$(CURDIR)/$(JVM_NATIVE)/linux-aarch64/libantom_ffi.so $(ANTOM_EXTRA_NATIVE)"
jvm-native: python-wheel python-wheel-aarch64
	rm -rf $(JVM_NATIVE)
	for pair in linux-x86-64=$(PY_DIST) linux-aarch64=$(PY_DIST_AARCH64); do \
	  dir="$(JVM_NATIVE)/$${pair%%=*}"; mkdir -p "$$dir"; \
	  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("antom_core/_ffi/libantom_ffi.so"))' \
	    "$$(ls $${pair#*=}/*.whl)" "$$dir/libantom_ffi.so"; \
	done
	ls -l $(JVM_NATIVE)/*/libantom_ffi.so

## test-jvm: mvn verify: generate the Kotlin glue, package the jar with both libraries, run
## every JUnit test against that jar. SendIT and WebhookHandlerIT run the simulator
## (target/debug/antom mock), built first.
test-jvm: jvm-native
	cargo build -p antom-cli --bin antom
	cd bindings/kotlin && $(JVM_ENV) $(MVN) $(MVN_FLAGS) verify

## test-jvm-aarch64: the packaged jar loads and signs on aarch64 (Debian's arm64 JRE under
## qemu-user), checked against the conformance vector's signature.
test-jvm-aarch64: test-jvm
	bash tests/setup/arm64-sysroot.sh $(ARM64_SYSROOT)
	bash bindings/kotlin/scripts/load-and-sign.sh qemu-aarch64-static -L $(ARM64_SYSROOT)/root \
		$(ARM64_SYSROOT)/root/usr/lib/jvm/java-17-openjdk-arm64/bin/java -Xshare:off

## test-jvm-spring: after test-jvm, its jar (with its pom: kotlin-stdlib, JNA) goes into the
## local Maven repository as antom.core:antom-core:0.1.0, as `mvn install` would put it, and the
## Spring Boot project's tests run against it (Spring Boot downloads are cached in ~/.m2).
JVM_JAR := bindings/kotlin/target/antom-core-0.1.0.jar
test-jvm-spring: test-jvm
	$(MVN) $(MVN_FLAGS) -f bindings/kotlin/pom.xml org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file \
		-Dfile=$(CURDIR)/$(JVM_JAR) -DpomFile=$(CURDIR)/bindings/kotlin/pom.xml
	cd bindings/kotlin/spring-boot-test && $(MVN) $(MVN_FLAGS) verify

## test-jvm-lts: the same suite on a second, newer LTS JDK (25 or 21) when the default is 17.
## These machines have a Temurin JDK beside Debian's; JDK_LTS_HOME=path picks another.
JDK_LTS_HOME ?= $(firstword $(wildcard /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/temurin-21-jdk* \
	/usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/java-21-openjdk*))
test-jvm-lts: jvm-native
	@test -n "$(JDK_LTS_HOME)" || { echo "missing: a JDK 21 or 25 beside the default JDK (e.g. Temurin 25 in /usr/lib/jvm, or set JDK_LTS_HOME=path)" >&2; exit 1; }
	@echo "== JVM package on $$($(JDK_LTS_HOME)/bin/java -version 2>&1 | head -n 1)"
	cargo build -p antom-cli --bin antom
	cd bindings/kotlin && $(JVM_ENV) JAVA_HOME=$(JDK_LTS_HOME) PATH="$(JDK_LTS_HOME)/bin:$$PATH" $(MVN) $(MVN_FLAGS) verify

## test-swift: the Swift package against the shipped x86-64 libantom_ffi (the Python wheel's,
## taken out of it as jvm-native does: no second cargo build), with the simulator
## (target/debug/antom) for send, models and webhooks. bindings/swift/scripts/test.sh makes
## sure of the toolchain (tests/setup/swift-root.sh: swift on the PATH, else as root a cached
## Debian trixie root with swiftlang 6.0.3), runs generate.sh --check, the C header check,
## swift build and swift test, and checks the counts of Swift tests and vectors it printed.
SWIFT_NATIVE := $(CACHE)/swift-native
swift-native: python-wheel
	rm -rf $(SWIFT_NATIVE); mkdir -p $(SWIFT_NATIVE)
	python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("antom_core/_ffi/libantom_ffi.so"))' \
	  "$$(ls $(PY_DIST)/*.whl)" "$(SWIFT_NATIVE)/libantom_ffi.so"
test-swift: swift-native
	cargo build -p antom-cli --bin antom
	ANTOM_FFI_LIB=$(CURDIR)/$(SWIFT_NATIVE)/libantom_ffi.so bash bindings/swift/scripts/test.sh

bench-jvm:
	bash bindings/kotlin/scripts/bench.sh

## bench-jvm-webhook: a com.sun.net.httpserver endpoint verifying notifications through the jar
## vs the JDK's Signature, bounded loopback load (REQUESTS=100000); rewrites the jvm-webhook block.
NEEDS_bench-jvm-webhook := rust cc jdk maven
.PHONY: bench-jvm-webhook
bench-jvm-webhook:
	bash bindings/kotlin/scripts/bench.sh webhook

swift-generate:
	bash bindings/swift/scripts/generate.sh
