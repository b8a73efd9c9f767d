"""Finding a Lambda handler from the strings people write: ``app.lambda_handler`` (SAM's ``Handler``
with a ``CodeUri`` folder), ``package.module:function`` or ``path/to/file.py:function``."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from ._import_failure import import_failure
from ._spelling import option
from .errors import ConfigurationError

__all__ = ["HandlerRef", "load_handler"]


class HandlerRef:
    """A handler string resolved to its module, so the module can be re-imported when its code changes.

    :param spec: ``module:function``, ``file.py:function`` or SAM's ``module.function``.
    :param code_uri: the folder the module lives in (SAM's ``CodeUri``); it is put first on ``sys.path``
        (for ``file.py:function``, the file's folder is).
    """

    def __init__(self, spec: str, code_uri: str | Path | None = None) -> None:
        self.spec = spec
        self.code_uri = Path(code_uri).resolve() if code_uri is not None else None
        self.module_name, self.function_name, self.file = _split(spec)

    def __repr__(self) -> str:
        return f"HandlerRef({self.spec!r}, code_uri={str(self.code_uri) if self.code_uri else None!r})"

    def source_files(self) -> list[Path]:
        """The files whose changes should trigger a reload: the handler's module file."""
        module = sys.modules.get(self.module_name)
        path = getattr(module, "__file__", None) if module is not None else self.file
        return [Path(path)] if path else []

    def load(self, *, reload: bool = False) -> Callable[..., Any]:
        """Import the module (again, with ``reload=True``) and return the handler function.

        :raises ConfigurationError: naming what is missing (module, function, not callable).
        """
        module = self._import(reload=reload)
        handler = getattr(module, self.function_name, None)
        if handler is None:
            raise ConfigurationError(f"{self.spec}: module {module.__name__!r} has no {self.function_name!r}")
        if not callable(handler):
            raise ConfigurationError(f"{self.spec}: {self.function_name!r} is not callable")
        return handler  # type: ignore[no-any-return]

    def _import(self, *, reload: bool) -> ModuleType:
        if self.file is not None:
            try:
                return _import_file(self.module_name, self.file)
            except Exception as exc:
                raise import_failure(exc, f"handler {self.spec}", str(self.file)) from exc
        if self.code_uri is not None:
            if not self.code_uri.is_dir():
                raise ConfigurationError(
                    f"{self.spec}: the code directory {self.code_uri} does not exist: give the folder that "
                    f"holds {self.module_name.replace('.', '/')}.py ({option('code_uri')})"
                )
            if str(self.code_uri) not in sys.path:
                sys.path.insert(0, str(self.code_uri))
        try:
            module = sys.modules.get(self.module_name) if reload else None
            if module is not None:
                return importlib.reload(module)
            return importlib.import_module(self.module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and not _is_prefix(exc.name, self.module_name):
                raise import_failure(exc, f"handler {self.spec}", self.module_name) from exc
            where = f" in {self.code_uri}" if self.code_uri else f" (give its folder: {option('code_uri')})"
            raise ConfigurationError(
                f"{self.spec}: cannot import {self.module_name!r}{where}: {exc}"
            ) from exc
        except Exception as exc:
            raise import_failure(exc, f"handler {self.spec}", self.module_name) from exc


def _is_prefix(name: str, module: str) -> bool:
    """Whether ``name`` is ``module`` or one of its parent packages."""
    return module == name or module.startswith(name + ".")


def _split(spec: str) -> tuple[str, str, Path | None]:
    if not isinstance(spec, str) or not spec.strip():
        raise ConfigurationError("a handler is 'module.function', 'module:function' or 'file.py:function'")
    spec = spec.strip()
    if ":" in spec:
        left, _, function = spec.rpartition(":")
        if left.endswith(".py"):
            path = Path(left).resolve()
            if not path.is_file():
                raise ConfigurationError(f"{spec}: no such file {path}")
            return f"_apigw_handler_{path.stem}_{abs(hash(str(path)))}", function, path
        return left, function, None
    module, dot, function = spec.rpartition(".")
    if not dot or not module or not function:
        raise ConfigurationError(
            f"handler {spec!r}: expected 'module.function', as in SAM's Handler property"
        )
    return module, function, None


def _import_file(name: str, path: Path) -> ModuleType:
    # The file's folder is its code directory, as CodeUri is for SAM: its sibling modules import.
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    specification = importlib.util.spec_from_file_location(name, path)
    if specification is None or specification.loader is None:  # pragma: no cover - .py files always load
        raise ConfigurationError(f"cannot load {path}")
    module = importlib.util.module_from_spec(specification)
    sys.modules[name] = module
    specification.loader.exec_module(module)
    return module


def load_handler(spec: str, code_uri: str | Path | None = None) -> Callable[..., Any]:
    """The handler function named by ``spec`` (see :class:`HandlerRef`)."""
    return HandlerRef(spec, code_uri).load()
