"""The Python surface: where it is imported from, errors, redaction, conversions."""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import pytest

import antom_core as ac
from antom_core._ffi import antom_core as ffi
from support import CLIENT_ID, REPO, antom_sign, key_text

MERCHANT_PRIVATE = key_text("TEST-ONLY-merchant.private.pkcs8.b64")
ANTOM_PUBLIC = key_text("TEST-ONLY-antom.public.spki.b64")
API_KEY = "isak_TEST_identity_s3cr3tPart"

CODES = [
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


def test_the_package_is_the_installed_wheel_not_the_source_tree() -> None:
    package = Path(ac.__file__).resolve()
    assert REPO / "python" not in package.parents, package
    assert "site-packages" in package.parts
    assert (package.parent / "py.typed").is_file()
    assert (package.parent / "_ffi" / "antom_core.py").is_file()
    assert sys.prefix != sys.base_prefix, "tests must run in a virtualenv"


# --- errors -----------------------------------------------------------------------------


def test_every_error_code_has_a_subclass_with_that_code() -> None:
    classes = {cls.code: cls for cls in ac.AntomError.__subclasses__()}
    assert sorted(classes) == sorted(CODES)
    for code, cls in classes.items():
        assert issubclass(cls, ac.AntomError)
        assert getattr(ac, cls.__name__) is cls
        assert cls.__name__.endswith("Error")
        assert code.replace("_", "").lower() + "error" == cls.__name__.lower()


def test_every_native_error_variant_maps_to_its_class() -> None:
    variants = [
        name
        for name, value in vars(ffi.AntomError).items()
        if isinstance(value, type) and issubclass(value, ffi.AntomError)
    ]
    assert len(variants) == len(CODES)
    for name in variants:
        error = ac._errors._translate(getattr(ffi.AntomError, name)("X: y"))
        assert type(error) is not ac.AntomError, name
        assert type(error).__name__ == name + "Error"


def _raises(code: str, call, *args):  # type: ignore[no-untyped-def]
    with pytest.raises(ac.AntomError) as raised:
        call(*args)
    error = raised.value
    assert error.code == code
    assert type(error).code == code
    assert str(error).startswith(code + ": ") and len(str(error)) > len(code) + 10
    assert error.message == str(error)
    assert repr(error).startswith(type(error).__name__ + "(")
    # Stays a normal Python exception: no chained native traceback, picklable for logging.
    assert error.__cause__ is None and error.__suppress_context__
    return error


def test_error_codes_surface_as_typed_exceptions(client: ac.Client) -> None:
    path = "/ams/sandbox/api/v1/payments/pay"
    body = b'{"result":{"resultStatus":"S"}}'
    signed = [("client-id", CLIENT_ID), ("response-time", "1"), ("signature", antom_sign(path, CLIENT_ID, "1", body))]

    assert isinstance(_raises("INVALID_KEY", ac.PublicKey, "not a key"), ac.InvalidKeyError)
    _raises("INVALID_KEY", ac.PrivateKey, ANTOM_PUBLIC)
    _raises("INVALID_INPUT", client.prepare, "v1/payments/pay", b"[1, 2]")
    _raises("INVALID_INPUT", client.prepare, "https://evil.example/x", b"{}")
    _raises("MALFORMED_SIGNATURE", ac.PublicKey(ANTOM_PUBLIC).verify, "x", "!!")
    _raises("UNSUPPORTED_ALGORITHM", ac.parse_signature_header, "algorithm=RSA512,signature=abc")
    _raises("SIGNATURE_MISMATCH", client.verify_response, path, signed, body.replace(b"S", b"F"))
    _raises("MISSING_HEADER", client.verify_notification, "/notify", {"request-time": "1"}, b"{}")
    _raises("CLIENT_ID_MISMATCH", client.verify_response, path, [("client-id", "OTHER"), *signed[1:]], body)
    _raises("UNSIGNED_RESPONSE", client.verify_response, path, {}, body)
    _raises("INVALID_AMOUNT", ac.to_minor_units, "10.505", "USD")
    _raises("UNSUPPORTED_CURRENCY", ac.from_minor_units, "1", "usd")
    _raises("INVALID_INPUT", lambda: ac.Client(client_id=CLIENT_ID, private_key=MERCHANT_PRIVATE,
                                               antom_public_key=ANTOM_PUBLIC, region="mars"))
    assert client.verify_response(path, signed, body).is_success


def test_misuse_of_the_python_api_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC,
                  private_key=MERCHANT_PRIVATE, api_key=API_KEY)
    with pytest.raises(TypeError):
        ac.Client(CLIENT_ID, MERCHANT_PRIVATE, ANTOM_PUBLIC)  # type: ignore[misc]
    with pytest.raises(TypeError):
        ac.PrivateKey(MERCHANT_PRIVATE.encode())  # type: ignore[arg-type]


# --- secrets never printed ----------------------------------------------------------------


def _fragments(secret: str) -> list:  # type: ignore[type-arg]
    clean = "".join(secret.split())
    return [clean[i : i + 12] for i in range(0, len(clean) - 12, 6)]


def test_repr_never_shows_key_material() -> None:
    private = ac.PrivateKey(MERCHANT_PRIVATE)
    client = ac.Client(client_id=CLIENT_ID, private_key=private, antom_public_key=ANTOM_PUBLIC)
    api_client = ac.Client(client_id=CLIENT_ID, api_key=API_KEY, antom_public_key=ANTOM_PUBLIC)
    request = api_client.prepare("v1/payments/pay", b"{}", 1)
    shown = " ".join(
        [repr(private), str(private), repr(client), str(client), repr(api_client),
         repr(request), str(request), repr(ac.PublicKey(ANTOM_PUBLIC))]
    )
    assert "redacted" in repr(private) and "2048" in repr(private)
    assert CLIENT_ID in repr(client)
    for fragment in _fragments(MERCHANT_PRIVATE):
        assert fragment not in shown
    assert "s3cr3t" not in shown
    assert ("Authorization", f"Bearer {API_KEY}") in request.headers  # sent, never printed


def test_keys_and_clients_cannot_be_pickled(client: ac.Client) -> None:
    for value in (ac.PrivateKey(MERCHANT_PRIVATE), client):
        with pytest.raises(TypeError):
            pickle.dumps(value)


def test_key_errors_do_not_echo_the_input() -> None:
    broken = MERCHANT_PRIVATE.strip()[:-40] + "A" * 40
    with pytest.raises(ac.InvalidKeyError) as raised:
        ac.PrivateKey(broken)
    for fragment in _fragments(broken):
        assert fragment not in str(raised.value)


# --- conversions ---------------------------------------------------------------------------


def test_prepare_defaults_request_time_to_now_in_milliseconds(client: ac.Client) -> None:
    before = time.time_ns() // 1_000_000
    request = client.prepare("v1/payments/inquiryPayment", '{"paymentRequestId":"1"}')
    after = time.time_ns() // 1_000_000
    headers = dict(request.headers)
    assert before <= int(headers["Request-Time"]) <= after
    assert request.body == b'{"paymentRequestId":"1"}'
    assert request.url == "https://open-sea-global.alipay.com" + request.path
    assert request.method == "POST"


def test_bodies_and_headers_accept_the_common_shapes(client: ac.Client) -> None:
    path = "/ams/sandbox/api/v1/payments/pay"
    body = '{"result":{"resultStatus":"S","resultCode":"SUCCESS"}}'
    pairs = [("Client-Id", CLIENT_ID), ("Response-Time", "7"),
             ("Signature", antom_sign(path, CLIENT_ID, "7", body.encode()))]
    shapes = (lambda: pairs, lambda: dict(pairs), lambda: iter(pairs),
              lambda: [(n.encode(), v.encode()) for n, v in pairs])
    for headers in shapes:
        for raw in (body, body.encode(), bytearray(body.encode()), memoryview(body.encode())):
            response = client.verify_response(path, headers(), raw)
            assert response.verified and response.is_success
            assert response.next_action is ac.NextAction.DONE
            assert response.result_status is ac.ResultStatus.SUCCESS == "S"
            assert response.json()["result"]["resultCode"] == "SUCCESS"
    with pytest.raises(TypeError):
        client.verify_response(path, pairs, 42)  # type: ignore[arg-type]


def test_client_options(client: ac.Client) -> None:
    assert client.client_id == CLIENT_ID
    assert client.environment is ac.Environment.SANDBOX
    assert not client.uses_api_key
    assert client.antom_public_key == ac.PublicKey(ANTOM_PUBLIC)
    live = ac.Client(client_id="5X00000000000000", private_key=MERCHANT_PRIVATE,
                     antom_public_key=ac.PublicKey(ANTOM_PUBLIC), region=ac.Region.EUROPE,
                     key_version=3, agent_token="agent-1")
    assert live.environment == "production"
    assert live.gateway_url == "https://open-de-global.alipay.com"
    request = live.prepare(ac.endpoint("payments.pay").path, b"{}", 5)  # type: ignore[union-attr]
    assert request.path == "/ams/api/v1/payments/pay"
    assert "keyVersion=3," in dict(request.headers)["Signature"]
    assert dict(request.headers)["Agent-Token"] == "agent-1"
    forced = ac.Client(client_id="5X00000000000000", private_key=MERCHANT_PRIVATE,
                       antom_public_key=ANTOM_PUBLIC, environment="SANDBOX",
                       region="north_america", gateway_url="http://127.0.0.1:8080")
    assert forced.environment is ac.Environment.SANDBOX
    assert forced.resolve_path("v1/payments/pay") == "/ams/sandbox/api/v1/payments/pay"
    api = ac.Client(client_id=CLIENT_ID, api_key=API_KEY, antom_public_key=ANTOM_PUBLIC)
    assert api.uses_api_key and not api.is_verify_only and not client.is_verify_only


def test_a_verify_only_client_verifies_but_cannot_prepare() -> None:
    receiver = ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC)
    assert receiver.is_verify_only and not receiver.uses_api_key
    assert "verify-only" in repr(receiver)
    body = b'{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S"}}'
    headers = {"client-id": CLIENT_ID, "request-time": "9",
               "signature": antom_sign("/notify", CLIENT_ID, "9", body)}
    assert receiver.verify_notification("/notify", headers, body).notify_type == "PAYMENT_RESULT"
    with pytest.raises(ac.InvalidInputError):
        receiver.prepare("v1/payments/pay", b"{}")


def test_keys_sign_and_verify_round_trip() -> None:
    private = ac.PrivateKey(MERCHANT_PRIVATE)
    public = private.public_key()
    assert public == ac.PublicKey(key_text("TEST-ONLY-merchant.public.spki.b64"))
    assert ac.PublicKey.from_der(public.to_der()) == public
    assert len(public.fingerprint) == len("sha256:") + 16 and private.bits == public.bits == 2048
    content = ac.content_to_sign("POST", "/ams/api/v1/payments/pay", CLIENT_ID, 1, "{}")
    assert content == f"POST /ams/api/v1/payments/pay\n{CLIENT_ID}.1.{{}}"
    signature = private.sign(content)
    assert public.verify(content, signature) is True
    assert public.verify(content + " ", signature) is False
    header = ac.format_signature_header(1, signature)
    assert ac.parse_signature_header(header) == ac.SignatureHeader("RSA256", 1, signature)


def test_amounts_endpoints_and_the_ack() -> None:
    assert ac.to_minor_units("10.50", "USD") == "1050"
    assert ac.from_minor_units("1050", "JPY") == "1050"
    assert ac.minor_unit_exponent("KWD") == 3
    assert ac.endpoint("payments.inquiryPayment") == ac.Endpoint(
        "payments.inquiryPayment", "payments", "/ams/api/v1/payments/inquiryPayment"
    )
    assert ac.endpoint("no.such") is None
    names = [e.name for e in ac.endpoints()]
    assert names == sorted(names) and len(names) >= 100
    assert ac.NOTIFICATION_ACK == (
        '{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}'
    )


def test_one_client_is_shared_between_threads(client: ac.Client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def sign(i: int) -> str:
        return dict(client.prepare("v1/payments/pay", f'{{"n":{i}}}', 1).headers)["Signature"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(sign, range(16)))
    assert parallel == [sign(i) for i in range(16)]  # PKCS#1 v1.5 is deterministic
