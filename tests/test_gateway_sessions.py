"""``Gateway.request`` and ``Gateway.session``: one session per gateway and thread, nothing carried from
one ``request`` call to the next, and no environment lookup for a host that is served in-process."""

from __future__ import annotations

import base64
import gzip
import pickle
import threading
from typing import Any

import pytest
import requests
import urllib3

from apigw_emulator import Gateway, LambdaContext, invocation_of, transport
from apigw_emulator.transport import GatewaySession, prepare_plain


def cookie_jar(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Sets a cookie on ``/set``; says which cookies it received otherwise."""
    if event["path"] == "/set":
        return {"statusCode": 200, "headers": {"Set-Cookie": "session=abc; Path=/"}, "body": "set"}
    return {"statusCode": 200, "body": (event["headers"] or {}).get("Cookie") or "none"}


def test_a_request_call_does_not_carry_cookies_to_the_next() -> None:
    gw = Gateway(cookie_jar)
    first = gw.request("GET", "/set")
    assert first.cookies.get("session") == "abc"  # the response still has the cookie it set
    assert gw.request("GET", "/show").text == "none"


def test_a_session_keeps_its_cookies_as_requests_does() -> None:
    gw = Gateway(cookie_jar)
    with gw.session() as session:
        session.get(gw.url + "/set")
        assert session.get(gw.url + "/show").text == "session=abc"


def test_request_reuses_one_session_per_thread() -> None:
    gw = Gateway(cookie_jar)
    gw.request("GET", "/show")
    mine = gw._sessions.session
    gw.request("GET", "/show")
    assert gw._sessions.session is mine
    theirs: list[requests.Session] = []

    def other_thread() -> None:
        gw.request("GET", "/show")
        theirs.append(gw._sessions.session)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(10)
    assert theirs
    assert theirs[0] is not mine


def test_a_handler_that_calls_its_own_gateway_gets_a_session_of_its_own() -> None:
    gw: Gateway

    def outer(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        if event["path"] == "/inner":
            return {"statusCode": 200, "headers": {"Set-Cookie": "inner=1"}, "body": "inner"}
        inner = gw.request("GET", "/inner")
        return {"statusCode": 200, "body": f"outer+{inner.text}"}

    gw = Gateway(outer)
    assert gw.request("GET", "/outer").text == "outer+inner"
    assert gw.request("GET", "/outer").text == "outer+inner"


def test_the_gateway_host_is_not_looked_up_in_the_proxy_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked_up: list[str] = []
    original = requests.Session.merge_environment_settings

    def spy(self: requests.Session, url: str, *args: Any) -> Any:
        looked_up.append(url)
        return original(self, url, *args)

    monkeypatch.setattr(requests.Session, "merge_environment_settings", spy)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # a proxy nothing listens on
    gw = Gateway(cookie_jar)
    assert gw.request("GET", "/show").status_code == 200
    session = gw.session()
    assert isinstance(session, GatewaySession)
    assert looked_up == []
    settings = session.merge_environment_settings("https://example.com/", {}, None, None, None)
    assert looked_up == ["https://example.com/"]  # any other host: requests' own lookup
    assert settings["proxies"]["https"] == "http://127.0.0.1:9"
    removed: dict[str, Any] = {"https": None}  # None removes a proxy, as in requests' merge_setting
    own = session.merge_environment_settings(gw.url.upper(), removed, None, None, None)
    assert own["proxies"] == {}
    assert own["verify"] is True


def test_a_response_body_reaches_content_as_the_gateway_sent_it_without_a_copy() -> None:
    body = bytes(range(256)) * 4096  # 1 MiB
    gw = Gateway(
        lambda e, c: {"statusCode": 200, "body": base64.b64encode(body).decode(), "isBase64Encoded": True},
        api="http",
    )
    response = gw.request("GET", "/")
    assert response.content == body
    assert response.content is invocation_of(response).response.body
    assert list(response.iter_content(1 << 19)) == [body[: 1 << 19], body[1 << 19 :]]


def test_a_gzip_encoded_response_is_decoded_as_requests_decodes_it() -> None:
    text = b"hello " * 1000
    packed = gzip.compress(text)
    gw = Gateway(
        lambda e, c: {
            "statusCode": 200,
            "headers": {"Content-Encoding": "gzip", "Content-Type": "application/octet-stream"},
            "body": base64.b64encode(packed).decode(),
            "isBase64Encoded": True,
        },
        api="http",
    )
    response = gw.request("GET", "/")
    assert response.content == text
    assert invocation_of(response).response.body == packed


def test_a_head_response_has_no_content_but_keeps_its_length_header() -> None:
    gw = Gateway(lambda e, c: {"statusCode": 200, "body": "twelve bytes"}, api="http")
    response = gw.request("HEAD", "/")
    assert response.content == b""
    assert response.headers["Content-Length"] == "12"


def test_a_streamed_response_is_read_from_raw_as_before() -> None:
    gw = Gateway(lambda e, c: {"statusCode": 200, "body": "streamed"}, api="http")
    response = gw.request("GET", "/", stream=True)
    assert response.raw.read() == b"streamed"


def test_closing_the_gateway_closes_the_session_request_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    gw = Gateway(cookie_jar)
    gw.request("GET", "/show")
    session = gw._sessions.session
    closed: list[bool] = []
    real_close = session.close

    def close() -> None:
        closed.append(True)
        real_close()

    monkeypatch.setattr(session, "close", close)
    gw.close()
    assert closed == [True]
    assert getattr(gw._sessions, "session", None) is None
    assert gw.request("GET", "/show").text == "none"  # still usable: a new session
    assert gw._sessions.session is not session


PLAIN_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/echo", {}),
    ("get", "/echo", {"headers": {"User-Agent": "bench", "Accept": "application/octet-stream"}}),
    ("GET", "/echo", {"headers": {"accept": "text/plain", "Accept-Encoding": None, "X-New": None}}),
    ("GET", "/a/b.c-d_e~f?x=1&y=(2)&z=a,b;c:d@e!$'*+", {"headers": {"X-Trace": "t"}}),
    ("POST", "/echo", {}),
    ("POST", "/echo", {"data": b""}),
    ("POST", "/echo", {"data": b"\x00\xffbytes", "headers": {"Content-Type": "application/octet-stream"}}),
    ("PUT", "/echo", {"json": {"a": [1, 2.5, None, "\u00e9"]}}),
    ("PATCH", "/echo", {"json": [], "headers": {"content-type": "application/vnd.api+json"}}),
    ("POST", "/echo", {"data": b"raw", "json": {"ignored": True}}),
    ("DELETE", "/echo", {"headers": {"Content-Length": "0"}, "timeout": 5, "allow_redirects": False}),
    ("HEAD", "/echo", {"stream": False}),
    ("GET", "/echo", {"headers": {"X-Pad": "padded \t", "X-Inner": "a  b", "X-Empty": ""}}),
    ("POST", "/echo", {"data": b"12", "headers": {"content-length": "99", "X-Uni": "caf\u00e9"}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), PLAIN_REQUESTS)
def test_a_plain_request_is_prepared_exactly_as_requests_prepares_it(
    method: str, path: str, kwargs: dict[str, Any]
) -> None:
    gw = Gateway(cookie_jar, binary_media_types=["*/*"])
    session = gw.session()
    url = gw.url + path
    fast = prepare_plain(session, method, url, gw.config.url_prefix + path, kwargs)
    assert fast is not None
    given = {key: value for key, value in kwargs.items() if key in {"headers", "data", "json"}}
    slow = session.prepare_request(requests.Request(method.upper(), url, **given))
    assert (fast.method, fast.url, fast.body) == (slow.method, slow.url, slow.body)
    assert list(fast.headers.items()) == list(slow.headers.items())  # same order, same spelling
    assert fast.hooks == slow.hooks
    assert fast._cookies is not None  # type: ignore[attr-defined]  # made when read, as a redirect reads it
    assert set(vars(slow)) <= set(vars(fast))  # every attribute requests' PreparedRequest has
    assert type(fast.headers) is type(slow.headers)
    through_fast = invocation_of(gw.request(method, path, **kwargs)).request
    through_requests = invocation_of(session.request(method, url, **kwargs)).request
    assert through_fast == through_requests  # the gateway's request, as the adapter parses requests'


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/a b", {}),  # requests percent-encodes the space
        ("/%41", {}),  # requests unquotes an escaped unreserved character
        ("/a/../b", {}),  # urllib3 removes dot segments
        ("/x#fragment", {}),
        ("/\u00e9", {}),
        ("/q", {"params": {"a": "1"}}),
        ("/q", {"cookies": {"c": "1"}}),
        ("/q", {"headers": {"X-Bytes": b"1"}}),
        ("/q", {"data": "text"}),
        ("/q", {"data": {"form": "1"}}),
    ],
)
def test_a_request_requests_would_rewrite_is_left_to_requests_preparation(
    path: str, kwargs: dict[str, Any]
) -> None:
    gw = Gateway(cookie_jar)
    session = gw.session()
    assert prepare_plain(session, "POST", gw.url + path, gw.config.url_prefix + path, kwargs) is None
    sent = invocation_of(gw.request("POST", path, **kwargs)).request
    assert sent == invocation_of(session.request("POST", gw.url + path, **kwargs)).request


def test_an_invalid_header_in_a_plain_request_raises_requests_invalid_header() -> None:
    gw = Gateway(cookie_jar)
    with pytest.raises(requests.exceptions.InvalidHeader):
        gw.request("GET", "/show", headers={"X-Bad": "line\r\nInjected: 1"})
    with pytest.raises(requests.exceptions.InvalidHeader):
        gw.session().get(gw.url + "/show", headers={"X-Bad": "line\r\nInjected: 1"})


def redirecting(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """``/go`` sets a cookie and redirects to ``/show``, which says which cookies it received (HTTP API)."""
    if event["rawPath"] == "/go":
        return {"statusCode": 302, "headers": {"Location": "/show"}, "cookies": ["hop=1; Path=/"]}
    return {"statusCode": 200, "body": ";".join(event.get("cookies") or ["none"])}


def test_a_plain_request_follows_a_redirect_with_the_cookie_it_set() -> None:
    gw = Gateway(redirecting, stage="$default", api="http")
    response = gw.request("GET", "/go")
    assert response.text == "hop=1"
    assert [hop.status_code for hop in response.history] == [302]
    assert gw.request("GET", "/show").text == "none"  # and nothing carried to the next call
    stopped = gw.request("GET", "/go", allow_redirects=False)
    assert stopped.status_code == 302
    assert stopped.cookies.get("hop") == "1"


def test_repeated_response_headers_are_joined_as_requests_joins_them() -> None:
    gw = Gateway(
        lambda e, c: {"statusCode": 200, "multiValueHeaders": {"X-A": ["1", "2"], "x-b": ["3"]}, "body": ""}
    )
    fast = gw.request("GET", "/")
    slow = gw.session().get(gw.url + "/", params={"p": "1"})  # params: requests' own preparation
    assert fast.headers["x-a"] == slow.headers["X-A"] == "1, 2"
    assert list(fast.headers) == list(slow.headers)  # the same names, spelt and ordered the same
    assert fast.headers["x-b"] == slow.headers["x-b"] == "3"
    assert fast.encoding == slow.encoding
    assert not fast.cookies


def test_a_response_given_as_it_is_still_has_urllib3s_raw_response_when_read() -> None:
    gw = Gateway(lambda e, c: {"statusCode": 201, "multiValueHeaders": {"X-A": ["1", "2"]}, "body": "made"})
    response = gw.request("GET", "/")
    raw = response.raw  # made when first read
    assert isinstance(raw, urllib3.HTTPResponse)
    assert raw is response.raw
    assert (raw.status, raw.headers.getlist("X-A")) == (201, ["1", "2"])
    assert raw.read() == b"made"
    with gw.request("GET", "/") as closed:  # close() reads raw too
        assert closed.text == "made"
    copy = pickle.loads(pickle.dumps(response))
    assert (copy.status_code, copy.content, copy.raw) == (201, b"made", None)
    assert gw.session().get(gw.url + "/").raw.status == 201  # requests' own path reads it at once


def with_content_type(content_type: str | None) -> Gateway:
    """A gateway whose handler answers with this Content-Type (none for None) and a cookie."""
    headers = {"Set-Cookie": "c=1"} if content_type is None else {"Content-Type": content_type}
    return Gateway(lambda e, c: {"statusCode": 200, "headers": headers, "body": "x"})


def test_a_response_has_every_attribute_requests_response_has() -> None:
    gw = Gateway(lambda e, c: {"statusCode": 200, "multiValueHeaders": {"X-A": ["1", "2"]}, "body": "x"})
    fast = gw.request("GET", "/")
    slow = gw.session().get(gw.url + "/", params={"p": "1"})  # requests' own path
    assert fast.cookies is not None
    assert fast.raw is not None
    assert set(vars(slow)) <= set(vars(fast))
    assert isinstance(fast, requests.Response)
    assert type(fast.headers) is type(slow.headers) is requests.structures.CaseInsensitiveDict
    assert list(fast.headers) == list(slow.headers)  # the same names, spelt and ordered the same
    built: requests.structures.CaseInsensitiveDict[str] = requests.structures.CaseInsensitiveDict()
    for name, value in invocation_of(fast).response.headers:  # set one by one, repeats joined
        built[name] = f"{built[name]}, {value}" if name in built else value
    assert list(fast.headers.items()) == list(built.items())
    assert fast.headers == built
    assert fast.headers["x-a"] == "1, 2"
    assert fast.headers.copy() == fast.headers
    fast.headers["x-new"] = "n"  # an ordinary CaseInsensitiveDict: it can be changed
    assert fast.headers["X-NEW"] == "n"
    assert list(fast.headers) == [*slow.headers, "x-new"]
    assert fast.history == []
    assert fast.history is not gw.request("GET", "/").history
    assert fast.elapsed.total_seconds() > 0
    assert (fast.url, fast.reason, fast.status_code) == (slow.url.split("?")[0], slow.reason, 200)
    assert fast.request.url == fast.url
    assert fast.connection is not None


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/octet-stream",
        "text/plain",
        "TEXT/HTML",
        "application/json",
        "application/problem+json",
        "text/html; charset=utf-8",
        "application/xml;charset='latin-1'",
        "image/png; q=1",
    ],
)
def test_a_response_encoding_is_what_requests_reads_from_its_headers(content_type: str | None) -> None:
    gw = with_content_type(content_type)
    fast = gw.request("GET", "/")
    slow = gw.session().get(gw.url + "/", params={"p": "1"})
    assert fast.encoding == slow.encoding == requests.utils.get_encoding_from_headers(slow.headers)
    assert fast.text == slow.text


def test_each_response_has_a_cookie_jar_of_its_own() -> None:
    gw = with_content_type(None)  # sets c=1
    plain = Gateway(lambda e, c: {"statusCode": 200, "body": ""})
    first, second = plain.request("GET", "/"), plain.request("GET", "/")
    first.cookies.set("mine", "1")
    assert "mine" not in second.cookies
    setting = gw.request("GET", "/")
    assert setting.cookies.get("c") == "1"
    copy = pickle.loads(pickle.dumps(setting))
    assert copy.cookies.get("c") == "1"
    assert pickle.loads(pickle.dumps(second)).cookies.get("mine") is None


def test_a_header_found_valid_once_does_not_let_a_bad_value_of_the_same_name_through() -> None:
    gw = Gateway(cookie_jar)
    assert gw.request("GET", "/show", headers={"X-Memo": "fine"}).status_code == 200
    for bad in ("fine\r\nInjected: 1", " fine", "fine\n"):
        with pytest.raises((requests.exceptions.InvalidHeader, ValueError)):
            gw.request("GET", "/show", headers={"X-Memo": bad})
    with pytest.raises(requests.exceptions.InvalidHeader):
        gw.request("GET", "/show", headers={"X-Memo:": "fine"})


def test_the_memo_of_plain_headers_and_targets_stays_bounded() -> None:
    gw = Gateway(cookie_jar)
    session = gw.session()
    for number in range(transport._MEMO_SIZE + 50):
        path = f"/show/{number}"
        kwargs = {"headers": {"X-Number": str(number)}}
        assert prepare_plain(session, "GET", gw.url + path, gw.config.url_prefix + path, kwargs) is not None
    assert len(transport._PLAIN_PAIRS) <= transport._MEMO_SIZE
    assert len(transport._PLAIN_TARGETS) <= transport._MEMO_SIZE
    path = "/show/beyond"  # past the bound: still checked, only not remembered
    assert prepare_plain(session, "GET", gw.url + path, gw.config.url_prefix + path, {}) is not None
    assert gw.config.url_prefix + path not in transport._PLAIN_TARGETS
    assert prepare_plain(session, "GET", gw.url + "/a/../b", gw.config.url_prefix + "/a/../b", {}) is None


def test_a_session_holding_cookies_or_a_bytes_header_leaves_the_request_to_requests() -> None:
    gw = Gateway(cookie_jar)
    session = gw.session()
    url, target = gw.url + "/show", gw.config.url_prefix + "/show"
    session.cookies.set("kept", "1", domain=gw.config.domain_name, path="/")
    assert prepare_plain(session, "GET", url, target, {}) is None
    assert session.get(url).text == "kept=1"
    session.cookies.clear(gw.config.domain_name, "/", "kept")  # empty, but the jar keeps its levels
    assert prepare_plain(session, "GET", url, target, {}) is None
    assert session.get(url).text == "none"
    session.cookies.clear()
    assert prepare_plain(session, "GET", url, target, {}) is not None
    session.headers["X-Bytes"] = b"1"
    assert prepare_plain(session, "GET", url, target, {}) is None
    assert invocation_of(session.get(url)).request.header("X-Bytes") == "1"


def test_a_response_hook_on_the_prepared_request_still_runs() -> None:
    gw = Gateway(cookie_jar)
    session = gw.session()
    url = gw.url + "/show"
    prepared = prepare_plain(session, "GET", url, gw.config.url_prefix + "/show", {})
    assert prepared is not None
    seen: list[int] = []

    def hook(response: requests.Response, **kwargs: Any) -> requests.Response:
        seen.append(response.status_code)
        response.headers["Set-Cookie"] = "hooked=1; Path=/"
        return response

    prepared.hooks["response"].append(hook)
    response = transport.send_plain(session, prepared, timeout=None, allow_redirects=True, stream=None)
    assert seen == [200]
    assert response.text == "none"
