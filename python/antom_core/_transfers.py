"""The two special transports: the multipart image upload (``billing/product/uploadImage``, to
the big-file host, signed JSON part) and the unsigned meter event upload (``meter/uploadEvent``,
with ``X-Session-Id``). The rules (what is signed, the size limit, the host, how an unsigned
reply is reported) are the core's; this module only reads the file and moves bytes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from ._errors import _call
from ._ffi import antom_core as _ffi
from ._outcome import Outcome
from .transports import DEFAULT_TIMEOUT, HttpReply, Transport, default_transport

if TYPE_CHECKING:
    from ._api import ApiResponse, Client

__all__ = ["EventReply", "upload_image", "upload_event"]

_OUTCOME = {
    _ffi.Outcome.SUCCEEDED: Outcome.SUCCEEDED,
    _ffi.Outcome.FAILED: Outcome.FAILED,
    _ffi.Outcome.PENDING: Outcome.PENDING,
    _ffi.Outcome.UNKNOWN: Outcome.UNKNOWN,
}


@dataclass(frozen=True)
class EventReply:
    """An event-upload reply as the core reads it: never signed, so ``verified`` is always
    false and ``outcome`` always ``UNKNOWN``; ``result_status``/``result_code`` are as sent."""

    #: The HTTP status.
    status: int
    #: Always false: nothing in the reply is signed.
    verified: bool
    #: Always ``UNKNOWN``: an unsigned reply never proves that anything happened.
    outcome: Outcome
    #: ``result.resultStatus`` as sent (unverified), if any.
    result_status: Optional[str]
    #: ``result.resultCode`` as sent (unverified), if any.
    result_code: Optional[str]
    #: The body, as received.
    body: str

    def __repr__(self) -> str:
        return (
            f"EventReply(status={self.status!r}, verified={self.verified!r}, "
            f"outcome={self.outcome!r}, result_status={self.result_status!r}, "
            f"result_code={self.result_code!r}, body=<{len(self.body)} chars>)"
        )


def _read_file(file: Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]) -> bytes:
    """The file's bytes, its size checked by the core before a path is read."""
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
        _call(_ffi.check_upload_size, len(data))
        return data
    _call(_ffi.check_upload_size, os.stat(file).st_size)
    with open(file, "rb") as handle:
        data = handle.read()
    _call(_ffi.check_upload_size, len(data))  # the file may have grown since stat
    return data


def upload_image(
    client: "Client",
    product_id: str,
    file: Union[str, "os.PathLike[str]", bytes, bytearray, memoryview],
    *,
    file_name: Optional[str] = None,
    content_type: str = "image/png",
    timeout: float = DEFAULT_TIMEOUT,
    transport: Optional[Transport] = None,
    request_time: Optional[int] = None,
) -> "ApiResponse":
    """Uploads a product image: checks the size before reading the file, lets the core sign the
    JSON part and build the multipart body, POSTs it and verifies the reply
    (:meth:`Client.verify_response`, raising as it does)."""
    import time

    data = _read_file(file)
    if file_name is None:
        file_name = "image" if isinstance(file, (bytes, bytearray, memoryview)) else os.path.basename(os.fspath(file))
    if request_time is None:
        request_time = time.time_ns() // 1_000_000
    upload = _call(
        _ffi.prepare_upload, client._inner, product_id, file_name, content_type, data, request_time
    )
    headers = [(h.name, h.value) for h in upload.headers]
    http = default_transport() if transport is None else transport
    reply: HttpReply = http.post(
        upload.url, headers, bytes(upload.body), timeout=timeout, max_body_bytes=client._max_body_bytes
    )
    return client.verify_response(upload.path, reply.headers, reply.body)


def upload_event(
    client: "Client",
    session_id: str,
    body: Union[str, bytes],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    transport: Optional[Transport] = None,
) -> EventReply:
    """Uploads a meter event in the session ``session_id`` (from ``meter.createSession`` sent
    with :meth:`Client.send`). The reply is unsigned: reported with ``verified=False`` and
    ``outcome=UNKNOWN``, never as proof. The standard library has no HTTP/2, so this goes over
    HTTP/1.1 unless ``transport`` speaks HTTP/2 (e.g. an ``httpx.Client(http2=True)``)."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    upload = _call(_ffi.prepare_event_upload, client._inner, session_id, text)
    headers = [(h.name, h.value) for h in upload.headers]
    http = default_transport() if transport is None else transport
    reply: HttpReply = http.post(
        upload.url, headers, upload.body.encode("utf-8"), timeout=timeout, max_body_bytes=client._max_body_bytes
    )
    read = _call(_ffi.read_event_reply, reply.body)
    return EventReply(
        status=reply.status,
        verified=read.verified,
        outcome=_OUTCOME[read.outcome],
        result_status=read.result_status,
        result_code=read.result_code,
        body=read.body,
    )
