"""REST gateway responses (spec 10.2): AWS's types, the fallback to DEFAULT_4XX / DEFAULT_5XX, status
overrides, response parameters, templates by ``Accept``, and the default bodies byte for byte, which must be
the ones :mod:`apigw_emulator.gateway_errors` answers today.

Each test is named after the rule it checks; the customised responses of the last tests are read by
:func:`load_template` from templates written the three ways users write them.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator import Gateway, gateway_errors
from apigw_emulator.config import GatewayConfig
from apigw_emulator.errors import GatewayErrorWarning
from apigw_emulator.gateway_responses import (
    DEFAULT_TEMPLATE,
    RESPONSE_TYPES,
    GatewayError,
    GatewayResponseSpecError,
    check_gateway_responses,
    render_gateway_response,
)
from apigw_emulator.ids import RequestStamp
from apigw_emulator.model import GatewayResponseSpec
from apigw_emulator.request import HttpRequest
from apigw_emulator.response import GatewayResponse
from apigw_emulator.template import load_template

REGIONAL = GatewayConfig.create("rest", endpoint_type="REGIONAL")
EDGE = GatewayConfig.create("rest", endpoint_type="EDGE")
STAMP = RequestStamp(
    "c0ffee00-0000-4000-8000-000000000001", "AbCdEfGhIjKlMnO=", "Root=1-0-0", 0, ("ab", "cf")
)
CONTEXT: dict[str, Any] = {
    "requestId": STAMP.request_id,
    "stage": "prod",
    "resourcePath": "/items/{id}",
    "identity": {"sourceIp": "203.0.113.9", "userAgent": "curl/8"},
    "authorizer": {"principalId": "ann", "admin": True},
}
Specs = Mapping[str, GatewayResponseSpec]


def _render(
    response_type: str,
    customised: Specs = {},  # noqa: B006 (never mutated)
    error: GatewayError | None = None,
    *,
    request: HttpRequest | None = None,
    stage_variables: Mapping[str, str] | None = None,
    path_parameters: Mapping[str, str] | None = None,
    config: GatewayConfig = REGIONAL,
) -> GatewayResponse:
    return render_gateway_response(
        response_type,
        customised,
        error or GatewayError.default(response_type),
        CONTEXT,
        stage_variables,
        request,
        config=config,
        stamp=STAMP,
        path_parameters=path_parameters,
    )


def _spec(
    type_: str, status: str | None = None, params: Any = None, templates: Any = None
) -> GatewayResponseSpec:
    return GatewayResponseSpec(type_, status, params or {}, templates or {})


# -- the table ------------------------------------------------------------------------------------------

DOCUMENTED = {
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_PARAMETERS": 400,
    "BAD_REQUEST_BODY": 400,
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
}


def test_every_type_aws_documents_is_in_the_table_with_its_default_status() -> None:
    assert {name: t.default_status for name, t in RESPONSE_TYPES.items()} == DOCUMENTED


@pytest.mark.parametrize("name", [n for n, status in DOCUMENTED.items() if status is not None])
def test_an_uncustomised_type_answers_its_default_status_with_the_default_template(name: str) -> None:
    response = _render(name)
    assert response.status == DOCUMENTED[name]
    message = RESPONSE_TYPES[name].message
    key = "Message" if name == "ACCESS_DENIED" else "message"
    assert response.body == json.dumps({key: message}, separators=(",", ":")).encode()
    assert response.header("Content-Type") == "application/json"
    assert response.header("Content-Length") == str(len(response.body))
    assert response.header("x-amzn-ErrorType") == RESPONSE_TYPES[name].error_type


@pytest.mark.parametrize(("name", "status"), [("DEFAULT_4XX", 400), ("DEFAULT_5XX", 500)])
def test_the_fallback_types_answer_the_first_status_of_their_class(name: str, status: int) -> None:
    assert _render(name).status == status


# -- the same bytes as gateway_errors --------------------------------------------------------------------

_SPACED_500 = b'{"message": "Internal server error"}'
#: gateway_errors' REST answer -> (type, the error that renders it): the proposal for calling this module.
AGREEMENT: dict[str, tuple[Callable[[], GatewayResponse], str, GatewayError]] = {
    "route_not_found": (
        lambda: gateway_errors.route_not_found(REGIONAL, STAMP, "r"),
        "MISSING_AUTHENTICATION_TOKEN",
        GatewayError("Missing Authentication Token", "r"),
    ),
    "missing_authentication_token": (
        lambda: gateway_errors.missing_authentication_token(REGIONAL, STAMP, "r"),
        "MISSING_AUTHENTICATION_TOKEN",
        GatewayError("Missing Authentication Token", "r"),
    ),
    "bad_gateway": (
        lambda: gateway_errors.bad_gateway(REGIONAL, STAMP, "r"),
        "INTEGRATION_FAILURE",
        GatewayError("Internal server error", "r", status=502, captured_body=_SPACED_500),
    ),
    "binary_decode_failed": (
        lambda: gateway_errors.binary_decode_failed(REGIONAL, STAMP, "r"),
        "API_CONFIGURATION_ERROR",
        GatewayError("Internal server error", "r"),
    ),
    "gateway_timeout": (
        lambda: gateway_errors.gateway_timeout(REGIONAL, STAMP, "r"),
        "INTEGRATION_TIMEOUT",
        GatewayError(
            "Endpoint request timed out", "r", captured_body=b'{"message": "Endpoint request timed out"}'
        ),
    ),
    "request_too_long": (
        lambda: gateway_errors.request_too_long(REGIONAL, STAMP, "r"),
        "REQUEST_TOO_LARGE",
        GatewayError("Request Too Long", "r", captured_body=b'{"message": "Request Too Long"}'),
    ),
    "throttled": (
        lambda: gateway_errors.throttled(REGIONAL, STAMP, "r"),
        "INTEGRATION_FAILURE",
        GatewayError("Internal server error", "r", status=500, captured_body=_SPACED_500),
    ),
    "forbidden": (
        lambda: gateway_errors.forbidden(REGIONAL, STAMP, "r"),
        "INVALID_API_KEY",
        GatewayError("Forbidden", "r"),
    ),
    "unauthorized": (
        lambda: gateway_errors.unauthorized(REGIONAL, STAMP, "r"),
        "UNAUTHORIZED",
        GatewayError("Unauthorized", "r"),
    ),
    "access_denied": (
        lambda: gateway_errors.access_denied(REGIONAL, STAMP, "r"),
        "ACCESS_DENIED",
        GatewayError("User is not authorized to access this resource", "r"),
    ),
    "access_denied_explicit": (
        lambda: gateway_errors.access_denied(REGIONAL, STAMP, "r", explicit=True),
        "ACCESS_DENIED",
        GatewayError("User is not authorized to access this resource with an explicit deny", "r"),
    ),
    "authorizer_failure": (
        lambda: gateway_errors.authorizer_failure(REGIONAL, STAMP, "r"),
        "AUTHORIZER_CONFIGURATION_ERROR",
        GatewayError(None, "r"),
    ),
    "integration_configuration_error": (
        lambda: gateway_errors.integration_configuration_error(REGIONAL, STAMP, "r"),
        "API_CONFIGURATION_ERROR",
        GatewayError("Internal server error", "r", captured_body=_SPACED_500),
    ),
}


@pytest.mark.parametrize("case", list(AGREEMENT))
def test_rule_10_6_uncustomised_answers_are_the_bytes_gateway_errors_gives(case: str) -> None:
    today, response_type, error = AGREEMENT[case]
    assert _render(response_type, {}, error) == today()


def test_an_edge_api_answer_gains_cloudfronts_headers_as_gateway_errors_does() -> None:
    expected = gateway_errors.unauthorized(EDGE, STAMP, "r")
    assert _render("UNAUTHORIZED", {}, GatewayError("Unauthorized", "r"), config=EDGE) == expected
    assert expected.header("X-Cache") == "Error from cloudfront"


# -- which customised response applies, and its status --------------------------------------------------


def test_a_customised_type_answers_with_its_own_status_headers_and_template() -> None:
    spec = _spec(
        "MISSING_AUTHENTICATION_TOKEN",
        "404",
        {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
        {"application/json": '{"error":"no such path: $context.resourcePath"}'},
    )
    response = _render("MISSING_AUTHENTICATION_TOKEN", {"MISSING_AUTHENTICATION_TOKEN": spec})
    assert (response.status, response.body) == (404, b'{"error":"no such path: /items/{id}"}')
    assert response.header("Access-Control-Allow-Origin") == "*"
    assert response.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"


def test_an_uncustomised_4xx_type_falls_back_to_the_customised_default_4xx() -> None:
    cors = _spec("DEFAULT_4XX", params={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"})
    response = _render("UNAUTHORIZED", {"DEFAULT_4XX": cors})
    assert (response.status, response.body) == (401, b'{"message":"Unauthorized"}')
    assert response.header("Access-Control-Allow-Origin") == "*"


def test_a_5xx_type_falls_back_to_default_5xx_and_never_to_default_4xx() -> None:
    four = _spec("DEFAULT_4XX", params={"gatewayresponse.header.X-Four": "'4'"})
    five = _spec("DEFAULT_5XX", params={"gatewayresponse.header.X-Five": "'5'"})
    response = _render("INTEGRATION_TIMEOUT", {"DEFAULT_4XX": four, "DEFAULT_5XX": five})
    assert (response.header("X-Five"), response.header("X-Four")) == ("5", None)
    assert _render("INTEGRATION_TIMEOUT", {"DEFAULT_4XX": four}).header("X-Four") is None


def test_the_types_own_customisation_wins_over_its_class_default() -> None:
    own = _spec("UNAUTHORIZED", templates={"application/json": '{"own":true}'})
    fallback = _spec("DEFAULT_4XX", templates={"application/json": '{"fallback":true}'})
    assert _render("UNAUTHORIZED", {"UNAUTHORIZED": own, "DEFAULT_4XX": fallback}).body == b'{"own":true}'


def test_a_status_on_default_4xx_changes_every_uncustomised_4xx() -> None:
    fallback = _spec("DEFAULT_4XX", "418")
    assert _render("BAD_REQUEST_BODY", {"DEFAULT_4XX": fallback}).status == 418
    assert _render("THROTTLED", {"DEFAULT_4XX": fallback}).status == 418
    assert _render("THROTTLED", {"DEFAULT_4XX": fallback, "THROTTLED": _spec("THROTTLED")}).status == 429


def test_a_lambda_failure_keeps_its_502_under_a_default_5xx_without_a_status() -> None:
    error = GatewayError("Internal server error", status=502, captured_body=_SPACED_500)
    cors = _spec("DEFAULT_5XX", params={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"})
    response = _render("INTEGRATION_FAILURE", {"DEFAULT_5XX": cors}, error)
    assert (response.status, response.body) == (502, b'{"message":"Internal server error"}')
    assert response.header("Access-Control-Allow-Origin") == "*"


def test_a_customisation_without_templates_renders_the_default_template_with_no_space() -> None:
    spec = _spec("ACCESS_DENIED", params={"gatewayresponse.header.X-Denied": "'yes'"})
    error = GatewayError("User is not authorized to access this resource with an explicit deny")
    response = _render("ACCESS_DENIED", {"ACCESS_DENIED": spec}, error)
    expected = b'{"message":"User is not authorized to access this resource with an explicit deny"}'
    assert (response.status, response.body) == (403, expected)


def test_request_too_large_is_not_customisable() -> None:
    spec = _spec("REQUEST_TOO_LARGE", "400", templates={"application/json": "custom"})
    fallback = _spec("DEFAULT_4XX", "400", templates={"application/json": "custom"})
    response = _render("REQUEST_TOO_LARGE", {"REQUEST_TOO_LARGE": spec, "DEFAULT_4XX": fallback})
    assert (response.status, response.body) == (413, b'{"message":"Request Too Long"}')


# -- templates --------------------------------------------------------------------------------------------

_TEMPLATES = {
    "application/json": '{"message":$context.error.messageString}',
    "application/xml": "<error>$context.error.message</error>",
    "text/plain": "$context.error.message",
}


def _get(headers: Any = (), query: str = "") -> HttpRequest:
    return HttpRequest("GET", "/prod/items/7", query, tuple(headers))


@pytest.mark.parametrize(
    ("accept", "content_type", "body"),
    [
        ("application/xml", "application/xml", b"<error>Unauthorized</error>"),
        ("text/plain; q=0.9, application/xml", "text/plain", b"Unauthorized"),
        ("image/png", "application/json", b'{"message":"Unauthorized"}'),
        (None, "application/json", b'{"message":"Unauthorized"}'),
    ],
)
def test_the_template_is_chosen_by_the_first_accept_type_else_application_json(
    accept: str | None, content_type: str, body: bytes
) -> None:
    spec = _spec("UNAUTHORIZED", templates=_TEMPLATES)
    request = _get([("Accept", accept)] if accept else [])
    response = _render("UNAUTHORIZED", {"UNAUTHORIZED": spec}, request=request)
    assert (response.header("Content-Type"), response.body) == (content_type, body)
    assert response.header("Content-Length") == str(len(body))


def test_without_a_json_template_the_first_declared_one_answers() -> None:
    spec = _spec("UNAUTHORIZED", templates={"text/html": "<p>$context.error.message</p>"})
    response = _render("UNAUTHORIZED", {"UNAUTHORIZED": spec}, request=_get([("Accept", "application/json")]))
    assert (response.header("Content-Type"), response.body) == ("text/html", b"<p>Unauthorized</p>")


def test_message_string_is_the_message_quoted_as_json_and_null_when_there_is_none() -> None:
    spec = _spec("DEFAULT_5XX", templates={"application/json": DEFAULT_TEMPLATE})
    quoted = _render("AUTHORIZER_FAILURE", {"DEFAULT_5XX": spec}, GatewayError('say "hi"\n'))
    assert quoted.body == b'{"message":"say \\"hi\\"\\n"}'
    assert json.loads(quoted.body) == {"message": 'say "hi"\n'}
    assert (
        _render("AUTHORIZER_FAILURE", {"DEFAULT_5XX": spec}, GatewayError(None)).body == b'{"message":null}'
    )


def test_response_type_is_the_errors_own_type_under_the_fallbacks_template() -> None:
    template = '{"type":"$context.error.responseType","why":"$context.error.validationErrorString"}'
    spec = _spec("DEFAULT_4XX", templates={"application/json": template})
    error = GatewayError("Invalid request body", validation_error="[instance type (string) does not match]")
    response = _render("BAD_REQUEST_BODY", {"DEFAULT_4XX": spec}, error)
    assert json.loads(response.body) == {
        "type": "BAD_REQUEST_BODY",
        "why": "[instance type (string) does not match]",
    }


def test_context_and_stage_variables_are_substituted_in_every_spelling_and_undefined_ones_render_empty() -> (
    None
):
    template = (
        "$context.requestId|${context.identity.sourceIp}|$!context.authorizer.principalId|"
        "$context.authorizer.admin|$stageVariables.env|${stageVariables.env}|$!stageVariables.none|"
        "$context.nothing.here|$context.error.validationErrorString|$other"
    )
    spec = _spec("UNAUTHORIZED", templates={"text/plain": template})
    response = _render("UNAUTHORIZED", {"UNAUTHORIZED": spec}, stage_variables={"env": "dev"})
    assert response.text == f"{STAMP.request_id}|203.0.113.9|ann|true|dev|dev||||$other"


# -- response parameters ---------------------------------------------------------------------------------


def test_response_parameters_map_static_values_the_method_request_stage_variables_and_context() -> None:
    params = {
        "gatewayresponse.header.X-Static": "'fixed, value'",
        "gatewayresponse.header.X-Origin": "method.request.header.origin",
        "gatewayresponse.header.X-All": "method.request.multivalueheader.X-Tag",
        "gatewayresponse.header.X-Q": "method.request.querystring.q",
        "gatewayresponse.header.X-Qs": "method.request.multivaluequerystring.q",
        "gatewayresponse.header.X-Id": "method.request.path.id",
        "gatewayresponse.header.X-Env": "stageVariables.env",
        "gatewayresponse.header.X-Ip": "context.identity.sourceIp",
        "gatewayresponse.header.X-Missing": "method.request.header.X-Not-Sent",
        "gatewayresponse.querystring.ignored": "'a response has no query string'",
    }
    request = _get([("Origin", "https://a.example"), ("X-Tag", "a"), ("x-tag", "b")], "q=one&q=two+words")
    response = _render(
        "UNAUTHORIZED",
        {"UNAUTHORIZED": _spec("UNAUTHORIZED", params=params)},
        request=request,
        stage_variables={"env": "dev"},
        path_parameters={"id": "7"},
    )
    extra = dict(response.headers[6:])  # after the five headers of every answer and Date
    assert extra == {
        "X-Static": "fixed, value",
        "X-Origin": "https://a.example",
        "X-All": "a,b",
        "X-Q": "two words",
        "X-Qs": "one,two words",
        "X-Id": "7",
        "X-Env": "dev",
        "X-Ip": "203.0.113.9",
    }


def test_a_customised_content_type_header_replaces_the_templates_and_content_length_stays_exact() -> None:
    params = {
        "gatewayresponse.header.Content-Type": "'application/problem+json'",
        "gatewayresponse.header.Content-Length": "'1'",
    }
    response = _render("UNAUTHORIZED", {"UNAUTHORIZED": _spec("UNAUTHORIZED", params=params)})
    assert response.header_values("Content-Type") == ["application/problem+json"]
    assert response.header_values("Content-Length") == [str(len(response.body))]


# -- what AWS refuses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("specs", "match"),
    [
        ({"NOT_A_TYPE": _spec("NOT_A_TYPE")}, "unknown gateway response type 'NOT_A_TYPE'"),
        ({"UNAUTHORIZED": _spec("DEFAULT_4XX")}, "holds the spec of type 'DEFAULT_4XX'"),
        ({"UNAUTHORIZED": _spec("UNAUTHORIZED", "600")}, "statusCode '600'"),
        ({"UNAUTHORIZED": _spec("UNAUTHORIZED", "40x")}, "statusCode '40x'"),
        ({"UNAUTHORIZED": _spec("UNAUTHORIZED", params={"header.X": "'v'"})}, "gatewayresponse.header.X"),
        ({"UNAUTHORIZED": _spec("UNAUTHORIZED", params={"gatewayresponse.header.X": "v"})}, "'quoted'"),
        (
            {
                "UNAUTHORIZED": _spec(
                    "UNAUTHORIZED", params={"gatewayresponse.header.X": "method.request.body"}
                )
            },
            "'quoted'",
        ),
        (
            {"UNAUTHORIZED": _spec("UNAUTHORIZED", params={"gatewayresponse.header.X Y": "'v'"})},
            "header name",
        ),
        ({"UNAUTHORIZED": _spec("UNAUTHORIZED", params={"gatewayresponse.header.X": "'a\nb'"})}, "control"),
    ],
)
def test_a_customisation_aws_would_refuse_is_a_precise_error(specs: Specs, match: str) -> None:
    with pytest.raises(GatewayResponseSpecError, match=match):
        check_gateway_responses(specs)
    name = next(iter(specs))
    if name in RESPONSE_TYPES:
        with pytest.raises(GatewayResponseSpecError, match=match):
            _render(name, specs)


def test_an_unknown_type_to_render_is_a_precise_error() -> None:
    with pytest.raises(GatewayResponseSpecError, match="unknown gateway response type 'NOPE'"):
        _render("NOPE", {}, GatewayError("x"))


def test_only_a_rest_api_has_gateway_responses() -> None:
    with pytest.raises(ValueError, match="REST API answers"):
        _render("UNAUTHORIZED", config=GatewayConfig.create("http"))


# -- read from templates, the three ways ----------------------------------------------------------------

_FUNCTION = """
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, CodeUri: src, Handler: app.handler}
"""
_OPENAPI_PATHS = """
        swagger: "2.0"
        info: {title: t, version: "1"}
        paths:
          /items/{id}:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: {"Fn::Sub": "LAMBDA_URI"}
""".replace(
    "LAMBDA_URI", "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
)
SAM_OPENAPI = (
    """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Variables: {env: dev}
      DefinitionBody:"""
    + _OPENAPI_PATHS
    + """
        x-amazon-apigateway-gateway-responses:
          MISSING_AUTHENTICATION_TOKEN:
            statusCode: 404
            responseParameters:
              gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
              gatewayresponse.header.X-Env: stageVariables.env
            responseTemplates:
              application/json: '{"message":"not found: $context.resourcePath"}'
          DEFAULT_4XX:
            responseParameters:
              gatewayresponse.header.Access-Control-Allow-Origin: method.request.header.Origin
"""
    + _FUNCTION
)
SAM_PROPERTY = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Variables: {env: dev}
      GatewayResponses:
        MISSING_AUTHENTICATION_TOKEN:
          StatusCode: 404
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'*'"
              X-Env: stageVariables.env
          ResponseTemplates:
            application/json: '{"message":"not found: $context.resourcePath"}'
        DEFAULT_4XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: method.request.header.Origin
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src
      Handler: app.handler
      Events:
        Get: {Type: Api, Properties: {RestApiId: {Ref: Api}, Path: "/items/{id}", Method: get}}
"""
CLOUDFORMATION = (
    """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: t
      Body:"""
    + textwrap.indent(_OPENAPI_PATHS, "  ")
    + """
  Missing:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: {Ref: Api}
      ResponseType: MISSING_AUTHENTICATION_TOKEN
      StatusCode: "404"
      ResponseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
        gatewayresponse.header.X-Env: stageVariables.env
      ResponseTemplates:
        application/json: '{"message":"not found: $context.resourcePath"}'
  Fallback:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: {Ref: Api}
      ResponseType: DEFAULT_4XX
      ResponseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: method.request.header.Origin
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: {Ref: Api}, StageName: prod, Variables: {env: dev}}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): return {}"}
      Role: arn:aws:iam::123456789012:role/r
"""
)


def _customised(tmp_path: Path, template: str) -> tuple[Specs, Mapping[str, str]]:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        "def handler(event, context):\n    return {}\n", encoding="utf-8"
    )
    path = tmp_path / "template.yaml"
    path.write_text(template, encoding="utf-8")
    api = load_template(path).api("Api")
    return api.gateway_responses, api.stage_variables


@pytest.mark.parametrize(
    "template",
    [SAM_OPENAPI, SAM_PROPERTY, CLOUDFORMATION],
    ids=["openapi-extension-in-sam-definition-body", "sam-gateway-responses", "cloudformation-resources"],
)
def test_customised_responses_read_from_each_kind_of_template_apply_status_headers_and_templates(
    tmp_path: Path, template: str
) -> None:
    customised, stage_variables = _customised(tmp_path, template)
    assert set(customised) == {"MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX"}
    check_gateway_responses(customised)
    request = _get([("Origin", "https://app.example")])
    missing = render_gateway_response(
        "MISSING_AUTHENTICATION_TOKEN",
        customised,
        GatewayError.default("MISSING_AUTHENTICATION_TOKEN"),
        CONTEXT,
        stage_variables,
        request,
        config=REGIONAL,
        stamp=STAMP,
    )
    assert (missing.status, missing.body) == (404, b'{"message":"not found: /items/{id}"}')
    assert (missing.header("Access-Control-Allow-Origin"), missing.header("X-Env")) == ("*", "dev")
    denied = render_gateway_response(
        "UNAUTHORIZED",
        customised,
        GatewayError.default("UNAUTHORIZED"),
        CONTEXT,
        stage_variables,
        request,
        config=REGIONAL,
        stamp=STAMP,
    )
    assert (denied.status, denied.body) == (401, b'{"message":"Unauthorized"}')
    assert denied.header("Access-Control-Allow-Origin") == "https://app.example"


def test_the_real_openapi_applications_customised_responses_are_valid_and_render_as_written() -> None:
    """The pets application (tests/application/apps): a 404 for unknown paths, a WWW-Authenticate on 401."""
    path = Path(__file__).parent / "application" / "apps" / "sam_openapi_rest" / "template.yaml"
    api = next(api for api in load_template(path).apis if api.kind == "rest")
    check_gateway_responses(api.gateway_responses)
    missing = _render("MISSING_AUTHENTICATION_TOKEN", api.gateway_responses)
    assert (missing.status, missing.json()) == (404, {"message": "Not Found"})
    assert missing.header("Access-Control-Allow-Origin") == "*"
    unauthorized = _render("UNAUTHORIZED", api.gateway_responses)
    assert unauthorized.status == 401
    assert unauthorized.json()["message"] == "Unauthorized"
    assert unauthorized.header("WWW-Authenticate") == 'Bearer realm="pets"'


@pytest.mark.parametrize("api", ["rest", "http"])
def test_every_answer_the_front_door_gives_itself_carries_a_date(api: str) -> None:
    """API Gateway dates every response it sends, its own errors included (a route not found here)."""
    gateway = Gateway(lambda event, context: {"statusCode": 200}, api=api, routes=["GET /known"])
    with pytest.warns(GatewayErrorWarning, match="no route matches"):
        response = gateway.request("GET", "/unknown")
    assert response.status_code in (403, 404)
    assert parsedate_to_datetime(response.headers["Date"]).tzinfo is not None
