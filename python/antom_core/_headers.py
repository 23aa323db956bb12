"""Received headers, in whatever shape the web framework gives them, to the packed form the
native library's fast path takes. Conversion only: which headers matter, how names match and
what a duplicate means are the core's rules. The native library exports the names it reads;
this module keeps every header whose trimmed, lowercased name is one of them (a superset of
the core's own ASCII case-insensitive match, duplicates included) and encodes those pairs
as ``u32 length + UTF-8 name, u32 length + UTF-8 value``.

Accepted shapes, each without converting the headers the core does not read:

* a ``dict`` (``{"signature": ..., ...}``) or any mapping with ``.items()``:
  ``http.client.HTTPMessage`` / ``email.message.Message``, Starlette / FastAPI
  ``request.headers``, Django ``request.headers``, Flask / Werkzeug ``request.headers``,
  requests / httpx / aiohttp headers, ``wsgiref.headers.Headers``;
* an iterable of ``(name, value)`` pairs: ASGI ``scope["headers"]`` (byte pairs),
  ``http.client.HTTPResponse.getheaders()``, Django's ``request.META``-free lists;
* a WSGI ``environ`` (a dict with ``wsgi.version`` and ``REQUEST_METHOD``): its
  ``HTTP_*`` keys, e.g. ``HTTP_CLIENT_ID`` as ``client-id``.

Names and values may be ``str`` or ``bytes`` (decoded as latin-1, as HTTP/1.1 defines).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any, FrozenSet, Iterable, List, Tuple

_LENGTH = struct.Struct(">I").pack


def _text(part: Any) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, (bytes, bytearray)):
        return bytes(part).decode("latin-1")
    raise TypeError(f"header names and values must be str or bytes, not {type(part).__name__}")


def _is_wsgi_environ(headers: Any) -> bool:
    return isinstance(headers, dict) and "wsgi.version" in headers and "REQUEST_METHOD" in headers


def _wsgi_items(environ: Any) -> Iterable[Tuple[str, Any]]:
    for key, value in environ.items():
        if isinstance(key, str) and key.startswith("HTTP_"):
            yield key[5:].replace("_", "-"), value


def items(headers: Any) -> Iterable[Tuple[Any, Any]]:
    """The ``(name, value)`` pairs of any accepted header shape."""
    if _is_wsgi_environ(headers):
        return _wsgi_items(headers)
    pairs = getattr(headers, "items", None)
    if callable(pairs):
        return pairs()  # type: ignore[no-any-return]
    if isinstance(headers, (str, bytes)):
        raise TypeError("headers must be a mapping or an iterable of (name, value) pairs, not text")
    return headers  # type: ignore[no-any-return]


def pack(headers: Any, wanted: FrozenSet[str]) -> bytes:
    """The headers whose trimmed, lowercased name is in ``wanted``, packed for the native
    library. Names and values go through unchanged (untrimmed, in their case): the core
    matches and trims them itself."""
    out: List[bytes] = []
    if getattr(type(headers), "items", None) is _MAPPING_ITEMS:
        # A Mapping whose items() is the ABC's own (Django's HttpHeaders): by definition the
        # pairs are (key, mapping[key]) for each key, so only the wanted keys are looked up.
        for key in headers:
            name = key if type(key) is str else _text(key)
            if name.strip().lower() in wanted:
                _append(out, name, headers[key])
        return b"".join(out)
    for name, value in items(headers):
        name = name if type(name) is str else _text(name)
        if name.strip().lower() in wanted:
            _append(out, name, value)
    return b"".join(out)


_MAPPING_ITEMS = Mapping.items


def _append(out: List[bytes], name: str, value: Any) -> None:
    encoded_name = name.encode("utf-8")
    encoded_value = _text(value).encode("utf-8")
    out += (_LENGTH(len(encoded_name)), encoded_name, _LENGTH(len(encoded_value)), encoded_value)
