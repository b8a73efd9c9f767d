"""Binary through MOCK integrations (spec 10.5): the request contentHandling table before the request
template, the response table before the response template (a MOCK's integration payload is empty text:
converted to binary, no template can transform it), on templates written the three ways (OpenAPI
extensions, SAM properties, plain CloudFormation), through the library and through ``serve`` with real
HTTP."""

from __future__ import annotations

import base64
import io
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from apigw_emulator import LocalGateway
from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning, NotEmulatedWarning
from apigw_emulator.gateway import Gateway


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (12, 200, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
PNG_B64 = base64.b64encode(PNG).decode("ascii")

#: The request template answers 200 when ``$input.body`` is the base64 text of a PNG (it starts with the
#: base64 of the PNG signature), else 415.
_CHECK = '#if($input.body.startsWith("iVBORw0KGgo")){"statusCode": 200}#else{"statusCode": 415}#end'

OPENAPI = f"""
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {{Runtime: python3.12, Handler: app.handler, Code: src}}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: binary-mock
      Body:
        swagger: "2.0"
        info: {{title: binary-mock, version: "1"}}
        x-amazon-apigateway-binary-media-types: [image/png]
        paths:
          /proxy:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/\\
                  ${{Fn.Arn}}/invocations"
          /upload:
            post:
              x-amazon-apigateway-integration:
                type: mock
                contentHandling: CONVERT_TO_TEXT
                requestTemplates:
                  image/png: '{_CHECK}'
                responses:
                  default: {{statusCode: "200", responseTemplates: {{application/json: '{{"ok": true}}'}}}}
                  "415": {{statusCode: "415", selectionPattern: "415"}}
          /raw:
            post:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  image/png: '{_CHECK}'
                responses:
                  default: {{statusCode: "200"}}
          /image:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{{"statusCode": 200}}'
                responses:
                  default:
                    statusCode: "200"
                    contentHandling: CONVERT_TO_BINARY
                    responseParameters:
                      method.response.header.Content-Type: "'image/png'"
                    responseTemplates:
                      application/json: '{PNG_B64}'
                      image/png: '{PNG_B64}'
          /empty:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{{"statusCode": 200}}'
                responses:
                  default:
                    statusCode: "200"
                    contentHandling: CONVERT_TO_BINARY
                    responseParameters:
                      method.response.header.Content-Type: "'image/png'"
          /text:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{{"statusCode": 200}}'
                responses:
                  default:
                    statusCode: "200"
                    responseTemplates:
                      application/json: '{{"not": "base64"}}'
                      image/png: '{{"not": "base64"}}'
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {{RestApiId: !Ref Api, StageName: test, DeploymentId: dep}}
"""

CLOUDFORMATION = f"""
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {{Runtime: python3.12, Handler: app.handler, Code: src}}
  ProxyGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub "arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/\\
          ${{Fn.Arn}}/invocations"
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {{Name: binary-mock-cfn, BinaryMediaTypes: [image/png]}}
  Image:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: image}}
  ImageGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Image
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        ContentHandling: CONVERT_TO_TEXT
        RequestTemplates:
          image/png: '{_CHECK}'
        IntegrationResponses:
          - StatusCode: "200"
            ContentHandling: CONVERT_TO_TEXT
            ResponseTemplates:
              application/json: '{{"ok": true}}'
          - StatusCode: "415"
            SelectionPattern: "415"
      MethodResponses:
        - StatusCode: "200"
        - StatusCode: "415"
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [ImageGet, ProxyGet]
    Properties: {{RestApiId: !Ref Api, StageName: test}}
"""

SAM_CORS_STAR = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: test
      BinaryMediaTypes: ["*~1*"]
      Cors: {AllowOrigin: "'*'", AllowMethods: "'GET,OPTIONS'"}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src
      Events:
        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /things, Method: get}}
"""


def _project(tmp_path: Path, template: str, app: str = "") -> Path:
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "app.py").write_text(
        app or "def handler(event, context):\n    return {'statusCode': 200, 'body': 'proxy'}\n",
        encoding="utf-8",
    )
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(template), encoding="utf-8")
    return path


def _application(path: Path) -> Application:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        return Application.from_template(path)


def _failing(gateway: Gateway, method: str, path: str, **kwargs: Any) -> tuple[Any, str]:
    """A request the front door answers with an error: the response and the warning's reason."""
    with pytest.warns(GatewayErrorWarning) as caught:
        response = gateway.request(method, path, **kwargs)
    return response, " ".join(str(w.message) for w in caught)


# --- request side -------------------------------------------------------------------------------------


def test_rule_10_5_convert_to_text_gives_the_request_template_the_base64_of_a_binary_body(
    tmp_path: Path,
) -> None:
    with _application(_project(tmp_path, OPENAPI)) as app:
        gateway = app.apis["Api"]
        response = gateway.request("POST", "/upload", data=PNG, headers={"Content-Type": "image/png"})
        assert (response.status_code, response.content) == (200, b'{"ok": true}')
        # Text that is not a PNG's base64 selects the 415 response: the template saw the base64 text.
        other = gateway.request("POST", "/upload", data=b"GIF89a", headers={"Content-Type": "image/png"})
        assert other.status_code == 415


def test_rule_10_5_a_request_template_cannot_transform_a_binary_body_without_convert_to_text(
    tmp_path: Path,
) -> None:
    with _application(_project(tmp_path, OPENAPI)) as app:
        response, reason = _failing(
            app.apis["Api"], "POST", "/raw", data=PNG, headers={"Content-Type": "image/png"}
        )
        assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})
        assert "Unable to transform request" in reason
        assert "CONVERT_TO_TEXT" in reason


# --- response side ------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["application/json", "image/png", None])
def test_rule_10_5_mock_response_template_over_the_payload_convert_to_binary_made_binary_is_a_500(
    tmp_path: Path, accept: str | None
) -> None:
    # The conversion comes before the template: a MOCK's empty payload becomes an empty binary one, which
    # the template cannot transform, whatever base64 the template would have written.
    with _application(_project(tmp_path, OPENAPI)) as app:
        headers = {"Accept": accept} if accept else {}
        response, reason = _failing(app.apis["Api"], "GET", "/image", headers=headers)
        assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})
        assert "binary after the conversion" in reason


def test_rule_10_5_mock_convert_to_binary_without_a_template_answers_the_empty_payload(
    tmp_path: Path,
) -> None:
    with _application(_project(tmp_path, OPENAPI)) as app:
        response = app.apis["Api"].request("GET", "/empty", headers={"Accept": "application/json"})
        assert (response.status_code, response.content) == (200, b"")
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["Content-Length"] == "0"


def test_rule_10_5_mock_text_payload_for_a_binary_accept_is_decoded_before_the_template_so_500(
    tmp_path: Path,
) -> None:
    with _application(_project(tmp_path, OPENAPI)) as app:
        gateway = app.apis["Api"]
        text = gateway.request("GET", "/text", headers={"Accept": "application/json"})
        assert (text.status_code, text.content) == (200, b'{"not": "base64"}')
        response, reason = _failing(gateway, "GET", "/text", headers={"Accept": "image/png"})
        assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})
        assert "binary after the conversion" in reason


def test_rule_10_5_cloudformation_contenthandling_both_ways(tmp_path: Path) -> None:
    # The request's CONVERT_TO_TEXT gives the request template base64 (200 selected); the response's
    # CONVERT_TO_TEXT keeps the empty payload text for a binary Accept, so its template applies.
    with _application(_project(tmp_path, CLOUDFORMATION)) as app:
        gateway = app.apis["Api"]
        response = gateway.request(
            "POST", "/image", data=PNG, headers={"Content-Type": "image/png", "Accept": "image/png"}
        )
        assert (response.status_code, response.content) == (200, b'{"ok": true}')
        assert response.headers["Content-Type"] == "application/json"


def test_rule_10_5_sam_cors_preflight_with_star_star_binary_types_is_a_500_as_on_aws(tmp_path: Path) -> None:
    # SAM cannot set contentHandling on its preflight MOCK: with BinaryMediaTypes */* a browser's
    # preflight (no Content-Type, Accept */*) is binary and its request template cannot transform it.
    with _application(_project(tmp_path, SAM_CORS_STAR)) as app:
        gateway = app.apis["Api"]
        response, reason = _failing(
            gateway,
            "OPTIONS",
            "/things",
            headers={
                "Origin": "https://example.com",
                "Access-Control-Request-Method": "GET",
                "Accept": "*/*",
            },
        )
        assert response.status_code == 500
        assert "Unable to transform request" in reason


# --- through serve, real HTTP -------------------------------------------------------------------------


def test_rule_10_5_mock_binary_request_and_response_rules_through_the_local_server(tmp_path: Path) -> None:
    with _application(_project(tmp_path, OPENAPI)) as app:
        lines: list[str] = []
        with LocalGateway(app.apis["Api"], log=lines.append) as server:
            image = requests.get(server.url + "/image", headers={"Accept": "image/png"}, timeout=30)
            empty = requests.get(server.url + "/empty", headers={"Accept": "image/png"}, timeout=30)
            upload = requests.post(
                server.url + "/upload", data=PNG, headers={"Content-Type": "image/png"}, timeout=30
            )
            refused = requests.post(
                server.url + "/raw", data=PNG, headers={"Content-Type": "image/png"}, timeout=30
            )
    assert (image.status_code, image.json()) == (500, {"message": "Internal server error"})
    assert (empty.status_code, empty.content, empty.headers["Content-Type"]) == (200, b"", "image/png")
    assert (upload.status_code, upload.content) == (200, b'{"ok": true}')
    assert (refused.status_code, refused.json()) == (500, {"message": "Internal server error"})
    assert "Unable to transform request" in "\n".join(lines)
    assert "binary after the conversion" in "\n".join(lines)
