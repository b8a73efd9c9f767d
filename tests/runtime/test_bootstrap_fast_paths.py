"""The emulator's own runtime's fast paths against its general ones: the Runtime API's usual answer read by
its known layout, a JSON answer's head written in one piece, the result's JSON through a kept C encoder.
Each fast path must give what the general one gives on every input it takes, and refuse the rest."""

from __future__ import annotations

import collections
import decimal
import enum
import json
import math
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from apigw_emulator.runtime import _bootstrap
from apigw_emulator.runtime._bootstrap import (
    ACCEPTED_RESPONSE,
    JSON_HEADERS,
    RuntimeClient,
    own_next,
    to_json,
)
from apigw_emulator.runtime.runtime_api import Invocation, RuntimeAPIServer

REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:my-function"
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

# -- the usual answer: 202 and the next invocation --------------------------------------------------------


def general(data: bytes) -> tuple[dict[str, str], bytes]:
    """What the general path reads from ``data`` (all of it received): the 202 checked, the head parsed."""
    client = RuntimeClient("127.0.0.1:9001")
    client._buffer += data
    client._check_post("/2018-06-01/runtime/invocation/x/response")
    headers, body = client._read_next()
    assert not client._buffer, "the general path left bytes unread"
    return headers, bytes(body)


def fast(data: bytes) -> tuple[dict[str, str], bytes] | None:
    """What the fast path reads from ``data`` received at once into a buffer bigger than it (as the
    runtime's receive buffer is), with stale bytes after it."""
    buffer = bytearray(data) + b"stale bytes of an earlier receive\r\n\r\n"
    found = own_next(buffer, len(data))
    return None if found is None else (found[0], bytes(found[1]))


def usual(invocation: Invocation) -> bytes:
    return ACCEPTED_RESPONSE + invocation.head() + invocation.event + b"".join(invocation.event_tail)


header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40)
printable = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60)
json_header = st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=3).map(json.dumps)
invocations = st.builds(
    Invocation,
    request_id=st.one_of(printable, header_text.filter(lambda text: "\r" not in text and "\n" not in text)),
    event=st.binary(max_size=300),
    deadline_ms=st.integers(min_value=0, max_value=2**63),
    function_arn=st.one_of(st.just(ARN), printable),
    trace_id=st.one_of(st.none(), st.just(TRACE), printable, header_text),
    client_context=st.one_of(st.none(), json_header, header_text),
    cognito_identity=st.one_of(st.none(), json_header),
    tenant_id=st.one_of(st.none(), printable, header_text),
    orjson_encoded=st.booleans(),
    event_tail=st.one_of(st.just(()), st.tuples(st.binary(max_size=50))),
)


@settings(max_examples=400)
@given(invocations)
@example(Invocation(REQUEST_ID, b'{"a": 1}', 1_700_000_000_000, ARN, TRACE, orjson_encoded=True))
@example(Invocation(" spaced ", b"{}", 1, ARN, " Root=1-x ", '{"a": "b c"}', tenant_id="t\u00e9"))
def test_the_usual_answer_read_by_its_layout_is_what_the_general_parse_reads(invocation: Invocation) -> None:
    data = usual(invocation)
    found = fast(data)
    assert found is None or found == general(data)


@given(
    st.builds(
        Invocation,
        request_id=printable,
        event=st.binary(max_size=300),
        deadline_ms=st.integers(min_value=0, max_value=10**19 - 1),
        function_arn=printable,
        trace_id=st.one_of(st.none(), printable),
        client_context=st.one_of(st.none(), json_header),
        cognito_identity=st.one_of(st.none(), json_header),
        tenant_id=st.one_of(st.none(), printable),
        orjson_encoded=st.booleans(),
    )
)
def test_the_emulators_usual_answer_takes_the_fast_path(invocation: Invocation) -> None:
    """Not vacuous: what the emulator's Runtime API writes with printable values is read by its layout."""
    data = usual(invocation)
    assert fast(data) == general(data)


USUAL = usual(
    Invocation(
        REQUEST_ID,
        b'{"resource": "/echo", "body": null}',
        1_700_000_000_000,
        ARN,
        TRACE,
        '{"custom": {"a": "b"}}',
        '{"cognitoIdentityId": "id", "cognitoIdentityPoolId": "pool"}',
        "tenant",
        orjson_encoded=True,
    )
)


@settings(max_examples=600)
@given(
    st.integers(min_value=0, max_value=len(USUAL) - 1),
    st.sampled_from(["replace", "insert", "delete"]),
    st.sampled_from(list(b" \t\r\n:0aZ-\x00\x1c\x85\xa0\xff;")),
)
def test_any_byte_changed_in_the_usual_answer_is_refused_or_read_as_the_general_parse_reads_it(
    position: int, change: str, byte: int
) -> None:
    data = bytearray(USUAL)
    if change == "replace":
        data[position] = byte
    elif change == "insert":
        data.insert(position, byte)
    else:
        del data[position]
    found = fast(bytes(data))
    try:
        expected = general(bytes(data))
    except Exception:  # the general path fails (or would wait for more bytes): the fast path refused
        assert found is None
        return
    assert found is None or found == expected


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(USUAL[:-1], id="the event not all received"),
        pytest.param(USUAL + b"GET /more", id="more than the answer"),
        pytest.param(USUAL[len(ACCEPTED_RESPONSE) :], id="no 202 before it"),
        pytest.param(USUAL.replace(b"200 OK", b"200 Ok"), id="another reason phrase"),
        pytest.param(USUAL.replace(b"Content-Length", b"content-length"), id="another header casing"),
        pytest.param(
            USUAL.replace(b"Lambda-Runtime-Deadline-Ms: ", b"Lambda-Runtime-Deadline-Ms:  "), id="two spaces"
        ),
        pytest.param(
            USUAL.replace(b"\r\n\r\n{", b"\r\nConnection: close\r\n\r\n{"), id="a header it does not know"
        ),
        pytest.param(
            USUAL.replace(b"Trace-Id: Root", b"Trace-Id: \xe9Root"), id="a byte outside printable ASCII"
        ),
    ],
)
def test_anything_but_the_known_layout_is_left_to_the_general_parse(data: bytes) -> None:
    assert fast(data) is None


# -- the JSON answer's head -----------------------------------------------------------------------------


@pytest.fixture
def connected() -> Iterator[tuple[RuntimeClient, socket.socket]]:
    """A runtime client on one end of a socket pair, and the other end (the platform's)."""
    ours, theirs = socket.socketpair()
    client = RuntimeClient("127.0.0.1:9001", ours.detach())
    client._connect()
    theirs.settimeout(5)
    try:
        yield client, theirs
    finally:
        client.close()
        theirs.close()


def received(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk
        data += chunk
    return data


@given(st.binary(max_size=2000), st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=40))
def test_a_json_answer_written_in_one_piece_is_the_general_heads_bytes(body: bytes, request_id: str) -> None:
    ours, theirs = socket.socketpair()
    client = RuntimeClient("127.0.0.1:9001", ours.detach())
    client._connect()
    try:
        path = f"/2018-06-01/runtime/invocation/{request_id}/response"
        expected = client._head("POST", path, body, JSON_HEADERS) + body + client._next_request
        for headers in (JSON_HEADERS, (("Content-Type", "application/json"),)):  # fast, then general
            theirs.sendall(USUAL)
            assert client.post_and_next(path, body, headers) == general(USUAL)
            assert received(theirs, len(expected)) == expected
    finally:
        client.close()
        theirs.close()


def test_an_answer_split_over_two_receives_is_read_generally(
    connected: tuple[RuntimeClient, socket.socket],
) -> None:
    client, theirs = connected
    theirs.sendall(USUAL[:100])
    timer = threading.Timer(0.2, theirs.sendall, (USUAL[100:],))
    timer.start()
    try:
        assert client.post_and_next(
            "/2018-06-01/runtime/invocation/x/response", b"{}", JSON_HEADERS
        ) == general(USUAL)
    finally:
        timer.join()


def test_the_fast_path_takes_the_emulators_runtime_api_as_it_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator's Runtime API, driven as the worker pool drives it, and this runtime's client over its
    socket pair: after the first invocation every one is read by its layout (a change of the server's
    bytes that loses the fast path fails here; one that the fast path misreads fails the tests above)."""
    taken: list[bool] = []

    def counting(data: bytearray, end: int) -> Any:
        found = own_next(data, end)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(_bootstrap, "own_next", counting)
    server = RuntimeAPIServer()
    ours, theirs = socket.socketpair()
    server.adopt(theirs)
    client = RuntimeClient(server.address, ours.detach())
    seen: list[dict[str, str]] = []

    def runtime() -> None:
        headers, _ = client.next()
        for _ in range(3):
            seen.append(headers)
            request_id = headers["lambda-runtime-aws-request-id"]
            path = f"/2018-06-01/runtime/invocation/{request_id}/response"
            headers, _ = client.post_and_next(path, b'{"statusCode": 200}', JSON_HEADERS)
        seen.append(headers)

    thread = threading.Thread(target=runtime, daemon=True)
    thread.start()
    try:
        for number in range(4):
            deadline = time.monotonic() + 5
            assert server.wait(deadline).kind == "ready"
            invocation = Invocation(
                f"id-{number}", b'{"n": %d}' % number, 1_700_000_000_000, ARN, TRACE, orjson_encoded=True
            )
            assert server.hand_over(invocation, deadline)
            if number < 3:
                event = server.wait(deadline)
                assert (event.kind, event.body) == ("response", b'{"statusCode": 200}')
        thread.join(5)
        assert [headers["lambda-runtime-aws-request-id"] for headers in seen] == [f"id-{n}" for n in range(4)]
        assert taken == [True, True, True]
    finally:
        client.close()
        server.close()


# -- the result's JSON ----------------------------------------------------------------------------------

Point = collections.namedtuple("Point", "x y")


class Colour(enum.IntEnum):
    RED = 1


class Text(str):
    pass


class Mapping(dict):  # type: ignore[type-arg]
    pass


leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.decimals(allow_nan=True, allow_infinity=False),
    st.binary(max_size=8),
    st.just(Colour.RED),
    st.text(max_size=5).map(Text),
    st.integers(min_value=10**4300, max_value=10**4301),
)
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.tuples(children, children).map(lambda pair: Point(*pair)),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.floats()), children, max_size=4),
        st.dictionaries(st.text(max_size=5), children, max_size=3).map(Mapping),
    ),
    max_leaves=12,
)


def outcome(encode: Any, value: Any) -> tuple[str, str]:
    try:
        return "text", encode(value)
    except Exception as exc:  # the same failure, with the same message
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize("runtime", ["AWS_Lambda_python3.11", "AWS_Lambda_python3.12"])
@settings(max_examples=300)
@given(value=values)
@example(value={"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": '{"a": [1]}'})
@example(value={"point": [Point(1, 2)], "nan": math.nan, "inf": [-math.inf]})
@example(value=[decimal.Decimal("1.10"), decimal.Decimal("NaN")])
@example(value="\ud800 lone")
def test_the_results_json_is_what_a_fresh_general_encoder_writes(runtime: str, value: Any) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_EXECUTION_ENV", runtime)
        ascii_only = runtime == "AWS_Lambda_python3.11"
        assert outcome(to_json, value) == outcome(_bootstrap._Encoder(ascii_only).encode, value)


def test_a_cycle_in_a_result_fails_as_with_the_general_encoder() -> None:
    cycle: list[Any] = [1]
    cycle.append({"again": cycle})

    def general_to_json(value: Any) -> str:  # as deep in the stack as to_json's own general encoding
        return _bootstrap._Encoder(True).encode(value)

    assert outcome(to_json, cycle) == outcome(general_to_json, cycle)


def test_the_kept_c_encoder_is_made_on_cpython() -> None:
    """Not vacuous: the plain encoder exists here (CPython's ``_json``) for both settings."""
    for ascii_only in (True, False):
        assert _bootstrap._make_plain_encoder(ascii_only) is not False


# -- the context ----------------------------------------------------------------------------------------

CONTEXT_ATTRIBUTES = [
    "aws_request_id",
    "log_group_name",
    "log_stream_name",
    "function_name",
    "memory_limit_in_mb",
    "function_version",
    "invoked_function_arn",
    "tenant_id",
    "_w3c_fields",
    "client_context",
    "identity",
    "_epoch_deadline_time_in_ms",
]


@pytest.mark.parametrize(
    ("client_context", "identity"),
    [(None, None), ({"custom": {"a": 1}, "w3c": {"traceparent": "00-1"}}, {"cognitoIdentityId": "id"})],
    ids=["the usual invocation", "a mobile SDK's"],
)
def test_the_contexts_attributes_keep_their_names_and_order(
    client_context: dict[str, Any] | None, identity: dict[str, Any] | None
) -> None:
    """``vars(context)`` as before the context was built with fewer steps for the usual invocation."""
    context = _bootstrap.LambdaContext(REQUEST_ID, client_context, identity, 1, ARN, None)
    assert list(vars(context)) == CONTEXT_ATTRIBUTES
    expected = (None, None) if identity is None else ("id", None)
    assert (context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id) == expected
    assert context.w3c() == ({} if client_context is None else {"traceparent": "00-1"})
