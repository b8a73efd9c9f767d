"""Through the socket: the client's trace header comes back from a REST API, and an EDGE REST API's
responses carry CloudFront's headers (spec 2.2, 8.10)."""

from __future__ import annotations

import json
from typing import Any

import requests

from apigw_emulator import Gateway

from .conftest import ServerFactory

ROOT = "Root=1-67891233-abcdef012345678912345678"


def headers_echo(event: Any, context: Any) -> Any:
    return {"statusCode": 200, "body": json.dumps(event["headers"])}


def test_client_trace_id_is_kept_through_the_server(serve: ServerFactory) -> None:
    server = serve(Gateway(headers_echo, "rest"))
    response = requests.get(server.url + "/", headers={"X-Amzn-Trace-Id": ROOT}, timeout=5)
    in_event = response.json()["X-Amzn-Trace-Id"]
    assert in_event.startswith(ROOT + ";Parent=")
    assert response.headers["X-Amzn-Trace-Id"] == in_event


def test_edge_rest_response_has_cloudfront_headers_through_the_server(serve: ServerFactory) -> None:
    server = serve(Gateway(headers_echo, "rest"))
    response = requests.get(server.url + "/", timeout=5)
    assert response.headers["X-Cache"] == "Miss from cloudfront"
    assert response.headers["X-Amz-Cf-Id"] == response.json()["X-Amz-Cf-Id"]
    assert response.headers["Via"].endswith(".cloudfront.net (CloudFront)")
    assert "X-Amz-Cf-Pop" in response.headers
