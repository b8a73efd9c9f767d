"""Whatever a client sends, the function answers: never a 5xx, never an exception."""

from __future__ import annotations

import warnings

from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator import BinaryBodyCorruptedWarning, Gateway
from function.app import lambda_handler

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
