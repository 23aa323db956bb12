"""Flask: answer an Antom notification from a view.

::

    from flask import Flask
    from antom_core.webhooks import flask as antom_webhook

    app = Flask(__name__)

    @app.post("/antom/notify")
    def notify():
        return antom_webhook.respond(client, on_notification, path="/antom/notify")

With a typed :class:`~antom_core.webhooks.dispatcher.Dispatcher`:
``return antom_webhook.dispatch(dispatcher, path="/antom/notify")``.

Flask is imported only when :func:`respond` or :func:`dispatch` is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Union

from .._api import Client
from . import Callback, _oversized, handle_notification

if TYPE_CHECKING:
    import flask

    from .dispatcher import Dispatcher

__all__ = ["dispatch", "respond"]


def _raw_body(request: Any) -> bytes:
    """The exact bytes received: ``get_data(cache=False, as_text=False)``. Refused when the
    body was consumed before (form parsing or a stream read leave fewer bytes than
    ``Content-Length``): verifying what is left would only fail, or hide the bug."""
    body: bytes = request.get_data(cache=False, as_text=False)
    expected = request.content_length
    if expected is not None and len(body) != expected:
        raise RuntimeError(
            "the request body was already consumed (request.form, request.stream...) before "
            "the notification could be verified: call respond() before anything reads the body"
        )
    return body


def respond(
    client: Client,
    callback: Callback,
    *,
    path: str,
    max_age_ms: Optional[int] = None,
    request: Optional[Any] = None,
) -> "flask.Response":
    """Verifies the current request (``flask.request``, or ``request``) for ``path`` (the
    path of the notify URL registered with Antom) from its raw body and headers, runs
    ``callback`` and returns the answer (:func:`antom_core.webhooks.handle_notification`):
    ``200`` + ``NOTIFICATION_ACK``, ``401`` + the error code, or ``500`` when the callback
    raised.

    Raises ``RuntimeError`` when the body was already consumed (Flask answers 500 and
    Antom retries): nothing may read ``request.form`` or ``request.stream`` before."""
    import flask

    current = flask.request if request is None else request
    body = _read_body(current, client)
    if not isinstance(body, bytes):
        return body
    answer = handle_notification(
        client, path, current.headers, body, callback, max_age_ms=max_age_ms
    )
    return flask.Response(answer.body, status=answer.status, content_type=answer.content_type)


def _read_body(current: Any, client: Client) -> Union[bytes, "flask.Response"]:
    """The raw body, read with a bound: Content-Length first; a body without one (chunked)
    at most one byte past the limit. Past ``client.max_body_bytes``, the 401 to answer."""
    import flask

    refused = _oversized(client, current.content_length)
    body = b""
    if refused is None and current.content_length is None:
        body = current.stream.read(client.max_body_bytes + 1)
        refused = _oversized(client, len(body))
    elif refused is None:
        body = _raw_body(current)
    if refused is not None:
        return flask.Response(refused.body, status=refused.status, content_type=refused.content_type)
    return body


def dispatch(
    dispatcher: "Dispatcher", *, path: str, request: Optional[Any] = None
) -> "flask.Response":
    """Reads the current request's raw body (bounded as in :func:`respond`) and answers with
    ``dispatcher.handle(path, headers, body)``: ``200`` ACK, ``401`` + the error code, or
    ``500`` so that Antom delivers again."""
    import flask

    current = flask.request if request is None else request
    body = _read_body(current, dispatcher.client)
    if not isinstance(body, bytes):
        return body
    answer = dispatcher.handle(path, current.headers, body)
    return flask.Response(answer.body, status=answer.status, content_type=answer.content_type)
