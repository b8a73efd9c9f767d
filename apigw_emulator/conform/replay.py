"""Every request of a snapshot sent again, through the emulator configured from the echo template.

Each front door of the snapshot is the template's API of the same name (for the echo stack's output
names, the API each names; for a function URL, the template's one function URL whatever its logical id),
or, when the snapshot gives the front door its own ``options`` (a capture's deployment), a
:class:`~apigw_emulator.Gateway` made of those options in front of the echo function.

The request is rebuilt exactly as recorded (method, target with its encoding, header pairs with their
casing and order, body bytes) below the front door's stage prefix, each header value read from the bytes
it was sent as (Latin-1) the way the local server reads them, and goes through
:meth:`Gateway.invoke <apigw_emulator.Gateway.invoke>`, the path every driver shares. The event and
context are read back from the echo function's JSON answer, as a recorder reads them.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ApigwEmulatorError, ApigwEmulatorWarning
from ..gateway import Gateway
from ..media_types import normalise_media_type_pattern
from ..request import HttpRequest
from ..server._http11 import _decode_value as decode_header_value
from .snapshot import FrontDoor, RecordedResponse, Snapshot, SnapshotEntry, SnapshotError
from .stack import ECHO_FRONT_DOORS

if TYPE_CHECKING:
    from ..application import Application

__all__ = [
    "ECHO_TEMPLATE",
    "FRAMING_HEADERS",
    "FrontDoorGateways",
    "ReplayedEntry",
    "echo_answer",
    "front_door_gateways",
    "replay",
    "request_of",
]

#: The echo stack's template, shipped in the package.
ECHO_TEMPLATE = Path(__file__).parent / "echo_stack" / "template.yaml"
#: The echo function's code folder, for front doors made of a snapshot's own ``options``.
_ECHO_CODE = Path(__file__).parent / "echo_stack" / "echo"
#: Headers the HTTP connection owns, not the front door: a server sets them, a client never sees them
#: as the gateway made them.
FRAMING_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class ReplayedEntry:
    """What the emulator made of one entry's request: the event and context the echo function answered
    with (None when it answered with the entry's ``result``, or did not run) and the client's response."""

    entry: SnapshotEntry
    response: RecordedResponse
    event: Mapping[str, Any] | None = None
    context: Mapping[str, Any] | None = None


def echo_answer(response: RecordedResponse) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """The event and context in the echo function's answer, or (None, None) when the body is not one (the
    front door answered itself, or the function returned a result of the request's)."""
    try:
        document = json.loads(response.body)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not (isinstance(document, dict) and isinstance(document.get("event"), dict)):
        return None, None
    context = document.get("context")
    return document["event"], context if isinstance(context, dict) else None


class FrontDoorGateways:
    """A gateway for each front door of a snapshot (see :func:`front_door_gateways`); closing it ends
    every function's execution environments."""

    def __init__(self, gateways: Mapping[str, Gateway], closers: list[Callable[[], None]]) -> None:
        self.gateways = dict(gateways)
        self._closers = closers

    def close(self) -> None:
        """End the functions' execution environments (worker processes); idempotent."""
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> FrontDoorGateways:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def front_door_gateways(
    snapshot: Snapshot,
    template: str | os.PathLike[str] | None = None,
    **options: Any,
) -> FrontDoorGateways:
    """A gateway for each front door of ``snapshot``: the template's API of the same name (the echo
    template by default), or one made of the front door's own ``options``.

    :param options: :class:`Gateway` options for every function (``isolation``...); the function's log
        lines are dropped unless ``function_log`` says where they go.
    :raises SnapshotError: for a front door the template does not have, or has as another kind.
    """
    options = {"function_log": _quiet, **options}  # the echo function's START/END/REPORT lines are noise here
    gateways: dict[str, Gateway] = {}
    closers: list[Callable[[], None]] = []
    try:
        from_template = [name for name, door in snapshot.front_doors.items() if door.options is None]
        if from_template:
            source = template or ECHO_TEMPLATE
            application = _application(source, options)
            closers.append(application.close)
            gateways.update(_template_gateways(snapshot, from_template, application, source))
        for name, door in snapshot.front_doors.items():
            if door.options is not None:
                gateways[name] = _own_gateway(name, door, options)
                closers.append(gateways[name].close)
    except BaseException:
        FrontDoorGateways({}, closers).close()
        raise
    return FrontDoorGateways(gateways, closers)


def _quiet(line: str) -> None:
    """The echo function's log lines, dropped (pass ``function_log=`` to see them)."""


def _application(template: str | os.PathLike[str], options: Mapping[str, Any]) -> Application:
    from ..application import Application  # noqa: PLC0415 - reads templates (PyYAML, the SAM translator)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ApigwEmulatorWarning)
        return Application.from_template(template, **{"raise_handler_exceptions": False, **options})


def _own_gateway(name: str, door: FrontDoor, options: Mapping[str, Any]) -> Gateway:
    """The echo function behind a gateway made of the front door's own options."""
    assert door.options is not None
    given = {"raise_handler_exceptions": False, **door.options, **options, "code_uri": str(_ECHO_CODE)}
    if door.binary_media_types and door.kind == "rest":
        given.setdefault("binary_media_types", list(door.binary_media_types))
    try:
        return Gateway("app.handler", **given)
    except (ApigwEmulatorError, TypeError, ValueError) as exc:
        raise SnapshotError(f"frontDoors.{name}.options: {exc}") from None


def _template_gateways(
    snapshot: Snapshot, names: list[str], application: Application, template: str | os.PathLike[str]
) -> dict[str, Gateway]:
    urls = [name for name, gateway in application.apis.items() if gateway.api == "function-url"]
    chosen: dict[str, Gateway] = {}
    for name in names:
        door = snapshot.front_doors[name]
        echo = ECHO_FRONT_DOORS.get(name)
        gateway = application.apis.get(name)
        if gateway is None and echo is not None:
            gateway = application.apis.get(echo.api)
        if gateway is None and door.kind == "function-url" and len(urls) == 1:
            gateway = application.apis[urls[0]]
        if gateway is None:
            raise SnapshotError(
                f"frontDoors.{name}: the template {template} has no API {name!r} "
                f"(its APIs: {', '.join(application.apis) or 'none'})"
            )
        if gateway.api != door.kind:
            raise SnapshotError(
                f"frontDoors.{name}: recorded as a {door.kind} front door, but the template's {name} is "
                f"{gateway.api}"
            )
        _check_binary_media_types(name, door, gateway, template)
        chosen[name] = gateway
    return chosen


def _check_binary_media_types(
    name: str, door: FrontDoor, gateway: Gateway, template: str | os.PathLike[str]
) -> None:
    """:raises SnapshotError: when a REST front door was recorded with other binary media types than the
    template gives it: every body would be compared against another configuration."""
    if door.kind != "rest":
        return
    recorded = {normalise_media_type_pattern(t) for t in door.binary_media_types}
    deployed = set(gateway.config.binary_media_types.patterns)
    if recorded != deployed:
        raise SnapshotError(
            f"frontDoors.{name}: recorded with binaryMediaTypes {sorted(recorded)}, but the template "
            f"{template} gives {sorted(deployed)}: check against the template it was recorded with "
            "(--template)"
        )


def request_of(entry: SnapshotEntry, gateway: Gateway) -> HttpRequest:
    """The entry's request as the front door receives it: the recorded target below the stage prefix.

    :raises SnapshotError: for a request no client can send (a control character in the target...).
    """
    path, _, query = entry.request.target.partition("?")
    headers = tuple((name, _as_read(value)) for name, value in entry.request.headers)
    try:
        return HttpRequest(
            entry.request.method,
            gateway.config.url_prefix + path,
            query,
            headers,
            entry.request.body,
        )
    except ApigwEmulatorError as exc:
        raise SnapshotError(f"entry {entry.id}: its request cannot be sent: {exc}") from None


def _as_read(value: str) -> str:
    """A recorded header value as the front door reads it: the recorder's HTTP clients send a value's
    characters as Latin-1 bytes, which the local server reads as UTF-8 when they are valid UTF-8."""
    if value.isascii():
        return value
    return decode_header_value(value.encode("latin-1", "replace"))


def _as_received(method: str, gateway_response: Any) -> RecordedResponse:
    """The gateway's response as a client receives it: framing headers are the connection's, and a HEAD
    request, a 204 or a 304 gets no body (HTTP/1.1, as the local server sends it)."""
    headers = tuple((n, v) for n, v in gateway_response.headers if n.lower() not in FRAMING_HEADERS)
    status = gateway_response.status
    bodiless = method == "HEAD" or status in (204, 304)
    return RecordedResponse(status, headers, b"" if bodiless else gateway_response.body)


def replay(
    snapshot: Snapshot,
    template: str | os.PathLike[str] | None = None,
    **options: Any,
) -> Iterator[ReplayedEntry]:
    """Each entry of ``snapshot`` sent again through the emulator, in order (see the module's documentation).

    :param template: the echo template the snapshot was recorded against (default: the packaged one).
    :param options: :class:`Gateway` options for the functions (``isolation="process"``...).
    :raises SnapshotError: for a front door the template does not have or a request no client can send.
    """
    with front_door_gateways(snapshot, template, **options) as doors:
        for entry in snapshot.entries:
            gateway = doors.gateways[entry.front_door]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ApigwEmulatorWarning)
                invocation = gateway.invoke(request_of(entry, gateway))
            response = _as_received(entry.request.method, invocation.response)
            event, context = echo_answer(response) if entry.result is None else (None, None)
            yield ReplayedEntry(entry, response, event, context)
