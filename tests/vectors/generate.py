#!/usr/bin/env python3
"""Conformance-vector generator for antom-core.

This is the project's INDEPENDENT implementation of the Antom (Alipay global "AMS")
signing protocol, in Python. Every expected value in tests/vectors/*.json is computed
here, with Python `cryptography` (OpenSSL) and plain Python -- never by calling antom-core.
The file format is specified in tests/vectors/README.md.

Setup: python3.11 -m venv /tmp/vecvenv && /tmp/vecvenv/bin/pip install -r tests/vectors/requirements.txt

Usage (from the repository root):

    python tests/vectors/generate.py            # (re)write tests/vectors/*.json
    python tests/vectors/generate.py --check    # regenerate in memory; exit 1 and list the
                                                # files that differ from disk, else 0; also
                                                # re-verifies every emitted signature with the
                                                # `openssl` CLI when it is on PATH
    python tests/vectors/generate.py --crosscheck   # only the openssl cross-check (required)

Inputs: the throw-away keys in tests/vectors/keys/ (made once by make_keys.sh) and
tests/vectors/data/endpoints.tsv. Output is byte-deterministic (RSASSA-PKCS1-v1_5 is
deterministic; no timestamps; fixed case order).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import iso4217
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
FORMAT_VERSION = 1

# API-key mode (official SDKs, 2026-09): `(isak|irak)_(TEST|PROD)_<identity>_<secret>`, the
# identity without "_", both parts non-empty. antom-core narrows the SDKs' check to visible
# ASCII (the key travels in an HTTP header). These are fake, throw-away test values.
API_KEY_TEST = "irak_TEST_VEVTVC1PTkxZ_not-a-real-secret_0123456789"
API_KEY_PROD = "isak_PROD_VEVTVC1PTkxZ_not-a-real-secret_0123456789"
API_KEY_RE = re.compile(r"(isak|irak)_(TEST|PROD)_[\x21-\x5e\x60-\x7e]+_[\x21-\x7e]+")

ERROR_CODES = [
    "INVALID_KEY",
    "INVALID_INPUT",
    "MALFORMED_SIGNATURE",
    "UNSUPPORTED_ALGORITHM",
    "SIGNATURE_MISMATCH",
    "MISSING_HEADER",
    "CLIENT_ID_MISMATCH",
    "UNSIGNED_RESPONSE",
    "INVALID_AMOUNT",
    "UNSUPPORTED_CURRENCY",
    "SIGNING_FAILED",
    "UNKNOWN_KEY_VERSION",
    "WRONG_KEY",
]


class ProtocolError(Exception):
    """A failure with one of the stable error codes."""

    def __init__(self, code: str, why: str = ""):
        assert code in ERROR_CODES, code
        super().__init__(f"{code}: {why}")
        self.code = code


def fail(code: str, why: str = ""):
    raise ProtocolError(code, why)


# ---------------------------------------------------------------------------------------
# Key files
# ---------------------------------------------------------------------------------------

def priv_file(name: str) -> str:
    return f"keys/TEST-ONLY-{name}.private.pkcs8.b64"


def pub_file(name: str) -> str:
    return f"keys/TEST-ONLY-{name}.public.spki.b64"


ENCRYPTED_PKCS8_FILE = "keys/TEST-ONLY-merchant.private.encrypted-pkcs8.pem"
LEGACY_ENCRYPTED_FILE = "keys/TEST-ONLY-merchant.private.legacy-encrypted-pkcs1.pem"

MERCHANT_PRIV = priv_file("merchant")
MERCHANT_PUB = pub_file("merchant")
ANTOM_PRIV = priv_file("antom")
ANTOM_PUB = pub_file("antom")
OTHER_PRIV = priv_file("other")


def read_text(rel: str) -> str:
    return (HERE / rel).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Text helpers ("text" fields may use the repeat form)
# ---------------------------------------------------------------------------------------

def repeat_text(prefix: str, unit: str, count: int, suffix: str) -> dict:
    return {"prefix": prefix, "repeat": unit, "count": count, "suffix": suffix}


def materialize(text) -> str:
    if isinstance(text, str):
        return text
    return text["prefix"] + text["repeat"] * text["count"] + text["suffix"]


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# ---------------------------------------------------------------------------------------
# Base64 / PEM / key parsing (the rules of PrivateKey::parse and PublicKey::parse)
# ---------------------------------------------------------------------------------------

# The Unicode White_Space property (what is trimmed around key text), and the ASCII
# whitespace that may appear anywhere inside base64 key data (space, TAB, LF, FF, CR).
UNICODE_WS = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
KEY_WS = " \t\n\x0c\r"


def strip_key_ws(s: str) -> str:
    return "".join(ch for ch in s if ch not in KEY_WS)


def b64_strict(s) -> bytes:
    """Standard alphabet, '=' padding required, canonical, no whitespace. ValueError otherwise."""
    if isinstance(s, bytes):
        try:
            s = s.decode("ascii")
        except UnicodeDecodeError:
            raise ValueError("non-ASCII base64")
    if not s or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", s):
        raise ValueError("not base64")
    try:
        data = base64.b64decode(s, validate=True)
    except binascii.Error as e:
        raise ValueError(str(e))
    if b64(data) != s:
        raise ValueError("non-canonical base64")
    return data


# PEM labels an error message may name; any other label text is never echoed (a malformed
# BEGIN line can hold key material).
KNOWN_PEM_LABELS = ("PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY",
                    "OPENSSH PRIVATE KEY", "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE")
PEM_BEGIN = "-----BEGIN "


def parse_pem(text: str):
    """One PEM block starting at the first '-----BEGIN ' (text before it and after its END line
    is ignored). The label comes from the BEGIN line only: after '-----BEGIN ' up to the first
    LF or CR; that line, trailing whitespace trimmed, must end with '-----', and the text
    before that, trimmed, must be 1-40 of A-Z, 0-9 and single spaces."""
    after = text[text.index(PEM_BEGIN) + len(PEM_BEGIN):]
    m = re.search(r"[\r\n]", after)
    eol = m.start() if m else len(after)
    line = after[:eol].rstrip(UNICODE_WS)
    if not line.endswith("-----"):
        fail("INVALID_KEY", "malformed PEM BEGIN line")
    label = line[:-5].strip(UNICODE_WS)
    if not re.fullmatch(r"[A-Z0-9]+( [A-Z0-9]+)*", label) or len(label) > 40:
        fail("INVALID_KEY", "malformed PEM label")
    rest = after[eol:]
    end = rest.find(f"-----END {label}-----")
    if end < 0:
        fail("INVALID_KEY", "no matching PEM END line")
    body = rest[:end]
    if "Proc-Type:" in body or "DEK-Info:" in body:
        fail("INVALID_KEY", "PEM headers (legacy encrypted PEM)")
    try:
        der = b64_strict(strip_key_ws(body))
    except ValueError:
        fail("INVALID_KEY", "PEM body is not base64")
    return label, der


def der_outer_second_tag(der: bytes):
    """Tag of the second element of the outer SEQUENCE (0x30 for PKCS#8, 0x02 for PKCS#1)."""
    try:
        if der[0] != 0x30:
            return None
        i = 1
        if der[i] & 0x80:
            i += 1 + (der[i] & 0x7F)
        else:
            i += 1
        if der[i] != 0x02:  # version INTEGER
            return None
        i += 2 + der[i + 1]
        return der[i]
    except IndexError:
        return None


MAX_PRIVATE_BITS = 8192
_DER_CACHE: dict = {}


def load_private_der(der: bytes, allow_pkcs1: bool = True):
    """Memoised (loading validates the RSA key, which is slow for big keys)."""
    k = (der, allow_pkcs1)
    if k not in _DER_CACHE:
        try:
            _DER_CACHE[k] = _load_private_der(der, allow_pkcs1)
        except ProtocolError as e:
            _DER_CACHE[k] = e
    if isinstance(_DER_CACHE[k], ProtocolError):
        raise _DER_CACHE[k]
    return _DER_CACHE[k]


def _load_private_der(der: bytes, allow_pkcs1: bool):
    tag = der_outer_second_tag(der)
    if tag == 0x02 and not allow_pkcs1:
        fail("INVALID_KEY", "PKCS#1 body where PKCS#8 is required")
    # The size is checked before the (costly) consistency check, as the core does.
    for unchecked in (True, False):
        try:
            key = serialization.load_der_private_key(der, password=None,
                                                     unsafe_skip_rsa_key_validation=unchecked)
        except TypeError:
            fail("INVALID_KEY", "encrypted private key")
        except (ValueError, Exception):
            fail("INVALID_KEY", "not a private key")
        if not isinstance(key, rsa.RSAPrivateKey):
            fail("INVALID_KEY", "not an RSA key")
        if not 2048 <= key.key_size <= MAX_PRIVATE_BITS:
            fail("INVALID_KEY", f"RSA private key of {key.key_size} bits")
    return key


def load_public_der(der: bytes):
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, Exception):
        fail("INVALID_KEY", "not a public key")
    if not isinstance(key, rsa.RSAPublicKey):
        fail("INVALID_KEY", "not an RSA key")
    if not 2048 <= key.key_size <= 4096:
        fail("INVALID_KEY", f"RSA public key of {key.key_size} bits")
    return key


def key_text(text: str):
    """-> (label or None, der): one PEM block if the text contains '-----BEGIN ', else bare
    base64 (ASCII whitespace anywhere is ignored)."""
    t = text.strip(UNICODE_WS)
    if not t:
        fail("INVALID_KEY", "empty")
    if PEM_BEGIN in t:
        return parse_pem(t)
    try:
        return None, b64_strict(strip_key_ws(t))
    except ValueError:
        fail("INVALID_KEY", "not base64")


def parse_private_text(text: str):
    label, der = key_text(text)
    if label is None:
        return load_private_der(der)
    if label == "PRIVATE KEY":
        return load_private_der(der, allow_pkcs1=False)
    if label == "RSA PRIVATE KEY":
        return load_private_der(der, allow_pkcs1=True)
    fail("INVALID_KEY", f"PEM label {label!r}")


def parse_public_text(text: str):
    label, der = key_text(text)
    if label is not None and label not in ("PUBLIC KEY", "RSA PUBLIC KEY"):
        fail("INVALID_KEY", f"PEM label {label!r}")
    return load_public_der(der)


def spki_der(pub) -> bytes:
    return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_expect(key) -> dict:
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return {"bits": pub.key_size, "public_key_base64": b64(spki_der(pub))}


_KEY_CACHE: dict = {}


def private_key(rel: str):
    if rel not in _KEY_CACHE:
        _KEY_CACHE[rel] = parse_private_text(read_text(rel))
    return _KEY_CACHE[rel]


def public_key(rel: str):
    if rel not in _KEY_CACHE:
        _KEY_CACHE[rel] = parse_public_text(read_text(rel))
    return _KEY_CACHE[rel]


# ---------------------------------------------------------------------------------------
# Signing, signature encoding/decoding, verification
# ---------------------------------------------------------------------------------------

def content_to_sign(method: str, path: str, client_id: str, time: str, body) -> bytes:
    head = f"{method} {path}\n{client_id}.{time}.".encode("utf-8")
    return head + (body if isinstance(body, bytes) else body.encode("utf-8"))


def sign_raw(key, content: bytes) -> bytes:
    return key.sign(content, padding.PKCS1v15(), hashes.SHA256())


def pct_encode_b64(s: str) -> str:
    return s.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def sign(key, content: bytes):
    """-> (signature (percent-encoded), signature_base64)."""
    sig64 = b64(sign_raw(key, content))
    return pct_encode_b64(sig64), sig64


HEX = "0123456789abcdefABCDEF"


def pct_decode(s: str) -> bytes:
    raw = s.encode("utf-8")
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x25:  # '%'
            h = raw[i + 1:i + 3]
            if len(h) != 2 or chr(h[0]) not in HEX or chr(h[1]) not in HEX:
                fail("MALFORMED_SIGNATURE", "bad percent escape")
            out.append(int(h, 16))
            i += 3
        else:
            out.append(c)
            i += 1
    return bytes(out)


def decode_signature(sig: str, modulus_bytes: int) -> bytes:
    if not sig:
        fail("MALFORMED_SIGNATURE", "empty")
    # The longest encoding of a modulus-sized value: every base64 character as '%XX'.
    if len(sig.encode("utf-8")) > -(-modulus_bytes // 3) * 12:
        fail("MALFORMED_SIGNATURE", "longer than any encoding of a signature")
    raw = pct_decode(sig)
    try:
        data = b64_strict(raw)
    except ValueError:
        fail("MALFORMED_SIGNATURE", "not strict base64")
    if len(data) != modulus_bytes:
        fail("MALFORMED_SIGNATURE", f"{len(data)} bytes, key needs {modulus_bytes}")
    return data


def verify(pub, content: bytes, sig: str) -> bool:
    data = decode_signature(sig, (pub.key_size + 7) // 8)
    try:
        pub.verify(data, content, padding.PKCS1v15(), hashes.SHA256())
        return True
    except InvalidSignature:
        return False


# ---------------------------------------------------------------------------------------
# Signature header
# ---------------------------------------------------------------------------------------

MAX_SIGNATURE_HEADER_BYTES = 4096
MAX_SIGNATURE_HEADER_ITEMS = 8


def parse_signature_header(value: str) -> dict:
    if value.strip(" \t") == "":
        fail("MALFORMED_SIGNATURE", "empty header")
    if len(value.encode("utf-8")) > MAX_SIGNATURE_HEADER_BYTES:
        fail("MALFORMED_SIGNATURE", "header too long")
    items = value.split(",")
    if len(items) > MAX_SIGNATURE_HEADER_ITEMS:
        fail("MALFORMED_SIGNATURE", "too many items")
    fields: dict = {}
    for item in items:
        item = item.strip(" \t")
        if "=" not in item:
            fail("MALFORMED_SIGNATURE", "item without '='")  # an empty item included
        k, v = item.split("=", 1)
        if not k:
            fail("MALFORMED_SIGNATURE", "empty key")
        if k in fields:
            fail("MALFORMED_SIGNATURE", f"duplicate {k}")
        if k == "keyVersion" and (not re.fullmatch(r"[0-9]{1,10}", v) or int(v) > 0xFFFFFFFF):
            fail("MALFORMED_SIGNATURE", "bad keyVersion")
        fields[k] = v
    alg = fields.get("algorithm")
    if alg is None:
        fail("MALFORMED_SIGNATURE", "no algorithm item")
    if alg != "RSA256":
        fail("UNSUPPORTED_ALGORITHM", alg)
    sig = fields.get("signature")
    if not sig:
        fail("MALFORMED_SIGNATURE", "missing signature")
    kv = fields.get("keyVersion")
    return {"algorithm": "RSA256", "key_version": None if kv is None else int(kv), "signature": sig}


def format_signature_header(key_version: int, signature: str) -> str:
    return f"algorithm=RSA256,keyVersion={key_version},signature={signature}"


# ---------------------------------------------------------------------------------------
# Client configuration, path resolution, prepare
# ---------------------------------------------------------------------------------------

REGIONS = {
    "asia": "https://open-sea-global.alipay.com",
    "north_america": "https://open-na-global.alipay.com",
    "europe": "https://open-de-global.alipay.com",
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def visible_ascii(s: str) -> bool:
    return all(0x21 <= ord(ch) <= 0x7E for ch in s)


def validate_gateway(url: str) -> str:
    if url.startswith("https://"):
        scheme, rest = "https", url[len("https://"):]
    elif url.startswith("http://"):
        scheme, rest = "http", url[len("http://"):]
    else:
        fail("INVALID_INPUT", "gateway scheme")
    if rest.endswith("/"):
        rest = rest[:-1]
    if not rest or not visible_ascii(rest) or any(c in rest for c in "/?#@\\"):
        fail("INVALID_INPUT", "gateway must be scheme://host[:port]")
    if rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            fail("INVALID_INPUT", "bad IPv6 literal")
        host, after = rest[:end + 1], rest[end + 1:]
    else:
        host, _, port = rest.partition(":")
        after = ":" + port if _ else ""
    if not host or host == "[]":
        fail("INVALID_INPUT", "empty host")
    if after:
        if not re.fullmatch(r":[0-9]{1,5}", after) or not 1 <= int(after[1:]) <= 65535:
            fail("INVALID_INPUT", "bad port")
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        fail("INVALID_INPUT", "http only for loopback")
    return f"{scheme}://{rest}"


DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024  # 4 MiB


def check_body_size(client, body: bytes):
    """Checked first, before anything else looks at a body (nothing is authenticated yet)."""
    if len(body) > client.max_body_bytes:
        fail("INVALID_INPUT", f"body of {len(body)} bytes over max_body_bytes")


def bad_path_char(ch: str) -> bool:
    """Unicode White_Space or a control character (general category Cc)."""
    return ch in UNICODE_WS or unicodedata.category(ch) == "Cc"


class Client:
    def __init__(self, cfg: dict):
        cid = cfg["client_id"]
        if not cid or len(cid) > 256 or not visible_ascii(cid):
            fail("INVALID_INPUT", "client_id")
        self.client_id = cid
        self.max_body_bytes = cfg.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)
        assert isinstance(self.max_body_bytes, int) and self.max_body_bytes >= 0
        region = cfg.get("region", "asia")
        self.gateway = REGIONS[region]
        if "gateway_url" in cfg:
            self.gateway = validate_gateway(cfg["gateway_url"])
        env = cfg.get("environment")
        self.api_key = cfg.get("api_key")
        if self.api_key is not None:
            m = API_KEY_RE.fullmatch(self.api_key)
            if not m:
                fail("INVALID_KEY", "api key format")
            if "agent_token" in cfg:
                fail("INVALID_INPUT", "agent_token with an API key")
            key_sandbox = m.group(2) == "TEST"
            if env is not None and (env == "sandbox") != key_sandbox:
                fail("INVALID_INPUT", "environment contradicts the API key")
            self.sandbox = key_sandbox
        else:
            self.sandbox = env == "sandbox" if env is not None else cid.startswith("SANDBOX_")
        self.key_version = cfg.get("key_version", 1)
        assert 0 <= self.key_version <= 0xFFFFFFFF
        self.agent_token = cfg.get("agent_token")
        if self.agent_token is not None:
            if not 1 <= len(self.agent_token) <= 128 or not visible_ascii(self.agent_token):
                fail("INVALID_INPUT", "agent_token")
        self.private_key = None
        # external_signer.json: the public half of the KMS/HSM key, when configured.
        self.merchant_public_key = None
        if "merchant_public_key_file" in cfg:
            self.merchant_public_key = parse_public_text(read_text(cfg["merchant_public_key_file"]))
        if "private_key_file" in cfg:
            self.private_key = parse_private_text(read_text(cfg["private_key_file"]))
        # The Antom key ring: [(key, keyVersion tag or None)], tried in this order.
        if "antom_keys" in cfg:
            self.antom_keys = [(parse_public_text(read_text(k["key_file"])), k.get("key_version"))
                               for k in cfg["antom_keys"]]
        else:
            self.antom_keys = [(parse_public_text(read_text(cfg["antom_public_key_file"])), None)]
        check_ring(self.antom_keys)
        merchant = self.merchant_public_key
        if self.private_key is not None:
            merchant = self.private_key.public_key()
        if merchant is not None and any(spki_der(k) == spki_der(merchant) for k, _ in self.antom_keys):
            fail("WRONG_KEY", "the Antom key ring holds the merchant's own public key")


# ---------------------------------------------------------------------------------------
# The Antom key ring (keyVersion selection) and fingerprints
# ---------------------------------------------------------------------------------------

MAX_RING_KEYS = 4


def check_ring(ring):
    if not 1 <= len(ring) <= MAX_RING_KEYS:
        fail("INVALID_KEY", f"a ring of {len(ring)} keys")
    ders = [spki_der(k) for k, _ in ring]
    if len(set(ders)) != len(ders):
        fail("INVALID_KEY", "the same key twice")
    tags = [v for _, v in ring if v is not None]
    if len(set(tags)) != len(tags):
        fail("INVALID_KEY", "two keys with one keyVersion")


def fingerprint(pub) -> str:
    return "sha256:" + hashlib.sha256(spki_der(pub)).hexdigest()[:16]


def ring_candidates(ring, key_version):
    """The keys a message naming `key_version` (None: no keyVersion) is tried against."""
    if key_version is None:
        return list(ring)
    tagged = [(k, v) for k, v in ring if v == key_version]
    if tagged:
        return tagged
    untagged = [(k, v) for k, v in ring if v is None]
    if not untagged:
        fail("UNKNOWN_KEY_VERSION", f"keyVersion {key_version} is not in the ring")
    return untagged


def ring_verify(ring, content: bytes, parsed: dict) -> dict:
    """-> the verifying key's {key_version, fingerprint}; the failure rules of the core."""
    candidates = ring_candidates(ring, parsed["key_version"])
    decode_errors = []
    for key, tag in candidates:
        try:
            if verify(key, content, parsed["signature"]):
                return {"key_version": tag, "fingerprint": fingerprint(key)}
        except ProtocolError as error:
            decode_errors.append(error)
    if len(decode_errors) == len(candidates):
        raise decode_errors[-1]
    fail("SIGNATURE_MISMATCH", f"none of {len(candidates)} keys")


def resolve_path(api: str, sandbox: bool) -> str:
    a = api[1:] if api.startswith("/") else api
    if (
        not a
        or any(bad_path_char(ch) or ch in "?#%\\" for ch in a)
        or "//" in a
        or "/../" in a
        or "/./" in a
        or a.startswith("../")
        or a.startswith("./")
        or a.endswith("/..")
        or "://" in a
    ):
        fail("INVALID_INPUT", f"api {api!r}")
    # Decisions beyond the brief (see README of the report): an api that still starts with
    # "/" after stripping one (i.e. "//x"), and a "." or ".." segment anywhere (".", "..",
    # "x/."), are rejected too.
    if a.startswith("/") or any(seg in (".", "..") for seg in a.split("/")):
        fail("INVALID_INPUT", f"api {api!r}")
    path = "/" + a if a.startswith("ams/") else "/ams/api/" + a
    if sandbox:
        if not path.startswith("/ams/sandbox/") and path.startswith("/ams/api/"):
            path = "/ams/sandbox/api/" + path[len("/ams/api/"):]
    elif path.startswith("/ams/sandbox/"):
        fail("INVALID_INPUT", "sandbox path in production")
    return path


def _reject_constant(name):
    raise ValueError(name)


def json_object(body):
    """The body parsed as a JSON object, or None."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        value = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def prepare(cfg: dict, api: str, body, request_time: int) -> dict:
    """body: str, or bytes (which must be UTF-8)."""
    client = Client(cfg)
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    check_body_size(client, raw)
    path = resolve_path(api, client.sandbox)
    if json_object(raw) is None:
        fail("INVALID_INPUT", "body is not a UTF-8 JSON object")
    body = raw.decode("utf-8")
    if client.private_key is None and client.api_key is None:
        fail("INVALID_INPUT", "a verify-only client cannot prepare requests")
    if client.api_key is not None:
        return {
            "method": "POST",
            "url": client.gateway + path,
            "path": path,
            "headers": [
                ["Content-Type", "application/json; charset=UTF-8"],
                ["Authorization", "Bearer " + client.api_key],
            ],
            "body": body,
        }
    t = str(request_time)
    content = content_to_sign("POST", path, client.client_id, t, body)
    enc, _ = sign(client.private_key, content)
    headers = [
        ["Content-Type", "application/json; charset=UTF-8"],
        ["Client-Id", client.client_id],
        ["Request-Time", t],
        ["Signature", format_signature_header(client.key_version, enc)],
    ]
    if client.agent_token is not None:
        headers.append(["Agent-Token", client.agent_token])
    return {
        "method": "POST",
        "url": client.gateway + path,
        "path": path,
        "headers": headers,
        "body": body,
        "content": content.decode("utf-8"),
    }


# ---------------------------------------------------------------------------------------
# Response and notification verification
# ---------------------------------------------------------------------------------------

def header(headers, name):
    """The value of `name` (matched case-insensitively), optional spaces/tabs around it
    trimmed; None when absent or empty. INVALID_INPUT when it appears more than once."""
    found = None
    for n, v in headers:
        if n.lower() == name:
            if found is not None:
                fail("INVALID_INPUT", f"duplicate header {name}")
            found = v.strip(" \t")
    return found or None


def result_fields(obj):
    """-> (resultStatus, resultCode, resultMessage) of a body's `result` object; the status
    None unless it is a string, code and message '' unless they are strings."""
    result = obj.get("result") if obj is not None else None
    if not isinstance(result, dict):
        return None, "", ""
    text = lambda k: result.get(k) if isinstance(result.get(k), str) else ""
    status = result.get("resultStatus")
    return (status if isinstance(status, str) else None), text("resultCode"), text("resultMessage")


NEXT_ACTION = {"S": "DONE", "F": "FAILED", "U": "INQUIRE"}

# What a verified message says about the money (Outcome in the core). Settled from Antom's API
# reference, one table per API: resultStatus -> outcome, with the codes that mean "accepted, in
# progress" (U), and the inquiry APIs read the payment/refund status field instead of result.
OUTCOME_BY_API = {
    # api suffix: (outcome of S, outcome of F, U codes meaning PENDING)
    "v1/payments/pay": ("SUCCEEDED", "FAILED", {"PAYMENT_IN_PROCESS"}),
    "v1/payments/createPaymentSession": ("PENDING", "FAILED", set()),
    "v1/payments/refund": ("SUCCEEDED", "FAILED", {"REFUND_IN_PROCESS"}),
    "v1/payments/capture": ("SUCCEEDED", "FAILED", {"CAPTURE_IN_PROCESS", "PAYMENT_IN_PROCESS"}),
}
INQUIRY_STATUS = {
    "v1/payments/inquiryPayment": ("paymentStatus", {"SUCCESS": "SUCCEEDED", "FAIL": "FAILED",
                                                      "CANCELLED": "FAILED", "PROCESSING": "PENDING",
                                                      "PENDING": "PENDING"}),
    "v1/payments/inquiryRefund": ("refundStatus", {"SUCCESS": "SUCCEEDED", "FAIL": "FAILED",
                                                    "PROCESSING": "PENDING"}),
}


def response_outcome(path: str, status: str, code: str, obj: dict) -> str:
    """The outcome of a VERIFIED response (status already S/F/U) sent to resolved `path`."""
    api = re.sub(r"^/ams/(sandbox/)?api/", "", path)
    if status == "F" and code == "REPEAT_REQ_INCONSISTENT":
        return "UNKNOWN"  # a reused request id: says nothing about the first request
    if api in INQUIRY_STATUS:
        field, table = INQUIRY_STATUS[api]
        value = obj.get(field)
        return table.get(value, "UNKNOWN") if status == "S" and isinstance(value, str) else "UNKNOWN"
    on_s, on_f, pending = OUTCOME_BY_API.get(api, ("SUCCEEDED", "FAILED", set()))
    return {"S": on_s, "F": on_f}.get(status, "PENDING" if code in pending else "UNKNOWN")


def notification_outcome(notify_type, obj: dict) -> str:
    status, _, _ = result_fields(obj)
    final = {"S": "SUCCEEDED", "F": "FAILED"}
    if notify_type in ("PAYMENT_RESULT", "CAPTURE_RESULT"):
        return final.get(status, "UNKNOWN")
    if notify_type == "PAYMENT_PENDING":
        return "PENDING"
    if notify_type == "REFUND_RESULT":
        # refundStatus (required) is the refund's result; `result` S may only mean "accepted".
        # A result that contradicts it (or is U) makes the outcome unknown.
        allowed = {"SUCCESS": (None, "S"), "FAIL": (None, "S", "F")}
        refund_status = obj.get("refundStatus")
        if isinstance(refund_status, str) and refund_status in allowed and status in allowed[refund_status]:
            return {"SUCCESS": "SUCCEEDED", "FAIL": "FAILED"}[refund_status]
        return "UNKNOWN"
    return "UNKNOWN"


def verify_response(cfg: dict, path: str, headers, body: bytes) -> dict:
    client = Client(cfg)
    check_body_size(client, body)
    p = resolve_path(path, client.sandbox)
    # Only the signature and response-time headers decide whether the response is signed;
    # client-id is looked at only when it is.
    sig, rt = header(headers, "signature"), header(headers, "response-time")
    if sig is not None and rt is not None:
        parsed = parse_signature_header(sig)
        cid = header(headers, "client-id")
        if cid is None:
            fail("MISSING_HEADER", "client-id")
        if cid != client.client_id:
            fail("CLIENT_ID_MISMATCH")
        content = content_to_sign("POST", p, cid, rt, body)
        verified_by = ring_verify(client.antom_keys, content, parsed)
        status, code, message = result_fields(json_object(body))
        if status is None:
            fail("INVALID_INPUT", "no result.resultStatus")
        if status not in NEXT_ACTION:
            status = "U"
        return {"verified": True, "result_status": status, "result_code": code,
                "result_message": message, "next_action": NEXT_ACTION[status],
                "outcome": response_outcome(p, status, code, json_object(body)),
                "verified_by": verified_by}
    if sig is None and rt is None:
        status, code, message = result_fields(json_object(body))
        if status not in ("F", "U"):
            fail("UNSIGNED_RESPONSE")
        # Anyone on the path can forge an unsigned F: its status stays visible, but the next
        # action of an unverified response is always INQUIRE.
        return {"verified": False, "result_status": status, "result_code": code,
                "result_message": message, "next_action": "INQUIRE", "outcome": "UNKNOWN",
                "verified_by": None}
    fail("MISSING_HEADER", "half-signed response")


NOTIFY_TYPE_FIELDS = ("notifyType", "authorizationNotifyType", "disputeNotificationType",
                      "subscriptionNotificationType")


DEDUP_ID_FIELDS = ("refundId", "captureId", "disputeId", "refundRequestId", "captureRequestId",
                   "paymentId", "paymentRequestId", "authPaymentId")


def dedup_key(obj: dict, notify_type, body: bytes) -> str:
    for f in DEDUP_ID_FIELDS:
        v = obj.get(f)
        if isinstance(v, str) and v:
            return f"{notify_type or ''}:{f}={v}"
    return "sha256:" + hashlib.sha256(body).hexdigest()


# An ISO-8601 date-time with a zone, as Antom's notifications carry it: 2019-07-12T12:08:56+05:30,
# ...T06:38:56.250Z, ...+0800 (PHP's DATE_ISO8601). The calendar and the offset are Python's
# datetime here (the core does its own arithmetic); milliseconds are the fraction's first three
# digits (up to 9), truncated.
ISO_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
                      r"(?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))")


def request_time_ms(request_time: str):
    if re.fullmatch(r"[0-9]{1,19}", request_time):
        value = int(request_time)
        return value if value <= 2**64 - 1 else None
    m = ISO_TIME.fullmatch(request_time)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, utc, sign, off_h, off_m = m.groups()[6:]
    if utc:
        zone = datetime.timezone.utc
    else:
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        delta = datetime.timedelta(hours=int(off_h), minutes=int(off_m))
        zone = datetime.timezone(delta if sign == "+" else -delta)
    try:
        when = datetime.datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:   # month 13, 29 February of a common year, second 60, ...
        return None
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    ms = (when - epoch) // datetime.timedelta(milliseconds=1) + int((fraction or "0")[:3].ljust(3, "0"))
    return ms if ms >= 0 else None


def check_freshness(request_time: str, freshness: dict):
    ms = request_time_ms(request_time)
    if ms is None:
        fail("INVALID_INPUT", "request-time is neither epoch milliseconds nor ISO-8601 with a zone")
    if abs(freshness["now_ms"] - ms) > freshness["max_age_ms"]:
        fail("INVALID_INPUT", "request-time outside the freshness window")


def verify_notification(cfg: dict, path: str, headers, body: bytes, freshness=None) -> dict:
    client = Client(cfg)
    check_body_size(client, body)
    if not path.startswith("/") or any(bad_path_char(ch) for ch in path) or "://" in path:
        fail("INVALID_INPUT", "notification path")
    h = {}
    for name in ("signature", "request-time", "client-id"):
        h[name] = header(headers, name)
        if h[name] is None:
            fail("MISSING_HEADER", name)
    parsed = parse_signature_header(h["signature"])
    cid, rt = h["client-id"], h["request-time"]
    if cid != client.client_id:
        fail("CLIENT_ID_MISMATCH")
    if freshness is not None:
        check_freshness(rt, freshness)
    verified_by = ring_verify(client.antom_keys, content_to_sign("POST", path, cid, rt, body), parsed)
    obj = json_object(body)
    if obj is None:
        fail("INVALID_INPUT", "notification body is not a JSON object")
    notify_type = None
    for f in NOTIFY_TYPE_FIELDS:
        if isinstance(obj.get(f), str):
            notify_type = obj[f]
            break
    status, _, _ = result_fields(obj)
    if status is not None and status not in ("S", "F", "U"):
        status = "U"
    return {"notify_type": notify_type, "result_status": status, "client_id": cid,
            "request_time": rt, "dedup_key": dedup_key(obj, notify_type, body),
            "outcome": notification_outcome(notify_type, obj), "verified_by": verified_by}


# ---------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------

# ISO 4217 fund codes: units of account, not payment currencies (Antom accepts none of them).
FUND_CODES = ("BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW")
ISO_EXPONENTS = {c.code: c.exponent for c in iso4217.Currency if c.exponent is not None}
assert all(code in ISO_EXPONENTS for code in FUND_CODES)
CURRENCY_EXPONENTS = {code: e for code, e in ISO_EXPONENTS.items() if code not in FUND_CODES}
NO_MINOR_UNIT = sorted(c.code for c in iso4217.Currency if c.exponent is None)
assert set(CURRENCY_EXPONENTS.values()) == {0, 2, 3}, set(CURRENCY_EXPONENTS.values())


def currency_exponent(code: str) -> int:
    if not re.fullmatch(r"[A-Z]{3}", code) or code not in CURRENCY_EXPONENTS:
        fail("UNSUPPORTED_CURRENCY", code)
    return CURRENCY_EXPONENTS[code]


def to_minor_units(amount: str, currency: str) -> str:
    e = currency_exponent(currency)
    m = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?", amount)
    if not m:
        fail("INVALID_AMOUNT", "grammar")
    ip, fp = m.group(1), m.group(2) or ""
    if fp[e:].strip("0"):
        fail("INVALID_AMOUNT", "too many fractional digits")
    digits = (ip + fp[:e].ljust(e, "0")).lstrip("0") or "0"
    if digits == "0":
        fail("INVALID_AMOUNT", "zero")
    if len(digits) > 16:
        fail("INVALID_AMOUNT", "too long")
    # Antom takes IDR in whole rupiah (the official Python SDK 1.7.1 enforces it).
    if currency == "IDR" and not digits.endswith("00"):
        fail("INVALID_AMOUNT", "IDR with sen")
    return digits


def from_minor_units(value: str, currency: str) -> str:
    e = currency_exponent(currency)
    if not re.fullmatch(r"[0-9]{1,16}", value):
        fail("INVALID_AMOUNT", "value")
    v = value.lstrip("0") or "0"
    if e == 0:
        return v
    v = v.rjust(e + 1, "0")
    return v[:-e] + "." + v[-e:]


# ---------------------------------------------------------------------------------------
# Case building
# ---------------------------------------------------------------------------------------

def run(fn, *args) -> dict:
    try:
        return fn(*args)
    except ProtocolError as e:
        return {"error": e.code}


def case(cid: str, description: str, input_: dict, expect: dict) -> dict:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cid), cid
    return {"id": cid, "description": description, "input": input_, "expect": expect}


def check_expected(c: dict, want):
    """want: None (no assertion), an error code, or 'ok'."""
    if want is None:
        return
    got = c["expect"].get("error", "ok")
    assert got == want, f"case {c['id']}: expected {want}, model says {got}"


# Shared realistic data ---------------------------------------------------------------

DOC_CLIENT = "SANDBOX_5X00000000000000"
DOC_TIME = 1685599933871
PROD_CLIENT = "5J5YEX4C2YQK01523"
SBX_CLIENT = "SANDBOX_5YBX2N2ZQ4K801234"
RESPONSE_TIME = "2025-05-19T01:52:32Z"
NOTIFY_TIME = "2019-07-12T12:08:56+05:30"
PAY_PATH = "/ams/api/v1/payments/pay"
SBX_PAY_PATH = "/ams/sandbox/api/v1/payments/pay"

PAY_REQUEST = {
    "productCode": "CASHIER_PAYMENT",
    "paymentRequestId": "pay_20250519_000001",
    "order": {
        "referenceOrderId": "ORDER_20250519_000001",
        "orderDescription": "Cappuccino x2",
        "orderAmount": {"currency": "USD", "value": "1000"},
    },
    "paymentAmount": {"currency": "USD", "value": "1000"},
    "paymentMethod": {"paymentMethodType": "ALIPAY_HK"},
    "paymentRedirectUrl": "https://merchant.example/checkout/result",
    "paymentNotifyUrl": "https://merchant.example/antom/notify",
    "settlementStrategy": {"settlementCurrency": "USD"},
    "env": {"terminalType": "WEB"},
}
PAY_BODY = compact(PAY_REQUEST)
PAY_BODY_PRETTY = json.dumps(PAY_REQUEST, indent=4, ensure_ascii=False)
DOC_BODY = json.dumps({
    "env": {"terminalType": "WEB"},
    "order": {
        "orderAmount": {"currency": "USD", "value": "100"},
        "orderDescription": "Cappuccino #grande (Mika's coffee shop)",
        "referenceOrderId": "ORDER_20230601_0001",
    },
    "paymentAmount": {"currency": "USD", "value": "100"},
    "paymentMethod": {"paymentMethodType": "ALIPAY_HK"},
    "paymentNotifyUrl": "https://www.alipay.com/notify",
    "paymentRedirectUrl": "https://www.alipay.com",
    "paymentRequestId": "pay_1685599933871",
    "productCode": "CASHIER_PAYMENT",
    "settlementStrategy": {"settlementCurrency": "USD"},
}, indent=4)

UNICODE_REQUEST = dict(PAY_REQUEST, paymentRequestId="pay_20250519_000002",
                       order={"referenceOrderId": "ORDER_CJK_0002",
                              "orderDescription": "珍珠奶茶 (大杯) — 香港 🧋 café",
                              "orderAmount": {"currency": "HKD", "value": "3800"}},
                       paymentAmount={"currency": "HKD", "value": "3800"})
UNICODE_BODY = compact(UNICODE_REQUEST)

INQUIRY_BODY = compact({"paymentRequestId": "pay_20250519_000001"})
REFUND_BODY = compact({"refundRequestId": "refund_20250519_000001",
                       "paymentId": "20250519194010890100111010001234567",
                       "refundAmount": {"currency": "USD", "value": "500"},
                       "refundReason": "customer request"})

RESP_S = {
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
    "paymentRequestId": "pay_20250519_000001",
    "paymentId": "20250519194010890100111010001234567",
    "paymentAmount": {"currency": "USD", "value": "1000"},
    "paymentCreateTime": "2025-05-18T18:52:32-07:00",
    "normalUrl": "https://open-sea-global.alipay.com/api/open/cashier?token=abc123",
}
RESP_F = {"result": {"resultCode": "PARAM_ILLEGAL", "resultStatus": "F",
                     "resultMessage": "Illegal parameters. For example, non-numeric input, invalid date."}}
RESP_U = {"result": {"resultCode": "PAYMENT_IN_PROCESS", "resultStatus": "U",
                     "resultMessage": "payment in process"},
          "paymentRequestId": "pay_20250519_000001",
          "paymentAmount": {"currency": "USD", "value": "1000"}}
RESP_GW_F = {"result": {"resultCode": "SIGNATURE_INVALID", "resultStatus": "F",
                        "resultMessage": "The signature is invalid."}}
RESP_GW_U = {"result": {"resultCode": "UNKNOWN_EXCEPTION", "resultStatus": "U",
                        "resultMessage": "An API calling is failed, which is caused by unknown reasons."}}

NOTIFY_PAYMENT = {
    "notifyType": "PAYMENT_RESULT",
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
    "paymentRequestId": "pay_20190712_000001",
    "paymentId": "20190712194010800100188000000001",
    "paymentAmount": {"currency": "INR", "value": "100000"},
    "paymentCreateTime": "2019-07-12T12:08:50+05:30",
    "paymentTime": "2019-07-12T12:08:55+05:30",
}
NOTIFY_REFUND = {
    "notifyType": "REFUND_RESULT",
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
    "refundRequestId": "refund_20190712_000001",
    "refundId": "20190712194010800100188000000002",
    "refundAmount": {"currency": "INR", "value": "50000"},
    "refundStatus": "SUCCESS",
    "refundTime": "2019-07-12T12:08:56+05:30",
}
NOTIFY_AUTH = {
    "authorizationNotifyType": "TOKEN_CREATED",
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
    "authState": "STATE_20190712_0001",
    "accessToken": "281666040092356659FLB3qcb4uD9XYvSmYJF0Fa",
    "accessTokenExpiryTime": "2019-08-12T12:08:56+05:30",
}
NOTIFY_DISPUTE = {
    "disputeNotificationType": "DISPUTE_CREATED",
    "disputeId": "20190712194010800100188000000003",
    "paymentRequestId": "pay_20190712_000001",
    "disputeAmount": {"currency": "INR", "value": "100000"},
    "disputeReasonCode": "4853",
}
NOTIFY_SUBSCRIPTION = {
    "subscriptionNotificationType": "CREATE",
    "subscriptionRequestId": "sub_20190712_000001",
    "subscriptionId": "20190712194010800100188000000004",
    "subscriptionStatus": "ACTIVE",
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
}

ONE_MB_UNIT = "0123456789abcdef"
ONE_MB_COUNT = 65536  # 16 * 65536 = 1 MiB


def one_mb_body() -> dict:
    return repeat_text('{"paymentRequestId":"pay_1mb","memo":"', ONE_MB_UNIT, ONE_MB_COUNT, '"}')


def cfg_prod(**kw) -> dict:
    c = {"client_id": PROD_CLIENT, "private_key_file": MERCHANT_PRIV, "antom_public_key_file": ANTOM_PUB}
    c.update(kw)
    return c


def cfg_sbx(**kw) -> dict:
    return cfg_prod(client_id=SBX_CLIENT, **kw)


def cfg_verify_only(**kw) -> dict:
    """Neither a private key nor an API key: the client can verify but not prepare."""
    c = {"client_id": PROD_CLIENT, "antom_public_key_file": ANTOM_PUB}
    c.update(kw)
    return c


def cfg_api_key(**kw) -> dict:
    c = {"client_id": PROD_CLIENT, "api_key": API_KEY_PROD, "antom_public_key_file": ANTOM_PUB}
    c.update(kw)
    return c


# ---------------------------------------------------------------------------------------
# keys.json
# ---------------------------------------------------------------------------------------

def pem(label: str, der: bytes, width: int = 64, eol: str = "\n") -> str:
    s = b64(der)
    lines = [s[i:i + width] for i in range(0, len(s), width)]
    return eol.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]) + eol


def sprinkle_ws(s: str) -> str:
    """Insert spaces, tabs, CR and LF at fixed places inside a base64 string."""
    out = []
    for i, ch in enumerate(s):
        if i and i % 64 == 0:
            out.append("\r\n")
        elif i and i % 37 == 0:
            out.append("\t")
        elif i and i % 10 == 0:
            out.append(" ")
        out.append(ch)
    return "".join(out)


def ssh_string(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def ssh_mpint(n: int) -> bytes:
    b = n.to_bytes((n.bit_length() + 8) // 8, "big") if n else b""
    return ssh_string(b)


def openssh_private_pem(key) -> str:
    """An "OPENSSH PRIVATE KEY" of `key`, deterministic (fixed check integer)."""
    pn = key.private_numbers()
    pubn = pn.public_numbers
    pub_blob = ssh_string(b"ssh-rsa") + ssh_mpint(pubn.e) + ssh_mpint(pubn.n)
    check = (0x5EED5EED).to_bytes(4, "big")
    priv = (check + check + ssh_string(b"ssh-rsa") + ssh_mpint(pubn.n) + ssh_mpint(pubn.e)
            + ssh_mpint(pn.d) + ssh_mpint(pn.iqmp) + ssh_mpint(pn.p) + ssh_mpint(pn.q)
            + ssh_string(b"TEST-ONLY merchant key"))
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    blob = (b"openssh-key-v1\x00" + ssh_string(b"none") + ssh_string(b"none") + ssh_string(b"")
            + (1).to_bytes(4, "big") + ssh_string(pub_blob) + ssh_string(priv))
    text = pem("OPENSSH PRIVATE KEY", blob, width=70)
    loaded = serialization.load_ssh_private_key(text.encode(), password=None)
    assert loaded.private_numbers() == pn
    return text


# A TEST-ONLY 8200-bit RSA key (just over the 8192-bit private-key limit), built
# deterministically so that no extra key file is needed: p and q are the first primes at
# base + 2k of a SHA-256 expansion of a fixed tag (the offsets were found once and are
# re-checked with Miller-Rabin on every run).
RSA8200_OFFSETS = (("TEST-ONLY rsa8200 p", 1751), ("TEST-ONLY rsa8200 q", 254))


def _expand_odd(tag: str, bits: int) -> int:
    out, i = b"", 0
    while len(out) * 8 < bits:
        out += hashlib.sha256(f"{tag}:{i}".encode()).digest()
        i += 1
    n = int.from_bytes(out, "big") >> (len(out) * 8 - bits)
    return n | (3 << (bits - 2)) | 1


def _probable_prime(n: int, rounds: int = 3) -> bool:
    if any(n % p == 0 for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
        return False
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in (2, 3, 5, 7, 11, 13)[:rounds]:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def rsa8200_private_der() -> bytes:
    p, q = (_expand_odd(tag, 4100) + 2 * k for tag, k in RSA8200_OFFSETS)
    assert _probable_prime(p) and _probable_prime(q)
    e = 65537
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                    rsa.RSAPublicNumbers(e, p * q))
    key = numbers.private_key(unsafe_skip_rsa_key_validation=True)
    assert key.key_size == 8200
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def test_certificate(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TEST-ONLY antom-core vectors")])
    import datetime
    builder = (x509.CertificateBuilder()
               .subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(0x0A0B0C0D)
               .not_valid_before(datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc))
               .not_valid_after(datetime.datetime(2035, 1, 1, tzinfo=datetime.timezone.utc)))
    cert = builder.sign(key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.DER)


def keys_cases() -> list:
    cases = []
    merchant = private_key(MERCHANT_PRIV)
    m_p8 = merchant.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    m_p1 = merchant.private_bytes(serialization.Encoding.DER,
                                  serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption())
    m_spki = spki_der(merchant.public_key())
    m_pub_p1 = merchant.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.PKCS1)
    assert b64_strict(strip_key_ws(read_text(MERCHANT_PRIV))) == m_p8
    assert b64_strict(strip_key_ws(read_text(MERCHANT_PUB))) == m_spki
    ec_p8 = b64_strict(strip_key_ws(read_text(priv_file("ec-p256"))))
    ec_key = serialization.load_der_private_key(ec_p8, None)
    assert isinstance(ec_key, ec.EllipticCurvePrivateKey)
    ec_sec1_pem = ec_key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()).decode()
    ec_spki = b64_strict(strip_key_ws(read_text(pub_file("ec-p256"))))
    small_p8 = b64_strict(strip_key_ws(read_text(priv_file("rsa1024"))))
    small_key = serialization.load_der_private_key(small_p8, None)
    small_p1 = small_key.private_bytes(serialization.Encoding.DER,
                                       serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption())
    enc_text = read_text(ENCRYPTED_PKCS8_FILE)
    enc_lines = enc_text.strip().splitlines()
    assert enc_lines[0] == "-----BEGIN ENCRYPTED PRIVATE KEY-----", enc_lines[0]
    assert enc_lines[-1] == "-----END ENCRYPTED PRIVATE KEY-----", enc_lines[-1]
    enc_der = b64_strict("".join(enc_lines[1:-1]))
    cert_der = test_certificate(merchant)
    m_spki_b64 = b64(m_spki)
    m_expect = {"bits": 2048, "public_key_base64": m_spki_b64}

    def add(cid, desc, inp, want):
        if "text" in inp:
            res = run(lambda: key_expect((parse_private_text if inp["kind"] == "private"
                                          else parse_public_text)(inp["text"])))
        elif "text_file" in inp:
            res = run(lambda: key_expect((parse_private_text if inp["kind"] == "private"
                                          else parse_public_text)(read_text(inp["text_file"]))))
        else:
            der = base64.b64decode(inp["der_base64"])
            res = run(lambda: key_expect(load_private_der(der) if inp["kind"] == "private"
                                         else load_public_der(der)))
        c = case(cid, desc, inp, res)
        if isinstance(want, dict):
            assert res == want, (cid, res)
        else:
            check_expected(c, want)
        cases.append(c)

    # --- private keys: accepted forms ----------------------------------------------
    P = "private"
    add("private-dashboard-base64-file", "the dashboard form: one-line base64 PKCS#8 read from a file "
        "(trailing newline included)", {"kind": P, "text_file": MERCHANT_PRIV}, m_expect)
    add("private-dashboard-base64-inline", "one-line base64 PKCS#8, no surrounding whitespace",
        {"kind": P, "text": b64(m_p8)}, m_expect)
    add("private-base64-pkcs1-bare", "one-line base64 of a PKCS#1 RSAPrivateKey (no PEM armour)",
        {"kind": P, "text": b64(m_p1)}, m_expect)
    add("private-pem-pkcs8", "PEM 'PRIVATE KEY' (PKCS#8), 64-column lines, LF",
        {"kind": P, "text": pem("PRIVATE KEY", m_p8)}, m_expect)
    add("private-pem-pkcs8-crlf", "PEM 'PRIVATE KEY' with CRLF line endings",
        {"kind": P, "text": pem("PRIVATE KEY", m_p8, eol="\r\n")}, m_expect)
    add("private-pem-pkcs8-no-final-newline", "PEM 'PRIVATE KEY' without a newline after the END line",
        {"kind": P, "text": pem("PRIVATE KEY", m_p8).rstrip("\n")}, m_expect)
    add("private-pem-pkcs8-76-columns", "PEM 'PRIVATE KEY' wrapped at 76 columns",
        {"kind": P, "text": pem("PRIVATE KEY", m_p8, width=76)}, m_expect)
    add("private-pem-pkcs8-surrounding-whitespace", "PEM with leading and trailing blank lines, "
        "spaces and tabs", {"kind": P, "text": "\n \t\r\n" + pem("PRIVATE KEY", m_p8) + "\n\t  \n"},
        m_expect)
    add("private-pem-pkcs1", "PEM 'RSA PRIVATE KEY' with a PKCS#1 body",
        {"kind": P, "text": pem("RSA PRIVATE KEY", m_p1)}, m_expect)
    add("private-pem-pkcs1-crlf", "PEM 'RSA PRIVATE KEY' (PKCS#1) with CRLF line endings",
        {"kind": P, "text": pem("RSA PRIVATE KEY", m_p1, eol="\r\n")}, m_expect)
    add("private-pem-rsa-label-pkcs8-body", "PEM labelled 'RSA PRIVATE KEY' whose body is PKCS#8 "
        "(seen in the wild): accepted", {"kind": P, "text": pem("RSA PRIVATE KEY", m_p8)}, m_expect)
    add("private-base64-wrapped-lf", "base64 PKCS#8 wrapped at 64 columns with LF, no armour",
        {"kind": P, "text": "\n".join(b64(m_p8)[i:i + 64] for i in range(0, len(b64(m_p8)), 64))},
        m_expect)
    add("private-base64-whitespace-everywhere", "base64 PKCS#8 with spaces, tabs, CR and LF inside",
        {"kind": P, "text": sprinkle_ws(b64(m_p8))}, m_expect)
    add("private-base64-leading-trailing-whitespace", "base64 PKCS#8 with leading/trailing whitespace",
        {"kind": P, "text": " \t\r\n" + b64(m_p8) + "\r\n \t"}, m_expect)
    add("private-der-pkcs8", "from_der with PKCS#8 DER", {"kind": P, "der_base64": b64(m_p8)}, m_expect)
    add("private-der-pkcs1", "from_der with PKCS#1 DER", {"kind": P, "der_base64": b64(m_p1)}, m_expect)
    for name, bits in (("antom", 2048), ("other", 2048), ("rsa3072", 3072), ("rsa4096", 4096),
                       ("rsa8192", 8192)):
        k = private_key(priv_file(name))
        add(f"private-{name}-file", f"{bits}-bit RSA private key, dashboard form"
            + (" (private keys up to 8192 bits are accepted)" if bits > 4096 else ""),
            {"kind": P, "text_file": priv_file(name)}, {"bits": bits, **{
                "public_key_base64": b64(spki_der(k.public_key()))}})

    # --- private keys: rejected ----------------------------------------------------
    E = "INVALID_KEY"
    big_der = rsa8200_private_der()
    add("private-rsa8200-too-large", "an 8200-bit RSA private key: over the 8192-bit limit",
        {"kind": P, "text": b64(big_der)}, E)
    add("private-rsa8200-too-large-der", "the same 8200-bit key via from_der", {"kind": P, "der_base64": b64(big_der)}, E)
    add("private-encrypted-pkcs8-pem", "encrypted PKCS#8 ('ENCRYPTED PRIVATE KEY', password 'test')",
        {"kind": P, "text_file": ENCRYPTED_PKCS8_FILE}, E)
    add("private-encrypted-pkcs8-base64", "the same encrypted PKCS#8 as bare base64",
        {"kind": P, "text": b64(enc_der)}, E)
    add("private-encrypted-pkcs8-der", "the same encrypted PKCS#8 via from_der",
        {"kind": P, "der_base64": b64(enc_der)}, E)
    add("private-legacy-encrypted-pem", "legacy OpenSSL-encrypted 'RSA PRIVATE KEY' "
        "(Proc-Type: 4,ENCRYPTED / DEK-Info headers)", {"kind": P, "text_file": LEGACY_ENCRYPTED_FILE}, E)
    add("private-ec-pkcs8-base64", "EC P-256 PKCS#8, base64 (not RSA)",
        {"kind": P, "text_file": priv_file("ec-p256")}, E)
    add("private-ec-pkcs8-pem", "EC P-256 PKCS#8 as PEM 'PRIVATE KEY'",
        {"kind": P, "text": pem("PRIVATE KEY", ec_p8)}, E)
    add("private-ec-sec1-pem", "EC P-256 as PEM 'EC PRIVATE KEY'", {"kind": P, "text": ec_sec1_pem}, E)
    add("private-ec-pkcs8-der", "EC P-256 PKCS#8 via from_der", {"kind": P, "der_base64": b64(ec_p8)}, E)
    add("private-rsa1024-base64", "RSA-1024 PKCS#8 (too small)", {"kind": P, "text_file": priv_file("rsa1024")}, E)
    add("private-rsa1024-pem-pkcs1", "RSA-1024 as PEM 'RSA PRIVATE KEY' (too small)",
        {"kind": P, "text": pem("RSA PRIVATE KEY", small_p1)}, E)
    add("private-rsa1024-der", "RSA-1024 PKCS#8 via from_der (too small)",
        {"kind": P, "der_base64": b64(small_p8)}, E)
    add("private-given-public-spki-base64", "a public key (base64 SPKI) passed as private",
        {"kind": P, "text_file": MERCHANT_PUB}, E)
    add("private-given-public-pem", "a public key (PEM 'PUBLIC KEY') passed as private",
        {"kind": P, "text": pem("PUBLIC KEY", m_spki)}, E)
    add("private-given-rsa-public-pem", "a public key (PEM 'RSA PUBLIC KEY') passed as private",
        {"kind": P, "text": pem("RSA PUBLIC KEY", m_pub_p1)}, E)
    add("private-given-public-der", "SPKI DER passed to from_der for a private key",
        {"kind": P, "der_base64": b64(m_spki)}, E)
    add("private-empty", "empty text", {"kind": P, "text": ""}, E)
    add("private-whitespace-only", "whitespace-only text", {"kind": P, "text": " \t\r\n  "}, E)
    add("private-garbage", "not base64 at all", {"kind": P, "text": "this is not a key!"}, E)
    add("private-invalid-base64-char", "base64 PKCS#8 with one character replaced by '!'",
        {"kind": P, "text": b64(m_p8)[:100] + "!" + b64(m_p8)[101:]}, E)
    urlsafe = b64(m_p8).replace("+", "-").replace("/", "_")
    assert urlsafe != b64(m_p8)
    add("private-url-safe-base64", "base64url alphabet ('-', '_') instead of the standard one",
        {"kind": P, "text": urlsafe}, E)
    add("private-truncated-base64", "base64 of the first 600 bytes of the PKCS#8 DER",
        {"kind": P, "text": b64(m_p8[:600])}, E)
    add("private-truncated-der", "from_der with the PKCS#8 DER minus its last 16 bytes",
        {"kind": P, "der_base64": b64(m_p8[:-16])}, E)
    add("private-der-garbage", "from_der with 32 bytes that are not DER",
        {"kind": P, "der_base64": b64(bytes(range(32)))}, E)
    add("private-pem-end-label-mismatch", "BEGIN PRIVATE KEY ... END RSA PRIVATE KEY",
        {"kind": P, "text": pem("PRIVATE KEY", m_p8).replace("-----END PRIVATE KEY-----",
                                                             "-----END RSA PRIVATE KEY-----")}, E)
    add("private-pem-missing-end", "PEM without its END line",
        {"kind": P, "text": pem("PRIVATE KEY", m_p8).replace("-----END PRIVATE KEY-----\n", "")}, E)
    add("private-openssh", "an 'OPENSSH PRIVATE KEY' of the same RSA key",
        {"kind": P, "text": openssh_private_pem(merchant)}, E)
    add("private-certificate-pem", "an X.509 'CERTIFICATE' (of the merchant key)",
        {"kind": P, "text": pem("CERTIFICATE", cert_der)}, E)
    add("private-certificate-der", "an X.509 certificate via from_der",
        {"kind": P, "der_base64": b64(cert_der)}, E)

    # --- public keys: accepted -----------------------------------------------------
    U = "public"
    add("public-spki-base64-file", "the dashboard form: one-line base64 SPKI from a file",
        {"kind": U, "text_file": MERCHANT_PUB}, m_expect)
    add("public-spki-base64-inline", "one-line base64 SPKI", {"kind": U, "text": m_spki_b64}, m_expect)
    add("public-pkcs1-base64-bare", "one-line base64 PKCS#1 RSAPublicKey",
        {"kind": U, "text": b64(m_pub_p1)}, m_expect)
    add("public-pem-spki", "PEM 'PUBLIC KEY'", {"kind": U, "text": pem("PUBLIC KEY", m_spki)}, m_expect)
    add("public-pem-spki-crlf", "PEM 'PUBLIC KEY' with CRLF",
        {"kind": U, "text": pem("PUBLIC KEY", m_spki, eol="\r\n")}, m_expect)
    add("public-pem-pkcs1", "PEM 'RSA PUBLIC KEY' (PKCS#1)",
        {"kind": U, "text": pem("RSA PUBLIC KEY", m_pub_p1)}, m_expect)
    add("public-pem-surrounding-whitespace", "PEM 'PUBLIC KEY' with leading/trailing whitespace",
        {"kind": U, "text": "\r\n\t " + pem("PUBLIC KEY", m_spki) + " \n\n"}, m_expect)
    add("public-base64-whitespace-everywhere", "base64 SPKI with spaces, tabs, CR and LF inside",
        {"kind": U, "text": sprinkle_ws(m_spki_b64)}, m_expect)
    add("public-der-spki", "from_der with SPKI DER", {"kind": U, "der_base64": m_spki_b64}, m_expect)
    add("public-der-pkcs1", "from_der with PKCS#1 RSAPublicKey DER",
        {"kind": U, "der_base64": b64(m_pub_p1)}, m_expect)
    for name, bits in (("antom", 2048), ("other", 2048), ("rsa3072", 3072), ("rsa4096", 4096)):
        pk = public_key(pub_file(name))
        add(f"public-{name}-file", f"{bits}-bit RSA public key, base64 SPKI",
            {"kind": U, "text_file": pub_file(name)},
            {"bits": bits, "public_key_base64": b64(spki_der(pk))})

    # --- public keys: rejected -----------------------------------------------------
    add("public-rsa1024", "RSA-1024 SPKI (too small)", {"kind": U, "text_file": pub_file("rsa1024")}, E)
    add("public-rsa8192", "RSA-8192 SPKI (public keys above 4096 bits are rejected)",
        {"kind": U, "text_file": pub_file("rsa8192")}, E)
    add("public-ec-spki-base64", "EC P-256 SPKI (not RSA)", {"kind": U, "text_file": pub_file("ec-p256")}, E)
    add("public-ec-spki-pem", "EC P-256 SPKI as PEM 'PUBLIC KEY'",
        {"kind": U, "text": pem("PUBLIC KEY", ec_spki)}, E)
    add("public-given-private-base64", "a private key (base64 PKCS#8) passed as public",
        {"kind": U, "text_file": MERCHANT_PRIV}, E)
    add("public-given-private-pkcs1-base64", "a private key (base64 PKCS#1) passed as public",
        {"kind": U, "text": b64(m_p1)}, E)
    add("public-given-private-pem", "a private key (PEM 'PRIVATE KEY') passed as public",
        {"kind": U, "text": pem("PRIVATE KEY", m_p8)}, E)
    add("public-given-rsa-private-pem", "a private key (PEM 'RSA PRIVATE KEY') passed as public",
        {"kind": U, "text": pem("RSA PRIVATE KEY", m_p1)}, E)
    add("public-given-private-der", "PKCS#8 private DER passed to from_der for a public key",
        {"kind": U, "der_base64": b64(m_p8)}, E)
    add("public-empty", "empty text", {"kind": U, "text": ""}, E)
    add("public-whitespace-only", "whitespace-only text", {"kind": U, "text": "\n\n  \t"}, E)
    add("public-garbage", "not base64", {"kind": U, "text": "-- not a key --"}, E)
    add("public-truncated-base64", "base64 of the SPKI DER minus its last 20 bytes",
        {"kind": U, "text": b64(m_spki[:-20])}, E)
    add("public-truncated-der", "from_der with a truncated SPKI", {"kind": U, "der_base64": b64(m_spki[:100])}, E)
    add("public-pem-end-label-mismatch", "BEGIN PUBLIC KEY ... END RSA PUBLIC KEY",
        {"kind": U, "text": pem("PUBLIC KEY", m_spki).replace("END PUBLIC KEY", "END RSA PUBLIC KEY")}, E)
    add("public-certificate-pem", "an X.509 'CERTIFICATE' is not a public key",
        {"kind": U, "text": pem("CERTIFICATE", cert_der)}, E)
    add("public-certificate-der", "an X.509 certificate via from_der", {"kind": U, "der_base64": b64(cert_der)}, E)
    return cases


# ---------------------------------------------------------------------------------------
# content.json
# ---------------------------------------------------------------------------------------

def content_cases() -> list:
    cases = []

    def add(cid, desc, method, path, client_id, time, body):
        inp = {"method": method, "path": path, "client_id": client_id, "time": time, "body": body}
        content = content_to_sign(method, path, client_id, time, materialize(body))
        if isinstance(body, dict):
            exp = {"content_sha256": hashlib.sha256(content).hexdigest(), "content_length": len(content)}
        else:
            exp = {"content": content.decode("utf-8")}
        cases.append(case(cid, desc, inp, exp))

    T = str(DOC_TIME)
    add("doc-example", "the documentation example: sandbox client id, epoch-millis time, "
        "pretty-printed body with 4-space indents", "POST", PAY_PATH, DOC_CLIENT, T, DOC_BODY)
    add("compact-body", "a compact JSON pay request", "POST", PAY_PATH, PROD_CLIENT, T, PAY_BODY)
    add("empty-body", "empty body: the content ends with the dot after the time",
        "POST", PAY_PATH, PROD_CLIENT, T, "")
    add("empty-object-body", "body '{}'", "POST", "/ams/api/v1/payments/inquiryPayment", PROD_CLIENT, T, "{}")
    add("sandbox-path", "sandbox path /ams/sandbox/api/...", "POST", SBX_PAY_PATH, SBX_CLIENT, T, PAY_BODY)
    add("iso8601-time", "an ISO-8601 request time is taken verbatim", "POST", PAY_PATH, PROD_CLIENT,
        "2019-05-28T12:12:12+08:00", INQUIRY_BODY)
    add("response-time-utc", "response-style time with Z suffix", "POST", PAY_PATH, PROD_CLIENT,
        RESPONSE_TIME, compact(RESP_S))
    add("unicode-cjk", "CJK characters in the body (UTF-8, not escaped)", "POST", PAY_PATH, PROD_CLIENT, T,
        compact({"paymentRequestId": "pay_cjk", "orderDescription": "支付宝 アリペイ 알리페이"}))
    add("unicode-emoji", "astral-plane emoji (4-byte UTF-8)", "POST", PAY_PATH, PROD_CLIENT, T,
        compact({"paymentRequestId": "pay_emoji", "orderDescription": "☕🧋🍰 👍🏽"}))
    add("unicode-combining-nfd", "combining marks (NFD 'e' + U+0301) are not normalised",
        "POST", PAY_PATH, PROD_CLIENT, T, compact({"orderDescription": "cafe\u0301 Ame\u0301lie"}))
    add("unicode-precomposed-nfc", "precomposed (NFC) counterpart of the previous case",
        "POST", PAY_PATH, PROD_CLIENT, T, compact({"orderDescription": "caf\u00e9 Am\u00e9lie"}))
    add("unicode-escaped", "JSON \\u escapes stay escaped: the body is not re-serialised",
        "POST", PAY_PATH, PROD_CLIENT, T, '{"orderDescription":"caf\\u00e9 \\ud83e\\uddcb"}')
    add("body-crlf", "CRLF line breaks inside the body are kept", "POST", PAY_PATH, PROD_CLIENT, T,
        '{\r\n  "paymentRequestId": "pay_crlf",\r\n  "paymentAmount": {"currency": "USD", "value": "1000"}\r\n}')
    add("body-lf", "LF line breaks inside the body are kept", "POST", PAY_PATH, PROD_CLIENT, T,
        '{\n  "paymentRequestId": "pay_lf",\n  "paymentAmount": {"currency": "USD", "value": "1000"}\n}')
    add("body-trailing-newline", "a trailing newline in the body is part of the content",
        "POST", PAY_PATH, PROD_CLIENT, T, PAY_BODY + "\n")
    add("body-pretty-printed", "pretty-printed body (4-space indent)", "POST", PAY_PATH, PROD_CLIENT, T,
        PAY_BODY_PRETTY)
    add("body-leading-whitespace", "leading whitespace in the body is kept", "POST", PAY_PATH,
        PROD_CLIENT, T, "  \n" + INQUIRY_BODY)
    add("body-1mb", "1 MiB body (repeat form); expect SHA-256 and length of the content",
        "POST", PAY_PATH, PROD_CLIENT, T, one_mb_body())
    add("north-america-refund", "refund endpoint path", "POST", "/ams/api/v1/payments/refund",
        PROD_CLIENT, T, REFUND_BODY)
    add("notification-path", "a notification: merchant's own path", "POST", "/antom/notify",
        PROD_CLIENT, NOTIFY_TIME, compact(NOTIFY_PAYMENT))
    add("notification-path-with-query", "a query string is part of the path as given", "POST",
        "/antom/notify?source=antom&v=1", PROD_CLIENT, NOTIFY_TIME, compact(NOTIFY_REFUND))
    add("openapi-file-path", "a long non-standard path", "POST",
        "/ams/api/open/openapiv2_file/v1/business/attachment/submitAttachment", PROD_CLIENT, T,
        compact({"submitAttachmentRequestId": "att_0001", "attachmentType": "SIGNATURE_AUTHORIZATION_LETTER"}))
    return cases


# ---------------------------------------------------------------------------------------
# sign.json
# ---------------------------------------------------------------------------------------

def sign_cases() -> list:
    cases = []

    def add(cid, desc, key_file, content):
        c_bytes = materialize(content).encode("utf-8")
        enc, raw = sign(private_key(key_file), c_bytes)
        cases.append(case(cid, desc, {"private_key_file": key_file, "content": content},
                          {"signature": enc, "signature_base64": raw}))

    T = str(DOC_TIME)
    c = lambda path, cid, t, body: content_to_sign("POST", path, cid, t, body).decode("utf-8")
    add("doc-example", "documentation example content (sandbox client, pretty body)", MERCHANT_PRIV,
        c(PAY_PATH, DOC_CLIENT, T, DOC_BODY))
    add("compact-pay", "compact pay request", MERCHANT_PRIV, c(PAY_PATH, PROD_CLIENT, T, PAY_BODY))
    add("sandbox-pay", "sandbox path", MERCHANT_PRIV, c(SBX_PAY_PATH, SBX_CLIENT, T, PAY_BODY))
    add("empty-body", "empty request body", MERCHANT_PRIV, c(PAY_PATH, PROD_CLIENT, T, ""))
    add("empty-content", "the empty string", MERCHANT_PRIV, "")
    add("unicode-cjk-emoji", "CJK and emoji body", MERCHANT_PRIV, c(PAY_PATH, PROD_CLIENT, T, UNICODE_BODY))
    add("unicode-combining", "combining marks", MERCHANT_PRIV,
        c(PAY_PATH, PROD_CLIENT, T, compact({"orderDescription": "cafe\u0301 Ame\u0301lie"})))
    add("body-crlf", "CRLF inside the body", MERCHANT_PRIV,
        c(PAY_PATH, PROD_CLIENT, T, '{\r\n"paymentRequestId":"pay_crlf"\r\n}'))
    add("body-trailing-newline", "trailing newline in the body", MERCHANT_PRIV,
        c(PAY_PATH, PROD_CLIENT, T, PAY_BODY + "\n"))
    add("pretty-body", "pretty-printed body", MERCHANT_PRIV, c(PAY_PATH, PROD_CLIENT, T, PAY_BODY_PRETTY))
    add("iso8601-time", "ISO-8601 time in the content", MERCHANT_PRIV,
        c("/ams/api/v1/payments/inquiryPayment", PROD_CLIENT, "2019-05-28T12:12:12+08:00", INQUIRY_BODY))
    body = one_mb_body()
    head = c(PAY_PATH, PROD_CLIENT, T, "")
    add("body-1mb", "1 MiB body (repeat form)", MERCHANT_PRIV,
        repeat_text(head + body["prefix"], body["repeat"], body["count"], body["suffix"]))
    add("antom-key-response-content", "response-style content signed with the 'antom' test key",
        ANTOM_PRIV, c(PAY_PATH, PROD_CLIENT, RESPONSE_TIME, compact(RESP_S)))
    add("rsa3072-key", "3072-bit key: 384-byte signature, base64 without padding", priv_file("rsa3072"),
        c(PAY_PATH, PROD_CLIENT, T, PAY_BODY))
    add("rsa4096-key", "4096-bit key: 512-byte signature", priv_file("rsa4096"),
        c(PAY_PATH, PROD_CLIENT, T, PAY_BODY))
    add("rsa8192-key", "8192-bit private key (accepted for signing): 1024-byte signature",
        priv_file("rsa8192"), c(PAY_PATH, PROD_CLIENT, T, INQUIRY_BODY))
    return cases


# ---------------------------------------------------------------------------------------
# verify.json
# ---------------------------------------------------------------------------------------

# Contents whose (antom-key) signature base64 has no '+' / no '/' / neither; the smallest
# such nonces, found once by searching 0, 1, 2, ... (--find-nonces); asserted on every run.
NONCE_NO_PLUS = 228
NONCE_NO_SLASH = 440
NONCE_NO_PLUS_NO_SLASH = 4427


def nonce_content(n: int) -> bytes:
    return content_to_sign("POST", "/ams/api/v1/payments/inquiryPayment", PROD_CLIENT, str(DOC_TIME),
                           compact({"paymentRequestId": f"pay_nonce_{n}"}))


def find_nonce(pred) -> int:
    n = 0
    while not pred(sign(private_key(ANTOM_PRIV), nonce_content(n))[1]):
        n += 1
    return n


def verify_cases() -> list:
    cases = []

    def add(cid, desc, pub_file_rel, content, signature, want):
        res = run(lambda: {"valid": verify(public_key(pub_file_rel), materialize(content).encode("utf-8"),
                                           signature)})
        c = case(cid, desc, {"public_key_file": pub_file_rel, "content": content, "signature": signature}, res)
        if isinstance(want, dict):
            assert res == want, (cid, res)
        else:
            check_expected(c, want)
        cases.append(c)

    antom = private_key(ANTOM_PRIV)
    T = str(DOC_TIME)
    content = content_to_sign("POST", PAY_PATH, PROD_CLIENT, RESPONSE_TIME, compact(RESP_S)).decode()
    enc, raw = sign(antom, content.encode())
    assert "%2B" in enc and "%2F" in enc and enc.endswith("%3D%3D"), enc
    OK, BAD = {"valid": True}, {"valid": False}
    MAL = "MALFORMED_SIGNATURE"

    add("valid-encoded", "valid signature, percent-encoded with upper-case hex", ANTOM_PUB, content, enc, OK)
    add("valid-lowercase-hex", "valid signature, percent-encoded with lower-case hex (.NET style)",
        ANTOM_PUB, content, enc.replace("%2B", "%2b").replace("%2F", "%2f").replace("%3D", "%3d"), OK)
    add("valid-raw-base64", "valid signature given as raw (unencoded) base64: '+' is not a space",
        ANTOM_PUB, content, raw, OK)
    mixed = raw.replace("/", "%2F", 1).replace("==", "%3D=")
    add("valid-partially-encoded", "mixture of raw and percent-encoded characters", ANTOM_PUB, content, mixed, OK)
    add("valid-encoded-letter", "percent-decoding is generic: '%41' decodes to 'A' etc.", ANTOM_PUB, content,
        "".join(f"%{ord(ch):02X}" for ch in raw[:4]) + pct_encode_b64(raw[4:]), OK)
    # signatures without '+' / without '/'
    for n, ch, cid in ((NONCE_NO_PLUS, "+", "valid-no-plus"), (NONCE_NO_SLASH, "/", "valid-no-slash")):
        nc = nonce_content(n)
        e2, r2 = sign(antom, nc)
        assert ch not in r2, (cid, r2)
        add(cid, f"a valid signature whose base64 contains no '{ch}'", ANTOM_PUB, nc.decode(), e2, OK)
    nc = nonce_content(NONCE_NO_PLUS_NO_SLASH)
    e2, r2 = sign(antom, nc)
    assert "+" not in r2 and "/" not in r2 and e2 == r2[:-2] + "%3D%3D", r2
    add("valid-no-plus-no-slash", "a valid signature whose base64 has neither '+' nor '/': only the '==' "
        "padding is encoded (a 2048-bit signature always ends in '==', so one with none of '+', '/', '=' "
        "cannot exist)", ANTOM_PUB, nc.decode(), e2, OK)
    add("valid-no-plus-no-slash-raw", "the same signature unencoded: no percent sign at all",
        ANTOM_PUB, nc.decode(), r2, OK)
    # request content with the merchant key
    req = content_to_sign("POST", PAY_PATH, DOC_CLIENT, T, DOC_BODY).decode()
    add("valid-merchant-request", "the doc-example request verified with the merchant public key",
        MERCHANT_PUB, req, sign(private_key(MERCHANT_PRIV), req.encode())[0], OK)
    # 1 MB
    body = one_mb_body()
    head = content_to_sign("POST", PAY_PATH, PROD_CLIENT, T, "").decode()
    big = repeat_text(head + body["prefix"], body["repeat"], body["count"], body["suffix"])
    add("valid-1mb", "valid signature over a 1 MiB content (repeat form)", ANTOM_PUB, big,
        sign(antom, materialize(big).encode())[0], OK)

    # tampering -> false
    add("tampered-method", "content with GET instead of POST", ANTOM_PUB, "GET" + content[4:], enc, BAD)
    add("tampered-path", "content with the sandbox path instead", ANTOM_PUB,
        content.replace(PAY_PATH, SBX_PAY_PATH, 1), enc, BAD)
    add("tampered-client-id", "content with another client id", ANTOM_PUB,
        content.replace(PROD_CLIENT, PROD_CLIENT[:-1] + "4", 1), enc, BAD)
    add("tampered-time", "content with a time one second later", ANTOM_PUB,
        content.replace(RESPONSE_TIME, "2025-05-19T01:52:33Z", 1), enc, BAD)
    add("tampered-body-one-byte", "content with one body byte changed ('1000' -> '1001')", ANTOM_PUB,
        content.replace('"value":"1000"', '"value":"1001"', 1), enc, BAD)
    add("tampered-trailing-newline", "content with a trailing newline appended", ANTOM_PUB, content + "\n", enc, BAD)
    add("wrong-key-other", "signed by the 'other' key", ANTOM_PUB, content,
        sign(private_key(OTHER_PRIV), content.encode())[0], BAD)
    add("wrong-key-merchant-public", "antom signature checked with the merchant public key",
        MERCHANT_PUB, content, enc, BAD)
    add("all-zero-256-bytes", "well-formed 256-byte all-zero value: just invalid", ANTOM_PUB, content,
        pct_encode_b64(b64(bytes(256))), BAD)
    add("all-ff-256-bytes", "256 bytes of 0xFF (>= modulus): just invalid", ANTOM_PUB, content,
        pct_encode_b64(b64(b"\xff" * 256)), BAD)
    flipped = bytearray(base64.b64decode(raw))
    flipped[128] ^= 0x01
    add("bit-flipped-signature", "one bit of the signature flipped", ANTOM_PUB, content,
        pct_encode_b64(b64(bytes(flipped))), BAD)

    # malformed
    add("empty-signature", "empty signature", ANTOM_PUB, content, "", MAL)
    add("percent-truncated-end", "a '%' followed by one hex digit at the end", ANTOM_PUB, content,
        enc[:-2], MAL)
    add("percent-alone-end", "a lone '%' at the end", ANTOM_PUB, content, enc + "%", MAL)
    add("percent-non-hex", "'%ZZ' is not an escape", ANTOM_PUB, content, enc.replace("%2B", "%ZB", 1), MAL)
    add("percent-half-hex", "'%2G': second character not hex", ANTOM_PUB, content,
        enc.replace("%2F", "%2G", 1), MAL)
    add("double-encoded", "percent-encoded twice ('%252B'): decodes to '%2B', not base64", ANTOM_PUB,
        content, enc.replace("%", "%25"), MAL)
    add("plus-as-space", "'+' replaced by a space (what a form decoder would produce)", ANTOM_PUB,
        content, raw.replace("+", " "), MAL)
    add("encoded-space", "'%2B' replaced by '%20'", ANTOM_PUB, content, enc.replace("%2B", "%20"), MAL)
    add("url-safe-alphabet", "base64url alphabet ('-', '_')", ANTOM_PUB, content,
        raw.replace("+", "-").replace("/", "_"), MAL)
    add("missing-padding", "base64 without its '==' padding", ANTOM_PUB, content, enc[:-6], MAL)
    add("extra-padding", "one '=' too many", ANTOM_PUB, content, enc + "%3D", MAL)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = raw[-3]
    noncanon = raw[:-3] + alphabet[alphabet.index(last) | 1] + "=="
    assert noncanon != raw
    add("non-canonical-trailing-bits", "last base64 character before '==' has non-zero unused bits",
        ANTOM_PUB, content, pct_encode_b64(noncanon), MAL)
    add("embedded-newline", "a newline inside the base64", ANTOM_PUB, content, raw[:76] + "\n" + raw[76:], MAL)
    add("leading-space", "a leading space", ANTOM_PUB, content, " " + enc, MAL)
    add("trailing-space", "a trailing space", ANTOM_PUB, content, enc + " ", MAL)
    add("not-base64", "plain text", ANTOM_PUB, content, "not-a-signature", MAL)
    add("non-ascii-after-decoding", "'%C3%A9' decodes to non-ASCII bytes", ANTOM_PUB, content,
        "%C3%A9" + enc[6:], MAL)
    add("non-ascii-character", "a non-ASCII character in the value", ANTOM_PUB, content, "é" + enc[1:], MAL)
    add("too-short-255-bytes", "valid base64 of 255 bytes (key needs 256)", ANTOM_PUB, content,
        pct_encode_b64(b64(base64.b64decode(raw)[:255])), MAL)
    add("too-long-257-bytes", "valid base64 of 257 bytes", ANTOM_PUB, content,
        pct_encode_b64(b64(base64.b64decode(raw) + b"\x00")), MAL)
    add("short-value", "'AAAA' (3 bytes)", ANTOM_PUB, content, "AAAA", MAL)

    # other key sizes
    k3 = private_key(priv_file("rsa3072"))
    e3, r3 = sign(k3, content.encode())
    assert "=" not in r3
    add("rsa3072-valid", "3072-bit key: 384-byte signature, no padding", pub_file("rsa3072"), content, e3, OK)
    add("rsa3072-raw-base64", "3072-bit key, raw base64", pub_file("rsa3072"), content, r3, OK)
    add("rsa3072-tampered", "3072-bit key, tampered content", pub_file("rsa3072"), content + " ", e3, BAD)
    add("rsa3072-with-2048-signature", "a 256-byte signature for a 3072-bit key: wrong length",
        pub_file("rsa3072"), content, enc, MAL)
    add("rsa2048-with-3072-signature", "a 384-byte signature for a 2048-bit key: wrong length",
        ANTOM_PUB, content, e3, MAL)
    k4 = private_key(priv_file("rsa4096"))
    add("rsa4096-valid", "4096-bit key", pub_file("rsa4096"), content, sign(k4, content.encode())[0], OK)
    add("rsa4096-wrong-content", "4096-bit key, other content", pub_file("rsa4096"), req,
        sign(k4, content.encode())[0], BAD)
    return cases


# ---------------------------------------------------------------------------------------
# signature_header.json
# ---------------------------------------------------------------------------------------

def signature_header_cases() -> list:
    cases = []
    content = content_to_sign("POST", PAY_PATH, PROD_CLIENT, RESPONSE_TIME, compact(RESP_S))
    enc, raw = sign(private_key(ANTOM_PRIV), content)
    lower = enc.replace("%2B", "%2b").replace("%2F", "%2f").replace("%3D", "%3d")

    def parse(cid, desc, header, want):
        res = run(parse_signature_header, header)
        c = case(cid, desc, {"parse": header}, res)
        if isinstance(want, dict):
            assert res == want, (cid, res)
        else:
            check_expected(c, want)
        cases.append(c)

    def ok(kv, sig=enc):
        return {"algorithm": "RSA256", "key_version": kv, "signature": sig}

    parse("sdk-style", "what every SDK sends: no spaces", f"algorithm=RSA256,keyVersion=1,signature={enc}", ok(1))
    parse("doc-style-spaces", "documentation style: ', ' separators",
          f"algorithm=RSA256, keyVersion=1, signature={enc}", ok(1))
    parse("spaces-and-tabs-around-items", "spaces and tabs around items are trimmed",
          f"  algorithm=RSA256 ,\tkeyVersion=1\t, signature={enc}  ", ok(1))
    parse("any-order", "items in another order", f"signature={enc},keyVersion=1,algorithm=RSA256", ok(1))
    parse("unknown-keys-ignored", "unknown keys are ignored",
          f"algorithm=RSA256,charset=UTF-8,keyVersion=1,foo=,signature={enc}", ok(1))
    parse("key-version-absent", "keyVersion absent -> null", f"algorithm=RSA256,signature={enc}", ok(None))
    parse("key-version-2", "keyVersion 2", f"algorithm=RSA256,keyVersion=2,signature={enc}", ok(2))
    parse("key-version-leading-zero", "keyVersion '01' -> 1", f"algorithm=RSA256,keyVersion=01,signature={enc}", ok(1))
    parse("key-version-zero", "keyVersion '0' -> 0", f"algorithm=RSA256,keyVersion=0,signature={enc}", ok(0))
    parse("key-version-nine-digits", "keyVersion with 9 digits",
          f"algorithm=RSA256,keyVersion=999999999,signature={enc}", ok(999999999))
    parse("algorithm-absent", "algorithm absent: the header grammar requires it (it is not taken as RSA256)",
          f"keyVersion=1,signature={enc}", "MALFORMED_SIGNATURE")
    parse("signature-only", "only the signature item: algorithm is required", f"signature={enc}",
          "MALFORMED_SIGNATURE")
    parse("lowercase-hex-kept", "lower-case percent hex is kept verbatim",
          f"algorithm=RSA256,keyVersion=1,signature={lower}", ok(1, lower))
    parse("raw-base64-value-kept", "a raw base64 value (with '=' inside) is split at the first '=' and kept",
          f"algorithm=RSA256,keyVersion=1,signature={raw}", ok(1, raw))
    parse("case-sensitive-unknown-keyversion", "'KeyVersion' is not 'keyVersion': ignored",
          f"algorithm=RSA256,KeyVersion=7,signature={enc}", ok(None))
    parse("case-sensitive-unknown-algorithm", "'ALGORITHM' is not 'algorithm': an unknown item, so "
          "algorithm is missing", f"ALGORITHM=HMAC,keyVersion=1,signature={enc}", "MALFORMED_SIGNATURE")
    parse("case-sensitive-unknown-algorithm-with-algorithm", "'ALGORITHM' is an unknown item, ignored "
          "next to algorithm=RSA256", f"ALGORITHM=HMAC,algorithm=RSA256,keyVersion=1,signature={enc}", ok(1))

    MAL, ALG = "MALFORMED_SIGNATURE", "UNSUPPORTED_ALGORITHM"
    parse("empty-header", "empty header value", "", MAL)
    parse("whitespace-header", "header of spaces and tabs", "  \t ", MAL)
    parse("missing-signature", "no signature item", "algorithm=RSA256,keyVersion=1", MAL)
    parse("empty-signature", "'signature=' with an empty value", "algorithm=RSA256,keyVersion=1,signature=", MAL)
    parse("signature-key-wrong-case", "'Signature=' is an unknown key, so the signature is missing",
          f"algorithm=RSA256,keyVersion=1,Signature={enc}", MAL)
    parse("space-before-equals", "'signature =' : key 'signature ' is unknown (no trimming around '=')",
          f"algorithm=RSA256,keyVersion=1,signature ={enc}", MAL)
    parse("trailing-comma", "a trailing comma makes an empty item", f"algorithm=RSA256,keyVersion=1,signature={enc},", MAL)
    parse("leading-comma", "a leading comma makes an empty item", f",algorithm=RSA256,keyVersion=1,signature={enc}", MAL)
    parse("double-comma", "',,' makes an empty item", f"algorithm=RSA256,,keyVersion=1,signature={enc}", MAL)
    parse("blank-item", "an item of only spaces", f"algorithm=RSA256, ,signature={enc}", MAL)
    parse("item-without-equals", "an item without '='", f"algorithm=RSA256,RSA256,signature={enc}", MAL)
    parse("empty-key", "an item '=value'", f"algorithm=RSA256,=1,signature={enc}", MAL)
    parse("duplicate-signature", "signature twice", f"signature={enc},algorithm=RSA256,signature={enc}", MAL)
    parse("duplicate-algorithm", "algorithm twice", f"algorithm=RSA256,algorithm=RSA256,signature={enc}", MAL)
    parse("duplicate-key-version", "keyVersion twice (same value)",
          f"algorithm=RSA256,keyVersion=1,keyVersion=1,signature={enc}", MAL)
    parse("duplicate-unknown-key", "an unknown key twice", f"foo=1,foo=2,signature={enc}", MAL)
    parse("key-version-empty", "keyVersion=''", f"algorithm=RSA256,keyVersion=,signature={enc}", MAL)
    parse("key-version-negative", "keyVersion '-1'", f"algorithm=RSA256,keyVersion=-1,signature={enc}", MAL)
    parse("key-version-plus", "keyVersion '+1'", f"algorithm=RSA256,keyVersion=+1,signature={enc}", MAL)
    parse("key-version-letters", "keyVersion 'v1'", f"algorithm=RSA256,keyVersion=v1,signature={enc}", MAL)
    parse("key-version-decimal", "keyVersion '1.0'", f"algorithm=RSA256,keyVersion=1.0,signature={enc}", MAL)
    parse("key-version-ten-digits", "keyVersion with 10 digits and leading zeros",
          f"algorithm=RSA256,keyVersion=0000000001,signature={enc}", ok(1, enc))
    parse("key-version-u32-max", "'4294967295' is the largest keyVersion",
          f"algorithm=RSA256,keyVersion=4294967295,signature={enc}", ok(4294967295, enc))
    parse("key-version-u32-overflow", "'4294967296' does not fit in 32 bits",
          f"algorithm=RSA256,keyVersion=4294967296,signature={enc}", MAL)
    parse("key-version-eleven-digits", "keyVersion with 11 digits",
          f"algorithm=RSA256,keyVersion=00000000001,signature={enc}", MAL)
    parse("key-version-fullwidth-digit", "a non-ASCII digit", f"algorithm=RSA256,keyVersion=１,signature={enc}", MAL)
    parse("key-version-inner-space", "'keyVersion= 1': the value ' 1' is not digits",
          f"algorithm=RSA256,keyVersion= 1,signature={enc}", MAL)
    parse("algorithm-lowercase", "algorithm 'rsa256'", f"algorithm=rsa256,keyVersion=1,signature={enc}", ALG)
    parse("algorithm-rsa2048", "algorithm 'RSA2048'", f"algorithm=RSA2048,keyVersion=1,signature={enc}", ALG)
    parse("algorithm-hmac", "algorithm 'HmacSHA256'", f"algorithm=HmacSHA256,keyVersion=1,signature={enc}", ALG)
    parse("algorithm-empty", "algorithm ''", f"algorithm=,keyVersion=1,signature={enc}", ALG)
    parse("algorithm-unsupported-before-missing-signature", "the algorithm is checked before the signature "
          "item", "algorithm=RSA512,keyVersion=1", ALG)
    parse("algorithm-missing-and-signature-missing", "a missing algorithm is reported before a missing "
          "signature (both MALFORMED_SIGNATURE)", "keyVersion=1", MAL)
    parse("bad-key-version-before-algorithm", "items are checked before the algorithm", 
          f"algorithm=RSA512,keyVersion=x,signature={enc}", MAL)
    # bounds: at most 4096 bytes and 8 items, checked before the items are looked at
    eight = f"algorithm=RSA256,keyVersion=1,signature={enc},a=1,b=2,c=3,d=4,e=5"
    parse("eight-items", "8 items (3 known, 5 unknown) is the most accepted", eight, ok(1))
    parse("nine-items", "9 items are refused", eight + ",f=6", MAL)
    parse("nine-items-trailing-comma", "8 items and a trailing comma count as 9", eight + ",", MAL)
    parse("nine-empty-items", "8 commas: 9 (empty) items, refused by the count first", ",,,,,,,,", MAL)
    base = f"algorithm=RSA256,keyVersion=1,signature={enc},pad="
    at_limit = base + "x" * (4096 - len(base))
    assert len(at_limit) == 4096
    parse("header-4096-bytes", "a 4096-byte header is accepted", at_limit, ok(1))
    parse("header-4097-bytes", "a 4097-byte header is refused", at_limit + "x", MAL)
    parse("header-4097-bytes-multibyte", "the limit counts UTF-8 bytes, not characters",
          at_limit[:-2] + "\u00e9x", MAL)

    def fmt(cid, desc, kv, sig):
        header = format_signature_header(kv, sig)
        cases.append(case(cid, desc, {"format": {"key_version": kv, "signature": sig}}, {"header": header}))
        assert parse_signature_header(header) == ok(kv, sig)

    fmt("format-key-version-1", "format with keyVersion 1", 1, enc)
    fmt("format-key-version-2", "format with keyVersion 2", 2, enc)
    fmt("format-key-version-0", "format with keyVersion 0", 0, enc)
    fmt("format-key-version-large", "format with a large keyVersion", 123456789, enc)
    fmt("format-lowercase-hex-verbatim", "the signature value is written verbatim", 1, lower)
    return cases


# ---------------------------------------------------------------------------------------
# prepare.json
# ---------------------------------------------------------------------------------------

def api_key_prepare_cases() -> list:
    """API-key (Bearer) mode: `Authorization: Bearer <key>` instead of the signature headers;
    the key's TEST/PROD marker picks the environment."""
    cases = []

    def add(cid, desc, cfg, api, want="ok"):
        res = run(prepare, cfg, api, PAY_BODY, DOC_TIME)
        c = case(cid, desc, {"config": cfg, "api": api, "body": PAY_BODY, "request_time": DOC_TIME}, res)
        check_expected(c, want)
        cases.append(c)

    test_key = {"api_key": API_KEY_TEST}
    add("api-key-test-key-is-sandbox", "a TEST key sends Bearer auth to the sandbox path",
        cfg_api_key(**test_key), "v1/payments/pay")
    add("api-key-prod-key-is-production", "a PROD key sends Bearer auth to the production path",
        cfg_api_key(), "v1/payments/pay")
    add("api-key-test-key-beats-client-id-prefix", "the key decides, not a production client id",
        cfg_api_key(**test_key, client_id=PROD_CLIENT), "/ams/api/v1/payments/inquiryPayment")
    add("api-key-prod-key-with-sandbox-client-id", "a PROD key is production even with a SANDBOX_ id",
        cfg_api_key(client_id=SBX_CLIENT), "v1/payments/pay")
    add("api-key-matching-environment", "an explicit environment that agrees with the key",
        cfg_api_key(**test_key, environment="sandbox"), "v1/payments/pay")
    add("api-key-europe", "API-key mode uses the region's gateway too",
        cfg_api_key(region="europe"), "v1/payments/refund")
    add("api-key-loopback-gateway", "API-key mode with a loopback simulator",
        cfg_api_key(**test_key, gateway_url="http://127.0.0.1:8080"), "v1/payments/pay")
    add("api-key-environment-conflict", "production forced on a TEST key is refused",
        cfg_api_key(**test_key, environment="production"), "v1/payments/pay", "INVALID_INPUT")
    add("api-key-with-agent-token", "an agent token cannot be combined with an API key",
        cfg_api_key(agent_token="AGENT_TOKEN_0001"), "v1/payments/pay", "INVALID_INPUT")
    bad_keys = [
        ("api-key-unknown-prefix", "prefix must be isak_ or irak_", "sk_TEST_abc_def"),
        ("api-key-unknown-marker", "marker must be TEST or PROD", "isak_LIVE_abc_def"),
        ("api-key-lowercase-marker", "the marker is case-sensitive", "isak_test_abc_def"),
        ("api-key-three-parts", "the secret part is missing", "irak_TEST_abc"),
        ("api-key-empty-identity", "the identity part is empty", "irak_TEST__secret"),
        ("api-key-empty-secret", "the secret part is empty", "irak_TEST_abc_"),
        ("api-key-space", "no whitespace anywhere", "irak_TEST_abc_de f"),
        ("api-key-non-ascii", "only visible ASCII (it goes in a header)", "irak_TEST_abc_d\u00e9f"),
        ("api-key-empty", "an empty key", ""),
    ]
    for cid, desc, key in bad_keys:
        add(cid, desc, cfg_api_key(api_key=key), "v1/payments/pay", "INVALID_KEY")
    add("api-key-secret-may-contain-underscores", "the secret part may contain '_'",
        cfg_api_key(api_key="irak_PROD_abc_def_ghi"), "v1/payments/pay")
    add("verify-only-cannot-prepare", "a config with neither a private key nor an API key only verifies",
        cfg_verify_only(), "v1/payments/pay", "INVALID_INPUT")
    return cases


def prepare_cases() -> list:
    cases = []

    def add(cid, desc, cfg, api, body, request_time=DOC_TIME, want="ok"):
        res = run(prepare, cfg, api, body, request_time)
        c = case(cid, desc, {"config": cfg, "api": api, "body": body, "request_time": request_time}, res)
        check_expected(c, want)
        cases.append(c)
        return res

    # regions x environments
    for region in ("asia", "north_america", "europe"):
        r = region.replace("_", "-")
        add(f"{r}-production", f"{region}: production by client id", cfg_prod(region=region),
            "v1/payments/pay", PAY_BODY)
        add(f"{r}-sandbox-by-client-id", f"{region}: sandbox because the client id starts with SANDBOX_",
            cfg_sbx(region=region), "v1/payments/pay", PAY_BODY)
        add(f"{r}-sandbox-by-environment", f"{region}: explicit environment=sandbox with a production-style id",
            cfg_prod(region=region, environment="sandbox"), "v1/payments/pay", PAY_BODY)
        add(f"{r}-production-by-environment", f"{region}: explicit environment=production wins over "
            "the SANDBOX_ prefix", cfg_sbx(region=region, environment="production"), "v1/payments/pay", PAY_BODY)
    add("default-region-asia", "no region: asia gateway", cfg_prod(), "v1/payments/pay", PAY_BODY)
    add("doc-example", "documentation example client id, time and pretty body; the SANDBOX_ id selects "
        "the sandbox path",
        cfg_prod(client_id=DOC_CLIENT, region="north_america"), "v1/payments/pay", DOC_BODY)
    add("sandbox-prefix-case-sensitive", "'sandbox_' (lower case) is not the sandbox prefix",
        cfg_prod(client_id="sandbox_5YBX2N2ZQ4K801234"), "v1/payments/pay", PAY_BODY)

    # api forms
    add("api-version-relative", "api 'v1/payments/inquiryPayment'", cfg_prod(), "v1/payments/inquiryPayment", INQUIRY_BODY)
    add("api-leading-slash", "api '/v1/payments/pay'", cfg_prod(), "/v1/payments/pay", PAY_BODY)
    add("api-full-path", "api '/ams/api/v1/payments/pay'", cfg_prod(), "/ams/api/v1/payments/pay", PAY_BODY)
    add("api-full-path-no-slash", "api 'ams/api/v1/payments/pay'", cfg_prod(), "ams/api/v1/payments/pay", PAY_BODY)
    add("api-full-path-sandbox", "api '/ams/api/v1/payments/pay' in sandbox is rewritten",
        cfg_sbx(), "/ams/api/v1/payments/pay", PAY_BODY)
    add("api-leading-slash-sandbox", "api '/v1/payments/pay' in sandbox", cfg_sbx(), "/v1/payments/pay", PAY_BODY)
    add("api-sandbox-path-in-sandbox", "api '/ams/sandbox/api/v1/payments/pay' in sandbox is kept",
        cfg_sbx(), "/ams/sandbox/api/v1/payments/pay", PAY_BODY)
    add("api-sandbox-path-in-production", "api '/ams/sandbox/api/...' in production", cfg_prod(),
        "/ams/sandbox/api/v1/payments/pay", PAY_BODY, want="INVALID_INPUT")
    add("api-sandbox-path-no-slash-in-production", "api 'ams/sandbox/api/...' in production", cfg_prod(),
        "ams/sandbox/api/v1/payments/pay", PAY_BODY, want="INVALID_INPUT")
    add("api-openapi-file-path", "a non-v1-rooted full path", cfg_prod(),
        "/ams/api/open/openapiv2_file/v1/business/attachment/submitAttachment",
        compact({"submitAttachmentRequestId": "att_0001", "attachmentType": "SIGNATURE_AUTHORIZATION_LETTER"}))
    add("api-openapi-file-path-sandbox", "the same path in sandbox gets /ams/sandbox/api/", cfg_sbx(),
        "/ams/api/open/openapiv2_file/v1/business/attachment/submitAttachment", compact({"a": "b"}))
    add("api-refund", "refund", cfg_prod(region="europe"), "v1/payments/refund", REFUND_BODY)
    add("api-nested", "three-level api path", cfg_prod(), "v1/payments/reserve/createHold", compact({"holdRequestId": "h1"}))
    bad_api = [
        ("api-empty", "''", ""),
        ("api-slash-only", "'/' (empty after stripping)", "/"),
        ("api-double-leading-slash", "'//v1/payments/pay'", "//v1/payments/pay"),
        ("api-query", "query string", "v1/payments/pay?x=1"),
        ("api-fragment", "fragment", "v1/payments/pay#top"),
        ("api-percent", "percent escape", "v1/payments/p%61y"),
        ("api-backslash", "backslash", "v1\\payments\\pay"),
        ("api-double-slash", "'//' inside", "v1//payments/pay"),
        ("api-dot-dot-inside", "'/../' inside", "v1/payments/../payments/pay"),
        ("api-dot-inside", "'/./' inside", "v1/./payments/pay"),
        ("api-starts-dot-dot", "starts with '../'", "../v1/payments/pay"),
        ("api-starts-dot", "starts with './'", "./v1/payments/pay"),
        ("api-ends-dot-dot", "ends with '/..'", "v1/payments/.."),
        ("api-ends-dot", "ends with '/.'", "v1/payments/."),
        ("api-dot-dot-alone", "'..'", ".."),
        ("api-dot-alone", "'.'", "."),
        ("api-slash-dot-dot", "'/..'", "/.."),
        ("api-full-url", "a full URL (contains '://')", "https://open-sea-global.alipay.com/ams/api/v1/payments/pay"),
        ("api-space", "a space", "v1/payments/ pay"),
        ("api-tab", "a tab", "v1/payments/\tpay"),
        ("api-newline", "a trailing newline", "v1/payments/pay\n"),
        ("api-trailing-space", "a trailing space", "v1/payments/pay "),
    ]
    for cid, desc, api in bad_api:
        add(cid, f"invalid api: {desc}", cfg_prod(), api, PAY_BODY, want="INVALID_INPUT")

    # gateway overrides
    add("gateway-https-custom", "https custom host", cfg_prod(gateway_url="https://antom-proxy.merchant.example"),
        "v1/payments/pay", PAY_BODY)
    add("gateway-https-port", "https custom host with port", cfg_prod(gateway_url="https://antom-proxy.merchant.example:8443"),
        "v1/payments/pay", PAY_BODY)
    add("gateway-trailing-slash", "a single trailing slash is stripped",
        cfg_prod(gateway_url="https://open-na-global.alipay.com/"), "v1/payments/pay", PAY_BODY)
    add("gateway-http-127", "http to 127.0.0.1:8080", cfg_prod(gateway_url="http://127.0.0.1:8080"),
        "v1/payments/pay", PAY_BODY)
    add("gateway-http-localhost", "http to localhost:9", cfg_sbx(gateway_url="http://localhost:9"),
        "v1/payments/pay", PAY_BODY)
    add("gateway-http-ipv6-loopback", "http to [::1]:8080/", cfg_prod(gateway_url="http://[::1]:8080/"),
        "v1/payments/pay", PAY_BODY)
    add("gateway-http-localhost-no-port", "http to localhost without port",
        cfg_prod(gateway_url="http://localhost"), "v1/payments/pay", PAY_BODY)
    add("gateway-overrides-region", "gateway_url wins over region",
        cfg_prod(region="europe", gateway_url="https://antom-proxy.merchant.example"), "v1/payments/pay", PAY_BODY)
    bad_gw = [
        ("gateway-http-remote", "http to a non-loopback host", "http://open-sea-global.alipay.com"),
        ("gateway-http-127-0-0-2", "http to 127.0.0.2 (only 127.0.0.1 is allowed)", "http://127.0.0.2:8080"),
        ("gateway-ftp", "ftp scheme", "ftp://open-sea-global.alipay.com"),
        ("gateway-no-scheme", "no scheme", "open-sea-global.alipay.com"),
        ("gateway-path", "a path", "https://antom-proxy.merchant.example/antom"),
        ("gateway-path-with-slash", "a path with a trailing slash", "https://antom-proxy.merchant.example/ams/"),
        ("gateway-two-trailing-slashes", "two trailing slashes", "https://antom-proxy.merchant.example//"),
        ("gateway-query", "a query", "https://antom-proxy.merchant.example?x=1"),
        ("gateway-fragment", "a fragment", "https://antom-proxy.merchant.example#f"),
        ("gateway-userinfo", "userinfo", "https://user:pass@antom-proxy.merchant.example"),
        ("gateway-empty-host", "empty host", "https://"),
        ("gateway-empty", "empty string", ""),
    ]
    for cid, desc, url in bad_gw:
        add(cid, f"invalid gateway_url: {desc}", cfg_prod(gateway_url=url), "v1/payments/pay", PAY_BODY,
            want="INVALID_INPUT")

    # key version, agent token
    add("key-version-2", "key_version 2 appears in the Signature header", cfg_prod(key_version=2),
        "v1/payments/pay", PAY_BODY)
    add("agent-token", "agent_token adds an Agent-Token header after Signature",
        cfg_prod(agent_token="ZYxWvU9876tSrQpO5432nMlKjI1hGfEdCbA0zYxWvU98765"), "v1/payments/pay", PAY_BODY)
    add("agent-token-128", "a 128-character agent token", cfg_sbx(agent_token="A" * 64 + "z" * 64),
        "v1/payments/pay", PAY_BODY)
    add("agent-token-and-key-version", "agent token with key_version 3 in sandbox",
        cfg_sbx(agent_token="agent-token_01", key_version=3, region="europe"), "v1/payments/pay", PAY_BODY)
    for cid, desc, tok in (("agent-token-empty", "empty", ""), ("agent-token-129", "129 characters", "A" * 129),
                           ("agent-token-space", "contains a space", "agent token"),
                           ("agent-token-non-ascii", "non-ASCII", "tökén"),
                           ("agent-token-newline", "trailing newline (header injection)", "token\n")):
        add(cid, f"invalid agent_token: {desc}", cfg_prod(agent_token=tok), "v1/payments/pay", PAY_BODY,
            want="INVALID_INPUT")

    # client id
    for cid, desc, client in (("client-id-empty", "empty", ""), ("client-id-space", "contains a space", "5J5Y EX4C"),
                              ("client-id-non-ascii", "non-ASCII", "5J5YÉX4C"),
                              ("client-id-tab", "contains a tab", "5J5Y\tEX4C"),
                              ("client-id-newline", "header injection attempt",
                               "5J5YEX4C\r\nX-Evil: 1"),
                              ("client-id-del", "contains DEL (0x7F)", "5J5YEX4C\x7f")):
        add(cid, f"invalid client_id: {desc}", cfg_prod(client_id=client), "v1/payments/pay", PAY_BODY,
            want="INVALID_INPUT")
    add("client-id-punctuation", "visible ASCII punctuation is allowed in a client id",
        cfg_prod(client_id="SANDBOX_ab-CD.ef_01~!"), "v1/payments/pay", PAY_BODY)

    # keys in the config
    add("config-private-key-too-small", "an RSA-1024 merchant key is rejected when building the client",
        cfg_prod(private_key_file=priv_file("rsa1024")), "v1/payments/pay", PAY_BODY, want="INVALID_KEY")
    add("config-antom-key-ec", "an EC Antom public key is rejected when building the client",
        cfg_prod(antom_public_key_file=pub_file("ec-p256")), "v1/payments/pay", PAY_BODY, want="INVALID_KEY")
    add("config-private-key-encrypted", "an encrypted merchant key is rejected",
        cfg_prod(private_key_file=ENCRYPTED_PKCS8_FILE), "v1/payments/pay", PAY_BODY, want="INVALID_KEY")
    add("config-private-key-3072", "a 3072-bit merchant key signs 384-byte signatures",
        cfg_prod(private_key_file=priv_file("rsa3072")), "v1/payments/pay", PAY_BODY)

    # bodies
    add("body-unicode", "CJK and emoji body is sent and signed unchanged", cfg_prod(), "v1/payments/pay", UNICODE_BODY)
    add("body-pretty", "pretty-printed body", cfg_prod(), "v1/payments/pay", PAY_BODY_PRETTY)
    add("body-empty-object", "'{}'", cfg_prod(), "v1/payments/inquiryPayment", "{}")
    add("body-leading-whitespace", "leading whitespace before the object", cfg_prod(), "v1/payments/inquiryPayment",
        "\n \t" + INQUIRY_BODY)
    add("body-trailing-newline", "trailing newline after the object", cfg_prod(), "v1/payments/inquiryPayment",
        INQUIRY_BODY + "\n")
    add("body-escaped-unicode", "\\u escapes are kept as sent", cfg_prod(), "v1/payments/pay",
        '{"orderDescription":"caf\\u00e9 \\ud83e\\uddcb"}')
    add("request-time-other", "another request time", cfg_prod(), "v1/payments/inquiryPayment", INQUIRY_BODY,
        request_time=1747619552000)
    for cid, desc, body in (("body-empty", "empty", ""), ("body-whitespace", "whitespace only", "  \n"),
                            ("body-array", "a JSON array", "[]"), ("body-string", "a JSON string", '"pay"'),
                            ("body-number", "a JSON number", "42"), ("body-null", "null", "null"),
                            ("body-truncated", "truncated object", '{"paymentRequestId":'),
                            ("body-trailing-garbage", "garbage after the object", '{"a":"b"} x'),
                            ("body-two-objects", "two objects", "{}{}"),
                            ("body-single-quotes", "single-quoted keys", "{'a':'b'}"),
                            ("body-trailing-comma", "trailing comma", '{"a":"b",}'),
                            ("body-nan", "NaN is not JSON", '{"a":NaN}'),
                            ("body-control-char", "raw control character in a string", '{"a":"b\x01"}'),
                            ("body-not-json", "plain text", "paymentRequestId=pay_1")):
        add(cid, f"invalid body: {desc}", cfg_prod(), "v1/payments/pay", body, want="INVALID_INPUT")

    # max_body_bytes (default 4 MiB): checked first, before the path and the body
    add("body-at-max-body-bytes", "a body of exactly max_body_bytes is prepared",
        cfg_prod(max_body_bytes=len(PAY_BODY)), "v1/payments/pay", PAY_BODY)
    add("body-over-max-body-bytes", "one byte over max_body_bytes: INVALID_INPUT",
        cfg_prod(max_body_bytes=len(PAY_BODY) - 1), "v1/payments/pay", PAY_BODY, want="INVALID_INPUT")
    add("body-over-max-body-bytes-api-key", "the limit applies in API-key mode too",
        cfg_api_key(max_body_bytes=len(PAY_BODY) - 1), "v1/payments/pay", PAY_BODY, want="INVALID_INPUT")
    add("max-body-bytes-zero-empty-object", "max_body_bytes 0 refuses even '{}'", cfg_prod(max_body_bytes=0),
        "v1/payments/inquiryPayment", "{}", want="INVALID_INPUT")

    cases.extend(api_key_prepare_cases())
    return cases


# ---------------------------------------------------------------------------------------
# response.json
# ---------------------------------------------------------------------------------------

def response_cases() -> list:
    cases = []
    antom = private_key(ANTOM_PRIV)

    def signed_headers(path, body, client_id=PROD_CLIENT, key=antom, rt=RESPONSE_TIME, names=None,
                       sig_style=None):
        b = body if isinstance(body, bytes) else body.encode("utf-8")
        enc, _ = sign(key, content_to_sign("POST", path, client_id, rt, b))
        sig = f"algorithm=RSA256,keyVersion=1,signature={enc}"
        if sig_style:
            sig = sig_style(enc)
        n = names or ("signature", "response-time", "client-id")
        return [["content-type", "application/json; charset=UTF-8"], [n[0], sig], [n[1], rt], [n[2], client_id]]

    def add(cid, desc, cfg, path, headers, body, want):
        inp = {"config": cfg, "path": path, "headers": headers}
        if isinstance(body, bytes):
            inp["body_base64"] = b64(body)
        else:
            inp["body"] = body
        b = body if isinstance(body, bytes) else body.encode("utf-8")
        res = run(verify_response, cfg, path, headers, b)
        c = case(cid, desc, inp, res)
        if isinstance(want, dict):
            assert all(res.get(k) == v for k, v in want.items()), (cid, res)
        else:
            check_expected(c, want)
        cases.append(c)

    S, F, U = compact(RESP_S), compact(RESP_F), compact(RESP_U)
    P = PAY_PATH
    add("signed-s", "signed S response, lower-case header names (what Antom sends)", cfg_prod(), P,
        signed_headers(P, S), S, {"verified": True, "result_status": "S", "next_action": "DONE"})
    add("verify-only-signed-s", "a verify-only config verifies responses too", cfg_verify_only(), P,
        signed_headers(P, S), S, {"verified": True, "result_status": "S", "next_action": "DONE"})
    add("signed-f-title-case", "signed F response, Title-Case header names", cfg_prod(), P,
        signed_headers(P, F, names=("Signature", "Response-Time", "Client-Id")), F,
        {"verified": True, "result_status": "F", "next_action": "FAILED"})
    add("signed-u-upper-case", "signed U response, UPPER-CASE header names", cfg_prod(), P,
        signed_headers(P, U, names=("SIGNATURE", "RESPONSE-TIME", "CLIENT-ID")), U,
        {"verified": True, "result_status": "U", "next_action": "INQUIRE"})
    add("signed-doc-style-header", "Signature header with ', ' separators", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: f"algorithm=RSA256, keyVersion=1, signature={e}"), S,
        {"verified": True})
    add("signed-lowercase-hex", "signature percent-encoded with lower-case hex", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: "algorithm=RSA256,keyVersion=1,signature="
                       + e.replace("%2B", "%2b").replace("%2F", "%2f").replace("%3D", "%3d")), S,
        {"verified": True})
    add("signed-raw-base64", "signature given as raw base64 inside the header", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: "algorithm=RSA256,keyVersion=1,signature="
                       + e.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")), S, {"verified": True})
    add("signed-no-algorithm-key-version", "Signature header with only signature=: a missing algorithm "
        "item is malformed, even over a valid signature", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: f"signature={e}"), S, "MALFORMED_SIGNATURE")
    add("signed-key-version-2", "keyVersion 2 in the response header is accepted", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: f"algorithm=RSA256,keyVersion=2,signature={e}"), S,
        {"verified": True})
    add("sandbox-relative-path", "sandbox config, path given as 'v1/payments/pay': verified over "
        "/ams/sandbox/api/v1/payments/pay", cfg_sbx(), "v1/payments/pay",
        signed_headers(SBX_PAY_PATH, S, client_id=SBX_CLIENT), S, {"verified": True})
    add("sandbox-full-path", "sandbox config, path '/ams/api/v1/payments/pay' is rewritten before verifying",
        cfg_sbx(), PAY_PATH, signed_headers(SBX_PAY_PATH, S, client_id=SBX_CLIENT), S, {"verified": True})
    add("sandbox-signed-over-production-path", "sandbox response signed over the production path",
        cfg_sbx(), "v1/payments/pay", signed_headers(PAY_PATH, S, client_id=SBX_CLIENT), S, "SIGNATURE_MISMATCH")
    add("production-relative-path", "production config, path 'v1/payments/inquiryPayment'", cfg_prod(),
        "v1/payments/inquiryPayment", signed_headers("/ams/api/v1/payments/inquiryPayment", S), S,
        {"verified": True})
    add("extra-headers-ignored", "other headers (even duplicated) are ignored", cfg_prod(), P,
        signed_headers(P, S) + [["Content-Type", "application/json"], ["x-trace", "1"], ["X-Trace", "2"]], S,
        {"verified": True})
    uni = compact(dict(RESP_S, result={"resultCode": "SUCCESS", "resultStatus": "S",
                                       "resultMessage": "成功 ✅ succès"}))
    add("signed-unicode-body", "signed body with CJK/emoji/accents", cfg_prod(), P, signed_headers(P, uni), uni,
        {"verified": True, "result_message": "成功 ✅ succès"})
    pretty = json.dumps(RESP_S, indent=2)
    add("signed-pretty-body", "a pretty-printed body that was signed as such verifies", cfg_prod(), P,
        signed_headers(P, pretty), pretty, {"verified": True})
    x = compact({"result": {"resultCode": "SOMETHING_NEW", "resultStatus": "X", "resultMessage": "new status"}})
    add("signed-unknown-status", "a verified unknown resultStatus 'X' is reported as U", cfg_prod(), P,
        signed_headers(P, x), x, {"verified": True, "result_status": "U", "next_action": "INQUIRE"})
    nocode = compact({"result": {"resultStatus": "S"}})
    add("signed-no-code-message", "resultCode/resultMessage absent -> ''", cfg_prod(), P,
        signed_headers(P, nocode), nocode, {"verified": True, "result_code": "", "result_message": ""})

    # unsigned
    GF, GU = compact(RESP_GW_F), compact(RESP_GW_U)
    ct = [["content-type", "application/json; charset=UTF-8"]]
    add("unsigned-f", "unsigned gateway F error: accepted, verified=false; its status stays F but the next "
        "action is INQUIRE (anyone can forge an unsigned F)", cfg_prod(), P,
        ct + [["client-id", PROD_CLIENT]], GF, {"verified": False, "result_status": "F", "next_action": "INQUIRE"})
    add("unsigned-u", "unsigned gateway U error: accepted, verified=false", cfg_prod(), P,
        ct, GU, {"verified": False, "result_status": "U", "next_action": "INQUIRE"})
    add("unsigned-f-empty-headers", "empty signature/response-time values count as absent", cfg_prod(), P,
        ct + [["signature", ""], ["response-time", "  "], ["client-id", PROD_CLIENT]], GF,
        {"verified": False, "result_status": "F", "next_action": "INQUIRE"})
    add("unsigned-s", "an unsigned S response is rejected", cfg_prod(), P, ct, S, "UNSIGNED_RESPONSE")
    add("unsigned-unknown-status", "an unsigned 'X' status is rejected", cfg_prod(), P, ct, x, "UNSIGNED_RESPONSE")
    add("unsigned-not-json", "an unsigned non-JSON body (e.g. an HTML error page)", cfg_prod(), P, ct,
        "<html><body>502 Bad Gateway</body></html>", "UNSIGNED_RESPONSE")
    add("unsigned-empty-body", "an unsigned empty body", cfg_prod(), P, ct, "", "UNSIGNED_RESPONSE")
    add("unsigned-no-result", "an unsigned JSON object without result", cfg_prod(), P, ct,
        compact({"paymentRequestId": "pay_1"}), "UNSIGNED_RESPONSE")
    add("unsigned-status-not-string", "an unsigned result.resultStatus that is not a string", cfg_prod(), P, ct,
        compact({"result": {"resultStatus": ["F"]}}), "UNSIGNED_RESPONSE")
    add("unsigned-array", "an unsigned JSON array", cfg_prod(), P, ct, "[" + GF + "]", "UNSIGNED_RESPONSE")

    # half-signed, missing/mismatch
    full = signed_headers(P, S)
    no = lambda hs, name: [h for h in hs if h[0].lower() != name]
    add("half-signed-no-response-time", "signature present, response-time absent", cfg_prod(), P,
        no(full, "response-time"), S, "MISSING_HEADER")
    add("half-signed-no-signature", "response-time present, signature absent", cfg_prod(), P,
        no(full, "signature"), GF, "MISSING_HEADER")
    add("half-signed-empty-signature", "response-time present, signature empty", cfg_prod(), P,
        [h if h[0] != "signature" else ["signature", " "] for h in full], S, "MISSING_HEADER")
    add("missing-client-id", "signed but no client-id header", cfg_prod(), P, no(full, "client-id"), S, "MISSING_HEADER")
    add("empty-client-id", "signed, client-id empty", cfg_prod(), P,
        [h if h[0] != "client-id" else ["client-id", ""] for h in full], S, "MISSING_HEADER")
    add("client-id-mismatch", "client-id header differs from the configured id (signed over the header value)",
        cfg_prod(), P, signed_headers(P, S, client_id="5J5YEX4C2YQK09999"), S, "CLIENT_ID_MISMATCH")
    add("client-id-case-mismatch", "client-id comparison is case-sensitive", cfg_sbx(), "v1/payments/pay",
        signed_headers(SBX_PAY_PATH, S, client_id=SBX_CLIENT.lower()), S, "CLIENT_ID_MISMATCH")
    add("malformed-signature-and-missing-client-id", "the Signature header is parsed before client-id is checked",
        cfg_prod(), P, no([h if h[0] != "signature" else ["signature", "algorithm=RSA256,keyVersion=1"] for h in full],
                          "client-id"), S, "MALFORMED_SIGNATURE")

    # tampering / wrong key / wrong path
    add("tampered-body", "one byte of the body changed", cfg_prod(), P, full, S.replace('"1000"', '"1001"', 1),
        "SIGNATURE_MISMATCH")
    add("reserialised-body", "the body re-serialised (pretty-printed) after signing", cfg_prod(), P, full,
        json.dumps(RESP_S, indent=2), "SIGNATURE_MISMATCH")
    add("body-trailing-newline-added", "a newline appended to the signed body", cfg_prod(), P, full, S + "\n",
        "SIGNATURE_MISMATCH")
    add("tampered-response-time", "response-time changed", cfg_prod(), P,
        [h if h[0] != "response-time" else ["response-time", "2025-05-19T01:52:33Z"] for h in full], S,
        "SIGNATURE_MISMATCH")
    add("wrong-key-merchant", "signed with the merchant key instead of Antom's", cfg_prod(), P,
        signed_headers(P, S, key=private_key(MERCHANT_PRIV)), S, "SIGNATURE_MISMATCH")
    add("wrong-key-other", "signed with an unrelated key", cfg_prod(), P,
        signed_headers(P, S, key=private_key(OTHER_PRIV)), S, "SIGNATURE_MISMATCH")
    add("wrong-path", "signed over another endpoint's path", cfg_prod(), P,
        signed_headers("/ams/api/v1/payments/inquiryPayment", S), S, "SIGNATURE_MISMATCH")
    add("invalid-path", "an invalid path is rejected before anything else", cfg_prod(), "v1/../payments/pay",
        full, S, "INVALID_INPUT")
    add("invalid-path-sandbox-in-production", "a sandbox path with a production config", cfg_prod(),
        SBX_PAY_PATH, full, S, "INVALID_INPUT")
    add("malformed-signature-value", "signature value with a bad percent escape", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: "algorithm=RSA256,keyVersion=1,signature=" + e[:-2]), S,
        "MALFORMED_SIGNATURE")
    add("malformed-signature-header", "Signature header with an empty item", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: f"algorithm=RSA256,,signature={e}"), S, "MALFORMED_SIGNATURE")
    add("malformed-signature-length", "a well-formed base64 value of the wrong length", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: "algorithm=RSA256,keyVersion=1,signature=" + e[:40]), S,
        "MALFORMED_SIGNATURE")
    add("unsupported-algorithm", "algorithm=RSA512", cfg_prod(), P,
        signed_headers(P, S, sig_style=lambda e: f"algorithm=RSA512,keyVersion=1,signature={e}"), S,
        "UNSUPPORTED_ALGORITHM")
    add("duplicate-signature-header", "signature header twice (same value)", cfg_prod(), P,
        full + [["Signature", full[1][1]]], S, "INVALID_INPUT")
    add("duplicate-client-id-header", "client-id twice with different casing", cfg_prod(), P,
        full + [["Client-Id", PROD_CLIENT]], S, "INVALID_INPUT")
    add("duplicate-response-time-header", "response-time twice", cfg_prod(), P,
        full + [["response-time", RESPONSE_TIME]], S, "INVALID_INPUT")
    add("duplicate-empty-signature-header", "a duplicate counts even if one value is empty", cfg_prod(), P,
        ct + [["signature", ""], ["Signature", ""]], GF, "INVALID_INPUT")

    # signed but the body is unusable
    nores = compact({"paymentRequestId": "pay_1"})
    add("signed-no-result", "validly signed body without result", cfg_prod(), P, signed_headers(P, nores), nores,
        "INVALID_INPUT")
    nostat = compact({"result": {"resultCode": "SUCCESS", "resultMessage": "success"}})
    add("signed-no-result-status", "validly signed body whose result has no resultStatus", cfg_prod(), P,
        signed_headers(P, nostat), nostat, "INVALID_INPUT")
    numstat = compact({"result": {"resultCode": "SUCCESS", "resultStatus": 1, "resultMessage": "success"}})
    add("signed-result-status-number", "validly signed body whose resultStatus is a number", cfg_prod(), P,
        signed_headers(P, numstat), numstat, "INVALID_INPUT")
    add("signed-array-body", "validly signed JSON array", cfg_prod(), P, signed_headers(P, "[" + S + "]"),
        "[" + S + "]", "INVALID_INPUT")
    add("signed-not-json", "validly signed non-JSON body", cfg_prod(), P, signed_headers(P, "OK"), "OK",
        "INVALID_INPUT")
    add("signed-empty-body", "validly signed empty body", cfg_prod(), P, signed_headers(P, ""), "", "INVALID_INPUT")
    # max_body_bytes: checked first
    add("body-at-max-body-bytes", "a body of exactly max_body_bytes is verified", cfg_prod(max_body_bytes=len(S)),
        P, full, S, {"verified": True})
    add("body-over-max-body-bytes", "one byte over max_body_bytes: INVALID_INPUT, even for a validly signed "
        "response", cfg_prod(max_body_bytes=len(S) - 1), P, full, S, "INVALID_INPUT")
    add("body-over-max-body-bytes-before-headers", "the body size is checked before the headers (half-signed "
        "would be MISSING_HEADER)", cfg_prod(max_body_bytes=10), P, no(full, "response-time"), S, "INVALID_INPUT")
    add("body-over-max-body-bytes-unsigned-s", "the body size is checked before the unsigned rule (an unsigned "
        "S would be UNSIGNED_RESPONSE)", cfg_prod(max_body_bytes=10), P, ct, S, "INVALID_INPUT")
    add("body-over-max-body-bytes-unsigned", "an unsigned F body over max_body_bytes is refused too",
        cfg_prod(max_body_bytes=len(GF) - 1), P, ct, GF, "INVALID_INPUT")
    latin1 = ('{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"caf\u00e9"}}').encode("latin-1")
    add("signed-non-utf8-body", "validly signed body that is not UTF-8 (Latin-1 'é'): not JSON", cfg_prod(), P,
        signed_headers(P, latin1), latin1, "INVALID_INPUT")
    return cases


# ---------------------------------------------------------------------------------------
# notification.json
# ---------------------------------------------------------------------------------------

def notification_cases() -> list:
    cases = []
    antom = private_key(ANTOM_PRIV)
    NP = "/antom/notify"

    def hdrs(path, body, client_id=PROD_CLIENT, key=antom, rt=NOTIFY_TIME, names=None, sig_style=None):
        enc, _ = sign(key, content_to_sign("POST", path, client_id, rt, body))
        sig = sig_style(enc) if sig_style else f"algorithm=RSA256,keyVersion=1,signature={enc}"
        n = names or ("signature", "request-time", "client-id")
        return [["content-type", "application/json"], [n[1], rt], [n[2], client_id], [n[0], sig]]

    def add(cid, desc, cfg, path, headers, body, want, freshness=None):
        res = run(verify_notification, cfg, path, headers, body.encode("utf-8"), freshness)
        inp = {"config": cfg, "path": path, "headers": headers, "body": body}
        if freshness is not None:
            inp["freshness"] = freshness
        c = case(cid, desc, inp, res)
        if isinstance(want, dict):
            assert all(res.get(k) == v for k, v in want.items()), (cid, res)
        else:
            check_expected(c, want)
        cases.append(c)

    pay = compact(NOTIFY_PAYMENT)
    add("payment-result", "payment result notification (notifyType)", cfg_prod(), NP, hdrs(NP, pay), pay,
        {"notify_type": "PAYMENT_RESULT", "result_status": "S", "client_id": PROD_CLIENT, "request_time": NOTIFY_TIME})
    ref = compact(NOTIFY_REFUND)
    add("refund-result", "refund notification (notifyType REFUND_RESULT, result S)", cfg_prod(), NP,
        hdrs(NP, ref), ref, {"notify_type": "REFUND_RESULT", "result_status": "S"})
    auth = compact(NOTIFY_AUTH)
    add("authorization", "authorization notification (authorizationNotifyType)", cfg_prod(), "/antom/auth-notify",
        hdrs("/antom/auth-notify", auth), auth, {"notify_type": "TOKEN_CREATED"})
    dis = compact(NOTIFY_DISPUTE)
    add("dispute", "dispute notification (disputeNotificationType), no result -> null", cfg_prod(), NP,
        hdrs(NP, dis), dis, {"notify_type": "DISPUTE_CREATED", "result_status": None})
    sub = compact(NOTIFY_SUBSCRIPTION)
    add("subscription", "subscription notification (subscriptionNotificationType)", cfg_prod(), NP,
        hdrs(NP, sub), sub, {"notify_type": "CREATE"})
    none = compact({"paymentRequestId": "pay_1", "result": {"resultCode": "SUCCESS", "resultStatus": "S",
                                                              "resultMessage": "success"}})
    add("no-notify-type", "no known notify-type field -> null", cfg_prod(), NP, hdrs(NP, none), none,
        {"notify_type": None})
    two = compact({"disputeNotificationType": "DISPUTE_JUDGED", "notifyType": "PAYMENT_RESULT",
                   "result": {"resultStatus": "F", "resultCode": "PROCESS_FAIL", "resultMessage": "fail"}})
    add("two-notify-types", "notifyType wins over disputeNotificationType (field order in the list, "
        "not in the body)", cfg_prod(), NP, hdrs(NP, two), two,
        {"notify_type": "PAYMENT_RESULT", "result_status": "F"})
    nonstr = compact({"notifyType": 7, "authorizationNotifyType": "AUTHCODE_CREATED"})
    add("notify-type-not-string", "a non-string notifyType is skipped", cfg_prod(), NP, hdrs(NP, nonstr), nonstr,
        {"notify_type": "AUTHCODE_CREATED", "result_status": None})
    odd = compact({"notifyType": "PAYMENT_PENDING", "result": {"resultStatus": "P", "resultCode": "X"}})
    add("unknown-result-status", "an unknown resultStatus string is reported as U", cfg_prod(), NP,
        hdrs(NP, odd), odd, {"result_status": "U"})
    fres = compact(dict(NOTIFY_PAYMENT, result={"resultCode": "PAYMENT_FAIL", "resultStatus": "F",
                                                "resultMessage": "payment failed"}))
    add("payment-failed", "payment result F", cfg_prod(), NP, hdrs(NP, fres), fres, {"result_status": "F"})
    add("title-case-headers", "Title-Case header names", cfg_prod(), NP,
        hdrs(NP, pay, names=("Signature", "Request-Time", "Client-Id")), pay, {"notify_type": "PAYMENT_RESULT"})
    add("doc-style-signature-header", "Signature header with ', ' separators", cfg_prod(), NP,
        hdrs(NP, pay, sig_style=lambda e: f"algorithm=RSA256, keyVersion=1, signature={e}"), pay,
        {"notify_type": "PAYMENT_RESULT"})
    qp = "/antom/notify?shop=hk-01&v=2"
    add("query-string-path", "a query string in the path is signed as given", cfg_prod(), qp, hdrs(qp, pay), pay,
        {"notify_type": "PAYMENT_RESULT"})
    add("query-string-dropped", "signed with the query string, verified without it", cfg_prod(), NP,
        hdrs(qp, pay), pay, "SIGNATURE_MISMATCH")
    add("sandbox-no-rewrite", "a sandbox config does not rewrite notification paths", cfg_sbx(), "/ams/api/notify",
        hdrs("/ams/api/notify", pay, client_id=SBX_CLIENT), pay, {"client_id": SBX_CLIENT})
    add("api-key-config", "a config that authenticates requests with an API key verifies notifications the same way",
        cfg_api_key(), NP, hdrs(NP, pay), pay, {"notify_type": "PAYMENT_RESULT"})
    add("api-key-config-mismatch", "API-key config, tampered body", cfg_api_key(), NP, hdrs(NP, pay),
        pay.replace("100000", "100001"), "SIGNATURE_MISMATCH")
    add("verify-only-config", "a verify-only config (no private key at all) verifies notifications",
        cfg_verify_only(), NP, hdrs(NP, pay), pay, {"notify_type": "PAYMENT_RESULT"})
    add("verify-only-config-mismatch", "verify-only config, tampered body", cfg_verify_only(), NP,
        hdrs(NP, pay), pay.replace("100000", "100001"), "SIGNATURE_MISMATCH")
    epoch = "1562913536000"
    add("epoch-request-time", "request-time is opaque text (epoch millis also works)", cfg_prod(), NP,
        hdrs(NP, pay, rt=epoch), pay, {"request_time": epoch})
    uni = compact(dict(NOTIFY_PAYMENT, result={"resultCode": "SUCCESS", "resultStatus": "S",
                                               "resultMessage": "支付成功 ✅"}))
    add("unicode-body", "body with CJK and emoji", cfg_prod(), NP, hdrs(NP, uni), uni, {"result_status": "S"})

    full = hdrs(NP, pay)
    without = lambda name: [h for h in full if h[0] != name]
    emptied = lambda name: [h if h[0] != name else [name, ""] for h in full]
    for name in ("signature", "request-time", "client-id"):
        add(f"missing-{name}", f"no {name} header", cfg_prod(), NP, without(name), pay, "MISSING_HEADER")
        add(f"empty-{name}", f"{name} header empty", cfg_prod(), NP, emptied(name), pay, "MISSING_HEADER")
    add("blank-signature", "signature header of spaces", cfg_prod(), NP,
        [h if h[0] != "signature" else ["signature", "   "] for h in full], pay, "MISSING_HEADER")
    add("missing-all-headers", "no headers at all", cfg_prod(), NP, [], pay, "MISSING_HEADER")
    add("malformed-signature-and-missing-client-id", "required headers are checked before the Signature "
        "header is parsed", cfg_prod(), NP,
        [h if h[0] != "signature" else ["signature", "algorithm=RSA256"] for h in without("client-id")], pay,
        "MISSING_HEADER")
    add("duplicate-signature", "signature header twice", cfg_prod(), NP, full + [["Signature", full[3][1]]], pay,
        "INVALID_INPUT")
    add("duplicate-request-time", "request-time twice", cfg_prod(), NP, full + [["Request-Time", NOTIFY_TIME]],
        pay, "INVALID_INPUT")
    add("client-id-mismatch", "client-id differs from the configured id (and the signature covers the header)",
        cfg_prod(), NP, hdrs(NP, pay, client_id="5J5YEX4C2YQK09999"), pay, "CLIENT_ID_MISMATCH")
    add("tampered-body", "amount changed after signing", cfg_prod(), NP, full, pay.replace("100000", "900000"),
        "SIGNATURE_MISMATCH")
    add("tampered-request-time", "request-time changed", cfg_prod(), NP,
        [h if h[0] != "request-time" else ["request-time", "2019-07-12T12:08:57+05:30"] for h in full], pay,
        "SIGNATURE_MISMATCH")
    add("wrong-path", "verified against another path", cfg_prod(), "/antom/refund-notify", full, pay,
        "SIGNATURE_MISMATCH")
    add("signed-by-other-key", "signed with an unrelated key", cfg_prod(), NP,
        hdrs(NP, pay, key=private_key(OTHER_PRIV)), pay, "SIGNATURE_MISMATCH")
    add("signed-by-merchant-key", "signed with the merchant key", cfg_prod(), NP,
        hdrs(NP, pay, key=private_key(MERCHANT_PRIV)), pay, "SIGNATURE_MISMATCH")
    add("malformed-signature", "signature value is not base64", cfg_prod(), NP,
        hdrs(NP, pay, sig_style=lambda e: "algorithm=RSA256,keyVersion=1,signature=%%%"), pay,
        "MALFORMED_SIGNATURE")
    add("unsupported-algorithm", "algorithm=SHA256withRSA", cfg_prod(), NP,
        hdrs(NP, pay, sig_style=lambda e: f"algorithm=SHA256withRSA,keyVersion=1,signature={e}"), pay,
        "UNSUPPORTED_ALGORITHM")
    for cid, desc, p in (("path-no-leading-slash", "path without a leading '/'", "antom/notify"),
                         ("path-empty", "empty path", ""),
                         ("path-full-url", "a full URL", "https://merchant.example/antom/notify"),
                         ("path-with-url-in-query", "'://' anywhere", "/antom/notify?next=https://x.example"),
                         ("path-space", "whitespace in the path", "/antom/ notify")):
        add(cid, f"invalid path: {desc}", cfg_prod(), p, hdrs(p, pay), pay, "INVALID_INPUT")
    add("signed-not-json", "validly signed body that is not JSON", cfg_prod(), NP, hdrs(NP, "notifyType=PAYMENT_RESULT"),
        "notifyType=PAYMENT_RESULT", "INVALID_INPUT")
    add("signed-json-array", "validly signed JSON array", cfg_prod(), NP, hdrs(NP, "[" + pay + "]"),
        "[" + pay + "]", "INVALID_INPUT")
    add("signed-empty-body", "validly signed empty body", cfg_prod(), NP, hdrs(NP, ""), "", "INVALID_INPUT")

    # dedup_key: "{notifyType}:{field}={value}" for the first non-empty id field, else sha256 of the body
    add("dedup-key-payment", "dedup_key of a payment result: paymentId wins over paymentRequestId", cfg_prod(),
        NP, hdrs(NP, pay), pay, {"dedup_key": "PAYMENT_RESULT:paymentId=20190712194010800100188000000001"})
    add("dedup-key-refund", "dedup_key of a refund: refundId wins over refundRequestId", cfg_prod(), NP,
        hdrs(NP, ref), ref, {"dedup_key": "REFUND_RESULT:refundId=20190712194010800100188000000002"})
    add("dedup-key-dispute", "dedup_key of a dispute: disputeId wins over paymentRequestId, with the "
        "disputeNotificationType", cfg_prod(), NP, hdrs(NP, dis), dis,
        {"dedup_key": "DISPUTE_CREATED:disputeId=20190712194010800100188000000003"})
    empty_ref = compact({"notifyType": "REFUND_RESULT", "refundId": "", "refundRequestId": "refund_1",
                         "paymentId": "pay_id_1"})
    add("dedup-key-empty-id-skipped", "an empty refundId is skipped: refundRequestId is next", cfg_prod(), NP,
        hdrs(NP, empty_ref), empty_ref, {"dedup_key": "REFUND_RESULT:refundRequestId=refund_1"})
    num_id = compact({"notifyType": "CAPTURE_RESULT", "captureId": 12345, "captureRequestId": "cap_1"})
    add("dedup-key-non-string-id-skipped", "a non-string captureId is skipped", cfg_prod(), NP,
        hdrs(NP, num_id), num_id, {"dedup_key": "CAPTURE_RESULT:captureRequestId=cap_1"})
    untyped = compact({"paymentRequestId": "pay_untyped_1", "authPaymentId": "auth_1"})
    add("dedup-key-no-notify-type", "no notify type: the key starts with ':'", cfg_prod(), NP,
        hdrs(NP, untyped), untyped, {"dedup_key": ":paymentRequestId=pay_untyped_1", "notify_type": None})
    auth_pay = compact({"notifyType": "PAYMENT_RESULT", "authPaymentId": "auth_2"})
    add("dedup-key-auth-payment-id", "authPaymentId is the last id tried", cfg_prod(), NP,
        hdrs(NP, auth_pay), auth_pay, {"dedup_key": "PAYMENT_RESULT:authPaymentId=auth_2"})
    add("dedup-key-sha256", "no id field at all: sha256 of the raw body (the authorization notification)",
        cfg_prod(), "/antom/auth-notify", hdrs("/antom/auth-notify", auth), auth,
        {"dedup_key": "sha256:" + hashlib.sha256(auth.encode()).hexdigest()})
    pretty_pay = json.dumps(NOTIFY_PAYMENT, indent=2)
    add("dedup-key-independent-of-formatting", "the same ids in a pretty-printed body give the same key",
        cfg_prod(), NP, hdrs(NP, pretty_pay), pretty_pay,
        {"dedup_key": "PAYMENT_RESULT:paymentId=20190712194010800100188000000001"})

    # opt-in freshness: request-time (epoch millis, or ISO-8601 with a zone) within max_age_ms of now_ms
    T0 = 1562913536000
    rt0 = str(T0)
    fresh_h = hdrs(NP, pay, rt=rt0)
    W = 300000
    add("fresh-within-window", "freshness: a minute old, 5-minute window", cfg_prod(), NP, fresh_h, pay,
        {"request_time": rt0}, freshness={"now_ms": T0 + 60000, "max_age_ms": W})
    add("fresh-at-window-edge", "freshness: exactly max_age_ms old is accepted", cfg_prod(), NP, fresh_h, pay,
        {"request_time": rt0}, freshness={"now_ms": T0 + W, "max_age_ms": W})
    add("fresh-slightly-future", "freshness: a request-time a little ahead of now (clock skew) is accepted",
        cfg_prod(), NP, fresh_h, pay, {"request_time": rt0}, freshness={"now_ms": T0 - 1000, "max_age_ms": W})
    add("fresh-zero-window", "freshness: max_age_ms 0 accepts exactly now", cfg_prod(), NP, fresh_h, pay,
        {"request_time": rt0}, freshness={"now_ms": T0, "max_age_ms": 0})
    add("stale-past", "freshness: one millisecond older than max_age_ms", cfg_prod(), NP, fresh_h, pay,
        "INVALID_INPUT", freshness={"now_ms": T0 + W + 1, "max_age_ms": W})
    add("stale-past-day", "freshness: a replay a day later", cfg_prod(), NP, fresh_h, pay,
        "INVALID_INPUT", freshness={"now_ms": T0 + 86400000, "max_age_ms": W})
    add("stale-future", "freshness: request-time further in the future than max_age_ms", cfg_prod(), NP,
        fresh_h, pay, "INVALID_INPUT", freshness={"now_ms": T0 - W - 1, "max_age_ms": W})
    # Antom's own notifications carry an ISO-8601 request-time (NOTIFY_TIME is T0 at +05:30).
    add("fresh-iso-time", "freshness: an ISO-8601 request-time with an offset, a minute old", cfg_prod(), NP,
        hdrs(NP, pay), pay, {"request_time": NOTIFY_TIME}, freshness={"now_ms": T0 + 60000, "max_age_ms": W})
    add("stale-iso-time", "freshness: the same ISO-8601 notification a day later", cfg_prod(), NP,
        hdrs(NP, pay), pay, "INVALID_INPUT", freshness={"now_ms": T0 + 86400000, "max_age_ms": W})
    for cid, desc, rt, now in (
            ("fresh-iso-utc-fraction", "UTC (Z) with milliseconds", "2019-07-12T06:38:56.250Z", T0 + 250),
            ("fresh-iso-offset-no-colon", "an offset without a colon (+0800)", "2019-07-12T14:38:56+0800", T0),
            ("fresh-iso-negative-offset", "a negative offset", "2019-07-12T01:38:56-05:00", T0),
            ("fresh-iso-nanoseconds", "nine fraction digits, truncated to milliseconds",
             "2019-07-12T06:38:56.999999999Z", T0 + 999),
            ("fresh-iso-leap-day", "29 February of a leap year", "2020-02-29T00:00:00Z", 1582934400000)):
        add(cid, f"freshness: ISO-8601 request-time, {desc}", cfg_prod(), NP, hdrs(NP, pay, rt=rt), pay,
            {"request_time": rt}, freshness={"now_ms": now, "max_age_ms": 0})
    for cid, desc, rt in (("fresh-iso-no-zone", "no zone (whose local time?)", "2019-07-12T12:08:56"),
                          ("fresh-iso-not-leap-day", "29 February of a common year", "2019-02-29T00:00:00Z"),
                          ("fresh-iso-month-13", "month 13", "2019-13-12T12:08:56Z"),
                          ("fresh-iso-hour-24", "hour 24", "2019-07-12T24:00:00Z"),
                          ("fresh-iso-offset-hour-24", "an offset of 24 hours", "2019-07-12T12:08:56+24:00"),
                          ("fresh-iso-space", "a space instead of T", "2019-07-12 12:08:56Z"),
                          ("fresh-iso-before-1970", "a time before 1970", "1969-12-31T23:59:59Z"),
                          ("fresh-iso-fraction-10-digits", "ten fraction digits", "2019-07-12T06:38:56.1234567890Z")):
        add(cid, f"freshness: ISO-8601 request-time with {desc} cannot be aged", cfg_prod(), NP,
            hdrs(NP, pay, rt=rt), pay, "INVALID_INPUT", freshness={"now_ms": T0, "max_age_ms": W})
    add("no-freshness-iso-time", "without freshness the same ISO-8601 notification verifies", cfg_prod(), NP,
        hdrs(NP, pay), pay, {"request_time": NOTIFY_TIME})
    for cid, desc, rt in (("fresh-time-20-digits", "20 digits", rt0 + "0000000"),
                          ("fresh-time-sign", "a leading '+'", "+" + rt0),
                          ("fresh-time-decimal", "a decimal point", rt0 + ".5"),
                          ("fresh-time-seconds-suffix", "a unit suffix", rt0 + "ms"),
                          ("fresh-time-fullwidth", "non-ASCII digits", "１５６２９１３５３６０００")):
        add(cid, f"freshness: request-time with {desc} is neither epoch milliseconds nor ISO-8601", cfg_prod(), NP,
            hdrs(NP, pay, rt=rt), pay, "INVALID_INPUT", freshness={"now_ms": T0, "max_age_ms": W})
    padded = "000000" + rt0
    add("fresh-time-leading-zeros", "freshness: 19 digits with leading zeros still parse", cfg_prod(), NP,
        hdrs(NP, pay, rt=padded), pay, {"request_time": padded}, freshness={"now_ms": T0, "max_age_ms": W})
    add("stale-before-signature", "freshness is checked before the signature: stale and tampered is "
        "INVALID_INPUT", cfg_prod(), NP, fresh_h, pay.replace("100000", "100001"), "INVALID_INPUT",
        freshness={"now_ms": T0 + 86400000, "max_age_ms": W})
    add("fresh-bad-signature", "fresh but tampered: SIGNATURE_MISMATCH", cfg_prod(), NP, fresh_h,
        pay.replace("100000", "100001"), "SIGNATURE_MISMATCH", freshness={"now_ms": T0, "max_age_ms": W})
    add("stale-after-client-id", "freshness is checked after the client id", cfg_prod(), NP,
        hdrs(NP, pay, rt=rt0, client_id="5J5YEX4C2YQK09999"), pay, "CLIENT_ID_MISMATCH",
        freshness={"now_ms": T0 + 86400000, "max_age_ms": W})
    add("stale-after-malformed-signature", "the Signature header is parsed before freshness", cfg_prod(), NP,
        hdrs(NP, pay, rt=rt0, sig_style=lambda e: f"keyVersion=1,signature={e}"), pay, "MALFORMED_SIGNATURE",
        freshness={"now_ms": T0 + 86400000, "max_age_ms": W})

    # max_body_bytes: checked first
    add("body-at-max-body-bytes", "a body of exactly max_body_bytes is verified", cfg_prod(max_body_bytes=len(pay)),
        NP, hdrs(NP, pay), pay, {"notify_type": "PAYMENT_RESULT"})
    add("body-over-max-body-bytes", "one byte over max_body_bytes: INVALID_INPUT", cfg_prod(max_body_bytes=len(pay) - 1),
        NP, hdrs(NP, pay), pay, "INVALID_INPUT")
    add("body-over-max-body-bytes-before-path", "the body size is checked before the path",
        cfg_prod(max_body_bytes=10), "antom/notify", hdrs("antom/notify", pay), pay, "INVALID_INPUT")
    add("body-over-max-body-bytes-before-headers", "the body size is checked before the headers (would be "
        "MISSING_HEADER)", cfg_prod(max_body_bytes=10), NP, [], pay, "INVALID_INPUT")
    return cases


# ---------------------------------------------------------------------------------------
# amounts.json
# ---------------------------------------------------------------------------------------

def amount_cases() -> list:
    cases = []

    def to(cid, desc, amount, cur, want=None):
        res = run(lambda: {"value": to_minor_units(amount, cur)})
        c = case(cid, desc, {"to_minor_units": {"amount": amount, "currency": cur}}, res)
        if isinstance(want, str) and want in ERROR_CODES:
            check_expected(c, want)
        elif want is not None:
            assert res == {"value": want}, (cid, res)
        cases.append(c)

    def frm(cid, desc, value, cur, want=None):
        res = run(lambda: {"amount": from_minor_units(value, cur)})
        c = case(cid, desc, {"from_minor_units": {"value": value, "currency": cur}}, res)
        if isinstance(want, str) and want in ERROR_CODES:
            check_expected(c, want)
        elif want is not None:
            assert res == {"amount": want}, (cid, res)
        cases.append(c)

    IA, UC = "INVALID_AMOUNT", "UNSUPPORTED_CURRENCY"
    # exponent 2
    to("usd-10-50", "USD 10.50", "10.50", "USD", "1050")
    to("usd-10-5", "USD 10.5 (one fractional digit)", "10.5", "USD", "1050")
    to("usd-10", "USD 10 (no fraction)", "10", "USD", "1000")
    to("usd-0-01", "USD 0.01 (smallest)", "0.01", "USD", "1")
    to("usd-extra-zeros", "USD 10.500 (extra trailing zeros are fine)", "10.500", "USD", "1050")
    to("usd-leading-zeros", "USD 007.10 (leading zeros stripped)", "007.10", "USD", "710")
    to("usd-max-16-digits", "USD 99999999999999.99 (16 digits)", "99999999999999.99", "USD", "9999999999999999")
    to("usd-17-digits", "USD 100000000000000.00 (17 digits)", "100000000000000.00", "USD", IA)
    to("usd-leading-zeros-not-counted", "leading zeros do not count toward 16 digits", "0000000000000000012.34",
       "USD", "1234")
    to("usd-too-precise", "USD 10.505", "10.505", "USD", IA)
    to("usd-zero", "USD 0.00 (zero is not a valid Antom amount)", "0.00", "USD", IA)
    to("usd-zero-plain", "USD 0", "0", "USD", IA)
    to("idr-10000", "IDR 10000.00 -> 1000000 (IDR has 2 minor digits in ISO 4217)", "10000.00", "IDR", "1000000")
    to("eur-19-99", "EUR 19.99", "19.99", "EUR", "1999")
    to("hkd-38", "HKD 38", "38", "HKD", "3800")
    to("cny-0-5", "CNY 0.5", "0.5", "CNY", "50")
    to("inr-1000", "INR 1000", "1000", "INR", "100000")
    # exponent 0
    to("jpy-100", "JPY 100", "100", "JPY", "100")
    to("jpy-100-0", "JPY 100.0 (zero fraction allowed)", "100.0", "JPY", "100")
    to("jpy-100-00", "JPY 100.00", "100.00", "JPY", "100")
    to("jpy-100-5", "JPY 100.5 (JPY has no minor unit)", "100.5", "JPY", IA)
    to("jpy-max", "JPY 16 digits", "9999999999999999", "JPY", "9999999999999999")
    to("jpy-17-digits", "JPY 17 digits", "10000000000000000", "JPY", IA)
    to("krw-50000", "KRW 50000", "50000", "KRW", "50000")
    to("vnd-250000", "VND 250000", "250000", "VND", "250000")
    to("clp-1500", "CLP 1500.000", "1500.000", "CLP", "1500")
    # exponent 3, 4
    to("bhd-1-234", "BHD 1.234", "1.234", "BHD", "1234")
    to("bhd-1-2", "BHD 1.2", "1.2", "BHD", "1200")
    to("kwd-0-001", "KWD 0.001", "0.001", "KWD", "1")
    to("kwd-too-precise", "KWD 1.2345", "1.2345", "KWD", IA)
    # ISO 4217 fund codes are units of account, not payment currencies: refused both ways
    to("clf-1-2345", "CLF 1.2345: CLF (4 minor digits in ISO 4217) is a fund code, refused", "1.2345", "CLF", UC)
    to("clf-3", "CLF 3: fund code, refused", "3", "CLF", UC)
    to("clf-too-precise", "CLF 1.23456: the fund code is refused before the amount is read", "1.23456", "CLF", UC)
    to("uyw-0-0001", "UYW 0.0001: fund code (4 minor digits in ISO 4217), refused", "0.0001", "UYW", UC)
    to("fund-code-bad-amount", "a fund code with a malformed amount: the currency is checked first", "-1",
       "USN", UC)
    # IDR: whole rupiah only (the minor-unit value must end in "00")
    to("idr-whole", "IDR 15000 -> 1500000", "15000", "IDR", "1500000")
    to("idr-whole-with-zero-sen", "IDR 15000.00: zero sen is whole rupiah", "15000.00", "IDR", "1500000")
    to("idr-whole-extra-zeros", "IDR 15000.000: extra zero digits are fine", "15000.000", "IDR", "1500000")
    to("idr-one-rupiah", "IDR 1 -> 100", "1", "IDR", "100")
    to("idr-sen-50", "IDR 100.50: sen are refused", "100.50", "IDR", IA)
    to("idr-sen-5", "IDR 100.5: 50 sen, refused", "100.5", "IDR", IA)
    to("idr-sen-01", "IDR 0.01: one sen, refused", "0.01", "IDR", IA)
    to("idr-sen-only", "IDR 0.10, refused", "0.10", "IDR", IA)
    to("idr-max", "IDR 99999999999999: 16 digits ending in 00", "99999999999999", "IDR", "9999999999999900")
    to("idr-17-digits-before-sen", "IDR with 17 digits and sen: the length check comes first (also INVALID_AMOUNT)",
       "100000000000000.01", "IDR", IA)
    to("idr-too-precise", "IDR 1.001: more decimals than IDR has", "1.001", "IDR", IA)
    to("idr-zero", "IDR 0: zero is refused", "0", "IDR", IA)
    frm("from-idr-sen", "from_minor_units accepts any IDR value: 10050 -> 100.50", "10050", "IDR", "100.50")
    frm("from-idr-one", "IDR 1 -> 0.01", "1", "IDR", "0.01")
    # grammar rejections
    for cid, desc, amt in (("empty", "empty", ""), ("negative", "negative sign", "-1.00"),
                           ("plus", "plus sign", "+1.00"), ("exponent", "exponent", "1e3"),
                           ("exponent-upper", "exponent 'E'", "1E2"),
                           ("leading-space", "leading space", " 1.00"), ("trailing-space", "trailing space", "1.00 "),
                           ("inner-space", "inner space", "1 000"),
                           ("comma-decimal", "comma as decimal separator", "1,00"),
                           ("thousands-comma", "thousands separator", "1,000.00"),
                           ("leading-dot", "leading '.'", ".50"), ("trailing-dot", "trailing '.'", "5."),
                           ("dot-only", "'.' alone", "."), ("two-dots", "two dots", "1.2.3"),
                           ("arabic-indic-digits", "non-ASCII digits", "١٢٣"),
                           ("fullwidth-digits", "fullwidth digits", "１２"),
                           ("hex", "hex literal", "0x10"), ("underscore", "digit separator", "1_000"),
                           ("nan", "NaN", "NaN"), ("infinity", "Infinity", "Infinity"),
                           ("letters", "letters", "ten"), ("newline", "trailing newline", "10\n")):
        to(f"invalid-{cid}", f"invalid amount: {desc}", amt, "USD", IA)
    # currency rejections
    for cid, desc, cur in (("lowercase", "lower-case code", "usd"), ("mixed-case", "mixed case", "Usd"),
                           ("two-letters", "2 letters", "US"), ("four-letters", "4 letters", "USDT"),
                           ("empty", "empty", ""), ("numeric", "numeric code", "840"),
                           ("space", "trailing space", "USD "), ("non-ascii", "non-ASCII letter", "ÜSD"),
                           ("unknown", "unknown code", "ABC"), ("bitcoin", "not ISO 4217", "BTC"),
                           ("gold", "XAU: no minor unit", "XAU"), ("no-currency", "XXX: no minor unit", "XXX"),
                           ("testing", "XTS: no minor unit", "XTS"), ("sdr", "XDR: no minor unit", "XDR")):
        to(f"currency-{cid}", f"unsupported currency: {desc}", "10.00", cur, UC)

    # from_minor_units
    frm("from-usd-1050", "USD 1050 -> 10.50", "1050", "USD", "10.50")
    frm("from-usd-5", "USD 5 -> 0.05", "5", "USD", "0.05")
    frm("from-usd-zero", "USD 0 -> 0.00 (zero allowed here)", "0", "USD", "0.00")
    frm("from-usd-leading-zeros", "USD 000123 -> 1.23", "000123", "USD", "1.23")
    frm("from-usd-max", "USD 16 digits", "9999999999999999", "USD", "99999999999999.99")
    frm("from-usd-17-digits", "USD 17 digits", "10000000000000000", "USD", IA)
    frm("from-usd-17-digits-leading-zero", "17 characters even if a leading zero", "00000000000000001", "USD", IA)
    frm("from-idr", "IDR 1000000 -> 10000.00", "1000000", "IDR", "10000.00")
    frm("from-jpy", "JPY 100 -> 100", "100", "JPY", "100")
    frm("from-jpy-zero", "JPY 0 -> 0", "0", "JPY", "0")
    frm("from-jpy-leading-zeros", "JPY 0042 -> 42", "0042", "JPY", "42")
    frm("from-krw", "KRW 50000", "50000", "KRW", "50000")
    frm("from-vnd", "VND 250000", "250000", "VND", "250000")
    frm("from-clp", "CLP 1500", "1500", "CLP", "1500")
    frm("from-bhd", "BHD 1234 -> 1.234", "1234", "BHD", "1.234")
    frm("from-kwd-1", "KWD 1 -> 0.001", "1", "KWD", "0.001")
    frm("from-clf", "CLF 12345: fund code, refused", "12345", "CLF", UC)
    frm("from-clf-small", "CLF 7: fund code, refused", "7", "CLF", UC)
    for cid, desc, v in (("empty", "empty", ""), ("negative", "negative", "-1"), ("plus", "plus sign", "+5"),
                         ("decimal", "a decimal point", "10.50"), ("space", "a space", " 1"),
                         ("exponent", "exponent", "1e2"), ("fullwidth", "fullwidth digit", "１"),
                         ("letters", "letters", "abc")):
        frm(f"from-invalid-{cid}", f"invalid minor-unit value: {desc}", v, "USD", IA)
    frm("from-currency-lowercase", "unsupported currency: lower case", "100", "jpy", UC)
    frm("from-currency-xau", "unsupported currency: XAU", "100", "XAU", UC)
    frm("from-currency-unknown", "unsupported currency: unknown", "100", "ZZZ", UC)

    # the whole ISO 4217 table: one case per currency
    for code in sorted(CURRENCY_EXPONENTS):
        e = CURRENCY_EXPONENTS[code]
        to(f"table-{code.lower()}", f"ISO 4217 table: {code} has {e} minor digit(s)", "1", code,
           "1" + "0" * e)
    for code in NO_MINOR_UNIT:
        to(f"table-{code.lower()}-no-minor-unit", f"ISO 4217 table: {code} has no minor unit", "1", code, UC)
    for code in FUND_CODES:
        to(f"table-{code.lower()}", f"ISO 4217 fund code {code} ({ISO_EXPONENTS[code]} minor digit(s)) is not a "
           "payment currency", "1", code, UC)
        frm(f"table-from-{code.lower()}", f"from_minor_units: fund code {code} is refused", "1", code, UC)
    return cases


# ---------------------------------------------------------------------------------------
# endpoints.json
# ---------------------------------------------------------------------------------------

def endpoint_catalogue() -> list:
    rows = read_text("data/endpoints.tsv").splitlines()
    assert rows[0].split("\t")[0] == "path", rows[0]
    seen, out = set(), []
    for row in rows[1:]:
        if not row.strip():
            continue
        path = re.sub(r"/+", "/", row.split("\t")[0].strip())
        if path.startswith("/ams/v1/"):
            path = "/ams/api/v1/" + path[len("/ams/v1/"):]
        if path in seen:
            continue
        seen.add(path)
        segs = path.strip("/").split("/")
        vi = next(i for i, s in enumerate(segs) if re.fullmatch(r"v[0-9]+", s))
        name = ".".join(segs[vi + 1:])
        out.append((name, path, name.split(".")[0]))
    names = [n for n, _, _ in out]
    assert len(names) == len(set(names)), "endpoint names collide"
    return out


def endpoint_cases() -> list:
    cases = []
    for name, path, group in endpoint_catalogue():
        cases.append(case("ep-" + re.sub(r"[^a-z0-9]+", "-", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name).lower()),
                          f"endpoint {name}", {"name": name}, {"path": path, "group": group}))
    for cid, name, desc in (("unknown-payments-nope", "payments.nope", "unknown name in a known group"),
                            ("unknown-empty", "", "empty name"),
                            ("unknown-pay", "pay", "a bare last segment is not a name"),
                            ("unknown-wrong-case", "Payments.Pay", "names are case-sensitive"),
                            ("unknown-path-form", "payments/pay", "a path is not a name"),
                            ("unknown-full-path", "/ams/api/v1/payments/pay", "a full path is not a name"),
                            ("unknown-trailing-dot", "payments.pay.", "trailing dot")):
        cases.append(case(cid, f"not in the catalogue: {desc}", {"name": name}, {"found": False}))
    return cases


# ---------------------------------------------------------------------------------------
# hostile.json: one file, many operations, each case with "forbidden" substrings
# ---------------------------------------------------------------------------------------

def model(op: str, inp: dict) -> dict:
    """Runs one case input exactly as a runner does (text forms materialised), on the model."""
    def body_of(i):
        return base64.b64decode(i["body_base64"]) if "body_base64" in i else materialize(i["body"]).encode("utf-8")

    def hdrs(i):
        return [[n, materialize(v)] for n, v in i["headers"]]

    if op == "parse_key":
        private = inp["kind"] == "private"
        if "der_base64" in inp:
            der = base64.b64decode(inp["der_base64"])
            return key_expect(load_private_der(der) if private else load_public_der(der))
        text = read_text(inp["text_file"]) if "text_file" in inp else materialize(inp["text"])
        return key_expect(parse_private_text(text) if private else parse_public_text(text))
    if op == "content_to_sign":
        content = content_to_sign(inp["method"], inp["path"], inp["client_id"], inp["time"], materialize(inp["body"]))
        return {"content": content.decode("utf-8")}
    if op == "verify":
        return {"valid": verify(public_key(inp["public_key_file"]), materialize(inp["content"]).encode("utf-8"),
                                materialize(inp["signature"]))}
    if op == "signature_header":
        return parse_signature_header(materialize(inp["parse"]))
    if op == "prepare":
        return prepare(inp["config"], inp["api"], body_of(inp), inp["request_time"])
    if op == "verify_response":
        return verify_response(inp["config"], inp["path"], hdrs(inp), body_of(inp))
    if op == "verify_notification":
        return verify_notification(inp["config"], inp["path"], hdrs(inp), body_of(inp), inp.get("freshness"))
    if op == "amount":
        if "to_minor_units" in inp:
            return {"value": to_minor_units(inp["to_minor_units"]["amount"], inp["to_minor_units"]["currency"])}
        return {"amount": from_minor_units(inp["from_minor_units"]["value"], inp["from_minor_units"]["currency"])}
    if op == "endpoint":
        found = {name: (path, group) for name, path, group in endpoint_catalogue()}.get(inp["name"])
        return {"path": found[0], "group": found[1]} if found else {"found": False}
    raise AssertionError(op)


HOSTILE_OPERATIONS = ("parse_key", "content_to_sign", "verify", "signature_header", "prepare", "verify_response",
                      "verify_notification", "amount", "endpoint")


def runs(s: str, n: int = 5, width: int = 24, line=64) -> list:
    """`n` substrings of `width` characters spread over `s`. With `line`, each lies inside one
    `line`-character line of its PEM wrapping, so it also occurs verbatim in the wrapped text."""
    out = []
    for k in range(n):
        if line:
            lines = len(s) // line
            start = min((lines - 1) * k // (n - 1) * line + (line - width) // 2, len(s) - width)
        else:
            start = (len(s) - width) * k // (n - 1)
        out.append(s[start:start + width])
    assert all(len(r) == width for r in out) and len(set(out)) == n
    return out


def over_limit_body(marker: str, size: int) -> dict:
    """A JSON object of exactly `size` bytes in the repeat form, carrying `marker`."""
    prefix, suffix = '{"card":"' + marker + '","pad":"', '"}'
    body = repeat_text(prefix, "x", size - len(prefix) - len(suffix), suffix)
    assert len(materialize(body).encode()) == size
    return body


def hostile_cases() -> list:
    cases = []

    def add(op, cid, desc, inp, want, forbidden=()):
        """want: 'ok', an error code, or a dict of expected fields (asserted on the model)."""
        assert op in HOSTILE_OPERATIONS, op
        res = run(model, op, inp)
        c = case(cid, desc, inp, res)
        if isinstance(want, dict):
            assert "error" not in res and all(res.get(k) == v for k, v in want.items()), (cid, res)
        else:
            check_expected(c, want)
        forbidden = list(forbidden)
        assert all(isinstance(f, str) and len(f) >= 6 for f in forbidden), (cid, forbidden)
        cases.append({"id": c["id"], "operation": op, "description": desc, "input": inp, "expect": res,
                      "forbidden": forbidden})

    E, OK = "INVALID_KEY", "ok"
    merchant = private_key(MERCHANT_PRIV)
    m_p8 = merchant.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    a_spki = b64_strict(strip_key_ws(read_text(ANTOM_PUB)))

    # --- keys: every PEM delimiter broken in turn, for a private and a public key ----------
    for kind, label, der, other_label in (("private", "PRIVATE KEY", m_p8, "PUBLIC KEY"),
                                          ("public", "PUBLIC KEY", a_spki, "PRIVATE KEY")):
        key64 = b64(der)
        secret = runs(key64)
        good = pem(label, der)
        lines = good.rstrip("\n").split("\n")
        body_lines = lines[1:-1]
        BEGIN, END = lines[0], lines[-1]
        assert BEGIN == f"-----BEGIN {label}-----" and END == f"-----END {label}-----"

        def with_lines(begin=BEGIN, body=None, end=END, sep="\n", tail="\n"):
            return sep.join([begin, *(body_lines if body is None else body), end]) + tail

        def k(cid, desc, text, want, extra=()):
            add("parse_key", f"{kind}-{cid}", f"{kind} key: {desc}", {"kind": kind, "text": text}, want,
                secret + list(extra))

        # the BEGIN line
        k("begin-dashes-4-before", "BEGIN line with 4 leading dashes", with_lines(begin=BEGIN[1:]), E)
        k("begin-dashes-6-before", "BEGIN line with 6 leading dashes: the block starts at the first "
          "'-----BEGIN ' and text before it is ignored, so this parses", with_lines(begin="-" + BEGIN), OK)
        k("begin-dashes-0-before", "BEGIN line without leading dashes", with_lines(begin=BEGIN[5:]), E)
        k("begin-dashes-4-after", "BEGIN line with 4 trailing dashes (issue 9 reproducer: the label must not "
          "be read up to the END line)", with_lines(begin=BEGIN[:-1]), E)
        k("begin-dashes-6-after", "BEGIN line with 6 trailing dashes", with_lines(begin=BEGIN + "-"), E)
        k("begin-dashes-0-after", "BEGIN line without trailing dashes", with_lines(begin=BEGIN[:-5]), E)
        k("begin-word-misspelt", "'BEGN' instead of 'BEGIN'", with_lines(begin=BEGIN.replace("BEGIN", "BEGN")), E)
        k("begin-word-lowercase", "'begin' in lower case", with_lines(begin=BEGIN.replace("BEGIN", "begin")), E)
        k("begin-word-no-space", "no space between BEGIN and the label",
          with_lines(begin=BEGIN.replace("BEGIN ", "BEGIN")), E)
        k("begin-two-spaces", "two spaces after BEGIN: the label is trimmed, this parses",
          with_lines(begin=BEGIN.replace("BEGIN ", "BEGIN  ")), OK)
        k("begin-space-before-dashes", "a space between the label and the dashes: trimmed, this parses",
          with_lines(begin=BEGIN.replace(f"{label}-", f"{label} -")), OK)
        k("begin-trailing-whitespace", "spaces and a tab after the BEGIN line's dashes: trimmed, this parses",
          with_lines(begin=BEGIN + " \t "), OK)
        k("begin-trailing-nul", "a NUL after the BEGIN line's dashes: the line no longer ends with '-----'",
          with_lines(begin=BEGIN + "\x00"), E)
        k("begin-line-joined", "no line break after the BEGIN line: the base64 is on the BEGIN line",
          with_lines(begin=BEGIN + body_lines[0], body=body_lines[1:]), E)
        k("single-line", "the whole PEM on one line, no line breaks", BEGIN + "".join(body_lines) + END, E)
        k("single-line-spaces", "the whole PEM on one line, separated by spaces", with_lines(sep=" ", tail=""), E)
        k("begin-line-100k", "a 100000-character BEGIN line (repeat form)",
          repeat_text("-----BEGIN ", "A", 100000, "-----\n" + "\n".join(body_lines) + "\n" + END + "\n"), E)
        k("begin-cr-line-endings", "CR-only line endings (the BEGIN line ends at the CR): parses",
          with_lines(sep="\r", tail="\r"), OK)
        # the label
        def relabel(lbl, end_lbl=None):
            return with_lines(begin=f"-----BEGIN {lbl}-----", end=f"-----END {end_lbl or lbl}-----")
        k("label-lowercase", "a lower-case label (BEGIN and END)", relabel(label.lower()), E)
        k("label-empty", "an empty label (BEGIN and END)", relabel(""), E)
        k("label-double-space", "a label with two inner spaces", relabel(label.replace(" ", "  ")), E)
        k("label-tab", "a label with a tab", relabel(label.replace(" ", "\t")), E)
        k("label-nul", "a label with a NUL", relabel(label.replace(" ", "\x00")), E)
        k("label-dash", "a label with a dash", relabel(label.replace(" ", "-")), E)
        k("label-non-ascii", "a label with a dotted capital I", relabel(label.replace("I", "\u0130")), E)
        unknown40 = "TOPSECRET LABEL 0123456789 QWERTYUIOPASD"
        assert len(unknown40) == 40
        k("label-unknown-40-characters", "a well-formed but unknown 40-character label: never echoed", relabel(unknown40), E, [unknown40])
        k("label-41-characters", "a 41-character label", relabel("SECRETVALUE" + "X" * 30), E,
          ["SECRETVALUE" + "X" * 30])
        k("label-is-key-base64", "issue 9 reproducer: the key's base64 as the BEGIN label",
          f"-----BEGIN {key64}-----", E)
        k("label-is-key-base64-with-end", "the key's base64 as the BEGIN label, followed by an END line",
          f"-----BEGIN {key64}-----\n{END}\n", E)
        k("label-is-wrapped-key", "the wrapped base64 inside the BEGIN line's label position",
          "-----BEGIN " + "\n".join(body_lines) + f"-----\n{END}\n", E)
        k("label-other-known", f"the body under the label {other_label!r}", relabel(other_label), E)
        k("label-certificate", "the body under the label 'CERTIFICATE'", relabel("CERTIFICATE"), E)
        if kind == "private":
            k("label-encrypted", "an unencrypted body under 'ENCRYPTED PRIVATE KEY'",
              relabel("ENCRYPTED PRIVATE KEY"), E)
        else:
            k("label-rsa-private", "a public body under 'RSA PRIVATE KEY'", relabel("RSA PRIVATE KEY"), E)
        # the END line
        k("end-dashes-4-before", "END line with 4 leading dashes", with_lines(end=END[1:]), E)
        k("end-dashes-6-before", "END line with 6 leading dashes: the extra dash is left in the body",
          with_lines(end="-" + END), E)
        k("end-dashes-0-before", "END line without leading dashes", with_lines(end=END[5:]), E)
        k("end-dashes-4-after", "END line with 4 trailing dashes", with_lines(end=END[:-1]), E)
        k("end-dashes-6-after", "END line with 6 trailing dashes: text after the END marker is ignored, "
          "this parses", with_lines(end=END + "-"), OK)
        k("end-dashes-0-after", "END line without trailing dashes", with_lines(end=END[:-5]), E)
        k("end-word-misspelt", "'EDN' instead of 'END'", with_lines(end=END.replace("END", "EDN")), E)
        k("end-word-lowercase", "'end' in lower case", with_lines(end=END.replace("END", "end")), E)
        k("end-label-lowercase", "the END label in lower case", with_lines(end=END.replace(label, label.lower())), E)
        k("end-label-other", "the END line names another label", with_lines(end=f"-----END {other_label}-----"), E)
        k("end-missing", "no END line", with_lines(end="", tail=""), E)
        k("end-twice", "the END line twice: the first one ends the block, this parses",
          with_lines(end=END + "\n" + END), OK)
        k("end-joined-to-body", "the END line directly after the last base64 characters: parses",
          "\n".join([BEGIN, *body_lines[:-1], body_lines[-1] + END]) + "\n", OK)
        # around the block
        k("text-before", "text before the BEGIN line (as 'openssl pkcs12' writes): ignored, parses",
          "Bag Attributes\n    friendlyName: TEST-ONLY\n" + good, OK)
        k("text-after", "text after the END line: ignored, parses", good + "trailing notes\n", OK)
        k("bom-before", "a UTF-8 BOM before the BEGIN line: ignored like any text before it, parses",
          "\ufeff" + good, OK)
        k("nul-before", "NUL bytes before the BEGIN line: ignored like any text before it, parses",
          "\x00\x00" + good, OK)
        k("two-blocks-other-first", f"a {other_label!r} block first: only the first block is read",
          pem(other_label, der) + good, E)
        # the body
        mid = len(body_lines) // 2
        def body_with(i, fn):
            return with_lines(body=[fn(l) if j == i else l for j, l in enumerate(body_lines)])
        k("body-nul", "a NUL inside the base64", body_with(mid, lambda l: l[:30] + "\x00" + l[30:]), E)
        k("body-form-feed", "a form feed inside the base64 (ASCII whitespace): parses",
          body_with(mid, lambda l: l[:30] + "\x0c" + l[30:]), OK)
        k("body-vertical-tab", "a vertical tab inside the base64 (not ASCII whitespace)",
          body_with(mid, lambda l: l[:30] + "\x0b" + l[30:]), E)
        k("body-nbsp", "a no-break space inside the base64", body_with(mid, lambda l: l[:30] + "\u00a0" + l[30:]), E)
        k("body-proc-type", "legacy encryption headers in the body",
          with_lines(body=["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF", "",
                           *body_lines]), E)
        k("body-colon-line", "a 'Comment: ...' line in the body", with_lines(body=["Comment: TEST-ONLY", *body_lines]), E)
        k("body-missing-last-line", "the last base64 line removed", with_lines(body=body_lines[:-1]), E)
        k("body-missing-first-line", "the first base64 line removed", with_lines(body=body_lines[1:]), E)
        k("body-missing-one-char", "one base64 character removed", body_with(mid, lambda l: l[1:]), E)
        k("body-extra-padding", "one '=' too many", with_lines(body=body_lines[:-1] + [body_lines[-1] + "="]), E)
        if key64.endswith("="):
            k("body-padding-stripped", "the '=' padding removed",
              with_lines(body=body_lines[:-1] + [body_lines[-1].rstrip("=")]), E)
        else:
            k("body-padding-added", "'==' padding after a base64 body that needs none",
              with_lines(body=body_lines[:-1] + [body_lines[-1] + "=="]), E)
        k("body-over-long-der", "base64 of the DER plus two trailing zero bytes",
          with_lines(body=[b64(der + b"\x00\x00")]), E, runs(b64(der + b"\x00\x00"), n=3, line=None))
        k("body-doubled", "the base64 body twice", with_lines(body=body_lines + body_lines), E)
        k("body-empty", "no body between BEGIN and END", with_lines(body=[]), E)
        k("body-url-safe", "base64url alphabet", with_lines(body=[l.replace("+", "-").replace("/", "_")
                                                                  for l in body_lines]), E)
        k("body-1mb", "a 1 MiB base64 body of 'A' (repeat form)",
          repeat_text(BEGIN + "\n", "AAAA", 262144, "\n" + END + "\n"), E)
        # bare base64
        k("bare-truncated-4", "bare base64 without its last 4 characters", key64[:-4], E)
        k("bare-truncated-1", "bare base64 without its last character", key64[:-1], E)
        k("bare-extra-padding", "bare base64 with one '=' too many", key64 + "=", E)
        k("bare-over-long", "bare base64 of the DER plus one zero byte", b64(der + b"\x00"), E)
        k("bare-nul-inside", "bare base64 with a NUL inside", key64[:200] + "\x00" + key64[200:], E)
        k("bare-nul-end", "bare base64 followed by a NUL", key64 + "\x00", E)
        k("bare-bom", "bare base64 after a UTF-8 BOM (not whitespace, no PEM block)", "\ufeff" + key64, E)
        k("bare-zero-width-space", "bare base64 after a zero-width space (not whitespace)", "\u200b" + key64, E)
        k("bare-unicode-whitespace-around", "bare base64 between a no-break space and an ideographic space "
          "(Unicode whitespace is trimmed): parses", "\u00a0" + key64 + "\u3000", OK)
        k("bare-begin-without-dashes-prefix", "bare base64 after a lone 'BEGIN ' word", "BEGIN " + key64, E)
        k("bare-1mb", "1 MiB of 'A' (repeat form)", repeat_text("", "AAAA", 262144, ""), E)
        # DER
        def d(cid, desc, data, want=E):
            add("parse_key", f"{kind}-{cid}", f"{kind} key: {desc}", {"kind": kind, "der_base64": b64(data)}, want,
                secret)
        d("der-trailing-byte", "from_der with one trailing zero byte", der + b"\x00")
        d("der-truncated", "from_der without the last byte", der[:-1])
        d("der-huge-length", "from_der with a SEQUENCE claiming 4 GiB", b"\x30\x84\xff\xff\xff\xff" + der[4:])
        d("der-indefinite-length", "from_der with a BER indefinite length", b"\x30\x80" + der[4:] + b"\x00\x00")
        d("der-zero-bytes", "from_der with 4096 zero bytes", bytes(4096))
        d("der-empty", "from_der with no bytes", b"")

    # --- signature_header -------------------------------------------------------------------
    antom = private_key(ANTOM_PRIV)
    content = content_to_sign("POST", PAY_PATH, PROD_CLIENT, RESPONSE_TIME, compact(RESP_S))
    enc, raw = sign(antom, content)
    sig_runs = runs(raw, n=4, line=None)
    MAL, ALG = "MALFORMED_SIGNATURE", "UNSUPPORTED_ALGORITHM"

    def sh(cid, desc, value, want, extra=()):
        add("signature_header", f"header-{cid}", f"Signature header: {desc}", {"parse": value}, want,
            [enc[:24], enc[-30:]] + list(extra))

    sh("100000-items", "100000 items (repeat form): refused by the bounds, before any item is read",
       repeat_text("algorithm=RSA256,keyVersion=1,", "k=,", 100000, f"signature={enc}"), MAL)
    many = ",".join(f"a{i}=" for i in range(600)) + f",algorithm=RSA256,signature={enc}"
    assert len(many) <= 4096
    sh("600-distinct-items", "600 distinct items within 4096 bytes: refused by the item count", many, MAL)
    sh("1mb", "a 1 MiB header (repeat form)",
       repeat_text(f"algorithm=RSA256,signature={enc},pad=", "x", 1 << 20, ""), MAL)
    sh("nul-in-algorithm", "a NUL after RSA256: an unsupported algorithm",
       f"algorithm=RSA256\x00,keyVersion=1,signature={enc}", ALG)
    sh("crlf-in-algorithm", "CRLF after RSA256 (only spaces and tabs are trimmed)",
       f"algorithm=RSA256\r\n,keyVersion=1,signature={enc}", ALG)
    sh("crlf-injection-kept", "CRLF and a header after the signature: parsing keeps the value verbatim "
       "(it can never verify)", f"algorithm=RSA256,keyVersion=1,signature={enc}\r\nX-Evil: injected",
       {"signature": enc + "\r\nX-Evil: injected"})
    sh("missing-algorithm", "keyVersion and signature only", f"keyVersion=1,signature={enc}", MAL)
    sh("algorithm-in-signature-value", "'signature=algorithm=RSA256': the value holds the '=', algorithm "
       "is missing", "signature=algorithm=RSA256", MAL)
    sh("algorithm-with-spaces-around-equals", "'algorithm = RSA256' names the item 'algorithm '",
       f"algorithm = RSA256,signature={enc}", MAL)
    sh("algorithm-upper-case-name", "'ALGORITHM=RSA256' is not the algorithm item",
       f"ALGORITHM=RSA256,signature={enc}", MAL)
    sh("algorithm-twice-different", "algorithm twice with different values",
       f"algorithm=RSA256,algorithm=HmacSHA256,signature={enc}", MAL)
    sh("nine-commas", "9 empty items", ",,,,,,,,", MAL)
    sh("equals-only", "items of only '='", "=,=,=", MAL)
    sh("nul-only", "a single NUL", "\x00", MAL)
    sh("crlf-only", "CRLF only (not trimmed: an item without '=')", "\r\n", MAL)
    sh("unicode-space-only", "no-break and ideographic spaces only (not trimmed)", "\u00a0\u3000", MAL)
    sh("key-version-1000-digits", "a 1000-digit keyVersion", f"algorithm=RSA256,keyVersion={'9' * 1000},signature={enc}",
       MAL)
    sh("non-ascii-item-name", "an unknown non-ASCII item is ignored",
       f"algorithm=RSA256,\u043a\u043b\u044e\u0447=1,signature={enc}", {"key_version": None})

    # --- verify: signature values --------------------------------------------------------
    c_text = content.decode("utf-8")
    full_pct = "".join(f"%{ord(ch):02X}" for ch in raw)
    assert len(full_pct) == -(-256 // 3) * 12 == 1032

    def vf(cid, desc, sig, want):
        add("verify", f"verify-{cid}", f"PublicKey::verify: {desc}",
            {"public_key_file": ANTOM_PUB, "content": c_text, "signature": sig}, want, sig_runs)

    vf("fully-percent-encoded", "every character percent-encoded: 1032 characters, the longest accepted "
       "for a 2048-bit key", full_pct, {"valid": True})
    vf("fully-percent-encoded-plus-one", "1033 characters: refused before decoding", full_pct + "A", MAL)
    vf("1mb", "a 1 MiB value (repeat form)", repeat_text(enc, "A", 1 << 20, ""), MAL)
    vf("nul-inside", "a NUL inside the value", enc[:10] + "\x00" + enc[10:], MAL)
    vf("escaped-nul", "'%00' inside the value", enc[:9] + "%00" + enc[9:], MAL)
    vf("crlf-after", "CRLF after the value", enc + "\r\n", MAL)
    vf("512-bytes", "well-formed base64 of 512 bytes for a 2048-bit key", b64(base64.b64decode(raw) * 2), MAL)

    # --- content_to_sign: nothing is escaped or normalised --------------------------------
    add("content_to_sign", "content-nul-crlf-body", "content_to_sign keeps NUL, CR and LF in the body verbatim",
        {"method": "POST", "path": PAY_PATH, "client_id": PROD_CLIENT, "time": str(DOC_TIME),
         "body": '{"a":"\x00"}\r\n{"b":1}'}, OK)
    add("content_to_sign", "content-injected-client-id", "content_to_sign does not validate its parts: a CRLF "
        "client id is taken verbatim (Client rejects it)",
        {"method": "POST", "path": PAY_PATH, "client_id": "X\r\nY", "time": str(DOC_TIME), "body": "{}"}, OK)

    # --- endpoint ------------------------------------------------------------------------
    for cid, desc, name in (("nul", "a trailing NUL", "payments.pay\x00"), ("lf", "a trailing LF", "payments.pay\n"),
                            ("leading-space", "a leading space", " payments.pay"),
                            ("dot-dot", "a '..' prefix", "../payments.pay"),
                            ("long", "a 10000-character name", "payments." + "a" * 9991)):
        add("endpoint", f"endpoint-{cid}", f"endpoint lookup: {desc}", {"name": name}, {"found": False})

    # --- prepare -------------------------------------------------------------------------
    API_SECRET = "not-a-real-secret_0123456789"
    MARK = "CARD-4111111111111111-TEST"
    marked = compact({"paymentRequestId": "pay_hostile", "card": MARK})

    def pr(cid, desc, cfg, want, api="v1/payments/pay", body=marked, extra=(), body_b64=None):
        inp = {"config": cfg, "api": api}
        if body_b64 is not None:
            inp["body_base64"] = b64(body_b64)
        else:
            inp["body"] = body
        inp["request_time"] = DOC_TIME
        add("prepare", f"prepare-{cid}", f"prepare: {desc}", inp, want, [MARK, API_SECRET, "X-Evil"] + list(extra))

    for cid, desc, client in (("client-id-crlf", "CRLF header injection in client_id", PROD_CLIENT + "\r\nX-Evil: 1"),
                              ("client-id-lf", "LF in client_id", PROD_CLIENT + "\nX-Evil: 1"),
                              ("client-id-nul", "NUL in client_id", PROD_CLIENT + "\x00X-Evil"),
                              ("client-id-257", "a 257-character client_id", "X-Evil" + "A" * 251)):
        pr(cid, desc, cfg_prod(client_id=client), "INVALID_INPUT")
    pr("client-id-256", "a 256-character client_id is accepted", cfg_prod(client_id="A" * 256), OK)
    pr("agent-token-crlf", "CRLF in agent_token", cfg_prod(agent_token="tok\r\nX-Evil: 1"), "INVALID_INPUT")
    pr("agent-token-nul", "NUL in agent_token", cfg_prod(agent_token="tok\x00X-Evil"), "INVALID_INPUT")
    pr("api-key-crlf", "CRLF in the API key: refused, never echoed",
       cfg_api_key(api_key=API_KEY_PROD + "\r\nX-Evil: 1"), "INVALID_KEY")
    pr("api-key-nul", "NUL in the API key", cfg_api_key(api_key=API_KEY_PROD + "\x00"), "INVALID_KEY")
    pr("api-key-space-in-secret", "a space in the secret part: refused, never echoed",
       cfg_api_key(api_key="isak_PROD_VEVTVC1PTkxZ_s3cr3t-Pa55w0rd-XYZ 123"), "INVALID_KEY", extra=["s3cr3t-Pa55w0rd-XYZ"])
    pr("api-key-non-ascii-secret", "a non-ASCII secret part: refused, never echoed",
       cfg_api_key(api_key="irak_TEST_VEVTVC1PTkxZ_s3cr3t-\u00fcberPa55-XYZ"), "INVALID_KEY", extra=["s3cr3t-\u00fcberPa55"])
    for cid, desc, api in (("api-crlf", "CRLF header injection in the api", "v1/payments/pay\r\nX-Evil: 1"),
                           ("api-nul", "a NUL in the api", "v1/payments/pay\x00"),
                           ("api-del", "DEL in the api", "v1/payments/pay\x7f"),
                           ("api-line-separator", "U+2028 in the api", "v1/payments/\u2028pay"),
                           ("api-nbsp", "a no-break space in the api", "v1/payments/\u00a0pay"),
                           ("api-c1-control", "a C1 control character in the api", "v1/payments/\x9bpay")):
        pr(cid, desc, cfg_prod(), "INVALID_INPUT", api=api)
    pr("gateway-crlf", "CRLF in gateway_url", cfg_prod(gateway_url="https://antom.example\r\nX-Evil: 1"), "INVALID_INPUT")
    pr("body-invalid-utf8", "a body that is not UTF-8 (body_base64)", cfg_prod(), "INVALID_INPUT",
       body_b64=marked.encode()[:-2] + b"\xff\"}")
    pr("body-overlong-utf8", "an overlong UTF-8 encoding of '/' (C0 AF)", cfg_prod(), "INVALID_INPUT",
       body_b64=marked.encode()[:-2] + b"\xc0\xaf\"}")
    pr("body-utf8-surrogate", "a UTF-8-encoded surrogate (ED A0 80)", cfg_prod(), "INVALID_INPUT",
       body_b64=marked.encode()[:-2] + b"\xed\xa0\x80\"}")
    pr("body-utf16", "the body in UTF-16LE", cfg_prod(), "INVALID_INPUT", body_b64=marked.encode("utf-16-le"))
    pr("body-bom", "a UTF-8 BOM before the object", cfg_prod(), "INVALID_INPUT", body="\ufeff" + marked)
    pr("body-raw-nul", "a raw NUL inside a string", cfg_prod(), "INVALID_INPUT", body=marked[:-2] + "\x00\"}")
    pr("body-trailing-nul", "a NUL after the object", cfg_prod(), "INVALID_INPUT", body=marked + "\x00")
    pr("body-escaped-nul", "an escaped NUL (\\u0000) is valid JSON and is sent as is", cfg_prod(), OK,
       body='{"paymentRequestId":"pay_\\u0000"}')
    pr("body-duplicate-keys", "duplicate keys are valid JSON text and sent as is", cfg_prod(), OK,
       body='{"paymentRequestId":"a","paymentRequestId":"b"}')
    pr("body-nested-64", "64 levels of nesting are fine", cfg_prod(), OK, body='{"a":' + "[" * 63 + "]" * 63 + "}")
    pr("body-unclosed-100000", "100000 unclosed brackets (repeat form)", cfg_prod(), "INVALID_INPUT",
       body=repeat_text('{"card":"' + MARK + '","a":', "[", 100000, ""))
    pr("body-not-json-1mb", "1 MiB of text that is not JSON (repeat form)", cfg_prod(), "INVALID_INPUT",
       body=repeat_text(MARK, "x", 1 << 20, ""))
    pr("body-over-default-limit", "4 MiB + 1 byte with the default max_body_bytes (repeat form)", cfg_prod(),
       "INVALID_INPUT", body=over_limit_body(MARK, DEFAULT_MAX_BODY_BYTES + 1))
    pr("body-over-small-limit-bad-api", "over max_body_bytes and a bad api: the size is refused first", 
       cfg_prod(max_body_bytes=16), "INVALID_INPUT", api="v1/payments/pay\r\nX-Evil: 1")

    # --- verify_response -------------------------------------------------------------------
    P = PAY_PATH
    S = compact(dict(RESP_S, card=MARK))

    def signed(path, body, client_id=PROD_CLIENT, rt=RESPONSE_TIME, style=None):
        b = body if isinstance(body, bytes) else body.encode("utf-8")
        e, _ = sign(antom, content_to_sign("POST", path, client_id, rt, b))
        value = style(e) if style else f"algorithm=RSA256,keyVersion=1,signature={e}"
        return [["content-type", "application/json; charset=UTF-8"], ["signature", value], ["response-time", rt],
                ["client-id", client_id]], e

    def vr(cid, desc, headers, body, want, cfg=None, path=P, extra=()):
        inp = {"config": cfg or cfg_prod(), "path": path, "headers": headers}
        if isinstance(body, bytes):
            inp["body_base64"] = b64(body)
        else:
            inp["body"] = body
        sigs = [v for n, v in headers if isinstance(v, str) and "signature=" in v]
        sig_forbidden = [v.split("signature=", 1)[1][:24] for v in sigs if len(v.split("signature=", 1)[1]) >= 24]
        add("verify_response", f"response-{cid}", f"verify_response: {desc}", inp, want,
            [MARK] + sig_forbidden + list(extra))

    ct = [["content-type", "application/json"]]
    forged_f = compact({"result": {"resultCode": "USER_BALANCE_NOT_ENOUGH", "resultStatus": "F",
                                   "resultMessage": "forged: ask the buyer to pay again"}, "card": MARK})
    vr("unsigned-forged-f", "a forged unsigned F: status F kept for diagnosis, next action INQUIRE", ct, forged_f,
       {"verified": False, "result_status": "F", "next_action": "INQUIRE"})
    dup_fs = '{"result":{"resultStatus":"S","resultStatus":"F","resultCode":"X"}}'
    vr("unsigned-duplicate-status-s-then-f", "duplicate resultStatus keys, the last (F) wins: unverified, INQUIRE",
       ct, dup_fs, {"verified": False, "result_status": "F", "next_action": "INQUIRE"})
    vr("unsigned-duplicate-status-f-then-s", "duplicate resultStatus keys, the last (S) wins: unsigned S refused",
       ct, '{"result":{"resultStatus":"F","resultStatus":"S"}}', "UNSIGNED_RESPONSE")
    vr("unsigned-status-nul", "an unsigned status 'F\\u0000' is not F", ct,
       '{"result":{"resultStatus":"F\\u0000"}}', "UNSIGNED_RESPONSE")
    vr("unsigned-code-not-string", "an unsigned F whose resultCode is a number: code ''", ct,
       '{"result":{"resultStatus":"F","resultCode":7,"resultMessage":["x"]}}',
       {"verified": False, "result_code": "", "result_message": "", "next_action": "INQUIRE"})
    h, e = signed(P, S)
    vr("over-default-limit", "4 MiB + 1 byte with the default max_body_bytes (repeat form)", ct,
       over_limit_body(MARK, DEFAULT_MAX_BODY_BYTES + 1), "INVALID_INPUT")
    vr("over-small-limit-signed", "a validly signed S one byte over max_body_bytes", h, S, "INVALID_INPUT",
       cfg=cfg_prod(max_body_bytes=len(S) - 1))
    bad_utf8 = S.encode()[:-2] + b"\xff\"}"
    hb, _ = signed(P, bad_utf8)
    vr("signed-invalid-utf8", "a validly signed body that is not UTF-8", hb, bad_utf8, "INVALID_INPUT")
    vr("unsigned-invalid-utf8", "an unsigned body that is not UTF-8", ct, compact(RESP_GW_F).encode()[:-2] + b"\xff}",
       "UNSIGNED_RESPONSE")
    bom = "\ufeff" + S
    vr("signed-bom", "a validly signed body with a UTF-8 BOM: not JSON", signed(P, bom)[0], bom, "INVALID_INPUT")
    vr("unsigned-bom-f", "an unsigned F body with a UTF-8 BOM: not JSON, so not an F", ct, "\ufeff" + compact(RESP_GW_F),
       "UNSIGNED_RESPONSE")
    deep = '{"card":"' + MARK + '","result":{"resultStatus":"S"},"a":' + "[" * 10000 + "]" * 10000 + "}"
    vr("signed-deep-nesting", "a validly signed body nested 10000 levels deep", signed(P, deep)[0],
       repeat_text('{"card":"' + MARK + '","result":{"resultStatus":"S"},"a":', "[", 10000, "]" * 10000 + "}"),
       "INVALID_INPUT")
    vr("unsigned-deep-nesting", "an unsigned F nested 100000 levels deep",
       ct, repeat_text('{"result":{"resultStatus":"F"},"a":', "[", 100000, ""), "UNSIGNED_RESPONSE")
    vr("unsigned-not-json-1mb", "1 MiB unsigned non-JSON (repeat form)", ct, repeat_text(MARK, "<html>", 174763, ""),
       "UNSIGNED_RESPONSE")
    def with_sig(value):
        return [x if x[0] != "signature" else ["signature", value] for x in h]
    vr("sig-100000-items", "a Signature header of 100000 items (repeat form)",
       with_sig(repeat_text("algorithm=RSA256,", "k=,", 100000, f"signature={e}")), S, MAL)
    vr("sig-1mb", "a 1 MiB Signature header (repeat form)",
       with_sig(repeat_text(f"algorithm=RSA256,signature={e},pad=", "x", 1 << 20, "")), S, MAL)
    vr("sig-missing-algorithm", "a valid signature without the algorithm item", with_sig(f"keyVersion=1,signature={e}"),
       S, MAL)
    vr("sig-value-too-long", "a signature value of 1100 escapes (3300 characters, within the header limit)",
       with_sig("algorithm=RSA256,signature=" + "%41" * 1100), S, MAL)
    vr("signature-three-times", "the signature header three times", h + [["Signature", h[1][1]], ["SIGNATURE", h[1][1]]],
       S, "INVALID_INPUT")
    vr("response-time-twice-cases", "response-time twice with different casing",
       h + [["Response-Time", RESPONSE_TIME]], S, "INVALID_INPUT")
    hc, _ = signed(P, S, client_id=PROD_CLIENT + "\r\nX-Evil: 1")
    vr("client-id-crlf", "a CRLF-injected client-id (signed over as sent): not this client", hc, S, "CLIENT_ID_MISMATCH")
    hn, _ = signed(P, S, client_id=PROD_CLIENT + "\x00")
    vr("client-id-nul", "a client-id with a trailing NUL (signed over as sent): not this client", hn, S,
       "CLIENT_ID_MISMATCH")
    vr("client-id-1mb", "a 1 MiB client-id (repeat form)",
       [x if x[0] != "client-id" else ["client-id", repeat_text(PROD_CLIENT, "X-Evil", 174763, "")] for x in h], S,
       "CLIENT_ID_MISMATCH")
    vr("response-time-crlf", "CRLF appended to response-time (not trimmed): the signature no longer matches",
       [x if x[0] != "response-time" else ["response-time", RESPONSE_TIME + "\r\n"] for x in h], S, "SIGNATURE_MISMATCH")
    vr("response-time-1mb", "a 1 MiB response-time (repeat form)",
       [x if x[0] != "response-time" else ["response-time", repeat_text(RESPONSE_TIME, "9", 1 << 20, "")] for x in h],
       S, "SIGNATURE_MISMATCH")
    vr("header-name-nul", "a NUL in the signature header's name: it is not the signature header, so the "
       "response is half-signed", [x if x[0] != "signature" else ["signature\x00", x[1]] for x in h], S,
       "MISSING_HEADER")
    vr("many-unrelated-headers", "2000 unrelated headers around a valid signed response",
       [[f"x-filler-{i}", "v"] for i in range(2000)] + h, S, {"verified": True, "next_action": "DONE"})
    for cid, desc, path in (("path-nul", "a NUL in the path", P + "\x00"), ("path-crlf", "CRLF in the path", P + "\r\nX-Evil: 1"),
                            ("path-nbsp", "a no-break space in the path", P + "\u00a0")):
        vr(cid, desc, h, S, "INVALID_INPUT", path=path)

    # --- verify_notification ---------------------------------------------------------------
    NP = "/antom/notify"
    T0 = 1562913536000
    W = 300000
    pay = compact(dict(NOTIFY_PAYMENT, card=MARK))
    PAY_KEY = "PAYMENT_RESULT:paymentId=" + NOTIFY_PAYMENT["paymentId"]

    def nh(path, body, client_id=PROD_CLIENT, rt=str(T0), style=None):
        b = body if isinstance(body, bytes) else body.encode("utf-8")
        e, _ = sign(antom, content_to_sign("POST", path, client_id, rt, b))
        value = style(e) if style else f"algorithm=RSA256,keyVersion=1,signature={e}"
        return [["content-type", "application/json"], ["request-time", rt], ["client-id", client_id],
                ["signature", value]]

    def vn(cid, desc, headers, body, want, cfg=None, path=NP, freshness=None, extra=()):
        inp = {"config": cfg or cfg_prod(), "path": path, "headers": headers}
        if isinstance(body, bytes):
            inp["body_base64"] = b64(body)
        else:
            inp["body"] = body
        if freshness is not None:
            inp["freshness"] = freshness
        sigs = [v for n, v in headers if isinstance(v, str) and "signature=" in v]
        sig_forbidden = [v.split("signature=", 1)[1][:24] for v in sigs if len(v.split("signature=", 1)[1]) >= 24]
        add("verify_notification", f"notification-{cid}", f"verify_notification: {desc}", inp, want,
            [MARK] + sig_forbidden + list(extra))

    first = nh(NP, pay)
    vn("replay-first-delivery", "a fresh delivery (1 s old, 5-minute window)", first, pay,
       {"dedup_key": PAY_KEY}, freshness={"now_ms": T0 + 1000, "max_age_ms": W})
    vn("replay-a-day-later", "the same bytes replayed a day later: refused by freshness", first, pay, "INVALID_INPUT",
       freshness={"now_ms": T0 + 86400000, "max_age_ms": W})
    vn("replay-without-freshness", "the same replay without freshness verifies, with the same dedup_key "
       "(process it once)", first, pay, {"dedup_key": PAY_KEY})
    retry_rt = str(T0 + 3600000)
    vn("replay-antom-retry", "Antom's own retry an hour later (new request-time, re-signed): fresh, same dedup_key",
       nh(NP, pay, rt=retry_rt), pay, {"dedup_key": PAY_KEY, "request_time": retry_rt},
       freshness={"now_ms": T0 + 3600000 + 500, "max_age_ms": W})
    vn("replay-time-tampered", "a replay whose request-time was moved forward: fresh, but the signature fails",
       [x if x[0] != "request-time" else ["request-time", str(T0 + 86400000)] for x in first], pay,
       "SIGNATURE_MISMATCH", freshness={"now_ms": T0 + 86400000, "max_age_ms": W})
    vn("future-dated", "a request-time a day in the future", first, pay, "INVALID_INPUT",
       freshness={"now_ms": T0 - 86400000, "max_age_ms": W})
    for cid, desc, rt in (("time-u64-overflow", "20 digits over u64", "18446744073709551616"),
                          ("time-19-nines", "19 nines (fits in u64, far future)", "9" * 19),
                          ("time-crlf", "CRLF after the digits (not trimmed)", str(T0) + "\r\n"),
                          ("time-nul", "a NUL after the digits", str(T0) + "\x00"),
                          ("time-negative", "a negative number", "-" + str(T0))):
        vn(f"fresh-{cid}", f"freshness with a request-time of {desc}", nh(NP, pay, rt=rt), pay, "INVALID_INPUT",
           freshness={"now_ms": T0, "max_age_ms": W})
    vn("fresh-time-1mb", "freshness with a 1 MiB request-time of digits (repeat form)",
       [x if x[0] != "request-time" else ["request-time", repeat_text("", "1", 1 << 20, "")] for x in first], pay,
       "INVALID_INPUT", freshness={"now_ms": T0, "max_age_ms": W})
    spaced = [x if x[0] != "request-time" else ["request-time", f" \t{T0} "] for x in first]
    vn("fresh-time-spaces-trimmed", "spaces and tabs around request-time are trimmed before aging and verifying",
       spaced, pay, {"request_time": str(T0)}, freshness={"now_ms": T0, "max_age_ms": W})
    for cid, desc, path in (("path-nul", "a NUL in the path", NP + "\x00"), ("path-cr", "a CR in the path", NP + "\r"),
                            ("path-lf", "an LF in the path", NP + "\nX-Evil: 1"),
                            ("path-line-separator", "U+2028 in the path", NP + "\u2028"),
                            ("path-del", "DEL in the path", NP + "\x7f")):
        vn(cid, desc, nh(path, pay), pay, "INVALID_INPUT", path=path)
    vn("client-id-crlf", "a CRLF-injected client-id (signed over as sent)",
       nh(NP, pay, client_id=PROD_CLIENT + "\r\nX-Evil: 1"), pay, "CLIENT_ID_MISMATCH")
    bad = pay.encode()[:-2] + b"\xff\"}"
    vn("signed-invalid-utf8", "a validly signed body that is not UTF-8", nh(NP, bad), bad, "INVALID_INPUT")
    vn("signed-bom", "a validly signed body with a UTF-8 BOM", nh(NP, "\ufeff" + pay), "\ufeff" + pay, "INVALID_INPUT")
    deep_n = '{"card":"' + MARK + '","a":' + "[" * 10000 + "]" * 10000 + "}"
    vn("signed-deep-nesting", "a validly signed body nested 10000 levels deep", nh(NP, deep_n),
       repeat_text('{"card":"' + MARK + '","a":', "[", 10000, "]" * 10000 + "}"), "INVALID_INPUT")
    nested = compact(dict(NOTIFY_PAYMENT, deep=json.loads("[" * 60 + "]" * 60)))
    vn("signed-nested-60", "a validly signed body nested 61 levels deep verifies", nh(NP, nested), nested,
       {"dedup_key": PAY_KEY})
    vn("signed-raw-nul", "a validly signed body with a raw NUL in a string: not JSON",
       nh(NP, pay[:-2] + "\x00\"}"), pay[:-2] + "\x00\"}", "INVALID_INPUT")
    esc = '{"notifyType":"PAYMENT_RESULT","paymentId":"pay\\u0000id","card":"' + MARK + '"}'
    vn("signed-escaped-nul-id", "an escaped NUL inside paymentId is kept in the dedup_key", nh(NP, esc), esc,
       {"dedup_key": "PAYMENT_RESULT:paymentId=pay\x00id"})
    dupid = '{"notifyType":"PAYMENT_RESULT","paymentId":"first","paymentId":"second"}'
    vn("signed-duplicate-id-keys", "duplicate paymentId keys: the last one wins in the dedup_key", nh(NP, dupid),
       dupid, {"dedup_key": "PAYMENT_RESULT:paymentId=second"})
    vn("over-default-limit", "4 MiB + 1 byte with the default max_body_bytes (repeat form)", first,
       over_limit_body(MARK, DEFAULT_MAX_BODY_BYTES + 1), "INVALID_INPUT")
    at_limit = over_limit_body(MARK, DEFAULT_MAX_BODY_BYTES)
    vn("at-default-limit", "exactly 4 MiB with the default max_body_bytes, validly signed: verified (no id "
       "field, so the dedup_key is the body's SHA-256)", nh(NP, materialize(at_limit)), at_limit,
       {"dedup_key": "sha256:" + hashlib.sha256(materialize(at_limit).encode()).hexdigest()})
    vn("over-small-limit", "a validly signed notification one byte over max_body_bytes", first, pay, "INVALID_INPUT",
       cfg=cfg_prod(max_body_bytes=len(pay) - 1))
    def nsig(value):
        return [x if x[0] != "signature" else ["signature", value] for x in first]
    e1 = first[3][1].split("signature=", 1)[1]
    vn("sig-100000-items", "a Signature header of 100000 items (repeat form)",
       nsig(repeat_text("algorithm=RSA256,", "k=,", 100000, f"signature={e1}")), pay, MAL)
    vn("sig-missing-algorithm", "a valid signature without the algorithm item", nsig(f"keyVersion=1,signature={e1}"),
       pay, MAL)
    vn("signature-twice", "the signature header twice", first + [["Signature", first[3][1]]], pay, "INVALID_INPUT")
    vn("client-id-twice", "client-id twice", first + [["CLIENT-ID", PROD_CLIENT]], pay, "INVALID_INPUT")
    vn("request-time-twice-one-empty", "request-time twice, one of them empty", first + [["Request-Time", ""]], pay,
       "INVALID_INPUT")

    # --- amounts ---------------------------------------------------------------------------
    IA, UC = "INVALID_AMOUNT", "UNSUPPORTED_CURRENCY"

    def am(cid, desc, amount, currency, want, direction="to"):
        inp = ({"to_minor_units": {"amount": amount, "currency": currency}} if direction == "to"
               else {"from_minor_units": {"value": amount, "currency": currency}})
        add("amount", f"amount-{cid}", f"{'to' if direction == 'to' else 'from'}_minor_units: {desc}", inp, want,
            ["1234567890123456789"])

    am("idr-sen", "IDR 100.50 has sen: refused", "100.50", "IDR", IA)
    am("idr-half", "IDR 1.5 has sen: refused", "1.5", "IDR", IA)
    am("idr-one-sen", "IDR 0.01: refused", "0.01", "IDR", IA)
    am("idr-whole", "IDR 100 -> 10000", "100", "IDR", {"value": "10000"})
    am("idr-from-sen", "IDR 10050 -> 100.50 (any received value is shown)", "10050", "IDR", {"amount": "100.50"}, "from")
    for code in FUND_CODES:
        am(f"fund-{code.lower()}", f"fund code {code}", "1.00", code, UC)
    am("fund-from-usn", "fund code USN", "100", "USN", UC, "from")
    am("nul-in-amount", "a NUL after the digits", "10.00\x00", "USD", IA)
    am("nul-in-currency", "a NUL after the currency", "10.00", "USD\x00", UC)
    am("crlf-in-currency", "CRLF after the currency", "10.00", "USD\r\n", UC)
    am("1000-digits", "a 1000-digit amount", "1234567890123456789" + "0" * 981, "USD", IA)
    am("1000-fraction-zeros", "1000 zero fraction digits are fine", "10." + "0" * 1000, "USD", {"value": "1000"})
    am("from-1000-digits", "a 1000-digit value", "1234567890123456789" + "0" * 981, "USD", IA, "from")
    am("from-nul", "a NUL in the value", "10\x0050", "USD", IA, "from")
    return cases


# ---------------------------------------------------------------------------------------
# external_signer.json -- the two-step API for keys held by a KMS or an HSM
# ---------------------------------------------------------------------------------------

# Without a configured merchant public key only the length is checked: RSA-2048 to RSA-8192.
EXTERNAL_MIN_SIGNATURE = 256
EXTERNAL_MAX_SIGNATURE = 1024


def signed_headers(client, t: str, sig: bytes) -> list:
    headers = [
        ["Content-Type", "application/json; charset=UTF-8"],
        ["Client-Id", client.client_id],
        ["Request-Time", t],
        ["Signature", format_signature_header(client.key_version, pct_encode_b64(b64(sig)))],
    ]
    if client.agent_token is not None:
        headers.append(["Agent-Token", client.agent_token])
    return headers


def finish_external(client, request: dict, sig: bytes) -> dict:
    """Step 2: the raw signature in, the request out (or SIGNING_FAILED)."""
    pub = client.merchant_public_key
    if pub is not None:
        if len(sig) != (pub.key_size + 7) // 8:
            fail("SIGNING_FAILED", "length is not the modulus size")
        try:
            pub.verify(sig, request["message"], padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            fail("SIGNING_FAILED", "does not verify")
    elif not EXTERNAL_MIN_SIGNATURE <= len(sig) <= EXTERNAL_MAX_SIGNATURE:
        fail("SIGNING_FAILED", "length outside RSA-2048..RSA-8192")
    return {"method": "POST", "url": client.gateway + request["path"], "path": request["path"],
            "headers": signed_headers(client, request["time"], sig), "body": request["body"]}


def prepare_external(cfg: dict, api: str, body: str, request_time: int, sig) -> dict:
    """Step 1 (message and digest), then step 2 with `sig` (bytes)."""
    client = Client(cfg)
    assert "private_key_file" not in cfg and "api_key" not in cfg
    raw = body.encode("utf-8")
    check_body_size(client, raw)
    path = resolve_path(api, client.sandbox)
    if json_object(raw) is None:
        fail("INVALID_INPUT", "body is not a UTF-8 JSON object")
    t = str(request_time)
    message = content_to_sign("POST", path, client.client_id, t, raw)
    request = {"message": message, "path": path, "time": t, "body": body}
    return {"message": message.decode("utf-8"), "digest_hex": hashlib.sha256(message).hexdigest(),
            "finish": run(finish_external, client, request, sig)}


def sign_digest(key, digest: bytes, algorithm=None) -> bytes:
    """What a KMS does in digest mode: PKCS#1 v1.5 over a SHA-256 digest handed in."""
    from cryptography.hazmat.primitives.asymmetric import utils
    return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(algorithm or hashes.SHA256()))


def cfg_external(**kw) -> dict:
    c = {"client_id": DOC_CLIENT, "merchant_public_key_file": MERCHANT_PUB, "antom_public_key_file": ANTOM_PUB}
    c.update(kw)
    return {k: v for k, v in c.items() if v is not None}


def external_cases() -> list:
    cases = []

    def add(cid, desc, cfg, api, body, signature, request_time=DOC_TIME, want="ok", same_as_prepare=None):
        """signature: bytes, or a function of the message (the generator signs it here with
        `cryptography`), or None for a case that fails in step 1. want: 'ok', or the step-1 error
        code, or 'finish:<code>'."""
        res = run(prepare_external, cfg, api, body, request_time, b"")
        sig = None
        if "error" not in res:
            message = res["message"].encode("utf-8")
            sig = signature(message) if callable(signature) else signature
            assert isinstance(sig, bytes), cid
            res = run(prepare_external, cfg, api, body, request_time, sig)
        else:
            assert signature is None, f"{cid}: step 1 fails, the signature would never be used"
        inp = {"config": cfg, "api": api, "body": body, "request_time": request_time}
        if sig is not None:
            inp["signature_base64"] = b64(sig)
        c = case(cid, desc, inp, res)
        got = res.get("error") or ("finish:" + res["finish"]["error"] if "error" in res["finish"] else "ok")
        assert got == want, f"case {cid}: expected {want}, model says {got}"
        if same_as_prepare is not None:
            # The finished request is byte for byte the one prepare() makes with the private key
            # in process (that side is OpenSSL-signed and cross-checked in prepare.json).
            in_process = prepare(same_as_prepare, api, body, request_time)
            in_process.pop("content")
            assert res["finish"] == in_process, cid
        cases.append(c)

    merchant = private_key(MERCHANT_PRIV)
    other = private_key(OTHER_PRIV)
    rsa3072 = private_key(priv_file("rsa3072"))
    rsa4096 = private_key(priv_file("rsa4096"))
    rsa8192 = private_key(priv_file("rsa8192"))
    by = lambda key: (lambda m: sign_raw(key, m))
    good = by(merchant)
    as_private = lambda cfg: dict({k: v for k, v in cfg.items() if k != "merchant_public_key_file"},
                                  private_key_file=MERCHANT_PRIV)
    api = "v1/payments/inquiryPayment"

    # Step 1 and a good signature: the request prepare() would make.
    for cid, desc, cfg, a, body in [
        ("sandbox-inquiry", "sandbox client id: message, digest, and the sandbox path", cfg_external(),
         api, INQUIRY_BODY),
        ("production-pay-europe", "production client id, Europe gateway, a pay body",
         cfg_external(client_id=PROD_CLIENT, region="europe"), "v1/payments/pay", PAY_BODY),
        ("north-america-environment-sandbox", "explicit environment=sandbox on a production-style id",
         cfg_external(client_id=PROD_CLIENT, region="north_america", environment="sandbox"), api, INQUIRY_BODY),
        ("unicode-body", "non-ASCII body: the message carries its UTF-8 bytes", cfg_external(),
         "v1/payments/pay", UNICODE_BODY),
        ("pretty-body", "a pretty-printed body with LFs is signed byte for byte", cfg_external(),
         "v1/payments/pay", DOC_BODY),
        ("key-version-and-agent-token", "keyVersion=3 and an Agent-Token header",
         cfg_external(key_version=3, agent_token="agent-token-0001"), api, INQUIRY_BODY),
        ("loopback-gateway", "a local simulator gateway (http on loopback)",
         cfg_external(gateway_url="http://127.0.0.1:8080"), api, INQUIRY_BODY),
        ("full-path-api", "a full /ams/api/ path is rewritten for sandbox", cfg_external(),
         "/ams/api/v1/payments/refund", REFUND_BODY),
    ]:
        add(cid, desc + "; finish with the merchant key's signature of the message gives exactly "
            "prepare()'s request", cfg, a, body, good, same_as_prepare=as_private(cfg))

    def digest_mode(m):
        sig = sign_digest(merchant, hashlib.sha256(m).digest())
        assert sig == sign_raw(merchant, m), "PKCS#1 v1.5 is deterministic: digest mode gives the same bytes"
        return sig
    add("digest-mode-signature", "the signer signed the SHA-256 digest (KMS MessageType=DIGEST, Google Cloud "
        "KMS): the same bytes as signing the message, accepted", cfg_external(), api, INQUIRY_BODY, digest_mode,
        same_as_prepare=as_private(cfg_external()))
    add("max-body-bytes-exactly", "a body exactly at max_body_bytes is accepted",
        cfg_external(max_body_bytes=len(compact({"a": "b"}))), api, compact({"a": "b"}), good,
        same_as_prepare=as_private(cfg_external(max_body_bytes=9)))
    add("rsa3072-merchant-key", "an RSA-3072 external key: a 384-byte signature verifies",
        cfg_external(merchant_public_key_file=pub_file("rsa3072")), api, INQUIRY_BODY, by(rsa3072))
    add("rsa4096-merchant-key", "an RSA-4096 external key: a 512-byte signature verifies",
        cfg_external(merchant_public_key_file=pub_file("rsa4096")), api, INQUIRY_BODY, by(rsa4096))

    # With the merchant public key configured: every wrong signature fails in step 2.
    for cid, desc, sig in [
        ("short-signature", "255 bytes: the good signature minus its last byte", lambda m: good(m)[:255]),
        ("empty-signature", "no bytes at all", b""),
        ("one-byte-too-long", "257 bytes: the good signature and a zero byte", lambda m: good(m) + b"\0"),
        ("leading-zero-stripped", "255 bytes: a signature with its leading byte dropped (an integer "
         "conversion bug)", lambda m: good(m)[1:]),
        ("rsa4096-signature-on-2048-key", "a 512-byte signature (an RSA-4096 KMS key) for a 256-byte "
         "(RSA-2048) merchant key", by(rsa4096)),
        ("other-key", "right length, signed by another key (the wrong KMS key id)", by(other)),
        ("other-request-time", "a good signature of the same request at another Request-Time",
         lambda m: good(m.replace(str(DOC_TIME).encode(), str(DOC_TIME + 1).encode()))),
        ("digest-signed-as-message", "the 32 digest bytes signed as a message (MessageType=RAW given the "
         "digest)", lambda m: good(hashlib.sha256(m).digest())),
        ("sha512-algorithm", "RSASSA_PKCS1_V1_5_SHA_512 instead of _SHA_256",
         lambda m: merchant.sign(m, padding.PKCS1v15(), hashes.SHA512())),
        ("sha1-algorithm", "RSASSA-PKCS1-v1_5 with SHA-1 instead of SHA-256",
         lambda m: merchant.sign(m, padding.PKCS1v15(), hashes.SHA1())),
        ("flipped-bit", "the good signature with one bit of its last byte flipped",
         lambda m: good(m)[:-1] + bytes([good(m)[-1] ^ 1])),
        ("all-zero", "256 zero bytes", b"\0" * 256),
        ("all-ff", "256 0xFF bytes (larger than the modulus)", b"\xff" * 256),
    ]:
        add(cid, f"merchant public key configured: {desc} -> SIGNING_FAILED, no request", cfg_external(),
            api, INQUIRY_BODY, sig, want="finish:SIGNING_FAILED")
    add("rsa4096-key-given-2048-signature", "an RSA-4096 merchant key and a 256-byte signature -> SIGNING_FAILED",
        cfg_external(merchant_public_key_file=pub_file("rsa4096")), api, INQUIRY_BODY, good,
        want="finish:SIGNING_FAILED")

    # Without the merchant public key: the length alone is checked (documented; configure the key).
    nokey = cfg_external(merchant_public_key_file=None)
    add("no-public-key-good", "no merchant public key configured: the good signature, prepare()'s request",
        nokey, api, INQUIRY_BODY, good, same_as_prepare=as_private(nokey))
    add("no-public-key-other-key-accepted", "no merchant public key configured: another key's signature is "
        "ACCEPTED (length-only check; the mistake shows only at Antom, which is why the key should be "
        "configured)", nokey, api, INQUIRY_BODY, by(other))
    add("no-public-key-rsa8192-length", "no merchant public key: a 1024-byte (RSA-8192) signature has an "
        "acceptable length", nokey, api, INQUIRY_BODY, by(rsa8192))
    for cid, desc, sig in [
        ("no-public-key-short", "255 bytes", lambda m: good(m)[:255]),
        ("no-public-key-empty", "no bytes", b""),
        ("no-public-key-too-long", "1025 bytes: longer than any RSA-8192 signature",
         lambda m: by(rsa8192)(m) + b"\0"),
        ("no-public-key-digest-length", "32 bytes: the digest returned instead of a signature",
         lambda m: hashlib.sha256(m).digest()),
    ]:
        add(cid, f"no merchant public key: {desc} -> SIGNING_FAILED", nokey, api, INQUIRY_BODY, sig,
            want="finish:SIGNING_FAILED")

    # Step 1 refuses what prepare() refuses; the signer is never asked.
    for cid, desc, cfg, a, body, want in [
        ("body-not-json", "a body that is not a JSON object", cfg_external(), api, "[1,2]", "INVALID_INPUT"),
        ("body-over-max", "a body one byte over max_body_bytes", cfg_external(max_body_bytes=8), api,
         compact({"a": "b"}), "INVALID_INPUT"),
        ("api-query", "an api with a query string", cfg_external(), "v1/payments/pay?x=1", PAY_BODY,
         "INVALID_INPUT"),
        ("sandbox-path-in-production", "a /ams/sandbox/ path on a production client",
         cfg_external(client_id=PROD_CLIENT), "/ams/sandbox/api/v1/payments/pay", PAY_BODY, "INVALID_INPUT"),
        ("agent-token-with-newline", "an agent token with a line feed", cfg_external(agent_token="a\nb"),
         api, INQUIRY_BODY, "INVALID_INPUT"),
        ("merchant-public-key-is-private", "the merchant_public_key is a private key's text",
         cfg_external(merchant_public_key_file=MERCHANT_PRIV), api, INQUIRY_BODY, "INVALID_KEY"),
        ("merchant-public-key-rsa1024", "an RSA-1024 merchant public key",
         cfg_external(merchant_public_key_file=pub_file("rsa1024")), api, INQUIRY_BODY, "INVALID_KEY"),
    ]:
        add(cid, f"step 1: {desc} -> {want}, the signer is never called", cfg, a, body, None, want=want)
    return cases


# ---------------------------------------------------------------------------------------
# Outcome: every combination the rules distinguish, through the real verify paths
# ---------------------------------------------------------------------------------------

def _result(status, code, message="see resultCode"):
    return {"resultCode": code, "resultStatus": status, "resultMessage": message}


def outcome_response_cases() -> list:
    cases = []
    antom = private_key(ANTOM_PRIV)

    def add(cid, desc, api, body_obj, want, signed=True, cfg=None):
        cfg = cfg or cfg_prod()
        client = Client(cfg)
        path = resolve_path(api, client.sandbox)
        body = compact(body_obj)
        headers = [["content-type", "application/json; charset=UTF-8"]]
        if signed:
            enc, _ = sign(antom, content_to_sign("POST", path, cfg["client_id"], RESPONSE_TIME,
                                                 body.encode("utf-8")))
            headers += [["signature", f"algorithm=RSA256,keyVersion=1,signature={enc}"],
                        ["response-time", RESPONSE_TIME], ["client-id", cfg["client_id"]]]
        res = run(verify_response, cfg, api, headers, body.encode("utf-8"))
        assert res.get("outcome") == want, (cid, res, want)
        cases.append(case(cid, desc, {"config": cfg, "path": api, "headers": headers, "body": body}, res))

    pay = "/ams/api/v1/payments/pay"
    ids = {"paymentRequestId": "pay_outcome_1", "paymentId": "202611290000000001"}
    add("pay-s", "pay S: the payment succeeded", pay, {"result": _result("S", "SUCCESS"), **ids}, "SUCCEEDED")
    add("pay-f", "pay F PROCESS_FAIL: the payment failed", pay, {"result": _result("F", "PROCESS_FAIL")}, "FAILED")
    add("pay-f-param-illegal", "pay F PARAM_ILLEGAL: no payment was made", pay,
        {"result": _result("F", "PARAM_ILLEGAL")}, "FAILED")
    add("pay-f-repeat-req-inconsistent", "pay F REPEAT_REQ_INCONSISTENT: the first request with this id may "
        "have succeeded -> UNKNOWN, never FAILED", pay, {"result": _result("F", "REPEAT_REQ_INCONSISTENT")},
        "UNKNOWN")
    add("pay-u-in-process", "pay U PAYMENT_IN_PROCESS (redirect the buyer, wait): PENDING", pay,
        {"result": _result("U", "PAYMENT_IN_PROCESS"), **ids, "normalUrl": "https://example.invalid/c"},
        "PENDING")
    add("pay-u-unknown-exception", "pay U UNKNOWN_EXCEPTION: UNKNOWN (inquire)", pay,
        {"result": _result("U", "UNKNOWN_EXCEPTION")}, "UNKNOWN")
    add("pay-unexpected-status", "pay with resultStatus 'X' (read as U): UNKNOWN", pay,
        {"result": _result("X", "SUCCESS")}, "UNKNOWN")
    add("pay-unsigned-f", "unsigned F from a gateway: never FAILED -> UNKNOWN", pay,
        {"result": _result("F", "PROCESS_FAIL")}, "UNKNOWN", signed=False)
    add("pay-unsigned-u-in-process", "unsigned U PAYMENT_IN_PROCESS: not verified -> UNKNOWN", pay,
        {"result": _result("U", "PAYMENT_IN_PROCESS")}, "UNKNOWN", signed=False)
    add("pay-relative-api", "api given as 'v1/payments/pay' resolves to the pay rules", "v1/payments/pay",
        {"result": _result("U", "PAYMENT_IN_PROCESS")}, "PENDING")
    add("pay-sandbox", "sandbox path /ams/sandbox/api/v1/payments/pay: same rules", "v1/payments/pay",
        {"result": _result("S", "SUCCESS")}, "SUCCEEDED", cfg=cfg_sbx())

    session = "/ams/api/v1/payments/createPaymentSession"
    add("session-s", "createPaymentSession S: a session exists, the buyer has not paid: PENDING", session,
        {"result": _result("S", "SUCCESS"), "paymentSessionData": "x", "paymentSessionId": "s1"}, "PENDING")
    add("session-f", "createPaymentSession F: no payment will happen with it", session,
        {"result": _result("F", "PARAM_ILLEGAL")}, "FAILED")
    add("session-u", "createPaymentSession U", session, {"result": _result("U", "UNKNOWN_EXCEPTION")}, "UNKNOWN")

    inquiry = "/ams/api/v1/payments/inquiryPayment"
    for status, want in [("SUCCESS", "SUCCEEDED"), ("FAIL", "FAILED"), ("CANCELLED", "FAILED"),
                         ("PROCESSING", "PENDING"), ("PENDING", "PENDING"), ("Success", "UNKNOWN"),
                         ("AUTH_SUCCESS", "UNKNOWN"), ("", "UNKNOWN")]:
        tag = status.lower().replace("_", "-") or "empty"
        if status == "Success":
            tag = "mixed-case-success"
        add(f"inquiry-payment-{tag}", f"inquiryPayment S with paymentStatus {status!r}: {want}", inquiry,
            {"result": _result("S", "SUCCESS"), "paymentStatus": status, **ids}, want)
    add("inquiry-payment-no-status", "inquiryPayment S without paymentStatus: UNKNOWN", inquiry,
        {"result": _result("S", "SUCCESS"), **ids}, "UNKNOWN")
    add("inquiry-payment-status-not-string", "inquiryPayment S with paymentStatus a JSON object: UNKNOWN",
        inquiry, {"result": _result("S", "SUCCESS"), "paymentStatus": {"value": "SUCCESS"}}, "UNKNOWN")
    add("inquiry-payment-f-order-not-exist", "inquiryPayment F ORDER_NOT_EXIST: the inquiry failed, the "
        "payment is not known -> UNKNOWN", inquiry, {"result": _result("F", "ORDER_NOT_EXIST")}, "UNKNOWN")
    add("inquiry-payment-f-with-success-status", "inquiryPayment F carrying paymentStatus SUCCESS: the call "
        "failed, so the field is not read -> UNKNOWN", inquiry,
        {"result": _result("F", "PROCESS_FAIL"), "paymentStatus": "SUCCESS"}, "UNKNOWN")
    add("inquiry-payment-u", "inquiryPayment U: UNKNOWN", inquiry,
        {"result": _result("U", "UNKNOWN_EXCEPTION"), "paymentStatus": "SUCCESS"}, "UNKNOWN")
    add("inquiry-payment-unsigned-success", "unsigned inquiryPayment claiming S/SUCCESS: refused "
        "(UNSIGNED_RESPONSE), never SUCCEEDED", inquiry,
        {"result": _result("S", "SUCCESS"), "paymentStatus": "SUCCESS"}, None, signed=False)

    refund = "/ams/api/v1/payments/refund"
    add("refund-s", "refund S: the refund succeeded", refund,
        {"result": _result("S", "SUCCESS"), "refundId": "r1", "refundRequestId": "rr1"}, "SUCCEEDED")
    add("refund-f", "refund F REFUND_AMOUNT_EXCEED", refund, {"result": _result("F", "REFUND_AMOUNT_EXCEED")},
        "FAILED")
    add("refund-u-in-process", "refund U REFUND_IN_PROCESS: PENDING (wait for notifyRefund)", refund,
        {"result": _result("U", "REFUND_IN_PROCESS")}, "PENDING")
    add("refund-u-payment-in-process", "refund U PAYMENT_IN_PROCESS is not a refund code: UNKNOWN", refund,
        {"result": _result("U", "PAYMENT_IN_PROCESS")}, "UNKNOWN")
    add("refund-f-repeat-req-inconsistent", "refund F REPEAT_REQ_INCONSISTENT: UNKNOWN", refund,
        {"result": _result("F", "REPEAT_REQ_INCONSISTENT")}, "UNKNOWN")

    inquiry_refund = "/ams/api/v1/payments/inquiryRefund"
    for status, want in [("SUCCESS", "SUCCEEDED"), ("FAIL", "FAILED"), ("PROCESSING", "PENDING"),
                         ("CANCELLED", "UNKNOWN")]:
        add(f"inquiry-refund-{status.lower()}", f"inquiryRefund S with refundStatus {status}: {want}",
            inquiry_refund, {"result": _result("S", "SUCCESS"), "refundStatus": status}, want)
    add("inquiry-refund-f", "inquiryRefund F: UNKNOWN", inquiry_refund,
        {"result": _result("F", "ORDER_NOT_EXIST")}, "UNKNOWN")

    capture = "/ams/api/v1/payments/capture"
    add("capture-s", "capture S", capture, {"result": _result("S", "SUCCESS")}, "SUCCEEDED")
    add("capture-f", "capture F", capture, {"result": _result("F", "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT")},
        "FAILED")
    add("capture-u-capture-in-process", "capture U CAPTURE_IN_PROCESS: PENDING", capture,
        {"result": _result("U", "CAPTURE_IN_PROCESS")}, "PENDING")
    add("capture-u-payment-in-process", "capture U PAYMENT_IN_PROCESS: PENDING", capture,
        {"result": _result("U", "PAYMENT_IN_PROCESS")}, "PENDING")
    add("capture-u-other", "capture U UNKNOWN_EXCEPTION: UNKNOWN", capture,
        {"result": _result("U", "UNKNOWN_EXCEPTION")}, "UNKNOWN")

    cancel = "/ams/api/v1/payments/cancel"
    add("cancel-s", "cancel S: the cancellation succeeded", cancel, {"result": _result("S", "SUCCESS")},
        "SUCCEEDED")
    add("cancel-f", "cancel F ORDER_STATUS_INVALID", cancel, {"result": _result("F", "ORDER_STATUS_INVALID")},
        "FAILED")
    add("cancel-u", "cancel U: UNKNOWN", cancel, {"result": _result("U", "UNKNOWN_EXCEPTION")}, "UNKNOWN")
    add("cancel-u-in-process", "cancel U PAYMENT_IN_PROCESS is not a pending code for cancel: UNKNOWN",
        cancel, {"result": _result("U", "PAYMENT_IN_PROCESS")}, "UNKNOWN")
    consult = "/ams/api/v1/payments/consult"
    add("consult-s", "consult S: the call succeeded (no money moves)", consult,
        {"result": _result("S", "SUCCESS"), "paymentOptions": []}, "SUCCEEDED")
    add("consult-f", "consult F", consult, {"result": _result("F", "PARAM_ILLEGAL")}, "FAILED")
    add("other-api-s", "an API without its own rules (subscriptions/cancel): the call's outcome",
        "/ams/api/v1/subscriptions/cancel", {"result": _result("S", "SUCCESS")}, "SUCCEEDED")
    add("other-api-payments-prefix", "'/v1/payments/payX' is not pay: U PAYMENT_IN_PROCESS -> UNKNOWN",
        "/ams/api/v1/payments/payX", {"result": _result("U", "PAYMENT_IN_PROCESS")}, "UNKNOWN")
    add("path-outside-api-prefix", "'/ams/v2/v1/payments/createPaymentSession' is not under /ams/api/: "
        "the call's own outcome (S -> SUCCEEDED), not createPaymentSession's PENDING",
        "/ams/v2/v1/payments/createPaymentSession", {"result": _result("S", "SUCCESS")}, "SUCCEEDED")
    add("sandbox-inquiry-payment", "sandbox inquiryPayment: same rules under /ams/sandbox/api/",
        "v1/payments/inquiryPayment", {"result": _result("S", "SUCCESS"), "paymentStatus": "PROCESSING"},
        "PENDING", cfg=cfg_sbx())
    return cases


def outcome_notification_cases() -> list:
    cases = []
    antom = private_key(ANTOM_PRIV)
    path = "/antom/notify"

    def add(cid, desc, body_obj, want):
        cfg = cfg_prod()
        body = compact(body_obj)
        enc, _ = sign(antom, content_to_sign("POST", path, cfg["client_id"], NOTIFY_TIME, body.encode("utf-8")))
        headers = [["content-type", "application/json"], ["request-time", NOTIFY_TIME],
                   ["client-id", cfg["client_id"]], ["signature", f"algorithm=RSA256,keyVersion=1,signature={enc}"]]
        res = run(verify_notification, cfg, path, headers, body.encode("utf-8"))
        assert res.get("outcome") == want, (cid, res, want)
        cases.append(case(cid, desc, {"config": cfg, "path": path, "headers": headers, "body": body}, res))

    ids = {"paymentRequestId": "pay_outcome_1", "paymentId": "202611290000000001"}
    for status, want in [("S", "SUCCEEDED"), ("F", "FAILED"), ("U", "UNKNOWN"), ("X", "UNKNOWN")]:
        add(f"payment-result-{status.lower()}", f"notifyPayment PAYMENT_RESULT {status}: {want}",
            {"notifyType": "PAYMENT_RESULT", "result": _result(status, "SUCCESS" if status == "S" else "FAIL"),
             **ids}, want)
    add("payment-result-no-result", "PAYMENT_RESULT without result: UNKNOWN",
        {"notifyType": "PAYMENT_RESULT", **ids}, "UNKNOWN")
    add("payment-pending-s", "PAYMENT_PENDING with result S means processing, not paid: PENDING",
        {"notifyType": "PAYMENT_PENDING", "result": _result("S", "SUCCESS", "success"), **ids}, "PENDING")
    add("payment-pending-u", "PAYMENT_PENDING with result U: PENDING",
        {"notifyType": "PAYMENT_PENDING", "result": _result("U", "PAYMENT_IN_PROCESS"), **ids}, "PENDING")
    add("capture-result-s", "notifyCapture CAPTURE_RESULT S: SUCCEEDED",
        {"notifyType": "CAPTURE_RESULT", "result": _result("S", "SUCCESS"), "captureId": "c1", **ids}, "SUCCEEDED")
    add("capture-result-f", "notifyCapture CAPTURE_RESULT F: FAILED",
        {"notifyType": "CAPTURE_RESULT", "result": _result("F", "PROCESS_FAIL"), "captureId": "c1"}, "FAILED")
    refund = {"notifyType": "REFUND_RESULT", "refundId": "r1", "refundRequestId": "rr1"}
    for rs, status, want in [("SUCCESS", "S", "SUCCEEDED"), ("FAIL", "F", "FAILED"), ("SUCCESS", "F", "UNKNOWN"),
                             ("FAIL", "S", "FAILED"), ("SUCCESS", "U", "UNKNOWN"), ("FAIL", "U", "UNKNOWN"),
                             ("PROCESSING", "S", "UNKNOWN"), ("SUCCESS", None, "SUCCEEDED"),
                             ("FAIL", None, "FAILED"), (None, "S", "UNKNOWN"), (None, "F", "UNKNOWN"),
                             (None, None, "UNKNOWN")]:
        body = dict(refund)
        if rs is not None:
            body["refundStatus"] = rs
        if status is not None:
            body["result"] = _result(status, "SUCCESS" if status == "S" else "FAIL")
        cid = f"refund-result-{(rs or 'no-status').lower()}-{(status or 'no-result').lower()}"
        add(cid, f"notifyRefund refundStatus {rs} with result {status}: {want}", body, want)
    add("refund-result-status-not-string", "notifyRefund with refundStatus a number: UNKNOWN",
        {**refund, "refundStatus": 1, "result": _result("S", "SUCCESS")}, "UNKNOWN")
    add("authorization", "an authorization notification: not a payment outcome -> UNKNOWN",
        {"authorizationNotifyType": "TOKEN_CREATED", "result": _result("S", "SUCCESS")}, "UNKNOWN")
    add("dispute", "a dispute notification: UNKNOWN (read the body)",
        {"disputeNotificationType": "DISPUTE_CREATED", "disputeId": "d1"}, "UNKNOWN")
    add("no-notify-type", "no notify type, result S: UNKNOWN, never SUCCEEDED",
        {"result": _result("S", "SUCCESS"), **ids}, "UNKNOWN")
    add("lower-case-notify-type", "notifyType 'payment_result' is not PAYMENT_RESULT: UNKNOWN",
        {"notifyType": "payment_result", "result": _result("S", "SUCCESS"), **ids}, "UNKNOWN")
    return cases


# ---------------------------------------------------------------------------------------
# key_ring.json, key_ring_response.json, fingerprints.json
# ---------------------------------------------------------------------------------------

# Ring members: Antom's current key and the next one (the "other" test key), and two more
# keys for the size bound.
RING_CURRENT_PUB, RING_NEXT_PUB = ANTOM_PUB, pub_file("other")
RSA3072_PUB, RSA4096_PUB = pub_file("rsa3072"), pub_file("rsa4096")


def ring(*members) -> list:
    """antom_keys from (key file, keyVersion tag or None) pairs."""
    return [{"key_file": f} if v is None else {"key_file": f, "key_version": v} for f, v in members]


def cfg_ring(*members, verify_only: bool = False) -> dict:
    c = {"client_id": PROD_CLIENT, "private_key_file": MERCHANT_PRIV, "antom_keys": ring(*members)}
    if verify_only:
        del c["private_key_file"]
    return c


TAGGED = ((RING_CURRENT_PUB, 1), (RING_NEXT_PUB, 2))
UNTAGGED = ((RING_CURRENT_PUB, None), (RING_NEXT_PUB, None))
MIXED = ((RING_CURRENT_PUB, 1), (RING_NEXT_PUB, None))


def _ring_signature(key_file: str, content: bytes, key_version) -> str:
    enc, _ = sign(private_key(key_file.replace(".public.spki.", ".private.pkcs8.")), content)
    kv = "" if key_version is None else f"keyVersion={key_version},"
    return f"algorithm=RSA256,{kv}signature={enc}"


def _ring_case_adder(cases, verify_fn, path, time_header, time, body):
    """add(id, description, config, signer key file, keyVersion or None, want): one case of
    `verify_fn` over `body` at `path`, signed by the signer with that keyVersion."""
    def add(cid, desc, cfg, signer, key_version, want):
        content = content_to_sign("POST", path, PROD_CLIENT, time, body.encode("utf-8"))
        headers = [[time_header, time], ["client-id", PROD_CLIENT],
                   ["signature", _ring_signature(signer, content, key_version)]]
        res = run(verify_fn, cfg, path, headers, body.encode("utf-8"))
        c = case(cid, desc, {"config": cfg, "path": path, "headers": headers, "body": body}, res)
        if isinstance(want, dict):
            assert all(res.get(k) == v for k, v in want.items()), (cid, res)
        else:
            check_expected(c, want)
        cases.append(c)
    return add


def key_ring_cases() -> list:
    """Notifications verified with a key ring: which keys the keyVersion selects, the order,
    the bound, and the configurations refused (WRONG_KEY for a swapped key)."""
    cases = []
    add = _ring_case_adder(cases, verify_notification, "/antom/notify", "request-time", NOTIFY_TIME,
                           compact(NOTIFY_PAYMENT))

    cur, nxt = fingerprint(public_key(RING_CURRENT_PUB)), fingerprint(public_key(RING_NEXT_PUB))
    add("single-key-is-an-untagged-ring", "antom_public_key alone: one untagged key, any keyVersion",
        cfg_prod(), RING_CURRENT_PUB, 1, {"verified_by": {"key_version": None, "fingerprint": cur}})
    add("tagged-version-1", "keyVersion 1 selects the key tagged 1", cfg_ring(*TAGGED), RING_CURRENT_PUB, 1,
        {"verified_by": {"key_version": 1, "fingerprint": cur}})
    add("tagged-version-2", "keyVersion 2 selects the key tagged 2 (the rotated-in key)", cfg_ring(*TAGGED),
        RING_NEXT_PUB, 2, {"verified_by": {"key_version": 2, "fingerprint": nxt}})
    add("tagged-version-selects-only-that-key", "keyVersion 1 but signed with the key tagged 2: only the "
        "key tagged 1 is tried, SIGNATURE_MISMATCH", cfg_ring(*TAGGED), RING_NEXT_PUB, 1, "SIGNATURE_MISMATCH")
    add("tagged-version-2-signed-by-1", "keyVersion 2 but signed with the key tagged 1: SIGNATURE_MISMATCH",
        cfg_ring(*TAGGED), RING_CURRENT_PUB, 2, "SIGNATURE_MISMATCH")
    add("tagged-unknown-version", "keyVersion 3 in a ring tagged 1 and 2 only: UNKNOWN_KEY_VERSION, even "
        "though the signature is by a ring key", cfg_ring(*TAGGED), RING_CURRENT_PUB, 3, "UNKNOWN_KEY_VERSION")
    add("tagged-no-version-tries-all", "no keyVersion in the header: every key in ring order; the second "
        "verifies", cfg_ring(*TAGGED), RING_NEXT_PUB, None, {"verified_by": {"key_version": 2, "fingerprint": nxt}})
    add("tagged-no-version-none-matches", "no keyVersion, signed by a key outside the ring: SIGNATURE_MISMATCH",
        cfg_ring(*TAGGED), MERCHANT_PUB, None, "SIGNATURE_MISMATCH")
    add("untagged-fallback-first", "untagged ring: tried in order, the first verifies", cfg_ring(*UNTAGGED),
        RING_CURRENT_PUB, 1, {"verified_by": {"key_version": None, "fingerprint": cur}})
    add("untagged-fallback-second", "untagged ring: the first fails, the second verifies (any keyVersion)",
        cfg_ring(*UNTAGGED), RING_NEXT_PUB, 7, {"verified_by": {"key_version": None, "fingerprint": nxt}})
    add("untagged-none-matches", "untagged ring, signed by the merchant key: SIGNATURE_MISMATCH",
        cfg_ring(*UNTAGGED), MERCHANT_PUB, 1, "SIGNATURE_MISMATCH")
    add("mixed-unknown-version-uses-untagged", "keyVersion 2 not tagged: the untagged key is tried",
        cfg_ring(*MIXED), RING_NEXT_PUB, 2, {"verified_by": {"key_version": None, "fingerprint": nxt}})
    add("mixed-unknown-version-skips-tagged", "keyVersion 2 not tagged: the key tagged 1 is not tried, "
        "SIGNATURE_MISMATCH although it signed", cfg_ring(*MIXED), RING_CURRENT_PUB, 2, "SIGNATURE_MISMATCH")
    add("mixed-tagged-version-only", "keyVersion 1: the key tagged 1 only, not the untagged one",
        cfg_ring(*MIXED), RING_NEXT_PUB, 1, "SIGNATURE_MISMATCH")
    add("ring-of-four", "a ring of 4 (the maximum): the fourth key verifies",
        cfg_ring((RSA3072_PUB, None), (RSA4096_PUB, None), (RING_CURRENT_PUB, None), (RING_NEXT_PUB, None)),
        RING_NEXT_PUB, 1, {"verified_by": {"key_version": None, "fingerprint": nxt}})
    add("ring-of-five-refused", "a ring of 5 keys: INVALID_KEY (at most 4 verifications per message)",
        cfg_ring((RSA3072_PUB, None), (RSA4096_PUB, None), (RING_CURRENT_PUB, None), (RING_NEXT_PUB, None),
                 (MERCHANT_PUB, None), verify_only=True), RING_CURRENT_PUB, 1, "INVALID_KEY")
    add("ring-empty-refused", "an empty ring: INVALID_KEY", cfg_ring(), RING_CURRENT_PUB, 1, "INVALID_KEY")
    add("ring-duplicate-key-refused", "the same key twice: INVALID_KEY",
        cfg_ring((RING_CURRENT_PUB, 1), (RING_CURRENT_PUB, 2)), RING_CURRENT_PUB, 1, "INVALID_KEY")
    add("ring-duplicate-version-refused", "two keys tagged 1: INVALID_KEY",
        cfg_ring((RING_CURRENT_PUB, 1), (RING_NEXT_PUB, 1)), RING_CURRENT_PUB, 1, "INVALID_KEY")
    add("swapped-key-refused", "the Antom public key is the merchant's own public key: WRONG_KEY at "
        "construction", cfg_prod(antom_public_key_file=MERCHANT_PUB), MERCHANT_PUB, 1, "WRONG_KEY")
    add("swapped-key-in-ring-refused", "a ring holding the merchant's own public key beside Antom's: "
        "WRONG_KEY", cfg_ring((RING_CURRENT_PUB, 1), (MERCHANT_PUB, 2)), RING_CURRENT_PUB, 1, "WRONG_KEY")
    add("verify-only-ring", "a verify-only client holds a ring too",
        cfg_ring(*TAGGED, verify_only=True), RING_NEXT_PUB, 2,
        {"verified_by": {"key_version": 2, "fingerprint": nxt}})
    add("ring-malformed-signature", "a signature no key of the ring can decode (RSA-3072 length): "
        "MALFORMED_SIGNATURE", cfg_ring(*TAGGED), RSA3072_PUB, None, "MALFORMED_SIGNATURE")
    return cases


def key_ring_response_cases() -> list:
    """Responses verified with a key ring: the same selection rule as notifications."""
    cases = []
    body = compact({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
                    "paymentId": "2025051919401080010018800000001", "paymentStatus": "SUCCESS"})
    path = "/ams/api/v1/payments/inquiryPayment"
    add = _ring_case_adder(cases, verify_response, path, "response-time", RESPONSE_TIME, body)

    cur, nxt = fingerprint(public_key(RING_CURRENT_PUB)), fingerprint(public_key(RING_NEXT_PUB))
    add("response-tagged-version-2", "a response signed with keyVersion 2 is verified by the key tagged 2",
        cfg_ring(*TAGGED), RING_NEXT_PUB, 2, {"verified": True, "outcome": "SUCCEEDED",
                                              "verified_by": {"key_version": 2, "fingerprint": nxt}})
    add("response-tagged-version-1", "keyVersion 1: the key tagged 1", cfg_ring(*TAGGED), RING_CURRENT_PUB, 1,
        {"verified_by": {"key_version": 1, "fingerprint": cur}})
    add("response-wrong-key-for-version", "keyVersion 1 signed with the key tagged 2: SIGNATURE_MISMATCH",
        cfg_ring(*TAGGED), RING_NEXT_PUB, 1, "SIGNATURE_MISMATCH")
    add("response-unknown-version", "keyVersion 9 in a fully tagged ring: UNKNOWN_KEY_VERSION",
        cfg_ring(*TAGGED), RING_NEXT_PUB, 9, "UNKNOWN_KEY_VERSION")
    add("response-untagged-order", "untagged ring: the second key verifies", cfg_ring(*UNTAGGED), RING_NEXT_PUB,
        1, {"verified_by": {"key_version": None, "fingerprint": nxt}})
    add("response-no-version", "no keyVersion: every key in order", cfg_ring(*TAGGED), RING_NEXT_PUB, None,
        {"verified_by": {"key_version": 2, "fingerprint": nxt}})
    add("response-single-key", "a single antom_public_key: untagged", cfg_prod(), RING_CURRENT_PUB, 1,
        {"verified_by": {"key_version": None, "fingerprint": cur}})
    unsigned = compact({"result": {"resultCode": "UNKNOWN_EXCEPTION", "resultStatus": "U",
                                   "resultMessage": "unknown"}})
    res = run(verify_response, cfg_ring(*TAGGED), path, [], unsigned.encode("utf-8"))
    assert res["verified"] is False and res["verified_by"] is None, res
    cases.append(case("response-unsigned-has-no-key", "an unsigned U: verified false, verified_by null",
                      {"config": cfg_ring(*TAGGED), "path": path, "headers": [], "body": unsigned}, res))
    return cases


def _openssl_fingerprint(key_file: str, private: bool) -> str:
    """The fingerprint by the openssl CLI: SHA-256 of the SPKI DER, first 16 hex digits."""
    with tempfile.TemporaryDirectory() as tmp:
        der = Path(tmp) / "key.der"
        der.write_bytes(base64.b64decode(read_text(key_file)))
        form = [] if private else ["-pubin"]
        spki = subprocess.run(["openssl", "pkey", *form, "-inform", "DER", "-in", str(der), "-pubout",
                               "-outform", "DER"], capture_output=True, check=True).stdout
        out = subprocess.run(["openssl", "dgst", "-sha256", "-r"], input=spki, capture_output=True,
                             check=True).stdout.decode()
    return "sha256:" + out.split()[0][:16]


def fingerprint_cases() -> list:
    """PublicKey fingerprints (and a private key's, of its public half), each checked against the
    openssl CLI."""
    cases = []
    for name in ("antom", "other", "merchant", "rsa3072", "rsa4096"):
        for kind, rel in (("public", pub_file(name)), ("private", priv_file(name))):
            key = private_key(rel).public_key() if kind == "private" else public_key(rel)
            fp = fingerprint(key)
            assert fp == _openssl_fingerprint(rel, kind == "private"), (rel, fp)
            cases.append(case(f"{name}-{kind}", f"the {name} test key ({kind}; a private key's fingerprint is "
                              "its public half's)", {"kind": kind, "key_file": rel}, {"fingerprint": fp}))
    return cases


# ---------------------------------------------------------------------------------------
# retry.json and mask_body.json: send's retry policy, and the masking of opted-in bodies
# ---------------------------------------------------------------------------------------
# An independent model of the rules documented in crates/antom-core/src/retry.rs and
# events.rs. The API facts (idempotency field, inquiry or not) are read from the catalogue
# schema crates/antom-models/schema/models.json; the masked field names from the core's
# SENSITIVE_FIELDS list (data: which fields are personal is checked against the schema there).

def catalogue_schema() -> dict:
    return json.loads((HERE.parent.parent / "crates/antom-models/schema/models.json").read_text("utf-8"))


def retry_api(api: str):
    apis = catalogue_schema()["apis"]
    by_name = {a["name"]: a for a in apis}
    if api in by_name:
        return by_name[api]
    rel = api[1:] if api.startswith("/") else api
    rel = re.split(r"[?#]", rel)[0]
    for prefix in ("ams/sandbox/api/", "ams/api/"):
        if rel.startswith(prefix):
            rel = "ams/api/" + rel[len(prefix):]
            break
    else:
        if not rel.startswith("ams/"):
            rel = "ams/api/" + rel
    return next((a for a in apis if a["path"] == "/" + rel), None)


def retry_safe(api: str, body: str) -> bool:
    entry = retry_api(api)
    if entry is None:
        return False
    field = entry.get("idempotency")
    if not field:
        return entry["idempotencyBasis"].startswith("an inquiry")
    try:
        obj = json.loads(body)
    except ValueError:
        return False
    value = obj.get(field) if isinstance(obj, dict) else None
    return isinstance(value, str) and value.strip() != ""


RETRY_DEFAULT = {"max_attempts": 1, "initial_backoff_ms": 500, "max_backoff_ms": 5000,
                 "attempt_timeout_ms": 30000, "deadline_ms": 60000, "retry_without_idempotency_key": False}


def retry_policy(**kw) -> dict:
    p = dict(RETRY_DEFAULT)
    p.update(kw)
    return p


def retry_check(p: dict) -> bool:
    return (1 <= p["max_attempts"] <= 10 and 1 <= p["initial_backoff_ms"] <= p["max_backoff_ms"] <= 60000
            and 1 <= p["attempt_timeout_ms"] <= 600000 and 1 <= p["deadline_ms"] <= 3600000)


def retry_decide(p: dict, api: str, body: str, attempt: int, elapsed: int, failure: dict, random_: int) -> dict:
    def stop(reason):
        return {"retry": False, "delay_ms": 0, "reason": reason}
    if p["max_attempts"] <= 1:
        return stop("RETRIES_OFF")
    transient = failure["kind"] in ("transport", "timeout") or 500 <= failure.get("status", 0) <= 599
    if not transient:
        return stop("NOT_RETRYABLE")
    if not p["retry_without_idempotency_key"] and not retry_safe(api, body):
        return stop("NO_IDEMPOTENCY_KEY")
    if attempt >= p["max_attempts"]:
        return stop("ATTEMPTS_EXHAUSTED")
    b = min(p["max_backoff_ms"], p["initial_backoff_ms"] * 2 ** (attempt - 1))
    delay = b // 2 + random_ % (b - b // 2 + 1)
    if elapsed + delay >= p["deadline_ms"]:
        return stop("DEADLINE_REACHED")
    return {"retry": True, "delay_ms": delay, "reason": "RETRY"}


def retry_attempt_timeout(p: dict, elapsed: int):
    left = p["deadline_ms"] - elapsed
    t = min(left, p["attempt_timeout_ms"])
    return t if t > 0 else None


def sensitive_fields() -> list:
    src = (HERE.parent.parent / "crates/antom-core/src/events.rs").read_text("utf-8")
    block = src.split("pub const SENSITIVE_FIELDS: &[&str] = &[", 1)[1].split("];", 1)[0]
    names = re.findall(r'"([^"]+)"', block)
    assert len(names) > 30, names
    return names


def mask_json(value, names):
    if isinstance(value, dict):
        return {k: ("<masked>" if k in names else mask_json(v, names)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v, names) for v in value]
    return value


def mask_body_model(body: bytes) -> str:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return f"<{len(body)} bytes>"
    return json.dumps(mask_json(value, set(sensitive_fields())), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def retry_cases() -> list:
    cases = []
    pay = '{"paymentRequestId":"order-1","paymentAmount":{"currency":"USD","value":"1000"}}'
    on = retry_policy(max_attempts=4)

    def decide(cid, desc, policy, api, body, attempt, elapsed, failure, random_=0):
        inp = {"step": "decide", "policy": policy, "path": api, "body": body, "attempt": attempt,
               "elapsed_ms": elapsed, "failure": failure, "random": random_}
        cases.append(case("decide-" + cid, desc, inp, retry_decide(policy, api, body, attempt, elapsed, failure,
                                                                  random_)))

    T, TO = {"kind": "transport"}, {"kind": "timeout"}

    def st(n):
        return {"kind": "http_status", "status": n}

    decide("off", "the default policy makes one attempt", retry_policy(), "v1/payments/pay", pay, 1, 0, TO)
    for n in (500, 502, 503, 504, 599):
        decide(f"status-{n}", f"HTTP {n} is transient", on, "v1/payments/pay", pay, 1, 10, st(n), 3)
    for n in (200, 302, 400, 401, 404, 429, 600):
        decide(f"status-{n}", f"HTTP {n} does not change by resending", on, "v1/payments/pay", pay, 1, 10, st(n))
    decide("transport", "a transport error is retried", on, "v1/payments/pay", pay, 1, 10, T, 77)
    decide("timeout", "a timeout is retried", on, "v1/payments/pay", pay, 1, 30000, TO, 123)
    decide("no-key-field", "an API without an idempotency field is not retried", on, "payments.acceptDispute",
           '{"disputeId":"d-1"}', 1, 0, T)
    decide("key-missing", "the body lacks the API's idempotency field", on, "v1/payments/pay",
           '{"paymentAmount":{"currency":"USD","value":"1"}}', 1, 0, T)
    decide("key-blank", "a blank idempotency key is no key", on, "v1/payments/pay", '{"paymentRequestId":"  "}',
           1, 0, T)
    decide("key-not-string", "a numeric idempotency key is no key", on, "v1/payments/pay",
           '{"paymentRequestId":12}', 1, 0, T)
    decide("key-not-json", "a body that is not JSON carries no key", on, "v1/payments/pay", "paymentRequestId=1",
           1, 0, T)
    decide("key-nested-only", "the key counts only at the top level", on, "v1/payments/pay",
           '{"order":{"paymentRequestId":"order-1"}}', 1, 0, T)
    decide("unknown-api", "an API the catalogue does not know is not retried", on, "v1/payments/nope", pay, 1, 0, T)
    decide("override", "retry_without_idempotency_key overrides the key rule", retry_policy(
        max_attempts=4, retry_without_idempotency_key=True), "payments.acceptDispute", "{}", 1, 0, T, 5)
    decide("override-still-not-4xx", "the override does not make a 4xx transient", retry_policy(
        max_attempts=4, retry_without_idempotency_key=True), "payments.acceptDispute", "{}", 1, 0, st(400))
    decide("inquiry", "an inquiry only reads: retried without a key", on, "v1/payments/inquiryPayment",
           '{"paymentId":"p-1"}', 1, 0, TO, 9)
    decide("refund-key", "refund's idempotency field is refundRequestId", on, "v1/payments/refund",
           '{"refundRequestId":"r-1","paymentId":"p-1"}', 1, 0, T, 1)
    decide("refund-wrong-key", "paymentRequestId is not refund's idempotency field", on, "v1/payments/refund",
           '{"paymentRequestId":"order-1"}', 1, 0, T)
    decide("sandbox-path", "the sandbox path names the same API", on, "/ams/sandbox/api/v1/payments/pay", pay, 1,
           0, T, 2)
    decide("full-path", "the production path", on, "/ams/api/v1/payments/pay", pay, 1, 0, T, 2)
    decide("catalogue-name", "the catalogue name", on, "payments.capture", '{"captureRequestId":"c-1"}', 1, 0, T, 2)
    decide("exhausted", "the last allowed attempt failed", on, "v1/payments/pay", pay, 4, 100, T)
    decide("past-exhausted", "an attempt number past the policy's", on, "v1/payments/pay", pay, 9, 100, T)
    ten = retry_policy(max_attempts=10)
    big = 2 ** 53 - 1
    for attempt in range(1, 9):
        for r in (0, 1, 333, big):
            decide(f"backoff-{attempt}-r{r if r != big else 'max'}", f"backoff before retry {attempt} "
                   f"(random {r}): from [b/2, b] with b = min(5000, 500 * 2^{attempt - 1})", ten,
                   "v1/payments/pay", pay, attempt, 0, T, r)
    odd = retry_policy(max_attempts=5, initial_backoff_ms=3, max_backoff_ms=7)
    for attempt, r in ((1, 0), (1, 1), (1, 2), (1, 3), (2, 3), (3, 4), (3, 5)):
        decide(f"odd-{attempt}-r{r}", "odd backoffs: half rounds down, the range includes b", odd,
               "v1/payments/pay", pay, attempt, 0, T, r)
    decide("deadline-boundary-stop", "elapsed + delay reaching the deadline stops", retry_policy(
        max_attempts=4, initial_backoff_ms=1000, max_backoff_ms=1000, deadline_ms=10000), "v1/payments/pay", pay,
        1, 9000, T, 500)
    decide("deadline-boundary-retry", "elapsed + delay just under the deadline retries", retry_policy(
        max_attempts=4, initial_backoff_ms=1000, max_backoff_ms=1000, deadline_ms=10000), "v1/payments/pay", pay,
        1, 8999, T, 500)
    decide("deadline-passed", "after the deadline nothing is retried", on, "v1/payments/pay", pay, 1, 61000, TO)

    def timeout(cid, desc, policy, elapsed):
        cases.append(case("timeout-" + cid, desc, {"step": "attempt_timeout", "policy": policy,
                                                   "elapsed_ms": elapsed},
                          {"timeout_ms": retry_attempt_timeout(policy, elapsed)}))

    timeout("first", "the first attempt gets the attempt timeout", on, 0)
    timeout("left", "a later attempt gets what is left of the deadline", on, 45000)
    timeout("left-1", "one ms left", on, 59999)
    timeout("at-deadline", "at the deadline no attempt starts", on, 60000)
    timeout("past-deadline", "past the deadline no attempt starts", on, 90000)
    timeout("short-deadline", "a deadline shorter than the attempt timeout", retry_policy(deadline_ms=5000), 0)

    def check(cid, desc, policy):
        cases.append(case("check-" + cid, desc, {"step": "check", "policy": policy},
                          {"valid": True} if retry_check(policy) else {"error": "INVALID_INPUT"}))

    check("default", "the default policy is valid", retry_policy())
    check("ten", "10 attempts is the most", retry_policy(max_attempts=10))
    check("eleven", "11 attempts is too many", retry_policy(max_attempts=11))
    check("zero", "0 attempts", retry_policy(max_attempts=0))
    check("initial-zero", "a zero backoff", retry_policy(initial_backoff_ms=0))
    check("initial-over-max", "the first backoff above the cap", retry_policy(initial_backoff_ms=6000))
    check("cap-over-limit", "a backoff cap above 60 s", retry_policy(max_backoff_ms=60001))
    check("timeout-zero", "a zero attempt timeout", retry_policy(attempt_timeout_ms=0))
    check("timeout-over", "an attempt timeout above 10 minutes", retry_policy(attempt_timeout_ms=600001))
    check("deadline-zero", "a zero deadline", retry_policy(deadline_ms=0))
    check("deadline-over", "a deadline above an hour", retry_policy(deadline_ms=3600001))
    check("deadline-hour", "an hour's deadline", retry_policy(deadline_ms=3600000))

    def span(cid, desc, api, name):
        assert (retry_api(api) or {}).get("name", "unknown") == name, (api, name)
        cases.append(case("span-" + cid, desc, {"step": "span_name", "path": api}, {"span_name": "antom " + name}))

    span("pay", "a production path", "/ams/api/v1/payments/pay", "payments.pay")
    span("sandbox", "a sandbox path", "/ams/sandbox/api/v1/payments/refund", "payments.refund")
    span("api", "an API path", "v1/payments/inquiryPayment", "payments.inquiryPayment")
    span("file-api", "a path outside /ams/api/v1", "/ams/api/open/openapiv2_file/v1/business/attachment/submitAttachment",
         "business.attachment.submitAttachment")
    span("unknown", "an unknown path is never the span name", "/ams/api/v1/payments/nope?x=1", "unknown")
    return cases


def mask_body_cases() -> list:
    cases = []

    def m(cid, desc, body: bytes):
        inp = {"body": body.decode("utf-8")} if body.isascii() or _utf8(body) else {"body_base64": b64(body)}
        cases.append(case(cid, desc, inp, {"masked": mask_body_model(body)}))

    m("card", "a card's number, CVV, expiry and holder are masked at any depth",
      b'{"paymentMethod":{"paymentMethodType":"CARD","paymentMethodMetaData":{"cardNo":"4111111111111111",'
      b'"cvv":"737","expiryYear":"30","expiryMonth":"03","cardholderName":{"firstName":"Ann","lastName":"Lee"}}},'
      b'"paymentRequestId":"order-1"}')
    m("buyer", "emails, phones and names of the buyer",
      b'{"order":{"buyer":{"buyerEmail":"a@example.com","buyerPhoneNo":"+1 555 0100","buyerName":'
      b'{"fullName":"Ann Lee"}},"orderAmount":{"currency":"USD","value":"1000"}}}')
    m("list", "fields inside lists", b'{"goods":[{"goodsName":"Tea"},{"email":"b@example.com"}],"n":[1,2]}')
    m("whole-list", "a list under a sensitive name is masked whole", b'{"guestNames":["Ann","Bo"],"ccEmails":[]}')
    m("null-value", "a null under a sensitive name is masked too", b'{"cardNo":null}')
    m("accounts", "account numbers", b'{"accountNo":"DE89370400440532013000","bankAccountNo":"1","payerAccountNo":"2"}')
    m("tokens", "tokens and credentials", b'{"accessToken":"t1","refreshToken":"t2","cardToken":"t3","paymentToken":"t4"}')
    m("no-sensitive", "nothing sensitive: the same JSON, keys sorted",
      b'{"z":1,"a":{"y":true,"b":null},"paymentRequestId":"order-1"}')
    m("non-ascii", "non-ASCII text is kept", '{"goodsName":"\u8336","email":"\u00e9@example.com"}'.encode("utf-8"))
    m("top-array", "a top-level list", b'[{"phoneNo":"1"},{"x":"y"}]')
    m("scalar", "a top-level string", b'"4111111111111111"')
    m("not-json", "a body that is not JSON: its length only", b"cardNo=4111111111111111")
    m("empty", "an empty body", b"")
    m("empty-object", "an empty object", b"{}")
    m("case-sensitive", "field names are matched exactly", b'{"CardNo":"4111","EMAIL":"x"}')
    return cases


def _utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------------------------------
# Files, schema, manifest
# ---------------------------------------------------------------------------------------

FILES = [
    ("keys.json", "parse_key", "Every accepted and every rejected key form (PrivateKey::parse, "
     "PublicKey::parse, from_der).", keys_cases),
    ("content.json", "content_to_sign", "The exact string that is signed: METHOD SP path LF "
     "client_id '.' time '.' body.", content_cases),
    ("sign.json", "sign", "PrivateKey::sign(content): RSASSA-PKCS1-v1_5 SHA-256, standard base64, "
     "then '+', '/', '=' percent-encoded.", sign_cases),
    ("verify.json", "verify", "PublicKey::verify(content, signature): percent-decoding only, strict "
     "base64, length must equal the modulus size.", verify_cases),
    ("signature_header.json", "signature_header", "Parsing and formatting of the Signature header.",
     signature_header_cases),
    ("prepare.json", "prepare", "Client::prepare: gateway, path resolution, sandbox rewriting, headers, "
     "signature.", prepare_cases),
    ("response.json", "verify_response", "Response acceptance: signed, unsigned gateway errors, "
     "half-signed, mismatches.", response_cases),
    ("notification.json", "verify_notification", "Notification (webhook) verification.", notification_cases),
    ("amounts.json", "amount", "to_minor_units / from_minor_units with the ISO 4217 table.", amount_cases),
    ("endpoints.json", "endpoint", "The endpoint catalogue, looked up by name.", endpoint_cases),
    ("hostile.json", "hostile", "Hostile input for every operation: each case names its own operation and the "
     "substrings (key material, secrets, bodies, injected text) its error message must not contain.",
     hostile_cases),
    ("external_signer.json", "prepare_external", "External signers (KMS, HSM): Client::prepare_external gives "
     "the message and its SHA-256 digest, Client::finish_external takes the raw signature (length-checked, "
     "verified when the merchant public key is configured) and gives prepare()'s request, or SIGNING_FAILED.",
     external_cases),
    ("outcome_response.json", "verify_response", "Outcome of verified responses: result, paymentStatus / "
     "refundStatus and the API combined into SUCCEEDED / FAILED / PENDING / UNKNOWN; unverified is UNKNOWN.",
     outcome_response_cases),
    ("outcome_notification.json", "verify_notification", "Outcome of verified notifications: notifyType, "
     "result and refundStatus combined into SUCCEEDED / FAILED / PENDING / UNKNOWN.", outcome_notification_cases),
    ("key_ring.json", "verify_notification", "Antom key rings (config antom_keys): the Signature header's "
     "keyVersion selects the key tagged with it, else the untagged keys in order; no keyVersion tries every key; "
     "at most 4 keys; a ring holding the merchant's own public key is WRONG_KEY.", key_ring_cases),
    ("key_ring_response.json", "verify_response", "The key ring rule for responses.", key_ring_response_cases),
    ("retry.json", "retry", "send's retry policy (RetryPolicy, decide_retry, attempt_timeout_ms, span_name): only "
     "transport errors, timeouts and 5xx, only idempotent requests (the catalogue's idempotency field present, or "
     "an inquiry), equal-jitter capped exponential backoff, one deadline over every attempt.", retry_cases),
    ("mask_body.json", "mask_body", "mask_body: the values of sensitive fields (card data, account numbers, names, "
     "emails, phones, tokens) replaced by <masked> at any depth; keys sorted; not JSON -> its length.",
     mask_body_cases),
    ("fingerprints.json", "fingerprint", "PublicKey fingerprints: 'sha256:' and the first 16 hex digits of "
     "SHA-256 over the SubjectPublicKeyInfo DER (cross-checked with the openssl CLI).", fingerprint_cases),
]


def schema() -> dict:
    text = {"oneOf": [
        {"type": "string"},
        {"type": "object", "required": ["prefix", "repeat", "count", "suffix"], "additionalProperties": False,
         "properties": {"prefix": {"type": "string"}, "repeat": {"type": "string"},
                        "count": {"type": "integer", "minimum": 0}, "suffix": {"type": "string"}}},
    ]}
    common = {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "description": {"type": "string", "minLength": 1},
        "input": {"type": "object"},
        "expect": {"$ref": "#/$defs/expect"},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "antom-core conformance vector file",
        "description": "Shape of every tests/vectors/*.json vector file except manifest.json and schema.json. "
                       "Generated by generate.py. In hostile.json (operation 'hostile') every case names its "
                       "own operation and lists the substrings its error text must not contain.",
        "type": "object",
        "required": ["operation", "version", "description", "cases"],
        "additionalProperties": False,
        "properties": {
            "operation": {"enum": list(dict.fromkeys(op for _, op, _, _ in FILES))},
            "version": {"const": FORMAT_VERSION},
            "description": {"type": "string"},
            "cases": {"type": "array", "minItems": 1},
        },
        "if": {"properties": {"operation": {"const": "hostile"}}},
        "then": {"properties": {"cases": {"items": {"$ref": "#/$defs/hostile_case"}}}},
        "else": {"properties": {"cases": {"items": {"$ref": "#/$defs/case"}}}},
        "$defs": {
            "text": text,
            "case": {
                "type": "object",
                "required": ["id", "description", "input", "expect"],
                "additionalProperties": False,
                "properties": common,
            },
            "hostile_case": {
                "type": "object",
                "required": ["id", "operation", "description", "input", "expect", "forbidden"],
                "additionalProperties": False,
                "properties": dict(common, **{
                    "operation": {"enum": list(HOSTILE_OPERATIONS)},
                    "forbidden": {"type": "array", "items": {"type": "string", "minLength": 6}},
                }),
            },
            "expect": {
                "type": "object",
                "oneOf": [
                    {"required": ["error"], "additionalProperties": False,
                     "properties": {"error": {"enum": ERROR_CODES}}},
                    {"not": {"required": ["error"]}, "minProperties": 1},
                ],
            },
        },
    }


def dumps(obj) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def generate() -> dict:
    """-> {filename: bytes}, in a fixed order."""
    out = {}
    counts = {}
    for fname, op, desc, fn in FILES:
        cases = fn()
        ids = [c["id"] for c in cases]
        dup = {i for i in ids if ids.count(i) > 1}
        assert not dup, f"{fname}: duplicate ids {sorted(dup)}"
        out[fname] = dumps({"operation": op, "version": FORMAT_VERSION, "description": desc, "cases": cases})
        counts[fname] = len(cases)
    hostile_ops = {}
    for c in json.loads(out["hostile.json"])["cases"]:
        hostile_ops[c["operation"]] = hostile_ops.get(c["operation"], 0) + 1
    out["manifest.json"] = dumps({"version": FORMAT_VERSION, "files": counts, "total": sum(counts.values()),
                                  "hostile_operations": {op: hostile_ops[op] for op in HOSTILE_OPERATIONS
                                                         if op in hostile_ops}})
    out["schema.json"] = dumps(schema())
    return out


# ---------------------------------------------------------------------------------------
# Independent cross-check with the openssl CLI
# ---------------------------------------------------------------------------------------

def _openssl_verify(tmp: Path, pub_pem: bytes, content: bytes, sig: bytes) -> bool:
    (tmp / "pub.pem").write_bytes(pub_pem)
    (tmp / "content.bin").write_bytes(content)
    (tmp / "sig.bin").write_bytes(sig)
    r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", str(tmp / "pub.pem"), "-signature",
                        str(tmp / "sig.bin"), str(tmp / "content.bin")], capture_output=True)
    return r.returncode == 0 and b"Verified OK" in r.stdout


def _openssl_sign(tmp: Path, key_der_b64_text: str, content: bytes) -> bytes:
    der = base64.b64decode(strip_key_ws(key_der_b64_text))
    (tmp / "key.der").write_bytes(der)
    (tmp / "content.bin").write_bytes(content)
    r = subprocess.run(["openssl", "dgst", "-sha256", "-keyform", "DER", "-sign", str(tmp / "key.der"),
                        str(tmp / "content.bin")], capture_output=True, check=True)
    return r.stdout


def _pub_pem_of_file(rel: str) -> bytes:
    text = read_text(rel)
    der = base64.b64decode(strip_key_ws(text))
    if "private" in rel:
        k = serialization.load_der_private_key(der, None)
        der = spki_der(k.public_key())
    return pem("PUBLIC KEY", der).encode()


def _unquote_sig(value: str) -> bytes:
    # independent of pct_decode/b64_strict on purpose
    import urllib.parse
    return base64.b64decode(urllib.parse.unquote_to_bytes(value))


def openssl_crosscheck(files: dict) -> list:
    """Re-verify emitted signatures with `openssl dgst`. Returns a list of problems."""
    problems = []
    load = lambda f: json.loads(files[f].decode("utf-8"))
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        n = 0
        for c in load("sign.json")["cases"]:
            content = materialize(c["input"]["content"]).encode("utf-8")
            sig = base64.b64decode(c["expect"]["signature_base64"])
            if pct_encode_b64(c["expect"]["signature_base64"]) != c["expect"]["signature"]:
                problems.append(f"sign.json {c['id']}: signature is not the encoded signature_base64")
            if not _openssl_verify(tmp, _pub_pem_of_file(c["input"]["private_key_file"]), content, sig):
                problems.append(f"sign.json {c['id']}: openssl dgst -verify failed")
            if _openssl_sign(tmp, read_text(c["input"]["private_key_file"]), content) != sig:
                problems.append(f"sign.json {c['id']}: openssl dgst -sign gives other bytes")
            n += 1
        hostile = load("hostile.json")["cases"]
        of = lambda op: [("hostile.json", c) for c in hostile if c["operation"] == op]
        for fname, c in [("verify.json", c) for c in load("verify.json")["cases"]] + of("verify"):
            exp = c["expect"]
            if "valid" not in exp:
                continue
            content = materialize(c["input"]["content"]).encode("utf-8")
            ok = _openssl_verify(tmp, _pub_pem_of_file(c["input"]["public_key_file"]), content,
                                 _unquote_sig(materialize(c["input"]["signature"]).replace("+", "%2B")))
            if ok != exp["valid"]:
                problems.append(f"{fname} {c['id']}: openssl says {ok}")
            n += 1
        merchant_pub = _pub_pem_of_file(MERCHANT_PRIV)
        for fname, c in [("prepare.json", c) for c in load("prepare.json")["cases"]] + of("prepare"):
            exp = c["expect"]
            if "error" in exp or "api_key" in c["input"]["config"]:
                continue  # API-key requests carry no signature
            sig_header = dict(exp["headers"])["Signature"]
            sig = _unquote_sig(sig_header.split("signature=", 1)[1])
            key_file = c["input"]["config"]["private_key_file"]
            pub = merchant_pub if key_file == MERCHANT_PRIV else _pub_pem_of_file(key_file)
            if not _openssl_verify(tmp, pub, exp["content"].encode("utf-8"), sig):
                problems.append(f"{fname} {c['id']}: openssl dgst -verify failed")
            n += 1
        antom_pub = _pub_pem_of_file(ANTOM_PUB)
        for fname, op, time_header in (("response.json", "verify_response", "response-time"),
                                       ("notification.json", "verify_notification", "request-time")):
            for label, c in [(fname, c) for c in load(fname)["cases"]] + of(op):
                exp = c["expect"]
                if "error" in exp or exp.get("verified") is False:
                    continue
                inp = c["input"]
                hs = {k.lower(): materialize(v).strip(" \t") for k, v in inp["headers"]}
                sig = _unquote_sig(hs["signature"].split("signature=", 1)[1].replace("+", "%2B"))
                body = (base64.b64decode(inp["body_base64"]) if "body_base64" in inp
                        else materialize(inp["body"]).encode())
                path = inp["path"]
                if op == "verify_response":
                    env = inp["config"].get("environment")
                    sbx = env == "sandbox" if env else inp["config"]["client_id"].startswith("SANDBOX_")
                    path = resolve_path(path, sbx)
                content = f"POST {path}\n{hs['client-id']}.{hs[time_header]}.".encode() + body
                if not _openssl_verify(tmp, antom_pub, content, sig):
                    problems.append(f"{label} {c['id']}: openssl dgst -verify failed")
                n += 1
        for c in load("external_signer.json")["cases"]:
            exp, inp = c["expect"], c["input"]
            pub_rel = inp["config"].get("merchant_public_key_file")
            if "error" in exp or pub_rel is None:
                continue
            sig = base64.b64decode(inp["signature_base64"])
            # `openssl dgst` reads only the modulus size of a signature file: check the length here.
            ok = (len(sig) == public_key(pub_rel).key_size // 8
                  and _openssl_verify(tmp, _pub_pem_of_file(pub_rel), exp["message"].encode("utf-8"), sig))
            if ok != ("error" not in exp["finish"]):
                problems.append(f"external_signer.json {c['id']}: openssl says {ok}")
            if "error" not in exp["finish"]:
                hv = dict(exp["finish"]["headers"])["Signature"]
                if _unquote_sig(hv.split("signature=", 1)[1]) != sig:
                    problems.append(f"external_signer.json {c['id']}: the Signature header is not the signature")
            n += 1
    print(f"openssl cross-check: {n} signatures re-verified, {len(problems)} problem(s)", file=sys.stderr)
    return problems


# ---------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the files on disk; exit 1 if any differ")
    ap.add_argument("--crosscheck", action="store_true", help="only re-verify the signatures with the openssl CLI")
    ap.add_argument("--find-nonces", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.find_nonces:
        print("no '+':", find_nonce(lambda s: "+" not in s), " no '/':", find_nonce(lambda s: "/" not in s),
              " neither:", find_nonce(lambda s: "+" not in s and "/" not in s))
        return 0

    files = generate()

    if args.crosscheck:
        if shutil.which("openssl") is None:
            print("openssl not found on PATH", file=sys.stderr)
            return 2
        problems = openssl_crosscheck(files)
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0

    if args.check:
        differ = []
        for name, data in files.items():
            path = HERE / name
            if not path.exists() or path.read_bytes() != data:
                differ.append(name)
        generated = set(files)
        stray = sorted(p.name for p in HERE.glob("*.json") if p.name not in generated)
        for name in differ:
            print(f"differs: tests/vectors/{name}")
        for name in stray:
            print(f"not generated (stale?): tests/vectors/{name}")
        problems = []
        if shutil.which("openssl") is not None:
            problems = openssl_crosscheck(files)
            for p in problems:
                print(p)
        else:
            print("warning: openssl not on PATH, signature cross-check skipped", file=sys.stderr)
        if differ or stray or problems:
            print("run: python tests/vectors/generate.py", file=sys.stderr)
            return 1
        return 0

    for name, data in files.items():
        path = HERE / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    manifest = json.loads(files["manifest.json"])
    for name, n in manifest["files"].items():
        print(f"{name:24} {n:5} cases")
    print(f"{'total':24} {manifest['total']:5} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
