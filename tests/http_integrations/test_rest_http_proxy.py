"""REST ``HTTP_PROXY`` integrations (spec 10.4) on a real local backend, on templates written three ways:
OpenAPI extensions in a SAM ``DefinitionBody``, CDK's output for ``HttpIntegration`` with ``proxy: true``
on a ``{proxy+}`` resource, plain CloudFormation ``AWS::ApiGateway::Method`` resources."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator import HttpRequest
from apigw_emulator.application import Application
from apigw_emulator.errors import BinaryBodyCorruptedWarning, GatewayErrorWarning
from apigw_emulator.templates.errors import TemplateError

from .conftest import Backend, echoed, project

SAM_OPENAPI = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, CodeUri: src/, Handler: app.handler}
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Variables: {backend: "BACKEND_HOST"}
      DefinitionBody:
        swagger: "2.0"
        info: {title: proxy, version: "1"}
        x-amazon-apigateway-binary-media-types: [application/octet-stream]
        paths:
          /lambda:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\
                  ${Fn.Arn}/invocations"
          /items/{id}:
            get:
              parameters: [{name: id, in: path, required: true, type: string}]
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: http://${stageVariables.backend}/items/{itemId}
                requestParameters:
                  integration.request.path.itemId: method.request.path.id
                  integration.request.header.X-Static: "'fixed'"
                  integration.request.header.X-Stage-Backend: stageVariables.backend
                  integration.request.querystring.from: method.request.header.X-From
          /proxy/{proxy+}:
            x-amazon-apigateway-any-method:
              parameters: [{name: proxy, in: path, required: true, type: string}]
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: ANY
                uri: BACKEND_URL/{proxy}
                requestParameters:
                  integration.request.path.proxy: method.request.path.proxy
          /down:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: http://127.0.0.1:REFUSED_PORT/down
          /silent:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: http://127.0.0.1:SILENT_PORT/never
                timeoutInMillis: 300
          /slow:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: BACKEND_URL/slow?s=2
                timeoutInMillis: 250
"""

CDK_PROXY = """
{
  "Resources": {
    "Handler886CB40B": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"Runtime": "python3.12", "Handler": "app.handler", "Code": "src",
                     "Role": {"Fn::GetAtt": ["HandlerServiceRoleFCDC14AE", "Arn"]}}
    },
    "HandlerServiceRoleFCDC14AE": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
    "ProxyApiE2A1F8AD": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "ProxyApi"}},
    "ProxyApiproxy6C2CD3F1": {
      "Type": "AWS::ApiGateway::Resource",
      "Properties": {"ParentId": {"Fn::GetAtt": ["ProxyApiE2A1F8AD", "RootResourceId"]},
                     "PathPart": "{proxy+}", "RestApiId": {"Ref": "ProxyApiE2A1F8AD"}}
    },
    "ProxyApiproxyANY0B3B9A0C": {
      "Type": "AWS::ApiGateway::Method",
      "Properties": {
        "AuthorizationType": "NONE", "HttpMethod": "ANY",
        "RequestParameters": {"method.request.path.proxy": true},
        "Integration": {
          "IntegrationHttpMethod": "ANY",
          "RequestParameters": {"integration.request.path.proxy": "method.request.path.proxy"},
          "Type": "HTTP_PROXY",
          "Uri": {"Fn::Join": ["", ["BACKEND_URL", "/{proxy}"]]}
        },
        "ResourceId": {"Ref": "ProxyApiproxy6C2CD3F1"}, "RestApiId": {"Ref": "ProxyApiE2A1F8AD"}
      }
    },
    "ProxyApiLambdaResource": {
      "Type": "AWS::ApiGateway::Resource",
      "Properties": {"ParentId": {"Fn::GetAtt": ["ProxyApiE2A1F8AD", "RootResourceId"]}, "PathPart": "lambda",
                     "RestApiId": {"Ref": "ProxyApiE2A1F8AD"}}
    },
    "ProxyApilambdaGETB0A2C1D4": {
      "Type": "AWS::ApiGateway::Method",
      "Properties": {
        "AuthorizationType": "NONE", "HttpMethod": "GET",
        "Integration": {"IntegrationHttpMethod": "POST", "Type": "AWS_PROXY",
          "Uri": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:",
                  {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/",
                  {"Fn::GetAtt": ["Handler886CB40B", "Arn"]}, "/invocations"]]}},
        "ResourceId": {"Ref": "ProxyApiLambdaResource"}, "RestApiId": {"Ref": "ProxyApiE2A1F8AD"}
      }
    },
    "ProxyApiDeployment": {"Type": "AWS::ApiGateway::Deployment",
                           "Properties": {"RestApiId": {"Ref": "ProxyApiE2A1F8AD"}}},
    "ProxyApiDeploymentStageprod": {
      "Type": "AWS::ApiGateway::Stage",
      "Properties": {"DeploymentId": {"Ref": "ProxyApiDeployment"}, "RestApiId": {"Ref": "ProxyApiE2A1F8AD"},
                     "StageName": "prod"}
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
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: plain}
  Orders:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: orders}
  Order:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !Ref Orders, PathPart: "{orderId}"}
  OrderPost:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Order
      HttpMethod: POST
      AuthorizationType: NONE
      RequestParameters: {method.request.path.orderId: true}
      Integration:
        Type: HTTP_PROXY
        IntegrationHttpMethod: PUT
        Uri: http://${stageVariables.host}/v2/orders/{id}
        RequestParameters:
          integration.request.path.id: method.request.path.orderId
          integration.request.header.X-Request-Id: context.requestId
  Lambda:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: lambda}
  LambdaGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Lambda
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [OrderPost, LambdaGet]
    Properties: {RestApiId: !Ref Api}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: !Ref Deployment
      StageName: live
      Variables: {host: "BACKEND_HOST"}
"""


def _fill(template: str, backend: Backend, **ports: int) -> str:
    text = template.replace("BACKEND_URL", backend.url).replace("BACKEND_HOST", f"127.0.0.1:{backend.port}")
    for name, port in ports.items():
        text = text.replace(name.upper(), str(port))
    return text


def _application(tmp_path: Path, template: str) -> Application:
    return Application.from_template(project(tmp_path, template))


@pytest.fixture
def sam(tmp_path: Path, backend: Backend, refused_port: int, silent_port: int) -> Iterator[Application]:
    text = _fill(SAM_OPENAPI, backend, refused_port=refused_port, silent_port=silent_port)
    with _application(tmp_path, text) as app:
        yield app


def _quiet(call: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GatewayErrorWarning)
        response = call(*args, **kwargs)
    return response, [str(w.message) for w in caught if issubclass(w.category, GatewayErrorWarning)]


def test_rule_10_4_http_proxy_passes_method_path_query_headers_and_exact_body_bytes(sam: Application) -> None:
    body = bytes(range(256)) * 3
    response = sam.apis["Api"].request(
        "PATCH",
        "/proxy/deep/a%20b/c",
        params=[("x", "1"), ("x", "2"), ("y", "a b")],
        headers={"X-Custom": "kept", "Content-Type": "application/octet-stream", "User-Agent": "client/1"},
        data=body,
    )
    assert response.status_code == 200
    seen = echoed(response.content)
    assert seen["method"] == "PATCH"
    assert seen["path"] == "/deep/a%20b/c"
    assert seen["query"] == "x=1&x=2&y=a%20b"
    assert seen["body"] == body
    headers = seen["headers"]
    assert headers["x-custom"] == "kept"
    assert headers["content-type"] == "application/octet-stream"
    assert headers["content-length"] == str(len(body))
    assert headers["user-agent"] == "client/1"
    assert headers["host"].startswith("127.0.0.1:")  # the backend's host, not the API's
    assert headers["x-amzn-apigateway-api-id"] == sam.apis["Api"].config.api_id
    assert headers["x-forwarded-proto"] == "https"
    assert headers["x-amzn-trace-id"].startswith("Root=1-")


def test_rule_5_1_http_proxy_passes_a_body_whose_type_is_not_binary_as_text_as_aws_does(
    sam: Application,
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = sam.apis["Api"].request(
            "POST", "/proxy/upload", headers={"Content-Type": "image/png"}, data=b"\x89PNG\xff"
        )
    assert echoed(response.content)["body"] == "\ufffdPNG\ufffd".encode()
    assert any(issubclass(w.category, BinaryBodyCorruptedWarning) for w in caught)


def test_rule_10_4_http_proxy_keeps_the_backend_status_headers_and_body(sam: Application) -> None:
    response = sam.apis["Api"].request("GET", "/proxy/status/404", params={"respond-header": "X-Extra:yes"})
    assert response.status_code == 404
    assert echoed(response.content)["path"] == "/status/404"
    assert response.headers["X-Backend"] == "echo"
    assert response.headers["X-Extra"] == "yes"
    assert response.headers["Content-Type"] == "application/json"


def test_rule_10_4_http_proxy_remaps_the_backend_headers_api_gateway_sets_itself(sam: Application) -> None:
    response = sam.apis["Api"].request("GET", "/proxy/anything")
    assert response.headers["x-amzn-Remapped-Server"].startswith("EchoBackend/1")
    assert response.headers["x-amzn-Remapped-Date"]
    assert response.headers["x-amzn-Remapped-Content-Length"] == str(len(response.content))
    assert response.headers["x-amzn-Remapped-x-amzn-RequestId"] == "backend-request-id"
    assert response.headers["x-amzn-RequestId"] != "backend-request-id"
    assert response.headers["x-amz-apigw-id"]
    assert "Server" not in response.headers


def test_rule_10_4_request_parameters_and_stage_variables_build_the_integration_url(sam: Application) -> None:
    response = sam.apis["Api"].request("GET", "/items/42", params={"q": "kept"}, headers={"X-From": "web"})
    seen = echoed(response.content)
    assert seen["path"] == "/items/42"
    assert seen["query"] == "q=kept&from=web"
    assert seen["headers"]["x-static"] == "fixed"
    assert seen["headers"]["x-stage-backend"].startswith("127.0.0.1:")


def test_http_proxy_user_agent_is_api_gateway_s_when_the_client_sent_none(sam: Application) -> None:
    gateway = sam.apis["Api"]
    invocation = gateway.invoke(HttpRequest("GET", "/prod/proxy/ua"))
    seen = echoed(invocation.response.body)
    assert seen["headers"]["user-agent"] == f"AmazonAPIGateway_{gateway.config.api_id}"
    assert invocation.event is None  # no function ran


def test_http_proxy_does_not_change_lambda_routes_of_the_same_api(sam: Application) -> None:
    response = sam.apis["Api"].request("GET", "/lambda")
    assert response.json() == {"from": "lambda"}


def test_an_unreachable_backend_answers_rest_500_internal_server_error(sam: Application) -> None:
    response, reasons = _quiet(sam.apis["Api"].request, "GET", "/down")
    assert response.status_code == 500
    assert response.content == b'{"message": "Internal server error"}'
    assert any("ConnectionRefusedError" in reason for reason in reasons), reasons


def test_a_backend_that_never_answers_is_a_504_after_timeout_in_millis(sam: Application) -> None:
    response, reasons = _quiet(sam.apis["Api"].request, "GET", "/silent")
    assert response.status_code == 504
    assert response.content == b'{"message": "Endpoint request timed out"}'
    assert response.headers["x-amzn-ErrorType"] == "InternalServerErrorException"
    assert any("within 0.3 s" in reason for reason in reasons), reasons


def test_a_backend_slower_than_timeout_in_millis_is_a_504(sam: Application) -> None:
    response, _ = _quiet(sam.apis["Api"].request, "GET", "/slow")
    assert response.status_code == 504


def test_cdk_http_integration_proxy_true_on_a_greedy_resource_forwards_the_whole_path(
    tmp_path: Path, backend: Backend
) -> None:
    path = tmp_path / "cdk"
    path.mkdir()
    with _application(path, _fill(CDK_PROXY, backend)) as app:
        gateway = app.apis["ProxyApiE2A1F8AD"]
        response = gateway.request("DELETE", "/one/two/three", params={"k": "v"})
        seen = echoed(response.content)
        assert (seen["method"], seen["path"], seen["query"]) == ("DELETE", "/one/two/three", "k=v")
        assert gateway.request("GET", "/lambda").json() == {"from": "lambda"}


def test_plain_cloudformation_http_proxy_uses_its_integration_method_and_mapped_path(
    tmp_path: Path, backend: Backend
) -> None:
    with _application(tmp_path, _fill(PLAIN_CLOUDFORMATION, backend)) as app:
        gateway = app.apis["Api"]
        response = gateway.request("POST", "/orders/o-7", json={"n": 1})
        seen = echoed(response.content)
        assert (seen["method"], seen["path"]) == ("PUT", "/v2/orders/o-7")
        assert seen["body"] == b'{"n": 1}'
        assert seen["headers"]["x-request-id"] == response.headers["x-amzn-RequestId"]


@pytest.mark.parametrize(
    ("integration", "message"),
    [
        ("{type: http_proxy, httpMethod: GET, uri: 'ftp://x/y'}", "Invalid HTTP endpoint"),
        ("{type: http_proxy, uri: 'http://x/y'}", "needs its httpMethod"),
        (
            "{type: http_proxy, httpMethod: GET, uri: 'http://x/y', "
            "requestParameters: {integration.request.body.a: \"'x'\"}}",
            "invalid mapping expression 'integration.request.body.a'",
        ),
    ],
)
def test_http_integrations_api_gateway_refuses_to_deploy_are_template_errors(
    tmp_path: Path, integration: str, message: str
) -> None:
    template = f"""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties: {{Runtime: python3.12, CodeUri: src/, Handler: app.handler}}
      Api:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
          DefinitionBody:
            swagger: "2.0"
            info: {{title: bad, version: "1"}}
            paths:
              /bad:
                get:
                  x-amazon-apigateway-integration: {integration}
    """
    with pytest.raises(TemplateError, match=message):
        Application.from_template(project(tmp_path, template))
