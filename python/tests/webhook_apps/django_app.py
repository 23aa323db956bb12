"""The README's Django view and URL (Django's WSGI app under wsgiref in
tests/test_webhooks.py, with CsrfViewMiddleware on)."""

from __future__ import annotations

from webhook_apps import client, on_notification

# README: django
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from antom_core.webhooks import django as antom_webhook


@csrf_exempt  # Antom sends no CSRF token: the signature is what authenticates the request
@require_POST
def notify(request: HttpRequest) -> HttpResponse:
    return antom_webhook.respond(request, client, on_notification, path="/antom/notify")


urlpatterns = [path("antom/notify", notify)]
# end README


@csrf_exempt
def consumed(request: HttpRequest) -> HttpResponse:
    """Not in the README: something read the stream before the adapter."""
    request.read()
    return antom_webhook.respond(request, client, on_notification, path="/antom/notify")


urlpatterns.append(path("consumed", consumed))
