"""Client values mapped into the backend request, written to escape where they are put: a line break in a
value mapped into a header, a path parameter holding ``../``, ``%2F``, ``?`` or ``#``, a ``Host`` override.
The backend (the real echo backend on 127.0.0.1) sees each value inside its own header or path segment,
never a header, segment, query or fragment of its own making."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning

from .conftest import Backend, echoed, project

MAPPED = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src}
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: mapped
      Body:
        swagger: "2.0"
        info: {title: mapped, version: "1"}
        paths:
          /lambda:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\\\
                  ${Fn.Arn}/invocations"
          /items/{id}:
            get:
              parameters: [{name: id, in: path, required: true, type: string}]
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: BACKEND_URL/store/{itemId}/tail
                requestParameters:
                  integration.request.path.itemId: method.request.path.id
                  integration.request.header.X-From: method.request.querystring.from
                  integration.request.header.Host: "'evil.example'"
          /greedy/{proxy+}:
            get:
              parameters: [{name: proxy, in: path, required: true, type: string}]
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: BACKEND_URL/store/{proxy}
                requestParameters:
                  integration.request.path.proxy: method.request.path.proxy
  RestStage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Rest, StageName: prod, DeploymentId: x}
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: mapped-http
      ProtocolType: HTTP
      Body:
        openapi: "3.0.1"
        info: {title: mapped-http, version: "1"}
        paths:
          /items/{id}:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: BACKEND_URL/store/{id}/tail
                payloadFormatVersion: "1.0"
                requestParameters:
                  overwrite:header.X-From: $request.querystring.from
                  overwrite:header.Host: evil.example
          /greedy/{proxy+}:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: BACKEND_URL/store/{proxy}
                payloadFormatVersion: "1.0"
  HttpStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Http, StageName: $default, AutoDeploy: true}
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, backend: Backend) -> Iterator[Application]:
    path = project(tmp_path_factory.mktemp("mapped"), MAPPED.replace("BACKEND_URL", backend.url))
    with Application.from_template(path) as application:
        yield application


@pytest.mark.parametrize("api", ["Rest", "Http"])
@pytest.mark.parametrize(
    "value",
    ["a%2F..%2F..%2Fadmin", "x%3Fadmin=1", "x%23fragment", "..%2Fadmin%3Fq%23f", "a%252Fb"],
)
def test_hostile_path_parameter_stays_one_segment_of_the_backend_path(
    app: Application, backend: Backend, api: str, value: str
) -> None:
    response = app.apis[api].request("GET", f"/items/{value}")
    assert response.status_code == 200
    seen = echoed(response.content)
    assert seen["path"].startswith("/store/")
    assert seen["path"].endswith("/tail")
    segment = seen["path"][len("/store/") : -len("/tail")]
    assert not {"/", "?", "#"} & set(segment), segment
    assert seen["query"] == ""


@pytest.mark.parametrize("api", ["Rest", "Http"])
def test_hostile_greedy_path_parameter_keeps_its_segments_and_its_encoded_query_characters(
    app: Application, api: str
) -> None:
    response = app.apis[api].request("GET", "/greedy/a/b%3Fq%23f")
    seen = echoed(response.content)
    assert (seen["path"], seen["query"]) == ("/store/a/b%3Fq%23f", "")


@pytest.mark.parametrize("api", ["Rest", "Http"])
@pytest.mark.parametrize("value", ["a%0D%0AX-Injected:%201", "a%0AX-Injected:%201", "a%00b"])
def test_hostile_line_break_in_a_value_mapped_into_a_header_never_makes_a_header(
    app: Application, api: str, value: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        response = app.apis[api].request("GET", f"/items/1?from={value}")
    if response.status_code == 200:  # the value went in one header, as text
        seen = echoed(response.content)
        assert "x-injected" not in seen["headers"]
    else:  # refused: the gateway's own 500 (each API type words it its way)
        message = "Internal server error" if api == "Rest" else "Internal Server Error"
        assert (response.status_code, response.json()) == (500, {"message": message})


@pytest.mark.parametrize("api", ["Rest", "Http"])
def test_hostile_host_override_is_ignored_the_backend_gets_its_own_host(
    app: Application, backend: Backend, api: str
) -> None:
    response = app.apis[api].request("GET", "/items/1", headers={"Host": "client.example"})
    seen = echoed(response.content)
    assert seen["headers"]["host"] == f"127.0.0.1:{backend.port}"
    assert [name.lower() for name, _ in seen["header_pairs"]].count("host") == 1
