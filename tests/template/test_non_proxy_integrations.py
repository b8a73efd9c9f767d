"""REST non-proxy integrations read from templates and run (spec 10.4): MOCK responses mapped from every
source, and Lambda custom (``AWS``) integrations written the three ways (OpenAPI in a SAM
``DefinitionBody``, SAM events, plain CloudFormation ``AWS::ApiGateway::Method``), through the library and
through ``serve`` with real HTTP."""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path
from typing import Any

from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning, NotEmulatedWarning
from apigw_emulator.gateway import Gateway


def _project(tmp_path: Path, template: str, app: str = "") -> Path:
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "app.py").write_text(textwrap.dedent(app), encoding="utf-8")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(template), encoding="utf-8")
    return path


def _application(path: Path, **options: Any) -> Application:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        return Application.from_template(path, **options)


def _quiet(gateway: Gateway, method: str, path: str, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        return gateway.request(method, path, **kwargs)


MOCK_MAPPED = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: mock
      Body:
        swagger: "2.0"
        info: {title: mock, version: "1"}
        paths:
          /proxy:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\
                  ${Fn.Arn}/invocations"
          /things/{id}:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{"statusCode": 200}'
                responses:
                  default:
                    statusCode: "200"
                    responseParameters:
                      method.response.header.X-Stage: stageVariables.env
                      method.response.header.X-Request: context.requestId
                      method.response.header.X-Who: method.request.querystring.who
                      method.response.header.X-Id: method.request.path.id
                      method.response.header.X-Agent: method.request.header.User-Agent
                      method.response.header.X-Static: "'fixed'"
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, StageName: test, DeploymentId: dep, Variables: {env: testing}}
"""

PROXY_APP = """
def handler(event, context):
    return {"statusCode": 200, "body": "proxy"}
"""


def test_rule_10_4_mock_response_parameters_map_stage_variables_context_and_the_method_request(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, MOCK_MAPPED, PROXY_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        response = gateway.request(
            "GET", "/things/t-9", params={"who": "ann"}, headers={"User-Agent": "ua/1"}
        )
        assert (response.status_code, response.content) == (200, b"")
        assert response.headers["X-Stage"] == "testing"
        assert response.headers["X-Request"] == response.headers["x-amzn-RequestId"]
        assert (response.headers["X-Who"], response.headers["X-Id"]) == ("ann", "t-9")
        assert (response.headers["X-Agent"], response.headers["X-Static"]) == ("ua/1", "fixed")
        absent = gateway.request("GET", "/things/t-9")
        assert "X-Who" not in absent.headers
