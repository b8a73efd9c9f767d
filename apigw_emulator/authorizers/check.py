"""Running an API's authorizers for a request, as the front door does before the integration (spec 9).

:class:`Authorization` is the one step the invoke step calls: for a request that matched a guarded
route it answers either the gateway's refusal (401, 403, 500) or what the function's event carries in
``requestContext.authorizer``. Lambda authorizers run in execution environments of their own (the
caller says where, see :data:`FunctionCaller`); results are cached per identity for the TTL.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._types import Event
from ..config import ApiKind, GatewayConfig
from ..events import BUILDERS
from ..gateway_errors import access_denied, authorizer_failure, unauthorized
from ..ids import RequestStamp
from ..request import HttpRequest
from ..response import GatewayResponse
from .identity import IdentitySource, parse_identity_source
from .lambda_events import http_v1_event, http_v2_event, rest_request_event, rest_token_event
from .model import AuthorizerRules, CognitoAuthorizer, JwtAuthorizer, LambdaAuthorizer, RouteAuthorization
from .policy import MalformedPolicyError, evaluate_policy, execute_api_arn

__all__ = ["Authorization", "FunctionCall", "FunctionCaller", "Granted"]


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """What calling an authorizer function gave: its JSON-decoded result, or why it failed.

    :ivar result: the result as the front door reads it (after the runtime's JSON encoding).
    :ivar failure: why there is no result (raised, timed out, throttled...); None on success.
    :ivar error_message: the ``errorMessage`` the function raised with, if it raised.
    """

    result: Any = None
    failure: str | None = None
    error_message: str | None = None


#: Calls an authorizer's function with an event: ``(authorizer, event, wait) -> FunctionCall``, ``wait``
#: being the most seconds the front door waits for it.
FunctionCaller = Callable[[LambdaAuthorizer, Event, float], FunctionCall]


@dataclass(frozen=True, slots=True)
class Granted:
    """The request may go on: what its event carries in ``requestContext.authorizer`` and the API key the
    authorizer named (``usageIdentifierKey``), if any."""

    authorizer: dict[str, Any]
    usage_identifier_key: str | None = None


#: The longest an HTTP API waits for a Lambda authorizer (D27), and a REST API (its integration limit).
_HTTP_AUTHORIZER_TIMEOUT = 10.0
_REST_AUTHORIZER_TIMEOUT = 29.0


@dataclass(frozen=True, slots=True)
class _Pending:
    """A request on its way through a Lambda authorizer."""

    request: HttpRequest
    event: Event
    identity: list[str]
    app_path: str
    config: GatewayConfig
    stamp: RequestStamp

    def arn(self) -> str:
        """The method ARN (REST, HTTP payload 1.0) or route ARN (HTTP payload 2.0) of the request."""
        stage = (self.event.get("requestContext") or {}).get("stage") or "$default"
        config = self.config
        return execute_api_arn(
            config.region, config.account_id, config.api_id, stage, f"{self.request.method}/{self.app_path}"
        )


@dataclass(slots=True)
class _Cached:
    result: Any
    latency: int
    expires: float


class Authorization:
    """An API's authorizers at work: identity sources, Lambda authorizer calls, policies, the cache.

    :param rules: the authorizers and the routes they guard.
    :param call: how a Lambda authorizer's function is called.
    :param clock: seconds, monotonic (the cache's TTL runs on it).
    :raises ConfigurationError: for an identity source AWS would not take.
    """

    def __init__(
        self,
        rules: AuthorizerRules,
        call: FunctionCaller,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rules = rules
        self._call = call
        self._clock = clock
        self._sources: dict[str, tuple[IdentitySource, ...]] = {
            name: tuple(parse_identity_source(s) for s in authorizer.identity_sources)
            for name, authorizer in rules.authorizers.items()
        }
        self._cache: dict[tuple[str, tuple[str, ...]], _Cached] = {}
        self._lock = threading.Lock()

    def clear_cache(self) -> None:
        """Forget every cached authorizer result."""
        with self._lock:
            self._cache.clear()

    def check(
        self,
        request: HttpRequest,
        event: Event,
        route_key: str,
        *,
        app_path: str,
        config: GatewayConfig,
        stamp: RequestStamp,
    ) -> Granted | GatewayResponse | None:
        """Authorize a request that matched ``route_key``: None for an open route, :class:`Granted`, or
        the front door's refusal.

        :param event: the proxy event the request makes (identity sources are read from it).
        :param app_path: the request's path below the stage as its route matched it
            (:func:`~apigw_emulator.routing.routed_path`): the method ARN's, which the policy is
            evaluated against.
        """
        found = self.rules.for_route(route_key)
        if found is None:
            return None
        authorizer, route = found
        sources = self._sources[authorizer.name]
        values = [source.value(event) for source in sources]
        missing = [source.expression for source, value in zip(sources, values, strict=True) if value is None]
        if missing:
            reason = (
                f"{route_key} is guarded by the authorizer {authorizer.name}, and the request has no (or an "
                f"empty) {', '.join(missing)}: the front door refuses it without calling the authorizer"
            )
            return unauthorized(config, stamp, reason)
        identity = [value for value in values if value is not None]
        if isinstance(authorizer, LambdaAuthorizer):
            return self._lambda(authorizer, _Pending(request, event, identity, app_path, config, stamp))
        return _token_authorizer(authorizer, route, identity[0], config, stamp)

    # -- Lambda authorizers -------------------------------------------------------------------------
    def _lambda(self, authorizer: LambdaAuthorizer, pending: _Pending) -> Granted | GatewayResponse:
        config, stamp, identity = pending.config, pending.stamp, pending.identity
        if authorizer.validation_expression is not None and not _valid(authorizer, identity[0]):
            reason = (
                f"the token does not match the authorizer {authorizer.name}'s validation expression "
                f"{authorizer.validation_expression!r}: refused without calling the authorizer"
            )
            return unauthorized(config, stamp, reason)
        arn = pending.arn()
        key = (authorizer.name, tuple(identity))
        cacheable = authorizer.ttl > 0 and bool(identity)
        cached = self._cached(key) if cacheable else None
        if cached is None:
            authorizer_event = _authorizer_event(authorizer, pending, arn)
            wait = _REST_AUTHORIZER_TIMEOUT if config.api == "rest" else _HTTP_AUTHORIZER_TIMEOUT
            started = time.perf_counter()
            call = self._call(authorizer, authorizer_event, wait)
            latency = round((time.perf_counter() - started) * 1000)
            if call.failure is not None:
                if call.error_message == "Unauthorized":
                    reason = f"the authorizer {authorizer.name} raised 'Unauthorized'"
                    return unauthorized(config, stamp, reason)
                return authorizer_failure(config, stamp, f"the authorizer {authorizer.name} {call.failure}")
            cached = _Cached(call.result, latency, self._clock() + authorizer.ttl)
            if cacheable:
                with self._lock:
                    self._cache[key] = cached
        return _decide(authorizer, cached, arn, config, stamp)

    def _cached(self, key: tuple[str, tuple[str, ...]]) -> _Cached | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            if entry.expires <= self._clock():
                del self._cache[key]
                return None
            return dataclasses.replace(entry, latency=0)


def _valid(authorizer: LambdaAuthorizer | CognitoAuthorizer, token: str) -> bool:
    assert authorizer.validation_expression is not None
    try:
        return re.fullmatch(authorizer.validation_expression, token) is not None
    except re.error:
        return False


def _authorizer_event(authorizer: LambdaAuthorizer, pending: _Pending, arn: str) -> Event:
    config, event, identity = pending.config, pending.event, pending.identity
    if config.api == "rest":
        if authorizer.type == "TOKEN":
            return rest_token_event(identity[0], arn)
        return rest_request_event(event, arn)
    wanted: ApiKind = "http" if authorizer.payload_format_version == "2.0" else "http-v1"
    if wanted != config.api:  # the authorizer's format differs from the integration's
        event = BUILDERS[wanted](pending.request, dataclasses.replace(config, api=wanted), pending.stamp)
    if wanted == "http":
        return http_v2_event(event, arn, identity)
    return http_v1_event(event, arn, identity)


def _decide(
    authorizer: LambdaAuthorizer, cached: _Cached, arn: str, config: GatewayConfig, stamp: RequestStamp
) -> Granted | GatewayResponse:
    result = cached.result
    name = authorizer.name
    if config.api != "rest" and authorizer.simple_responses:
        if not isinstance(result, Mapping) or not isinstance(result.get("isAuthorized"), bool):
            reason = f"the authorizer {name} returned {_short(result)}, not {{'isAuthorized': bool, ...}}"
            return authorizer_failure(config, stamp, reason)
        if not result["isAuthorized"]:
            return access_denied(config, stamp, f"the authorizer {name} answered isAuthorized: false")
        context = result.get("context")
        return Granted({"lambda": dict(context) if isinstance(context, Mapping) else {}})
    if not isinstance(result, Mapping):
        return authorizer_failure(
            config, stamp, f"the authorizer {name} returned {_short(result)}, not a policy"
        )
    principal = result.get("principalId")
    if config.api == "rest" and not isinstance(principal, str):
        reason = f"the authorizer {name}'s result has no principalId string (got {_short(principal)})"
        return authorizer_failure(config, stamp, reason)
    try:
        decision = evaluate_policy(result.get("policyDocument"), arn)
        context = _context(result.get("context"), stringify=config.api == "rest")
    except MalformedPolicyError as exc:
        return authorizer_failure(config, stamp, f"the authorizer {name}'s result is malformed: {exc}")
    if decision != "allow":
        explicit = decision == "explicit-deny"
        reason = (
            f"the policy of the authorizer {name} "
            f"{'denies' if explicit else 'does not allow'} execute-api:Invoke on {arn}"
        )
        return access_denied(config, stamp, reason, explicit=explicit)
    key = result.get("usageIdentifierKey")
    usage_key = key if isinstance(key, str) else None
    if config.api == "rest":
        return Granted({"principalId": principal, "integrationLatency": cached.latency, **context}, usage_key)
    return Granted({"lambda": context}, usage_key)


def _context(value: Any, *, stringify: bool) -> dict[str, Any]:
    """A policy result's ``context``: REST takes string, number and boolean values only and hands them on
    as strings (API Gateway's context is a string map; UNCONFIRMED for numbers and booleans)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise MalformedPolicyError(f"context is {_short(value)}, not an object")
    if not stringify:
        return dict(value)
    context: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, (dict, list)):
            raise MalformedPolicyError(
                f"context[{key!r}] is an object or array; only strings, numbers and booleans"
            )
        context[str(key)] = _scalar_text(item)
    return context


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# -- JWT and Cognito authorizers ---------------------------------------------------------------------
def _token_authorizer(
    authorizer: JwtAuthorizer | CognitoAuthorizer,
    route: RouteAuthorization,
    token: str,
    config: GatewayConfig,
    stamp: RequestStamp,
) -> Granted | GatewayResponse:
    from .tokens import (  # noqa: PLC0415 - PyJWT is optional
        TokenRejected,
        bearer_token,
        check_cognito_token_use,
        check_scopes,
        cognito_issuers,
        scopes_of,
        stringify_claims,
        verify_jwt,
    )

    name = authorizer.name
    if authorizer.jwks is None:
        reason = (
            f"the {name} authorizer checks token signatures, and no JWKS was given for it: give its keys "
            f"with jwks={{{name!r}: 'jwks.json'}} (serve: --jwks {name}=jwks.json)"
        )
        return unauthorized(config, stamp, reason)
    if isinstance(authorizer, CognitoAuthorizer):
        if authorizer.validation_expression is not None and not _valid(authorizer, token):
            return unauthorized(config, stamp, f"the token does not match {name}'s validation expression")
        try:
            claims = verify_jwt(
                token,
                jwks=authorizer.jwks,
                issuers=cognito_issuers(authorizer.user_pool_arns),
                audiences=None,
            )
            check_cognito_token_use(claims, route.scopes)
            check_scopes(claims, route.scopes)
        except TokenRejected as exc:
            return unauthorized(
                config, stamp, f"the Cognito authorizer {name} refuses the token: {exc.reason}"
            )
        return Granted({"claims": stringify_claims(claims, "rest")})
    try:
        claims = verify_jwt(
            bearer_token(token),
            jwks=authorizer.jwks,
            issuers=(authorizer.issuer,),
            audiences=authorizer.audiences,
        )
    except TokenRejected as exc:
        challenge = f'Bearer scope="" error="invalid_token" error_description="{exc.description}"'
        reason = f"the JWT authorizer {name} refuses the token: {exc.reason}"
        return unauthorized(config, stamp, reason, www_authenticate=challenge)
    try:
        check_scopes(claims, route.scopes)
    except TokenRejected as exc:
        challenge = (
            f'Bearer scope="{" ".join(route.scopes)}" error="insufficient_scope" '
            f'error_description="{exc.description}"'
        )
        reason = f"the JWT authorizer {name} refuses the token: {exc.reason}"
        return access_denied(config, stamp, reason, www_authenticate=challenge)
    jwt = {"claims": stringify_claims(claims, "http"), "scopes": scopes_of(claims)}
    return Granted({"jwt": jwt} if config.api == "http" else jwt)
