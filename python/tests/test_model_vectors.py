"""The models' forward-compatibility vectors (crates/antom-models/vectors/models.json): every
vector through antom_core.models, and the count the file states."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from antom_core import models as m

VECTORS = Path(__file__).resolve().parents[2] / "crates" / "antom-models" / "vectors" / "models.json"
DATA = json.loads(VECTORS.read_text(encoding="utf-8"))


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def test_the_count_is_the_number_of_vectors() -> None:
    assert len(DATA["cases"]) == DATA["count"]


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["id"] for c in DATA["cases"]])
def test_models_vector(case: Dict[str, Any]) -> None:
    model = getattr(m, case["model"])
    expected = case["expected"]
    if not expected["ok"]:
        with pytest.raises(m.ModelError, match=expected["missing"]):
            model.from_dict(case["input"])
        return
    parsed = model.from_dict(case["input"])
    assert parsed.to_dict() == expected["json"]
    assert sorted(parsed.extra) == expected["extra"]
    for name, value in expected["fields"].items():
        # the typed attribute holds it (not extra), as received
        assert getattr(parsed, _snake(name)) == value, name


def test_typed_calls_by_name() -> None:
    path, request, response = m.api("payments.pay")
    assert (path, request, response) == ("v1/payments/pay", m.PayRequest, m.PayResponse)
    path, request, response = m.api("billing.customer.create")
    assert path == "v1/billing/customer/create"
    body = request(email="buyer@example.com").to_json()
    assert json.loads(body) == {"email": "buyer@example.com"}
    created = m.parse_response("billing.customer.create", b'{"customerId":"c-1","result":{"resultCode":"SUCCESS","resultStatus":"S"}}')
    assert isinstance(created, response) and created.customer_id == "c-1"
    assert m.api("billing.product.uploadImage")[0] == "v1/billing/product/uploadImage"
    with pytest.raises(KeyError):
        m.api("payments.nope")
