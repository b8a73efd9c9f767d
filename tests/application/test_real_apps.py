"""Applications written the way real projects write them (``apps/``, issue #18), driven as their users would:
``Application.from_template`` on the SAM template or the synthesized ``cdk.out`` template, then requests.

Expected answers come from the behaviour spec (§9 authorizers, API keys and CORS; §10 validation, gateway
responses, MOCK integrations) and the AWS documentation it cites, never from what the emulator does today.
A test the emulator fails today is marked ``xfail(strict=True)`` with the missing feature and its issue: the
marker must go when the feature lands.
"""

from __future__ import annotations

import base64
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from apigw_emulator import invocation_of
from apigw_emulator.application import Application
from apigw_emulator.errors import MissingEnvironmentWarning, NotEmulatedWarning

APPS = Path(__file__).parent / "apps"
OPENAPI_REST = APPS / "sam_openapi_rest" / "template.yaml"
HTTP_AUTHORIZER = APPS / "sam_http_authorizer" / "template.yaml"
SSM_LAYER = APPS / "sam_ssm_layer" / "template.yaml"
CDK_PROXY = APPS / "cdk_rest" / "cdk.out" / "ProxyApiStack.template.json"
CDK_ITEMS = APPS / "cdk_rest" / "cdk.out" / "ItemsApiStack.template.json"
CDK_HTTP = APPS / "cdk_http" / "cdk.out" / "NotesHttpApiStack.template.json"

# The gateway's own answers (401, 403, 404...) are what these tests check; their warnings only explain them.
pytestmark = pytest.mark.filterwarnings("ignore::apigw_emulator.errors.GatewayErrorWarning")

PETS_KEY = "pets-local-key-0123456789abcdef"  # the template's PetsApiKeyValue default
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
CDK_DEFAULT_HEADERS = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent"
EXPLICIT_DENY = {"Message": "User is not authorized to access this resource with an explicit deny"}

GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses are not applied (#19)"


def _event(response: requests.Response) -> dict[str, Any]:
    """The event the function got for this response."""
    event = invocation_of(response).event
    assert event is not None, "the function was not invoked"
    return event


def _load(path: Path, **options: Any) -> Application:
    """The application, without the warning that lists what is not emulated (its own tests check it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        return Application.from_template(path, **options)


@pytest.fixture
def pets() -> Iterator[Application]:
    with _load(OPENAPI_REST) as app:
        yield app


def _pets(app: Application, path: str, token: str | None = "Bearer allow-ana", **kwargs: Any) -> Any:
    """A request to the pets API with the template's API key and, unless ``token=None``, a token."""
    headers = {"x-api-key": PETS_KEY, **kwargs.pop("headers", {})}
    if token is not None:
        headers["Authorization"] = token
    return app.apis["PetsApi"].request(kwargs.pop("method", "GET"), path, headers=headers, **kwargs)


# --- sam_openapi_rest: OpenAPI DefinitionBody through AWS::Include ------------------------------------------


def test_openapi_rest_routes_come_from_the_included_definition(pets: Application) -> None:
    routes = {(entry.route, entry.function) for entry in pets.routes()}
    assert ("GET /pets", "PetsFunction") in routes
    assert ("PUT /pets/{petId}/photo", "PetsFunction") in routes
    assert ("GET /health", "HealthFunction") in routes


def test_rule_5_1_openapi_binary_media_types_extension_gives_the_upload_as_base64(pets: Application) -> None:
    response = _pets(pets, "/pets/1/photo", method="PUT", headers={"Content-Type": "image/png"}, data=PNG_1X1)
    assert response.status_code == 200
    assert response.json() == {"stored": len(PNG_1X1), "base64": True}
    assert _event(response)["isBase64Encoded"] is True


def test_rule_5_2_openapi_binary_media_types_give_bytes_to_an_accept_that_matches(pets: Application) -> None:
    response = _pets(pets, "/pets/1/photo", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.content == PNG_1X1


def test_rule_9_d7_openapi_token_authorizer_answers_401_without_the_token(pets: Application) -> None:
    response = _pets(pets, "/pets?limit=1", token=None)
    assert response.status_code == 401


def test_rule_9_d25_openapi_token_authorizer_refuses_a_token_failing_identity_validation_expression(
    pets: Application,
) -> None:
    response = _pets(pets, "/pets?limit=1", token="Basic YW5hOnNlY3JldA==")
    assert response.status_code == 401


def test_rule_9_d26_openapi_token_authorizer_principal_and_context_reach_the_function(
    pets: Application,
) -> None:
    response = _pets(pets, "/pets?limit=1")
    assert response.status_code == 200
    authorizer = response.json()["authorizer"]
    assert authorizer["principalId"] == "ana"
    assert authorizer["tier"] == "gold"


def test_rule_9_d7_openapi_token_authorizer_explicit_deny_is_403_with_aws_message(pets: Application) -> None:
    """ACCESS_DENIED's message; the app customises DEFAULT_4XX, which applies to every 4xx type it does not
    customise itself (rule 10.2), so the body is that template's ``{"message":...}``, with its CORS header."""
    response = _pets(pets, "/pets/1", token="Bearer deny-bob")
    assert response.status_code == 403
    assert response.json() == {"message": EXPLICIT_DENY["Message"]}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_rule_10_2_unauthorized_gateway_response_has_the_custom_template_and_cors_header(
    pets: Application,
) -> None:
    response = _pets(pets, "/pets?limit=1", token=None)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized", "hint": "send Authorization: Bearer <token>"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_rule_9_api_key_required_on_the_api_refuses_a_request_without_x_api_key(pets: Application) -> None:
    response = pets.apis["PetsApi"].request("GET", "/health")
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


def test_rule_9_api_key_not_of_the_template_is_refused(pets: Application) -> None:
    response = pets.apis["PetsApi"].request("GET", "/health", headers={"x-api-key": "someone-elses-key"})
    assert response.status_code == 403


def test_rule_9_api_key_of_the_template_opens_a_method_without_authorizer(pets: Application) -> None:
    response = pets.apis["PetsApi"].request("GET", "/health", headers={"x-api-key": PETS_KEY})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "stage": "v1"}


def test_rule_9_api_key_used_is_the_events_identity_api_key(pets: Application) -> None:
    response = pets.apis["PetsApi"].request("GET", "/health", headers={"x-api-key": PETS_KEY})
    assert _event(response)["requestContext"]["identity"]["apiKey"] == PETS_KEY


def test_rule_10_2_invalid_api_key_falls_back_to_the_custom_default_4xx(pets: Application) -> None:
    response = pets.apis["PetsApi"].request("GET", "/health")
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_rule_10_1_default_validator_refuses_a_missing_required_query_string(pets: Application) -> None:
    response = _pets(pets, "/pets")
    assert response.status_code == 400
    assert response.json() == {"message": "Missing required request parameters: [limit]"}


def test_rule_10_1_default_validator_passes_the_required_query_string(pets: Application) -> None:
    response = _pets(pets, "/pets?limit=1")
    assert response.status_code == 200
    assert [pet["id"] for pet in response.json()["pets"]] == ["1"]


def test_rule_10_1_method_validator_refuses_a_body_failing_the_model(pets: Application) -> None:
    response = _pets(
        pets, "/pets", method="POST", headers={"X-Request-Id": "r-1"}, json={"name": "Kit", "species": "owl"}
    )
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid request body"}


def test_rule_10_1_method_validator_refuses_a_missing_required_header(pets: Application) -> None:
    response = _pets(pets, "/pets", method="POST", json={"name": "Kit", "species": "cat"})
    assert response.status_code == 400
    assert response.json() == {"message": "Missing required request parameters: [X-Request-Id]"}


def test_rule_10_1_method_validator_passes_a_body_that_fits_the_model(pets: Application) -> None:
    response = _pets(
        pets, "/pets", method="POST", headers={"X-Request-Id": "r-1"}, json={"name": "Kit", "species": "cat"}
    )
    assert response.status_code == 201
    assert response.json()["requestId"] == "r-1"


def test_rule_10_2_missing_authentication_token_customised_to_404(pets: Application) -> None:
    response = _pets(pets, "/owners")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_rule_8_openapi_authorizer_is_not_listed_as_not_emulated() -> None:
    with pytest.warns(NotEmulatedWarning) as caught:
        Application.from_template(OPENAPI_REST).close()
    text = " ".join(str(warning.message) for warning in caught)
    assert "authorizer" not in text
    assert "usage plan" in text.lower()


def test_rule_8_application_not_emulated_lists_the_usage_plan_throttling(pets: Application) -> None:
    listed = " ".join(pets.not_emulated).lower()
    assert "usage plan" in listed


# --- sam_http_authorizer: HTTP API, Lambda authorizer through an IAM role -----------------------------------


@pytest.fixture
def notes() -> Iterator[Application]:
    with _load(HTTP_AUTHORIZER) as app:
        yield app


def test_rule_9_d27_http_authorizer_without_identity_source_is_401(notes: Application) -> None:
    response = notes.apis["NotesHttpApi"].request("GET", "/notes")
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}


def test_rule_9_d27_http_simple_response_not_authorized_is_403(notes: Application) -> None:
    headers = {"Authorization": "Bearer token-acme", "X-Tenant-Id": "globex"}
    response = notes.apis["NotesHttpApi"].request("GET", "/notes", headers=headers)
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


def test_rule_9_d27_http_simple_response_context_reaches_the_function_as_lambda(notes: Application) -> None:
    headers = {"Authorization": "Bearer token-acme", "X-Tenant-Id": "acme"}
    response = notes.apis["NotesHttpApi"].request("GET", "/notes/n1", headers=headers)
    assert response.status_code == 200
    assert response.json()["authorizer"]["lambda"]["tenant"] == "acme"


def test_rule_9_route_with_authorizer_none_is_open(notes: Application) -> None:
    response = notes.apis["NotesHttpApi"].request("GET", "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "authorizer": None}


def test_rule_9_d29_http_api_answers_the_preflight_itself_before_the_authorizer(notes: Application) -> None:
    headers = {"Origin": "https://notes.example.com", "Access-Control-Request-Method": "POST"}
    response = notes.apis["NotesHttpApi"].request("OPTIONS", "/notes", headers=headers)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://notes.example.com"
    assert "POST" in response.headers["access-control-allow-methods"].upper()
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-max-age"] == "600"


def test_rule_9_d29_http_api_adds_cors_headers_to_an_allowed_origin(notes: Application) -> None:
    headers = {"Origin": "https://notes.example.com", "Authorization": "Bearer token-a", "X-Tenant-Id": "a"}
    response = notes.apis["NotesHttpApi"].request("GET", "/notes", headers=headers)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://notes.example.com"
    assert response.headers["access-control-expose-headers"].lower() == "x-request-id"


# --- sam_ssm_layer: SSM parameters, a sam build layer, a hyphenated handler module --------------------------

SSM_OVERRIDES = {"Environment": "dev", "TableName": "greetings-dev", "GreetingPrefix": "Howdy"}


def test_ssm_parameter_overrides_win_and_reach_the_environment() -> None:
    with _load(SSM_LAYER, parameters=SSM_OVERRIDES) as app:
        response = app.apis["ServerlessRestApi"].request("GET", "/greetings/ana")
    assert response.status_code == 200
    assert response.json() == {
        "message": "Howdy, ana!",
        "table": "greetings-dev",
        "environment": "dev",
        "layer": "greetings-shared",
    }


def test_build_method_layer_is_laid_out_under_python_as_sam_build_does() -> None:
    variables = {"GreetingFunction": {"TABLE_NAME": "t", "GREETING_PREFIX": "Hi"}}
    with _load(SSM_LAYER, parameters={"Environment": "prod"}, env_vars=variables) as app:
        response = app.apis["ServerlessRestApi"].request("GET", "/greetings/bo")
    assert response.status_code == 200, invocation_of(response).function_error
    assert response.json()["layer"] == "greetings-shared"


def test_unresolvable_values_without_local_meaning_never_stop_loading_and_missing_ones_are_named() -> None:
    # VpcConfig (SSM-typed subnet ids), Policies, Tracing and the log group play no part locally; a
    # parameter without Default that only an environment variable uses is a MissingEnvironmentWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        with (
            pytest.warns(MissingEnvironmentWarning, match="APP_ENV"),
            Application.from_template(
                SSM_LAYER, parameters={"TableName": "t", "GreetingPrefix": "Hi"}
            ) as app,
        ):
            response = app.apis["ServerlessRestApi"].request("GET", "/greetings/cy")
    assert response.status_code == 200
    assert response.json()["environment"] is None


# --- cdk_rest: LambdaRestApi proxy --------------------------------------------------------------------------


def test_cdk_lambda_rest_api_proxies_every_path_to_the_function() -> None:
    with _load(CDK_PROXY) as app:
        gateway = app.apis["ProxyApi0DF2D7AE"]
        deep = gateway.request("GET", "/anything/deep?x=1")
        root = gateway.request("POST", "/")
    assert deep.status_code == 200
    assert deep.json()["resource"] == "/{proxy+}"
    assert deep.json()["proxy"] == "anything/deep"
    assert deep.json()["greeting"] == "hello from the proxy"
    assert root.json()["resource"] == "/"
    assert _event(deep)["requestContext"]["stage"] == "prod"


def test_cdk_construct_path_is_accepted_as_the_api_id() -> None:
    with _load(CDK_PROXY, template_api="ProxyApiStack/ProxyApi/Resource") as app:
        assert list(app.apis) == ["ProxyApi0DF2D7AE"]


# --- cdk_rest: RestApi with resources, TokenAuthorizer, CORS preflight, stages, an alias --------------------


@pytest.fixture
def items_dev() -> Iterator[Application]:
    with _load(CDK_ITEMS, stage="dev") as app:
        yield app


def _items(app: Application, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
    headers = dict(kwargs.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = token
    return app.apis["ItemsApi3788C05C"].request(method, path, headers=headers, **kwargs)


def test_rule_9_d7_cdk_token_authorizer_answers_401_without_the_token(items_dev: Application) -> None:
    response = _items(items_dev, "GET", "/items")
    assert response.status_code == 401
    assert response.content == b'{"message":"Unauthorized"}'


def test_rule_9_d25_cdk_token_authorizer_validation_regex_refuses_before_invoking(
    items_dev: Application,
) -> None:
    response = _items(items_dev, "GET", "/items", token="Bearer ALLOW-Ana")
    assert response.status_code == 401


def test_rule_9_d26_cdk_token_authorizer_allows_and_its_principal_reaches_the_function(
    items_dev: Application,
) -> None:
    response = _items(items_dev, "GET", "/items/1", token="Bearer allow-ana")
    assert response.status_code == 200
    assert response.json()["authorizer"]["principalId"] == "ana"
    assert response.json()["item"] == {"id": "1", "name": "lamp"}


def test_rule_9_d7_cdk_token_authorizer_explicit_deny_is_403(items_dev: Application) -> None:
    response = _items(items_dev, "DELETE", "/items/1", token="Bearer deny-bob")
    assert response.status_code == 403
    assert response.json() == EXPLICIT_DENY


def test_cdk_method_without_authorizer_is_open(items_dev: Application) -> None:
    response = _items(items_dev, "GET", "/health")
    assert response.status_code == 200
    assert response.json()["authorizer"] is None or "principalId" not in response.json()["authorizer"]


def test_rule_10_4_cdk_cors_preflight_is_answered_by_the_mock_method_with_cdk_headers(
    items_dev: Application,
) -> None:
    # CDK's addCorsPreflight: a MOCK OPTIONS method, request template { statusCode: 200 }, one integration
    # response with status 204 (CDK's default) and the headers below, no response template (one origin).
    headers = {"Origin": "https://items.example.com", "Access-Control-Request-Method": "POST"}
    response = _items(items_dev, "OPTIONS", "/items", headers=headers)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://items.example.com"
    assert response.headers["Vary"] == "Origin"
    assert response.headers["Access-Control-Allow-Methods"] == "GET,POST,DELETE"
    assert response.headers["Access-Control-Allow-Headers"] == CDK_DEFAULT_HEADERS
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert response.content == b""


def test_rule_10_4_cdk_preflight_method_has_no_authorizer(items_dev: Application) -> None:
    response = _items(items_dev, "OPTIONS", "/items/2", headers={"Origin": "https://items.example.com"})
    assert response.status_code == 204


def test_rule_1_3_cdk_unknown_path_is_missing_authentication_token(items_dev: Application) -> None:
    response = _items(items_dev, "GET", "/orders")
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize(
    ("stage", "variables"),
    [
        ("dev", {"alias": "dev", "tableName": "items-dev", "logLevel": "DEBUG"}),
        ("prod", {"alias": "live", "tableName": "items-prod", "logLevel": "INFO"}),
    ],
)
def test_rule_10_4_each_stage_gives_its_own_variables(stage: str, variables: dict[str, str]) -> None:
    with _load(CDK_ITEMS, stage=stage) as app:
        response = _items(app, "GET", "/health")
    assert response.status_code == 200
    assert response.json()["stage"] == stage
    assert response.json()["stageVariables"] == variables


@pytest.mark.parametrize(("stage", "alias"), [("dev", "dev"), ("prod", "live")])
def test_rule_10_4_stage_variable_in_the_integration_uri_qualifies_invoked_function_arn(
    stage: str, alias: str
) -> None:
    with _load(CDK_ITEMS, stage=stage) as app:
        response = _items(app, "GET", "/version")
    assert response.status_code == 200
    assert re.fullmatch(
        rf"arn:aws:lambda:[a-z0-9-]+:\d{{12}}:function:[^:]+:{alias}", response.json()["invokedFunctionArn"]
    )


# --- cdk_http: HttpApi, HttpLambdaIntegration, corsPreflight, HttpLambdaAuthorizer --------------------------


@pytest.fixture
def cdk_notes() -> Iterator[Application]:
    with _load(CDK_HTTP) as app:
        yield app


def _notes(app: Application, method: str, path: str, **kwargs: Any) -> requests.Response:
    response: requests.Response = app.apis["NotesApi2FFCBC92"].request(method, path, **kwargs)
    return response


def test_cdk_http_lambda_integration_routes_reach_the_function(cdk_notes: Application) -> None:
    response = _notes(cdk_notes, "GET", "/notes")
    assert response.status_code == 200
    assert response.json()["routeKey"] == "GET /notes"
    assert response.json()["bucket"] == "notes-bucket"


def test_rule_9_d27_cdk_http_lambda_authorizer_guards_its_route_only(cdk_notes: Application) -> None:
    assert _notes(cdk_notes, "GET", "/me").status_code == 401
    assert _notes(cdk_notes, "GET", "/me", headers={"Authorization": "Bearer nope"}).status_code == 403
    allowed = _notes(cdk_notes, "GET", "/me", headers={"Authorization": "Bearer open-sesame"})
    assert allowed.status_code == 200
    assert allowed.json()["me"] == {"user": "alice", "plan": "pro"}
    assert _notes(cdk_notes, "GET", "/notes/n1").status_code == 200


def test_rule_9_d29_cdk_http_cors_preflight_is_answered_by_the_http_api(cdk_notes: Application) -> None:
    headers = {"Origin": "https://notes.example.com", "Access-Control-Request-Method": "POST"}
    response = _notes(cdk_notes, "OPTIONS", "/notes", headers=headers)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://notes.example.com"
    assert response.headers["access-control-max-age"] == "600"
