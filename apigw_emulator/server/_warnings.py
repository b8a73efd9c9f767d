"""Per-request capture of warnings in a threaded server, without serialising the requests.

``warnings.catch_warnings`` swaps process-wide state (the filters and ``showwarning``): one per thread
would corrupt that state when requests overlap (each restores what it saw on entry), and one lock around
``Gateway.invoke`` would make the handlers of concurrent clients wait for each other. :data:`WARNINGS`
instead, when the first request starts, replaces the filters by one that shows every warning "always"
(what ``catch_warnings`` with ``simplefilter("always")`` does) and ``showwarning`` by its own, which files
each warning under the request of the thread that raised it (a warning from another thread, such as the
handler's worker, goes to the oldest request in flight), and restores the state when the last request ends.

Consequences, documented for users: under pytest's ``filterwarnings = error`` a gateway warning never
becomes an exception in the server; a warning that the *test's* thread raises while a request is in flight
is logged by the server rather than raised there (the state is process-wide).
"""

from __future__ import annotations

import threading
import warnings
from types import TracebackType
from typing import Any, TextIO

__all__ = ["WARNINGS", "WarningRouter"]


#: The filter ``simplefilter("always")`` inserts: every warning shown, each time.
_ALWAYS = ("always", None, Warning, None, 0)


class WarningRouter:
    """Routes the warnings raised while requests are in flight to those requests (one per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sinks: dict[int, list[str]] = {}
        #: The warnings state replaced while requests are in flight (filters, ``showwarning``).
        self._saved: tuple[Any, Any] | None = None

    def capture(self) -> _Capture:
        """A context manager collecting, as ``"Category: message"`` lines, the warnings emitted until
        the block ends by this thread (and by other threads when this is the oldest request)."""
        return _Capture(self)

    def begin(self, sink: list[str], ident: int | None = None) -> None:
        """Collect into ``sink`` the warnings this thread emits until :meth:`end` (and other threads' when
        this is the oldest request): :meth:`capture` without a context manager object (one request, one
        pair of calls). ``ident`` is this thread's :func:`threading.get_ident`, when the caller has it."""
        with self._lock:
            if not self._sinks:
                # What ``catch_warnings()`` and ``simplefilter("always")`` do, in a few assignments (with
                # one client, every request enters and leaves): an "always" filter for every warning is
                # the first one, so that the filters after it never apply.
                self._saved = (warnings.filters, warnings.showwarning)
                warnings.filters = [_ALWAYS]
                warnings._filters_mutated()  # type: ignore[attr-defined]
                warnings.showwarning = self._show
            self._sinks[threading.get_ident() if ident is None else ident] = sink

    def end(self, ident: int | None = None) -> None:
        """End this thread's collection begun by :meth:`begin` (``ident`` as given to it)."""
        with self._lock:
            del self._sinks[threading.get_ident() if ident is None else ident]
            if not self._sinks and self._saved is not None:
                warnings.filters, warnings.showwarning = self._saved
                warnings._filters_mutated()  # type: ignore[attr-defined]
                self._saved = None

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
        self._router.begin(self.caught)
        return self.caught

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._router.end()


#: The process-wide router (the warnings state it manages is process-wide).
WARNINGS = WarningRouter()
