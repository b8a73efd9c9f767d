"""Generated identifiers and timestamps, in the exact forms AWS uses (spec 1.2, 3.1, 8.9, 8.10)."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass

import pybase64

__all__ = ["RequestStamp", "clf_time", "new_request_id", "new_short_id", "new_trace_id", "stable_id"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_request_id() -> str:
    """A lowercase UUID v4 such as ``7c2af7db-31f3-42b5-8a6d-9ffc74e3b9e0`` (REST and function URLs)."""
    h = os.urandom(16).hex()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def new_short_id() -> str:
    """A 16-character id such as ``ATfSdF7nPHcErRA=`` (REST ``extendedRequestId``, HTTP API ``requestId``)."""
    return pybase64.urlsafe_b64encode(os.urandom(11)).decode("ascii")


def new_trace_id(epoch_seconds: int) -> str:
    """An X-Ray trace header value ``Root=1-<8 hex seconds>-<24 hex>``."""
    return f"Root=1-{epoch_seconds:08x}-{os.urandom(12).hex()}"


def clf_time(epoch_seconds: int) -> str:
    """Common Log Format in UTC with English month names: ``10/Jul/2026:19:19:04 +0000``."""
    t = time.gmtime(epoch_seconds)
    return (
        f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year:04d}:"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
    )


def stable_id(seed: str, length: int = 6) -> str:
    """A lowercase alphanumeric id derived from ``seed``: the same API always gets the same ids."""
    digest = int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=32).digest(), "big")
    chars = []
    for _ in range(length):
        digest, rem = divmod(digest, 36)
        chars.append(_ALNUM[rem])
    return "".join(chars)


@dataclass(frozen=True, slots=True)
class RequestStamp:
    """The generated values of one request: ids and the arrival time.

    A fresh stamp is made for every event (:meth:`new`); tests that need fixed values pass their own.
    """

    request_id: str
    """REST/function URL: a UUID. HTTP API: a 16-character id."""
    extended_request_id: str
    """The 16-character id (REST ``extendedRequestId``; equal to ``request_id`` on HTTP APIs)."""
    trace_id: str
    """The ``X-Amzn-Trace-Id`` value."""
    epoch_ms: int
    """Arrival time in milliseconds since the epoch."""

    @classmethod
    def new(cls, *, uuid_request_id: bool = True, now: float | None = None) -> RequestStamp:
        """A fresh stamp; ``uuid_request_id=False`` gives an HTTP-API-style short request id."""
        epoch_ms = int((time.time() if now is None else now) * 1000)
        short = new_short_id()
        return cls(
            new_request_id() if uuid_request_id else short,
            short,
            new_trace_id(epoch_ms // 1000),
            epoch_ms,
        )

    @property
    def clf(self) -> str:
        """The arrival time in Common Log Format (``requestTime`` / ``time``)."""
        return clf_time(self.epoch_ms // 1000)
