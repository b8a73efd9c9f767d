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
does). Both are known without comparing the environments: the dict behind ``os.environ`` (the process's,
and each image's) is a :class:`TrackedData`, which counts the changes made to it; every way
``os.environ`` and ``os.environb`` change their store goes through the methods it counts in. (A change
made with ``os.putenv`` or in C between calls, which ``os.environ`` does not see either, is not looked
for.) If the function added a variable, the C library may have moved the process's own array: it is
then rebuilt from the entries saved with the image. Changes another thread makes to the environment while a
function runs in-process are the function's, and end with its call.

Only where the C library exports ``environ`` (Linux: glibc, musl) and ``os.environ`` has CPython's shape;
elsewhere :meth:`EnvironImage.enter` returns False and the caller sets each variable instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

from .variables import _active, _baseline, _environ_lock, _swapped, zone_changed, zone_differs

__all__ = ["EnvironImage", "TrackedData", "swapping_supported"]

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


#: A dict's own item assignment (a :class:`TrackedData`'s counts: this one does not).
_dict_setitem = dict.__setitem__


def _set_data(data: dict[bytes, bytes]) -> None:
    os.environ._data = data  # type: ignore[attr-defined]
    os.environb._data = data  # type: ignore[attr-defined]


class TrackedData(dict[bytes, bytes]):
    """The store of ``os.environ``, which counts the changes made to it in :attr:`changes`: whether the
    environment changed since an image was made is then one comparison, not a comparison of every entry.

    Every method of a dict that changes it counts (``os.environ`` uses ``__setitem__`` and ``__delitem__``;
    the rest are here for code that writes the store directly).
    """

    __slots__ = ("changes",)

    def __init__(self, data: dict[bytes, bytes]) -> None:
        super().__init__(data)
        self.changes = 0

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.changes += 1
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: bytes) -> None:
        self.changes += 1
        dict.__delitem__(self, key)

    def pop(self, *args: Any) -> Any:
        self.changes += 1
        return dict.pop(self, *args)

    def popitem(self) -> tuple[bytes, bytes]:
        self.changes += 1
        return dict.popitem(self)

    def clear(self) -> None:
        self.changes += 1
        dict.clear(self)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.changes += 1
        dict.update(self, *args, **kwargs)

    def setdefault(self, key: bytes, default: bytes = b"") -> bytes:
        self.changes += 1
        return dict.setdefault(self, key, default)

    def __ior__(self, other: Any) -> TrackedData:  # type: ignore[override,misc]
        self.changes += 1
        dict.update(self, other)
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # a copy of it is a plain dict
        return (dict, (dict(self),))


def _tracked_host_data() -> TrackedData:
    """The process's store of ``os.environ``, made a :class:`TrackedData` (same entries) if it is not one."""
    data = os.environ._data  # type: ignore[attr-defined]
    if data.__class__ is TrackedData:
        return data
    tracked = TrackedData(data)
    _set_data(tracked)
    return tracked


class EnvironImage:
    """The process's environment with ``variables`` over it, swapped in for a call by :meth:`enter` and
    out by :meth:`leave`, each one call under the lock of :mod:`.variables`' contexts (never two images
    in at once).

    The per-call variable's entry is written into a buffer of the image's own, which the C array's last
    entry points to: a call writes its bytes there, and the C library's own changes to that entry (or the
    entries moving: an ``unsetenv``) show as the array's pointer no longer being the buffer's.

    :param variables: encoded as ``os.environ`` stores them (None removes a variable).
    :param per_call: the key whose value changes with each call (``b"_X_AMZN_TRACE_ID"``).
    :ivar variables: ``variables`` without the per-call one.
    """

    __slots__ = (
        "_address",
        "_array",
        "_buffer",
        "_buffer_address",
        "_capacity",
        "_changes",
        "_data",
        "_host_changes",
        "_host_data",
        "_host_entries",
        "_host_pointer",
        "_layer",
        "_pointers",
        "_prefix",
        "_slot",
        "_slot_pointer",
        "_zones_differ",
        "per_call",
        "variables",
    )

    def __init__(self, variables: dict[bytes, bytes | None], per_call: bytes) -> None:
        self.variables = {key: value for key, value in variables.items() if key != per_call}
        self.per_call = per_call
        #: The image's entry in the active layers of :mod:`.variables` while it is swapped in (made once):
        #: its variables without the per-call one, so that a context overlapping a call and setting that
        #: one restores the value it found, which is the call's.
        self._layer: tuple[object, dict[bytes, bytes | None]] = (self, self.variables)
        self._array: Any = None
        #: The same array read as addresses (no bytes object made to look at an entry).
        self._pointers: Any = None
        self._address = 0
        self._slot = 0
        self._buffer = ctypes.create_string_buffer(256)
        self._capacity = 256
        #: The per-call variable's entry up to its value (``KEY=``).
        self._prefix = per_call + b"="
        self._buffer_address = ctypes.addressof(self._buffer)
        #: What the per-call slot points to after a swap in (the buffer's address, or None: absent).
        self._slot_pointer: int | None = None
        self._data = TrackedData({})
        #: The image's count of changes when it was swapped in (the per-call variable written).
        self._changes = 0
        #: The process's store the image was made over (none yet: a store of no one's).
        self._host_data = TrackedData({})
        #: The process's count of changes when the image was made over it (-1: never made).
        self._host_changes = -1
        self._host_pointer: int | None = None
        self._host_entries: list[bytes] = []
        #: Whether ``TZ`` differs between the process and the image so that the local time zone changes
        #: (then swaps call ``time.tzset``).
        self._zones_differ = False

    def enter(self, per_call_value: bytes | None) -> bool:
        """Make the image the process's environment for one call, with the per-call variable set to its
        value (None: absent), when no other context of :mod:`.variables` is active; False (nothing
        changed) when one is, or where swapping is not supported: the caller then sets the variables one
        by one. The image's variables are then the active layer of the process's environment until
        :meth:`leave`."""
        environ = _ENVIRON
        if environ is None:
            return False
        _environ_lock.acquire()  # not ``with``: its special-method calls cost as much as the lock itself
        try:
            if _active:
                return False
            host_pointer = environ.value
            host_data: Any = os.environ._data  # type: ignore[attr-defined]
            if (
                host_data is not self._host_data
                or host_data.changes != self._host_changes
                or host_pointer != self._host_pointer
            ):
                self._build_over_host(host_pointer, _tracked_host_data())
            elif self._array is None:  # the function changed its environment: keep what it made of it
                self._build_array(
                    [key + b"=" + value for key, value in self._data.items() if key != self.per_call]
                )
            data = self._data
            if per_call_value is None:
                dict.pop(data, self.per_call, None)
                pointer = None
            else:
                entry = self._prefix + per_call_value
                if len(entry) >= self._capacity:
                    self._buffer = ctypes.create_string_buffer(len(entry) * 2)
                    self._buffer_address = ctypes.addressof(self._buffer)
                    self._capacity = len(entry) * 2
                self._buffer.value = entry
                _dict_setitem(data, self.per_call, per_call_value)  # not counted: the image's own write
                pointer = self._buffer_address
            if pointer != self._slot_pointer:  # else the slot holds it still (leave checked it)
                self._pointers[self._slot] = self._slot_pointer = pointer
            self._changes = data.changes
            environ.value = self._address
            os.environ._data = os.environb._data = data  # type: ignore[attr-defined]
            if self._zones_differ:
                zone_changed(self._host_data.get(_TZ), data.get(_TZ))
            _swapped[0] = self
            _active.append(self._layer)
            return True
        finally:
            _environ_lock.release()

    def leave(self) -> None:
        """The call :meth:`enter` began has ended: the process gets its own environment back, or, when
        contexts that overlapped the call are still active, when the last of them ends."""
        _environ_lock.acquire()
        try:
            if len(_active) == 1 and _active[0] is self._layer:  # alone: the usual case
                _active.clear()
            elif _active:
                _active[:] = [pair for pair in _active if pair[0] is not self]
                if _active:
                    return
            _swapped[0] = None
            if _baseline:  # what contexts that overlapped the call found (in the image): no longer so
                _baseline.clear()
            environ = _ENVIRON
            host_data = self._host_data
            assert environ is not None
            data = self._data
            moved = environ.value != self._address
            if moved:
                # The function added a variable: the C library grew its own last array, which may have
                # been the process's, into a new one. The process's array is made again from its saved
                # entries.
                global _host_array  # noqa: PLW0603 (the one process environment)
                _host_array = (ctypes.c_char_p * (len(self._host_entries) + 1))(*self._host_entries)
                self._host_pointer = ctypes.addressof(_host_array)
            environ.value = self._host_pointer
            os.environ._data = os.environb._data = host_data  # type: ignore[attr-defined]
            # The function changed its environment during the call (through os.environ, or in C: a
            # setenv of the per-call variable, an unsetenv that moves the entries after the one it
            # removes).
            changed = (
                moved or data.changes != self._changes or self._pointers[self._slot] != self._slot_pointer
            )
            if changed:
                self._array = None
                self._zones_differ = zone_differs(data.get(_TZ), host_data.get(_TZ))
            if self._zones_differ or changed:
                zone_changed(data.get(_TZ), host_data.get(_TZ))
        finally:
            _environ_lock.release()

    def _build_over_host(self, host_pointer: int | None, host_data: TrackedData) -> None:
        """The image anew: the process's C entries and ``os.environ`` with the variables over them."""
        self._host_data, self._host_pointer = host_data, host_pointer
        self._host_changes = host_data.changes
        self._host_entries = _c_entries(host_pointer or 0)
        variables, per_call = self.variables, self.per_call
        entries = [
            entry
            for entry in self._host_entries
            if (name := entry.partition(b"=")[0]) not in variables and name != per_call
        ]
        entries.extend(key + b"=" + value for key, value in variables.items() if value is not None)
        self._build_array(entries)
        data = TrackedData(host_data)
        for key, value in variables.items():
            if value is None:
                dict.pop(data, key, None)
            else:
                dict.__setitem__(data, key, value)
        self._data = data
        self._zones_differ = zone_differs(data.get(_TZ), host_data.get(_TZ))

    def _build_array(self, entries: list[bytes]) -> None:
        """The C array of ``entries``, then the per-call slot, then the NULL that ends it."""
        size = len(entries) + 2
        self._array = (ctypes.c_char_p * size)(*entries)
        self._address = ctypes.addressof(self._array)
        self._pointers = (ctypes.c_void_p * size).from_address(self._address)
        self._slot = len(entries)
        self._slot_pointer = None  # the slot is NULL until a call writes it
