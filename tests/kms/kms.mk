# The moto KMS mock and boto3, in their own virtualenv (installed on first use, pinned).
NEEDS_kms-venv := python
KMS_VENV := $(CACHE)/kms-venv
MOTO_SERVER := $(CURDIR)/$(KMS_VENV)/bin/moto_server

.PHONY: kms-venv
kms-venv: $(KMS_VENV)/.installed
$(KMS_VENV)/.installed: tests/kms/requirements.txt
	rm -rf $(KMS_VENV)
	$(PYTHON3) -m venv $(KMS_VENV)
	$(PY_PIP_ENV) $(KMS_VENV)/bin/pip install --quiet -r tests/kms/requirements.txt
	touch $@

## test-kms-python: the Python external signer with boto3 against moto's in-process KMS mock
## (tests/kms/test_kms_python.py): the freshly built wheel is installed into the KMS venv (no
## index, no deps; seconds), the simulator (antom mock, debug build) checks KMS-signed requests.
TEST_SUITES += test-kms-python
NEEDS_test-kms-python := rust cc python@3.10
.PHONY: test-kms-python
test-kms-python: python-wheel kms-venv
	cargo build -q -p antom-cli --bin antom
	$(PY_PIP_ENV) $(KMS_VENV)/bin/pip install --quiet --no-index --no-deps --force-reinstall $(PY_DIST)/*.whl
	cd tests/kms && ANTOM_BIN=$(CURDIR)/target/debug/antom $(CURDIR)/$(KMS_VENV)/bin/pytest \
		-p no:cacheprovider -q -W error test_kms_python.py

## demo-kms: the pay flow with the merchant key held by (moto's mock of) AWS KMS: the simulator
## accepts the KMS-signed request (python/examples/kms_demo.sh).
NEEDS_demo-kms := rust cc python@3.10
.PHONY: demo-kms
demo-kms: python-wheel kms-venv
	cargo build -q -p antom-cli --bin antom
	$(PY_PIP_ENV) $(KMS_VENV)/bin/pip install --quiet --no-index --no-deps --force-reinstall $(PY_DIST)/*.whl
	PYTHON=$(CURDIR)/$(KMS_VENV)/bin/python ANTOM_BIN=$(CURDIR)/target/debug/antom \
		bash python/examples/kms_demo.sh
