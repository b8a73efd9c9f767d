"""The model of an API (:mod:`apigw_emulator.model`) as the options of today's front door (an :class:`Api`):
Lambda proxy routes to functions, the authorizers and the routes they guard, API keys, CORS, the stage, and
the routes the front door answers itself (MOCK integrations, IAM-authorized routes without a signature,
integrations not run yet)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..authorizers.model import Authorizer, AuthorizerRules, LambdaAuthorizer, RouteAuthorization
from ..errors import ConfigurationError
from ..flow.validation import MethodValidation
from ..http_api_mapping import HttpApiMappingError, check_mapping
from ..integration_request import IntegrationRequestError, check_request_parameters
from ..model.http import HttpApi, HttpIntegration
from ..model.rest import Integration, LambdaTarget, RestApi
from ..request_validation import RequestValidation
from ..route_integrations import RouteIntegrations
from ..routing import parse_route, precedence
from .common import merge_routes
from .errors import TemplateError
from .model import Api, ApiRoute, Function

__all__ = ["http_api_to_api", "rest_api_to_api"]


_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


def _route_key(method: str, path: str) -> str:
    return parse_route("$default" if path == "$default" else f"{method} {path}").key


def rest_api_to_api(model: RestApi, functions: Mapping[str, Function], region: str, account_id: str) -> Api:
    """The :class:`Api` of a REST API model."""
    routes: list[ApiRoute] = []
    mocks = {}
    http: dict[str, Integration] = {}
    lambda_custom: dict[str, Integration] = {}
    unsupported: dict[str, str] = {}
    iam: list[str] = []
    guarded: dict[str, RouteAuthorization] = {}
    notes = list(model.not_emulated)
    stage = model.stage()
    for method in model.methods:
        key = _route_key(method.http_method, method.path)
        integration = method.integration
        target = integration.target
        if integration.type == "AWS" and target is not None:
            target = _named_by_stage_variable(target, functions, dict(stage.variables) if stage else {})
        if (
            integration.type in ("AWS_PROXY", "AWS")
            and target is not None
            and target.function_id in functions
        ):
            if integration.type == "AWS":
                lambda_custom[key] = integration
            routes.append(
                ApiRoute(
                    method=method.http_method,
                    path=method.path,
                    function_id=str(target.function_id),
                    timeout_in_millis=integration.timeout_in_millis,
                    origin=method.origin,
                    api_key_required=method.api_key_required,
                    qualifier=target.qualifier,
                )
            )
        elif integration.type == "MOCK":
            mocks[key] = integration
        elif integration.type in ("HTTP_PROXY", "HTTP"):
            _check_http(integration, method.origin)
            http[key] = integration
        else:
            why = _why_not_run(integration.type, integration.uri)
            unsupported[key] = why
            notes.append(f"{method.origin}: {key} answers 500: {why}")
        if method.authorization_type in ("CUSTOM", "COGNITO_USER_POOLS") and method.authorizer is not None:
            guarded[key] = RouteAuthorization(method.authorizer, method.authorization_scopes)
        elif method.authorization_type == "AWS_IAM":
            iam.append(key)
    keyed = [r for r in routes if r.api_key_required]
    keyed_other = [
        m for m in model.methods if m.api_key_required and m.integration.type not in ("AWS_PROXY", "AWS")
    ]
    notes += _api_notes(model, iam, functions)
    routes.sort(key=lambda route: precedence(route.spec))
    return Api(
        logical_id=model.logical_id,
        kind="rest",
        resource_type="AWS::ApiGateway::RestApi",
        stage=stage.name if stage else None,
        routes=merge_routes(routes, model.logical_id),
        binary_media_types=model.binary_media_types,
        stage_variables=dict(stage.variables) if stage else {},
        stages={s.name: dict(s.variables) for s in model.stages},
        endpoint_type=model.endpoint_type,
        notes=tuple(notes),
        region=region,
        account_id=account_id,
        functions=functions,
        api_keys=model.api_keys,
        api_key_routes=tuple(
            dict.fromkeys([*(r.spec for r in keyed), *(f"{m.http_method} {m.path}" for m in keyed_other)])
        ),
        authorizers=AuthorizerRules(dict(model.authorizers), guarded) if guarded else None,
        api_key_source=model.api_key_source,
        domain_name=model.custom_domains[0][0] if model.custom_domains else None,
        base_path=model.custom_domains[0][1] if model.custom_domains else "",
        integrations=RouteIntegrations(mocks, unsupported, frozenset(iam), lambda_custom, http=http)
        if mocks or unsupported or iam or lambda_custom or http
        else None,
        validation=_validation(model),
        gateway_responses=dict(model.gateway_responses),
    )


def http_api_to_api(model: HttpApi, functions: Mapping[str, Function], region: str, account_id: str) -> Api:
    """The :class:`Api` of an HTTP API model."""
    routes: list[ApiRoute] = []
    unsupported: dict[str, str] = {}
    http: dict[str, HttpIntegration] = {}
    iam: list[str] = []
    guarded: dict[str, RouteAuthorization] = {}
    notes = list(model.not_emulated)
    for route in model.routes:
        method, _, path = route.route_key.partition(" ")
        if not path:
            method, path = "ANY", route.route_key
        try:
            key = _route_key(method, path)
        except Exception as exc:
            raise TemplateError(str(exc), where=route.origin) from None
        integration = route.integration
        target = integration.target if integration is not None else None
        if (
            integration is not None
            and integration.type == "AWS_PROXY"
            and target is not None
            and target.function_id in functions
        ):
            routes.append(
                ApiRoute(
                    method=parse_route(key).method if key != "$default" else "ANY",
                    path=path if key != "$default" else "$default",
                    function_id=str(target.function_id),
                    payload_format_version=integration.payload_format_version,
                    timeout_in_millis=integration.timeout_in_millis,
                    origin=route.origin,
                    qualifier=target.qualifier,
                )
            )
        elif integration is not None and integration.type == "HTTP_PROXY":
            _check_http_api(integration, route.origin)
            http[key] = integration
        else:
            why = (
                "the route has no integration"
                if integration is None
                else _why_not_run(integration.type, integration.uri)
            )
            unsupported[key] = why
            notes.append(f"{route.origin}: {key} answers 500: {why}")
        if route.authorization_type in ("JWT", "CUSTOM") and route.authorizer is not None:
            guarded[key] = RouteAuthorization(route.authorizer, route.authorization_scopes)
        elif route.authorization_type == "AWS_IAM":
            iam.append(key)
    notes += _api_notes(model, iam, functions)
    routes.sort(key=lambda route: precedence(route.spec))
    stage = model.stage()
    return Api(
        logical_id=model.logical_id,
        kind="http",
        resource_type="AWS::ApiGatewayV2::Api",
        stage=stage.name if stage else None,
        routes=merge_routes(routes, model.logical_id),
        stage_variables=dict(stage.variables) if stage else {},
        stages={s.name: dict(s.variables) for s in model.stages},
        notes=tuple(notes),
        region=region,
        account_id=account_id,
        functions=functions,
        cors=model.cors,
        domain_name=model.custom_domains[0][0] if model.custom_domains else None,
        base_path=model.custom_domains[0][1] if model.custom_domains else "",
        authorizers=AuthorizerRules(dict(model.authorizers), guarded) if guarded else None,
        integrations=RouteIntegrations({}, unsupported, frozenset(iam), http=http)
        if unsupported or iam or http
        else None,
    )


def _authorizer_notes(
    api_id: str, authorizers: Mapping[str, Authorizer], functions: Mapping[str, Function]
) -> list[str]:
    """A note for each Lambda authorizer whose function is not in the template: its routes answer 500."""
    return [
        f"{api_id}: the authorizer {name}'s function {authorizer.function} is not in this template and "
        "cannot run here: the routes it guards answer 500, as AWS answers a failing authorizer"
        for name, authorizer in authorizers.items()
        if isinstance(authorizer, LambdaAuthorizer) and authorizer.function not in functions
    ]


def _validation(model: RestApi) -> MethodValidation | None:
    """The validation of the API's methods that have a validator, set up now: what API Gateway would refuse
    to deploy (an unknown validator or model, an invalid schema) is a template error.

    :raises TemplateError: for a misconfigured method.
    """
    methods = {
        _route_key(method.http_method, method.path): method
        for method in model.methods
        if method.request_validator
    }
    if not methods:
        return None
    validation = MethodValidation(RequestValidation(model), methods)
    try:
        validation.check()
    except ConfigurationError as exc:
        raise TemplateError(str(exc), where=model.source) from None
    return validation


def _api_notes(model: RestApi | HttpApi, iam: list[str], functions: Mapping[str, Function]) -> list[str]:
    """What both kinds of API say of what is read but not enforced: IAM signatures, extra custom domain
    mappings, authorizers whose function is not here."""
    return [
        *_iam_notes(model.logical_id, iam),
        *_domain_notes(model.logical_id, model.custom_domains),
        *_authorizer_notes(model.logical_id, model.authorizers, functions),
    ]


def _iam_notes(api_id: str, iam: list[str]) -> list[str]:
    if not iam:
        return []
    return [
        f"{api_id}: AWS_IAM routes ({', '.join(iam)}) refuse unsigned requests as AWS does; a SigV4 "
        "signature is not checked against credentials"
    ]


def _domain_notes(api_id: str, domains: tuple[tuple[str, str], ...]) -> list[str]:
    if len(domains) < 2:
        return []
    listed = ", ".join(f"{domain}/{path}" for domain, path in domains)
    return [
        f"{api_id} is mapped to custom domains at {listed}: only the first base path "
        f"(/{domains[0][1]}) is served"
    ]


def _check_http(integration: Integration, where: str) -> None:
    """Refuse what API Gateway refuses to deploy for an HTTP integration: no URL, no ``httpMethod``, a
    malformed parameter mapping.

    :raises TemplateError: naming the method.
    """
    uri = integration.uri or ""
    if not uri.startswith(("http://", "https://")):
        raise TemplateError(
            f"Invalid HTTP endpoint specified for URI ({uri or 'none'}): an {integration.type} integration "
            "calls an http:// or https:// URL",
            where=where,
        )
    if not integration.http_method:
        raise TemplateError(
            f"an {integration.type} integration needs its httpMethod (the method the backend is called with; "
            "ANY: the client's)",
            where=where,
        )
    try:
        check_request_parameters(integration.request_parameters)
    except IntegrationRequestError as exc:
        raise TemplateError(str(exc), where=where) from None


def _check_http_api(integration: HttpIntegration, where: str) -> None:
    """Refuse what API Gateway refuses to deploy for an HTTP API's ``HTTP_PROXY``: no URL, a parameter
    mapping of a reserved header or with an unknown key or expression.

    :raises TemplateError: naming the route.
    """
    uri = integration.uri or ""
    if not uri.startswith(("http://", "https://")):
        raise TemplateError(
            f"the HTTP_PROXY integration's URI {uri or '(none)'!r} is not an http:// or https:// URL "
            "(a private integration through a VPC link is not emulated)",
            where=where,
        )
    try:
        check_mapping(integration.request_parameters, integration.response_parameters)
    except HttpApiMappingError as exc:
        raise TemplateError(str(exc), where=where) from None


def _named_by_stage_variable(
    target: LambdaTarget, functions: Mapping[str, Function], variables: Mapping[str, str]
) -> LambdaTarget:
    """A Lambda custom integration's function named by a stage variable (``function:${stageVariables.fn}``):
    the template's function of that name in the API's stage, when there is one."""
    if target.function_id is not None or "${stageVariables." not in target.arn:
        return target
    name = target.arn.split(":function:", 1)[-1].split(":", 1)[0]
    resolved = _STAGE_VARIABLE.sub(lambda match: variables.get(match.group(1), match.group(0)), name)
    found = next((f.logical_id for f in functions.values() if resolved in (f.name, f.logical_id)), None)
    return target if found is None else LambdaTarget(found, target.arn, target.qualifier)


def _why_not_run(integration_type: str, uri: str | None) -> str:
    if integration_type in ("AWS_PROXY", "AWS") and uri is not None and ":lambda:" in uri:
        return f"the integration invokes a function that is not in this template ({uri})"
    return f"{integration_type} integrations are not run yet ({uri or 'no URI'})"
