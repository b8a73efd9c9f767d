"""What REST and HTTP API readers share: Lambda targets in integration URIs, and authorizers as API Gateway
defines them (``x-amazon-apigateway-authorizer``, ``AWS::ApiGateway::Authorizer``,
``AWS::ApiGatewayV2::Authorizer``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..authorizers.model import DEFAULT_TTL, Authorizer, CognitoAuthorizer, JwtAuthorizer, LambdaAuthorizer
from ..model.rest import LambdaTarget
from .errors import TemplateError
from .intrinsics import Resolver

__all__ = ["AuthorizerSpec", "lambda_authorizer_function", "lambda_target", "read_authorizer"]

# A function ARN, possibly inside an API Gateway invocation URI; its name or qualifier may be a stage
# variable.
_FUNCTION_ARN = re.compile(r"arn:[\w-]+:lambda:[^:]*:[^:]*:function:([^:/]+)(?::([^/]+))?")
_STAGE_VARIABLE = re.compile(r"\$\{!?stageVariables\.")


def resolve_uri(value: Any, resolver: Resolver, where: str) -> str:
    """An integration or authorizer URI as text. A plain string keeps ``${stageVariables.x}`` as it is
    (API Gateway fills it per stage); ``${Fn.Arn}`` in a plain string (an OpenAPI file) is substituted, as
    SAM CLI reads such files."""
    if isinstance(value, str):
        escaped = _STAGE_VARIABLE.sub("${!stageVariables.", value)
        return resolver.substitute(escaped, {}, where)
    text = resolver.resolve(value, where)
    if not isinstance(text, str):
        raise TemplateError(f"expected a URI, got {text!r}", where=where)
    return text


def function_arn_of(target: str, resolver: Resolver) -> str:
    """A function's ARN from what names it: an ARN as it is, a name (what ``!Ref`` of a function gives)
    as the ARN of that function in the template's region and account."""
    return target if ":function:" in target else resolver.function_arn(target)


def lambda_target(uri: str, functions: Mapping[str, str]) -> LambdaTarget | None:
    """The Lambda function a URI invokes (``functions`` maps function names to logical ids), or None when
    the URI names no Lambda function."""
    match = _FUNCTION_ARN.search(uri)
    if match is None:
        return None
    name, qualifier = match.group(1), match.group(2)
    arn = match.group(0)
    return LambdaTarget(functions.get(name), arn, qualifier)


def lambda_authorizer_function(uri: str, functions: Mapping[str, str]) -> str:
    """What a :class:`LambdaAuthorizer` runs: the logical id of the template's function, or the ARN of one
    outside the template (which cannot run here: the front door then answers 500, never an open route)."""
    target = lambda_target(uri, functions)
    if target is None:
        return uri
    return target.function_id or target.arn


AuthorizerSpec = Mapping[str, Any]


def read_authorizer(
    name: str,
    spec: AuthorizerSpec,
    *,
    kind: str,
    resolver: Resolver,
    functions: Mapping[str, str],
    where: str,
    header_name: str | None = None,
) -> Authorizer:
    """An authorizer from API Gateway's own fields (OpenAPI's ``x-amazon-apigateway-authorizer`` spelling:
    ``type``, ``authorizerUri``, ``identitySource``, ``identityValidationExpression``,
    ``authorizerResultTtlInSeconds``, ``providerARNs``, ``jwtConfiguration``,
    ``authorizerPayloadFormatVersion``, ``enableSimpleResponses``).

    :param kind: ``"rest"`` or ``"http"``.
    :param header_name: REST OpenAPI: the security scheme's ``name`` (the token header).
    :raises TemplateError: for an unknown type or a missing field.
    """
    authorizer_type = str(spec.get("type", "")).lower()
    ttl = _int(
        spec.get("authorizerResultTtlInSeconds", DEFAULT_TTL),
        f"{where}.authorizerResultTtlInSeconds",
        resolver,
    )
    validation = spec.get("identityValidationExpression")
    validation = (
        None if validation is None else resolver.string(validation, f"{where}.identityValidationExpression")
    )
    sources = _identity_sources(spec.get("identitySource"), resolver, f"{where}.identitySource")
    if authorizer_type == "jwt":
        config = resolver.resolve(spec.get("jwtConfiguration") or {}, f"{where}.jwtConfiguration")
        issuer = config.get("issuer") if isinstance(config, dict) else None
        if not isinstance(issuer, str):
            raise TemplateError(
                "a JWT authorizer needs jwtConfiguration.issuer", where=f"{where}.jwtConfiguration"
            )
        audience = config.get("audience") or []
        audiences = tuple(str(a) for a in (audience if isinstance(audience, list) else [audience]))
        return JwtAuthorizer(
            name, issuer, audiences, identity_sources=sources or ("$request.header.Authorization",)
        )
    if authorizer_type == "cognito_user_pools":
        pools = resolver.resolve(spec.get("providerARNs") or [], f"{where}.providerARNs")
        header = f"method.request.header.{header_name or 'Authorization'}"
        return CognitoAuthorizer(
            name,
            tuple(str(p) for p in (pools if isinstance(pools, list) else [pools])),
            identity_sources=sources or (header,),
            validation_expression=validation,
        )
    if authorizer_type not in ("token", "request"):
        raise TemplateError(
            f"authorizer type {authorizer_type or '(none)'!r}: expected token, request, cognito_user_pools "
            "or jwt",
            where=f"{where}.type",
        )
    if "authorizerUri" not in spec:
        raise TemplateError("a Lambda authorizer needs an authorizerUri", where=where)
    uri = resolve_uri(spec["authorizerUri"], resolver, f"{where}.authorizerUri")
    function = lambda_authorizer_function(uri, functions)
    if kind == "rest":
        if authorizer_type == "token":
            header = f"method.request.header.{header_name or 'Authorization'}"
            return LambdaAuthorizer(name, function, "TOKEN", sources[:1] or (header,), validation, ttl)
        return LambdaAuthorizer(name, function, "REQUEST", sources, ttl=ttl)
    version = str(spec.get("authorizerPayloadFormatVersion", "2.0"))
    version = {"1": "1.0", "2": "2.0"}.get(version, version)
    if version not in ("1.0", "2.0"):
        raise TemplateError(
            f"authorizerPayloadFormatVersion must be 1.0 or 2.0, got {version!r}",
            where=f"{where}.authorizerPayloadFormatVersion",
        )
    return LambdaAuthorizer(
        name,
        function,
        "REQUEST",
        sources,
        ttl=ttl,
        payload_format_version="1.0" if version == "1.0" else "2.0",
        simple_responses=resolver.resolve(spec.get("enableSimpleResponses", False), where) in (True, "true"),
    )


def _identity_sources(value: Any, resolver: Resolver, where: str) -> tuple[str, ...]:
    value = resolver.resolve(value, where) if value is not None else None
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise TemplateError(f"expected identity sources, got {value!r}", where=where)
    return tuple(str(item).strip() for item in items if str(item).strip())


def _int(value: Any, where: str, resolver: Resolver) -> int:
    text = resolver.string(value, where)
    try:
        return int(text)
    except ValueError:
        raise TemplateError(f"expected a whole number, got {text!r}", where=where) from None
