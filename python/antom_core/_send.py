"""``Client.send``: one prepared request on the wire, its reply verified, and the outcome.

The rules here are about the exchange, not the protocol: a reply that never came (transport
error, timeout) or came with a non-2xx status says nothing about the operation, so its outcome
is ``UNKNOWN``; a 2xx reply goes to the core (``Client.verify_response``), which decides.
Whether and when to send again is the core's decision too (``decide_retry``, through
:mod:`antom_core._retry`), as are each attempt's timeout under the deadline, the event shape,
its OpenTelemetry attributes and the masking of opted-in bodies. This module only loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import inspect
import logging
import threading
import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Literal, Optional, Union

from . import _external
from ._errors import AntomError
from ._outcome import Outcome
from ._retry import AttemptFailure, RetryPolicy, SendEvent, decide_retry, mask_body, span_name
from ._retry import attempt_timeout as _attempt_timeout
from .transports import DEFAULT_TIMEOUT, AsyncTransport, HttpReply, Transport, default_transport

if TYPE_CHECKING:
    from ._api import ApiResponse, Body, Client, PreparedRequest

__all__ = ["SendError", "SendErrorCode", "SendResult"]

#: Why :meth:`Client.send` got no verifiable reply.
SendErrorCode = Literal["TRANSPORT_ERROR", "TIMEOUT", "HTTP_STATUS"]

# How much of an exception's text a SendError repeats (its type is always named).
_DETAIL_CHARS = 200

_LOG = logging.getLogger("antom_core")


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
    #: ``None``, or why there is no verified response (the last attempt's failure).
    error: Optional[SendError]
    #: The request that was sent (every attempt sent these exact bytes and headers): resend
    #: it with :meth:`Client.send_prepared` to retry later with the same request id.
    request: "PreparedRequest"
    #: How many times the request was sent (at most the policy's ``max_attempts``).
    attempts: int
    #: Why no further attempt was made when :attr:`error` is set (the core's code:
    #: ``RETRIES_OFF``, ``NOT_RETRYABLE``, ``NO_IDEMPOTENCY_KEY``, ``ATTEMPTS_EXHAUSTED``,
    #: ``DEADLINE_REACHED``); ``None`` when a reply was verified.
    stop_reason: Optional[str] = None


@dataclass(frozen=True)
class _Options:
    policy: RetryPolicy
    transport: Union[Transport, AsyncTransport, None]
    on_event: Optional[Callable[[SendEvent], None]]
    include_bodies: bool
    tracer: Any


def options(
    *,
    timeout: Optional[float],
    retries: Optional[int],
    retry_delay: Optional[float],
    retry_policy: Optional[RetryPolicy],
    transport: Union[Transport, AsyncTransport, None],
    on_event: Optional[Callable[[SendEvent], None]],
    include_bodies: bool,
    tracer: Any,
) -> _Options:
    """Checks ``send``'s options (before anything is prepared or sent); called by the public
    methods directly, so a DeprecationWarning points at the caller's line."""
    if retry_delay is not None:
        warnings.warn(
            "retry_delay is ignored: the wait between attempts is the core's jittered backoff; "
            "pass retry_policy=RetryPolicy(...) to change it",
            DeprecationWarning,
            stacklevel=3,
        )
    if retry_policy is not None:
        if not isinstance(retry_policy, RetryPolicy):
            raise TypeError(f"retry_policy must be a RetryPolicy, not {type(retry_policy).__name__}")
        if timeout is not None or retries is not None:
            raise TypeError("retry_policy replaces timeout= and retries=: pass one or the other")
        policy = retry_policy
    else:
        policy = RetryPolicy.simple(
            0 if retries is None else retries, DEFAULT_TIMEOUT if timeout is None else timeout
        )
    if on_event is not None and not callable(on_event):
        raise TypeError("on_event must be callable")
    if not isinstance(include_bodies, bool):
        raise TypeError("include_bodies must be a bool")
    if tracer is not None and not callable(getattr(tracer, "start_span", None)):
        raise TypeError("tracer must be an opentelemetry.trace.Tracer")
    return _Options(policy, transport, on_event, include_bodies, tracer)


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


def is_async_transport(transport: Any) -> bool:
    """An :class:`AsyncTransport`: its ``post`` is a coroutine function (``async def``)."""
    return inspect.iscoroutinefunction(getattr(transport, "post", None))


async def _exchange_async(
    transport: AsyncTransport, request: "PreparedRequest", timeout: float, max_body_bytes: int
) -> Union[HttpReply, SendError]:
    try:
        return await transport.post(
            request.url, request.headers, request.body, timeout=timeout, max_body_bytes=max_body_bytes
        )
    except (TimeoutError, asyncio.TimeoutError) as error:
        return SendError("TIMEOUT", _describe(error))
    except Exception as error:  # any failure to exchange: the outcome is unknown, not raised
        return SendError("TRANSPORT_ERROR", _describe(error))


def _late(timeout_ms: int) -> SendError:
    return SendError("TIMEOUT", AttemptFailure.timeout().message(timeout_ms))


def _bounded_exchange(
    transport: Transport, request: "PreparedRequest", timeout_ms: int, max_body_bytes: int
) -> Union[HttpReply, SendError]:
    """One exchange that ends at ``timeout_ms`` as a whole: the transport's own timeout is per
    read (a reply trickling in would outlive it), so the transport runs on a worker thread
    (with this thread's context: OpenTelemetry spans nest) and is abandoned when late."""
    box: List[Union[HttpReply, SendError]] = []
    done = threading.Event()
    context = contextvars.copy_context()

    def work() -> None:
        box.append(context.run(_exchange, transport, request, timeout_ms / 1000, max_body_bytes))
        done.set()

    threading.Thread(target=work, name="antom-send", daemon=True).start()
    done.wait(timeout_ms / 1000)
    return box[0] if box else _late(timeout_ms)


async def _bounded_exchange_async(
    transport: Any, request: "PreparedRequest", timeout_ms: int, max_body_bytes: int
) -> Union[HttpReply, SendError]:
    """One exchange that ends at ``timeout_ms`` as a whole: an :class:`AsyncTransport` is
    awaited on the loop (no thread), a blocking :class:`Transport` runs in
    ``asyncio.to_thread``; either is cancelled (or abandoned) when late."""
    if is_async_transport(transport):
        exchange = _exchange_async(transport, request, timeout_ms / 1000, max_body_bytes)
    else:
        exchange = asyncio.to_thread(_exchange, transport, request, timeout_ms / 1000, max_body_bytes)
    try:
        return await asyncio.wait_for(exchange, timeout_ms / 1000)
    except asyncio.TimeoutError:
        return _late(timeout_ms)


async def prepare_async(
    client: "Client", api: str, body: "Body", request_time: Optional[int]
) -> "PreparedRequest":
    """:meth:`Client.prepare` for ``send_async``: a ``signer=`` that is a coroutine function
    (or returns an awaitable) is awaited; its result and failures are checked exactly as a
    plain signer's (:func:`_external.call_signer`)."""
    signer = client._signer
    if signer is None:
        return client.prepare(api, body, request_time)
    pending = client.prepare_external(api, body, request_time)
    try:
        signed = signer(pending)
        if inspect.isawaitable(signed):
            signed = await signed
    except Exception as error:
        failed = error

        def replay(_: Any) -> Any:
            raise failed

    else:

        def replay(_: Any) -> Any:
            return signed

    return client.finish_external(pending, _external.call_signer(replay, pending))


class _Send:
    """One send's state between attempts: the decisions are the core's."""

    def __init__(self, client: "Client", request: "PreparedRequest", opts: _Options) -> None:
        self.client = client
        self.request = request
        self.opts = opts
        self.http = default_transport() if opts.transport is None else opts.transport
        self.started = time.monotonic()
        self.attempts = 0
        self.span: Any = None
        self.last_event: Optional[SendEvent] = None
        self.last_error: Optional[SendError] = None
        self.last_status: Optional[int] = None
        self.gave_up = False

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def first_timeout_ms(self) -> int:
        found = _attempt_timeout(self.opts.policy, 0)
        return self.opts.policy.attempt_timeout_ms if found is None else found

    def next_timeout_ms(self) -> Optional[int]:
        return _attempt_timeout(self.opts.policy, self.elapsed_ms())

    def begin(self) -> SendEvent:
        self.attempts += 1
        event = SendEvent._new(self.request.path, self.attempts, len(self.request.body))
        if self.opts.include_bodies:
            event = dataclasses.replace(event, request_body=mask_body(self.request.body))
        return event

    def emit(self, event: SendEvent) -> None:
        self.last_event = event
        if self.span is not None:
            self.span.add_event("antom.attempt", attributes=event.attributes())
        if self.opts.on_event is not None:
            try:
                self.opts.on_event(event)
            except Exception as error:  # a hook cannot break the send (nor see it logged with a body)
                _LOG.warning("antom_core: on_event raised %s; ignored", type(error).__name__)

    def end(
        self, event: SendEvent, answer: Union[HttpReply, SendError], duration_ms: int, timeout_ms: int
    ) -> Union[SendResult, int]:
        """The result, or the wait in ms before the next attempt. Raises the AntomError of a
        2xx reply that does not verify."""
        event = dataclasses.replace(event, duration_ms=duration_ms)
        status: Optional[int] = None
        if isinstance(answer, HttpReply):
            status = answer.status
            event = dataclasses.replace(
                event,
                http_status=min(max(status, 0), 2**16 - 1),
                response_body_len=len(answer.body),
                response_body=mask_body(answer.body) if self.opts.include_bodies else None,
            )
            if 200 <= status < 300:
                try:
                    response = self.client.verify_response(self.request.path, answer.headers, answer.body)
                except AntomError as refused:
                    self.emit(dataclasses.replace(event, error_code=refused.code))
                    raise
                self.emit(
                    dataclasses.replace(
                        event,
                        result_status=response.result_status.value,
                        result_code=response.result_code,
                        outcome=response.outcome.value,
                    )
                )
                return SendResult(response.outcome, response, status, None, self.request, self.attempts)
            failure = AttemptFailure.http_status(min(max(status, 0), 2**16 - 1))
            error = SendError("HTTP_STATUS", failure.message(timeout_ms))
        else:
            error = answer
            failure = AttemptFailure.timeout() if error.code == "TIMEOUT" else AttemptFailure.transport()
        decision = decide_retry(
            self.opts.policy, self.request.path, self.request.body, self.attempts, self.elapsed_ms(), failure
        )
        self.emit(
            dataclasses.replace(
                event,
                error_code=error.code,
                retry=decision.reason,
                retry_delay_ms=decision.delay_ms if decision.retry else None,
                outcome=Outcome.UNKNOWN.value,
            )
        )
        self.last_error, self.last_status = error, status
        if decision.retry:
            return decision.delay_ms
        return self.give_up(decision.reason)

    def give_up(self, reason: str) -> SendResult:
        self.gave_up = True
        return SendResult(
            Outcome.UNKNOWN, None, self.last_status, self.last_error, self.request, self.attempts, reason
        )

    @contextlib.contextmanager
    def traced(self) -> Iterator[None]:
        """One CLIENT span around the send when a tracer was given (OpenTelemetry is imported
        only then): the core's span name and attributes, one span event per attempt."""
        tracer = self.opts.tracer
        if tracer is None:
            yield
            return
        from opentelemetry import trace

        path = self.request.path
        first = SendEvent._new(path, 1, len(self.request.body)).attributes()
        self.span = tracer.start_span(
            span_name(path),
            kind=trace.SpanKind.CLIENT,
            attributes={k: first[k] for k in ("antom.api", "url.path") if k in first},
        )
        failed: Optional[str] = None
        try:
            with trace.use_span(self.span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                yield
        except AntomError as error:
            failed = error.code
            raise
        except BaseException as error:
            failed = type(error).__name__
            raise
        finally:
            if self.last_event is not None:
                self.span.set_attributes(self.last_event.attributes())
            if failed is None and self.gave_up and self.last_error is not None:
                failed = self.last_error.code
            if failed is not None:
                self.span.set_status(trace.Status(trace.StatusCode.ERROR, failed))
            self.span.end()


def send_prepared(client: "Client", request: "PreparedRequest", opts: _Options) -> SendResult:
    """See :meth:`Client.send_prepared`."""
    if is_async_transport(opts.transport):
        raise TypeError(
            f"{type(opts.transport).__name__} is an async transport (async def post): "
            "use await client.send_async(...) / send_prepared_async(...)"
        )
    run = _Send(client, request, opts)
    with run.traced():
        timeout_ms = run.first_timeout_ms()
        while True:
            event = run.begin()
            started = time.monotonic()
            answer = _bounded_exchange(run.http, request, timeout_ms, client.max_body_bytes)
            step = run.end(event, answer, int((time.monotonic() - started) * 1000), timeout_ms)
            if isinstance(step, SendResult):
                return step
            time.sleep(step / 1000)
            next_ms = run.next_timeout_ms()
            if next_ms is None:
                return run.give_up("DEADLINE_REACHED")
            timeout_ms = next_ms


async def send_prepared_async(client: "Client", request: "PreparedRequest", opts: _Options) -> SendResult:
    """See :meth:`Client.send_prepared_async`."""
    run = _Send(client, request, opts)
    with run.traced():
        timeout_ms = run.first_timeout_ms()
        while True:
            event = run.begin()
            started = time.monotonic()
            answer = await _bounded_exchange_async(run.http, request, timeout_ms, client.max_body_bytes)
            step = run.end(event, answer, int((time.monotonic() - started) * 1000), timeout_ms)
            if isinstance(step, SendResult):
                return step
            await asyncio.sleep(step / 1000)
            next_ms = run.next_timeout_ms()
            if next_ms is None:
                return run.give_up("DEADLINE_REACHED")
            timeout_ms = next_ms
