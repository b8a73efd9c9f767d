"""Timing helpers of the benchmarks: in-test baselines and ratios, inert when benchmarks are disabled.

Everything that costs time beyond one call of the code under test goes through :class:`Timing`, which
does nothing when pytest-benchmark is disabled (``--benchmark-disable``, as ``make test`` and tox run
the suite): each benchmark then runs its target exactly once and checks the result, so the folder stays a
fast correctness test. Timed runs (``--benchmark-only``) warm up, measure the in-test baselines and
assert the ratio targets.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

#: Time spent calling a function before measuring it: first calls page-fault fresh memory (about
#: 2 µs per 4 KiB page here) and let malloc settle on reusing the big buffers.
WARMUP_NS = 20_000_000
#: Shortest timed round of a baseline, as pytest-benchmark calibrates the benchmarks themselves (its
#: default ``--benchmark-min-time``): calls under 5 µs are looped, e.g. 2 per round for a 2.3 µs call and
#: ~40 for a 1 KB memcpy, longer ones run once per round. The same calibration on both sides of a ratio
#: gives both the same share of the timer's own cost (~50 ns a round).
MIN_ROUND_NS = 5_000
#: Total measuring time of one baseline sample set (before or after the benchmark).
SAMPLE_BUDGET_NS = 100_000_000
MIN_ROUNDS, MAX_ROUNDS = 31, 5001
#: Size of the block :func:`settle_allocator` frees: above glibc's default mmap threshold (128 KiB) and
#: the blocks the benchmarks allocate, below the most the threshold adapts to (32 MiB on 64-bit).
SETTLING_BLOCK = 8 * 1024 * 1024
_settled = False


def settle_allocator() -> None:
    """Leave glibc's allocator as a long benchmark run leaves it, once per process, so that every
    benchmark measures the same allocator state whether it runs alone or after others.

    A fresh process serves blocks over 128 KiB with mmap and unmaps them on free, so code that allocates
    megabytes a call (a 1 MB body's base64 text, the naive decode's 1.7 MB of pixels) page-faults them in
    again on every call. Freeing a larger mmapped block raises glibc's mmap and trim thresholds for the
    rest of the process; such blocks are then reused from the heap, 2-3x faster. In a full run the first
    benchmark that frees a megabyte body does this, so the figures depended on the order (the naive
    decode: ~0.8 ms after other benchmarks, ~2 ms alone). Elsewhere (another allocator) this is one
    harmless allocation.
    """
    global _settled  # noqa: PLW0603 (once per process)
    if not _settled:
        bytes(SETTLING_BLOCK)  # calloc'd by mmap and freed at once: no page is touched
        _settled = True


class Benchmark(Protocol):
    """The part of pytest-benchmark's ``BenchmarkFixture`` used here (its methods are unannotated)."""

    enabled: bool
    extra_info: dict[str, Any]
    stats: Any  # a Metadata after a timed run, None when disabled

    def __call__(self, function_to_benchmark: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


def sample_per_call_ns(fn: Callable[[], object], budget_ns: int = SAMPLE_BUDGET_NS) -> list[float]:
    """Per-call durations of ``fn`` in ns, one per round of ``loops`` calls, after a warm-up; about
    ``budget_ns`` in all."""
    clock = time.perf_counter_ns
    end = clock() + WARMUP_NS
    while clock() < end:
        fn()
    single: list[int] = []
    for _ in range(9):
        start = clock()
        fn()
        single.append(clock() - start)
    one_ns = max(statistics.median(single), 1)
    loops = max(1, math.ceil(MIN_ROUND_NS / one_ns))
    rounds = max(MIN_ROUNDS, min(MAX_ROUNDS, int(budget_ns / (loops * one_ns))))
    samples: list[float] = []
    for _ in range(rounds):
        start = clock()
        for _ in range(loops):
            fn()
        samples.append((clock() - start) / loops)
    return samples


@contextlib.contextmanager
def one_cpu() -> Iterator[None]:
    """Run every thread of this process on one CPU (the lowest the caller may use), for the duration
    (Linux; elsewhere nothing changes).

    The in-process invoke hands the event to a worker thread and takes the result back. On two cores the
    scheduler puts that thread on either; on the other core a 1 MB body's megabytes cross between the
    cores' caches twice, which costs one or two base64 encode+decode pairs more or not, run by run. On one
    CPU the measure is the work done, as for the single-threaded baselines it is compared with.
    """
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    cpu = {min(os.sched_getaffinity(0))}
    before: dict[int, set[int]] = {}
    for thread in threading.enumerate():  # threads that exist; new ones inherit the creator's
        tid = thread.native_id
        if tid is not None:
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                before[tid] = os.sched_getaffinity(tid)
                os.sched_setaffinity(tid, cpu)
    try:
        yield
    finally:
        for tid, cpus in before.items():
            with contextlib.suppress(OSError):
                os.sched_setaffinity(tid, cpus)


@dataclass
class Timing:
    """The benchmark fixture plus in-test baselines, all inert when benchmarks are disabled."""

    benchmark: Benchmark
    #: Median per call of each baseline, in ns (empty when not timed).
    baseline_ns: dict[str, float] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        """Whether this run times (``False`` under ``--benchmark-disable``)."""
        return bool(self.benchmark.enabled)

    def run(
        self,
        fn: Callable[[], T],
        *,
        baselines: dict[str, Callable[[], object]] | None = None,
        samplers: dict[str, Callable[[], list[float]]] | None = None,
    ) -> T:
        """Benchmark ``fn`` and return its result (one plain call when disabled).

        When timed, ``fn`` is warmed up first and each baseline is sampled just before and just after
        the benchmark, so that a change of load on this shared machine moves both sides of a ratio;
        the median of all its samples goes to :attr:`baseline_ns` and to ``extra_info`` as
        ``<name>_median_us``, the benchmark's own median as ``median_us``. A baseline is a function
        timed by :func:`sample_per_call_ns`, or, in ``samplers``, a function that returns per-call
        durations in ns itself (for calls that need fresh arguments made untimed).
        """
        sample_of: dict[str, Callable[[], list[float]]] = {
            name: functools.partial(sample_per_call_ns, base) for name, base in (baselines or {}).items()
        }
        sample_of.update(samplers or {})
        before: dict[str, list[float]] = {}
        if self.enabled:
            settle_allocator()
            before = {name: sample() for name, sample in sample_of.items()}
            clock = time.perf_counter_ns
            end = clock() + WARMUP_NS
            while clock() < end:
                fn()
        result = self.benchmark(fn)
        if self.enabled:
            for name, sample in sample_of.items():
                self.baseline_ns[name] = statistics.median(before[name] + sample())
                self.record(**{f"{name}_median_us": self.baseline_ns[name] / 1000})
        median = self.median_ns()
        if median is not None:
            self.record(median_us=median / 1000)
        return result

    def median_ns(self) -> float | None:
        """The benchmark's median per call in ns; None when nothing was timed (``stats`` None/empty)."""
        stats = self.benchmark.stats
        if not stats:
            return None
        return float(stats.stats.median) * 1e9

    def ratio(self, baseline: str) -> float | None:
        """Benchmark median over a baseline's median, recorded as ``ratio_to_<baseline>``; None when
        not timed."""
        median = self.median_ns()
        if median is None or baseline not in self.baseline_ns:
            return None
        value = median / self.baseline_ns[baseline]
        self.record(**{f"ratio_to_{baseline}": value})
        return value

    def record(self, **values: float | str) -> None:
        """Add values to ``extra_info`` (floats rounded), which ``--benchmark-json`` saves."""
        for key, value in values.items():
            self.benchmark.extra_info[key] = round(value, 4) if isinstance(value, float) else value
