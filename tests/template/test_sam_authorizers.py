"""SAM's ``Auth`` read as the authorizers the front door runs (spec 9; SAM's ApiAuth, HttpApiAuth,
ApiFunctionAuth and LambdaTokenAuthorizationIdentity / LambdaRequestAuthorizationIdentity)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apigw_emulator.authorizers import (
    CognitoAuthorizer,
    JwtAuthorizer,
    LambdaAuthorizer,
    RouteAuthorization,
)
from apigw_emulator.template import TemplateError, load_template

FUNCTIONS = """
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: .
      Events:
{events}
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: {{Runtime: python3.12, Handler: auth.handler, CodeUri: .}}
"""


def _template(tmp_path: Path, api: str, events: str) -> Path:
    text = "Transform: AWS::Serverless-2016-10-31\nResources:\n" + textwrap.indent(textwrap.dedent(api), "  ")
    text += FUNCTIONS.format(events=textwrap.indent(textwrap.dedent(events), " " * 8))
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    return path


REST = """
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        DefaultAuthorizer: Token
        Authorizers:
          Token:
            FunctionArn: !GetAtt AuthFn.Arn
            Identity: {Header: X-Token, ValidationExpression: "Bearer .*", ReauthorizeEvery: 60}
          Request:
            FunctionPayloadType: REQUEST
            FunctionArn: !GetAtt AuthFn.Arn
            Identity:
              {Headers: [X-User], QueryStrings: [team], StageVariables: [env], Context: [identity.sourceIp]}
          Pool:
            UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc
"""
REST_EVENTS = """
A: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /a, Method: get}}
B: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /b, Method: get, Auth: {Authorizer: Request}}}
C: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /c, Method: get, Auth: {Authorizer: NONE}}}
D: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /d, Method: get,
    Auth: {Authorizer: Pool, AuthorizationScopes: [email]}}}
E: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /e, Method: get, Auth: {Authorizer: AWS_IAM}}}
"""


def test_sam_rest_authorizers_and_the_default_authorizer_guard_event_routes_unless_none(
    tmp_path: Path,
) -> None:
    (api,) = load_template(_template(tmp_path, REST, REST_EVENTS)).apis
    rules = api.authorizers
    assert rules is not None
    assert rules.authorizers["Token"] == LambdaAuthorizer(
        "Token", "AuthFn", "TOKEN", ("method.request.header.X-Token",), "Bearer .*", 60
    )
    assert rules.authorizers["Request"] == LambdaAuthorizer(
        "Request",
        "AuthFn",
        "REQUEST",
        (
            "method.request.header.X-User",
            "method.request.querystring.team",
            "stageVariables.env",
            "context.identity.sourceIp",
        ),
    )
    pool = rules.authorizers["Pool"]
    assert isinstance(pool, CognitoAuthorizer)
    assert pool.user_pool_arns == ("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc",)
    assert dict(rules.routes) == {
        "GET /a": RouteAuthorization("Token"),
        "GET /b": RouteAuthorization("Request"),
        "GET /d": RouteAuthorization("Pool", ("email",)),
    }
    assert any("AWS_IAM routes (GET /e) refuse unsigned requests as AWS does" in n for n in api.notes)
    assert api.integrations is not None
    assert api.integrations.iam == frozenset({"GET /e"})
    assert api.gateway_options("Fn")["authorizers"] is rules


def test_sam_event_naming_an_unknown_authorizer_is_a_template_error(tmp_path: Path) -> None:
    events = (
        "A: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /a, Method: get, Auth: {Authorizer: Nope}}}"
    )
    with pytest.raises(
        TemplateError,
        match=r"SAM refuses the template: .*Unable to set Authorizer \[Nope\] on API method \[get\]",
    ):
        load_template(_template(tmp_path, REST, events))


HTTP = """
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: https://issuer.example.com, audience: [app1, app2]}
          Simple:
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: 2.0
            EnableSimpleResponses: true
            Identity: {Headers: [Authorization], ReauthorizeEvery: 0}
          Old:
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: "1.0"
"""
HTTP_EVENTS = """
A: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /a, Method: get, Auth: {AuthorizationScopes: [read]}}}
B: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /b, Method: get, Auth: {Authorizer: Simple}}}
C: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /c, Method: get, Auth: {Authorizer: Old}}}
"""


def test_sam_http_api_jwt_and_lambda_authorizers_with_payload_formats_and_scopes(tmp_path: Path) -> None:
    (api,) = load_template(_template(tmp_path, HTTP, HTTP_EVENTS)).apis
    rules = api.authorizers
    assert rules is not None
    assert rules.authorizers["Jwt"] == JwtAuthorizer("Jwt", "https://issuer.example.com", ("app1", "app2"))
    simple = rules.authorizers["Simple"]
    assert isinstance(simple, LambdaAuthorizer)
    assert (simple.type, simple.payload_format_version, simple.simple_responses) == ("REQUEST", "2.0", True)
    assert (simple.identity_sources, simple.ttl) == (("$request.header.Authorization",), 0)
    old = rules.authorizers["Old"]
    assert isinstance(old, LambdaAuthorizer)
    assert (old.payload_format_version, old.identity_sources) == ("1.0", ())
    assert dict(rules.routes) == {
        "GET /a": RouteAuthorization("Jwt", ("read",)),
        "GET /b": RouteAuthorization("Simple"),
        "GET /c": RouteAuthorization("Old"),
    }


def test_sam_authorizer_function_outside_the_template_guards_its_routes_and_is_a_note(tmp_path: Path) -> None:
    """Never fail open: the authorizer cannot run here, so its routes answer as a failing authorizer (500)."""
    api = """
      Api:
        Type: AWS::Serverless::Api
        Properties:
          StageName: Prod
          Auth:
            DefaultAuthorizer: Remote
            Authorizers:
              Remote: {FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:elsewhere"}
    """
    events = "A: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /a, Method: get}}"
    (parsed,) = load_template(_template(tmp_path, api, events)).apis
    assert parsed.authorizers is not None
    assert dict(parsed.authorizers.routes) == {"GET /a": RouteAuthorization("Remote")}
    remote = parsed.authorizers.authorizers["Remote"]
    assert isinstance(remote, LambdaAuthorizer)
    assert remote.function == "arn:aws:lambda:us-east-1:123456789012:function:elsewhere"
    assert any("function:elsewhere is not in this template" in note for note in parsed.notes)


def test_sam_api_key_source_and_every_keyed_route_of_the_api_reach_the_gateway(tmp_path: Path) -> None:
    api = """
      Api:
        Type: AWS::Serverless::Api
        Properties: {StageName: Prod, ApiKeySourceType: AUTHORIZER, Auth: {ApiKeyRequired: true}}
    """
    events = "A: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /a, Method: get}}"
    (parsed,) = load_template(_template(tmp_path, api, events)).apis
    options = parsed.gateway_options("Fn")
    assert (options["api_key_routes"], options["api_key_source"]) == (["GET /a"], "AUTHORIZER")
