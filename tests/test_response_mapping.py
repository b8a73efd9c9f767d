"""Response mapping: from what a Lambda returns to what the client of each front door receives.

One test per rule of ../shared/spec/apigw-behaviour.md sections 2.2, 3.4, 4.2, 5.2, 5.4, 6 and 7, plus the
AWS-validated LocalStack response snapshots in ../shared/conformance/events:

- ``rest-v1-response-validation-localstack-aws-validated.json`` (L1
  ``test_aws_proxy_response_payload_format_validation``). LocalStack's Lambda there is
  ``LAMBDA_RESPONSE_FROM_BODY``: it returns ``json.loads(event["body"])``, and the test POSTs the wanted
  Lambda result as the JSON request body (no body at all when the wanted result is falsy, e.g. ``{}``).
  ``response_from_body`` below is the same handler, so each entry is replayed exactly as recorded.
- ``function-url-localstack-aws-validated-snapshots.json`` (L2 ``TestLambdaURL::test_lambda_url_invocation``),
  whose handler returns a fixed Python literal.

Every request goes through ``Gateway.request``: a real ``requests.Response`` routed in-process.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
import re
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import requests

from apigw_emulator import Gateway
from apigw_emulator.errors import BinaryResponseWarning, GatewayErrorWarning
from apigw_emulator.invoke import Invocation
from tests._forms import CF_ID, SHORT_ID, TRACE, UUID
from tests.conftest import load_shared_event

Handler = Callable[[Any, Any], Any]

REST_502 = b'{"message": "Internal server error"}'
HTTP_500 = b'{"message":"Internal Server Error"}'
URL_502 = b"Internal Server Error"

#: The 1x1 PNG of L1 ``test_aws_proxy_binary_response``.
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/wIAAgkBAyMAlYwAAAAASUVORK5CYII="
PNG = base64.b64decode(PNG_B64)


# -- helpers -----------------------------------------------------------------------------------------------


def returning(result: Any) -> Handler:
    """A handler that returns ``result`` whatever the event."""

    def handler(event: Any, context: Any) -> Any:
        return result

    return handler


def raising(event: Any, context: Any) -> Any:
    """A handler that fails (an unhandled error)."""
    raise RuntimeError("boom")


def response_from_body(event: Any, context: Any) -> Any:
    """LocalStack's ``LAMBDA_RESPONSE_FROM_BODY``: the result is the request body, parsed as JSON."""
    body = event["body"]
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body)
    return json.loads(body)


def invocation(response: requests.Response) -> Invocation:
    """The :class:`Invocation` the in-process transport attaches to every response."""
    found = vars(response)["apigw"]
    assert isinstance(found, Invocation)
    return found


def header_names(response: requests.Response) -> list[str]:
    """The header names the client receives, with their exact casing, in order."""
    return [name for name, _ in invocation(response).response.headers]


def header_values(response: requests.Response, name: str) -> list[str]:
    """Every value of one header (matched case-insensitively), as separate header lines."""
    return invocation(response).response.header_values(name)


@contextlib.contextmanager
def expect_gateway_error(match: str) -> Iterator[None]:
    """The front door answers with its own error and says why in a :class:`GatewayErrorWarning`."""
    with pytest.warns(GatewayErrorWarning, match=match):
        yield


def send(gw: Gateway, method: str = "GET", path: str = "/test", **kwargs: Any) -> requests.Response:
    return gw.request(method, path, **kwargs)


def rest(result: Any, **options: Any) -> Gateway:
    return Gateway(returning(result), api="rest", raise_handler_exceptions=False, **options)


def assert_http_date(value: str | None) -> None:
    assert value is not None
    parsed = parsedate_to_datetime(value)
    assert parsed.tzinfo is not None
    assert value.endswith(" GMT"), value


def test_header_names_seen_before_do_not_let_a_bad_name_through() -> None:
    good = rest({"statusCode": 200, "headers": {"X-Good": "1"}})
    assert send(good).status_code == 200
    for bad_name in ("X-Good ", "X Good", "X-Good\r\nInjected"):
        bad = rest({"statusCode": 200, "headers": {"X-Good": "1", bad_name: "1"}})
        with expect_gateway_error("is not an HTTP token"):
            assert send(bad).status_code == 502


# -- 6.1 REST Lambda proxy response, one test per row of the table ----------------------------------------


def test_rule_6_1_status_code_only_is_200_empty_json() -> None:
    r = send(rest({"statusCode": 200}))
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["Content-Length"] == "0"


def test_rule_6_1_missing_status_code_is_200() -> None:
    r = send(rest({"headers": {"test-header": "value"}}))
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["test-header"] == "value"


def test_rule_6_1_boolean_header_values_are_stringified() -> None:
    r = send(rest({"statusCode": 200, "headers": {"header-bool": True, "header-false": False}}))
    assert r.status_code == 200
    assert r.headers["header-bool"] == "true"
    assert r.headers["header-false"] == "false"


def test_rule_6_1_null_headers_are_allowed() -> None:
    r = send(rest({"statusCode": 200, "headers": None, "multiValueHeaders": None}))
    assert r.status_code == 200
    assert r.content == b""


def test_rule_6_1_numeric_string_status_code_is_used() -> None:
    assert send(rest({"statusCode": "201"})).status_code == 201


def test_rule_6_1_non_numeric_status_code_is_502() -> None:
    with expect_gateway_error("Malformed Lambda proxy response"):
        r = send(rest({"statusCode": "test"}))
    assert r.status_code == 502
    assert r.content == REST_502
    assert r.headers["Content-Type"] == "application/json"


def test_rule_6_1_unknown_key_is_502() -> None:
    with expect_gateway_error("unknown key.*wrongValue"):
        r = send(rest({"statusCode": 200, "wrongValue": "value"}))
    assert r.status_code == 502
    assert r.content == REST_502


@pytest.mark.parametrize("result", ["justAString", ["a"], 3, True, None], ids=repr)
def test_rule_6_1_result_that_is_not_an_object_is_502(result: Any) -> None:
    with expect_gateway_error("not an object"):
        r = send(rest(result))
    assert r.status_code == 502
    assert r.content == REST_502


def test_rule_6_1_multi_value_header_that_is_not_a_list_is_502() -> None:
    with expect_gateway_error("must be a list"):
        r = send(rest({"statusCode": 200, "multiValueHeaders": {"x": "value1"}}))
    assert r.status_code == 502
    assert r.content == REST_502


def test_rule_6_1_multi_value_headers_reach_the_client_comma_joined() -> None:
    r = send(rest({"statusCode": 200, "multiValueHeaders": {"test-multi": ["value1", "value2"]}}))
    assert r.status_code == 200
    assert r.headers["test-multi"] == "value1, value2"
    assert header_values(r, "test-multi") == ["value1", "value2"]


def test_rule_6_1_multi_and_single_values_are_both_sent_multi_first() -> None:
    r = send(
        rest(
            {
                "statusCode": 200,
                "multiValueHeaders": {"test-multi": ["value-multi"]},
                "headers": {"test-multi": "value-solo"},
            }
        )
    )
    assert r.headers["test-multi"] == "value-multi, value-solo"


def test_rule_6_1_headers_merge_case_insensitively_and_multi_casing_wins() -> None:
    r = send(
        rest(
            {
                "statusCode": 200,
                "multiValueHeaders": {"tesT-Multi": ["value-multi"]},
                "headers": {"test-multi": "value-solo"},
            }
        )
    )
    assert header_values(r, "test-multi") == ["value-multi", "value-solo"]
    assert "tesT-Multi" in header_names(r)
    assert "test-multi" not in header_names(r)


def test_rule_6_1_same_pair_in_both_maps_is_sent_once() -> None:
    # D1: "If the same key-value pair is specified in both, only the value from multiValueHeaders appears".
    r = send(rest({"statusCode": 200, "multiValueHeaders": {"x-same": ["v"]}, "headers": {"x-same": "v"}}))
    assert header_values(r, "x-same") == ["v"]


def test_rule_6_1_base64_body_without_binary_media_types_is_sent_as_text() -> None:
    with pytest.warns(BinaryResponseWarning, match="no binaryMediaTypes"):
        r = send(rest({"statusCode": 200, "body": "dGVzdC1kYXRh", "isBase64Encoded": True}))
    assert r.status_code == 200
    assert r.content == b"dGVzdC1kYXRh"


def test_rule_6_1_handler_exception_is_502() -> None:
    gw = Gateway(raising, api="rest", raise_handler_exceptions=False)
    with expect_gateway_error("the handler raised RuntimeError: boom"):
        r = send(gw)
    assert r.status_code == 502
    assert r.content == REST_502
    assert r.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("body", [{"a": 1}, ["a"], 3], ids=repr)
def test_rule_6_1_body_that_is_not_a_string_is_502(body: Any) -> None:
    # serverless-webpack#314: AWS cannot send an object body; 502 is the expected status (UNCONFIRMED).
    with expect_gateway_error("body must be a string"):
        r = send(rest({"statusCode": 200, "body": body}))
    assert r.status_code == 502
    assert r.content == REST_502


def test_rule_6_1_empty_string_body_has_content_length_0() -> None:
    r = send(rest({"statusCode": 200, "body": ""}))
    assert r.content == b""
    assert r.headers["Content-Length"] == "0"


def test_rule_6_1_text_body_reaches_the_client_as_utf8() -> None:
    r = send(rest({"statusCode": 404, "body": "λ not found", "headers": {"Content-Type": "text/plain"}}))
    assert r.status_code == 404
    assert r.content == "λ not found".encode()
    assert r.headers["Content-Length"] == str(len("λ not found".encode()))
    assert r.headers["Content-Type"] == "text/plain"


# -- 6.1, replayed from the AWS-validated snapshot ---------------------------------------------------------

#: Entry name -> (the Lambda result, which the test POSTs as the JSON body; the status the client gets;
#: the warning the emulator gives, with the text it must contain). Inputs from LocalStack
#: test_apigateway_lambda.py ``test_aws_proxy_response_payload_format_validation``.
REST_SNAPSHOT_INPUTS: dict[str, tuple[Any, int, type[Warning] | None, str]] = {
    "invoke-api-no-body": ({"statusCode": 200}, 200, None, ""),
    "invoke-api-with-headers": (
        {"statusCode": 200, "headers": {"test-header": "value", "header-bool": True}},
        200,
        None,
        "",
    ),
    "invoke-api-with-headers-null": ({"statusCode": 200, "headers": None}, 200, None, ""),
    "invoke-api-wrong-format": (
        {"statusCode": 200, "wrongValue": "value"},
        502,
        GatewayErrorWarning,
        "wrongValue",
    ),
    # LocalStack sends no request body for a falsy result, so its handler's json.loads(None) raises:
    # the client sees the 502 of an unhandled function error.
    "invoke-api-empty-response": ({}, 502, GatewayErrorWarning, "the handler raised TypeError"),
    "invoke-api-b64-encoded-true": (
        {"statusCode": 200, "body": "dGVzdC1kYXRh", "isBase64Encoded": True},
        200,
        BinaryResponseWarning,
        "no binaryMediaTypes",
    ),
    "invoke-api-b64-encoded-false": ({"statusCode": 200, "body": "dGVzdC1kYXRh"}, 200, None, ""),
    "invoke-api-multi-headers-valid": (
        {"statusCode": 200, "multiValueHeaders": {"test-multi": ["value1", "value2"]}},
        200,
        None,
        "",
    ),
    "invoke-api-multi-headers-overwrite": (
        {
            "statusCode": 200,
            "multiValueHeaders": {"test-multi": ["value-multi"]},
            "headers": {"test-multi": "value-solo"},
        },
        200,
        None,
        "",
    ),
    "invoke-api-multi-headers-overwrite-casing": (
        {
            "statusCode": 200,
            "multiValueHeaders": {"tesT-Multi": ["value-multi"]},
            "headers": {"test-multi": "value-solo"},
        },
        200,
        None,
        "",
    ),
    "invoke-api-multi-headers-invalid": (
        {"statusCode": 200, "multiValueHeaders": {"test-multi-invalid": "value1"}},
        502,
        GatewayErrorWarning,
        "must be a list",
    ),
    "invoke-api-invalid-status-code": ({"statusCode": "test"}, 502, GatewayErrorWarning, "not a number"),
    "invoke-api-status-code-str": ({"statusCode": "201"}, 201, None, ""),
    "invoke-api-just-string": ("justAString", 502, GatewayErrorWarning, "not an object"),
    "invoke-api-only-headers": ({"headers": {"test-header": "value"}}, 200, None, ""),
}

#: Recorded response headers that API Gateway's mapping does not decide, hence out of scope: the REST API
#: of the snapshot is EDGE, so CloudFront adds ``Via``, ``X-Cache``, ``X-Amz-Cf-Pop`` and ``X-Amz-Cf-Id``,
#: and ``Connection: keep-alive`` belongs to the client's HTTP/1.1 connection (there is no socket in-process).
OUT_OF_SCOPE_HEADERS = frozenset({"Connection"})  # the server's framing, not the gateway's

#: Placeholders of the snapshot tool, checked for the form of the value they replaced.
PLACEHOLDER_FORMS: dict[str, re.Pattern[str]] = {
    "x-amzn-RequestId": UUID,  # <uuid:N>
    "x-amz-apigw-id": SHORT_ID,  # <x-amz-apigw-id:N>, the 16-character extendedRequestId form
    "X-Amzn-Trace-Id": TRACE,  # <x--amzn--trace--id:N>
    # CloudFront's, on this EDGE API (spec 2.2, 8.10).
    "Via": re.compile(r"^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$"),  # <via:N>
    "X-Amz-Cf-Id": CF_ID,  # <x--amz--cf--id:N>
    "X-Amz-Cf-Pop": re.compile(r"^[A-Z]{3}\d+-[A-Z]\d+$"),  # <x--amz--cf--pop:N>
    "X-Cache": re.compile(r"^(Miss|Error) from cloudfront$"),  # <x--cache:N>
}

PLACEHOLDER = re.compile(r"^<[^<>]+>$")


def snapshot_content(response: requests.Response) -> Any:
    """The ``content`` the snapshot holds: the body parsed as JSON when possible, else its text."""
    try:
        return response.json()
    except requests.JSONDecodeError:
        return response.content.decode()


def assert_recorded_headers(response: requests.Response, recorded: dict[str, str]) -> None:
    """The client's headers are the recorded ones, CloudFront's excepted; placeholders are matched by form."""
    in_scope = {name: value for name, value in recorded.items() if name not in OUT_OF_SCOPE_HEADERS}
    got = dict(response.headers)  # what LocalStack recorded: dict(requests.Response.headers)
    assert sorted(set(header_names(response))) == sorted(in_scope)  # exact name casing, nothing extra
    for name, expected in in_scope.items():
        value = got[name]
        if not PLACEHOLDER.match(expected):
            assert value == expected, name
        elif name == "Date":
            assert_http_date(value)
        else:
            assert PLACEHOLDER_FORMS[name].match(value), (name, value)


def test_rule_6_1_snapshot_inputs_cover_every_recorded_entry() -> None:
    recorded = load_shared_event("rest-v1-response-validation-localstack-aws-validated.json")
    assert set(recorded["recorded-content"]) == set(REST_SNAPSHOT_INPUTS)


@pytest.mark.parametrize("entry", list(REST_SNAPSHOT_INPUTS))
def test_rule_6_1_rest_response_matches_aws_snapshot(entry: str) -> None:
    recorded = load_shared_event("rest-v1-response-validation-localstack-aws-validated.json")
    snapshot = recorded["recorded-content"][entry]
    result, status, warning, reason = REST_SNAPSHOT_INPUTS[entry]
    gw = Gateway(response_from_body, api="rest", stage="test", raise_handler_exceptions=False)
    kwargs: dict[str, Any] = {"headers": {"User-Agent": "python/test"}}
    if result:
        kwargs["json"] = result
    if warning is None:
        r = send(gw, "POST", "/test", **kwargs)
    else:
        with pytest.warns(warning, match=re.escape(reason)):
            r = send(gw, "POST", "/test", **kwargs)
    assert r.status_code == status
    assert snapshot_content(r) == snapshot["content"]
    if status == 502:
        assert r.content == REST_502
    if "headers" in snapshot:
        assert_recorded_headers(r, snapshot["headers"])


# -- 5.2 REST binary responses: isBase64Encoded, binaryMediaTypes and the first Accept type --------------


def fetch_png(
    binary_media_types: list[str],
    accept: str | None,
    *,
    content_type: str | None = "image/png",
    is_base64_encoded: bool = True,
    body: str = PNG_B64,
) -> tuple[requests.Response, list[type[Warning]]]:
    """The L1 binary-response Lambda behind a REST API; ``accept=None`` sends no Accept header at all."""
    headers = {"Cache-Control": "no-cache"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    result = {"statusCode": 200, "body": body, "isBase64Encoded": is_base64_encoded, "headers": headers}
    gw = rest(result, binary_media_types=binary_media_types)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = send(gw, headers={"User-Agent": "python/test", "Accept": accept})  # None drops requests' */*
    return r, [w.category for w in caught]


def assert_png(
    binary_media_types: list[str], accept: str | None, *, binary: bool, **result: Any
) -> requests.Response:
    r, caught = fetch_png(binary_media_types, accept, **result)
    assert r.status_code == 200
    if binary:
        assert r.content == PNG, f"expected the decoded bytes, got {r.content[:40]!r}"
        assert caught == []
    else:
        sent = result.get("body", PNG_B64).encode()
        assert r.content == sent, f"expected the body text as returned, got {r.content[:40]!r}"
        assert caught == ([BinaryResponseWarning] if result.get("is_base64_encoded", True) else [])
    assert r.headers["Content-Length"] == str(len(r.content))
    return r


@pytest.mark.parametrize("accept", ["image/png", "*/*", "application/octet-stream", None])
def test_rule_5_2_no_binary_media_types_sends_base64_text(accept: str | None) -> None:
    assert_png([], accept, binary=False)


def test_rule_5_2_is_base64_encoded_false_sends_the_body_as_text() -> None:
    assert_png(["image/png"], "image/png", binary=False, is_base64_encoded=False)


def test_rule_5_2_first_accept_equal_to_an_entry_sends_bytes() -> None:
    r = assert_png(["image/png", "*~1test"], "image/png", binary=True)
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["Cache-Control"] == "no-cache"


def test_rule_5_2_first_accept_matching_no_entry_sends_text() -> None:
    assert_png(["image/png", "*~1test"], "image/jpg", binary=False)


@pytest.mark.parametrize("accept", ["application/whatever", "application/test", "application/*"])
def test_rule_5_2_type_wildcard_entry_matches_any_subtype_and_the_literal(accept: str) -> None:
    assert_png(
        ["image/png", "application/*", "image/jpg"], accept, binary=True, content_type="application/test"
    )


@pytest.mark.parametrize("accept", ["image/*", "*/*"])
def test_rule_5_2_wildcards_in_accept_are_not_expanded(accept: str) -> None:
    assert_png(["image/png", "*~1test"], accept, binary=False)


@pytest.mark.parametrize("accept", ["*/test", "random/test"])
def test_rule_5_2_left_wildcard_entry_matches_nothing(accept: str) -> None:
    # L1: binaryMediaTypes [image/png, */test]; "wildcard on the left is not supported", even for an
    # Accept that is literally "*/test" (spec 5.1 "*/subtype left wildcard: does not work").
    assert_png(["image/png", "*~1test"], accept, binary=False)


def test_rule_5_2_only_the_first_accept_type_counts_when_it_does_not_match() -> None:
    assert_png(["image/png", "*~1test"], "image/webp,image/png,*/*;q=0.8", binary=False)


@pytest.mark.parametrize("accept", ["image/png,image/*,*/*;q=0.8", "image/png;q=0.9, text/html"])
def test_rule_5_2_only_the_first_accept_type_counts_when_it_matches(accept: str) -> None:
    # The first media type, its parameters removed (spec Appendix A rest_v1_response_is_binary).
    assert_png(["image/png", "*~1test"], accept, binary=True)


def test_rule_5_2_no_accept_header_sends_text() -> None:
    r = assert_png(["image/png", "application/*", "image/jpg"], None, binary=False)
    assert "Accept" not in r.request.headers


def test_rule_5_2_malformed_accept_sends_text() -> None:
    assert_png(["image/png", "application/*", "image/jpg"], "application", binary=False)


@pytest.mark.parametrize(
    ("content_type", "accept", "binary"),
    [
        ("image/png", "image/jpg", True),  # Content-Type matches one entry, Accept another
        ("application/whatever", "image/png", True),  # Content-Type matches the wildcard entry
        (None, "image/png", True),  # no Content-Type at all
        ("image/png", "text/html", False),  # Content-Type matches, Accept does not
    ],
)
def test_rule_5_2_response_content_type_has_no_influence(
    content_type: str | None, accept: str, binary: bool
) -> None:
    assert_png(["image/png", "application/*", "image/jpg"], accept, binary=binary, content_type=content_type)


def test_rule_5_2_star_star_entry_makes_every_response_binary() -> None:
    # D4: binaryMediaTypes ["*/*"] is the documented browser workaround.
    assert_png(["*/*"], "text/html,application/xhtml+xml", binary=True)


def test_rule_5_2_invalid_base64_with_a_matching_accept_is_500() -> None:
    gw = rest(
        {
            "statusCode": 200,
            "body": "èé+à)(",
            "isBase64Encoded": True,
            "headers": {"Content-Type": "image/png"},
        },
        binary_media_types=["image/png", "application/*", "image/jpg"],
    )
    with expect_gateway_error("not valid base64"):
        r = send(gw, headers={"Accept": "image/png"})
    assert r.status_code == 500
    assert r.headers["Content-Type"] == "application/json"
    assert (
        r.content == b'{"message":"Internal server error"}'
    )  # API_CONFIGURATION_ERROR, the default template


# -- 2.2 REST response headers -----------------------------------------------------------------------------

REMAPPED = ["Connection", "Content-Length", "Date", "Server", "Authorization", "Content-MD5", "Max-Forwards"]
REMAPPED += ["User-Agent", "WWW-Authenticate"]


@pytest.mark.parametrize("name", REMAPPED)
def test_rule_2_2_reserved_lambda_headers_are_remapped(name: str) -> None:
    r = send(rest({"statusCode": 200, "body": "ok", "headers": {name: "from-lambda"}}))
    assert r.headers[f"x-amzn-Remapped-{name}"] == "from-lambda"
    assert f"x-amzn-Remapped-{name}" in header_names(r)
    assert "from-lambda" not in header_values(r, name)


def test_rule_2_2_www_authenticate_is_remapped_from_multi_value_headers_too() -> None:
    # R7: serverless-offline#236, a lambda-proxy WWW-Authenticate arrives as x-amzn-Remapped-WWW-Authenticate.
    r = send(rest({"statusCode": 401, "multiValueHeaders": {"WWW-Authenticate": ['Bearer realm="api"']}}))
    assert r.status_code == 401
    assert r.headers["x-amzn-Remapped-WWW-Authenticate"] == 'Bearer realm="api"'
    assert "WWW-Authenticate" not in r.headers


def test_rule_2_2_client_gets_the_gateways_own_date_and_content_length() -> None:
    lambda_date = "Mon, 01 Jan 1990 00:00:00 GMT"
    r = send(
        rest({"statusCode": 200, "body": "hello", "headers": {"Date": lambda_date, "Content-Length": "999"}})
    )
    assert r.headers["x-amzn-Remapped-Date"] == lambda_date
    assert r.headers["x-amzn-Remapped-Content-Length"] == "999"
    assert header_values(r, "Content-Length") == ["5"]
    [date] = header_values(r, "Date")
    assert_http_date(date)
    assert date != lambda_date
    assert r.content == b"hello"


@pytest.mark.parametrize(
    "name", ["Expect", "Host", "Proxy-Authenticate", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Via"]
)
def test_rule_2_2_hop_and_proxy_headers_are_dropped(name: str) -> None:
    r = send(rest({"statusCode": 200, "body": "ok", "headers": {name: "from-lambda"}}))
    assert r.status_code == 200
    assert r.content == b"ok"
    # On this EDGE API the client gets CloudFront's own Via, never the Lambda's.
    assert header_values(r, name) == ([] if name != "Via" else [r.headers["Via"]])
    assert "from-lambda" not in header_values(r, name)
    assert f"x-amzn-remapped-{name.lower()}" not in [n.lower() for n in header_names(r)]


def test_rule_2_2_default_content_type_is_json_even_for_an_empty_body() -> None:
    r = send(rest({"statusCode": 204}))
    assert r.status_code == 204
    assert header_values(r, "Content-Type") == ["application/json"]


def test_rule_2_2_lambda_content_type_replaces_the_default() -> None:
    r = send(rest({"statusCode": 200, "body": "<p/>", "headers": {"content-type": "text/html"}}))
    assert header_values(r, "Content-Type") == ["text/html"]


def test_rule_2_2_request_id_headers_are_present() -> None:
    r = send(rest({"statusCode": 200}))
    assert UUID.match(r.headers["x-amzn-RequestId"])
    assert SHORT_ID.match(r.headers["x-amz-apigw-id"])
    assert len(r.headers["x-amz-apigw-id"]) == 16
    assert TRACE.match(r.headers["X-Amzn-Trace-Id"])


def test_rule_2_2_gateway_errors_carry_the_request_id_headers() -> None:
    with expect_gateway_error("unknown key"):
        r = send(rest({"statusCode": 200, "wrongValue": "value"}))
    assert UUID.match(r.headers["x-amzn-RequestId"])
    assert SHORT_ID.match(r.headers["x-amz-apigw-id"])


# -- 6.2 HTTP API payload 2.0 inference, and function URLs -------------------------------------------------


def test_rule_6_2_string_result_is_the_body_without_quotes() -> None:
    r = send(Gateway(returning("Hello from Lambda!"), api="http"))
    assert r.status_code == 200
    assert r.content == b"Hello from Lambda!"
    assert r.headers["Content-Type"] == "application/json"


def test_rule_6_2_object_result_without_status_code_is_compact_json() -> None:
    r = send(Gateway(returning({"message": "Hello from Lambda!"}), api="http"))
    assert r.status_code == 200
    assert r.content == b'{"message":"Hello from Lambda!"}'
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["Content-Length"] == "32"


#: L2 ``test_lambda_url_invocation`` ids -> the value the handler returns. LocalStack's handler returns the
#: Python literal; for ``http-response-json`` that is a *string* body ``'{"hello": "world"}'`` (18 bytes),
#: which the snapshot tool parsed into an object.
URL_SNAPSHOT_INPUTS: dict[str, Any] = {
    "dict": {"hello": "world"},
    "http-response": {"statusCode": 200, "body": "body123"},
    "http-response-json": {"statusCode": 200, "body": '{"hello": "world"}'},
    "list-mixed": ["hello", 3, True],
    "string": "hello",
    "integer": 3,
    "float": 3.1,
    "boolean": True,
}

URL_SNAPSHOT_PREFIX = "tests/aws/services/lambda_/test_lambda.py::TestLambdaURL::test_lambda_url_invocation"


def test_rule_6_2_url_snapshot_inputs_cover_every_recorded_entry() -> None:
    recorded = load_shared_event("function-url-localstack-aws-validated-snapshots.json")
    ids = {
        key[len(URL_SNAPSHOT_PREFIX) + 1 : -1]
        for key in recorded
        if key.startswith(URL_SNAPSHOT_PREFIX + "[")
    }
    assert ids == set(URL_SNAPSHOT_INPUTS)


@pytest.mark.parametrize("entry", list(URL_SNAPSHOT_INPUTS))
def test_rule_6_2_function_url_response_matches_aws_snapshot(entry: str) -> None:
    recorded = load_shared_event("function-url-localstack-aws-validated-snapshots.json")
    snapshot = recorded[f"{URL_SNAPSHOT_PREFIX}[{entry}]"]["recorded-content"]["lambda_url_invocation"]
    r = send(Gateway(returning(URL_SNAPSHOT_INPUTS[entry]), api="function-url"), "GET", "/")
    assert r.status_code == snapshot["statuscode"]
    # The snapshot tool parsed only the JSON object bodies; the other bodies are recorded as their text.
    if isinstance(snapshot["content"], str):
        assert r.text == snapshot["content"]
    else:
        assert r.json() == snapshot["content"]
    assert r.headers["Content-Length"] == snapshot["headers"]["Content-Length"]
    assert r.headers["Content-Type"] == snapshot["headers"]["Content-Type"]
    assert len(r.content) == int(snapshot["headers"]["Content-Length"])


@pytest.mark.parametrize("api", ["http", "function-url"])
def test_rule_6_2_each_cookie_is_its_own_set_cookie_header(api: str) -> None:
    cookies = ["session=abc123; Path=/; HttpOnly", "theme=dark; Max-Age=3600"]
    r = send(Gateway(returning({"statusCode": 200, "body": "ok", "cookies": cookies}), api=api))
    assert r.status_code == 200
    assert header_values(r, "Set-Cookie") == cookies
    assert r.cookies.get("session") == "abc123"
    assert r.cookies.get("theme") == "dark"


@pytest.mark.parametrize("api", ["http", "function-url"])
def test_rule_6_2_string_status_code_is_accepted(api: str) -> None:
    r = send(Gateway(returning({"statusCode": "418", "body": "teapot"}), api=api))
    assert r.status_code == 418
    assert r.content == b"teapot"


@pytest.mark.parametrize("api", ["http", "function-url"])
@pytest.mark.parametrize("accept", [None, "*/*", "text/html"])
def test_rule_5_4_is_base64_encoded_is_always_decoded(api: str, accept: str | None) -> None:
    result = {
        "statusCode": 200,
        "body": PNG_B64,
        "isBase64Encoded": True,
        "headers": {"content-type": "image/png"},
    }
    r = send(Gateway(returning(result), api=api), headers={"Accept": accept})
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["Content-Length"] == str(len(PNG))
    assert r.headers["Content-Type"] == "image/png"


@pytest.mark.parametrize(("api", "status", "body"), [("http", 500, HTTP_500), ("function-url", 502, URL_502)])
def test_rule_5_4_invalid_base64_is_the_front_doors_error(api: str, status: int, body: bytes) -> None:
    # Spec 5.4: invalid base64 is UNCONFIRMED ("expect 500"); each front door's own error is the expectation.
    result = {"statusCode": 200, "body": "èé+à)(", "isBase64Encoded": True}
    gw = Gateway(returning(result), api=api)
    with expect_gateway_error("not valid base64"):
        r = send(gw)
    assert r.status_code == status
    assert r.content == body


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (raising, "the handler raised RuntimeError: boom"),
        (returning({"statusCode": "test"}), "Malformed Lambda proxy response"),
    ],
    ids=["exception", "malformed"],
)
def test_rule_6_2_http_api_errors_are_500_json(handler: Handler, reason: str) -> None:
    gw = Gateway(handler, api="http", raise_handler_exceptions=False)
    with expect_gateway_error(re.escape(reason)):
        r = send(gw)
    assert r.status_code == 500
    assert r.content == HTTP_500
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["Content-Length"] == str(len(HTTP_500))
    assert SHORT_ID.match(r.headers["apigw-requestid"])


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (raising, "the handler raised RuntimeError: boom"),
        (returning({"statusCode": "test"}), "Malformed Lambda proxy response"),
    ],
    ids=["exception", "malformed"],
)
def test_rule_6_2_function_url_errors_are_502_plain_text(handler: Handler, reason: str) -> None:
    gw = Gateway(handler, api="function-url", raise_handler_exceptions=False)
    with expect_gateway_error(re.escape(reason)):
        r = send(gw)
    assert r.status_code == 502
    assert r.content == URL_502
    assert r.headers["Content-Type"].startswith("text/plain")


def test_rule_2_3_http_api_response_carries_apigw_requestid() -> None:
    r = send(Gateway(returning({"statusCode": 200, "body": "ok"}), api="http"))
    request_id = r.headers["apigw-requestid"]
    assert SHORT_ID.match(request_id)
    event = invocation(r).event
    assert event is not None
    assert request_id == event["requestContext"]["requestId"]


# -- 3.4 payload 1.0 on an HTTP API ------------------------------------------------------------------------


def test_rule_3_4_headers_and_multi_value_headers_are_both_sent_duplicates_kept() -> None:
    result = {
        "statusCode": 200,
        "body": "ok",
        "headers": {"x-dup": "a", "x-single": "s"},
        "multiValueHeaders": {"x-dup": ["a", "b"], "x-multi": ["m1", "m2"]},
    }
    r = send(Gateway(returning(result), api="http-v1"))
    assert r.status_code == 200
    assert sorted(header_values(r, "x-dup")) == ["a", "a", "b"]
    assert header_values(r, "x-single") == ["s"]
    assert header_values(r, "x-multi") == ["m1", "m2"]


def test_rule_3_4_unknown_keys_are_ignored() -> None:
    r = send(Gateway(returning({"statusCode": 202, "body": "ok", "wrongValue": "value"}), api="http-v1"))
    assert r.status_code == 202
    assert r.content == b"ok"


@pytest.mark.parametrize("accept", [None, "*/*", "text/html"])
def test_rule_3_4_is_base64_encoded_is_always_decoded(accept: str | None) -> None:
    result = {"statusCode": 200, "body": PNG_B64, "isBase64Encoded": True}
    r = send(Gateway(returning(result), api="http-v1"), headers={"Accept": accept})
    assert r.content == PNG
    assert r.headers["Content-Length"] == str(len(PNG))


def test_rule_3_4_errors_are_the_http_api_500() -> None:
    gw = Gateway(raising, api="http-v1", raise_handler_exceptions=False)
    with expect_gateway_error("the handler raised RuntimeError"):
        r = send(gw)
    assert r.status_code == 500
    assert r.content == HTTP_500
    assert "apigw-requestid" in r.headers


# -- 4.2 ALB targets -----------------------------------------------------------------------------------------

ALB_502_TITLE = b"<title>502 Bad Gateway</title>"


@pytest.mark.parametrize("multi", [False, True])
def test_rule_4_2_status_code_is_required(multi: bool) -> None:
    gw = Gateway(returning({"body": "ok"}), api="alb", multi_value_headers=multi)
    with expect_gateway_error("needs a statusCode"):
        r = send(gw)
    assert r.status_code == 502
    assert ALB_502_TITLE in r.content
    assert r.headers["Content-Type"] == "text/html"


def test_rule_4_2_single_value_mode_uses_headers() -> None:
    result = {"statusCode": 200, "statusDescription": "200 OK", "body": "ok", "headers": {"x-a": "1"}}
    r = send(Gateway(returning(result), api="alb"))
    assert r.status_code == 200
    assert header_values(r, "x-a") == ["1"]
    assert r.content == b"ok"


def test_rule_4_2_multi_value_mode_uses_multi_value_headers() -> None:
    result = {
        "statusCode": 200,
        "body": "ok",
        "multiValueHeaders": {"x-a": ["1", "2"], "Set-Cookie": ["a=1", "b=2"]},
    }
    r = send(Gateway(returning(result), api="alb", multi_value_headers=True))
    assert r.status_code == 200
    assert header_values(r, "x-a") == ["1", "2"]
    assert header_values(r, "Set-Cookie") == ["a=1", "b=2"]


@pytest.mark.parametrize("multi", [False, True])
def test_rule_4_2_base64_body_is_decoded(multi: bool) -> None:
    result = {"statusCode": 200, "body": PNG_B64, "isBase64Encoded": True}
    r = send(
        Gateway(returning(result), api="alb", multi_value_headers=multi), headers={"Accept": "text/html"}
    )
    assert r.content == PNG


def test_rule_4_2_content_length_is_computed_and_hop_by_hop_headers_ignored() -> None:
    result = {
        "statusCode": 200,
        "body": "hello",
        "headers": {"Content-Length": "999", "Connection": "close", "Transfer-Encoding": "chunked"},
    }
    r = send(Gateway(returning(result), api="alb"))
    assert header_values(r, "Content-Length") == ["5"]
    assert header_values(r, "Connection") == []
    assert header_values(r, "Transfer-Encoding") == []
    assert r.content == b"hello"


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        ("justAString", "not an object"),
        ({"statusCode": "abc"}, "not a number"),
        ({"statusCode": 200, "body": {"a": 1}}, "body must be a string"),
        ({"statusCode": 200, "body": "%%%", "isBase64Encoded": True}, "not valid base64"),
    ],
    ids=["string", "bad-status", "object-body", "bad-base64"],
)
def test_rule_4_2_malformed_result_is_502(result: Any, reason: str) -> None:
    gw = Gateway(returning(result), api="alb")
    with expect_gateway_error(reason):
        r = send(gw)
    assert r.status_code == 502
    assert ALB_502_TITLE in r.content


# -- 7 results the Python runtime cannot encode; Decimal ------------------------------------------------

FRONT_DOOR_ERRORS: dict[str, tuple[int, bytes]] = {
    "rest": (502, REST_502),
    "http": (500, HTTP_500),
    "http-v1": (500, HTTP_500),
    "function-url": (502, URL_502),
    "alb": (502, b""),  # the ALB's HTML page, checked by its title below
}


@pytest.mark.parametrize("api", list(FRONT_DOOR_ERRORS))
@pytest.mark.parametrize(
    "unencodable",
    [{1, 2}, datetime.datetime(2026, 7, 10, tzinfo=datetime.timezone.utc)],
    ids=["set", "datetime"],
)
def test_rule_7_result_the_runtime_cannot_serialise_is_the_front_doors_error(
    api: str, unencodable: Any
) -> None:
    result = {"statusCode": 200, "body": "x", "extra": unencodable}
    gw = Gateway(returning(result), api=api, raise_handler_exceptions=False)
    with expect_gateway_error(r"Runtime\.MarshalError"):
        r = send(gw)
    status, body = FRONT_DOOR_ERRORS[api]
    assert r.status_code == status
    if api == "alb":
        assert ALB_502_TITLE in r.content
    else:
        assert r.content == body


def test_rule_7_response_over_lambdas_6_mb_limit_is_502() -> None:
    # R2/R3: Lambda refuses a response over 6291556 bytes; REST answers 502 (INTEGRATION_FAILURE).
    with expect_gateway_error(r"Exceeded maximum allowed payload size \(6291556 bytes\)"):
        r = send(rest({"statusCode": 200, "body": "x" * 6_291_556}))
    assert r.status_code == 502
    assert r.content == REST_502


def test_rule_7_decimal_serialises_as_a_number() -> None:
    # awslambdaric's marshaller writes a Decimal as a JSON number (simplejson RawJSON(str(obj))).
    result = {"price": Decimal("3.1"), "qty": Decimal("3"), "items": [Decimal("-0.5")]}
    r = send(Gateway(returning(result), api="function-url"))
    assert r.status_code == 200
    assert r.content == b'{"price":3.1,"qty":3,"items":[-0.5]}'
    assert invocation(r).result == {"price": 3.1, "qty": 3, "items": [-0.5]}


def test_rule_7_decimal_status_code_is_a_number() -> None:
    r = send(rest({"statusCode": Decimal("201"), "body": "created"}))
    assert r.status_code == 201
    assert r.content == b"created"
