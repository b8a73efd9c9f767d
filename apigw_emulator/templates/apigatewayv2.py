"""HTTP APIs as CloudFormation deploys them: ``AWS::ApiGatewayV2::Api`` (quick create with ``Target``,
``Body``, ``CorsConfiguration``) with its ``Route``, ``Integration``, ``Authorizer`` and ``Stage`` resources,
read into :class:`~apigw_emulator.model.HttpApi`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..authorizers.model import Authorizer
from ..model.http import HttpApi, HttpIntegration, HttpRoute, HttpStage
from .apigateway import Resources
from .common import optional_mapping, timeout_millis
from .errors import TemplateError
from .integrations import function_arn_of, lambda_target, read_authorizer, resolve_uri
from .openapi import http_cors, read_http_definition

__all__ = ["read_http_api_model"]


def read_http_api_model(logical_id: str, properties: Mapping[str, Any], resources: Resources) -> HttpApi:
    """The :class:`HttpApi` of an ``AWS::ApiGatewayV2::Api`` (``ProtocolType: HTTP``) and its resources."""
    where = f"Resources.{logical_id}.Properties"
    definition = resources.definition(logical_id, properties, where)
    if definition is not None:
        api = read_http_definition(
            definition[0],
            logical_id,
            resolver=resources.resolver,
            functions=resources.functions,
            where=definition[1],
        )
    else:
        api = HttpApi(logical_id=logical_id, routes=(), source=where)
    authorizers = {**api.authorizers, **_authorizers(logical_id, resources)}
    routes = [*api.routes, *_routes(logical_id, resources, authorizers)]
    stages = _stages(logical_id, resources)
    if "Target" in properties:
        routes.append(_quick_create_route(properties, where, resources))
        if not stages:
            stages.append(HttpStage("$default"))
    cors = api.cors
    if "CorsConfiguration" in properties:
        cors = http_cors(
            resources.resolver.resolve(properties["CorsConfiguration"], where), f"{where}.CorsConfiguration"
        )
    domains = resources.custom_domains(logical_id, "AWS::ApiGatewayV2::ApiMapping", "ApiId", "ApiMappingKey")
    return dataclasses.replace(
        api,
        routes=tuple(routes),
        stages=tuple(stages),
        authorizers=authorizers,
        cors=cors,
        custom_domains=domains,
    )


def _quick_create_route(properties: Mapping[str, Any], where: str, resources: Resources) -> HttpRoute:
    target = function_arn_of(
        resolve_uri(properties["Target"], resources.resolver, f"{where}.Target"), resources.resolver
    )
    route_key = resources.string(properties, "RouteKey", where) or "$default"
    integration = HttpIntegration("AWS_PROXY", target, lambda_target(target, resources.functions), "2.0")
    return HttpRoute(route_key, integration, origin=f"{where}.Target")


def _routes(api_id: str, resources: Resources, authorizers: Mapping[str, Authorizer]) -> list[HttpRoute]:
    integrations = {
        logical_id: _integration(properties, where, resources)
        for logical_id, properties, where in resources.of_type(
            "AWS::ApiGatewayV2::Integration", "ApiId", api_id
        )
    }
    routes = []
    for _, properties, where in resources.of_type("AWS::ApiGatewayV2::Route", "ApiId", api_id):
        route_key = resources.string(properties, "RouteKey", where) or ""
        target = resources.string(properties, "Target", where)
        integration = None
        if target is not None:
            integration_id = target.removeprefix("integrations/")
            if integration_id not in integrations:
                raise TemplateError(
                    f"Target {target!r} is not 'integrations/<an AWS::ApiGatewayV2::Integration>'",
                    where=f"{where}.Target",
                )
            integration = integrations[integration_id]
        authorization = (resources.string(properties, "AuthorizationType", where) or "NONE").upper()
        authorizer = resources.string(properties, "AuthorizerId", where)
        if authorizer is not None and authorizer not in authorizers:
            raise TemplateError(
                f"AuthorizerId {authorizer!r} is no authorizer of {api_id}", where=f"{where}.AuthorizerId"
            )
        scopes = resources.resolver.resolve(
            properties.get("AuthorizationScopes") or [], f"{where}.AuthorizationScopes"
        )
        routes.append(
            HttpRoute(
                route_key=route_key,
                integration=integration,
                authorization_type=authorization,  # type: ignore[arg-type]
                authorizer=authorizer,
                authorization_scopes=tuple(str(s) for s in scopes),
                origin=where,
            )
        )
    return routes


def _integration(properties: Mapping[str, Any], where: str, resources: Resources) -> HttpIntegration:
    integration_type = (resources.string(properties, "IntegrationType", where) or "").upper()
    uri = None
    if "IntegrationUri" in properties:
        uri = resolve_uri(properties["IntegrationUri"], resources.resolver, f"{where}.IntegrationUri")
    timeout = timeout_millis(
        resources.string(properties, "TimeoutInMillis", where), f"{where}.TimeoutInMillis", api="HTTP"
    )
    parameters = optional_mapping(resources.resolver, properties, "RequestParameters", where)
    if integration_type == "AWS_PROXY":
        version = resources.string(properties, "PayloadFormatVersion", where)
        if version is None:
            raise TemplateError(
                "a Lambda integration needs PayloadFormatVersion ('1.0' or '2.0'): AWS requires it",
                where=f"{where}.PayloadFormatVersion",
            )
        return HttpIntegration(
            "AWS_PROXY",
            uri,
            lambda_target(uri or "", resources.functions),
            version,
            timeout,
            parameters,
        )
    if integration_type == "HTTP_PROXY":
        method = resources.string(properties, "IntegrationMethod", where)
        responses = resources.resolver.resolve(properties.get("ResponseParameters") or {}, where)
        if not isinstance(responses, dict):
            raise TemplateError("ResponseParameters must be a mapping", where=f"{where}.ResponseParameters")
        return HttpIntegration(
            "HTTP_PROXY",
            uri,
            None,
            "1.0",
            timeout,
            parameters,
            http_method=None if method is None else method.upper(),
            response_parameters={
                str(status): _response_parameters(entries, f"{where}.ResponseParameters.{status}")
                for status, entries in responses.items()
            },
        )
    raise TemplateError(
        f"integration type {integration_type or '(none)'!r}: an HTTP API has AWS_PROXY and HTTP_PROXY "
        "integrations",
        where=f"{where}.IntegrationType",
    )


def _response_parameters(entries: Any, where: str) -> dict[str, str]:
    """One status code's response parameters: CloudFormation's ``ResponseParameters`` list
    (``[{Destination: overwrite:header.x, Source: value}]``) or a mapping, as the OpenAPI extension writes
    them."""
    if isinstance(entries, dict) and isinstance(entries.get("ResponseParameters"), list):
        entries = entries["ResponseParameters"]
    if isinstance(entries, list):
        found: dict[str, str] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or "Destination" not in entry:
                raise TemplateError("expected {Destination, Source}", where=f"{where}[{index}]")
            found[str(entry["Destination"])] = str(entry.get("Source", ""))
        return found
    if not isinstance(entries, dict):
        raise TemplateError(f"expected a mapping, got {entries!r}", where=where)
    return {str(key): "" if value is None else str(value) for key, value in entries.items()}


def _authorizers(api_id: str, resources: Resources) -> dict[str, Authorizer]:
    found: dict[str, Authorizer] = {}
    for logical_id, properties, where in resources.of_type("AWS::ApiGatewayV2::Authorizer", "ApiId", api_id):
        jwt = properties.get("JwtConfiguration") or {}
        spec: dict[str, Any] = {
            "type": resources.string(properties, "AuthorizerType", where) or "",
            "identitySource": properties.get("IdentitySource"),
            "authorizerResultTtlInSeconds": properties.get("AuthorizerResultTtlInSeconds", 300),
            "authorizerPayloadFormatVersion": properties.get("AuthorizerPayloadFormatVersion", "2.0"),
            "enableSimpleResponses": properties.get("EnableSimpleResponses", False),
        }
        if isinstance(jwt, dict) and jwt:
            spec["jwtConfiguration"] = {"issuer": jwt.get("Issuer"), "audience": jwt.get("Audience") or []}
        if "AuthorizerUri" in properties:
            spec["authorizerUri"] = properties["AuthorizerUri"]
        found[logical_id] = read_authorizer(
            logical_id,
            {key: value for key, value in spec.items() if value is not None},
            kind="http",
            resolver=resources.resolver,
            functions=resources.functions,
            where=where,
        )
    return found


def _stages(api_id: str, resources: Resources) -> list[HttpStage]:
    stages = []
    for _, properties, where in resources.of_type("AWS::ApiGatewayV2::Stage", "ApiId", api_id):
        name = resources.string(properties, "StageName", where)
        if name is not None:
            stages.append(
                HttpStage(name, optional_mapping(resources.resolver, properties, "StageVariables", where))
            )
    return stages
