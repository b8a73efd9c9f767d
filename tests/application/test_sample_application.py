"""The sample SAM application (``sample_app/``), driven through the library as a user would (issue #11).

Three functions behind a REST API and an HTTP API, with ``Globals``, environment variables, a local layer,
CORS on both APIs, a TOKEN and a REQUEST Lambda authorizer, a JWT authorizer with a test JWKS and an API
key. Each test is named after the AWS rule it checks (spec 9: D7, D25-D29).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator._cli_application import application_banner
from apigw_emulator._cli_functions import watch_paths
from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning
from apigw_emulator.gateway import Gateway
from apigw_emulator.testing import JwtIssuer

SAMPLE = Path(__file__).parent / "sample_app" / "template.yaml"
API_KEY = "sample-key-0123456789"
ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def issuer() -> JwtIssuer:
    return JwtIssuer("https://issuer.example.com")


@pytest.fixture(scope="module")
def app(issuer: JwtIssuer) -> Iterator[Application]:
    with Application.from_template(
        SAMPLE, jwks={"JwtAuth": issuer.jwks}, raise_handler_exceptions=False
    ) as app:
        yield app


@pytest.fixture
def rest(app: Application) -> Gateway:
    return app.apis["RestApi"]


@pytest.fixture
def http(app: Application) -> Gateway:
    return app.apis["HttpApi"]


def _refused(gateway: Gateway, method: str, path: str, **kwargs: Any) -> Any:
    with pytest.warns(GatewayErrorWarning):
        return gateway.request(method, path, **kwargs)


def test_every_route_goes_to_its_function_with_globals_environment_and_the_layer(app: Application) -> None:
    table = {(e.api, e.route): (e.function, e.authorizer) for e in app.routes()}
    assert table[("RestApi", "GET /items")] == ("ItemsFunction", "TokenAuth")
    assert table[("RestApi", "GET /items/{id}")] == ("ItemsFunction", "RequestAuth")
    assert table[("RestApi", "GET /health")] == ("PublicFunction", None)
    assert table[("HttpApi", "GET /me")] == ("ProfileFunction", "JwtAuth")
    assert table[("HttpApi", "GET /health")] == ("PublicFunction", None)
    body = app.apis["RestApi"].request("GET", "/health").json()
    assert body["function"] == "PublicFunction"
    assert (body["stage"], body["greeting"]) == ("dev", "hello")  # Globals variables, the layer's module


# -- REST: TOKEN authorizer (the API's DefaultAuthorizer) ----------------------------------------------
def test_rest_token_authorizer_allow_puts_principal_and_string_context_in_the_event_d26(
    rest: Gateway,
) -> None:
    body = rest.request("GET", "/items", headers={"Authorization": "Bearer allow-ann"}).json()
    assert body["function"] == "ItemsFunction"
    assert body["table"] == "items-table"  # the function's own variable beside the Globals
    authorizer = body["authorizer"]
    assert authorizer["principalId"] == "ann"
    assert (authorizer["user"], authorizer["admin"]) == ("ann", "true")
    assert isinstance(authorizer["integrationLatency"], int)


@pytest.mark.parametrize(
    ("headers", "status", "body"),
    [
        ({}, 401, b'{"message":"Unauthorized"}'),
        ({"Authorization": "Token allow-ann"}, 401, b'{"message":"Unauthorized"}'),  # ValidationExpression
        ({"Authorization": "Bearer expired"}, 401, b'{"message":"Unauthorized"}'),
        (
            {"Authorization": "Bearer deny"},
            403,
            b'{"Message":"User is not authorized to access this resource with an explicit deny"}',
        ),
        ({"Authorization": "Bearer garbage"}, 500, b'{"message":null}'),
    ],
    ids=[
        "no-token",
        "fails-validation-expression",
        "raised-unauthorized",
        "explicit-deny",
        "authorizer-crash",
    ],
)
def test_rest_token_authorizer_refusals_are_aws_gateway_responses_d7(
    rest: Gateway, headers: dict[str, str], status: int, body: bytes
) -> None:
    response = _refused(rest, "GET", "/items", headers=headers)
    assert (response.status_code, response.content) == (status, body)


def test_rest_cached_policy_is_evaluated_for_each_method_it_is_used_for_d7(rest: Gateway) -> None:
    headers = {"Authorization": "Bearer reader-bob", "x-api-key": API_KEY}
    assert rest.request("GET", "/items", headers=headers).status_code == 200
    response = _refused(rest, "POST", "/items", headers=headers)
    assert response.status_code == 403
    assert response.json() == {"Message": "User is not authorized to access this resource"}


def test_rest_api_key_required_answers_403_forbidden_without_the_key_d7(rest: Gateway) -> None:
    token = {"Authorization": "Bearer allow-ann"}
    assert _refused(rest, "POST", "/items", headers=token).json() == {"message": "Forbidden"}
    assert _refused(rest, "POST", "/items", headers={**token, "x-api-key": "wrong"}).status_code == 403
    body = rest.request("POST", "/items", headers={**token, "x-api-key": API_KEY}).json()
    assert body["api_key"] == API_KEY


# -- REST: REQUEST authorizer (an event's Auth.Authorizer) ---------------------------------------------
def test_rest_request_authorizer_reads_its_identity_sources_d25(rest: Gateway) -> None:
    body = rest.request("GET", "/items/7?team=blue", headers={"X-User": "ann"}).json()
    assert body["item"] == "7"
    assert body["authorizer"]["principalId"] == "ann"
    assert body["authorizer"]["team"] == "blue"


def test_rest_request_authorizer_missing_identity_source_is_401_and_deny_is_403_d7(rest: Gateway) -> None:
    assert _refused(rest, "GET", "/items/7", headers={"X-User": "ann"}).status_code == 401  # no ?team
    assert _refused(rest, "GET", "/items/7?team=blue", headers={"X-User": "bob"}).status_code == 403


def test_rest_open_route_with_authorizer_none_needs_no_token(rest: Gateway) -> None:
    assert rest.request("GET", "/health").json()["authorizer"] is None


def test_rest_cors_preflight_is_the_mock_options_method_without_the_authorizer_d29(rest: Gateway) -> None:
    response = rest.request(
        "OPTIONS", "/items", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-Api-Key" in response.headers["Access-Control-Allow-Headers"]


# -- HTTP API: JWT authorizer --------------------------------------------------------------------------
def test_http_jwt_authorizer_puts_claims_and_scopes_in_the_event_d28(
    http: Gateway, issuer: JwtIssuer
) -> None:
    token = issuer.token("ann", audience="sample-app", scopes=["profile.read"])
    body = http.request("GET", "/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert body["function"] == "ProfileFunction"
    jwt = body["authorizer"]["jwt"]
    assert jwt["claims"]["sub"] == "ann"
    assert jwt["claims"]["iss"] == "https://issuer.example.com"
    assert jwt["scopes"] == ["profile.read"]


def test_http_jwt_authorizer_refuses_bad_tokens_with_401_d28(http: Gateway, issuer: JwtIssuer) -> None:
    stranger = JwtIssuer("https://issuer.example.com")  # same issuer name, another key
    for token in (
        issuer.token("ann", audience="another-app", scopes=["profile.read"]),
        issuer.token("ann", audience="sample-app", scopes=["profile.read"], expires_in=-60),
        stranger.token("ann", audience="sample-app", scopes=["profile.read"]),
    ):
        response = _refused(http, "GET", "/me", headers={"Authorization": token})
        assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})
        assert response.headers["www-authenticate"].startswith("Bearer ")
    assert _refused(http, "GET", "/me").status_code == 401


def test_http_jwt_authorizer_without_the_route_scope_is_403_d28(http: Gateway, issuer: JwtIssuer) -> None:
    token = issuer.token("ann", audience="sample-app", scopes=["orders.read"])
    response = _refused(http, "GET", "/me", headers={"Authorization": token})
    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})


# -- HTTP API: Lambda authorizer with simple responses -------------------------------------------------
def test_http_simple_response_authorizer_context_is_authorizer_lambda_d27(http: Gateway) -> None:
    body = http.request("GET", "/team", headers={"X-User": "ann"}).json()
    assert body["authorizer"] == {"lambda": {"user": "ann", "via": "simple"}}
    assert _refused(http, "GET", "/team", headers={"X-User": "bob"}).json() == {"message": "Forbidden"}
    assert _refused(http, "GET", "/team").json() == {"message": "Unauthorized"}


def test_http_cors_answers_preflights_itself_and_decorates_responses_d29(http: Gateway) -> None:
    preflight = http.request(
        "OPTIONS", "/me", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    response = http.request("GET", "/health", headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_the_sample_application_runs_in_worker_processes_too(issuer: JwtIssuer) -> None:
    with Application.from_template(SAMPLE, jwks={"JwtAuth": issuer.jwks}, isolation="process") as app:
        body = (
            app.apis["RestApi"].request("GET", "/items", headers={"Authorization": "Bearer allow-ann"}).json()
        )
        assert (body["function"], body["authorizer"]["user"], body["greeting"]) == (
            "ItemsFunction",
            "ann",
            "hello",
        )
        token = issuer.token("ann", audience="sample-app", scopes=["profile.read"])
        assert app.apis["HttpApi"].request("GET", "/me", headers={"Authorization": token}).status_code == 200


def test_the_banner_says_when_a_jwt_authorizer_has_no_keys() -> None:
    with Application.from_template(SAMPLE) as app:
        urls = {api: f"http://127.0.0.1:{3000 + i}/" for i, api in enumerate(app.apis)}
        banner = application_banner(str(SAMPLE), app, urls, {"rest": "REST API", "http": "HTTP API"})
    assert (
        "authorizer JwtAuth has no JWKS: it refuses every token (give one with --jwks JwtAuth=FILE)" in banner
    )
    assert "    GET /me -> ProfileFunction (authorizer JwtAuth)" in banner


def test_serve_watches_every_function_layer_and_jwks_file_of_the_application(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    watched = watch_paths(argparse.Namespace(template=str(SAMPLE), jwks=[f"JwtAuth={jwks}"]), None)
    names = {path.relative_to(SAMPLE.parent).as_posix() for path in watched if SAMPLE.parent in path.parents}
    assert {
        "template.yaml",
        "layers/common/python/sample_common.py",
        "src/auth/token_authorizer.py",
        "src/items/app.py",
    } <= names
    assert jwks.resolve() in watched
