"""JWT (HTTP API, D28) and Cognito user pool (REST) authorizers at the front door: real keys, real tokens,
requests through the gateway."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from apigw_emulator import Gateway, LocalGateway
from apigw_emulator.authorizers import AuthorizerRules, CognitoAuthorizer, JwtAuthorizer, RouteAuthorization
from apigw_emulator.authorizers.tokens import MAX_NESTING
from apigw_emulator.errors import ConfigurationError, GatewayErrorWarning
from apigw_emulator.testing import JwtIssuer


def _echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}


def _refused(gateway: Gateway, path: str, headers: dict[str, str] | None = None) -> Any:
    with pytest.warns(GatewayErrorWarning):
        return gateway.request("GET", path, headers=headers)


@pytest.fixture(scope="module")
def issuer() -> JwtIssuer:
    return JwtIssuer("https://login.example.com")


def _jwt_gateway(api: str, issuer: JwtIssuer, *, jwks: bool = True) -> Gateway:
    rules = AuthorizerRules(
        {"Jwt": JwtAuthorizer("Jwt", issuer.issuer, ("app",))},
        {"GET /me": RouteAuthorization("Jwt"), "GET /admin": RouteAuthorization("Jwt", ("admin", "root"))},
    )
    return Gateway(
        _echo,
        api,
        routes=["GET /me", "GET /admin"],
        authorizers=rules,
        jwks={"Jwt": issuer.jwks} if jwks else None,
    )


def test_jwt_claims_and_scopes_reach_payload_2_0_as_authorizer_jwt_d28(issuer: JwtIssuer) -> None:
    token = issuer.token(
        "ann", audience="app", scopes=["root", "read"], claims={"groups": ["a", "b"], "n": 3}
    )
    seen = _jwt_gateway("http", issuer).request("GET", "/admin", headers={"Authorization": token}).json()
    claims = seen["jwt"]["claims"]
    assert (claims["sub"], claims["groups"], claims["n"]) == ("ann", "[a b]", "3")
    assert seen["jwt"]["scopes"] == ["root", "read"]


def test_jwt_claims_reach_payload_1_0_as_authorizer_claims_d28(issuer: JwtIssuer) -> None:
    token = issuer.token("ann", audience="app")
    seen = (
        _jwt_gateway("http-v1", issuer)
        .request("GET", "/me", headers={"Authorization": f"Bearer {token}"})
        .json()
    )
    assert seen["claims"]["sub"] == "ann"
    assert seen["scopes"] is None


def test_jwt_token_without_one_of_the_route_scopes_is_403_insufficient_scope_d28(issuer: JwtIssuer) -> None:
    response = _refused(
        _jwt_gateway("http", issuer), "/admin", {"Authorization": issuer.token(audience="app")}
    )
    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_jwt_refusals_are_401_with_a_www_authenticate_challenge_d28(issuer: JwtIssuer) -> None:
    gateway = _jwt_gateway("http", issuer)
    for token in (
        issuer.token(audience="other"),
        issuer.token(audience="app", expires_in=-1),
        JwtIssuer("https://elsewhere.example.com").token(audience="app"),
    ):
        response = _refused(gateway, "/me", {"Authorization": token})
        assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})
        assert response.headers["www-authenticate"].startswith('Bearer scope="" error="invalid_token"')


def test_jwt_authorizer_without_a_jwks_refuses_and_says_how_to_give_one(issuer: JwtIssuer) -> None:
    gateway = _jwt_gateway("http", issuer, jwks=False)
    with pytest.warns(
        GatewayErrorWarning, match=r"no JWKS was given for it: give its keys with jwks=\{'Jwt'"
    ):
        response = gateway.request("GET", "/me", headers={"Authorization": issuer.token(audience="app")})
    assert response.status_code == 401


def test_jwks_for_an_unknown_authorizer_is_a_configuration_error(issuer: JwtIssuer) -> None:
    rules = AuthorizerRules({"Jwt": JwtAuthorizer("Jwt", issuer.issuer, ("app",))}, {})
    with pytest.raises(ConfigurationError, match="no JWT or Cognito authorizer of that name"):
        Gateway(_echo, "http", authorizers=rules, jwks={"Other": issuer.jwks})
    with pytest.raises(ConfigurationError, match="not a JSON Web Key Set"):
        Gateway(_echo, "http", authorizers=rules, jwks={"Jwt": {"kty": "RSA"}})


# -- REST Cognito user pool authorizers ----------------------------------------------------------------
def _cognito_gateway(pool: Any) -> Gateway:
    rules = AuthorizerRules(
        {"Pool": CognitoAuthorizer("Pool", (pool.user_pool_arn,))},
        {"GET /me": RouteAuthorization("Pool"), "GET /orders": RouteAuthorization("Pool", ("orders/read",))},
    )
    return Gateway(
        _echo, "rest", routes=["GET /me", "GET /orders"], authorizers=rules, jwks={"Pool": pool.jwks}
    )


def test_cognito_id_token_claims_reach_authorizer_claims_as_strings() -> None:
    pool = JwtIssuer.cognito()
    token = pool.id_token("ann", groups=["Admin"], claims={"email_verified": True})
    seen = _cognito_gateway(pool).request("GET", "/me", headers={"Authorization": token}).json()
    claims = seen["claims"]
    assert (claims["sub"], claims["cognito:groups"], claims["email_verified"]) == ("ann", "Admin", "true")
    assert claims["token_use"] == "id"


def test_cognito_method_with_scopes_takes_an_access_token_with_one_of_them() -> None:
    pool = JwtIssuer.cognito()
    gateway = _cognito_gateway(pool)
    access = pool.access_token("ann", scopes=["orders/read"])
    assert gateway.request("GET", "/orders", headers={"Authorization": access}).status_code == 200
    assert _refused(gateway, "/orders", {"Authorization": pool.id_token("ann")}).status_code == 401
    assert _refused(gateway, "/me", {"Authorization": access}).status_code == 401
    other_pool = JwtIssuer.cognito(user_pool_id="us-east-1_Other")
    response = _refused(gateway, "/me", {"Authorization": other_pool.id_token("ann")})
    assert (response.status_code, response.content) == (401, b'{"message":"Unauthorized"}')


# -- claims nested too deep to read (issue #20 item 11) ------------------------------------------------
def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def _signed_raw(issuer: JwtIssuer, payload: bytes) -> str:
    """A token whose payload is these exact bytes, signed with the issuer's key (PyJWT's own encoder
    cannot write JSON nested deeper than Python's stack allows)."""
    import jwt  # noqa: PLC0415

    return jwt.api_jws.PyJWS().encode(
        payload, issuer.private_key, algorithm=issuer.algorithm, headers={"kid": issuer.key_id}
    )


def _deep_tokens(issuer: JwtIssuer) -> dict[str, str]:
    claims = {"iss": issuer.issuer, "aud": "app", "sub": "ann", "exp": 4102444800}
    head = json.dumps(claims)[:-1].encode()
    return {
        "claim-900-deep": issuer.token("ann", audience="app", claims={"deep": _nested(900)}),
        "payload-10000-deep": _signed_raw(
            issuer, head + b', "deep": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
        ),
    }


@pytest.mark.parametrize("api", ["http", "http-v1"])
def test_jwt_claims_nested_too_deep_are_401_not_a_recursion_error(issuer: JwtIssuer, api: str) -> None:
    gateway = _jwt_gateway(api, issuer)
    for name, token in _deep_tokens(issuer).items():
        with pytest.warns(GatewayErrorWarning, match=f"more than {MAX_NESTING} levels deep"):
            response = gateway.request("GET", "/me", headers={"Authorization": token})
        assert (response.status_code, response.content) == (401, b'{"message":"Unauthorized"}'), name
        assert 'error="invalid_token"' in response.headers["www-authenticate"]
    with LocalGateway(gateway, log=lambda line: None) as server:
        for name, token in _deep_tokens(issuer).items():
            response = requests.get(server.url + "/me", headers={"Authorization": token}, timeout=30)
            assert (response.status_code, response.content) == (401, b'{"message":"Unauthorized"}'), name


def test_jwt_claims_nested_to_the_limit_are_read(issuer: JwtIssuer) -> None:
    token = issuer.token("ann", audience="app", claims={"deep": _nested(MAX_NESTING - 1)})
    seen = _jwt_gateway("http", issuer).request("GET", "/me", headers={"Authorization": token}).json()
    assert seen["jwt"]["claims"]["deep"] == "[" * (MAX_NESTING - 1) + "bottom" + "]" * (MAX_NESTING - 1)


def test_cognito_claims_nested_too_deep_are_401_not_a_recursion_error() -> None:
    pool = JwtIssuer.cognito()
    token = pool.id_token("ann", claims={"deep": _nested(900)})
    response = _refused(_cognito_gateway(pool), "/me", {"Authorization": token})
    assert (response.status_code, response.content) == (401, b'{"message":"Unauthorized"}')
