"""A typed dispatcher: one handler per notification type, exactly once through a store.

::

    from antom_core.dedup import PostgresStore
    from antom_core.webhooks.dispatcher import Dispatcher

    dispatcher = Dispatcher(client, store=PostgresStore(DATABASE_URL))

    @dispatcher.on("PAYMENT_RESULT")
    def paid(delivery):                      # delivery.model: a NotifyPaymentRequest
        if delivery.outcome is Outcome.SUCCEEDED:
            delivery.tx.execute("UPDATE orders SET paid = true WHERE id = %s",
                                (delivery.model.payment_request_id,))

    @dispatcher.fallback
    def other(delivery): ...                 # any other type (delivery.model may be None)

    # in a view: dispatcher.handle(path, headers, body) -> WebhookAnswer, or the adapters:
    # antom_core.webhooks.fastapi.dispatch(request, dispatcher, path="/antom/notify")

For each delivery, in order:

1. verify (:meth:`Client.verify_notification <antom_core.Client.verify_notification>`): a
   forgery answers ``401`` with the error code, and nothing else happens;
2. pick the handler of its ``notify_type`` (else the fallback); without either, acknowledge
   (``200``; retrying would not help) and log the type at WARNING;
3. parse the body into the typed model (registered, or the one :data:`NOTIFICATION_MODELS`
   names): a body that does not fit answers ``500`` ``INVALID_MODEL``;
4. run the handler once per ``dedup_key`` through the store
   (:func:`antom_core.dedup.process_once`: ``200`` ACK after it committed, or for a
   duplicate; ``500`` to be delivered again). Without a store the handler runs on every
   delivery (``500`` ``CALLBACK_FAILED`` if it raises).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple, Type, Union, overload

from .. import models as _models
from .._api import NOTIFICATION_ACK, Body, Client, Headers, Notification
from .._outcome import Outcome
from . import WebhookAnswer, _failed, _verify

__all__ = ["Delivery", "Dispatcher", "Handler", "NOTIFICATION_MODELS", "INVALID_MODEL"]

_log = logging.getLogger("antom_core.webhooks")

#: The body of the ``500`` answer when a verified body does not fit its model.
INVALID_MODEL = "INVALID_MODEL"


def _notification_models() -> Dict[str, Type[Any]]:
    table: Dict[str, Type[Any]] = {}
    for name in _models.__all__:
        cls = getattr(_models, name, None)
        for notify_type in getattr(cls, "NOTIFY_TYPES", ()) or ():
            table[notify_type] = cls  # type: ignore[assignment]
    # The notifications named by another field (the core's notify_type takes the first of
    # notifyType, authorizationNotifyType, disputeNotificationType,
    # subscriptionNotificationType).
    for enum_name, model_name in (
        ("DisputeNotificationType", "DisputeNotify"),
        ("SubscriptionNotificationType", "SubscriptionNotify"),
    ):
        cls = getattr(_models, model_name, None)
        for value in _models.KNOWN_VALUES.get(enum_name, ()) if cls is not None else ():
            table.setdefault(value, cls)  # type: ignore[arg-type]
    auth = getattr(_models, "AuthNotify", None)
    if auth is not None:
        for value in ("AUTHCODE_CREATED", "TOKEN_CREATED", "TOKEN_CANCELED"):
            table.setdefault(value, auth)
    return table


#: The typed model of each ``notify_type`` (``PAYMENT_RESULT`` → ``NotifyPaymentRequest``,
#: ``REFUND_RESULT`` → ``NotifyRefundRequest``, ``CAPTURE_RESULT`` → ``NotifyCaptureRequest``,
#: dispute, subscription and authorization types...), from :mod:`antom_core.models`.
NOTIFICATION_MODELS: Dict[str, Type[Any]] = _notification_models()


@dataclass(frozen=True)
class Delivery:
    """What a handler receives: the verified notification, its typed model, and the store's
    transaction (``tx``: the SQL store's connection, whose transaction also records the
    completion; ``None`` for Redis or without a store). ``repr()`` shows no body."""

    #: The verified notification (``.outcome``, ``.dedup_key``, ``.body``...).
    notification: Notification
    #: The body parsed into its model (``None`` for a fallback without a known model).
    model: Any
    #: The store's connection in the completion's transaction, or ``None``.
    tx: Any = None

    @property
    def notify_type(self) -> Optional[str]:
        """``notification.notify_type``."""
        return self.notification.notify_type

    @property
    def outcome(self) -> Outcome:
        """``notification.outcome``: only ``SUCCEEDED`` proves payment."""
        return self.notification.outcome

    @property
    def dedup_key(self) -> str:
        """``notification.dedup_key``."""
        return self.notification.dedup_key

    def __repr__(self) -> str:
        model = None if self.model is None else type(self.model).__name__
        return f"Delivery(notify_type={self.notify_type!r}, model={model}, outcome={self.outcome.value!r})"


#: A handler: ``handler(delivery)``; its return value is ignored; raising answers 500.
Handler = Callable[[Delivery], Any]


class Dispatcher:
    """Routes verified notifications to a handler per ``notify_type`` (see the module).

    ``client``: the :class:`antom_core.Client` that verifies. ``store``: a
    :class:`antom_core.dedup.DedupStore` (``None``: no deduplication). ``lease_ms``: the
    claim's lease (checked now: 1 s to 1 h, default 60 s). ``max_age_ms``: passed to
    ``verify_notification`` (off by default)."""

    def __init__(
        self,
        client: Client,
        *,
        store: Optional[Any] = None,
        lease_ms: Optional[int] = None,
        max_age_ms: Optional[int] = None,
    ) -> None:
        from ..dedup import lease_ms as check_lease

        self.client = client
        self.store = store
        self.lease_ms = check_lease(lease_ms)
        self.max_age_ms = max_age_ms
        self._handlers: Dict[str, Tuple[Handler, Optional[Type[Any]]]] = {}
        self._fallback: Optional[Handler] = None

    @overload
    def on(
        self, notify_type: str, handler: None = None, *, model: Optional[Type[Any]] = None
    ) -> Callable[[Handler], Handler]: ...

    @overload
    def on(self, notify_type: str, handler: Handler, *, model: Optional[Type[Any]] = None) -> Handler: ...

    def on(
        self, notify_type: str, handler: Optional[Handler] = None, *, model: Optional[Type[Any]] = None
    ) -> Union[Handler, Callable[[Handler], Handler]]:
        """Registers ``handler`` for ``notify_type`` (``"PAYMENT_RESULT"``...), parsing into
        ``model`` (default: :data:`NOTIFICATION_MODELS`; ``None`` there: no parsing). Usable
        as a decorator: ``@dispatcher.on("REFUND_RESULT")``. A type registered twice raises
        ``ValueError``."""
        if not isinstance(notify_type, str) or not notify_type:
            raise ValueError("notify_type must be a non-empty string")
        if notify_type in self._handlers:
            raise ValueError(f"a handler for {notify_type} is registered already")
        chosen = model if model is not None else NOTIFICATION_MODELS.get(notify_type)

        def register(fn: Handler) -> Handler:
            if not callable(fn):
                raise TypeError("the handler must be callable")
            self._handlers[notify_type] = (fn, chosen)
            return fn

        return register if handler is None else register(handler)

    def fallback(self, handler: Handler) -> Handler:
        """Registers the handler of every type without its own (decorator or call); it
        receives the known model when there is one, else ``model=None``."""
        if not callable(handler):
            raise TypeError("the handler must be callable")
        self._fallback = handler
        return handler

    def handle(self, path: str, headers: Headers, body: Body) -> WebhookAnswer:
        """Verifies, routes, parses, deduplicates and runs the handler; returns the answer
        (``status, body = answer``). Synchronous (stores are): from async code run it in a
        thread, as :func:`antom_core.webhooks.fastapi.dispatch` does."""
        verdict = _verify(self.client, path, headers, body, self.max_age_ms)
        if isinstance(verdict, WebhookAnswer):
            return verdict
        return self.dispatch(verdict)

    def dispatch(self, notification: Notification) -> WebhookAnswer:
        """Steps 2 to 4 for a notification already verified."""
        entry = self._handlers.get(notification.notify_type or "")
        if entry is not None:
            handler, model_class = entry
        elif self._fallback is not None:
            handler = self._fallback
            model_class = NOTIFICATION_MODELS.get(notification.notify_type or "")
        else:
            _log.warning(
                "no handler for notification type %r: acknowledged without processing",
                notification.notify_type,
            )
            return WebhookAnswer(200, NOTIFICATION_ACK)
        model = None
        if model_class is not None:
            try:
                model = model_class.from_json(notification.body)
            except _models.ModelError as error:
                _log.error("a verified notification does not fit its model: %s", error)
                return WebhookAnswer(500, INVALID_MODEL)

        if self.store is None:
            try:
                handler(Delivery(notification, model, None))
            except Exception as error:
                return _failed(error)
            return WebhookAnswer(200, NOTIFICATION_ACK)

        from ..dedup import process_once

        def effect(verified: Notification, tx: Any) -> Any:
            return handler(Delivery(verified, model, tx))

        return process_once(self.store, notification, effect, lease_ms=self.lease_ms)
