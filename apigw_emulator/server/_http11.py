"""HTTP/1.1 on a socket, as the local gateway speaks it: a strict request parser and a response writer.

Nothing here knows about API Gateway. The request head is read up to its blank line and split on CRLF, so
header names keep the client's casing, order and duplicates, and the request target stays percent-encoded
as sent. The parser is strict where leniency enables request smuggling or header injection (RFC 9112
2.2, 5, 6.1, 6.3, 7.1): every violation is an :class:`HttpError` after which the connection closes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http
import math
import re
import select
import socket
import struct
import time
from collections.abc import Callable
from typing import TypeVar

from .._http_syntax import bad_value_character, is_token
from .._socket_io import send_before
from ..response import GatewayResponse

_T = TypeVar("_T")

#: Where the system has it, the flag that makes one operation on a blocking socket non-blocking.
_DONTWAIT: int = getattr(socket, "MSG_DONTWAIT", 0)
#: Whether :meth:`Stream.await_head` waits with one blocking receive (see :class:`Stream`).
_IDLE_RECEIVE = bool(_DONTWAIT) and hasattr(socket, "SO_RCVTIMEO")
#: ``struct timeval`` (``SO_RCVTIMEO``'s value): seconds and microseconds, C longs.
_TIMEVAL = struct.Struct("@ll")

#: The interim response sent to a client that waits for it before sending its body.
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

#: Bytes asked of each ``recv``: below malloc's mmap threshold, so that a read costs no page faults.
_RECV_SIZE = 64 * 1024
#: The largest piece of a body allocated before its bytes arrive (see :meth:`Stream.read_exact`).
_BODY_PIECE = 256 * 1024
_MAX_CHUNK_LINE = 4096
#: The length of a Content-Length too long to convert: over every body limit.
_HUGE_LENGTH = 10**18
_SMALL_RESPONSE = 64 * 1024
_TCHAR = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]"
_TOKEN = re.compile(_TCHAR + rb"+")
#: A header line (RFC 9112 5): a token, a colon, then optional whitespace around a value without controls
#: (HTAB and obs-text allowed) that starts and ends with a visible byte. Written so that no two parts can
#: match the same whitespace: matching stays linear in the line's length, whatever its content.
_FIELD_TEXT = (
    r"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*"
    r"(?:([^\x00-\x20\x7f](?:[^\x00-\x08\x0a-\x1f\x7f]*[^\x00-\x20\x7f])?)[ \t]*)?\r\n"
)
_FIELD = re.compile(_FIELD_TEXT)
_FIELD_BLOCK = re.compile(f"(?:{_FIELD_TEXT})*")
_FIELD_BYTES = re.compile(_FIELD_TEXT.encode("ascii"))
_FIELD_BLOCK_BYTES = re.compile(f"(?:{_FIELD_TEXT})*".encode("ascii"))
_VERSION = re.compile(rb"HTTP/([0-9])\.[0-9]")
#: A request line as :func:`_parse_request_line` accepts it, ASCII only: a method (a token), a target
#: without controls or spaces, HTTP/1.x.
_USUAL_REQUEST_LINE = re.compile(r"([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^\x00-\x20\x7f]+) (HTTP/1\.[0-9])")
_DIGITS = re.compile(r"[0-9]+")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")
#: Response header lines as :func:`serialise` writes them, every one valid: a token, then a value without
#: controls (HTAB aside) or lone surrogates (counting the lines tells a value that holds a whole line).
_RESPONSE_FIELDS = re.compile(
    r"(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+: [^\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]*\r\n)*"
)
#: Controls other than HTAB, forbidden in header values (RFC 9110 5.5); CR and LF included.
_VALUE_CONTROLS = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
#: Bytes a request target cannot hold (controls, space); non-ASCII bytes are percent-encoded.
_TARGET_CONTROLS = re.compile(rb"[\x00-\x20\x7f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: Response headers the server owns: framing and connection management (hop-by-hop).
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}
)


class HttpError(Exception):
    """The request cannot be served: answer ``status`` (with ``detail``) and close the connection."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class StalledError(Exception):
    """The client did not send what it announced before the deadline (408)."""


class ClosedError(Exception):
    """The client closed the connection, or it was reset."""


class BadResponseError(Exception):
    """The gateway's response cannot be written as HTTP/1.1."""


# -- the connection's socket ------------------------------------------------------------------------------


class Stream:
    """A connection's socket, buffered for reading, where every read has a deadline
    (``time.monotonic()``) and every write a timeout.

    Every read and write is non-blocking and the stream waits itself, only when an operation would
    block: a read or write that can go ahead at once costs one system call. (A socket timeout would make
    every call two, a ``poll`` first and then the operation, and changing the timeout two more: each a
    release and re-acquisition of the GIL, which threads serving other connections wait for.) The one
    exception is the wait for the next request on a keep-alive connection (:meth:`await_head`), which
    is nearly always a wait: where the system has ``MSG_DONTWAIT``, the socket itself blocks, bounded
    by its receive timeout (``SO_RCVTIMEO``, set once), so that the wait and the read are one receive;
    every other operation passes ``MSG_DONTWAIT``. Elsewhere the socket is non-blocking and that wait
    polls first.
    """

    def __init__(self, sock: socket.socket, timeout: float, received: bytes = b"") -> None:
        self._sock = sock
        #: What was received and not consumed yet (``received``: read before the stream was made).
        self._buffer = bytearray(received)
        self._scratch = memoryview(bytearray(_RECV_SIZE))
        #: The idle wait is one blocking receive (see the class); every other operation is non-blocking.
        self._idle_receive = _IDLE_RECEIVE
        #: The socket's receive timeout as :meth:`await_head` last set it.
        self._receive_timeout = 0.0
        sock.setblocking(self._idle_receive)
        self._receive = functools.partial(sock.recv_into, self._scratch, 0, _DONTWAIT)
        self._readable = select.poll()
        self._readable.register(sock.fileno(), select.POLLIN)
        writable = select.poll()
        writable.register(sock.fileno(), select.POLLOUT)
        self._wait_writable = functools.partial(_wait, writable)

    def _blocking(self, deadline: float, operation: Callable[[], _T]) -> _T:
        """``operation`` (a read), waiting for the socket to be readable while it would block.

        :raises StalledError: at ``deadline``; :raises ClosedError: when the connection failed."""
        while True:
            try:
                return operation()
            except (BlockingIOError, InterruptedError):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StalledError from None
                _wait(self._readable, remaining)
            except OSError:
                raise ClosedError from None

    def _fill(self, deadline: float) -> None:
        received = self._blocking(deadline, self._receive)
        if not received:
            raise ClosedError
        self._buffer += self._scratch[:received]

    def wait_for_request(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for the first byte of a request; False when the client closed or idled."""
        if self._buffer:
            return True
        try:
            self._fill(time.monotonic() + timeout)
        except (StalledError, ClosedError):
            return False
        return True

    def await_head(self, limit: int, wait: float) -> bool | None:
        """Wait up to ``wait`` seconds for a whole request head (or more than ``limit`` bytes, or a
        bare-LF blank line: whatever :meth:`read_head` decides at once). True when it is here, False when
        not yet, None when the client closed."""
        if wait <= 0:
            return head_complete(self._buffer, limit)
        deadline = time.monotonic() + wait
        if not self._buffer:  # right after a response: the next request is rarely here yet, so wait first
            if self._idle_receive:
                came = self._receive_within(wait)
                if not came:
                    return came  # False: nothing yet; None: the client closed
                if self._buffer.find(b"\r\n\r\n") > 0:  # a whole head came (as head_complete says)
                    return True
            elif not self._readable.poll(math.ceil(wait * 1000)):
                return False
        while not head_complete(self._buffer, limit):
            try:
                self._fill(deadline)
            except StalledError:
                return False
            except ClosedError:
                return None
        return True

    def _receive_within(self, wait: float) -> bool | None:
        """One blocking receive of whatever comes within ``wait`` seconds (the socket's receive timeout,
        set only when it changes): True when something came, False when nothing did, None when the
        client closed."""
        if wait != self._receive_timeout:
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _timeval(wait))
            self._receive_timeout = wait
        try:
            received = self._sock.recv_into(self._scratch)
        except (BlockingIOError, InterruptedError):  # the receive timeout passed: nothing came
            return False
        except OSError:  # the connection was reset
            return None
        if not received:
            return None
        self._buffer += self._scratch[:received]
        return True

    def take_received(self) -> bytes:
        """What was received and not consumed (the start of the next request), removed from the stream."""
        data = bytes(self._buffer)
        self._buffer.clear()
        return data

    def head(self, limit: int, timeout: float) -> bytes:
        """:meth:`read_head` with a deadline ``timeout`` seconds away: at once (no clock read) when the
        buffer starts with a whole head, as it nearly always does once :meth:`await_head` said so."""
        buffer = self._buffer
        end = buffer.find(b"\r\n\r\n")
        if 0 < end <= limit and buffer[0] != 13:  # 13: CR, maybe of empty lines before the request line
            head = bytes(buffer[:end])
            del buffer[: end + 4]
            return head
        return self.read_head(limit, time.monotonic() + timeout)

    def read_head(self, limit: int, deadline: float) -> bytes:
        """The request head up to (not including) its blank line; empty lines before the request line
        are skipped (RFC 9112 2.2).

        :raises HttpError: 431 (414 when the request line alone is too long) past ``limit`` bytes; 400
            for a blank line made of bare LFs.
        """
        scanned = 0
        while True:
            if scanned == 0:
                while self._buffer.startswith(b"\r\n"):
                    del self._buffer[:2]
            end = self._buffer.find(b"\r\n\r\n", max(0, scanned - 3))
            if end >= 0:
                if end > limit:
                    raise _head_too_large(self._buffer, limit)
                head = bytes(self._buffer[:end])
                del self._buffer[: end + 4]
                return head
            if len(self._buffer) > limit:
                raise _head_too_large(self._buffer, limit)
            if self._buffer.find(b"\n\n", max(0, scanned - 1)) >= 0:
                raise HttpError(400, "a line of the request head ends with a bare LF")
            scanned = len(self._buffer)
            self._fill(deadline)

    def read_line(self, limit: int, deadline: float) -> bytes:
        """One CRLF-terminated line (without the CRLF). :raises HttpError: 400 over ``limit`` bytes or
        with a bare CR or LF."""
        scanned = 0
        while True:
            end = self._buffer.find(b"\r\n", max(0, scanned - 1))
            if 0 <= end <= limit:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 2]
                if b"\r" in line or b"\n" in line:
                    raise HttpError(400, "a bare CR or LF in the chunked body framing")
                return line
            if end > limit or len(self._buffer) > limit + 1:
                raise HttpError(400, f"a line of the chunked body framing is over {limit} bytes")
            scanned = len(self._buffer)
            self._fill(deadline)

    def read_exact(self, size: int, deadline: float) -> bytes:
        """Exactly ``size`` bytes. :raises ClosedError: when the client closes first.

        Memory grows with the bytes received, not with ``size``: a client may announce 10 MB and send
        one byte, so the body is received into pieces of at most :data:`_BODY_PIECE` bytes, each
        allocated when its first byte is about to arrive.
        """
        if len(self._buffer) >= size:
            data = bytes(self._buffer[:size])
            del self._buffer[:size]
            return data
        pieces: list[bytes | bytearray] = [bytes(self._buffer)]
        have = len(self._buffer)
        self._buffer.clear()
        while have < size:
            piece = bytearray(min(size - have, _BODY_PIECE))
            filled = 0
            with memoryview(piece) as view:
                while filled < len(piece):
                    received = self._blocking(
                        deadline, functools.partial(self._sock.recv_into, view[filled:], 0, _DONTWAIT)
                    )
                    if received == 0:
                        raise ClosedError
                    filled += received
            pieces.append(piece)
            have += filled
        return b"".join(pieces)

    def discard(self, limit: int, deadline: float) -> None:
        """Read and drop what the client still sends: up to ``limit`` bytes, until it closes or the
        deadline passes."""
        dropped = len(self._buffer)
        self._buffer.clear()
        while dropped < limit:
            try:
                self._fill(deadline)
            except (StalledError, ClosedError):
                return
            dropped += len(self._buffer)
            self._buffer.clear()

    def send(self, parts: list[bytes], timeout: float) -> bool:
        """Send every part, each within about ``timeout`` seconds; False when the client left or stopped
        reading (the connection is then unusable). A part the socket takes whole at once costs one send
        (no clock read)."""
        sock = self._sock
        try:
            for part in parts:
                try:
                    sent = sock.send(part, _DONTWAIT)
                except (BlockingIOError, InterruptedError):
                    sent = 0
                if sent != len(part):
                    rest = memoryview(part)[sent:]
                    send_before(sock, rest, time.monotonic() + timeout, self._wait_writable, _DONTWAIT)
        except OSError:  # TimeoutError included
            return False
        return True

    def shutdown_write(self) -> None:
        """Tell the client nothing more comes (FIN), keeping the reading side open."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_WR)


def _timeval(seconds: float) -> bytes:
    """``seconds`` as a ``struct timeval`` for ``SO_RCVTIMEO``: at least a microsecond (zero would mean
    no timeout at all)."""
    micros = max(1, round(seconds * 1_000_000))
    return _TIMEVAL.pack(micros // 1_000_000, micros % 1_000_000)


def _wait(poller: select.poll, seconds: float) -> None:
    """Wait up to ``seconds`` for ``poller``'s event (readiness, an error or a hang-up all end it)."""
    poller.poll(math.ceil(seconds * 1000))


def head_complete(buffer: bytes | bytearray, limit: int) -> bool:
    """Whether ``buffer`` holds enough for :meth:`Stream.read_head` to finish without reading more: a
    whole head (its blank line), a bare-LF blank line (a 400), or more than ``limit`` bytes (431/414)."""
    if len(buffer) > limit:
        return True
    start = 0
    while buffer.startswith(b"\r\n", start):  # empty lines before the request line are skipped
        start += 2
    return buffer.find(b"\r\n\r\n", start) >= 0 or buffer.find(b"\n\n", start) >= 0


def _head_too_large(buffer: bytearray, limit: int) -> HttpError:
    if buffer.find(b"\r\n", 0, limit) < 0:
        return HttpError(414, f"the request line is over the {limit}-byte limit of a request head")
    return HttpError(431, f"the request head is over {limit} bytes")


# -- the request head ---------------------------------------------------------------------------------------


class RequestHead:
    """A parsed request head: header pairs as sent, and their values by lower-case name."""

    __slots__ = ("fields", "headers", "method", "target", "version")

    def __init__(self, method: str, target: str, version: str, headers: list[tuple[str, str]]) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.headers = tuple(headers)
        self.fields: dict[str, list[str]] = {}
        fields = self.fields
        for name, value in headers:
            key = name.lower()
            if key in fields:
                fields[key].append(value)
            else:
                fields[key] = [value]

    def values(self, name: str) -> list[str]:
        """Every value of a header (``name`` in lower case)."""
        return self.fields.get(name, [])


def parse_head(head: bytes) -> RequestHead:
    """Parse a request head strictly. :raises HttpError: 400, or 505 for a version other than 1.x."""
    request_line, crlf, fields = head.partition(b"\r\n")
    method, target, version = _parse_request_line(request_line)
    return RequestHead(method, target, version, _parse_fields(fields + crlf) if crlf else [])


def _parse_fields(block: bytes) -> list[tuple[str, str]]:
    """The (name, value) pairs of header lines, each ending with CRLF: one regex pass validates them
    all, another extracts them; the line-by-line parser only runs to explain an error."""
    if block.isascii():
        text = block.decode("ascii")
        if _FIELD_BLOCK.fullmatch(text):
            pairs: list[tuple[str, str]] = _FIELD.findall(text)
            return pairs
    elif _FIELD_BLOCK_BYTES.fullmatch(block):
        return [(name.decode("ascii"), _decode_value(value)) for name, value in _FIELD_BYTES.findall(block)]
    for line in block.split(b"\r\n")[:-1]:
        _explain_invalid_line(line)
    raise HttpError(400, "invalid header section")


def _parse_request_line(line: bytes) -> tuple[str, str, str]:
    """Method, target and version of a request line. :raises HttpError: 400 for a malformed line, 505 for
    a version other than 1.x."""
    if line.isascii():  # the usual line, in one match; else the checks one by one say what is wrong
        match = _USUAL_REQUEST_LINE.fullmatch(line.decode("ascii"))
        if match is not None:
            return match.groups()  # type: ignore[return-value]
    return _parse_request_line_general(line)


def _parse_request_line_general(line: bytes) -> tuple[str, str, str]:
    parts = line.split(b" ")
    if len(parts) != 3:
        raise HttpError(400, f"malformed request line {_shorten(line)}")
    method, target, version = parts
    if not _TOKEN.fullmatch(method):
        raise HttpError(400, f"invalid method {_shorten(method)}")
    match = _VERSION.fullmatch(version)
    if match is None:
        raise HttpError(400, f"invalid HTTP version {_shorten(version)}")
    if match.group(1) != b"1":
        raise HttpError(505, f"HTTP version {version.decode('ascii')} is not supported (HTTP/1.x only)")
    if not target or _TARGET_CONTROLS.search(target):
        raise HttpError(400, f"invalid request target {_shorten(target)}")
    if not target.isascii():
        target = _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], target)
    return method.decode("ascii"), target.decode("ascii"), version.decode("ascii")


def _explain_invalid_line(line: bytes) -> None:
    """:raises HttpError: 400 saying what is wrong with a header line, if anything."""
    if line[:1] in (b" ", b"\t"):
        raise HttpError(400, "obsolete line folding in the request head")
    name, colon, value = line.partition(b":")
    if not colon or not _TOKEN.fullmatch(name):
        raise HttpError(400, f"invalid header line {_shorten(line)}")
    if _VALUE_CONTROLS.search(value):
        raise HttpError(400, f"a control character (CR, LF, NUL...) in the value of {_shorten(name)}")


def _decode_value(value: bytes) -> str:
    """Header bytes as text: UTF-8 when valid (what curl and browsers send), else Latin-1 (what
    ``requests`` and ``http.client`` send for a str value), so that both read as they were meant."""
    if value.isascii():
        return value.decode("ascii")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _shorten(data: bytes, limit: int = 60) -> str:
    text = repr(data[:limit])[1:]
    return text + ("..." if len(data) > limit else "")


def split_target(target: str) -> tuple[str, str]:
    """Path and raw query of an origin-form (``/p?q``) or absolute-form (``http://h/p?q``) target.

    :raises HttpError: 400 for the asterisk and authority forms.
    """
    if target.startswith("/"):
        path, _, query = target.partition("?")
        return path, query
    scheme, sep, rest = target.partition("://")
    if sep and scheme.lower() in ("http", "https"):
        authority_end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
        path, _, query = rest[authority_end:].partition("?")
        return path or "/", query
    raise HttpError(400, f"unsupported request target {target[:60]!r} (origin or absolute form only)")


def check_host(head: RequestHead) -> None:
    """:raises HttpError: 400 unless an HTTP/1.1 request has exactly one Host (at most one in 1.0)."""
    hosts = head.values("host")
    if len(hosts) > 1 or (not hosts and head.version == "HTTP/1.1"):
        raise HttpError(400, "an HTTP/1.1 request needs exactly one Host header")


#: The fields that change how a request is framed, whether its connection stays open, or what the client
#: waits for (:func:`is_plain`).
_FRAMING_FIELDS = frozenset({"connection", "transfer-encoding", "content-length", "expect"})


def is_plain(head: RequestHead) -> bool:
    """Whether ``head`` is an HTTP/1.1 request with one Host and none of the fields that change framing,
    keep-alive or expectations (``Connection``, ``Transfer-Encoding``, ``Content-Length``, ``Expect``):
    then :func:`check_host` passes, :func:`body_framing` is :data:`NO_BODY`,
    :func:`expects_100_continue` is False and :func:`wants_keep_alive` True, without asking each (most
    requests without a body, each time)."""
    fields = head.fields
    hosts = fields.get("host")
    return (
        hosts is not None
        and len(hosts) == 1
        and head.version == "HTTP/1.1"
        and fields.keys().isdisjoint(_FRAMING_FIELDS)
    )


def wants_keep_alive(head: RequestHead) -> bool:
    """HTTP/1.1 keeps the connection unless ``Connection: close``; 1.0 only with ``keep-alive``, and never
    after a 1.0 message with Transfer-Encoding, whose framing cannot be trusted (RFC 9112 6.1): what
    follows its body could be a request smuggled past a 1.0 proxy."""
    tokens = {t.strip().lower() for value in head.values("connection") for t in value.split(",")}
    if "close" in tokens:
        return False
    if head.version == "HTTP/1.0":
        return "keep-alive" in tokens and not head.values("transfer-encoding")
    return True


def expects_100_continue(head: RequestHead) -> bool:
    """Whether the client waits for ``100 Continue``. :raises HttpError: 417 for other expectations."""
    expect = head.values("expect")
    if not expect or head.version == "HTTP/1.0":  # RFC 9110 10.1.1: ignored in HTTP/1.0
        return False
    if [value.strip().lower() for value in expect] != ["100-continue"]:
        raise HttpError(417, f"unsupported expectation {_shorten(repr(expect).encode())}")
    return True


# -- the request body ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Framing:
    """How the request body is delimited: ``length`` bytes, or chunked."""

    chunked: bool = False
    length: int = 0


#: The framing of a request without a body (no Content-Length, no Transfer-Encoding).
NO_BODY = Framing()


def body_framing(head: RequestHead) -> Framing:
    """The body framing of a request.

    :raises HttpError: 400 for ambiguous framing (Content-Length with Transfer-Encoding, conflicting or
        malformed lengths, chunked not last), 501 for transfer codings other than chunked.
    """
    encodings = head.values("transfer-encoding")
    lengths = head.values("content-length")
    if encodings and lengths:
        raise HttpError(400, "both Content-Length and Transfer-Encoding (a request smuggling pattern)")
    if encodings:
        codings = [c.strip().lower() for value in encodings for c in value.split(",")]
        if codings[-1] != "chunked" or codings.count("chunked") > 1:
            raise HttpError(
                400, f"Transfer-Encoding {_shorten(', '.join(encodings).encode())} does not end in chunked"
            )
        if len(codings) > 1:
            raise HttpError(
                501, f"Transfer-Encoding {_shorten(', '.join(encodings).encode())}: only chunked is supported"
            )
        return Framing(chunked=True)
    if lengths:
        values = {v.strip() for value in lengths for v in value.split(",")}
        if len(values) != 1:
            raise HttpError(400, f"conflicting Content-Length values {_shorten(repr(lengths).encode())}")
        (value,) = values
        if not _DIGITS.fullmatch(value):
            raise HttpError(400, f"invalid Content-Length {value[:30]!r}")
        # Beyond 18 digits the length is over any limit; int() refuses over 4300 digits (ValueError).
        return Framing(length=int(value) if len(value) <= 18 else _HUGE_LENGTH)
    return NO_BODY


def read_chunked(stream: Stream, limit: int, max_trailer: int, deadline: float) -> bytes | None:
    """Decode a chunked body (chunk extensions and trailers ignored); None once it grows over ``limit``.

    :raises HttpError: 400 for a malformed chunk size or framing, 431 for a trailer over ``max_trailer``.
    """
    body = bytearray()  # one buffer: a list of many tiny chunks would cost far more than their bytes
    total = 0
    while True:
        line = stream.read_line(_MAX_CHUNK_LINE, deadline)
        size_text = line.split(b";", 1)[0].strip(b" \t")
        if not _HEX.fullmatch(size_text):
            raise HttpError(400, f"invalid chunk size {_shorten(line)}")
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > limit:
            return None
        body += stream.read_exact(size, deadline)
        if stream.read_exact(2, deadline) != b"\r\n":
            raise HttpError(400, "chunk data is not followed by CRLF")
    trailer = 0
    while line := stream.read_line(max_trailer, deadline):
        trailer += len(line) + 2
        if trailer > max_trailer:
            raise HttpError(431, f"the chunked trailer is over {max_trailer} bytes")
    return bytes(body)


# -- the response -------------------------------------------------------------------------------------------


#: The registered reason phrases by status (an enum lookup per response costs more than the rest of the
#: status line).
_REASON_PHRASES = {int(status): status.phrase for status in http.HTTPStatus}
#: The statuses :func:`serialise` writes in one step (with their phrases): a body and a Content-Length.
_USUAL_REASONS = {status: phrase for status, phrase in _REASON_PHRASES.items() if status >= 200} | {
    status: "" for status in range(200, 1000) if status not in _REASON_PHRASES
}
for _bodiless in (204, 304):
    del _USUAL_REASONS[_bodiless]
#: Header names :func:`serialise` writes without a check: valid tokens a response showed, True when
#: written as they are, False for a Content-Length (any casing); at most :data:`_MAX_KNOWN_NAMES`.
_KNOWN_NAMES: dict[str, bool] = {}
_MAX_KNOWN_NAMES = 1024
_KEEP_ALIVE_END = "Connection: keep-alive\r\n\r\n"
_CLOSE_END = "Connection: close\r\n\r\n"


def reason_phrase(status: int) -> str:
    """The standard reason phrase of ``status``, ``""`` for an unregistered code."""
    return _REASON_PHRASES.get(status, "")


def serialise(response: GatewayResponse, *, send_body: bool, keep_alive: bool) -> list[bytes]:
    """The bytes of a response: status line, the gateway's headers in order (duplicates kept), framing.

    The server owns framing: hop-by-hop headers are dropped and ``Content-Length`` is set to the body's
    length (first, after the status line, when the gateway gave one; else after the gateway's headers); a
    HEAD response (``send_body=False``) keeps it and sends no body; 204 and 304 have neither.

    The usual response (a status from 200 to 999 but 204 and 304, header names that earlier responses
    showed valid and not the server's, printable values) is written in one step: its header lines in one
    comprehension, the names looked up, each value checked by ``str.isprintable`` (no control character,
    no lone surrogate) instead of a regex over every character; anything else goes through
    :func:`serialise_general`, which gives the same bytes and teaches this path the valid names it saw.

    :raises BadResponseError: for a status or a header HTTP/1.1 cannot carry (a name that is not a token,
        a control character or a lone surrogate in a value: response splitting).
    """
    status = response.status
    headers = response.headers
    if status.__class__ is not int or status not in _USUAL_REASONS or headers.__class__ is not tuple:
        return serialise_general(response, send_body=send_body, keep_alive=keep_alive)
    known = _KNOWN_NAMES
    fields: list[str] | None
    try:
        # Content-Length (any casing) becomes "": the server writes its own, first.
        fields = [
            f"{name}: {value}\r\n" if known[name] else ""
            for name, value in headers
            if name.__class__ is str and value.__class__ is str and name in known and value.isprintable()
        ]
    except (TypeError, ValueError):  # a header that is not a (name, value) pair
        fields = None
    if fields is None or len(fields) != len(headers):
        data = serialise_general(response, send_body=send_body, keep_alive=keep_alive)
        _learn_names(headers)
        return data
    body = response.body
    size = len(body)
    length_line = f"Content-Length: {size}\r\n"
    block = "".join(fields)
    end = _KEEP_ALIVE_END if keep_alive else _CLOSE_END
    if "" in fields:
        text = f"HTTP/1.1 {status} {_USUAL_REASONS[status]}\r\n{length_line}{block}{end}"
    else:
        text = f"HTTP/1.1 {status} {_USUAL_REASONS[status]}\r\n{block}{length_line}{end}"
    try:
        head = text.encode("latin-1")
    except UnicodeEncodeError:
        head = text.encode("utf-8")
    if not send_body or not size:
        return [head]
    if size <= _SMALL_RESPONSE:
        return [head + body]
    return [head, body]


def _learn_names(headers: tuple[tuple[str, str], ...]) -> None:
    """Remember the valid header names of a response :func:`serialise_general` wrote: True for a name
    written as it is, False for a Content-Length (any casing); hop-by-hop names are never remembered, nor
    any name once :data:`_MAX_KNOWN_NAMES` are (never emptied: a name looked up is never taken away)."""
    known = _KNOWN_NAMES
    try:
        for name, _ in headers:
            if len(known) >= _MAX_KNOWN_NAMES:
                return
            if name.__class__ is str and name not in known and is_token(name):
                lower = name.lower()
                if lower not in _HOP_BY_HOP:
                    known[name] = lower != "content-length"
    except (TypeError, ValueError):
        return


def serialise_general(response: GatewayResponse, *, send_body: bool, keep_alive: bool) -> list[bytes]:
    """The bytes of a response, header by header (:func:`serialise`'s general path): status line, the
    gateway's headers in order (duplicates kept), framing.

    The server owns framing: hop-by-hop headers are dropped and ``Content-Length`` is set to the body's
    length (first, after the status line, when the gateway gave one; else after the gateway's headers); a
    HEAD response (``send_body=False``) keeps it and sends no body; 204 and 304 have neither.

    :raises BadResponseError: for a status or a header HTTP/1.1 cannot carry (a name that is not a token,
        a control character or a lone surrogate in a value: response splitting).
    """
    status = response.status
    if not 200 <= status <= 999:
        raise BadResponseError(f"status {status} cannot be a final HTTP/1.1 response")
    bodiless = status in (204, 304)
    length_line = f"Content-Length: {len(response.body)}\r\n"
    length_sent = bodiless
    lines = [f"HTTP/1.1 {status} {reason_phrase(status)}\r\n"]
    fields: list[str] = []
    for name, value in response.headers:
        lower = name.lower()
        if lower in _HOP_BY_HOP:
            continue
        if lower == "content-length":
            if not length_sent:
                lines.append(length_line)
                length_sent = True
            continue
        fields.append(f"{name}: {value}\r\n")
    block = "".join(fields)
    # One pass over them all: valid lines, and as many as there are headers (a value holding CR LF and
    # more would pass as lines of its own); else which one is wrong, and how.
    if _RESPONSE_FIELDS.fullmatch(block) is None or block.count("\n") != len(fields):
        _check_response_headers(
            [
                (n, v)
                for n, v in response.headers
                if n.lower() not in _HOP_BY_HOP and n.lower() != "content-length"
            ]
        )
    lines.append(block)
    if not length_sent:
        lines.append(length_line)
    lines.append("Connection: keep-alive\r\n\r\n" if keep_alive else "Connection: close\r\n\r\n")
    text = "".join(lines)
    try:
        head = text.encode("latin-1")
    except UnicodeEncodeError:
        head = text.encode("utf-8")
    if not send_body or bodiless or not response.body:
        return [head]
    if len(response.body) <= _SMALL_RESPONSE:
        return [head + response.body]
    return [head, response.body]


def _check_response_headers(headers: list[tuple[str, str]]) -> None:
    """:raises BadResponseError: unless every name is a token and every value is free of controls (but
    HTAB) and lone surrogates: the same rule as the gateway's (each name on its own: a name holding LF
    must not pass as two)."""
    for name, value in headers:
        if not is_token(name):
            raise BadResponseError(
                f"the response header name {_shorten(name.encode('utf-8', 'replace'))} is not a token"
            )
        if bad_value_character(value) is not None:
            raise BadResponseError(f"the value of the response header {name!r} holds a control character")


def server_error(status: int, detail: str) -> GatewayResponse:
    """A plain-text response of the server's own (not the gateway's): status, reason, and why."""
    text = f"{status} {reason_phrase(status)}: {detail}\n"
    return GatewayResponse(status, (("Content-Type", "text/plain; charset=utf-8"),), text.encode("utf-8"))
