"""The per-request calls through the native library's flat C entry points (``flat.rs`` in
antom-ffi), beside uniffi's generated module and on the same loaded library.

Why: uniffi's ctypes glue costs more per call than a notification's RSA check (a structure
per argument, a second call to clone the object handle, the returned record lifted field by
field). These entry points cross once each way: the caller's ``bytes`` are passed borrowed,
the object is the handle uniffi already holds, and the answer comes back in one buffer in the
flat encoding ``flat.rs`` documents. Decoding only: every rule, verdict and error code is the
core's; the same vectors run through this path.
"""

from __future__ import annotations

import ctypes
import struct
from typing import List, Optional, Tuple

from ._errors import AntomError, _BY_CODE
from ._ffi import antom_core as _ffi

_lib = _ffi._UniffiLib  # the ctypes library uniffi loaded: one copy of the native code
_BYTES = ctypes.c_char_p  # a bytes object is passed as a pointer to its own buffer, no copy
_SIZE = ctypes.c_size_t
_U64 = ctypes.c_uint64
_ABSENT = 0xFFFFFFFF
#: Room for any answer of a well-formed message (a longer one is retried at its size).
_CAPACITY = 384
_buffer = ctypes.create_string_buffer
_string_at = ctypes.string_at
_u32 = struct.Struct("<I").unpack_from
_notification_head = struct.Struct("<BBBBI").unpack_from
_response_head = struct.Struct("<BBBBBBBBI").unpack_from


def _declare(name: str, *argtypes: object) -> "ctypes._NamedFuncPointer":
    function = getattr(_lib, name)
    function.argtypes = (*argtypes, ctypes.c_char_p, _SIZE)
    function.restype = ctypes.c_int64
    return function


_verify_notification = _declare(
    "antom_flat_verify_notification",
    _U64, _BYTES, _SIZE, _BYTES, _SIZE, _BYTES, _SIZE, ctypes.c_uint8, _U64, _U64,
)
_verify_response = _declare(
    "antom_flat_verify_response", _U64, _BYTES, _SIZE, _BYTES, _SIZE, _BYTES, _SIZE
)
_public_key_verify = _declare("antom_flat_public_key_verify", _U64, _BYTES, _SIZE, _BYTES, _SIZE)
_prepare = _declare("antom_flat_prepare", _U64, _BYTES, _SIZE, _BYTES, _SIZE, _U64)
#: Room for a prepared request's method, URL, path and headers (the body is the caller's).
_PREPARE_CAPACITY = 1024
_memset = ctypes.memset


def _texts(raw: bytes, pos: int, count: int) -> List[Optional[str]]:
    out: List[Optional[str]] = []
    for _ in range(count):
        (length,) = _u32(raw, pos)
        pos += 4
        if length == _ABSENT:
            out.append(None)
        else:
            out.append(raw[pos : pos + length].decode("utf-8"))
            pos += length
    return out


def _answer(
    function: "ctypes._NamedFuncPointer", *args: object, capacity: int = _CAPACITY, wipe: bool = False
) -> bytes:
    """Calls ``function`` with ``args`` and an answer buffer; raises the core's error. With
    ``wipe``, the buffer is zeroed once read (a prepared request may hold an API key)."""
    out = _buffer(capacity)
    written = function(*args, out, capacity)
    if written < 0:  # a longer answer than the buffer: once more, at its size
        if wipe:
            _memset(out, 0, capacity)
        capacity = -written
        out = _buffer(capacity)
        written = function(*args, out, capacity)
    raw = _string_at(out, written)
    if wipe:
        _memset(out, 0, capacity)
    if raw[0] != 0:
        code, message = _texts(raw, 1, 2)
        raise _BY_CODE.get(code or "", AntomError)(message or "") from None
    return raw


#: A notification's facts: result-status byte, outcome byte, key version, notify type,
#: client id, request time, dedup key, fingerprint.
NotificationFacts = Tuple[int, int, Optional[int], Optional[str], str, str, str, str]


def verify_notification(
    client: int,
    path: bytes,
    headers: bytes,
    body: bytes,
    now_ms: Optional[int] = None,
    max_age_ms: Optional[int] = None,
) -> NotificationFacts:
    """The core's ``verify_notification``, or ``_fresh`` when ``max_age_ms`` is given."""
    fresh = max_age_ms is not None
    for value in (now_ms, max_age_ms):
        if value is not None and not 0 <= value < 1 << 64:
            raise ValueError("now_ms and max_age_ms must be unsigned 64-bit integers")
    raw = _answer(
        _verify_notification, client, path, len(path), headers, len(headers), body, len(body),
        fresh, now_ms or 0, max_age_ms or 0,
    )
    _, status, outcome, has_version, version = _notification_head(raw)
    notify_type, client_id, request_time, dedup_key, fingerprint = _texts(raw, 8, 5)
    return (
        status, outcome, version if has_version else None, notify_type,
        client_id, request_time, dedup_key, fingerprint,
    )  # type: ignore[return-value]


#: A response's facts: verified, result-status byte, next-action byte, is success, outcome
#: byte, key version, result code, result message, fingerprint (``None`` when unverified).
ResponseFacts = Tuple[bool, int, int, bool, int, Optional[int], str, str, Optional[str]]


def verify_response(client: int, path: bytes, headers: bytes, body: bytes) -> ResponseFacts:
    """The core's ``verify_response``."""
    raw = _answer(
        _verify_response, client, path, len(path), headers, len(headers), body, len(body)
    )
    _, verified, status, action, success, outcome, _by, has_version, version = _response_head(raw)
    code, message, fingerprint = _texts(raw, 12, 3)
    return (
        verified == 1, status, action, success == 1, outcome,
        version if has_version else None, code, message, fingerprint,
    )  # type: ignore[return-value]


def public_key_verify(key: int, content: bytes, signature: bytes) -> bool:
    """The core's ``PublicKey.verify`` over ``content``'s bytes."""
    raw = _answer(_public_key_verify, key, content, len(content), signature, len(signature))
    return raw[1] == 1


#: A prepared request: method, url, path, headers, and the body when it is not the caller's.
Prepared = Tuple[str, str, str, Tuple[Tuple[str, str], ...], Optional[bytes]]


def prepare(client: int, api: str, body: bytes, request_time: int) -> Prepared:
    """The core's ``Client.prepare`` (RSA or API-key mode; an external signer goes through
    uniffi's two steps)."""
    if not isinstance(api, str):
        raise TypeError(f"api must be a str, not {type(api).__name__}")
    if not isinstance(request_time, int):
        raise TypeError(f"request_time must be an int (epoch milliseconds), not {type(request_time).__name__}")
    if not 0 <= request_time < 1 << 64:
        raise ValueError("request_time must be an unsigned 64-bit integer")
    path = api.encode("utf-8")
    raw = _answer(
        _prepare, client, path, len(path), body, len(body), request_time,
        capacity=_PREPARE_CAPACITY, wipe=True,
    )
    texts = []
    pos = 1
    for _ in range(3):  # method, url, path
        (length,) = _u32(raw, pos)
        texts.append(raw[pos + 4 : pos + 4 + length].decode("utf-8"))
        pos += 4 + length
    (count,) = _u32(raw, pos)
    pos += 4
    fields = []
    for _ in range(2 * count):  # name, value, ...
        (length,) = _u32(raw, pos)
        fields.append(raw[pos + 4 : pos + 4 + length].decode("utf-8"))
        pos += 4 + length
    headers = tuple(zip(fields[0::2], fields[1::2]))
    sent: Optional[bytes] = None
    if raw[pos] == 0:
        (length,) = _u32(raw, pos + 1)
        sent = raw[pos + 5 : pos + 5 + length]
    method, url, signed_path = texts
    return method, url, signed_path, headers, sent
