"""``conform record``: send the corpus to each deployed front door of the echo stack and keep, for each
request, the request as sent, the event and context the echo function received and the response the client
received; then normalise (:mod:`.normalise`) and write the snapshot (:func:`~.snapshot.dump_snapshot`).

Requests go out with ``requests`` (its certificate bundle, its proxies); a request ``requests`` would not
send byte for byte (a header name twice, a target it would re-quote) goes out with :mod:`http.client`
(directly, with requests' certificate bundle: not through a proxy). The ``Host`` header is the front
door's and is not recorded; every other header is recorded as sent, including the ``Content-Length`` and
``Accept-Encoding: identity`` the client libraries add.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import json
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ApigwEmulatorError
from .corpus import CorpusRequest
from .normalise import normalise_snapshot
from .snapshot import FrontDoor, RecordedRequest, RecordedResponse, Snapshot, SnapshotEntry
from .stack import ECHO_FRONT_DOORS

__all__ = [
    "MAX_REQUESTS",
    "RecordError",
    "Recording",
    "check_bound",
    "echo_entry",
    "echo_front_doors",
    "read_outputs",
    "record",
]

#: The most requests one recording sends (front doors times corpus).
MAX_REQUESTS = 5000
#: What the client libraries add when the request does not say.
_ADDED = (("Accept-Encoding", "identity"),)

Progress = Callable[[int, int, str], None]


#: The most bytes a front door's response body may have (the echo's answer to the largest request the
#: corpus sends is well under it); a longer one is a failed request, not read to its end.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
#: A front door whose first requests all fail, this many in a row, is given up (a URL that never
#: answers, or answers no HTTP, would otherwise cost the whole corpus times the timeout).
GIVE_UP_AFTER = 3
_CHUNK = 64 * 1024


class RecordError(ApigwEmulatorError, ValueError):
    """The recording cannot start: outputs that cannot be read, a front door the echo stack does not have,
    too many requests."""


@dataclass
class Recording:
    """What :func:`record` did: the snapshot (normalised) and the requests that got no response."""

    snapshot: Snapshot
    failures: list[str] = field(default_factory=list)


def read_outputs(path: str | Path) -> dict[str, str]:
    """The URL of each front door in a stack's outputs file: ``sam list stack-outputs --output json``
    (a list of ``{"OutputKey", "OutputValue"}``), ``aws cloudformation describe-stacks`` (``{"Stacks":
    [{"Outputs": [...]}]}``) or a plain ``{"Name": "URL"}`` object. Outputs that are not front doors of
    the echo stack are left out.

    :raises RecordError: when the file cannot be read, is not JSON or has none of the front doors.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RecordError(f"can't read the outputs file {str(path)!r}: {exc.strerror}") from None
    except (ValueError, RecursionError) as exc:
        raise RecordError(f"the outputs file {str(path)!r} is not JSON: {exc!r}") from None
    if isinstance(document, dict) and isinstance(document.get("Stacks"), list) and document["Stacks"]:
        document = document["Stacks"][0].get("Outputs", []) if isinstance(document["Stacks"][0], dict) else []
    outputs: dict[str, str] = {}
    if isinstance(document, list):
        for output in document:
            if isinstance(output, dict) and isinstance(output.get("OutputValue"), str):
                outputs[str(output.get("OutputKey"))] = output["OutputValue"]
    elif isinstance(document, dict):
        outputs = {str(k): v for k, v in document.items() if isinstance(v, str)}
    urls = {name: url for name, url in outputs.items() if name in ECHO_FRONT_DOORS}
    if not urls:
        raise RecordError(
            f"the outputs file {str(path)!r} has none of the echo stack's front doors "
            f"({', '.join(ECHO_FRONT_DOORS)}): write it with `sam list stack-outputs --output json`"
        )
    return urls


def echo_front_doors(urls: Mapping[str, str]) -> dict[str, FrontDoor]:
    """The snapshot's front doors for the echo stack's URLs by front door name.

    :raises RecordError: for a name the echo stack does not have, or a URL that is not http(s).
    """
    doors = {}
    for name, url in urls.items():
        known = ECHO_FRONT_DOORS.get(name)
        if known is None:
            raise RecordError(
                f"{name!r} is not a front door of the echo stack: use {', '.join(ECHO_FRONT_DOORS)}"
            )
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise RecordError(f"{name}={url!r}: expected an http(s) URL without query (the front door's URL)")
        doors[name] = FrontDoor(known.kind, url.rstrip("/"), known.stage, known.binary_media_types)
    return doors


def record(
    urls: Mapping[str, str],
    corpus: Sequence[CorpusRequest],
    *,
    rate: float = 5.0,
    timeout: float = 30.0,
    progress: Progress | None = None,
    max_requests: int = MAX_REQUESTS,
) -> Recording:
    """Send every request of ``corpus`` to every front door of ``urls`` (names of :data:`ECHO_FRONT_DOORS`),
    at most ``rate`` requests a second, each within ``timeout`` seconds; returns the normalised snapshot.

    :param progress: called before each request with (number, total, entry id).
    :raises RecordError: for front doors the echo stack does not have, or more than ``max_requests``.
    """
    doors = echo_front_doors(urls)
    total = len(doors) * len(corpus)
    if total > max_requests:
        raise RecordError(
            f"{total} requests ({len(doors)} front doors x {len(corpus)}): more than {max_requests}"
        )
    if rate <= 0 or timeout <= 0:
        raise RecordError("the rate and the timeout must be above 0")
    import requests  # noqa: PLC0415 - only recording needs it

    entries: list[SnapshotEntry] = []
    failures: list[str] = []
    interval = 1.0 / rate
    next_at = time.monotonic()
    number = 0
    with requests.Session() as session:
        session.headers.clear()  # the corpus gives every header; requests adds none of its own
        # Nor cookies: a Set-Cookie of one response must not come back in the next requests.
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        for name, door in doors.items():
            answered, failed_in_a_row = False, 0
            for position, request in enumerate(corpus):
                number += 1
                entry_id = f"{name}/{request.id}"
                if progress is not None:
                    progress(number, total, entry_id)
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at = max(next_at + interval, time.monotonic())
                try:
                    sent, response = _send(session, door.url, request, timeout)
                except (OSError, ValueError, requests.RequestException) as exc:  # ValueError: unsendable
                    failures.append(f"{entry_id}: {type(exc).__name__}: {exc}")
                    failed_in_a_row += 1
                    if not answered and failed_in_a_row >= GIVE_UP_AFTER:
                        failures.append(
                            f"{name}: gave up on this front door: its first {GIVE_UP_AFTER} requests got no "
                            f"response ({door.url})"
                        )
                        number += len(corpus) - position - 1
                        break
                    continue
                answered, failed_in_a_row = True, 0
                entries.append(echo_entry(entry_id, name, sent, response))
    snapshot = Snapshot(
        doors,
        tuple(entries),
        recorded=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        recorder=f"apigw-emulator {_version()}",
    )
    return Recording(normalise_snapshot(snapshot), failures)


def check_bound(doors: int, corpus: int, max_requests: int = MAX_REQUESTS) -> int:
    """The number of requests a recording of ``corpus`` requests to ``doors`` front doors sends.

    :raises RecordError: when it is more than ``max_requests``.
    """
    total = doors * corpus
    if total > max_requests:
        raise RecordError(
            f"{total} requests ({doors} front doors x {corpus}): more than {max_requests} "
            "(fewer --generated, or a higher --max-requests)"
        )
    return total


def _version() -> str:
    from .. import __version__  # noqa: PLC0415

    return __version__


def echo_entry(
    entry_id: str, front_door: str, sent: RecordedRequest, response: RecordedResponse
) -> SnapshotEntry:
    """The snapshot entry (not yet normalised) of one exchange with the echo function: the result the
    request asked for with ``x-conform-result`` (None: it asked for the echo), and for an echo, the event and
    the context read back from the response body (None when the body is not the echo document: the front
    door answered itself, or a HEAD response)."""
    asked = CorpusRequest("", sent.method, sent.target, sent.headers).asked_result()
    event = context = None
    if asked is None:
        try:
            document = json.loads(response.body)
        except ValueError:
            document = None
        if isinstance(document, dict) and isinstance(document.get("event"), dict):
            event = document["event"]
            context = document.get("context") if isinstance(document.get("context"), dict) else None
    return SnapshotEntry(entry_id, front_door, sent, response, asked, event, context)


def _needs_http_client(base: str, request: CorpusRequest) -> bool:
    """Whether ``requests`` would change the request: a header name twice, or a target it would write
    otherwise (it re-quotes some characters and upper-cases percent escapes)."""
    import requests  # noqa: PLC0415

    names = [name.lower() for name, _ in request.headers]
    if len(set(names)) != len(names):
        return True
    try:
        prepared = requests.Request(request.method, base + request.target).prepare()
    except (ValueError, requests.RequestException):
        return True
    return prepared.path_url != urllib.parse.urlsplit(base).path + request.target


def _with_added(headers: Sequence[tuple[str, str]], body: bytes, method: str) -> tuple[tuple[str, str], ...]:
    names = {name.lower() for name, _ in headers}
    added = [pair for pair in _ADDED if pair[0].lower() not in names]
    # requests gives every method but GET and HEAD a Content-Length, 0 without a body; http.client is told.
    if "content-length" not in names and (body or method not in ("GET", "HEAD")):
        added.append(("Content-Length", str(len(body))))
    return (*headers, *added)


def _send(
    session: Any, base: str, request: CorpusRequest, timeout: float
) -> tuple[RecordedRequest, RecordedResponse]:
    """Send ``request`` to the front door at ``base``; returns it as sent and the response as received.

    :raises RecordError: for a response body that is cut off, too long or too slow.
    """
    import urllib3.exceptions  # noqa: PLC0415 - requests' own transport

    headers = _with_added(request.headers, request.body, request.method)
    sent = RecordedRequest(request.method, request.target, headers, request.body)
    if _needs_http_client(base, request):
        return sent, _send_raw(base, sent, timeout)
    response = session.request(
        request.method,
        base + request.target,
        headers=dict(headers),
        data=request.body or None,
        timeout=timeout,
        stream=True,
        allow_redirects=False,
    )
    with response:
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read
        try:
            body = _read_bounded(lambda size: read(size, decode_content=False), time.monotonic() + timeout)
        except (
            urllib3.exceptions.HTTPError
        ) as exc:  # a body cut off, a broken chunk: requests lets it through
            raise RecordError(f"the response body could not be read: {exc}") from exc
        announced = response.headers.get("Content-Length")
        if (
            request.method != "HEAD"
            and response.status_code not in (204, 304)
            and announced is not None
            and announced.isdigit()
            and int(announced) != len(body)
        ):
            raise RecordError(f"the response ended after {len(body)} of the {announced} bytes it announced")
        # http.client's own header list keeps each name's casing; urllib3's merges the casing of repeats.
        original = getattr(response.raw, "_original_response", None)
        items = original.getheaders() if original is not None else response.raw.headers.items()
        pairs = tuple((str(k), str(v)) for k, v in items)
    return sent, RecordedResponse(response.status_code, pairs, body)


def _send_raw(base: str, sent: RecordedRequest, timeout: float) -> RecordedResponse:
    import http.client  # noqa: PLC0415
    import ssl  # noqa: PLC0415

    from requests.utils import DEFAULT_CA_BUNDLE_PATH  # noqa: PLC0415 - requests' certificates

    parts = urllib.parse.urlsplit(base)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=DEFAULT_CA_BUNDLE_PATH)
        connection = http.client.HTTPSConnection(parts.netloc, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(parts.netloc, timeout=timeout)
    try:
        connection.putrequest(
            sent.method, parts.path + sent.target, skip_host=True, skip_accept_encoding=True
        )
        connection.putheader("Host", parts.netloc)
        for name, value in sent.headers:
            connection.putheader(name, value.encode("latin-1", "replace"))
        connection.endheaders(sent.body or None)
        answer = connection.getresponse()
        body = _read_bounded(answer.read1, time.monotonic() + timeout)
        if answer.length:  # what Content-Length announced and did not come before the connection closed
            raise RecordError(f"the response ended {answer.length} bytes short of the length it announced")
        return RecordedResponse(answer.status, tuple(answer.getheaders()), body)
    finally:
        connection.close()


def _read_bounded(read: Callable[[int], bytes], deadline: float) -> bytes:
    """A response body read a piece at a time: at most :data:`MAX_RESPONSE_BYTES`, and no new piece asked
    for after ``deadline`` (an endless or trickled body is a failed request, not a hang).

    :raises RecordError: when the body is longer or takes longer.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise RecordError("the response body did not end within the timeout")
        chunk = read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise RecordError(f"the response body is over {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
