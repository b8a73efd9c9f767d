"""Every construct the emulator cannot honour is an error naming the file, the property and the construct."""

from __future__ import annotations

import re
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
            "s3_definition_uri",
            "Resources.RemoteApi.Properties.BodyS3Location",
            r"the OpenAPI definition is in S3 \(s3://my-bucket/openapi.yaml\), not on this machine",
        ),
        (
            "s3_body_location",
            "Resources.RemoteApi.Properties.BodyS3Location",
            r"the OpenAPI definition is in S3 \(s3://.*\), not on this machine",
        ),
        (
            # SAM deploys a DefinitionUri as the REST API's BodyS3Location.
            "missing_definition_file",
            "Resources.LostApi.Properties.BodyS3Location",
            "OpenAPI definition not found: .*not-there.yaml",
        ),
        (
            # SAM's generated stage resource carries the API's StageName.
            "import_value",
            "Resources.SharedApiStage.Properties.StageName",
            "Fn::ImportValue cannot be resolved locally",
        ),
        (
            "unresolvable_attribute",
            "Resources.BucketApiProdStage.Properties.Variables.bucket",
            r"Fn::GetAtt UploadBucket.Arn \(AWS::S3::Bucket\) cannot be resolved locally",
        ),
        (
            "parameter_without_default",
            "Resources.StagedApiStage.Properties.StageName",
            "parameter 'Stage' has no Default",
        ),
        (
            "missing_payload_version",
            "Resources.VersionlessApi.Properties.Body.paths./items.get"
            ".x-amazon-apigateway-integration.payloadFormatVersion",
            "an HTTP API Lambda integration needs payloadFormatVersion",
        ),
        (
            # SAM adds no integration to an operation the DefinitionBody already has: AWS refuses the method.
            "missing_integration",
            "Resources.HalfApi.Properties.Body.paths./covered.get",
            "GET /covered has no x-amazon-apigateway-integration: API Gateway refuses a method without an "
            "integration",
        ),
        (
            "rest_default_route",
            "Resources.ServerlessRestApi.Properties.Body.paths.$default.x-amazon-apigateway-any-method",
            r"a REST API has no \$default route",
        ),
        (
            "response_stream",
            "Resources.StreamFunctionUrl.Properties.InvokeMode",
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


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("unknown_ref", "RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource"),
        ("wrong_api_type", "RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource"),
        ("conflicting_routes", 'API method "get" defined multiple times for path "/items"'),
        ("both_definitions", "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both"),
        ("no_stage_name", "Missing required property 'StageName'"),
    ],
)
def test_what_sam_refuses_is_refused_with_sams_message(name: str, message: str) -> None:
    """SAM templates are expanded by AWS's own translator: what ``sam deploy`` refuses, loading refuses,
    quoting the translator."""
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(TemplateError, match=f"SAM refuses the template: .*{re.escape(message)}") as caught:
        load_template(path)
    assert caught.value.source == str(path)


@pytest.mark.parametrize(
    ("name", "route", "reason"),
    [
        (
            "aws_integration_method",
            "POST /",
            r"AWS integrations are not run yet \(arn:aws:apigateway:.*:sqs:",
        ),
        ("external_function", "GET /", "the integration invokes a function that is not in this template"),
    ],
)
def test_an_integration_not_run_yet_answers_500_and_never_stops_loading(
    name: str, route: str, reason: str
) -> None:
    """An integration the emulator does not run fails where it is needed, the request, as an AWS
    misconfiguration would (500), never as an open route or a template that cannot be served."""
    (api,) = load_template(BROKEN / f"{name}.yaml").apis
    assert route in api.route_specs
    assert any(re.search(reason, note) for note in api.notes)
    integrations = api.integrations
    assert integrations is not None
    assert re.search(reason, integrations.unsupported[route])


def test_an_http_proxy_integration_is_run_by_the_front_door() -> None:
    (api,) = load_template(BROKEN / "http_proxy_integration.yaml").apis
    integrations = api.integrations
    assert integrations is not None
    assert "GET /legacy" in integrations.http
    assert "GET /legacy" in api.route_specs
    assert not integrations.unsupported


def test_a_websocket_api_is_a_note_not_an_error() -> None:
    template = load_template(BROKEN / "websocket.yaml")
    assert template.apis == []  # nothing to serve: selecting an API then says so


def test_template_errors_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError):
        load_template(BROKEN / "foreach.yaml")


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
            "Resources:\n  Fn: {Type: AWS::Lambda::Function, Properties: [1]}\n",
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
    Properties: {ApiId: !Ref Api, IntegrationType: AWS, IntegrationUri: https://example.com}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /x, Target: !Sub "integrations/${Integration}"}
""",
            "Resources.Integration.Properties.IntegrationType",
            "integration type 'AWS': an HTTP API has AWS_PROXY and HTTP_PROXY integrations",
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
    _assert_refused(tmp_path, resources, where, message)


def _assert_refused(tmp_path: Path, resources: str, where: str, message: str) -> None:
    """A template of ``FUNCTION`` and ``resources`` is refused with ``message`` naming ``where``."""
    path = tmp_path / "template.yaml"
    path.write_text(f"Resources:{FUNCTION}{resources}", encoding="utf-8")
    with pytest.raises(TemplateError, match=message) as caught:
        load_template(path)
    assert caught.value.where == where


REST_OPENAPI_TIMEOUT = f"""
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        swagger: "2.0"
        paths:
          /x:
            get:
              x-amazon-apigateway-integration: {{type: aws_proxy, uri: {URI}, timeoutInMillis: MILLIS}}
"""
REST_METHOD_TIMEOUT = f"""
  Api: {{Type: AWS::ApiGateway::RestApi}}
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {{Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: {URI}, TimeoutInMillis: MILLIS}}
"""
HTTP_INTEGRATION_TIMEOUT = """
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: HTTP}}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Fn.Arn
      PayloadFormatVersion: "2.0"
      TimeoutInMillis: MILLIS
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /x, Target: !Sub "integrations/${Integration}"}
"""
OPENAPI_WHERE = "Resources.Api.Properties.Body.paths./x.get.x-amazon-apigateway-integration.timeoutInMillis"


@pytest.mark.parametrize(
    ("resources", "millis", "where", "message"),
    [
        (REST_OPENAPI_TIMEOUT, "soon", OPENAPI_WHERE, "expected milliseconds, got 'soon'"),
        (REST_OPENAPI_TIMEOUT, "0", OPENAPI_WHERE, r"0 ms is outside .* a REST API integration's timeout"),
        (REST_OPENAPI_TIMEOUT, "49", OPENAPI_WHERE, r"\(50 to 300,000 ms\)"),
        (REST_OPENAPI_TIMEOUT, "300001", OPENAPI_WHERE, "300001 ms is outside"),
        (
            REST_METHOD_TIMEOUT,
            "10",
            "Resources.Get.Properties.Integration.TimeoutInMillis",
            "10 ms is outside",
        ),
        (
            REST_METHOD_TIMEOUT,
            "'2.5'",
            "Resources.Get.Properties.Integration.TimeoutInMillis",
            "expected milliseconds, got '2.5'",
        ),
        (
            HTTP_INTEGRATION_TIMEOUT,
            "30001",
            "Resources.Integration.Properties.TimeoutInMillis",
            r"30001 ms is outside .* an HTTP API integration's timeout \(50 to 30,000 ms\)",
        ),
    ],
)
def test_integration_timeouts_api_gateway_refuses_are_template_errors(
    tmp_path: Path, resources: str, millis: str, where: str, message: str
) -> None:
    # Spec, limits table: an integration timeout is 50 ms to 29 s (a REST API's can be raised, to 300 s),
    # an HTTP API's at most 30 s; API Gateway refuses a deployment outside these.
    _assert_refused(tmp_path, resources.replace("MILLIS", millis), where, message)


@pytest.mark.parametrize(
    ("resources", "millis"),
    [(REST_OPENAPI_TIMEOUT, 50), (REST_METHOD_TIMEOUT, 120_000), (HTTP_INTEGRATION_TIMEOUT, 30_000)],
)
def test_integration_timeouts_api_gateway_accepts_are_read(
    tmp_path: Path, resources: str, millis: int
) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(f"Resources:{FUNCTION}{resources.replace('MILLIS', str(millis))}", encoding="utf-8")
    (api,) = load_template(path).apis
    assert api.gateway_options("Fn")["integration_timeout"] == millis / 1000
