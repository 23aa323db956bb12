"""Every conformance vector in tests/vectors/, run against the installed wheel."""

from __future__ import annotations

import base64
import collections
import hashlib
import json
import traceback
from typing import Any, Counter, Dict, List, Tuple

import pytest

import antom_core as ac
from support import VECTORS

MANIFEST = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))


def _load(name: str) -> Dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


DOCS = {name: _load(name) for name in MANIFEST["files"]}
# hostile.json: every case names its own operation (the file's is just "hostile").
CASES: List[Tuple[str, str, Dict[str, Any]]] = [
    (name, case["operation"] if doc["operation"] == "hostile" else doc["operation"], case)
    for name, doc in DOCS.items()
    for case in doc["cases"]
]
# The cases test_vector ran, per file and per hostile.json operation: checked last.
RAN_FILES: Counter[str] = collections.Counter()
RAN_HOSTILE: Counter[str] = collections.Counter()


def text(value: Any) -> str:
    """A vector "text": a string, or {"prefix", "repeat", "count", "suffix"}."""
    if isinstance(value, str):
        return value
    return value.get("prefix", "") + value.get("repeat", "") * value["count"] + value.get("suffix", "")


def read(rel: str) -> str:
    return (VECTORS / rel).read_text(encoding="utf-8")


def headers(data: Dict[str, Any]) -> List[Tuple[str, str]]:
    """`[name, value]` pairs, each value a vector text."""
    return [(name, text(value)) for name, value in data["headers"]]


def body_bytes(data: Dict[str, Any]) -> bytes:
    if "body_base64" in data:
        return base64.b64decode(data["body_base64"])
    return text(data["body"]).encode("utf-8")


def antom_keys(config: Dict[str, Any]) -> Dict[str, Any]:
    """``antom_keys`` (a ring; tagged members as AntomKey) or one ``antom_public_key_file``."""
    if "antom_keys" not in config:
        return {"antom_public_key": ac.PublicKey(read(config["antom_public_key_file"]))}
    ring = [
        read(m["key_file"]) if "key_version" not in m else ac.AntomKey(read(m["key_file"]), m["key_version"])
        for m in config["antom_keys"]
    ]
    return {"antom_public_keys": ring}


def key_id(found: Any) -> Any:
    return None if found is None else {"key_version": found.key_version, "fingerprint": found.fingerprint}


def make_client(config: Dict[str, Any], **credential: Any) -> ac.Client:
    antom = antom_keys(config)
    if "private_key_file" in config:
        credential["private_key"] = ac.PrivateKey(read(config["private_key_file"]))
    if "api_key" in config:
        credential["api_key"] = config["api_key"]
    # Neither: a verify-only client.
    return ac.Client(
        client_id=config["client_id"],
        **antom,
        region=config.get("region"),
        environment=config.get("environment"),
        gateway_url=config.get("gateway_url"),
        key_version=config.get("key_version"),
        agent_token=config.get("agent_token"),
        max_body_bytes=config.get("max_body_bytes"),
        **credential,
    )


def run(operation: str, data: Dict[str, Any]) -> Dict[str, Any]:
    if operation == "parse_key":
        private = data["kind"] == "private"
        if "der_base64" in data:
            der = base64.b64decode(data["der_base64"])
            public = ac.PrivateKey.from_der(der).public_key() if private else ac.PublicKey.from_der(der)
        else:
            key_text = read(data["text_file"]) if "text_file" in data else text(data["text"])
            public = ac.PrivateKey(key_text).public_key() if private else ac.PublicKey(key_text)
        return {"bits": public.bits, "public_key_base64": public.to_base64()}
    if operation == "content_to_sign":
        content = ac.content_to_sign(
            data["method"], data["path"], data["client_id"], data["time"], text(data["body"])
        )
        encoded = content.encode("utf-8")
        return {
            "content": content,
            "content_sha256": hashlib.sha256(encoded).hexdigest(),
            "content_length": len(encoded),
        }
    if operation == "sign":
        key = ac.PrivateKey(read(data["private_key_file"]))
        signature = key.sign(text(data["content"]))
        raw = signature.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")
        return {"signature": signature, "signature_base64": raw}
    if operation == "verify":
        key = ac.PublicKey(read(data["public_key_file"]))
        return {"valid": key.verify(text(data["content"]), text(data["signature"]))}
    if operation == "signature_header":
        if "parse" in data:
            parsed = ac.parse_signature_header(text(data["parse"]))
            return {
                "algorithm": parsed.algorithm,
                "key_version": parsed.key_version,
                "signature": parsed.signature,
            }
        fmt = data["format"]
        return {"header": ac.format_signature_header(fmt["key_version"], fmt["signature"])}
    if operation == "prepare":
        # body_base64: bytes that are not UTF-8, passed as bytes; a text body as a str.
        sent = body_bytes(data) if "body_base64" in data else text(data["body"])
        request = make_client(data["config"]).prepare(data["api"], sent, data["request_time"])
        body = request.body.decode("utf-8")
        content = ac.content_to_sign(
            request.method, request.path, data["config"]["client_id"], data["request_time"], body
        )
        return {
            "method": request.method,
            "url": request.url,
            "path": request.path,
            "headers": [list(pair) for pair in request.headers],
            "body": body,
            "content": content,
        }
    if operation == "verify_response":
        r = make_client(data["config"]).verify_response(data["path"], headers(data), body_bytes(data))
        assert r.body == body_bytes(data)
        assert r.is_success == (r.verified and r.result_status is ac.ResultStatus.SUCCESS)
        assert isinstance(r.outcome, ac.Outcome)
        assert r.verified or r.outcome is ac.Outcome.UNKNOWN
        return {
            "verified": r.verified,
            "result_status": r.result_status.value,
            "result_code": r.result_code,
            "result_message": r.result_message,
            "next_action": r.next_action.value,
            "outcome": r.outcome.value,
            "verified_by": key_id(r.verified_by),
        }
    if operation == "verify_notification":
        client = make_client(data["config"])
        freshness = data.get("freshness")
        if freshness is None:
            n = client.verify_notification(data["path"], headers(data), body_bytes(data))
        else:
            n = client.verify_notification(
                data["path"],
                headers(data),
                body_bytes(data),
                max_age_ms=freshness["max_age_ms"],
                now_ms=freshness["now_ms"],
            )
        assert n.body == body_bytes(data)
        assert isinstance(n.outcome, ac.Outcome)
        return {
            "notify_type": n.notify_type,
            "result_status": None if n.result_status is None else n.result_status.value,
            "client_id": n.client_id,
            "request_time": n.request_time,
            "dedup_key": n.dedup_key,
            "outcome": n.outcome.value,
            "verified_by": key_id(n.verified_by),
        }
    if operation == "amount":
        if "to_minor_units" in data:
            to = data["to_minor_units"]
            return {"value": ac.to_minor_units(to["amount"], to["currency"])}
        frm = data["from_minor_units"]
        return {"amount": ac.from_minor_units(frm["value"], frm["currency"])}
    if operation == "endpoint":
        found = ac.endpoint(data["name"])
        if found is None:
            return {"found": False}
        assert found.name == data["name"]
        return {"found": True, "path": found.path, "group": found.group}
    if operation == "prepare_external":
        return prepare_external(data)
    if operation == "fingerprint":
        key_text = read(data["key_file"])
        key = ac.PrivateKey(key_text).public_key() if data["kind"] == "private" else ac.PublicKey(key_text)
        return {"fingerprint": key.fingerprint}
    if operation == "retry":
        return retry_step(data)
    if operation == "mask_body":
        return {"masked": ac.mask_body(text(data["body"]))}
    raise AssertionError(f"unknown operation {operation}")


def retry_step(data: Dict[str, Any]) -> Dict[str, Any]:
    """retry.json: the policy's check, attempt timeouts, decisions and span names, through the
    public API (a RetryPolicy is checked when it is made)."""
    step = data["step"]
    if step == "span_name":
        return {"span_name": ac.span_name(data["path"])}
    policy = ac.RetryPolicy(**data["policy"])
    if step == "check":
        return {"valid": True}
    if step == "attempt_timeout":
        return {"timeout_ms": ac.attempt_timeout(policy, data["elapsed_ms"])}
    assert step == "decide", f"unknown retry step {step}"
    f = data["failure"]
    failure = {
        "transport": ac.AttemptFailure.transport,
        "timeout": ac.AttemptFailure.timeout,
    }.get(f["kind"], lambda: ac.AttemptFailure.http_status(f["status"]))()
    assert failure.kind == f["kind"]
    decision = ac.decide_retry(
        policy, data["path"], data["body"], data["attempt"], data["elapsed_ms"], failure, data["random"]
    )
    assert decision.retry == (decision.reason == "RETRY")
    assert decision.retry or decision.delay_ms == 0
    return {"retry": decision.retry, "delay_ms": decision.delay_ms, "reason": decision.reason}


def prepare_external(data: Dict[str, Any]) -> Dict[str, Any]:
    """external_signer.json: ``prepare()`` on a ``signer=`` client whose signer returns the
    vector's signature (made by the generator with OpenSSL), then the same through
    ``prepare_external`` / ``finish_external``: both must give the same outcome."""
    config = data["config"]
    merchant = config.get("merchant_public_key_file")
    signature = base64.b64decode(data["signature_base64"]) if "signature_base64" in data else None
    asked: List[ac.SigningRequest] = []

    def signer(request: ac.SigningRequest) -> bytes:
        asked.append(request)
        assert signature is not None, "the signer was called for a request step 1 refuses"
        return signature

    client = make_client(
        config, signer=signer, merchant_public_key=None if merchant is None else read(merchant)
    )
    finish: Dict[str, Any]
    try:
        request = client.prepare(data["api"], text(data["body"]), data["request_time"])
    except ac.SigningFailedError as error:
        assert len(asked) == 1, "SIGNING_FAILED before the signer was asked"
        head = data["signature_base64"][:16]
        assert len(head) < 16 or head not in repr(error), "the signature is in the error"
        finish = {"error": error.code}
    else:
        finish = {
            "method": request.method,
            "url": request.url,
            "path": request.path,
            "headers": [list(pair) for pair in request.headers],
            "body": request.body.decode("utf-8"),
        }
    assert len(asked) == 1
    pending = asked[0]
    assert pending.digest == hashlib.sha256(pending.message).digest()
    # The explicit two steps agree with prepare().
    two_step = client.prepare_external(data["api"], text(data["body"]), data["request_time"])
    assert (two_step.message, two_step.digest) == (pending.message, pending.digest)
    assert signature is not None
    try:
        again = client.finish_external(two_step, signature)
        assert "error" not in finish and list(again.headers) == [tuple(h) for h in finish["headers"]]
    except ac.SigningFailedError as error:
        assert finish == {"error": error.code}
    return {"message": pending.message.decode("utf-8"), "digest_hex": pending.digest.hex(), "finish": finish}


def error_texts(error: ac.AntomError) -> List[str]:
    """Every string form of an error a user may log: its message, ``str``, ``repr``, its
    arguments, and the traceback ``logging.exception`` would print."""
    return [
        error.message,
        str(error),
        repr(error),
        *(str(arg) for arg in error.args),
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    ]


def test_the_manifest_counts_match_the_files() -> None:
    for name, count in MANIFEST["files"].items():
        assert len(DOCS[name]["cases"]) == count, name
    assert len(CASES) == MANIFEST["total"]
    assert MANIFEST["total"] >= 200
    hostile = collections.Counter(op for name, op, _ in CASES if name == "hostile.json")
    assert dict(hostile) == MANIFEST["hostile_operations"]


@pytest.mark.parametrize(
    ("file", "operation", "case"),
    CASES,
    ids=[f"{name}#{case['id']}" for name, _, case in CASES],
)
def test_vector(file: str, operation: str, case: Dict[str, Any]) -> None:
    RAN_FILES[file] += 1
    if file == "hostile.json":
        RAN_HOSTILE[operation] += 1
    expect = case["expect"]
    try:
        got = run(operation, case["input"])
    except ac.AntomError as error:
        # hostile.json: no forbidden substring in any string form of the error.
        for form in error_texts(error):
            for forbidden in case.get("forbidden", []):
                assert forbidden not in form, f"the error text contains {forbidden!r}: {form[:300]!r}"
        assert "error" in expect, f"unexpected error {error}"
        assert error.code == expect["error"], str(error)
        assert str(error).startswith(expect["error"] + ": ")
        return
    assert "error" not in expect, f"expected error {expect['error']}, got {got!r:.300}"
    for key, want in expect.items():
        assert got.get(key) == want, f"{key}: expected {want!r:.300}, got {got.get(key)!r:.300}"


def test_every_vector_ran(request: pytest.FixtureRequest) -> None:
    """Runs after the cases: test_vector ran exactly the manifest's cases, file by file and
    per hostile.json operation (skipped when only some cases were selected)."""
    selected = sum(1 for item in request.session.items if getattr(item, "originalname", "") == "test_vector")
    if selected != MANIFEST["total"]:
        pytest.skip(f"{selected} of {MANIFEST['total']} vectors selected")
    assert dict(RAN_FILES) == MANIFEST["files"]
    assert sum(RAN_FILES.values()) == MANIFEST["total"]
    assert dict(RAN_HOSTILE) == MANIFEST["hostile_operations"]
