"""Benchmark of the fresh init an in-process execution environment gives a handler named by name.

Every new environment imports the handler's module afresh (issue #20 item 7), so a new gateway's first
request pays an import. Recorded: the median of a new gateway's first request (the init and the call,
then closing it), and, as the same-run baseline, a warm request to a gateway already initialised; the
ratio is ``ratio_to_warm_request`` in ``extra_info``. No target: the figure says what a fresh init costs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator import Gateway

from ._timing import Timing

MODULE = "bench_fresh_init_app"
SOURCE = """
import json

def handler(event, context):
    return {"statusCode": 200, "body": "ok"}
"""


@pytest.fixture
def code_folder(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / f"{MODULE}.py").write_text(SOURCE, encoding="utf-8")
    yield tmp_path
    sys.modules.pop(MODULE, None)
    while str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


@pytest.mark.benchmark(group="init (in-process)")
def test_a_new_gateway_first_request_with_a_fresh_init(timing: Timing, code_folder: Path) -> None:
    warm = Gateway(f"{MODULE}.handler", code_uri=code_folder)
    request = warm.build_request("GET", "/")

    def cold() -> int:
        gateway = Gateway(f"{MODULE}.handler", code_uri=code_folder)
        try:
            return gateway.invoke(request).response.status
        finally:
            gateway.close()

    status = timing.run(cold, baselines={"warm_request": lambda: warm.invoke(request)})
    assert status == 200
    timing.ratio("warm_request")
    warm.close()
