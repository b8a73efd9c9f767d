"""The sample project's property tests: the library's hypothesis strategies aimed at its own API."""

from __future__ import annotations

from app import handler
from hypothesis import given, settings

from apigw_emulator import Gateway, HttpRequest
from apigw_emulator.strategies import bodies, from_gateway, requests

GATEWAY = Gateway(handler, api="rest", binary_media_types=["*/*"], routes=["POST /upload", "GET /items/{id}"])


@settings(max_examples=30)
@given(request=from_gateway(GATEWAY, requests=requests(bodies=bodies(kind="binary"))))
def test_every_routed_request_gets_its_body_length_back(request: HttpRequest) -> None:
    invocation = GATEWAY.invoke(request)
    assert invocation.response.status == 200
    assert invocation.response.json()["length"] == len(request.body)
