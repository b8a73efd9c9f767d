"""Lambda custom (``AWS``) integrations fed hostile answers and hostile settings: results that are not
JSON, results over Lambda's 6 MB limit, error messages full of regular-expression syntax, catastrophic
``selectionPattern``s (bounded, a 500 with the reason) and ones that are not regular expressions (refused
when the template is loaded, as API Gateway refuses them when they are saved)."""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning, NotEmulatedWarning
from apigw_emulator.integration_response import (
    SELECTION_PATTERN_TIMEOUT,
    SelectionPatternTimeoutError,
    select_integration_response,
)
from apigw_emulator.model.rest import IntegrationResponse
from apigw_emulator.templates.errors import TemplateError

APP = """
import json

def not_json(event, context):
    return {"when": object()}

def too_big(event, context):
    return "x" * (6 * 1024 * 1024 + 200)

def fails(event, context):
    raise ValueError(event["message"])
"""


def _template(pattern: str = "(a|aa)+c") -> str:
    return f"""
Resources:
  NotJson:
    Type: AWS::Lambda::Function
    Properties: {{Runtime: python3.12, Handler: app.not_json, Code: src}}
  TooBig:
    Type: AWS::Lambda::Function
    Properties: {{Runtime: python3.12, Handler: app.too_big, Code: src, MemorySize: 1024}}
  Fails:
    Type: AWS::Lambda::Function
    Properties: {{Runtime: python3.12, Handler: app.fails, Code: src}}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: hostile-custom
      Body:
        swagger: "2.0"
        info: {{title: hostile-custom, version: "1"}}
        paths:
          /not-json:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/\\
                  ${{NotJson.Arn}}/invocations"
                responses:
                  default: {{statusCode: "200"}}
                  "Unable to marshal.*": {{statusCode: "422"}}
          /too-big:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/\\
                  ${{TooBig.Arn}}/invocations"
                responses:
                  default: {{statusCode: "200"}}
          /fails:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/\\
                  ${{Fails.Arn}}/invocations"
                responses:
                  default: {{statusCode: "200"}}
                  ".*\\\\[400\\\\].*": {{statusCode: "400"}}
                  '{pattern}': {{statusCode: "409"}}
"""


def _project(folder: Path, template: str) -> Path:
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "app.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    path = folder / "template.yaml"
    path.write_text(textwrap.dedent(template), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Application]:
    path = _project(tmp_path_factory.mktemp("hostile-custom"), _template())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        application = Application.from_template(path)
    with application:
        yield application


def _post(app: Application, path: str, body: object) -> tuple[int, object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = app.apis["Api"].request("POST", path, json=body)
    reasons = [str(w.message) for w in caught if issubclass(w.category, GatewayErrorWarning)]
    return response.status_code, response.json(), reasons


def test_hostile_lambda_custom_result_that_is_not_json_serialisable_is_the_marshal_error_a_pattern_maps(
    app: Application,
) -> None:
    status, _, _ = _post(app, "/not-json", {})
    assert status == 422


def test_hostile_lambda_custom_result_over_6_mb_is_a_502_not_passed_on(app: Application) -> None:
    status, body, reasons = _post(app, "/too-big", {})
    assert (status, body) == (502, {"message": "Internal server error"})
    assert any("Exceeded maximum allowed payload size" in reason for reason in reasons), reasons


@pytest.mark.parametrize("message", ["[400] (a+)+$ .*[(", "[400] \\ $ ^ | ? * + { } ( ) \x00"])
def test_hostile_lambda_custom_error_message_full_of_regex_syntax_is_matched_as_text(
    app: Application, message: str
) -> None:
    status, _, _ = _post(app, "/fails", {"message": message})
    assert status == 400


def test_hostile_lambda_custom_catastrophic_selection_pattern_is_bounded_and_a_500_with_the_reason(
    app: Application,
) -> None:
    status, body, reasons = _post(app, "/fails", {"message": "a" * 60 + "!"})
    assert (status, body) == (500, {"message": "Internal server error"})
    assert any(f"took over {SELECTION_PATTERN_TIMEOUT:g} s" in reason for reason in reasons), reasons
    status, _, _ = _post(app, "/fails", {"message": "aaac"})  # the pattern still maps what it matches
    assert status == 409


def test_hostile_selection_pattern_catastrophic_backtracking_raises_instead_of_hanging() -> None:
    responses = (IntegrationResponse("200"), IntegrationResponse("409", selection_pattern="(a|aa)+c"))
    with pytest.raises(SelectionPatternTimeoutError, match=r"\(a\|aa\)\+c"):
        select_integration_response(responses, "a" * 60 + "!")


@pytest.mark.parametrize("pattern", ["(unclosed", "[z-a]", "*starts", "a{2,1}"])
def test_hostile_selection_pattern_that_is_not_a_regex_is_refused_at_template_load(
    tmp_path: Path, pattern: str
) -> None:
    path = _project(tmp_path, _template(pattern))
    with pytest.raises(TemplateError, match="is not a regular expression"):
        Application.from_template(path)


def test_hostile_selection_pattern_that_is_not_a_regex_is_refused_in_a_cloudformation_method(
    tmp_path: Path,
) -> None:
    template = """
    Resources:
      Fails:
        Type: AWS::Lambda::Function
        Properties: {Runtime: python3.12, Handler: app.fails, Code: src}
      Api:
        Type: AWS::ApiGateway::RestApi
        Properties: {Name: cfn}
      Method:
        Type: AWS::ApiGateway::Method
        Properties:
          RestApiId: !Ref Api
          ResourceId: !GetAtt Api.RootResourceId
          HttpMethod: POST
          AuthorizationType: NONE
          Integration:
            Type: AWS
            IntegrationHttpMethod: POST
            Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\
              ${Fails.Arn}/invocations"
            IntegrationResponses:
              - {StatusCode: "200"}
              - {StatusCode: "400", SelectionPattern: "(unclosed"}
    """
    path = _project(tmp_path, template)
    with pytest.raises(TemplateError, match=r"'\(unclosed' is not a regular expression"):
        Application.from_template(path)
