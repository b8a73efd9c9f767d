"""The README's install instructions work today (issue #20 item 18): no command needs a package index that
does not serve apigw-emulator yet, and the wheel its Quick start builds is the one its next line installs."""

from __future__ import annotations

import fnmatch
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.packaging._dists import ROOT

CHECKOUT = "./apigw-emulator"


def _quick_start_commands() -> list[list[str]]:
    """The shell commands of the README's Quick start, split as the shell would (comments dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [
        shlex.split(line, comments=True) for block in blocks for line in block.splitlines() if line.strip()
    ]


def test_quick_start_installs_from_a_checkout_or_a_wheel_not_the_index() -> None:
    installs = [c for c in _quick_start_commands() if c[:2] == ["pip", "install"]]
    assert installs, "the Quick start has no pip install"
    for command in installs:
        target = command[2]
        assert target.startswith((CHECKOUT, "dist/")), f"{shlex.join(command)} asks the package index"


def test_quick_start_wheel_command_builds_the_wheel_it_installs(unpacked_sdist: Path, tmp_path: Path) -> None:
    commands = _quick_start_commands()
    (build,) = [c for c in commands if c[:2] == ["pip", "wheel"]]
    (install,) = [c for c in commands if c[:2] == ["pip", "install"] and c[2].endswith(".whl")]
    # The command as written, with the checkout's path; offline, with this environment's setuptools.
    arguments = [arg.replace(CHECKOUT, str(unpacked_sdist)) for arg in build[2:]]
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *arguments, "--no-build-isolation", "--no-index"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    built = [str(p.relative_to(tmp_path)) for p in (tmp_path / "dist").glob("*.whl")]
    assert [name for name in built if fnmatch.fnmatch(name, install[2])] == built != []
