# Python wheel (python/): included by the root Makefile.
#
#   make test-python    build the wheel with maturin, install it into a fresh virtualenv,
#                       run python/tests against the installed package (not the source tree),
#                       Client.send and the FastAPI / Flask / Django webhooks against the
#                       local simulator (target/debug/antom, built first); the exactly-once
#                       stores against a PostgreSQL cluster and a redis-server the tests start
#                       themselves (Debian's postgresql / redis-server: the postgres and redis
#                       items of tests/setup/doctor.sh, installed first as root)
#   make bench-python   same wheel; python/bench.py vs `cryptography`, rewrites the python
#                       block of BENCHMARKS.md
#
# Tools are pinned in python/requirements-*.txt and cached under .cache/ (venvs + pip cache).

TEST_SUITES += test-python test-python-source test-python-aarch64
# The wheel supports Python >= 3.9; the pinned pytest (requirements-test.txt) needs >= 3.10.
NEEDS_python-wheel     := rust cc python
NEEDS_python-test-venv := rust cc python@3.10
NEEDS_test-python      := rust cc python@3.10 postgres redis
NEEDS_bench-python     := rust cc python@3.10
NEEDS_python-wheel-aarch64 := rust cc python
NEEDS_test-python-aarch64  := rust cc python qemu
NEEDS_test-python-source   := rust cc python

PYTHON3          ?= python3
PY_BUILD_VENV    := $(CACHE)/python-build
PY_TEST_VENV     := $(CACHE)/python-test
PY_DIST          := $(CACHE)/python-dist
PY_PIP_ENV       := PIP_CACHE_DIR=$(CURDIR)/$(CACHE)/pip PIP_DISABLE_PIP_VERSION_CHECK=1
MATURIN          := $(PY_BUILD_VENV)/bin/maturin

.PHONY: test-python bench-python python-wheel python-test-venv python-wheel-aarch64 \
	test-python-aarch64 test-python-source

$(MATURIN): python/requirements-build.txt
	rm -rf $(PY_BUILD_VENV)
	$(PYTHON3) -m venv $(PY_BUILD_VENV)
	$(PY_PIP_ENV) $(PY_BUILD_VENV)/bin/pip install --quiet -r python/requirements-build.txt
	touch $@

## python-wheel: release cdylib + generated bindings + the antom_core package, one py3 wheel
## for manylinux2014 (glibc 2.17) x86_64, built with zig (maturin --zig; ziglang from PyPI).
## The build venv comes first on PATH: maturin runs `python3 -m ziglang`.
# STRIP=none: zig's linker turns `strip = "debuginfo"` into a full strip, which removes the
# symbol table uniffi-bindgen reads its metadata from.
PY_ZIG_ENV := PATH="$(CURDIR)/$(PY_BUILD_VENV)/bin:$$PATH" CARGO_PROFILE_RELEASE_STRIP=none
python-wheel: $(MATURIN)
	rm -rf $(PY_DIST)
	cd python && $(PY_ZIG_ENV) $(CURDIR)/$(MATURIN) build --release --zig \
		--compatibility manylinux2014 --out $(CURDIR)/$(PY_DIST)
	test "$$(ls $(PY_DIST)/*.whl | wc -l)" -eq 1
	$(PY_BUILD_VENV)/bin/auditwheel show $(PY_DIST)/*.whl | tee $(PY_DIST)/auditwheel.txt
	grep -q 'manylinux_2_17_x86_64' $(PY_DIST)/auditwheel.txt

## python-wheel-demo: the wheel `make demo` installs: cargo's dev profile, native linker, in
## target/debug, so it shares every compiled crate (AWS-LC's C code above all) with the
## simulator and the Rust example the demo builds there too; uniffi's generator (maturin runs
## `cargo run --bin uniffi-bindgen`) is a dev build in the same place. Not the shipped wheel
## (python-wheel), which `make test` tests.
PY_DIST_DEMO := $(CACHE)/python-dist-demo
NEEDS_python-wheel-demo := rust cc python
.PHONY: python-wheel-demo
python-wheel-demo: $(MATURIN)
	rm -rf $(PY_DIST_DEMO)
	@cd python && $(STEP) "Python wheel for the demo (dev profile, target/debug)" \
		$(CURDIR)/$(MATURIN) build --out $(CURDIR)/$(PY_DIST_DEMO)
	test "$$(ls $(PY_DIST_DEMO)/*.whl | wc -l)" -eq 1

## python-wheel-aarch64: the same for aarch64 (cross-compiled with zig, aws-lc included).
PY_DIST_AARCH64 := $(CACHE)/python-dist-aarch64
python-wheel-aarch64: $(MATURIN) tools-aarch64
	rm -rf $(PY_DIST_AARCH64)
	cd python && $(PY_ZIG_ENV) $(CURDIR)/$(MATURIN) build --release --zig \
		--compatibility manylinux2014 --target aarch64-unknown-linux-gnu --out $(CURDIR)/$(PY_DIST_AARCH64)
	test "$$(ls $(PY_DIST_AARCH64)/*.whl | wc -l)" -eq 1
	$(PY_BUILD_VENV)/bin/auditwheel show $(PY_DIST_AARCH64)/*.whl | tee $(PY_DIST_AARCH64)/auditwheel.txt
	grep -q 'manylinux_2_17_aarch64' $(PY_DIST_AARCH64)/auditwheel.txt

## test-python-aarch64: every vector through the aarch64 wheel, on Debian's arm64 python3.11
## under qemu-user (the wheel unzipped onto PYTHONPATH with pytest's pure-Python wheels).
PY_AARCH64_SITE := $(CACHE)/python-aarch64-site
ARM64_SYSROOT   := $(HOME)/.cache/antom-core/arm64-sysroot
test-python-aarch64: python-wheel-aarch64
	bash tests/setup/arm64-sysroot.sh $(ARM64_SYSROOT)
	rm -rf $(PY_AARCH64_SITE) && mkdir -p $(PY_AARCH64_SITE)
	$(PY_PIP_ENV) $(PY_BUILD_VENV)/bin/pip download --quiet --only-binary=:all: --no-deps \
		-d $(PY_AARCH64_SITE)/wheels pytest==9.2.0 pluggy==1.7.0 iniconfig==2.3.1 packaging==26.4 pygments==2.21.0
	cd $(PY_AARCH64_SITE) && for w in wheels/*.whl $(CURDIR)/$(PY_DIST_AARCH64)/*.whl; do \
		$(CURDIR)/$(PY_BUILD_VENV)/bin/python -m zipfile -e "$$w" . ; done
	$(PYTHON3) -c 'import sys; h = open(sys.argv[1], "rb").read(20); sys.exit(h[:4] != b"\x7fELF" or h[18] != 183)' \
		$(PY_AARCH64_SITE)/antom_core/_ffi/libantom_ffi.so   # e_machine 183: an aarch64 library
	PYTHONHOME=$(ARM64_SYSROOT)/root/usr PYTHONPATH=$(CURDIR)/$(PY_AARCH64_SITE) PYTHONDONTWRITEBYTECODE=1 \
		qemu-aarch64-static -L $(ARM64_SYSROOT)/root $(ARM64_SYSROOT)/root/usr/bin/python3.11 \
		-m pytest -p no:cacheprovider -q python/tests/test_vectors.py

## test-python-source: what a user without a wheel does, each in a brand-new virtualenv:
## `pip install ./python`, and `pip wheel` from the sdist (`maturin sdist`). Neither needs anything
## on PATH but Rust and cc: maturin runs bindings/antom-ffi's own `uniffi-bindgen` binary, which
## the sdist carries. Nothing from this repository's PATH or tools leaks in. The same cargo
## target directory is reused, so only changed crates rebuild; LTO is off for these two test
## builds only (what is tested is that the build works from source, not its speed).
PY_SRC_VENV := $(CACHE)/python-source
PY_SDIST    := $(CACHE)/python-sdist
PY_SRC_ENV  := CARGO_TARGET_DIR=$(CURDIR)/target CARGO_PROFILE_RELEASE_LTO=off \
	CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 $(PY_PIP_ENV)
test-python-source: $(MATURIN)
	rm -rf $(PY_SRC_VENV) $(PY_SDIST)
	$(PYTHON3) -m venv $(PY_SRC_VENV)/pip-install
	$(PY_SRC_ENV) $(PY_SRC_VENV)/pip-install/bin/pip install --quiet ./python
	cd / && $(CURDIR)/$(PY_SRC_VENV)/pip-install/bin/python -I -c \
		'import antom_core as a; assert a.to_minor_units("10.50", "USD") == "1050"; print("pip install ./python: ok", a.__file__)'
	cd python && $(CURDIR)/$(MATURIN) sdist --out $(CURDIR)/$(PY_SDIST)
	$(PYTHON3) -m venv $(PY_SRC_VENV)/sdist
	tar -tzf $(PY_SDIST)/*.tar.gz | grep -c 'bindings/antom-ffi/src/bin/uniffi-bindgen.rs$$'
	$(PY_SRC_ENV) $(PY_SRC_VENV)/sdist/bin/pip wheel --quiet --no-deps \
		-w $(PY_SRC_VENV)/sdist-wheel $(PY_SDIST)/*.tar.gz
	$(PY_PIP_ENV) $(PY_SRC_VENV)/sdist/bin/pip install --quiet --no-index --no-deps $(PY_SRC_VENV)/sdist-wheel/*.whl
	cd / && $(CURDIR)/$(PY_SRC_VENV)/sdist/bin/python -I -c \
		'import antom_core as a; assert a.to_minor_units("10.50", "USD") == "1050"; print("wheel from sdist: ok", a.__file__)'

## python-test-venv: a brand-new virtualenv with only the wheel and the pinned test tools.
python-test-venv: python-wheel
	rm -rf $(PY_TEST_VENV)
	$(PYTHON3) -m venv $(PY_TEST_VENV)
	$(PY_PIP_ENV) $(PY_TEST_VENV)/bin/pip install --quiet -r python/requirements-test.txt -c python/constraints-test.txt
	$(PY_PIP_ENV) $(PY_TEST_VENV)/bin/pip install --quiet --no-index --no-deps $(PY_DIST)/*.whl

# pytest's own executable (not `python -m`), so neither the cwd nor python/ is on sys.path:
# `import antom_core` can only find the installed wheel. Any non-zero exit fails, including
# 5 ("no tests collected"). test_send.py / test_webhooks.py run the simulator (antom mock,
# antom trigger): the binary is built first, and a missing one fails those tests.
test-python: python-test-venv
	cargo build -p antom-cli --bin antom
	ANTOM_BIN="$(CURDIR)/target/debug/antom" $(PY_TEST_VENV)/bin/pytest -p no:cacheprovider -q python/tests

bench-python: python-test-venv
	$(PY_TEST_VENV)/bin/python -I python/bench.py --write BENCHMARKS.md

## bench-python-webhook: the same webhook app under uvicorn (ASGI) and gunicorn (WSGI),
## verifying with the installed wheel vs bare `cryptography`, a bounded load generator on
## 127.0.0.1 (python/bench/webhook.py); rewrites the python-webhook block of BENCHMARKS.md.
NEEDS_bench-python-webhook := rust cc python@3.10
.PHONY: bench-python-webhook
bench-python-webhook: python-test-venv
	$(PY_PIP_ENV) $(PY_TEST_VENV)/bin/pip install --quiet -r python/requirements-bench.txt
	$(PY_TEST_VENV)/bin/python -I python/bench/webhook.py --write BENCHMARKS.md $(if $(REQUESTS),--requests $(REQUESTS))
