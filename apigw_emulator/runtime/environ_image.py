"""A function's whole process environment, prepared once and swapped in around each in-process call.

Setting a dozen variables and restoring them around every call costs a ``setenv``/``unsetenv`` and a
dictionary write each (~25 µs a call, several times the work of a small event). An execution environment
instead keeps an *image*: the process's environment with Lambda's variables over it, both as the C library
holds it (the ``char **environ`` array that ``getenv``, C extensions and child processes read) and as
``os.environ`` stores it (its dict of encoded keys and values). Around a call the two pointers are swapped
(the C library's ``environ`` and the dict behind ``os.environ``/``os.environb``) and swapped back after;
only the per-invocation variable (``_X_AMZN_TRACE_ID``) is written into the image for each call. What the
function, its C code and its subprocesses see is exactly what setting each variable would give.

The image is built again when the process's own environment changed since (a different ``os.environ``
content or C array), or when the function changed its environment during a call (then from what
``os.environ`` held at the end of that call: a function keeps its own changes, as a Lambda environment
does). If the function added a variable, the C library may have moved the process's own array: it is then
rebuilt from the entries saved with the image. Changes another thread makes to the environment while a
function runs in-process are the function's, and end with its call.

Only where the C library exports ``environ`` (Linux: glibc, musl) and ``os.environ`` has CPython's shape;
elsewhere :meth:`EnvironImage.swap_in` returns False and the caller sets each variable instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

from .variables import zone_changed

__all__ = ["EnvironImage", "swapping_supported"]

_TZ = b"TZ"


def _locate_environ() -> ctypes.c_void_p | None:
    """The C library's ``environ`` variable, or None where it cannot be reached from here."""
    if not sys.platform.startswith("linux"):
        return None
    environ = os.environ
    data = getattr(environ, "_data", None)
    environb = getattr(os, "environb", None)
    if not isinstance(data, dict) or getattr(environb, "_data", None) is not data:
        return None
    try:
        return ctypes.c_void_p.in_dll(ctypes.CDLL(None), "environ")
    except (OSError, ValueError, AttributeError):
        return None


_ENVIRON = _locate_environ()
#: The process's own C array when this module had to rebuild it (kept alive while it is the environ).
_host_array: Any = None


def swapping_supported() -> bool:
    """Whether images can be swapped in here (else the variables are set one by one)."""
    return _ENVIRON is not None


def _c_entries(pointer: int) -> list[bytes]:
    """The ``KEY=value`` entries of a C ``environ`` array, up to its NULL."""
    entries: list[bytes] = []
    if not pointer:
        return entries
    array = ctypes.cast(pointer, ctypes.POINTER(ctypes.c_char_p))
    index = 0
    while (entry := array[index]) is not None:
        entries.append(entry)
        index += 1
    return entries


def _set_data(data: dict[bytes, bytes]) -> None:
    os.environ._data = data  # type: ignore[attr-defined]
    os.environb._data = data  # type: ignore[attr-defined]


class EnvironImage:
    """The process's environment with ``variables`` over it, swapped in by :meth:`swap_in` and out by
    :meth:`swap_out` (callers hold one lock around both and never have two images in at once).

    :param variables: encoded as ``os.environ`` stores them (None removes a variable).
    :param per_call: the key whose value changes with each call (``b"_X_AMZN_TRACE_ID"``).
    """

    __slots__ = (
        "_address",
        "_array",
        "_data",
        "_entry",
        "_host_data",
        "_host_entries",
        "_host_pointer",
        "_host_snapshot",
        "_slot",
        "_snapshot",
        "_variables",
        "per_call",
    )

    def __init__(self, variables: dict[bytes, bytes | None], per_call: bytes) -> None:
        self._variables = {key: value for key, value in variables.items() if key != per_call}
        self.per_call = per_call
        self._array: Any = None
        self._address = 0
        self._slot = 0
        self._entry: bytes | None = None
        self._data: dict[bytes, bytes] = {}
        self._snapshot: dict[bytes, bytes] = {}
        self._host_data: dict[bytes, bytes] | None = None
        self._host_snapshot: dict[bytes, bytes] = {}
        self._host_pointer = 0
        self._host_entries: list[bytes] = []

    def swap_in(self, per_call_value: bytes | None) -> bool:
        """Make the image the process's environment, with the per-call variable set to its value (None:
        absent); False where swapping is not supported (nothing changed)."""
        if _ENVIRON is None:
            return False
        host_pointer = _ENVIRON.value or 0
        host_data: dict[bytes, bytes] = os.environ._data  # type: ignore[attr-defined]
        if (
            host_data is not self._host_data
            or host_pointer != self._host_pointer
            or host_data != self._host_snapshot
        ):
            self._build_over_host(host_pointer, host_data)
        elif self._array is None:  # the function changed its environment: keep what it made of it
            self._build_array(
                [key + b"=" + value for key, value in self._data.items() if key != self.per_call]
            )
        key, data = self.per_call, self._data
        if per_call_value is None:
            self._entry = None
            data.pop(key, None)
            self._snapshot.pop(key, None)
        else:
            self._entry = key + b"=" + per_call_value
            data[key] = self._snapshot[key] = per_call_value
        self._array[self._slot] = self._entry
        _ENVIRON.value = self._address
        _set_data(data)
        zone_before, zone_after = host_data.get(_TZ), data.get(_TZ)
        if zone_before != zone_after:  # zone_changed's own first test, without the call
            zone_changed(zone_before, zone_after)
        return True

    def swap_out(self) -> None:
        """Give the process its own environment back (after :meth:`swap_in` returned True)."""
        assert _ENVIRON is not None
        assert self._host_data is not None
        data = self._data
        moved = (_ENVIRON.value or 0) != self._address
        if moved:
            # The function added a variable: the C library grew its own last array, which may have been
            # the process's, into a new one. The process's array is made again from its saved entries.
            global _host_array  # noqa: PLW0603 (the one process environment)
            _host_array = (ctypes.c_char_p * (len(self._host_entries) + 1))(*self._host_entries)
            self._host_pointer = ctypes.addressof(_host_array)
        _ENVIRON.value = self._host_pointer
        _set_data(self._host_data)
        # The function changed its environment during the call (through os.environ, or in C: an unsetenv
        # moves the entries after the one it removes, the per-call one among them).
        if moved or data != self._snapshot or self._array[self._slot] != self._entry:
            self._array = None
            self._snapshot = dict(data)
        zone_before, zone_after = data.get(_TZ), self._host_data.get(_TZ)
        if zone_before != zone_after:
            zone_changed(zone_before, zone_after)

    def _build_over_host(self, host_pointer: int, host_data: dict[bytes, bytes]) -> None:
        """The image anew: the process's C entries and ``os.environ`` with the variables over them."""
        self._host_data, self._host_pointer = host_data, host_pointer
        self._host_snapshot = dict(host_data)
        self._host_entries = _c_entries(host_pointer)
        variables, per_call = self._variables, self.per_call
        entries = [
            entry
            for entry in self._host_entries
            if (name := entry.partition(b"=")[0]) not in variables and name != per_call
        ]
        entries.extend(key + b"=" + value for key, value in variables.items() if value is not None)
        self._build_array(entries)
        data = dict(host_data)
        for key, value in variables.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        self._data = data
        self._snapshot = dict(data)

    def _build_array(self, entries: list[bytes]) -> None:
        """The C array of ``entries``, then the per-call slot, then the NULL that ends it."""
        self._array = (ctypes.c_char_p * (len(entries) + 2))(*entries)
        self._address = ctypes.addressof(self._array)
        self._slot = len(entries)
