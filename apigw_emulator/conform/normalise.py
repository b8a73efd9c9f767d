"""Values that change from call to call, written as stable placeholders (``<request-id:1>``).

A :class:`Normaliser` numbers each kind of value on its own, and gives equal values equal placeholders for
as long as it lives (one snapshot, or one entry), as LocalStack's snapshot transformers do. Values are
found by their form (a UUID, an X-Ray trace id, an IP address, an execute-api host, a time in Common Log
Format or HTTP's date form, a Lambda log stream) wherever they are, inside longer strings too (an ARN's
account, a ``Via`` header), and by the key that holds them for epoch times and API Gateway's short ids.
A placeholder already in a value is kept, so normalising twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["PLACEHOLDER", "Normaliser", "normalise"]

#: A placeholder: ``<kind:number>``.
PLACEHOLDER = re.compile(r"<([a-z][a-z0-9-]*):(\d+)>")

#: (kind, pattern) for values found by their form, in the order they are tried.
_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("trace-id", re.compile(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}(?:;Parent=[0-9a-f]{16})?(?:;Sampled=[01])?")),
    ("request-id", re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),
    ("log-stream", re.compile(r"\d{4}/\d{2}/\d{2}/\[[^\]]+\][0-9a-f]{32}")),
    ("cloudfront-host", re.compile(r"[0-9a-f]{32}\.cloudfront\.net")),
    ("cloudfront-id", re.compile(r"[A-Za-z0-9_-]{54}==")),
    ("time", re.compile(r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}")),
    ("http-date", re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")),
    ("api-id", re.compile(r"(?<![A-Za-z0-9])[a-z0-9]{10}(?=\.execute-api\.)")),
    ("url-id", re.compile(r"(?<![A-Za-z0-9])[a-z0-9]{32}(?=\.lambda-url\.)")),
    ("account", re.compile(r"(?<=:)\d{12}(?=:)")),
    ("ip", re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")),
)
#: Keys whose whole value changes per call: epoch times, API Gateway's short ids, the account.
_BY_KEY = {
    "requestTimeEpoch": "epoch",
    "timeEpoch": "epoch",
    "extendedRequestId": "short-id",
    "apigw-requestid": "short-id",
    "x-amz-apigw-id": "short-id",
    "accountId": "account",
    "apiId": "api-id",
    "requestId": "request-id",
    "aws_request_id": "request-id",
}


class Normaliser:
    """Placeholders for volatile values; equal values get equal placeholders while this object lives."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def placeholder(self, kind: str, value: str) -> str:
        """The placeholder of ``value`` as a ``kind`` (the same one every time for the same value)."""
        if PLACEHOLDER.fullmatch(value):
            return value
        key = (kind, value)
        found = self._seen.get(key)
        if found is None:
            self._counts[kind] = number = self._counts.get(kind, 0) + 1
            found = self._seen[key] = f"<{kind}:{number}>"
        return found

    def text(self, text: str) -> str:
        """``text`` with every volatile value found by its form replaced."""
        for kind, pattern in _FORMS:
            if pattern.search(text):
                text = pattern.sub(lambda m, k=kind: self.placeholder(k, m.group(0)), text)  # type: ignore[misc]
        return text

    def normalise(self, value: Any, key: str | None = None) -> Any:
        """A copy of the JSON value ``value`` with its volatile values replaced (``key``: the key that holds
        it, for the values known by their key)."""
        if isinstance(value, Mapping):
            return {name: self.normalise(item, str(name)) for name, item in value.items()}
        if isinstance(value, list):
            return [self.normalise(item, key) for item in value]
        kind = _BY_KEY.get(key) if key is not None else None
        if kind is not None and isinstance(value, (str, int)) and not isinstance(value, bool):
            if value in ("", "anonymous"):
                return value
            return self.placeholder(kind, str(value))
        if isinstance(value, str):
            return self.text(value)
        return value


def normalise(value: Any) -> Any:
    """``value`` normalised by a fresh :class:`Normaliser`."""
    return Normaliser().normalise(value)
