"""``conform`` fed hostile files and hostile front doors: a huge or deeply nested snapshot, bodies that are
not base64, known deviations whose globs would backtrack, an outputs file that is not JSON, ``init`` into a
path that is a file, ``record`` against URLs that never answer or answer garbage (the raw hostile backend on
127.0.0.1). Each is one clear line and an exit code, never a traceback, a hang or a half-written file."""

from __future__ import annotations

import contextlib
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator.cli import main
from apigw_emulator.conform import SnapshotError
from apigw_emulator.conform.corpus import curated
from apigw_emulator.conform.diff import KnownDeviation, glob_match, load_known_deviations
from apigw_emulator.conform.record import GIVE_UP_AFTER, MAX_RESPONSE_BYTES, record
from apigw_emulator.conform.snapshot import FORMAT, MAX_SNAPSHOT_BYTES, load_snapshot
from tests.http_integrations._raw_backend import RawBackend, raw_backend


def _run(*arguments: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["conform", *arguments])
    return code, err.getvalue()


def _one_clear_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_hostile_snapshot_nested_too_deep_is_a_snapshot_error_not_a_recursion_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(SnapshotError, match="nested too deep"):
        load_snapshot(path)
    code, err = _run("check", str(path))
    assert code != 0
    assert "nested too deep" in _one_clear_line(err)


def test_hostile_snapshot_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as sparse:  # a sparse file: its size, not its bytes
        sparse.truncate(MAX_SNAPSHOT_BYTES + 1)
    with pytest.raises(SnapshotError, match="over the"):
        load_snapshot(path)


def test_hostile_snapshot_body_that_is_not_base64_is_a_snapshot_error_naming_where(tmp_path: Path) -> None:
    door = {"kind": "rest", "api": "RestText", "stage": "conform", "binaryMediaTypes": []}
    request = {"method": "GET", "target": "/x", "headers": [], "body": "not base64!!"}
    response = {"status": 200, "headers": [], "body": ""}
    document = {
        "format": FORMAT,
        "frontDoors": {"RestText": door},
        "entries": [{"id": "RestText/x", "frontDoor": "RestText", "request": request, "response": response}],
    }
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SnapshotError, match=r"body"):
        load_snapshot(path)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("*a" * 40 + "b", "a" * 400, False),
        ("*" * 5000 + "x", "y" * 5000, False),
        ("?" * 300 + "*", "z" * 299, False),
        ("RestText/*", "RestText/binary-body", True),
        ("*.headers.x-*", "response.headers.x-amzn-requestid", True),
        ("[a-z]+", "[a-z]+", True),
        ("(.*)", "abc", False),
    ],
)
def test_hostile_known_deviation_glob_matches_without_backtracking(
    pattern: str, text: str, expected: bool
) -> None:
    assert glob_match(pattern, text) is expected
    assert KnownDeviation(pattern, "*", "why").excuses(text, "any.field") is expected


def test_hostile_known_deviations_file_that_is_deep_or_not_a_list_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "deviations.yaml"
    path.write_text("a: [1, 2")
    with pytest.raises(ValueError, match="neither JSON nor YAML"):
        load_known_deviations(path)


def test_hostile_outputs_file_that_is_not_json_is_one_clear_line(tmp_path: Path) -> None:
    for name, text in (("garbage.json", "{not json"), ("deep.json", "[" * 200_000 + "]" * 200_000)):
        path = tmp_path / name
        path.write_text(text)
        code, err = _run("record", str(path), "-o", str(tmp_path / "out.json"))
        assert code != 0
        assert "is not JSON" in _one_clear_line(err)
        assert not (tmp_path / "out.json").exists()


def test_hostile_init_into_a_path_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me")
    code, err = _run("init", str(target))
    assert code != 0
    line = _one_clear_line(err)
    assert str(target) in line
    assert target.read_text() == "keep me"


@pytest.fixture(scope="module")
def hostile() -> Iterator[RawBackend]:
    with raw_backend() as backend:
        yield backend


@pytest.fixture
def silent_url() -> Iterator[str]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/never"


def test_hostile_record_against_a_url_that_never_answers_gives_up_on_it_after_a_few_timeouts(
    silent_url: str,
) -> None:
    corpus = curated(large_body=False)
    recording = record({"RestText": silent_url}, corpus, rate=1000, timeout=0.2)
    assert recording.snapshot.entries == ()
    assert len(recording.failures) == GIVE_UP_AFTER + 1
    assert "gave up on this front door" in recording.failures[-1]


@pytest.mark.parametrize("attack", ["not-http", "malformed-status", "close-at-once"])
def test_hostile_record_against_a_url_that_answers_garbage_gives_up_with_the_reason(
    hostile: RawBackend, attack: str, tmp_path: Path
) -> None:
    output = tmp_path / "snapshot.json"
    code, err = _run(
        "record", "--url", f"RestText={hostile.url}/{attack}", "-o", str(output), "--rate", "1000"
    )
    assert code != 0
    assert "Traceback" not in err
    assert "gave up on this front door" in err


@pytest.mark.parametrize("attack", ["endless-chunked", "trickle-body", "short-content-length"])
def test_hostile_record_response_body_is_bounded_in_size_and_time_and_never_recorded_cut_short(
    hostile: RawBackend, attack: str
) -> None:
    corpus = curated(large_body=False)[:1]
    recording = record({"RestText": f"{hostile.url}/{attack}"}, corpus, rate=1000, timeout=0.5)
    assert recording.snapshot.entries == ()
    assert len(recording.failures) == 1
    if attack != "short-content-length":
        assert f"/{attack}" not in hostile.completed  # the recorder hung up before the backend was done
    if attack == "endless-chunked":
        assert str(MAX_RESPONSE_BYTES) in recording.failures[0] or "timeout" in recording.failures[0]
