"""The ``X-Amzn-Trace-Id`` of a request as each front door forwards it (spec 8.10).

A client's own trace header is kept, not replaced: REST keeps a well-formed ``Root`` and adds a
``Parent`` when none came (L5); an ALB puts its own ``Self`` in front and keeps the client's ``Root`` and
custom fields (D24); HTTP APIs and function URLs are taken to act as REST does (UNCONFIRMED). Without a
usable client header the front door starts a trace of its own, the stamp's ``Root``.

The value is what the event's trace header holds, what REST and function URL responses send back, and
what the Lambda's ``_X_AMZN_TRACE_ID`` carries: :func:`trace_header` computes it from the request and the
stamp alone, so every place that needs it gets the same value. One request needs it up to three times (the
event, the function's environment, the response): the last value is remembered by the identity of its
request's headers and stamp (both immutable), so the other two are a comparison.
"""

from __future__ import annotations

import re

from .ids import RequestStamp
from .request import HttpRequest

__all__ = ["trace_header"]

#: An X-Ray trace id: version 1, the epoch seconds in 8 hex digits, 24 random hex digits.
_TRACE_ID = re.compile(r"1-[0-9a-f]{8}-[0-9a-f]{24}")
_ROOT_PREFIX_LENGTH = len("Root=")
_NAME_LENGTH = len("x-amzn-trace-id")


def _fields(value: str) -> list[tuple[str, str]]:
    """The ``key=value`` fields of a trace header, in order (spaces around them dropped)."""
    fields: list[tuple[str, str]] = []
    for part in value.split(";"):
        key, _, field = part.strip().partition("=")
        if key:
            fields.append((key, field))
    return fields


def _has_root(fields: list[tuple[str, str]]) -> bool:
    roots = [field for key, field in fields if key == "Root"]
    return len(roots) == 1 and _TRACE_ID.fullmatch(roots[0]) is not None


def _parent(stamp: RequestStamp) -> str:
    """The segment id the front door adds as ``Parent``: 16 hex digits, drawn from the stamp's random
    trace digits so that the event and the response agree."""
    return stamp.trace_id[-16:]


#: The last (request headers, alb or not, stamp, value): the value is a function of these alone, and the
#: identity of the headers (a tuple) and stamp says it, as both are immutable. Held as one tuple, so a
#: thread reads a whole entry; the entry keeps both alive (an identity is not reused while it is there),
#: not the request and its body.
_last: tuple[object, bool, object, str] = (None, False, None, "")


def trace_header(request: HttpRequest, api: str, stamp: RequestStamp) -> str:
    """The ``X-Amzn-Trace-Id`` value the front door ``api`` forwards for ``request``: in the event's
    headers, in the REST and function URL response, and in the Lambda's ``_X_AMZN_TRACE_ID``.

    :param api: the front door, as :attr:`GatewayConfig.api <apigw_emulator.config.GatewayConfig.api>`.
    :param stamp: the request's generated ids; its ``trace_id`` is used when the client sent no usable
        trace header (and its digits for an added ``Parent`` or ``Self``).
    """
    global _last  # noqa: PLW0603 (one entry, replaced whole)
    alb = api == "alb"  # every other front door forwards the same value
    headers = request.headers
    last = _last
    if last[0] is headers and last[2] is stamp and last[1] is alb:
        return last[3]
    value = _trace_header(headers, alb, stamp)
    _last = (headers, alb, stamp, value)
    return value


def _trace_header(headers: tuple[tuple[str, str], ...], alb: bool, stamp: RequestStamp) -> str:
    client = None
    for name, value in reversed(headers):  # the last one, as request.header() would pick
        if len(name) == _NAME_LENGTH and name.lower() == "x-amzn-trace-id":  # len first: quick for most
            client = value
            break
    if client is None:
        return stamp.trace_id
    fields = _fields(client)
    if not _has_root(fields):
        return stamp.trace_id
    if alb:
        kept = ";".join(f"{key}={field}" for key, field in fields if key != "Self")
        return f"Self={stamp.trace_id[_ROOT_PREFIX_LENGTH:]};{kept}"
    if any(key == "Parent" for key, _ in fields):
        return client
    return f"{client.rstrip('; ')};Parent={_parent(stamp)}"
