"""REST API (payload 1.0) events, one test per rule of spec sections 1, 2.1 and 5.1."""

from __future__ import annotations

import base64
import json
import time

import pytest
from requests_toolbelt import MultipartEncoder

from apigw_emulator import (
    ABSENT,
    BinaryBodyCorruptedWarning,
    Gateway,
    HttpRequest,
    RequestStamp,
    RouteNotFoundError,
)

from ._forms import CF_ID, CLF, SHORT_ID, SIX_ALNUM, TRACE, UUID, VIA

JPEG_START = bytes.fromhex("ffd8ffe000104a464946")
#: The CloudFront-* headers an edge-optimized API adds to the event, in the order they come.
CLOUDFRONT_HEADERS = (
    "CloudFront-Forwarded-Proto",
    "CloudFront-Is-Desktop-Viewer",
    "CloudFront-Is-Mobile-Viewer",
    "CloudFront-Is-SmartTV-Viewer",
    "CloudFront-Is-Tablet-Viewer",
    "CloudFront-Viewer-ASN",
    "CloudFront-Viewer-Country",
)


@pytest.fixture
def gw() -> Gateway:
    return Gateway(None, api="rest", stage="live", endpoint_type="REGIONAL")


def test_rule_1_1_rest_event_has_no_version_key(gw: Gateway) -> None:
    assert "version" not in gw.event("GET", "/x")


def test_rule_1_1_empty_collections_and_body_are_null(gw: Gateway) -> None:
    event = gw.event("GET", "/")
    for key in (
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "body",
    ):
        assert key in event
        assert event[key] is None
    assert event["isBase64Encoded"] is False


def test_rule_1_1_post_with_empty_body_has_null_body(gw: Gateway) -> None:
    event = gw.event("POST", "/x", headers={"Content-Type": "application/json"}, body=b"")
    assert event["body"] is None


def test_rule_1_2_request_context_ids_and_times_have_aws_forms(gw: Gateway) -> None:
    before = int(time.time() * 1000)
    ctx = gw.event("GET", "/x")["requestContext"]
    assert UUID.match(ctx["requestId"])
    assert SHORT_ID.match(ctx["extendedRequestId"])
    assert CLF.match(ctx["requestTime"])
    assert isinstance(ctx["requestTimeEpoch"], int)
    assert before <= ctx["requestTimeEpoch"] <= int(time.time() * 1000)
    assert SIX_ALNUM.match(ctx["resourceId"])
    assert SIX_ALNUM.match(ctx["deploymentId"])
    assert ctx["protocol"] == "HTTP/1.1"
    assert ctx["stage"] == "live"
    assert ctx["domainPrefix"] == ctx["apiId"]


def test_rule_1_2_ids_are_fresh_for_every_event(gw: Gateway) -> None:
    first, second = gw.event("GET", "/x")["requestContext"], gw.event("GET", "/x")["requestContext"]
    assert first["requestId"] != second["requestId"]
    assert first["extendedRequestId"] != second["extendedRequestId"]
    assert first["resourceId"] == second["resourceId"]


def test_rule_1_2_identity_without_auth_has_only_source_ip_and_user_agent(gw: Gateway) -> None:
    ctx = gw.event("GET", "/x", headers={"User-Agent": "curl/8.7.1"}, source_ip="68.8.83.18")[
        "requestContext"
    ]
    identity = ctx["identity"]
    assert identity.pop("sourceIp") == "68.8.83.18"
    assert identity.pop("userAgent") == "curl/8.7.1"
    assert set(identity) == {
        "accessKey",
        "accountId",
        "caller",
        "cognitoAuthenticationProvider",
        "cognitoAuthenticationType",
        "cognitoIdentityId",
        "cognitoIdentityPoolId",
        "principalOrgId",
        "user",
        "userArn",
    }
    assert all(v is None for v in identity.values())
    assert "authorizer" not in ctx


def test_rule_1_2_request_time_is_clf_in_utc_with_english_months() -> None:
    stamp = RequestStamp("r", "e", "t", 1783711144836)
    assert stamp.clf == "10/Jul/2026:19:19:04 +0000"


def test_rule_1_3_path_is_stage_stripped_and_not_decoded(gw: Gateway) -> None:
    event = gw.event("POST", "/capture/space%20value")
    assert event["path"] == "/capture/space%20value"
    assert event["requestContext"]["path"] == "/live/capture/space%20value"
    assert event["pathParameters"] == {"proxy": "capture/space%20value"}
    assert event["resource"] == event["requestContext"]["resourcePath"] == "/{proxy+}"


def test_rule_1_3_query_is_form_decoded_last_value_and_multi_value(gw: Gateway) -> None:
    event = gw.event(
        "GET",
        "/q?repeat=one&repeat=two&redirect=https%3A%2F%2Fexample.com%2Fa%2Fb&literalPlus=a+b&encodedPlus=a%2Bb&empty=",
    )
    assert event["queryStringParameters"] == {
        "repeat": "two",
        "redirect": "https://example.com/a/b",
        "literalPlus": "a b",
        "encodedPlus": "a+b",
        "empty": "",
    }
    assert event["multiValueQueryStringParameters"]["repeat"] == ["one", "two"]
    assert event["multiValueQueryStringParameters"]["empty"] == [""]


@pytest.mark.parametrize(
    ("raw_path", "path", "proxy", "context_path"),
    [
        ("/live/proxy-value/", "/proxy-value/", "proxy-value", "/live/proxy-value/"),
        (
            "/live/proxy-value//double-slash",
            "/proxy-value//double-slash",
            "proxy-value//double-slash",
            "/live/proxy-value//double-slash",
        ),
        ("/live//proxy-value", "/proxy-value", "proxy-value", "/live//proxy-value"),
        ("//live/proxy-value", "/proxy-value", "proxy-value", "/live/proxy-value"),
    ],
)
def test_rule_1_3_greedy_proxy_slash_handling(
    gw: Gateway, raw_path: str, path: str, proxy: str, context_path: str
) -> None:
    event = gw.build_event(HttpRequest("GET", raw_path))
    assert event["path"] == path
    assert event["pathParameters"] == {"proxy": proxy}
    assert event["requestContext"]["path"] == context_path


def test_rule_1_3_static_resource_has_null_path_parameters() -> None:
    gw = Gateway(None, api="rest", stage="stage", routes=["GET /hardcoded", "ANY /{proxy+}"])
    event = gw.build_event(HttpRequest("GET", "/stage//hardcoded"))
    assert (event["resource"], event["path"], event["pathParameters"]) == ("/hardcoded", "/hardcoded", None)
    assert event["requestContext"]["path"] == "/stage//hardcoded"


def test_rule_1_3_root_is_the_slash_resource_not_the_greedy_one(gw: Gateway) -> None:
    event = gw.event("GET", "/")
    assert (event["resource"], event["path"], event["pathParameters"]) == ("/", "/", None)


def test_rule_1_3_root_without_a_slash_resource_is_missing_authentication_token() -> None:
    gw = Gateway(None, api="rest", routes=["ANY /{proxy+}"])
    with pytest.raises(RouteNotFoundError, match="403 Missing Authentication Token"):
        gw.event("GET", "/")


def test_rule_1_3_unmatched_method_is_a_missing_route() -> None:
    gw = Gateway(None, api="rest", routes=["GET /items/{id}"])
    assert gw.event("GET", "/items/7")["pathParameters"] == {"id": "7"}
    with pytest.raises(RouteNotFoundError) as info:
        gw.event("DELETE", "/items/7")
    assert info.value.method == "DELETE"


def test_rule_1_3_path_parameters_are_not_decoded() -> None:
    gw = Gateway(None, api="rest", routes=["ANY /files/{name}"])
    assert gw.event("GET", "/files/a%25%2Fb")["pathParameters"] == {"name": "a%25%2Fb"}


def test_rule_1_4_custom_domain_keeps_base_path_in_path() -> None:
    gw = Gateway(None, api="rest", domain_name="api.example.com", base_path="images", stage="v1")
    assert gw.url == "https://api.example.com/images"
    event = gw.event("POST", "/shape")
    assert event["path"] == "/images/shape"
    assert event["requestContext"]["path"] == "/images/shape"
    assert event["pathParameters"] == {"proxy": "shape"}
    assert event["requestContext"]["domainName"] == "api.example.com"
    assert event["requestContext"]["domainPrefix"] == "api"
    assert event["requestContext"]["stage"] == "v1"


def test_rule_1_4_custom_domain_without_base_path() -> None:
    gw = Gateway(None, api="rest", domain_name="api.example.com")
    event = gw.event("POST", "/shape")
    assert event["path"] == event["requestContext"]["path"] == "/shape"


def test_rule_1_4_request_outside_the_stage_is_not_routed(gw: Gateway) -> None:
    with pytest.raises(RouteNotFoundError, match="not under '/live'"):
        gw.build_event(HttpRequest("GET", "/other/x"))


def test_rule_2_1_header_casing_kept_except_recased_names(gw: Gateway) -> None:
    event = gw.event(
        "GET",
        "/x",
        headers=[
            ("tEsT-HEADeR", "aValUE"),
            ("user-agent", "ua"),
            ("authorization", "tok"),
            ("accept", "*/*"),
        ],
    )
    headers = event["headers"]
    assert headers["tEsT-HEADeR"] == "aValUE"
    assert headers["User-Agent"] == "ua"
    assert headers["Authorization"] == "tok"
    assert headers["accept"] == "*/*"
    assert "user-agent" not in headers


def test_rule_2_1_duplicates_last_value_and_all_values(gw: Gateway) -> None:
    event = gw.event("GET", "/x", headers=[("x-voker-probe", "first"), ("x-voker-probe", "second")])
    assert event["headers"]["x-voker-probe"] == "second"
    assert event["multiValueHeaders"]["x-voker-probe"] == ["first", "second"]


def test_rule_2_1_content_length_and_hop_by_hop_headers_are_dropped(gw: Gateway) -> None:
    dropped = ["Content-Length", "Connection", "Expect", "TE", "Transfer-Encoding", "Upgrade", "Content-MD5"]
    event = gw.event("POST", "/x", headers=[(h, "1") for h in dropped] + [("Via", "1.1 proxy")], body=b"a")
    names = {n.lower() for n in event["headers"]}
    assert not names & {h.lower() for h in dropped}
    assert set(event["headers"]) == set(event["multiValueHeaders"])
    assert event["headers"]["Via"] == "1.1 proxy"  # passed through on REGIONAL endpoints


def test_rule_2_1_gateway_adds_host_trace_and_forwarded_headers(gw: Gateway) -> None:
    event = gw.event("GET", "/x", headers={"Host": "localhost:3000"}, source_ip="68.8.83.18")
    headers = event["headers"]
    assert headers["Host"] == gw.config.domain_name == event["requestContext"]["domainName"]
    assert TRACE.match(headers["X-Amzn-Trace-Id"])
    assert headers["X-Forwarded-For"] == "68.8.83.18"
    assert (headers["X-Forwarded-Port"], headers["X-Forwarded-Proto"]) == ("443", "https")
    assert not any(name.startswith("CloudFront-") for name in headers)
    assert event["multiValueHeaders"]["Host"] == [headers["Host"]]


def test_rule_2_1_client_forwarded_for_is_kept_in_front() -> None:
    gw = Gateway(None, api="rest", endpoint_type="REGIONAL")
    event = gw.event("GET", "/x", headers={"X-Forwarded-For": "10.0.0.1"}, source_ip="68.8.83.18")
    assert event["headers"]["X-Forwarded-For"] == "10.0.0.1, 68.8.83.18"


def test_rule_2_1_edge_endpoints_add_cloudfront_headers() -> None:
    gw = Gateway(None, api="rest")  # EDGE is AWS's default for REST APIs
    event = gw.event("GET", "/x", source_ip="68.8.83.18", protocol="HTTP/2.0")
    headers = event["headers"]
    for name in CLOUDFRONT_HEADERS:
        assert name in headers
    assert VIA.match(headers["Via"])
    assert headers["Via"].startswith("2.0 ")
    assert CF_ID.match(headers["X-Amz-Cf-Id"])
    client, edge = headers["X-Forwarded-For"].split(", ")
    assert client == "68.8.83.18" == event["requestContext"]["identity"]["sourceIp"]
    assert edge


def test_rule_5_1_matching_binary_type_gives_base64() -> None:
    gw = Gateway(None, api="rest", binary_media_types=["image/*"])
    data = JPEG_START + bytes(range(256))
    event = gw.event("POST", "/shape", headers={"Content-Type": "image/jpg"}, body=data)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == data


def test_rule_5_1_no_match_corrupts_invalid_utf8_like_aws_and_warns() -> None:
    gw = Gateway(None, api="rest", binary_media_types=["image/png"])
    with pytest.warns(BinaryBodyCorruptedWarning, match=r"image/jpeg.*BinaryMediaTypes: - image~1jpeg"):
        event = gw.event("POST", "/shape", headers={"Content-Type": "image/jpeg"}, body=JPEG_START)
    assert event["isBase64Encoded"] is False
    # R6: ff d8 ff e0 00 10 4a 46 49 46 -> four U+FFFD, then the valid bytes unchanged.
    assert event["body"].encode() == bytes.fromhex("efbfbd" * 4 + "00104a464946")


def test_rule_5_1_no_match_with_valid_utf8_passes_text_without_warning(gw: Gateway) -> None:
    event = gw.event("POST", "/x", headers={"Content-Type": "application/json"}, body='{"u":"λ"}')
    assert event["body"] == '{"u":"λ"}'
    assert event["isBase64Encoded"] is False


def test_rule_5_1_multipart_without_binary_type_keeps_boundaries_but_corrupts_files() -> None:
    gw = Gateway(None, api="rest")
    encoder = MultipartEncoder(fields={"image": ("cat.jpg", JPEG_START, "image/jpeg")})
    with pytest.warns(BinaryBodyCorruptedWarning, match="multipart~1form-data"):
        event = gw.event("POST", "/shape", body=encoder)
    assert event["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert "\r\n" in event["body"]
    assert "\ufffd" * 4 in event["body"]
    assert 'filename="cat.jpg"' in event["body"]


def test_rule_5_1_multipart_with_binary_type_is_exact() -> None:
    gw = Gateway(None, api="rest", binary_media_types=["multipart~1form-data"])
    encoder = MultipartEncoder(fields={"image": ("cat.jpg", JPEG_START, "image/jpeg")})
    content_type = encoder.content_type
    event = gw.event("POST", "/shape", body=encoder)
    assert event["isBase64Encoded"] is True
    assert JPEG_START in base64.b64decode(event["body"])
    assert event["multiValueHeaders"]["Content-Type"] == [content_type]


def test_rule_5_1_no_body_is_null_even_with_star_star() -> None:
    gw = Gateway(None, api="rest", binary_media_types=["*/*"])
    event = gw.event("GET", "/x")
    assert (event["body"], event["isBase64Encoded"]) == (None, False)


def test_rule_5_1_star_star_base64_encodes_json_too() -> None:
    gw = Gateway(None, api="rest", binary_media_types=["*/*"])
    event = gw.event("POST", "/x", headers={"Content-Type": "application/json"}, body=b"{}")
    assert (event["body"], event["isBase64Encoded"]) == ("e30=", True)


def test_stage_variables_and_authorizer_overrides() -> None:
    claims = {"sub": "abc", "email": "a@example.com"}
    gw = Gateway(None, api="rest", stage_variables={"env": "test"}, authorizer={"claims": claims})
    event = gw.event("GET", "/x")
    assert event["stageVariables"] == {"env": "test"}
    assert event["requestContext"]["authorizer"] == {"claims": claims}
    event["requestContext"]["authorizer"]["claims"]["sub"] = "mutated"
    assert gw.event("GET", "/x")["requestContext"]["authorizer"]["claims"]["sub"] == "abc"


def test_event_overrides_deep_merge_and_absent_removes_keys() -> None:
    gw = Gateway(
        None,
        api="rest",
        request_context={"identity": {"cognitoIdentityId": "id-1"}, "operationName": "Upload"},
        event_overrides={"stageVariables": {"a": "b"}, "multiValueQueryStringParameters": ABSENT},
    )
    event = gw.event("GET", "/x?y=1")
    assert event["requestContext"]["identity"]["cognitoIdentityId"] == "id-1"
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["operationName"] == "Upload"
    assert event["stageVariables"] == {"a": "b"}
    assert "multiValueQueryStringParameters" not in event
    assert event["queryStringParameters"] == {"y": "1"}


def test_fixed_stamp_gives_reproducible_events(gw: Gateway) -> None:
    stamp = RequestStamp.new(now=1783711144.836)
    first = gw.event("GET", "/x", stamp=stamp)
    second = gw.event("GET", "/x", stamp=stamp)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["requestContext"]["requestTime"] == "10/Jul/2026:19:19:04 +0000"
    assert first["requestContext"]["requestTimeEpoch"] == 1783711144836


@pytest.mark.parametrize("endpoint_type", ["EDGE", "REGIONAL"])
def test_rule_2_1_the_events_keys_keep_their_order_with_the_gateways_headers_last(endpoint_type: str) -> None:
    gw = Gateway(None, api="rest", endpoint_type=endpoint_type)
    event = gw.event("GET", "/x", headers={"X-B": "1", "accept": "*/*", "user-agent": "ua"})
    gateway_headers = ["Host", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto"]
    if endpoint_type == "EDGE":
        gateway_headers += [*CLOUDFRONT_HEADERS, "Via", "X-Amz-Cf-Id"]
    assert list(event["headers"]) == ["X-B", "accept", "User-Agent", *gateway_headers]
    assert list(event["multiValueHeaders"]) == list(event["headers"])
    assert list(event["requestContext"]) == [
        "accountId",
        "apiId",
        "deploymentId",
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
    assert list(event["requestContext"]["identity"])[8:10] == ["sourceIp", "user"]
    assert event["requestContext"]["identity"]["userAgent"] == "ua"


def test_rule_1_2_events_share_no_container_a_handler_could_change(gw: Gateway) -> None:
    first = gw.event("GET", "/a", headers={"X-A": "1"}, source_ip="1.2.3.4")
    first["requestContext"]["identity"]["sourceIp"] = "changed"
    first["requestContext"]["stage"] = "changed"
    first["multiValueHeaders"]["X-Forwarded-Port"].append("changed")
    first["multiValueHeaders"]["Host"].append("changed")
    first["headers"]["X-Forwarded-Proto"] = "changed"
    second = gw.event("GET", "/a", headers={"X-A": "1"}, source_ip="5.6.7.8")
    assert second["requestContext"]["identity"]["sourceIp"] == "5.6.7.8"
    assert second["requestContext"]["stage"] == "live"
    assert second["multiValueHeaders"]["X-Forwarded-Port"] == ["443"]
    assert second["multiValueHeaders"]["Host"] == [gw.config.domain_name]
    assert second["headers"]["X-Forwarded-Proto"] == "https"
    assert second["requestContext"]["resourceId"] == first["requestContext"]["resourceId"]
