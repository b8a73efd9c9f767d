"""The load tools of the loopback benchmarks measure what they say (``_external_load``, ``_load_client``).

Untimed and quick: a round of a fraction of a second against the limit server in its own process, the
wrk report parser on reports in wrk's format, the CPU placement.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from . import _external_load
from ._external_load import (
    ROOT,
    LoadRequest,
    _process_tree,
    _tree_threads,
    benchmark_server,
    parse_wrk,
    placed,
    run_round,
    serve_command,
    tree_cpu_seconds,
)

WRK_REPORT = textwrap.dedent(
    """\
    Running 2s test @ http://127.0.0.1:41234/echo
      1 threads and 8 connections
      Thread Stats   Avg      Stdev     Max   +/- Stdev
        Latency     2.41ms    1.02ms  17.93ms   88.12%
        Req/Sec     3.31k   210.44     3.60k    75.00%
      Latency Distribution
         50%    2.33ms
         75%    2.71ms
         90%    3.20ms
         99%    6.85ms
      6602 requests in 2.01s, 1.05MB read
    Requests/sec:   3284.58
    Transfer/sec:    535.48KB
    """
)

ECHO = LoadRequest("GET", "/echo", (("User-Agent", "load"), ("Accept", "*/*")))


def test_wrk_report_gives_requests_seconds_and_percentiles() -> None:
    figures = parse_wrk(WRK_REPORT)
    assert figures.requests == 6602
    assert figures.seconds == pytest.approx(2.01)
    assert figures.p50_ms == pytest.approx(2.33)
    assert figures.p99_ms == pytest.approx(6.85)
    assert figures.per_second == pytest.approx(6602 / 2.01)


def test_wrk_report_units_us_and_s_converted_to_ms() -> None:
    report = WRK_REPORT.replace("50%    2.33ms", "50%  405.00us").replace("99%    6.85ms", "99%    1.20s")
    figures = parse_wrk(report)
    assert figures.p50_ms == pytest.approx(0.405)
    assert figures.p99_ms == pytest.approx(1200.0)


def test_wrk_report_with_non_2xx_answers_fails_the_round() -> None:
    report = WRK_REPORT.replace("Requests/sec:", "  Non-2xx or 3xx responses: 12\nRequests/sec:")
    with pytest.raises(AssertionError, match="12 responses were not 2xx or 3xx"):
        parse_wrk(report)


def test_wrk_report_with_socket_errors_fails_the_round() -> None:
    report = WRK_REPORT.replace(
        "Requests/sec:", "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec:"
    )
    with pytest.raises(AssertionError, match="socket errors: connect 0, read 3"):
        parse_wrk(report)


def test_wrk_report_without_latency_distribution_is_refused() -> None:
    with pytest.raises(ValueError, match="not a wrk --latency report"):
        parse_wrk(WRK_REPORT.replace("50%", "5O%"))


def test_load_request_on_the_wire_has_its_content_length() -> None:
    request = LoadRequest("POST", "/echo", (("Content-Type", "application/octet-stream"),), b"\x00\xff")
    assert request.raw() == (
        b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: 2\r\n\r\n\x00\xff"
    )


def test_python_load_client_counts_keep_alive_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_LOAD_CLIENT", "python")
    body = LoadRequest("POST", "/echo", (("Content-Type", "application/octet-stream"),), os.urandom(300_000))
    with benchmark_server("limit") as limit:
        for request in (ECHO, body):
            figures = run_round(limit.port, request, clients=2, seconds=0.3)
            assert figures.requests > 10
            assert 0.3 <= figures.seconds < 5
            assert 0 < figures.p50_ms <= figures.p99_ms


def test_python_load_client_fails_the_round_on_an_answer_other_than_200(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BENCH_LOAD_CLIENT", "python")
    unknown_method = LoadRequest("BREW", "/echo", ())  # the stdlib server answers 501 and closes
    with benchmark_server("limit") as limit, pytest.raises(AssertionError, match="status 501"):
        run_round(limit.port, unknown_method, clients=1, seconds=0.2)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not on PATH")
def test_wrk_round_against_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_LOAD_CLIENT", "wrk")
    with benchmark_server("limit") as limit:
        figures = run_round(limit.port, ECHO, clients=2, seconds=1)
    assert figures.requests > 10
    assert 0 < figures.p50_ms <= figures.p99_ms


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux's")
def test_one_cpu_placement_pins_the_server_and_gives_every_cpu_back() -> None:
    every = os.sched_getaffinity(0)
    with benchmark_server("limit") as limit:
        threads = _tree_threads(limit.pid)
        assert limit.pid in threads
        with placed([limit], one_cpu=True):
            assert os.sched_getaffinity(0) == {min(every)}
            assert all(os.sched_getaffinity(thread) == {min(every)} for thread in threads)
        assert os.sched_getaffinity(0) == every
        assert all(os.sched_getaffinity(thread) == every for thread in threads)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="CPU times are read from /proc")
def test_server_cpu_time_grows_with_the_load_it_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_LOAD_CLIENT", "python")
    with benchmark_server("limit") as limit:
        before = tree_cpu_seconds(limit.pid)
        figures = run_round(limit.port, ECHO, clients=1, seconds=0.3)
        spent = tree_cpu_seconds(limit.pid) - before
    assert figures.requests > 10
    assert 0 < spent < figures.seconds * (os.cpu_count() or 1)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux's")
def test_one_cpu_placement_reaches_the_serve_workers(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n", encoding="utf-8"
    )
    every = os.sched_getaffinity(0)
    with serve_command(["app.handler", "--code-uri", str(tmp_path), "--no-reload"], cwd=tmp_path) as serve:
        threads = _tree_threads(serve.pid)
        workers = [pid for pid in _process_tree(serve.pid) if pid != serve.pid]
        assert workers, "serve started no worker process"
        assert all(pid in threads for pid in workers)
        with placed([serve], one_cpu=True):
            assert all(os.sched_getaffinity(pid) == {min(every)} for pid in workers)
        assert all(os.sched_getaffinity(pid) == every for pid in workers)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a process that has not ended (a zombie waiting to be reaped has)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="the parent-death signal is Linux's")
def test_a_benchmark_server_ends_when_the_process_that_started_it_is_killed() -> None:
    """A pytest killed mid-benchmark (SIGKILL: no clean-up runs) must not leave its servers running."""
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\n"
            "from tests.benchmarks._external_load import benchmark_server\n"
            "context = benchmark_server('stdlib-constant')\n"
            "server = context.__enter__()\n"
            "print(server.pid, flush=True)\n"
            "time.sleep(60)\n",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    try:
        assert starter.stdout is not None
        with starter.stdout:
            pid = int(starter.stdout.readline())
        assert _running(pid)
        starter.kill()
        starter.wait(10)
        deadline = time.monotonic() + 10
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(pid)
    finally:
        starter.kill()
        starter.wait(10)


# A server that is silent on its first start and says its port on the next (a marker file tells them apart).
SILENT_ONCE = textwrap.dedent(
    """\
    import pathlib, socket, sys, time
    marker = pathlib.Path(sys.argv[1])
    if not marker.exists():
        marker.write_text("started")
        time.sleep(600)
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"port {listener.getsockname()[1]}", flush=True)
    time.sleep(600)
    """
)


def test_a_server_silent_at_its_first_start_is_started_again_with_its_stacks_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_external_load, "START_SECONDS", 1.0)
    monkeypatch.setattr(_external_load, "SILENT_STARTS", [])
    command = [sys.executable, "-c", SILENT_ONCE, str(tmp_path / "marker")]
    with _external_load.server_process(command, r"^port (\d+)$") as server:
        assert server.port > 0
    [said] = _external_load.SILENT_STARTS
    assert "said no port within 1 s (start 1 of 2)" in said
    assert "time.sleep(600)" in said or "<module>" in said  # the fault handler's stack of the silent start


def test_a_server_silent_twice_fails_with_what_it_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_external_load, "START_SECONDS", 0.5)
    monkeypatch.setattr(_external_load, "SILENT_STARTS", [])
    command = [sys.executable, "-c", "import time; print('starting', flush=True); time.sleep(600)"]
    with (
        pytest.raises(RuntimeError, match=r"said no port within 0\.5 s twice") as failure,
        _external_load.server_process(command, r"^port (\d+)$"),
    ):
        pass
    assert "starting" in str(failure.value)
    assert "Fatal Python error: Aborted" in str(failure.value)
    assert len(_external_load.SILENT_STARTS) == 2
