"""``Client.send``: one prepared request on the wire, its reply verified, and the outcome.

The rules here are about the exchange, not the protocol: a reply that never came (transport
error, timeout) or came with a non-2xx status says nothing about the operation, so its outcome
is ``UNKNOWN``; a 2xx reply goes to the core (``Client.verify_response``), which decides.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Optional, Union

from ._outcome import Outcome
from .transports import HttpReply, Transport, default_transport

if TYPE_CHECKING:
    from ._api import ApiResponse, Client, PreparedRequest

__all__ = ["SendError", "SendErrorCode", "SendResult"]

#: Why :meth:`Client.send` got no verifiable reply.
SendErrorCode = Literal["TRANSPORT_ERROR", "TIMEOUT", "HTTP_STATUS"]

# How much of an exception's text a SendError repeats (its type is always named).
_DETAIL_CHARS = 200


@dataclass(frozen=True)
class SendError:
    """Why there is no verified response. The request may or may not have taken effect:
    the outcome is ``UNKNOWN``, so inquire (or resend the identical request)."""

    #: ``"TRANSPORT_ERROR"`` (no reply: connection refused or reset, DNS, TLS...),
    #: ``"TIMEOUT"`` (no reply within the timeout) or ``"HTTP_STATUS"`` (a non-2xx reply,
    #: which is never verified).
    code: SendErrorCode
    #: What happened, for logs: never a key, a signature or a body.
    message: str


@dataclass(frozen=True)
class SendResult:
    """What :meth:`Client.send` returns: branch on :attr:`outcome`."""

    #: The outcome of the operation: the verified response's (the core's decision), else
    #: ``UNKNOWN``. Only ``SUCCEEDED`` is proof; ``UNKNOWN`` / ``PENDING``: inquire, never
    #: ask the buyer to pay again.
    outcome: Outcome
    #: The verified response (2xx replies only), or ``None`` when :attr:`error` is set.
    response: Optional["ApiResponse"]
    #: The HTTP status of the last reply, or ``None`` when no reply came.
    http_status: Optional[int]
    #: ``None``, or why there is no verified response.
    error: Optional[SendError]
    #: The request that was sent (every attempt sent these exact bytes and headers): resend
    #: it with :meth:`Client.send_prepared` to retry later with the same request id.
    request: "PreparedRequest"
    #: How many times the request was sent (``1 + retries`` at most).
    attempts: int


def _describe(error: BaseException) -> str:
    detail = str(error)
    if len(detail) > _DETAIL_CHARS:
        detail = detail[:_DETAIL_CHARS] + "..."
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _exchange(
    transport: Transport, request: "PreparedRequest", timeout: float, max_body_bytes: int
) -> Union[HttpReply, SendError]:
    try:
        return transport.post(
            request.url, request.headers, request.body, timeout=timeout, max_body_bytes=max_body_bytes
        )
    except TimeoutError as error:
        return SendError("TIMEOUT", _describe(error))
    except Exception as error:  # any failure to exchange: the outcome is unknown, not raised
        return SendError("TRANSPORT_ERROR", _describe(error))


def _retryable(answer: Union[HttpReply, SendError]) -> bool:
    if isinstance(answer, SendError):
        return True
    return answer.status >= 500


def send_prepared(
    client: "Client",
    request: "PreparedRequest",
    *,
    timeout: float,
    retries: int,
    retry_delay: float,
    transport: Optional[Transport],
) -> SendResult:
    """See :meth:`Client.send_prepared`."""
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ValueError("retries must be an int >= 0")
    if not timeout > 0:
        raise ValueError("timeout must be > 0 seconds")
    if retry_delay < 0:
        raise ValueError("retry_delay must be >= 0 seconds")
    http = default_transport() if transport is None else transport
    attempts = 0
    while True:
        attempts += 1
        answer = _exchange(http, request, timeout, client.max_body_bytes)
        if attempts > retries or not _retryable(answer):
            break
        time.sleep(retry_delay)
    if isinstance(answer, SendError):
        return SendResult(Outcome.UNKNOWN, None, None, answer, request, attempts)
    if not 200 <= answer.status < 300:
        error = SendError("HTTP_STATUS", f"HTTP {answer.status}: not a verifiable API reply")
        return SendResult(Outcome.UNKNOWN, None, answer.status, error, request, attempts)
    # Raises AntomError when the reply does not verify: the request may have taken effect.
    response = client.verify_response(request.path, answer.headers, answer.body)
    return SendResult(response.outcome, response, answer.status, None, request, attempts)
