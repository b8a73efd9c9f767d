"""A whole SAM application: every API of a template, each route to the function that owns it (issue #11).

On AWS a route belongs to one function; API Gateway picks the most specific route of the whole API, so a
function's own ``POST /shape`` beats another function's ``/{proxy+}``.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator import Gateway, invocation_of
from apigw_emulator.application import Application, RouteEntry
from apigw_emulator.errors import ConfigurationError, NotEmulatedWarning
from apigw_emulator.runtime.model import Isolation

HANDLER = """
import json, os

IMPORTED = True

def handler(event, context):
    route = event.get("resource") or event.get("routeKey") or event["requestContext"]["http"]["path"]
    seen = {"function": os.environ["AWS_LAMBDA_FUNCTION_NAME"], "who": os.environ.get("WHO"), "route": route}
    return {"statusCode": 200, "body": json.dumps(seen)}
"""

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: {module}.handler
    Environment:
      Variables:
        WHO: everyone
Resources:
  ShapeFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: shape/
      Environment:
        Variables:
          WHO: shape
      Events:
        RestShape:
          Type: Api
          Properties:
            RestApiId: !Ref Rest
            Path: /shape
            Method: post
        HttpShape:
          Type: HttpApi
          Properties:
            ApiId: !Ref Http
            Path: /shape
            Method: post
  RouterFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: router/
      Events:
        RestProxy:
          Type: Api
          Properties:
            RestApiId: !Ref Rest
            Path: /{{proxy+}}
            Method: any
        HttpDefault:
          Type: HttpApi
          Properties:
            ApiId: !Ref Http
  UrlFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: url/
      FunctionUrlConfig:
        AuthType: NONE
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
  Http:
    Type: AWS::Serverless::HttpApi
"""


@pytest.fixture
def template(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    module = f"app_fn_{abs(hash(request.node.nodeid))}"
    for folder in ("shape", "router", "url"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{module}.py").write_text(HANDLER, encoding="utf-8")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(TEMPLATE.format(module=module)), encoding="utf-8")
    yield path
    for name in [n for n in sys.modules if n.startswith(module)]:
        del sys.modules[name]


def _seen(app: Application, api: str, method: str, path: str) -> Any:
    response = app.apis[api].request(method, path, data=b"x")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("isolation", ["in-process", "process"])
def test_a_functions_specific_route_beats_another_functions_proxy(
    template: Path, isolation: Isolation
) -> None:
    with Application.from_template(template, isolation=isolation) as app:
        assert _seen(app, "Rest", "POST", "/shape") == {
            "function": "ShapeFunction",
            "who": "shape",
            "route": "/shape",
        }
        assert _seen(app, "Rest", "GET", "/other/x")["function"] == "RouterFunction"
        assert _seen(app, "Rest", "GET", "/shape")["function"] == "RouterFunction"  # no GET /shape: the proxy
        assert _seen(app, "Http", "POST", "/shape")["route"] == "POST /shape"
        assert _seen(app, "Http", "GET", "/anything") == {
            "function": "RouterFunction",
            "who": "everyone",
            "route": "$default",
        }
        assert _seen(app, "UrlFunctionUrl", "PUT", "/x/y")["function"] == "UrlFunction"


def test_the_application_table_lists_each_route_with_its_function(template: Path) -> None:
    app = Application.from_template(template)
    assert list(app.routes()) == [
        RouteEntry("Rest", "rest", "POST /shape", "ShapeFunction"),
        RouteEntry("Rest", "rest", "ANY /{proxy+}", "RouterFunction"),
        RouteEntry("Http", "http", "POST /shape", "ShapeFunction"),
        RouteEntry("Http", "http", "$default", "RouterFunction"),
        RouteEntry("UrlFunctionUrl", "function-url", "(every request)", "UrlFunction"),
    ]


def test_a_function_shared_by_two_apis_has_one_set_of_environments(template: Path) -> None:
    with Application.from_template(template) as app:
        rest = invocation_of(app.apis["Rest"].request("POST", "/shape", data=b"x"))
        http = invocation_of(app.apis["Http"].request("POST", "/shape", data=b"x"))
        assert rest.init_duration is not None  # the cold start
        assert http.init_duration is None  # the same environment, warm
        assert app.functions["ShapeFunction"].environments.size == 1


def test_building_the_application_and_its_events_imports_no_function(template: Path) -> None:
    app = Application.from_template(template)
    event = app.apis["Rest"].event("POST", "/shape", body=b"x")
    assert event["resource"] == "/shape"
    assert not [name for name in sys.modules if name.startswith("app_fn_")]


def test_a_handler_of_your_own_stands_for_one_function(template: Path) -> None:
    def mine(event: Any, context: Any) -> Any:
        return {"statusCode": 200, "body": json.dumps({"function": "mine", "who": None, "route": None})}

    with Application.from_template(template, handlers={"RouterFunction": mine}) as app:
        assert _seen(app, "Rest", "GET", "/x")["function"] == "mine"
        assert _seen(app, "Rest", "POST", "/shape")["function"] == "ShapeFunction"
    with pytest.raises(ConfigurationError, match="no such function"):
        Application.from_template(template, handlers={"Nope": mine})


def test_unknown_routes_get_the_front_doors_answer(template: Path) -> None:
    with Application.from_template(template) as app:
        assert app.apis["Http"].request("GET", "/").status_code == 200  # $default catches everything
        with pytest.warns(match="no route matches"):
            response = app.apis["Rest"].request("GET", "/")  # REST has no route for the root
        assert response.status_code == 403
        assert response.json() == {"message": "Missing Authentication Token"}


def test_front_door_options_apply_to_every_api(template: Path) -> None:
    app = Application.from_template(template, stage="dev", region="eu-west-1")
    assert app.apis["Rest"].url.endswith(".execute-api.eu-west-1.amazonaws.com/dev")


KEYED = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: .
      Handler: keyed_app.handler
      Events:
        Open:
          Type: Api
          Properties: {RestApiId: !Ref Rest, Path: /open, Method: get, Auth: {ApiKeyRequired: false}}
        Closed:
          Type: Api
          Properties: {RestApiId: !Ref Rest, Path: /closed, Method: get}
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        ApiKeyRequired: true
  Key:
    Type: AWS::ApiGateway::ApiKey
    Properties:
      Value: abcdefghijklmnopqrstuvwxyz
"""


def test_api_keys_of_a_template_open_the_methods_that_require_one(tmp_path: Path) -> None:
    def handler(event: Any, context: Any) -> Any:
        return {"statusCode": 200, "body": event["resource"]}

    (tmp_path / "template.yaml").write_text(textwrap.dedent(KEYED))
    with Application.from_template(tmp_path / "template.yaml", handlers={"Fn": handler}) as app:
        rest = app.apis["Rest"]
        assert rest.request("GET", "/open").status_code == 200  # the event's own Auth wins
        with pytest.warns(match="requires an API key"):
            assert rest.request("GET", "/closed").status_code == 403
        with pytest.warns(match="not one of the API's keys"):
            assert rest.request("GET", "/closed", headers={"x-api-key": "wrong"}).status_code == 403
        good = rest.request("GET", "/closed", headers={"x-api-key": "abcdefghijklmnopqrstuvwxyz"})
        assert good.text == "/closed"


def test_event_options_reach_the_events_of_every_api(template: Path) -> None:
    app = Application.from_template(template, event_overrides={"stageVariables": {"from": "options"}})
    assert app.apis["Rest"].event("POST", "/shape", body=b"x")["stageVariables"] == {"from": "options"}


def write_iam_project(folder: Path) -> None:
    """A one-function project whose route asks for IAM authorization (signatures not checked locally)."""
    (folder / "app.py").write_text("def handler(event, context):\n    return {'statusCode': 200}\n")
    (folder / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, CodeUri: ., Handler: app.handler, Events: {Get: {Type: Api,\n"
        "      Properties: {Path: /x, Method: get, Auth: {Authorizer: AWS_IAM}}}}}\n"
    )


def test_what_the_template_does_not_enforce_is_warned_once_per_gateway(tmp_path: Path) -> None:
    write_iam_project(tmp_path)
    for build in (Gateway.from_template, Application.from_template):
        with pytest.warns(NotEmulatedWarning) as caught:
            built = build(tmp_path / "template.yaml")
        built.close()
        assert len(caught) == 1
        message = str(caught[0].message)
        assert "AWS_IAM routes (GET /x) refuse unsigned requests as AWS does" in message
        assert "a SigV4 signature is not checked against credentials" in message
