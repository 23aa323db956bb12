"""antom-core: sign Antom payment API requests and verify Antom responses and notifications.

Your code can do its own HTTP: antom-core hands you the URL, headers and body bytes to send,
and takes back the raw response headers and bytes to verify::

    from antom_core import Client, NextAction

    client = Client(client_id="SANDBOX_5X00000000000000",
                    private_key=MERCHANT_PRIVATE_KEY, antom_public_key=ANTOM_PUBLIC_KEY)
    request = client.prepare("v1/payments/inquiryPayment", body_bytes)
    # send request.method / request.url / request.headers / request.body, then:
    response = client.verify_response(request.path, response_headers, response_bytes)
    if response.next_action is NextAction.INQUIRE: ...   # never "pay again"

Or let it do the HTTP too (``urllib.request``, TLS verified), and branch on the outcome::

    result = client.send("v1/payments/inquiryPayment", body_bytes)
    if result.outcome is Outcome.SUCCEEDED: ...           # the only proof of payment

The protocol lives in the Rust core (one implementation for every language); this package
only converts types.
"""

from ._api import (
    DEFAULT_MAX_BODY_BYTES,
    ENGINE,
    MAX_RING_KEYS,
    NOTIFICATION_ACK,
    AntomKey,
    ApiResponse,
    Body,
    Client,
    Endpoint,
    Environment,
    Headers,
    KeyId,
    NextAction,
    Notification,
    PreparedRequest,
    PrivateKey,
    PublicKey,
    Region,
    ResultStatus,
    SignatureHeader,
    content_to_sign,
    describe_body,
    endpoint,
    endpoints,
    format_signature_header,
    from_minor_units,
    minor_unit_exponent,
    parse_signature_header,
    redact_header,
    to_minor_units,
    which_key,
)
from ._external import SigningRequest
from ._outcome import Outcome
from ._retry import (
    AttemptFailure,
    RetryDecision,
    RetryPolicy,
    SendEvent,
    api_name,
    attempt_timeout,
    decide_retry,
    mask_body,
    span_name,
)
from ._send import SendError, SendErrorCode, SendResult
from ._wait import InquiryPolicy, WaitResult
from .transports import DEFAULT_TIMEOUT
from ._errors import (
    AntomError,
    ClientIdMismatchError,
    InvalidAmountError,
    InvalidInputError,
    InvalidKeyError,
    MalformedSignatureError,
    MissingHeaderError,
    SignatureMismatchError,
    SigningFailedError,
    UnknownKeyVersionError,
    UnsignedResponseError,
    UnsupportedAlgorithmError,
    UnsupportedCurrencyError,
    WrongKeyError,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_TIMEOUT",
    "ENGINE",
    "MAX_RING_KEYS",
    "NOTIFICATION_ACK",
    "AntomError",
    "AntomKey",
    "ApiResponse",
    "AttemptFailure",
    "Body",
    "Client",
    "ClientIdMismatchError",
    "Endpoint",
    "Environment",
    "Headers",
    "InquiryPolicy",
    "InvalidAmountError",
    "InvalidInputError",
    "InvalidKeyError",
    "KeyId",
    "MalformedSignatureError",
    "MissingHeaderError",
    "NextAction",
    "Notification",
    "Outcome",
    "PreparedRequest",
    "PrivateKey",
    "PublicKey",
    "Region",
    "ResultStatus",
    "RetryDecision",
    "RetryPolicy",
    "SendError",
    "SendErrorCode",
    "SendEvent",
    "SendResult",
    "SignatureHeader",
    "SignatureMismatchError",
    "SigningFailedError",
    "SigningRequest",
    "UnknownKeyVersionError",
    "UnsignedResponseError",
    "UnsupportedAlgorithmError",
    "UnsupportedCurrencyError",
    "WaitResult",
    "WrongKeyError",
    "api_name",
    "attempt_timeout",
    "content_to_sign",
    "decide_retry",
    "describe_body",
    "endpoint",
    "endpoints",
    "format_signature_header",
    "from_minor_units",
    "minor_unit_exponent",
    "mask_body",
    "parse_signature_header",
    "redact_header",
    "span_name",
    "to_minor_units",
    "which_key",
]
