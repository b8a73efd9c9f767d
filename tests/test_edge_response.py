"""REST on an EDGE endpoint: every response leaves through CloudFront and carries its headers (spec 2.2,
8.10, issue 12)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from apigw_emulator import Gateway
from apigw_emulator.errors import GatewayErrorWarning

CLOUDFRONT = ("X-Cache", "Via", "X-Amz-Cf-Pop", "X-Amz-Cf-Id")
POP = re.compile(r"^[A-Z]{3}\d+-[A-Z]\d+$")


def echo(event: Any, context: Any) -> Any:
    return {
        "statusCode": 200,
        "headers": {"X-Cache": "from the lambda"},
        "body": json.dumps(event["headers"]),
    }


def test_edge_rest_response_has_cloudfront_via_cf_id_pop_and_x_cache() -> None:
    response = Gateway(echo, "rest").request("GET", "/")
    event_headers = response.json()
    assert response.headers["X-Cache"] == "Miss from cloudfront"
    assert POP.match(response.headers["X-Amz-Cf-Pop"])
    # The same CloudFront request as the event's: its id, and the edge host of its Via.
    assert response.headers["X-Amz-Cf-Id"] == event_headers["X-Amz-Cf-Id"]
    via_host = event_headers["Via"].split(" ")[1]
    assert response.headers["Via"] == f"1.1 {via_host} (CloudFront)"
    assert list(response.raw.headers)[-4:] == list(CLOUDFRONT)


def test_edge_rest_gateway_errors_have_cloudfront_headers_too() -> None:
    gw = Gateway(echo, "rest", routes=["GET /only"])
    with pytest.warns(GatewayErrorWarning):
        response = gw.request("GET", "/missing")
    assert response.status_code == 403
    assert response.headers["X-Cache"] == "Error from cloudfront"
    assert all(name in response.headers for name in CLOUDFRONT)


@pytest.mark.parametrize("endpoint_type", ["REGIONAL", "PRIVATE"])
def test_regional_and_private_rest_responses_have_no_cloudfront_headers(endpoint_type: str) -> None:
    response = Gateway(echo, "rest", endpoint_type=endpoint_type).request("GET", "/")
    assert not any(name in response.headers for name in CLOUDFRONT[1:])
    assert response.headers["X-Cache"] == "from the lambda"


@pytest.mark.parametrize("api", ["http", "http-v1", "function-url", "alb"])
def test_other_front_doors_have_no_cloudfront_headers(api: str) -> None:
    response = Gateway(echo, api).request("GET", "/")
    assert "X-Amz-Cf-Id" not in response.headers
