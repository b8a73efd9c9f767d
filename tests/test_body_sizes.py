"""Big bodies: the runtime's JSON size is exact without serialising base64 bodies, and a body is
converted between base64 and bytes once per invocation (``codec`` remembers the last big pair)."""

from __future__ import annotations

import base64
import random
from typing import Any

import pybase64
import pytest

from apigw_emulator import Gateway, LambdaContext
from apigw_emulator.codec import REMEMBER_FROM, b64decode, b64encode, is_known_base64
from apigw_emulator.errors import GatewayErrorWarning

MIB = 1024 * 1024
BINARY = "application/octet-stream"


def stdlib_echo(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The body back as a binary response, with the stdlib's base64 (not the codec the gateway uses)."""
    raw = base64.b64decode(event["body"])
    return {
        "statusCode": 200,
        "headers": {"Content-Type": BINARY},
        "body": base64.b64encode(raw).decode(),
        "isBase64Encoded": True,
    }


def test_a_big_body_is_base64_decoded_once_per_invocation(monkeypatch: pytest.MonkeyPatch) -> None:
    body = random.Random(3).randbytes(3 * MIB)  # 4 MB of base64: over the exact-size threshold
    gw = Gateway(stdlib_echo, api="rest", binary_media_types=["*/*"])
    decoded: list[int] = []
    real = pybase64.b64decode

    def counting(text: str | bytes, *args: Any, **kwargs: Any) -> bytes:
        decoded.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(pybase64, "b64decode", counting)
    response = gw.request("POST", "/echo", data=body, headers={"Content-Type": BINARY, "Accept": BINARY})
    assert response.content == body
    assert len(decoded) == 1  # the result's size check decodes it; the response reuses the bytes


def test_a_remembered_text_is_known_by_identity_only() -> None:
    raw = random.Random(4).randbytes(REMEMBER_FROM)
    text = b64encode(raw)
    equal = "".join([text[:1], text[1:]])  # the same characters, another object
    assert equal == text
    assert equal is not text
    assert not is_known_base64(equal)
    assert b64decode(equal) == raw
    assert is_known_base64(text)
    assert not is_known_base64(text)  # a hit uses the pair up


def test_a_text_decoded_to_be_remembered_gives_the_same_bytes_once() -> None:
    text = b64encode(random.Random(6).randbytes(REMEMBER_FROM))
    is_known_base64(text)  # forget the encoder's pair
    raw = b64decode(text, remember=True)
    assert b64decode(text) is raw  # the remembered bytes, not a second decode
    assert b64decode(text) is not raw


def test_a_small_text_is_not_remembered() -> None:
    assert not is_known_base64(b64encode(b"small" * 1000))


def test_a_big_result_body_with_escapes_is_measured_exactly() -> None:
    # 3.2 MB of quotes claiming to be base64: 6.4 MB as JSON, over Lambda's 6 MB response limit.
    body = '"' * (3200 * 1024)
    gw = Gateway(lambda e, c: {"statusCode": 200, "body": body, "isBase64Encoded": True}, api="rest")
    with pytest.warns(GatewayErrorWarning, match="Exceeded maximum allowed payload size"):
        response = gw.request("GET", "/")
    assert response.status_code == 502


def test_a_base64_result_just_under_the_response_limit_passes() -> None:
    raw = random.Random(5).randbytes(4 * MIB + 512 * 1024)  # 6,291,456 bytes of base64 text
    text = pybase64.b64encode_as_string(raw)
    gw = Gateway(
        lambda e, c: {"statusCode": 200, "body": text, "isBase64Encoded": True},
        api="http",
    )
    response = gw.request("GET", "/")
    assert response.status_code == 200
    assert response.content == raw
