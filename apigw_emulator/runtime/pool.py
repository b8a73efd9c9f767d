"""The execution environments of one function: an idle one serves the next invocation, a busy function
gets another one up to its limit, a timed-out or crashed one is dropped so that the next invocation
initialises a fresh one, and each invocation is logged as CloudWatch shows it (``START``, ``END``,
``REPORT``).

Over the limit, two different things happen. A configured concurrency limit (``max_concurrency``, a
template's ``ReservedConcurrentExecutions``) is Lambda's: the invocation is throttled. Without one, the
limit is only how many environments this machine keeps for the function (:data:`DEFAULT_ENVIRONMENTS`):
on AWS such a function shares the account's 1,000, so nothing is throttled, and the invocation waits for
an environment to be free (the wait shows in its latency, not in its function timeout)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from .model import ExecutionEnvironment, FunctionConfig, InvokeOutcome, InvokeRequest, LogSink

__all__ = ["DEFAULT_ENVIRONMENTS", "DEFAULT_MAX_CONCURRENCY", "EnvironmentPool", "report_line"]

#: Environments kept for one function without a configured concurrency limit: what one machine affords,
#: not a limit of Lambda's (an invocation that finds them all busy waits for one).
DEFAULT_ENVIRONMENTS = 10
#: No configured concurrency limit: nothing is throttled (the account's 1,000 on AWS).
DEFAULT_MAX_CONCURRENCY: int | None = None


def report_line(request_id: str, function: FunctionConfig, outcome: InvokeOutcome) -> str:
    """CloudWatch's ``REPORT`` line for an invocation (durations in ms, billed rounded up to 1 ms)."""
    duration_ms = outcome.duration * 1000
    init_duration = outcome.init_duration
    memory = outcome.max_memory_mb
    if init_duration is None and memory is not None and outcome.kind != "timeout":  # a warm invocation
        # Its fields in one step: the billed duration is the duration rounded up (-(-x // 1): a float
        # ceiling without a call), at least 1 ms.
        return (
            f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: "
            f"{-(-duration_ms // 1) or 1:.0f} ms\tMemory Size: {function.memory_size} MB\tMax Memory Used: "
            f"{memory} MB"
        )
    billed = math.ceil(duration_ms) + (math.ceil(init_duration * 1000) if init_duration is not None else 0)
    line = (
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: "
        f"{max(billed, 1)} ms\tMemory Size: {function.memory_size} MB"
    )
    if memory is not None:
        line += f"\tMax Memory Used: {memory} MB"
    if init_duration is not None:
        line += f"\tInit Duration: {init_duration * 1000:.2f} ms"
    if outcome.kind == "timeout":
        line += "\tStatus: timeout"
    return line


class EnvironmentPool:
    """The execution environments of one function.

    :param factory: makes a new (cold) environment.
    :param function: the function (its name and memory size appear in the log lines).
    :param max_concurrency: the function's configured concurrency limit (``ReservedConcurrentExecutions``):
        that many environments at most, and an invocation that finds them all busy is throttled; 0
        throttles every invocation. None (default): no limit of Lambda's; ``environments`` are kept
        and an invocation that finds them all busy waits for one.
    :param environments: without ``max_concurrency``, how many environments may exist at once.
    :param log: where ``START``/``END``/``REPORT`` lines and resets are reported; None reports nothing.
    """

    def __init__(
        self,
        factory: Callable[[], ExecutionEnvironment],
        function: FunctionConfig,
        *,
        max_concurrency: int | None = DEFAULT_MAX_CONCURRENCY,
        environments: int = DEFAULT_ENVIRONMENTS,
        log: LogSink | None = None,
    ) -> None:
        if max_concurrency is not None and max_concurrency < 0:
            raise ValueError("max_concurrency must be at least 0")
        if environments < 1:
            raise ValueError("environments must be at least 1")
        self.function = function
        #: The configured concurrency limit (throttling over it); None: none, invocations wait.
        self.max_concurrency = max_concurrency
        #: How many environments may exist at once.
        self.environments = max_concurrency if max_concurrency is not None else environments
        self.log = log
        self._factory = factory
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        #: Invocations waiting on ``_freed`` for an environment (a release without one notifies no one).
        self._waiting = 0
        self._idle: list[ExecutionEnvironment] = []
        self._busy: set[ExecutionEnvironment] = set()
        self._closed = False
        #: What the front door's plain proxy path made of this pool as its target, kept for the next
        #: request (``flow.plain_proxy``); the pool only holds it.
        self.plain_target: object = None

    def __repr__(self) -> str:
        return (
            f"EnvironmentPool({self.function.name!r}, idle={len(self._idle)}, busy={len(self._busy)}, "
            f"max_concurrency={self.max_concurrency}, environments={self.environments})"
        )

    @property
    def size(self) -> int:
        """The environments that exist now, idle or busy."""
        with self._lock:
            return len(self._idle) + len(self._busy)

    def invoke(self, request: InvokeRequest) -> InvokeOutcome:
        """Serve ``request`` with an idle environment, or a new one; when every environment is busy,
        throttle it (a configured limit) or wait for one (none: the wait is not counted in the function
        timeout, which starts when an environment takes the invocation)."""
        with self._lock:  # the usual case: an idle environment, taken at once
            idle = self._idle
            environment = idle.pop() if idle and idle[-1].alive and not self._closed else None
            if environment is not None:
                self._busy.add(environment)
        if environment is None:
            asked = time.monotonic()
            environment = self._acquire(wait=True)
            waited = time.monotonic() - asked
            if waited > 0.001 and environment is not None:  # its timeout starts now
                postpone = getattr(request.context, "_postpone", None)  # the library's LambdaContext
                if callable(postpone):
                    postpone(waited)
            if environment is None:
                self._say(
                    f"{request.request_id} throttled: {self.max_concurrency} environment(s) of "
                    f"{self.function.name} busy (max_concurrency)"
                )
                return InvokeOutcome("throttled")
        request_id = request.context.aws_request_id
        if self.log is not None:
            self._say(f"START RequestId: {request_id} Version: {self.function.version}")
        try:
            request.context.log_stream_name = environment.log_stream_name
            outcome = environment.invoke(request)
        except BaseException:
            environment.alive = False
            raise
        finally:
            self._release(environment)
        if self.log is not None:
            report = report_line(request_id, self.function, outcome)
            if outcome.kind != "timeout":
                self._say(f"END RequestId: {request_id}", report)
            elif outcome.init_error:
                self._say(
                    f"INIT_REPORT Init Duration: {(outcome.init_duration or 0) * 1000:.2f} ms\tPhase: init"
                    "\tStatus: timeout",
                    f"END RequestId: {request_id}",
                    report,
                )
            else:
                self._say(
                    f"{request_id} Task timed out after {self.function.timeout:.2f} seconds",
                    f"END RequestId: {request_id}",
                    report,
                )
        if not environment.alive:
            self._say(
                f"apigw-emulator: the execution environment of {self.function.name} was reset "
                f"({outcome.kind}); the next invocation initialises a fresh one"
            )
        return outcome

    def prewarm(self) -> InvokeOutcome | None:
        """Start one environment and run its init now, as provisioned concurrency would: the next
        invocation is warm. None when the init succeeded; else its failure (nothing is kept)."""
        environment = self._acquire(wait=False)
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
            self._freed.notify_all()  # waiting invocations end: the function is shut down
        for environment in environments:
            environment.shutdown()

    def _acquire(self, *, wait: bool) -> ExecutionEnvironment | None:
        """An idle environment, or a new one; None when every environment is busy and the invocation is
        throttled (or ``wait`` is False). Without a configured limit, ``wait`` waits for one: each busy
        environment ends its invocation within its timeout, so the wait is bounded."""
        with self._lock:
            while True:
                if self._closed:
                    raise RuntimeError(f"the environments of {self.function.name} are shut down")
                while self._idle:
                    environment = self._idle.pop()
                    if environment.alive:
                        self._busy.add(environment)
                        return environment
                if len(self._busy) < self.environments:
                    environment = self._factory()
                    self._busy.add(environment)
                    return environment
                if self.max_concurrency is not None or not wait:
                    return None
                self._waiting += 1
                try:
                    self._freed.wait()
                finally:
                    self._waiting -= 1

    def _release(self, environment: ExecutionEnvironment) -> None:
        with self._lock:
            self._busy.discard(environment)
            keep = environment.alive and not self._closed
            if keep:
                self._idle.append(environment)
            if self._waiting:  # a waiting invocation takes it, or makes a new one in its place
                self._freed.notify()
        if not keep:
            environment.shutdown()

    def _say(self, *lines: str) -> None:
        """Log ``lines`` in order; a failing log callable turns the log off (it must not fail an
        invocation), and the lines after it are not logged."""
        log = self.log
        if log is not None:
            try:
                for line in lines:
                    log(line)
            except Exception:
                self.log = None
