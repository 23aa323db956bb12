"""Fixtures. `antom_core` comes from the installed wheel (see test_api.py's first test)."""

from __future__ import annotations

import pytest

from support import CLIENT_ID, key_text


@pytest.fixture(scope="session")
def client():  # type: ignore[no-untyped-def]
    import antom_core

    return antom_core.Client(
        client_id=CLIENT_ID,
        private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
        antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
    )
