"""HTTP API events, payload 2.0 (spec 2.3, 3.1, 3.2, 3.3) and payload 1.0 (spec 3.4)."""

from __future__ import annotations

import base64

import pytest
from requests_toolbelt import MultipartEncoder

from apigw_emulator import BinaryBodyCorruptedWarning, Gateway, HttpRequest, RouteNotFoundError

from ._forms import CLF, SHORT_ID, TRACE


@pytest.fixture
def gw() -> Gateway:
    return Gateway(None, api="http")


def test_rule_3_1_version_route_key_and_raw_query(gw: Gateway) -> None:
    event = gw.event("GET", "/a?x=1+2&x=%2B&e=")
    assert event["version"] == "2.0"
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "$default"
    assert event["rawQueryString"] == "x=1+2&x=%2B&e="
    assert event["queryStringParameters"] == {"x": "1 2,+", "e": ""}


def test_rule_3_1_empty_keys_are_absent_not_null(gw: Gateway) -> None:
    event = gw.event("GET", "/")
    for key in ("cookies", "queryStringParameters", "pathParameters", "stageVariables", "body"):
        assert key not in event
    assert event["rawQueryString"] == ""
    assert event["isBase64Encoded"] is False
    assert "authorizer" not in event["requestContext"]
    assert "authentication" not in event["requestContext"]


def test_rule_3_1_request_context_forms(gw: Gateway) -> None:
    ctx = gw.event("POST", "/x", headers={"User-Agent": "curl/8.7.1"}, source_ip="1.2.3.4")["requestContext"]
    assert SHORT_ID.match(ctx["requestId"])
    assert CLF.match(ctx["time"])
    assert len(str(ctx["timeEpoch"])) == 13
    assert ctx["stage"] == "$default"
    assert ctx["http"] == {
        "method": "POST",
        "path": "/x",
        "protocol": "HTTP/1.1",
        "sourceIp": "1.2.3.4",
        "userAgent": "curl/8.7.1",
    }


def test_rule_3_1_raw_path_is_decoded_and_keeps_a_named_stage() -> None:
    gw = Gateway(None, api="http", stage="beta", routes=["ANY /{proxy+}"])
    event = gw.event("GET", "/api/space%20value")
    assert event["rawPath"] == event["requestContext"]["http"]["path"] == "/beta/api/space value"
    assert event["pathParameters"] == {"proxy": "api/space value"}
    assert event["routeKey"] == "ANY /{proxy+}"
    assert event["requestContext"]["stage"] == "beta"


def test_rule_3_1_raw_path_decoding_can_be_turned_off_for_2020_behaviour() -> None:
    gw = Gateway(None, api="http", decode_raw_path=False)
    assert gw.event("GET", "/foo%25%2Fbar")["rawPath"] == "/foo%25%2Fbar"


def test_rule_2_3_names_lowercased_duplicates_comma_joined(gw: Gateway) -> None:
    event = gw.event("GET", "/", headers=[("X-Voker-Probe", "first"), ("x-voker-probe", "second")])
    assert event["headers"]["x-voker-probe"] == "first,second"


def test_rule_2_3_cookie_header_moves_to_cookies(gw: Gateway) -> None:
    event = gw.event("GET", "/", headers=[("Cookie", "session=abc123; theme=dark"), ("cookie", "c=3")])
    assert event["cookies"] == ["session=abc123", "theme=dark", "c=3"]
    assert "cookie" not in event["headers"]


def test_rule_2_3_added_headers_and_content_length(gw: Gateway) -> None:
    headers = gw.event("GET", "/", source_ip="1.2.3.4")["headers"]
    assert headers["content-length"] == "0"
    assert headers["host"] == gw.config.domain_name
    assert TRACE.match(headers["x-amzn-trace-id"])
    assert (headers["x-forwarded-for"], headers["x-forwarded-port"], headers["x-forwarded-proto"]) == (
        "1.2.3.4",
        "443",
        "https",
    )
    assert gw.event("POST", "/", body=b"abc")["headers"]["content-length"] == "3"


@pytest.mark.parametrize(
    ("content_type", "is_b64"),
    [
        ("text/plain; charset=utf-8", False),
        ("application/json", False),
        ("application/x-www-form-urlencoded", True),
        ("application/octet-stream", True),
        ("image/png", True),
        (None, True),
    ],
)
def test_rule_3_3_text_or_base64_by_content_type(gw: Gateway, content_type: str | None, is_b64: bool) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    event = gw.event("POST", "/", headers=headers, body=b"a=1")
    assert event["isBase64Encoded"] is is_b64
    assert event["body"] == ("YT0x" if is_b64 else "a=1")


def test_rule_3_3_multipart_upload_is_base64_and_exact(gw: Gateway) -> None:
    payload = bytes(range(256)) * 4
    encoder = MultipartEncoder(fields={"image": ("x.bin", payload, "application/octet-stream")})
    event = gw.event("POST", "/shape", body=encoder)
    assert event["isBase64Encoded"] is True
    assert payload in base64.b64decode(event["body"])


def test_rule_3_3_text_type_with_invalid_utf8_is_replaced_and_warns(gw: Gateway) -> None:
    with pytest.warns(BinaryBodyCorruptedWarning, match="application/octet-stream"):
        event = gw.event("POST", "/", headers={"Content-Type": "text/plain"}, body=b"\xff")
    assert event["body"] == "\ufffd"


def test_rule_3_2_unmatched_route_without_default_is_not_found() -> None:
    gw = Gateway(None, api="http", routes=["GET /pets/{name}"])
    assert gw.event("GET", "/pets/rex")["pathParameters"] == {"name": "rex"}
    assert gw.event("GET", "/pets/rex")["routeKey"] == "GET /pets/{name}"
    with pytest.raises(RouteNotFoundError, match="404 Not Found"):
        gw.event("GET", "/cats/tom")


def test_rule_3_2_exact_route_beats_greedy_beats_default() -> None:
    gw = Gateway(None, api="http", routes=["$default", "ANY /{proxy+}", "GET /pets/dog"])
    assert gw.event("GET", "/pets/dog")["routeKey"] == "GET /pets/dog"
    assert gw.event("POST", "/pets/dog")["routeKey"] == "ANY /{proxy+}"
    assert gw.event("POST", "/")["routeKey"] == "$default"


def test_http_api_custom_domain_raw_path_has_no_api_mapping() -> None:
    gw = Gateway(None, api="http", domain_name="api.example.com", base_path="v1")
    event = gw.event("GET", "/pets")
    assert gw.url == "https://api.example.com/v1"
    assert event["rawPath"] == "/pets"


# -- payload 1.0 ------------------------------------------------------------------------------------


@pytest.fixture
def gw1() -> Gateway:
    return Gateway(None, api="http-v1")


def test_rule_3_4_payload_1_0_has_version_and_keeps_client_casing(gw1: Gateway) -> None:
    """Corrected 2026-12 (V5): names are not lower-cased; a repeated header is named as first sent."""
    event = gw1.event("GET", "/a?x=1&x=2", headers=[("X-Probe", "first"), ("x-probe", "second")])
    assert event["version"] == "1.0"
    assert event["headers"]["X-Probe"] == "second"
    assert event["multiValueHeaders"]["X-Probe"] == ["first", "second"]
    assert "x-probe" not in event["headers"]
    assert event["queryStringParameters"] == {"x": "2"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"]}


def test_rule_3_4_payload_1_0_request_context_shape(gw1: Gateway) -> None:
    event = gw1.event("GET", "/a")
    ctx = event["requestContext"]
    assert "authorizer" not in ctx  # corrected 2026-12 (V5): absent without an authorizer
    assert ctx["resourceId"] == ctx["resourcePath"] == "$default"  # corrected 2026-12 (V5)
    assert ctx["stage"] == "$default"
    assert ctx["requestId"] == ctx["extendedRequestId"]
    assert SHORT_ID.match(ctx["requestId"])
    assert event["resource"] == "$default"
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["body"] is None


def test_rule_3_4_payload_1_0_keeps_cookie_header_and_uses_base64_rules(gw1: Gateway) -> None:
    event = gw1.event("POST", "/", headers={"Cookie": "a=1", "Content-Type": "image/png"}, body=b"\x89PNG")
    assert event["headers"]["Cookie"] == "a=1"
    assert "cookies" not in event
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x89PNG"


# The two live payload 1.0 captures of spec V5 (2023 curl, 2020 Safari on a custom domain): the names,
# their order and the keys, rebuilt from the requests that produced them.
V5_CURL_HEADER_NAMES = [
    "Content-Length",
    "Content-Type",
    "Host",
    "User-Agent",
    "X-Amzn-Trace-Id",
    "X-Forwarded-For",
    "X-Forwarded-Port",
    "X-Forwarded-Proto",
    "accept",
]
V5_CONTEXT_KEYS = [
    "accountId",
    "apiId",
    "domainName",
    "domainPrefix",
    "extendedRequestId",
    "httpMethod",
    "identity",
    "path",
    "protocol",
    "requestId",
    "requestTime",
    "requestTimeEpoch",
    "resourceId",
    "resourcePath",
    "stage",
]
V5_IDENTITY_KEYS = [
    "accessKey",
    "accountId",
    "caller",
    "cognitoAmr",
    "cognitoAuthenticationProvider",
    "cognitoAuthenticationType",
    "cognitoIdentityId",
    "cognitoIdentityPoolId",
    "principalOrgId",
    "sourceIp",
    "user",
    "userAgent",
    "userArn",
]
V5_EVENT_KEYS = [
    "version",
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "requestContext",
    "pathParameters",
    "stageVariables",
    "body",
    "isBase64Encoded",
]


def test_rule_3_4_payload_1_0_matches_the_2023_curl_capture(gw1: Gateway) -> None:
    body = b'[{"latitude": 41.34, "longitude": 2.78}]'
    headers = [("content-type", "application/json"), ("user-agent", "curl/7.88.1"), ("accept", "*/*")]
    headers.append(("content-length", str(len(body))))
    event = gw1.event("POST", "/question", headers=headers, body=body)
    assert list(event) == V5_EVENT_KEYS
    assert list(event["headers"]) == list(event["multiValueHeaders"]) == V5_CURL_HEADER_NAMES
    assert event["headers"]["Content-Length"] == str(len(body))
    context = event["requestContext"]
    assert list(context) == V5_CONTEXT_KEYS
    assert list(context["identity"]) == V5_IDENTITY_KEYS
    assert context["resourceId"] == context["resourcePath"] == event["resource"] == "$default"
    assert context["path"] == event["path"] == "/question"
    assert event["body"] == body.decode()
    assert event["isBase64Encoded"] is False


def test_rule_3_4_payload_1_0_matches_the_2020_custom_domain_capture() -> None:
    gw = Gateway(None, api="http-v1", domain_name="myawesomelambda.example.com", stage="production")
    event = gw.event(
        "POST",
        "/login",
        headers=[
            ("content-type", "application/x-www-form-urlencoded"),
            ("user-agent", "Safari"),
            ("accept", "text/html"),
            ("cookie", "signal1=test; signal2=control"),
            ("origin", "https://myawesomelambda.example.com"),
        ],
        body=b"commit=Login",
    )
    assert list(event["headers"])[:8] == V5_CURL_HEADER_NAMES[:8]
    assert list(event["headers"])[8:] == ["accept", "cookie", "origin"]
    assert event["path"] == "/login"
    assert event["requestContext"]["path"] == "/production/login"
    assert event["requestContext"]["domainPrefix"] == "myawesomelambda"
    assert "authorizer" not in event["requestContext"]
    assert event["isBase64Encoded"] is True


def test_rule_3_4_payload_1_0_authorizer_only_with_an_authorizer() -> None:
    claims = {"claims": {"sub": "1"}, "scopes": None}
    event = Gateway(None, api="http-v1", authorizer=claims).event("GET", "/")
    assert event["requestContext"]["authorizer"] == claims


def test_rule_3_4_payload_1_0_path_is_decoded(gw1: Gateway) -> None:
    event = gw1.build_event(HttpRequest("GET", "/space%20value"))
    assert event["path"] == event["requestContext"]["path"] == "/space value"
