"""The emulator's own Lambda runtime for Python: a worker process's main loop, and the handler loading and
error documents the in-process environments share with it.

It follows AWS's runtime interface client (``awslambdaric``), the code that calls handlers in Lambda's
Python images: the handler's module is imported on the main thread at init, the handler is called on the
main thread, failures are reported with the same ``errorType`` values (``Runtime.ImportModuleError``,
``Runtime.UserCodeSyntaxError``, ``Runtime.HandlerNotFound``, ``Runtime.MalformedHandlerName``,
``Runtime.MarshalError``) and the same document shape (``errorMessage``, ``errorType``, ``requestId``,
``stackTrace``).

This module imports nothing outside the standard library, so that a worker process starts fast: it runs
as a script (``python _bootstrap.py``) as well as being imported by the package.
"""

from __future__ import annotations

import decimal
import importlib
import json
import logging
import math
import operator
import os
import re
import sys
import time
import traceback
from types import TracebackType
from typing import Any

__all__ = [
    "RUNTIME_FILE",
    "LambdaContext",
    "RuntimeClient",
    "RuntimeFaultError",
    "error_document",
    "exception_document",
    "load_lambda_handler",
    "main",
    "marshal_response",
    "to_json",
]

MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
MARSHAL_ERROR = "Runtime.MarshalError"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"


#: Set by the emulator: the descriptor of this runtime's end of a Unix socket pair to the Runtime API
#: (cheaper than loopback TCP); without it, or once it is closed, the runtime connects to
#: ``AWS_LAMBDA_RUNTIME_API``.
RUNTIME_FD_VARIABLE = "_APIGW_EMULATOR_RUNTIME_FD"


class RuntimeFaultError(Exception):
    """A failure the runtime itself reports, with its ``Runtime.*`` error type."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def error_document(
    message: str, error_type: str, stack_trace: list[str] | None, request_id: str | None = None
) -> dict[str, Any]:
    """The error a runtime posts to ``/invocation/{id}/error`` or ``/init/error``."""
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace or [],
    }


def _user_frames(tb: TracebackType | None, skip_file: str | tuple[str, ...]) -> list[str]:
    """The traceback's frames from the first one that is not the runtime's own (``skip_file``), formatted
    from (file, line, function, text) as awslambdaric does: without the column markers (``^^^``) that
    Python 3.11+ adds to frames that keep their positions."""
    frames = [(frame.filename, frame.lineno, frame.name, frame.line) for frame in traceback.extract_tb(tb)]
    for index, frame in enumerate(frames):
        if not frame[0].endswith(skip_file):
            frames = frames[index:]
            break
    return traceback.format_list(frames)  # type: ignore[arg-type]


#: This module's file as its frames name it: a traceback's first frames from it are the runtime's own (a
#: whole path, so that a function's module whose name merely ends the same keeps its frames).
RUNTIME_FILE = _user_frames.__code__.co_filename


def exception_document(
    exc: BaseException,
    request_id: str | None = None,
    *,
    runtime_file: str | tuple[str, ...] = RUNTIME_FILE,
) -> dict[str, Any]:
    """The error document of an exception, as the runtime reports a handler's (or an init's) failure."""
    if isinstance(exc, RuntimeFaultError):
        return error_document(exc.message, exc.error_type, exc.trace, request_id)
    return error_document(
        str(exc), type(exc).__name__, _user_frames(exc.__traceback__, runtime_file), request_id
    )


def load_lambda_handler(handler: str) -> Any:
    """Import the handler named by Lambda's ``Handler`` setting (``module.function``,
    ``pkg/module.function``).

    :raises RuntimeFaultError: with the runtime's error type and message; any other exception the
        module raises while it is imported propagates as it is (the runtime reports it under its type).
    """
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as exc:
        raise RuntimeFaultError(MALFORMED_HANDLER_NAME, f"Bad handler '{handler}': {exc}") from None
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise RuntimeFaultError(
                BUILT_IN_MODULE_CONFLICT, f"Cannot use built-in module {module_name} as a handler module"
            )
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        message = f"Unable to import module '{module_name}': {exc}"
        raise RuntimeFaultError(IMPORT_MODULE_ERROR, message) from exc
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        message = f"Syntax error in module '{module_name}': {exc}"
        raise RuntimeFaultError(USER_CODE_SYNTAX_ERROR, message, trace) from exc
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise RuntimeFaultError(
            HANDLER_NOT_FOUND, f"Handler '{function_name}' missing on module '{module_name}'"
        ) from None


# -- the worker: a Lambda runtime speaking the Runtime API -----------------------------------------------
#
# Everything below runs in the worker process (``python _bootstrap.py``), and follows awslambdaric's loop:
# the handler is imported on the main thread (a failure is posted to /init/error, then the process exits
# with status 1), then each invocation is fetched from /invocation/next, the handler is called on the main
# thread with a context built from the Lambda-Runtime-* headers, and the result (or the error document) is
# posted back. Only the standard library is used.

ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"
#: Runtimes whose encoder writes non-ASCII characters as they are (awslambdaric's list).
_NON_ASCII_RUNTIMES = frozenset(f"AWS_Lambda_python3.{minor}" for minor in range(12, 16))
#: The no-break space awslambdaric indents stack trace lines with in its ``[ERROR]`` log line.
_LOG_INDENT = "\u00a0"


NEXT_PATH = "/2018-06-01/runtime/invocation/next"
#: The largest answer the platform takes (Lambda's 6 MB synchronous limit).
MAX_PAYLOAD = 6291556


#: Longest response head the runtime reads.
MAX_HEAD = 64 * 1024
#: How much one read takes from the connection.
READ_SIZE = 256 * 1024
#: The answer of the emulator's Runtime API to a posted answer, as it sends it (the runtime reads it
#: without parsing; any other answer is parsed).
ACCEPTED_RESPONSE = (
    b'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{"status":"OK"}\n'
)
#: The headers of a JSON answer (what :func:`_handle` posts for a result that is not ``bytes``): an answer
#: with these very headers gets its head written in one piece (:meth:`RuntimeClient.post_and_next`).
JSON_HEADERS = (("Content-Type", "application/json"),)
# The usual answer of the emulator's own Runtime API to an answer and the ``next`` behind it: its 202 and
# the next invocation, in one write, laid out as ``runtime_api.Invocation.head`` writes it. A value is
# printable ASCII without leading or trailing space (most without any space), so that it is what the
# general parse's ``strip()`` leaves; anything else (another layout, another byte) is parsed generally.
_OWN_NEXT_START = ACCEPTED_RESPONSE + b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
_WORD = b"([!-~]+)"
_TEXT = b"([!-~](?:[ -~]*[!-~])?)"
_OWN_NEXT_HEAD = re.compile(
    b"Lambda-Runtime-Aws-Request-Id: " + _WORD + b"\r\n"
    b"Lambda-Runtime-Deadline-Ms: ([0-9]{1,19})\r\n"
    b"Lambda-Runtime-Invoked-Function-Arn: " + _WORD + b"\r\n"
    b"(?:Lambda-Runtime-Trace-Id: " + _WORD + b"\r\n)?"
    b"(?:Lambda-Runtime-Client-Context: " + _TEXT + b"\r\n)?"
    b"(?:Lambda-Runtime-Cognito-Identity: " + _TEXT + b"\r\n)?"
    b"(?:Lambda-Runtime-Aws-Tenant-Id: " + _WORD + b"\r\n)?"
    b"(Apigw-Emulator-Event-Encoder: orjson\r\n)?"
    b"Content-Length: ([0-9]{1,8})\r\n\r\n"
)


def own_next(data: bytearray, end: int) -> tuple[dict[str, str], bytearray] | None:
    """The headers (as the general parse keys them) and the event of ``data[:end]`` when it is exactly the
    emulator's 202 followed by a whole ``next`` answer in its known layout (``_OWN_NEXT_HEAD``); None for
    anything else, which the general parse then reads."""
    start = len(_OWN_NEXT_START)
    if end <= start or not data.startswith(_OWN_NEXT_START):
        return None
    match = _OWN_NEXT_HEAD.match(data, start, end)
    if match is None:
        return None
    body_start = match.end()
    request_id, deadline, arn, trace, client_context, identity, tenant, encoder, length = match.groups()
    if body_start + int(length) != end:
        return None
    headers = {
        "content-type": "application/json",
        "lambda-runtime-aws-request-id": request_id.decode("ascii"),
        "lambda-runtime-deadline-ms": deadline.decode("ascii"),
        "lambda-runtime-invoked-function-arn": arn.decode("ascii"),
    }
    if trace is not None:
        headers["lambda-runtime-trace-id"] = trace.decode("ascii")
    if client_context is not None:
        headers["lambda-runtime-client-context"] = client_context.decode("ascii")
    if identity is not None:
        headers["lambda-runtime-cognito-identity"] = identity.decode("ascii")
    if tenant is not None:
        headers["lambda-runtime-aws-tenant-id"] = tenant.decode("ascii")
    if encoder is not None:
        headers["apigw-emulator-event-encoder"] = "orjson"
    headers["content-length"] = length.decode("ascii")
    return headers, data[body_start:end]


class RuntimeClient:
    """The runtime's side of the Runtime API: one keep-alive HTTP/1.1 connection to ``host:port``.

    Small on purpose (a request line, a few headers, a Content-Length body; responses with a
    Content-Length or chunked), so that an invocation costs a few system calls. An answer and the next
    ``next`` go out in one write (HTTP/1.1 pipelining, :meth:`post_and_next`), so that the platform can
    answer both at once.
    """

    def __init__(self, address: str, fd: int | None = None) -> None:
        host, _, port = address.rpartition(":")
        self._server = (host.strip("[]") or "127.0.0.1", int(port))
        self._host_header = f"Host: {address}\r\n"
        #: ``GET /invocation/next``, the same bytes every time.
        self._next_request = self._head("GET", NEXT_PATH)
        self._fd = fd
        self._sock: Any = None
        #: What was received and not read yet.
        self._buffer = bytearray()
        #: Every receive goes into this one buffer first: a fresh 256 KiB ``bytes`` for each would be mapped,
        #: shrunk and unmapped again (three system calls and page faults per invocation).
        self._scratch_bytes = bytearray(READ_SIZE)
        self._scratch = memoryview(self._scratch_bytes)
        #: What a JSON answer's head holds between its path and its length (see :meth:`_head`).
        self._json_head_middle = (
            f" HTTP/1.1\r\n{self._host_header}Content-Type: application/json\r\nContent-Length: "
        )

    def _connect(self) -> None:
        import socket  # noqa: PLC0415 (only the worker needs it)

        if self._fd is not None:  # the emulator's socket pair, used once: a reconnection goes over TCP
            self._sock = socket.socket(fileno=self._fd)
            self._fd = None
            self._sock.set_inheritable(False)  # the handler's subprocesses do not get it
        else:
            self._sock = socket.create_connection(self._server)
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        self._buffer.clear()
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _head(
        self, method: str, path: str, body: bytes = b"", headers: tuple[tuple[str, str], ...] = ()
    ) -> bytes:
        head = f"{method} {path} HTTP/1.1\r\n{self._host_header}"
        for name, value in headers:
            head += f"{name}: {value}\r\n"
        if method != "GET":
            head += f"Content-Length: {len(body)}\r\n"
        return (head + "\r\n").encode("latin-1")

    def _send(self, *parts: bytes) -> None:
        if self._sock is None:
            self._connect()
        size = 0
        for part in parts:
            size += len(part)
        if size < 65536:
            self._sock.sendall(b"".join(parts))
        else:
            for part in parts:
                self._sock.sendall(part)

    def next(self) -> tuple[dict[str, str], bytes | bytearray]:
        """Wait for the next invocation: its headers (by lower-case name) and its event."""
        self._send(self._next_request)
        return self._read_next()

    def post(self, path: str, body: bytes, headers: tuple[tuple[str, str], ...] = ()) -> None:
        """POST ``body`` to ``path`` and check the 202."""
        self._send(self._head("POST", path, body, headers), body)
        self._check_post(path)

    def post_and_next(
        self, path: str, body: bytes, headers: tuple[tuple[str, str], ...] = ()
    ) -> tuple[dict[str, str], bytes | bytearray]:
        """POST an invocation's answer and ask for the next invocation in the same write (one the platform
        refuses, over its 6 MB limit, goes alone: the runtime does not go on after it)."""
        if len(body) > MAX_PAYLOAD:
            self.post(path, body, headers)
            return self.next()
        sock = self._sock
        if headers is not JSON_HEADERS or sock is None or len(body) >= 65536 or self._buffer:
            self._send(self._head("POST", path, body, headers), body, self._next_request)
            self._check_post(path)
            return self._read_next()
        # The usual turn: a small JSON answer and the next 'next' in one write, and the emulator's 202 and
        # next invocation in one read, known by their bytes (anything else is parsed as above).
        head = f"POST {path}{self._json_head_middle}{len(body)}\r\n\r\n".encode("latin-1")
        sock.sendall(head + body + self._next_request)
        count = sock.recv_into(self._scratch)
        if not count:
            raise _ClosedByServerError
        found = own_next(self._scratch_bytes, count)
        if found is not None:
            return found
        self._buffer += self._scratch[:count]
        self._check_post(path)
        return self._read_next()

    def _check_post(self, path: str) -> None:
        buffer = self._buffer
        while len(buffer) < len(ACCEPTED_RESPONSE) and ACCEPTED_RESPONSE.startswith(buffer):
            self._receive()
        if buffer.startswith(ACCEPTED_RESPONSE):  # the emulator's 202, byte for byte: nothing to parse
            del buffer[: len(ACCEPTED_RESPONSE)]
            return
        status, _, answer = self._read_response()
        if status != 202:
            # As awslambdaric: a refused answer (a 413 for a response over the limit, too) ends the
            # runtime; the platform has failed the invocation already.
            kind = "error" if path.endswith("/error") else "success"
            sys.stdout.write(
                f"[ERROR] [{int(time.time() * 1000)}] LAMBDA_RUNTIME Failed to post handler {kind} response."
                f" Http response code: {status}. {answer.decode('utf-8', 'replace')}\n"
            )
            raise RuntimeClientError(path, status, answer)

    def _read_next(self) -> tuple[dict[str, str], bytes | bytearray]:
        status, headers, body = self._read_response()
        if status != 200:
            raise RuntimeClientError(NEXT_PATH, status, body)
        return headers, body

    def _read_response(self) -> tuple[int, dict[str, str], bytes | bytearray]:
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *lines = head.split("\r\n")
        status = int(status_line.split(None, 2)[1])
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts = []
            while size := int(self._read_until(b"\r\n").split(b";", 1)[0].strip(), 16):
                parts.append(self._read_exactly(size))
                self._read_exactly(2)
            while self._read_until(b"\r\n"):  # the trailer, up to its empty line
                pass
            body: bytes | bytearray = b"".join(parts)
        else:
            body = self._read_exactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def _receive(self) -> None:
        count = self._sock.recv_into(self._scratch)
        if not count:
            raise _ClosedByServerError
        self._buffer += self._scratch[:count]

    def _read_until(self, separator: bytes) -> bytes:
        """What comes before ``separator`` (both taken from the input)."""
        buffer = self._buffer
        while (end := buffer.find(separator)) < 0:
            if len(buffer) > MAX_HEAD:
                raise _ClosedByServerError
            self._receive()
        data = bytes(buffer[:end])
        del buffer[: end + len(separator)]
        return data

    def _read_exactly(self, size: int) -> bytes | bytearray:
        """``size`` bytes of input. What is not here yet is received straight into the result (a
        ``bytearray``, which ``json`` and orjson read as they read ``bytes``): a 6 MB event is not
        gathered in the buffer and then copied out of it."""
        buffer = self._buffer
        if len(buffer) >= size:
            data = bytes(buffer[:size])
            del buffer[:size]
            return data
        body = bytearray(size)
        view = memoryview(body)
        have = len(buffer)
        view[:have] = buffer
        buffer.clear()
        while have < size:
            count = self._sock.recv_into(view[have:])
            if not count:
                raise _ClosedByServerError
            have += count
        return body


class _ClosedByServerError(Exception):
    pass


class RuntimeClientError(Exception):
    """A Runtime API call that did not get the status it expects."""

    def __init__(self, endpoint: str, status: int, body: bytes | bytearray) -> None:
        super().__init__(
            f"Request to Lambda Runtime '{endpoint}' endpoint failed. Reason: '{status}'. "
            f"Response body: '{bytes(body)!r}'"
        )


class CognitoIdentity:
    """``context.identity``."""

    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, identity: dict[str, Any] | None = None) -> None:
        if not identity:  # the usual invocation: no identity
            self.cognito_identity_id = self.cognito_identity_pool_id = None
            return
        self.cognito_identity_id = identity.get("cognitoIdentityId")
        self.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")

    def __repr__(self) -> str:
        return (
            f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}])"
        )


class Client:
    """``context.client_context.client`` (Mobile SDK invocations)."""

    __slots__ = ("app_package_name", "app_title", "app_version_code", "app_version_name", "installation_id")

    def __init__(self, values: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))

    def __repr__(self) -> str:
        fields = ",".join(
            f"{name}={getattr(self, name)}"
            for name in (
                "installation_id",
                "app_title",
                "app_version_name",
                "app_version_code",
                "app_package_name",
            )
        )
        return f"Client([{fields}])"


class ClientContext:
    """``context.client_context`` (Mobile SDK invocations): ``custom``, ``env``, ``client``."""

    __slots__ = ("client", "custom", "env")

    def __init__(self, values: dict[str, Any]) -> None:
        self.custom = values.get("custom")
        self.env = values.get("env")
        client = values.get("client")
        self.client = Client(client) if client is not None else None

    def __repr__(self) -> str:
        return f"ClientContext([custom={self.custom},env={self.env},client={self.client}])"


_W3C_FIELDS = ("traceparent", "tracestate", "baggage")


#: Whether ``os.environ`` keeps its values as bytes (its ``_data``: names and values as ``putenv`` got them).
_ENVIRON_BYTES = os.name == "posix"
#: Names as ``os.environ`` keys them, and values as it decodes them (by their bytes, at most a few dozen).
_ENVIRON_KEYS: dict[str, bytes] = {}
_ENVIRON_TEXTS: dict[bytes, str] = {}


def _environ_store() -> dict[bytes, bytes] | None:
    """The dict behind ``os.environ`` (names and values as bytes, as ``putenv`` got them), or None where it
    keeps them otherwise. Read each time: an in-process environment swaps it around its calls."""
    if _ENVIRON_BYTES:
        try:
            data = os.environ._data  # type: ignore[attr-defined]
        except AttributeError:  # os.environ replaced by another mapping
            return None
        if isinstance(data, dict):
            return data
    return None


def _stored(data: dict[bytes, bytes], name: str) -> str | None:
    """``name``'s value in ``data`` (:func:`_environ_store`) as ``os.environ`` decodes it, with the name's
    encoding and the value's decoding memoised."""
    key = _ENVIRON_KEYS.get(name)
    if key is None:
        key = _ENVIRON_KEYS[name] = os.fsencode(name)
    raw = data.get(key)
    if raw is None:
        return None
    text = _ENVIRON_TEXTS.get(raw)
    if text is None:
        if len(_ENVIRON_TEXTS) > 64:
            _ENVIRON_TEXTS.clear()
        text = _ENVIRON_TEXTS[raw] = os.fsdecode(raw)
    return text


_EXECUTION_ENV_KEY = os.fsencode("AWS_EXECUTION_ENV")
_NON_ASCII_RUNTIME_VALUES = frozenset(os.fsencode(name) for name in _NON_ASCII_RUNTIMES)


def _ascii_only() -> bool:
    """``_getenv("AWS_EXECUTION_ENV") not in _NON_ASCII_RUNTIMES`` (whether the runtime's JSON escapes
    non-ASCII characters), by the variable's bytes."""
    data = _environ_store()
    if data is None:
        return os.environ.get("AWS_EXECUTION_ENV") not in _NON_ASCII_RUNTIMES
    return data.get(_EXECUTION_ENV_KEY) not in _NON_ASCII_RUNTIME_VALUES


def _getenv(name: str) -> str | None:
    """``os.environ.get(name)`` (what it holds now: a handler's changes count), without encoding the name and
    decoding the value on every call: through the ``Mapping`` methods each read costs more than a
    microsecond."""
    data = _environ_store()
    return os.environ.get(name) if data is None else _stored(data, name)


#: The variables the context reads, in the order of its attributes.
_CONTEXT_VARIABLES = (
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
)


_CONTEXT_KEYS = tuple(os.fsencode(name) for name in _CONTEXT_VARIABLES)
_context_values = operator.itemgetter(*_CONTEXT_KEYS)
#: The context's variables as ``os.environ`` decodes them, by their values' bytes (what they hold now is
#: read for each context; only the decoding is kept).
_CONTEXT_TEXTS: dict[tuple[bytes | None, ...], tuple[str | None, ...]] = {}


def _context_variables() -> tuple[str | None, ...] | list[str | None]:
    """``[_getenv(name) for name in _CONTEXT_VARIABLES]`` (the context reads five per invocation), with one
    look for ``os.environ``'s store and one lookup of their decoded texts for them all."""
    data = _environ_store()
    if data is None:
        return [os.environ.get(name) for name in _CONTEXT_VARIABLES]
    try:
        raw: tuple[bytes | None, ...] = _context_values(data)
    except KeyError:  # one of them not set
        raw = tuple(map(data.get, _CONTEXT_KEYS))
    texts = _CONTEXT_TEXTS.get(raw)
    if texts is None:
        if len(_CONTEXT_TEXTS) > 16:
            _CONTEXT_TEXTS.clear()
        texts = _CONTEXT_TEXTS[raw] = tuple(None if value is None else os.fsdecode(value) for value in raw)
    return texts


class LambdaContext:
    """The context a handler gets, with the attributes (and types) of awslambdaric's: the function's
    values come from the environment variables, the invocation's from the ``Lambda-Runtime-*`` headers."""

    def __init__(  # noqa: PLR0917 (awslambdaric's signature)
        self,
        invoke_id: str | None,
        client_context: dict[str, Any] | None,
        cognito_identity: dict[str, Any] | None,
        epoch_deadline_time_in_ms: int,
        invoked_function_arn: str | None = None,
        tenant_id: str | None = None,
    ) -> None:
        self.aws_request_id = invoke_id
        (
            self.log_group_name,
            self.log_stream_name,
            self.function_name,
            self.memory_limit_in_mb,
            self.function_version,
        ) = _context_variables()
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        if client_context is None:  # the usual invocation
            self._w3c_fields: dict[str, str] = {}
            self.client_context = None
        else:
            w3c: dict[str, str] = {}
            if isinstance(client_context, dict) and "w3c" in client_context:
                raw = client_context.pop("w3c")
                if isinstance(raw, dict):
                    w3c = {key: raw[key] for key in _W3C_FIELDS if isinstance(raw.get(key), str)}
            self._w3c_fields = w3c
            self.client_context = ClientContext(client_context)
        self.identity = CognitoIdentity(cognito_identity)
        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left until the function times out (0 once it has)."""
        left = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return left if left > 0 else 0

    def w3c(self) -> dict[str, str]:
        """The W3C trace context fields the invocation's client context carried."""
        return dict(self._w3c_fields)

    def log(self, msg: object) -> None:
        """Write ``msg`` to the function's log as it is (no newline added)."""
        sys.stdout.write(str(msg))

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
            f"identity={self.identity},tenant_id={self.tenant_id}])"
        )


# -- the runtime's JSON ----------------------------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    """awslambdaric's encoder rules on the standard library's encoder: a Decimal is written as its
    number (a NaN Decimal as ``NaN``), NaN and infinities are allowed, ``bytes`` values are UTF-8 text,
    and non-ASCII characters are written as they are for python3.12 and later (``AWS_EXECUTION_ENV``)."""

    def __init__(self, ascii_only: bool | None = None) -> None:
        if ascii_only is None:
            ascii_only = _getenv("AWS_EXECUTION_ENV") not in _NON_ASCII_RUNTIMES
        super().__init__(ensure_ascii=ascii_only, allow_nan=True)
        self.marker = ""
        self.decimals: list[str] = []

    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            if not self.marker:
                self.marker = f"\x00decimal-{os.urandom(6).hex()}-"
            self.decimals.append(str(o))
            return f"{self.marker}{len(self.decimals) - 1}"
        if isinstance(o, (bytes, bytearray)):
            return bytes(o).decode("utf-8")
        return super().default(o)

    def encode(self, o: Any) -> str:
        self.marker, self.decimals = "", []
        try:
            converted = _namedtuples_as_objects(o)
        except RecursionError:  # a cycle, or nesting deeper than the interpreter goes
            converted = o  # the encoder says which (a cycle: "Circular reference detected", as awslambdaric)
        text = super().encode(converted)
        if self.decimals:
            quoted = json.dumps(self.marker, ensure_ascii=self.ensure_ascii)[:-1]
            pieces = text.split(quoted)
            out = [pieces[0]]
            for piece in pieces[1:]:
                index, _, rest = piece.partition('"')
                out.append(self.decimals[int(index)] + rest)
            text = "".join(out)
        return text


def _namedtuples_as_objects(value: Any) -> Any:
    """``value`` with named tuples as dicts (simplejson's default, which awslambdaric keeps); the same
    object when it holds none."""
    if isinstance(value, dict):
        changed = None
        for key, item in value.items():
            if isinstance(item, (dict, list, tuple)):
                new = _namedtuples_as_objects(item)
                if new is not item:
                    if changed is None:
                        changed = dict(value)
                    changed[key] = new
        return value if changed is None else changed
    if isinstance(value, tuple) and callable(getattr(value, "_asdict", None)):
        return _namedtuples_as_objects(dict(value._asdict()))  # type: ignore[attr-defined]
    if isinstance(value, (list, tuple)):
        items = None
        for index, item in enumerate(value):
            if isinstance(item, (dict, list, tuple)):
                new = _namedtuples_as_objects(item)
                if new is not item:
                    if items is None:
                        items = list(value)
                    items[index] = new
        return value if items is None else items
    return value


#: An encoder kept for each ``ensure_ascii`` setting, taken out while it encodes (a nested or concurrent
#: call makes its own): awslambdaric makes one per call, which costs more than encoding a small result.
_ENCODERS: dict[bool, _Encoder] = {}


def _holds_tuple(value: Any) -> bool:
    """Whether ``value`` is or holds a tuple (which :class:`_Encoder` writes as an object when it is a named
    one), looking into dicts and lists as :func:`_namedtuples_as_objects` does. Only called for a value the
    plain encoder wrote: it has no cycle, and the search is no more work than writing it was."""
    pending = [value]
    while pending:
        container = pending.pop()
        if isinstance(container, tuple):
            return True
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for _, item in items:
            if isinstance(item, (dict, list, tuple)):
                pending.append(item)
    return False


def _refuse(o: Any) -> Any:
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _make_plain_encoder(ascii_only: bool) -> Any:
    """The standard library's C encoder set as :class:`_Encoder` sets it, but for what only :class:`_Encoder`
    writes (a Decimal, bytes: anything for which it calls ``default``), which it refuses (``TypeError``),
    and without its check for cycles (a cycle ends in ``RecursionError``); made once instead of at each
    call. False where there is none or it does not write what :class:`_Encoder` writes."""
    from json import encoder as json_encoder  # noqa: PLC0415

    probe = {"a": [1, -2.5, None, True, False, '\u00e9\u2028"\\\n'], "b": {"c": math.nan, "d": -math.inf}}
    make: Any = getattr(json_encoder, "c_make_encoder", None)  # the C one (None without it)
    if make is None:
        return False
    try:
        strings = json_encoder.encode_basestring_ascii if ascii_only else json_encoder.encode_basestring
        encoder = make(None, _refuse, strings, None, ": ", ", ", False, False, True)
        if "".join(encoder(probe, 0)) == _Encoder(ascii_only).encode(probe):
            return encoder
    except Exception:  # another Python's encoder: the general path is taken
        pass
    return False


#: The plain path's encoder for each ``ensure_ascii`` setting (False: none, made at first use).
_PLAIN_ENCODERS: dict[bool, Any] = {}


def to_json(value: Any) -> str:
    """``value`` as the runtime's JSON (``AWS_EXECUTION_ENV`` read at each call, as awslambdaric does)."""
    ascii_only = _ascii_only()
    plain = _PLAIN_ENCODERS.get(ascii_only)
    if plain is None:
        plain = _PLAIN_ENCODERS[ascii_only] = _make_plain_encoder(ascii_only)
    if plain:
        # What _Encoder writes unless the value holds a named tuple (the text has a '[' then, as a list's),
        # or something it calls ``default`` for (the plain encoder raises then, as for anything else that
        # fails: the general path says what).
        try:
            text = "".join(plain(value, 0))
        except Exception:
            text = None
        if text is not None and ("[" not in text or not _holds_tuple(value)):
            return text
    encoder = _ENCODERS.pop(ascii_only, None) or _Encoder(ascii_only)
    try:
        return encoder.encode(value)
    finally:
        _ENCODERS[ascii_only] = encoder


def marshal_response(value: Any) -> tuple[bytes, str]:
    """The bytes the runtime posts for a handler's return value, and their content type: ``bytes`` as they
    are (``application/unknown``), anything else as JSON.

    :raises RuntimeFaultError: ``Runtime.MarshalError`` when the value cannot be encoded.
    """
    if isinstance(value, bytes):
        return value, "application/unknown"
    try:
        return to_json(value).encode("utf-8"), "application/json"
    except Exception as exc:
        raise RuntimeFaultError(MARSHAL_ERROR, f"Unable to marshal response: {exc}") from None


# -- the loop --------------------------------------------------------------------------------------------


class _Unbuffered:
    """A stream that flushes after each write, as the runtime makes ``sys.stdout``/``sys.stderr``."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def write(self, text: str) -> int:
        count: int = self.stream.write(text)
        self.stream.flush()
        return count

    def writelines(self, lines: Any) -> None:
        self.stream.writelines(lines)
        self.stream.flush()


_request_id = ""
_tenant_id: str | None = None


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id
        record.tenant_id = _tenant_id
        return True


class _LogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sys.stdout.write(self.format(record))


def _setup_logging() -> None:
    """The root logger's handler of the runtime (text format): level, UTC time, request id, message."""
    logging.Formatter.converter = time.gmtime
    handler = _LogHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level and isinstance(logging.getLevelName(level), int):
        root.setLevel(level)


def log_error(document: dict[str, Any]) -> None:
    """The ``[ERROR] Type: message`` line (stack trace lines joined with carriage returns) the runtime
    prints for an unhandled error."""
    description = "[ERROR]"
    if document.get("errorType"):
        description += " " + document["errorType"]
    if document.get("errorMessage"):
        if document.get("errorType"):
            description += ":"
        description += " " + document["errorMessage"]
    lines = [description]
    stack = document.get("stackTrace")
    if stack is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack:
            if element == "":
                lines.append("")
                continue
            for line in element.splitlines():
                stripped = line.lstrip(" ")
                lines.append(_LOG_INDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")


_fast_loads: list[Any] = []


def load_event(body: bytes | bytearray, headers: dict[str, str]) -> Any:
    """The event, with the stdlib's ``json`` rules. When the emulator says it wrote the event with orjson
    (which then reads it back exactly as ``json`` does), orjson reads it where the worker has it: a 1 MB
    upload's base64 text is parsed about twice as fast."""
    if headers.get("apigw-emulator-event-encoder") == "orjson":
        if not _fast_loads:
            try:
                import orjson  # noqa: PLC0415 - optional

                _fast_loads.append(orjson.loads)
            except ImportError:
                _fast_loads.append(json.loads)
        return _fast_loads[0](body)
    return json.loads(body)


def _parse_json_header(value: str, name: str) -> Any:
    try:
        return json.loads(value)
    except Exception as exc:
        raise RuntimeFaultError(
            LAMBDA_CONTEXT_UNMARSHAL_ERROR, f"Unable to parse {name} JSON: {exc}"
        ) from None


def _handle(
    handler: Any, headers: dict[str, str], body: bytes | bytearray
) -> tuple[str, bytes, tuple[tuple[str, str], ...]]:
    """One invocation: the request id and tenant for the log lines, the trace variable, then context, event,
    handler call; what to post back (path, body, headers)."""
    global _request_id, _tenant_id  # noqa: PLW0603 (the log filter reads them)
    request_id = _request_id = headers.get("lambda-runtime-aws-request-id", "")
    tenant_id = _tenant_id = headers.get("lambda-runtime-aws-tenant-id")
    _set_trace_id(headers.get("lambda-runtime-trace-id"))
    try:
        client_context = headers.get("lambda-runtime-client-context")
        cognito_identity = headers.get("lambda-runtime-cognito-identity")
        context = LambdaContext(
            request_id,
            _parse_json_header(client_context, "Client Context") if client_context else None,
            _parse_json_header(cognito_identity, "Cognito Identity") if cognito_identity else None,
            int(headers.get("lambda-runtime-deadline-ms", "0")),
            headers.get("lambda-runtime-invoked-function-arn"),
            tenant_id,
        )
        if headers.get("content-type", "application/json") == "application/json":
            try:
                event = load_event(body, headers)
            except Exception as exc:
                raise RuntimeFaultError(UNMARSHAL_ERROR, f"Unable to unmarshal input: {exc}") from None
        else:
            event = bytes(body)
        result, content_type = marshal_response(handler(event, context))
    except Exception as exc:
        document = exception_document(exc, request_id)
        log_error(document)
        return (
            f"/2018-06-01/runtime/invocation/{request_id}/error",
            to_json(document).encode("utf-8"),
            ((ERROR_TYPE_HEADER, document["errorType"]), ("Content-Type", "application/json")),
        )
    return (
        f"/2018-06-01/runtime/invocation/{request_id}/response",
        result,
        JSON_HEADERS if content_type == "application/json" else (("Content-Type", content_type),),
    )


def _set_trace_id(trace_id: str | None) -> None:
    """``os.environ["_X_AMZN_TRACE_ID"] = trace_id`` (removed for None): the same ``putenv`` and the same
    entry in ``os.environ``'s store, without its mapping methods encoding the name on every invocation."""
    data = _environ_store()
    if data is None:
        if trace_id is not None:
            os.environ[_TRACE_VARIABLE] = trace_id
        else:
            os.environ.pop(_TRACE_VARIABLE, None)
        return
    if trace_id is not None:
        value = trace_id.encode(_FS_ENCODING, _FS_ERRORS)  # os.fsencode's, without its checks
        os.putenv(_TRACE_KEY, value)
        data[_TRACE_KEY] = value
    elif _TRACE_KEY in data:
        os.unsetenv(_TRACE_KEY)
        del data[_TRACE_KEY]


_TRACE_VARIABLE = "_X_AMZN_TRACE_ID"
_TRACE_KEY = os.fsencode(_TRACE_VARIABLE)
_FS_ENCODING = sys.getfilesystemencoding()
_FS_ERRORS = sys.getfilesystemencodeerrors()


def _watch_parent(fd: int) -> None:
    """Exit the process when ``fd`` (a pipe whose other end only the parent holds) reaches its end: the
    parent died or gave the worker up."""
    try:
        while os.read(fd, 4096):
            pass
    finally:
        os._exit(1)


def _detach_watch_pipe() -> None:
    """When the emulator starts the worker, stdin is a pipe it keeps open: watch it on a thread of its
    own (a bare ``_thread``, invisible to ``threading.enumerate()``) and give the handler ``/dev/null`` as
    stdin, as on Lambda."""
    if os.environ.pop("_APIGW_EMULATOR_WATCH_STDIN", None) != "1":
        return
    import _thread  # noqa: PLC0415

    fd = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    _thread.start_new_thread(_watch_parent, (fd,))


def _fix_sys_path() -> None:
    """Drop this script's folder from ``sys.path`` (Python puts it first): the package's modules must not
    be importable as top-level names by the function's code."""
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == here:
        del sys.path[0]


def main(argv: list[str] | None = None) -> int:
    """Run the runtime: init, then invocations until the Runtime API goes away."""
    argv = sys.argv if argv is None else argv
    _fix_sys_path()
    _detach_watch_pipe()
    handler_name = argv[1] if len(argv) > 1 else os.environ.get("_HANDLER", "")
    fd = os.environ.pop(RUNTIME_FD_VARIABLE, None)
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"], int(fd) if fd and fd.isdigit() else None)
    sys.stdout = _Unbuffered(sys.stdout)
    sys.stderr = _Unbuffered(sys.stderr)
    _setup_logging()
    try:
        handler = load_lambda_handler(handler_name)
    except Exception as exc:
        document = exception_document(exc)
        log_error(document)
        client.post(
            "/2018-06-01/runtime/init/error",
            to_json(document).encode("utf-8"),
            ((ERROR_TYPE_HEADER, document["errorType"]),),
        )
        return 1
    try:
        headers, body = client.next()
        while True:
            headers, body = client.post_and_next(*_handle(handler, headers, body))
    except (ConnectionError, _ClosedByServerError):
        return 1  # the Runtime API is gone: so is the emulator (or it gave this worker up)


if __name__ == "__main__":
    sys.exit(main())
