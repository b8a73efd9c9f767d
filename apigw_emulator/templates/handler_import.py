"""Importing a function's Python handler from its ``CodeUri``, as the Lambda Python runtime imports it.

The runtime imports ``Handler``'s module by its name (``app`` for ``app.lambda_handler``, ``pkg.app`` for
``pkg/app.lambda_handler``, ``lambda-handler`` for ``lambda-handler.handler``: a file name need not be a
Python identifier) with ``/var/task``, the unpacked ``CodeUri``, first on ``sys.path``, and looks the
function up in it. Here, in a test process that may hold several functions and the project's own imports:

- the code folder is put first on ``sys.path`` for the import (then it stays, after everything else, so
  that the handler's later ``import utils`` finds its sibling modules as in ``/var/task``);
- every import is an init: the handler's module is imported afresh, never reused from ``sys.modules``
  (the test's own ``import app`` is the test's; the function gets its own, as a new Lambda environment
  does), and a package of that name loaded from elsewhere gives way to the code folder's;
- nothing outside the code folder is imported to find it (no parent package of the project is searched).

Two functions whose modules share a name (two ``app.py``) each get theirs, imported afresh at each init;
sibling modules of two code folders with the same name do collide in ``sys.modules``.
"""

from __future__ import annotations

import hashlib
import importlib
import keyword
import os
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._import_failure import import_failure
from .._spelling import own_handler
from ..runtime.imports import first_on_sys_path, make_way
from .errors import TemplateError

if TYPE_CHECKING:
    from .model import Function

__all__ = ["load_python_handler"]

_PYTHON_RUNTIME = re.compile(r"^python3\.\d+$")
_ARCHIVE_SUFFIXES = (".zip", ".jar")
#: The file name AWS gives inline code (``InlineCode``, ``Code.ZipFile``) of a Python function.
_INLINE_MODULE = "index"


def load_python_handler(function: Function) -> Callable[..., Any]:
    """Import ``function``'s handler (see the module docstring for the strategy).

    :raises TemplateError: for an image function, a missing or non-Python runtime, a malformed
        ``Handler``, code in S3 or an archive, a missing module or attribute.
    """
    where = f"Resources.{function.logical_id}.Properties"
    _check_python(function, where)
    module_name, attribute = _split_handler(function.handler, f"{where}.Handler")
    if function.inline_code is not None:
        module = _inline_module(function, module_name, where)
    else:
        code_dir = code_dir_of(function, f"{where}.CodeUri")
        subject = f"function {function.logical_id} (Handler {function.handler})"
        module = _import_from(code_dir, module_name, f"{where}.Handler", subject)
    return _handler_attribute(module, attribute, function, f"{where}.Handler")


def check_python_handler(function: Function) -> None:
    """What can be checked of ``function``'s handler without importing it: a Python runtime, a well-formed
    ``Handler``, a local code folder.

    :raises TemplateError: as :func:`load_python_handler` does for these.
    """
    where = f"Resources.{function.logical_id}.Properties"
    _check_python(function, where)
    _split_handler(function.handler, f"{where}.Handler")
    if function.inline_code is None:
        code_dir_of(function, f"{where}.CodeUri")


def _check_python(function: Function, where: str) -> None:
    if function.package_type.lower() == "image":
        raise TemplateError(
            f"function {function.logical_id} is a container image (PackageType: Image): its handler "
            f"cannot be imported; {own_handler()}",
            where=f"{where}.PackageType",
        )
    if function.runtime is None:
        raise TemplateError(
            f"function {function.logical_id} has no Runtime (nor Globals.Function.Runtime)",
            where=f"{where}.Runtime",
        )
    if not _PYTHON_RUNTIME.match(function.runtime):
        raise TemplateError(
            f"function {function.logical_id} has runtime {function.runtime!r}: only python3.x handlers can "
            f"be imported; {own_handler()}",
            where=f"{where}.Runtime",
        )


def _split_handler(handler: str | None, where: str) -> tuple[str, str]:
    """(module name, function name) as the runtime splits ``Handler``: at the last dot, the module's
    ``/`` read as ``.``; a module's file name need not be an identifier (``lambda-handler.handler``)."""
    if not handler:
        raise TemplateError("the function has no Handler (nor Globals.Function.Handler)", where=where)
    module_name, dot, attribute = handler.rpartition(".")
    module_name = module_name.replace("/", ".")
    parts = module_name.split(".") if dot else []
    if (
        not parts
        or not all(part and not any(c.isspace() or c in "\\:" for c in part) for part in parts)
        or not _is_identifier(attribute)
    ):
        raise TemplateError(
            f"Handler {handler!r} is not '<module>.<function>' (e.g. 'app.lambda_handler')", where=where
        )
    if parts[0] in sys.builtin_module_names:
        raise TemplateError(
            f"Handler {handler!r}: {parts[0]!r} is a built-in module of Python: the runtime refuses it "
            "as a handler module; rename your module",
            where=where,
        )
    return module_name, attribute


def _is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def code_dir_of(function: Function, where: str) -> Path:
    """The local folder of ``function``'s ``CodeUri`` (see :meth:`Function.code_dir`)."""
    uri = function.code_uri
    if uri is None:
        return function.template_dir.resolve()
    if uri.startswith("s3://"):
        raise TemplateError(
            f"the code of {function.logical_id} is in S3 ({uri}) and cannot be imported: point CodeUri to "
            "the local source directory",
            where=where,
        )
    code_dir = (function.template_dir / uri).resolve()
    if code_dir.suffix.lower() in _ARCHIVE_SUFFIXES and code_dir.is_file():
        raise TemplateError(
            f"the code of {function.logical_id} is an archive ({uri}): point CodeUri to the source directory",
            where=where,
        )
    if not code_dir.is_dir():
        raise TemplateError(f"CodeUri directory not found: {code_dir}", where=where)
    return code_dir


def _module_file(code_dir: Path, module_name: str) -> Path | None:
    *packages, last = module_name.split(".")
    for candidate in (
        code_dir.joinpath(*packages, f"{last}.py"),
        code_dir.joinpath(*packages, last, "__init__.py"),
    ):
        if candidate.is_file():
            return candidate.resolve()
    return None


def _import_from(code_dir: Path, module_name: str, where: str, subject: str) -> types.ModuleType:
    file = _module_file(code_dir, module_name)
    if file is None:
        expected = Path(*module_name.split(".")).with_suffix(".py")
        raise TemplateError(
            f"handler module {module_name!r} not found: no {code_dir / expected}", where=where
        )
    _make_way(code_dir, module_name, where)
    with first_on_sys_path([str(code_dir)]):
        importlib.invalidate_caches()
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            raise import_failure(exc, subject, str(file)) from exc
    origin = getattr(module, "__file__", None)
    if not isinstance(origin, str) or not _same_file(origin, file):  # another package on the path won
        raise TemplateError(
            f"handler module {module_name!r} was imported from {origin}, not from {file}", where=where
        )
    return module


def _make_way(code_dir: Path, module_name: str, where: str) -> None:
    """Forget what would stand in the way of the code folder's module (see
    :func:`~apigw_emulator.runtime.imports.make_way`); a standard-library or installed module of that name
    is an error: the runtime would import that one."""
    kept = make_way(module_name, code_dir)
    if kept:
        raise TemplateError(
            f"handler module {module_name!r}: {kept[0]!r} is a module of the standard library or of an "
            "installed package, already imported: the runtime would use that one; rename your module",
            where=where,
        )


def _same_file(a: str | os.PathLike[str], b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _inline_module(function: Function, module_name: str, where: str) -> types.ModuleType:
    if module_name != _INLINE_MODULE:
        raise TemplateError(
            f"inline code is saved as {_INLINE_MODULE}.py: the Handler must be "
            f"'{_INLINE_MODULE}.<function>', not {function.handler!r}",
            where=f"{where}.Handler",
        )
    source = function.inline_code or ""
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    name = f"_apigw_inline_{function.logical_id}_{digest}"
    module = types.ModuleType(name)  # every init runs the code afresh
    module.__file__ = f"<inline code of {function.logical_id}>"
    sys.modules[name] = module
    try:
        exec(compile(source, module.__file__, "exec"), module.__dict__)
    except Exception as exc:
        del sys.modules[name]
        subject = f"function {function.logical_id} (inline code)"
        raise import_failure(exc, subject, module.__file__) from exc
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _handler_attribute(
    module: types.ModuleType, attribute: str, function: Function, where: str
) -> Callable[..., Any]:
    handler = getattr(module, attribute, None)
    if handler is None:
        raise TemplateError(
            f"handler {function.handler!r}: module {module.__name__} ({module.__file__}) "
            f"has no {attribute!r}",
            where=where,
        )
    if not callable(handler):
        raise TemplateError(
            f"handler {function.handler!r}: {attribute!r} is not callable ({type(handler).__name__})",
            where=where,
        )
    return handler  # type: ignore[no-any-return]
