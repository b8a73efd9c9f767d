"""What every execution environment shares: the function's configuration, one invocation as the Lambda
Runtime API hands it to a runtime, what came back, and the lifecycle an environment goes through.

An :class:`ExecutionEnvironment` is one Lambda sandbox: it initialises once (imports the handler's module
with the function's environment variables in place), then serves invocations one at a time until it is
reset (after a timeout or a crash, the next invocation initialises a fresh one) or shut down. The invoke
step (:func:`apigw_emulator.invoke.invoke`) talks to a :class:`~apigw_emulator.runtime.pool.EnvironmentPool`
and does not care which kind of environment serves it.
"""

from __future__ import annotations

import abc
import dataclasses
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from ..lambda_context import LambdaContext

__all__ = [
    "ExecutionEnvironment",
    "FunctionConfig",
    "HandlerSource",
    "InvokeOutcome",
    "InvokeRequest",
    "Isolation",
    "LogSink",
    "to_stderr",
]

#: How a function's code runs: ``"in-process"`` (the calling process, the handler on the calling thread)
#: or ``"process"`` (a worker process of its own per execution environment, speaking the Lambda Runtime API).
Isolation = Literal["in-process", "process"]
ISOLATIONS: tuple[Isolation, ...] = ("in-process", "process")

#: Where an environment's log lines go (handler output, ``START``/``END``/``REPORT``).
LogSink = Callable[[str], None]


def to_stderr(line: str) -> None:
    """A :data:`LogSink` that writes each line to standard error at once."""
    stderr = sys.stderr
    stderr.write(line + "\n")
    stderr.flush()


#: The Python runtime the emulator stands for, as in ``AWS_EXECUTION_ENV`` (``AWS_Lambda_python3.12``).
def default_runtime() -> str:
    """``python3.X`` of the interpreter running the emulator."""
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


@dataclasses.dataclass(frozen=True, slots=True)
class FunctionConfig:
    """The Lambda function behind the front door.

    :param name: the function name (context, ARNs, log group, ``AWS_LAMBDA_FUNCTION_NAME``).
    :param timeout: the function timeout in seconds (AWS's default is 3).
    :param memory_size: memory in MB, reported by the context and ``REPORT`` lines.
    :param version: ``$LATEST`` or a version number.
    :param handler: the handler setting (SAM's ``Handler``, ``app.lambda_handler``), when the function is
        known by name rather than as a Python callable; ``_HANDLER`` of the environment.
    :param code_uri: the function's code folder (``LAMBDA_TASK_ROOT``, first on ``sys.path``, the cwd of
        worker processes).
    :param environment: the function's own environment variables (``Environment.Variables``); Lambda's
        reserved variables are set after them and win.
    :param layers: layer folders, each laid out as a layer zip (``python/``,
        ``python/lib/pythonX.Y/site-packages``), in the function's order.
    :param runtime: the Lambda runtime identifier (``python3.12``); default: this interpreter's version.
    """

    name: str = "function"
    timeout: float = 3.0
    memory_size: int = 128
    version: str = "$LATEST"
    handler: str | None = None
    code_uri: Path | None = None
    environment: Mapping[str, str] = dataclasses.field(default_factory=dict)
    layers: Sequence[Path] = ()
    runtime: str = dataclasses.field(default_factory=default_runtime)


@dataclasses.dataclass(frozen=True, slots=True)
class HandlerSource:
    """A handler that is imported when its execution environment initialises, not before (so that the
    function's environment variables are in place at import, and nothing is imported for event-only use).

    :param name: Lambda's handler setting (``app.lambda_handler``): what a worker process imports.
    :param load: imports the handler in this process (in-process environments), each call afresh when
        the modules were forgotten.
    :param code_uri: the code folder the name is imported from; None for code that only exists in this
        process (a template's inline code).
    """

    name: str
    load: Callable[[], Callable[..., Any]]
    code_uri: Path | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class SplicedJSON:
    """An event's JSON with its big base64 body left out of the written bytes: ``head``, then the body
    text in quotes (base64 needs no JSON escape), then ``tail``, byte for byte what orjson writes for the
    whole event. A process environment sends the three parts one after the other: the body is not
    written into one buffer with the rest (at 4 MiB that cost about 2 ms a request, its ASCII bytes 0.5)."""

    #: The JSON up to the body text's opening quote (included).
    head: bytes
    #: The body: base64 text.
    text: str
    #: The JSON from the body text's closing quote (included).
    tail: bytes

    @property
    def size(self) -> int:
        """The length of the whole JSON."""
        return len(self.head) + len(self.text) + len(self.tail)


@dataclasses.dataclass(slots=True)
class InvokeRequest:
    """One invocation, as the Lambda Runtime API's ``/invocation/next`` hands it to a runtime.

    :ivar event: the event as the handler receives it (already through the runtime's JSON round trip).
    :ivar context: the context the handler gets (a process environment sends its values as the
        ``Lambda-Runtime-*`` headers and the worker's runtime builds its own object from them).
    :ivar trace_id: the X-Ray trace header (``Lambda-Runtime-Trace-Id``, ``_X_AMZN_TRACE_ID``).
    :ivar wait: seconds the caller waits for the outcome (the function timeout, or the front door's
        integration timeout when that is shorter).
    :ivar encoded: the event's JSON as orjson wrote it for that round trip, whole or with its big base64
        body spliced in (None otherwise): what a process environment sends the worker as it is, instead
        of writing it again.
    """

    event: Any
    context: LambdaContext
    trace_id: str | None
    wait: float
    encoded: bytes | SplicedJSON | None = None

    @property
    def request_id(self) -> str:
        """The invocation's request id (``Lambda-Runtime-Aws-Request-Id``)."""
        return self.context.aws_request_id


OutcomeKind = Literal["result", "error", "timeout", "throttled"]


@dataclasses.dataclass(slots=True)
class InvokeOutcome:
    """What an invocation gave.

    :ivar kind: ``"result"`` (the handler returned), ``"error"`` (the handler raised, the runtime could not
        encode the result, the init failed, or the runtime died), ``"timeout"`` (no answer before
        :attr:`InvokeRequest.wait`: the environment is reset) or ``"throttled"`` (every environment was
        busy and the concurrency limit reached).
    :ivar result: for ``"result"``: the handler's return value in-process (encoded later, by the invoke
        step), or the bytes a runtime posted to ``/response``.
    :ivar error: the error document the runtime reports (``errorMessage``, ``errorType``, ``stackTrace``,
        ``requestId``), for ``"error"``.
    :ivar exception: in-process: the exception the handler (or its import) raised.
    :ivar init_error: whether the error happened in the init phase (``Runtime.ImportModuleError``...).
    :ivar duration: seconds the invoke phase took.
    :ivar init_duration: seconds of the init phase, when this invocation had a cold start.
    :ivar max_memory_mb: the environment's peak memory in MB, where it is known (``REPORT``).
    """

    kind: OutcomeKind
    result: Any = None
    error: dict[str, Any] | None = None
    exception: BaseException | None = None
    init_error: bool = False
    duration: float = 0.0
    init_duration: float | None = None
    max_memory_mb: int | None = None


class ExecutionEnvironment(abc.ABC):
    """One Lambda execution environment (sandbox): init once, invoke one at a time, reset, shut down."""

    #: Whether the environment can take an invocation; False once it was reset or shut down.
    alive: bool = True
    #: The environment's CloudWatch log stream (``AWS_LAMBDA_LOG_STREAM_NAME``, ``context.log_stream_name``).
    log_stream_name: str = ""

    @abc.abstractmethod
    def invoke(self, request: InvokeRequest) -> InvokeOutcome:
        """Run one invocation (initialising first when the environment is cold) and say what happened.

        Never raises for anything the handler does: a timeout gives ``"timeout"`` and makes the
        environment dead (:attr:`alive` False), so that the pool starts a fresh one.
        """

    def initialise(self) -> InvokeOutcome | None:
        """Run the init phase now (a cold environment warms up before its first invocation): None when
        it succeeded, else the failure as :meth:`invoke` would report it (the environment is then dead)."""
        raise NotImplementedError(f"{type(self).__name__} initialises on its first invocation only")

    @abc.abstractmethod
    def shutdown(self) -> None:
        """Release the environment (a worker process is ended); idempotent."""
