"""Waiting for an outcome: :meth:`Client.wait_for_outcome` inquires until the outcome is final
or a deadline passes, for the flows where no notification arrives (Antom's sandbox does not
resend an unacknowledged notification). Which API to inquire, its body, when to inquire again
(capped, jittered backoff) and when to stop are the core's decisions (``inquiry_for``,
``inquiry_body``, ``next_inquiry`` through the FFI); each inquiry's outcome is the core's
verified outcome. This module keeps time, sleeps and sends: no rule of its own. It never pays
again.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional, Tuple

from ._errors import InvalidInputError, _call
from ._ffi import antom_core as _ffi
from ._outcome import Outcome

if TYPE_CHECKING:
    from ._api import ApiResponse, Client
    from ._send import SendResult

__all__ = ["InquiryPolicy", "WaitResult"]

_DEFAULT = _ffi.default_inquiry_policy()
_U64 = 2**64 - 1


@dataclass(frozen=True)
class InquiryPolicy:
    """How :meth:`Client.wait_for_outcome` inquires. The defaults are the core's: 1 s after the
    first inquiry, doubling to 10 s between inquiries (each wait drawn from ``[b/2, b]``), a
    120 s deadline over the whole wait. Checked by the core when made
    (:class:`InvalidInputError` naming the bound)."""

    #: The wait after the first inquiry, in ms (before jitter); doubled after each inquiry.
    first_delay_ms: int = _DEFAULT.first_delay_ms
    #: The cap on the wait between inquiries, in ms (before jitter; at most 60 000).
    max_delay_ms: int = _DEFAULT.max_delay_ms
    #: The longest the whole wait may take, in ms.
    deadline_ms: int = _DEFAULT.deadline_ms

    def __post_init__(self) -> None:
        for name in ("first_delay_ms", "max_delay_ms", "deadline_ms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
            if not 0 <= value <= _U64:
                raise InvalidInputError(f"INVALID_INPUT: {name} must be from 0 to {_U64}")
        _call(_ffi.check_inquiry_policy, self._ffi())

    def _ffi(self) -> Any:
        return _ffi.InquiryPolicy(
            first_delay_ms=self.first_delay_ms, max_delay_ms=self.max_delay_ms, deadline_ms=self.deadline_ms
        )


@dataclass(frozen=True)
class WaitResult:
    """What :meth:`Client.wait_for_outcome` returns."""

    #: The last inquiry's outcome (``UNKNOWN`` if none was made). ``PENDING`` / ``UNKNOWN``
    #: with ``DEADLINE_REACHED``: inquire again later, never ask the buyer to pay again.
    outcome: Outcome
    #: The last inquiry's verified response, if there was one.
    response: Optional["ApiResponse"]
    #: How many inquiries were sent.
    inquiries: int
    #: ``FINAL`` (``SUCCEEDED`` or ``FAILED``) or ``DEADLINE_REACHED``.
    reason: str


_TO_FFI = {
    Outcome.SUCCEEDED: _ffi.Outcome.SUCCEEDED,
    Outcome.FAILED: _ffi.Outcome.FAILED,
    Outcome.PENDING: _ffi.Outcome.PENDING,
    Outcome.UNKNOWN: _ffi.Outcome.UNKNOWN,
}


def _plan(request_id: str, api: str, policy: Optional[InquiryPolicy]) -> Tuple[str, str, Any]:
    if not isinstance(request_id, str) or not request_id:
        raise TypeError("request_id must be a non-empty str")
    if not isinstance(api, str):
        raise TypeError(f"api must be a str, not {type(api).__name__}")
    if policy is None:
        policy = InquiryPolicy()
    if not isinstance(policy, InquiryPolicy):
        raise TypeError(f"policy must be an InquiryPolicy, not {type(policy).__name__}")
    inquiry = _ffi.inquiry_for(api)
    body = _ffi.inquiry_body(api, request_id)
    if inquiry is None or body is None:
        raise ValueError(f"the core knows no inquiry for {api!r}")
    return inquiry.path, body, policy._ffi()


def _decide(policy: Any, inquiries: int, started: float, outcome: Optional[Outcome]) -> Any:
    elapsed_ms = int((time.monotonic() - started) * 1000)
    last = None if outcome is None else _TO_FFI[outcome]
    return _ffi.next_inquiry(policy, inquiries, elapsed_ms, last, secrets.randbits(64))


def wait_for_outcome(
    client: "Client",
    request_id: str,
    *,
    api: str = "v1/payments/pay",
    policy: Optional[InquiryPolicy] = None,
    on_inquiry: Optional[Callable[["SendResult", int], None]] = None,
    **send_options: Any,
) -> WaitResult:
    """See :meth:`Client.wait_for_outcome`."""
    path, body, ffi_policy = _plan(request_id, api, policy)
    started = time.monotonic()
    inquiries = 0
    outcome: Optional[Outcome] = None
    response = None
    while True:
        decision = _decide(ffi_policy, inquiries, started, outcome)
        if not decision.inquire_again:
            return WaitResult(outcome or Outcome.UNKNOWN, response, inquiries, decision.reason)
        if decision.delay_ms:
            time.sleep(decision.delay_ms / 1000)
        result = client.send(path, body, **send_options)
        inquiries += 1
        outcome, response = result.outcome, result.response
        if on_inquiry is not None:
            on_inquiry(result, inquiries)


async def wait_for_outcome_async(
    client: "Client",
    request_id: str,
    *,
    api: str = "v1/payments/pay",
    policy: Optional[InquiryPolicy] = None,
    on_inquiry: Optional[Callable[["SendResult", int], None]] = None,
    **send_options: Any,
) -> WaitResult:
    """See :meth:`Client.wait_for_outcome_async`."""
    path, body, ffi_policy = _plan(request_id, api, policy)
    started = time.monotonic()
    inquiries = 0
    outcome: Optional[Outcome] = None
    response = None
    while True:
        decision = _decide(ffi_policy, inquiries, started, outcome)
        if not decision.inquire_again:
            return WaitResult(outcome or Outcome.UNKNOWN, response, inquiries, decision.reason)
        if decision.delay_ms:
            await asyncio.sleep(decision.delay_ms / 1000)
        result = await client.send_async(path, body, **send_options)
        inquiries += 1
        outcome, response = result.outcome, result.response
        if on_inquiry is not None:
            on_inquiry(result, inquiries)
