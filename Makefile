# One task runner for the whole repository. `make test` is the command the README gives
# and the one .ci/run runs.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CACHE      := .cache
VENV       := $(CACHE)/venv-vectors
PY         := $(VENV)/bin/python
VECTORS    := tests/vectors

.PHONY: help test lint test-rust vectors vectors-check wasm-check bench tools-python

help:
	@echo "make test          run every test suite (what CI runs)"
	@echo "make lint          rustfmt check, clippy -D warnings, rustdoc -D warnings"
	@echo "make vectors       regenerate tests/vectors with the independent Python generator"
	@echo "make bench         criterion benchmarks + openssl speed, rewrites BENCHMARKS.md"

## test: every suite that exists. Each binding's .mk file appends its suite to TEST_SUITES.
TEST_SUITES := vectors-check test-rust wasm-check
-include npm/npm.mk python/python.mk crates/antom-cli/cli.mk bindings/bindings.mk
test: $(TEST_SUITES)

test-rust:
	cargo test --workspace --all-targets
	cargo test --workspace --doc

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

wasm-check:
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
