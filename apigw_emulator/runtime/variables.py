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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ..ids import random_bits
from .model import FunctionConfig

if TYPE_CHECKING:  # the image's module (and ctypes) is imported where in-process environments are
    from .environ_image import EnvironImage

__all__ = [
    "RESERVED",
    "applied",
    "call_in_image",
    "check_function_variables",
    "encoded_value",
    "image_applied",
    "lambda_variables",
    "log_stream_name",
    "task_root_of",
    "zone_changed",
    "zone_differs",
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


#: Held while the process's environment changes (reentrant: the end of the last context that overlapped
#: an image's call gives the process its environment back with :meth:`EnvironImage.leave`).
_environ_lock = threading.RLock()
#: The contexts of :func:`applied` and the image calls that are active now, oldest first (their
#: variables encoded as ``os.environ`` stores them), and what each key held before the first of them set
#: it: contexts on several threads may overlap and end in any order. Held with ``_environ_lock``.
_active: list[tuple[object, dict[bytes, bytes | None]]] = []
_baseline: dict[bytes, bytes | None] = {}
#: The image swapped in now (None: none), until the last context that overlapped its call ends.
_swapped: list[EnvironImage | None] = [None]
_TZ = b"TZ"


#: What ``os.environ`` encodes values with (fixed for the process's lifetime).
_FS_ENCODING = sys.getfilesystemencoding()


class _RawEnviron:
    """``os.environ`` at the level it stores itself: encoded keys and values, and the C environment.

    Setting a dozen variables around every call through the ``os.environ`` mapping costs about 100 µs
    (each key and value is encoded and checked on every access); this writes the same two places
    (``putenv`` and the mapping's own store) directly, with values encoded once. Where the mapping does
    not have that shape (another implementation), it goes through the public mapping.
    """

    def __init__(self) -> None:
        environ = os.environ
        encode_key = getattr(environ, "encodekey", None)
        self._direct = (
            isinstance(getattr(environ, "_data", None), dict)
            and encode_key is not None
            and hasattr(os, "unsetenv")
        )
        self.encode = encode_key if self._direct else None

    @property
    def data(self) -> dict[bytes, bytes] | None:
        """The mapping's own store now (an :class:`~.environ_image.EnvironImage`'s while one is in), or
        None where the mapping does not have that shape."""
        return os.environ._data if self._direct else None  # type: ignore[attr-defined]

    def key(self, name: str) -> bytes:
        return self.encode(name) if self.encode is not None else name.encode("utf-8", "surrogateescape")

    @staticmethod
    def value(text: str | None) -> bytes | None:
        return None if text is None else text.encode(_FS_ENCODING, "surrogateescape")

    def get(self, key: bytes) -> bytes | None:
        if self.data is not None:
            return self.data.get(key)
        value = os.environ.get(key.decode("utf-8", "surrogateescape"))
        return self.value(value)

    def set(self, key: bytes, value: bytes | None) -> None:
        if self.data is None:
            name = key.decode("utf-8", "surrogateescape")
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value.decode(sys.getfilesystemencoding(), "surrogateescape")
        elif value is None:
            if key in self.data:
                os.unsetenv(key)
                del self.data[key]
        else:
            os.putenv(key, value)
            self.data[key] = value


_raw = _RawEnviron()


def encoded_value(text: str | None) -> bytes | None:
    """One variable's value as ``os.environ`` stores it (None: absent)."""
    return None if text is None else text.encode(_FS_ENCODING, "surrogateescape")


def encoded(variables: Mapping[str, str | None]) -> dict[bytes, bytes | None]:
    """``variables`` as ``os.environ`` stores them, for :func:`applied` (encode once, apply often)."""
    return {_raw.key(name): _raw.value(value) for name, value in variables.items()}


class applied:  # noqa: N801 - used as a function: ``with applied(variables):``
    """Set ``variables`` in ``os.environ`` (None removes one) and restore what was there afterwards.

    ``variables`` may be :func:`encoded` already. ``os.environ`` is the process's: in-process functions
    that run at the same time on several threads see each other's values (a process environment does not
    have this limit). Overlapping contexts end in any order and still leave ``os.environ`` as it was
    before the first. ``TZ`` changes also call :func:`time.tzset`, so that ``time.localtime()`` follows,
    as on Lambda.

    With an ``image`` (the same variables over the process's environment, prepared once; see
    :mod:`.environ_image`) a context that starts alone swaps the image in instead of setting each
    variable (:meth:`EnvironImage.enter`), and the process's environment is swapped back when the last
    context that overlapped it ends; ``variables`` then hold the image's per-call variable with this
    call's value.
    """

    __slots__ = ("_image", "_variables")

    def __init__(
        self,
        variables: Mapping[str, str | None] | dict[bytes, bytes | None],
        image: EnvironImage | None = None,
    ) -> None:
        first = next(iter(variables), None)
        self._variables: dict[bytes, bytes | None] = (
            variables if isinstance(first, bytes) else encoded(variables)  # type: ignore[arg-type,assignment]
        )
        self._image = image

    def __enter__(self) -> None:
        image = self._image
        if image is not None:
            if image.enter(self._variables.get(image.per_call)):
                return
            self._image = None  # set one by one, over whatever is in now
        variables = self._variables
        with _environ_lock:
            data = _raw.data
            if not _active and data is not None:  # alone (the usual case): one pass per step
                _baseline.clear()
                _baseline.update({key: data.get(key) for key in variables})
            else:
                for key in variables:
                    if key not in _baseline:
                        _baseline[key] = _raw.get(key)
            _active.append((self, variables))
            _set(variables)

    def __exit__(self, *exc_info: object) -> None:
        if self._image is not None:
            self._image.leave()
            return
        with _environ_lock:
            self._restore()
            swapped = _swapped[0]
            if not _active and swapped is not None:  # the last context over an image's call ended
                swapped.leave()

    def _restore(self) -> None:
        variables = self._variables
        if len(_active) == 1 and _active[0][0] is self:  # alone: put the baseline back
            _active.clear()
            baseline = dict(_baseline)
            _baseline.clear()
            _set(baseline)
            return
        _active[:] = [(t, layer) for t, layer in _active if t is not self]
        restored: dict[bytes, bytes | None] = {}
        for key in variables:
            for _, layer in reversed(_active):
                if key in layer:
                    restored[key] = layer[key]
                    break
            else:
                restored[key] = _baseline.pop(key, None)
        _set(restored)


class image_applied(applied):  # noqa: N801 - used as a function, as applied is
    """:class:`applied` of an image's variables with this call's value of its per-call variable (an
    invocation's ``_X_AMZN_TRACE_ID``): what ``applied({**image.variables, image.per_call: value},
    image)`` does, without that merged copy unless the variables are set one by one (the image cannot be
    swapped in: another context is active, or swapping is not supported here)."""

    __slots__ = ("_value",)

    def __init__(self, image: EnvironImage, value: bytes | None) -> None:
        self._image = image
        self._variables = image.variables
        self._value = value

    def __enter__(self) -> None:
        image = self._image
        assert image is not None
        if image.enter(self._value):
            return
        self._variables = {**self._variables, image.per_call: self._value}
        self._image = None
        applied.__enter__(self)


def call_in_image(image: EnvironImage, value: bytes | None, function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` within ``image_applied(image, value)``: the same environment for the call and
    the same restoring after it, without a context object when the image is swapped in alone (the usual
    call: one function's invocation at a time)."""
    if not image.enter(value):
        with image_applied(image, value):
            return function(*args)
    try:
        return function(*args)
    finally:
        image.leave()


#: ``TZ`` values that name UTC: setting one where the local zone already is UTC changes nothing.
_UTC_ZONES = frozenset({b":UTC", b"UTC", b"UTC0", b":Etc/UTC", b"Etc/UTC", b"GMT", b":GMT"})


def _machine_zone_is_utc() -> bool:
    """Whether the zone of an unset ``TZ`` is UTC here (looked at once, before any ``TZ`` is applied)."""
    unset = "TZ" not in os.environ or os.environ["TZ"].encode() in _UTC_ZONES
    return unset and time.timezone == 0 and time.altzone == 0 and not time.daylight


_MACHINE_UTC = _machine_zone_is_utc()


def _is_utc(zone: bytes | None) -> bool:
    return _MACHINE_UTC if zone is None else zone in _UTC_ZONES


def zone_differs(before: bytes | None, after: bytes | None) -> bool:
    """Whether ``TZ`` going from ``before`` to ``after`` (encoded, None: unset) changes the local time zone
    here: not when they are equal or both name UTC, nor where there is no :func:`time.tzset`."""
    return before != after and hasattr(time, "tzset") and not (_is_utc(before) and _is_utc(after))


def zone_changed(before: bytes | None, after: bytes | None) -> None:
    """Call :func:`time.tzset` when ``TZ`` went from ``before`` to ``after`` (encoded, None: unset), so that
    ``time.localtime()`` follows, as on Lambda; not when both name UTC here (tzset costs ~10 µs)."""
    if zone_differs(before, after):
        time.tzset()


def _set(variables: dict[bytes, bytes | None]) -> None:
    zone_before = _raw.get(_TZ) if _TZ in variables else None
    data = _raw.data
    if data is not None:  # the fast path of _RawEnviron.set, inlined: this runs around every call
        putenv, unsetenv = os.putenv, os.unsetenv
        for key, value in variables.items():
            if value is not None:
                putenv(key, value)
                data[key] = value
            elif key in data:
                unsetenv(key)
                del data[key]
    else:
        for key, value in variables.items():
            _raw.set(key, value)
    if _TZ in variables:
        zone_changed(zone_before, variables[_TZ])


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
