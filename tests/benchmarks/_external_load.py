"""Load from outside the servers' processes: servers started as processes, rounds run by an external client.

The loopback benchmarks compare two HTTP servers by their requests per second and median latency under
keep-alive load. Measured from inside one Python process (client threads, the baseline server and ours
sharing one GIL) the ratios swung by 2x between runs of the same code; here each server runs in a
process of its own (:func:`server_process`) and each round of load is a third process:

- ``wrk`` when it is on PATH (one thread, ``--latency``; its report parsed by :func:`parse_wrk`);
- else :mod:`._load_client`, a Python process driving keep-alive raw-socket connections with a selector.

``BENCH_LOAD_CLIENT=python`` (or ``wrk``) picks one whatever PATH holds. :func:`compare` runs a warm-up
round on each server, then alternating rounds (so that a change of load on a shared machine moves both
sides), and keeps every round's figures; a ratio is the median of the rounds' ratios (each of two rounds
that ran one after the other). :func:`placed` puts the client
and the servers on one CPU or lets them use every CPU (see there why).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..server._load import KeepAliveClient, LoadFigures
from ._timing import Timing

#: The checkout: servers run with ``python -m tests.benchmarks._server_process`` from here.
ROOT = Path(__file__).resolve().parents[2]
LOAD_CLIENT = Path(__file__).with_name("_load_client.py")
#: Seconds a server process may take to say its port (``serve`` imports and starts a worker first).
START_SECONDS = 60.0
#: What a round may take beyond its own length before it counts as hung.
ROUND_GRACE_SECONDS = 60.0


@dataclass(frozen=True)
class LoadRequest:
    """The one request a round sends again and again on each connection."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def raw(self) -> bytes:
        """The request as bytes on the wire (HTTP/1.1, ``Content-Length`` when there is a body)."""
        lines = [f"{self.method} {self.path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.body:
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + self.body

    def wrk_script(self, folder: Path) -> Path:
        """A wrk Lua script sending this request (the body read from a file next to it)."""
        body_file = folder / "body.bin"
        body_file.write_bytes(self.body)
        lines = [f'wrk.method = "{self.method}"', f'wrk.path = "{self.path}"']
        lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in self.headers]
        if self.body:
            lines += [
                f"local file = assert(io.open([==[{body_file}]==], 'rb'))",
                "wrk.body = file:read('*a')",
                "file:close()",
            ]
        script = folder / "request.lua"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return script


def client_name() -> str:
    """``wrk`` or ``python``: the load client this run uses."""
    chosen = os.environ.get("BENCH_LOAD_CLIENT", "")
    if chosen in ("wrk", "python"):
        return chosen
    return "wrk" if shutil.which("wrk") else "python"


# -- wrk ------------------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"


def _ms(number: str, unit: str) -> float:
    return float(number) * _UNITS[unit]


def parse_wrk(report: str) -> LoadFigures:
    """The figures of a ``wrk --latency`` report.

    :raises ValueError: when the report lacks the request count or the 50%/99% latencies.
    :raises AssertionError: when wrk saw socket errors or responses other than 2xx/3xx.
    """
    done = re.search(rf"^\s*(\d+) requests in {_DURATION}", report, re.MULTILINE)
    p50 = re.search(rf"^\s*50(?:\.0+)?%\s+{_DURATION}", report, re.MULTILINE)
    p99 = re.search(rf"^\s*99(?:\.0+)?%\s+{_DURATION}", report, re.MULTILINE)
    if done is None or p50 is None or p99 is None:
        raise ValueError(f"not a wrk --latency report:\n{report}")
    errors = re.search(r"Socket errors: (.*)", report)
    assert errors is None, f"wrk: socket errors: {errors.group(1)}"
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    assert non_2xx is None, f"wrk: {non_2xx.group(1)} responses were not 2xx or 3xx"
    return LoadFigures(
        requests=int(done.group(1)),
        seconds=_ms(done.group(2), done.group(3)) / 1000,
        p50_ms=_ms(p50.group(1), p50.group(2)),
        p99_ms=_ms(p99.group(1), p99.group(2)),
    )


def _wrk_round(port: int, request: LoadRequest, clients: int, seconds: float, folder: Path) -> LoadFigures:
    whole = max(1, math.ceil(seconds))  # wrk's --duration is in whole seconds
    command = [
        "wrk",
        "--threads=1",
        f"--connections={clients}",
        f"--duration={whole}s",
        "--timeout=30s",
        "--latency",
        f"--script={request.wrk_script(folder)}",
        f"http://127.0.0.1:{port}{request.path}",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=whole + ROUND_GRACE_SECONDS, check=False
    )
    assert done.returncode == 0, f"wrk exited with {done.returncode}: {done.stderr or done.stdout}"
    return parse_wrk(done.stdout)


# -- the Python client ------------------------------------------------------------------------------------


def _python_round(port: int, request: LoadRequest, clients: int, seconds: float, folder: Path) -> LoadFigures:
    raw = folder / "request.bin"
    raw.write_bytes(request.raw())
    command = [
        sys.executable,
        str(LOAD_CLIENT),
        f"--port={port}",
        f"--clients={clients}",
        f"--seconds={seconds}",
        f"--request={raw}",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + ROUND_GRACE_SECONDS, check=False
    )
    assert done.returncode == 0, f"the load client exited with {done.returncode}: {done.stderr}"
    figures = json.loads(done.stdout)
    assert not figures["failures"], f"port {port}: {figures['failures']}"
    assert figures["requests"] > 0, f"port {port}: no request completed"
    return LoadFigures(figures["requests"], figures["seconds"], figures["p50_ms"], figures["p99_ms"])


def run_round(port: int, request: LoadRequest, *, clients: int, seconds: float) -> LoadFigures:
    """One round of ``clients`` keep-alive connections sending ``request`` for ``seconds`` (whole seconds
    with wrk), from a process of its own (which inherits the calling thread's CPU affinity).

    :raises AssertionError: when a response was not a 200 (2xx/3xx with wrk) or a connection failed.
    """
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        if client_name() == "wrk":
            return _wrk_round(port, request, clients, seconds, Path(folder))
        return _python_round(port, request, clients, seconds, Path(folder))


# -- where the processes run ------------------------------------------------------------------------------


def _tree_threads(root: int) -> list[int]:
    """Thread ids of a server's process and its descendants (Linux)."""
    threads: list[int] = []
    for pid in _process_tree(root):
        with contextlib.suppress(OSError, ValueError):
            threads += [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]
    return threads


def _set_affinity(threads: Sequence[int], cpus: set[int]) -> None:
    for thread in threads:
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            os.sched_setaffinity(thread, cpus)


@contextlib.contextmanager
def placed(servers: Sequence[ServerProcess], *, one_cpu: bool) -> Iterator[None]:
    """With ``one_cpu``: every process of ``servers`` (and their workers) and the clients this thread starts
    on one CPU, the lowest this process may use, for the duration; else on every CPU this process may use.

    On a machine of two cores where waking a process on the other core costs ~70 µs, a one-client round
    trip otherwise measures where the scheduler put the client and the server: the limit did 7,700 or
    18,000 small requests a second, run by run, as the scheduler kept the client on its core or not. On one
    CPU a round trip costs the work done. Where CPU affinity cannot be set (not Linux), nothing changes.
    """
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    every = os.sched_getaffinity(0)
    chosen = {min(every)} if one_cpu else every
    _set_affinity([thread for server in servers for thread in _tree_threads(server.pid)], chosen)
    os.sched_setaffinity(0, chosen)
    try:
        yield
    finally:
        os.sched_setaffinity(0, every)
        _set_affinity([thread for server in servers for thread in _tree_threads(server.pid)], every)


def timed_round_trip(
    timing: Timing, port: int, baseline_port: int, request: LoadRequest, baseline: str
) -> None:
    """A benchmark's own figure: one keep-alive round trip of ``request`` on ``port``, the same on
    ``baseline_port`` as the baseline named ``baseline`` (both must answer 200), and their ratio recorded."""
    raw = request.raw()
    ours = KeepAliveClient(port, raw, timeout=30)
    base = KeepAliveClient(baseline_port, raw, timeout=30)
    try:
        assert timing.run(ours.round_trip, baselines={baseline: base.round_trip}) == 200
    finally:
        ours.close()
        base.close()
    timing.ratio(baseline)


def requests_per_second(figures: LoadFigures) -> float:
    """A round's requests per second."""
    return figures.per_second


def p50_ms(figures: LoadFigures) -> float:
    """A round's median latency, in ms."""
    return figures.p50_ms


def tree_cpu_seconds(root: int) -> float:
    """User and system CPU time so far of a server's process and its live descendants (``serve``'s
    workers), in seconds; 0.0 where ``/proc`` is not there."""
    total_ticks = 0
    for fields in _process_tree(root).values():
        total_ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return total_ticks / _CLOCK_TICKS


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_tree(root: int) -> dict[int, list[str]]:
    """The ``/proc/<pid>/stat`` fields (after the command name) of ``root`` and its descendants, by pid.

    By parentage, not by session: ``serve``'s workers run in sessions of their own."""
    proc = Path("/proc")
    if not proc.is_dir():
        return {}
    stats: dict[int, list[str]] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError):  # a process that ended meanwhile
                stat = (entry / "stat").read_text()
                stats[int(entry.name)] = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
    tree = {root: stats[root]} if root in stats else {}
    grew = True
    while grew:  # bounded: each pass adds at least one process or ends
        grew = False
        for pid, fields in stats.items():
            if pid not in tree and int(fields[1]) in tree:  # its parent is in the tree
                tree[pid] = fields
                grew = True
    return tree


@dataclass(frozen=True)
class Comparison:
    """Every round of the subjects compared, by name; round ``i`` of each ran one after the other.
    ``cpu_seconds``: the CPU time each round cost its server's processes (not the client's)."""

    rounds: dict[str, list[LoadFigures]]
    cpu_seconds: dict[str, list[float]]

    def cpu_us_per_request(self, name: str) -> float:
        """The median of a subject's rounds' server CPU time per request, in µs."""
        pairs = zip(self.rounds[name], self.cpu_seconds[name], strict=True)
        return statistics.median(cpu / figures.requests * 1e6 for figures, cpu in pairs)

    def median(self, name: str, figure: Callable[[LoadFigures], float]) -> float:
        """The median of a subject's rounds' ``figure``."""
        return statistics.median(figure(one) for one in self.rounds[name])

    def ratio(self, name: str, baseline: str, figure: Callable[[LoadFigures], float]) -> float:
        """The median over rounds of ``name``'s ``figure`` over ``baseline``'s in the same round: a change
        of load on the machine between rounds moves both sides of each quotient."""
        pairs = zip(self.rounds[name], self.rounds[baseline], strict=True)
        return statistics.median(figure(one) / figure(base) for one, base in pairs)

    def difference(self, name: str, baseline: str, figure: Callable[[LoadFigures], float]) -> float:
        """The median over rounds of ``name``'s ``figure`` less ``baseline``'s in the same round."""
        pairs = zip(self.rounds[name], self.rounds[baseline], strict=True)
        return statistics.median(figure(one) - figure(base) for one, base in pairs)


def compare(
    servers: dict[str, ServerProcess],
    request: LoadRequest,
    *,
    clients: int,
    rounds: int,
    seconds: float,
    one_cpu: bool,
) -> Comparison:
    """:func:`compare_subjects` of each server with the same request."""
    subjects = {name: (server, request) for name, server in servers.items()}
    return compare_subjects(subjects, clients=clients, rounds=rounds, seconds=seconds, one_cpu=one_cpu)


def compare_subjects(
    subjects: dict[str, tuple[ServerProcess, LoadRequest]],
    *,
    clients: int,
    rounds: int,
    seconds: float,
    one_cpu: bool,
) -> Comparison:
    """A warm-up round on each subject, a server and the request sent to it (half a round; it starts
    ``serve``'s workers), then ``rounds`` alternating rounds of ``seconds`` on each, in the order given,
    every process placed by :func:`placed`."""
    servers = list({server.pid: server for server, _ in subjects.values()}.values())
    with placed(servers, one_cpu=one_cpu):
        for server, request in subjects.values():
            run_round(server.port, request, clients=clients, seconds=max(1.0, seconds / 2))
    figures: dict[str, list[LoadFigures]] = {name: [] for name in subjects}
    cpu: dict[str, list[float]] = {name: [] for name in subjects}
    with placed(servers, one_cpu=one_cpu):  # again: the workers the warm-up started
        for _ in range(rounds):
            for name, (server, request) in subjects.items():
                before = tree_cpu_seconds(server.pid)
                figures[name].append(run_round(server.port, request, clients=clients, seconds=seconds))
                cpu[name].append(tree_cpu_seconds(server.pid) - before)
    return Comparison(figures, cpu)


# -- server processes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerProcess:
    """A server started by :func:`server_process`: its port, and its process id (which leads its session)."""

    port: int
    pid: int


#: What a server that said no port in time printed when it was made to dump its threads' stacks, for each
#: start that was tried again (shown in the test session's summary by the benchmarks' conftest).
SILENT_STARTS: list[str] = []


class SilentStartError(RuntimeError):
    """A server process still running that said no port within :data:`START_SECONDS`."""


@contextlib.contextmanager
def server_process(
    command: Sequence[str], port_pattern: str, *, cwd: Path = ROOT, env: Mapping[str, str] | None = None
) -> Iterator[ServerProcess]:
    """Start ``command`` in a session of its own, its output (stdout and stderr) to a file; yield it with
    the port that the first match of ``port_pattern`` (a regex with one group) in that output gives. The
    session is terminated on the way out (``serve`` stops its workers, which run in sessions of their own,
    itself). ``env``: the process's environment (default: this process's).

    A server that is still running but has said no port within :data:`START_SECONDS` is made to print its
    threads' stacks (Python's fault handler, on in the servers started here), stopped, and started once
    more; what it printed is kept in :data:`SILENT_STARTS`.

    :raises RuntimeError: when the process exits before it says its port, or is silent twice.
    """
    pattern = re.compile(port_pattern.encode(), re.MULTILINE)
    environment = {**(os.environ if env is None else env), "PYTHONFAULTHANDLER": "1"}
    with tempfile.TemporaryDirectory(prefix="apigw-bench-server-") as folder:
        for attempt in (1, 2):
            output = Path(folder) / f"output-{attempt}.log"
            process = _start(command, cwd, environment, output)
            try:
                port = _wait_for_port(process, output, pattern)
            except SilentStartError as silent:
                said = _stacks_of(process, output)
                _stop(process)
                SILENT_STARTS.append(f"{silent} (start {attempt} of 2); it printed:\n{said}")
                if attempt == 2:
                    raise RuntimeError(f"{silent} twice; the second time it printed:\n{said}") from None
                continue
            except BaseException:
                _stop(process)
                raise
            try:
                yield ServerProcess(port, process.pid)
            finally:
                _stop(process)
            return


def _start(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], output: Path
) -> subprocess.Popen[bytes]:
    """The server's process, writing to ``output`` opened for appending: a file description of its own, so
    that this process's reads never move the server's write offset."""
    with output.open("ab") as sink:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_end_with_parent,  # noqa: PLW1509 - a test helper's child, no threads to fear
        )


def _end_with_parent() -> None:
    """In the child before it runs the server (Linux): SIGTERM when the process that started it ends, so
    that a pytest killed mid-benchmark does not leave its servers running (and loading the machine); the
    server's own SIGTERM handling then stops its workers. Elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # noqa: PLC0415 - only the child, only on Linux

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def _wait_for_port(process: subprocess.Popen[bytes], output: Path, pattern: re.Pattern[bytes]) -> int:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        said = output.read_bytes()
        found = pattern.search(said)
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            shown = said.decode(errors="replace")
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}: {shown}")
        time.sleep(0.02)
    raise SilentStartError(f"{process.args!r} said no port within {START_SECONDS:g} s")


def _stacks_of(process: subprocess.Popen[bytes], output: Path) -> str:
    """What the silent server printed, ending with its threads' stacks: SIGABRT makes Python's fault
    handler write them before the process dies."""
    state = ""
    with contextlib.suppress(OSError):
        state = next(
            line
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines()
            if line.startswith("State:")
        )
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGABRT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    return f"{state}\n{output.read_bytes().decode(errors='replace')}".strip()


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def benchmark_server(kind: str) -> Iterator[ServerProcess]:
    """One of :mod:`._server_process`'s servers in a process of its own."""
    command = [sys.executable, "-m", "tests.benchmarks._server_process", kind]
    with server_process(command, r"^port (\d+)$") as server:
        yield server


@contextlib.contextmanager
def serve_command(arguments: Sequence[str], *, cwd: Path) -> Iterator[ServerProcess]:
    """``apigw-emulator serve`` with ``arguments`` on a free port, as a user runs it."""
    command = [sys.executable, "-m", "apigw_emulator", "serve", *arguments, "--port", "0"]
    with server_process(command, r"serving the .* on http://127\.0\.0\.1:(\d+)/", cwd=cwd) as server:
        yield server
