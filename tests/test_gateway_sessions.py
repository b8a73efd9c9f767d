"""``Gateway.request`` and ``Gateway.session``: one session per gateway and thread, nothing carried from
one ``request`` call to the next, and no environment lookup for a host that is served in-process."""

from __future__ import annotations

import base64
import gzip
import threading
from typing import Any

import pytest
import requests

from apigw_emulator import Gateway, LambdaContext, invocation_of
from apigw_emulator.transport import GatewaySession


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
