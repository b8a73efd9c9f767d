"""The echo stack of ``apigw-emulator conform``, shipped in the package: a SAM template with one echo
function behind every front door (``template.yaml``, the function in ``echo/app.py``).

:data:`ECHO_FRONT_DOORS` names each front door as the template's ``Outputs`` do, with its kind, the logical
id of its API in the template (the key of :attr:`Application.apis <apigw_emulator.Application.apis>`),
its stage and its binary media types.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import ApigwEmulatorError

__all__ = [
    "ECHO_FRONT_DOORS",
    "ECHO_STACK_FILES",
    "EchoFrontDoor",
    "EchoStackExistsError",
    "echo_template",
    "write_echo_stack",
]

#: The files of the echo stack, relative to its folder.
ECHO_STACK_FILES = ("template.yaml", "echo/app.py")


@dataclass(frozen=True)
class EchoFrontDoor:
    """One front door of the echo stack: its kind (as ``Gateway(api=...)`` names it), the logical id of its
    API in the template, its stage and its binary media types (as deployed, ``~1`` unescaped)."""

    kind: str
    api: str
    stage: str | None
    binary_media_types: tuple[str, ...] = ()


#: The echo stack's front doors by output name (the ALB is not in the default template).
ECHO_FRONT_DOORS: dict[str, EchoFrontDoor] = {
    "RestBinary": EchoFrontDoor("rest", "RestBinary", "conform", ("*/*",)),
    "RestText": EchoFrontDoor("rest", "RestText", "conform"),
    "HttpV2": EchoFrontDoor("http", "HttpV2", "$default"),
    "HttpV1": EchoFrontDoor("http-v1", "HttpV1", "$default"),
    "FunctionUrl": EchoFrontDoor("function-url", "EchoUrl", None),
}


class EchoStackExistsError(ApigwEmulatorError, FileExistsError):
    """The folder already holds files of the echo stack (write them anyway with ``force=True``)."""


def _source(name: str) -> bytes:
    source = resources.files(__package__ or "apigw_emulator.conform").joinpath("echo_stack")
    for part in name.split("/"):
        source = source.joinpath(part)
    return source.read_bytes()


def echo_template() -> str:
    """The echo stack's SAM template, as shipped."""
    return _source("template.yaml").decode("utf-8")


def write_echo_stack(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Write the echo stack into ``directory`` (created if missing); returns the files written.

    :raises EchoStackExistsError: when a file of the stack is already there and ``force`` is False
        (nothing is written then).
    :raises OSError: when the folder or a file cannot be written.
    """
    folder = Path(directory)
    targets = [folder / name for name in ECHO_STACK_FILES]
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        names = ", ".join(str(path) for path in existing)
        raise EchoStackExistsError(f"{names} already exist: nothing was written (overwrite with --force)")
    for name, path in zip(ECHO_STACK_FILES, targets, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_source(name))
    return targets
