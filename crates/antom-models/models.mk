# Typed models (crates/antom-models/): one schema, one generator, five runtimes. Included by
# the root Makefile.
#
#   make models         regenerate every generated file from crates/antom-models/schema/models.json
#   make models-check   regenerate in memory; fail, listing the files that drifted (make lint runs it)
#
# The generator is standard-library Python 3; the generated files are committed.

NEEDS_models       := python
NEEDS_models-check := python
NEEDS_catalogue    := python
MODELS_PYTHON      := $(or $(PYTHON3),python3) -B
MODELS_GENERATE    := $(MODELS_PYTHON) crates/antom-models/codegen/generate.py

.PHONY: models models-check models-simulator catalogue

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
