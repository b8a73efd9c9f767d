"""What an API's authorizers are, and which routes they guard (spec 9, D25-D28).

These are plain descriptions: a template reader or a test builds them, :mod:`.check` runs them. An
identity source is written as AWS writes it, in either API's syntax: ``method.request.header.Auth``,
``method.request.querystring.name``, ``stageVariables.name``, ``context.name`` (REST) or
``$request.header.Auth``, ``$request.querystring.name``, ``$stageVariables.name``, ``$context.name``
(HTTP APIs).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigurationError

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

#: How long an authorizer's result is cached by default, in seconds (``authorizerResultTtlInSeconds``).
DEFAULT_TTL = 300

#: A JSON Web Key Set: the document itself, or the path of a JSON file holding it.
JwksSource = Mapping[str, Any] | str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class LambdaAuthorizer:
    """A Lambda authorizer (REST ``TOKEN`` or ``REQUEST``; HTTP API ``REQUEST``).

    :param name: the authorizer's name (its key in SAM's ``Auth.Authorizers``).
    :param function: the authorizer function: a handler ``handler(event, context)``, or the logical id of
        one of the application's functions.
    :param type: ``"TOKEN"`` (REST only: the token is one header) or ``"REQUEST"``.
    :param identity_sources: where the identity comes from; a request that lacks one (or has it empty) is
        refused with 401 without calling the function. TOKEN: one header. REQUEST: any number (none: the
        authorizer runs for every request and its result is not cached).
    :param validation_expression: TOKEN: a regular expression the whole token must match, else 401
        without calling the function.
    :param ttl: seconds a result is cached per identity (0: never cached); a cached REST policy is
        evaluated again for each method it is used for.
    :param payload_format_version: HTTP APIs: the authorizer's event and response format, ``"1.0"`` or
        ``"2.0"``.
    :param simple_responses: HTTP APIs, payload 2.0: the function answers ``{"isAuthorized": bool,
        "context": {...}}`` instead of an IAM policy.
    """

    name: str
    function: Callable[..., Any] | str
    type: Literal["TOKEN", "REQUEST"] = "TOKEN"
    identity_sources: tuple[str, ...] = ("method.request.header.Authorization",)
    validation_expression: str | None = None
    ttl: int = DEFAULT_TTL
    payload_format_version: Literal["1.0", "2.0"] = "2.0"
    simple_responses: bool = False

    def __post_init__(self) -> None:
        if self.type not in ("TOKEN", "REQUEST"):
            raise ConfigurationError(
                f"authorizer {self.name}: type must be TOKEN or REQUEST, got {self.type!r}"
            )
        if self.type == "TOKEN" and len(self.identity_sources) != 1:
            raise ConfigurationError(
                f"authorizer {self.name}: a TOKEN authorizer has exactly one identity source"
            )
        if self.payload_format_version not in ("1.0", "2.0"):
            raise ConfigurationError(
                f"authorizer {self.name}: payload_format_version is '1.0' or '2.0', "
                f"got {self.payload_format_version!r}"
            )
        if self.simple_responses and self.payload_format_version != "2.0":
            raise ConfigurationError(f"authorizer {self.name}: simple responses need payload format 2.0")
        if self.ttl < 0 or self.ttl > 3600:
            raise ConfigurationError(f"authorizer {self.name}: ttl is 0 to 3600 seconds, got {self.ttl}")


@dataclass(frozen=True, slots=True)
class JwtAuthorizer:
    """An HTTP API JWT authorizer (D28).

    :param name: the authorizer's name.
    :param issuer: the ``iss`` a token must have.
    :param audiences: a token's ``aud`` (or, without ``aud``, its ``client_id``) must be one of these.
    :param jwks: the issuer's signing keys (a JWKS document, or the path of a JSON file); None: every
        token is refused, the reason naming the option that gives them.
    :param identity_sources: where the token is (``Bearer`` prefix optional).
    """

    name: str
    issuer: str
    audiences: tuple[str, ...]
    jwks: Mapping[str, Any] | None = field(default=None, compare=False)
    identity_sources: tuple[str, ...] = ("$request.header.Authorization",)


@dataclass(frozen=True, slots=True)
class CognitoAuthorizer:
    """A REST Cognito user pool authorizer (``COGNITO_USER_POOLS``).

    :param name: the authorizer's name.
    :param user_pool_arns: the pools whose tokens are accepted (a token's ``iss`` names its pool).
    :param jwks: the pools' signing keys (a JWKS document, or the path of a JSON file); None: every token
        is refused, the reason naming the option that gives them.
    :param identity_sources: the header that carries the token (the raw token, no ``Bearer`` prefix).
    :param validation_expression: a regular expression the whole token must match, else 401.
    """

    name: str
    user_pool_arns: tuple[str, ...]
    jwks: Mapping[str, Any] | None = field(default=None, compare=False)
    identity_sources: tuple[str, ...] = ("method.request.header.Authorization",)
    validation_expression: str | None = None


Authorizer = LambdaAuthorizer | JwtAuthorizer | CognitoAuthorizer


@dataclass(frozen=True, slots=True)
class RouteAuthorization:
    """The authorizer guarding one route, and the OAuth scopes the route requires (JWT and Cognito)."""

    authorizer: str
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorizerRules:
    """An API's authorizers and the routes they guard.

    :param authorizers: by name.
    :param routes: route key (``"POST /shape"``, ``"$default"``) -> its authorization; routes not listed
        are open.
    """

    authorizers: Mapping[str, Authorizer]
    routes: Mapping[str, RouteAuthorization]

    def __post_init__(self) -> None:
        for key, route in self.routes.items():
            if route.authorizer not in self.authorizers:
                raise ConfigurationError(
                    f"route {key} names the authorizer {route.authorizer!r}, which is not one of "
                    f"{', '.join(sorted(self.authorizers)) or 'none'}"
                )

    def for_route(self, route_key: str) -> tuple[Authorizer, RouteAuthorization] | None:
        """The authorizer of a route and its settings, or None for an open route."""
        route = self.routes.get(route_key)
        return None if route is None else (self.authorizers[route.authorizer], route)

    def with_jwks(self, jwks: Mapping[str, JwksSource]) -> AuthorizerRules:
        """These rules with the signing keys of JWT and Cognito authorizers set by name.

        :raises ConfigurationError: for a name that is not a JWT or Cognito authorizer here, or keys that
            cannot be read.
        """
        authorizers = dict(self.authorizers)
        for name, source in jwks.items():
            current = authorizers.get(name)
            if not isinstance(current, (JwtAuthorizer, CognitoAuthorizer)):
                known = sorted(n for n, a in authorizers.items() if not isinstance(a, LambdaAuthorizer))
                raise ConfigurationError(
                    f"jwks for {name!r}: no JWT or Cognito authorizer of that name "
                    f"(they are: {', '.join(known) or 'none'})"
                )
            authorizers[name] = _replace_jwks(current, load_jwks(source))
        return AuthorizerRules(authorizers, self.routes)


def _replace_jwks(authorizer: JwtAuthorizer | CognitoAuthorizer, jwks: Mapping[str, Any]) -> Authorizer:
    import dataclasses  # noqa: PLC0415

    return dataclasses.replace(authorizer, jwks=jwks)


def load_jwks(source: JwksSource) -> Mapping[str, Any]:
    """A JWKS document from itself or from a JSON file.

    :raises ConfigurationError: for a file that cannot be read, or a document without a ``keys`` list.
    """
    if isinstance(source, Mapping):
        document: Any = source
        where = "the JWKS"
    else:
        where = str(source)
        try:
            document = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"cannot read the JWKS file {where}: {exc}") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise ConfigurationError(f'{where} is not a JSON Web Key Set (a {{"keys": [...]}} object)')
    return document
