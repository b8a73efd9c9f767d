"""REST non-proxy integrations read from templates and run (spec 10.4): MOCK responses mapped from every
source, and Lambda custom (``AWS``) integrations written the three ways (OpenAPI in a SAM
``DefinitionBody``, SAM events, plain CloudFormation ``AWS::ApiGateway::Method``), through the library and
through ``serve`` with real HTTP."""

from __future__ import annotations

import json
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning, NotEmulatedWarning
from apigw_emulator.gateway import Gateway
from apigw_emulator.invoke import Invocation
from apigw_emulator.request import HttpRequest

_JSON = {"Content-Type": "application/json"}


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


def _quiet_invoke(gateway: Gateway, request: HttpRequest) -> Invocation:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        return gateway.invoke(request)


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


LAMBDA_APP = """
import json

def handler(event, context):
    action = event.get("action") if isinstance(event, dict) else None
    if action == "fail400":
        raise Exception("Error: [400] Bad input " + str(event.get("why")))
    if action == "fail500":
        raise Exception("Error: [500] broken")
    if action == "unmapped":
        raise ValueError("nobody maps this")
    if action == "string":
        return "Pass"
    return {"got": event, "fn": context.function_name}
"""

_URI = '!Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"'

#: The OpenAPI way: ``x-amazon-apigateway-integration`` with ``type: aws`` in a SAM DefinitionBody.
OPENAPI_SAM = f"""
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {{Runtime: python3.12, Handler: app.handler, CodeUri: src, FunctionName: custom-fn}}
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: test
      Variables: {{env: testing}}
      DefinitionBody:
        swagger: "2.0"
        info: {{title: custom, version: "1"}}
        paths:
          /echo:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: {_URI}
                responses:
                  default: {{statusCode: "200"}}
          /mapped/{{id}}:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: {_URI}
                passthroughBehavior: never
                requestTemplates:
                  application/json: |
                    {{"action": "$input.params('action')", "id": "$input.params('id')",
                     "why": $input.json('$.why'), "env": "$stageVariables.env"}}
                responses:
                  default:
                    statusCode: "200"
                    responseParameters:
                      method.response.header.X-Fn: integration.response.body.fn
                      method.response.header.X-Stage: stageVariables.env
                    responseTemplates:
                      application/json: '{{"id": $input.json(''$.got.id''), "raw": $input.body}}'
                  ".*\\\\[400\\\\].*":
                    statusCode: "400"
                    responseTemplates:
                      application/json: '{{"error": $input.json(''$.errorMessage'')}}'
                  ".*\\\\[500\\\\].*":
                    statusCode: "502"
"""


def test_rule_10_4_without_templates_the_body_is_the_event_and_the_result_the_body(tmp_path: Path) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        response = gateway.request("POST", "/echo", json={"message": "hello world"})
        assert response.status_code == 200
        assert response.json() == {"got": {"message": "hello world"}, "fn": "custom-fn"}
        assert response.headers["Content-Type"] == "application/json"
        string = gateway.request("POST", "/echo", json={"action": "string"})
        assert (string.status_code, string.content) == (200, b'"Pass"')


def test_rule_10_4_the_rendered_request_template_is_the_event_and_the_response_template_maps_the_result(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        invocation = gateway.invoke(
            HttpRequest.build(
                "POST", "/test/mapped/i-7?action=ok", headers={"Content-Type": "application/json"}, body=b"{}"
            )
        )
        response = invocation.response
        assert response.status == 200
        got = {"action": "ok", "id": "i-7", "why": "", "env": "testing"}  # $input.json of nothing: ""
        assert json.loads(response.body) == {"id": "i-7", "raw": {"got": got, "fn": "custom-fn"}}
        assert (response.header("X-Fn"), response.header("X-Stage")) == ("custom-fn", "testing")
        assert invocation.event == got
        assert invocation.integration_request is not None
        assert json.loads(invocation.integration_request) == got


def test_rule_10_4_a_function_error_message_selects_the_integration_response_by_its_pattern(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        bad = gateway.request("POST", "/mapped/1", params={"action": "fail400"}, json={"why": "x"})
        assert (bad.status_code, bad.json()) == (400, {"error": "Error: [400] Bad input x"})
        broken = gateway.request("POST", "/mapped/1", params={"action": "fail500"}, json={})
        assert broken.status_code == 502
        document = broken.json()
        assert (document["errorMessage"], document["errorType"]) == ("Error: [500] broken", "Exception")
        assert set(document) == {"errorMessage", "errorType", "requestId", "stackTrace"}


def test_rule_10_4_a_function_error_no_pattern_maps_takes_the_default_response_and_is_reraised(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        with pytest.raises(ValueError, match="nobody maps this"):
            gateway.request("POST", "/echo", json={"action": "unmapped"})
    with _application(path, raise_handler_exceptions=False) as app:
        response = app.apis["Api"].request("POST", "/echo", json={"action": "unmapped"})
        assert response.status_code == 200  # AWS answers a Lambda error no pattern maps with 200
        assert response.json()["errorMessage"] == "nobody maps this"


def test_rule_10_3_a_content_type_without_template_is_refused_when_passthrough_never(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        refused = _quiet(gateway, "POST", "/mapped/1", data=b"a=b", headers={"Content-Type": "text/plain"})
        assert (refused.status_code, refused.json()) == (415, {"message": "Unsupported Media Type"})


def test_rule_10_4_a_payload_that_is_not_json_is_refused_before_the_function_runs(tmp_path: Path) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        invocation = _quiet_invoke(
            gateway,
            HttpRequest.build("POST", "/test/echo", headers={"Content-Type": "text/plain"}, body="hi"),
        )
        assert invocation.response.status == 400
        assert json.loads(invocation.response.body)["message"].startswith(
            "Could not parse request body into json: "
        )
        assert (invocation.event, invocation.integration_request) == (None, b"hi")
        from_template = _quiet(gateway, "POST", "/mapped/1", data=b"{not json", headers=_JSON)
        assert from_template.status_code == 400
        assert from_template.json()["message"].startswith("Could not parse request body into json")


def test_rule_10_4_an_empty_payload_is_an_empty_object_event(tmp_path: Path) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    with _application(path) as app:
        response = app.apis["Api"].request("POST", "/echo")
        assert response.json() == {"got": {}, "fn": "custom-fn"}


#: Plain CloudFormation: ``AWS::ApiGateway::Method`` with ``Integration.Type: AWS``; the function named by
#: a stage variable; a function timeout mapped by its message.
CLOUDFORMATION = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src, FunctionName: cfn-fn, Timeout: 1}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: cfn}
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items}
  Post:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: AWS
        IntegrationHttpMethod: POST
        Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\
          arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${!stageVariables.fn}/invocations"
        RequestTemplates:
          application/json: '{"action": "$input.params(''action'')", "body": $input.json(''$'')}'
        IntegrationResponses:
          - StatusCode: "201"
            ResponseParameters:
              method.response.header.X-Action: method.request.querystring.action
          - StatusCode: "504"
            SelectionPattern: ".*Task timed out.*"
            ResponseTemplates:
              application/json: '{"late": true}'
          - StatusCode: "400"
            SelectionPattern: ".*\\\\[400\\\\].*"
      MethodResponses:
        - StatusCode: "201"
        - StatusCode: "400"
        - StatusCode: "504"
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, StageName: live, DeploymentId: dep, Variables: {fn: cfn-fn}}
"""

SLOW_APP = LAMBDA_APP.replace(
    '    if action == "string":',
    '    if action == "sleep":\n        import time\n        time.sleep(5)\n    if action == "string":',
)


def test_rule_10_4_a_cloudformation_aws_method_invokes_the_function_its_stage_variable_names(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, CLOUDFORMATION, SLOW_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        response = gateway.request("POST", "/items", params={"action": "ok"}, json={"a": 1})
        assert response.status_code == 201
        assert response.json() == {"got": {"action": "ok", "body": {"a": 1}}, "fn": "cfn-fn"}
        assert response.headers["X-Action"] == "ok"
        bad = gateway.request("POST", "/items", params={"action": "fail400"}, json={})
        assert bad.status_code == 400
        assert bad.json()["errorMessage"] == "Error: [400] Bad input None"


def test_rule_10_4_a_function_timeout_is_an_error_its_message_selects(tmp_path: Path) -> None:
    path = _project(tmp_path, CLOUDFORMATION, SLOW_APP)
    with _application(path) as app:
        response = app.apis["Api"].request("POST", "/items", params={"action": "sleep"}, json={})
        assert (response.status_code, response.json()) == (504, {"late": True})


def test_rule_10_4_the_function_runs_in_worker_processes_too(tmp_path: Path) -> None:
    path = _project(tmp_path, CLOUDFORMATION, SLOW_APP)
    with _application(path, isolation="process") as app:
        gateway = app.apis["Api"]
        response = gateway.request("POST", "/items", params={"action": "ok"}, json={"a": [1, 2]})
        assert response.status_code == 201
        assert response.json() == {"got": {"action": "ok", "body": {"a": [1, 2]}}, "fn": "cfn-fn"}
        bad = gateway.request("POST", "/items", params={"action": "fail400"}, json={})
        assert (bad.status_code, bad.json()["errorType"]) == (400, "Exception")
