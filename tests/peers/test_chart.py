"""``scripts/bench_compare.py``: the chart of saved benchmark runs, from fake runs in pytest-benchmark's
storage layout (``<storage>/<machine-id>/<NNNN>_<commit>_<date>[_uncommitted-changes].json``)."""

from __future__ import annotations

import importlib.util
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_compare.py"
MACHINE = "Linux-CPython-3.11-64bit"
SVG = "{http://www.w3.org/2000/svg}"

#: (group, name, median in s of run 1, of run 2); the group name needs XML escaping.
BENCHES = [
    ("event: 1 KB & <binary> body", "test_event_with_binary_body[rest-1KB]", 9.0e-6, 9.9e-6),
    ("event: 1 KB & <binary> body", "test_baseline_memcpy[1KB]", 1.0e-7, 1.0e-7),
    ("event: 1 MB binary body", "test_event_with_binary_body[rest-1MB]", 4.0e-5, 2.0e-5),
]


@pytest.fixture(scope="module")
def bench_compare() -> Iterator[ModuleType]:
    """The script as a module (in ``sys.modules`` while loaded: its dataclasses need it)."""
    spec = importlib.util.spec_from_file_location("bench_compare", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_compare"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["bench_compare"]


def saved_run(number: int, commit: str, medians: list[float]) -> dict[str, Any]:
    """A saved run as pytest-benchmark writes it (the fields the script reads, and a few more)."""
    benchmarks = [
        {
            "group": group_name,
            "name": name,
            "fullname": f"tests/benchmarks/test_bench_events.py::{name}",
            "params": None,
            "param": None,
            "extra_info": {"median_us": median * 1e6},
            "options": {"disable_gc": False, "timer": "perf_counter", "min_rounds": 5},
            "stats": {
                "min": median * 0.9,
                "max": median * 3,
                "mean": median * 1.1,
                "median": median,
                "rounds": 50,
            },
        }
        for (group_name, name, *_), median in zip(BENCHES, medians, strict=True)
    ]
    return {
        "machine_info": {"node": "vm", "python_version": "3.11.7"},
        "commit_info": {"id": commit, "dirty": number == 2, "project": "apigw-emulator", "branch": "main"},
        "benchmarks": benchmarks,
        "datetime": f"2026-11-2{number}T12:00:00.000000+00:00",
        "version": "5.3.1",
    }


@pytest.fixture
def storage(tmp_path: Path) -> Path:
    """Two saved runs of one machine: the second slower on one benchmark, faster on another."""
    folder = tmp_path / "store" / MACHINE
    folder.mkdir(parents=True)
    runs = [
        (1, "1a2b3c4d5e6f", [row[2] for row in BENCHES]),
        (2, "9f8e7d6c5b4a", [row[3] for row in BENCHES]),
    ]
    for number, commit, medians in runs:
        dirty = "_uncommitted-changes" if number == 2 else ""
        name = f"{number:04d}_{commit}_2026112{number}_120000{dirty}.json"
        (folder / name).write_text(json.dumps(saved_run(number, commit, medians)), encoding="utf-8")
    return tmp_path / "store"


def texts(svg: Path) -> list[str]:
    """Every text of the chart (parsing it checks that it is well-formed XML)."""
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG}svg"
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_chart_names_every_benchmark_group_and_run(
    bench_compare: ModuleType, storage: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out" / "x.svg"
    assert bench_compare.main(["--storage", str(storage), "--output", str(output)]) == 0
    labels = texts(output)
    for group_name, name, *_ in BENCHES:
        assert group_name in labels
        assert name in labels
    assert any(label.startswith("0001 · 1a2b3c4 · 2026-11-21") for label in labels)
    assert any(label.startswith("0002 · 9f8e7d6 (+changes)") for label in labels)
    assert "+10.0% vs previous" in labels  # 9.0 -> 9.9 µs
    assert "-50.0% vs previous" in labels  # 40 -> 20 µs
    bars = [
        rect for rect in ET.parse(output).getroot().iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None
    ]
    assert len(bars) == 2 * len(BENCHES)  # one bar per run and benchmark
    printed = capsys.readouterr().out
    assert "1.100" in printed
    assert "0.500" in printed
    assert f"wrote {output}" in printed


def test_last_keeps_the_newest_runs(bench_compare: ModuleType, storage: Path, tmp_path: Path) -> None:
    output = tmp_path / "x.svg"
    assert bench_compare.main(["--storage", str(storage), "--output", str(output), "--last", "1"]) == 0
    labels = texts(output)
    assert any(label.startswith("0002 ") for label in labels)
    assert not any(label.startswith("0001 ") for label in labels)
    assert not any(label.endswith("vs previous") for label in labels)


def test_nothing_to_chart(
    bench_compare: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "x.svg"
    assert bench_compare.main(["--storage", str(tmp_path / "empty"), "--output", str(output)]) == 2
    assert not output.exists()
    assert "no saved benchmark runs" in capsys.readouterr().err
