"""tox's inline plugin for this project: ``tox -e py312`` finds the interpreters pyenv installed.

pyenv's shims answer only for the active versions (``pyenv global``/``local``), so tox's discovery on
``PATH`` misses the others. Unless ``--discover`` is given, every ``$PYENV_ROOT/versions/3.*`` interpreter
is offered to tox to try first, newest first; without pyenv nothing changes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tox.config.sets import ConfigSet
from tox.plugin import impl
from tox.session.state import State

_VERSION = re.compile(r"^3\.(\d+)\.(\d+)$")


def pyenv_interpreters(root: Path) -> list[str]:
    """The ``python3`` executables of the CPython 3 releases under ``root/versions``, newest first."""
    found: list[tuple[tuple[int, int], str]] = []
    versions = root / "versions"
    if not versions.is_dir():
        return []
    for entry in versions.iterdir():
        match = _VERSION.match(entry.name)
        executable = entry / "bin" / "python3"
        if match and executable.is_file():
            found.append(((int(match.group(1)), int(match.group(2))), str(executable)))
    return [executable for _, executable in sorted(found, reverse=True)]


@impl
def tox_add_core_config(core_conf: ConfigSet, state: State) -> None:
    """Offer pyenv's interpreters to the discovery, unless ``--discover`` chose some."""
    options = state.conf.options
    if getattr(options, "discover", None):
        return
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    options.discover = pyenv_interpreters(root)
