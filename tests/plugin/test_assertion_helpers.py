"""Assertion helpers for users' tests: the messages say what went wrong."""

from __future__ import annotations

import base64

import pytest

from apigw_emulator import BinaryBodyCorruptedWarning, Gateway
from apigw_emulator.testing import assert_body_bytes, assert_events_equal, event_body_bytes


def test_events_equal_ignores_generated_ids_and_times() -> None:
    gw = Gateway(None, api="rest")
    assert_events_equal(gw.event("GET", "/a"), gw.event("GET", "/a"))


def test_events_differ_with_a_readable_diff() -> None:
    gw = Gateway(None, api="http")
    with pytest.raises(
        AssertionError, match=r'(?s)the events differ.*-  "rawPath": "/a".*\+  "rawPath": "/b"'
    ):
        assert_events_equal(gw.event("GET", "/b"), gw.event("GET", "/a"))


def test_body_bytes_decodes_base64_events() -> None:
    gw = Gateway(None, api="http")
    data = bytes(range(256))
    event = gw.event("POST", "/", body=data)
    assert event_body_bytes(event) == data
    assert_body_bytes(event, data)


def test_handler_that_reads_base64_as_text_is_told_so() -> None:
    event = Gateway(None, api="http").event("POST", "/", body=b"\x00\xff")
    with pytest.raises(AssertionError, match=r"was base64 .* but your handler read it as text"):
        assert_body_bytes(event, b"\x00\xff", handler_saw=event["body"].encode())


def test_handler_that_decodes_text_as_base64_is_told_so() -> None:
    event = Gateway(None, api="http").event("POST", "/", headers={"Content-Type": "text/plain"}, body="aGk=")
    with pytest.raises(AssertionError, match=r"was text .* but your handler decoded it as base64"):
        assert_body_bytes(event, b"aGk=", handler_saw=base64.b64decode("aGk="))


def test_text_mode_corruption_is_explained() -> None:
    with pytest.warns(BinaryBodyCorruptedWarning):
        event = Gateway(None, api="rest").event(
            "POST", "/", headers={"Content-Type": "image/png"}, body=b"\x89PNG"
        )
    with pytest.raises(AssertionError, match=r"U\+FFFD.*binaryMediaTypes"):
        assert_body_bytes(event, b"\x89PNG")
