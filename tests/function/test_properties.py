"""Whatever a client sends, the function answers: never a 5xx, never an exception."""

from __future__ import annotations

import copy
import json
import warnings

from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator import BinaryBodyCorruptedWarning, Gateway
from function.app import lambda_handler

from .._fuzz import fuzz_settings
from ._http import FormPart, multipart_body
from .conftest import IMAGES, rest_gateway

GATEWAYS = {
    "rest": rest_gateway(),
    "rest-without-binary-media-types": Gateway(lambda_handler, api="rest"),
    "http": Gateway(lambda_handler, api="http"),
    "http-v1": Gateway(lambda_handler, api="http-v1"),
}
FIXTURES = [path.read_bytes() for path in sorted(IMAGES.iterdir()) if path.stat().st_size < 20_000]
header_text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)


@st.composite
def images(draw: st.DrawFn) -> bytes:
    """A fixture image, whole, cut, or with a few bytes changed; or random bytes."""
    data = draw(st.sampled_from(FIXTURES))
    mutation = draw(st.sampled_from(["whole", "cut", "flip", "random"]))
    if mutation == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if mutation == "flip":
        changed = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            changed[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(changed)
    if mutation == "random":
        return draw(st.binary(max_size=600))
    return data


@st.composite
def multipart_requests(draw: st.DrawFn) -> tuple[bytes, str]:
    """A multipart body (possibly cut, or with another boundary) and its Content-Type."""
    boundary = draw(st.text(st.characters(min_codepoint=0x27, max_codepoint=0x7A), min_size=1, max_size=20))
    parts = draw(
        st.lists(
            st.builds(
                FormPart,
                name=st.sampled_from(["image", "image", "other", None]),
                content=images(),
                filename=st.one_of(st.none(), header_text),
                content_type=st.one_of(st.none(), st.sampled_from(["image/jpeg", "text/plain"])),
            ),
            max_size=4,
        )
    )
    body = multipart_body(parts, boundary, preamble=draw(st.sampled_from([b"", b"preamble"])))
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    declared = draw(st.sampled_from([boundary, f'"{boundary}"', "other", ""]))
    return body, f"multipart/form-data; boundary={declared}"


content_types = st.one_of(
    st.sampled_from(["image/jpeg", "image/jpg", "image/png", "image/*", "multipart/form-data", "text/plain"]),
    header_text,
)
raw_requests = st.tuples(images(), content_types)


@given(
    front_door=st.sampled_from(sorted(GATEWAYS)),
    method=st.sampled_from(["POST", "POST", "POST", "GET", "OPTIONS", "PUT"]),
    path=st.sampled_from(["/shape", "/nbytes", "/", "/shape/x", "/other"]),
    request=st.one_of(raw_requests, multipart_requests()),
)
def test_never_a_server_error(front_door: str, method: str, path: str, request: tuple[bytes, str]) -> None:
    """Random bodies, content types and forms: the answer is 2xx or a 4xx JSON message."""
    body, content_type = request
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)
        response = GATEWAYS[front_door].request(
            method, path, data=body, headers={"Content-Type": content_type}
        )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()) == {"message"}


# -- fuzz target: any event at all (issue 12) ---------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
EVENT_KEYS = [
    "httpMethod",
    "path",
    "rawPath",
    "headers",
    "multiValueHeaders",
    "body",
    "isBase64Encoded",
    "pathParameters",
    "requestContext",
    "version",
]


#: Real events of each front door, path and kind of body (built once: building one draws random ids).
BASE_EVENTS: list[dict[str, object]] = [
    Gateway(None, api=api).event("POST", path, headers={"Content-Type": content_type}, body=b"x")
    for api in ("rest", "http", "http-v1")
    for path in ("/shape", "/nbytes")
    for content_type in ("image/png", "multipart/form-data; boundary=b", "text/plain")
]


@st.composite
def mutated_events(draw: st.DrawFn) -> object:
    """A real event of some front door with a few keys set to any JSON value (or removed), or any JSON
    value at all: what a console test event or a misconfigured integration can hand the function."""
    if draw(st.integers(0, 4)) == 0:
        return draw(json_values)
    event = copy.deepcopy(draw(st.sampled_from(BASE_EVENTS)))
    for key in draw(st.lists(st.sampled_from(EVENT_KEYS), max_size=3)):
        if draw(st.booleans()):
            event.pop(key, None)
        else:
            event[key] = draw(json_values)
    return event


@fuzz_settings(ci_examples=200)
@given(event=mutated_events())
def test_fuzz_the_function_with_any_event(event: object) -> None:
    """Whatever the event, the handler returns a 2xx or a 4xx ``{"message"}`` of bounded size."""
    response = lambda_handler(event, None)  # type: ignore[arg-type]
    assert isinstance(response["statusCode"], int)
    assert response["statusCode"] < 500, response
    assert isinstance(response["body"], str)
    assert len(response["body"]) < 5000
    if response["statusCode"] >= 400:
        assert set(json.loads(response["body"])) == {"message"}
