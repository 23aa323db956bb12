# Typed models (crates/antom-models/): one schema, one generator, five runtimes. Included by
# the root Makefile.
#
#   make models         regenerate every generated file from crates/antom-models/schema/models.json
#   make models-check   regenerate in memory; fail, listing the files that drifted (make lint runs it)
#
# The generator is standard-library Python 3; the generated files are committed.
#
# Compile cost of the models (issue 24: 40 curated models -> the whole catalogue, ~600), measured
# on the shared 2-core machine (load about 3, so +-30%): `cargo build -p antom-models` (dev,
# dependencies built) 7.1 s -> 27.9 s; Kotlin (kotlin-maven-plugin 2.2.21, Models.kt and
# ModelJson.kt alone) 19.4 s -> 38.6 s as data classes, 26.7 s with the SDK-derived models as
# plain classes (what is generated); Swift (`swiftc -c`, debug, Models.swift alone) 9.1 s ->
# 138 s as Codable structs, 58 s with the SDK-derived models as JSONModel structs (what is
# generated); tsc --strict on models.d.ts 2 s; importing models.py 0.07 s -> 0.5 s (the
# package does not import it unless asked).

NEEDS_models       := python
NEEDS_models-check := python
NEEDS_catalogue    := python
MODELS_PYTHON      := $(or $(PYTHON3),python3) -B
MODELS_GENERATE    := $(MODELS_PYTHON) crates/antom-models/codegen/generate.py

.PHONY: models models-check models-simulator catalogue test-models

## test-models: the differential test against the official Python SDK 1.7.1 (PyPI, installed
## into its own venv, without its dependencies: only its model classes are used): every request
## and response class's body, as that SDK writes it with every field set, parses into our
## Python model and serialises back with no field lost or left in `extra`
## (crates/antom-models/tests/differential.py); the forward-compatibility vectors up to date and
## cross-checked with that SDK's own parser (crates/antom-models/vectors/); then the counts.
## Each runtime runs those vectors in its own suite (cargo test -p antom-models, pytest,
## ModelVectorsIT.kt, ModelVectorsTests.swift); TypeScript's models are types only, so here tsc
## --strict type-checks every vector's input as its model (vectors/typescript.mjs).
MODELS_SDK_VENV := .cache/venv-sdk
MODELS_TS_DIR   := .cache/ts-models
MODELS_TS_TOOL  := typescript@5.9.3
NEEDS_test-models := python node
TEST_SUITES += test-models
test-models:
	@test -x $(MODELS_SDK_VENV)/bin/python || $(MODELS_PYTHON) -m venv $(MODELS_SDK_VENV)
	@$(MODELS_SDK_VENV)/bin/python -c "import com.alipay.ams.api" 2>/dev/null || \
	  $(MODELS_SDK_VENV)/bin/python -m pip install -q --no-deps $(CATALOGUE_PY_SDK)
	$(MODELS_SDK_VENV)/bin/python -B crates/antom-models/tests/differential.py
	SDK_PYTHON=$(MODELS_SDK_VENV)/bin/python $(MODELS_PYTHON) crates/antom-models/vectors/generate.py --check
	@test -x $(MODELS_TS_DIR)/node_modules/.bin/tsc || \
	  npm install --silent --no-audit --no-fund --prefix $(MODELS_TS_DIR) $(MODELS_TS_TOOL)
	node crates/antom-models/vectors/typescript.mjs $(MODELS_TS_DIR)/node_modules/.bin/tsc
	cd crates/antom-models/codegen && $(MODELS_PYTHON) -m unittest -v test_generate.CountsTest

## catalogue: re-read the field facts of the official SDKs into schema/models.json
## (codegen/extract.py), then regenerate. The Python SDK's wheel comes from PyPI (pinned);
## the Java SDK's sources are a git directory: JAVA_SDK=DIR (a clone or bare mirror of
## global-open-sdk-java). Not part of CI: the schema is committed, models-check checks the rest.
CATALOGUE_PY_SDK := global-open-sdk-python==1.7.1
CATALOGUE_CACHE  := .cache/sdk
catalogue:
	@test -n "$(JAVA_SDK)" || { echo "catalogue: set JAVA_SDK=DIR (a git directory of global-open-sdk-java)"; exit 2; }
	mkdir -p $(CATALOGUE_CACHE)
	$(MODELS_PYTHON) -m pip download -q --no-deps -d $(CATALOGUE_CACHE) $(CATALOGUE_PY_SDK)
	$(MODELS_PYTHON) crates/antom-models/codegen/extract.py --java $(JAVA_SDK) \
	  --python $(CATALOGUE_CACHE)/global_open_sdk_python-1.7.1-py3-none-any.whl --core-table tests/vectors/data/endpoints.tsv
	$(MODELS_GENERATE)

models:
	$(MODELS_GENERATE)

## models-check: the generator's own tests (drift detection, determinism, schema errors) on a
## temporary copy, then the real check.
models-check:
	cd crates/antom-models/codegen && $(MODELS_PYTHON) -m unittest -q test_generate
	$(MODELS_GENERATE) --check

## models-simulator: the Python, Node.js and JVM suites each parse real simulator output into
## their models (python/tests/test_models.py, npm/test/models.test.mjs, ModelsIT.kt): they run
## target/debug/antom (or $ANTOM_BIN), built here first.
models-simulator:
	cargo build -q -p antom-cli --bin antom

test-python test-node test-node-lts test-jvm test-jvm-lts: models-simulator
