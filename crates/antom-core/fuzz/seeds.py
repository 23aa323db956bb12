#!/usr/bin/env python3
"""Seed corpora for the antom-core fuzz targets, extracted from the conformance vectors.

    python3 crates/antom-core/fuzz/seeds.py [OUT_DIR]

Reads tests/vectors/*.json (and the throw-away keys they name) and writes one file per seed
to OUT_DIR/<target>/ (default: crates/antom-core/fuzz/seeds/, which git ignores). The
output is deterministic: file names are the vector ids (or a short hash), so running it
twice changes nothing. Standard library only.

Input formats (see fuzz/src/lib.rs): multi-part inputs are joined with the byte 0xFF;
headers are `name:value` lines; a client config is the text
`mode|client_id|environment|region|gateway_url|agent_token|key_version|api_key|max_body_bytes`
(mode k = the merchant private key, v = verify-only, a = API key; agent_token is prefixed
with `-` when set).
"""

import base64
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parents[2]
VECTORS = ROOT / "tests" / "vectors"
SEP = b"\xff"
# Larger seeds only slow the fuzzer down (the 1 MB body vectors): libFuzzer's -max_len
# would cut them anyway.
MAX_SEED = 16 * 1024

TARGETS = [
    "key_text",
    "key_der",
    "signature_header",
    "verify_response",
    "verify_notification",
    "amounts",
    "prepare",
    "endpoint",
]


def load(name):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))["cases"]


def long_text(value):
    """A vector text field: a string or {prefix, repeat, count, suffix}."""
    if isinstance(value, str):
        return value
    return value.get("prefix", "") + value["repeat"] * value["count"] + value.get("suffix", "")


def b(text):
    return text.encode("utf-8", "surrogatepass")


def config_text(config):
    if config.get("api_key") is not None:
        mode = "a"
    elif config.get("private_key_file"):
        mode = "k"
    else:
        mode = "v"
    token = config.get("agent_token")
    fields = [
        mode,
        config.get("client_id", ""),
        config.get("environment", ""),
        config.get("region", ""),
        config.get("gateway_url", ""),
        "" if token is None else "-" + token,
        str(config.get("key_version", "")),
        config.get("api_key", "") or "",
        str(config.get("max_body_bytes", "")),
    ]
    return "|".join(fields).rstrip("|")


def headers_block(headers):
    return "\n".join(f"{name}:{value}" for name, value in headers)


def body_bytes(inp):
    if "body_base64" in inp:
        return base64.b64decode(inp["body_base64"])
    return b(long_text(inp.get("body", "")))


class Seeds:
    def __init__(self, out):
        self.out = out
        self.count = {t: 0 for t in TARGETS}
        self.seen = {t: set() for t in TARGETS}

    def add(self, target, name, data):
        if len(data) > MAX_SEED or data in self.seen[target]:
            return
        self.seen[target].add(data)
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:60] or "seed"
        digest = hashlib.sha256(data).hexdigest()[:8]
        (self.out / target / f"{safe}-{digest}").write_bytes(data)
        self.count[target] += 1


def key_seeds(seeds):
    ders = []
    for case in load("keys.json"):
        inp = case["input"]
        if "text" in inp:
            text = long_text(inp["text"])
        elif "text_file" in inp:
            text = (VECTORS / inp["text_file"]).read_text(encoding="utf-8")
        else:
            text = None
        if text is not None:
            seeds.add("key_text", case["id"], b(text))
            compact = re.sub(r"\s+", "", text)
            if "-----" not in compact:
                try:
                    ders.append((case["id"], base64.b64decode(compact, validate=True)))
                except ValueError:
                    pass
            else:
                body = re.sub(r"-----[^-]*-----", "", compact)
                try:
                    ders.append((case["id"] + "-pem", base64.b64decode(body, validate=True)))
                except ValueError:
                    pass
        if "der_base64" in inp:
            der = base64.b64decode(inp["der_base64"])
            ders.append((case["id"], der))
            seeds.add("key_text", case["id"] + "-b64", inp["der_base64"].encode())
    for path in sorted((VECTORS / "keys").glob("TEST-ONLY-*.b64")):
        der = base64.b64decode(path.read_text().strip())
        ders.append((path.stem, der))
    for name, der in ders:
        seeds.add("key_der", name, der)
    # The reproducers of issue 9, finding 1: a malformed BEGIN line must not put the key
    # into the error text. Every delimiter broken in turn, for both key kinds.
    for kind, label in (("private", "PRIVATE KEY"), ("public", "PUBLIC KEY")):
        stem = "merchant.private.pkcs8" if kind == "private" else "merchant.public.spki"
        key = (VECTORS / "keys" / f"TEST-ONLY-{stem}.b64").read_text().strip()
        wrapped = "\n".join(key[i : i + 64] for i in range(0, len(key), 64))
        good = f"-----BEGIN {label}-----\n{wrapped}\n-----END {label}-----\n"
        variants = {
            "begin-dash-missing": good.replace(f"-----BEGIN {label}-----", f"-----BEGIN {label}----", 1),
            "begin-is-key": f"-----BEGIN {key}-----",
            "begin-no-newline": good.replace(f"{label}-----\n", f"{label}-----", 1),
            "end-dash-missing": good.replace(f"-----END {label}-----", f"-----END {label}----"),
            "end-missing": good.split("-----END")[0],
            "end-label-other": good.replace(f"END {label}", "END CERTIFICATE"),
            "begin-lower": good.replace(f"BEGIN {label}", f"BEGIN {label.lower()}", 1),
            "crlf": good.replace("\n", "\r\n"),
            "no-begin": good.split("\n", 1)[1],
        }
        for name, text in variants.items():
            seeds.add("key_text", f"hostile-{kind}-{name}", b(text))


def signature_header_seeds(seeds):
    for case in load("signature_header.json"):
        inp = case["input"]
        if "parse" in inp:
            seeds.add("signature_header", case["id"], b(long_text(inp["parse"])))
        if "header" in case["expect"]:
            seeds.add("signature_header", case["id"] + "-formatted", b(case["expect"]["header"]))
    for name in ("response.json", "notification.json"):
        for case in load(name):
            for header, value in case["input"]["headers"]:
                if header.strip().lower() == "signature":
                    seeds.add("signature_header", case["id"], b(value))
    # Issue 9, finding 4: many items must be refused cheaply.
    many = ",".join(f"a{i}=" for i in range(500)) + ",signature=x"
    seeds.add("signature_header", "hostile-many-items", many.encode())


def message_seeds(seeds):
    for target, name in (("verify_response", "response.json"), ("verify_notification", "notification.json")):
        for case in load(name):
            inp = case["input"]
            data = SEP.join(
                [
                    b(config_text(inp["config"])),
                    b(inp["path"]),
                    b(headers_block(inp["headers"])),
                    body_bytes(inp),
                ]
            )
            seeds.add(target, case["id"], data)
            if target == "verify_notification":
                times = [v for k, v in inp["headers"] if k.strip().lower() == "request-time"]
                if times and times[0].isdigit():
                    t = int(times[0])
                    for label, fresh in (
                        ("fresh", f"{t + 1000},60000"),
                        ("exact", f"{t},0"),
                        ("stale", f"{t + 120000},60000"),
                        ("future", f"{t - 120000},60000"),
                    ):
                        seeds.add(target, f"{case['id']}-{label}", data + SEP + fresh.encode())
                else:
                    seeds.add(target, case["id"] + "-fresh", data + SEP + b"1562913536000,86400000")


def prepare_seeds(seeds):
    for case in load("prepare.json"):
        inp = case["input"]
        data = SEP.join(
            [
                b(config_text(inp["config"])),
                b(inp["api"]),
                b(long_text(inp["body"])),
                str(inp["request_time"]).encode(),
            ]
        )
        seeds.add("prepare", case["id"], data)
    for case in load("endpoints.json"):
        path = case["expect"].get("path")
        if path:
            for mode in ("k|5J5YEX4C2YQK01523", "k|SANDBOX_5YBX2N2ZQ4K801234"):
                data = SEP.join([mode.encode(), path.encode(), b'{"a":1}', b"1685599933871"])
                seeds.add("prepare", case["id"] + mode[1:3], data)


def amount_seeds(seeds):
    for case in load("amounts.json"):
        inp = case["input"]
        for key, field in (("to_minor_units", "amount"), ("from_minor_units", "value")):
            if key in inp:
                args = inp[key]
                seeds.add("amounts", case["id"], b(args[field]) + SEP + b(args["currency"]))


def endpoint_seeds(seeds):
    for case in load("endpoints.json"):
        seeds.add("endpoint", case["id"], b(case["input"]["name"]))


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else FUZZ / "seeds"
    for target in TARGETS:
        shutil.rmtree(out / target, ignore_errors=True)
        (out / target).mkdir(parents=True)
    seeds = Seeds(out)
    key_seeds(seeds)
    signature_header_seeds(seeds)
    message_seeds(seeds)
    prepare_seeds(seeds)
    amount_seeds(seeds)
    endpoint_seeds(seeds)
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(
        f"seeds.py: {sum(seeds.count.values())} seeds, {total} bytes in {out}: "
        + ", ".join(f"{t} {n}" for t, n in seeds.count.items())
    )


if __name__ == "__main__":
    main()
