"""The README's Flask endpoint (served by werkzeug's server in tests/test_webhooks.py)."""

from __future__ import annotations

from webhook_apps import client, on_notification

# README: flask
from flask import Flask, Response

from antom_core.webhooks import flask as antom_webhook

app = Flask(__name__)


@app.post("/antom/notify")
def notify() -> Response:
    return antom_webhook.respond(client, on_notification, path="/antom/notify")
# end README


@app.post("/consumed")
def consumed() -> Response:
    """Not in the README: something read the stream before the adapter."""
    from flask import request

    request.stream.read()
    return antom_webhook.respond(client, on_notification, path="/antom/notify")
