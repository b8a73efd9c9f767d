"""HTTP API ``HTTP_PROXY`` integrations on a real local backend, on templates written three ways: OpenAPI
extensions in a SAM ``DefinitionBody``, CDK's output for ``HttpUrlIntegration`` with a ``parameterMapping``,
plain CloudFormation ``AWS::ApiGatewayV2::Integration`` resources."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning
from apigw_emulator.templates.errors import TemplateError

from .conftest import Backend, echoed, project

SAM_HTTP_API = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: app.handler
      Events:
        Lambda: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /lambda, Method: GET}}
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: beta
      StageVariables: {backend: "BACKEND_HOST"}
      CorsConfiguration: {AllowOrigins: ["https://app.example.com"], ExposeHeaders: [x-backend]}
      DefinitionBody:
        openapi: "3.0.1"
        info: {title: http-proxy, version: "1"}
        paths:
          /pets/{petId}:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: http://${stageVariables.backend}/store/pets/{petId}
                payloadFormatVersion: "1.0"
                requestParameters:
                  append:header.X-Request-Id: $context.requestId
                  overwrite:header.X-Env: static-env
                  remove:header.X-Secret: "''"
                  overwrite:querystring.from: $request.header.X-From
                  append:querystring.tag: ${stageVariables.backend}
                responseParameters:
                  "404":
                    overwrite:statuscode: "410"
                    append:header.X-Missing: $request.path.petId
          /proxy/{proxy+}:
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: ANY
                uri: BACKEND_URL/{proxy}
                payloadFormatVersion: "1.0"
                requestParameters:
                  overwrite:header.X-Path: $request.path
          /rewrite:
            post:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: PUT
                uri: BACKEND_URL/ignored
                payloadFormatVersion: "1.0"
                requestParameters:
                  overwrite:path: /rewritten/${request.body.id}
          /down:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: http://127.0.0.1:REFUSED_PORT/
                payloadFormatVersion: "1.0"
          /silent:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: http://127.0.0.1:SILENT_PORT/
                payloadFormatVersion: "1.0"
                timeoutInMillis: 300
"""

CDK_HTTP_URL = """
{
  "Resources": {
    "Handler886CB40B": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"Runtime": "python3.12", "Handler": "app.handler", "Code": "src",
                     "Role": {"Fn::GetAtt": ["HandlerRole", "Arn"]}}
    },
    "HandlerRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
    "HttpApiF5A9A8A7": {"Type": "AWS::ApiGatewayV2::Api",
                        "Properties": {"Name": "HttpApi", "ProtocolType": "HTTP"}},
    "HttpApiDefaultStage3EEB07D6": {
      "Type": "AWS::ApiGatewayV2::Stage",
      "Properties": {"ApiId": {"Ref": "HttpApiF5A9A8A7"}, "StageName": "$default", "AutoDeploy": true}
    },
    "HttpApiGETbooksbookIdBooksIntegration6C1B0B1D": {
      "Type": "AWS::ApiGatewayV2::Integration",
      "Properties": {
        "ApiId": {"Ref": "HttpApiF5A9A8A7"},
        "IntegrationMethod": "ANY",
        "IntegrationType": "HTTP_PROXY",
        "IntegrationUri": "BACKEND_URL/books/{bookId}",
        "PayloadFormatVersion": "1.0",
        "RequestParameters": {"append:header.X-Api": "cdk", "overwrite:querystring.limit": "10"},
        "ResponseParameters": {"200": {"overwrite:header.X-Served-By": "$response.header.X-Backend"}}
      }
    },
    "HttpApiGETbooksbookIdB5C3A0E2": {
      "Type": "AWS::ApiGatewayV2::Route",
      "Properties": {
        "ApiId": {"Ref": "HttpApiF5A9A8A7"},
        "AuthorizationType": "NONE",
        "RouteKey": "GET /books/{bookId}",
        "Target": {"Fn::Join": ["", ["integrations/",
                   {"Ref": "HttpApiGETbooksbookIdBooksIntegration6C1B0B1D"}]]}
      }
    },
    "HttpApiLambdaIntegration": {
      "Type": "AWS::ApiGatewayV2::Integration",
      "Properties": {"ApiId": {"Ref": "HttpApiF5A9A8A7"}, "IntegrationType": "AWS_PROXY",
                     "IntegrationUri": {"Fn::GetAtt": ["Handler886CB40B", "Arn"]},
                     "PayloadFormatVersion": "2.0"}
    },
    "HttpApiGETlambda": {
      "Type": "AWS::ApiGatewayV2::Route",
      "Properties": {"ApiId": {"Ref": "HttpApiF5A9A8A7"}, "RouteKey": "GET /lambda",
                     "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "HttpApiLambdaIntegration"}]]}}
    }
  }
}
"""

PLAIN_CLOUDFORMATION = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src, Role: !GetAtt Role.Arn}
  Role:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: {}}
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: plain, ProtocolType: HTTP}
  Backend:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: HTTP_PROXY
      IntegrationMethod: POST
      IntegrationUri: BACKEND_URL/status/{code}
      PayloadFormatVersion: "1.0"
      ResponseParameters:
        "503":
          ResponseParameters:
            - {Destination: "overwrite:statuscode", Source: "502"}
            - {Destination: "overwrite:header.Retry-After", Source: "$stageVariables.retry"}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: "ANY /status/{code}", Target: !Sub "integrations/${Backend}"}
  LambdaIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn,
                 PayloadFormatVersion: "2.0"}
  LambdaRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: "GET /lambda", Target: !Sub "integrations/${LambdaIntegration}"}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: live, AutoDeploy: true, StageVariables: {retry: "30"}}
"""


def _fill(template: str, backend: Backend, **ports: int) -> str:
    text = template.replace("BACKEND_URL", backend.url).replace("BACKEND_HOST", f"127.0.0.1:{backend.port}")
    for name, port in ports.items():
        text = text.replace(name.upper(), str(port))
    return text


@pytest.fixture
def sam(tmp_path: Path, backend: Backend, refused_port: int, silent_port: int) -> Iterator[Application]:
    text = _fill(SAM_HTTP_API, backend, refused_port=refused_port, silent_port=silent_port)
    with Application.from_template(project(tmp_path, text)) as app:
        yield app


def test_http_api_http_proxy_passes_the_request_to_the_uri_without_appending_the_path(
    sam: Application,
) -> None:
    body = bytes(range(256))
    response = sam.apis["Api"].request(
        "POST", "/proxy/a/b", params=[("x", "1"), ("x", "2")], data=body, headers={"X-Custom": "c"}
    )
    assert response.status_code == 200
    seen = echoed(response.content)
    assert (seen["method"], seen["path"], seen["query"]) == ("POST", "/a/b", "x=1&x=2")
    assert seen["body"] == body  # an HTTP API passes bytes as they are
    assert seen["headers"]["x-custom"] == "c"
    assert seen["headers"]["x-path"] == "/proxy/a/b"  # $request.path: without the stage
    assert seen["headers"]["host"].startswith("127.0.0.1:")
    assert seen["headers"]["forwarded"].startswith("for=127.0.0.1;host=")
    assert seen["headers"]["x-amzn-trace-id"].startswith("Root=1-")
    assert "x-forwarded-for" not in seen["headers"]
    assert response.headers["apigw-requestid"]
    assert response.headers["X-Backend"] == "echo"


def test_http_api_request_parameters_overwrite_append_and_remove(sam: Application) -> None:
    response = sam.apis["Api"].request(
        "GET",
        "/pets/7",
        params={"from": "client", "tag": "t1"},
        headers={"X-From": "header", "X-Secret": "s", "X-Env": "client-env"},
    )
    seen = echoed(response.content)
    assert seen["path"] == "/store/pets/7"
    backend_port = seen["headers"]["host"].split(":")[1]
    assert seen["query"] == f"tag=t1&from=header&tag=127.0.0.1%3A{backend_port}"
    assert seen["headers"]["x-env"] == "static-env"
    assert "x-secret" not in seen["headers"]
    assert seen["headers"]["x-request-id"] == response.headers["apigw-requestid"]


def test_http_api_response_parameters_apply_to_the_backend_status_they_name(sam: Application) -> None:
    gateway = sam.apis["Api"]
    found = gateway.request("GET", "/pets/7")
    assert found.status_code == 200
    assert "X-Missing" not in found.headers
    missing = gateway.request("GET", "/pets/7", params={"status": "404"})
    assert missing.status_code == 410
    assert missing.headers["X-Missing"] == "7"


def test_http_api_overwrite_path_rewrites_the_backend_path_from_the_body(sam: Application) -> None:
    response = sam.apis["Api"].request("POST", "/rewrite", json={"id": "abc"})
    seen = echoed(response.content)
    assert (seen["method"], seen["path"]) == ("PUT", "/rewritten/abc")


def test_http_api_cors_applies_to_http_integration_responses_and_drops_the_backend_s(
    sam: Application,
) -> None:
    response = sam.apis["Api"].request(
        "GET",
        "/proxy/x",
        params={"respond-header": "Access-Control-Allow-Origin:*"},
        headers={"Origin": "https://app.example.com"},
    )
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    assert response.headers["access-control-expose-headers"] == "x-backend"
    other = sam.apis["Api"].request(
        "GET",
        "/proxy/x",
        params={"respond-header": "Access-Control-Allow-Origin:*"},
        headers={"Origin": "https://evil.example"},
    )
    assert "access-control-allow-origin" not in other.headers


def test_http_api_unreachable_backend_is_500_and_a_silent_one_503(sam: Application) -> None:
    gateway = sam.apis["Api"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        down = gateway.request("GET", "/down")
        silent = gateway.request("GET", "/silent")
    assert (down.status_code, down.content) == (500, b'{"message":"Internal Server Error"}')
    assert (silent.status_code, silent.content) == (503, b'{"message":"Service Unavailable"}')


def test_cdk_http_url_integration_maps_parameters_and_response_headers(
    tmp_path: Path, backend: Backend
) -> None:
    with Application.from_template(project(tmp_path, _fill(CDK_HTTP_URL, backend))) as app:
        gateway = app.apis["HttpApiF5A9A8A7"]
        response = gateway.request("GET", "/books/b-1", params={"limit": "99"})
        seen = echoed(response.content)
        assert (seen["method"], seen["path"], seen["query"]) == ("GET", "/books/b-1", "limit=10")
        assert seen["headers"]["x-api"] == "cdk"
        assert response.headers["X-Served-By"] == "echo"
        assert gateway.request("GET", "/lambda").json() == {"from": "lambda"}


def test_plain_cloudformation_response_parameters_change_the_status_and_add_headers(
    tmp_path: Path, backend: Backend
) -> None:
    with Application.from_template(project(tmp_path, _fill(PLAIN_CLOUDFORMATION, backend))) as app:
        gateway = app.apis["Api"]
        unavailable = gateway.request("GET", "/status/503")
        assert unavailable.status_code == 502
        assert unavailable.headers["Retry-After"] == "30"
        assert echoed(unavailable.content)["method"] == "POST"  # the integration's method
        teapot = gateway.request("GET", "/status/418")
        assert teapot.status_code == 418
        assert "Retry-After" not in teapot.headers


@pytest.mark.parametrize(
    ("integration", "message"),
    [
        ("{type: http_proxy, httpMethod: ANY, payloadFormatVersion: '1.0', uri: 'arn:aws:x'}", "not an http"),
        (
            "{type: http_proxy, httpMethod: ANY, payloadFormatVersion: '1.0', uri: 'http://x/', "
            "requestParameters: {'overwrite:header.Authorization': x}}",
            "reserved header",
        ),
        (
            "{type: http_proxy, httpMethod: ANY, payloadFormatVersion: '1.0', uri: 'http://x/', "
            "responseParameters: {'200': {'rewrite:header.a': x}}}",
            "invalid response parameter key",
        ),
    ],
)
def test_http_api_http_proxy_integrations_api_gateway_refuses_are_template_errors(
    tmp_path: Path, integration: str, message: str
) -> None:
    template = f"""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          CodeUri: src/
          Handler: app.handler
          Events:
            Lambda: {{Type: HttpApi, Properties: {{ApiId: !Ref Api, Path: /lambda, Method: GET}}}}
      Api:
        Type: AWS::Serverless::HttpApi
        Properties:
          DefinitionBody:
            openapi: "3.0.1"
            info: {{title: bad, version: "1"}}
            paths:
              /bad:
                get:
                  x-amazon-apigateway-integration: {integration}
    """
    with pytest.raises(TemplateError, match=message):
        Application.from_template(project(tmp_path, template))
