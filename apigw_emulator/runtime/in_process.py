"""In-process execution environments: the handler runs in the calling process, as the Lambda Python
runtime runs it in its own.

On the main thread (a test, ``gw.request(...)``), the handler is called on the calling thread: whatever
works on Lambda's main thread works here (``signal.signal``, ``asyncio.run``, Mangum's
``asyncio.get_event_loop()``). The function timeout interrupts it at its deadline with ``SIGALRM``, the way
pytest-timeout's signal method does, nesting with a timer that was already set (pytest-timeout's own).

Off the main thread (a server's connection thread, a test's own threads), each environment has a thread
of its own that stands for the runtime's main thread: the handler's module is imported on it, it has a
persistent event loop, and it calls the handler. A handler that overruns its deadline there cannot be
stopped (Python cannot stop a thread): it is abandoned, its thread ends when the handler returns, and the
environment is reset.

Each new environment initialises a handler given by name (a template's function too) afresh: the handler's
module and what the function's earlier inits imported are forgotten and imported again, so module state
never leaks between environments (see :class:`HandlerCode`); a callable is "your module, your state".
Environment variables (the function's and Lambda's reserved ones) are set around the init and each call
and restored after; ``os.environ``, ``sys.modules`` and the modules imported before the function's first
init are the process's, shared with the caller and with other in-process functions (process environments
have their own).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from ..errors import LambdaFunctionError
from ._bootstrap import RUNTIME_FILE, RuntimeFaultError, exception_document, load_lambda_handler
from .environ_image import EnvironImage
from .imports import first_on_sys_path, make_way
from .model import ExecutionEnvironment, FunctionConfig, HandlerSource, InvokeOutcome, InvokeRequest
from .variables import (
    applied,
    call_in_image,
    encoded,
    lambda_variables,
    log_stream_name,
    python_path_entries,
    task_root_of,
)

__all__ = ["INIT_TIMEOUT", "HandlerCode", "InProcessEnvironment", "forget_modules"]

#: The files of the frames a traceback starts with that are the runtime's, not the function's: left out of
#: ``stackTrace`` as awslambdaric leaves out its own. Whole paths (this module's, the runtime's and that of
#: the call in the image), so that a function's module whose name merely ends the same keeps its frames.
_RUNTIME_FILES = ((lambda: None).__code__.co_filename, RUNTIME_FILE, call_in_image.__code__.co_filename)
#: The variable Lambda sets for each invocation (the others are the execution environment's).
TRACE_VARIABLE = "_X_AMZN_TRACE_ID"
#: That variable's key as ``os.environ`` stores it, and what its value is encoded with (``encoded_value``'s).
_TRACE_KEY = encoded({TRACE_VARIABLE: None}).popitem()[0]
_FS_ENCODING = sys.getfilesystemencoding()
#: Held while an in-process init forgets and imports a function's modules (see :meth:`HandlerCode.load`).
_IMPORTS = threading.RLock()
#: Lambda's budget for the init phase, in seconds (it has its own, apart from the function timeout).
INIT_TIMEOUT = 10.0


class HandlerCode:
    """A function's handler in this process: a callable given as it is ("your module, your state"), or a
    Lambda handler name (``app.lambda_handler``, a template's function) initialised afresh by every new
    execution environment, as a new Lambda environment runs the init again.

    A fresh init forgets the handler's module and the modules earlier inits of the function imported, then
    imports the handler with the code folder (and the layers) first on ``sys.path``: module-level state (a
    cached client, a random value) never leaks from one environment, test or gateway into the next, even
    when the test file imported the module itself. Modules that were imported before the function's first
    init (the caller's, installed libraries) are kept: they are the process's.

    :param handler: the callable, the handler name, or a :class:`HandlerSource` (imported by its loader).
    :param task_root: the code folder (first on ``sys.path`` for a handler name).
    :param layers: layer folders, put on ``sys.path`` as Lambda puts ``/opt``'s.
    :param on_init: called after each environment's init with the handler's live module (the one this
        environment calls): where a test patches what a by-name function imported.
    """

    def __init__(
        self,
        handler: Callable[..., Any] | str | HandlerSource,
        task_root: Path | None = None,
        layers: tuple[Path, ...] = (),
        on_init: Callable[[ModuleType], object] | None = None,
    ) -> None:
        self._source = handler if isinstance(handler, HandlerSource) else None
        if isinstance(handler, HandlerSource):
            self.name = handler.name
            task_root = task_root or handler.code_uri
        else:
            self.name = handler if isinstance(handler, str) else _callable_name(handler)
        self._callable = None if isinstance(handler, (str, HandlerSource)) else handler
        self._task_root = task_root
        self._layers = layers
        self._on_init = on_init
        self._lock = threading.Lock()
        self._last: Callable[..., Any] | None = self._callable
        #: The modules the function's inits imported from its own code (task root, layers): what the next
        #: init forgets. Modules that were there before (the caller's, third-party libraries) are kept.
        self._own: set[str] = set()

    @property
    def module_file(self) -> str | None:
        """The file of the handler's module, when it is known."""
        module = sys.modules.get(getattr(self._last, "__module__", "") or "")
        return getattr(module, "__file__", None)

    @property
    def module_name(self) -> str:
        """The name of the handler's module (``app`` for ``app.lambda_handler``)."""
        if self._callable is not None:
            return str(getattr(self._callable, "__module__", "") or "")
        return self.name.rsplit(".", 1)[0].replace("/", ".")

    def load(self) -> Callable[..., Any]:
        """The handler for a new execution environment: the callable as it is, or the handler imported
        afresh; then the ``on_init`` hook runs with its module.

        :raises Exception: what the import (or the hook) raised (:class:`~._bootstrap.RuntimeFaultError`
            for the runtime's own faults: module not found, syntax error, handler missing).
        """
        with self._lock:
            if self._callable is not None:
                handler = self._callable
                module = _module_of(handler, self.module_name) if self._on_init is not None else None
            else:
                with _IMPORTS:  # the module found is this init's, not a concurrent init's of that name
                    handler = self._import()
                    module = _module_of(handler, self.module_name) if self._on_init is not None else None
            self._last = handler
            if self._on_init is not None and module is not None:
                self._on_init(module)
            return handler

    def _import(self) -> Callable[..., Any]:
        entries: list[str] = []
        if self._task_root is not None:
            entries = python_path_entries(self._task_root, list(self._layers))
            if self._source is not None:  # a template's loader puts the code folder first itself
                entries = entries[1:]
        load = self._source.load if self._source is not None else self._load_by_name
        # One init imports at a time in the process: two functions with an ``app.py`` each, initialising
        # on two server threads, would otherwise put their code folders first on sys.path together.
        with _IMPORTS:
            forget_modules(self._own)
            if self._source is None:  # a template's loader makes way itself
                make_way(self.module_name, self._task_root)
            else:
                forget_modules({self.module_name})
            before = set(sys.modules)
            try:
                with first_on_sys_path(entries):
                    return load()
            finally:
                self._own = self._own_modules(set(sys.modules) - before)

    def _load_by_name(self) -> Callable[..., Any]:
        handler: Callable[..., Any] = load_lambda_handler(self.name)
        return handler

    def _own_modules(self, imported: set[str]) -> set[str]:
        """Of the modules an init ``imported``, those of the function: its handler's module and what
        came from its code folder or its layers."""
        module_name = self.module_name
        folders = [root for root in (self._task_root, *self._layers) if root is not None]
        own = set()
        for name in imported:
            path = getattr(sys.modules.get(name), "__file__", None) or ""
            if (
                name == module_name
                or name.startswith(module_name + ".")
                or (path and any(_is_within(path, folder) for folder in folders))
            ):
                own.add(name)
        return own


def _module_of(handler: Callable[..., Any], module_name: str) -> ModuleType:
    """The live module of ``handler``: the one whose globals it reads.

    :raises LookupError: when no module holds the handler's globals (a callable whose module was removed).
    """
    globals_ = getattr(handler, "__globals__", None)
    for name in (getattr(handler, "__module__", None) or "", module_name):
        module = sys.modules.get(name)
        if module is not None and (globals_ is None or module.__dict__ is globals_):
            return module
    raise LookupError(f"on_init: the module of the handler {module_name!r} is not in sys.modules")


def forget_modules(names: set[str] | None = None, *, under: Path | None = None) -> None:
    """Remove modules from ``sys.modules`` (``names``, or those loaded from files ``under`` a folder), so
    that the next import runs their code afresh, as a new Lambda environment would."""
    if under is None:
        for name in names or ():
            sys.modules.pop(name, None)
        return
    for name, loaded in list(sys.modules.items()):
        if (names is not None and name in names) or (
            under is not None and _is_within(getattr(loaded, "__file__", None) or "", under)
        ):
            del sys.modules[name]


def _is_within(path: str, root: Path) -> bool:
    if not path:
        return False
    try:
        return Path(path).resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False


def _callable_name(handler: Callable[..., Any]) -> str:
    module = getattr(handler, "__module__", None) or "handler"
    name = getattr(handler, "__qualname__", None) or getattr(handler, "__name__", None) or "handler"
    return f"{module}.{name}"


def _as_user_error(exc: BaseException, document: dict[str, Any]) -> BaseException:
    """The exception a test sees for a failed init: the module's own exception, or for the runtime's
    faults (module not found, syntax error, handler missing) a :class:`LambdaFunctionError` caused by what
    the import raised."""
    if not isinstance(exc, RuntimeFaultError):
        return exc
    error = LambdaFunctionError(document)
    error.__cause__ = exc.__cause__
    return error


# -- deadlines on the main thread -----------------------------------------------------------------------


class _DeadlineExceededError(BaseException):
    """Raised inside a handler on the main thread when its deadline passes (never seen by callers)."""


#: ``signal.signal`` without its conversion of handlers to enums (about 2 µs a call, twice a call).
_set_handler: Callable[[int, Any], Any] = getattr(getattr(signal, "_signal", signal), "signal", signal.signal)


_HAS_SETITIMER = hasattr(signal, "setitimer")
_SIGALRM: int = getattr(signal, "SIGALRM", 0)
_ITIMER_REAL: int = getattr(signal, "ITIMER_REAL", 0)
_setitimer: Callable[..., tuple[float, float]] = getattr(signal, "setitimer", None) or (lambda *_: (0.0, 0.0))
_get_ident = threading.get_ident
_monotonic = time.monotonic
_perf_counter = time.perf_counter
#: The main thread's id (a forked child's main thread is the one that forked: it is looked at again).
_main_ident = threading.main_thread().ident


def _forked() -> None:
    global _main_ident  # noqa: PLW0603 (the process's one main thread)
    _main_ident = _get_ident()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def _can_use_alarm() -> bool:
    return _HAS_SETITIMER and _get_ident() == _main_ident


#: The calls on the main thread so far: each one's token (never reused, so that what an earlier call
#: left in ``_fired`` never reads as a later call's deadline).
_calls = 0
#: The token of the call the alarm is armed for now (0: none); an inner call restores its outer call's.
_armed = 0
#: The token of the last call whose deadline passed.
_fired = 0


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    """``SIGALRM``'s handler while a call runs on the main thread: the armed call's deadline passed."""
    global _armed, _fired
    if _armed:
        _fired, _armed = _armed, 0
        raise _DeadlineExceededError


def _call_on_main_thread(seconds: float, job: Callable[..., Any], *args: Any) -> tuple[bool, bool, Any]:
    """(finished, succeeded, value or exception) of ``job(*args)`` under a ``SIGALRM`` deadline, restoring
    the signal's handler and any timer set before (pytest-timeout's own, or an outer call's, which goes
    on). One handler for every call (no closure made per call): which call the alarm is for is a token."""
    global _calls, _armed, _fired  # noqa: PLW0603 (the main thread's one alarm)
    _calls = mine = _calls + 1
    outer = _armed
    try:
        previous_handler = _set_handler(_SIGALRM, _on_alarm)
        _armed = mine
        previous_delay, previous_interval = _setitimer(_ITIMER_REAL, seconds)
        started = _monotonic() if previous_delay > 0 else 0.0
        try:
            value = job(*args)
        finally:
            _armed = 0
            _setitimer(_ITIMER_REAL, 0)
            _set_handler(_SIGALRM, previous_handler)
            _armed = outer
            if previous_delay > 0:  # another timer (an outer call's, pytest-timeout's...): let it go on
                remaining = previous_delay - (_monotonic() - started)
                if remaining <= 0 and outer:
                    # The outer call's deadline passed while this one ran: it stops here, where this call
                    # ends, rather than at whatever cleanup an alarm due at once would interrupt.
                    _fired, _armed = outer, 0
                    raise _DeadlineExceededError
                _setitimer(_ITIMER_REAL, max(remaining, 1e-6), previous_interval)
    except _DeadlineExceededError:
        if _fired != mine:  # an outer call's deadline: it goes on to that call
            raise
        return False, False, None
    except BaseException as exc:
        if _fired == mine:
            return False, False, None
        return True, False, exc
    if _fired == mine:  # the handler caught the deadline and returned anyway: Lambda had stopped it
        return False, False, None
    return True, True, value


# -- the environment's own thread, off the main thread ----------------------------------------------------


class _Job:
    """One call handed to an environment thread; its outcome is taken by the caller or abandoned."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.call = call
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._abandoned = False
        self._outcome: tuple[bool, Any] | None = None

    def run(self) -> None:
        try:
            outcome: tuple[bool, Any] = (True, self.call())
        except BaseException as exc:  # handed to the caller, who decides
            outcome = (False, exc)
        with self._lock:
            if not self._abandoned:
                self._outcome = outcome
        self.done.set()

    def wait(self, seconds: float) -> tuple[bool, Any] | None:
        """The (succeeded, value) pair, or None when the deadline passed first (the job is abandoned)."""
        self.done.wait(seconds)
        with self._lock:
            if self._outcome is None:
                self._abandoned = True
            return self._outcome


_thread_numbers = itertools.count(1)


class _EnvironmentThread(threading.Thread):
    """Stands for the runtime's main thread: runs jobs one at a time, with a persistent event loop."""

    def __init__(self, name: str) -> None:
        super().__init__(daemon=True, name=f"apigw-emulator-environment:{name}:{next(_thread_numbers)}")
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.start()

    def run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            while (job := self.jobs.get()) is not None:
                job.run()
        finally:
            asyncio.set_event_loop(None)
            loop.close()


# -- the environment -----------------------------------------------------------------------------------------


class InProcessEnvironment(ExecutionEnvironment):
    """One execution environment of a function, in this process.

    :param code: the function's handler (shared by the function's environments).
    :param function: the function's configuration (timeout, variables...).
    :param region: the region of ``AWS_REGION``.
    """

    def __init__(self, code: HandlerCode, function: FunctionConfig, *, region: str) -> None:
        self.code = code
        self.function = function
        self.region = region
        self.log_stream_name = log_stream_name(function.version)
        self.alive = True
        self._handler: Callable[..., Any] | None = None
        self._thread: _EnvironmentThread | None = None
        self._variables: dict[str, str] | None = None
        self._init_duration: float | None = None
        self._image: EnvironImage | None = None

    def __repr__(self) -> str:
        return f"InProcessEnvironment({self.code.name!r}, alive={self.alive})"

    def variables(self) -> dict[str, str]:
        """The environment variables the function sees (``_X_AMZN_TRACE_ID`` is set per invocation)."""
        if self._variables is None:
            self._variables = lambda_variables(
                self.function,
                region=self.region,
                handler=self.function.handler or self.code.name,
                task_root=task_root_of(self.function, self.code.module_file),
                log_stream=self.log_stream_name,
            )
        return self._variables

    def initialise(self) -> InvokeOutcome | None:
        """Import the handler now (on the calling thread when it is the main thread, else on the
        environment's own thread); None when it succeeded, else the failure."""
        if not self.alive:
            raise RuntimeError("this execution environment was reset; the pool makes a new one")
        if self._handler is not None:
            return None
        return self._initialise(_can_use_alarm())

    def _initialise(self, on_main: bool) -> InvokeOutcome | None:
        started = time.perf_counter()
        succeeded, value = self._run(self._init, on_main, INIT_TIMEOUT)
        init_duration = time.perf_counter() - started
        if succeeded:
            self._init_duration = init_duration
            return None
        if value is None:  # the init overran its budget
            outcome = self._timed_out(init_duration)
            outcome.init_error = True
            return outcome
        self.alive = False  # Lambda runs the init again on the next invocation
        document = exception_document(value, runtime_file=_RUNTIME_FILES)
        return InvokeOutcome(
            "error",
            error=document,
            exception=_as_user_error(value, document),
            init_error=True,
            init_duration=init_duration,
        )

    def invoke(self, request: InvokeRequest) -> InvokeOutcome:
        """Init when cold, then call the handler with the event and context, under the deadline."""
        if not self.alive:
            raise RuntimeError("this execution environment was reset; the pool makes a new one")
        on_main = _HAS_SETITIMER and _get_ident() == _main_ident  # _can_use_alarm(), inlined
        if self._handler is None:
            failure = self._initialise(on_main)
            if failure is not None:
                return failure
        # The init's duration is reported with the first invocation (a warmed-up environment's too).
        init_duration, self._init_duration = self._init_duration, None
        handler = self._handler
        assert handler is not None
        image = self._image
        if image is None:
            image = self._image = EnvironImage(encoded(self.variables()), _TRACE_KEY)
        trace = request.trace_id
        traced = None if trace is None else trace.encode(_FS_ENCODING, "surrogateescape")  # encoded_value
        event, context = request.event, request.context
        started = _perf_counter()
        if not on_main:
            succeeded, value = self._run(
                lambda: call_in_image(image, traced, handler, event, context), False, request.wait
            )
        elif image.enter(traced):  # call_in_image's usual case, inlined: the image swapped in alone
            try:
                finished, succeeded, value = _call_on_main_thread(request.wait, handler, event, context)
            finally:
                image.leave()
            if not finished:
                succeeded, value = False, None
        else:
            finished, succeeded, value = _call_on_main_thread(
                request.wait, call_in_image, image, traced, handler, event, context
            )
            if not finished:
                succeeded, value = False, None
        duration = _perf_counter() - started
        if succeeded:  # by position (kind, result, error, exception, init_error, duration, init_duration)
            return InvokeOutcome("result", value, None, None, False, duration, init_duration)
        if value is None:
            outcome = self._timed_out(duration)
            outcome.init_duration = init_duration
            return outcome
        document = exception_document(value, request.request_id, runtime_file=_RUNTIME_FILES)
        return InvokeOutcome(
            "error", error=document, exception=value, duration=duration, init_duration=init_duration
        )

    def shutdown(self) -> None:
        """End the environment's thread (after the job it runs, if any)."""
        self.alive = False
        if self._thread is not None:
            self._thread.jobs.put(None)
            self._thread = None

    # -- internals ---------------------------------------------------------------------------------------
    def _init(self) -> None:
        with applied(self.variables()):
            self._handler = self.code.load()
        if not callable(self._handler):
            self._handler = None
            raise TypeError(f"the handler {self.code.name!r} is not callable")

    def _run(self, job: Callable[[], Any], on_main: bool, seconds: float) -> tuple[bool, Any]:
        """(True, value) or (False, exception), or (False, None) when the deadline passed."""
        if on_main:
            finished, succeeded, value = _call_on_main_thread(seconds, job)
            return (succeeded, value) if finished else (False, None)
        if self._thread is None:
            self._thread = _EnvironmentThread(self.function.name)
        pending = _Job(job)
        self._thread.jobs.put(pending)
        outcome = pending.wait(seconds)
        if outcome is None:
            thread, self._thread = self._thread, None
            thread.jobs.put(None)  # the thread ends once the overrunning call returns
            return False, None
        return outcome

    def _timed_out(self, duration: float) -> InvokeOutcome:
        self.alive = False
        return InvokeOutcome("timeout", duration=duration)
