"""Values that change from call to call, turned into stable placeholders: ``<kind:N>``.

A deployed front door gives every request a new request id, time and trace id, and every deployment a new
API id; a snapshot compares well only once those are placeholders. Equal values get equal placeholders, so
what AWS makes equal stays visible (the ``x-amzn-RequestId`` response header and the event's ``requestId``
both become ``<request-id:1>``). Two scopes:

- the deployment (``api-id``, ``url-id``, ``region``, ``account``, ``function-name``,
  ``resource-id``, ``deployment-id``): numbered across the whole snapshot;
- one request (every other kind: ``request-id``, ``time``, ``epoch``, ``date``, ``ip``, ``trace-id``,
  ``trace-parent``, ``log-stream``, ``cloudfront``, ``cf-id``, ``cf-pop``, ``echo-length``): numbered
  afresh for each entry, so that a value missing in one entry does not shift the placeholders of every
  later one.

Values are found by the key or header name that holds them (``requestId``, ``timeEpoch``, ``sourceIp``,
``X-Forwarded-For``, ``x-amz-cf-id``...) and by shapes no request of the corpus holds by chance (UUIDs,
X-Ray ids ``1-<8 hex>-<24 hex>``, ``execute-api`` and ``lambda-url`` host names, Lambda ARNs, log stream
names). A request's own body is never changed: it is what was sent.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from .snapshot import FrontDoor, RecordedResponse, Snapshot, SnapshotEntry

__all__ = ["DEPLOYMENT_KINDS", "PLACEHOLDER", "Normaliser", "normalise_snapshot"]

#: Kinds numbered across the snapshot; every other kind is numbered within one entry.
DEPLOYMENT_KINDS = frozenset(
    {"api-id", "url-id", "region", "account", "function-name", "resource-id", "deployment-id"}
)
#: What a placeholder looks like.
PLACEHOLDER = re.compile(r"<([a-z][a-z0-9-]*):(\d+)>")

_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_TRACE_ID = re.compile(r"\b1-[0-9a-f]{8}-[0-9a-f]{24}\b")
_TRACE_PARENT = re.compile(r"(?<=Parent=)[0-9a-f]{16}\b")
_EXECUTE_API = re.compile(r"\b([a-z0-9]{10})\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com\b")
_LAMBDA_URL = re.compile(r"\b([a-z0-9]{32})\.lambda-url\.([a-z]{2}(?:-[a-z]+)+-\d)\.on\.aws\b")
_ARN = re.compile(r"\barn:(aws[a-z-]*):([a-z0-9-]+):([a-z]{2}(?:-[a-z]+)+-\d)?:(\d{12})?:")
_FUNCTION_ARN = re.compile(r"(:lambda:\S*?:function:)([\w-]+)")  # after _ARN (placeholders hold colons)
_LOG_STREAM = re.compile(r"\b\d{4}/\d{2}/\d{2}/\[[^\]\s]*\][0-9a-f]{32}\b")
_CLOUDFRONT_HOST = re.compile(r"\b[0-9a-f]{32}(?=\.cloudfront\.net\b)")
_ACCOUNT = re.compile(r"^\d{12}$")


class Normaliser:
    """Placeholders for one snapshot: call :meth:`front_door` for each front door, then :meth:`entry` for
    each entry, in the snapshot's order (the numbering follows the order of first appearance)."""

    def __init__(self) -> None:
        self._deployment: dict[str, dict[str, int]] = {}
        self._request: dict[str, dict[str, int]] = {}
        self._by_key: dict[str, Callable[[str], str]] = {
            "requestid": self._kind("request-id"),
            "extendedrequestid": self._kind("request-id"),
            "aws_request_id": self._kind("request-id"),
            "x-amzn-requestid": self._kind("request-id"),
            "x-amz-apigw-id": self._kind("request-id"),
            "apigw-requestid": self._kind("request-id"),
            "requesttime": self._kind("time"),
            "time": self._kind("time"),
            "requesttimeepoch": self._kind("epoch"),
            "timeepoch": self._kind("epoch"),
            "date": self._kind("date"),
            "x-amzn-remapped-date": self._kind("date"),
            "sourceip": self._kind("ip"),
            "x-forwarded-for": self._forwarded_for,
            "accountid": self._account,
            "apiid": self._api_id,
            "domainprefix": self._api_id,
            "resourceid": self._kind("resource-id"),
            "deploymentid": self._kind("deployment-id"),
            "function_name": self._kind("function-name"),
            "log_group_name": self._log_group,
            "x-amz-cf-id": self._kind("cf-id"),
            "x-amz-cf-pop": self._kind("cf-pop"),
        }

    # -- placeholders -------------------------------------------------------------------------------------
    def placeholder(self, kind: str, value: str) -> str:
        """``<kind:N>`` for ``value``: the same N for the same value, in the kind's scope."""
        table = (self._deployment if kind in DEPLOYMENT_KINDS else self._request).setdefault(kind, {})
        number = table.setdefault(value, len(table) + 1)
        return f"<{kind}:{number}>"

    def begin_entry(self) -> None:
        """Start the numbering of the per-request kinds afresh (:meth:`entry` calls it)."""
        self._request = {}

    def _kind(self, kind: str) -> Callable[[str], str]:
        return lambda value: self.placeholder(kind, value) if value else value

    def _forwarded_for(self, value: str) -> str:
        return ", ".join(self.placeholder("ip", part.strip()) for part in value.split(","))

    def _account(self, value: str) -> str:  # a function URL's accountId is "anonymous": kept
        return self.placeholder("account", value) if _ACCOUNT.match(value) else value

    def _api_id(self, value: str) -> str:  # a function URL's id is its 32-character host prefix
        return self.placeholder("url-id" if len(value) == 32 else "api-id", value) if value else value

    def _log_group(self, value: str) -> str:
        prefix, sep, name = value.rpartition("/aws/lambda/")
        return prefix + sep + self.placeholder("function-name", name) if sep and name else self.text(value)

    # -- values -------------------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        """``value`` with every value of a known shape replaced (ARNs, host names, UUIDs, X-Ray ids...)."""

        def arn(found: re.Match[str]) -> str:
            region = self.placeholder("region", found[3]) if found[3] else ""
            account = self.placeholder("account", found[4]) if found[4] else ""
            return f"arn:{found[1]}:{found[2]}:{region}:{account}:"

        def host(kind: str, suffix: str) -> Callable[[re.Match[str]], str]:
            return lambda found: (
                f"{self.placeholder(kind, found[1])}.{suffix}.{self.placeholder('region', found[2])}"
                + (".amazonaws.com" if suffix == "execute-api" else ".on.aws")
            )

        value = _ARN.sub(arn, value)
        value = _FUNCTION_ARN.sub(lambda found: found[1] + self.placeholder("function-name", found[2]), value)
        value = _EXECUTE_API.sub(host("api-id", "execute-api"), value)
        value = _LAMBDA_URL.sub(host("url-id", "lambda-url"), value)
        value = _LOG_STREAM.sub(lambda found: self.placeholder("log-stream", found[0]), value)
        value = _TRACE_ID.sub(lambda found: self.placeholder("trace-id", found[0]), value)
        value = _TRACE_PARENT.sub(lambda found: self.placeholder("trace-parent", found[0]), value)
        value = _CLOUDFRONT_HOST.sub(lambda found: self.placeholder("cloudfront", found[0]), value)
        return _UUID.sub(lambda found: self.placeholder("request-id", found[0].lower()), value)

    def value(self, key: str | None, value: Any) -> Any:
        """A JSON value found under ``key`` (a dictionary key or a header name, any casing), normalised:
        objects and lists throughout, ``body`` kept as it is. An object's members are visited in the
        order of their sorted keys (and given back in their own order), so the numbering does not depend
        on the order in which a front door writes them."""
        lowered = key.lower() if key is not None else None
        if isinstance(value, Mapping):
            done = {name: self.value(name, value[name]) for name in sorted(value, key=str)}
            return {name: done[name] for name in value}
        if isinstance(value, list):
            return [self.value(key, item) for item in value]
        if lowered == "body":
            return value
        rule = self._by_key.get(lowered) if lowered is not None else None
        if isinstance(value, int) and not isinstance(value, bool) and rule is not None:
            return rule(str(value))
        if isinstance(value, str):
            return rule(value) if rule is not None else self.text(value)
        return value

    def headers(self, pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """Header pairs with their values normalised by name, the names as they are."""
        return tuple((name, self.value(name, value)) for name, value in pairs)

    def front_door(self, door: FrontDoor) -> FrontDoor:
        """The front door with its URL normalised (its API id and region)."""
        return dataclasses.replace(door, url=self.text(door.url))

    def entry(self, entry: SnapshotEntry) -> SnapshotEntry:
        """The entry normalised: its event, its context and the response's headers, in that order; the
        response body of an echo (an entry with an event) is the echo document written afresh from the
        normalised event and context (the function's own formatting: sorted keys, no ASCII escapes), and
        its ``Content-Length`` the placeholder ``<echo-length:1>``. The request is kept as it was sent."""
        self.begin_entry()
        event = self.value(None, entry.event) if entry.event is not None else None
        context = self.value(None, entry.context) if entry.context is not None else None
        headers = self.headers(entry.response.headers)
        body = entry.response.body
        if event is not None:
            document = {"event": event, "context": context}
            body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
            headers = tuple(
                (name, self.placeholder("echo-length", value) if name.lower() == "content-length" else value)
                for name, value in headers
            )
        response = RecordedResponse(entry.response.status, headers, body)
        return dataclasses.replace(entry, event=event, context=context, response=response)


def normalise_snapshot(snapshot: Snapshot) -> Snapshot:
    """The snapshot with its front doors and entries normalised by one :class:`Normaliser`, in order."""
    normaliser = Normaliser()
    doors = {name: normaliser.front_door(door) for name, door in snapshot.front_doors.items()}
    entries = tuple(normaliser.entry(entry) for entry in snapshot.entries)
    return dataclasses.replace(snapshot, front_doors=doors, entries=entries)
