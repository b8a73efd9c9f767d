"""HTTP integration backends that misbehave (a raw socket server on 127.0.0.1 scripted per path): the
client always gets API Gateway's own 5xx within the integration timeout, never the backend's broken bytes,
and the gateway keeps serving."""

from __future__ import annotations

import http.client
import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from apigw_emulator.http_backend import BackendError, BackendRequest, BackendTimeoutError, send
from tests.application._serve import serving
from tests.application.test_real_apps_serve import _url
from tests.runtime.test_serve_environments import Served

from ._raw_backend import RawBackend, raw_backend
from .conftest import Backend, echoed, project


@pytest.fixture(scope="module")
def hostile() -> Iterator[RawBackend]:
    with raw_backend() as backend:
        yield backend


@pytest.mark.parametrize(
    ("attack", "reason"),
    [
        ("malformed-status", "BadStatusLine"),
        ("not-http", "BadStatusLine"),
        ("header-with-cr", "bare CR"),
        ("header-with-nul", "NUL"),
        ("folded-header", "folded"),
        ("huge-header-block", "more than 100 headers"),
        ("huge-header-line", "LineTooLong"),
        ("endless-chunked", "over 10485760 bytes"),
        ("over-the-limit", "over 10485760 bytes"),
        ("short-content-length", "991 bytes short"),
        ("close-mid-headers", "before the end of its headers"),
        ("close-mid-chunk", "IncompleteRead"),
        ("close-at-once", "RemoteDisconnected"),
    ],
)
def test_hostile_backend_answer_is_a_backend_error_naming_it(
    hostile: RawBackend, attack: str, reason: str
) -> None:
    with pytest.raises(BackendError, match=reason):
        send(BackendRequest("GET", f"{hostile.url}/{attack}"), 5)


def test_hostile_backend_endless_chunked_body_is_cut_off_at_the_limit_not_read_to_its_end(
    hostile: RawBackend,
) -> None:
    with pytest.raises(BackendError, match="over 100000 bytes"):
        send(BackendRequest("GET", f"{hostile.url}/endless-chunked"), 5, limit=100_000)
    assert "/endless-chunked" not in hostile.completed


def test_hostile_backend_trickling_one_byte_at_a_time_is_bounded_by_the_whole_timeout_not_per_read(
    hostile: RawBackend,
) -> None:
    """Each byte comes well within the timeout, the header block takes seconds: the exchange is cut at
    the timeout, before the backend got to send its headers in full."""
    with pytest.raises(BackendTimeoutError):
        send(BackendRequest("GET", f"{hostile.url}/trickle"), 0.5)
    assert "/trickle" not in hostile.completed


def test_hostile_backend_redirect_loop_is_answered_as_the_redirect_not_followed(hostile: RawBackend) -> None:
    answer = send(BackendRequest("GET", f"{hostile.url}/redirect-loop"), 5)
    assert (answer.status, answer.header("location")) == (302, "/redirect-loop")


HOSTILE_REST = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: hostile
      Body:
        swagger: "2.0"
        info: {title: hostile, version: "1"}
        paths:
          /lambda:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\
                  ${Fn.Arn}/invocations"
          /raw/{attack}:
            get:
              parameters: [{name: attack, in: path, required: true, type: string}]
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: HOSTILE_URL/{attack}
                timeoutInMillis: 1000
                requestParameters:
                  integration.request.path.attack: method.request.path.attack
          /custom/{attack}:
            get:
              parameters: [{name: attack, in: path, required: true, type: string}]
              x-amazon-apigateway-integration:
                type: http
                httpMethod: GET
                uri: HOSTILE_URL/{attack}
                timeoutInMillis: 1000
                requestParameters:
                  integration.request.path.attack: method.request.path.attack
                responses:
                  default: {statusCode: "200"}
          /echo:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: ECHO_URL/echo
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, StageName: prod, DeploymentId: x}
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: hostile-http
      ProtocolType: HTTP
      Body:
        openapi: "3.0.1"
        info: {title: hostile-http, version: "1"}
        paths:
          /raw/{attack}:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: HOSTILE_URL/{attack}
                payloadFormatVersion: "1.0"
                timeoutInMillis: 1000
  HttpStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Http, StageName: $default, AutoDeploy: true}
"""


def _get(url: str, path: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("GET", parts.path + path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, hostile: RawBackend, backend: Backend
) -> Iterator[Served]:
    folder: Path = tmp_path_factory.mktemp("hostile")
    text = HOSTILE_REST.replace("HOSTILE_URL", hostile.url).replace("ECHO_URL", backend.url)
    path = project(folder, textwrap.dedent(text))
    with serving("--template", str(path), "--port", "0", ready=" run in ") as running:
        yield running


_INTERNAL = b'{"message": "Internal server error"}'
_TIMED_OUT = b'{"message": "Endpoint request timed out"}'


@pytest.mark.parametrize("kind", ["raw", "custom"])
@pytest.mark.parametrize(
    ("attack", "expected"),
    [
        ("malformed-status", (500, _INTERNAL)),
        ("header-with-cr", (500, _INTERNAL)),
        ("header-with-nul", (500, _INTERNAL)),
        ("folded-header", (500, _INTERNAL)),
        ("huge-header-block", (500, _INTERNAL)),
        ("endless-chunked", (500, _INTERNAL)),
        ("over-the-limit", (500, _INTERNAL)),
        ("short-content-length", (500, _INTERNAL)),
        ("close-mid-headers", (500, _INTERNAL)),
        ("close-mid-chunk", (500, _INTERNAL)),
        ("trickle", (504, _TIMED_OUT)),
    ],
)
def test_serve_hostile_backend_gives_the_client_an_aws_shaped_5xx_and_keeps_serving(
    served: Served, hostile: RawBackend, kind: str, attack: str, expected: tuple[int, bytes]
) -> None:
    url = _url(served, "Api")
    status, headers, body = _get(url, f"/{kind}/{attack}")
    assert (status, body) == expected
    assert "set-cookie" not in headers
    assert served.process.poll() is None
    status, _, body = _get(url, "/echo")
    assert status == 200
    assert echoed(body)["path"] == "/echo"


_HTTP_INTERNAL = b'{"message":"Internal Server Error"}'


@pytest.mark.parametrize(
    "attack",
    [
        "malformed-status",
        "header-with-cr",
        "header-with-nul",
        "folded-header",
        "huge-header-block",
        "endless-chunked",
        "over-the-limit",
        "short-content-length",
        "close-mid-headers",
        "close-mid-chunk",
        "trickle",
    ],
)
def test_serve_hostile_backend_behind_an_http_api_gives_the_client_its_5xx_and_keeps_serving(
    served: Served, attack: str
) -> None:
    url = _url(served, "Http")
    status, headers, body = _get(url, f"/raw/{attack}")
    if attack == "trickle":  # the integration timeout: an HTTP API's 503
        assert (status, body) == (503, b'{"message":"Service Unavailable"}')
    else:
        assert (status, body) == (500, _HTTP_INTERNAL)
    assert "set-cookie" not in headers
    assert served.process.poll() is None


def test_serve_hostile_backend_redirect_loop_reaches_the_client_as_the_302_not_followed(
    served: Served,
) -> None:
    status, headers, _ = _get(_url(served, "Api"), "/raw/redirect-loop")
    assert (status, headers.get("location")) == (302, "/redirect-loop")
