"""Every header container a Python web stack hands over, through the installed wheel: the same
verdicts as a plain list of pairs (the core's rules: signed headers found case-insensitively,
a duplicate signed header refused, a forged signature refused). Notifications are signed
here with `cryptography` and the throw-away Antom test key, never by antom-core."""

from __future__ import annotations

import email.message
import http.client
import io
import json
from typing import Any, Callable, Dict, List, Tuple

import pytest
from django.conf import settings as django_settings
from starlette.datastructures import Headers as StarletteHeaders
from werkzeug.datastructures import EnvironHeaders, Headers as WerkzeugHeaders
from wsgiref.headers import Headers as WsgirefHeaders

import antom_core as ac

from support import CLIENT_ID, antom_sign, key_text

if not django_settings.configured:
    django_settings.configure()
from django.http.request import HttpHeaders  # noqa: E402  (needs settings)

PATH = "/antom/notify"
TIME = "1716192000000"
BODY = json.dumps(
    {
        "notifyType": "PAYMENT_RESULT",
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "paymentRequestId": "pay_shape_1",
        "paymentId": "2024052011000001",
    },
    separators=(",", ":"),
).encode()

Pairs = List[Tuple[str, str]]


def signed_pairs(body: bytes = BODY) -> Pairs:
    """What a server receives: Antom's three signed headers among ordinary ones, in mixed case."""
    return [
        ("Host", "merchant.example"),
        ("Content-Type", "application/json; charset=UTF-8"),
        ("Content-Length", str(len(body))),
        ("Client-Id", CLIENT_ID),
        ("Request-Time", TIME),
        ("Signature", antom_sign(PATH, CLIENT_ID, TIME, body)),
        ("User-Agent", "Antom-Notify/1.0"),
        ("X-Forwarded-For", "203.0.113.7"),
    ]


def forged_pairs() -> Pairs:
    """A real signature of another body, presented with BODY."""
    other = BODY.replace(b"pay_shape_1", b"pay_shape_2")
    return [(n, v) for n, v in signed_pairs(other) if n != "Content-Length"]


def duplicated_pairs() -> Pairs:
    """The signature header twice (a second, different value appended by a proxy)."""
    pairs = signed_pairs()
    return pairs + [("signature", "algorithm=RSA256,keyVersion=1,signature=AAAA")]


def as_dict(pairs: Pairs) -> Any:
    return {n.lower(): v for n, v in pairs}


def as_http_message(pairs: Pairs) -> Any:
    raw = "".join(f"{n}: {v}\r\n" for n, v in pairs).encode("latin-1") + b"\r\n"
    return http.client.parse_headers(io.BytesIO(raw))


def as_email_message(pairs: Pairs) -> Any:
    message = email.message.Message()
    for n, v in pairs:
        message[n] = v
    return message


def as_asgi(pairs: Pairs) -> Any:
    return [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in pairs]


def wsgi_environ(pairs: Pairs) -> Dict[str, Any]:
    environ: Dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": PATH,
        "SERVER_NAME": "merchant.example",
        "SERVER_PORT": "443",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(BODY),
        "wsgi.errors": io.StringIO(),
    }
    for n, v in pairs:
        key = n.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = v
        else:
            environ["HTTP_" + key] = v
    return environ


def as_starlette(pairs: Pairs) -> Any:
    return StarletteHeaders(raw=as_asgi(pairs))


def as_django(pairs: Pairs) -> Any:
    return HttpHeaders(wsgi_environ(pairs))


def as_werkzeug(pairs: Pairs) -> Any:
    headers = WerkzeugHeaders()
    for n, v in pairs:
        headers.add(n, v)
    return headers


def as_werkzeug_environ(pairs: Pairs) -> Any:
    return EnvironHeaders(wsgi_environ(pairs))


def as_wsgiref(pairs: Pairs) -> Any:
    return WsgirefHeaders(list(pairs))


SHAPES: Dict[str, Callable[[Pairs], Any]] = {
    "list of str pairs": list,
    "dict": as_dict,
    "http.client.HTTPMessage": as_http_message,
    "email.message.Message": as_email_message,
    "ASGI scope['headers'] (byte pairs)": as_asgi,
    "WSGI environ": wsgi_environ,
    "Starlette/FastAPI Headers": as_starlette,
    "Django HttpHeaders": as_django,
    "Werkzeug/Flask Headers": as_werkzeug,
    "Werkzeug/Flask EnvironHeaders": as_werkzeug_environ,
    "wsgiref Headers": as_wsgiref,
}
# Containers that keep a repeated header (a dict, a WSGI environ and the mappings built on one
# keep only the last value, so a duplicate never reaches them).
KEEPS_DUPLICATES = [
    "list of str pairs",
    "http.client.HTTPMessage",
    "email.message.Message",
    "ASGI scope['headers'] (byte pairs)",
    "Starlette/FastAPI Headers",
    "Werkzeug/Flask Headers",
    "wsgiref Headers",
]


@pytest.fixture(scope="module")
def client() -> ac.Client:
    return ac.Client(
        client_id=CLIENT_ID, antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64")
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_verifies_a_signed_notification(client: ac.Client, shape: str) -> None:
    headers = SHAPES[shape](signed_pairs())
    n = client.verify_notification(PATH, headers, BODY)
    assert n.notify_type == "PAYMENT_RESULT"
    assert n.request_time == TIME
    assert n.client_id == CLIENT_ID
    assert n.body == BODY
    assert n.dedup_key == "PAYMENT_RESULT:paymentId=2024052011000001"


@pytest.mark.parametrize("shape", SHAPES)
def test_refuses_a_forged_notification(client: ac.Client, shape: str) -> None:
    with pytest.raises(ac.SignatureMismatchError):
        client.verify_notification(PATH, SHAPES[shape](forged_pairs()), BODY)


@pytest.mark.parametrize("shape", SHAPES)
def test_missing_signature_header(client: ac.Client, shape: str) -> None:
    pairs = [(n, v) for n, v in signed_pairs() if n != "Signature"]
    with pytest.raises(ac.MissingHeaderError):
        client.verify_notification(PATH, SHAPES[shape](pairs), BODY)


@pytest.mark.parametrize("shape", KEEPS_DUPLICATES)
def test_refuses_a_duplicated_signature_header(client: ac.Client, shape: str) -> None:
    with pytest.raises(ac.InvalidInputError, match="more than once"):
        client.verify_notification(PATH, SHAPES[shape](duplicated_pairs()), BODY)


def test_names_are_matched_after_trimming_like_the_core(client: ac.Client) -> None:
    pairs = [(f" {n}\t" if n == "Signature" else n.upper(), v) for n, v in signed_pairs()]
    assert client.verify_notification(PATH, pairs, BODY).notify_type == "PAYMENT_RESULT"


def test_bytes_and_str_mixed(client: ac.Client) -> None:
    pairs = [(n.encode(), v) if i % 2 else (n, v.encode()) for i, (n, v) in enumerate(signed_pairs())]
    assert client.verify_notification(PATH, pairs, BODY).notify_type == "PAYMENT_RESULT"


def test_headers_the_core_does_not_read_are_not_converted(client: ac.Client) -> None:
    # A value of an unrelated header that is neither str nor bytes is never touched.
    headers: Dict[str, Any] = dict(as_dict(signed_pairs()))
    headers["x-unrelated"] = object()
    assert client.verify_notification(PATH, headers, BODY).notify_type == "PAYMENT_RESULT"
    headers["signature"] = 12345
    with pytest.raises(TypeError):
        client.verify_notification(PATH, headers, BODY)


def test_a_non_header_value_is_refused(client: ac.Client) -> None:
    with pytest.raises(TypeError):
        client.verify_notification(PATH, "signature: x", BODY)  # type: ignore[arg-type]


def test_the_core_exports_the_names_it_reads() -> None:
    from antom_core._ffi import antom_core as ffi

    assert sorted(ffi.notification_header_names()) == ["client-id", "request-time", "signature"]
    assert sorted(ffi.response_header_names()) == ["client-id", "response-time", "signature"]


@pytest.mark.parametrize("shape", ["list of str pairs", "dict", "http.client.HTTPMessage"])
def test_response_headers_in_client_shapes(shape: str) -> None:
    # urllib / http.client give an HTTPMessage; requests and httpx give mappings.
    path = "/ams/sandbox/api/v1/payments/inquiryPayment"
    body = b'{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}'
    time = "2024-05-20T08:00:00Z"
    pairs = [
        ("Content-Type", "application/json"),
        ("Client-Id", CLIENT_ID),
        ("Response-Time", time),
        ("Signature", antom_sign(path, CLIENT_ID, time, body)),
    ]
    client = ac.Client(
        client_id=CLIENT_ID, antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64")
    )
    response = client.verify_response(path, SHAPES[shape](pairs), body)
    assert response.verified and response.is_success and response.body == body
    with pytest.raises(ac.SignatureMismatchError):
        client.verify_response(path, SHAPES[shape](pairs), body.replace(b"success", b"SUCCESS"))


def test_a_plain_mapping_has_only_the_signed_headers_looked_up() -> None:
    """A Mapping with the ABC's own items() (Django's HttpHeaders is one) is read key by key:
    only the headers the core reads are fetched, with the same verdicts as the pairs."""
    from collections.abc import Mapping

    class Recording(Mapping):  # type: ignore[type-arg]
        def __init__(self, pairs: Pairs) -> None:
            self._pairs = dict(pairs)
            self.fetched: List[str] = []

        def __getitem__(self, key: str) -> str:
            self.fetched.append(key)
            return self._pairs[key]

        def __iter__(self) -> Any:
            return iter(self._pairs)

        def __len__(self) -> int:
            return len(self._pairs)

    client = ac.Client(client_id=CLIENT_ID, antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"))
    pairs = [(" Signature" if n == "Signature" else n, v) for n, v in signed_pairs()]  # trimmed by the core
    headers = Recording(pairs)
    assert client.verify_notification(PATH, headers, BODY).client_id == CLIENT_ID
    assert sorted(headers.fetched) == [" Signature", "Client-Id", "Request-Time"]
    with pytest.raises(ac.SignatureMismatchError):
        client.verify_notification(PATH, Recording(forged_pairs()), BODY)
