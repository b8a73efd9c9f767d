"""Every construct the emulator cannot honour is an error naming the file, the property and the construct."""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_emulator import ConfigurationError
from apigw_emulator.template import TemplateError, gateway_kwargs_from_template, load_template

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"


@pytest.mark.parametrize(
    ("name", "where", "message"),
    [
        (
            "http_proxy_integration",
            "Resources.LegacyApi.Properties.DefinitionBody.paths./legacy.get.x-amazon-apigateway-integration.type",
            "GET /legacy: integration type 'http_proxy' is not a Lambda proxy integration",
        ),
        (
            "mock_integration",
            "Resources.MockApi.Properties.DefinitionBody.paths./status.get.x-amazon-apigateway-integration.type",
            "GET /status: integration type 'mock' is not a Lambda proxy integration",
        ),
        (
            "aws_integration_method",
            "Resources.SendMethod.Properties.Integration.Type",
            "POST /: integration type 'AWS' is not a Lambda proxy integration",
        ),
        (
            "s3_definition_uri",
            "Resources.RemoteApi.Properties.DefinitionUri",
            r"OpenAPI definitions in S3 \(s3://my-bucket/openapi.yaml\) are not supported",
        ),
        (
            "s3_body_location",
            "Resources.RemoteApi.Properties.BodyS3Location",
            "OpenAPI definitions in S3 .* are not supported",
        ),
        (
            "missing_definition_file",
            "Resources.LostApi.Properties.DefinitionUri",
            "OpenAPI definition not found: .*not-there.yaml",
        ),
        (
            "import_value",
            "Resources.SharedApi.Properties.StageName",
            "Fn::ImportValue cannot be resolved locally",
        ),
        (
            "unknown_ref",
            "Resources.EchoFunction.Properties.Events.Get.Properties.RestApiId",
            "Ref to 'MissingApi', which is no parameter nor resource",
        ),
        (
            "wrong_api_type",
            "Resources.EchoFunction.Properties.Events.Get.Properties.RestApiId",
            "RestApiId must reference an AWS::Serverless::Api of this template",
        ),
        (
            "unresolvable_attribute",
            "Resources.BucketApi.Properties.Variables.bucket",
            r"Fn::GetAtt UploadBucket.Arn \(AWS::S3::Bucket\) cannot be resolved locally",
        ),
        (
            "parameter_without_default",
            "Resources.StagedApi.Properties.StageName",
            "parameter 'Stage' has no Default",
        ),
        (
            "missing_payload_version",
            "Resources.VersionlessApi.Properties.DefinitionBody.paths./items.get"
            ".x-amazon-apigateway-integration.payloadFormatVersion",
            "an HTTP API Lambda integration needs payloadFormatVersion",
        ),
        (
            "missing_integration",
            "Resources.HalfApi.Properties.DefinitionBody.paths./orphan.delete",
            "DELETE /orphan of API HalfApi has no x-amazon-apigateway-integration",
        ),
        (
            "external_function",
            "Resources.ElsewhereApi.Properties.DefinitionBody.paths./.get.x-amazon-apigateway-integration.uri",
            r"invokes function 'other-stack-fn', which is not in this template "
            r"\(its functions: EchoFunction\)",
        ),
        (
            "conflicting_routes",
            "",
            "route GET /items of API ServerlessRestApi is defined twice, differently: "
            r"at Resources.EchoFunction.Properties.Events.Get.Properties \(EchoFunction",
        ),
        (
            "rest_default_route",
            "Resources.EchoFunction.Properties.Events.Default.Properties",
            r"a REST API has no \$default route",
        ),
        (
            "both_definitions",
            "Resources.TwiceApi.Properties",
            "give DefinitionBody or DefinitionUri, not both",
        ),
        (
            "no_stage_name",
            "Resources.StagelessApi.Properties.StageName",
            "an AWS::Serverless::Api needs a StageName",
        ),
        (
            "websocket",
            "Resources.ChatApi.Properties.ProtocolType",
            "ProtocolType WEBSOCKET is not emulated",
        ),
        (
            "response_stream",
            "Resources.StreamFunction.Properties.FunctionUrlConfig.InvokeMode",
            "InvokeMode RESPONSE_STREAM is not emulated",
        ),
        (
            "foreach",
            "Resources.Fn::ForEach::Topics",
            r"Fn::ForEach \(AWS::LanguageExtensions\) is not expanded locally",
        ),
        ("duplicate_key", "", "found duplicate key 'Get'"),
        ("invalid_yaml", "", "the template is not valid YAML"),
    ],
)
def test_broken_template(name: str, where: str, message: str) -> None:
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(TemplateError, match=message) as caught:
        load_template(path)
    error = caught.value
    assert error.where == where
    assert error.source == str(path)
    assert str(error).startswith(f"{path}: {where + ': ' if where else ''}")


def test_template_errors_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError):
        load_template(BROKEN / "websocket.yaml")


def test_a_missing_template() -> None:
    with pytest.raises(TemplateError, match=r"template not found: .*nowhere\.yaml"):
        load_template(DATA / "nowhere.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "a template must be a mapping with a Resources section"),
        ("Description: nothing\n", "the template has no Resources section"),
        ("Resources:\n  Thing: {Properties: {}}\n", "a resource must be a mapping with a Type"),
        (
            "Resources:\n  Fn: {Type: AWS::Serverless::Function, Properties: [1]}\n",
            "Properties must be a mapping",
        ),
    ],
)
def test_malformed_templates(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=message):
        load_template(path)


def test_unknown_parameters_are_an_error_listing_the_declared_ones() -> None:
    with pytest.raises(TemplateError, match=r"unknown parameter\(s\) Stage; the template declares: Env"):
        load_template(DATA / "http_api.yaml", parameters={"Stage": "prod"})


def test_parameters_outside_allowed_values_are_an_error() -> None:
    with pytest.raises(TemplateError, match="'qa' is not an allowed value of parameter 'StageName'"):
        load_template(DATA / "rest_swagger.yaml", parameters={"StageName": "qa"})


def test_mixed_payload_formats_for_one_function() -> None:
    api = load_template(BROKEN / "mixed_payloads.yaml").api("ServerlessHttpApi")
    with pytest.raises(TemplateError, match=r"mix payload formats \(GET /old: 1.0; GET /new: 2.0\)"):
        api.gateway_options("EchoFunction")


def test_mixed_integration_timeouts_for_one_function() -> None:
    api = load_template(BROKEN / "mixed_payloads.yaml").api("ServerlessHttpApi")
    with pytest.raises(TemplateError, match=r"different TimeoutInMillis \(1000, 20000\)"):
        api.gateway_options("SlowFunction")


def test_a_custom_domain_needs_a_domain() -> None:
    with pytest.raises(TemplateError, match="API ImageApi has no custom domain"):
        gateway_kwargs_from_template(DATA / "rest_swagger.yaml", custom_domain=True)


FUNCTION = """
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.lambda_handler, Code: echo_app}
"""
URI = "!Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations'"


@pytest.mark.parametrize(
    ("resources", "where", "message"),
    [
        (
            """
  Api: {Type: AWS::ApiGateway::RestApi}
  Get:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Api, ResourceId: !Ref Api, HttpMethod: GET}
""",
            "Resources.Get.Properties.ResourceId",
            "ResourceId 'Api' is no AWS::ApiGateway::Resource of Api",
        ),
        (
            """
  Api: {Type: AWS::ApiGateway::RestApi}
  Loose:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: Elsewhere, PathPart: x}
""",
            "Resources.Loose.Properties.ParentId",
            "ParentId 'Elsewhere' is neither Api's RootResourceId nor one of its resources",
        ),
        (
            """
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: HTTP}}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /x, Target: !GetAtt Fn.Arn}
""",
            "Resources.Route.Properties.Target",
            "is not 'integrations/<an AWS::ApiGatewayV2::Integration>'",
        ),
        (
            """
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: HTTP}}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /x, Target: !Sub "integrations/${Integration}"}
""",
            "Resources.Integration.Properties.PayloadFormatVersion",
            "a Lambda integration needs PayloadFormatVersion",
        ),
        (
            """
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: HTTP}}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: HTTP_PROXY, IntegrationUri: https://example.com}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /x, Target: !Sub "integrations/${Integration}"}
""",
            "Resources.Integration.Properties.IntegrationType",
            "GET /x: integration type 'HTTP_PROXY' is not a Lambda proxy integration",
        ),
        (
            """
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Body:
        openapi: 3.0.1
        paths:
          /x:
            get:
              x-amazon-apigateway-integration: {$ref: "other.yaml#/integration"}
""",
            "Resources.Api.Properties.Body.paths./x.get.x-amazon-apigateway-integration",
            r"only local \$ref \('#/\.\.\.'\) are supported",
        ),
        (
            """
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        swagger: "2.0"
        paths:
          /x: {$ref: "#/x-paths/x"}
""",
            "Resources.Api.Properties.Body.paths./x",
            r"\$ref path items are not supported",
        ),
        (
            f"""
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        swagger: "2.0"
        paths:
          /x:
            get:
              x-amazon-apigateway-integration: {{type: aws_proxy, uri: {URI}, timeoutInMillis: soon}}
""",
            "Resources.Api.Properties.Body.paths./x.get.x-amazon-apigateway-integration.timeoutInMillis",
            "expected milliseconds, got 'soon'",
        ),
        (
            """
  Url:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !Ref Fn, AuthType: COGNITO}
""",
            "Resources.Url.Properties.AuthType",
            "AuthType must be NONE or AWS_IAM, got 'COGNITO'",
        ),
        (
            """
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: v1, EndpointConfiguration: {Type: GLOBAL}}
""",
            "Resources.Api.Properties.EndpointConfiguration",
            "endpoint type 'GLOBAL': expected one of EDGE, REGIONAL, PRIVATE",
        ),
    ],
)
def test_broken_cloudformation_resources(tmp_path: Path, resources: str, where: str, message: str) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(f"Resources:{FUNCTION}{resources}", encoding="utf-8")
    with pytest.raises(TemplateError, match=message) as caught:
        load_template(path)
    assert caught.value.where == where
