# Typed models (crates/antom-models/): one schema, one generator, five runtimes. Included by
# the root Makefile.
#
#   make models         regenerate every generated file from crates/antom-models/schema/models.json
#   make models-check   regenerate in memory; fail, listing the files that drifted (make lint runs it)
#
# The generator is standard-library Python 3; the generated files are committed.

NEEDS_models       := python
NEEDS_models-check := python
MODELS_PYTHON      := $(or $(PYTHON3),python3) -B
MODELS_GENERATE    := $(MODELS_PYTHON) crates/antom-models/codegen/generate.py

.PHONY: models models-check models-simulator

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
