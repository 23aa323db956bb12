"""The outcome of the operation a message is about: the core's decision, as a Python enum."""

from __future__ import annotations

import enum

__all__ = ["Outcome"]


class Outcome(str, enum.Enum):
    """What happened to the operation a response or notification is about (a payment, a
    refund, a capture...), as the core decides it from the verified message.

    Only ``SUCCEEDED`` is proof (e.g. that a payment was made). ``UNKNOWN`` and ``PENDING``
    mean "inquire" — never "pay again". A redirect back from a payment page is never proof.
    Anything that was not verified (an unsigned gateway error, a transport failure, a
    timeout, a non-2xx HTTP status) is ``UNKNOWN``.
    """

    #: The operation took effect (e.g. the payment was made).
    SUCCEEDED = "SUCCEEDED"
    #: The operation definitively did not take effect.
    FAILED = "FAILED"
    #: Accepted, not final yet: wait for the notification, or inquire.
    PENDING = "PENDING"
    #: Not known: inquire (or resend the identical request); never ask to pay again.
    UNKNOWN = "UNKNOWN"
