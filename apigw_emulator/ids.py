"""Generated identifiers and timestamps, in the exact forms AWS uses (spec 1.2, 3.1, 8.9, 8.10).

Every event needs fresh random ids (a UUID, a 16-character base64url id, a trace id, and on EDGE
endpoints CloudFront's ids). Formatting them one by one costs more than the rest of a small event, so
they are made a few hundred at a time from one random buffer per kind, the few fixed columns (dashes,
version digits, padding) written by one slice assignment each, and handed out one by one (:class:`_Pool`).
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import os
import random
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Generic, NamedTuple, TypeVar

__all__ = [
    "RequestStamp",
    "b64url_text",
    "clf_time",
    "edge_ids",
    "fresh_stamp",
    "http_date",
    "lambda_request_id",
    "random_bits",
    "stable_id",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_B64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: A random byte -> a base64url character (its low 6 bits pick it).
_TO_B64URL_CHAR = bytes(_B64URL[b & 63] for b in range(256))
#: A random byte -> the same with its low 2 or 4 bits of 6 cleared (a canonical last character).
_CLEAR_LOW_BITS = {unused: bytes((b & 63) >> unused << unused for b in range(256)) for unused in (2, 4)}
#: A hex digit -> an RFC 4122 variant digit (10xx), each equally likely.
_HEX_TO_VARIANT = bytes.maketrans(b"0123456789abcdef", b"89ab" * 4)
#: Records per batch: enough to amortise the batch's fixed cost, small enough to make quickly.
_BATCH = 512
T = TypeVar("T")


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


@functools.lru_cache(maxsize=8)
def _trace_prefix(epoch_seconds: int) -> str:
    return f"Root=1-{epoch_seconds:08x}-"


def stable_id(seed: str, length: int = 6) -> str:
    """A lowercase alphanumeric id derived from ``seed``: the same API always gets the same ids."""
    digest = int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=32).digest(), "big")
    chars = []
    for _ in range(length):
        digest, rem = divmod(digest, 36)
        chars.append(_ALNUM[rem])
    return "".join(chars)


# -- batches of ids ---------------------------------------------------------------------------------------
# A batch is one buffer of random characters, one line per id; the few fixed columns (dashes, version
# digits, padding) are written with one slice assignment each, and splitlines() cuts it into ids.


def _hex_batch(digits: int) -> list[str]:
    """Random lowercase hex strings of ``digits`` (even) digits."""
    return random.randbytes(_BATCH * digits // 2).hex("\n", digits // 2).splitlines()


def _uuid_batch() -> list[str]:
    """Random (version 4, RFC 4122 variant) UUIDs: 36 random hex digits each, with the dashes, the
    version and the variant written over their columns."""
    out = bytearray(random.randbytes(_BATCH * 18).hex("\n", 18), "ascii")
    for dash in (8, 13, 18, 23):
        out[dash::37] = b"-" * _BATCH
    out[14::37] = b"4" * _BATCH
    out[19::37] = out[19::37].translate(_HEX_TO_VARIANT)
    return out.decode("ascii").splitlines()


def _b64url_batch(nbytes: int) -> list[str]:
    """Padded base64url texts of ``nbytes`` random bytes each, canonical as :func:`b64url_text` gives them
    (the bits of the last character below the data are zero)."""
    chars = -(-nbytes * 4 // 3)  # characters that carry data
    width = -(-chars // 4) * 4  # with the padding
    stride = width + 1
    raw = bytearray(random.randbytes(_BATCH * stride))
    unused = -nbytes * 8 % 6
    if unused:
        raw[chars - 1 :: stride] = raw[chars - 1 :: stride].translate(_CLEAR_LOW_BITS[unused])
    out = raw.translate(_TO_B64URL_CHAR)
    for pad in range(chars, width):
        out[pad::stride] = b"=" * _BATCH
    out[width::stride] = b"\n" * _BATCH
    return out.decode("ascii").splitlines()


class _Pool(Generic[T]):
    """Items of one kind, made ``_BATCH`` at a time by ``make()``.

    Taking is a single ``list.pop`` (``pop()``, refilling on ``IndexError``), so threads never share an
    item; forked children drop what they inherited, so parallel test workers never share ids either.
    """

    def __init__(self, make: Callable[[], list[T]]) -> None:
        self._make = make
        self._items: list[T] = []
        #: The fast path: the bound ``pop`` of the item list; raises IndexError when it is empty.
        self.pop = self._items.pop
        os.register_at_fork(after_in_child=self._items.clear)

    def take(self) -> T:
        """One unused item."""
        while True:
            try:
                return self.pop()
            except IndexError:
                self._items.extend(self._make())


def _stamp_ids() -> list[tuple[str, str, str]]:
    """(UUID, 16-character id, 24 trace id digits) triples."""
    return list(zip(_uuid_batch(), _b64url_batch(11), _hex_batch(24), strict=True))


def _edge_ids() -> list[tuple[str, str]]:
    """(32 ``Via`` host digits, ``X-Amz-Cf-Id``) pairs."""
    return list(zip(_hex_batch(32), _b64url_batch(40), strict=True))


_STAMP_IDS = _Pool(_stamp_ids)
_stamp_ids_pop = _STAMP_IDS.pop
_EDGE_IDS = _Pool(_edge_ids)
_edge_ids_pop = _EDGE_IDS.pop


def edge_ids() -> tuple[str, str]:
    """Fresh CloudFront ids for an EDGE request: the 32 hex digits of the ``Via`` host and an
    ``X-Amz-Cf-Id`` (40 random bytes, padded base64url)."""
    try:
        return _edge_ids_pop()
    except IndexError:
        return _EDGE_IDS.take()


_UUIDS = _Pool(_uuid_batch)
_uuids_pop = _UUIDS.pop


def lambda_request_id() -> str:
    """A fresh UUID (version 4), as Lambda gives each invocation: from batches of UUIDs alone (a stamp's
    other ids would be made for nothing)."""
    try:
        return _uuids_pop()
    except IndexError:
        return _UUIDS.take()


_new_tuple = tuple.__new__


@functools.lru_cache(maxsize=8)
def http_date(epoch_seconds: int) -> str:
    """The ``Date`` header value for a second (IMF-fixdate), computed once per second."""
    return formatdate(epoch_seconds, usegmt=True)


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
    edge_ids: tuple[str, str] | None = None
    """CloudFront's ids for an EDGE endpoint (see :func:`edge_ids`); ``None``: fresh ones per event."""

    @property
    def http_date(self) -> str:
        """The ``Date`` header of the front door's answer (IMF-fixdate of the arrival second)."""
        return http_date(self.epoch_ms // 1000)

    @classmethod
    def new(
        cls,
        *,
        uuid_request_id: bool = True,
        now: float | None = None,
        rng: random.Random | None = None,
        edge: bool = False,
    ) -> RequestStamp:
        """A fresh stamp; ``uuid_request_id=False`` gives an HTTP-API-style short request id.

        :param now: the arrival time in seconds since the epoch (default: the clock).
        :param edge: with CloudFront's ids too (an EDGE endpoint's request; a stamp drawn from ``rng``
            always has them), instead of None.
        :param rng: draw every id, CloudFront's included, from this generator, so that a seeded one
            gives the same stamp again (default: fresh ids from the process's batches).
        """
        epoch_ms = int((time.time() if now is None else now) * 1000)
        if rng is not None:
            return cls._drawn(rng, uuid_request_id=uuid_request_id, epoch_ms=epoch_ms)
        return fresh_stamp(uuid_request_id, edge, epoch_ms, cls)

    @classmethod
    def _drawn(cls, rng: random.Random, *, uuid_request_id: bool, epoch_ms: int) -> RequestStamp:
        h = f"{rng.getrandbits(128):032x}"
        uuid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"
        short = b64url_text(rng.randbytes(11))
        edge = (f"{rng.getrandbits(128):032x}", b64url_text(rng.randbytes(40)))
        trace = f"{_trace_prefix(epoch_ms // 1000)}{rng.getrandbits(96):024x}"
        return cls(uuid if uuid_request_id else short, short, trace, epoch_ms, edge)

    @property
    def clf(self) -> str:
        """The arrival time in Common Log Format (``requestTime`` / ``time``)."""
        return clf_time(self.epoch_ms // 1000)


_time = time.time


def fresh_stamp(
    uuid_request_id: bool,
    edge: bool,
    epoch_ms: int | None = None,
    cls: type[RequestStamp] = RequestStamp,
) -> RequestStamp:
    """A stamp with fresh ids from the process's batches, at ``epoch_ms`` (default: the clock's time):
    :meth:`RequestStamp.new` without a generator, and what every request without a stamp of its own gets
    (called by position, without ``new``'s keywords)."""
    if epoch_ms is None:
        epoch_ms = int(_time() * 1000)
    try:
        uuid, short, trace_digits = _stamp_ids_pop()
    except IndexError:
        uuid, short, trace_digits = _STAMP_IDS.take()
    return _new_tuple(  # NamedTuple's own __new__, minus a call
        cls,
        (
            uuid if uuid_request_id else short,
            short,
            _trace_prefix(epoch_ms // 1000) + trace_digits,
            epoch_ms,
            edge_ids() if edge else None,
        ),
    )
