"""How :meth:`antom_core.Client.send` puts a prepared request on the wire.

A transport POSTs the exact bytes and headers it is given and hands back the raw reply. It
decides nothing: what a reply means is the core's decision (``Client.verify_response``), and
what a failure means is :meth:`Client.send`'s (always ``Outcome.UNKNOWN``).

* :class:`UrllibTransport` (the default): the standard library, TLS verified with the default
  SSL context (there is no switch to turn verification off), redirects not followed.
* :class:`HttpxTransport`: your own ``httpx.Client`` (connection pooling, HTTP proxies, your
  TLS settings). ``httpx`` is not a dependency of this package: bring it yourself.
* Anything else with the same ``post`` method (:class:`Transport`).

For ``await client.send_async(...)``, an :class:`AsyncTransport` (``async def post``) is awaited
on the event loop, no thread involved:

* :class:`HttpxAsyncTransport`: your own ``httpx.AsyncClient``.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Optional, Protocol, Sequence, Tuple

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncTransport",
    "HttpReply",
    "HttpxAsyncTransport",
    "HttpxTransport",
    "Transport",
    "UrllibTransport",
]

#: The default timeout of :meth:`antom_core.Client.send`, in seconds.
DEFAULT_TIMEOUT: float = 30.0

#: The exceptions that mean "the timeout expired" (``socket.timeout`` is ``TimeoutError``
#: from Python 3.10 on, a separate ``OSError`` before).
_TIMEOUTS = (TimeoutError, socket.timeout)


@dataclass(frozen=True)
class HttpReply:
    """The raw HTTP reply, as received. ``repr()`` shows the body's length only."""

    #: The HTTP status code.
    status: int
    #: The reply headers, in order, as ``(name, value)`` pairs.
    headers: Tuple[Tuple[str, str], ...]
    #: The reply body as received, at most ``max_body_bytes + 1`` bytes (one more than the
    #: limit is enough for the core to refuse it from its length).
    body: bytes

    def __repr__(self) -> str:
        return f"HttpReply(status={self.status!r}, body=<{len(self.body)} bytes>)"


class Transport(Protocol):
    """What :meth:`antom_core.Client.send` needs from an HTTP client."""

    def post(
        self,
        url: str,
        headers: Sequence[Tuple[str, str]],
        body: bytes,
        *,
        timeout: float,
        max_body_bytes: int,
    ) -> HttpReply:
        """POSTs ``body`` with ``headers`` to ``url``, unchanged, and returns the reply
        whatever its status (redirects are not followed), with at most ``max_body_bytes + 1``
        bytes of its body. Raises ``TimeoutError`` when ``timeout`` (seconds) expires; any
        other exception is a transport error. Both mean the request may or may not have
        reached Antom."""
        ...


class AsyncTransport(Protocol):
    """What :meth:`antom_core.Client.send_async` awaits on the event loop (no thread): the
    same contract as :class:`Transport`, with ``async def post``."""

    async def post(
        self,
        url: str,
        headers: Sequence[Tuple[str, str]],
        body: bytes,
        *,
        timeout: float,
        max_body_bytes: int,
    ) -> HttpReply:
        """See :meth:`Transport.post`: the reply whatever its status, redirects not followed,
        at most ``max_body_bytes + 1`` bytes of its body; ``TimeoutError`` when ``timeout``
        (seconds) expires, any other exception a transport error."""
        ...


def _bounded_read(stream: Any, max_body_bytes: int) -> bytes:
    return bytes(stream.read(max_body_bytes + 1))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is a reply like any other non-2xx one: never followed (a POST must not turn
    into a GET elsewhere)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class UrllibTransport:
    """The standard library's ``urllib.request``, with TLS certificate and host name
    verification by ``ssl.create_default_context()`` (the system's trust store). Proxies from
    the usual environment variables (``HTTPS_PROXY``...) are honoured; redirects are not
    followed. ``timeout`` applies to connecting and to each read of the reply (the standard
    library's socket timeout), not to the exchange as a whole.

    ``urllib`` sends header names capitalised its own way (``Client-id``); HTTP header names
    are case-insensitive and the values go out unchanged."""

    def __init__(self) -> None:
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ssl.create_default_context()),
            _NoRedirect(),
        )

    def post(
        self,
        url: str,
        headers: Sequence[Tuple[str, str]],
        body: bytes,
        *,
        timeout: float,
        max_body_bytes: int,
    ) -> HttpReply:
        """See :meth:`Transport.post`."""
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        try:
            with self._opener.open(request, timeout=timeout) as reply:
                return HttpReply(reply.status, tuple(reply.headers.items()), _bounded_read(reply, max_body_bytes))
        except urllib.error.HTTPError as error:  # a non-2xx reply: still a reply
            with error:
                return HttpReply(error.code, tuple(error.headers.items()), _bounded_read(error, max_body_bytes))
        except urllib.error.URLError as error:
            if isinstance(error.reason, _TIMEOUTS):
                raise TimeoutError(f"no connection within {timeout} s") from error
            raise
        except _TIMEOUTS as error:
            raise TimeoutError(f"no reply within {timeout} s") from error


class HttpxTransport:
    """An ``httpx.Client`` you configure and own (``httpx`` is imported only when this
    transport is used; this package does not depend on it)::

        import httpx
        from antom_core.transports import HttpxTransport

        transport = HttpxTransport(httpx.Client())   # keep verify at its default (on)
        result = client.send("v1/payments/inquiryPayment", body, transport=transport)

    Each call passes ``timeout`` to httpx (connect, write, read and pool, each) and never
    follows redirects. TLS verification is the ``httpx.Client``'s: leave it on."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def post(
        self,
        url: str,
        headers: Sequence[Tuple[str, str]],
        body: bytes,
        *,
        timeout: float,
        max_body_bytes: int,
    ) -> HttpReply:
        """See :meth:`Transport.post`."""
        import httpx

        try:
            with self._client.stream(
                "POST", url, content=body, headers=list(headers), timeout=timeout, follow_redirects=False
            ) as reply:
                chunks = []
                size = 0
                for chunk in reply.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > max_body_bytes:
                        break
                data = b"".join(chunks)[: max_body_bytes + 1]
                return HttpReply(reply.status_code, tuple(reply.headers.multi_items()), data)
        except httpx.TimeoutException as error:
            raise TimeoutError(f"no reply within {timeout} s") from error


class HttpxAsyncTransport:
    """An ``httpx.AsyncClient`` you configure and own, for :meth:`antom_core.Client.send_async`
    (``httpx`` is imported only when this transport is used; this package does not depend on
    it)::

        import httpx
        from antom_core.transports import HttpxAsyncTransport

        async with httpx.AsyncClient() as http:      # keep verify at its default (on)
            result = await client.send_async("v1/payments/inquiryPayment", body,
                                             transport=HttpxAsyncTransport(http))

    The exchange is awaited on the event loop. ``timeout`` bounds the attempt as a whole
    (connecting, sending and reading the whole reply), the body is read as a stream and
    never past ``max_body_bytes + 1`` bytes, redirects are never followed, and TLS
    verification is the ``httpx.AsyncClient``'s: leave it on."""

    def __init__(self, client: Any) -> None:
        if not callable(getattr(client, "aclose", None)):
            raise TypeError(
                "HttpxAsyncTransport takes an httpx.AsyncClient "
                f"(HttpxTransport takes an httpx.Client), not {type(client).__name__}"
            )
        self._client = client

    async def post(
        self,
        url: str,
        headers: Sequence[Tuple[str, str]],
        body: bytes,
        *,
        timeout: float,
        max_body_bytes: int,
    ) -> HttpReply:
        """See :meth:`AsyncTransport.post`."""
        import httpx

        async def exchange() -> HttpReply:
            async with self._client.stream(
                "POST", url, content=body, headers=list(headers), timeout=timeout, follow_redirects=False
            ) as reply:
                chunks = []
                size = 0
                async for chunk in reply.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > max_body_bytes:
                        break
                data = b"".join(chunks)[: max_body_bytes + 1]
                return HttpReply(reply.status_code, tuple(reply.headers.multi_items()), data)

        try:
            # httpx's timeout is per phase (each read): the attempt as a whole ends at `timeout`.
            return await asyncio.wait_for(exchange(), timeout)
        except (asyncio.TimeoutError, httpx.TimeoutException) as error:
            raise TimeoutError(f"no complete reply within {timeout} s") from error


def default_transport() -> Transport:
    """The transport :meth:`antom_core.Client.send` uses when none is given."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = UrllibTransport()
    return _DEFAULT


_DEFAULT: Optional[UrllibTransport] = None
