"""``--parameter-overrides`` in SAM CLI's syntax, on ``event``, ``invoke`` and ``serve``: the values reach
the template's parameters, an SSM-typed one included."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import requests

from apigw_emulator.cli import main
from tests.application._serve import serving

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
  Greeting:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/greeting
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref Stage
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: params_app.handler
      Environment:
        Variables:
          GREETING: !Ref Greeting
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /hello
            Method: GET
"""

HANDLER = """
import json, os

def handler(event, context):
    body = {"stage": event["requestContext"]["stage"], "greeting": os.environ.get("GREETING")}
    return {"statusCode": 200, "body": json.dumps(body)}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "params_app.py").write_text(HANDLER, encoding="utf-8")
    (tmp_path / "template.yaml").write_text(textwrap.dedent(TEMPLATE), encoding="utf-8")
    return tmp_path


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out.decode(), err.decode()


def test_event_takes_the_stage_from_parameter_overrides(
    capsysbinary: pytest.CaptureFixture[bytes], project: Path
) -> None:
    template = str(project / "template.yaml")
    code, out, err = run(
        capsysbinary, "event", "/hello", "--template", template, "--parameter-overrides", "Stage=prod"
    )
    assert code == 0, err
    assert json.loads(out)["requestContext"]["stage"] == "prod"


def test_invoke_takes_quoted_values_and_the_long_form_ssm_parameter_included(
    capsysbinary: pytest.CaptureFixture[bytes], project: Path
) -> None:
    code, out, err = run(
        capsysbinary,
        "invoke",
        "/hello",
        "--template",
        str(project / "template.yaml"),
        "--parameter-overrides",
        'ParameterKey=Stage,ParameterValue=qa Greeting="hello there"',
    )
    assert code == 0, err
    assert json.loads(out.split("\r\n\r\n", 1)[1]) == {"stage": "qa", "greeting": "hello there"}


def test_without_an_override_an_ssm_parameter_is_unresolved_and_the_message_names_the_flag(
    capsysbinary: pytest.CaptureFixture[bytes], project: Path
) -> None:
    code, out, err = run(capsysbinary, "invoke", "/hello", "--template", str(project / "template.yaml"))
    assert code == 0, err
    assert json.loads(out.split("\r\n\r\n", 1)[1])["greeting"] is None
    assert "parameter 'Greeting' is read from SSM" in err
    assert "pass its value, --parameter-overrides Greeting=VALUE" in err


@pytest.mark.parametrize("command", ["event", "serve"])
def test_a_malformed_override_is_a_one_line_error(
    capsysbinary: pytest.CaptureFixture[bytes], project: Path, command: str
) -> None:
    code, _, err = run(
        capsysbinary,
        command,
        "/hello",
        "--template",
        str(project / "template.yaml"),
        "--parameter-overrides",
        'Stage="prod',
    )
    assert code != 0
    assert err.count("\n") == 1
    assert "--parameter-overrides" in err
    assert "No closing quotation" in err


def test_an_override_of_an_undeclared_parameter_lists_the_declared_ones(
    capsysbinary: pytest.CaptureFixture[bytes], project: Path
) -> None:
    code, _, err = run(
        capsysbinary,
        "event",
        "/hello",
        "--template",
        str(project / "template.yaml"),
        "--parameter-overrides",
        "Stge=prod",
    )
    assert code != 0
    assert "unknown parameter(s) Stge; the template declares: Stage, Greeting" in err


def test_parameter_overrides_without_a_template_is_an_error(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, _, err = run(capsysbinary, "event", "/hello", "--parameter-overrides", "Stage=prod")
    assert code != 0
    assert "give --template FILE" in err


def test_serve_takes_parameter_overrides(project: Path) -> None:
    with serving(
        "--template",
        "template.yaml",
        "--port",
        "0",
        "--parameter-overrides",
        "Stage=prod Greeting=hi",
        cwd=project,
        ready=" runs in ",
        wait=30,
    ) as served:
        banner = served.read(0.1)
        url = banner.split(" on ", 1)[1].split()[0].rstrip("/")
        answer = requests.get(url + "/hello", timeout=30)
        assert answer.json() == {"stage": "prod", "greeting": "hi"}


APPLICATION = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
Resources:
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref Stage
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: !Ref Stage
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: params_app.handler
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Rest
            Path: /hello
            Method: GET
        Any:
          Type: HttpApi
          Properties:
            ApiId: !Ref Http
"""


def test_serve_an_application_whose_parameter_has_no_default(project: Path) -> None:
    (project / "template.yaml").write_text(textwrap.dedent(APPLICATION), encoding="utf-8")
    with serving(
        "--template",
        "template.yaml",
        "--port",
        "0",
        "--parameter-overrides",
        "ParameterKey=Stage,ParameterValue=v1",
        cwd=project,
        ready=" each",
        wait=30,
    ) as served:
        banner = served.read(0.1)
        assert banner.startswith("apigw-emulator: serving the application of ")
        rest = banner.split("  Rest: the REST API (payload 1.0) on ", 1)[1].split()[0].rstrip("/")
        assert requests.get(rest + "/hello", timeout=30).json()["stage"] == "v1"
