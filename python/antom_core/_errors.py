"""Exceptions: one class per stable antom-core error code."""

from __future__ import annotations

from typing import Callable, Dict, Type, TypeVar

from ._ffi import antom_core as _ffi

__all__ = [
    "AntomError",
    "InvalidKeyError",
    "InvalidInputError",
    "MalformedSignatureError",
    "UnsupportedAlgorithmError",
    "SignatureMismatchError",
    "MissingHeaderError",
    "ClientIdMismatchError",
    "UnsignedResponseError",
    "InvalidAmountError",
    "UnsupportedCurrencyError",
    "SigningFailedError",
    "UnknownKeyVersionError",
    "WrongKeyError",
]


class AntomError(Exception):
    """An antom-core error.

    ``code`` is the stable code to branch on (``"SIGNATURE_MISMATCH"``...); ``str(error)`` is
    the core's message, ``"CODE: what to fix"``. Messages never contain key material,
    signature values or message bodies, so they are safe to log.
    """

    code: str = ""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InvalidKeyError(AntomError):
    """``INVALID_KEY``: a key (or API key) could not be parsed, is encrypted, is not RSA, or
    has an unsupported size."""

    code = "INVALID_KEY"


class InvalidInputError(AntomError):
    """``INVALID_INPUT``: an argument is malformed: a path, a client id, a gateway URL, a
    body, a repeated header."""

    code = "INVALID_INPUT"


class MalformedSignatureError(AntomError):
    """``MALFORMED_SIGNATURE``: a signature value or ``Signature`` header cannot be decoded."""

    code = "MALFORMED_SIGNATURE"


class UnsupportedAlgorithmError(AntomError):
    """``UNSUPPORTED_ALGORITHM``: the ``Signature`` header names an algorithm other than
    ``RSA256``."""

    code = "UNSUPPORTED_ALGORITHM"


class SignatureMismatchError(AntomError):
    """``SIGNATURE_MISMATCH``: a well-formed signature does not match: not authentic."""

    code = "SIGNATURE_MISMATCH"


class MissingHeaderError(AntomError):
    """``MISSING_HEADER``: a header the protocol requires is missing or empty."""

    code = "MISSING_HEADER"


class ClientIdMismatchError(AntomError):
    """``CLIENT_ID_MISMATCH``: the ``client-id`` header is not this client's id."""

    code = "CLIENT_ID_MISMATCH"


class UnsignedResponseError(AntomError):
    """``UNSIGNED_RESPONSE``: an unsigned response that is not an F/U gateway error."""

    code = "UNSIGNED_RESPONSE"


class InvalidAmountError(AntomError):
    """``INVALID_AMOUNT``: not a positive decimal the currency can represent."""

    code = "INVALID_AMOUNT"


class UnsupportedCurrencyError(AntomError):
    """``UNSUPPORTED_CURRENCY``: not an ISO 4217 currency with a minor unit."""

    code = "UNSUPPORTED_CURRENCY"


class SigningFailedError(AntomError):
    """``SIGNING_FAILED``: the RSA operation itself failed (no randomness for blinding), or an
    external signer (``signer=``) raised, returned something other than bytes, or returned a
    signature of the wrong length or one that does not verify with ``merchant_public_key``. The
    signer's own exception, if any, is ``__cause__``."""

    code = "SIGNING_FAILED"


class UnknownKeyVersionError(AntomError):
    """``UNKNOWN_KEY_VERSION``: a message is signed with a ``keyVersion`` that no key of the
    Antom key ring (``antom_public_keys=``) is tagged with, and the ring has no untagged key:
    add Antom's new public key with that version, or refuse the message."""

    code = "UNKNOWN_KEY_VERSION"


class WrongKeyError(AntomError):
    """``WRONG_KEY``: a configured key is the wrong one: the Antom public key is your own
    merchant public key (the two are swapped)."""

    code = "WRONG_KEY"


# The native error variants, by name, and the class each one becomes.
_BY_VARIANT: Dict[str, Type[AntomError]] = {
    "InvalidKey": InvalidKeyError,
    "InvalidInput": InvalidInputError,
    "MalformedSignature": MalformedSignatureError,
    "UnsupportedAlgorithm": UnsupportedAlgorithmError,
    "SignatureMismatch": SignatureMismatchError,
    "MissingHeader": MissingHeaderError,
    "ClientIdMismatch": ClientIdMismatchError,
    "UnsignedResponse": UnsignedResponseError,
    "InvalidAmount": InvalidAmountError,
    "UnsupportedCurrency": UnsupportedCurrencyError,
    "SigningFailed": SigningFailedError,
    "UnknownKeyVersion": UnknownKeyVersionError,
    "WrongKey": WrongKeyError,
}

#: The same classes by stable code (the flat entry points answer with the code).
_BY_CODE: Dict[str, Type[AntomError]] = {cls.code: cls for cls in _BY_VARIANT.values()}

_T = TypeVar("_T")


def _translate(error: Exception) -> AntomError:
    cls = _BY_VARIANT.get(type(error).__name__, AntomError)
    return cls(str(error))


def _call(function: Callable[..., _T], *args: object) -> _T:
    """Calls into the native library, turning its errors into this package's classes."""
    try:
        return function(*args)
    except _ffi.AntomError as error:
        raise _translate(error) from None
