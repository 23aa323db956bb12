"""``send``'s retry policy, its decisions, the per-attempt event and the masking of opted-in
bodies: the core's rules (``antom_core::decide_retry``, ``SendEvent``, ``mask_body``) through
the FFI, as Python types. Nothing here decides anything itself.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, fields
from typing import Any, Dict, Optional, Union

from ._errors import InvalidInputError, _call
from ._ffi import antom_core as _ffi
from .transports import DEFAULT_TIMEOUT

__all__ = [
    "AttemptFailure",
    "RetryDecision",
    "RetryPolicy",
    "SendEvent",
    "attempt_timeout",
    "decide_retry",
    "mask_body",
    "span_name",
]

_BodyLike = Union[bytes, bytearray, memoryview, str]

_DEFAULT = _ffi.default_retry_policy()
_U32 = 2**32 - 1
_U64 = 2**64 - 1


def _bytes(body: _BodyLike) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"body must be bytes or str, not {type(body).__name__}")


def _unsigned(name: str, value: object, top: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value <= top:
        raise InvalidInputError(f"INVALID_INPUT: {name} must be from 0 to {top}")
    return value


@dataclass(frozen=True)
class RetryPolicy:
    """How :meth:`Client.send` retries: attempts, backoff, each attempt's timeout and one
    deadline over the whole send. The defaults are the core's (``default_retry_policy``): one
    attempt (no retries) with a 30 s timeout; backoff from 500 ms doubling to 5 s (jittered)
    and a 60 s deadline once ``max_attempts`` is raised.

    When to retry is the core's rule, the same in every runtime: only after a transport error,
    a timeout or an HTTP 5xx, only for a request whose API has an idempotency field the body
    carries (or an inquiry), unless ``retry_without_idempotency_key``. Checked when made
    (``check_retry_policy``): :class:`InvalidInputError` names the bound.
    """

    #: Attempts in all, 1 to 10; 1 means no retries.
    max_attempts: int = _DEFAULT.max_attempts
    #: The first backoff in ms, before jitter.
    initial_backoff_ms: int = _DEFAULT.initial_backoff_ms
    #: The backoff cap in ms, before jitter.
    max_backoff_ms: int = _DEFAULT.max_backoff_ms
    #: The longest one attempt may take, in ms.
    attempt_timeout_ms: int = _DEFAULT.attempt_timeout_ms
    #: The longest the whole send may take (every attempt and every wait), in ms.
    deadline_ms: int = _DEFAULT.deadline_ms
    #: Retry even a request without an idempotency key (Antom may perform it twice).
    retry_without_idempotency_key: bool = _DEFAULT.retry_without_idempotency_key

    def __post_init__(self) -> None:
        _unsigned("RetryPolicy.max_attempts", self.max_attempts, _U32)
        for name in ("initial_backoff_ms", "max_backoff_ms", "attempt_timeout_ms", "deadline_ms"):
            _unsigned(f"RetryPolicy.{name}", getattr(self, name), _U64)
        if not isinstance(self.retry_without_idempotency_key, bool):
            raise TypeError("RetryPolicy.retry_without_idempotency_key must be a bool")
        _call(_ffi.check_retry_policy, self._native())

    @classmethod
    def simple(cls, retries: int = 0, timeout_seconds: float = DEFAULT_TIMEOUT) -> "RetryPolicy":
        """The policy of ``send(retries=..., timeout=...)`` (the core's
        ``simple_retry_policy``): ``retries`` extra attempts, each with ``timeout_seconds``, the
        default backoff and a deadline that fits them all."""
        return cls._wrap(_ffi.simple_retry_policy(*_simple_args(retries, timeout_seconds)))

    @classmethod
    def _wrap(cls, native: "_ffi.RetryPolicy") -> "RetryPolicy":
        return cls(
            max_attempts=native.max_attempts,
            initial_backoff_ms=native.initial_backoff_ms,
            max_backoff_ms=native.max_backoff_ms,
            attempt_timeout_ms=native.attempt_timeout_ms,
            deadline_ms=native.deadline_ms,
            retry_without_idempotency_key=native.retry_without_idempotency_key,
        )

    def _native(self) -> "_ffi.RetryPolicy":
        return _ffi.RetryPolicy(
            max_attempts=self.max_attempts,
            initial_backoff_ms=self.initial_backoff_ms,
            max_backoff_ms=self.max_backoff_ms,
            attempt_timeout_ms=self.attempt_timeout_ms,
            deadline_ms=self.deadline_ms,
            retry_without_idempotency_key=self.retry_without_idempotency_key,
        )


def _simple_args(retries: object, timeout_seconds: object) -> "tuple[int, int]":
    """``(retries, attempt_timeout_ms)`` for ``simple_retry_policy``; ``ValueError`` for
    arguments that are not a count and a positive number of seconds."""
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= _U32:
        raise ValueError("retries must be an int >= 0")
    if isinstance(timeout_seconds, bool) or not isinstance(timeout_seconds, (int, float)):
        raise ValueError("timeout must be a number of seconds")
    if not (timeout_seconds > 0 and math.isfinite(timeout_seconds)):
        raise ValueError("timeout must be > 0 seconds")
    return retries, min(_U64, max(1, math.ceil(timeout_seconds * 1000)))


@dataclass(frozen=True)
class AttemptFailure:
    """What went wrong with one attempt: ``AttemptFailure.transport()`` (nothing sent, or the
    reply not read), ``AttemptFailure.timeout()`` or ``AttemptFailure.http_status(503)``."""

    #: ``"transport"``, ``"timeout"`` or ``"http_status"``.
    kind: str
    #: The HTTP status, for ``"http_status"`` only.
    status: Optional[int] = None

    def __post_init__(self) -> None:
        if self.kind == "http_status":
            _unsigned("AttemptFailure.status", self.status, 2**16 - 1)
        elif self.kind in ("transport", "timeout"):
            if self.status is not None:
                raise TypeError(f"a {self.kind} failure has no status")
        else:
            raise ValueError("AttemptFailure.kind must be 'transport', 'timeout' or 'http_status'")

    @classmethod
    def transport(cls) -> "AttemptFailure":
        return cls("transport")

    @classmethod
    def timeout(cls) -> "AttemptFailure":
        return cls("timeout")

    @classmethod
    def http_status(cls, status: int) -> "AttemptFailure":
        return cls("http_status", status)

    @property
    def code(self) -> str:
        """The stable code of a send that ended with this failure (the core's):
        ``TRANSPORT_ERROR``, ``TIMEOUT`` or ``HTTP_STATUS``."""
        return _ffi.attempt_failure_code(self._native())

    def message(self, timeout_ms: int) -> str:
        """The core's message for a send that ended with this failure (the attempt had
        ``timeout_ms``): the outcome is unknown, inquire."""
        return _ffi.attempt_failure_message(self._native(), _unsigned("timeout_ms", timeout_ms, _U64))

    def _native(self) -> Any:
        # The generated variants are nested classes, not subclasses mypy can see.
        if self.kind == "transport":
            return _ffi.AttemptFailure.TRANSPORT()  # type: ignore[no-untyped-call]
        if self.kind == "timeout":
            return _ffi.AttemptFailure.TIMEOUT()  # type: ignore[no-untyped-call]
        return _ffi.AttemptFailure.HTTP_STATUS(status=self.status or 0)


@dataclass(frozen=True)
class RetryDecision:
    """What follows a failed attempt (the core's decision)."""

    #: Whether to send the identical request again.
    retry: bool
    #: The wait before it, in ms (0 when not retrying).
    delay_ms: int
    #: ``"RETRY"`` or why not: ``RETRIES_OFF``, ``NOT_RETRYABLE``, ``NO_IDEMPOTENCY_KEY``,
    #: ``ATTEMPTS_EXHAUSTED``, ``DEADLINE_REACHED``.
    reason: str


def _random() -> int:
    return secrets.randbits(53)


def decide_retry(
    policy: RetryPolicy,
    path: str,
    body: _BodyLike,
    attempt: int,
    elapsed_ms: int,
    failure: AttemptFailure,
    random: Optional[int] = None,
) -> RetryDecision:
    """The core's decision after the failed attempt number ``attempt`` (from 1) of a request
    to ``path`` (a path or catalogue name) with ``body``, ``elapsed_ms`` after the first
    attempt started. ``random`` picks the jitter (default: ``secrets.randbits(53)``)."""
    if not isinstance(policy, RetryPolicy):
        raise TypeError(f"policy must be a RetryPolicy, not {type(policy).__name__}")
    if not isinstance(failure, AttemptFailure):
        raise TypeError(f"failure must be an AttemptFailure, not {type(failure).__name__}")
    if not isinstance(path, str):
        raise TypeError(f"path must be str, not {type(path).__name__}")
    d = _ffi.decide_retry(
        policy._native(),
        path,
        _bytes(body),
        _unsigned("attempt", attempt, _U32),
        _unsigned("elapsed_ms", elapsed_ms, _U64),
        failure._native(),
        _unsigned("random", _random() if random is None else random, _U64),
    )
    return RetryDecision(retry=d.retry, delay_ms=d.delay_ms, reason=d.reason)


def attempt_timeout(policy: RetryPolicy, elapsed_ms: int) -> Optional[int]:
    """The timeout in ms of an attempt starting ``elapsed_ms`` after the first one started:
    the smaller of the policy's attempt timeout and what is left of its deadline; ``None``
    when the deadline has passed (start no attempt)."""
    if not isinstance(policy, RetryPolicy):
        raise TypeError(f"policy must be a RetryPolicy, not {type(policy).__name__}")
    return _ffi.attempt_timeout_ms(policy._native(), _unsigned("elapsed_ms", elapsed_ms, _U64))


def span_name(path: str) -> str:
    """The OpenTelemetry span name of a send to ``path``: ``"antom <catalogue name>"``
    (``"antom payments.pay"``), or ``"antom unknown"``."""
    if not isinstance(path, str):
        raise TypeError(f"path must be str, not {type(path).__name__}")
    return _ffi.span_name(path)


def api_name(path: str) -> Optional[str]:
    """The catalogue name (``"payments.pay"``) of a path or API, or ``None``."""
    return _ffi.api_name(path)


def mask_body(body: _BodyLike) -> str:
    """``body`` as it may be shown (the core's ``mask_body``): every value of a card number,
    CVV, expiry, account number, name, email, phone, identity document or token field is
    ``"<masked>"`` at any depth; a body that is not JSON is ``"<N bytes>"``."""
    return _ffi.mask_body(_bytes(body))


@dataclass(frozen=True)
class SendEvent:
    """One attempt of a send, in the core's event shape (the same in every runtime). No
    header value, key, signature or body, unless ``include_bodies=True`` was asked for, and
    then only :func:`mask_body`'s output."""

    #: The catalogue name (``"payments.pay"``), ``"unknown"`` if not in the catalogue.
    api: str
    #: The path requested.
    path: str
    #: The attempt's number, from 1.
    attempt: int
    #: How long the attempt took, in ms.
    duration_ms: int = 0
    #: The reply's HTTP status, if a reply came.
    http_status: Optional[int] = None
    #: ``result.resultStatus`` of a verified reply (``"S"``, ``"F"``, ``"U"``).
    result_status: Optional[str] = None
    #: ``result.resultCode`` of a verified reply.
    result_code: Optional[str] = None
    #: The outcome's name (``"SUCCEEDED"``...).
    outcome: Optional[str] = None
    #: The failure's code (``TRANSPORT_ERROR``...) or the verification error's code.
    error_code: Optional[str] = None
    #: ``"RETRY"`` or the stop reason's code, after a failure.
    retry: Optional[str] = None
    #: The wait before the next attempt, when retrying, in ms.
    retry_delay_ms: Optional[int] = None
    #: The request body's length in bytes.
    request_body_len: int = 0
    #: The reply body's length in bytes, if one was read.
    response_body_len: Optional[int] = None
    #: The masked request body, only with ``include_bodies=True``.
    request_body: Optional[str] = None
    #: The masked reply body, only with ``include_bodies=True``.
    response_body: Optional[str] = None

    @classmethod
    def _new(cls, path: str, attempt: int, request_body_len: int) -> "SendEvent":
        e = _ffi.new_send_event(path, attempt, request_body_len)
        return cls(**{f.name: getattr(e, f.name) for f in fields(cls)})

    def attributes(self) -> Dict[str, Union[str, int]]:
        """The OpenTelemetry attributes of the event under the core's keys (``antom.api``,
        ``url.path``, ``antom.attempt``, ``http.response.status_code``, ``error.type``...),
        unset fields left out."""
        native = _ffi.SendEvent(**{f.name: getattr(self, f.name) for f in fields(self)})
        out: Dict[str, Union[str, int]] = {}
        for a in _ffi.send_event_attributes(native):
            out[a.key] = a.string_value if a.string_value is not None else a.int_value  # type: ignore[assignment]
        return out
