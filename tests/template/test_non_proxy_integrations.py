"""REST non-proxy integrations read from templates and run (spec 10.4): MOCK responses mapped from every
source, and Lambda custom (``AWS``) integrations written the three ways (OpenAPI in a SAM
``DefinitionBody``, SAM events, plain CloudFormation ``AWS::ApiGateway::Method``), through the library and
through ``serve`` with real HTTP."""

from __future__ import annotations

import json
import re
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
import requests

from apigw_emulator.application import Application
from apigw_emulator.cli import main
from apigw_emulator.errors import GatewayErrorWarning, NotEmulatedWarning
from apigw_emulator.gateway import Gateway
from apigw_emulator.invoke import Invocation
from apigw_emulator.request import HttpRequest
from tests.application._serve import serving

_JSON = {"Content-Type": "application/json"}
_JSON_HEADER = ("-H", "Content-Type: application/json")


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
    if action == "arn":
        return context.invoked_function_arn
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
        with pytest.warns(GatewayErrorWarning, match="no selectionPattern maps its errorMessage"):
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
            "Could not parse request body into json: Could not parse payload into json: "
        )
        assert invocation.response.body.startswith(b'{"message": "Could not parse')  # Lambda's spacing
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


def test_rule_10_4_an_unmapped_function_timeout_answers_lambdas_own_document(tmp_path: Path) -> None:
    template = OPENAPI_SAM.replace("FunctionName: custom-fn}", "FunctionName: custom-fn, Timeout: 1}")
    path = _project(tmp_path, template, SLOW_APP)
    with _application(path) as app:
        with pytest.warns(GatewayErrorWarning, match="Sandbox.Timedout"):
            response = app.apis["Api"].request("POST", "/echo", json={"action": "sleep"})
        assert response.status_code == 200  # the default integration response, as AWS answers
        assert re.fullmatch(
            rb'\{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: [0-9a-f-]{36} Error: Task timed '
            rb'out after 1.00 seconds"\}',
            response.content,
        ), response.content


def test_rule_10_4_the_function_runs_in_worker_processes_too(tmp_path: Path) -> None:
    path = _project(tmp_path, CLOUDFORMATION, SLOW_APP)
    with _application(path, isolation="process") as app:
        gateway = app.apis["Api"]
        response = gateway.request("POST", "/items", params={"action": "ok"}, json={"a": [1, 2]})
        assert response.status_code == 201
        assert response.json() == {"got": {"action": "ok", "body": {"a": [1, 2]}}, "fn": "cfn-fn"}
        bad = gateway.request("POST", "/items", params={"action": "fail400"}, json={})
        assert (bad.status_code, bad.json()["errorType"]) == (400, "Exception")


def _cli(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def test_the_event_command_prints_a_lambda_custom_methods_integration_request(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    path = _project(tmp_path, CLOUDFORMATION, LAMBDA_APP)
    code, out, err = _cli(
        capsysbinary,
        "event",
        "/items?action=go",
        "-X",
        "POST",
        "-d",
        '{"n": 1}',
        *_JSON_HEADER,
        "--template",
        str(path),
    )
    assert code == 0, err
    assert json.loads(out) == {"action": "go", "body": {"n": 1}}
    assert "integration request" in err
    csv = ("-H", "Content-Type: text/csv", "-d", "a,b")
    code, out, err = _cli(capsysbinary, "event", "/items", "-X", "POST", *csv, "--template", str(path))
    assert (code, out) == (0, "a,b\n")  # passed through as it came, which Lambda refuses
    assert "not JSON" in err


def test_the_event_command_prints_a_proxy_event_for_a_proxy_method(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    path = _project(tmp_path, MOCK_MAPPED, PROXY_APP)
    code, out, err = _cli(capsysbinary, "event", "/proxy", "--template", str(path))
    assert code == 0, err
    assert json.loads(out)["resource"] == "/proxy"


def test_the_invoke_command_shows_the_integration_request_and_the_mapped_response(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    path = _project(tmp_path, CLOUDFORMATION, LAMBDA_APP)
    code, out, err = _cli(
        capsysbinary,
        "invoke",
        "/items?action=go",
        "-X",
        "POST",
        "-d",
        '{"n": 1}',
        *_JSON_HEADER,
        "--template",
        str(path),
    )
    assert code == 0, err
    assert out.startswith("HTTP/1.1 201")
    assert 'integration request (the function\'s payload): {"action": "go", "body": {"n":1}}' in err


def test_the_event_command_says_when_the_front_door_refuses_before_the_function(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    text = ("-H", "Content-Type: text/plain", "-d", "x")
    code, out, err = _cli(capsysbinary, "event", "/mapped/1", "-X", "POST", *text, "--template", str(path))
    assert (code, out) == (2, "")
    assert "answers 415 before the function" in err


#: As SAM generates it: ``AWS::ApiGateway::RestApi`` with the OpenAPI ``Body``, a ``Deployment`` and a
#: ``Stage``; the response mapped by parameters from the result's body and headers of the integration.
SAM_GENERATED = f"""
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {{Runtime: python3.12, Handler: app.handler, Code: src, FunctionName: generated-fn}}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: generated
      Body:
        swagger: "2.0"
        info: {{title: generated, version: "1"}}
        paths:
          /things:
            put:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: {_URI}
                requestTemplates:
                  application/json: '{{"action": "$input.params(''action'')"}}'
                responses:
                  default:
                    statusCode: "202"
                    responseParameters:
                      method.response.header.X-Fn: integration.response.body.fn
                      method.response.header.X-Lambda-Content-Type: integration.response.header.Content-Type
                    responseTemplates:
                      text/plain: "fn=$input.path('$.fn') action=$input.path('$.got.action')"
                  ".*\\\\[400\\\\].*":
                    statusCode: "409"
                    responseTemplates:
                      application/json: |
                        #set($context.responseOverride.status = 422)
                        {{"type": "$input.path('$.errorType')"}}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties: {{RestApiId: !Ref Api}}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {{RestApiId: !Ref Api, StageName: Prod, DeploymentId: !Ref Deployment}}
"""


def test_rule_10_4_a_sam_generated_rest_api_maps_the_result_by_accept_and_its_parameters(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, SAM_GENERATED, LAMBDA_APP)
    with _application(path) as app:
        gateway = app.apis["Api"]
        response = gateway.request(
            "PUT", "/things", params={"action": "ok"}, headers={"Accept": "text/plain"}
        )
        assert (response.status_code, response.text) == (202, "fn=generated-fn action=ok")
        assert response.headers["Content-Type"] == "text/plain"
        assert response.headers["X-Fn"] == "generated-fn"
        assert response.headers["X-Lambda-Content-Type"] == "application/json"
        overridden = gateway.request("PUT", "/things", params={"action": "fail400"})
        assert (overridden.status_code, overridden.json()) == (422, {"type": "Exception"})


def _served_url(banner: str) -> str:
    found = re.search(r"on (http://127\.0\.0\.1:\d+)/", banner)
    assert found, banner
    return found[1]


@pytest.mark.parametrize(
    ("template", "isolation"),
    [(OPENAPI_SAM, "process"), (CLOUDFORMATION, "process"), (SAM_GENERATED, "in-process")],
    ids=["openapi-in-sam", "cloudformation", "sam-generated"],
)
def test_rule_10_4_serve_runs_lambda_custom_integrations_over_real_http(
    tmp_path: Path, template: str, isolation: str
) -> None:
    path = _project(tmp_path, template, LAMBDA_APP)
    arguments = ("--template", str(path), "--port", "0", "--isolation", isolation, "--no-reload")
    with serving(*arguments, cwd=tmp_path, ready=" on http://", wait=60) as served:
        url = _served_url(served.read(0.5))
        if template is OPENAPI_SAM:
            ok = requests.post(f"{url}/mapped/i-1?action=ok", json={"why": 1}, timeout=30)
            assert ok.status_code == 200
            assert ok.json()["raw"]["got"] == {"action": "ok", "id": "i-1", "why": 1, "env": "testing"}
            bad = requests.post(f"{url}/mapped/i-1?action=fail400", json={"why": 2}, timeout=30)
            assert (bad.status_code, bad.json()) == (400, {"error": "Error: [400] Bad input 2"})
            refused = requests.post(
                f"{url}/mapped/i-1", data="x", headers={"Content-Type": "text/csv"}, timeout=30
            )
            assert refused.status_code == 415
        elif template is CLOUDFORMATION:
            ok = requests.post(f"{url}/items?action=ok", json={"a": 1}, timeout=30)
            assert (ok.status_code, ok.headers["X-Action"]) == (201, "ok")
            assert ok.json() == {"got": {"action": "ok", "body": {"a": 1}}, "fn": "cfn-fn"}
            bad = requests.post(f"{url}/items?action=fail400", json={}, timeout=30)
            assert bad.status_code == 400
        else:
            ok = requests.put(f"{url}/things?action=ok", headers={"Accept": "text/plain"}, timeout=30)
            assert (ok.status_code, ok.text) == (202, "fn=generated-fn action=ok")
            bad = requests.put(f"{url}/things?action=fail400", timeout=30)
            assert (bad.status_code, bad.json()) == (422, {"type": "Exception"})


def test_rule_10_4_the_integration_timeout_cuts_a_lambda_custom_integration_short_with_504(
    tmp_path: Path,
) -> None:
    template = CLOUDFORMATION.replace("Timeout: 1}", "Timeout: 10}").replace(
        "        IntegrationHttpMethod: POST\n",
        "        IntegrationHttpMethod: POST\n        TimeoutInMillis: 300\n",
    )
    path = _project(tmp_path, template, SLOW_APP)
    with _application(path) as app:
        late = _quiet(app.apis["Api"], "POST", "/items", params={"action": "sleep"}, json={})
        assert (late.status_code, late.json()) == (504, {"message": "Endpoint request timed out"})


def test_rule_10_4_a_lambda_custom_integration_without_integration_responses_is_a_500(tmp_path: Path) -> None:
    template = OPENAPI_SAM.replace(
        """                responses:
                  default: {statusCode: "200"}
""",
        "",
    )
    path = _project(tmp_path, template, LAMBDA_APP)
    with _application(path) as app:
        answer = _quiet(app.apis["Api"], "POST", "/echo", json={})
        assert (answer.status_code, answer.json()) == (500, {"message": "Internal server error"})


@pytest.mark.parametrize("isolation", ["in-process", "process"])
def test_rule_10_4_without_a_response_template_the_client_gets_the_runtimes_json_byte_for_byte(
    tmp_path: Path, isolation: str
) -> None:
    path = _project(tmp_path, OPENAPI_SAM, LAMBDA_APP)
    with _application(path, isolation=isolation) as app:
        response = app.apis["Api"].request("POST", "/echo", json={"message": "h\u00e9llo"})
        # the Python runtime's encoder: stdlib spacing, non-ASCII as it is from python3.12
        assert response.content == '{"got": {"message": "h\u00e9llo"}, "fn": "custom-fn"}'.encode()


def test_rule_10_4_a_lambda_arn_qualified_by_a_stage_variable_invokes_that_alias(tmp_path: Path) -> None:
    template = CLOUDFORMATION.replace(
        "function:${!stageVariables.fn}/", "function:cfn-fn:${!stageVariables.alias}/"
    )
    template = template.replace("Variables: {fn: cfn-fn}", "Variables: {alias: live}")
    path = _project(tmp_path, template, LAMBDA_APP)
    with _application(path) as app:
        response = app.apis["Api"].request("POST", "/items", params={"action": "arn"}, json={})
        assert response.status_code == 201
        assert response.json().endswith(":function:cfn-fn:live")
