"""Layers laid out as Lambda unpacks them in ``/opt``.

A layer folder holds ``python/`` (and ``python/lib/pythonX.Y/site-packages``) as its zip does. A SAM layer
built by ``sam build`` (``Metadata: BuildMethod: python3.x``) keeps its source files at the root of
``ContentUri`` instead, and ``sam build`` copies them under ``python/``: :func:`built_layer` gives such a
folder that layout, without touching it, as a folder of this process's own whose ``python`` is a link to
the source (removed when the process exits). The layer's ``requirements.txt`` is not installed (``sam
build`` would install it into the layer): its packages come from the environment the emulator runs in.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

from ..errors import ConfigurationError

__all__ = ["built_layer"]

_lock = threading.Lock()
_root: Path | None = None


def built_layer(content: Path) -> Path:
    """A layer folder whose ``python/`` is ``content`` (a folder of source files), as ``sam build`` lays
    out a layer with ``BuildMethod: python3.x``; the same folder for the same content.

    :raises ConfigurationError: when the link cannot be made (a file system without symbolic links).
    """
    content = content.resolve()
    folder = _staging_root() / hashlib.sha256(str(content).encode()).hexdigest()[:16]
    link = folder / "python"
    with _lock:
        if not link.is_symlink():
            folder.mkdir(exist_ok=True)
            try:
                link.symlink_to(content, target_is_directory=True)
            except OSError as exc:
                raise ConfigurationError(
                    f"cannot lay out the layer {content} as sam build does (python/ linked to its "
                    f"source): {exc.strerror or exc}; build it with sam build and point to the result"
                ) from exc
    return folder


def _staging_root() -> Path:
    global _root  # noqa: PLW0603 - one folder per process, made on first use
    with _lock:
        if _root is None:
            _root = Path(tempfile.mkdtemp(prefix=f"apigw-emulator-layers-{os.getpid()}-"))
            atexit.register(shutil.rmtree, _root, ignore_errors=True)
        return _root
