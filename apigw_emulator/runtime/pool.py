"""The execution environments of one function: an idle one serves the next invocation, a busy function
gets another one up to its concurrency limit (over it: Lambda's throttling), a timed-out or crashed one is
dropped so that the next invocation initialises a fresh one, and each invocation is logged as CloudWatch
shows it (``START``, ``END``, ``REPORT``)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from .model import ExecutionEnvironment, FunctionConfig, InvokeOutcome, InvokeRequest, LogSink

__all__ = ["DEFAULT_MAX_CONCURRENCY", "EnvironmentPool", "report_line"]

#: Environments one function may have at once, unless configured: a local stand-in for Lambda's
#: account concurrency (1,000 on AWS), sized for one machine.
DEFAULT_MAX_CONCURRENCY = 10


def report_line(request_id: str, function: FunctionConfig, outcome: InvokeOutcome) -> str:
    """CloudWatch's ``REPORT`` line for an invocation (durations in ms, billed rounded up to 1 ms)."""
    duration_ms = outcome.duration * 1000
    billed = math.ceil(duration_ms) + (
        math.ceil(outcome.init_duration * 1000) if outcome.init_duration is not None else 0
    )
    parts = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {max(billed, 1)} ms",
        f"Memory Size: {function.memory_size} MB",
    ]
    if outcome.max_memory_mb is not None:
        parts.append(f"Max Memory Used: {outcome.max_memory_mb} MB")
    if outcome.init_duration is not None:
        parts.append(f"Init Duration: {outcome.init_duration * 1000:.2f} ms")
    if outcome.kind == "timeout":
        parts.append("Status: timeout")
    return "\t".join(parts)


class EnvironmentPool:
    """The execution environments of one function.

    :param factory: makes a new (cold) environment.
    :param function: the function (its name and memory size appear in the log lines).
    :param max_concurrency: how many environments may exist at once; an invocation that finds them all
        busy is throttled.
    :param log: where ``START``/``END``/``REPORT`` lines and resets are reported; None reports nothing.
    """

    def __init__(
        self,
        factory: Callable[[], ExecutionEnvironment],
        function: FunctionConfig,
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        log: LogSink | None = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.function = function
        self.max_concurrency = max_concurrency
        self.log = log
        self._factory = factory
        self._lock = threading.Lock()
        self._idle: list[ExecutionEnvironment] = []
        self._busy: set[ExecutionEnvironment] = set()
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"EnvironmentPool({self.function.name!r}, idle={len(self._idle)}, busy={len(self._busy)}, "
            f"max_concurrency={self.max_concurrency})"
        )

    @property
    def size(self) -> int:
        """The environments that exist now, idle or busy."""
        with self._lock:
            return len(self._idle) + len(self._busy)

    def invoke(self, request: InvokeRequest) -> InvokeOutcome:
        """Serve ``request`` with an idle environment, or a new one, or throttle it."""
        environment = self._acquire()
        if environment is None:
            self._say(
                f"{request.request_id} throttled: {self.max_concurrency} environment(s) of "
                f"{self.function.name} busy (max_concurrency)"
            )
            return InvokeOutcome("throttled")
        if self.log is not None:
            self._say(f"START RequestId: {request.request_id} Version: {self.function.version}")
        try:
            request.context.log_stream_name = environment.log_stream_name
            outcome = environment.invoke(request)
        except BaseException:
            environment.alive = False
            raise
        finally:
            self._release(environment)
        if self.log is not None:
            if outcome.kind == "timeout":
                self._say(f"{request.request_id} Task timed out after {self.function.timeout:.2f} seconds")
            self._say(f"END RequestId: {request.request_id}")
            self._say(report_line(request.request_id, self.function, outcome))
        if not environment.alive:
            self._say(
                f"apigw-emulator: the execution environment of {self.function.name} was reset "
                f"({outcome.kind}); the next invocation initialises a fresh one"
            )
        return outcome

    def prewarm(self) -> InvokeOutcome | None:
        """Start one environment and run its init now, as provisioned concurrency would: the next
        invocation is warm. None when the init succeeded; else its failure (nothing is kept)."""
        environment = self._acquire()
        if environment is None:
            return None  # every environment is busy: there is nothing to warm
        try:
            failure = environment.initialise()
        except BaseException:
            environment.alive = False
            raise
        finally:
            self._release(environment)
        return failure

    def close(self) -> None:
        """Shut the idle environments down now and the busy ones when their invocation ends (a timeout
        bounds that); no new invocation is taken. Idempotent."""
        with self._lock:
            self._closed = True
            environments = list(self._idle)
            self._idle.clear()
        for environment in environments:
            environment.shutdown()

    def _acquire(self) -> ExecutionEnvironment | None:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the environments of {self.function.name} are shut down")
            while self._idle:
                environment = self._idle.pop()
                if environment.alive:
                    self._busy.add(environment)
                    return environment
            if len(self._busy) >= self.max_concurrency:
                return None
            environment = self._factory()
            self._busy.add(environment)
            return environment

    def _release(self, environment: ExecutionEnvironment) -> None:
        with self._lock:
            self._busy.discard(environment)
            keep = environment.alive and not self._closed
            if keep:
                self._idle.append(environment)
        if not keep:
            environment.shutdown()

    def _say(self, line: str) -> None:
        if self.log is not None:
            try:
                self.log(line)
            except Exception:  # a failing log callable must not fail an invocation
                self.log = None
