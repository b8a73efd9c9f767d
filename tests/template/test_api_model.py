"""API Gateway's own model read from what AWS deploys (issue #18): OpenAPI security schemes, CloudFormation
``AWS::ApiGateway::*`` resources as CDK writes them, MOCK methods, AWS_IAM routes, stages, asset metadata.

Each test is named after the AWS rule it checks; requests go through the library's ``requests`` session.
"""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning, NotEmulatedWarning
from apigw_emulator.gateway import Gateway
from apigw_emulator.model import HttpApi, RestApi
from apigw_emulator.template import TemplateError, load_template
from apigw_emulator.templates.apigateway import Resources, read_rest_api_model
from apigw_emulator.templates.intrinsics import Resolver
from apigw_emulator.templates.yaml_loader import load_document

APP = """
import json

def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({
        "resource": event.get("resource") or event.get("routeKey"),
        "stage": event["requestContext"]["stage"],
        "stageVariables": event.get("stageVariables"),
        "authorizer": event["requestContext"].get("authorizer"),
        "arn": context.invoked_function_arn,
    })}
"""
AUTH = """
def handler(event, context):
    token = event.get("authorizationToken")
    if token != "allow":
        raise Exception("Unauthorized")
    return {
        "principalId": "ann",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}]},
        "context": {"tier": "gold"},
    }
"""


def _project(tmp_path: Path, template: str, openapi: str | None = None) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "src" / "auth.py").write_text(AUTH, encoding="utf-8")
    if openapi is not None:
        (tmp_path / "openapi.yaml").write_text(textwrap.dedent(openapi), encoding="utf-8")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(template), encoding="utf-8")
    return path


def _application(path: Path, **options: Any) -> Application:
    """The application, without the warning about its AWS_IAM method (tested on its own below)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        return Application.from_template(path, **options)


def _quiet(gateway: Gateway, method: str, path: str, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        return gateway.request(method, path, **kwargs)


SAM_OPENAPI = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: {Location: ./openapi.yaml}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, CodeUri: src, Handler: app.handler}
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, CodeUri: src, Handler: auth.handler}
"""
OPENAPI = """
swagger: "2.0"
info: {title: pets, version: "1"}
securityDefinitions:
  Token:
    type: apiKey
    name: X-Token
    in: header
    x-amazon-apigateway-authtype: custom
    x-amazon-apigateway-authorizer:
      type: token
      authorizerUri:
        Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthFn.Arn}/invocations
      authorizerResultTtlInSeconds: 0
paths:
  /pets:
    get:
      security: [{Token: []}]
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri:
          Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  /open:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri:
          Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
"""


def test_a_token_authorizer_declared_in_openapi_security_definitions_guards_its_routes_d25(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, SAM_OPENAPI, OPENAPI)
    with Application.from_template(path, raise_handler_exceptions=False) as app:
        api = app.apis["Api"]
        refused = _quiet(api, "GET", "/pets")
        assert (refused.status_code, refused.json()) == (401, {"message": "Unauthorized"})
        assert _quiet(api, "GET", "/pets", headers={"X-Token": "deny"}).status_code == 401
        allowed = api.request("GET", "/pets", headers={"X-Token": "allow"})
        assert allowed.status_code == 200
        assert allowed.json()["authorizer"]["principalId"] == "ann"
        assert allowed.json()["authorizer"]["tier"] == "gold"
        assert api.request("GET", "/open").status_code == 200


CDK_LIKE = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {S3Bucket: cdk-assets, S3Key: 0123abcd.zip}
      Environment: {Variables: {MODE: cloud}}
    Metadata: {aws:cdk:path: Stack/Items/Handler/Resource, aws:asset:path: src, aws:asset:property: Code}
  AuthFn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: auth.handler
      Code: {S3Bucket: cdk-assets, S3Key: 0123abcd.zip}
    Metadata: {aws:asset:path: src, aws:asset:property: Code}
  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: items}}
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items}
  TokenAuthorizer:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref Api
      Name: token
      Type: TOKEN
      IdentitySource: method.request.header.Authorization
      AuthorizerResultTtlInSeconds: 0
      AuthorizerUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\
        ${AuthFn.Arn}/invocations"
  ItemsGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: GET
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref TokenAuthorizer
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  ItemsOptions:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: {application/json: "{ statusCode: 200 }"}
        IntegrationResponses:
          - StatusCode: "204"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
              method.response.header.Access-Control-Allow-Methods: "'OPTIONS,GET'"
      MethodResponses:
        - StatusCode: "204"
          ResponseParameters:
            method.response.header.Access-Control-Allow-Origin: true
            method.response.header.Access-Control-Allow-Methods: true
  ItemsPost:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: POST
      AuthorizationType: AWS_IAM
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  Version:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: version}
  VersionGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Version
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Join ["", ["arn:aws:apigateway:", !Ref "AWS::Region", ":lambda:path/2015-03-31/functions/",
                         !GetAtt Fn.Arn, ":${stageVariables.alias}/invocations"]]
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [ItemsGet, ItemsOptions, ItemsPost, VersionGet]
    Properties: {RestApiId: !Ref Api}
  Dev:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: !Ref Deployment
      StageName: dev
      Variables: {env: development}
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: !Ref Deployment
      StageName: prod
      Variables: {env: production, alias: live}
"""


def test_cdk_asset_metadata_locates_the_code_and_a_custom_authorizer_resource_guards_its_method(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, CDK_LIKE)
    with _application(path, raise_handler_exceptions=False) as app:
        api = app.apis["Api"]
        assert _quiet(api, "GET", "/items").status_code == 401
        allowed = api.request("GET", "/items", headers={"Authorization": "allow"})
        assert allowed.status_code == 200
        assert allowed.json()["resource"] == "/items"


def test_a_mock_preflight_answers_the_integration_response_its_request_template_selects(
    tmp_path: Path,
) -> None:
    """CDK's preflight: the request template says 200, the only (default) integration response is 204."""
    path = _project(tmp_path, CDK_LIKE)
    with _application(path) as app:
        response = app.apis["Api"].request("OPTIONS", "/items", headers={"Origin": "https://app.example.com"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response.headers["Access-Control-Allow-Methods"] == "OPTIONS,GET"
    assert response.content == b""


def test_an_aws_iam_method_refuses_an_unsigned_request_with_missing_authentication_token(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, CDK_LIKE)
    with pytest.warns(NotEmulatedWarning, match="AWS_IAM routes"):
        app = Application.from_template(path)
    assert app.not_emulated == (
        "Api: AWS_IAM routes (POST /items) refuse unsigned requests as AWS does; a SigV4 signature is not "
        "checked against credentials",
    )
    with app:
        api = app.apis["Api"]
        unsigned = _quiet(api, "POST", "/items")
        assert (unsigned.status_code, unsigned.json()) == (403, {"message": "Missing Authentication Token"})
        assert unsigned.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
        signature = (
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/execute-api/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0123abcd"
        )
        assert api.request("POST", "/items", headers={"Authorization": signature}).status_code == 200


def test_choosing_a_stage_takes_that_stages_variables(tmp_path: Path) -> None:
    path = _project(tmp_path, CDK_LIKE)
    headers = {"Authorization": "allow"}
    with _application(path, stage="prod") as app:
        body = app.apis["Api"].request("GET", "/items", headers=headers).json()
    assert (body["stage"], body["stageVariables"]) == ("prod", {"env": "production", "alias": "live"})
    with _application(path) as app:
        body = app.apis["Api"].request("GET", "/items", headers=headers).json()
    assert (body["stage"], body["stageVariables"]) == ("dev", {"env": "development"})


def test_a_stage_variable_in_the_integration_uri_qualifies_the_invoked_function_arn(tmp_path: Path) -> None:
    """The common alias pattern: the integration invokes ``<function ARN>:${stageVariables.alias}``."""
    path = _project(tmp_path, CDK_LIKE)
    function_arn = "arn:aws:lambda:us-east-1:123456789012:function:Fn"
    with _application(path, stage="prod") as app:
        assert app.apis["Api"].request("GET", "/version").json()["arn"] == f"{function_arn}:live"
        assert app.apis["Api"].request("GET", "/items", headers={"Authorization": "allow"}).json()["arn"] == (
            function_arn
        )


def test_the_rest_model_holds_methods_integrations_authorizers_and_stages(tmp_path: Path) -> None:
    path = _project(tmp_path, CDK_LIKE)
    template = load_template(path)
    api = template.api("Api")
    assert api.stages == {"dev": {"env": "development"}, "prod": {"env": "production", "alias": "live"}}
    assert api.integrations is not None
    assert set(api.integrations.mocks) == {"OPTIONS /items"}
    assert api.integrations.iam == frozenset({"POST /items"})
    assert template.functions["Fn"].code_dir() == (tmp_path / "src").resolve()


def test_cdk_construct_paths_and_ids_name_resources_wherever_a_logical_id_does(tmp_path: Path) -> None:
    template = load_template(_project(tmp_path, CDK_LIKE))
    for name in ("Handler", "Items/Handler", "Stack/Items/Handler", "Fn"):
        assert template.function(name).logical_id == "Fn"
    function = template.function("Handler")
    assert function.environment_with({"Items/Handler": {"MODE": "local"}})["MODE"] == "local"
    assert function.environment_with({"Handler": {"MODE": "here"}, "Fn": {"MODE": "id"}})["MODE"] == "id"
    _, chosen = template.select(template_api="Api", function="Stack/Items/Handler")
    assert chosen.logical_id == "Fn"


def test_a_mock_status_no_integration_response_maps_is_a_500(tmp_path: Path) -> None:
    template = CDK_LIKE.replace('"{ statusCode: 200 }"', '"{\\"statusCode\\": 418}"').replace(
        '- StatusCode: "204"\n            ResponseParameters:',
        '- StatusCode: "204"\n            SelectionPattern: "2\\\\d{2}"\n            ResponseParameters:',
    )
    path = _project(tmp_path, template)
    with _application(path) as app:
        response = _quiet(app.apis["Api"], "OPTIONS", "/items")
    assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})


SAM_CORS_DEFAULT_AUTHORIZER = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors: {AllowOrigin: "'https://app.example.com'", AllowMethods: "'GET'"}
      Auth:
        DefaultAuthorizer: Token
        Authorizers:
          Token: {FunctionArn: !GetAtt AuthFn.Arn, Identity: {ReauthorizeEvery: 0}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src
      Handler: app.handler
      Events:
        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /pets, Method: get}}
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, CodeUri: src, Handler: auth.handler}
"""


def test_sam_guards_the_cors_preflight_with_the_default_authorizer_by_default(tmp_path: Path) -> None:
    """SAM's AddDefaultAuthorizerToCorsPreflight defaults to true (spec 10.6, issue #20 item 10)."""
    path = _project(tmp_path, SAM_CORS_DEFAULT_AUTHORIZER)
    preflight = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"}
    with Application.from_template(path) as app:
        api = app.apis["Api"]
        assert _quiet(api, "OPTIONS", "/pets", headers=preflight).status_code == 401
        answered = api.request("OPTIONS", "/pets", headers={**preflight, "Authorization": "allow"})
    assert answered.status_code == 200
    assert answered.headers["Access-Control-Allow-Origin"] == "https://app.example.com"


HTTP_IAM = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src}
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: h, ProtocolType: HTTP}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn,
                 PayloadFormatVersion: "2.0"}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /x, AuthorizationType: AWS_IAM,
                 Target: !Sub "integrations/${Integration}"}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: $default, AutoDeploy: true}
"""


def test_an_http_api_aws_iam_route_refuses_an_unsigned_request_with_403(tmp_path: Path) -> None:
    path = _project(tmp_path, HTTP_IAM)
    with pytest.warns(NotEmulatedWarning, match="AWS_IAM routes"):
        gateway = Gateway.from_template(path)
    with gateway:
        unsigned = _quiet(gateway, "GET", "/x")
        assert (unsigned.status_code, unsigned.json()) == (403, {"message": "Forbidden"})
        assert gateway.request("GET", "/x", params={"X-Amz-Signature": "abc"}).status_code == 200


def test_models_are_plain_data(tmp_path: Path) -> None:
    """The model is frozen data, read once; a reader builds it without importing any function."""
    path = _project(tmp_path, CDK_LIKE)
    document = load_document(path)["Resources"]
    types = {logical_id: resource["Type"] for logical_id, resource in document.items()}
    resolver = Resolver(parameters={}, pseudo=_PSEUDO, resource_types=types)
    catalogue = Resources(document, resolver, tmp_path, {})
    model = read_rest_api_model("Api", document["Api"]["Properties"], catalogue)
    assert isinstance(model, RestApi)
    assert not isinstance(model, HttpApi)
    assert {method.route_key: method.authorization_type for method in model.methods} == {
        "GET /items": "CUSTOM",
        "OPTIONS /items": "NONE",
        "POST /items": "AWS_IAM",
        "GET /version": "NONE",
    }
    get = next(method for method in model.methods if method.http_method == "GET")
    assert get.authorizer == "TokenAuthorizer"
    assert get.integration.type == "AWS_PROXY"
    with pytest.raises(AttributeError):
        model.logical_id = "other"  # type: ignore[misc]


_PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "s",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}


NESTED_PARENT = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Resources:
  Child:
    Type: AWS::Serverless::Application
    Properties:
      Location: child/template.yaml
      Parameters: {Greeting: !Sub "hello-${Stage}"}
"""
NESTED_CHILD = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Greeting: {Type: String}
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: ../src
      Handler: greet.handler
      Environment: {Variables: {GREETING: !Ref Greeting}}
      Events:
        Get: {Type: HttpApi, Properties: {Path: /hi, Method: get}}
"""
GREET = """
import os

def handler(event, context):
    return {"statusCode": 200, "body": os.environ["GREETING"]}
"""


def test_a_nested_application_is_served_with_its_parent_and_the_parameters_it_passes(tmp_path: Path) -> None:
    path = _project(tmp_path, NESTED_PARENT)
    (tmp_path / "src" / "greet.py").write_text(GREET, encoding="utf-8")
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "template.yaml").write_text(textwrap.dedent(NESTED_CHILD), encoding="utf-8")
    assert load_template(path).function("Child/Hello").logical_id == "Hello"
    with Application.from_template(path, parameters={"Stage": "prod"}) as app:
        response = app.apis["ServerlessHttpApi"].request("GET", "/hi")
    assert (response.status_code, response.text) == (200, "hello-prod")


def test_a_nested_stack_whose_resources_clash_with_the_parents_is_a_template_error(tmp_path: Path) -> None:
    child = NESTED_CHILD.replace("Hello:", "Parent:")
    parent = (
        NESTED_PARENT
        + """
  Parent:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, CodeUri: src, Handler: app.handler}
"""
    )
    path = _project(tmp_path, parent)
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "template.yaml").write_text(textwrap.dedent(child), encoding="utf-8")
    with pytest.raises(TemplateError, match="the nested stack's Parent has the logical id of a resource"):
        load_template(path)


MOCK_API = """
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
          /items:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\
                  ${Fn.Arn}/invocations"
          /status:
            get:
              x-amazon-apigateway-integration:
                type: mock
                passthroughBehavior: never
                requestTemplates:
                  application/json: |
                    #if($input.params('fail') == "yes"){"statusCode": 503}#else{"statusCode": 200}#end
                responses:
                  "5\\\\d{2}":
                    statusCode: "503"
                    responseTemplates:
                      application/json: '{"state": "down", "stage": "$context.stage"}'
                  default:
                    statusCode: "200"
                    responseParameters:
                      method.response.header.X-Mock: "'yes'"
                    responseTemplates:
                      application/json: |
                        #set($context.responseOverride.header.X-Stage = $stageVariables.env)
                        {"state": "up", "who": "$input.params('who')"}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, StageName: test, DeploymentId: dep, Variables: {env: testing}}
"""


def test_rule_10_4_a_mock_request_template_is_rendered_and_its_status_selects_the_response(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path, MOCK_API)
    with _application(path) as app:
        gateway = app.apis["Api"]
        assert gateway.request("GET", "/items").status_code == 200
        up = gateway.request("GET", "/status", params={"who": "ann"})
        assert (up.status_code, up.json()) == (200, {"state": "up", "who": "ann"})
        assert (up.headers["X-Mock"], up.headers["X-Stage"]) == ("yes", "testing")
        down = gateway.request("GET", "/status", params={"fail": "yes"})
        assert (down.status_code, down.json()) == (503, {"state": "down", "stage": "test"})
        refused = _quiet(gateway, "GET", "/status", headers={"Content-Type": "text/plain"})
        assert (refused.status_code, refused.json()) == (415, {"message": "Unsupported Media Type"})
