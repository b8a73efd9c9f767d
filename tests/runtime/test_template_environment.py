"""A template's ``Environment.Variables`` (``Globals`` merged, intrinsics resolved) reach the function, with
SAM CLI's ``--env-vars`` overrides (issue #10)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator import Gateway
from apigw_emulator.errors import MissingEnvironmentWarning
from apigw_emulator.template import load_template

HANDLER = """
import json, os

SEEN_AT_IMPORT = os.environ.get("STAGE")

def handler(event, context):
    names = ["STAGE", "GREETING", "TABLE_NAME", "TABLE_ARN", "LOG_LEVEL", "UNDECLARED", "AWS_EXECUTION_ENV"]
    seen = {name: os.environ.get(name) for name in names}
    seen["at_import"] = SEEN_AT_IMPORT
    return {"statusCode": 200, "body": json.dumps(seen)}
"""

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
Globals:
  Function:
    Runtime: python3.12
    Environment:
      Variables:
        LOG_LEVEL: INFO
        STAGE: !Ref Stage
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: {module}.handler
      Environment:
        Variables:
          GREETING: !Sub "hello from ${{AWS::Region}}"
          TABLE_NAME: !Ref Orders
          TABLE_ARN: !GetAtt Orders.Arn
      Events:
        Get:
          Type: Api
          Properties:
            Path: /env
            Method: GET
"""


@pytest.fixture
def template(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    module = f"env_app_{abs(hash(request.node.nodeid))}"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / f"{module}.py").write_text(HANDLER, encoding="utf-8")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(TEMPLATE.format(module=module)), encoding="utf-8")
    return path


ENV_VARS = {
    "Parameters": {"TABLE_ARN": "arn:aws:dynamodb:::table/orders", "LOG_LEVEL": "DEBUG", "UNDECLARED": "x"},
    "OrdersFunction": {"LOG_LEVEL": "WARNING"},
}


def _seen(gw: Gateway) -> dict[str, Any]:
    response = gw.request("GET", "/env")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_template_variables_with_globals_and_intrinsics_reach_the_function(template: Path) -> None:
    gw = Gateway.from_template(template, env_vars=ENV_VARS, region="eu-central-1")
    seen = _seen(gw)
    assert seen["STAGE"] == seen["at_import"] == "dev"  # Globals, !Ref of a parameter, set at import
    assert seen["GREETING"] == "hello from us-east-1"  # the template's region (parameters=... sets it)
    assert seen["TABLE_NAME"] == "Orders"  # a resource's Ref: its logical id, as SAM CLI gives it
    assert seen["TABLE_ARN"] == "arn:aws:dynamodb:::table/orders"  # unknowable locally: the env-vars value
    assert seen["LOG_LEVEL"] == "WARNING"  # the function's own section wins over Parameters
    assert seen["UNDECLARED"] is None  # as SAM CLI: only the template's variables are overridden
    assert seen["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"  # the template's Runtime


def test_template_parameters_reach_the_variables(template: Path) -> None:
    gw = Gateway.from_template(template, env_vars=ENV_VARS, parameters={"Stage": "prod"})
    assert _seen(gw)["STAGE"] == "prod"


def test_template_variable_that_cannot_be_known_is_not_silent(template: Path) -> None:
    with pytest.warns(MissingEnvironmentWarning, match=r"OrdersFunction runs without .*TABLE_ARN.*env-vars"):
        gw = Gateway.from_template(template)
    assert _seen(gw)["TABLE_ARN"] is None


def test_environment_option_overrides_the_template(template: Path) -> None:
    gw = Gateway.from_template(template, env_vars=ENV_VARS, environment={"STAGE": "test"})
    assert _seen(gw)["STAGE"] == "test"


def test_function_model_keeps_what_it_cannot_resolve(template: Path) -> None:
    function = load_template(template).functions["OrdersFunction"]
    assert dict(function.environment) == {
        "LOG_LEVEL": "INFO",
        "STAGE": "dev",
        "GREETING": "hello from us-east-1",
        "TABLE_NAME": "Orders",
    }
    assert list(function.unresolved_environment) == ["TABLE_ARN"]
    assert function.environment_with({"OrdersFunction": {"TABLE_ARN": 7}})["TABLE_ARN"] == json.dumps(7)


def test_reserved_concurrent_executions_is_the_functions_concurrency_limit(template: Path) -> None:
    text = template.read_text(encoding="utf-8").replace(
        "      CodeUri: src/\n", "      CodeUri: src/\n      ReservedConcurrentExecutions: 2\n"
    )
    template.write_text(text, encoding="utf-8")
    assert load_template(template).functions["OrdersFunction"].reserved_concurrency == 2
    gw = Gateway.from_template(template, env_vars=ENV_VARS)
    assert gw.max_concurrency == gw.environments.max_concurrency == 2  # over it: throttled
    assert Gateway.from_template(template, env_vars=ENV_VARS, max_concurrency=5).max_concurrency == 5


def test_without_reserved_concurrency_nothing_is_throttled(template: Path) -> None:
    gw = Gateway.from_template(template, env_vars=ENV_VARS)
    assert gw.max_concurrency is None
    assert gw.environments.max_concurrency is None
