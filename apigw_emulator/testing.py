"""Assertion helpers for tests of Lambda handlers, with failure messages that say what went wrong."""

from __future__ import annotations

import base64
import binascii
import difflib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["GENERATED_PATHS", "assert_body_bytes", "assert_events_equal", "event_body_bytes"]

#: Paths (dotted, ``*`` for any key) of values generated per request: ignored by
#: :func:`assert_events_equal` unless told otherwise.
GENERATED_PATHS: tuple[str, ...] = (
    "requestContext.requestId",
    "requestContext.extendedRequestId",
    "requestContext.requestTime",
    "requestContext.requestTimeEpoch",
    "requestContext.time",
    "requestContext.timeEpoch",
    "headers.X-Amzn-Trace-Id",
    "headers.x-amzn-trace-id",
    "headers.X-Amz-Cf-Id",
    "headers.Via",
    "multiValueHeaders.X-Amzn-Trace-Id",
    "multiValueHeaders.x-amzn-trace-id",
    "multiValueHeaders.X-Amz-Cf-Id",
    "multiValueHeaders.Via",
)


def _strip(value: Any, ignored: set[str], prefix: str = "") -> Any:
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if path in ignored:
                out[key] = "<generated>"
            else:
                out[key] = _strip(item, ignored, path)
        return out
    if isinstance(value, list):
        return [_strip(item, ignored, prefix) for item in value]
    return value


def assert_events_equal(
    actual: Mapping[str, Any],
    expected: Mapping[str, Any],
    *,
    ignore: Iterable[str] = GENERATED_PATHS,
) -> None:
    """Assert two events are equal except for generated ids and times, showing a diff of the rest.

    :param ignore: dotted paths whose values are not compared (default :data:`GENERATED_PATHS`); a key
        present on one side only still counts as a difference.
    """
    ignored = set(ignore)
    left = json.dumps(_strip(actual, ignored), indent=2, sort_keys=True, ensure_ascii=False)
    right = json.dumps(_strip(expected, ignored), indent=2, sort_keys=True, ensure_ascii=False)
    if left != right:
        diff = "\n".join(
            difflib.unified_diff(right.splitlines(), left.splitlines(), "expected", "actual", lineterm="")
        )
        raise AssertionError(f"the events differ (generated ids and times ignored):\n{diff}")


def event_body_bytes(event: Mapping[str, Any]) -> bytes:
    """The body bytes of an event, decoded from base64 when ``isBase64Encoded`` says so."""
    body = event.get("body")
    if body is None:
        return b""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body, validate=True)
    return str(body).encode("utf-8")


_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def assert_body_bytes(event: Mapping[str, Any], expected: bytes, *, handler_saw: bytes | None = None) -> None:
    """Assert the event carries ``expected`` bytes, explaining the usual base64 and text-mode mistakes.

    :param handler_saw: the bytes your handler actually used, if you have them: the message then tells
        whether it read a base64 body as text (or decoded a text body as base64).
    """
    got = event_body_bytes(event)
    if handler_saw is not None and handler_saw != expected:
        body = event.get("body") or ""
        if event.get("isBase64Encoded") and handler_saw == str(body).encode():
            raise AssertionError(
                "this body was base64 (isBase64Encoded: true) but your handler read it as text: decode "
                "event['body'] with base64 when event['isBase64Encoded'] is true"
            )
        if not event.get("isBase64Encoded") and _B64.match(str(body)):
            try:
                if handler_saw == base64.b64decode(str(body), validate=True):
                    raise AssertionError(
                        "this body was text (isBase64Encoded: false) but your handler decoded it as base64"
                    )
            except binascii.Error:
                pass
        raise AssertionError(
            f"your handler used {len(handler_saw)} bytes that differ from the {len(expected)} sent"
        )
    if got != expected:
        if "\ufffd" in str(event.get("body") or "") and not event.get("isBase64Encoded"):
            raise AssertionError(
                "the body reached the Lambda as text with U+FFFD replacement characters: the front door "
                "treats this Content-Type as text (add it to the REST API's binaryMediaTypes)"
            )
        raise AssertionError(
            f"the event carries {len(got)} body bytes that differ from the {len(expected)} sent"
        )
