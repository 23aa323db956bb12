# Python wheel (python/): included by the root Makefile.
#
#   make test-python    build the wheel with maturin, install it into a fresh virtualenv,
#                       run python/tests against the installed package (not the source tree)
#   make bench-python   same wheel; python/bench.py vs `cryptography`, rewrites the python
#                       block of BENCHMARKS.md
#
# Tools are pinned in python/requirements-*.txt and cached under .cache/ (venvs + pip cache).

TEST_SUITES += test-python
# The wheel supports Python >= 3.9; the pinned pytest (requirements-test.txt) needs >= 3.10.
NEEDS_python-wheel     := rust cc python
NEEDS_python-test-venv := rust cc python@3.10
NEEDS_test-python      := rust cc python@3.10
NEEDS_bench-python     := rust cc python@3.10

PYTHON3          ?= python3
PY_BUILD_VENV    := $(CACHE)/python-build
PY_TEST_VENV     := $(CACHE)/python-test
PY_DIST          := $(CACHE)/python-dist
PY_PIP_ENV       := PIP_CACHE_DIR=$(CURDIR)/$(CACHE)/pip PIP_DISABLE_PIP_VERSION_CHECK=1
MATURIN          := $(PY_BUILD_VENV)/bin/maturin

.PHONY: test-python bench-python python-wheel python-test-venv

$(MATURIN): python/requirements-build.txt
	rm -rf $(PY_BUILD_VENV)
	$(PYTHON3) -m venv $(PY_BUILD_VENV)
	$(PY_PIP_ENV) $(PY_BUILD_VENV)/bin/pip install --quiet -r python/requirements-build.txt
	touch $@

## python-wheel: release cdylib + generated bindings + the antom_core package, one py3 wheel.
# python/tools/cargo goes first on PATH: it lets maturin's `cargo run --bin uniffi-bindgen`
# find the generator despite the workspace's default-members (see that file).
python-wheel: $(MATURIN)
	rm -rf $(PY_DIST)
	cd python && CARGO_PROFILE_DEV_DEBUG=0 PATH="$(CURDIR)/python/tools:$$PATH" \
		$(CURDIR)/$(MATURIN) build --release --out $(CURDIR)/$(PY_DIST)
	test "$$(ls $(PY_DIST)/*.whl | wc -l)" -eq 1

## python-test-venv: a brand-new virtualenv with only the wheel and the pinned test tools.
python-test-venv: python-wheel
	rm -rf $(PY_TEST_VENV)
	$(PYTHON3) -m venv $(PY_TEST_VENV)
	$(PY_PIP_ENV) $(PY_TEST_VENV)/bin/pip install --quiet -r python/requirements-test.txt
	$(PY_PIP_ENV) $(PY_TEST_VENV)/bin/pip install --quiet --no-index --no-deps $(PY_DIST)/*.whl

# pytest's own executable (not `python -m`), so neither the cwd nor python/ is on sys.path:
# `import antom_core` can only find the installed wheel. Any non-zero exit fails, including
# 5 ("no tests collected").
test-python: python-test-venv
	$(PY_TEST_VENV)/bin/pytest -p no:cacheprovider -q python/tests

bench-python: python-test-venv
	$(PY_TEST_VENV)/bin/python -I python/bench.py --write BENCHMARKS.md
