"""FastAPI / Starlette: answer an Antom notification from an async route.

::

    from fastapi import FastAPI, Request, Response
    from antom_core.webhooks import fastapi as antom_webhook

    app = FastAPI()

    @app.post("/antom/notify")
    async def notify(request: Request) -> Response:
        return await antom_webhook.respond(request, client, on_notification, path="/antom/notify")

With a typed :class:`~antom_core.webhooks.dispatcher.Dispatcher` (a handler per type,
exactly once through a store)::

    @app.post("/antom/notify")
    async def notify(request: Request) -> Response:
        return await antom_webhook.dispatch(request, dispatcher, path="/antom/notify")

Starlette and FastAPI are imported only when :func:`respond` or :func:`dispatch` is called.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, List, Optional, Union

from .._api import Client, Notification
from . import AsyncCallback, _declared_length, _oversized, handle_notification_async

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from .dispatcher import Dispatcher

__all__ = ["dispatch", "respond"]


async def _read_body(request: "Request", client: Client) -> Union[bytes, "Response"]:
    """The raw body, read with a bound: Content-Length first, then the bytes so far (a
    chunked body has none); past ``client.max_body_bytes``, the 401 to answer instead."""
    from starlette.responses import Response

    refused = _oversized(client, _declared_length(request.headers.get("content-length")))
    if refused is not None:
        return Response(refused.body, status_code=refused.status, media_type=refused.content_type)
    chunks: List[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        refused = _oversized(client, size)
        if refused is not None:
            return Response(refused.body, status_code=refused.status, media_type=refused.content_type)
        chunks.append(chunk)
    return b"".join(chunks)


async def dispatch(request: "Request", dispatcher: "Dispatcher", *, path: str) -> "Response":
    """Reads the raw body (bounded as in :func:`respond`) and answers with
    ``dispatcher.handle(path, request.headers, body)`` run in Starlette's thread pool (the
    stores and handlers are synchronous): ``200`` ACK, ``401`` + the error code, or ``500``
    so that Antom delivers again."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    body = await _read_body(request, dispatcher.client)
    if not isinstance(body, bytes):
        return body
    answer = await run_in_threadpool(dispatcher.handle, path, request.headers, body)
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type)


async def respond(
    request: "Request",
    client: Client,
    callback: AsyncCallback,
    *,
    path: str,
    max_age_ms: Optional[int] = None,
) -> "Response":
    """Reads the raw body (``await request.body()``), verifies it with ``request.headers``
    for ``path`` (the path of the notify URL registered with Antom), runs ``callback`` and
    returns the answer (:func:`antom_core.webhooks.handle_notification`): ``200`` +
    ``NOTIFICATION_ACK``, ``401`` + the error code, or ``500`` when the callback raised.

    A coroutine function is awaited; a plain function runs in Starlette's thread pool, so a
    blocking database call does not stall the event loop."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    async def call(notification: Notification) -> Any:
        if inspect.iscoroutinefunction(callback):
            return await callback(notification)
        result = await run_in_threadpool(callback, notification)
        if inspect.isawaitable(result):
            await result
        return None

    body = await _read_body(request, client)
    if not isinstance(body, bytes):
        return body
    answer = await handle_notification_async(
        client, path, request.headers, body, call, max_age_ms=max_age_ms
    )
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type)
