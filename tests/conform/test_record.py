"""``conform record`` against the emulator's own ``serve`` of the echo stack (real HTTP, a real server
process): a valid, normalised snapshot of every request as sent, the event the function got and the response
the client got."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator.cli import main
from apigw_emulator.conform.corpus import CorpusRequest, curated, generated
from apigw_emulator.conform.record import RecordError, read_outputs, record
from apigw_emulator.conform.snapshot import Snapshot, SnapshotEntry, load_snapshot
from apigw_emulator.conform.stack import ECHO_FRONT_DOORS, write_echo_stack

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
GENERATED = 4


@pytest.fixture(scope="module")
def urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The echo stack served by ``apigw-emulator serve``: each front door's URL by name. Its stderr (a
    log line per invocation) goes to a file: a pipe nobody reads would fill and stop the server."""
    folder = tmp_path_factory.mktemp("echo-stack")
    write_echo_stack(folder)
    log = folder / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "apigw_emulator", "serve", "--template", "template.yaml", "--port", "0"],
            cwd=folder,
            stderr=sink,
        )
        try:
            deadline = time.monotonic() + 60
            while (
                " run in " not in log.read_text() and process.poll() is None and time.monotonic() < deadline
            ):
                time.sleep(0.1)
            banner = log.read_text()
            by_api = dict(re.findall(r"  (\w+): the .* on (http://127\.0\.0\.1:\d+)/", banner))
            assert len(by_api) == len(ECHO_FRONT_DOORS), banner
            yield {name: by_api[door.api] for name, door in ECHO_FRONT_DOORS.items()}
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def recorded(urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Snapshot, str, str]:
    """``conform record`` of the served stack, the outputs given as ``sam list stack-outputs`` writes them
    (the function URL with its trailing slash): the snapshot, the file's text and the command's stderr."""
    folder = tmp_path_factory.mktemp("recording")
    outputs = [
        {"OutputKey": name, "OutputValue": url + ("/" if name == "FunctionUrl" else ""), "Description": "x"}
        for name, url in urls.items()
    ]
    (folder / "outputs.json").write_text(json.dumps(outputs))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(
            [
                "conform",
                "record",
                str(folder / "outputs.json"),
                "-o",
                str(folder / "snapshot.json"),
                "--generated",
                str(GENERATED),
                "--rate",
                "500",
            ]
        )
    assert code == 0, err.getvalue()
    text = (folder / "snapshot.json").read_text(encoding="utf-8")
    return load_snapshot(folder / "snapshot.json"), text, err.getvalue()


def _entry(snapshot: Snapshot, entry_id: str) -> SnapshotEntry:
    return next(entry for entry in snapshot.entries if entry.id == entry_id)


def _header(pairs: Any, name: str) -> list[str]:
    return [value for key, value in pairs if key.lower() == name.lower()]


def test_record_sends_the_whole_corpus_to_every_front_door(recorded: tuple[Snapshot, str, str]) -> None:
    snapshot, _, err = recorded
    assert set(snapshot.front_doors) == set(ECHO_FRONT_DOORS)
    assert not snapshot.front_doors["FunctionUrl"].url.endswith("/")
    assert snapshot.front_doors["RestBinary"].binary_media_types == ("*/*",)
    per_door = len(curated()) + GENERATED
    assert len(snapshot.entries) == per_door * len(ECHO_FRONT_DOORS)
    total = per_door * len(ECHO_FRONT_DOORS)
    assert f"apigw-emulator: recording 1/{total} RestBinary/get-root" in err
    assert f"apigw-emulator: wrote {total} entries to " in err


def test_every_echo_entry_holds_the_event_and_the_context_the_function_got(
    recorded: tuple[Snapshot, str, str],
) -> None:
    snapshot, _, _ = recorded
    echoes = [  # a HEAD response has no body, so no echo
        entry
        for entry in snapshot.entries
        if entry.result is None and entry.response.status == 200 and entry.request.method != "HEAD"
    ]
    assert len(echoes) > len(snapshot.entries) // 2
    for entry in echoes:
        assert entry.event is not None, entry.id
        assert entry.context is not None, entry.id
        assert entry.context["remaining_time_in_millis_positive"] is True
    png = _entry(snapshot, "RestBinary/post-png")
    assert png.event is not None
    assert base64.b64decode(png.event["body"]) == png.request.body
    assert png.event["isBase64Encoded"] is True


def test_duplicate_headers_are_sent_as_two_header_lines(recorded: tuple[Snapshot, str, str]) -> None:
    snapshot, _, _ = recorded
    rest = _entry(snapshot, "RestText/get-duplicate-header")
    assert _header(rest.request.headers, "X-Probe") == ["first", "second"]
    assert rest.event is not None
    assert rest.event["multiValueHeaders"]["X-Probe"] == ["first", "second"]
    assert rest.event["headers"]["X-Probe"] == "second"
    http = _entry(snapshot, "HttpV2/get-duplicate-header")
    assert http.event is not None
    assert http.event["headers"]["x-probe"] == "first,second"


def test_an_encoded_path_is_sent_as_written(recorded: tuple[Snapshot, str, str]) -> None:
    snapshot, _, _ = recorded
    entry = _entry(snapshot, "RestText/get-encoded-path")
    assert entry.request.target == "/echo/a%20b/c%2Fd/e%25f/caf%C3%A9/%2B+"
    assert entry.event is not None
    assert entry.event["path"] == "/echo/a%20b/c%2Fd/e%25f/caf%C3%A9/%2B+"


def test_cookies_a_response_set_are_not_sent_again(recorded: tuple[Snapshot, str, str]) -> None:
    snapshot, _, _ = recorded
    assert _header(_entry(snapshot, "RestText/result-set-cookie-headers").response.headers, "Set-Cookie")
    for entry in snapshot.entries:
        if entry.event is not None and entry.front_door.startswith("Rest"):
            sent = bool(_header(entry.request.headers, "Cookie"))
            assert ("Cookie" in (entry.event["multiValueHeaders"] or {})) is sent, entry.id


def test_percent_escapes_keep_their_case_as_sent(urls: dict[str, str]) -> None:
    target = "/echo/caf%c3%a9/%C3%A9?q=%c3%a9"
    request = CorpusRequest("lower-escapes", "GET", target, (("User-Agent", "t"),))
    (entry,) = record({"RestText": urls["RestText"]}, [request], rate=100).snapshot.entries
    assert entry.request.target == target
    assert entry.event is not None
    assert entry.event["path"] == "/echo/caf%c3%a9/%C3%A9"


def test_an_asked_result_is_recorded_with_the_response_it_gave(recorded: tuple[Snapshot, str, str]) -> None:
    snapshot, _, _ = recorded
    created = _entry(snapshot, "HttpV2/result-status-201")
    assert created.result == {"statusCode": 201, "body": "created"}
    assert (created.event, created.response.status, created.response.body) == (None, 201, b"created")
    malformed = _entry(snapshot, "RestText/result-string")
    assert malformed.result == "just a string"
    assert (malformed.response.status, json.loads(malformed.response.body)) == (
        502,
        {"message": "Internal server error"},
    )
    image = _entry(snapshot, "RestBinary/result-png-accept-png")
    assert image.response.body.startswith(b"\x89PNG")
    cookies = _entry(snapshot, "HttpV2/result-cookies")
    assert _header(cookies.response.headers, "Set-Cookie") == ["a=1; Path=/", "b=2; Secure"]


def test_the_snapshot_holds_no_request_id_account_or_address(recorded: tuple[Snapshot, str, str]) -> None:
    snapshot, text, _ = recorded
    bodies = "".join(entry.response.body.decode("utf-8", "replace") for entry in snapshot.entries)
    for where in (text, bodies):
        assert UUID.search(where) is None
        assert "123456789012" not in where
        assert '"sourceIp": "127.0.0.1"' not in where
    assert '"<account:1>"' in text


def test_equal_values_get_equal_placeholders(recorded: tuple[Snapshot, str, str]) -> None:
    snapshot, _, _ = recorded
    rest = _entry(snapshot, "RestBinary/get-root")
    assert rest.event is not None
    assert rest.context is not None
    request_id = rest.event["requestContext"]["requestId"]
    assert re.fullmatch(r"<request-id:\d+>", request_id)
    assert _header(rest.response.headers, "x-amzn-RequestId") == [request_id]
    http = _entry(snapshot, "HttpV2/get-root")
    assert http.event is not None
    assert _header(http.response.headers, "apigw-requestid") == [http.event["requestContext"]["requestId"]]
    url = _entry(snapshot, "FunctionUrl/get-root")
    assert url.event is not None
    assert url.context is not None
    assert url.event["requestContext"]["requestId"] == url.context["aws_request_id"]
    assert rest.event["requestContext"]["accountId"] == http.event["requestContext"]["accountId"]


def test_an_echo_response_body_is_the_normalised_echo_document(recorded: tuple[Snapshot, str, str]) -> None:
    snapshot, _, _ = recorded
    entry = _entry(snapshot, "HttpV1/post-json")
    assert json.loads(entry.response.body) == {"event": entry.event, "context": entry.context}
    assert _header(entry.response.headers, "Content-Length") == ["<echo-length:1>"]


def test_the_outputs_file_may_come_from_cloudformation_or_be_a_plain_object(tmp_path: Path) -> None:
    stacks = {"Stacks": [{"Outputs": [{"OutputKey": "HttpV2", "OutputValue": "https://a.example"}]}]}
    (tmp_path / "cfn.json").write_text(json.dumps(stacks))
    assert read_outputs(tmp_path / "cfn.json") == {"HttpV2": "https://a.example"}
    (tmp_path / "plain.json").write_text(json.dumps({"RestText": "https://b.example/conform", "Other": "x"}))
    assert read_outputs(tmp_path / "plain.json") == {"RestText": "https://b.example/conform"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--url", "Nope=http://127.0.0.1:1"], "'Nope' is not a front door of the echo stack"),
        (["--url", "HttpV2"], "--url 'HttpV2': expected NAME=URL"),
        (["--url", "HttpV2=ftp://x"], "expected an http(s) URL without query"),
        ([], "give the stack's outputs file"),
        (["missing-outputs.json"], "can't read the outputs file 'missing-outputs.json'"),
        (["--generated", "-1", "--url", "HttpV2=http://x"], None),
        (["--generated", "100000", "--url", "HttpV2=http://x"], "more than 5000 (fewer --generated"),
    ],
)
def test_record_refuses_what_it_cannot_use_in_one_line(
    arguments: list[str],
    message: str | None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) if message is None else contextlib.nullcontext():
        code = main(["conform", "record", *arguments])
        assert code == 2
    err = capsys.readouterr().err
    if message is not None:
        assert message in err
        assert err.count("\n") == 1, err
    assert not (tmp_path / "snapshot.json").exists()


def test_a_front_door_that_does_not_answer_is_reported_and_the_others_recorded(
    urls: dict[str, str], tmp_path: Path
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}"
    corpus = curated()[:2]
    recording = record({"HttpV2": urls["HttpV2"], "HttpV1": closed}, corpus, rate=100, timeout=5)
    assert [entry.id for entry in recording.snapshot.entries] == ["HttpV2/get-root", "HttpV2/get-path"]
    assert [failure.split(":")[0] for failure in recording.failures] == ["HttpV1/get-root", "HttpV1/get-path"]
    assert "ConnectionError" in recording.failures[0]


def test_record_refuses_more_requests_than_its_bound(urls: dict[str, str]) -> None:
    with pytest.raises(RecordError, match=r"\d+ requests \(5 front doors x \d+\): more than 10"):
        record(urls, curated(), max_requests=10)


def test_the_rate_limit_spaces_the_requests(urls: dict[str, str]) -> None:
    corpus = curated()[:6]
    started = time.monotonic()
    record({"HttpV2": urls["HttpV2"]}, corpus, rate=10)
    assert time.monotonic() - started >= 0.5  # six requests at ten a second: five gaps of 0.1 s at least


def test_generated_requests_are_the_same_for_the_same_seed() -> None:
    first, again, other = generated(5, seed=7), generated(5, seed=7), generated(5, seed=8)
    assert first == again
    assert first != other
    assert len({request.id for request in first}) == 5
