#!/usr/bin/env python3
"""Measure ``serve`` (worker processes) of this checkout against ``serve`` of another revision, in one run.

Not part of the test suite. A change to the request path is judged against the code before it in the same
run, alternating rounds, since the load on a shared machine moves either figure more than most changes do
(the serve benchmarks' ratios are against a stdlib server, not against our own code before). The other
revision is checked out with ``git worktree add --detach`` into a temporary folder (removed afterwards) and
run with this checkout's Python and packages: ``python -m apigw_emulator serve`` started in a checkout's
folder imports that checkout's package. Both serve the echo handler of the serve benchmarks
(``tests/benchmarks/test_bench_serve_workers.py``) as a REST API with worker processes; the load is one
process per round, as in those benchmarks (``wrk`` when on PATH, else the Python client; with one client
every process runs on one CPU). Printed for each side: the median requests per second, p50 and CPU time
per request of ``serve``'s processes (the workers included, from ``/proc``), and the median of the rounds'
throughput ratios.

Usage, from the checkout with the project installed::

    python scripts/bench_serve_ab.py REVISION [--clients 1] [--rounds 5] [--seconds 3] [--body-kib 0]
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout: the benchmarks' load tools

from tests.benchmarks._external_load import (  # noqa: E402 - after the path is set
    LoadRequest,
    client_name,
    compare,
    p50_ms,
    requests_per_second,
    serve_command,
)
from tests.benchmarks.test_bench_serve_workers import BINARY, HANDLER  # noqa: E402


@contextlib.contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """``revision`` checked out in a temporary folder (a detached worktree of this repository)."""
    with tempfile.TemporaryDirectory(prefix="apigw-ab-") as folder:
        tree = Path(folder) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), revision],
            check=True,
        )
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the revision to compare with (a commit, a tag, HEAD~3...)")
    parser.add_argument("--clients", type=int, default=1, help="keep-alive clients (default 1: one CPU)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds on each side (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of a round (default 3)")
    parser.add_argument("--body-kib", type=int, default=0, help="POST a body of this many KiB (default: GET)")
    args = parser.parse_args(argv)
    if args.body_kib:
        request = LoadRequest("POST", "/echo", (("Content-Type", BINARY),), b"\x89" * (args.body_kib * 1024))
    else:
        request = LoadRequest("GET", "/echo", (("Accept", "*/*"),))
    with tempfile.TemporaryDirectory(prefix="apigw-ab-app-") as app, checkout(args.revision) as before:
        (Path(app) / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
        arguments = ["app.handler", "--code-uri", app, "--binary-media-type", BINARY, "--no-reload"]
        with serve_command(arguments, cwd=ROOT) as ours, serve_command(arguments, cwd=before) as theirs:
            comparison = compare(
                {"this checkout": ours, args.revision: theirs},
                request,
                clients=args.clients,
                rounds=args.rounds,
                seconds=args.seconds,
                one_cpu=args.clients == 1,
            )
    print(
        f"load client: {client_name()}, {args.clients} client(s), {args.rounds} rounds of {args.seconds:g} s"
    )
    print(f"{'side':<24} {'req/s':>9} {'p50 ms':>8} {'CPU us/req':>11}")
    for name in comparison.rounds:
        rate = comparison.median(name, requests_per_second)
        p50 = comparison.median(name, p50_ms)
        print(f"{name:<24} {rate:>9.0f} {p50:>8.3f} {comparison.cpu_us_per_request(name):>11.0f}")
    ratio = comparison.ratio("this checkout", args.revision, requests_per_second)
    print(f"throughput ratio (this checkout / {args.revision}): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
