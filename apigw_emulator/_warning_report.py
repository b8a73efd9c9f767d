"""The library's warnings during a test, kept for its report instead of shown or raised.

While :meth:`WarningReport.capturing` is active, a filter shows every
:class:`~apigw_emulator.ApigwEmulatorWarning` "always" (ahead of a project's ``error`` filters) and a
``showwarning`` of its own keeps them; any other warning goes on to whatever showed warnings before (pytest's
recorder), so the project's filters still decide about those. ``pytest.warns``, ``recwarn`` and
``warnings.catch_warnings`` inside the block see the library's warnings first, as before.

The block spans a whole test (setup, call and teardown), nested inside pytest's own warnings capture, so
that the catchers of fixtures such as ``recwarn``, entered in setup and left in teardown, stay properly
nested in it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from .errors import ApigwEmulatorWarning

__all__ = ["WarningReport"]


class WarningReport:
    """The library's warnings of one test, as ``"Category: message"`` lines in the order they came."""

    def __init__(self) -> None:
        #: Every warning caught so far.
        self.caught: list[str] = []

    @contextmanager
    def capturing(self) -> Iterator[WarningReport]:
        """Keep the library's warnings (and only those) until the block ends."""
        with warnings.catch_warnings():
            warnings.filterwarnings("always", category=ApigwEmulatorWarning)
            passed_on = warnings.showwarning

            def show(  # noqa: PLR0917 - the signature of warnings.showwarning
                message: Warning | str,
                category: type[Warning],
                filename: str,
                lineno: int,
                file: TextIO | None = None,
                line: str | None = None,
            ) -> None:
                if issubclass(category, ApigwEmulatorWarning):
                    self.caught.append(f"{category.__name__}: {message}")
                else:
                    passed_on(message, category, filename, lineno, file, line)

            warnings.showwarning = show
            yield self
