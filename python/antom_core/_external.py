"""External signers (cloud KMS, HSM): the private key never enters this process.

The core prepares a request in two steps (``Client.prepare_external`` gives the message and its
SHA-256 digest, ``Client.finish_external`` takes the raw signature back and checks it); this
module only calls the user's ``signer`` between them and turns its failures into
:class:`SigningFailedError`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Union

from ._errors import SigningFailedError
from ._ffi import antom_core as _ffi

#: What a signer may return: the raw signature bytes (``bytes``, ``bytearray``, ``memoryview``).
SignatureBytes = Union[bytes, bytearray, memoryview]


@dataclass(frozen=True)
class SigningRequest:
    """What an external signer must sign, with RSASSA-PKCS1-v1_5 and SHA-256.

    Give :attr:`message` to a signer that hashes itself (AWS KMS ``MessageType="RAW"``, at most
    4096 bytes; ``openssl dgst -sha256 -sign``), or :attr:`digest` to one that takes the
    SHA-256 digest (AWS KMS ``MessageType="DIGEST"``, Google Cloud KMS ``digest={"sha256": ...}``).
    Both give the same signature. Return the raw signature bytes (not base64).
    """

    #: Exactly what is signed: ``POST path\\nclient-id.request-time.body``.
    message: bytes
    #: The SHA-256 digest of :attr:`message` (32 bytes).
    digest: bytes
    #: The path that will be requested and signed.
    path: str
    #: The ``Request-Time`` that is signed (epoch milliseconds, as sent).
    request_time: str
    _inner: Any = field(repr=False, compare=False)

    def __repr__(self) -> str:
        # The message carries the body: shown as its length only (the core's rule).
        return repr(self._inner)


def wrap(inner: "_ffi.SigningRequest") -> SigningRequest:
    return SigningRequest(
        message=inner.message(),
        digest=inner.digest(),
        path=inner.path(),
        request_time=inner.request_time(),
        _inner=inner,
    )


def call_signer(signer: Callable[[SigningRequest], SignatureBytes], request: SigningRequest) -> bytes:
    """Runs the user's signer; any failure is a SigningFailedError chained to its cause. Only
    the exception's type is named: its text could carry anything (a key ARN, a credential)."""
    try:
        result = signer(request)
    except Exception as error:
        raise SigningFailedError(
            f"SIGNING_FAILED: the external signer raised {type(error).__name__}; its details are "
            "in this error's __cause__ (check the KMS/HSM call, its credentials and the key id)"
        ) from error
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if callable(close):
            close()  # never awaited: close it instead of leaving a warning behind
        raise SigningFailedError(
            "SIGNING_FAILED: the external signer returned an awaitable; from async code call "
            "client.prepare_external(), await your KMS, then client.finish_external()"
        )
    hint = " (decode base64 text to bytes first)" if isinstance(result, str) else ""
    raise SigningFailedError(
        "SIGNING_FAILED: the external signer must return the raw signature as bytes, not "
        f"{type(result).__name__}{hint}"
    )
