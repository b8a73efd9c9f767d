"""SAM's ``Auth`` of an ``AWS::Serverless::Api`` / ``::HttpApi`` and of its functions' events, as the
authorizers the front door runs (spec 9).

- ``Auth.Authorizers``: a ``FunctionArn`` is a Lambda authorizer (REST ``FunctionPayloadType`` TOKEN, the
  default, or REQUEST; HTTP APIs ``AuthorizerPayloadFormatVersion`` and ``EnableSimpleResponses``), a
  ``UserPoolArn`` a REST Cognito authorizer, a ``JwtConfiguration`` an HTTP API JWT authorizer.
- ``Identity``: REST TOKEN and Cognito ``Header`` (default ``Authorization``) and
  ``ValidationExpression``; REQUEST and HTTP API Lambda ``Headers``, ``QueryStrings``, ``StageVariables``,
  ``Context``; ``ReauthorizeEvery`` the cache TTL (default 300 s). HTTP API JWT: ``IdentitySource``.
- ``DefaultAuthorizer`` guards every route of the API's events unless the event's ``Auth.Authorizer``
  names another, or ``NONE``; ``AuthorizationScopes`` are the route's scopes.
- ``AWS_IAM`` (SigV4), resource policies and invoke roles are not enforced: notes say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..authorizers.model import (
    DEFAULT_TTL,
    Authorizer,
    AuthorizerRules,
    CognitoAuthorizer,
    JwtAuthorizer,
    LambdaAuthorizer,
    RouteAuthorization,
)
from ..errors import ConfigurationError
from ..routing import parse_route
from .common import ReadContext
from .errors import TemplateError
from .model import ApiRoute

__all__ = ["ApiAuth", "EventAuth", "event_auth", "read_api_auth"]

_IAM = "AWS_IAM"
_NONE = "NONE"


@dataclass(frozen=True)
class EventAuth:
    """What a function event's ``Auth`` says of its route: the authorizer it names (None: the API's
    default; ``"NONE"``: open; ``"AWS_IAM"``) and the scopes."""

    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class ApiAuth:
    """An API's authorizers, its default one, and what of its ``Auth`` is not emulated."""

    authorizers: dict[str, Authorizer] = field(default_factory=dict)
    default: str | None = None
    notes: tuple[str, ...] = ()

    def rules(self, routes: list[tuple[ApiRoute, EventAuth]], notes: list[str]) -> AuthorizerRules | None:
        """The rules of the API's event routes; an ``AWS_IAM`` route is noted and left open.

        :raises TemplateError: for an event naming an authorizer the API does not have.
        """
        guarded: dict[str, RouteAuthorization] = {}
        for route, auth in routes:
            name = auth.authorizer if auth.authorizer is not None else self.default
            if name is None or name == _NONE:
                continue
            if name == _IAM:
                notes.append(f"{auth.where or route.origin}: IAM (SigV4) authorization is not enforced")
                continue
            if name not in self.authorizers:
                raise TemplateError(
                    f"the authorizer {name!r} is not one of the API's "
                    f"({', '.join(self.authorizers) or 'none'})",
                    where=auth.where or route.origin,
                )
            guarded[parse_route(route.spec).key] = RouteAuthorization(name, auth.scopes)
        if not self.authorizers:
            return None
        return AuthorizerRules(dict(self.authorizers), guarded)


def event_auth(properties: Mapping[str, Any], where: str, ctx: ReadContext) -> tuple[EventAuth, list[str]]:
    """An event's ``Auth`` (``Authorizer``, ``AuthorizationScopes``) and notes on what is not emulated."""
    auth = properties.get("Auth")
    if auth is None:
        return EventAuth(), []
    where = f"{where}.Auth"
    auth = ctx.resolver.resolve(auth, where)
    if not isinstance(auth, dict):
        raise TemplateError("Auth must be a mapping", where=where)
    notes = [f"{where}.{key}: not enforced" for key in ("ResourcePolicy", "InvokeRole") if key in auth]
    name = auth.get("Authorizer")
    if name is not None and not isinstance(name, str):
        raise TemplateError(f"Authorizer must be a name, got {name!r}", where=f"{where}.Authorizer")
    return EventAuth(
        name, _strings(auth.get("AuthorizationScopes"), f"{where}.AuthorizationScopes"), where
    ), notes


def read_api_auth(properties: Mapping[str, Any], kind: str, where: str, ctx: ReadContext) -> ApiAuth:
    """The ``Auth`` of an ``AWS::Serverless::Api`` (``kind="rest"``) or ``::HttpApi`` (``"http"``)."""
    if properties.get("Auth") is None:
        return ApiAuth()
    where = f"{where}.Auth"
    auth = ctx.resolver.resolve(properties["Auth"], where)
    if not isinstance(auth, dict):
        raise TemplateError("Auth must be a mapping", where=where)
    notes: list[str] = []
    configured = auth.get("Authorizers") or {}
    if not isinstance(configured, dict):
        raise TemplateError("Authorizers must be a mapping of names", where=f"{where}.Authorizers")
    authorizers: dict[str, Authorizer] = {}
    for name, value in configured.items():
        spot = f"{where}.Authorizers.{name}"
        if not isinstance(value, dict):
            raise TemplateError("an authorizer must be a mapping", where=spot)
        try:
            authorizer = _authorizer(str(name), value, kind, spot, ctx=ctx, notes=notes)
        except ConfigurationError as exc:
            raise TemplateError(str(exc), where=spot) from None
        if authorizer is not None:
            authorizers[str(name)] = authorizer
    default = auth.get("DefaultAuthorizer")
    if default is not None and default not in (_IAM, _NONE) and default not in configured:
        raise TemplateError(
            f"DefaultAuthorizer {default!r} is not one of the Authorizers "
            f"({', '.join(configured) or 'none'})",
            where=f"{where}.DefaultAuthorizer",
        )
    if default in configured and default not in authorizers:
        default = None  # an authorizer that cannot run here: noted, its routes open
    for key in ("ResourcePolicy", "InvokeRole"):
        if key in auth:
            notes.append(f"{where}.{key}: not enforced")
    if auth.get("EnableIamAuthorizer") is True:
        notes.append(f"{where}.EnableIamAuthorizer: IAM (SigV4) authorization is not enforced")
    guarded_preflight = auth.get("AddDefaultAuthorizerToCorsPreflight", True) is not False
    if kind == "rest" and default not in (None, _IAM, _NONE) and properties.get("Cors") and guarded_preflight:
        notes.append(
            f"{where}.AddDefaultAuthorizerToCorsPreflight: the emulator answers CORS preflights without "
            "the default authorizer (set it to false to match)"
        )
    return ApiAuth(authorizers, default if isinstance(default, str) else None, tuple(notes))


def _authorizer(
    name: str, value: Mapping[str, Any], kind: str, where: str, *, ctx: ReadContext, notes: list[str]
) -> Authorizer | None:
    identity = value.get("Identity") or {}
    if not isinstance(identity, dict):
        raise TemplateError("Identity must be a mapping", where=f"{where}.Identity")
    if "FunctionInvokeRole" in value:
        notes.append(f"{where}.FunctionInvokeRole: not enforced (the emulator invokes the function itself)")
    if kind == "http" and "JwtConfiguration" in value:
        return _jwt(name, value, where)
    if kind == "rest" and "UserPoolArn" in value:
        pools = value["UserPoolArn"]
        return CognitoAuthorizer(
            name,
            tuple(str(p) for p in (pools if isinstance(pools, list) else [pools])),
            identity_sources=(f"method.request.header.{identity.get('Header', 'Authorization')}",),
            validation_expression=_optional_text(identity.get("ValidationExpression")),
        )
    if "FunctionArn" not in value:
        raise TemplateError(
            "an authorizer needs a FunctionArn"
            + (" or a JwtConfiguration" if kind == "http" else " or a UserPoolArn"),
            where=where,
        )
    function = _function_id(value["FunctionArn"], f"{where}.FunctionArn", ctx, notes)
    if function is None:
        return None
    ttl = identity.get("ReauthorizeEvery", DEFAULT_TTL)
    if not isinstance(ttl, int) or isinstance(ttl, bool):
        raise TemplateError(
            f"ReauthorizeEvery must be a number of seconds, got {ttl!r}", where=f"{where}.Identity"
        )
    if kind == "rest":
        if str(value.get("FunctionPayloadType", "TOKEN")).upper() == "TOKEN":
            return LambdaAuthorizer(
                name,
                function,
                "TOKEN",
                (f"method.request.header.{identity.get('Header', 'Authorization')}",),
                _optional_text(identity.get("ValidationExpression")),
                ttl,
            )
        return LambdaAuthorizer(
            name, function, "REQUEST", _request_sources(identity, "method.request.", ""), ttl=ttl
        )
    version = str(value.get("AuthorizerPayloadFormatVersion", ""))
    version = {"1": "1.0", "2": "2.0", "1.0": "1.0", "2.0": "2.0"}.get(version, version)
    if version not in ("1.0", "2.0"):
        raise TemplateError(
            f"AuthorizerPayloadFormatVersion must be 1.0 or 2.0, got {version or '(none)'!r}",
            where=f"{where}.AuthorizerPayloadFormatVersion",
        )
    return LambdaAuthorizer(
        name,
        function,
        "REQUEST",
        _request_sources(identity, "$request.", "$"),
        ttl=ttl,
        payload_format_version="1.0" if version == "1.0" else "2.0",
        simple_responses=value.get("EnableSimpleResponses") is True,
    )


def _jwt(name: str, value: Mapping[str, Any], where: str) -> JwtAuthorizer:
    config = value["JwtConfiguration"]
    if not isinstance(config, dict) or not isinstance(config.get("issuer"), str):
        raise TemplateError("JwtConfiguration needs an issuer", where=f"{where}.JwtConfiguration")
    audiences = _strings(config.get("audience"), f"{where}.JwtConfiguration.audience")
    source = value.get("IdentitySource", "$request.header.Authorization")
    return JwtAuthorizer(name, config["issuer"], audiences, identity_sources=(str(source),))


def _request_sources(identity: Mapping[str, Any], request: str, other: str) -> tuple[str, ...]:
    sources: list[str] = []
    for key, prefix in (
        ("Headers", f"{request}header."),
        ("QueryStrings", f"{request}querystring."),
        ("StageVariables", f"{other}stageVariables."),
        ("Context", f"{other}context."),
    ):
        sources += [prefix + name for name in _strings(identity.get(key), f"Identity.{key}")]
    return tuple(sources)


def _function_id(arn: Any, where: str, ctx: ReadContext, notes: list[str]) -> str | None:
    resolved = ctx.resolver.resolve(arn, where)
    if not isinstance(resolved, str):
        raise TemplateError(f"FunctionArn must be a function's ARN, got {resolved!r}", where=where)
    try:
        return ctx.functions.from_uri(resolved, where)
    except TemplateError:
        notes.append(
            f"{where}: the authorizer function {resolved} is not in this template and cannot run here: "
            "the routes it guards are open"
        )
        return None


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TemplateError(f"expected a list of strings, got {value!r}", where=where)
    return tuple(values)


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)
