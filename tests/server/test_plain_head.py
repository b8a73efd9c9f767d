"""The server's shortcut for a plain request head (``is_plain``): whenever it applies, the general rules
give the same answers (one Host, no body, keep-alive, nothing expected), so skipping them changes nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator.server._http11 import (
    NO_BODY,
    HttpError,
    RequestHead,
    body_framing,
    check_host,
    expects_100_continue,
    is_plain,
    wants_keep_alive,
)

NAMES = ["Host", "host", "Connection", "Transfer-Encoding", "Content-Length", "Expect", "Accept", "X-A"]
VALUES = ["127.0.0.1", "close", "keep-alive", "chunked", "0", "12", "100-continue", "*/*", ""]


def general_rules(head: RequestHead) -> tuple[object, ...] | None:
    """What the general rules decide for ``head``; None when one of them refuses it."""
    try:
        check_host(head)
        return body_framing(head), expects_100_continue(head), wants_keep_alive(head)
    except HttpError:
        return None


@given(
    version=st.sampled_from(["HTTP/1.1", "HTTP/1.0"]),
    headers=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)), max_size=6),
)
def test_a_plain_head_gets_what_the_general_rules_give(version: str, headers: list[tuple[str, str]]) -> None:
    head = RequestHead("GET", "/", version, headers)
    if is_plain(head):
        assert general_rules(head) == (NO_BODY, False, True)


def test_the_usual_get_is_plain_and_framing_headers_are_not() -> None:
    usual = [("Host", "127.0.0.1"), ("User-Agent", "load"), ("Accept", "*/*")]
    assert is_plain(RequestHead("GET", "/", "HTTP/1.1", usual))
    assert not is_plain(RequestHead("GET", "/", "HTTP/1.0", usual))
    assert not is_plain(RequestHead("GET", "/", "HTTP/1.1", usual[1:]))
    assert not is_plain(RequestHead("GET", "/", "HTTP/1.1", [*usual, ("host", "other")]))
    for name, value in [
        ("Connection", "close"),
        ("Content-Length", "0"),
        ("Transfer-Encoding", "chunked"),
        ("Expect", "100-continue"),
    ]:
        assert not is_plain(RequestHead("GET", "/", "HTTP/1.1", [*usual, (name, value)]))
