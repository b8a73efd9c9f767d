"""Chart the saved benchmark runs: median per benchmark for the last runs, as one SVG.

pytest-benchmark saves a run with ``--benchmark-autosave`` (``make bench``) under
``.benchmarks/<machine-id>/<NNNN>_<commit>_<date>[_uncommitted-changes].json``; the comparison that fails
on a regression is pytest-benchmark's own (``--benchmark-compare --benchmark-compare-fail=median:15%``).
This script only draws and prints: grouped horizontal bars of the median of every benchmark (one bar per
run, oldest palest, newest darkest, on a shared log scale, so a 1 µs and a 1 ms benchmark both read), each
newest bar annotated with its change against the previous run, and the same table of ratios on stdout.

Usage::

    python scripts/bench_compare.py                       # last 3 runs of .benchmarks -> docs/benchmarks.svg
    python scripts/bench_compare.py --last 5 --output /tmp/bench.svg
    python scripts/bench_compare.py --storage /tmp/bench-store --machine Linux-CPython-3.12-64bit

Runs are taken from one machine id (a folder of the storage): ``--machine``, or by default the folder
whose newest run is the most recent. Benchmarks are matched across runs by their full name. Exit status:
0 when a chart was written, 2 when there is nothing to chart.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORAGE = ROOT / ".benchmarks"
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.svg"
DEFAULT_LAST = 3
#: A newest median this much slower than the previous one (in %) is drawn in red, as
#: ``--benchmark-compare-fail=median:15%`` would fail it.
DEFAULT_THRESHOLD_PCT = 15.0

# Layout of the chart, in px.
BAR_AREA_WIDTH = 600
MIN_LABEL_WIDTH = 240
DELTA_WIDTH = 150
#: Width of one character of an 11 px label, a little over DejaVu Sans' average (labels are sized by it).
LABEL_CHAR_WIDTH = 6.6
MARGIN = 16
BAR_HEIGHT = 9
BAR_GAP = 1
ROW_GAP = 7
GROUP_HEADER = 26
TITLE_HEIGHT = 64
AXIS_HEIGHT = 22
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
#: Older runs pale, the newest dark (a blue ramp); red and green mark changes beyond the threshold.
NEWEST_RGB = (31, 78, 145)
OLDEST_RGB = (190, 205, 225)
SLOWER = "#c0392b"
FASTER = "#1e8449"
NEUTRAL = "#555555"


@dataclass(frozen=True)
class Bench:
    """One benchmark of one run."""

    fullname: str
    name: str
    group: str
    median_s: float


@dataclass(frozen=True)
class Run:
    """One saved run: its file and its benchmarks by full name."""

    path: Path
    number: str
    commit: str
    dirty: bool
    datetime: str
    benches: dict[str, Bench]

    @property
    def label(self) -> str:
        """``0003 · 1a2b3c4 (+changes) · 2026-11-25 12:09``."""
        commit = self.commit[:7] + (" (+changes)" if self.dirty else "")
        when = self.datetime[:16].replace("T", " ")
        return f"{self.number} · {commit} · {when}"


def parse_run(path: Path) -> Run:
    """Read one pytest-benchmark JSON file (``--benchmark-autosave``/``--benchmark-save`` layout)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    commit_info: dict[str, Any] = data.get("commit_info") or {}
    benches: dict[str, Bench] = {}
    for raw in data.get("benchmarks", []):
        stats = raw.get("stats") or {}
        median = stats.get("median")
        if not isinstance(median, (int, float)) or median <= 0:
            continue
        fullname = str(raw.get("fullname") or raw["name"])
        benches[fullname] = Bench(fullname, str(raw["name"]), str(raw.get("group") or "(no group)"), median)
    return Run(
        path=path,
        number=path.name.split("_", 1)[0],
        commit=str(commit_info.get("id") or "unversioned"),
        dirty=bool(commit_info.get("dirty")),
        datetime=str(data.get("datetime") or ""),
        benches=benches,
    )


def saved_files(storage: Path, machine: str | None) -> list[Path]:
    """The saved runs of one machine id, oldest first (pytest-benchmark numbers them ``NNNN_``)."""
    if machine is not None:
        folders = [storage / machine]
    else:
        folders = [folder for folder in storage.iterdir() if folder.is_dir()] if storage.is_dir() else []
    by_folder = {folder: sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.json")) for folder in folders}
    by_folder = {folder: files for folder, files in by_folder.items() if files}
    if not by_folder:
        return []
    newest = max(by_folder, key=lambda folder: max(file.stat().st_mtime for file in by_folder[folder]))
    return by_folder[newest]


def load_runs(storage: Path, machine: str | None, last: int) -> list[Run]:
    """The last ``last`` runs that hold at least one timed benchmark, oldest first."""
    runs = [run for run in map(parse_run, saved_files(storage, machine)) if run.benches]
    return runs[-last:]


def ordered_benchmarks(runs: Sequence[Run]) -> list[tuple[str, list[str]]]:
    """Groups and the full names in them: the newest run's order first, then older-only benchmarks."""
    groups: dict[str, list[str]] = {}
    for run in reversed(runs):
        for bench in run.benches.values():
            names = groups.setdefault(bench.group, [])
            if bench.fullname not in names:
                names.append(bench.fullname)
    return list(groups.items())


def format_time(seconds: float) -> str:
    """A duration with three significant digits: ``812 ns``, ``4.21 µs``, ``2.27 ms``, ``1.10 s``."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            value = seconds / scale
            return f"{value:.3g} {unit}" if value < 1000 else f"{value:.0f} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_delta(ratio: float) -> str:
    """``+12.3%`` or ``-4.0%`` for a ratio newest/previous."""
    return f"{(ratio - 1) * 100:+.1f}%"


def run_colours(count: int) -> list[str]:
    """``count`` colours from pale (oldest) to dark (newest)."""
    colours = []
    for index in range(count):
        share = 1.0 if count == 1 else index / (count - 1)
        rgb = (round(old + (new - old) * share) for old, new in zip(OLDEST_RGB, NEWEST_RGB, strict=True))
        colours.append("#{:02x}{:02x}{:02x}".format(*rgb))
    return colours


@dataclass(frozen=True)
class LogScale:
    """Maps seconds to x on a decade log scale spanning every median charted."""

    low: float
    high: float
    x0: float
    x1: float

    @classmethod
    def spanning(cls, values: Sequence[float], x0: float, x1: float) -> LogScale:
        """Whole decades around ``values``."""
        low = 10 ** math.floor(math.log10(min(values)))
        high = 10 ** math.ceil(math.log10(max(values)))
        if high <= low:
            high = low * 10
        return cls(low, high, x0, x1)

    def x(self, seconds: float) -> float:
        """The x of a duration."""
        share = (math.log10(seconds) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        return self.x0 + share * (self.x1 - self.x0)

    def decades(self) -> list[float]:
        """The powers of ten from ``low`` to ``high``."""
        count = round(math.log10(self.high / self.low))
        return [self.low * 10**step for step in range(count + 1)]


def text(x: float, y: float, content: str, *, size: int = 11, anchor: str = "start", **attrs: str) -> str:
    """One ``<text>`` element (content escaped)."""
    extra = "".join(f" {key.replace('_', '-')}='{escape(value)}'" for key, value in attrs.items())
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}'{extra}>"
        f"{escape(content)}</text>"
    )


def render_svg(runs: Sequence[Run], threshold_pct: float = DEFAULT_THRESHOLD_PCT) -> str:
    """The chart of ``runs`` (oldest first) as SVG text."""
    groups = ordered_benchmarks(runs)
    medians = [bench.median_s for run in runs for bench in run.benches.values()]
    longest = max(len(run.benches[name].name) for run in runs for name in run.benches)
    bar_x0 = MARGIN + max(MIN_LABEL_WIDTH, math.ceil(longest * LABEL_CHAR_WIDTH) + 10)
    bar_x1 = bar_x0 + BAR_AREA_WIDTH
    width = bar_x1 + DELTA_WIDTH + MARGIN
    scale = LogScale.spanning(medians, bar_x0, bar_x1)
    colours = run_colours(len(runs))
    row_height = len(runs) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    legend_height = 16 * len(runs) + 8
    chart_top = TITLE_HEIGHT + legend_height + AXIS_HEIGHT
    rows = sum(len(names) for _, names in groups)
    chart_height = len(groups) * GROUP_HEADER + rows * (row_height + ROW_GAP)
    height = chart_top + chart_height + AXIS_HEIGHT + MARGIN

    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' {FONT}>",
        f"<rect width='{width}' height='{height}' fill='white'/>",
        text(MARGIN, 26, "apigw-emulator benchmarks: median per call", size=17, font_weight="bold"),
        text(
            MARGIN,
            46,
            f"{runs[-1].path.parent.name}: last {len(runs)} saved run(s), log scale; the newest bar is "
            f"annotated with its change against the previous run (red: over +{threshold_pct:g}%, green: "
            f"under -{threshold_pct:g}%)",
            size=11,
            fill=NEUTRAL,
        ),
    ]
    for index, (run, colour) in enumerate(zip(runs, colours, strict=True)):
        legend_y = TITLE_HEIGHT + index * 16
        out.append(
            f"<rect x='{MARGIN}' y='{legend_y}' width='22' height='{BAR_HEIGHT + 2}' fill='{colour}'/>"
        )
        out.append(text(MARGIN + 30, legend_y + 10, run.label, size=11))

    def axis(y: float, below: bool) -> None:
        for decade in scale.decades():
            x = scale.x(decade)
            out.append(text(x, y + (14 if below else -6), format_time(decade), size=10, anchor="middle"))

    axis(chart_top, below=False)
    for decade in scale.decades():
        x = scale.x(decade)
        out.append(
            f"<line x1='{x:.1f}' y1='{chart_top}' x2='{x:.1f}' y2='{chart_top + chart_height}' "
            "stroke='#dddddd' stroke-width='1'/>"
        )

    y = float(chart_top)
    newest = runs[-1]
    previous = runs[-2] if len(runs) > 1 else None
    for group, names in groups:
        out.append(
            f"<rect x='{MARGIN}' y='{y + 4:.1f}' width='{width - 2 * MARGIN}' height='18' fill='#f2f4f7'/>"
        )
        out.append(text(MARGIN + 6, y + 17, group, size=12, font_weight="bold"))
        y += GROUP_HEADER
        for fullname in names:
            label = next(run.benches[fullname].name for run in reversed(runs) if fullname in run.benches)
            out.append(text(bar_x0 - 8, y + row_height / 2 + 4, label, size=11, anchor="end"))
            for index, (run, colour) in enumerate(zip(runs, colours, strict=True)):
                bench = run.benches.get(fullname)
                if bench is None:
                    continue
                bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
                bar_width = max(scale.x(bench.median_s) - bar_x0, 1.0)
                median = format_time(bench.median_s)
                tooltip = escape(f"{label} · {run.label}: {median}")
                out.append(
                    f"<rect x='{bar_x0}' y='{bar_y:.1f}' width='{bar_width:.1f}' height='{BAR_HEIGHT}' "
                    f"fill='{colour}'><title>{tooltip}</title></rect>"
                )
                if run is newest:
                    out.append(text(bar_x0 + bar_width + 4, bar_y + BAR_HEIGHT - 1, median, size=9))
            current = newest.benches.get(fullname)
            before = previous.benches.get(fullname) if previous else None
            if current and before:
                ratio = current.median_s / before.median_s
                change = (ratio - 1) * 100
                colour = SLOWER if change > threshold_pct else FASTER if change < -threshold_pct else NEUTRAL
                note = f"{format_delta(ratio)} vs previous"
                out.append(
                    text(width - MARGIN, y + row_height / 2 + 4, note, size=10, anchor="end", fill=colour)
                )
            y += row_height + ROW_GAP
    axis(y, below=True)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def ratio_table(runs: Sequence[Run]) -> str:
    """Newest median, previous median and their ratio for every benchmark, as plain text."""
    newest = runs[-1]
    previous = runs[-2] if len(runs) > 1 else None
    lines = [f"newest: {newest.path.name}", f"previous: {previous.path.name if previous else '(none)'}"]
    column = max(len(run.benches[name].name) for run in runs for name in run.benches)
    header = f"{'benchmark':<{column + 2}} {'previous':>10} {'newest':>10} {'new/prev':>9}"
    lines += [header, "-" * len(header)]
    for group, names in ordered_benchmarks(runs):
        lines.append(f"[{group}]")
        for fullname in names:
            current = newest.benches.get(fullname)
            before = previous.benches.get(fullname) if previous else None
            shown = current or before
            name = shown.name if shown else fullname
            prev_text = format_time(before.median_s) if before else "-"
            new_text = format_time(current.median_s) if current else "-"
            ratio = f"{current.median_s / before.median_s:.3f}" if current and before else "-"
            lines.append(f"  {name:<{column}} {prev_text:>10} {new_text:>10} {ratio:>9}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument(
        "--storage", type=Path, default=DEFAULT_STORAGE, help="pytest-benchmark storage folder"
    )
    parser.add_argument("--machine", help="machine id folder in the storage (default: the most recent one)")
    parser.add_argument("--last", type=int, default=DEFAULT_LAST, help="how many of the newest runs to chart")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="SVG file to write")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD_PCT,
        help="change (%%) beyond which the newest bar's note is coloured",
    )
    args = parser.parse_args(argv)
    if args.last < 1:
        parser.error("--last must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Write the chart and print the ratios newest/previous; 2 when no saved run holds a benchmark."""
    args = parse_args(argv)
    storage: Path = args.storage
    runs = load_runs(storage, args.machine, args.last)
    if not runs:
        print(f"no saved benchmark runs under {storage} (run `make bench` first)", file=sys.stderr)
        return 2
    output: Path = args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_svg(runs, args.threshold), encoding="utf-8")
    print(ratio_table(runs))
    count = sum(len(names) for _, names in ordered_benchmarks(runs))
    print(f"wrote {output} ({len(runs)} run(s), {count} benchmarks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
