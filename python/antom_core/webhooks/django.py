"""Django: answer an Antom notification from a view (CSRF-exempt: Antom has no token).

::

    from django.views.decorators.csrf import csrf_exempt
    from django.views.decorators.http import require_POST
    from antom_core.webhooks import django as antom_webhook

    @csrf_exempt
    @require_POST
    def notify(request):
        return antom_webhook.respond(request, client, on_notification, path="/antom/notify")

With a typed :class:`~antom_core.webhooks.dispatcher.Dispatcher`:
``return antom_webhook.dispatch(request, dispatcher, path="/antom/notify")``.

Django is imported only when :func:`respond` or :func:`dispatch` is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .._api import Client
from . import Callback, handle_notification

if TYPE_CHECKING:
    from django.http import HttpResponse  # type: ignore[import-untyped, unused-ignore]

    from .dispatcher import Dispatcher

__all__ = ["dispatch", "respond"]


def respond(
    request: Any,
    client: Client,
    callback: Callback,
    *,
    path: str,
    max_age_ms: Optional[int] = None,
) -> "HttpResponse":
    """Verifies ``request`` for ``path`` (the path of the notify URL registered with Antom)
    from ``request.body`` (the raw bytes) and ``request.headers``, runs ``callback`` and
    returns the answer (:func:`antom_core.webhooks.handle_notification`): ``200`` +
    ``NOTIFICATION_ACK``, ``401`` + the error code, or ``500`` when the callback raised.

    Raises ``RuntimeError`` when the body was already consumed (``request.POST`` of a
    multipart body, a read of the stream): Django answers 500 and Antom retries."""
    from django.http import HttpResponse  # type: ignore[import-untyped, unused-ignore]

    body = _raw_body(request)
    answer = handle_notification(
        client, path, request.headers, body, callback, max_age_ms=max_age_ms
    )
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


def _raw_body(request: Any) -> bytes:
    from django.http.request import RawPostDataException  # type: ignore[import-untyped, unused-ignore]

    try:
        body: bytes = request.body
    except RawPostDataException as error:
        raise RuntimeError(
            "the request body was already consumed before the notification could be verified: "
            "call respond() before anything reads request.POST or the stream"
        ) from error
    return body


def dispatch(request: Any, dispatcher: "Dispatcher", *, path: str) -> "HttpResponse":
    """Answers ``request`` with ``dispatcher.handle(path, request.headers, request.body)``:
    ``200`` ACK, ``401`` + the error code, or ``500`` so that Antom delivers again. Raises
    ``RuntimeError`` when the body was already consumed (as :func:`respond`)."""
    from django.http import HttpResponse  # type: ignore[import-untyped, unused-ignore]

    answer = dispatcher.handle(path, request.headers, _raw_body(request))
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
