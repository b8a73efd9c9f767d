"""Per-request capture of warnings in a threaded server, without serialising the requests.

``warnings.catch_warnings`` swaps process-wide state (the filters and ``showwarning``): one per thread
would corrupt that state when requests overlap (each restores what it saw on entry), and one lock around
``Gateway.invoke`` would make the handlers of concurrent clients wait for each other. :data:`WARNINGS`
instead enters a single ``catch_warnings`` when the first request starts, shows every warning "always"
through its own ``showwarning``, which files it under the request of the thread that raised it (a warning
from another thread, such as the handler's worker, goes to the oldest request in flight), and restores
the state when the last request ends.

Consequences, documented for users: under pytest's ``filterwarnings = error`` a gateway warning never
becomes an exception in the server; a warning that the *test's* thread raises while a request is in flight
is logged by the server rather than raised there (the state is process-wide).
"""

from __future__ import annotations

import threading
import warnings
from types import TracebackType
from typing import TextIO

__all__ = ["WARNINGS", "WarningRouter"]


class WarningRouter:
    """Routes the warnings raised while requests are in flight to those requests (one per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sinks: dict[int, list[str]] = {}
        self._catcher: warnings.catch_warnings[None] | None = None

    def capture(self) -> _Capture:
        """A context manager collecting, as ``"Category: message"`` lines, the warnings emitted until
        the block ends by this thread (and by other threads when this is the oldest request)."""
        return _Capture(self)

    def _enter(self, sink: list[str]) -> None:
        with self._lock:
            if not self._sinks:
                catcher: warnings.catch_warnings[None] = warnings.catch_warnings()
                catcher.__enter__()
                warnings.simplefilter("always")
                warnings.showwarning = self._show
                self._catcher = catcher
            self._sinks[threading.get_ident()] = sink

    def _exit(self) -> None:
        with self._lock:
            del self._sinks[threading.get_ident()]
            if not self._sinks and self._catcher is not None:
                self._catcher.__exit__(None, None, None)
                self._catcher = None

    def _show(  # noqa: PLR0917 - the signature of warnings.showwarning
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        with self._lock:
            sink = self._sinks.get(threading.get_ident())
            if sink is None:
                sink = next(iter(self._sinks.values()), None)
            if sink is not None:
                sink.append(f"{category.__name__}: {message}")


class _Capture:
    def __init__(self, router: WarningRouter) -> None:
        self._router = router
        self.caught: list[str] = []

    def __enter__(self) -> list[str]:
        self._router._enter(self.caught)
        return self.caught

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._router._exit()


#: The process-wide router (the warnings state it manages is process-wide).
WARNINGS = WarningRouter()
