#!/usr/bin/env python3
"""Writes crates/antom-models/vectors/models.json: the models' forward-compatibility vectors.

    python3 crates/antom-models/vectors/generate.py            # write
    python3 crates/antom-models/vectors/generate.py --check    # exit 1 if the file differs
    SDK_PYTHON=.cache/venv-sdk/bin/python generate.py --check  # and cross-check every vector
                                                               # with the official Python SDK

What they pin, in every runtime that parses models (Rust, Python, Kotlin, Swift):
* unknown fields, at the top and nested, are kept and written back;
* an enumerated field's unknown value is kept as its string, never an error;
* a response or notification model parses without the fields the reference calls required;
* a boolean field takes the JSON value (as the SDKs send it) or its string form (as the
  reference writes it) and keeps the form it got;
* building (parsing) a curated request still checks its required fields.

Expected values come from plain JSON (a lossless parse and re-serialise is the input itself),
never from our models. With SDK_PYTHON set, each "parses" vector is also read by the official
Python SDK's own parser (an independent implementation), which must see the same field values;
on an unknown enum value that SDK raises (the failure these vectors guard against), and the
cross-check asserts it does.
Standard library only; deterministic.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
OUT = HERE / "models.json"

NOTIFY = {
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success."},
    "subscriptionRequestId": "sub-req-1",
    "subscriptionId": "sub-1",
    "subscriptionStatus": "ACTIVE",
    "subscriptionNotificationType": "CREATE",
    "subscriptionStartTime": "2026-12-01T00:00:00+08:00",
    "subscriptionEndTime": "2027-12-01T00:00:00+08:00",
    "periodRule": {"periodType": "MONTH", "periodCount": 1},
    "allowAccumulate": True,
    "maxAccumulateAmount": {"currency": "USD", "value": "5000"},
}
CUSTOMS = {
    "result": {"resultCode": "SUCCESS", "resultStatus": "S"},
    "customsPaymentId": "customs-pay-1",
    "customsOrderId": "customs-order-1",
    "identityCheckResult": "CHECK_PASSED",
    "clearingChannel": "CUP",
    "clearingTransactionId": "clear-1",
}
PAY = {
    "productCode": "CASHIER_PAYMENT",
    "paymentRequestId": "pay-1",
    "order": {"referenceOrderId": "order-1", "orderDescription": "A book",
              "orderAmount": {"currency": "USD", "value": "1050"}},
    "paymentAmount": {"currency": "USD", "value": "1050"},
    "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
    "paymentRedirectUrl": "https://merchant.example/return",
    "env": {"terminalType": "WEB"},
}


def without(body: Dict[str, Any], *keys: str) -> Dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def cases() -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []

    def parses(cid: str, desc: str, model: str, body: Dict[str, Any], fields: Dict[str, Any],
               extra: List[str], sdk: str, sdk_refuses: bool = False) -> None:
        out.append({
            "id": cid, "description": desc, "model": model, "input": body,
            "expected": {
                "ok": True,
                # lossless: what is written back is the input itself (plain JSON decides it)
                "json": json.loads(json.dumps(body)),
                "fields": fields,
                "extra": sorted(extra),
            },
            "sdkClass": sdk,
            # the official Python SDK raises on this body (it decodes enums strictly)
            "sdkRefuses": sdk_refuses,
        })

    def refuses(cid: str, desc: str, model: str, body: Dict[str, Any], missing: str) -> None:
        out.append({"id": cid, "description": desc, "model": model, "input": body,
                    "expected": {"ok": False, "missing": missing}})

    n = "SubscriptionNotify"
    parses("notify-known", "a subscription notification with its described fields", n, NOTIFY,
           {"subscriptionStatus": "ACTIVE", "subscriptionId": "sub-1"}, [], "AlipaySubscriptionNotify")
    parses("notify-unknown-enum", "an unknown subscriptionStatus is kept as its string", n,
           dict(NOTIFY, subscriptionStatus="PAUSED_BY_A_FUTURE_FEATURE"),
           {"subscriptionStatus": "PAUSED_BY_A_FUTURE_FEATURE"}, [], "AlipaySubscriptionNotify", sdk_refuses=True)
    parses("notify-unknown-enum-2", "an unknown subscriptionNotificationType is kept as its string", n,
           dict(NOTIFY, subscriptionNotificationType="RENEW"), {"subscriptionNotificationType": "RENEW"}, [],
           "AlipaySubscriptionNotify", sdk_refuses=True)
    parses("notify-required-absent", "the fields the reference calls required (result, subscriptionId, "
           "subscriptionStatus, periodRule) absent: it still parses", n,
           without(NOTIFY, "result", "subscriptionId", "subscriptionStatus", "periodRule"),
           {"subscriptionRequestId": "sub-req-1"}, [], "AlipaySubscriptionNotify")
    nested = copy.deepcopy(NOTIFY)
    nested["periodRule"]["anchorDay"] = "15"
    nested["brandNewBlock"] = {"a": [1, True, None], "b": "x"}
    nested["maxAccumulateAmount"]["precision"] = 2
    parses("notify-unknown-fields", "unknown fields at the top and nested are kept and written back", n, nested,
           {"subscriptionId": "sub-1"}, ["brandNewBlock"], "AlipaySubscriptionNotify")
    parses("notify-bool-string", "a boolean field in its string form is kept as that string", n,
           dict(NOTIFY, allowAccumulate="true"), {"allowAccumulate": "true"}, [], "AlipaySubscriptionNotify")

    c = "CustomsDeclareResponse"
    parses("customs-known", "a customs declaration response with its described fields", c, CUSTOMS,
           {"identityCheckResult": "CHECK_PASSED", "customsPaymentId": "customs-pay-1"}, [],
           "AlipayCustomsDeclareResponse")
    parses("customs-unknown-enum", "an unknown clearingChannel is kept as its string", c,
           dict(CUSTOMS, clearingChannel="NEW_CLEARING_HOUSE"), {"clearingChannel": "NEW_CLEARING_HOUSE"}, [],
           "AlipayCustomsDeclareResponse")
    parses("customs-empty", "an empty response object parses (result absent)", c, {}, {}, [],
           "AlipayCustomsDeclareResponse")
    parses("customs-unknown-only", "a response of unknown fields only keeps them all", c,
           {"somethingNew": {"deep": [1, 2]}, "another": "x"}, {}, ["another", "somethingNew"],
           "AlipayCustomsDeclareResponse")

    # Curated models Antom writes: a field the reference calls required may be absent, at the
    # top and nested (Amount.value), and the body still parses, nothing lost or moved.
    parses("pay-response-required-absent", "a pay response without result, and an amount without its "
           "value: it still parses", "PayResponse",
           {"paymentId": "P-1", "paymentAmount": {"currency": "USD"}, "paymentCreateTime": "2026-12-01T10:00:00+08:00"},
           {"paymentId": "P-1"}, [], "AlipayPayResponse")
    parses("notify-payment-required-absent", "a payment notification without notifyType, result, "
           "paymentRequestId and paymentAmount: it still parses", "NotifyPaymentRequest",
           {"paymentId": "P-1", "paymentTime": "2026-12-01T10:00:05+08:00", "newField": {"x": 1}},
           {"paymentId": "P-1", "paymentTime": "2026-12-01T10:00:05+08:00"}, ["newField"], "AlipayPayResultNotify")

    p = "PayRequest"
    parses("pay-complete", "a pay request with its required fields", p, PAY,
           {"paymentRequestId": "pay-1"}, [], "AlipayPayRequest")
    refuses("pay-missing-request-id", "a pay request without paymentRequestId is refused", p,
            without(PAY, "paymentRequestId"), "paymentRequestId")
    refuses("pay-missing-amount", "a pay request without paymentAmount is refused", p,
            without(PAY, "paymentAmount"), "paymentAmount")
    return out


CROSS_CHECK = r'''
import json, sys
from com.alipay.ams.api.request.notify.alipay_subscription_notify import AlipaySubscriptionNotify
from com.alipay.ams.api.response.declare.alipay_customs_declare_response import AlipayCustomsDeclareResponse
from com.alipay.ams.api.request.pay.alipay_pay_request import AlipayPayRequest
from com.alipay.ams.api.response.pay.alipay_pay_response import AlipayPayResponse
from com.alipay.ams.api.request.notify.alipay_pay_result_notify import AlipayPayResultNotify
import re
def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
def plain(v):
    return v.value if hasattr(v, "value") and not isinstance(v, (str, bool, int, float)) else v
vectors = json.load(sys.stdin)
bad = []
for case in vectors["cases"]:
    if not case["expected"]["ok"]:
        continue
    body = json.dumps(case["input"])
    if case["sdkRefuses"]:
        try:
            cls_ = {"AlipaySubscriptionNotify": AlipaySubscriptionNotify,
                    "AlipayCustomsDeclareResponse": AlipayCustomsDeclareResponse}[case["sdkClass"]]
            cls_(body)
        except (KeyError, ValueError):
            continue
        bad.append(f"{case['id']}: the SDK was expected to refuse the unknown value and did not")
        continue
    cls = {"AlipaySubscriptionNotify": AlipaySubscriptionNotify,
           "AlipayCustomsDeclareResponse": AlipayCustomsDeclareResponse,
           "AlipayPayResponse": AlipayPayResponse,
           "AlipayPayResultNotify": AlipayPayResultNotify,
           "AlipayPayRequest": AlipayPayRequest}[case["sdkClass"]]
    if cls is AlipayPayRequest:
        obj = cls()
        obj.parse_rsp_body(case["input"])
    else:
        obj = cls(body)
    for name, want in case["expected"]["fields"].items():
        if not hasattr(type(obj), snake(name)):
            continue  # a field this SDK class does not model: plain JSON alone checks it
        got = plain(getattr(obj, snake(name)))
        if got != want:
            bad.append(f"{case['id']}: the SDK reads {name} = {got!r}, the vector says {want!r}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
'''


def main(argv: List[str]) -> int:
    data = {
        "$comment": "Forward-compatibility vectors of the typed models; written by generate.py beside this file.",
        "count": 0,
        "cases": cases(),
    }
    data["count"] = len(data["cases"])
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    sdk = os.environ.get("SDK_PYTHON")
    if sdk:
        done = subprocess.run([sdk, "-c", CROSS_CHECK], input=text, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"cross-check with the official Python SDK failed:\n{done.stdout}{done.stderr}", file=sys.stderr)
            return 1
        print(f"cross-checked {sum(1 for c in data['cases'] if c['expected']['ok'])} vectors with the official Python SDK")
    if "--check" in argv[1:]:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.name} is out of date: run {Path(argv[0]).name}", file=sys.stderr)
            return 1
        print(f"{OUT.name}: {data['count']} vectors, up to date")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.name}: {data['count']} vectors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
