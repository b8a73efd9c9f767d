"""Which execution environments a function gets: the one place that turns a gateway's options (the handler,
``isolation``, ``runtime_client``...) into a factory of environments for its pool."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import ConfigurationError
from .in_process import HandlerCode, InProcessEnvironment
from .model import ExecutionEnvironment, FunctionConfig, HandlerSource, Isolation, LogSink, to_stderr

__all__ = ["ON_INIT_IN_PROCESS", "environment_factory", "handler_location"]

#: Why ``on_init`` and worker processes do not go together.
ON_INIT_IN_PROCESS = (
    "on_init runs in this process, with the module the handler runs in: it needs isolation='in-process' "
    "(a worker process has modules of its own)"
)


def handler_location(
    handler: Callable[..., Any] | str | HandlerSource, function: FunctionConfig
) -> tuple[str, Path]:
    """The Lambda handler name and the task root a worker process imports ``handler`` from.

    A name is used as it is, with ``code_uri`` (default: the current directory). A callable must be a
    module-level function of an importable module: ``app.lambda_handler`` of ``<root>/app.py``, or
    ``pkg.app.handler`` of ``<root>/pkg/app.py``, whose root becomes the task root.

    :raises ConfigurationError: for a callable a worker process cannot import by name (a lambda, a
        closure, a method, a function of ``__main__``).
    """
    if isinstance(handler, str):
        return handler, function.code_uri or Path.cwd()
    if isinstance(handler, HandlerSource):
        if handler.code_uri is None:
            raise ConfigurationError(
                f"{handler.name}: the function's code exists only in this process (inline code): it runs "
                "in-process only"
            )
        return handler.name, function.code_uri or handler.code_uri
    module_name = getattr(handler, "__module__", None)
    qualname = getattr(handler, "__qualname__", "")
    module = sys.modules.get(module_name or "")
    file = getattr(module, "__file__", None)
    hint = (
        "isolation='process' imports the handler by name in a worker process: pass its name and folder, "
        "Gateway('app.lambda_handler', code_uri='src/', isolation='process')"
    )
    if not module_name or module_name == "__main__" or file is None:
        raise ConfigurationError(f"{qualname or handler!r} is not in an importable module; {hint}")
    if not qualname.isidentifier() or getattr(module, qualname, None) is not handler:
        raise ConfigurationError(f"{module_name}.{qualname} is not a module-level function; {hint}")
    root = Path(file).resolve().parent
    depth = module_name.count(".") + (1 if Path(file).name == "__init__.py" else 0)
    for _ in range(depth):
        root = root.parent
    return f"{module_name}.{qualname}", function.code_uri or root


def environment_factory(
    handler: Callable[..., Any] | str | HandlerSource,
    function: FunctionConfig,
    *,
    isolation: Isolation,
    region: str,
    account_id: str,
    runtime_client: str = "bootstrap",
    python: str = sys.executable,
    log: LogSink | None = None,
    on_init: Callable[[ModuleType], object] | None = None,
) -> tuple[Callable[[], ExecutionEnvironment], LogSink | None]:
    """A factory of ``function``'s execution environments, and where their pool logs.

    :param on_init: in-process: called with the handler's live module after each environment's init.
    :raises ConfigurationError: when the options cannot work together (see :func:`handler_location`;
        ``on_init`` with worker processes).
    """
    if isolation == "in-process":
        code = HandlerCode(handler, function.code_uri, tuple(function.layers), on_init=on_init)
        return (lambda: InProcessEnvironment(code, function, region=region)), log
    if on_init is not None:
        raise ConfigurationError(ON_INIT_IN_PROCESS)
    from .process import ProcessEnvironment  # noqa: PLC0415 - only process isolation needs it

    name, task_root = handler_location(handler, function)
    sink = log if log is not None else to_stderr

    def make() -> ExecutionEnvironment:
        return ProcessEnvironment(
            function,
            region=region,
            account_id=account_id,
            handler=name,
            task_root=task_root,
            runtime_client=runtime_client,
            python=python,
            log=sink,
        )

    return make, sink
