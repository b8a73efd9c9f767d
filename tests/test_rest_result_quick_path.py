"""The REST result mapping's quick path for the usual result gives, byte for byte, what the general path
gives, and the usual results take it (spec 6.1, 2.2)."""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator import Gateway, HttpRequest, RequestStamp
from apigw_emulator.cloudfront import edge_response_headers
from apigw_emulator.response import (
    GatewayResponse,
    _first_accept,
    _map_rest_general,
    _rest_own_headers,
    _usual_rest,
)

GATEWAYS: dict[tuple[str, tuple[str, ...]], Gateway] = {
    (endpoint, binary): Gateway(None, api="rest", endpoint_type=endpoint, binary_media_types=list(binary))
    for endpoint in ("EDGE", "REGIONAL")
    for binary in ((), ("*/*",), ("image/png",))
}
_NAMES = st.sampled_from(
    [
        "Content-Type",
        "content-type",
        "X-Custom",
        "x-custom",
        "Set-Cookie",
        "Via",
        "X-Cache",
        "x-amz-cf-id",
        "Date",
        "Content-Length",
        "Server",
        "Host",
        "bad name",
        "Ünicode",
        "",
    ]
)
_VALUES = st.one_of(
    st.sampled_from(["text/plain", "a=b", "", " spaced ", "é", "\x00", "line\r\nbreak", "\ud800"]),
    st.text(max_size=6),
    st.integers(),
    st.booleans(),
    st.none(),
)
_RESULTS: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {},
    optional={
        "statusCode": st.one_of(st.sampled_from([200, 201, 404, 599, 600, 199, "200", True, None])),
        "headers": st.one_of(st.none(), st.dictionaries(_NAMES, _VALUES, max_size=4), st.just([])),
        "multiValueHeaders": st.one_of(st.none(), st.just({"X-M": ["1"]})),
        "body": st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["aGk=", "not base64!", ""])),
        "isBase64Encoded": st.one_of(st.booleans(), st.none(), st.just("true")),
        "extra": st.just(1),
    },
)
#: Results of the usual shape, and near it (a name in another case, a value that is no str...).
_NEAR_USUAL: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "statusCode": st.sampled_from([200, 201, 302, 404, 500, 599]),
        "body": st.one_of(st.text(max_size=8), st.sampled_from(["aGk=", "", "not base64!"])),
    },
    optional={
        "headers": st.dictionaries(
            st.sampled_from(["Content-Type", "content-type", "X-Custom", "X-Other", "Set-Cookie", "Via"]),
            st.one_of(st.text(max_size=6), st.just(1)),
            max_size=3,
        ),
        "isBase64Encoded": st.booleans(),
    },
)
_ACCEPTS = st.sampled_from([None, "image/png", "text/html, image/png", "*/*", "application/json;q=1"])
STAMP = RequestStamp.new(edge=True)


def _general(result: dict[str, Any], gateway: Gateway, accept: str | None) -> GatewayResponse | str:
    headers = {} if accept is None else {"Accept": accept}
    request = gateway.build_request("GET", "/", headers=headers)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return _map_rest_general(result, gateway.config, request, STAMP)
    except Exception as exc:  # a malformed result, or the text-instead-of-bytes warning
        return type(exc).__name__


@given(
    result=st.one_of(_NEAR_USUAL, _RESULTS),
    endpoint=st.sampled_from(["EDGE", "REGIONAL"]),
    binary=st.sampled_from([(), ("*/*",), ("image/png",)]),
    accept=_ACCEPTS,
)
def test_the_quick_path_gives_the_general_paths_response_or_leaves_the_result_to_it(
    result: dict[str, Any], endpoint: str, binary: tuple[str, ...], accept: str | None
) -> None:
    gateway = GATEWAYS[(endpoint, binary)]
    request = gateway.build_request("GET", "/", headers={} if accept is None else {"Accept": accept})
    quick: GatewayResponse | str | None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the quick path never warns: a warning is the general path's
        try:
            quick = _usual_rest(result, gateway.config, request, STAMP)
        except Exception as exc:  # a body that is not base64: the general path refuses it the same way
            quick = type(exc).__name__
    if quick is not None:
        assert quick == _general(result, gateway, accept)


def test_the_usual_results_take_the_quick_path() -> None:
    gateway = GATEWAYS[("EDGE", ("*/*",))]
    request = gateway.build_request("GET", "/", headers={"Accept": "application/octet-stream"})
    usual = [
        {
            "statusCode": 200,
            "headers": {"Content-Type": "application/octet-stream"},
            "body": "aGk=",
            "isBase64Encoded": True,
        },
        {"statusCode": 201, "body": "{}"},
        {
            "statusCode": 404,
            "headers": {"X-A": "1", "Content-Type": "text/plain"},
            "body": "é",
            "isBase64Encoded": False,
        },
    ]
    for result in usual:
        response = _usual_rest(result, gateway.config, request, STAMP)
        assert response is not None
        assert response == _general(result, gateway, "application/octet-stream")


def test_a_str_subclass_header_name_goes_the_general_way_even_when_its_text_was_seen() -> None:
    """The general path writes a name that is a ``str`` subclass as ``str(name)``; the quick path's memo of
    plain names must not let such a name through as the plain name it equals."""

    class Named(str):
        def __str__(self) -> str:
            return "X-Renamed"

    gateway = GATEWAYS[("REGIONAL", ())]
    request = gateway.build_request("GET", "/")
    plain = {"statusCode": 200, "headers": {"X-Custom": "1"}, "body": ""}
    assert _usual_rest(plain, gateway.config, request, STAMP) is not None  # "X-Custom" is now memoised
    subclassed = {"statusCode": 200, "headers": {Named("X-Custom"): "1"}, "body": ""}
    assert _usual_rest(subclassed, gateway.config, request, STAMP) is None
    general = _general(subclassed, gateway, None)
    assert isinstance(general, GatewayResponse)
    assert ("X-Renamed", "1") in general.headers


@given(
    status=st.integers(200, 599),
    edge_ids=st.one_of(
        st.none(), st.tuples(st.text("0123456789abcdef", min_size=32, max_size=32), st.just("c=="))
    ),
    body=st.binary(max_size=8),
)
def test_rest_own_headers_written_out_for_edge_equal_cloudfront_rule(
    status: int, edge_ids: tuple[str, str] | None, body: bytes
) -> None:
    """The own headers of an EDGE API's response, written out for a status under 400, are the REST
    API's five then exactly what ``cloudfront.edge_response_headers`` gives (the general rule)."""
    stamp = STAMP._replace(edge_ids=edge_ids or ("b" * 32, "x=="))
    request = Gateway(None, api="rest").build_request("GET", "/x")
    regional = _rest_own_headers(request, stamp, body, status, edge=False)
    edge = _rest_own_headers(request, stamp, body, status, edge=True)
    assert [name for name, _ in regional] == [
        "Content-Length",
        "Date",
        "x-amzn-RequestId",
        "x-amz-apigw-id",
        "X-Amzn-Trace-Id",
    ]
    assert regional[0] == ("Content-Length", str(len(body)))
    assert edge == (*regional, *edge_response_headers(stamp, status))


@given(
    headers=st.lists(
        st.tuples(
            st.sampled_from(["Accept", "accept", "ACCEPT", "X-Accept", "Accept-Encoding", "Acceptx"]),
            st.sampled_from(["image/png", "a/b, c/d", "", "text/html;q=1", " x/y ;a=b"]),
        ),
        max_size=4,
    )
)
def test_first_accept_reads_the_last_accept_header_as_request_header_does(
    headers: list[tuple[str, str]],
) -> None:
    """The response's first ``Accept`` type comes from the value ``HttpRequest.header`` gives (the last
    ``Accept``, any case), its first media type without parameters."""
    request = HttpRequest("GET", "/x", "", tuple(headers))
    accept = request.header("accept")
    expected = accept.split(",", 1)[0].split(";", 1)[0].strip() if accept else None
    assert _first_accept(request) == expected
