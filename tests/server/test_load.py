"""A short load run on loopback: keep-alive clients against the server and against the stdlib's server.

Figures are printed (``pytest -s``) and recorded as properties, never asserted: speed targets live in
``tests/benchmarks/test_bench_server.py``, measured as ratios in the same run.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from apigw_emulator.server import LocalGateway

from ._load import MIB, LoadFigures, load_gateway, run_load, small_request, stdlib_server, upload_request

#: Seconds each measurement runs: four of them keep the test around 1.5 s.
SECONDS = 0.3
CLIENTS = 4


def test_keep_alive_clients_small_requests_and_1mb_uploads(
    record_property: Callable[[str, object], None],
) -> None:
    upload = upload_request(random.Random(1).randbytes(MIB))
    figures: dict[str, LoadFigures] = {}
    with LocalGateway(load_gateway(), log=None) as server:
        figures["emulator small"] = run_load(server.port, small_request(), clients=CLIENTS, seconds=SECONDS)
        figures["emulator 1MB upload"] = run_load(server.port, upload, clients=CLIENTS, seconds=SECONDS)
    with stdlib_server() as port:
        figures["stdlib small"] = run_load(port, small_request(), clients=CLIENTS, seconds=SECONDS)
        figures["stdlib 1MB upload"] = run_load(port, upload, clients=CLIENTS, seconds=SECONDS)
    print()
    for name, figure in figures.items():
        print(f"{name:22} {figure}")
        record_property(name, str(figure))
    assert all(figure.requests > 0 for figure in figures.values())
