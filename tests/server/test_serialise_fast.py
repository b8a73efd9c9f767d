"""The response writer's one-step path for the usual response gives the bytes of the header-by-header
path, or refuses: for every response, :func:`serialise` and :func:`serialise_general` write the same bytes
or raise the same error, the first time (when the names are new) and the next (when they are known)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apigw_emulator.response import GatewayResponse
from apigw_emulator.server import _http11
from apigw_emulator.server._http11 import BadResponseError, serialise, serialise_general

NAMES = st.sampled_from(
    [
        "Content-Type",
        "Content-Length",
        "content-length",
        "CONTENT-LENGTH",
        "Connection",
        "keep-alive",
        "Transfer-Encoding",
        "TE",
        "Tex",
        "Trailer",
        "Upgrade",
        "Proxy-Connection",
        "Set-Cookie",
        "X-A",
        "x-a",
        "Content-Length-X",
        "Bad Name",
        "Bad\nName",
        "A: b",
        "Connection: x",
        "",
        "\u212aeep-alive",
        "é",
    ]
)
VALUES = st.one_of(
    st.sampled_from(
        ["", "0", "4", "04", " 4", "4 ", "12", "close", "a\r\nContent-Length: 4", "v\r\nX: y", "é", "€", "\t"]
    ),
    st.text(max_size=12),
)
BODIES = st.sampled_from([b"", b"body", b"x" * 12, b"\xff\x00"])
STATUSES = st.one_of(st.sampled_from([200, 201, 204, 299, 304, 404, 502, 599, 999]), st.integers(0, 1100))


def outcome(
    write: object, response: GatewayResponse, send_body: bool, keep_alive: bool
) -> tuple[str, object]:
    try:
        return "bytes", b"".join(write(response, send_body=send_body, keep_alive=keep_alive))  # type: ignore[operator]
    except BadResponseError as exc:
        return "refused", str(exc)


@settings(max_examples=400, deadline=None)
@given(
    status=STATUSES,
    headers=st.lists(st.tuples(NAMES, VALUES), max_size=6),
    body=BODIES,
    send_body=st.booleans(),
    keep_alive=st.booleans(),
)
def test_the_one_step_response_head_is_the_header_by_header_one(
    status: int, headers: list[tuple[str, str]], body: bytes, send_body: bool, keep_alive: bool
) -> None:
    response = GatewayResponse(status, tuple(headers), body)
    expected = outcome(serialise_general, response, send_body, keep_alive)
    assert outcome(serialise, response, send_body, keep_alive) == expected
    assert outcome(serialise, response, send_body, keep_alive) == expected


@given(
    headers=st.lists(st.tuples(st.sampled_from(["X-A", "Content-Type", "Via"]), VALUES), max_size=6),
    body=BODIES,
)
def test_a_right_content_length_is_written_first_as_the_general_path_writes_it(
    headers: list[tuple[str, str]], body: bytes
) -> None:
    at = len(headers) // 2
    given_length = [*headers[:at], ("Content-Length", str(len(body))), *headers[at:]]
    response = GatewayResponse(200, tuple(given_length), body)
    expected = outcome(serialise_general, response, True, True)
    assert outcome(serialise, response, True, True) == expected
    assert outcome(serialise, response, True, True) == expected


OWNED = ["Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection"]


@pytest.mark.parametrize("name", [*OWNED, *(n.lower() for n in OWNED), *(n.upper() for n in OWNED)])
@pytest.mark.parametrize("length", [None, "2", "3", "content-length"])
def test_a_header_the_server_owns_is_written_as_the_general_path_writes_it(
    name: str, length: str | None
) -> None:
    headers = [("Content-Type", "text/plain"), (name, "close"), ("X-After", "1")]
    if length == "content-length":
        headers.insert(1, ("content-length", "2"))
    elif length is not None:
        headers.insert(1, ("Content-Length", length))
    response = GatewayResponse(200, tuple(headers), b"{}")
    for send_body in (True, False, True):
        written = outcome(serialise, response, send_body, True)
        assert written == outcome(serialise_general, response, send_body, True)
        assert b"close" not in written[1]  # type: ignore[operator]
    assert name not in _http11._KNOWN_NAMES


def test_the_usual_gateway_response_takes_the_one_step_path(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = (
        ("Content-Type", "application/json"),
        ("Content-Length", "2"),
        ("x-amzn-RequestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"),
        ("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678"),
    )
    usual = GatewayResponse(200, headers, b"{}")
    serialise(usual, send_body=True, keep_alive=True)  # the names, seen once
    calls: list[object] = []

    def general(*args: object, **kwargs: object) -> list[bytes]:
        calls.append(args)
        return []

    monkeypatch.setattr(_http11, "serialise_general", general)
    data = b"".join(serialise(usual, send_body=True, keep_alive=True))
    assert calls == []
    assert data == (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n"
        b"x-amzn-RequestId: c6af9ac6-7b61-11e6-9a41-93e8deadbeef\r\n"
        b"X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678\r\nConnection: keep-alive\r\n\r\n{}"
    )


def test_headers_that_are_not_pairs_go_the_general_way_and_end_there_alike() -> None:
    for headers in [(("A", "b", "C"), ("d",)), (("A",),), ["ab"], [["X-L", "list"]], None]:
        response = GatewayResponse(200, headers, b"")  # type: ignore[arg-type]
        ends = []
        for write in (serialise, serialise_general):
            try:
                ends.append(b"".join(write(response, send_body=True, keep_alive=True)))
            except (TypeError, ValueError) as exc:
                ends.append(repr(exc).encode())
        assert ends[0] == ends[1], headers


def test_only_valid_names_are_learned_and_only_up_to_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    known: dict[str, bool] = {}
    monkeypatch.setattr(_http11, "_KNOWN_NAMES", known)
    monkeypatch.setattr(_http11, "_MAX_KNOWN_NAMES", 3)
    headers = (("Content-Type", "a"), ("content-length", "1"), ("Connection", "close"), ("A: b", "v"))
    serialise(GatewayResponse(200, headers, b"x"), send_body=True, keep_alive=True)
    assert known == {"Content-Type": True, "content-length": False}
    more = (("X-A", "1"), ("X-B", "2"), ("X-C", "3"))
    response = GatewayResponse(200, more, b"x")
    serialise(response, send_body=True, keep_alive=True)
    assert known == {"Content-Type": True, "content-length": False, "X-A": True}
    assert serialise(response, send_body=True, keep_alive=True) == serialise_general(
        response, send_body=True, keep_alive=True
    )


def test_a_value_that_is_not_printable_goes_the_general_way(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = (("X-Tab", "a\tb"), ("X-Nbsp", "a\u00a0b"), ("Content-Type", "text/plain"))
    response = GatewayResponse(200, headers, b"x")
    expected = serialise_general(response, send_body=True, keep_alive=True)
    assert serialise(response, send_body=True, keep_alive=True) == expected
    assert serialise(response, send_body=True, keep_alive=True) == expected
    assert b"X-Tab: a\tb\r\n" in expected[0]
