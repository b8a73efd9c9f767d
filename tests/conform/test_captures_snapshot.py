"""The live AWS captures in ../shared/conformance/events as the first snapshot the suite checks (skipped
where that folder is absent): each captured event becomes an entry whose request is rebuilt from the
event and whose front door is read from it, and ``conform check`` compares the event the emulator makes
of that request with the capture. Every difference is a known deviation with its reason
(captures-known-deviations.yaml): typed-logger artefacts and edits SOURCES.md describes, the older 2018
event shape, ids of the capture's deployment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_emulator.cli import main
from apigw_emulator.conform import (
    Snapshot,
    SnapshotError,
    check,
    dump_snapshot,
    load_known_deviations,
    load_snapshot,
)
from apigw_emulator.conform.captures import capture_entry, snapshot_from_captures
from apigw_emulator.conform.replay import replay
from tests.conftest import EVENTS_DIR

KNOWN = Path(__file__).parent / "captures-known-deviations.yaml"
#: Not one event each, or not AWS's truth (SOURCES.md): left out, as tests/test_conformance.py does.
LEFT_OUT = frozenset(
    {
        "SYNTHETIC-rest-v1-bref-body-base64.json",  # written by hand
        "http-v1-dotnet-preview-2019.json",  # HTTP API preview behaviour
        "rest-v1-response-validation-localstack-aws-validated.json",  # responses, not events
        "rest-v1-localstack-aws-validated-snapshot.json",  # LocalStack snapshot entries, not one event
        "function-url-localstack-aws-validated-snapshots.json",  # the same
    }
)


def _captures() -> list[Path]:
    if not EVENTS_DIR.is_dir():
        pytest.skip(f"shared conformance events not available ({EVENTS_DIR} is missing)")
    return sorted(path for path in EVENTS_DIR.glob("*.json") if path.name not in LEFT_OUT)


def test_the_live_captures_conform_beyond_their_known_deviations() -> None:
    files = _captures()
    snapshot = snapshot_from_captures(files)
    assert len(snapshot.entries) == len(files) == 14
    report = check(snapshot, parts=("event",), known_deviations=KNOWN)
    assert report.passed, report.summary() + "\n" + report.table()
    assert report.unused_deviations == (), "a known deviation that no longer happens: remove it"
    assert report.total > 500
    matching = report.total - len(report.differences)
    assert matching / report.total > 0.75, report.summary()


def test_every_front_door_kind_is_in_the_captures_snapshot() -> None:
    snapshot = snapshot_from_captures(_captures())
    assert {door.kind for door in snapshot.front_doors.values()} == {"rest", "http", "function-url", "alb"}


def test_a_capture_becomes_its_request_rebuilt_below_the_stage_and_its_front_door() -> None:
    path = EVENTS_DIR / "rest-v1-voker-live-2026.json"
    if not path.is_file():
        pytest.skip(f"shared conformance events not available ({path} is missing)")
    event = json.loads(path.read_text(encoding="utf-8"))
    door, entry = capture_entry("voker", event)
    assert (door.kind, door.stage) == ("rest", "live")
    assert door.options is not None
    assert door.options["api_id"] == event["requestContext"]["apiId"]
    assert entry.request.method == "POST"
    assert entry.request.target.startswith("/capture/space%20value?")
    names = [name.lower() for name, _ in entry.request.headers]
    assert "host" not in names
    assert "x-amzn-trace-id" not in names
    assert ("x-voker-probe", "first") in entry.request.headers


def test_a_file_that_is_not_one_event_is_a_snapshot_error(tmp_path: Path) -> None:
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"list\.json: expected one event"):
        snapshot_from_captures([listing])
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"other: not a captured event of a known front door"):
        snapshot_from_captures([other])


def test_the_known_deviations_of_the_captures_each_say_why() -> None:
    deviations = load_known_deviations(KNOWN)
    assert len(deviations) >= 10
    assert all(len(d.why) > 10 for d in deviations)


def test_the_captures_snapshot_written_to_a_file_checks_the_same_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = snapshot_from_captures(_captures())
    path = tmp_path / "captures.json"
    dump_snapshot(snapshot, path)
    assert load_snapshot(path) == snapshot  # the front doors' options survive the file
    argv = ["conform", "check", str(path), "--compare", "event", "--known-deviations", str(KNOWN)]
    assert main(argv) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.endswith("differing field(s) excused by known deviations (14 entries)")
    assert main(argv[:5]) == 1  # without the known deviations, the differences fail the check


def test_a_captured_header_beyond_latin_1_reaches_the_emulator_as_the_same_text() -> None:
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/",
        "rawQueryString": "",
        "headers": {"x-name": "Zoë \u2603", "host": "abc.example"},
        "requestContext": {"http": {"method": "GET", "path": "/", "sourceIp": "1.2.3.4"}},
        "isBase64Encoded": False,
    }
    door, entry = capture_entry("snowman", event)
    snapshot = Snapshot({"snowman": door}, (entry,))
    (replayed,) = replay(snapshot)
    assert replayed.event is not None
    assert replayed.event["headers"]["x-name"] == "Zoë \u2603"
