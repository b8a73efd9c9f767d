"""Normalisation of what changes from call to call, on values as AWS writes them: the live captures of the
shared conformance folder (read from there; skipped where it is absent) and response headers of the shapes
the spec lists."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from apigw_emulator import Gateway, gateway_options_from_event, request_from_event
from apigw_emulator.conform.normalise import Normaliser, normalise_snapshot
from apigw_emulator.conform.snapshot import (
    FrontDoor,
    RecordedRequest,
    RecordedResponse,
    Snapshot,
    SnapshotEntry,
)
from tests.conftest import load_shared_event

LIVE = {
    "rest": "rest-v1-voker-live-2026.json",
    "http": "http-v2-voker-live-2026.json",
    "function-url": "function-url-voker-live-2026.json",
    "alb": "alb-multivalue-voker-live-2026.json",
}
#: What must not be left in a normalised event: UUIDs, X-Ray ids, IPv4 addresses, account ids.
LEFT_OVER = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|1-[0-9a-f]{8}-[0-9a-f]{24}"
    r"|\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b|\b\d{12}\b|\b1783\d{9}\b"
)


def _without_body(event: Any) -> str:
    return json.dumps({k: v for k, v in event.items() if k != "body"})


@pytest.mark.parametrize("kind", list(LIVE))
def test_a_live_event_keeps_no_id_time_address_or_account(kind: str) -> None:
    event = load_shared_event(LIVE[kind])
    normalised = Normaliser().value(None, event)
    assert LEFT_OVER.findall(_without_body(normalised)) == []
    assert normalised.get("body") == event.get("body")  # the request's own body is what was sent


def test_rest_request_ids_times_and_addresses_become_numbered_placeholders() -> None:
    event = load_shared_event(LIVE["rest"])
    context = Normaliser().value(None, event)["requestContext"]
    # Numbered in the order of the sorted keys: extendedRequestId (16 characters) before requestId (a UUID).
    assert context["extendedRequestId"] == "<request-id:1>"
    assert context["requestId"] == "<request-id:2>"
    assert (context["requestTime"], context["requestTimeEpoch"]) == ("<time:1>", "<epoch:1>")
    assert (context["accountId"], context["apiId"], context["resourceId"]) == (
        "<account:1>",
        "<api-id:1>",
        "<resource-id:1>",
    )
    assert context["domainName"] == "<api-id:1>.execute-api.<region:1>.amazonaws.com"
    assert context["identity"]["sourceIp"] == "<ip:1>"


def test_equal_values_keep_equal_placeholders_wherever_they_are() -> None:
    event = load_shared_event(LIVE["rest"])
    normalised = Normaliser().value(None, event)
    headers, multi = normalised["headers"], normalised["multiValueHeaders"]
    assert headers["X-Forwarded-For"] == normalised["requestContext"]["identity"]["sourceIp"] == "<ip:1>"
    assert headers["X-Amzn-Trace-Id"] == multi["X-Amzn-Trace-Id"][0] == "Root=<trace-id:1>"
    assert headers["Host"] == normalised["requestContext"]["domainName"]
    assert normalised["requestContext"]["domainPrefix"] == "<api-id:1>"


def test_http_api_ids_of_sixteen_characters_and_epochs_in_milliseconds() -> None:
    event = load_shared_event(LIVE["http"])
    context = Normaliser().value(None, event)["requestContext"]
    assert event["requestContext"]["requestId"] == "ATfSmjLgPHcESJw="
    assert (context["requestId"], context["time"], context["timeEpoch"]) == (
        "<request-id:1>",
        "<time:1>",
        "<epoch:1>",
    )
    assert context["http"]["sourceIp"] == "<ip:1>"


def test_a_function_url_keeps_its_anonymous_account_and_names_its_url_id() -> None:
    event = load_shared_event(LIVE["function-url"])
    normalised = Normaliser().value(None, event)
    assert normalised["requestContext"]["accountId"] == "anonymous"
    assert (
        normalised["requestContext"]["apiId"] == normalised["requestContext"]["domainPrefix"] == "<url-id:1>"
    )
    assert normalised["headers"]["host"] == "<url-id:1>.lambda-url.<region:1>.on.aws"
    assert normalised["headers"]["x-amzn-tls-version"] == "TLSv1.3"  # the same on every call: kept


def test_an_alb_trace_header_with_its_self_and_root_ids() -> None:
    normaliser = Normaliser()
    value = "Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;CalledFrom=app"
    # The Self id of the spec's example has 23 hex digits: not an X-Ray id, kept; the Root is one.
    assert (
        normaliser.text(value) == "Self=1-67891234-12456789abcdef012345678;Root=<trace-id:1>;CalledFrom=app"
    )
    assert normaliser.text("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1") == (
        "Root=<trace-id:2>;Parent=<trace-parent:1>;Sampled=1"
    )


def test_response_headers_of_rest_http_and_edge_endpoints() -> None:
    normaliser = Normaliser()
    headers = (
        ("Date", "Mon, 07 Dec 2026 15:00:00 GMT"),
        ("x-amzn-RequestId", "7C2AF7DB-31F3-42B5-8A6D-9FFC74E3B9E0"),
        ("x-amz-apigw-id", "ATfSdF7nPHcErRA="),
        ("X-Amzn-Trace-Id", "Root=1-6a5145a8-536f3e792f6be9b44c1f46fa;Parent=1c2f3e4d5a6b7c8d;Sampled=0"),
        ("Via", "1.1 d433131ce6fb193a9b9cabf463ebf509.cloudfront.net (CloudFront)"),
        ("X-Amz-Cf-Pop", "IAD89-P1"),
        ("X-Amz-Cf-Id", "6fUXai0Hn_TC-BfNPYMvboZzHfNM8D8gwGH-bAn98Rl9YxA9hB8MfQ=="),
        ("x-amzn-Remapped-Date", "Thu, 01 Jan 2015 00:00:00 GMT"),
        ("x-amzn-ErrorType", "BadRequestException"),
        ("apigw-requestid", "ATfSdF7nPHcErRA="),
    )
    assert normaliser.headers(headers) == (
        ("Date", "<date:1>"),
        ("x-amzn-RequestId", "<request-id:1>"),
        ("x-amz-apigw-id", "<request-id:2>"),
        ("X-Amzn-Trace-Id", "Root=<trace-id:1>;Parent=<trace-parent:1>;Sampled=0"),
        ("Via", "1.1 <cloudfront:1>.cloudfront.net (CloudFront)"),
        ("X-Amz-Cf-Pop", "<cf-pop:1>"),
        ("X-Amz-Cf-Id", "<cf-id:1>"),
        ("x-amzn-Remapped-Date", "<date:2>"),
        ("x-amzn-ErrorType", "BadRequestException"),  # what the front door says: kept
        ("apigw-requestid", "<request-id:2>"),
    )


def test_the_key_order_of_an_event_does_not_change_its_placeholders() -> None:
    event = load_shared_event(LIVE["rest"])
    backwards = json.loads(json.dumps(event), object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    assert Normaliser().value(None, backwards) == Normaliser().value(None, event)


def test_arns_of_other_services_lose_their_account_and_region() -> None:
    arn = "arn:aws:elasticloadbalancing:us-west-2:910345601053:targetgroup/conform/0123456789abcdef"
    assert (
        Normaliser().text(arn)
        == "arn:aws:elasticloadbalancing:<region:1>:<account:1>:targetgroup/conform/0123456789abcdef"
    )


def test_lambda_context_values_name_the_function_account_and_region_once() -> None:
    context = {
        "function_name": "conform-echo-Echo-AbC123xYz",
        "invoked_function_arn": "arn:aws:lambda:eu-west-3:910345601053:function:conform-echo-Echo-AbC123xYz",
        "log_group_name": "/aws/lambda/conform-echo-Echo-AbC123xYz",
        "log_stream_name": "2026/12/07/[$LATEST]3ddabab01e5475a1a16a79e9bbab3ddf",
        "aws_request_id": "d7811e68-9cc4-41fc-b24a-fae8f17deaa6",
        "memory_limit_in_mb": "128",
    }
    assert Normaliser().value(None, context) == {
        "function_name": "<function-name:1>",
        "invoked_function_arn": "arn:aws:lambda:<region:1>:<account:1>:function:<function-name:1>",
        "log_group_name": "/aws/lambda/<function-name:1>",
        "log_stream_name": "<log-stream:1>",
        "aws_request_id": "<request-id:1>",
        "memory_limit_in_mb": "128",
    }


def _entry(entry_id: str, event: Any) -> SnapshotEntry:
    return SnapshotEntry(
        entry_id,
        "Rest",
        RecordedRequest("GET", "/"),
        RecordedResponse(200, (("Content-Length", "10"),), b"{}"),
        event=event,
        context={},
    )


def test_request_kinds_are_numbered_per_entry_and_deployment_kinds_per_snapshot() -> None:
    first = load_shared_event(LIVE["rest"])
    second = copy.deepcopy(first)
    second["requestContext"]["requestId"] = "00000000-0000-4000-8000-000000000000"
    second["requestContext"]["apiId"] = "abcdefghij"
    doors = {"Rest": FrontDoor("rest", "https://5h7pqvr9u4.execute-api.us-west-2.amazonaws.com/live")}
    snapshot = normalise_snapshot(Snapshot(doors, (_entry("a", first), _entry("b", second))))
    assert snapshot.front_doors["Rest"].url == "https://<api-id:1>.execute-api.<region:1>.amazonaws.com/live"
    one, two = (entry.event for entry in snapshot.entries)
    assert one is not None
    assert two is not None
    assert one["requestContext"]["requestId"] == two["requestContext"]["requestId"] == "<request-id:2>"
    assert (one["requestContext"]["apiId"], two["requestContext"]["apiId"]) == ("<api-id:1>", "<api-id:2>")
    assert one["requestContext"]["extendedRequestId"] == two["requestContext"]["extendedRequestId"]
    assert json.loads(snapshot.entries[0].response.body)["event"] == one
    assert snapshot.entries[0].response.headers == (("Content-Length", "<echo-length:1>"),)


@pytest.mark.parametrize("kind", ["rest", "http", "function-url"])
def test_the_emulator_event_of_a_captured_request_normalises_like_the_capture(kind: str) -> None:
    """What ``conform check`` relies on: the ids and times of AWS and of the emulator land on the same
    placeholders, so that only real differences remain."""
    captured = load_shared_event(LIVE[kind])
    emulated = Gateway(None, **gateway_options_from_event(captured)).build_event(request_from_event(captured))
    aws, ours = Normaliser().value(None, captured), Normaliser().value(None, emulated)
    for key in ("requestId", "extendedRequestId", "requestTime", "requestTimeEpoch", "time", "timeEpoch"):
        if key in captured["requestContext"]:
            assert ours["requestContext"][key] == aws["requestContext"][key], key
    assert ours["requestContext"]["apiId"] == aws["requestContext"]["apiId"]
