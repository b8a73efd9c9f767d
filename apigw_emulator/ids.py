"""Generated identifiers and timestamps, in the exact forms AWS uses (spec 1.2, 3.1, 8.9, 8.10)."""

from __future__ import annotations

import binascii
import functools
import hashlib
import random
import time
from typing import NamedTuple

__all__ = ["RequestStamp", "b64url_text", "clf_time", "random_bits", "stable_id"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_MASK_88 = (1 << 88) - 1
# RFC 4122 variant nibble (10xx) for each possible random hex digit.
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def b64url_text(data: bytes) -> str:
    """URL-safe base64 with padding, as in AWS's ``extendedRequestId`` and ``X-Amz-Cf-Id``.

    binascii beats pybase64 on a few bytes: the call overhead dominates there.
    """
    return binascii.b2a_base64(data, newline=False).decode("ascii").replace("+", "-").replace("/", "_")


def random_bits(count: int) -> int:
    """Random bits for ids. They identify, they do not protect: the module-level generator is fast and is
    reseeded in forked children, so parallel test workers never share ids."""
    return random.getrandbits(count)


@functools.lru_cache(maxsize=8)
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


class RequestStamp(NamedTuple):
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
        bits = random_bits(312)  # one draw for all three ids
        h = f"{bits >> 88:056x}"
        short = b64url_text((bits & _MASK_88).to_bytes(11, "big"))
        uuid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"
        return cls(
            uuid if uuid_request_id else short,
            short,
            f"Root=1-{epoch_ms // 1000:08x}-{h[32:56]}",
            epoch_ms,
        )

    @property
    def clf(self) -> str:
        """The arrival time in Common Log Format (``requestTime`` / ``time``)."""
        return clf_time(self.epoch_ms // 1000)
