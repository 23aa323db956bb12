# The `antom` CLI and simulator (crates/antom-cli/): included by the root Makefile.
#
#   make test-cli     cargo test -p antom-cli (simulator, retries, bad input, the built binary)
#   make demo         start the local Antom simulator and run the merchant flow in Rust, Node.js
#                     (the packed npm tarball) and Python (the wheel); bounded by DEMO_TIMEOUT
#   make demo-rust    one flow only, building only what it runs (likewise demo-node,
#   make demo-node    demo-python): the simulator binary plus that language's package
#   make demo-python

TEST_SUITES += test-cli
NEEDS_test-cli := rust cc

DEMO_TIMEOUT ?= 600
# The flows `make demo` runs: Node and Python only where their package's .mk file is in the tree.
DEMO_FLOWS ?= rust $(if $(wildcard npm/npm.mk),node) $(if $(wildcard python/python.mk),python)

# Per flow: the package target it runs, and the prerequisites it needs beyond Rust.
demo_package_rust   :=
demo_package_node   := npm-build
demo_package_python := python-wheel-demo
demo_needs_rust     :=
demo_needs_node     := node
demo_needs_python   := python

# $(call demo_packages,flows), $(call demo_needs,flows)
demo_packages = $(foreach f,$(1),$(demo_package_$(f)))
demo_needs    = rust cc $(foreach f,$(1),$(demo_needs_$(f)))
# The simulator is always needed; the Rust example only for the rust flow.
# Everything native the demo runs is one dev-profile build in target/debug (AWS-LC compiled once):
# the simulator, the Rust example and the demo's Python wheel.
demo_cargo_build = @$(STEP) "simulator$(if $(filter rust,$(1)), and the Rust example) (dev profile, target/debug)" \
	$(strip cargo build -p antom-cli --bin antom $(if $(filter rust,$(1)),--example merchant_flow))
# Every flow asked for must pass; the whole run is killed after DEMO_TIMEOUT seconds.
demo_run = DEMO_FLOWS="$(strip $(1))" DEMO_REQUIRE_ALL=1 DEMO_WHEEL_DIR="$(CURDIR)/$(PY_DIST_DEMO)" \
	timeout --kill-after=10 $(DEMO_TIMEOUT) bash crates/antom-cli/demo/run.sh

NEEDS_demo-build  = $(call demo_needs,$(DEMO_FLOWS))
NEEDS_demo        = $(call demo_needs,$(DEMO_FLOWS))
NEEDS_demo-rust   = $(call demo_needs,rust)
NEEDS_demo-node   = $(call demo_needs,node)
NEEDS_demo-python = $(call demo_needs,python)

.PHONY: test-cli demo demo-build demo-parts demo-native demo-rust demo-node demo-python

test-cli:
	cargo test -p antom-cli

## demo-build: only what the demo runs (DEMO_FLOWS): the simulator binary, the Rust example if
## rust is a flow, the npm package if node is, the wheel if python is. Built by a second make with
## DEMO_JOBS (2) jobs: the wasm-bindgen-cli install, the wasm32 build and the native build share
## the cores (each cargo takes its jobs from make's jobserver, so no more than DEMO_JOBS compile
## at once). The native parts are one dev-profile build in target/debug, one after the other.
DEMO_JOBS ?= 2
demo_parts = $(MAKE) --no-print-directory -j$(DEMO_JOBS) PREREQ_CHECK=0 DEMO_FLOWS="$(strip $(1))" demo-parts
demo-build:
	@$(call demo_parts,$(DEMO_FLOWS))

# The wheel is listed first, so that make -j starts it first (see below).
demo-parts: $(call demo_packages,$(filter python,$(DEMO_FLOWS))) $(call demo_packages,$(filter-out python,$(DEMO_FLOWS))) demo-native
demo-native:
	$(call demo_cargo_build,$(DEMO_FLOWS))
# The demo's wheel shares target/debug with the simulator, so one waits for the other: the wheel
# goes first. Measured on a fresh clone (2 cores): started beside wasm-bindgen-cli and the wasm32
# build (make starts those first), 449 s in all; with its virtualenv made first so that it
# started beside wasm-bindgen-cli, 372 s for the wheel alone: each cargo then gets one job.
# Tried: one cargo invocation for the simulator, the example and uniffi's generator first, the
# wheel after it: 433 s in all, worse: feature unification across antom-cli and antom-ffi in one
# invocation builds the shared crates with other features than the wheel's own build, which then
# compiles them again (the wheel 149 s after a 276 s native build).
ifneq ($(filter python,$(DEMO_FLOWS)),)
demo-native: | python-wheel-demo
endif

demo: demo-build
	$(call demo_run,$(DEMO_FLOWS))

demo-rust demo-node demo-python: demo-%:
	@$(call demo_parts,$*)
	$(call demo_run,$*)
