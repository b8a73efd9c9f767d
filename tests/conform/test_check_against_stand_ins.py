"""``conform check`` against stand-ins for AWS, on real sockets (no AWS account is reachable here):

- a snapshot recorded from the emulator's own ``serve`` of the echo stack passes with zero differences;
- recorded through a proxy that deviates on purpose, the check reports exactly the fields it changed;
- so does ``conform record``'s own recording of ``serve`` (its curated corpus and generated requests).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator.cli import main
from apigw_emulator.conform import Snapshot, check, dump_snapshot
from apigw_emulator.conform.corpus import curated, generated
from apigw_emulator.conform.diff import ABSENT
from apigw_emulator.conform.record import record as conform_record
from tests.conform._stand_ins import DROPPED, Door, deviating_proxies, record, serve_echo_stack


@pytest.fixture(scope="module")
def doors() -> Iterator[list[Door]]:
    with serve_echo_stack() as served:
        yield served


@pytest.fixture(scope="module")
def served_snapshot(doors: list[Door]) -> Snapshot:
    return record(doors)


@pytest.fixture(scope="module")
def proxied_snapshot(doors: list[Door]) -> Snapshot:
    with deviating_proxies(doors) as ports:
        return record(doors, port_of=ports)


def test_a_snapshot_of_serve_passes_check_with_zero_differences(served_snapshot: Snapshot) -> None:
    kinds = {door.kind for door in served_snapshot.front_doors.values()}
    assert kinds == {"rest", "http", "http-v1", "function-url"}
    assert len(served_snapshot.entries) == 30
    report = check(served_snapshot)
    assert report.differences == (), report.table()
    assert report.passed
    assert report.total > 1000
    assert report.summary() == f"{report.total}/{report.total} fields match (30 entries)"


def test_the_snapshot_of_serve_holds_placeholders_not_volatile_values(served_snapshot: Snapshot) -> None:
    text = json.dumps([entry.to_json() for entry in served_snapshot.entries])
    assert "<request-id:1>" in text
    assert "<epoch:1>" in text
    rest = next(e for e in served_snapshot.entries if e.id == "RestBinary/get-encoded")
    assert rest.event is not None
    assert re.fullmatch(r"<request-id:\d+>", rest.event["requestContext"]["requestId"])


def _expected_deviations(snapshot: Snapshot) -> set[tuple[str, str]]:
    """What the proxy changed, read from what it answered: each re-cased Content-Type, each dropped
    field, each re-encoded body."""
    expected = set()
    for entry in snapshot.entries:
        names = [name for name, _ in entry.response.headers]
        if "content-TYPE" in names:
            expected.add((entry.id, "response.headers.content-type"))
        if entry.event is not None:
            assert DROPPED[1] not in entry.event[DROPPED[0]]
            expected.add((entry.id, f"event.{DROPPED[0]}.{DROPPED[1]}"))
        if entry.response.header("content-type") == "application/octet-stream":
            expected.add((entry.id, "response.body"))
    return expected


def test_a_deviating_proxy_is_reported_exactly_field_by_field(proxied_snapshot: Snapshot) -> None:
    report = check(proxied_snapshot)
    found = {(d.entry, d.field) for d in report.differences}
    expected = _expected_deviations(proxied_snapshot)
    assert found == expected
    assert {field for _, field in found} == {
        "response.headers.content-type",
        "event.requestContext.domainName",
        "response.body",
    }
    dropped = next(d for d in report.differences if d.field == "event.requestContext.domainName")
    assert dropped.aws is not None
    assert dropped.to_json()["aws"] == ABSENT
    assert dropped.emulator.endswith(".amazonaws.com") or dropped.emulator.endswith(".on.aws")
    recased = next(d for d in report.differences if d.field == "response.headers.content-type")
    assert recased.aws[0][0] == "content-TYPE"
    assert recased.emulator[0][0].lower() == "content-type"
    assert recased.emulator[0][0] != "content-TYPE"
    assert not report.passed


def test_known_deviations_excuse_exactly_the_differences_they_name(
    proxied_snapshot: Snapshot, tmp_path: Path
) -> None:
    deviations = tmp_path / "known.yaml"
    deviations.write_text(
        "deviations:\n"
        "  - entry: '*'\n"
        "    field: response.headers.content-type\n"
        "    why: the proxy re-cases it\n"
        "  - entry: '*/get-encoded'\n"
        "    field: event.requestContext.domain*\n"
        "    why: the proxy drops it\n",
        encoding="utf-8",
    )
    report = check(proxied_snapshot, known_deviations=deviations)
    left = {(d.entry, d.field) for d in report.unexcused}
    expected = {
        key
        for key in _expected_deviations(proxied_snapshot)
        if key[1] == "response.body" or (key[1].startswith("event.") and not key[0].endswith("/get-encoded"))
    }
    assert left == expected
    excused = [d for d in report.differences if d.excused_by is not None]
    assert {d.excused_by for d in excused} == {"the proxy re-cases it", "the proxy drops it"}
    assert not report.passed


def test_conform_check_exits_0_on_serve_and_1_on_the_proxy_with_a_json_report(
    served_snapshot: Snapshot, proxied_snapshot: Snapshot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "served.json", tmp_path / "proxied.json"
    dump_snapshot(served_snapshot, good)
    dump_snapshot(proxied_snapshot, bad)
    assert main(["conform", "check", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith("fields match (30 entries)")
    report_path = tmp_path / "report.json"
    assert main(["conform", "check", str(bad), "--json", str(report_path)]) == 1
    out = capsys.readouterr().out
    assert "RestBinary/get-encoded" in out
    assert "event.requestContext.domainName" in out
    assert "content-TYPE: application/json" in out  # response headers as they read on the wire
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["passed"] is False
    listed = {(d["entry"], d["field"]) for door in report["frontDoors"].values() for d in door["differences"]}
    assert listed == _expected_deviations(proxied_snapshot)
    assert report["differences"] == len(listed)


def test_conform_record_of_serve_passes_check_with_zero_differences(doors: list[Door]) -> None:
    """The recorder's own corpus (curated and 50 generated requests, as ``conform record`` sends by
    default) against ``serve``: nothing differs, no known deviation needed."""
    urls = {door.name: f"http://127.0.0.1:{door.port}" for door in doors}
    recording = conform_record(urls, curated() + generated(50), rate=1000.0)
    assert recording.failures == []
    assert len(recording.snapshot.entries) == 5 * (len(curated()) + 50)
    report = check(recording.snapshot)
    assert report.differences == (), report.table()
    assert report.total > 20000
