"""Property tests: ``request_from_event(build_event(request))`` gives back the request, as the front door
transformed it (method, path, query, headers) and the body bytes, bit for bit when the front door
base64-encodes them.

Each test models the spec's transformation of one front door independently of the library and compares
what the inverse recovers with it: REST (spec 1.3, 2.1, 5.1), HTTP API 2.0 and 1.0 (2.3, 3.1, 3.3, 3.4),
function URLs (2.4, 4.1) and ALB (2.4, 4.2). Headers are compared as multi-maps (name -> values in
order): the inverse groups repeated headers, it does not promise the original interleaving.
"""

from __future__ import annotations

import functools
import json
import warnings
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, unquote

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator import (
    BinaryBodyCorruptedWarning,
    Gateway,
    HttpRequest,
    InvalidRequestError,
    RouteNotFoundError,
    request_from_event,
)
from apigw_emulator.flow.runtime_json import event_round_trip
from apigw_emulator.runtime.model import SplicedJSON

from ._strategies import (
    BINARY_CONTENT_TYPES,
    INVALID_UTF8_BODIES,
    TEXT_CONTENT_TYPES,
    BodySpec,
    RequestSpec,
    alb_bodies,
    arbitrary_requests,
    binary_bodies,
    gateway_options,
    lambda_bodies,
    requests,
    utf8_bodies,
)

Header = tuple[str, str]
MultiMap = dict[str, list[str]]

#: Header names a REST API re-cases whatever the client sent (spec 2.1).
REST_RECASED = {"host": "Host", "user-agent": "User-Agent", "authorization": "Authorization"}
#: HTTP API payload 1.0 re-cases these names (spec 3.4, V5); the rest keep the client's casing.
HTTP_V1_RECASED = {
    "content-length": "Content-Length",
    "content-type": "Content-Type",
    "host": "Host",
    "user-agent": "User-Agent",
}
#: The REST binaryMediaTypes of the "specific type" test and bodies that match / do not match it.
REST_BINARY_TYPES = ("image/png", "multipart/form-data")
REST_MATCHING_TYPES = ("image/png", "image/png; q=0.9", "multipart/form-data; boundary=----x7MA4YWxkTrZu0gW")
REST_UNLISTED_TYPES = (None, "text/plain", "application/json", "image/jpeg", "application/octet-stream")
#: Request headers a REST API never hands to a Lambda proxy (spec 2.1: Content-Length, hop-by-hop, D5).
REST_DROPPED = frozenset(
    {
        "content-length",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "expect",
        "max-forwards",
        "content-md5",
        "proxy-authenticate",
        "server",
        "www-authenticate",
    }
)
rest_dropped_headers = st.lists(
    st.sampled_from(
        [
            ("Content-Length", "17"),
            ("Connection", "keep-alive"),
            ("connection", "close"),
            ("Keep-Alive", "timeout=5"),
            ("TE", "trailers"),
            ("Upgrade", "h2c"),
            ("Expect", "100-continue"),
            ("Max-Forwards", "10"),
            ("Content-MD5", "Q2hlY2sgSW50ZWdyaXR5IQ=="),
        ]
    ),
    max_size=3,
)


# -- the spec's transformations, written independently of the library ---------------------------------
def grouped(pairs: Iterable[Header], key: Callable[[str], str] | None = None) -> MultiMap:
    """Pairs as a multi-map, names mapped through ``key``, values in order."""
    out: MultiMap = {}
    for name, value in pairs:
        out.setdefault(key(name) if key else name, []).append(value)
    return out


def rest_headers(pairs: Iterable[Header]) -> MultiMap:
    """Spec 2.1: client casing (case-sensitive names) except the re-cased ones, every value kept,
    Content-Length and hop-by-hop headers dropped."""
    kept = ((name, value) for name, value in pairs if name.lower() not in REST_DROPPED)
    return grouped(kept, lambda name: REST_RECASED.get(name.lower(), name))


def joined(multi: MultiMap) -> MultiMap:
    """Spec 2.3, 2.4: duplicates joined with a comma and no space."""
    return {name: [",".join(values)] for name, values in multi.items()}


def cookie_list(pairs: Iterable[Header]) -> list[str]:
    """Spec 2.3: every ``cookie`` header split on ``"; "``, one element per cookie."""
    return [c for name, value in pairs if name.lower() == "cookie" for c in value.split("; ") if c]


def decoded_query(query: str) -> MultiMap:
    """REST and HTTP API query parameters: form-decoded, blank values kept (spec 1.3, 3.1)."""
    return parse_qs(query, keep_blank_values=True)


def raw_query(query: str) -> MultiMap:
    """ALB query parameters: split on ``&`` and the first ``=``, nothing decoded (spec 4.2)."""
    out: MultiMap = {}
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            out.setdefault(name, []).append(value)
    return out


def is_text(content_type: str | None) -> bool:
    """Spec 3.3 / 4.2: ``text/*`` and exactly application/json, xml and javascript travel as text."""
    essence = (content_type or "").split(";", 1)[0].strip().lower()
    return essence.startswith("text/") or essence in {
        "application/json",
        "application/xml",
        "application/javascript",
    }


@functools.cache
def shared_gateway(api: str, **options: Any) -> Gateway:
    """One gateway per configuration, shared by the examples (as a test suite shares it: its route and
    media-type memos see repeated and varied requests)."""
    return Gateway(None, api=api, **options)


def send(gateway: Gateway, spec: RequestSpec, extra: Iterable[Header] = ()) -> HttpRequest:
    """The request as it arrives at the front door (its path carries the stage prefix, if any)."""
    headers = [*spec.headers, *extra]
    return gateway.build_request(spec.method, spec.target, headers=headers, body=spec.body.body)


def round_trip(
    gateway: Gateway, spec: RequestSpec, extra: Iterable[Header] = ()
) -> tuple[HttpRequest, dict[str, Any], HttpRequest]:
    """The request sent, its event (through JSON, as Lambda receives it) and the request recovered."""
    request = send(gateway, spec, extra)
    event = json.loads(json.dumps(gateway.build_event(request)))
    return request, event, request_from_event(event)


# -- REST ---------------------------------------------------------------------------------------------
_rest_star_bodies = st.builds(
    BodySpec,
    st.sampled_from(TEXT_CONTENT_TYPES + BINARY_CONTENT_TYPES[1:]),  # a Content-Type is needed to match
    binary_bodies,
)


def check_rest_round_trip(request: HttpRequest, back: HttpRequest) -> None:
    """Method; raw path equal; query compared decoded; headers re-cased, dropped and kept (spec 1.3, 2.1)."""
    assert back.method == request.method
    assert back.path == request.path
    assert decoded_query(back.query) == decoded_query(request.query)
    assert grouped(back.headers) == rest_headers(request.headers)


@given(
    spec=requests(_rest_star_bodies),
    endpoint=st.sampled_from(["EDGE", "REGIONAL"]),
    dropped=rest_dropped_headers,
)
def test_rest_binary_body_survives_round_trip_bit_for_bit(
    spec: RequestSpec, endpoint: str, dropped: list[Header]
) -> None:
    """binaryMediaTypes ``*/*``: every typed body is base64 and comes back bit for bit (spec 5.1)."""
    gateway = shared_gateway("rest", binary_media_types=("*/*",), endpoint_type=endpoint)
    request, event, back = round_trip(gateway, spec, dropped)
    check_rest_round_trip(request, back)
    assert event["isBase64Encoded"] is bool(spec.body.body)
    assert back.body == spec.body.body


_rest_specific_bodies = st.one_of(
    st.builds(BodySpec, st.sampled_from(REST_MATCHING_TYPES), binary_bodies),
    st.builds(BodySpec, st.sampled_from(REST_UNLISTED_TYPES), utf8_bodies),
)


@given(
    spec=requests(_rest_specific_bodies),
    endpoint=st.sampled_from(["EDGE", "REGIONAL"]),
    dropped=rest_dropped_headers,
)
def test_rest_listed_binary_type_is_bit_for_bit_and_utf8_text_is_unchanged(
    spec: RequestSpec, endpoint: str, dropped: list[Header]
) -> None:
    """A listed type (parameters ignored) is base64 and exact; an unlisted type with UTF-8 is exact text
    (spec 5.1). No warning may be emitted for either."""
    gateway = shared_gateway("rest", binary_media_types=REST_BINARY_TYPES, endpoint_type=endpoint)
    request, event, back = round_trip(gateway, spec, dropped)
    check_rest_round_trip(request, back)
    listed = spec.body.content_type in REST_MATCHING_TYPES
    assert event["isBase64Encoded"] is (listed and bool(spec.body.body))
    assert back.body == spec.body.body


@given(
    spec=requests(st.builds(BodySpec, st.sampled_from(REST_UNLISTED_TYPES), INVALID_UTF8_BODIES)),
    endpoint=st.sampled_from(["EDGE", "REGIONAL"]),
)
def test_rest_non_utf8_body_of_unlisted_type_becomes_replacement_characters(
    spec: RequestSpec, endpoint: str
) -> None:
    """No binaryMediaTypes match and invalid UTF-8: each invalid sequence becomes U+FFFD, valid bytes
    survive, and the library warns (spec 5.1, R6)."""
    gateway = shared_gateway("rest", binary_media_types=REST_BINARY_TYPES, endpoint_type=endpoint)
    request = send(gateway, spec)
    with pytest.warns(BinaryBodyCorruptedWarning):
        event = gateway.build_event(request)
    back = request_from_event(json.loads(json.dumps(event)))
    check_rest_round_trip(request, back)
    assert event["isBase64Encoded"] is False
    assert back.body == spec.body.body.decode("utf-8", "replace").encode("utf-8")


# -- HTTP API -----------------------------------------------------------------------------------------
def check_lambda_body(spec: RequestSpec, event: dict[str, Any], back: HttpRequest) -> None:
    """Spec 3.3: non-text types (and no type) are base64; either way the bytes come back exactly."""
    expect_b64 = bool(spec.body.body) and not is_text(spec.body.content_type)
    assert event["isBase64Encoded"] is expect_b64
    assert back.body == spec.body.body


@given(spec=requests(lambda_bodies), stage=st.sampled_from(["$default", "beta"]))
def test_http_v2_round_trip_lowercases_joins_duplicates_and_restores_cookies(
    spec: RequestSpec, stage: str
) -> None:
    """HTTP API 2.0: names lower case, duplicates comma-joined, cookies moved to ``cookies`` and back into
    one ``cookie`` header, ``content-length`` added; rawQueryString raw; rawPath decoded (spec 2.3, 3.1)."""
    gateway = shared_gateway("http", stage=stage)
    request, event, back = round_trip(gateway, spec)
    assert back.method == request.method
    assert unquote(back.path) == unquote(request.path)
    assert back.query == request.query
    cookies = cookie_list(request.headers)
    assert event.get("cookies") == (cookies or None)
    expected = joined(grouped((p for p in request.headers if p[0].lower() != "cookie"), str.lower))
    expected["content-length"] = [str(len(request.body))]
    if cookies:
        expected["cookie"] = ["; ".join(cookies)]
    assert grouped(back.headers) == expected
    check_lambda_body(spec, event, back)


@given(spec=requests(lambda_bodies), stage=st.sampled_from(["$default", "beta"]))
def test_http_v1_round_trip_keeps_client_casing_and_every_duplicate(spec: RequestSpec, stage: str) -> None:
    """HTTP API 1.0: names as the client sent them (the first casing of a repeated one) but four re-cased,
    multiValueHeaders keeps every value (cookie included), ``Content-Length`` added; path decoded; query
    decoded (spec 3.4, corrected from V5)."""
    gateway = shared_gateway("http-v1", stage=stage)
    request, event, back = round_trip(gateway, spec)
    assert back.method == request.method
    assert unquote(back.path) == unquote(request.path)
    assert decoded_query(back.query) == decoded_query(request.query)
    first_casing: dict[str, str] = {}
    for name, _ in request.headers:
        first_casing.setdefault(name.lower(), HTTP_V1_RECASED.get(name.lower(), name))
    expected = grouped(request.headers, lambda name: first_casing[name.lower()])
    expected.setdefault("Content-Length", [str(len(request.body))])
    assert grouped(back.headers) == expected
    check_lambda_body(spec, event, back)


# -- function URL -------------------------------------------------------------------------------------
@given(spec=requests(lambda_bodies))
def test_function_url_round_trip_keeps_raw_path_and_cookie_header(spec: RequestSpec) -> None:
    """Function URL: rawPath stays encoded, rawQueryString raw, names lower case and duplicates
    comma-joined, the cookie header kept as well as ``cookies`` filled (spec 2.4, 4.1)."""
    gateway = shared_gateway("function-url")
    request, event, back = round_trip(gateway, spec)
    assert back.method == request.method
    assert back.path == request.path
    assert back.query == request.query
    assert event.get("cookies") == (cookie_list(request.headers) or None)
    expected = joined(grouped(request.headers, str.lower))
    if request.body:
        expected["content-length"] = [str(len(request.body))]
    assert grouped(back.headers) == expected
    check_lambda_body(spec, event, back)


# -- ALB ----------------------------------------------------------------------------------------------
def check_alb_body(spec: RequestSpec, event: dict[str, Any], back: HttpRequest) -> None:
    """Spec 4.2: base64 with a Content-Encoding or a non-text type; the bytes come back exactly."""
    encoded = any(name.lower() == "content-encoding" for name, _ in spec.headers)
    expect_b64 = bool(spec.body.body) and (encoded or not is_text(spec.body.content_type))
    assert event["isBase64Encoded"] is expect_b64
    assert back.body == spec.body.body


@given(spec=requests(alb_bodies))
def test_alb_single_value_round_trip_keeps_last_header_and_query_value(spec: RequestSpec) -> None:
    """ALB single-value mode: the last value of duplicate headers and query keys, names lower case,
    query and path not decoded (spec 2.4, 4.2)."""
    gateway = shared_gateway("alb", multi_value_headers=False)
    request, event, back = round_trip(gateway, spec)
    assert "multiValueHeaders" not in event
    assert back.method == request.method
    assert back.path == request.path
    assert raw_query(back.query) == {k: v[-1:] for k, v in raw_query(request.query).items()}
    expected = {name: values[-1:] for name, values in grouped(request.headers, str.lower).items()}
    if request.body:
        expected["content-length"] = [str(len(request.body))]
    assert grouped(back.headers) == expected
    check_alb_body(spec, event, back)


@given(spec=requests(alb_bodies))
def test_alb_multi_value_round_trip_keeps_every_value_undecoded(spec: RequestSpec) -> None:
    """ALB multi-value mode: every header and query value in order, names lower case, query and path not
    decoded (spec 2.4, 4.2)."""
    gateway = shared_gateway("alb", multi_value_headers=True)
    request, event, back = round_trip(gateway, spec)
    assert "headers" not in event
    assert back.method == request.method
    assert back.path == request.path
    assert raw_query(back.query) == raw_query(request.query)
    expected = grouped(request.headers, str.lower)
    if request.body:
        expected["content-length"] = [str(len(request.body))]
    assert grouped(back.headers) == expected
    check_alb_body(spec, event, back)


# -- every front door ---------------------------------------------------------------------------------
@given(options=gateway_options, spec=arbitrary_requests)
def test_builders_never_crash_and_events_are_json_serialisable(
    options: dict[str, Any], spec: RequestSpec
) -> None:
    """Any request either builds an event or raises the documented RouteNotFoundError or
    InvalidRequestError; every event is plain JSON (bodies str or null) and the inverse accepts it."""
    gateway = Gateway(None, **options)  # fresh: the options hold lists, and the routes vary
    try:
        request = send(gateway, spec)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)
            event = gateway.build_event(request)
    except (RouteNotFoundError, InvalidRequestError):
        return
    text = json.dumps(event, allow_nan=False)
    assert json.loads(text) == event  # only JSON types: no tuples, no non-str keys
    assert event.get("body") is None or isinstance(event["body"], str)
    assert isinstance(event["isBase64Encoded"], bool)
    back = request_from_event(json.loads(text))
    assert back.method == request.method


@pytest.mark.parametrize("api", ["rest", "http", "http-v1", "function-url", "alb"])
def test_a_plain_events_big_base64_body_is_spliced_into_exactly_orjsons_json(api: str) -> None:
    """Rule: the parts a worker gets for a plain event with a big base64 body are, joined, the very bytes
    orjson writes for the whole event; a text body, or an event that is not plain, is written whole."""
    binary = {"binary_media_types": ["*/*"]} if api == "rest" else {}
    gateway = Gateway(lambda event, context: {}, api=api, **binary)  # type: ignore[arg-type]
    body = bytes(range(256)) * 12_288  # 3 MiB: 4 MiB of base64, where the body is sent apart
    event = gateway.event("POST", "/up", headers={"Content-Type": "image/png", "X-Body": ""}, body=body)
    size, handed, encoded = event_round_trip(event, plain=True)
    assert isinstance(encoded, SplicedJSON)
    whole = encoded.head + encoded.text.encode("ascii") + encoded.tail
    assert whole == orjson.dumps(event)
    assert size == len(whole)
    assert handed is event
    assert not isinstance(event_round_trip(event, plain=False)[2], SplicedJSON)
    smaller = gateway.event("POST", "/up", headers={"Content-Type": "image/png"}, body=body[: 1 << 20])
    assert event_round_trip(smaller, plain=True)[2] is None  # 1 MiB: orjson writes the whole event
    text_event = {**event, "body": "x" * 100_000, "isBase64Encoded": False}
    assert event_round_trip(text_event, plain=True)[2] is None
