"""Python benchmark: antom-core's wheel vs `cryptography` (OpenSSL) in the same run.

Run it with `make bench-python` (the installed wheel, in a clean virtualenv). It measures
RSA-2048 sign and verify over the same 1 KB content with keys loaded once, the full
`prepare` / `verify_response` calls, and the per-call cost of crossing the binding, then
rewrites the text between `<!-- python:begin -->` and `<!-- python:end -->` in BENCHMARKS.md
(creating the file or the block when missing; nothing else in the file changes).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import os
import platform
import statistics
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import cryptography
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.backends.openssl import backend as openssl_backend
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

import antom_core as ac
from antom_core._ffi import antom_core as ffi

ROOT = Path(__file__).resolve().parents[1]
KEYS = ROOT / "tests" / "vectors" / "keys"
# The one BENCHMARKS.md block writer (tests/bench/benchmarks_md.py); python -I leaves the
# repository off sys.path, so it is added by path.
sys.path.insert(0, str(ROOT / "tests" / "bench"))
from benchmarks_md import cpu_facts, replace_block  # noqa: E402
CLIENT_ID = "SANDBOX_5X00000000000000"
PATH = "/ams/sandbox/api/v1/payments/pay"


def calibrate(fn: Callable[[], object], seconds: float) -> int:
    """How many calls take about `seconds`."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds / 10:
        fn()
        n += 1
    return max(1, n * 10)


def measure(*fns: Callable[[], object], seconds: float, runs: int = 5) -> Tuple[float, ...]:
    """Median seconds per call of each function over `runs` timed batches of about `seconds`.
    The functions' batches are interleaved, so load from other work hits them alike."""
    batches = [calibrate(fn, seconds) for fn in fns]
    per_call: List[List[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, batch, samples in zip(fns, batches, per_call):
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            samples.append((time.perf_counter() - start) / batch)
    return tuple(statistics.median(samples) for samples in per_call)


NOTIFY_PATH = "/antom/notify"


def header_shapes(pairs: List[Tuple[str, str]], body: bytes) -> Dict[str, object]:
    """The same headers as each web stack hands them over."""
    import email.parser
    import http.client
    import io

    from django.conf import settings
    from starlette.datastructures import Headers as StarletteHeaders
    from werkzeug.datastructures import Headers as WerkzeugHeaders

    if not settings.configured:
        settings.configure()
    from django.http.request import HttpHeaders

    environ: Dict[str, object] = {"REQUEST_METHOD": "POST", "wsgi.version": (1, 0),
                                  "wsgi.input": io.BytesIO(body), "PATH_INFO": NOTIFY_PATH}
    for n, v in pairs:
        key = n.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = v
    raw = "".join(f"{n}: {v}\r\n" for n, v in pairs).encode("latin-1") + b"\r\n"
    return {
        "`dict`": dict(pairs),
        "ASGI `scope['headers']` (byte pairs)": [(n.encode(), v.encode()) for n, v in pairs],
        "WSGI `environ`": environ,
        "`http.client.HTTPMessage`": http.client.parse_headers(io.BytesIO(raw)),
        "Starlette / FastAPI `Headers`": StarletteHeaders(raw=[(n.encode(), v.encode()) for n, v in pairs]),
        "Django `HttpHeaders`": HttpHeaders(environ),
        "Werkzeug / Flask `Headers`": WerkzeugHeaders(pairs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to update")
    parser.add_argument("--seconds", type=float, default=1.0, help="per timed batch")
    args = parser.parse_args()
    if (ROOT / "python") in Path(ac.__file__).resolve().parents:
        sys.exit("bench.py must run against the installed wheel, not python/antom_core")

    merchant_private = (KEYS / "TEST-ONLY-merchant.private.pkcs8.b64").read_text()
    merchant_public = (KEYS / "TEST-ONLY-merchant.public.spki.b64").read_text()
    antom_public = (KEYS / "TEST-ONLY-antom.public.spki.b64").read_text()

    # Keys loaded once on both sides.
    key = ac.PrivateKey(merchant_private)
    public = ac.PublicKey(merchant_public)
    c_key = serialization.load_der_private_key(base64.b64decode(merchant_private), None)
    c_public = serialization.load_der_public_key(base64.b64decode(merchant_public))

    body = '{"paymentRequestId":"' + "x" * 990 + '"}'  # ~1 KB, as in the Rust benches
    content = ac.content_to_sign("POST", PATH, CLIENT_ID, "1685599933871", body)
    content_bytes = content.encode()
    signature = key.sign(content)

    def c_sign() -> str:  # the same output as PrivateKey.sign: percent-encoded base64
        raw = c_key.sign(content_bytes, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
        return urllib.parse.quote(base64.b64encode(raw).decode(), safe="")

    def c_verify() -> bool:
        raw = base64.b64decode(urllib.parse.unquote(signature))
        try:
            c_public.verify(raw, content_bytes, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
        except InvalidSignature:
            return False
        return True

    assert c_sign() == signature and c_verify() and public.verify(content, signature)

    client = ac.Client(client_id=CLIENT_ID, private_key=key, antom_public_key=antom_public)
    antom_key = ac.PrivateKey((KEYS / "TEST-ONLY-antom.private.pkcs8.b64").read_text())
    response_body = ('{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"ok"},'
                     '"note":"' + "y" * 940 + '"}').encode()
    response_headers = [
        ("client-id", CLIENT_ID),
        ("response-time", "2026-11-22T00:00:00Z"),
        ("signature", ac.format_signature_header(1, antom_key.sign(
            ac.content_to_sign("POST", PATH, CLIENT_ID, "2026-11-22T00:00:00Z",
                               response_body.decode())))),
    ]
    assert client.verify_response(PATH, response_headers, response_body).is_success

    # Issue 17: a webhook's verify_notification against the binding's own PublicKey.verify and
    # `cryptography` on the same content, for each header shape a Python web stack hands over.
    notify_body = ('{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS",'
                   '"resultStatus":"S","resultMessage":"success"},"paymentRequestId":'
                   '"pay_20261122_000001","paymentId":"20261122194010800100188000000001",'
                   '"paymentAmount":{"currency":"USD","value":"1000"}}').encode()
    notify_time = "1763769600000"
    notify_content = ac.content_to_sign("POST", NOTIFY_PATH, CLIENT_ID, notify_time,
                                        notify_body.decode())
    notify_signature = antom_key.sign(notify_content)
    antom = ac.PublicKey(antom_public)
    c_antom = serialization.load_der_public_key(base64.b64decode(antom_public))
    notify_pairs = [
        ("host", "merchant.example"), ("user-agent", "Antom-Notify/1.0"),
        ("content-type", "application/json; charset=UTF-8"),
        ("content-length", str(len(notify_body))), ("accept", "*/*"),
        ("x-forwarded-for", "203.0.113.7"), ("x-forwarded-proto", "https"),
        ("client-id", CLIENT_ID), ("request-time", notify_time),
        ("signature", ac.format_signature_header(1, notify_signature)),
    ]
    shapes = header_shapes(notify_pairs, notify_body)
    receiver = ac.Client(client_id=CLIENT_ID, antom_public_key=antom_public)
    for shape in shapes.values():
        assert receiver.verify_notification(NOTIFY_PATH, shape, notify_body).dedup_key

    def c_verify_notify() -> None:
        raw = base64.b64decode(urllib.parse.unquote(notify_signature))
        c_antom.verify(raw, notify_content.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]

    def empty() -> None:
        pass

    load_before = os.getloadavg()[0]
    s = args.seconds
    t: Dict[str, float] = {}
    t["sign"], t["c_sign"] = measure(lambda: key.sign(content), c_sign, seconds=s)
    t["verify"], t["c_verify"] = measure(
        lambda: public.verify(content, signature), c_verify, seconds=s)
    t["prepare"], t["verify_response"] = measure(
        lambda: client.prepare("v1/payments/pay", body, 1685599933871),
        lambda: client.verify_response(PATH, response_headers, response_body), seconds=s)
    notify_fns = [lambda: antom.verify(notify_content, notify_signature), c_verify_notify]
    notify_fns += [
        (lambda h=h: receiver.verify_notification(NOTIFY_PATH, h, notify_body))  # type: ignore[misc]
        for h in shapes.values()
    ]
    notify_times = measure(*notify_fns, seconds=s / 2)
    t["notify_pk"], t["notify_c"] = notify_times[0], notify_times[1]
    shape_times = dict(zip(shapes, notify_times[2:]))
    t["noop"], t["py_empty"], t["minor"] = measure(
        ffi.noop, empty, lambda: ac.to_minor_units("10.50", "USD"), seconds=s / 2)
    load_after = os.getloadavg()[0]

    def ops(name: str) -> float:
        return 1.0 / t[name]

    def row(label: str, ours: str, theirs: str) -> Tuple[str, str, str, str]:
        return (label, f"{ops(ours):,.0f}", f"{ops(theirs):,.0f}", f"{ops(ours) / ops(theirs):.2f}x")

    rsa = [row("sign (1 KB content)", "sign", "c_sign"), row("verify (1 KB content)", "verify", "c_verify")]
    for r in rsa:
        print(" | ".join(r))
    overhead = t["noop"] - t["py_empty"]
    text = f"""## Python wheel (`make bench-python`)

Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores ({cpu_facts()}),
CPython {platform.python_version()}, in one run: the installed `antom-core` wheel (uniffi,
release build) against `cryptography` {cryptography.__version__}
({openssl_backend.openssl_version_text()}), RSA-2048, keys loaded once, the same ~1 KB content.
Median of 5 timed batches of ~{s:g} s each, the two sides' batches interleaved.
1-minute load average {load_before:.2f} before and {load_after:.2f} after (above ~0.5, other work
shared the cores: absolute numbers are pessimistic, ratios less so).

| RSA-2048 operation | antom-core ops/s | cryptography ops/s | ratio (antom-core / cryptography) |
| --- | --- | --- | --- |
""" + "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rsa) + f"""

Both sides produce the same output: `cryptography`'s sign includes base64 and
percent-encoding, its verify the decoding, as antom-core's do.

| full call through the Python API | time per call | ops/s |
| --- | --- | --- |
| `Client.prepare` (1 KB body: path, body check, sign, headers) | {t['prepare'] * 1e6:,.1f} µs | {ops('prepare'):,.0f} |
| `Client.verify_response` (1 KB body, signed `S`) | {t['verify_response'] * 1e6:,.1f} µs | {ops('verify_response'):,.0f} |

| binding overhead | time per call |
| --- | --- |
| empty call across the FFI (`noop()`, generated module) | {t['noop'] * 1e6:.2f} µs |
| empty Python function, for reference | {t['py_empty'] * 1e6:.2f} µs |
| FFI cost of an empty call (difference) | {overhead * 1e6:.2f} µs |
| trivial call through the idiomatic layer (`to_minor_units("10.50", "USD")`) | {t['minor'] * 1e6:.2f} µs |
"""
    text += f"""
### Webhook path: `verify_notification` per call, by header shape

The same ~250-byte `PAYMENT_RESULT` notification and ten request headers, in each shape a web
stack hands over; the binding only converts the three headers the core reads and calls the
native library's flat entry point (one crossing each way, the body borrowed; `_flat.py`).
`cryptography`'s verify of the same content (the signature's decoding included, key parsed
once) is {t['notify_c'] * 1e6:.1f} µs; the wheel's `PublicKey.verify` is {t['notify_pk'] * 1e6:.1f} µs.

| header shape | `verify_notification` | vs `PublicKey.verify` | vs `cryptography` |
| --- | --- | --- | --- |
""" + "\n".join(
        f"| {name} | {v * 1e6:.1f} µs | {v / t['notify_pk']:.2f}x | {v / t['notify_c']:.2f}x |"
        for name, v in shape_times.items()) + "\n"
    worst = max(shape_times.values()) / t["notify_c"]
    prepare_ratio = t["prepare"] / t["c_sign"]

    def verdict(met: bool) -> str:
        return "met" if met else "**missed**"

    text += f"""
| target (issue 28) | measured | |
| --- | --- | --- |
| `verify_notification` per call ≤ 1.25x a bare `cryptography` verify, every header shape | {worst:.2f}x (slowest shape) | {verdict(worst <= 1.25)} |
| `Client.prepare` ≤ 1.1x a bare `cryptography` sign (1 KB) | {prepare_ratio:.2f}x | {verdict(prepare_ratio <= 1.1)} |
"""
    print(text)
    if args.write:
        replace_block(args.write, "python", text)
        print(f"updated the python block of {args.write}")


if __name__ == "__main__":
    main()
