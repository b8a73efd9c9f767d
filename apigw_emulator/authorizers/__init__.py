"""Authorizers run locally as the front door runs them: Lambda authorizers (REST TOKEN and REQUEST, HTTP
API payload 1.0 and 2.0), HTTP API JWT authorizers and REST Cognito user pool authorizers (spec 9)."""

from __future__ import annotations

from .model import (
    DEFAULT_TTL,
    Authorizer,
    AuthorizerRules,
    CognitoAuthorizer,
    JwtAuthorizer,
    LambdaAuthorizer,
    RouteAuthorization,
    load_jwks,
)

__all__ = [
    "DEFAULT_TTL",
    "Authorizer",
    "AuthorizerRules",
    "CognitoAuthorizer",
    "JwtAuthorizer",
    "LambdaAuthorizer",
    "RouteAuthorization",
    "load_jwks",
]
