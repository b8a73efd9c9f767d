"""Finding a handler's module in this process as Lambda's runtime finds it in ``/var/task``.

Lambda's runtime imports the handler's module by name with the task root first on ``sys.path``: nothing
outside the code folder (and the layers) can stand in for it. In a test process that holds the project's
own modules and other functions', :func:`first_on_sys_path` puts the code folder first for the init, and
:func:`make_way` forgets the modules that would stand in its way: the handler's module (every init
imports it afresh) and any package on its dotted path loaded from outside the code folder.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import sysconfig
import types
from collections.abc import Iterator
from pathlib import Path

__all__ = ["first_on_sys_path", "installed", "make_way", "within"]


@contextlib.contextmanager
def first_on_sys_path(entries: list[str]) -> Iterator[None]:
    """``entries`` first on ``sys.path`` (as Lambda's runtime has its task root and layers) while the
    block runs; then they stay, after everything else, so that what the handler imports later is found
    without shadowing the caller's own modules."""
    if not entries:
        yield
        return
    sys.path[:0] = entries
    try:
        yield
    finally:
        for entry in entries:
            with contextlib.suppress(ValueError):
                sys.path.remove(entry)
            if entry not in sys.path:
                sys.path.append(entry)


def make_way(module_name: str, code_dir: Path | None) -> list[str]:
    """Forget ``module_name`` and, with a ``code_dir``, any package on its dotted path that was loaded from
    outside it, so that the import finds the code folder's; returns the names left in place because they
    are built in or come from the standard library or site-packages (the runtime's own would win there).
    """
    kept = []
    parts = module_name.split(".")
    for depth in range(1, len(parts) + 1):
        name = ".".join(parts[:depth])
        loaded = sys.modules.get(name)
        if loaded is None:
            continue
        leaf = depth == len(parts)
        if code_dir is not None and within(loaded, code_dir):  # the function's own
            if leaf:
                del sys.modules[name]
            continue
        if not leaf and code_dir is None:
            continue
        if installed(loaded):
            kept.append(name)
            continue
        del sys.modules[name]
    return kept


def within(module: types.ModuleType, folder: Path) -> bool:
    """Whether ``module`` (its file, or a package's folders) lies in ``folder``."""
    paths = [getattr(module, "__file__", None), *list(getattr(module, "__path__", None) or [])]
    prefix = os.path.join(str(folder), "")
    if any(isinstance(path, str) and path.startswith(prefix) for path in paths):
        return True  # the common case, without resolving links
    for path in paths:
        if isinstance(path, str) and path:
            try:
                if Path(path).resolve().is_relative_to(folder.resolve()):
                    return True
            except (OSError, ValueError):
                continue
    return False


def installed(module: types.ModuleType) -> bool:
    """Whether ``module`` is built in, or comes from the standard library or site-packages."""
    origin = getattr(module, "__file__", None)
    if not isinstance(origin, str):
        return getattr(module, "__path__", None) is None  # built in (a namespace package has a path)
    return any(within(module, root) for root in _library_roots())


@functools.cache
def _library_roots() -> tuple[Path, ...]:
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    paths = sysconfig.get_paths()
    return tuple(sorted({Path(path).resolve() for name in names if (path := paths.get(name))}))
