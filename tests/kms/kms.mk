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
