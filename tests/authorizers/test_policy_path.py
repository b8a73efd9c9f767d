"""An authorizer's policy is evaluated against the path the route matched (issue #20 item 4).

The attack: a policy ``Allow *`` plus ``Deny .../GET/secret``, and ``GET /secret/``. The route ``GET
/secret`` matches it (a trailing slash is ignored, spec 1.3), so the method ARN must name ``/secret`` too,
or the request reaches the function the policy denies. Checked in-process and through ``serve``.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from apigw_emulator import Gateway
from apigw_emulator.authorizers import AuthorizerRules, LambdaAuthorizer, RouteAuthorization
from apigw_emulator.errors import GatewayErrorWarning
from tests.application._serve import serving
from tests.runtime.test_serve_environments import Served

Event = dict[str, Any]
EXPLICIT_DENY = b'{"Message":"User is not authorized to access this resource with an explicit deny"}'
#: The spellings of one resource a route matches: each must meet the same Deny.
SECRET_PATHS = ("/secret", "/secret/", "/secret//", "//secret/")


def _policy(event: Event) -> Event:
    arn = event.get("methodArn") or event["routeArn"]
    api = "/".join(arn.split("/", 2)[:2])  # arn:...:api-id/stage
    return {
        "principalId": "ann",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"},
                {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": f"{api}/GET/secret"},
            ],
        },
    }


class Recorder:
    """The authorizer: records the ARN it was asked about, answers :func:`_policy`."""

    def __init__(self) -> None:
        self.arns: list[str] = []

    def __call__(self, event: Event, context: Any) -> Event:
        self.arns.append(event.get("methodArn") or event["routeArn"])
        return _policy(event)


def _function(event: Event, context: Any) -> Event:
    return {"statusCode": 200, "body": "the secret"}


def _gateway(api: str, recorder: Recorder) -> Gateway:
    authorizer = LambdaAuthorizer(
        "Auth", recorder, identity_sources=("$request.header.Authorization",), ttl=0
    )
    routes = ["GET /secret", "GET /public"]
    guarded = {f"GET {path}": RouteAuthorization("Auth") for path in ("/secret", "/public")}
    return Gateway(_function, api, routes=routes, authorizers=AuthorizerRules({"Auth": authorizer}, guarded))


@pytest.mark.parametrize("api", ["rest", "http"])
@pytest.mark.parametrize("path", SECRET_PATHS)
def test_trailing_slash_does_not_sidestep_an_explicit_deny(api: str, path: str) -> None:
    recorder = Recorder()
    gateway = _gateway(api, recorder)
    with pytest.warns(GatewayErrorWarning, match="denies execute-api:Invoke"):
        response = gateway.request("GET", path, headers={"Authorization": "t"})
    assert response.status_code == 403
    if api == "rest":
        assert response.content == EXPLICIT_DENY
    assert [arn.rsplit("/", 2)[1:] for arn in recorder.arns] == [["GET", "secret"]]


@pytest.mark.parametrize("api", ["rest", "http"])
def test_method_arn_is_the_path_the_route_matched(api: str) -> None:
    recorder = Recorder()
    gateway = _gateway(api, recorder)
    response = gateway.request("GET", "/public/", headers={"Authorization": "t"})
    assert (response.status_code, response.content) == (200, b"the secret")
    assert recorder.arns[0].endswith(f"/{gateway.config.stage}/GET/public")


TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        DefaultAuthorizer: TokenAuth
        Authorizers:
          TokenAuth:
            FunctionArn: !GetAtt AuthFunction.Arn
            Identity: {Header: Authorization, ReauthorizeEvery: 0}
  SecretFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src
      Handler: secret.handler
      Events:
        Secret:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /secret, Method: get}
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src
      Handler: auth.handler
"""

AUTH = """
def handler(event, context):
    api = "/".join(event["methodArn"].split("/", 2)[:2])
    allow = {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}
    deny = {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": api + "/GET/secret"}
    return {"principalId": "ann", "policyDocument": {"Version": "2012-10-17", "Statement": [allow, deny]}}
"""

SECRET = """
def handler(event, context):
    return {"statusCode": 200, "body": "the secret"}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("policy")
    (root / "src").mkdir()
    (root / "src" / "auth.py").write_text(textwrap.dedent(AUTH))
    (root / "src" / "secret.py").write_text(textwrap.dedent(SECRET))
    (root / "template.yaml").write_text(textwrap.dedent(TEMPLATE))
    with serving("--template", str(root / "template.yaml"), "--port", "0", cwd=root) as served:
        yield served


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_serve_trailing_slash_does_not_sidestep_an_explicit_deny(served: Served, path: str) -> None:
    found = re.search(r"on (http://127\.0\.0\.1:\d+)", served.read(0.1))
    assert found, served.read(0.1)
    response = requests.get(found[1] + path, headers={"Authorization": "t"}, timeout=30)
    assert (response.status_code, response.content) == (403, EXPLICIT_DENY)


def test_routed_path_drops_only_the_slashes_a_route_ignores() -> None:
    from apigw_emulator.routing import routed_path  # noqa: PLC0415

    assert [routed_path(p) for p in ("/", "", "/a/", "//a//", "/a//b/")] == ["/", "/", "/a", "/a", "/a//b"]


def test_template_trailing_slash_does_not_sidestep_an_explicit_deny_in_process(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "auth.py").write_text(textwrap.dedent(AUTH))
    (tmp_path / "src" / "secret.py").write_text(textwrap.dedent(SECRET))
    (tmp_path / "template.yaml").write_text(textwrap.dedent(TEMPLATE))
    gateway = Gateway.from_template(tmp_path / "template.yaml")
    with pytest.warns(GatewayErrorWarning):
        assert gateway.request("GET", "/secret/", headers={"Authorization": "t"}).status_code == 403
