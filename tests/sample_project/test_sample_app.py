"""The sample project's own tests: they use only the installed plugin's fixtures and markers."""

from __future__ import annotations

from typing import Any

import pytest
from app import handler


def test_binary_upload_reaches_the_handler_whole(apigw: Any) -> None:
    gw = apigw(handler)
    response = gw.request(
        "POST", "/upload", data=b"\x00\xff" * 100, headers={"Content-Type": "application/octet-stream"}
    )
    assert response.json() == {"length": 200, "path": "/upload", "base64": True}
    assert gw.url.endswith("/live")


@pytest.mark.apigw(api="http", binary_media_types=[])  # the project default is REST-only
def test_marker_selects_the_front_door(apigw: Any) -> None:
    gw = apigw(handler)
    assert gw.api == "http"
    assert gw.request("POST", "/x", data=b"\x00").json()["base64"] is True


def test_event_factory(apigw_event: Any) -> None:
    event = apigw_event("GET", "/items?a=1")
    assert event["queryStringParameters"] == {"a": "1"}
    assert event["requestContext"]["stage"] == "live"
