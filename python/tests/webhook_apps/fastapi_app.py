"""The README's FastAPI endpoint (served by uvicorn in tests/test_webhooks.py)."""

from __future__ import annotations

import asyncio

from antom_core import Notification
from webhook_apps import client, on_notification

# README: fastapi
from fastapi import FastAPI, Request, Response

from antom_core.webhooks import fastapi as antom_webhook

app = FastAPI()


@app.post("/antom/notify")
async def notify(request: Request) -> Response:
    return await antom_webhook.respond(request, client, on_notification, path="/antom/notify")
# end README


@app.post("/consumed")
async def consumed(request: Request) -> Response:
    """Not in the README: something read the stream before the adapter."""
    async for _ in request.stream():
        pass
    return await antom_webhook.respond(request, client, on_notification, path="/antom/notify")


async def on_notification_async(notification: Notification) -> None:
    """Not in the README: an async callback is awaited (a plain one runs in the thread pool)."""
    await asyncio.sleep(0)
    on_notification(notification)


@app.post("/async")
async def notify_async(request: Request) -> Response:
    return await antom_webhook.respond(request, client, on_notification_async, path="/antom/notify")
