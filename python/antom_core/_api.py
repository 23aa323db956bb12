"""The idiomatic layer over the generated bindings: conversions only, no protocol rules.

What looks like a rule here is the core's, called through the FFI: the body size limit
(``check_body_size``, called with the length before a body is copied into the native
library), the redaction of string forms (``redact_header``, ``describe_body``), the next
action of a response.
"""

from __future__ import annotations

import enum
import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, List, Optional, Protocol, Sequence, Tuple, Union

from . import _flat
from . import _headers
from . import _external
from . import _send
from ._errors import _call
from ._external import SigningRequest
from ._outcome import Outcome
from ._retry import RetryPolicy, SendEvent
from .transports import DEFAULT_TIMEOUT, AsyncTransport, Transport
from ._ffi import antom_core as _ffi

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "ENGINE",
    "ApiResponse",
    "Body",
    "Client",
    "Endpoint",
    "Environment",
    "Headers",
    "NextAction",
    "Notification",
    "NOTIFICATION_ACK",
    "PreparedRequest",
    "PrivateKey",
    "PublicKey",
    "Region",
    "ResultStatus",
    "SignatureHeader",
    "content_to_sign",
    "describe_body",
    "endpoint",
    "endpoints",
    "format_signature_header",
    "from_minor_units",
    "minor_unit_exponent",
    "parse_signature_header",
    "redact_header",
    "to_minor_units",
]

#: A body: the exact bytes (or text, sent as UTF-8) that were or will be on the wire.
Body = Union[bytes, bytearray, memoryview, str]


class SupportsItems(Protocol):
    """Anything with ``.items()`` yielding ``(name, value)`` pairs."""

    def items(self) -> Iterable[Tuple[Any, Any]]: ...


#: Received headers: any mapping with ``.items()`` (dict, ``http.client.HTTPMessage``,
#: ``email.message.Message``, requests / httpx / Starlette / Django / Werkzeug headers), an
#: iterable of ``(name, value)`` pairs (ASGI ``scope["headers"]``), or a WSGI ``environ``
#: (its ``HTTP_*`` keys). Names and values may be ``str`` or ``bytes`` (latin-1). Only the
#: headers the core reads are converted.
Headers = Union[SupportsItems, Iterable[Tuple[Union[str, bytes], Union[str, bytes]]]]

#: The body to answer a verified, accepted notification with (HTTP 200).
NOTIFICATION_ACK: str = _ffi.notification_ack()

#: The default ``max_body_bytes`` of a :class:`Client`: 4 MiB.
DEFAULT_MAX_BODY_BYTES: int = _ffi.default_max_body_bytes()

#: The RSA engine of the native library: ``"aws-lc"`` (AWS-LC through aws-lc-rs).
ENGINE: str = _ffi.engine()


class ResultStatus(str, enum.Enum):
    """The outcome Antom reports in ``result.resultStatus`` (the value is the wire letter)."""

    SUCCESS = "S"
    FAILED = "F"
    #: The outcome is unknown: inquire, never ask the buyer to pay again.
    UNKNOWN = "U"


class NextAction(str, enum.Enum):
    """What to do after a response: the core's decision (branch on it, not on the status)."""

    #: A verified ``S``: the call is done; use the response.
    DONE = "DONE"
    #: A verified ``F``: handle ``result_code``; do not retry the same request blindly.
    FAILED = "FAILED"
    #: ``U``, anything unexpected, or any unverified response (an unsigned ``F`` can be
    #: forged): inquire, or resend the identical request until it is final. Never "pay again".
    INQUIRE = "INQUIRE"


class Region(str, enum.Enum):
    """The Antom region whose gateway serves your account."""

    ASIA = "asia"
    NORTH_AMERICA = "north_america"
    EUROPE = "europe"


class Environment(str, enum.Enum):
    """Sandbox (test mode) or production (live mode)."""

    SANDBOX = "sandbox"
    PRODUCTION = "production"


# The flat entry points' enum bytes (flat.rs), in their order.
_STATUS_BY_BYTE = (None, ResultStatus.SUCCESS, ResultStatus.FAILED, ResultStatus.UNKNOWN)
_OUTCOME_BY_BYTE = (Outcome.SUCCEEDED, Outcome.FAILED, Outcome.PENDING, Outcome.UNKNOWN)
_ACTION_BY_BYTE = (NextAction.DONE, NextAction.FAILED, NextAction.INQUIRE)
_ENVIRONMENT = {
    _ffi.Environment.SANDBOX: Environment.SANDBOX,
    _ffi.Environment.PRODUCTION: Environment.PRODUCTION,
}


def _body(body: Body) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"body must be bytes or str, not {type(body).__name__}")


def _length(body: Body) -> Optional[int]:
    """The byte length of ``body`` without copying it, or ``None`` for a non-ASCII ``str``
    (only encoding it tells)."""
    if isinstance(body, str):
        return len(body) if body.isascii() else None
    if isinstance(body, (bytes, bytearray)):
        return len(body)
    if isinstance(body, memoryview):
        return body.nbytes
    raise TypeError(f"body must be bytes or str, not {type(body).__name__}")


def _path(path: str) -> bytes:
    if not isinstance(path, str):
        raise TypeError(f"path must be str, not {type(path).__name__}")
    return path.encode("utf-8")


#: The lowercase names of the only headers the core reads, from the native library.
_NOTIFICATION_HEADERS = frozenset(_ffi.notification_header_names())
_RESPONSE_HEADERS = frozenset(_ffi.response_header_names())


def _name(value: Union[str, enum.Enum]) -> str:
    return str(value.value) if isinstance(value, enum.Enum) else value


class PrivateKey:
    """A merchant's RSA private key, used to sign requests.

    ``PrivateKey(text)`` accepts the Antom Dashboard form (one-line base64 PKCS#8), PEM
    (``PRIVATE KEY`` / ``RSA PRIVATE KEY``) or base64 PKCS#1; :meth:`from_der` takes DER
    bytes. ``repr()`` never shows key material, and the key cannot be read back out.

    Raises :class:`InvalidKeyError` when the text is not a usable RSA private key.
    """

    __slots__ = ("_inner",)

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError("PrivateKey(text) takes the key text; use PrivateKey.from_der for DER")
        self._inner: _ffi.PrivateKey = _call(_ffi.PrivateKey, text)

    @classmethod
    def from_der(cls, der: bytes) -> "PrivateKey":
        """Parses a PKCS#8 or PKCS#1 DER private key."""
        key = cls.__new__(cls)
        key._inner = _call(_ffi.PrivateKey.from_der, bytes(der))
        return key

    def sign(self, content: str) -> str:
        """Signs ``content`` (see :func:`content_to_sign`); returns the percent-encoded base64
        value that goes after ``signature=`` in the ``Signature`` header."""
        return _call(self._inner.sign, content)

    def public_key(self) -> "PublicKey":
        """The public half (what you upload to the Antom Dashboard)."""
        return PublicKey._wrap(self._inner.public_key())

    @property
    def bits(self) -> int:
        """Modulus size in bits."""
        return self._inner.bits()

    def __repr__(self) -> str:
        return repr(self._inner)

    def __reduce__(self) -> Any:
        raise TypeError("a PrivateKey cannot be pickled; load it from your secret store")


class PublicKey:
    """An RSA public key: Antom's (to verify responses and notifications) or your own.

    ``PublicKey(text)`` accepts the Antom Dashboard form (one-line base64
    SubjectPublicKeyInfo), PEM (``PUBLIC KEY`` / ``RSA PUBLIC KEY``) or base64 PKCS#1.

    Raises :class:`InvalidKeyError` when the text is not a usable RSA public key.
    """

    __slots__ = ("_inner",)

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError("PublicKey(text) takes the key text; use PublicKey.from_der for DER")
        self._inner: _ffi.PublicKey = _call(_ffi.PublicKey, text)

    @classmethod
    def _wrap(cls, inner: _ffi.PublicKey) -> "PublicKey":
        key = cls.__new__(cls)
        key._inner = inner
        return key

    @classmethod
    def from_der(cls, der: bytes) -> "PublicKey":
        """Parses a SubjectPublicKeyInfo or PKCS#1 DER public key."""
        return cls._wrap(_call(_ffi.PublicKey.from_der, bytes(der)))

    def verify(self, content: str, signature: str) -> bool:
        """``True`` when ``signature`` (percent-encoded or raw base64) is valid over
        ``content``. Raises :class:`MalformedSignatureError` when it cannot be decoded."""
        if not isinstance(content, str) or not isinstance(signature, str):
            raise TypeError("content and signature must be str")
        return _flat.public_key_verify(
            self._inner._handle, content.encode("utf-8"), signature.encode("utf-8")
        )

    @property
    def bits(self) -> int:
        """Modulus size in bits."""
        return self._inner.bits()

    def to_der(self) -> bytes:
        """The key as SubjectPublicKeyInfo DER."""
        return self._inner.to_der()

    def to_base64(self) -> str:
        """The Antom Dashboard form: one-line base64 of the SubjectPublicKeyInfo DER."""
        return self._inner.to_base64()

    @property
    def fingerprint(self) -> str:
        """``sha256:`` and the first 16 hex digits of SHA-256 over the SubjectPublicKeyInfo
        DER: short, stable and safe to log (a private key's public half has the same one)."""
        return self._inner.fingerprint()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self.to_der() == other.to_der()

    def __hash__(self) -> int:
        return hash(self.to_der())

    def __repr__(self) -> str:
        return repr(self._inner)


@dataclass(frozen=True)
class AntomKey:
    """One key of an Antom key ring (``Client(antom_public_keys=[...])``): Antom's public key,
    optionally tagged with the ``keyVersion`` Antom signs with. A message whose ``Signature``
    names a version is verified with the key tagged with it only (else with the untagged keys,
    in order); one without a version with every key, in order."""

    #: Antom's public key (text or :class:`PublicKey`).
    key: Union[str, PublicKey]
    #: The ``keyVersion`` it signs with; ``None`` for a key tried for any version no tagged key claims.
    key_version: Optional[int] = None


@dataclass(frozen=True)
class KeyId:
    """Which key verified a message: its tag in the ring and its fingerprint. Safe to log."""

    #: The key's ``keyVersion`` tag (``None`` for an untagged key).
    key_version: Optional[int]
    #: :attr:`PublicKey.fingerprint` of the key.
    fingerprint: str


#: The most keys an Antom key ring holds (the most RSA checks one message costs).
MAX_RING_KEYS: int = _ffi.max_ring_keys()

_RingInput = Union[str, PublicKey, AntomKey, Tuple[Union[str, PublicKey], Optional[int]]]


def _ring(keys: Sequence[_RingInput]) -> "list[_ffi.AntomKey]":
    """The native key ring from keys, :class:`AntomKey` or ``(key, key_version)`` pairs; its
    rules (size, duplicates) are the core's."""
    if isinstance(keys, (str, bytes, PublicKey)) or not isinstance(keys, Sequence):
        raise TypeError("antom_public_keys must be a list of keys or AntomKey(key, key_version)")
    ring = []
    for member in keys:
        if isinstance(member, tuple):
            member = AntomKey(*member)
        if not isinstance(member, AntomKey):
            member = AntomKey(member)
        key = member.key if isinstance(member.key, PublicKey) else PublicKey(member.key)
        ring.append(_ffi.AntomKey(key=key._inner, key_version=member.key_version))
    return ring


def which_key(antom_public_keys: Sequence[_RingInput], path: str, headers: Headers, body: Body) -> KeyId:
    """Which of ``antom_public_keys`` (as for :class:`Client`) verifies a signed message: a
    notification (``request-time``) or a response (``response-time``), from its raw headers and
    body, by the key ring's rule. For finding a wrong key (the sandbox key on a live client);
    client ids are not compared.

    Raises :class:`SignatureMismatchError` naming the keys tried (by fingerprint),
    :class:`UnknownKeyVersionError`, :class:`MissingHeaderError`,
    :class:`MalformedSignatureError`, or :class:`InvalidKeyError` for a bad ring.
    """
    pairs = [_ffi.Header(name=_headers._text(n), value=_headers._text(v)) for n, v in _headers.items(headers)]
    found = _call(_ffi.which_key, _ring(antom_public_keys), path, pairs, _body(body))
    return KeyId(key_version=found.key_version, fingerprint=found.fingerprint)


@dataclass(frozen=True)
class PreparedRequest:
    """A request ready for your HTTP client: send exactly these bytes and headers."""

    #: Always ``"POST"``.
    method: str
    #: Gateway origin plus :attr:`path`.
    url: str
    #: The path that was signed; pass it to :meth:`Client.verify_response`.
    path: str
    #: Headers in order, with their exact casing (``dict(request.headers)`` for most clients).
    headers: Tuple[Tuple[str, str], ...]
    #: The body, byte for byte as signed. Do not re-serialise it.
    body: bytes

    def __repr__(self) -> str:
        # The core's rule: Authorization / Agent-Token as <redacted>, the body as its length.
        shown = tuple((n, _ffi.redact_header(n, v)) for n, v in self.headers)
        return (
            f"PreparedRequest(method={self.method!r}, url={self.url!r}, "
            f"headers={shown!r}, body={_ffi.describe_body(self.body)})"
        )


@dataclass(frozen=True)
class ApiResponse:
    """A response whose authenticity has been settled by :meth:`Client.verify_response`.
    ``repr()`` shows the body's length only."""

    #: ``True`` when Antom's signature was checked; ``False`` only for unsigned F/U errors,
    #: whose :attr:`next_action` is always ``INQUIRE``.
    verified: bool
    #: ``result.resultStatus``.
    result_status: ResultStatus
    #: ``result.resultCode`` (``""`` if absent). Branch on :attr:`result_status` first.
    result_code: str
    #: ``result.resultMessage`` (``""`` if absent).
    result_message: str
    #: What to do next: the core's decision (``INQUIRE`` for every unverified response).
    next_action: NextAction
    #: ``True`` only for a verified ``S`` response (the API call succeeded; for the money,
    #: read :attr:`outcome`).
    is_success: bool
    #: The raw body that was verified.
    body: bytes
    #: The state of the payment, refund or capture this response is about (the core's
    #: decision): only ``SUCCEEDED`` proves it; always ``UNKNOWN`` when not :attr:`verified`.
    outcome: Outcome
    #: The Antom key that verified it; ``None`` exactly when not :attr:`verified`.
    verified_by: Optional[KeyId] = None

    def json(self) -> Any:
        """The body, parsed as JSON."""
        return json.loads(self.body)

    def __repr__(self) -> str:
        return (
            f"ApiResponse(verified={self.verified!r}, result_status={self.result_status.value!r}, "
            f"result_code={self.result_code!r}, next_action={self.next_action.value!r}, "
            f"is_success={self.is_success!r}, outcome={self.outcome.value!r}, "
            f"verified_by={self.verified_by!r}, body={_ffi.describe_body(self.body)})"
        )


@dataclass(frozen=True)
class Notification:
    """A notification whose signature has been verified by :meth:`Client.verify_notification`.
    ``repr()`` shows the body's length only."""

    #: ``notifyType`` (or the dispute / authorization / subscription variant), if present.
    notify_type: Optional[str]
    #: ``result.resultStatus`` when present.
    result_status: Optional[ResultStatus]
    #: The ``client-id`` header (equal to the configured client id).
    client_id: str
    #: The ``request-time`` header, verbatim.
    request_time: str
    #: The raw body that was verified.
    body: bytes
    #: A stable key to process each notification once (``"PAYMENT_RESULT:paymentId=..."``,
    #: else ``"sha256:<hex of the body>"``). Antom resends until acknowledged: store the key
    #: in the same transaction as the effect; acknowledge a key already seen without
    #: processing it again.
    dedup_key: str
    #: The state of the payment, refund or capture this notification is about (the core's
    #: decision): only ``SUCCEEDED`` proves payment; ``PENDING`` / ``UNKNOWN``: inquire.
    outcome: Outcome
    #: The Antom key that verified it (during a rotation: which key Antom signs with).
    verified_by: Optional[KeyId] = None

    def json(self) -> Any:
        """The body, parsed as JSON."""
        return json.loads(self.body)

    def __repr__(self) -> str:
        status = None if self.result_status is None else self.result_status.value
        return (
            f"Notification(notify_type={self.notify_type!r}, result_status={status!r}, "
            f"client_id={self.client_id!r}, request_time={self.request_time!r}, "
            f"dedup_key={self.dedup_key!r}, outcome={self.outcome.value!r}, "
            f"verified_by={self.verified_by!r}, body={_ffi.describe_body(self.body)})"
        )


@dataclass(frozen=True)
class Endpoint:
    """One Antom API endpoint."""

    #: Dotted name, e.g. ``payments.inquiryPayment``.
    name: str
    #: Product group, e.g. ``payments``.
    group: str
    #: Production path, e.g. ``/ams/api/v1/payments/inquiryPayment``.
    path: str


@dataclass(frozen=True)
class SignatureHeader:
    """A parsed ``Signature`` header."""

    #: Always ``RSA256``.
    algorithm: str
    #: The ``keyVersion`` item, if present.
    key_version: Optional[int]
    #: The ``signature`` item exactly as written (normally percent-encoded base64).
    signature: str


class Client:
    """A configured Antom client: prepares signed requests and verifies responses and
    notifications. It does no IO; build it once and share it (it is thread-safe).

    Pass ``private_key`` (RSA request signing), ``signer`` (RSA request signing by a key that
    never enters this process: a cloud KMS or an HSM; see below), or ``api_key`` (Bearer
    authentication), or none for a verify-only client (e.g. a notification receiver that
    should never hold the private key): it verifies responses and notifications, and ``prepare`` raises
    :class:`InvalidInputError`. Keys may be given as text or as :class:`PrivateKey` / :class:`PublicKey`.
    ``region`` and ``environment`` take the enum or its string value (``"north_america"``,
    ``"sandbox"``...). By default the environment is sandbox exactly when ``client_id``
    starts with ``SANDBOX_`` (or follows the API key's TEST/PROD marker).
    ``max_body_bytes`` (default :data:`DEFAULT_MAX_BODY_BYTES`, 4 MiB) bounds every request,
    response and notification body: a larger one raises :class:`InvalidInputError` before it
    is copied into the native library.

    ``signer`` is a function ``signer(request) -> bytes``: ``request`` is a
    :class:`SigningRequest` with ``.message`` and ``.digest`` (its SHA-256); sign either with
    RSASSA-PKCS1-v1_5 / SHA-256 and return the raw signature bytes. :meth:`prepare` calls it.
    ``merchant_public_key`` (the external key's public half, as uploaded to Antom; strongly
    recommended) makes every signature be verified before a request is handed out; without it
    only the signature's length is checked. A signer that raises, returns something other than
    bytes, or a signature of the wrong length or that does not verify gives
    :class:`SigningFailedError` (the signer's exception is its ``__cause__``).

    Raises :class:`InvalidKeyError` or :class:`InvalidInputError` for a bad configuration.
    """

    __slots__ = ("_inner", "_max_body_bytes", "_signer")

    def __init__(
        self,
        *,
        client_id: str,
        antom_public_key: Union[str, PublicKey, None] = None,
        antom_public_keys: Optional[Sequence[_RingInput]] = None,
        private_key: Union[str, PrivateKey, None] = None,
        api_key: Optional[str] = None,
        region: Union[Region, str, None] = None,
        environment: Union[Environment, str, None] = None,
        gateway_url: Optional[str] = None,
        key_version: Optional[int] = None,
        agent_token: Optional[str] = None,
        max_body_bytes: Optional[int] = None,
        signer: Optional[Callable[[SigningRequest], _external.SignatureBytes]] = None,
        merchant_public_key: Union[str, PublicKey, None] = None,
    ) -> None:
        credential: Any
        given = [n for n, v in (("private_key", private_key), ("api_key", api_key), ("signer", signer))
                 if v is not None]
        if len(given) > 1:
            raise TypeError("Client() takes at most one of private_key=, api_key= or signer=")
        if merchant_public_key is not None and signer is None:
            raise TypeError("merchant_public_key= goes with signer= (it checks the external signatures)")
        self._signer = signer
        if signer is not None:
            if not callable(signer):
                raise TypeError(f"signer must be callable, not {type(signer).__name__}")
            if merchant_public_key is not None and not isinstance(merchant_public_key, PublicKey):
                merchant_public_key = PublicKey(merchant_public_key)
            credential = _ffi.Credential.EXTERNAL_SIGNER(
                merchant_public_key=None if merchant_public_key is None else merchant_public_key._inner
            )
        elif private_key is not None:
            if not isinstance(private_key, PrivateKey):
                private_key = PrivateKey(private_key)
            credential = _ffi.Credential.PRIVATE_KEY(key=private_key._inner)
        elif api_key is not None:
            credential = _ffi.Credential.API_KEY(key=api_key)
        else:
            credential = _ffi.Credential.VERIFY_ONLY()  # type: ignore[no-untyped-call, unused-ignore]
        if (antom_public_key is None) == (antom_public_keys is None):
            raise TypeError("Client() takes antom_public_key= (one key) or antom_public_keys= (a key ring)")
        ring = _ring([antom_public_key] if antom_public_keys is None else antom_public_keys)
        config = _ffi.ClientConfig(
            client_id=client_id,
            credential=credential,
            antom_keys=ring,
            region=None if region is None else _call(_ffi.parse_region, _name(region)),
            environment=(
                None if environment is None else _call(_ffi.parse_environment, _name(environment))
            ),
            gateway_url=gateway_url,
            key_version=key_version,
            agent_token=agent_token,
            max_body_bytes=max_body_bytes,
        )
        self._inner: _ffi.Client = _call(_ffi.Client, config)
        self._max_body_bytes: int = self._inner.max_body_bytes()

    def _sized(self, kind: "_ffi.BodyKind", body: Body) -> bytes:
        """``body`` as bytes, refused (the core's error) over ``max_body_bytes`` from its
        length alone, before it is copied into the native library."""
        length = _length(body)
        if length is not None and length > self._max_body_bytes:
            _call(_ffi.check_body_size, kind, length, self._max_body_bytes)
        data = _body(body)
        if length is None and len(data) > self._max_body_bytes:
            _call(_ffi.check_body_size, kind, len(data), self._max_body_bytes)
        return data

    def prepare(self, api: str, body: Body, request_time: Optional[int] = None) -> PreparedRequest:
        """Signs a request to ``api`` (``"v1/payments/pay"``, ``"/ams/api/v1/payments/pay"``
        or :func:`endpoint` ``(...).path``) with ``body`` — serialise your JSON once and send
        exactly these bytes. ``request_time`` is epoch milliseconds (default: now).

        With ``signer=``, the signer is called with what must be signed, and its signature is
        checked before the request is returned.

        Raises :class:`InvalidInputError` for a bad path or a body that is not a JSON object;
        :class:`SigningFailedError` when the external signer fails or its signature is refused.
        """
        if self._signer is not None:
            pending = self.prepare_external(api, body, request_time)
            return self.finish_external(pending, _external.call_signer(self._signer, pending))
        if request_time is None:
            request_time = time.time_ns() // 1_000_000
        data = self._sized(_ffi.BodyKind.REQUEST, body)
        method, url, path, headers, sent = _flat.prepare(self._inner._handle, api, data, request_time)
        return PreparedRequest(
            method=method, url=url, path=path, headers=headers, body=data if sent is None else sent
        )

    def prepare_external(
        self, api: str, body: Body, request_time: Optional[int] = None
    ) -> SigningRequest:
        """Step 1 for an external signer, for code that calls its KMS itself (``asyncio``):
        checks the path and body and returns what must be signed. A client built with
        ``signer=`` does both steps in :meth:`prepare`.

        Raises :class:`InvalidInputError` as :meth:`prepare` does, and for a client built
        without ``signer=``.
        """
        if request_time is None:
            request_time = time.time_ns() // 1_000_000
        data = self._sized(_ffi.BodyKind.REQUEST, body)
        return _external.wrap(_call(self._inner.prepare_external, api, data, request_time))

    def finish_external(self, request: SigningRequest, signature: bytes) -> PreparedRequest:
        """Step 2: the raw RSASSA-PKCS1-v1_5 / SHA-256 signature of ``request`` (bytes, not
        base64) in, the request to send out: exactly what :meth:`prepare` makes with the key
        in process.

        Raises :class:`SigningFailedError` for a signature of the wrong length, or one that
        does not verify with ``merchant_public_key``.
        """
        if not isinstance(request, SigningRequest):
            raise TypeError(f"request must be a SigningRequest, not {type(request).__name__}")
        if not isinstance(signature, (bytes, bytearray, memoryview)):
            raise TypeError(f"signature must be bytes, not {type(signature).__name__}")
        return _prepared(_call(self._inner.finish_external, request._inner, bytes(signature)))

    def send(
        self,
        api: str,
        body: Body,
        *,
        timeout: Optional[float] = None,
        retries: Optional[int] = None,
        retry_delay: Optional[float] = None,
        retry_policy: Optional[RetryPolicy] = None,
        transport: Optional[Transport] = None,
        request_time: Optional[int] = None,
        on_event: Optional[Callable[[SendEvent], None]] = None,
        include_bodies: bool = False,
        tracer: Any = None,
    ) -> "_send.SendResult":
        """Prepares a request to ``api`` with ``body`` (:meth:`prepare`), POSTs exactly those
        bytes and headers, verifies the reply (:meth:`verify_response`) and returns a
        :class:`SendResult`: branch on its ``outcome``.

        * A 2xx reply that verifies: ``outcome`` is the response's (the core's decision) and
          ``response`` is the verified :class:`ApiResponse`.
        * No reply (``error.code`` ``"TRANSPORT_ERROR"``), no complete reply within the
          attempt's timeout (``"TIMEOUT"``, default :data:`DEFAULT_TIMEOUT`, 30 s, for the
          whole exchange) or a non-2xx status (``"HTTP_STATUS"``): ``outcome`` is ``UNKNOWN``,
          nothing is raised. The request may have taken effect: inquire, or resend the
          identical request (:meth:`send_prepared` with ``result.request``); never ask the
          buyer to pay again. ``stop_reason`` says why it was not sent again.
        * A 2xx reply that does not verify raises the :class:`AntomError` that
          :meth:`verify_response` raises (its ``code``). The request may have taken effect
          all the same: inquire.

        Retries are off by default. When to retry is the core's rule (:func:`decide_retry`):
        only after a transport error, a timeout or a 5xx, only for a request whose API has an
        idempotency field the body carries (``paymentRequestId``...) or an inquiry, after a
        capped, jittered exponential backoff, all within one deadline. Each resend is the
        identical request (same bytes, headers, ``request-time`` and signature).
        ``retries=n`` / ``timeout=s`` are the simple form (:meth:`RetryPolicy.simple`);
        ``retry_policy=RetryPolicy(...)`` sets it whole (not with them). ``retry_delay`` is
        deprecated and ignored (a ``DeprecationWarning``).

        ``on_event`` is called once per attempt with a :class:`SendEvent` (no header value,
        key, signature or body; ``include_bodies=True`` adds the bodies masked by
        :func:`mask_body`); an exception it raises is logged by type and ignored. ``tracer``
        (an ``opentelemetry.trace.Tracer``): one CLIENT span per send named
        :func:`span_name`, the core's attributes, one span event per attempt.

        ``transport`` defaults to :class:`antom_core.transports.UrllibTransport` (the standard
        library, TLS always verified); :class:`antom_core.transports.HttpxTransport` wraps an
        ``httpx.Client``. It is called on a worker thread, abandoned when the attempt's timeout
        passes. Errors from :meth:`prepare` and bad options (nothing was sent) are raised:
        ``ValueError`` for ``retries`` / ``timeout``, :class:`InvalidInputError` for a policy
        out of the core's bounds.
        """
        opts = _send.options(
            timeout=timeout, retries=retries, retry_delay=retry_delay, retry_policy=retry_policy,
            transport=transport, on_event=on_event, include_bodies=include_bodies, tracer=tracer,
        )
        return _send.send_prepared(self, self.prepare(api, body, request_time), opts)

    def send_prepared(
        self,
        request: PreparedRequest,
        *,
        timeout: Optional[float] = None,
        retries: Optional[int] = None,
        retry_delay: Optional[float] = None,
        retry_policy: Optional[RetryPolicy] = None,
        transport: Optional[Transport] = None,
        on_event: Optional[Callable[[SendEvent], None]] = None,
        include_bodies: bool = False,
        tracer: Any = None,
    ) -> "_send.SendResult":
        """Sends a request from :meth:`prepare` (or a :class:`SendResult`'s ``request``)
        as it is, byte for byte, and verifies the reply: :meth:`send` without the prepare
        step, with the same outcome rules and the same options."""
        if not isinstance(request, PreparedRequest):
            raise TypeError(f"request must be a PreparedRequest, not {type(request).__name__}")
        opts = _send.options(
            timeout=timeout, retries=retries, retry_delay=retry_delay, retry_policy=retry_policy,
            transport=transport, on_event=on_event, include_bodies=include_bodies, tracer=tracer,
        )
        return _send.send_prepared(self, request, opts)

    async def send_async(
        self,
        api: str,
        body: Body,
        *,
        timeout: Optional[float] = None,
        retries: Optional[int] = None,
        retry_delay: Optional[float] = None,
        retry_policy: Optional[RetryPolicy] = None,
        transport: Union[Transport, AsyncTransport, None] = None,
        request_time: Optional[int] = None,
        on_event: Optional[Callable[[SendEvent], None]] = None,
        include_bodies: bool = False,
        tracer: Any = None,
    ) -> "_send.SendResult":
        """:meth:`send` for ``asyncio``: the same policy, outcome rules, events and span. An
        :class:`antom_core.transports.AsyncTransport` (``async def post``, e.g.
        :class:`antom_core.transports.HttpxAsyncTransport` over an ``httpx.AsyncClient``) is
        awaited on the loop, no thread involved; a blocking :class:`Transport` (the default)
        runs in ``asyncio.to_thread``. The backoff is ``asyncio.sleep`` and each attempt ends
        at its timeout (``asyncio.wait_for``). Signing runs on the calling thread; a
        ``signer=`` that is a coroutine function (``async def``) is awaited. ``on_event`` is
        called on the loop."""
        opts = _send.options(
            timeout=timeout, retries=retries, retry_delay=retry_delay, retry_policy=retry_policy,
            transport=transport, on_event=on_event, include_bodies=include_bodies, tracer=tracer,
        )
        request = await _send.prepare_async(self, api, body, request_time)
        return await _send.send_prepared_async(self, request, opts)

    async def send_prepared_async(
        self,
        request: PreparedRequest,
        *,
        timeout: Optional[float] = None,
        retries: Optional[int] = None,
        retry_delay: Optional[float] = None,
        retry_policy: Optional[RetryPolicy] = None,
        transport: Union[Transport, AsyncTransport, None] = None,
        on_event: Optional[Callable[[SendEvent], None]] = None,
        include_bodies: bool = False,
        tracer: Any = None,
    ) -> "_send.SendResult":
        """:meth:`send_prepared` for ``asyncio`` (see :meth:`send_async`)."""
        if not isinstance(request, PreparedRequest):
            raise TypeError(f"request must be a PreparedRequest, not {type(request).__name__}")
        opts = _send.options(
            timeout=timeout, retries=retries, retry_delay=retry_delay, retry_policy=retry_policy,
            transport=transport, on_event=on_event, include_bodies=include_bodies, tracer=tracer,
        )
        return await _send.send_prepared_async(self, request, opts)

    def upload_image(self, product_id: str, file: Any, **options: Any) -> ApiResponse:
        """Uploads a product image (``billing/product/uploadImage``, multipart, to the
        big-file host); ``file`` is a path or bytes, its size checked before it is read. See
        :func:`antom_core._transfers.upload_image` for the options."""
        from . import _transfers

        return _transfers.upload_image(self, product_id, file, **options)

    def upload_event(self, session_id: str, body: Union[str, bytes], **options: Any) -> Any:
        """Uploads a meter event with ``X-Session-Id`` (after ``meter.createSession`` through
        :meth:`send`); returns an unverified :class:`antom_core._transfers.EventReply`."""
        from . import _transfers

        return _transfers.upload_event(self, session_id, body, **options)

    def wait_for_outcome(self, request_id: str, **options: Any) -> Any:
        """Inquires (``inquiryPayment``; ``api="v1/payments/refund"``: ``inquiryRefund``) with
        :meth:`send` until the outcome is final or the deadline, waiting the core's backoff;
        returns an :class:`antom_core.WaitResult`. Options: ``policy`` (an
        :class:`antom_core.InquiryPolicy`), ``api``, ``on_inquiry``, and :meth:`send`'s own.
        ``DEADLINE_REACHED`` with ``PENDING`` / ``UNKNOWN``: inquire later, never pay again."""
        from . import _wait

        return _wait.wait_for_outcome(self, request_id, **options)

    async def wait_for_outcome_async(self, request_id: str, **options: Any) -> Any:
        """:meth:`wait_for_outcome` for ``asyncio``: :meth:`send_async` and ``asyncio.sleep``."""
        from . import _wait

        return await _wait.wait_for_outcome_async(self, request_id, **options)

    def verify_response(self, path: str, headers: Headers, body: Body) -> ApiResponse:
        """Verifies a response to the request sent to ``path`` (the prepared request's
        ``path``) from the raw response headers and raw body bytes. Nothing unverified is
        ever success: an unsigned response is accepted only as an F/U gateway error, with
        ``verified=False`` and ``next_action`` ``INQUIRE``. A non-2xx HTTP status is yours to
        treat like ``U`` (inquire). An error here, after the request was sent, means
        "outcome unknown: inquire" — never "failed", never ask the buyer to pay again.

        Raises :class:`UnsignedResponseError`, :class:`MissingHeaderError`,
        :class:`ClientIdMismatchError`, :class:`MalformedSignatureError`,
        :class:`UnsupportedAlgorithmError`, :class:`SignatureMismatchError` or
        :class:`InvalidInputError`.
        """
        packed = _headers.pack(headers, _RESPONSE_HEADERS)
        data = self._sized(_ffi.BodyKind.RESPONSE, body)
        verified, status, action, success, outcome, version, code, message, fingerprint = (
            _flat.verify_response(self._inner._handle, _path(path), packed, data)
        )
        return ApiResponse(
            verified=verified,
            result_status=_STATUS_BY_BYTE[status],  # type: ignore[arg-type]
            result_code=code,
            result_message=message,
            next_action=_ACTION_BY_BYTE[action],
            is_success=success,
            body=data,
            outcome=_OUTCOME_BY_BYTE[outcome],
            verified_by=None if fingerprint is None else KeyId(version, fingerprint),
        )

    def verify_notification(
        self,
        path: str,
        headers: Headers,
        body: Body,
        *,
        max_age_ms: Optional[int] = None,
        now_ms: Optional[int] = None,
    ) -> Notification:
        """Verifies a notification Antom posted to your endpoint at ``path`` (the path
        registered with Antom, e.g. ``"/antom/notify"``) from the raw request headers and the
        raw body. Only after it succeeds: process it once per :attr:`Notification.dedup_key`,
        then answer HTTP 200 with :data:`NOTIFICATION_ACK`.

        ``max_age_ms`` turns on a replay window: a notification whose signed ``request-time``
        is further than that from ``now_ms`` (epoch milliseconds, default: now) is refused
        with :class:`InvalidInputError`. Off by default, since Antom retries deliveries for
        about a day.

        Raises :class:`MissingHeaderError`, :class:`ClientIdMismatchError`,
        :class:`MalformedSignatureError`, :class:`UnsupportedAlgorithmError`,
        :class:`SignatureMismatchError` or :class:`InvalidInputError`.
        """
        if max_age_ms is None and now_ms is not None:
            raise TypeError("now_ms needs max_age_ms")
        packed = _headers.pack(headers, _NOTIFICATION_HEADERS)
        data = self._sized(_ffi.BodyKind.NOTIFICATION, body)
        if max_age_ms is not None and now_ms is None:
            now_ms = time.time_ns() // 1_000_000
        status, outcome, version, notify_type, client_id, request_time, dedup_key, fingerprint = (
            _flat.verify_notification(self._inner._handle, _path(path), packed, data, now_ms, max_age_ms)
        )
        return Notification(
            notify_type=notify_type,
            result_status=_STATUS_BY_BYTE[status],
            client_id=client_id,
            request_time=request_time,
            body=data,
            dedup_key=dedup_key,
            outcome=_OUTCOME_BY_BYTE[outcome],
            verified_by=KeyId(version, fingerprint),
        )

    def resolve_path(self, api: str) -> str:
        """The path this client requests and signs for ``api``."""
        return _call(self._inner.resolve_path, api)

    @property
    def client_id(self) -> str:
        """The configured client id."""
        return self._inner.client_id()

    @property
    def environment(self) -> Environment:
        """The environment requests go to."""
        return _ENVIRONMENT[self._inner.environment()]

    @property
    def gateway_url(self) -> str:
        """The gateway origin requests go to."""
        return self._inner.gateway_url()

    @property
    def uses_api_key(self) -> bool:
        """``True`` when the client authenticates with an API key instead of a signature."""
        return self._inner.uses_api_key()

    @property
    def max_body_bytes(self) -> int:
        """The largest request, response or notification body accepted, in bytes."""
        return self._max_body_bytes

    @property
    def engine(self) -> str:
        """The RSA engine that signs and verifies: :data:`ENGINE`."""
        return ENGINE

    @property
    def is_verify_only(self) -> bool:
        """``True`` when the client holds no credential and can only verify."""
        return self._inner.is_verify_only()

    @property
    def antom_public_key(self) -> PublicKey:
        """The first Antom public key of the ring."""
        return PublicKey._wrap(self._inner.antom_public_key())

    @property
    def antom_public_keys(self) -> Tuple[AntomKey, ...]:
        """The Antom key ring responses and notifications are verified with, in the order tried."""
        return tuple(
            AntomKey(key=PublicKey._wrap(k.key), key_version=k.key_version) for k in self._inner.antom_keys()
        )

    def __repr__(self) -> str:
        return repr(self._inner)

    def __reduce__(self) -> Any:
        raise TypeError("a Client cannot be pickled (it holds a private key)")


def _prepared(r: "_ffi.PreparedRequest") -> PreparedRequest:
    return PreparedRequest(
        method=r.method,
        url=r.url,
        path=r.path,
        headers=tuple((h.name, h.value) for h in r.headers),
        body=r.body.encode("utf-8"),
    )


def content_to_sign(method: str, path: str, client_id: str, time: Union[str, int], body: str) -> str:
    """The exact string that is signed: ``"{method} {path}\\n{client_id}.{time}.{body}"``."""
    return _ffi.content_to_sign(method, path, client_id, str(time), body)


def redact_header(name: str, value: str) -> str:
    """The core's redaction rule: ``"<redacted>"`` for ``Authorization``, ``Agent-Token`` and
    ``Cookie`` (any case), else ``value``. For your own logs."""
    return _ffi.redact_header(name, value)


def describe_body(body: Body) -> str:
    """The core's description of a body for logs: ``"<N bytes>"``."""
    return _ffi.describe_body(_body(body))


def parse_signature_header(value: str) -> SignatureHeader:
    """Parses a ``Signature`` header value (``algorithm=RSA256,keyVersion=1,signature=...``).

    Raises :class:`MalformedSignatureError` or :class:`UnsupportedAlgorithmError`.
    """
    h = _call(_ffi.parse_signature_header, value)
    return SignatureHeader(algorithm=h.algorithm, key_version=h.key_version, signature=h.signature)


def format_signature_header(key_version: int, signature: str) -> str:
    """Formats a ``Signature`` header value for a signature from :meth:`PrivateKey.sign`."""
    return _ffi.format_signature_header(key_version, signature)


def to_minor_units(amount: str, currency: str) -> str:
    """``to_minor_units("10.50", "USD") == "1050"``. Never rounds.

    Raises :class:`InvalidAmountError` or :class:`UnsupportedCurrencyError`.
    """
    return _call(_ffi.to_minor_units, amount, currency)


def from_minor_units(value: str, currency: str) -> str:
    """``from_minor_units("1050", "USD") == "10.50"``.

    Raises :class:`InvalidAmountError` or :class:`UnsupportedCurrencyError`.
    """
    return _call(_ffi.from_minor_units, value, currency)


def minor_unit_exponent(currency: str) -> int:
    """The ISO 4217 minor-unit exponent (``USD`` → 2, ``JPY`` → 0, ``KWD`` → 3).

    Raises :class:`UnsupportedCurrencyError`.
    """
    return _call(_ffi.minor_unit_exponent, currency)


def _endpoint(e: _ffi.Endpoint) -> Endpoint:
    return Endpoint(name=e.name, group=e.group, path=e.path)


def endpoint(name: str) -> Optional[Endpoint]:
    """The endpoint called ``name`` (e.g. ``"payments.pay"``), or ``None`` when unknown."""
    found = _ffi.endpoint(name)
    return None if found is None else _endpoint(found)


def endpoints() -> List[Endpoint]:
    """Every known endpoint, sorted by name."""
    return [_endpoint(e) for e in _ffi.endpoints()]
