"""Timing helpers of the benchmarks: in-test baselines and ratios, inert when benchmarks are disabled.

Everything that costs time beyond one call of the code under test goes through :class:`Timing`, which
does nothing when pytest-benchmark is disabled (``--benchmark-disable``, as ``make test`` and tox run
the suite): each benchmark then runs its target exactly once and checks the result, so the folder stays a
fast correctness test. Timed runs (``--benchmark-only``) warm up, measure the in-test baselines and
assert the ratio targets.
"""

from __future__ import annotations

import functools
import math
import statistics
import time
from collections.abc import Callable
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
