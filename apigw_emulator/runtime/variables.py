"""The environment variables a Lambda Python runtime sets, and how they combine with the function's own.

Sources: the Lambda developer guide's "Defined runtime environment variables". The reserved ones cannot be
set in a function's configuration (Lambda refuses the deployment: here a :class:`ConfigurationError`);
they are applied after the function's variables. ``TZ``, ``LANG`` and ``PATH`` are defaults a function may
override. Credentials (``AWS_ACCESS_KEY_ID``...) are not invented: whatever the emulator's own
environment holds reaches a worker process, as with SAM CLI.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigurationError
from ..ids import random_bits
from .model import FunctionConfig

__all__ = [
    "RESERVED",
    "applied",
    "check_function_variables",
    "lambda_variables",
    "log_stream_name",
    "task_root_of",
]

#: Keys Lambda reserves: a function's ``Environment.Variables`` cannot set them.
RESERVED = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)

#: Defaults Lambda sets that a function may override.
UNRESERVED_DEFAULTS: Mapping[str, str] = {
    "TZ": ":UTC",
    "LANG": "en_US.UTF-8",
    "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
}

#: What ``LAMBDA_RUNTIME_DIR`` is in the Python runtimes.
RUNTIME_DIR = "/var/runtime"


def check_function_variables(variables: Mapping[str, object]) -> dict[str, str]:
    """The function's own variables as str, or a :class:`ConfigurationError` as Lambda's deployment gives.

    Lambda accepts keys of letters, digits and underscores starting with a letter, string values, and no
    reserved key.
    """
    checked: dict[str, str] = {}
    for key, value in variables.items():
        if key in RESERVED:
            raise ConfigurationError(
                f"environment variable {key!r} is reserved by Lambda and cannot be set by a function"
            )
        if not isinstance(key, str) or not key or not (key[0].isascii() and key[0].isalpha()):
            raise ConfigurationError(f"environment variable name {key!r} must start with a letter")
        if not all(c.isascii() and (c.isalnum() or c == "_") for c in key):
            raise ConfigurationError(
                f"environment variable name {key!r}: only letters, digits and underscores are allowed"
            )
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ConfigurationError(
                f"environment variable {key!r}: the value must be a string, got {type(value).__name__}"
            )
        checked[key] = value if isinstance(value, str) else str(value)
    return checked


def log_stream_name(version: str) -> str:
    """A new CloudWatch log stream name, one per execution environment: ``2026/12/04/[$LATEST]<32 hex>``."""
    return f"{time.strftime('%Y/%m/%d', time.gmtime())}/[{version}]{random_bits(128):032x}"


def task_root_of(function: FunctionConfig, module_file: str | None = None) -> Path:
    """``LAMBDA_TASK_ROOT``: the code folder, else the folder of the handler's module, else the cwd."""
    if function.code_uri is not None:
        return function.code_uri
    if module_file is not None:
        return Path(module_file).resolve().parent
    return Path.cwd()


def lambda_variables(
    function: FunctionConfig,
    *,
    region: str,
    handler: str,
    task_root: Path,
    log_stream: str,
    runtime_api: str | None = None,
) -> dict[str, str]:
    """Every variable the function sees: the defaults, the function's own, then the reserved ones."""
    variables = dict(UNRESERVED_DEFAULTS)
    variables.update(function.environment)
    variables.update(
        {
            "_HANDLER": handler,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": function.version,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": RUNTIME_DIR,
        }
    )
    if runtime_api is not None:
        variables["AWS_LAMBDA_RUNTIME_API"] = runtime_api
    return variables


_environ_lock = threading.Lock()
#: The contexts of :func:`applied` that are active now, oldest first, and what each key was before the
#: first of them set it: contexts on several threads may overlap in any order.
_active: list[tuple[object, Mapping[str, str | None]]] = []
_baseline: dict[str, str | None] = {}


@contextmanager
def applied(variables: Mapping[str, str | None]) -> Iterator[None]:
    """Set ``variables`` in ``os.environ`` (None removes one) and restore what was there afterwards.

    ``os.environ`` is the process's: in-process functions that run at the same time on several threads
    see each other's values (a process environment does not have this limit). Overlapping contexts end in
    any order and still leave ``os.environ`` as it was before the first. ``TZ`` changes also call
    :func:`time.tzset`, so that ``time.localtime()`` follows, as on Lambda.
    """
    token = object()
    with _environ_lock:
        for key in variables:
            if not any(key in layer for _, layer in _active):
                _baseline[key] = os.environ.get(key)
        _active.append((token, variables))
        _set(variables)
    try:
        yield
    finally:
        with _environ_lock:
            _active[:] = [(t, layer) for t, layer in _active if t is not token]
            restored: dict[str, str | None] = {}
            for key in variables:
                for _, layer in reversed(_active):
                    if key in layer:
                        restored[key] = layer[key]
                        break
                else:
                    restored[key] = _baseline.pop(key, None)
            _set(restored)


def _set(variables: Mapping[str, str | None]) -> None:
    for key, value in variables.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if "TZ" in variables and hasattr(time, "tzset"):
        time.tzset()


def python_path_entries(task_root: Path, layers: tuple[Path, ...] | list[Path]) -> list[str]:
    """``sys.path`` as Lambda's Python runtime lays it out: the task root, then for each layer (the last
    one first: later layers win where files collide in ``/opt``) ``python/lib/pythonX.Y/site-packages``
    and ``python/``."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    entries = [str(task_root)]
    for layer in reversed(list(layers)):
        entries.append(str(layer / "python" / "lib" / version / "site-packages"))
        entries.append(str(layer / "python"))
    return entries
