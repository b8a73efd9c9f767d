"""The diff's rules, one test each: what counts as the same field and what as a difference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator.conform import (
    FrontDoor,
    KnownDeviation,
    KnownDeviationsError,
    RecordedRequest,
    RecordedResponse,
    Snapshot,
    SnapshotEntry,
    load_known_deviations,
)
from apigw_emulator.conform.diff import ConformReport, diff_entry
from apigw_emulator.conform.replay import ReplayedEntry

_REQUEST = RecordedRequest("GET", "/")


def _entry(
    event: dict[str, Any] | None = None,
    response: RecordedResponse | None = None,
    result: Any = None,
) -> SnapshotEntry:
    return SnapshotEntry("Door/one", "Door", _REQUEST, response or RecordedResponse(200), result, event, None)


def _fields(
    recorded: SnapshotEntry,
    event: dict[str, Any] | None = None,
    response: RecordedResponse | None = None,
    known: tuple[KnownDeviation, ...] = (),
) -> dict[str, tuple[Any, Any]]:
    replayed = ReplayedEntry(recorded, response or recorded.response, event, None)
    _, differences = diff_entry(replayed, known=known)
    return {d.field: (d.to_json()["aws"], d.to_json()["emulator"]) for d in differences}


def test_a_rest_header_key_recased_is_one_field_missing_and_one_extra() -> None:
    recorded = _entry({"headers": {"User-Agent": "curl"}})
    assert _fields(recorded, {"headers": {"user-agent": "curl"}}) == {
        "event.headers.User-Agent": ("curl", "(absent)"),
        "event.headers.user-agent": ("(absent)", "curl"),
    }


def test_the_order_of_an_objects_keys_is_not_a_difference() -> None:
    recorded = _entry({"headers": {"a": "1", "b": "2"}})
    assert _fields(recorded, {"headers": {"b": "2", "a": "1"}}) == {}


def test_the_order_of_a_lists_values_is_a_difference() -> None:
    recorded = _entry({"multiValueHeaders": {"X-Probe": ["first", "second"]}})
    assert _fields(recorded, {"multiValueHeaders": {"X-Probe": ["second", "first"]}}) == {
        "event.multiValueHeaders.X-Probe[0]": ("first", "second"),
        "event.multiValueHeaders.X-Probe[1]": ("second", "first"),
    }


def test_null_and_an_absent_key_and_an_empty_string_are_three_different_things() -> None:
    recorded = _entry({"body": None, "pathParameters": None, "stageVariables": ""})
    assert _fields(recorded, {"pathParameters": "", "stageVariables": None}) == {
        "event.body": (None, "(absent)"),
        "event.pathParameters": (None, ""),
        "event.stageVariables": ("", None),
    }


def test_a_key_with_dots_is_quoted_in_its_path() -> None:
    recorded = _entry({"queryStringParameters": {"a.b": "1"}})
    assert _fields(recorded, {"queryStringParameters": {"a.b": "2"}}) == {
        'event.queryStringParameters["a.b"]': ("1", "2")
    }


def test_a_volatile_value_matches_any_value_of_its_kind() -> None:
    recorded = _entry({"requestContext": {"requestId": "<request-id:3>", "requestTimeEpoch": "<epoch:1>"}})
    ours = {"requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "requestTimeEpoch": 1}}
    assert _fields(recorded, ours) == {}


def test_two_values_aws_had_different_must_differ_in_the_emulator() -> None:
    recorded = _entry({"headers": {"X-Amzn-Trace-Id": "Root=<trace-id:1>", "X-Other": "Root=<trace-id:2>"}})
    same = "Root=1-6a5145a8-536f3e792f6be9b44c1f46fa"
    found = _fields(recorded, {"headers": {"X-Amzn-Trace-Id": same, "X-Other": same}})
    assert list(found) == ["event.headers.X-Other"]


def test_response_headers_compare_by_name_with_casing_duplicates_and_their_order() -> None:
    recorded = _entry(
        response=RecordedResponse(
            200, (("Content-Type", "text/plain"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")), b"x"
        ),
        result={"statusCode": 200},
    )
    reordered = RecordedResponse(
        200, (("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Type", "text/plain")), b"x"
    )
    assert _fields(recorded, response=reordered) == {}
    swapped = RecordedResponse(
        200, (("Content-Type", "text/plain"), ("Set-Cookie", "b=2"), ("set-cookie", "a=1")), b"x"
    )
    assert _fields(recorded, response=swapped) == {
        "response.headers.set-cookie": (
            [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]],
            [
                ["Set-Cookie", "b=2"],
                ["set-cookie", "a=1"],
            ],
        )
    }


def test_framing_headers_are_the_connections_and_not_compared() -> None:
    recorded = _entry(
        response=RecordedResponse(200, (("Content-Length", "1"), ("Connection", "keep-alive")), b"x"),
        result={"statusCode": 200},
    )
    assert _fields(recorded, response=RecordedResponse(200, (), b"x")) == {}


def test_a_results_body_is_compared_byte_for_byte_and_binary_as_base64() -> None:
    recorded = _entry(response=RecordedResponse(200, (), b"\xff\x00"), result={"statusCode": 200})
    assert _fields(recorded, response=RecordedResponse(200, (), b"\xff\x01")) == {
        "response.body": ("base64:/wA=", "base64:/wE=")
    }


def test_an_echo_body_is_not_compared_as_bytes_since_its_event_is_field_by_field() -> None:
    recorded = _entry({"a": 1}, response=RecordedResponse(200, (), b'{"event": {"a": 1}}'))
    assert _fields(recorded, {"a": 1}, RecordedResponse(200, (), b'{"event":{"a":1}}')) == {}


def test_an_event_on_one_side_only_is_one_difference() -> None:
    recorded = _entry({"a": 1})
    found = _fields(recorded, None, RecordedResponse(502, (), b"{}"))
    assert found["event"] == ("(an object)", "(absent)")
    assert found["response.status"] == (200, 502)


def test_a_known_deviation_excuses_by_entry_and_field_globs_and_says_why() -> None:
    recorded = _entry({"requestContext": {"a.b": {"x": 1}, "other": 1}})
    known = (KnownDeviation("Door/*", 'event.requestContext["a.b"].*', "because"),)
    replayed = ReplayedEntry(recorded, recorded.response, {"requestContext": {"a.b": {"x": 2}, "other": 2}})
    _, differences = diff_entry(replayed, known=known)
    assert [(d.field, d.excused_by) for d in differences] == [
        ('event.requestContext["a.b"].x', "because"),
        ("event.requestContext.other", None),
    ]


def test_known_deviations_with_brackets_match_literally(tmp_path: Path) -> None:
    path = tmp_path / "known.json"
    path.write_text(json.dumps([{"entry": "*", "field": "event.cookies[1]", "why": "cookies"}]))
    (deviation,) = load_known_deviations(path)
    assert deviation.excuses("Door/one", "event.cookies[1]")
    assert not deviation.excuses("Door/one", "event.cookies1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "neither JSON nor YAML"),
        ('{"other": 1}', "expected a list of deviations"),
        ("[1]", r"deviations\[0\]: expected an object"),
        ('[{"entry": "*", "field": "x"}]', r"deviations\[0\]\.why: expected a non-empty string"),
    ],
)
def test_a_bad_known_deviations_file_says_where(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnownDeviationsError, match=message):
        load_known_deviations(path)


def test_the_report_counts_fields_and_renders_a_table_per_front_door() -> None:
    recorded = _entry({"a": 1, "b": 2})
    compared, differences = diff_entry(ReplayedEntry(recorded, recorded.response, {"a": 1, "b": 3}))
    report = ConformReport({"Door": compared}, tuple(differences), 1)
    assert report.summary() == "2/3 fields match (1 entry)"  # event.a, event.b, response.status
    assert report.table().splitlines() == [
        "Door: 2/3 fields match",
        "  entry     field    AWS  emulator",
        "  Door/one  event.b  2    3",
    ]
    assert report.to_json()["frontDoors"]["Door"]["differences"][0]["field"] == "event.b"


def test_check_refuses_a_part_it_cannot_compare() -> None:
    from apigw_emulator.conform import SnapshotError, check  # noqa: PLC0415

    snapshot = Snapshot({"Door": FrontDoor("rest", "https://x/Prod", "Prod")}, ())
    with pytest.raises(SnapshotError, match="headers cannot be compared"):
        check(snapshot, parts=("headers",))


def test_a_known_deviation_that_excuses_nothing_is_reported_as_unused() -> None:
    recorded = _entry({"a": 1})
    used = KnownDeviation("*", "event.a", "differs")
    stale = KnownDeviation("*", "event.gone", "fixed long ago")
    _, differences = diff_entry(ReplayedEntry(recorded, recorded.response, {"a": 2}), known=(used, stale))
    report = ConformReport({"Door": 2}, tuple(differences), 1, (used, stale))
    assert report.passed
    assert report.unused_deviations == (stale,)
    assert report.summary().endswith("; 1 known deviation(s) excused nothing (1 entry)")
    assert (
        report.table().splitlines()[-1]
        == "known deviation that excused nothing: entry '*', field 'event.gone'"
    )
    assert report.to_json()["unusedDeviations"] == [
        {"entry": "*", "field": "event.gone", "why": "fixed long ago"}
    ]
