"""The webhook endpoints of python/README.md, as real FastAPI, Flask and Django apps (one
module each). The code between `# README:` and `# end README` in each module is the code the
README shows, character for character (tests/test_webhooks.py checks it)."""

from __future__ import annotations

from typing import List

import antom_core
from support import CLIENT_ID, key_text

NOTIFY_PATH = "/antom/notify"

# A verify-only client: a webhook never needs the private key.
client = antom_core.Client(
    client_id=CLIENT_ID, antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64")
)

#: What the callback processed, in order (the tests read it).
RECEIVED: List[antom_core.Notification] = []


def on_notification(notification: antom_core.Notification) -> None:
    """The merchant's processing. A request id starting with `fail-` plays a database that is
    down: the callback raises, so the endpoint answers 500 and Antom would deliver again."""
    if str(notification.json().get("paymentRequestId", "")).startswith("fail-"):
        raise RuntimeError("the database is down")
    RECEIVED.append(notification)
