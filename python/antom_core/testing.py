"""A testing kit for your own unit tests: play Antom without a network or a simulator.

::

    from antom_core.testing import TestKit
    from antom_core.webhooks import handle_notification

    kit = TestKit()                       # fresh, throw-away RSA-2048 keys
    client = kit.client()                 # your merchant key, the kit's "Antom" public key

    headers, body = kit.notification("PAYMENT_RESULT", {"paymentRequestId": "order-42"})
    answer = handle_notification(client, "/antom/notify", headers, body, my_callback)
    assert answer.status == 200

    gateway = kit.gateway({"payments.pay": ["U", "S"]})      # scripted replies, signed
    result = client.send("v1/payments/pay", pay_body, transport=gateway)

Everything is built by the Rust core (``antom_core::testing``): the keys, Antom's headers
(``client-id``, ``request-time`` / ``response-time``, ``signature:
algorithm=RSA256,keyVersion=N,signature=...``) and a sample body of each of the catalogue's
notification types (``TestKit.notification_types()``) with every required field filled and a
successful ``result``, then your overrides. The keys exist only in memory; ``repr()`` never
shows them. Never use this module outside tests.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union
from urllib.parse import urlsplit

from . import _headers
from ._api import Body, Client, PrivateKey, PublicKey, endpoint
from ._errors import AntomError, _call
from ._ffi import antom_core as _ffi
from ._retry import api_name
from .transports import HttpReply

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_NOTIFY_PATH",
    "FakeGateway",
    "GatewayRequest",
    "NotificationType",
    "Reply",
    "Signed",
    "TestKit",
]

#: The client id a :class:`TestKit` uses unless told otherwise (Antom's documented example).
DEFAULT_CLIENT_ID = "SANDBOX_5X00000000000000"
#: The notification path a :class:`TestKit` signs for unless told otherwise.
DEFAULT_NOTIFY_PATH = "/antom/notify"

Overrides = Union[Mapping[str, Any], Iterable[str], None]


class Signed(NamedTuple):
    """A signed message "from Antom": ``headers, body = kit.notification(...)``."""

    #: The headers, in order, as ``(name, value)`` pairs.
    headers: List[Tuple[str, str]]
    #: The body bytes that were signed.
    body: bytes

    @property
    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body)


@dataclass(frozen=True)
class NotificationType:
    """One notification type of the catalogue."""

    #: The body model's name (``NotifyRefundRequest``).
    body: str
    #: The field that tells the types apart (``notifyType``...), if any.
    field: Optional[str]
    #: Its known values (``REFUND_RESULT``); the first is the default.
    values: Tuple[str, ...]


def _assignments(overrides: Overrides) -> List[str]:
    """Overrides as the core's ``field=value`` assignments. A mapping's values are written as
    JSON (``"500"`` stays a string, a dict is an object); strings are passed as they are."""
    if overrides is None:
        return []
    if isinstance(overrides, str):
        return [overrides]
    if isinstance(overrides, Mapping):
        return [f"{name}={json.dumps(value)}" for name, value in overrides.items()]
    return [str(item) for item in overrides]


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _pairs(headers: Sequence[Any]) -> List[Tuple[str, str]]:
    return [(h.name, h.value) for h in headers]


class TestKit:
    """Fresh test keys (an "Antom" pair and a merchant pair, RSA-2048) and what Antom would
    send, signed with them.

    ``client_id`` is the merchant's client id the messages carry; ``notify_path`` the path of
    your notify URL (the signature covers it); ``key_version`` the ``keyVersion`` of Antom's
    signatures. Generating the keys takes a second or two: share one kit per test module.
    """

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        notify_path: str = DEFAULT_NOTIFY_PATH,
        key_version: int = 1,
    ) -> None:
        self._keys: Any = _call(_ffi.TestKeys.generate)
        self.client_id = client_id
        self.notify_path = notify_path
        self.key_version = key_version
        self._prefix = "TEST" + secrets.token_hex(3).upper()
        self._count = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TestKit(client_id={self.client_id!r}, keys={self._keys!r})"

    # --- keys ---------------------------------------------------------------------------

    @property
    def antom_public_key(self) -> PublicKey:
        """The test "Antom" public key: what the client under test verifies with."""
        return PublicKey._wrap(self._keys.antom_public_key())

    @property
    def merchant_public_key(self) -> PublicKey:
        """The test merchant public key (the gateway checks requests with it)."""
        return PublicKey._wrap(self._keys.merchant_public_key())

    @property
    def merchant_private_key(self) -> PrivateKey:
        """The test merchant private key, as a :class:`PrivateKey` (never printed)."""
        key = PrivateKey.__new__(PrivateKey)
        key._inner = self._keys.merchant_private_key()
        return key

    def test_only_merchant_private_key_text(self) -> str:
        """The TEST-ONLY merchant private key as one-line base64 PKCS#8 (the Dashboard form),
        for code under test that reads its key from configuration. A throw-away key."""
        return str(self._keys.test_only_merchant_private_key_text())

    def client(self, **options: Any) -> Client:
        """A :class:`Client` with the kit's client id, merchant key and "Antom" public key;
        ``options`` are passed on (``max_body_bytes=``...)."""
        return Client(
            client_id=self.client_id,
            private_key=self.merchant_private_key,
            antom_public_key=self.antom_public_key,
            **options,
        )

    # --- notifications ------------------------------------------------------------------

    @staticmethod
    def notification_types() -> List[NotificationType]:
        """Every notification type of the catalogue (19), in the schema's order."""
        return [
            NotificationType(t.body, t.field, tuple(t.values)) for t in _ffi.testing_notification_types()
        ]

    def _next_prefix(self) -> str:
        with self._lock:
            self._count += 1
            return f"{self._prefix}_{self._count}"

    def sample_notification(self, type: str, overrides: Overrides = None, *, id_prefix: Optional[str] = None,
                            time_text: Optional[str] = None) -> bytes:
        """The unsigned body of a notification of ``type`` (``"PAYMENT_RESULT"``,
        ``"PAYMENT_PENDING"``, ``"REFUND_RESULT"``, ``"CAPTURE_RESULT"``, any other
        discriminator value, or a body model's name such as ``"DisputeNotify"``): a
        successful ``result``, every required field filled (ids ``{id_prefix}_{field}``,
        unique per call unless ``id_prefix`` is given; times now), then ``overrides``:
        ``{"paymentId": "2024...", "paymentAmount.value": "500"}`` (dotted paths, values as
        JSON) or ``["result.resultStatus=F", ...]`` (the core's ``field=value`` rule).

        Raises :class:`InvalidInputError` for an unknown type or a malformed override."""
        text = _call(
            _ffi.testing_sample_notification,
            type,
            id_prefix if id_prefix is not None else self._next_prefix(),
            time_text if time_text is not None else _call(_ffi.testing_iso8601, _now_ms()),
            _assignments(overrides),
        )
        return str(text).encode("utf-8")

    def sign_notification(self, body: Body, *, path: Optional[str] = None, request_time: Optional[int] = None,
                          key_version: Optional[int] = None) -> List[Tuple[str, str]]:
        """Antom's headers for the notification ``body`` posted to ``path`` (default
        :attr:`notify_path`) at ``request_time`` (epoch ms, default now)."""
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        headers = _call(
            _ffi.testing_sign_notification,
            self._keys.antom_private_key(),
            path if path is not None else self.notify_path,
            self.client_id,
            request_time if request_time is not None else _now_ms(),
            data,
            key_version if key_version is not None else self.key_version,
        )
        return _pairs(headers)

    def notification(self, type: str, overrides: Overrides = None, *, path: Optional[str] = None,
                     request_time: Optional[int] = None, body: Optional[Body] = None,
                     id_prefix: Optional[str] = None) -> Signed:
        """A notification of ``type`` (see :meth:`sample_notification`), or ``body`` as given,
        signed as Antom signs it for ``path``: ``headers, body = kit.notification(...)``."""
        data: bytes
        if body is not None:
            data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        else:
            data = self.sample_notification(type, overrides, id_prefix=id_prefix)
        return Signed(self.sign_notification(data, path=path, request_time=request_time), data)

    # --- responses ----------------------------------------------------------------------

    def sample_response(self, api: str, status: str = "S", overrides: Overrides = None) -> bytes:
        """The body of ``api``'s reply (``"payments.pay"`` or its path): ``status`` ``"S"``
        successful (``paymentStatus`` ``SUCCESS`` for an inquiry), ``"U"``
        ``UNKNOWN_EXCEPTION``, ``"F"`` ``PROCESS_FAIL``; then ``overrides`` (as for
        :meth:`sample_notification`), e.g. ``{"result.resultCode": "PAYMENT_IN_PROCESS"}``."""
        return str(_call(_ffi.testing_sample_response, api, status, _assignments(overrides))).encode("utf-8")

    def sign_response(self, path: str, body: Body, *, response_time: Optional[int] = None,
                      key_version: Optional[int] = None) -> List[Tuple[str, str]]:
        """Antom's reply headers for ``body`` answering a request sent to ``path`` (the
        request's path, e.g. ``request.path`` of a :class:`PreparedRequest`)."""
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        headers = _call(
            _ffi.testing_sign_response,
            self._keys.antom_private_key(),
            path,
            self.client_id,
            response_time if response_time is not None else _now_ms(),
            data,
            key_version if key_version is not None else self.key_version,
        )
        return _pairs(headers)

    def response(self, api: str, body: Optional[Body] = None, *, status: str = "S", overrides: Overrides = None,
                 path: Optional[str] = None) -> Signed:
        """A signed reply of ``api``: ``body`` as given, or :meth:`sample_response`. The
        signature covers ``path`` (default: the path this kit's client sends ``api`` to)."""
        data = (body.encode("utf-8") if isinstance(body, str) else bytes(body)) if body is not None \
            else self.sample_response(api, status, overrides)
        if path is None:
            known = endpoint(api)
            path = self.client().resolve_path(known.path if known is not None else api)
        target = path
        return Signed(self.sign_response(target, data), data)

    def verify_request(self, path: str, headers: Any, body: Body) -> str:
        """Checks a request's signature with the test merchant's public key, as Antom's
        gateway does; returns its ``client-id``. Raises :class:`AntomError` when it does not
        verify."""
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        pairs = [_ffi.Header(name=_headers._text(k), value=_headers._text(v)) for k, v in _headers.items(headers)]
        return str(_call(_ffi.testing_verify_request, self._keys.merchant_public_key(), path, pairs, data))

    def gateway(self, script: Optional[Mapping[str, Any]] = None, *, default: Any = "S") -> "FakeGateway":
        """A :class:`FakeGateway` answering as Antom would, signed with this kit's keys."""
        return FakeGateway(self, script, default=default)


@dataclass(frozen=True)
class Reply:
    """A scripted reply of a :class:`FakeGateway`: a signed ``status`` (``S``/``U``/``F``)
    reply with ``overrides``, or ``body`` as given; ``http_status`` other than 200 sends it
    unsigned with that status (as a failing gateway would)."""

    status: str = "S"
    overrides: Overrides = None
    body: Optional[Body] = None
    http_status: int = 200


@dataclass
class GatewayRequest:
    """A request the :class:`FakeGateway` received. ``repr()`` shows no header value."""

    url: str
    path: str
    api: Optional[str]
    headers: List[Tuple[str, str]] = field(repr=False)
    body: bytes = field(repr=False)
    #: Whether its signature verified with the kit's merchant public key.
    signed: bool = False

    @property
    def json(self) -> Any:
        """The request body, parsed."""
        return json.loads(self.body)


_UNSIGNED_FAILURE = b'{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"fake gateway: HTTP %d"}}'
_INVALID_SIGNATURE = (b'{"result":{"resultCode":"INVALID_SIGNATURE","resultStatus":"F",'
                      b'"resultMessage":"The signature is invalid."}}')


class FakeGateway:
    """A stand-in for Antom's gateway, usable as the ``transport=`` of :meth:`Client.send`
    (it has :class:`antom_core.transports.Transport`'s ``post``): no network.

    ``script`` maps an API name (``"payments.pay"``) to what to answer, in order, one per
    request: ``"S"`` / ``"U"`` / ``"F"`` (a signed sample reply, see
    :meth:`TestKit.sample_response`), an HTTP status such as ``500`` or ``503`` (unsigned
    gateway error), :class:`Reply` for overrides or a given body, or an exception instance /
    class to raise (``TimeoutError``, ``ConnectionResetError``: no reply). When an API's list
    runs out, its last entry repeats; an API not in the script gets ``default``.

    Like Antom, it first checks the request's signature with the kit's merchant key and
    answers an unsigned ``F`` ``INVALID_SIGNATURE`` when it does not verify. Every request is
    recorded in :attr:`requests`.
    """

    def __init__(self, kit: TestKit, script: Optional[Mapping[str, Any]] = None, *, default: Any = "S") -> None:
        self.kit = kit
        self.default = default
        self._script: Dict[str, List[Any]] = {}
        for api, answers in (script or {}).items():
            self.script(api, *(answers if isinstance(answers, (list, tuple)) else [answers]))
        #: Every request received, in order.
        self.requests: List[GatewayRequest] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FakeGateway(apis={sorted(self._script)!r}, requests={len(self.requests)})"

    def script(self, api: str, *answers: Any) -> "FakeGateway":
        """Appends ``answers`` to ``api``'s list (``api`` a name or a path)."""
        name = api_name(api) or api
        self._script.setdefault(name, []).extend(answers)
        return self

    def _next(self, api: Optional[str]) -> Any:
        with self._lock:
            answers = self._script.get(api or "")
            if not answers:
                return self.default
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def post(self, url: str, headers: Sequence[Tuple[str, str]], body: bytes, *, timeout: float = 30.0,
             max_body_bytes: int = 1 << 20) -> HttpReply:
        """See :meth:`antom_core.transports.Transport.post`."""
        path = urlsplit(url).path
        api = api_name(path)
        request = GatewayRequest(url, path, api, list(headers), bytes(body))
        with self._lock:
            self.requests.append(request)
        try:
            self.kit.verify_request(path, list(headers), bytes(body))
            request.signed = True
        except AntomError:
            return HttpReply(200, (("content-type", "application/json; charset=UTF-8"),), _INVALID_SIGNATURE)
        answer = self._next(api)
        if isinstance(answer, BaseException) or (isinstance(answer, type) and issubclass(answer, BaseException)):
            raise answer
        if isinstance(answer, int):
            answer = Reply(http_status=answer)
        if isinstance(answer, str):
            answer = Reply(status=answer)
        if not isinstance(answer, Reply):
            raise TypeError(f"a FakeGateway answer is S/U/F, an HTTP status, a Reply or an exception, not {answer!r}")
        if answer.http_status != 200:
            data = (answer.body.encode("utf-8") if isinstance(answer.body, str) else bytes(answer.body)) \
                if answer.body is not None else _UNSIGNED_FAILURE % answer.http_status
            return HttpReply(answer.http_status, (("content-type", "application/json"),), data)
        if api is None:
            raise TypeError(f"FakeGateway: {path!r} is no API of the catalogue")
        data = (answer.body.encode("utf-8") if isinstance(answer.body, str) else bytes(answer.body)) \
            if answer.body is not None else self.kit.sample_response(api, answer.status, answer.overrides)
        return HttpReply(200, tuple(self.kit.sign_response(path, data)), data[: max_body_bytes + 1])
