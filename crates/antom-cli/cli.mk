# The `antom` CLI and simulator (crates/antom-cli/): included by the root Makefile.
#
#   make test-cli   cargo test -p antom-cli (simulator, retries, bad input, the built binary)
#   make demo       start the local Antom simulator and run the merchant flow in Rust, Node.js
#                   (the packed npm tarball) and Python (the wheel); bounded by DEMO_TIMEOUT

TEST_SUITES += test-cli

DEMO_TIMEOUT ?= 600
# The Node and Python flows need their packages built; each binding's .mk file provides the
# target. A binding that is not in the tree is skipped by the demo script, and says so.
DEMO_PACKAGES :=
DEMO_FLOWS    ?= rust
ifneq ($(wildcard npm/npm.mk),)
DEMO_PACKAGES += npm-build
DEMO_FLOWS    += node
endif
ifneq ($(wildcard python/python.mk),)
DEMO_PACKAGES += python-wheel
DEMO_FLOWS    += python
endif

.PHONY: test-cli demo demo-build

test-cli:
	cargo test -p antom-cli

demo-build: $(DEMO_PACKAGES)
	cargo build -p antom-cli --bin antom --example merchant_flow

## demo: every flow that is built must pass; the whole run is killed after DEMO_TIMEOUT seconds.
demo: demo-build
	DEMO_FLOWS="$(DEMO_FLOWS)" DEMO_REQUIRE_ALL=1 \
		timeout --kill-after=10 $(DEMO_TIMEOUT) bash crates/antom-cli/demo/run.sh
