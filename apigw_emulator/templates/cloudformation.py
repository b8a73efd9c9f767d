"""Raw CloudFormation resources: Lambda functions and URLs, REST APIs (v1) and HTTP APIs (v2).

- ``AWS::Lambda::Function``: ``Code`` is a local path (as ``aws cloudformation package`` takes it),
  ``ZipFile`` inline code, an S3 object or an image.
- ``AWS::Lambda::Url``: ``TargetFunctionArn`` (``!Ref`` or ``!GetAtt Fn.Arn``), ``AuthType``.
- ``AWS::ApiGateway::RestApi``: routes from ``Body`` (OpenAPI) or from its ``AWS::ApiGateway::Resource``
  and ``AWS::ApiGateway::Method`` resources; ``BinaryMediaTypes``; ``EndpointConfiguration.Types``; the
  stage and its variables from an ``AWS::ApiGateway::Stage`` or a ``Deployment``'s ``StageName``.
- ``AWS::ApiGatewayV2::Api`` (``ProtocolType: HTTP``): quick create (``Target``), ``Body``, or
  ``AWS::ApiGatewayV2::Route`` + ``Integration`` resources; the stage from ``AWS::ApiGatewayV2::Stage``.

``BodyS3Location`` is an error: the definition is not available locally.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .common import (
    ReadContext,
    endpoint_type,
    environment_variables,
    function_layers,
    make_route,
    media_types,
    merge_routes,
    optional_int,
    optional_mapping,
    optional_string,
)
from .errors import TemplateError
from .intrinsics import Resolver, root_resource_marker
from .model import Api, ApiRoute, Function
from .sam import load_definition, url_api

__all__ = [
    "HTTP_API_V2",
    "LAMBDA_FUNCTION",
    "LAMBDA_URL",
    "REST_API",
    "read_http_api_v2",
    "read_lambda_function",
    "read_lambda_url",
    "read_rest_api",
]

LAMBDA_FUNCTION = "AWS::Lambda::Function"
LAMBDA_URL = "AWS::Lambda::Url"
REST_API = "AWS::ApiGateway::RestApi"
HTTP_API_V2 = "AWS::ApiGatewayV2::Api"
_PROXY = "AWS_PROXY"


def read_lambda_function(
    logical_id: str,
    properties: Mapping[str, Any],
    name: str,
    resolver: Resolver,
    template_dir: Path,
    *,
    layers: Mapping[str, Path | None] | None = None,
) -> Function:
    """The :class:`Function` of an ``AWS::Lambda::Function``."""
    where = f"Resources.{logical_id}.Properties"
    environment, unresolved = environment_variables(resolver, properties, where)
    code = resolver.resolve(properties.get("Code") or {}, f"{where}.Code")
    code_uri = inline = None
    package_type = optional_string(resolver, properties, "PackageType", where) or "Zip"
    if isinstance(code, str):
        code_uri = code
    elif isinstance(code, dict) and "ZipFile" in code:
        inline = str(code["ZipFile"])
    elif isinstance(code, dict) and "S3Bucket" in code:
        code_uri = f"s3://{code['S3Bucket']}/{code.get('S3Key', '')}"
    elif isinstance(code, dict) and "ImageUri" in code:
        package_type = "Image"
    return Function(
        logical_id=logical_id,
        name=name,
        runtime=optional_string(resolver, properties, "Runtime", where),
        handler=optional_string(resolver, properties, "Handler", where),
        code_uri=code_uri,
        inline_code=inline,
        package_type=package_type,
        timeout=optional_int(resolver, properties, "Timeout", where) or 3,
        memory_size=optional_int(resolver, properties, "MemorySize", where) or 128,
        reserved_concurrency=optional_int(resolver, properties, "ReservedConcurrentExecutions", where),
        template_dir=template_dir,
        resource_type=LAMBDA_FUNCTION,
        environment=environment,
        unresolved_environment=unresolved,
        layers=function_layers(properties, resolver, where, layers or {}),
    )


def read_lambda_url(logical_id: str, properties: Mapping[str, Any], ctx: ReadContext) -> Api:
    """The function URL of an ``AWS::Lambda::Url``."""
    where = f"Resources.{logical_id}.Properties"
    config = ctx.resolver.resolve(properties, where)
    target = config.get("TargetFunctionArn")
    if not isinstance(target, str):
        raise TemplateError("TargetFunctionArn must name a function", where=f"{where}.TargetFunctionArn")
    function_id = _function_from_name_or_arn(target, f"{where}.TargetFunctionArn", ctx)
    return url_api(logical_id, function_id, config, resource_type=LAMBDA_URL, where=where, ctx=ctx)


def _function_from_name_or_arn(target: str, where: str, ctx: ReadContext) -> str:
    if ":function:" not in target:  # !Ref gives the function's name
        target = ctx.resolver.function_arn(target)
    return ctx.functions.from_uri(target, where)


# -- REST APIs (v1) ------------------------------------------------------------------------------------
def read_rest_api(logical_id: str, properties: Mapping[str, Any], ctx: ReadContext) -> Api:
    """The :class:`Api` of an ``AWS::ApiGateway::RestApi`` with its methods and stage."""
    resolver = ctx.resolver
    where = f"Resources.{logical_id}.Properties"
    definition = load_definition(properties, ("Body", "BodyS3Location"), "rest", where, ctx)
    notes = list(definition.notes)
    routes = [*definition.routes, *_method_routes(logical_id, ctx, notes)]
    binary = resolver.resolve(properties.get("BinaryMediaTypes") or [], f"{where}.BinaryMediaTypes")
    if not isinstance(binary, list):
        raise TemplateError("BinaryMediaTypes must be a list", where=f"{where}.BinaryMediaTypes")
    stage, variables = _rest_stage(logical_id, ctx, notes)
    return Api(
        logical_id=logical_id,
        kind="rest",
        resource_type=REST_API,
        stage=stage,
        routes=merge_routes(routes, logical_id),
        binary_media_types=tuple(
            media_types([*binary, *definition.binary_media_types], f"{where}.BinaryMediaTypes")
        ),
        stage_variables=variables,
        endpoint_type=endpoint_type(properties, where, resolver),
        notes=tuple(notes),
        region=resolver.region,
        account_id=resolver.account_id,
        functions=ctx.functions.functions,
    )


def _belongs_to(properties: Mapping[str, Any], key: str, api_id: str, where: str, ctx: ReadContext) -> bool:
    return key in properties and ctx.resolver.string(properties[key], f"{where}.{key}") == api_id


def _method_routes(api_id: str, ctx: ReadContext, notes: list[str]) -> list[ApiRoute]:
    paths = _resource_paths(api_id, ctx)
    routes = []
    for logical_id, properties in ctx.resources_of_type("AWS::ApiGateway::Method"):
        where = f"Resources.{logical_id}.Properties"
        if not _belongs_to(properties, "RestApiId", api_id, where, ctx):
            continue
        resource_id = ctx.resolver.string(properties.get("ResourceId", ""), f"{where}.ResourceId")
        if resource_id not in paths:
            raise TemplateError(
                f"ResourceId {resource_id!r} is no AWS::ApiGateway::Resource of {api_id}",
                where=f"{where}.ResourceId",
            )
        method = optional_string(ctx.resolver, properties, "HttpMethod", where) or ""
        route = _method_route(method, paths[resource_id], properties, where, ctx)
        if route is None:
            notes.append(f"{where}: mock OPTIONS integration (CORS preflight) not emulated")
        else:
            routes.append(route)
    return routes


def _resource_paths(api_id: str, ctx: ReadContext) -> dict[str, str]:
    parents: dict[str, tuple[str, str]] = {}
    for logical_id, properties in ctx.resources_of_type("AWS::ApiGateway::Resource"):
        where = f"Resources.{logical_id}.Properties"
        if _belongs_to(properties, "RestApiId", api_id, where, ctx):
            parent = ctx.resolver.string(properties.get("ParentId", ""), f"{where}.ParentId")
            parents[logical_id] = (
                parent,
                ctx.resolver.string(properties.get("PathPart", ""), f"{where}.PathPart"),
            )
    root = root_resource_marker(api_id)
    paths = {root: "/"}

    def path_of(resource_id: str, seen: tuple[str, ...] = ()) -> str:
        if resource_id in paths:
            return paths[resource_id]
        if resource_id not in parents or resource_id in seen:
            raise TemplateError(
                f"ParentId {resource_id!r} is neither {api_id}'s RootResourceId nor one of its resources",
                where=f"Resources.{seen[-1]}.Properties.ParentId" if seen else "",
            )
        parent, part = parents[resource_id]
        paths[resource_id] = path_of(parent, (*seen, resource_id)).rstrip("/") + "/" + part
        return paths[resource_id]

    for resource_id in parents:
        path_of(resource_id)
    return paths


def _method_route(
    method: str, path: str, properties: Mapping[str, Any], where: str, ctx: ReadContext
) -> ApiRoute | None:
    integration = ctx.resolver.resolve(properties.get("Integration") or {}, f"{where}.Integration")
    integration_type = str(integration.get("Type", "")).upper()
    if integration_type == "MOCK" and method.upper() == "OPTIONS":
        return None
    if integration_type != _PROXY:
        raise TemplateError(
            f"{method} {path}: integration type {integration_type or '(none)'!r} is not a Lambda proxy "
            "integration; only AWS_PROXY integrations can be emulated",
            where=f"{where}.Integration.Type",
        )
    uri = integration.get("Uri")
    if not isinstance(uri, str):
        raise TemplateError("the AWS_PROXY integration has no Uri", where=f"{where}.Integration.Uri")
    return make_route(
        method=method,
        path=path,
        function_id=ctx.functions.from_uri(uri, f"{where}.Integration.Uri"),
        kind="rest",
        timeout_in_millis=optional_int(ctx.resolver, integration, "TimeoutInMillis", f"{where}.Integration"),
        where=where,
    )


def _rest_stage(api_id: str, ctx: ReadContext, notes: list[str]) -> tuple[str | None, dict[str, str]]:
    stages: list[tuple[str, dict[str, str]]] = []
    for logical_id, properties in ctx.resources_of_type("AWS::ApiGateway::Stage"):
        where = f"Resources.{logical_id}.Properties"
        if _belongs_to(properties, "RestApiId", api_id, where, ctx) and "StageName" in properties:
            variables = optional_mapping(ctx.resolver, properties, "Variables", where)
            stages.append((ctx.resolver.string(properties["StageName"], f"{where}.StageName"), variables))
    for logical_id, properties in ctx.resources_of_type("AWS::ApiGateway::Deployment"):
        where = f"Resources.{logical_id}.Properties"
        if _belongs_to(properties, "RestApiId", api_id, where, ctx) and "StageName" in properties:
            description = properties.get("StageDescription") or {}
            variables = optional_mapping(ctx.resolver, description, "Variables", f"{where}.StageDescription")
            stages.append((ctx.resolver.string(properties["StageName"], f"{where}.StageName"), variables))
    return _first_stage(api_id, stages, notes)


def _first_stage(
    api_id: str, stages: list[tuple[str, dict[str, str]]], notes: list[str]
) -> tuple[str | None, dict[str, str]]:
    if not stages:
        return None, {}
    if len(stages) > 1:
        names = ", ".join(name for name, _ in stages)
        notes.append(f"{api_id} has several stages ({names}): the first, {stages[0][0]}, is used")
    return stages[0]


# -- HTTP APIs (v2) ------------------------------------------------------------------------------------
def read_http_api_v2(logical_id: str, properties: Mapping[str, Any], ctx: ReadContext) -> Api:
    """The :class:`Api` of an ``AWS::ApiGatewayV2::Api`` with its routes and stage."""
    resolver = ctx.resolver
    where = f"Resources.{logical_id}.Properties"
    protocol = optional_string(resolver, properties, "ProtocolType", where) or "HTTP"
    if protocol.upper() != "HTTP":
        raise TemplateError(
            f"ProtocolType {protocol} is not emulated: HTTP APIs only", where=f"{where}.ProtocolType"
        )
    definition = load_definition(properties, ("Body", "BodyS3Location"), "http", where, ctx)
    routes = [*definition.routes, *_v2_routes(logical_id, ctx)]
    notes = list(definition.notes)
    stage, variables = _first_stage(logical_id, _v2_stages(logical_id, ctx), notes)
    if "Target" in properties:
        routes.append(_quick_create_route(properties, where, ctx))
        stage = stage or "$default"
    return Api(
        logical_id=logical_id,
        kind="http",
        resource_type=HTTP_API_V2,
        stage=stage,
        routes=merge_routes(routes, logical_id),
        stage_variables=variables,
        notes=tuple(notes),
        region=resolver.region,
        account_id=resolver.account_id,
        functions=ctx.functions.functions,
    )


def _quick_create_route(properties: Mapping[str, Any], where: str, ctx: ReadContext) -> ApiRoute:
    target = ctx.resolver.string(properties["Target"], f"{where}.Target")
    route_key = optional_string(ctx.resolver, properties, "RouteKey", where) or "$default"
    method, _, path = route_key.partition(" ")
    return make_route(
        method=method if path else "ANY",
        path=path or route_key,
        function_id=_function_from_name_or_arn(target, f"{where}.Target", ctx),
        kind="http",
        payload_format_version="2.0",
        where=f"{where}.Target",
    )


def _v2_routes(api_id: str, ctx: ReadContext) -> list[ApiRoute]:
    integrations = {
        logical_id: (f"Resources.{logical_id}.Properties", properties)
        for logical_id, properties in ctx.resources_of_type("AWS::ApiGatewayV2::Integration")
    }
    routes = []
    for logical_id, properties in ctx.resources_of_type("AWS::ApiGatewayV2::Route"):
        where = f"Resources.{logical_id}.Properties"
        if not _belongs_to(properties, "ApiId", api_id, where, ctx):
            continue
        route_key = optional_string(ctx.resolver, properties, "RouteKey", where) or ""
        target = optional_string(ctx.resolver, properties, "Target", where) or ""
        integration_id = target.removeprefix("integrations/")
        if integration_id not in integrations:
            raise TemplateError(
                f"Target {target!r} is not 'integrations/<an AWS::ApiGatewayV2::Integration>'",
                where=f"{where}.Target",
            )
        routes.append(_v2_route(route_key, *integrations[integration_id], where, ctx))
    return routes


def _v2_route(
    route_key: str, integration_where: str, integration: Mapping[str, Any], where: str, ctx: ReadContext
) -> ApiRoute:
    resolver = ctx.resolver
    integration_type = (
        optional_string(resolver, integration, "IntegrationType", integration_where) or ""
    ).upper()
    if integration_type != _PROXY:
        raise TemplateError(
            f"{route_key}: integration type {integration_type or '(none)'!r} is not a Lambda proxy "
            "integration; only AWS_PROXY integrations can be emulated",
            where=f"{integration_where}.IntegrationType",
        )
    version = optional_string(resolver, integration, "PayloadFormatVersion", integration_where)
    if version is None:
        raise TemplateError(
            "a Lambda integration needs PayloadFormatVersion ('1.0' or '2.0'): AWS requires it",
            where=f"{integration_where}.PayloadFormatVersion",
        )
    uri = optional_string(resolver, integration, "IntegrationUri", integration_where) or ""
    method, _, path = route_key.partition(" ")
    return make_route(
        method=method if path else "ANY",
        path=path or route_key,
        function_id=ctx.functions.from_uri(uri, f"{integration_where}.IntegrationUri"),
        kind="http",
        payload_format_version=version,
        timeout_in_millis=optional_int(resolver, integration, "TimeoutInMillis", integration_where),
        where=where,
    )


def _v2_stages(api_id: str, ctx: ReadContext) -> list[tuple[str, dict[str, str]]]:
    stages = []
    for logical_id, properties in ctx.resources_of_type("AWS::ApiGatewayV2::Stage"):
        where = f"Resources.{logical_id}.Properties"
        if _belongs_to(properties, "ApiId", api_id, where, ctx) and "StageName" in properties:
            variables = optional_mapping(ctx.resolver, properties, "StageVariables", where)
            stages.append((ctx.resolver.string(properties["StageName"], f"{where}.StageName"), variables))
    return stages
