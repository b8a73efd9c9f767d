"""``conform check`` as a project uses it: the pytest helper on a snapshot kept in its tests, and the
command's answers to a snapshot it cannot use (exit 2, one line)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from apigw_emulator.cli import main
from apigw_emulator.conform import (
    FrontDoor,
    RecordedRequest,
    RecordedResponse,
    Snapshot,
    SnapshotEntry,
    SnapshotError,
    check,
    dump_snapshot,
)
from apigw_emulator.conform.normalise import normalise_snapshot
from apigw_emulator.conform.replay import replay
from apigw_emulator.testing import assert_conforms

_DOORS = {
    "RestBinary": FrontDoor(
        "rest", "https://<api-id:1>.execute-api.<region:1>.amazonaws.com/conform", "conform", ("*/*",)
    ),
    "HttpV2": FrontDoor("http", "https://<api-id:2>.execute-api.<region:1>.amazonaws.com"),
}


def _snapshot_of_the_emulator() -> Snapshot:
    """A snapshot whose 'AWS' side is the emulator's own answer (what serve would record)."""
    requests = [
        SnapshotEntry(
            f"{door}/get",
            door,
            RecordedRequest("GET", "/items/a%2Fb?q=1&q=2", (("X-Probe", "one"), ("x-probe", "two"))),
            RecordedResponse(200),
        )
        for door in _DOORS
    ]
    recorded = [
        dataclasses.replace(r.entry, response=r.response, event=r.event, context=r.context)
        for r in replay(Snapshot(_DOORS, tuple(requests)))
    ]
    return normalise_snapshot(Snapshot(_DOORS, tuple(recorded)))


def test_assert_conforms_passes_on_a_snapshot_the_emulator_matches(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    dump_snapshot(_snapshot_of_the_emulator(), path)
    assert_conforms(path)


def test_assert_conforms_fails_with_each_differing_field_and_the_summary(tmp_path: Path) -> None:
    snapshot = _snapshot_of_the_emulator()
    first = snapshot.entries[0]
    assert first.event is not None
    changed = dataclasses.replace(first, event={**first.event, "resource": "/other"})
    path = tmp_path / "snapshot.json"
    dump_snapshot(dataclasses.replace(snapshot, entries=(changed, *snapshot.entries[1:])), path)
    with pytest.raises(AssertionError) as failure:
        assert_conforms(path)
    message = str(failure.value)
    assert "does not conform" in message
    assert "RestBinary/get  event.resource" in message
    assert '"/other"' in message
    known = tmp_path / "known.yaml"
    known.write_text("- {entry: RestBinary/get, field: event.resource, why: renamed}\n", encoding="utf-8")
    assert_conforms(path, known_deviations=known)


def test_a_front_door_the_template_does_not_have_is_a_snapshot_error() -> None:
    snapshot = Snapshot({"Nope": FrontDoor("rest", "https://x/Prod", "Prod")}, ())
    with pytest.raises(SnapshotError, match=r"frontDoors\.Nope: the template .* has no API 'Nope'"):
        check(snapshot)


def test_a_front_door_of_another_kind_in_the_template_is_a_snapshot_error() -> None:
    snapshot = Snapshot({"HttpV2": FrontDoor("rest", "https://x/Prod", "Prod")}, ())
    with pytest.raises(SnapshotError, match=r"a rest front door, but the template's HttpV2 is http"):
        check(snapshot)


def test_a_rest_front_door_recorded_with_other_binary_media_types_is_a_snapshot_error() -> None:
    snapshot = Snapshot({"RestBinary": FrontDoor("rest", "https://x/conform", "conform", ("image/png",))}, ())
    with pytest.raises(
        SnapshotError, match=r"binaryMediaTypes \['image/png'\], but the template .* gives \['\*/\*'\]"
    ):
        check(snapshot)
    same = Snapshot({"RestBinary": FrontDoor("rest", "https://x/conform", "conform", ("*~1*",))}, ())
    assert check(same).passed  # SAM's ~1 spelling is the same type


def test_conform_check_exits_2_with_one_line_for_what_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "snapshot.json"
    dump_snapshot(_snapshot_of_the_emulator(), good)
    not_json = tmp_path / "broken.json"
    not_json.write_text("{", encoding="utf-8")
    bad_known = tmp_path / "known.yaml"
    bad_known.write_text("[1]", encoding="utf-8")
    unknown_door = tmp_path / "unknown.json"
    document = json.loads(good.read_text(encoding="utf-8"))
    document["frontDoors"]["Elsewhere"] = document["frontDoors"].pop("HttpV2")
    for entry in document["entries"]:
        entry["frontDoor"] = entry["frontDoor"].replace("HttpV2", "Elsewhere")
    unknown_door.write_text(json.dumps(document), encoding="utf-8")
    for argv, said in (
        ([str(tmp_path / "missing.json")], "missing.json: no such file"),
        ([str(not_json)], "broken.json: not JSON"),
        ([str(good), "--known-deviations", str(bad_known)], r"deviations[0]: expected an object"),
        ([str(unknown_door)], "frontDoors.Elsewhere: the template"),
    ):
        assert main(["conform", "check", *argv]) == 2
        err = capsys.readouterr().err
        assert said in err
        assert len(err.strip().splitlines()) == 1


def test_conform_check_compares_only_the_parts_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = _snapshot_of_the_emulator()
    first = snapshot.entries[0]
    changed = dataclasses.replace(first, response=RecordedResponse(418, first.response.headers))
    path = tmp_path / "snapshot.json"
    dump_snapshot(dataclasses.replace(snapshot, entries=(changed, *snapshot.entries[1:])), path)
    assert main(["conform", "check", str(path)]) == 1
    assert "response.status" in capsys.readouterr().out
    assert main(["conform", "check", str(path), "--compare", "event", "--compare", "context"]) == 0
    capsys.readouterr()
    assert main(["conform", "check", str(path), "--json", "-"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["passed"] is False
    assert [d["field"] for d in report["frontDoors"]["RestBinary"]["differences"]] == ["response.status"]
    assert captured.err.strip() == report["summary"]


def test_a_recorded_header_value_is_replayed_as_the_bytes_it_was_sent_as() -> None:
    """A value's characters are the bytes sent, read as Latin-1 (what requests and http.client send), and
    the front door reads those bytes as the local server does: UTF-8 when valid, else Latin-1."""
    headers = (("X-Utf8", "\u00c2\u00b4"), ("X-Latin1", "\u00e9"), ("X-Ascii", "plain"))
    entry = SnapshotEntry("HttpV2/h", "HttpV2", RecordedRequest("GET", "/h", headers), RecordedResponse(200))
    (replayed,) = replay(Snapshot({"HttpV2": _DOORS["HttpV2"]}, (entry,)))
    assert replayed.event is not None
    seen = replayed.event["headers"]
    assert (seen["x-utf8"], seen["x-latin1"], seen["x-ascii"]) == ("\u00b4", "\u00e9", "plain")


def test_check_runs_the_echo_function_in_worker_processes_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    report = check(_snapshot_of_the_emulator(), isolation="process")
    assert report.passed, report.table()
    assert "REPORT RequestId" not in capfd.readouterr().err  # the function's log lines are dropped


def test_conform_check_lists_excused_differences_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = _snapshot_of_the_emulator()
    first = snapshot.entries[0]
    changed = dataclasses.replace(first, response=RecordedResponse(418, first.response.headers))
    path, known = tmp_path / "snapshot.json", tmp_path / "known.json"
    dump_snapshot(dataclasses.replace(snapshot, entries=(changed, *snapshot.entries[1:])), path)
    known.write_text(json.dumps([{"entry": "*", "field": "response.status", "why": "teapot"}]))
    assert main(["conform", "check", str(path), "--known-deviations", str(known)]) == 0
    assert "response.status" not in capsys.readouterr().out
    assert main(["conform", "check", str(path), "--known-deviations", str(known), "--all"]) == 0
    assert "RestBinary/get (known)  response.status  418" in capsys.readouterr().out
