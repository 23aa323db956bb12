# One task runner for the whole repository. `make demo`, `make test` and `make lint` are the
# commands the README gives, and the ones .ci/run runs.
#
# Set-up is part of every target: what can be installed without root is installed on first use
# and skipped when present (rustup target and components, pinned tools cached by version in
# ~/.cache/antom-core/, virtualenvs in .cache/). What cannot (Rust itself, Node.js, Python,
# a JDK, ...) is checked before anything runs: see "Prerequisites" at the end of this file.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CACHE      := .cache
TOOLS      := $(HOME)/.cache/antom-core
VENV       := $(CACHE)/venv-vectors
PY         := $(VENV)/bin/python
VECTORS    := tests/vectors
DOCTOR     := bash tests/setup/doctor.sh
# STEP "name" command...: prints the step and, when it ends, how many seconds it took.
STEP       := bash $(CURDIR)/tests/setup/step.sh

.PHONY: help doctor test lint test-rust vectors vectors-check wasm-check bench tools-python \
	tools-wasm32 tools-aarch64 tools-rust-lint tools-nightly tools-fuzz tools-deny test-doctor deny dist

help:
	@echo "make doctor        list the prerequisites make cannot install (ok / missing, versions)"
	@echo "make demo          local Antom simulator + the signed round trip in Rust, Node.js, Python"
	@echo "make demo-rust     (or demo-node, demo-python) one language: builds only what it runs"
	@echo "make test          run every test suite (what CI runs)"
	@echo "make lint          rustfmt check, clippy -D warnings, rustdoc -D warnings, cargo deny (ADVISORY_DB=dir: offline)"
	@echo "make dist          every artifact (wheels, sdist, npm tarball, jar, CLI) into dist/ with SHA256SUMS"
	@echo "make vectors       regenerate tests/vectors with the independent Python generator"
	@echo "make models        regenerate the typed models (every runtime) from crates/antom-models/schema/models.json"
	@echo "make bench         criterion benchmarks + openssl speed, rewrites BENCHMARKS.md"

## NEEDS_<target>: the prerequisites (tests/setup/doctor.sh names) a goal needs; checked
## before make runs anything. A target added anywhere should say what it needs here or in its
## .mk file; `python@3.10` raises a minimum version.
NEEDS_lint          := rust cc python
NEEDS_test-rust     := rust cc
NEEDS_wasm-check    := rust cc
NEEDS_vectors       := python openssl
NEEDS_vectors-check := python openssl
NEEDS_tools-python  := python
NEEDS_bench         := rust cc python openssl
NEEDS_tools-wasm32  := rust
NEEDS_tools-aarch64 := rust
NEEDS_dist          := rust cc node python jdk maven
NEEDS_tools-rust-lint := rust
NEEDS_tools-nightly := rust
NEEDS_tools-fuzz    := rust cc
NEEDS_tools-deny    := rust cc
NEEDS_deny          := rust cc

## test: every suite that exists. Each binding's .mk file appends its suite to TEST_SUITES.
## test-doctor goes first: it takes seconds.
TEST_SUITES := test-doctor vectors-check test-rust wasm-check fuzz-smoke
-include npm/npm.mk python/python.mk crates/antom-cli/cli.mk bindings/bindings.mk tests/kms/kms.mk \
	crates/antom-core/fuzz/fuzz.mk crates/antom-models/models.mk
test: $(TEST_SUITES)
NEEDS_test = $(foreach s,$(TEST_SUITES),$(NEEDS_$(s)))

## test-rust: the whole workspace on the default engine (AWS-LC natively), then the core's
## whole suite again on the pure-Rust engine (rsa 0.10.0, the one wasm32 uses).
test-rust:
	cargo test --workspace --all-targets
	cargo test --workspace --doc
	cargo test -p antom-core --features pure-rust,testing --all-targets

## deny: the supply-chain gate (advisories, bans, licenses, sources). The advisories come from
## cargo-deny's normal source (the live RustSec database, fetched into ~/.cargo/advisory-dbs);
## with ADVISORY_DB=DIR, from that offline snapshot instead (plain files, e.g. a copy of
## rustsec/advisory-db's crates/ and rust/; .ci/run sets it), checked offline.
ADVISORY_DB ?=
DENY_OFFLINE_DB     := $(TOOLS)/advisory-dbs-offline
DENY_OFFLINE_CONFIG := $(CACHE)/deny-offline.toml
deny: tools-deny
	cargo fetch --locked --quiet
ifeq ($(strip $(ADVISORY_DB)),)
	$(CARGO_DENY) --locked --config tests/supply-chain/deny.toml check
else
	bash tests/supply-chain/advisory-db.sh "$(ADVISORY_DB)" "$(DENY_OFFLINE_DB)"
	@mkdir -p $(CACHE)
	sed 's|^db-path = .*|db-path = "$(DENY_OFFLINE_DB)"|' tests/supply-chain/deny.toml > $(DENY_OFFLINE_CONFIG)
	grep -q '^db-path = "$(DENY_OFFLINE_DB)"$$' $(DENY_OFFLINE_CONFIG)
	$(CARGO_DENY) --offline --locked --config $(DENY_OFFLINE_CONFIG) check
endif

lint: tools-rust-lint deny models-check
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

wasm-check: tools-wasm32
	cargo build --target wasm32-unknown-unknown -p antom-core

$(PY): $(VECTORS)/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(VECTORS)/requirements.txt
	touch $(PY)

tools-python: $(PY)

vectors: $(PY)
	$(PY) $(VECTORS)/generate.py

## vectors-check: regenerate in memory, fail on any byte of difference, cross-check with OpenSSL.
vectors-check: $(PY)
	$(PY) $(VECTORS)/generate.py --check

bench: $(PY)
	$(PY) tests/bench/run.py

## test-doctor: with node, then java/javac, then openssl, then cargo hidden from PATH, a real
## `make demo` / `make test` / `make lint` stops in seconds with exactly the one-line message.
test-doctor:
	bash tests/setup/test-doctor.sh

## dist: every artifact a user installs, in dist/, with SHA256SUMS: the Python wheels
## (manylinux2014 x86_64 and aarch64) and sdist, the npm tarball, the jar (linux-x86-64 and
## linux-aarch64 inside) and the `antom` CLI for this machine.
DIST := dist
dist: python-wheel python-wheel-aarch64 npm-build jvm-native
	rm -rf $(DIST) && mkdir -p $(DIST)
	cp $(PY_DIST)/*.whl $(PY_DIST_AARCH64)/*.whl $(DIST)/
	cd python && $(CURDIR)/$(MATURIN) sdist --out $(CURDIR)/$(DIST)
	cd npm && npm pack --silent --pack-destination $(CURDIR)/$(DIST) >/dev/null
	cd bindings/kotlin && $(JVM_ENV) $(MVN) $(MVN_FLAGS) package -DskipTests -Dmaven.test.skip=true
	cp $$(ls bindings/kotlin/target/antom-core-*.jar | grep -v -e sources -e javadoc) $(DIST)/
	cargo build --release --locked -p antom-cli --bin antom
	cp target/release/antom $(DIST)/antom-$$(uname -m)-linux
	cd $(DIST) && sha256sum * > SHA256SUMS && cat SHA256SUMS

## ---------------------------------------------------------------------------------------------
## Installed by make, without root, on first use; each is a quick no-op when already there.

# The Rust standard library for wasm32 (wasm-check, npm-build and so the demo need it).
tools-wasm32:
	@test -d "$$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown" \
		|| rustup target add wasm32-unknown-unknown

# The aarch64 Linux standard library (the aarch64 wheel and jar are cross-compiled with zig).
tools-aarch64:
	@test -d "$$(rustc --print sysroot)/lib/rustlib/aarch64-unknown-linux-gnu" \
		|| rustup target add aarch64-unknown-linux-gnu

tools-rust-lint:
	@cargo fmt --version >/dev/null 2>&1 && cargo clippy --version >/dev/null 2>&1 \
		|| rustup component add rustfmt clippy

# The nightly toolchain (cargo-fuzz builds with it). RUSTUP_AUTO_INSTALL=0: the check itself
# must not install a full default-profile toolchain.
tools-nightly:
	@RUSTUP_AUTO_INSTALL=0 cargo +nightly --version >/dev/null 2>&1 \
		|| rustup toolchain install nightly --profile minimal

# Pinned cargo tools, each cached by version: a new version installs next to the old one.
# Use them by path: `$(CARGO_DENY) check`, and for fuzzing
# `$(FUZZ_ENV) cargo +nightly fuzz run <target>` (cargo finds cargo-fuzz on that PATH).
CARGO_FUZZ_VERSION := 0.13.2
CARGO_FUZZ_ROOT    := $(TOOLS)/cargo-fuzz-$(CARGO_FUZZ_VERSION)
CARGO_FUZZ         := $(CARGO_FUZZ_ROOT)/bin/cargo-fuzz
FUZZ_ENV           := PATH="$(CARGO_FUZZ_ROOT)/bin:$$PATH"
CARGO_DENY_VERSION := 0.20.2
CARGO_DENY_ROOT    := $(TOOLS)/cargo-deny-$(CARGO_DENY_VERSION)
CARGO_DENY         := $(CARGO_DENY_ROOT)/bin/cargo-deny

$(CARGO_FUZZ):
	cargo install --locked cargo-fuzz --version $(CARGO_FUZZ_VERSION) --root $(CARGO_FUZZ_ROOT)

$(CARGO_DENY):
	cargo install --locked cargo-deny --version $(CARGO_DENY_VERSION) --root $(CARGO_DENY_ROOT)

tools-fuzz: tools-nightly $(CARGO_FUZZ)
tools-deny: $(CARGO_DENY)

## ---------------------------------------------------------------------------------------------
## Prerequisites: checked once, when make starts, for the goals on its command line (the union
## of their NEEDS_). What is missing is installed first when make runs as root with apt-get
## (Debian's packages; `dpkg --add-architecture arm64` for the aarch64 checks; ANTOM_AUTO_INSTALL=0
## turns this off); otherwise `make test` stops before its first build step with one line per
## missing piece naming the command to run. `make doctor` lists them all. Skipped by `make -n`
## and with PREREQ_CHECK=0.

# The goals `make doctor` reports per prerequisite, and every tool it shows the cache state of.
DOCTOR_GOALS := lint test demo demo-rust demo-node demo-python
DOCTOR_ITEMS  = $(sort $(foreach g,$(DOCTOR_GOALS),$(NEEDS_$(g))))
DOCTOR_ENV    = PYTHON3='$(or $(PYTHON3),python3)' MVN='$(or $(MVN),mvn)'
DOCTOR_TOOLS  = $(if $(WASM_BINDGEN_VERSION),--tool 'wasm-bindgen-cli $(WASM_BINDGEN_VERSION)=$(WASM_BINDGEN_ROOT)/bin/wasm-bindgen') \
	--tool 'cargo-fuzz $(CARGO_FUZZ_VERSION)=$(CARGO_FUZZ)' \
	--tool 'cargo-deny $(CARGO_DENY_VERSION)=$(CARGO_DENY)' \
	--tool 'Python vector tools=$(PY)' \
	$(if $(MATURIN),--tool 'maturin=$(MATURIN)')
doctor_used_by = $(strip $(foreach g,$(DOCTOR_GOALS),$(if $(filter $(1) $(1)@%,$(NEEDS_$(g))),$(g))))

doctor:
	@$(DOCTOR_ENV) $(DOCTOR) --all $(DOCTOR_ITEMS) $(DOCTOR_TOOLS) \
		$(foreach i,$(sort $(foreach t,$(DOCTOR_ITEMS),$(firstword $(subst @, ,$(t))))),--used-by '$(i)=$(call doctor_used_by,$(i))')

PREREQ_CHECK ?= 1
PREREQ_NEEDS := $(sort $(foreach g,$(MAKECMDGOALS),$(NEEDS_$(g))))
ifeq ($(PREREQ_CHECK)$(findstring n,$(firstword -$(MAKEFLAGS)))$(filter doctor,$(MAKECMDGOALS)),1)
ifneq ($(PREREQ_NEEDS),)
ifneq ($(shell $(DOCTOR_ENV) $(DOCTOR) --install $(PREREQ_NEEDS) >&2 && echo ok),ok)
$(error make $(MAKECMDGOALS): stopped before building anything; install what is missing above (`make doctor` lists every prerequisite))
endif
endif
endif
