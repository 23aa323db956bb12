"""The testing kit's sample table (crates/antom-core/src/testing_samples.json), written by
generate.py: the core must not embed the 1 MB schema, so this keeps only what a test needs.

* `notifications`: each notification body model of the catalogue, in the schema's order, with
  the field that tells the types apart (`notifyType`, or e.g. `authorizationNotifyType`), its
  known values, and a sample body: every field the schema calls required filled with a
  placeholder (nested models to depth 3), a successful `result`. Placeholders the core fills
  per call: the string `"{id}"` (an id: `{prefix}_{field name}`) and `"{time}"` (a time).
  A refund's sample also says `refundStatus` `SUCCESS`.
* `responses`: per API name (signed JSON replies only) whose successful reply has more than
  `result`: the response model's required fields (the inquiries' status field `SUCCESS`); for
  any other API the core answers `result` alone (its endpoint table has every API).

Standard library only, deterministic.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

ID = "{id}"
TIME = "{time}"
SUCCESS_RESULT = {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success."}
# What makes a sample "successful" beyond `result`, per discriminator value / outcome rule.
SUCCESS_FIELDS = {"REFUND_RESULT": {"refundStatus": "SUCCESS"}}
RESPONSE_SUCCESS_FIELDS = {"inquiryPayment": {"paymentStatus": "SUCCESS"},
                           "inquiryRefund": {"refundStatus": "SUCCESS"}}


def _placeholder(field: Dict[str, Any], depth: int, types: Dict[str, Any], enums: Dict[str, List[str]]) -> Any:
    name = field["json"]
    kind = field.get("type") or "string"
    if kind == "string":
        values = enums.get(field.get("enum") or "")
        if values:
            value: Any = values[0]
        elif name.endswith("Time"):
            value = TIME
        else:
            value = ID
    elif kind == "boolean":
        value = False
    elif kind in ("number", "integer"):
        value = 0
    elif kind == "json":
        value = {}
    elif kind == "Amount":
        value = {"currency": "USD", "value": "1000"}
    else:
        value = _required(kind, depth + 1, types, enums)
    return [value] if field.get("list") is True else value


def _required(model: str, depth: int, types: Dict[str, Any], enums: Dict[str, List[str]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    if depth > 3 or model not in types:
        return out
    for field in types[model]["fields"]:
        if field.get("required") is True:
            out[field["json"]] = _placeholder(field, depth, types, enums)
    return out


def testing_samples(catalogue: Dict[str, Any], banner: str) -> str:
    """The sample table as compact, sorted-key-free JSON (one entry a line)."""
    types = {t["name"]: t for t in catalogue["types"]}
    enums = {e["name"]: e["values"] for e in catalogue.get("enums", [])}
    notifications = []
    for n in catalogue.get("notifications", []):
        if n.get("notifyType"):
            field, values = "notifyType", list(n["notifyType"])
        elif n.get("discriminator"):
            field, values = n["discriminator"]["field"], list(n["discriminator"]["values"])
        else:
            field, values = None, []
        sample = _required(n["body"], 0, types, enums)
        sample["result"] = dict(SUCCESS_RESULT)
        for value in values:
            sample.update(SUCCESS_FIELDS.get(value, {}))
        notifications.append({"body": n["body"], "field": field, "values": values, "sample": sample})
    responses = {}
    for api in sorted(catalogue.get("apis", []), key=lambda a: a["name"]):
        if api["transport"] != "signed-json" or not api["signedReply"]:
            continue
        sample = _required(api["response"], 0, types, enums)
        sample["result"] = dict(SUCCESS_RESULT)
        sample.update(RESPONSE_SUCCESS_FIELDS.get(api["outcome"], {}))
        if len(sample) > 1:
            responses[api["name"]] = sample
    lines = ["{", f'"$comment": {json.dumps(banner)},', '"notifications": [']
    lines += [json.dumps(n, separators=(",", ":")) + ("," if i + 1 < len(notifications) else "")
              for i, n in enumerate(notifications)]
    lines += ["],", '"responses": {']
    items = list(responses.items())
    lines += [json.dumps(name) + ":" + json.dumps(r, separators=(",", ":")) + ("," if i + 1 < len(items) else "")
              for i, (name, r) in enumerate(items)]
    lines += ["}", "}", ""]
    return "\n".join(lines)
