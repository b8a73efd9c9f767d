"""REST ``HTTP`` (non-proxy) integrations (spec 10.4) on a real local backend, on templates written three
ways: OpenAPI extensions in a SAM ``DefinitionBody``, CDK's output for ``HttpIntegration`` without
``proxy``, plain CloudFormation ``AWS::ApiGateway::Method`` resources (LocalStack's AWS-validated
test_http_integration_status_code_selection, as a template)."""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning

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
      Variables: {backend: "BACKEND_HOST", env: staging}
      DefinitionBody:
        swagger: "2.0"
        info: {title: custom, version: "1"}
        x-amazon-apigateway-binary-media-types: [image/png]
        paths:
          /upload:
            post:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: POST
                uri: BACKEND_URL/bytes
                contentHandling: CONVERT_TO_TEXT
                responses:
                  default: {statusCode: "200"}
          /upload-and-back:
            post:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: POST
                uri: BACKEND_URL/bytes
                contentHandling: CONVERT_TO_TEXT
                responses:
                  default: {statusCode: "200", contentHandling: CONVERT_TO_BINARY}
          /text-back:
            post:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: POST
                uri: BACKEND_URL/bytes?content-type=text/plain
                responses:
                  default:
                    statusCode: "200"
                    contentHandling: CONVERT_TO_BINARY
                    responseParameters: {method.response.header.Content-Type: "'image/png'"}
          /decode:
            post:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: POST
                uri: BACKEND_URL/bytes?content-type=image/png
                contentHandling: CONVERT_TO_BINARY
                responses:
                  default: {statusCode: "200"}
          /png-templated:
            post:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: POST
                uri: BACKEND_URL/bytes?content-type=image/png
                responses:
                  default:
                    statusCode: "200"
                    contentHandling: CONVERT_TO_TEXT
                    responseTemplates: {application/json: '{"png": "$input.body"}', image/png: '$input.body'}
          /png-no-handling:
            post:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: POST
                uri: BACKEND_URL/bytes?content-type=image/png
                responses:
                  default:
                    statusCode: "200"
                    responseTemplates: {application/json: '{"png": "$input.body"}', image/png: '$input.body'}
          /lambda:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\
                  ${Fn.Arn}/invocations"
          /status/{code}:
            get:
              parameters:
                - {name: code, in: path, required: true, type: string}
                - {name: name, in: query, type: string}
              x-amazon-apigateway-integration:
                type: http
                httpMethod: GET
                uri: http://${stageVariables.backend}/status/{code}
                requestParameters:
                  integration.request.path.code: method.request.path.code
                  integration.request.header.X-Static: "'fixed'"
                  integration.request.querystring.who: method.request.querystring.name
                responses:
                  "4\\\\d{2}":
                    statusCode: "400"
                    responseParameters:
                      method.response.header.X-Backend: integration.response.header.X-Backend
                      method.response.header.X-Env: stageVariables.env
                    responseTemplates:
                      application/json: >-
                        {"failed": $input.json('$.path'), "method": "$input.path('$.method')"}
                  default:
                    statusCode: "200"
          /template:
            post:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: PUT
                uri: BACKEND_URL/submit
                passthroughBehavior: never
                requestTemplates:
                  application/json: '{"wrapped": $input.json(''$''), "stage": "$context.stage"}'
                responses:
                  default: {statusCode: "201"}
          /down:
            get:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: GET
                uri: http://127.0.0.1:REFUSED_PORT/
                responses: {default: {statusCode: "200"}}
          /no-default:
            get:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: GET
                uri: BACKEND_URL/status/500
                responses:
                  "2\\\\d{2}": {statusCode: "200"}
"""

CDK_NON_PROXY = """
{
  "Resources": {
    "Handler886CB40B": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"Runtime": "python3.12", "Handler": "app.handler", "Code": "src",
                     "Role": {"Fn::GetAtt": ["HandlerRole", "Arn"]}}
    },
    "HandlerRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
    "BooksApi60AC975F": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "BooksApi"}},
    "BooksApibooksA1B2C3D4": {
      "Type": "AWS::ApiGateway::Resource",
      "Properties": {"ParentId": {"Fn::GetAtt": ["BooksApi60AC975F", "RootResourceId"]},
                     "PathPart": "books", "RestApiId": {"Ref": "BooksApi60AC975F"}}
    },
    "BooksApibooksGET5E6F7A8B": {
      "Type": "AWS::ApiGateway::Method",
      "Properties": {
        "AuthorizationType": "NONE", "HttpMethod": "GET",
        "RequestParameters": {"method.request.querystring.q": false},
        "Integration": {
          "IntegrationHttpMethod": "POST",
          "Type": "HTTP",
          "Uri": "BACKEND_URL/search",
          "RequestParameters": {"integration.request.querystring.term": "method.request.querystring.q",
                                "integration.request.header.X-Caller": "context.identity.sourceIp"},
          "IntegrationResponses": [{"StatusCode": "200",
                                    "ResponseTemplates": {"application/json": "$input.path('$.query')"}}]
        },
        "MethodResponses": [{"StatusCode": "200"}],
        "ResourceId": {"Ref": "BooksApibooksA1B2C3D4"}, "RestApiId": {"Ref": "BooksApi60AC975F"}
      }
    },
    "BooksApilambda": {
      "Type": "AWS::ApiGateway::Resource",
      "Properties": {"ParentId": {"Fn::GetAtt": ["BooksApi60AC975F", "RootResourceId"]},
                     "PathPart": "lambda", "RestApiId": {"Ref": "BooksApi60AC975F"}}
    },
    "BooksApilambdaGET": {
      "Type": "AWS::ApiGateway::Method",
      "Properties": {
        "AuthorizationType": "NONE", "HttpMethod": "GET",
        "Integration": {"IntegrationHttpMethod": "POST", "Type": "AWS_PROXY",
          "Uri": {"Fn::Join": ["", ["arn:aws:apigateway:", {"Ref": "AWS::Region"},
                  ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": ["Handler886CB40B", "Arn"]},
                  "/invocations"]]}},
        "ResourceId": {"Ref": "BooksApilambda"}, "RestApiId": {"Ref": "BooksApi60AC975F"}
      }
    },
    "BooksApiDeployment": {"Type": "AWS::ApiGateway::Deployment",
                           "Properties": {"RestApiId": {"Ref": "BooksApi60AC975F"}}},
    "BooksApiDeploymentStageprod": {
      "Type": "AWS::ApiGateway::Stage",
      "Properties": {"DeploymentId": {"Ref": "BooksApiDeployment"}, "RestApiId": {"Ref": "BooksApi60AC975F"},
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
    Properties: {Name: selection}
  Status:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: "{status}"}
  StatusGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Status
      HttpMethod: GET
      AuthorizationType: NONE
      RequestParameters: {method.request.path.status: true}
      Integration:
        Type: HTTP
        IntegrationHttpMethod: GET
        Uri: BACKEND_URL/status/{status}
        RequestParameters: {integration.request.path.status: method.request.path.status}
        IntegrationResponses:
          - StatusCode: "200"
          - StatusCode: "400"
            SelectionPattern: "4\\\\d{2}"
      MethodResponses: [{StatusCode: "200"}, {StatusCode: "400"}]
  OnlyDefault:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: only-default}
  OnlyDefaultCode:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !Ref OnlyDefault, PathPart: "{code}"}
  OnlyDefaultGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref OnlyDefaultCode
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: HTTP
        IntegrationHttpMethod: GET
        Uri: BACKEND_URL/status/{code}
        RequestParameters: {integration.request.path.code: method.request.path.code}
        IntegrationResponses: [{StatusCode: "200"}]
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
    DependsOn: [StatusGet, OnlyDefaultGet, LambdaGet]
    Properties: {RestApiId: !Ref Api, StageName: test}
"""


def _fill(template: str, backend: Backend, **ports: int) -> str:
    text = template.replace("BACKEND_URL", backend.url).replace("BACKEND_HOST", f"127.0.0.1:{backend.port}")
    for name, port in ports.items():
        text = text.replace(name.upper(), str(port))
    return text


@pytest.fixture
def sam(tmp_path: Path, backend: Backend, refused_port: int) -> Iterator[Application]:
    with Application.from_template(
        project(tmp_path, _fill(SAM_OPENAPI, backend, refused_port=refused_port))
    ) as app:
        yield app


def test_rule_10_4_http_integration_sends_only_what_is_mapped(sam: Application) -> None:
    response = sam.apis["Api"].request(
        "GET", "/status/201", params={"name": "ann", "other": "dropped"}, headers={"X-Client": "dropped"}
    )
    assert response.status_code == 200  # the default response, whatever 2xx the backend gave
    seen = echoed(response.content)
    assert (seen["method"], seen["path"], seen["query"]) == ("GET", "/status/201", "who=ann")
    headers = seen["headers"]
    assert headers["x-static"] == "fixed"
    assert "x-client" not in headers
    assert headers["user-agent"] == f"AmazonAPIGateway_{sam.apis['Api'].config.api_id}"
    assert headers["x-amzn-apigateway-api-id"] == sam.apis["Api"].config.api_id
    assert headers["accept"] == "application/json"


def test_rule_10_4_selection_pattern_matches_the_backend_status_and_maps_the_response(
    sam: Application,
) -> None:
    response = sam.apis["Api"].request("GET", "/status/404")
    assert response.status_code == 400
    assert response.json() == {"failed": "/status/404", "method": "GET"}
    assert response.headers["X-Backend"] == "echo"
    assert response.headers["X-Env"] == "staging"
    assert "x-amzn-Remapped-Server" not in response.headers  # a non-proxy integration maps, it does not pass


def test_rule_10_4_request_template_is_the_body_sent_with_the_integration_method(sam: Application) -> None:
    response = sam.apis["Api"].request("POST", "/template", json={"a": [1, 2]})
    assert response.status_code == 201
    seen = echoed(response.content)
    assert seen["method"] == "PUT"
    assert json.loads(seen["body"]) == {"wrapped": {"a": [1, 2]}, "stage": "prod"}
    assert seen["headers"]["content-type"] == "application/json"


def test_rule_10_3_passthrough_never_refuses_an_unmapped_content_type_before_the_backend(
    sam: Application,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        response = sam.apis["Api"].request(
            "POST", "/template", data=b"x", headers={"Content-Type": "text/plain"}
        )
    assert (response.status_code, response.json()) == (415, {"message": "Unsupported Media Type"})


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def test_rule_10_5_convert_to_text_sends_a_binary_body_to_the_backend_as_base64(sam: Application) -> None:
    response = sam.apis["Api"].request("POST", "/upload", data=PNG, headers={"Content-Type": "image/png"})
    assert response.status_code == 200
    assert base64.b64decode(response.content) == PNG  # the backend got (and echoed) the base64 text


def test_rule_10_5_convert_to_binary_on_the_integration_response_gives_the_bytes_back(
    sam: Application,
) -> None:
    response = sam.apis["Api"].request(
        "POST", "/upload-and-back", data=PNG, headers={"Content-Type": "image/png", "Accept": "image/png"}
    )
    assert response.status_code == 200
    assert response.content == PNG


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rule_10_5_convert_to_binary_of_a_backend_text_with_line_breaks_sends_the_bytes(
    sam: Application, newline: str
) -> None:
    # The backend answers MIME-style base64 (76-character lines) as text/plain: the text-to-binary
    # decoding discards the line breaks (UNCONFIRMED leniency, see content_handling).
    wrapped = base64.encodebytes(PNG * 4).replace(b"\n", newline.encode())
    assert wrapped.count(newline.encode()) > 1
    response = sam.apis["Api"].request(
        "POST", "/text-back", data=wrapped, headers={"Content-Type": "text/plain"}
    )
    assert (response.status_code, response.content) == (200, PNG * 4)
    assert response.headers["Content-Type"] == "image/png"


def test_rule_10_5_request_convert_to_binary_of_a_text_body_with_line_breaks_sends_the_backend_bytes(
    sam: Application,
) -> None:
    # The request side's text-to-binary row is as lenient; the backend echoes the bytes it got as
    # image/png, a binary payload the binary Accept takes as it is.
    wrapped = base64.encodebytes(PNG * 4)
    response = sam.apis["Api"].request(
        "POST", "/decode", data=wrapped, headers={"Content-Type": "text/plain", "Accept": "image/png"}
    )
    assert (response.status_code, response.content) == (200, PNG * 4)


def test_rule_10_5_request_convert_to_binary_of_text_that_stays_no_base64_is_a_500(sam: Application) -> None:
    with pytest.warns(GatewayErrorWarning, match="not base64"):
        response = sam.apis["Api"].request(
            "POST", "/decode", data=b"not base64!", headers={"Content-Type": "text/plain"}
        )
    assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})


@pytest.mark.parametrize("accept", ["application/json", "image/png"])
def test_rule_10_5_response_template_reads_a_binary_backend_payload_as_base64_after_convert_to_text(
    sam: Application, accept: str
) -> None:
    response = sam.apis["Api"].request(
        "POST", "/png-templated", data=PNG, headers={"Content-Type": "image/png", "Accept": accept}
    )
    expected = base64.b64encode(PNG)
    assert response.status_code == 200
    assert response.content == (b'{"png": "' + expected + b'"}' if accept == "application/json" else expected)


def test_rule_10_5_binary_backend_payload_without_content_handling_is_base64_for_a_text_accept(
    sam: Application,
) -> None:
    # No contentHandling: a binary payload for a text Accept is base64-encoded before the template.
    response = sam.apis["Api"].request(
        "POST",
        "/png-no-handling",
        data=PNG,
        headers={"Content-Type": "image/png", "Accept": "application/json"},
    )
    assert (response.status_code, response.json()) == (200, {"png": base64.b64encode(PNG).decode()})


def test_rule_10_5_binary_backend_payload_for_a_binary_accept_cannot_go_through_a_template(
    sam: Application,
) -> None:
    # No contentHandling, a binary Accept: the payload stays bytes, which the template cannot transform.
    with pytest.warns(GatewayErrorWarning, match="binary after the conversion"):
        response = sam.apis["Api"].request(
            "POST",
            "/png-no-handling",
            data=PNG,
            headers={"Content-Type": "image/png", "Accept": "image/png"},
        )
    assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})


def test_a_backend_status_no_integration_response_maps_is_a_500(sam: Application) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GatewayErrorWarning)
        response = sam.apis["Api"].request("GET", "/no-default")
    assert (response.status_code, response.content) == (500, b'{"message": "Internal server error"}')
    assert any("answered 500 and no integration response matches" in str(w.message) for w in caught)


def test_an_unreachable_http_integration_backend_is_a_500(sam: Application) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        response = sam.apis["Api"].request("GET", "/down")
    assert (response.status_code, response.content) == (500, b'{"message": "Internal server error"}')


def test_cdk_http_integration_without_proxy_maps_the_query_and_renders_the_response(
    tmp_path: Path, backend: Backend
) -> None:
    with Application.from_template(project(tmp_path, _fill(CDK_NON_PROXY, backend))) as app:
        gateway = app.apis["BooksApi60AC975F"]
        response = gateway.request("GET", "/books", params={"q": "dune"})
        assert response.status_code == 200
        assert response.text == "term=dune"


def test_l6_http_integration_status_code_selection_as_plain_cloudformation(
    tmp_path: Path, backend: Backend
) -> None:
    with Application.from_template(project(tmp_path, _fill(PLAIN_CLOUDFORMATION, backend))) as app:
        gateway = app.apis["Api"]
        assert gateway.request("GET", "/404").status_code == 400
        assert gateway.request("GET", "/201").status_code == 200
        # a method with only a default response answers 200 even to a backend's 400
        only_default = gateway.request("GET", "/only-default/400")
        assert only_default.status_code == 200
        assert echoed(only_default.content)["path"] == "/status/400"
