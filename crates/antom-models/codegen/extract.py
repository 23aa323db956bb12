#!/usr/bin/env python3
"""Reads field facts out of the official Antom SDKs and writes them into the one catalogue schema.

    python3 crates/antom-models/codegen/extract.py --java GIT_DIR --python WHEEL
        [--core-table TSV] [--check]

Inputs: the Java SDK's sources as a bare git directory (global-open-sdk-java, read at HEAD with
`git show`) and the Python SDK's published wheel (global-open-sdk-python 1.7.1 from PyPI). The
script reads FACTS only, with regular expressions over the sources: class names, field names,
JSON names, field types, which fields are lists or nested objects, enums' values, each request
class's path and response class. No code, comment or sentence of the SDKs is copied: every doc
in the schema is written here from the facts.

Output: crates/antom-models/schema/models.json, the one catalogue schema, rewritten in place:
* `types` keeps every curated type (no `"source"` key; written by hand from Antom's API
  reference) and, after its curated fields, appends the fields the SDKs know and it does not
  (marked `"from": "sdk"`); every other type is written from the SDKs (`"source"` names the
  files its facts came from) with `"required": null` (required-ness unknown: the SDKs do not
  say) unless a curated rule below knows it.
* `enums`: each enum's known values.
* `apis`: every API path (the core's table plus what the SDKs know) with its request and response
  type, idempotency field, transport, reply signing, sandbox support and outcome rule.
* `notifications`: each notification body type with its `notifyType` values.

Re-running on the same inputs gives the same bytes (`--check` exits 1 when the file differs).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
CRATE = HERE.parent
ROOT = CRATE.parent.parent
SCHEMA = CRATE / "schema" / "models.json"

JAVA_ROOT = "src/main/java/com/alipay/global/api/"
PY_ROOT = "com/alipay/ams/api/"

# The curated types keep their names; the SDKs call them differently.
RENAMES = {
    "Result": "ApiResult",
    "Error": "ErrorInfo",
    "AlipayPayConsultRequest": "ConsultRequest",
    "AlipayPayConsultResponse": "ConsultResponse",
    "AlipayPayQueryRequest": "InquiryPaymentRequest",
    "AlipayPayQueryResponse": "InquiryPaymentResponse",
    "AlipayPayCancelRequest": "CancelRequest",
    "AlipayPayCancelResponse": "CancelResponse",
    "AlipayPaymentSessionRequest": "CreatePaymentSessionRequest",
    "AlipayPaymentSessionResponse": "CreatePaymentSessionResponse",
    "AlipayPayResultNotify": "NotifyPaymentRequest",
    "AlipayCaptureResultNotify": "NotifyCaptureRequest",
    "AlipayRefundNotify": "NotifyRefundRequest",
}

# notifyType values per notification class, from Antom's API reference pages read (notifyPayment,
# notifyCapture, notifyRefund). A class not listed here has its notifyType values unknown: the SDKs
# model the bodies without listing them, and several bodies carry no notifyType at all.
NOTIFY_TYPES = {
    "AlipayPayResultNotify": ["PAYMENT_RESULT", "PAYMENT_PENDING"],
    "AlipayCaptureResultNotify": ["CAPTURE_RESULT"],
    "AlipayRefundNotify": ["REFUND_RESULT"],
}
# Bodies told apart by another field, per the API reference pages read (notifyAuthorization,
# notifyDispute, notifySubscription); the values listed are those pages' (possibly not all).
DISCRIMINATORS = {
    "AlipayAuthNotify": {"field": "authorizationNotifyType",
                         "values": ["AUTHCODE_CREATED", "TOKEN_CREATED", "TOKEN_CANCELED"]},
    "AlipayDisputeNotify": {"field": "disputeNotificationType", "values": ["DISPUTE_CREATED", "DISPUTE_JUDGED"]},
    "AlipaySubscriptionNotify": {"field": "subscriptionNotificationType",
                                 "values": ["CREATE", "CHANGE", "CANCEL", "TERMINATE", "UPDATE"]},
}
# The preferred request class when several name the same path (the others' fields are merged in).
PREFERRED = {"AlipayPaymentSessionRequest"}
# Facts of the multipart upload the Python SDK's file upload module states (path, part names,
# size limit, the signed JSON part's fields, the big-file hosts).
UPLOAD_FACTS_FILE = "file_upload_executor.py"

# Idempotency fields the API reference names for the core payment APIs; other APIs get the
# rule in idempotency_of().
IDEMPOTENCY = {
    "payments.pay": "paymentRequestId",
    "payments.createPaymentSession": "paymentRequestId",
    "payments.refund": "refundRequestId",
    "payments.capture": "captureRequestId",
}

# Outcome rules of the core (crates/antom-core/src/outcome.rs), by API name.
OUTCOME = {
    "payments.pay": "pay",
    "payments.createPaymentSession": "createPaymentSession",
    "payments.inquiryPayment": "inquiryPayment",
    "payments.refund": "refund",
    "payments.inquiryRefund": "inquiryRefund",
    "payments.capture": "capture",
}

UPLOAD_IMAGE = "/ams/api/v1/billing/product/uploadImage"
UPLOAD_EVENT = "/ams/api/v1/meter/uploadEvent"

# Java scalar types in the schema's terms.
JAVA_SCALARS = {
    "String": "string",
    "Boolean": "boolean",
    "boolean": "boolean",
    "Integer": "integer",
    "int": "integer",
    "Long": "integer",
    "long": "integer",
    "Double": "number",
    "double": "number",
    "Float": "number",
    "BigDecimal": "number",
    "Object": "json",
}
PY_SCALARS = {"str": "string", "bool": "boolean", "int": "integer", "float": "number", "dict": "json",
              "object": "json"}


# --- reading the Java SDK --------------------------------------------------------------------


class JavaSdk:
    def __init__(self, git_dir: Path) -> None:
        self.git = git_dir
        self.commit = self._git("rev-parse", "HEAD").strip()
        names = self._git("ls-tree", "-r", "--name-only", "HEAD").splitlines()
        self.files = [n for n in names if n.startswith(JAVA_ROOT) and n.endswith(".java")]
        self.sources = {n: self._git("show", f"HEAD:{n}") for n in self.files
                        if "/model/" in n or "/request/" in n or "/response/" in n}
        self.constants = {}
        for n, text in self.sources.items():
            if "/constants/" in n:
                for name, value in re.findall(r'\b([A-Z][A-Z0-9_]*)\s*(?:=|\()\s*"(/[^"]*)"', text):
                    self.constants[name] = value

    def _git(self, *args: str) -> str:
        return subprocess.run(["git", "--git-dir", str(self.git), *args], capture_output=True, text=True,
                              check=True).stdout

    @staticmethod
    def strip_comments(text: str) -> str:
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        return re.sub(r"//[^\n]*", "", text)

    def classes(self) -> Dict[str, Dict[str, Any]]:
        """Every class and enum: name -> facts."""
        out: Dict[str, Dict[str, Any]] = {}
        for path, raw in sorted(self.sources.items()):
            if "/constants/" in path or "/tee/" in path or "/example/" in path:
                continue
            text = self.strip_comments(raw)
            enum = re.search(r"public enum (\w+)\s*\{(.*?)(;|\})", text, re.S)
            if enum:
                values = re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\(\s*\"([^\"]*)\"\s*\)", enum.group(2))
                if not values:
                    values = re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)\b", enum.group(2))
                if enum.group(1) not in out or "/ams/" in path:
                    out[enum.group(1)] = {"enum": values, "file": path}
                continue
            cls = re.search(r"public (?:abstract )?class (\w+)(?:<[^>{]*>)?(?:\s+extends\s+(\w+)(?:<\s*(\w+)\s*>)?)?", text)
            if not cls:
                continue
            name, parent, generic = cls.group(1), cls.group(2), cls.group(3)
            fields: List[Tuple[str, str]] = []
            for m in re.finditer(r"((?:@\w+(?:\([^)]*\))?\s*)*)\n  private (?!static|final)([\w<>, .]+?) (\w+)\s*(?:=[^;]*)?;",
                                 text):
                annotations, jtype, fname = m.group(1), m.group(2), m.group(3)
                if "serialize = false" in annotations:
                    continue
                renamed = re.search(r'@JsonProperty\("([^"]+)"\)', annotations)
                fields.append((renamed.group(1) if renamed else fname, jtype.replace(" ", "")))
            path_literal = re.search(r'setPath\(\s*"([^"]+)"\s*\)', text)
            path_constant = re.search(r"setPath\(\s*(?:\w+\.)*([A-Z][A-Z0-9_]*)\s*\)", text)
            api_path = path_literal.group(1) if path_literal else (
                self.constants.get(path_constant.group(1)) if path_constant else None)
            if name in out and "/ams/" not in path:
                continue  # the same simple name in model/aps or model/risk: model/ams is the one used
            out[name] = {"file": path, "parent": parent, "response": generic, "fields": fields, "path": api_path}
        return out


def java_type(jtype: str) -> Tuple[str, bool]:
    """(schema type or class name, is a list)."""
    m = re.fullmatch(r"(?:List|Set|Collection)<(.+)>", jtype)
    if m:
        inner, _ = java_type(m.group(1))
        return inner, True
    if jtype.startswith("Map<") or jtype.startswith("HashMap<"):
        return "json", False
    if jtype.endswith("[]"):
        return java_type(jtype[:-2])[0], True
    return JAVA_SCALARS.get(jtype, jtype.split(".")[-1]), False


# --- reading the Python SDK ------------------------------------------------------------------


class PythonSdk:
    def __init__(self, wheel: Path) -> None:
        self.wheel = wheel.name
        with zipfile.ZipFile(wheel) as z:
            self.sources = {n: z.read(n).decode("utf-8") for n in z.namelist()
                            if n.startswith(PY_ROOT) and n.endswith(".py")}
        self.constants: Dict[str, str] = {}
        for n, text in self.sources.items():
            if n.endswith("antom_path_constants.py"):
                self.constants.update(re.findall(r"^\s*([A-Z][A-Z0-9_]*)\s*=\s*\"(/[^\"]*)\"", text, re.M))

    def upload_facts(self) -> Dict[str, Any]:
        """The multipart upload's facts, from the SDK's file upload module."""
        text = next(t for n, t in self.sources.items() if n.endswith(UPLOAD_FACTS_FILE))
        hosts = dict(re.findall(r'"(open-[\w.-]+)":\s*"(open-big-[\w.-]+)"', text))
        size = re.search(r'"max_file_size":\s*(\d+)\s*\*\s*(\d+)\s*\*\s*(\d+)', text)
        parts = re.search(r'"file_part_names":\s*\(([^)]*)\)', text)
        signed = sorted(set(re.findall(r'"(productId|fileSha256)"', text)))
        return {
            "bigFileHosts": hosts,
            "maxFileBytes": int(size.group(1)) * int(size.group(2)) * int(size.group(3)),
            "fileParts": re.findall(r'"(\w+)"', parts.group(1)),
            "signedJsonFields": signed,
        }

    def classes(self) -> Dict[str, Dict[str, Any]]:
        out: Dict[str, Dict[str, Any]] = {}
        for path, text in sorted(self.sources.items()):
            if not any(f"/{d}/" in path for d in ("model", "request", "response")):
                continue
            cls = re.search(r"^class (\w+)(?:\((\w*)\))?:", text, re.M)
            if not cls:
                continue
            name, parent = cls.group(1), cls.group(2)
            if parent == "Enum":
                values = re.findall(r"^    ([A-Za-z_][A-Za-z0-9_]*)\s*=\s*\"([^\"]*)\"", text, re.M)
                stem = path.rsplit("/", 1)[-1][:-3].replace("_", "").lower()
                if name in out and stem != name.lower():
                    continue  # the same enum name in a file named for another: the named file wins
                out[name] = {"enum": [v for _, v in values], "file": path}
                continue
            # attribute -> type comment
            hints = dict(re.findall(r"self\.__(\w+)\s*=\s*None\s*#\s*type:\s*([\w\[\]]+)", text))
            # JSON name -> attribute, from to_ams_dict
            fields: List[Tuple[str, str, str]] = []
            for attr, jname in re.findall(r"self\.(\w+) is not None:\s*\n\s*params\[['\"](\w+)['\"]\]", text):
                fields.append((jname, attr, hints.get(attr, "")))
            if not fields:
                # notification bodies: parsed, never written: JSON name -> attribute from the parser
                for jname, attr in re.findall(r"if '(\w+)' in \w+:\s*\n\s*self\.__(\w+)\s*=", text):
                    fields.append((jname, attr, hints.get(attr, "")))
                for jname, attr in re.findall(r'if "(\w+)" in \w+:\s*\n\s*self\.__(\w+)\s*=', text):
                    fields.append((jname, attr, hints.get(attr, "")))
            # nested classes and lists seen in the parser
            nested = {}
            for jname, cname in re.findall(r"in \w+\[\s*['\"](\w+)['\"]\s*\]:\s*\n\s*obj\s*=\s*(\w+)\(\)", text):
                nested[jname] = (cname, True)
            for cname, jname in re.findall(r"self\.__\w+\s*=\s*(\w+)\(\)\s*\n\s*self\.__\w+\.parse_rsp_body\(\w+\[['\"](\w+)['\"]\]\)", text):
                nested[jname] = (cname, False)
            path_literal = re.search(r'__init__\(\s*"(/[^"]+)"', text)
            path_constant = re.search(r"__init__\(\s*(?:\w+\.)*([A-Z][A-Z0-9_]*)(?:\.value)?\s*\)", text)
            api_path = path_literal.group(1) if path_literal else (
                self.constants.get(path_constant.group(1)) if path_constant else None)
            if name in out and "fields" in out[name]:
                # the same class in two modules (request/pay and request/vaulting...): the union
                known = {f[0] for f in out[name]["fields"]}
                out[name]["fields"] += [f for f in fields if f[0] not in known]
                out[name]["nested"] = {**nested, **out[name]["nested"]}
                out[name]["path"] = out[name]["path"] or api_path
                out[name]["also"] = sorted(set(out[name].get("also", [])) | {path})
                continue
            out[name] = {"file": path, "parent": parent, "fields": fields, "nested": nested, "path": api_path}
        return out


def is_model(t: str) -> bool:
    """A class name (an object or enum), not one of the schema's scalars."""
    return bool(t) and t[:1].isupper()


def py_type(hint: str) -> Tuple[Optional[str], bool]:
    if not hint:
        return None, False
    if hint.startswith("[") and hint.endswith("]"):
        return py_type(hint[1:-1])[0], True
    inner = re.fullmatch(r"(?:list|List)\[(\w+)\]", hint)
    if inner:
        return py_type(inner.group(1))[0], True
    if hint in ("list", "List"):
        return None, True
    return PY_SCALARS.get(hint, hint), False


# --- building the catalogue ------------------------------------------------------------------


def api_name(path: str) -> str:
    rest = re.sub(r"^/ams/(?:api/)?(?:open/openapiv2_file/)?v1/", "", path)
    return rest.replace("/", ".")


def words(name: str) -> str:
    """`paymentRequestId` -> `payment request id` (for the docs written here)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", name).lower()


def type_name(sdk_name: str) -> str:
    if sdk_name in RENAMES:
        return RENAMES[sdk_name]
    if sdk_name.startswith("Alipay") and len(sdk_name) > 6:
        return sdk_name[len("Alipay"):]
    return sdk_name


def idempotency_of(name: str, request: Dict[str, Any]) -> Tuple[Optional[str], str]:
    """(field, basis)."""
    if name in IDEMPOTENCY:
        return IDEMPOTENCY[name], "API reference"
    verb = name.split(".")[-1]
    if re.match(r"(inquir|query|get|retrieve|fetch|list|consult|search|check|calculate|preview|download)",
                verb, re.I):
        return None, "an inquiry: no side effect to repeat"
    ids = [f["json"] for f in request.get("fields", []) if f["json"].endswith("RequestId")]
    if len(ids) == 1:
        return ids[0], "SDK facts: the request's only *RequestId field"
    if "requestId" in [f["json"] for f in request.get("fields", [])]:
        return "requestId", "SDK facts: the request's requestId field"
    return None, "unknown: the request has no single *RequestId field"


def build(java: JavaSdk, python: PythonSdk, core_paths: List[str], curated: Dict[str, Any]) -> Dict[str, Any]:
    jc = java.classes()
    pc = python.classes()
    java_ref = f"java global-open-sdk-java@{java.commit[:12]}"
    py_ref = f"python {python.wheel}"

    enums: Dict[str, Dict[str, Any]] = {}
    for name, c in {**pc, **jc}.items():
        if "enum" in c:
            e = enums.setdefault(name, {"name": name, "values": [], "source": []})
            for v in c["enum"]:
                if v not in e["values"]:
                    e["values"].append(v)
    for name in list(enums):
        e = enums[name]
        if not e["values"]:
            del enums[name]  # no values the sources state: a plain string field
            continue
        e["source"] = sorted(
            ([f"{java_ref}:{jc[name]['file'][len(JAVA_ROOT):]}"] if name in jc and "enum" in jc[name] else [])
            + ([f"{py_ref}:{pc[name]['file']}"] if name in pc and "enum" in pc[name] else []))

    def java_fields(cname: str) -> List[Tuple[str, str]]:
        c = jc.get(cname)
        if not c or "fields" not in c:
            return []
        inherited = java_fields(c["parent"]) if c.get("parent") and c["parent"] != "AlipayRequest" else []
        seen = {n for n, _ in c["fields"]}
        return [f for f in inherited if f[0] not in seen] + c["fields"]

    def py_fields(cname: str) -> List[Tuple[str, str, str]]:
        c = pc.get(cname)
        if not c or "fields" not in c:
            return []
        inherited = py_fields(c["parent"]) if c.get("parent") in ("AlipayNotify", "AlipayResponse") else []
        if c.get("parent") == "AlipayResponse" and not any(f[0] == "result" for f in inherited + c["fields"]):
            inherited = [("result", "result", "Result")] + inherited
        if c.get("parent") == "AlipayNotify":
            inherited = [("notifyType", "notify_type", "str"), ("result", "result", "Result")] + inherited
        seen = {n for n, _, _ in c["fields"]}
        return [f for f in inherited if f[0] not in seen] + c["fields"]

    # Which SDK classes become types: requests, responses, notifications and what they reach.
    types: Dict[str, Dict[str, Any]] = {}
    order: List[str] = []

    def field_facts(cname: str) -> Tuple[List[Dict[str, Any]], List[str]]:
        facts: Dict[str, Dict[str, Any]] = {}
        src = []
        for jname, jtype in java_fields(cname):
            t, is_list = java_type(jtype)
            facts[jname] = {"json": jname, "type": t, "list": is_list}
        if cname in jc and "fields" in jc[cname]:
            src.append(f"{java_ref}:{jc[cname]['file'][len(JAVA_ROOT):]}")
        nested = pc.get(cname, {}).get("nested", {})
        for jname, attr, hint in py_fields(cname):
            t, is_list = py_type(hint)
            if jname in nested:
                t, is_list = nested[jname][0], nested[jname][1] or is_list
            if jname not in facts:
                facts[jname] = {"json": jname, "type": t or "json", "list": is_list}
            elif facts[jname]["type"] == "json" and t and t != "json":
                facts[jname]["type"] = t
            elif t and {is_model(t), is_model(facts[jname]["type"])} == {True, False} and "json" not in (
                    t, facts[jname]["type"]):
                # the SDKs disagree on whether it is an object or a scalar: any JSON value, kept as is
                facts[jname] = {"json": jname, "type": "json", "list": facts[jname]["list"] or is_list,
                                "sdkTypes": sorted({t, facts[jname]["type"]})}
        if cname in pc and "fields" in pc[cname]:
            src += [f"{py_ref}:{f}" for f in [pc[cname]["file"]] + pc[cname].get("also", [])]
        return list(facts.values()), sorted(src)

    def add(cname: str, kind: str, doc: str, merge: Optional[List[str]] = None) -> str:
        tname = type_name(cname)
        if tname in types:
            return tname
        fields, src = field_facts(cname)
        for other in merge or []:
            more, more_src = field_facts(other)
            known = {f["json"] for f in fields}
            fields += [f for f in more if f["json"] not in known]
            src = sorted(set(src) | set(more_src))
        t: Dict[str, Any] = {"name": tname, "kind": kind, "doc": doc}
        t["source"] = src
        t["fields"] = fields
        types[tname] = t
        order.append(tname)
        for f in fields:
            target = f["type"]
            if target in enums:
                f["enum"] = target
                f["type"] = "string"
            elif target in ("string", "boolean", "integer", "number", "json"):
                pass
            elif target in jc or target in pc:
                f["type"] = add(target, "object", f"The `{target}` object.")
            else:
                f["type"] = "json"
        return tname

    # APIs: the core's table plus every path a request class names.
    upload = python.upload_facts()
    by_path: Dict[str, List[Tuple[str, str, Optional[str]]]] = {}  # path -> [(sdk, request, response)]
    for cname, c in sorted(jc.items()):
        if c.get("path") and "/request/" in c["file"] and "/aps/" not in c["file"]:
            by_path.setdefault(fix(c["path"]), []).append(("java", cname, c.get("response")))
    for cname, c in sorted(pc.items()):
        path = c.get("path") or (UPLOAD_IMAGE if c.get("parent") == "AlipayFileRequest" else None)
        if path and "/request/" in c["file"]:
            response = cname[:-len("Request")] + "Response" if cname.endswith("Request") else None
            if response not in pc and cname.endswith("PostRequest"):
                response = cname[:-len("Request")] + "200Response"
            by_path.setdefault(fix(path), []).append(("python", cname, response if response in pc else None))
    all_paths = sorted(set(core_paths) | set(by_path))

    def pick(classes: List[Tuple[str, str, Optional[str]]]) -> Tuple[str, Optional[str]]:
        for _, req, resp in classes:
            if req in PREFERRED or req in RENAMES:
                return req, resp
        same = [c for c in classes if sum(1 for x in classes if x[1] == c[1]) > 1]
        first = (same or classes)[0]
        return first[1], first[2] or next((r for _, q, r in classes if q == first[1] and r), None)

    apis = []
    for path in all_paths:
        name = api_name(path)
        classes = by_path.get(path, [])
        entry: Dict[str, Any] = {"name": name, "path": path}
        rname = sname = None
        if classes:
            request, response = pick(classes)
            rname = add(request, "request", f"The request body of `{name}` (`{path}`).",
                        merge=[q for _, q, _ in classes if q != request])
            responses = [r for _, _, r in classes if r]
            if response or responses:
                response = response or responses[0]
                sname = add(response, "response", f"The response body of `{name}` (`{path}`).",
                            merge=[r for r in responses if r != response])
        if path == UPLOAD_IMAGE:
            known = {f["json"] for f in types[rname]["fields"]}
            for fname in upload["signedJsonFields"]:
                if fname not in known:
                    types[rname]["fields"].append({"json": fname, "type": "string", "list": False})
            types[rname]["source"] = sorted(set(types[rname]["source"]) | {f"{py_ref}:{PY_ROOT}{UPLOAD_FACTS_FILE}"})
        for tn in (rname, sname):
            if tn and tn in types:
                types[tn]["api"] = path[len("/ams/api/"):] if path.startswith("/ams/api/") else path
        field, basis = idempotency_of(name, types[rname]) if rname else (None, "unknown: no SDK models the request")
        transport = "multipart" if path == UPLOAD_IMAGE else "event-stream" if path == UPLOAD_EVENT else "signed-json"
        entry.update({
            "request": rname,
            "response": sname,
            "idempotency": field,
            "idempotencyBasis": basis,
            "transport": transport,
            "signedReply": path != UPLOAD_EVENT,
            "sandbox": path != UPLOAD_EVENT and path.startswith("/ams/api/v1/"),
            "outcome": OUTCOME.get(name, "unsigned" if path == UPLOAD_EVENT else "call"),
            "sdkClasses": sorted(f"{sdk}:{q}" for sdk, q, _ in classes)
            + sorted({f"{sdk}:{r}" for sdk, _, r in classes if r}),
        })
        if path == UPLOAD_IMAGE:
            entry["upload"] = upload
        if path == UPLOAD_EVENT:
            entry["sessionHeader"] = "X-Session-Id"
            entry["sessionFrom"] = "meter.createSession"
        apis.append(entry)

    def is_notify(cname: str) -> bool:
        c = {**pc, **jc}.get(cname)
        while c and c.get("parent"):
            if c["parent"] == "AlipayNotify":
                return True
            c = {**pc, **jc}.get(c["parent"])
        return False

    notifications = []
    java_lower = {n.lower(): n for n in jc}
    notify_classes = sorted({n for n in {**pc, **jc} if n != "AlipayNotify" and is_notify(n)})
    for cname in notify_classes:
        if cname in pc and cname not in jc and java_lower.get(cname.lower()) in notify_classes:
            continue  # the same body spelled differently (AbaTransfer / ABATransfer): merged below
        twins = [n for n in notify_classes if n != cname and n.lower() == cname.lower()]
        tname = add(cname, "notification", f"A notification body Antom sends (`{cname}` in the SDKs).", merge=twins)
        values = NOTIFY_TYPES.get(cname)
        if values:
            types[tname]["notifyType"] = values
        item: Dict[str, Any] = {"body": tname, "notifyType": values,
                                "sdkClasses": sorted(f"{'java' if c in jc else 'python'}:{c}" for c in [cname] + twins)}
        if cname in DISCRIMINATORS:
            item["discriminator"] = DISCRIMINATORS[cname]
        notifications.append(item)

    # merge with the curated types: curated fields first, then the SDK's further fields.
    out_types = []
    curated_by_name = {t["name"]: t for t in curated["types"] if "source" not in t}
    for t in curated["types"]:
        if "source" in t:
            continue
        kept = dict(t)
        kept["fields"] = [f for f in t["fields"] if f.get("from") != "sdk"]
        sdk = types.get(t["name"])
        if sdk:
            known = {f["json"] for f in kept["fields"]}
            for f in sdk["fields"]:
                if f["json"] not in known:
                    kept["fields"].append(sdk_field(f, t["kind"], from_sdk=True))
                else:
                    cf = next(x for x in kept["fields"] if x["json"] == f["json"])
                    if f.get("enum"):
                        cf["enum"] = f["enum"]
                    sdk_kind = f["type"]
                    if sdk_kind != cf["type"] or bool(f["list"]) != bool(cf.get("list")):
                        cf["sdkType"] = sdk_kind + ("[]" if f["list"] else "")
                    else:
                        cf.pop("sdkType", None)
            kept["sdkSource"] = sdk["source"]
            for key in ("api", "notifyType"):
                if key in sdk and key not in kept:
                    kept[key] = sdk[key]
        out_types.append(kept)
    for name in order:
        if name in curated_by_name:
            continue
        t = types[name]
        t["fields"] = [sdk_field(f, t["kind"], from_sdk=False) for f in t["fields"]]
        out_types.append(t)
    names = {t["name"] for t in out_types}
    for entry in apis:
        for role in ("request", "response"):
            if entry[role] not in names:
                raise SystemExit(f"{entry['name']}: no {role} type")
    used_enums = sorted({f["enum"] for t in out_types for f in t["fields"] if f.get("enum")})
    return {
        "$comment": curated["$comment"],
        "sources": {
            "java": f"global-open-sdk-java at commit {java.commit}",
            "python": f"{python.wheel} (PyPI)",
            "reference": "docs.antom.com API reference: the curated types' docs and required-ness, notifyType values, "
                         "the idempotency fields of pay, createPaymentSession, refund and capture",
        },
        "apis": apis,
        "notifications": notifications,
        "enums": [enums[n] for n in used_enums],
        "types": out_types,
    }


def sdk_field(f: Dict[str, Any], kind: str, from_sdk: bool) -> Dict[str, Any]:
    out: Dict[str, Any] = {"json": f["json"], "type": f["type"]}
    if f.get("list"):
        out["list"] = True
    if f.get("enum"):
        out["enum"] = f["enum"]
    if f.get("sdkTypes"):
        out["sdkTypes"] = f["sdkTypes"]
    out["required"] = None
    if f["json"] == "result" and kind in ("response", "notification"):
        out["required"] = True
    out["doc"] = f"The {words(f['json'])}" + (f" (one of the `{f['enum']}` values)." if f.get("enum") else ".")
    if f.get("sdkTypes"):
        out["doc"] += (" The official SDKs disagree on its type (" + " or ".join(f"`{t}`" for t in f["sdkTypes"])
                       + "): any JSON value, kept as received.")
    if from_sdk:
        out["from"] = "sdk"
    return out


def fix(path: str) -> str:
    """The SDKs' known path defects, as the core's table corrects them."""
    path = re.sub(r"/{2,}", "/", path)
    return path.replace("/ams/v1/aba/funds/createExchange", "/ams/api/v1/aba/funds/createExchange")


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--java", required=True, type=Path)
    parser.add_argument("--python", required=True, type=Path)
    parser.add_argument("--core-table", type=Path, default=None)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv[1:])
    curated = json.loads(SCHEMA.read_text(encoding="utf-8"))
    if args.core_table:
        core = [line.split("\t")[0] for line in args.core_table.read_text().splitlines()[1:] if line.strip()]
    else:
        core = [a["path"] for a in curated.get("apis", [])]
    core = sorted({fix(p) for p in core})
    catalogue = build(JavaSdk(args.java), PythonSdk(args.python), core, curated)
    text = json.dumps(catalogue, indent=2, ensure_ascii=False) + "\n"
    if args.check:
        if SCHEMA.read_text(encoding="utf-8") != text:
            print("crates/antom-models/schema/models.json differs from what the SDKs say", file=sys.stderr)
            return 1
        return 0
    SCHEMA.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA.relative_to(ROOT)}: {len(catalogue['apis'])} APIs, "
          f"{len(catalogue['notifications'])} notification bodies, {len(catalogue['types'])} types, "
          f"{len(catalogue['enums'])} enums")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
