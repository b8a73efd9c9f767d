"""CORS as the front doors do it themselves (spec 3.2 D11, 9 D29; issue #11)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import requests

from apigw_emulator import Gateway, LocalGateway, invocation_of
from apigw_emulator.cors import SAM_CREDENTIALS_MESSAGE, CorsRules
from apigw_emulator.errors import ConfigurationError
from apigw_emulator.template import TemplateError


def backend(event: Any, context: Any) -> Any:
    return {
        "statusCode": 200,
        "headers": {"Access-Control-Allow-Origin": "https://backend.example", "X-Own": "1"},
        "body": json.dumps({"method": event.get("httpMethod") or event["requestContext"]["http"]["method"]}),
    }


PREFLIGHT = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}


def test_d11_http_api_answers_a_preflight_itself_without_an_options_route() -> None:
    rules = CorsRules(
        "http",
        allow_origins=("https://app.example",),
        allow_methods=("GET", "POST"),
        allow_headers=("content-type",),
        max_age=600,
    )
    gw = Gateway(backend, api="http", routes=["POST /orders"], cors=rules)
    response = gw.request("OPTIONS", "/orders", headers=PREFLIGHT)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert response.headers["access-control-allow-methods"] == "GET,POST"
    assert response.headers["access-control-allow-headers"] == "content-type"
    assert response.headers["access-control-max-age"] == "600"
    assert invocation_of(response).event is None  # the function was not invoked


NOT_PREFLIGHTS = {
    "origin-only": {"Origin": "https://app.example"},
    "empty-request-method": {"Origin": "https://app.example", "Access-Control-Request-Method": ""},
    "request-method-only": {"Access-Control-Request-Method": "POST"},
    "empty-origin": {"Origin": "", "Access-Control-Request-Method": "POST"},
}


def _http_cors_gateway() -> Gateway:
    rules = CorsRules("http", allow_origins=("https://app.example",), allow_methods=("POST",))
    return Gateway(backend, api="http", routes=["OPTIONS /orders", "POST /orders"], cors=rules)


@pytest.mark.parametrize("headers", list(NOT_PREFLIGHTS.values()), ids=list(NOT_PREFLIGHTS))
def test_d11_options_without_origin_and_request_method_is_not_a_preflight(headers: dict[str, str]) -> None:
    response = _http_cors_gateway().request("OPTIONS", "/orders", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"method": "OPTIONS"}  # the route's function answered, not the front door
    assert "access-control-allow-methods" not in response.headers


@pytest.mark.parametrize("headers", list(NOT_PREFLIGHTS.values()), ids=list(NOT_PREFLIGHTS))
def test_d11_options_without_origin_and_request_method_is_not_a_preflight_over_the_server(
    headers: dict[str, str],
) -> None:
    with LocalGateway(_http_cors_gateway(), log=lambda line: None) as server:
        response = requests.options(server.url + "/orders", headers=headers, timeout=30)
        assert (response.status_code, response.json()) == (200, {"method": "OPTIONS"})
        answered = requests.options(server.url + "/orders", headers=PREFLIGHT, timeout=30)
        assert (answered.status_code, answered.content) == (204, b"")
        assert answered.headers["access-control-allow-methods"] == "POST"


def test_d11_http_api_adds_its_headers_and_ignores_the_backends() -> None:
    rules = CorsRules("http", allow_origins=("https://app.example",), expose_headers=("x-own",))
    gw = Gateway(backend, api="http", cors=rules)
    response = gw.request("POST", "/orders", headers={"Origin": "https://app.example"})
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert response.headers["access-control-expose-headers"] == "x-own"
    assert response.headers["x-own"] == "1"
    other = gw.request("POST", "/orders", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers  # not allowed, and the backend's is ignored
    plain = gw.request("POST", "/orders")
    assert "access-control-allow-origin" not in plain.headers


def test_without_cors_options_reaches_the_function() -> None:
    gw = Gateway(backend, api="http")
    assert gw.request("OPTIONS", "/orders", headers=PREFLIGHT).json() == {"method": "OPTIONS"}
    rest = Gateway(backend, api="rest")
    assert rest.request("OPTIONS", "/orders", headers=PREFLIGHT).json() == {"method": "OPTIONS"}


def test_d29_rest_cors_is_a_mock_options_method_on_every_path() -> None:
    rules = CorsRules("rest", allow_origins=("*",), allow_headers=("Content-Type", "X-Api-Key"))
    gw = Gateway(backend, api="rest", routes=["POST /shape", "GET /items/{id}"], cors=rules)
    response = gw.request("OPTIONS", "/shape", headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "OPTIONS,POST"  # the path's own methods
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type,X-Api-Key"
    # The other methods' responses are the function's own: nothing added, nothing removed.
    posted = gw.request("POST", "/shape", headers={"Origin": "https://app.example"})
    assert posted.headers["Access-Control-Allow-Origin"] == "https://backend.example"
    with pytest.warns(match="no route matches"):
        assert gw.request("OPTIONS", "/nowhere", headers=PREFLIGHT).status_code == 403  # no such path


def test_d29_rest_path_with_its_own_options_method_reaches_the_function() -> None:
    rules = CorsRules("rest")
    gw = Gateway(backend, api="rest", routes=["OPTIONS /shape", "POST /shape"], cors=rules)
    assert gw.request("OPTIONS", "/shape", headers=PREFLIGHT).json() == {"method": "OPTIONS"}


TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: .
      Handler: cors_app.handler
      Events:
        Rest:
          Type: Api
          Properties: {RestApiId: !Ref Rest, Path: /shape, Method: post}
        Http:
          Type: HttpApi
          Properties: {ApiId: !Ref Http, Path: /shape, Method: post}
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors:
        AllowOrigin: "'https://app.example'"
        AllowHeaders: "'Content-Type'"
        MaxAge: "'300'"
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [https://app.example]
        AllowMethods: [POST]
"""


def test_cors_of_a_template_on_both_apis(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(textwrap.dedent(TEMPLATE))
    rest = Gateway.from_template(tmp_path / "template.yaml", template_api="Rest", handler=backend)
    answer = rest.request("OPTIONS", "/shape", headers=PREFLIGHT)
    assert (answer.status_code, answer.headers["Access-Control-Allow-Origin"]) == (200, "https://app.example")
    assert answer.headers["Access-Control-Max-Age"] == "300"
    http = Gateway.from_template(tmp_path / "template.yaml", template_api="Http", handler=backend)
    answer = http.request("OPTIONS", "/shape", headers=PREFLIGHT)
    assert (answer.status_code, answer.headers["access-control-allow-methods"]) == (204, "POST")


# -- credentials with a wildcard origin (issue #20 item 5) --------------------------------------------------
CREDENTIALS_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: .
      Handler: cors_app.handler
      Events:
        Api:
          Type: {event}
          Properties: {{{api_ref}: !Ref Api, Path: /shape, Method: post}}
  Api:
    Type: {resource}
    Properties:
      {cors}
"""

WILDCARD_WITH_CREDENTIALS = {
    "rest-allow-origin-star": (
        "rest",
        """StageName: Prod
      Cors: {AllowOrigin: "'*'", AllowCredentials: true}""",
    ),
    "rest-allow-origin-not-set": (
        "rest",
        """StageName: Prod
      Cors: {AllowMethods: "'POST'", AllowCredentials: true}""",
    ),
    "http-allow-origins-star": ("http", "CorsConfiguration: {AllowOrigins: ['*'], AllowCredentials: true}"),
}


def _credentials_template(tmp_path: Path, kind: str, cors: str) -> Path:
    event, resource, api_ref = (
        ("Api", "AWS::Serverless::Api", "RestApiId")
        if kind == "rest"
        else ("HttpApi", "AWS::Serverless::HttpApi", "ApiId")
    )
    text = CREDENTIALS_TEMPLATE.format(event=event, resource=resource, api_ref=api_ref, cors=cors)
    (tmp_path / "cors_app.py").write_text("def handler(event, context):\n    return {'statusCode': 200}\n")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("case", list(WILDCARD_WITH_CREDENTIALS))
def test_sam_refuses_credentials_with_a_wildcard_origin_template_error(tmp_path: Path, case: str) -> None:
    kind, cors = WILDCARD_WITH_CREDENTIALS[case]
    template = _credentials_template(tmp_path, kind, cors)
    with pytest.raises(TemplateError) as info:
        Gateway.from_template(template, handler=backend)
    # SAM's own translator refuses it, as `sam deploy` would, naming the resource.
    assert SAM_CREDENTIALS_MESSAGE in str(info.value)
    assert "SAM refuses the template: Resource with id [Api] is invalid." in str(info.value)


@pytest.mark.parametrize("case", list(WILDCARD_WITH_CREDENTIALS))
def test_serve_refuses_credentials_with_a_wildcard_origin_in_one_line(tmp_path: Path, case: str) -> None:
    kind, cors = WILDCARD_WITH_CREDENTIALS[case]
    template = _credentials_template(tmp_path, kind, cors)
    done = subprocess.run(
        [sys.executable, "-m", "apigw_emulator", "serve", "--template", str(template), "--port", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert SAM_CREDENTIALS_MESSAGE in done.stderr


@pytest.mark.parametrize("style", ["rest", "http"])
def test_cors_rules_refuse_credentials_with_a_wildcard_origin(style: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(SAM_CREDENTIALS_MESSAGE)):
        CorsRules(style, allow_credentials=True)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=re.escape(SAM_CREDENTIALS_MESSAGE)):
        CorsRules(style, allow_origins=("https://app.example", "*"), allow_credentials=True)  # type: ignore[arg-type]


def test_credentials_with_named_origins_are_served_to_those_origins_only() -> None:
    rules = CorsRules("http", allow_origins=("https://app.example",), allow_credentials=True)
    gw = Gateway(backend, api="http", cors=rules)
    allowed = gw.request("POST", "/orders", headers={"Origin": "https://app.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    other = gw.request("POST", "/orders", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-credentials" not in other.headers


def test_d11_the_http_api_preflight_answer_carries_the_apigw_requestid_of_every_http_api_response() -> None:
    rules = CorsRules("http", allow_origins=("https://app.example",), allow_methods=("POST",))
    gw = Gateway(backend, api="http", routes=["POST /orders"], cors=rules)
    first = gw.request("OPTIONS", "/orders", headers=PREFLIGHT)
    second = gw.request("OPTIONS", "/orders", headers=PREFLIGHT)
    assert first.status_code == 204
    ids = [first.headers["apigw-requestid"], second.headers["apigw-requestid"]]
    assert all(ids)
    assert ids[0] != ids[1]  # one id per request
