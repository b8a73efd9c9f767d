"""The invoke step and the drivers: Lambda-faithful invocation, limits, timeouts, the requests transport."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import threading
import warnings
from decimal import Decimal
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.adapters import HTTPAdapter
from requests_toolbelt import MultipartDecoder, MultipartEncoder

from apigw_emulator import BinaryBodyCorruptedWarning, Gateway, HttpRequest, invocation_of
from apigw_emulator.errors import GatewayErrorWarning
from apigw_emulator.flow.plain import plain_config
from apigw_emulator.invoke import invoke, invoke_steps
from apigw_emulator.lambda_context import LambdaContext
from apigw_emulator.transport import GatewayAdapter

from ._forms import UUID

Event = dict[str, Any]


def raw_body(event: Event) -> bytes:
    """What a handler does to get its body bytes back."""
    body = event.get("body") or ""
    return base64.b64decode(body) if event["isBase64Encoded"] else body.encode()


def digests_of_parts(event: Event, context: object) -> Event:
    """A handler that answers the sha256 of every multipart part it received."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    parts = MultipartDecoder(raw_body(event), headers["content-type"]).parts
    digests = [hashlib.sha256(part.content).hexdigest() for part in parts]
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(digests),
    }


FILES = {
    "first": ("a.jpg", bytes.fromhex("ffd8ffe000104a464946") + bytes(range(256)) * 8, "image/jpeg"),
    "second": ("b.bin", b"\x00\xff\xfe\x80" * 1000, "application/octet-stream"),
    "third": ("c.png", b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 4, "image/png"),
}
EXPECTED = [hashlib.sha256(content).hexdigest() for _, content, _ in FILES.values()]


@pytest.mark.parametrize(
    "options",
    [
        {"api": "rest", "binary_media_types": ["multipart~1form-data"]},
        {"api": "http"},
        {"api": "http-v1"},
        {"api": "function-url"},
        {"api": "alb"},
    ],
)
def test_files_upload_arrives_bit_identical_where_binary_is_configured(options: dict[str, Any]) -> None:
    gw = Gateway(digests_of_parts, **options)
    with gw.session() as session:
        response = session.post(gw.url + "/upload", files=FILES)
    assert response.status_code == 200
    assert response.json() == EXPECTED


def test_rule_5_1_files_upload_to_rest_without_multipart_binary_type_is_corrupted_and_warns() -> None:
    gw = Gateway(digests_of_parts, api="rest", binary_media_types=["image/png"])
    with pytest.warns(BinaryBodyCorruptedWarning, match="multipart~1form-data"), gw.session() as session:
        response = session.post(gw.url + "/upload", files=FILES)
    digests = response.json()
    assert digests[0] != EXPECTED[0]
    assert digests[1] != EXPECTED[1]
    invocation = invocation_of(response)
    assert invocation.event is not None
    sent = invocation.request.body
    assert raw_body(invocation.event) == sent.decode("utf-8", "replace").encode()


def test_multipart_encoder_as_data_is_sent_whole() -> None:
    gw = Gateway(digests_of_parts, api="http")
    encoder = MultipartEncoder(fields=FILES)
    response = gw.request("POST", "/upload", data=encoder, headers={"Content-Type": encoder.content_type})
    assert response.json() == EXPECTED


def test_events_reach_the_handler_json_round_tripped() -> None:
    seen: list[Event] = []

    def mutating(event: Event, context: object) -> Event:
        seen.append(event)
        if len(seen) == 1:
            event["headers"]["injected"] = "yes"
            event["requestContext"]["stage"] = "mutated"
            event["stageVariables"]["a"] = "changed"
        return {"statusCode": 204}

    gw = Gateway(mutating, api="rest", binary_media_types=["*/*"], stage_variables={"a": "b"})
    gw.request("POST", "/x", data=b"\x00\x01")
    gw.request("POST", "/x", data="text")
    assert "injected" not in seen[1]["headers"]
    assert seen[1]["requestContext"]["stage"] == "Prod"
    assert gw.config.stage_variables == {"a": "b"}
    assert all(isinstance(e["body"], str) for e in seen)


class Text(str):
    """A str subclass, as a StrEnum or a tagged string would reach the emulator."""


def test_str_subclass_header_values_reach_the_handler_as_plain_str() -> None:
    seen: list[Event] = []
    gw = Gateway(recorder(seen), api="rest")
    request = HttpRequest(Text("GET"), Text("/Prod/x"), headers=((Text("Accept"), Text("text/plain")),))
    assert all(part.__class__ is str for pair in request.headers for part in pair)
    assert request.method.__class__ is str
    assert request.path.__class__ is str
    gw.invoke(request)
    headers = seen[0]["headers"]
    assert headers["Accept"] == "text/plain"
    assert headers["Accept"].__class__ is str
    assert seen[0]["httpMethod"].__class__ is str
    assert seen[0]["path"].__class__ is str


def test_str_subclass_in_the_configuration_reaches_the_handler_as_plain_str() -> None:
    seen: list[Event] = []
    gw = Gateway(recorder(seen), api="rest", stage_variables={"a": Text("b")})
    gw.request("GET", "/x")
    assert seen[0]["stageVariables"]["a"].__class__ is str


def test_each_invocation_gets_a_fresh_event_when_the_handler_keeps_and_changes_the_last() -> None:
    seen: list[Event] = []

    def keeping(event: Event, context: object) -> Event:
        if seen:
            seen[-1]["multiValueHeaders"]["Accept"].append("changed")
            seen[-1]["requestContext"]["identity"]["sourceIp"] = "changed"
        seen.append(event)
        return {"statusCode": 204}

    gw = Gateway(keeping, api="rest")
    for _ in range(3):
        gw.request("GET", "/x", headers={"Accept": "a/b"})
    assert [e["multiValueHeaders"]["Accept"] for e in seen] == [["a/b", "changed"]] * 2 + [["a/b"]]
    assert seen[2]["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert seen[0] is not seen[1]


def test_plain_configurations_are_those_without_overrides_authorizer_or_str_subclasses() -> None:
    def plain(**options: Any) -> bool:
        return plain_config(Gateway(recorder([]), **options).config)

    assert plain(api="rest", stage_variables={"a": "b"})
    assert plain(api="http")
    assert not plain(api="rest", stage_variables={"a": Text("b")})
    assert not plain(api="rest", account_id=Text("123456789012"))
    assert not plain(api="rest", request_context={"custom": 1})
    assert not plain(api="rest", event_overrides={"body": "x"})
    assert not plain(api="rest", authorizer={"claims": {}})


def recorder(store: list[Any], pick: Any = lambda event, context: event) -> Any:
    """A handler that records what ``pick`` takes from each call and answers an empty 200."""

    def handler(event: Event, context: LambdaContext) -> Event:
        store.append(pick(event, context))
        return {}

    return handler


def test_tuples_in_overrides_reach_the_handler_as_lists() -> None:
    seen: list[Event] = []
    gw = Gateway(recorder(seen), api="rest", request_context={"custom": (1, 2)})
    gw.request("GET", "/x")
    assert seen[0]["requestContext"]["custom"] == [1, 2]


def test_context_has_the_python_runtime_attributes() -> None:
    contexts: list[LambdaContext] = []
    gw = Gateway(
        recorder(contexts, lambda e, c: c), api="rest", function_name="images", memory_size=512, timeout=10
    )
    gw.request("GET", "/x")
    context = contexts[0]
    assert UUID.match(context.aws_request_id)
    assert context.function_name == "images"
    assert context.function_version == "$LATEST"
    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:images"
    assert context.memory_limit_in_mb == "512"  # a str, as in the runtime
    assert context.log_group_name == "/aws/lambda/images"
    assert "[$LATEST]" in context.log_stream_name
    assert context.identity.cognito_identity_id is None
    assert context.client_context is None
    assert 0 < context.get_remaining_time_in_millis() <= 10_000


def test_each_invocation_gets_a_fresh_context_whatever_the_last_handler_did_to_its_own() -> None:
    contexts: list[LambdaContext] = []

    def changing(event: Event, context: LambdaContext) -> Event:
        contexts.append(context)
        if len(contexts) == 1:
            context.invoked_function_arn = "changed"
            context.identity.cognito_identity_id = "changed"
            context.client_context = "changed"
            context.custom = "changed"  # type: ignore[attr-defined]
        return {}

    gw = Gateway(changing, api="rest", function_name="images", timeout=10)
    gw.request("GET", "/x")
    gw.request("GET", "/x")
    first, second = contexts
    assert second is not first
    assert second.aws_request_id != first.aws_request_id
    assert second.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:images"
    assert second.identity is not first.identity
    assert second.identity.cognito_identity_id is None
    assert second.client_context is None
    assert not hasattr(second, "custom")
    assert 9_000 < second.get_remaining_time_in_millis() <= 10_000
    assert list(vars(second)) == list(vars(LambdaContext(aws_request_id="x")))


def test_function_url_context_request_id_is_the_event_request_id() -> None:
    pairs: list[tuple[str, str]] = []

    def ids(event: Event, context: LambdaContext) -> tuple[str, str]:
        return event["requestContext"]["requestId"], context.aws_request_id

    Gateway(recorder(pairs, ids), api="function-url").request("GET", "/")
    Gateway(recorder(pairs, ids), api="rest").request("GET", "/")
    assert pairs[0][0] == pairs[0][1]
    assert pairs[1][0] != pairs[1][1]


def test_handler_exception_is_re_raised_with_the_gateway_response_attached() -> None:
    def broken(event: Event, context: object) -> Event:
        raise KeyError("body")

    with pytest.raises(KeyError) as info:
        Gateway(broken, api="rest").request("GET", "/x")
    invocation = info.value.apigw_invocation  # type: ignore[attr-defined]
    assert invocation.response.status == 502
    assert invocation.response.body == b'{"message": "Internal server error"}'


def test_handler_exception_gives_the_client_502_when_asked() -> None:
    def broken(event: Event, context: object) -> Event:
        raise KeyError("body")

    gw = Gateway(broken, api="rest", raise_handler_exceptions=False)
    with pytest.warns(GatewayErrorWarning, match="the handler raised KeyError"):
        response = gw.request("GET", "/x")
    assert response.status_code == 502
    assert response.content == b'{"message": "Internal server error"}'
    with pytest.raises(requests.HTTPError):
        response.raise_for_status()


@pytest.mark.parametrize(
    ("api", "status", "body"),
    [
        ("rest", 502, b'{"message": "Internal server error"}'),
        ("http", 500, b'{"message":"Internal Server Error"}'),
        ("function-url", 502, b"Internal Server Error"),
    ],
)
def test_result_the_runtime_cannot_encode_is_a_lambda_error(api: str, status: int, body: bytes) -> None:
    gw = Gateway(lambda e, c: {"statusCode": 200, "body": {1, 2}}, api=api)
    with pytest.warns(GatewayErrorWarning, match="Runtime.MarshalError"):
        response = gw.request("GET", "/x")
    assert (response.status_code, response.content) == (status, body)


def test_decimal_results_encode_as_the_python_runtime_does() -> None:
    gw = Gateway(lambda e, c: {"price": Decimal("12.50")}, api="http")
    assert gw.request("GET", "/").content == b'{"price":12.5}'


def test_rule_7_unmatched_route_rest_403_http_404() -> None:
    rest = Gateway(lambda e, c: {}, api="rest", routes=["GET /shape"])
    with pytest.warns(GatewayErrorWarning, match="no route matches"):
        response = rest.request("POST", "/other")
    assert response.status_code == 403
    assert response.content == b'{"message":"Missing Authentication Token"}'  # the default template
    http = Gateway(lambda e, c: {}, api="http", routes=["GET /shape"])
    with pytest.warns(GatewayErrorWarning):
        response = http.request("POST", "/other")
    assert (response.status_code, response.content) == (404, b'{"message":"Not Found"}')


def test_rule_7_payload_over_10_mb_is_413_with_aws_body() -> None:
    gw = Gateway(lambda e, c: {}, api="rest", binary_media_types=["*/*"])
    with pytest.warns(GatewayErrorWarning, match="over the 10485760-byte limit"):
        response = gw.request("POST", "/x", data=b"\x00" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.content == b"HTTP content length exceeded 10485760 bytes."
    assert response.headers["Content-Type"] == "text; charset=utf-8"


def test_rule_7_event_over_6_mb_is_413_request_too_long() -> None:
    called: list[Event] = []
    gw = Gateway(recorder(called), api="rest", binary_media_types=["*/*"])
    with pytest.warns(GatewayErrorWarning, match="4.4 MB"):
        response = gw.request("POST", "/x", data=b"\x00" * (5 * 1024 * 1024))  # base64 makes it 6.7 MB
    assert response.status_code == 413
    assert response.content == b'{"message": "Request Too Long"}'  # 31 bytes in the capture (R1)
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert not called


def test_rule_7_result_over_the_lambda_response_limit_is_502() -> None:
    gw = Gateway(lambda e, c: {"statusCode": 200, "body": "x" * (6 * 1024 * 1024 + 100)}, api="rest")
    with pytest.warns(GatewayErrorWarning, match="Exceeded maximum allowed payload size"):
        response = gw.request("GET", "/x")
    assert response.status_code == 502


def _stuck_handler(release: threading.Event, entered: threading.Event) -> Any:
    def handler(event: Event, context: object) -> Event:
        entered.set()
        release.wait(30)
        return {"statusCode": 200}

    return handler


@pytest.mark.parametrize(
    ("api", "status", "body"),
    [
        ("rest", 504, b'{"message": "Endpoint request timed out"}'),
        ("http", 503, b'{"message":"Service Unavailable"}'),
    ],
)
def test_rule_7_integration_timeout_answers_without_waiting_for_the_handler(
    api: str, status: int, body: bytes
) -> None:
    release, entered = threading.Event(), threading.Event()
    gw = Gateway(_stuck_handler(release, entered), api=api, timeout=60, integration_timeout=0.05)
    try:
        with pytest.warns(GatewayErrorWarning, match="integration timeout"):
            response = gw.request("GET", "/x")
        assert entered.is_set()
        assert not release.is_set()  # the answer came while the handler was still running
        assert (response.status_code, response.content) == (status, body)
    finally:
        release.set()


def test_function_timeout_is_a_lambda_error() -> None:
    release, entered = threading.Event(), threading.Event()
    gw = Gateway(_stuck_handler(release, entered), api="rest", timeout=0.05)
    try:
        with pytest.warns(GatewayErrorWarning, match=r"Task timed out after 0\.05 seconds"):
            response = gw.request("GET", "/x")
        assert response.status_code == 502
    finally:
        release.set()


def test_session_cookies_json_and_redirects_behave_as_usual() -> None:
    def handler(event: Event, context: object) -> Any:
        if event["rawPath"] == "/login":
            return {"statusCode": 302, "headers": {"Location": "/me"}, "cookies": ["sid=abc; Path=/"]}
        return {"cookies_seen": event.get("cookies", [])}

    gw = Gateway(handler, api="http")
    with gw.session() as session:
        response = session.get(gw.url + "/login")
        assert response.status_code == 200
        assert response.history[0].status_code == 302
        assert response.json() == {"cookies_seen": ["sid=abc"]}
        assert session.cookies.get("sid") == "abc"


def test_session_routes_only_the_gateway_host() -> None:
    gw = Gateway(lambda e, c: {}, api="rest")
    with gw.session() as session:
        assert isinstance(session.get_adapter(gw.url + "/x"), GatewayAdapter)
        assert isinstance(session.get_adapter("https://example.com/"), HTTPAdapter)


def test_request_to_another_stage_of_the_host_is_not_routed() -> None:
    gw = Gateway(lambda e, c: {}, api="rest", stage="live")
    with pytest.warns(GatewayErrorWarning), gw.session() as session:
        response = session.get(gw.url.replace("/live", "/other") + "/x")
    assert response.status_code == 403


def test_head_response_has_headers_but_no_body() -> None:
    gw = Gateway(lambda e, c: {"statusCode": 200, "body": "hello"}, api="rest")
    response = gw.request("HEAD", "/x")
    assert response.headers["Content-Length"] == "5"
    assert response.content == b""
    event = invocation_of(response).event
    assert event is not None
    assert event["httpMethod"] == "HEAD"


def test_invoke_returns_the_whole_story() -> None:
    gw = Gateway(lambda e, c: {"statusCode": 201, "body": "made"}, api="rest")
    invocation = gw.invoke(gw.build_request("POST", "/things", body=b"x"))
    assert invocation.event is not None
    assert invocation.event["path"] == "/things"
    assert invocation.result == {"statusCode": 201, "body": "made"}
    assert invocation.response.status == 201
    assert invocation.response.body == b"made"
    assert invocation.error is None


def test_gateway_without_handler_cannot_invoke() -> None:
    with pytest.raises(Exception, match="has no handler"):
        Gateway(None).invoke(HttpRequest("GET", "/Prod/x"))


def _vandalise(value: Any) -> None:
    """Change every container of ``value`` in place: a key added to each dict, an item to each list."""
    if isinstance(value, dict):
        for item in list(value.values()):
            _vandalise(item)
        value["vandalised"] = True
    elif isinstance(value, list):
        for item in value:
            _vandalise(item)
        value.append("vandalised")


@pytest.mark.parametrize("api", ["rest", "http", "http-v1", "function-url", "alb"])
def test_no_container_of_an_event_is_shared_with_the_next_invocations(api: str) -> None:
    """Rule: each invocation's event is the handler's own (on Lambda it is parsed from JSON afresh): a
    handler that changes every dict and list of its event, nested ones included, changes nothing of the
    next invocation's event, on every front door (whatever the builders memoise)."""
    originals: list[Event] = []

    def vandal(event: Event, context: object) -> dict[str, int]:
        originals.append(copy.deepcopy(event))
        _vandalise(event)
        return {"statusCode": 204}

    gw = Gateway(vandal, api=api)
    for _ in range(2):
        gw.request(
            "POST",
            "/items/1?tag=a&tag=b",
            headers={"Accept": "a/b", "Cookie": "c=1; d=2", "Content-Type": "text/plain"},
            data=b"hi",
        )
    first, second = originals
    assert "vandalised" not in json.dumps(second)
    assert second.keys() == first.keys()


def _echo_request(event: Event, context: object) -> Event:
    """A handler whose result shows what it received: status, headers and body from the event."""
    path = event.get("rawPath") or event.get("path") or ""
    if path.endswith("/boom"):
        raise RuntimeError("boom")
    if path.endswith("/bad"):
        return {"statusCode": "nope"}
    return {
        "statusCode": 201,
        "headers": {"Content-Type": "text/plain", "X-Seen": str(len(event.get("headers") or {}))},
        "body": json.dumps([event.get("body"), event.get("queryStringParameters")]),
        "isBase64Encoded": False,
    }


def _plain_gateway(api: str, endpoint: str) -> Gateway:
    options: dict[str, Any] = {"raise_handler_exceptions": False}
    if api == "rest":
        options["endpoint_type"] = endpoint
    if api != "function-url":
        options["routes"] = ["GET /items/{id}", "POST /items", "ANY /{proxy+}"]
    return Gateway(_echo_request, api=api, **options)


_PLAIN_GATEWAYS = {
    (api, endpoint): _plain_gateway(api, endpoint)
    for api, endpoint in (
        ("rest", "EDGE"),
        ("rest", "REGIONAL"),
        ("http", "EDGE"),
        ("http-v1", "EDGE"),
        ("function-url", "EDGE"),
        ("alb", "EDGE"),
    )
}


@settings(max_examples=60, deadline=None)
@given(
    gateway_key=st.sampled_from(sorted(_PLAIN_GATEWAYS)),
    method=st.sampled_from(["GET", "POST", "PUT", "OPTIONS"]),
    path=st.sampled_from(["/items/7", "/items", "/a/b", "/", "/boom", "/bad", "//x"]),
    query=st.sampled_from(["", "a=1&a=2", "b=%20"]),
    headers=st.lists(
        st.tuples(
            st.sampled_from(["X-One", "user-agent", "Content-Type", "X-Amzn-Trace-Id", "Host", "x-one"]),
            st.sampled_from(["1", "text/plain", "Root=1-5759e988-bd862e3fe1be46a994272793", "a b"]),
        ),
        max_size=4,
    ),
    body=st.sampled_from([b"", b"hello", b"\xff\x00"]),
)
def test_plain_proxy_plan_gives_what_the_general_steps_give(
    *,
    gateway_key: tuple[str, str],
    method: str,
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    """A plain proxy request (no option a later step reads) takes invoke_plain; the general pass of every
    step, given the same stamp, answers the same response and hands the handler the same event."""
    gateway = _PLAIN_GATEWAYS[gateway_key]
    prefix = gateway.config.url_prefix
    request = HttpRequest(method, prefix + path, query, tuple(headers), body)
    function = gateway.lambda_function
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = invoke(function.environments, request, gateway.config, function.function, in_process=True)
        assert plain.stamp is not None
        general = invoke_steps(
            function.environments,
            request,
            gateway.config,
            function.function,
            stamp=plain.stamp,
            in_process=True,
            gateway_responses={},
        )
    assert (plain.response.status, plain.response.headers, plain.response.body) == (
        general.response.status,
        general.response.headers,
        general.response.body,
    )
    assert plain.response.reason == general.response.reason
    assert plain.event == general.event
    assert plain.result == general.result
    assert plain.function_error is None or general.function_error is not None
