"""Execution environments in worker processes: one process per environment, speaking the Lambda Runtime API.

A :class:`ProcessEnvironment` is one Lambda sandbox. Its worker process starts on the first invocation
(the init phase: the runtime imports the handler's module on its main thread, with the function's
environment variables, the code folder as cwd and first on ``sys.path``), then serves invocations one at a
time, as a warm Lambda environment does, until it times out, crashes or is shut down.

The worker runs one of three runtimes, all speaking AWS's Runtime API to a server of the emulator on
loopback (:mod:`.runtime_api`):

- ``"bootstrap"``: the emulator's own runtime (:mod:`._bootstrap`, standard library only, run as a
  script), which follows AWS's runtime interface client;
- ``"awslambdaric"``: AWS's runtime interface client itself (its ``python -m awslambdaric <handler>``
  entry point, without the cwd ``-m`` puts first on ``sys.path``), the code that calls handlers in
  Lambda's Python images; it must be installed for ``python``;
- any other value: a custom runtime's ``bootstrap`` executable (a path, or a command line), run with the
  function's environment (``_HANDLER``, ``LAMBDA_TASK_ROOT``, ``AWS_LAMBDA_RUNTIME_API``...) as Lambda runs
  ``bootstrap`` in ``provided`` runtimes.

Lambda's rules, as this module applies them:

- Init has its own budget (10 s) and its own duration (:attr:`InvokeOutcome.init_duration`); the
  function's timeout counts from when the event is handed to the runtime. An init failure is what the
  runtime posted to ``/runtime/init/error`` (``Runtime.ImportModuleError``, ``Runtime.UserCodeSyntaxError``,
  ``Runtime.HandlerNotFound``...); the worker is ended and the next invocation inits again.
- At the timeout (:attr:`InvokeRequest.wait`) the worker's sandbox is killed (SIGKILL: its process group
  and every process it started, whatever their session) and reaped,
  the environment is dead (:attr:`alive` False): the pool starts a fresh one. A worker that exits during
  an invocation gives ``Runtime.ExitError`` (``RequestId: ... Error: Runtime exited with error: exit status
  1``) and the environment is dead too. A runtime that exits between invocations (awslambdaric does when
  its answer is refused as too large) is replaced at the next one, which inits afresh.
- The handler's stdout and stderr reach ``log`` line by line (the protocol has its own channel, the
  loopback connection), a line in pieces of at most :data:`MAX_LINE` bytes and at most
  :data:`MAX_LOG_BYTES` per invocation (the rest is dropped, and the log says how much). Lines are
  forwarded while the environment waits for the runtime; between invocations (when a Lambda sandbox is
  frozen) output waits in the pipe.
- ``max_memory_mb`` is the worker's peak resident memory (``VmHWM`` in ``/proc/<pid>/status``; None
  where there is no such file).

Workers never outlive the emulator: :meth:`ProcessEnvironment.shutdown` kills them, an ``atexit`` hook
kills whatever is left, and the emulator's own runtime exits by itself when its parent goes away (it
watches a pipe only the parent holds; ``prctl(PR_SET_PDEATHSIG)`` is not used: Linux ties it to the thread
that started the worker, not to the process).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import functools
import json
import math
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from ..errors import ConfigurationError
from ..lambda_context import CognitoIdentity, LambdaContext
from . import _bootstrap
from ._peers import held_by_process_tree, peer_check_available, peer_socket_inode, process_tree
from .model import ExecutionEnvironment, FunctionConfig, InvokeOutcome, InvokeRequest, LogSink, SplicedJSON
from .runtime_api import MAX_PAYLOAD, Invocation, RuntimeAPIServer, RuntimeEvent, usual_invocation_head
from .variables import lambda_variables, log_stream_name, python_path_entries

__all__ = ["INIT_TIMEOUT", "RUNTIME_CLIENTS", "ProcessEnvironment", "RuntimeClientSpec"]

#: Lambda's budget for the init phase, in seconds.
INIT_TIMEOUT = 10.0
#: The runtimes known by name; anything else is a custom runtime's executable.
RUNTIME_CLIENTS = ("bootstrap", "awslambdaric")
#: A runtime: ``"bootstrap"``, ``"awslambdaric"``, or a custom runtime's executable (a path, a command
#: line, or its arguments).
RuntimeClientSpec = str | Path | Sequence[str]

#: Longest piece of output forwarded as one line: CloudWatch's largest log event (1 MB, PutLogEvents); a
#: longer line is forwarded in pieces of this size.
MAX_LINE = 1024 * 1024
#: Most output a worker may write into the log per invocation (its init counts as one): four of the largest
#: log events. What is over it is read and dropped, and the log says how much.
MAX_LOG_BYTES = 4 * MAX_LINE
#: How old a peak-memory reading may be for a quick invocation: reading ``/proc/<pid>/status`` costs more
#: than the rest of a warm invocation's bookkeeping, and a handler that takes little time adds little memory.
_MEMORY_STALE = 0.02
#: How long a warm runtime that has answered may take to ask for the next invocation (a runtime asks at
#: once; this covers an invocation that arrives right behind the last answer).
_NEXT_GRACE = 1.0
#: Without a pollable process handle, how often a wait checks whether the worker is still there.
_EXIT_POLL = 0.05
_BOOTSTRAP_SCRIPT = str(Path(_bootstrap.__file__).resolve())
#: The variable that gives the emulator's own runtime its end of the Runtime API's socket pair.
RUNTIME_FD_VARIABLE = _bootstrap.RUNTIME_FD_VARIABLE
_AWSLAMBDARIC_MAIN = "import sys; del sys.path[0]; from awslambdaric.__main__ import main; main(sys.argv)"
#: Variables of the emulator's environment a worker does not inherit (each is set per function or per
#: invocation).
_NOT_INHERITED = ("_X_AMZN_TRACE_ID", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONINSPECT")
_SIZE_TOO_LARGE = {
    "errorMessage": f"Response payload size exceeded maximum allowed payload size ({MAX_PAYLOAD} bytes).",
    "errorType": "Function.ResponseSizeTooLarge",
}


class ProcessEnvironment(ExecutionEnvironment):
    """One execution environment whose handler runs in a worker process of its own.

    :param function: the function (name, timeout, memory, version, environment, layers, runtime).
    :param region: ``AWS_REGION`` of the function.
    :param account_id: the account of the function's ARN (``Lambda-Runtime-Invoked-Function-Arn`` is
        taken from each request's context, which holds it).
    :param handler: the handler setting (``app.lambda_handler``, ``_HANDLER``).
    :param task_root: the code folder (``LAMBDA_TASK_ROOT``, cwd, first on ``sys.path``).
    :param runtime_client: ``"bootstrap"`` (default), ``"awslambdaric"`` or a custom runtime's
        executable (see :data:`RuntimeClientSpec`).
    :param python: the interpreter of the Python runtimes (default: the emulator's).
    :param log: receives each line the worker writes to stdout or stderr, without its line end; None
        discards the output.
    :param environ: the variables a worker inherits before Lambda's are applied (default: the emulator's
        ``os.environ`` when the worker starts, so that credentials and ``PATH`` reach it).
    :param init_timeout: the init phase's budget in seconds.
    :raises ConfigurationError: on a system that is not POSIX (process groups, pollable pipes).
    """

    def __init__(
        self,
        function: FunctionConfig,
        *,
        region: str,
        account_id: str,
        handler: str,
        task_root: Path,
        runtime_client: RuntimeClientSpec = "bootstrap",
        python: str = sys.executable,
        log: LogSink | None = None,
        environ: Mapping[str, str] | None = None,
        init_timeout: float = INIT_TIMEOUT,
    ) -> None:
        if os.name != "posix":
            raise ConfigurationError(
                "process execution environments need a POSIX system (Linux, macOS); use in-process ones"
            )
        self.function = function
        self.region = region
        self.account_id = account_id
        self.handler = handler
        self.task_root = Path(task_root)
        self.runtime_client = runtime_client
        self.python = python
        self.log = log
        self.init_timeout = init_timeout
        self._environ = environ
        #: The environment's log stream (one per sandbox: a replaced worker is a new sandbox with a new
        #: one), ``AWS_LAMBDA_LOG_STREAM_NAME``.
        self.log_stream_name = log_stream_name(function.version)
        #: The function timeout in whole milliseconds, rounded up (``Lambda-Runtime-Deadline-Ms``).
        self._timeout_ms = math.ceil(function.timeout * 1000)
        self.alive = True
        self._worker: _Worker | None = None
        self._lock = threading.Lock()

    # -- the lifecycle -----------------------------------------------------------------------------------

    @property
    def log_stream(self) -> str:
        """The environment's log stream: :attr:`log_stream_name`."""
        return self.log_stream_name

    @property
    def pid(self) -> int | None:
        """The worker's process id, while there is one."""
        worker = self._worker
        return worker.process.pid if worker is not None else None

    def invoke(self, request: InvokeRequest) -> InvokeOutcome:
        """Run one invocation, starting the worker first when the environment is cold.

        :raises RuntimeError: when the environment was shut down or reset (the pool makes a new one).
        """
        with self._lock:
            if not self.alive:
                raise RuntimeError("this execution environment was shut down or reset")
            warm = self._worker
            if warm is not None and warm._exit_fd >= 0:
                usual = self._usual_turn(warm, request)
                if usual is not None:
                    return usual
            init_duration = None
            worker = self._warm_worker(request)
            if isinstance(worker, InvokeOutcome):  # the runtime is stuck: this sandbox is done
                self.alive = False
                return worker
            if worker is None:
                started = time.perf_counter()
                failure = self._init(request.request_id)
                init_duration = time.perf_counter() - started
                if failure is not None:
                    failure.init_duration = init_duration
                    return failure
                worker = self._worker
                assert worker is not None
            outcome = self._invoke(worker, request)
            outcome.init_duration = init_duration
            return outcome

    def initialise(self) -> InvokeOutcome | None:
        """Start the worker and run the init now (a warm-up before the first invocation): None when its
        runtime is ready, else the failure (the environment is then dead)."""
        with self._lock:
            if not self.alive:
                raise RuntimeError("this execution environment was shut down or reset")
            if self._worker is not None:
                return None
            started = time.perf_counter()
            failure = self._init("")
            if failure is not None:
                failure.init_duration = time.perf_counter() - started
                self.alive = False
            return failure

    def shutdown(self) -> None:
        """End the worker (killed, reaped, its remaining output forwarded); idempotent, and safe to call
        from another thread while an invocation waits (it ends as an error)."""
        self.alive = False
        worker = self._worker
        if worker is not None:
            worker.kill(record_memory=False)  # the invoking thread may be using the worker's descriptors
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None

    # -- init --------------------------------------------------------------------------------------------

    def _command(self) -> list[str]:
        client = self.runtime_client
        if client == "bootstrap":
            return [self.python, _BOOTSTRAP_SCRIPT]
        if client == "awslambdaric":
            # As ``python -m awslambdaric <handler>``, without the cwd Python puts first on sys.path for
            # ``-m`` (the task root comes first from PYTHONPATH, as in Lambda's own layout).
            return [self.python, "-c", _AWSLAMBDARIC_MAIN, self.handler]
        if isinstance(client, Path):
            return [str(client)]
        if isinstance(client, str):
            return shlex.split(client)
        return list(client)

    def _variables(self, runtime_api: str) -> dict[str, str]:
        base = os.environ if self._environ is None else self._environ
        variables = {key: value for key, value in base.items() if key not in _NOT_INHERITED}
        variables.update(
            lambda_variables(
                self.function,
                region=self.region,
                handler=self.handler,
                task_root=self.task_root,
                log_stream=self.log_stream_name,
                runtime_api=runtime_api,
            )
        )
        if self.runtime_client in RUNTIME_CLIENTS:
            entries = python_path_entries(self.task_root, list(self.function.layers))
            variables["PYTHONPATH"] = os.pathsep.join(entries)
        elif self.function.runtime.startswith("provided"):
            variables.pop("AWS_EXECUTION_ENV", None)  # OS-only runtimes do not set it
        if self.runtime_client == "bootstrap":
            variables["_APIGW_EMULATOR_WATCH_STDIN"] = "1"
        return variables

    def _init(self, request_id: str) -> InvokeOutcome | None:
        """Start a worker and wait until its runtime asks for an invocation; the failure otherwise."""
        server = RuntimeAPIServer()
        command = self._command()
        own_runtime = self.runtime_client == "bootstrap"
        try:
            worker = _Worker.start(
                command,
                env=self._variables(server.address),
                cwd=self.task_root,
                server=server,
                log=self.log,
                watch_stdin=own_runtime,
                socket_pair=own_runtime,
            )
        except OSError as exc:
            server.close()
            message = f"RequestId: {request_id} Error: fork/exec {command[0] if command else ''}: "
            message += (exc.strerror or str(exc)).lower()
            return InvokeOutcome(
                "error",
                error={"errorMessage": message, "errorType": "Runtime.InvalidEntrypoint"},
                init_error=True,
            )
        self._worker = worker
        deadline = time.monotonic() + self.init_timeout
        while True:
            event = worker.wait(deadline)
            if event is None:
                outcome = self._exit_outcome(worker, request_id, init_error=True)
                self._discard(worker)
                return outcome
            if event.kind == "ready":
                return None
            if event.kind == "init-error":
                error = _error_document(event.body, event.error_type)
                self._discard(worker)
                return InvokeOutcome("error", error=error, init_error=True)
            if event.kind == "timeout":
                self._discard(worker)
                return InvokeOutcome("timeout", init_error=True)

    # -- invoke ------------------------------------------------------------------------------------------

    def _usual_turn(self, worker: _Worker, request: InvokeRequest) -> InvokeOutcome | None:
        """The usual warm invocation in one step (:meth:`RuntimeAPIServer.exchange`): an event JSON
        orjson wrote, the library's context without client context, Cognito identity or tenant, a trace
        id, a worker whose exit is watched (its output's new budget starts when the turn does). The outcome,
        byte for byte the general path's; None, with nothing done, for anything else (the general path
        serves it). When the turn went otherwise after the hand-over, the general wait takes it from there."""
        context = request.context
        event = request.encoded
        trace_id = request.trace_id
        if (
            type(event) is not bytes
            or type(context) is not LambdaContext
            or not trace_id
            or "\r" in trace_id
            or "\n" in trace_id
            or context.client_context is not None
            or context.tenant_id
        ):
            return None
        identity = context.identity
        if (
            type(identity) is not CognitoIdentity
            or identity.cognito_identity_id
            or identity.cognito_identity_pool_id
        ):
            return None
        request_id = context.aws_request_id
        deadline_ms = time.time_ns() // 1_000_000 + self._timeout_ms
        head = usual_invocation_head(
            request_id, deadline_ms, context.invoked_function_arn, trace_id, len(event)
        )
        started = time.monotonic()
        deadline = started + request.wait
        before = worker.new_log_budget if worker._logged or worker._dropped else None
        answer = worker.server.exchange(request_id, head, event, deadline, before)
        if answer is None:
            return None
        if answer is True or answer is False:
            invocation = self._invocation(request, deadline_ms)
            return self._answer(
                worker, request, invocation, handed=answer, started=started, deadline=deadline
            )
        now = time.monotonic()
        duration = now - started
        memory = worker.peak_mb
        if duration >= _MEMORY_STALE or memory is None or now - worker._memory_read_at >= _MEMORY_STALE:
            memory = worker.max_memory_mb()
        return InvokeOutcome("result", result=answer, duration=duration, max_memory_mb=memory)

    def _invoke(self, worker: _Worker, request: InvokeRequest) -> InvokeOutcome:
        invocation = self._invocation(request, time.time_ns() // 1_000_000 + self._timeout_ms)
        if worker.logged_or_dropped():
            worker.new_log_budget()
        started = time.monotonic()
        deadline = started + request.wait
        handed = worker.server.hand_over(invocation, deadline)
        return self._answer(worker, request, invocation, handed=handed, started=started, deadline=deadline)

    def _answer(
        self,
        worker: _Worker,
        request: InvokeRequest,
        invocation: Invocation,
        *,
        handed: bool,
        started: float,
        deadline: float,
    ) -> InvokeOutcome:
        """Wait for the runtime's answer to ``invocation`` (handed over, or not yet when ``handed`` is
        False: at the runtime's next ``ready``), forwarding output meanwhile."""
        while True:
            event = worker.wait(deadline)
            if event is None:
                outcome = self._exit_outcome(worker, request.request_id, init_error=False)
                self.alive = False
                self._discard(worker)
                outcome.duration = time.monotonic() - started
                return outcome
            kind = event.kind
            if kind == "ready" and not handed:  # the runtime asked again (a new connection)
                handed = worker.server.hand_over(invocation, deadline)
                continue
            if kind == "timeout":
                self.alive = False
                self._discard(worker)
                return InvokeOutcome(
                    "timeout", duration=time.monotonic() - started, max_memory_mb=worker.peak_mb
                )
            if kind in ("response", "error", "too-large"):
                duration = time.monotonic() - started
                worker.forward_written_output()
                stale = _MEMORY_STALE if duration < _MEMORY_STALE else 0.0
                memory = worker.max_memory_mb(stale_after=stale)
                if kind == "response":
                    return InvokeOutcome("result", result=event.body, duration=duration, max_memory_mb=memory)
                error = (
                    dict(_SIZE_TOO_LARGE)
                    if kind == "too-large"
                    else _error_document(event.body, event.error_type)
                )
                return InvokeOutcome("error", error=error, duration=duration, max_memory_mb=memory)

    def _warm_worker(self, request: InvokeRequest) -> _Worker | InvokeOutcome | None:
        """The worker, once its runtime asks for the invocation; None when it ended since the last one
        (a runtime that exits after an invocation, as awslambdaric does when its answer is refused):
        the environment starts afresh, as Lambda resets a sandbox whose runtime exited. A runtime that
        is still there but has not asked for the next invocation within :data:`_NEXT_GRACE` (it posted
        its last answer and stopped) fails this invocation at once (the worker is ended)."""
        worker = self._worker
        if worker is None:
            return None
        if worker.process.poll() is None and worker.server.state == "Ready":
            return worker
        deadline = time.monotonic() + _NEXT_GRACE
        while True:
            event = None if worker.process.returncode is not None else worker.wait(deadline)
            if event is None:
                self._discard(worker)
                self.log_stream_name = log_stream_name(self.function.version)
                return None
            if event.kind == "ready":
                return worker
            if event.kind == "timeout":
                return self._stuck(worker, request.request_id)

    def _stuck(self, worker: _Worker, request_id: str) -> InvokeOutcome:
        """The failure of an invocation whose runtime never asked for it: ended, not waited for."""
        message = (
            f"RequestId: {request_id} Error: the runtime did not ask for the next invocation (GET "
            f"/2018-06-01/runtime/invocation/next) within {_NEXT_GRACE:g} s of posting its last answer"
        )
        if self.log is not None:
            self.log(message)
        worker.forward_output(final=False)
        memory = worker.max_memory_mb()
        self._discard(worker)
        return InvokeOutcome(
            "error", error={"errorMessage": message, "errorType": "Runtime.Unknown"}, max_memory_mb=memory
        )

    def _invocation(self, request: InvokeRequest, deadline_ms: int) -> Invocation:
        context = request.context
        tail: tuple[bytes, ...] = ()
        encoded = request.encoded
        if isinstance(encoded, SplicedJSON):  # orjson's, the big base64 body sent as a part of its own
            event, tail, orjson_encoded = encoded.head, (encoded.text.encode("ascii"), encoded.tail), True
        elif encoded is not None:  # the round trip's own JSON, orjson's: sent as it is
            event, orjson_encoded = encoded, True
        else:
            orjson_encoded = not _has_nan(request.event)  # orjson would write NaN as null
            try:
                event = orjson.dumps(request.event) if orjson_encoded else b""
            except TypeError:  # what only the standard library writes (integers over 64 bits)
                orjson_encoded = False
            if not orjson_encoded:
                event = json.dumps(request.event, ensure_ascii=False).encode("utf-8", "surrogatepass")
        client_context = getattr(context, "client_context", None)
        identity = getattr(context, "identity", None)
        identity_id = getattr(identity, "cognito_identity_id", None)
        pool_id = getattr(identity, "cognito_identity_pool_id", None)
        cognito = None
        if identity_id or pool_id:
            cognito = json.dumps({"cognitoIdentityId": identity_id, "cognitoIdentityPoolId": pool_id})
        return Invocation(
            request_id=request.request_id,
            event=event,
            deadline_ms=deadline_ms,
            function_arn=context.invoked_function_arn,
            trace_id=request.trace_id,
            client_context=json.dumps(client_context) if isinstance(client_context, dict) else None,
            cognito_identity=cognito,
            tenant_id=getattr(context, "tenant_id", None),
            orjson_encoded=orjson_encoded,
            event_tail=tail,
        )

    # -- endings -----------------------------------------------------------------------------------------

    def _exit_outcome(self, worker: _Worker, request_id: str, *, init_error: bool) -> InvokeOutcome:
        """``Runtime.ExitError`` for a worker that ended by itself (or was ended by :meth:`shutdown`)."""
        status = worker.reap()
        if status == 0:
            reason = "Runtime exited without providing a reason"
        elif status < 0:
            try:
                name = signal.strsignal(-status) or f"signal {-status}"
            except ValueError:
                name = f"signal {-status}"
            reason = f"Runtime exited with error: signal: {name.lower()}"
        else:
            reason = f"Runtime exited with error: exit status {status}"
        message = f"RequestId: {request_id} Error: {reason}"
        if self.log is not None:
            self.log(message)
            self.log("Runtime.ExitError")
        return InvokeOutcome(
            "error",
            error={"errorMessage": message, "errorType": "Runtime.ExitError"},
            init_error=init_error,
            max_memory_mb=worker.peak_mb,
        )

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        worker.close()
        if self._worker is worker:
            self._worker = None


def _from_worker(pid: int, connection: socket.socket) -> bool:
    """Whether a Runtime API connection comes from the worker ``pid`` or a process it started."""
    inode = peer_socket_inode(connection)
    return inode is not None and held_by_process_tree(inode, pid)


def _has_nan(value: Any) -> bool:
    """Whether a JSON-like value holds a float that is not finite (NaN, Infinity): an event does only
    when it was built by hand, so the walk ends at once for the gateway's events (no float at all).
    A plain loop that skips strings (the bulk of an event) by their exact type: a third of the time of
    ``any()`` over a generator, which matters on every warm invocation."""
    kind = type(value)
    if kind is dict:
        items: Any = value.values()
    elif kind is list:
        items = value
    elif kind is float:
        return not math.isfinite(value)
    else:
        return False
    for item in items:
        kind = type(item)
        if kind is str:
            continue
        if (kind is dict or kind is list or kind is float) and _has_nan(item):
            return True
    return False


def _pieces(lines: list[bytes], partial: bytes) -> tuple[list[bytes], bytes]:
    """Lines cut into pieces of at most :data:`MAX_LINE` bytes; of the unfinished ``partial`` line, its
    whole pieces (the rest stays unfinished)."""
    cut: list[bytes] = []
    for line in lines:
        cut.extend(line[start : start + MAX_LINE] for start in range(0, max(len(line), 1), MAX_LINE))
    while len(partial) > MAX_LINE:
        cut.append(partial[:MAX_LINE])
        partial = partial[MAX_LINE:]
    return cut, partial


def _error_document(body: bytes, error_type: str | None) -> dict[str, Any]:
    """The error a runtime posted, as a dict: the document itself when it is a JSON object."""
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if isinstance(document, dict):
        return document
    return {"errorMessage": body.decode("utf-8", "replace"), "errorType": error_type or "Runtime.Unknown"}


# -- the worker process ----------------------------------------------------------------------------------


class _Worker:
    """A started worker process: its Runtime API server, its output pipe, its exit."""

    def __init__(
        self, process: subprocess.Popen[bytes], server: RuntimeAPIServer, log: LogSink | None
    ) -> None:
        self.process = process
        self.server = server
        self.log = log
        self.peak_mb: int | None = None
        self._memory_read_at = 0.0
        self._partial = b""
        #: Output bytes forwarded, and dropped, since :meth:`new_log_budget`.
        self._logged = self._dropped = 0
        self._status_fd = -1
        self._exit_fd = -1
        self._output: IO[bytes] | None = process.stdout
        self._closed = False
        self._returncode: int | None = None
        if hasattr(os, "pidfd_open"):
            with contextlib.suppress(OSError):
                self._exit_fd = os.pidfd_open(process.pid)
                server.watch(self._exit_fd)
        if self._output is not None:
            os.set_blocking(self._output.fileno(), False)
            server.watch(self._output.fileno())

    @classmethod
    def start(
        cls,
        command: list[str],
        *,
        env: dict[str, str],
        cwd: Path,
        server: RuntimeAPIServer,
        log: LogSink | None,
        watch_stdin: bool,
        socket_pair: bool = False,
    ) -> _Worker:
        """Start ``command``; with ``socket_pair``, the emulator's own runtime also gets one end of a Unix
        socket pair (its descriptor in ``_APIGW_EMULATOR_RUNTIME_FD``) for the Runtime API."""
        posix = os.name == "posix"
        ours, theirs = socket.socketpair() if socket_pair else (None, None)
        if theirs is not None:
            env = {**env, RUNTIME_FD_VARIABLE: str(theirs.fileno())}
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE if watch_stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE if log is not None else subprocess.DEVNULL,
                stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
                start_new_session=posix,  # its own process group: killed as one, spared the terminal's ^C
                pass_fds=() if theirs is None else (theirs.fileno(),),
            )
        except BaseException:
            if ours is not None:
                ours.close()
            raise
        finally:
            if theirs is not None:
                theirs.close()  # the worker holds its end: when it dies, the pair reads as closed
        _register(process)
        if peer_check_available():
            server.accepts = functools.partial(_from_worker, process.pid)
        if ours is not None:
            server.adopt(ours)
        return cls(process, server, log)

    def wait(self, deadline: float) -> RuntimeEvent | None:
        """The runtime's next event (``"timeout"`` at ``deadline``), forwarding output meanwhile; None when
        the process has exited (after what it sent before it did: an answer posted just before exiting
        still counts)."""
        while True:
            limit = deadline if self._exit_fd >= 0 else min(deadline, time.monotonic() + _EXIT_POLL)
            event = self.server.wait(limit)
            if event.kind == "watched":
                if event.fd == self._exit_fd:
                    return self.server.drain()
                self.forward_output(final=False)
                continue
            if event.kind == "timeout" and self._exit_fd < 0:
                if self.process.poll() is not None:
                    return self.server.drain()
                if time.monotonic() < deadline:
                    continue
            return event

    def logged_or_dropped(self) -> bool:
        """Whether output was forwarded or dropped since :meth:`new_log_budget` (else a new budget would
        change nothing)."""
        return bool(self._logged or self._dropped)

    def new_log_budget(self) -> None:
        """Start a new invocation's share of the log (:data:`MAX_LOG_BYTES`), saying first how much of the
        last one's output was dropped."""
        self._note_dropped()
        self._logged = self._dropped = 0

    def _note_dropped(self) -> None:
        if self._dropped and self.log is not None:
            self.log(
                f"apigw-emulator: {self._dropped} more bytes of output dropped (over {MAX_LOG_BYTES} bytes "
                "in one invocation)"
            )
        self._dropped = 0

    def _within_budget(self, lines: list[bytes]) -> list[bytes]:
        """The lines that fit what is left of :data:`MAX_LOG_BYTES`; the others are counted as dropped."""
        kept = []
        for line in lines:
            if self._logged + len(line) + 1 <= MAX_LOG_BYTES:
                self._logged += len(line) + 1
                kept.append(line)
            else:
                if not self._dropped and self.log is not None:
                    self.log(
                        f"apigw-emulator: the worker wrote over {MAX_LOG_BYTES} bytes: the rest is dropped"
                    )
                self._dropped += len(line) + 1
        return kept

    def forward_output(self, *, final: bool) -> None:
        """Send the complete lines the pipe holds to the log (and the last partial one if ``final``)."""
        output = self._output
        if output is None:
            return
        fd = output.fileno()
        chunks = [self._partial]
        ended = False
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                ended = True
                break
            if not chunk:
                ended = True
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        lines = data.split(b"\n")
        self._partial = lines.pop()
        if (final or ended) and self._partial:
            lines.append(self._partial)
            self._partial = b""
        if any(len(line) > MAX_LINE for line in lines) or len(self._partial) > MAX_LINE:
            lines, self._partial = _pieces(lines, self._partial)
        log = self.log
        if log is not None:
            for line in self._within_budget(lines):
                log(line.decode("utf-8", "replace"))
            if final or ended:
                self._note_dropped()
        if ended:
            self.server.unwatch(fd)
            output.close()
            self._output = None

    def forward_written_output(self) -> None:
        """After the runtime's answer: forward what the worker wrote before it answered. That output was
        seen readable by the wait that brought the answer (or an earlier one, which forwarded it), so the
        pipe is read only when that wait reported it: no read that finds nothing on a quiet invocation."""
        output = self._output
        if output is not None and self.server.take_watched(output.fileno()):
            self.forward_output(final=False)

    def max_memory_mb(self, stale_after: float = 0.0) -> int | None:
        """The worker's peak resident memory in MB (rounded up), from ``/proc``; None elsewhere. A reading
        younger than ``stale_after`` seconds is reused."""
        now = time.monotonic()
        if stale_after and now - self._memory_read_at < stale_after and self.peak_mb is not None:
            return self.peak_mb
        self._memory_read_at = now
        if self._status_fd < 0:
            try:
                self._status_fd = os.open(f"/proc/{self.process.pid}/status", os.O_RDONLY)
            except OSError:
                return None
        try:
            status = os.pread(self._status_fd, 4096, 0)
        except OSError:
            return self.peak_mb
        start = status.find(b"VmHWM:")
        if start >= 0:
            kilobytes = int(status[start + 6 : status.index(b"kB", start)])
            self.peak_mb = max(1, math.ceil(kilobytes / 1024))
        return self.peak_mb

    def kill(self, *, record_memory: bool = True) -> None:
        """SIGKILL the worker and every process it started, after a last reading of its peak memory;
        reaping is :meth:`reap`."""
        if self.process.returncode is not None:
            return
        if record_memory:
            self.max_memory_mb()
        _kill_sandbox(self.process)

    def reap(self) -> int:
        """Wait for the process to end (it has, or was killed) and return its status."""
        if self._returncode is None:
            if self.process.poll() is None:
                self.max_memory_mb()
                self.kill()
            self._returncode = self.process.wait()
            _unregister(self.process)
        return self._returncode

    def close(self) -> None:
        """Reap the process, forward its last output, release every descriptor; idempotent."""
        if self._closed:
            return
        self._closed = True
        self.reap()
        self.forward_output(final=True)
        if self._output is not None:
            self.server.unwatch(self._output.fileno())
            self._output.close()
            self._output = None
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        for fd in (self._exit_fd, self._status_fd):
            if fd >= 0:
                self.server.unwatch(fd)
                os.close(fd)
        self._exit_fd = self._status_fd = -1
        self.server.close()


# -- workers never outlive the emulator ------------------------------------------------------------------

_live: dict[int, subprocess.Popen[bytes]] = {}
_live_lock = threading.Lock()


def _register(process: subprocess.Popen[bytes]) -> None:
    with _live_lock:
        _live[process.pid] = process


def _unregister(process: subprocess.Popen[bytes]) -> None:
    with _live_lock:
        _live.pop(process.pid, None)


def _kill_sandbox(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker's whole sandbox, as Lambda destroys it: its process group, and every process it
    started whatever their session or group (a handler's ``start_new_session=True`` child), found as its
    descendants in ``/proc``; they are stopped first, so that none forks a new one unseen. A process that
    left the tree before (a daemon whose parent exited) is not found."""
    pid = process.pid
    tree = process_tree(pid) if os.name == "posix" and peer_check_available() else [pid]
    others = [other for other in tree if other != pid]
    if others:
        for other in tree:
            with contextlib.suppress(OSError):
                os.kill(other, signal.SIGSTOP)
        others = sorted(set(others) | {other for other in process_tree(pid) if other != pid})
    try:
        if os.name == "posix":
            os.killpg(pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            with contextlib.suppress(OSError):
                process.kill()
    for other in others:
        with contextlib.suppress(OSError):
            os.kill(other, signal.SIGKILL)


def _kill_all() -> None:
    """At exit: kill and reap every worker still running."""
    with _live_lock:
        processes = list(_live.values())
        _live.clear()
    for process in processes:
        if process.returncode is None:
            with contextlib.suppress(OSError):
                _kill_sandbox(process)
            with contextlib.suppress(Exception):
                process.wait(timeout=5)


atexit.register(_kill_all)
