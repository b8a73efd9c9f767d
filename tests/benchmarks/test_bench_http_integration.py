"""Benchmarks of HTTP integrations: what the front door adds to the call of an HTTP backend.

Run them timed with ``make bench``; ``make test`` runs each once, untimed, and checks its result.

Group ``http integration``: a REST ``HTTP_PROXY`` round trip through ``Gateway.invoke`` (route, event,
the backend request built, the call, the response mapped) to an echo backend on 127.0.0.1, and an HTTP API
``HTTP_PROXY`` one with a parameter mapping. Each records its ratio to the same backend request (the one
the gateway builds, made once) sent directly with :func:`apigw_emulator.http_backend.send` in the same
test: the loopback HTTP exchange both pay, so the ratio is what the front door adds on top. No target
is asserted: the issue sets none; the ratios are recorded in ``extra_info`` for reading.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest

from apigw_emulator import Gateway, HttpRequest
from apigw_emulator.http_api_integration import http_api_backend_request
from apigw_emulator.http_backend import send
from apigw_emulator.http_integration import backend_request
from apigw_emulator.ids import RequestStamp
from apigw_emulator.model import Integration
from apigw_emulator.model.http import HttpIntegration
from apigw_emulator.route_integrations import RouteIntegrations
from tests.http_integrations.conftest import _Echo

from ._timing import Timing

GROUP = "http integration"


@pytest.fixture(scope="module")
def backend_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="bench-echo", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _handler(event: Any, context: Any) -> Any:
    return {"statusCode": 200}


@pytest.mark.benchmark(group=GROUP)
def test_rest_http_proxy_round_trip_against_the_direct_call(timing: Timing, backend_url: str) -> None:
    integration = Integration(
        "HTTP_PROXY",
        uri=f"{backend_url}/{{proxy}}",
        http_method="ANY",
        request_parameters={"integration.request.path.proxy": "method.request.path.proxy"},
    )
    gateway = Gateway(
        _handler,
        api="rest",
        routes=["ANY /{proxy+}"],
        integrations=RouteIntegrations(http={"ANY /{proxy+}": integration}),
    )
    request = HttpRequest.build(
        "POST", f"{gateway.url}/items/7?q=1", headers={"Content-Type": "application/json"}, body=b'{"a":1}'
    )
    direct = backend_request(integration, request, gateway.config, gateway.build_event(request))
    invocation = timing.run(lambda: gateway.invoke(request), baselines={"direct": lambda: send(direct, 5)})
    assert invocation.response.status == 200
    timing.ratio("direct")


@pytest.mark.benchmark(group=GROUP)
def test_http_api_http_proxy_with_mapping_against_the_direct_call(timing: Timing, backend_url: str) -> None:
    integration = HttpIntegration(
        "HTTP_PROXY",
        uri=f"{backend_url}/pets/{{id}}",
        payload_format_version="1.0",
        http_method="ANY",
        request_parameters={"overwrite:header.x-env": "$stageVariables.env", "append:querystring.from": "gw"},
        response_parameters={"200": {"overwrite:header.x-served-by": "$response.header.x-backend"}},
    )
    gateway = Gateway(
        _handler,
        api="http",
        routes=["GET /pets/{id}"],
        stage_variables={"env": "bench"},
        integrations=RouteIntegrations(http={"GET /pets/{id}": integration}),
    )
    request = HttpRequest.build("GET", f"{gateway.url}/pets/7")
    stamp = RequestStamp.new()
    direct, _ = http_api_backend_request(
        integration, request, gateway.config, stamp, gateway.build_event(request)
    )
    invocation = timing.run(lambda: gateway.invoke(request), baselines={"direct": lambda: send(direct, 5)})
    assert invocation.response.header("x-served-by") == "echo"
    timing.ratio("direct")
