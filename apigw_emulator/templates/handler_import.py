"""Importing a function's Python handler from its ``CodeUri``, as the Lambda Python runtime would.

The runtime imports ``Handler``'s module from ``/var/task`` (the unpacked ``CodeUri``) and looks up the
function in it. Here, in a test process that may hold several functions and the project's own imports:

1. a module already imported from the same file is reused (the test and the gateway share it);
2. else, when a ``sys.path`` entry makes the file importable (``function/app.py`` under the project root
   is ``function.app``), it is imported under that name, the one the project's tests use;
3. else it is imported as a submodule of a private package whose ``__path__`` is the code directory,
   named after a hash of that directory, so two functions with an ``app.py`` each never collide.

The code directory is appended to ``sys.path`` (after everything else, so it shadows nothing) so that the
handler's ``import utils`` finds its sibling modules as in ``/var/task``. Sibling modules of two code
directories with the same name do collide in ``sys.modules``; this is the one limitation.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
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
from .errors import TemplateError

if TYPE_CHECKING:
    from .model import Function

__all__ = ["load_python_handler"]

_PYTHON_RUNTIME = re.compile(r"^python3\.\d+$")
_ARCHIVE_SUFFIXES = (".zip", ".jar")
#: The file name AWS gives inline code (``InlineCode``, ``Code.ZipFile``) of a Python function.
_INLINE_MODULE = "index"
#: Code directories this module appended to ``sys.path`` (never used to name a module).
_ADDED_PATHS: set[str] = set()


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
    if not handler:
        raise TemplateError("the function has no Handler (nor Globals.Function.Handler)", where=where)
    module_name, dot, attribute = handler.rpartition(".")
    module_name = module_name.replace("/", ".")
    parts = module_name.split(".") if dot else []
    if not parts or not all(_is_identifier(part) for part in [*parts, attribute]):
        raise TemplateError(
            f"Handler {handler!r} is not '<module>.<function>' (e.g. 'app.lambda_handler')", where=where
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
    _append_to_sys_path(code_dir)
    importlib.invalidate_caches()
    loaded = _module_loaded_from(file)
    if loaded is not None:
        return loaded
    name = _importable_name(file) or f"{_private_package(code_dir)}.{module_name}"
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise import_failure(exc, subject, str(file)) from exc


def _append_to_sys_path(code_dir: Path) -> None:
    entry = str(code_dir)
    if entry not in sys.path:
        sys.path.append(entry)
        _ADDED_PATHS.add(entry)


def _same_file(a: str | os.PathLike[str], b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _module_loaded_from(file: Path) -> types.ModuleType | None:
    for module in list(sys.modules.values()):
        origin = getattr(module, "__file__", None)
        if isinstance(origin, str) and os.path.basename(origin) == file.name and _same_file(origin, file):
            return module
    return None


def _importable_name(file: Path) -> str | None:
    """The dotted name under which ``file`` imports from the project's ``sys.path``, deepest entry first."""
    bases: list[Path] = []
    for entry in sys.path:
        if entry in _ADDED_PATHS:
            continue
        try:
            bases.append(Path(entry or os.getcwd()).resolve())
        except OSError:
            continue
    for base in sorted(set(bases), key=lambda path: len(path.parts), reverse=True):
        name = _dotted_name(file, base)
        if name is not None and _resolves_to(name, file):
            return name
    return None


def _dotted_name(file: Path, base: Path) -> str | None:
    try:
        parts = list(file.relative_to(base).parts)
    except ValueError:
        return None
    parts[-1] = parts[-1].removesuffix(".py")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if parts and all(_is_identifier(part) for part in parts) else None


def _resolves_to(name: str, file: Path) -> bool:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError, AttributeError):
        return False
    return spec is not None and spec.origin is not None and _same_file(spec.origin, file)


def _private_package(code_dir: Path) -> str:
    name = "_apigw_code_" + hashlib.sha256(str(code_dir).encode()).hexdigest()[:12]
    if name not in sys.modules:
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(code_dir)]
        sys.modules[name] = importlib.util.module_from_spec(spec)
    return name


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
    if name not in sys.modules:
        module = types.ModuleType(name)
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
    return sys.modules[name]


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
