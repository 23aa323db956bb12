"""Webhook (notification) endpoints: verify, run your callback, answer.

:func:`handle_notification` is framework-agnostic: raw body bytes and headers in, an
``(status, body)`` answer out. The adapters, each importing its framework only when called
(this package depends on none):

* :mod:`antom_core.webhooks.fastapi` — FastAPI / Starlette (``await request.body()``);
* :mod:`antom_core.webhooks.flask` — Flask (``request.get_data(cache=False)``);
* :mod:`antom_core.webhooks.django` — Django (``request.body``).

The answer, in order:

1. the notification does not verify: ``401`` with the error code only
   (``"SIGNATURE_MISMATCH"``...), and your callback is not called;
2. it verifies: your ``callback(notification)`` runs; if it raises, ``500`` (Antom delivers
   the notification again later), with ``"CALLBACK_FAILED"`` and the exception logged to the
   ``antom_core.webhooks`` logger;
3. the callback returned: ``200`` with :data:`antom_core.NOTIFICATION_ACK`.

Antom resends a notification until it is acknowledged, so the callback must be idempotent:
process each :attr:`Notification.dedup_key` once. Act on :attr:`Notification.outcome`: only
``SUCCEEDED`` proves payment.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, NamedTuple, Optional, Union

from .._api import NOTIFICATION_ACK, Body, Client, Headers, Notification
from .._errors import AntomError, _call
from .._ffi import antom_core as _ffi

__all__ = [
    "CALLBACK_FAILED",
    "AsyncCallback",
    "Callback",
    "WebhookAnswer",
    "handle_notification",
    "handle_notification_async",
]

#: The body of the ``500`` answer when the callback raised.
CALLBACK_FAILED = "CALLBACK_FAILED"

#: Your processing of a verified notification; its return value is ignored.
Callback = Callable[[Notification], Any]
#: The same, for async code: a coroutine function, or a plain function.
AsyncCallback = Callable[[Notification], Union[Awaitable[Any], Any]]

_log = logging.getLogger("antom_core.webhooks")


class WebhookAnswer(NamedTuple):
    """The HTTP answer to give Antom: ``status, body = answer``."""

    #: ``200`` (acknowledged), ``401`` (did not verify) or ``500`` (the callback raised).
    status: int
    #: :data:`NOTIFICATION_ACK` for ``200``, else an error code only.
    body: str

    @property
    def content_type(self) -> str:
        """``application/json`` for the acknowledgement, ``text/plain`` otherwise."""
        return "application/json" if self.status == 200 else "text/plain; charset=utf-8"


def _verify(
    client: Client, path: str, headers: Headers, body: Body, max_age_ms: Optional[int]
) -> Union[Notification, WebhookAnswer]:
    try:
        return client.verify_notification(path, headers, body, max_age_ms=max_age_ms)
    except AntomError as error:
        return WebhookAnswer(401, error.code)


def _oversized(client: Client, length: Optional[int]) -> Optional[WebhookAnswer]:
    """The answer to a body of ``length`` bytes over ``client.max_body_bytes`` (``401`` with
    the core's error code), known before the body is read; ``None`` when it fits or the
    length is not known yet. The adapters call it with ``Content-Length`` first, then with
    the bytes read so far, so an oversized body is never held in memory."""
    if length is None or length <= client.max_body_bytes:
        return None
    try:
        _call(_ffi.check_body_size, _ffi.BodyKind.NOTIFICATION, length, client.max_body_bytes)
    except AntomError as error:
        return WebhookAnswer(401, error.code)
    return WebhookAnswer(401, "INVALID_INPUT")  # not reached: the core refuses every such length


def _declared_length(value: Optional[str]) -> Optional[int]:
    """A ``Content-Length`` value as an int; ``None`` when absent or not a plain number."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _failed(error: Exception) -> WebhookAnswer:
    _log.error(
        "the notification callback raised %s; answering 500 so that Antom delivers it again",
        type(error).__name__,
        exc_info=error,
    )
    return WebhookAnswer(500, CALLBACK_FAILED)


def handle_notification(
    client: Client,
    path: str,
    headers: Headers,
    body: Body,
    callback: Callback,
    *,
    max_age_ms: Optional[int] = None,
) -> WebhookAnswer:
    """Verifies the notification Antom posted to ``path`` (the path of the notify URL you
    registered, e.g. ``"/antom/notify"``) from the raw ``headers`` and the raw ``body``
    bytes (never a re-serialised JSON value), then calls ``callback(notification)``, and
    returns the answer to send (see the module's documentation). ``max_age_ms`` is passed
    to :meth:`Client.verify_notification` (off by default).

    Raises ``TypeError`` when ``callback`` returns an awaitable: use
    :func:`handle_notification_async` from async code."""
    verdict = _verify(client, path, headers, body, max_age_ms)
    if isinstance(verdict, WebhookAnswer):
        return verdict
    try:
        result = callback(verdict)
    except Exception as error:
        return _failed(error)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if callable(close):
            close()  # never awaited: closed instead of left behind with a warning
        raise TypeError("the callback returned an awaitable: use handle_notification_async")
    return WebhookAnswer(200, NOTIFICATION_ACK)


async def handle_notification_async(
    client: Client,
    path: str,
    headers: Headers,
    body: Body,
    callback: AsyncCallback,
    *,
    max_age_ms: Optional[int] = None,
) -> WebhookAnswer:
    """:func:`handle_notification` for async code: ``callback`` may be a coroutine function
    (awaited) or a plain function (called in the event loop: keep it short, or see
    :func:`antom_core.webhooks.fastapi.respond`, which runs plain functions in a thread)."""
    verdict = _verify(client, path, headers, body, max_age_ms)
    if isinstance(verdict, WebhookAnswer):
        return verdict
    try:
        result = callback(verdict)
        if inspect.isawaitable(result):
            await result
    except Exception as error:
        return _failed(error)
    return WebhookAnswer(200, NOTIFICATION_ACK)
