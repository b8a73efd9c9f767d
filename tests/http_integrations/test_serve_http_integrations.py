"""HTTP integrations through ``apigw-emulator serve``: real HTTP from a client to the served API, and from
the front door to a real local backend."""

from __future__ import annotations

import contextlib
import http.client
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.application._serve import serving
from tests.application.test_real_apps_serve import _url
from tests.runtime.test_serve_environments import Served

from .conftest import Backend, echoed, project
from .test_http_api_http_proxy import CDK_HTTP_URL, SAM_HTTP_API
from .test_http_api_http_proxy import _fill as _fill_http_api
from .test_rest_http_custom import PLAIN_CLOUDFORMATION as CUSTOM_CLOUDFORMATION
from .test_rest_http_custom import _fill as _fill_custom
from .test_rest_http_proxy import CDK_PROXY, SAM_OPENAPI, _fill


def _call(
    url: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=20)
    try:
        connection.request(method, parts.path + path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def rest_served(tmp_path_factory: pytest.TempPathFactory, backend: Backend) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("rest-http")
    with socket_ports() as (refused, silent):
        path = project(folder, _fill(SAM_OPENAPI, backend, refused_port=refused, silent_port=silent))
        with serving("--template", str(path), "--port", "0", ready=" runs in ") as served:
            yield served


@contextlib.contextmanager
def socket_ports() -> Iterator[tuple[int, int]]:
    """A refused port and a silent (listening, never answering) port for the module's server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        refused: int = probe.getsockname()[1]
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield refused, listener.getsockname()[1]


def test_serve_rest_http_proxy_round_trips_binary_bytes_to_the_backend_and_back(rest_served: Served) -> None:
    url = _url(rest_served, "Api")
    body = bytes(range(256)) * 64
    status, headers, answer = _call(
        url, "POST", "/proxy/bytes", body, {"Content-Type": "application/octet-stream"}
    )
    assert status == 200
    assert answer == body
    assert headers["content-type"] == "application/octet-stream"
    assert headers["x-amzn-remapped-content-length"] == str(len(body))


def test_serve_rest_http_proxy_forwards_the_request_and_keeps_the_backend_status(rest_served: Served) -> None:
    url = _url(rest_served, "Api")
    status, headers, answer = _call(url, "PUT", "/proxy/status/418?a=1", b'{"k":1}', {"X-Trace-Me": "t"})
    assert status == 418
    seen = echoed(answer)
    assert (seen["method"], seen["path"], seen["query"], seen["body"]) == (
        "PUT",
        "/status/418",
        "a=1",
        b'{"k":1}',
    )
    assert seen["headers"]["x-trace-me"] == "t"
    assert headers["x-backend"] == "echo"


def test_serve_rest_http_proxy_unreachable_and_silent_backends_answer_500_and_504(
    rest_served: Served,
) -> None:
    url = _url(rest_served, "Api")
    status, _, answer = _call(url, "GET", "/down")
    assert (status, answer) == (500, b'{"message": "Internal server error"}')
    status, _, answer = _call(url, "GET", "/silent")
    assert (status, answer) == (504, b'{"message": "Endpoint request timed out"}')


def test_serve_rest_http_proxy_stage_variables_build_the_url(rest_served: Served) -> None:
    status, _, answer = _call(_url(rest_served, "Api"), "GET", "/items/9", headers={"X-From": "cli"})
    assert status == 200
    seen = echoed(answer)
    assert (seen["path"], seen["query"]) == ("/items/9", "from=cli")


@pytest.fixture(scope="module")
def http_api_served(tmp_path_factory: pytest.TempPathFactory, backend: Backend) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("http-api-http")
    with socket_ports() as (refused, silent):
        text = _fill_http_api(SAM_HTTP_API, backend, refused_port=refused, silent_port=silent)
        with serving("--template", str(project(folder, text)), "--port", "0", ready=" runs in ") as served:
            yield served


def test_serve_http_api_http_proxy_round_trips_bytes_and_maps_parameters(http_api_served: Served) -> None:
    url = _url(http_api_served, "Api")
    body = bytes(range(256)) * 16
    status, headers, answer = _call(url, "POST", "/proxy/bytes", body, {"Content-Type": "image/png"})
    assert (status, answer) == (200, body)
    assert headers["apigw-requestid"]
    status, headers, answer = _call(url, "GET", "/pets/5?status=404", headers={"X-Secret": "s"})
    assert status == 410
    assert headers["x-missing"] == "5"
    seen = echoed(answer)
    assert seen["path"] == "/store/pets/5"
    assert "x-secret" not in seen["headers"]


def test_serve_http_api_unreachable_backend_is_a_clear_500(http_api_served: Served) -> None:
    status, _, answer = _call(_url(http_api_served, "Api"), "GET", "/down")
    assert (status, answer) == (500, b'{"message":"Internal Server Error"}')


def test_serve_rest_http_custom_integration_selects_the_response_by_backend_status(
    tmp_path: Path, backend: Backend
) -> None:
    path = project(tmp_path, _fill_custom(CUSTOM_CLOUDFORMATION, backend))
    with serving("--template", str(path), "--port", "0", ready=" runs in ") as served:
        url = _url(served, "Api")
        assert _call(url, "GET", "/404")[0] == 400
        assert _call(url, "GET", "/201")[0] == 200
        status, _, answer = _call(url, "GET", "/only-default/400")
        assert status == 200
        assert echoed(answer)["path"] == "/status/400"


_CDK_CASES = {
    "cdk-rest-proxy": (CDK_PROXY, _fill, "ProxyApiE2A1F8AD", "/deep/er?k=v", "/deep/er"),
    "cdk-http-url": (CDK_HTTP_URL, _fill_http_api, "HttpApiF5A9A8A7", "/books/b-2", "/books/b-2"),
}


@pytest.mark.parametrize("case", list(_CDK_CASES))
def test_serve_cdk_http_integrations_reach_the_backend(tmp_path: Path, backend: Backend, case: str) -> None:
    template, fill, api, path, backend_path = _CDK_CASES[case]
    with serving(
        "--template", str(project(tmp_path, fill(template, backend))), "--port", "0", ready=" runs in "
    ) as served:
        status, _, answer = _call(_url(served, api), "GET", path)
        assert status == 200
        assert echoed(answer)["path"] == backend_path
