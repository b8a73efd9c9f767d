"""Handler code changes are picked up without a restart: a changed watched file rebuilds the gateway."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from apigw_emulator import Gateway

from ._raw import exchange, request_bytes
from .conftest import ServerFactory

HANDLER = """
def handler(event, context):
    return {{"statusCode": 200, "body": {answer!r}}}
"""


def write_module(path: Path, source: str) -> None:
    """Write ``source`` and move the modification time forward, as an editor save does a moment later
    (file systems with coarse timestamps would otherwise see no change)."""
    previous = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(source, encoding="utf-8")
    stamp = max(previous + 1_000_000_000, path.stat().st_mtime_ns)
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def handler_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, ModuleType]]:
    """A handler module in a temporary folder, imported; removed from ``sys.modules`` afterwards."""
    name = f"reloadable_handler_{os.getpid()}_{id(tmp_path)}"
    path = tmp_path / f"{name}.py"
    write_module(path, HANDLER.format(answer="version 1"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    module = importlib.import_module(name)
    try:
        yield path, module
    finally:
        sys.modules.pop(name, None)


def factory_for(module: ModuleType) -> Callable[[], Gateway]:
    """What the CLI passes: re-import the handler module and build a new gateway around it."""

    def build() -> Gateway:
        importlib.invalidate_caches()
        return Gateway(importlib.reload(module).handler, api="http")

    return build


def test_a_changed_handler_file_is_picked_up_by_the_next_request(
    serve: ServerFactory, handler_module: tuple[Path, ModuleType]
) -> None:
    path, module = handler_module
    server = serve(Gateway(module.handler, api="http"), reload=factory_for(module), watch_paths=[path])
    assert exchange(server.port, request_bytes("GET", "/")).body == b"version 1"
    assert exchange(server.port, request_bytes("GET", "/")).body == b"version 1"
    write_module(path, HANDLER.format(answer="version two"))
    assert exchange(server.port, request_bytes("GET", "/")).body == b"version two"
    assert sum("reloaded" in line for line in serve.log) == 1


def test_a_broken_edit_gives_502_until_it_is_fixed(
    serve: ServerFactory, handler_module: tuple[Path, ModuleType]
) -> None:
    path, module = handler_module
    server = serve(Gateway(module.handler, api="http"), reload=factory_for(module), watch_paths=[path])
    write_module(path, "def handler(event, context):\n    return {\n")
    broken = exchange(server.port, request_bytes("GET", "/"))
    assert broken.status == 502
    assert b"reloading the gateway failed" in broken.body
    assert "SyntaxError" in serve.text()
    assert exchange(server.port, request_bytes("GET", "/")).status == 502  # tried again, still broken
    write_module(path, HANDLER.format(answer="fixed"))
    assert exchange(server.port, request_bytes("GET", "/")).body == b"fixed"


def test_without_reload_a_change_is_not_picked_up(
    serve: ServerFactory, handler_module: tuple[Path, ModuleType]
) -> None:
    path, module = handler_module
    server = serve(Gateway(module.handler, api="http"), watch_paths=[path])
    write_module(path, HANDLER.format(answer="version two"))
    assert exchange(server.port, request_bytes("GET", "/")).body == b"version 1"


def test_a_deleted_watched_file_counts_as_a_change(
    serve: ServerFactory, handler_module: tuple[Path, ModuleType]
) -> None:
    path, module = handler_module
    builds: list[str] = []

    def build() -> Gateway:
        builds.append("built")
        return Gateway(module.handler, api="http")

    server = serve(Gateway(module.handler, api="http"), reload=build, watch_paths=[path])
    path.unlink()
    assert exchange(server.port, request_bytes("GET", "/")).body == b"version 1"
    assert exchange(server.port, request_bytes("GET", "/")).status == 200
    assert builds == ["built"]
