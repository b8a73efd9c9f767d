"""SAM resources: ``AWS::Serverless::Function``, ``::Api``, ``::HttpApi``, their ``Globals`` and events.

What SAM's transform does and this module mirrors:

- ``Globals`` merge into each resource: the resource's scalars win, mappings merge key by key, lists
  concatenate (globals first). An intrinsic function counts as a scalar.
- An ``Api`` event without ``RestApiId`` creates the implicit REST API ``ServerlessRestApi`` with stage
  ``Prod`` (``Globals.Api`` applies to it, but not its ``StageName``); an ``HttpApi`` event without
  ``ApiId`` creates ``ServerlessHttpApi`` with stage ``$default``. An ``HttpApi`` event without ``Path`` and
  ``Method`` is the ``$default`` route; its ``PayloadFormatVersion`` defaults to ``"2.0"``.
- An event's route is added to its API's definition; a ``DefinitionUri`` / ``DefinitionBody`` operation
  without an integration must be covered by an event.
- ``FunctionUrlConfig`` creates the function URL ``<Function>Url``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cors import CorsRules
from ..errors import ConfigurationError
from .common import (
    ReadContext,
    endpoint_type,
    environment_variables,
    function_layers,
    make_route,
    media_types,
    merge_routes,
    normalise_method,
    optional_int,
    optional_mapping,
    optional_string,
)
from .errors import TemplateError
from .intrinsics import NO_VALUE, Resolver, is_intrinsic
from .model import Api, ApiKind, ApiRoute, Function
from .openapi import Definition, read_definition
from .sam_auth import EventAuth, event_auth, read_api_auth
from .yaml_loader import load_document

__all__ = [
    "IMPLICIT_HTTP_API",
    "IMPLICIT_REST_API",
    "SAM_API",
    "SAM_FUNCTION",
    "SAM_HTTP_API",
    "EventRoute",
    "function_url",
    "generated_resource_types",
    "load_definition",
    "merge_globals",
    "read_sam_api",
    "read_sam_function",
    "sam_event_routes",
]

SAM_FUNCTION = "AWS::Serverless::Function"
SAM_API = "AWS::Serverless::Api"
SAM_HTTP_API = "AWS::Serverless::HttpApi"
IMPLICIT_REST_API = "ServerlessRestApi"
IMPLICIT_HTTP_API = "ServerlessHttpApi"
_EVENT_TYPES: dict[str, tuple[str, str, str]] = {
    # event Type: (API resource type, id property, implicit API)
    "Api": (SAM_API, "RestApiId", IMPLICIT_REST_API),
    "HttpApi": (SAM_HTTP_API, "ApiId", IMPLICIT_HTTP_API),
}
_MISSING: Any = object()


@dataclass(frozen=True)
class EventRoute:
    """A route a function's event adds to an API, with what the event configures but is not emulated, its
    own ``Auth.ApiKeyRequired`` (None: the API's) and its ``Auth.Authorizer`` and scopes."""

    api_id: str
    route: ApiRoute
    notes: tuple[str, ...] = ()
    api_key_required: bool | None = None
    auth: EventAuth = dataclasses.field(default_factory=EventAuth)


# -- Globals -------------------------------------------------------------------------------------------
def merge_globals(global_value: Any, local_value: Any = _MISSING) -> Any:
    """Merge a ``Globals`` value into a resource's (see the module docstring)."""
    if local_value is _MISSING:
        return global_value
    if global_value is _MISSING:
        return local_value
    mergeable = not is_intrinsic(global_value) and not is_intrinsic(local_value)
    if mergeable and isinstance(global_value, dict) and isinstance(local_value, dict):
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = merge_globals(global_value.get(key, _MISSING), value)
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return global_value + local_value
    return local_value


def generated_resource_types(resources: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The resources SAM generates that a template may reference: implicit APIs and function URLs."""
    generated: dict[str, str] = {}
    for logical_id, resource in resources.items():
        properties = resource.get("Properties")
        if resource.get("Type") != SAM_FUNCTION or not isinstance(properties, dict):
            continue
        if properties.get("FunctionUrlConfig") is not None:
            generated[f"{logical_id}Url"] = "AWS::Lambda::Url"
        for event in _api_events(properties).values():
            api_type, id_property, implicit = _EVENT_TYPES[event["Type"]]
            if id_property not in (event.get("Properties") or {}):
                generated[implicit] = api_type
    return generated


def _api_events(properties: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``Api`` and ``HttpApi`` events of a function, by event id."""
    events = properties.get("Events") or {}
    if not isinstance(events, dict):
        return {}
    return {
        event_id: event
        for event_id, event in events.items()
        if isinstance(event, dict) and event.get("Type") in _EVENT_TYPES
    }


# -- Functions -----------------------------------------------------------------------------------------
def read_sam_function(
    logical_id: str,
    properties: Mapping[str, Any],
    name: str,
    resolver: Resolver,
    template_dir: Path,
    *,
    layers: Mapping[str, Path | None] | None = None,
) -> Function:
    """The :class:`Function` of an ``AWS::Serverless::Function`` (``Globals`` already merged)."""
    where = f"Resources.{logical_id}.Properties"
    environment, unresolved = environment_variables(resolver, properties, where)
    return Function(
        logical_id=logical_id,
        name=name,
        runtime=optional_string(resolver, properties, "Runtime", where),
        handler=optional_string(resolver, properties, "Handler", where),
        code_uri=_code_uri(resolver, properties, where),
        inline_code=optional_string(resolver, properties, "InlineCode", where),
        package_type=optional_string(resolver, properties, "PackageType", where) or "Zip",
        timeout=optional_int(resolver, properties, "Timeout", where) or 3,
        memory_size=optional_int(resolver, properties, "MemorySize", where) or 128,
        reserved_concurrency=optional_int(resolver, properties, "ReservedConcurrentExecutions", where),
        template_dir=template_dir,
        resource_type=SAM_FUNCTION,
        environment=environment,
        unresolved_environment=unresolved,
        layers=function_layers(properties, resolver, where, layers or {}),
    )


def _code_uri(resolver: Resolver, properties: Mapping[str, Any], where: str) -> str | None:
    if "CodeUri" not in properties:
        return None
    value = resolver.resolve(properties["CodeUri"], f"{where}.CodeUri")
    if isinstance(value, dict):
        bucket, key = value.get("Bucket"), value.get("Key")
        return f"s3://{bucket}/{key}"
    return None if value is NO_VALUE else str(value)


def function_url(function: Function, properties: Mapping[str, Any], ctx: ReadContext) -> Api | None:
    """The function URL ``<Function>Url`` of a SAM ``FunctionUrlConfig``, if any."""
    config = properties.get("FunctionUrlConfig")
    if config is None:
        return None
    where = f"Resources.{function.logical_id}.Properties.FunctionUrlConfig"
    config = ctx.resolver.resolve(config, where)
    if not isinstance(config, dict):
        raise TemplateError("FunctionUrlConfig must be a mapping", where=where)
    return url_api(
        f"{function.logical_id}Url",
        function.logical_id,
        config,
        resource_type="AWS::Lambda::Url",
        where=where,
        ctx=ctx,
    )


def url_api(
    logical_id: str,
    function_id: str,
    config: Mapping[str, Any],
    *,
    resource_type: str,
    where: str,
    ctx: ReadContext,
) -> Api:
    """A function URL API from its resolved ``AuthType`` / ``InvokeMode`` / ``Cors`` configuration."""
    auth_type = str(config.get("AuthType", "")).upper()
    if auth_type not in ("NONE", "AWS_IAM"):
        raise TemplateError(
            f"AuthType must be NONE or AWS_IAM, got {auth_type or '(none)'!r}", where=f"{where}.AuthType"
        )
    if str(config.get("InvokeMode", "BUFFERED")).upper() != "BUFFERED":
        raise TemplateError(
            "InvokeMode RESPONSE_STREAM is not emulated (the Python runtime does not stream responses)",
            where=f"{where}.InvokeMode",
        )
    notes = (f"{where}.Cors: the function URL's CORS answers are not emulated",) if "Cors" in config else ()
    return Api(
        logical_id=logical_id,
        kind="function-url",
        resource_type=resource_type,
        stage=None,
        routes=(ApiRoute("ANY", "$default", function_id, "2.0", origin=where),),
        function_url_auth_type=auth_type,
        notes=notes,
        region=ctx.resolver.region,
        account_id=ctx.resolver.account_id,
        functions=ctx.functions.functions,
    )


# -- Events --------------------------------------------------------------------------------------------
def sam_event_routes(function_id: str, properties: Mapping[str, Any], ctx: ReadContext) -> list[EventRoute]:
    """The routes the ``Api`` and ``HttpApi`` events of a function add to their APIs."""
    where = f"Resources.{function_id}.Properties.Events"
    if not isinstance(properties.get("Events") or {}, dict):
        raise TemplateError("Events must be a mapping", where=where)
    return [
        _event_route(function_id, event, f"{where}.{event_id}", ctx)
        for event_id, event in _api_events(properties).items()
    ]


def _event_route(function_id: str, event: Mapping[str, Any], where: str, ctx: ReadContext) -> EventRoute:
    event_type = event["Type"]
    where = f"{where}.Properties"
    properties = event.get("Properties") or {}
    if not isinstance(properties, dict):
        raise TemplateError("Properties must be a mapping", where=where)
    resolver = ctx.resolver
    api_id = _event_api_id(properties, event_type, where, ctx)
    path = optional_string(resolver, properties, "Path", where)
    method = optional_string(resolver, properties, "Method", where)
    if event_type == "HttpApi" and path is None and method is None:
        path, method = "$default", "ANY"
    for key, value in (("Path", path), ("Method", method)):
        if not value:
            raise TemplateError(f"the {event_type} event needs a {key}", where=f"{where}.{key}")
    route = make_route(
        method=str(method),
        path=str(path),
        function_id=function_id,
        kind="http" if event_type == "HttpApi" else "rest",
        payload_format_version=optional_string(resolver, properties, "PayloadFormatVersion", where) or "2.0",
        timeout_in_millis=optional_int(resolver, properties, "TimeoutInMillis", where),
        where=where,
    )
    auth = properties.get("Auth")
    key_required = auth.get("ApiKeyRequired") if isinstance(auth, dict) else None
    route_auth, notes = event_auth(properties, where, ctx)
    return EventRoute(
        api_id, route, tuple(notes), key_required if isinstance(key_required, bool) else None, route_auth
    )


def _event_api_id(properties: Mapping[str, Any], event_type: str, where: str, ctx: ReadContext) -> str:
    api_type, id_property, implicit = _EVENT_TYPES[event_type]
    if id_property not in properties:
        return implicit
    api_id = ctx.resolver.resolve(properties[id_property], f"{where}.{id_property}")
    resource = ctx.resources.get(api_id) if isinstance(api_id, str) else None
    if resource is None or resource.get("Type") != api_type:
        raise TemplateError(
            f"{id_property} must reference an {api_type} of this template (with !Ref), got {api_id!r}",
            where=f"{where}.{id_property}",
        )
    return str(api_id)


# -- APIs ----------------------------------------------------------------------------------------------
def read_sam_api(
    logical_id: str,
    properties: Mapping[str, Any],
    kind: ApiKind,
    event_routes: list[EventRoute],
    ctx: ReadContext,
) -> Api:
    """The :class:`Api` of an ``AWS::Serverless::Api`` (``kind="rest"``) or ``::HttpApi`` (``"http"``),
    ``Globals`` already merged, with the routes its functions' events add."""
    resolver = ctx.resolver
    where = f"Resources.{logical_id}.Properties"
    stage = optional_string(resolver, properties, "StageName", where)
    if stage is None and kind == "rest":
        raise TemplateError("an AWS::Serverless::Api needs a StageName", where=f"{where}.StageName")
    definition = load_definition(properties, ("DefinitionBody", "DefinitionUri"), kind, where, ctx)
    auth = properties.get("Auth")
    api_key_default = isinstance(auth, dict) and auth.get("ApiKeyRequired") is True
    event_routes = [
        EventRoute(
            event.api_id,
            dataclasses.replace(
                event.route,
                api_key_required=kind == "rest"
                and (event.api_key_required if event.api_key_required is not None else api_key_default),
            ),
            event.notes,
            auth=event.auth,
        )
        for event in event_routes
    ]
    routes = merge_routes([*definition.routes, *(event.route for event in event_routes)], logical_id)
    _check_integrations(definition, routes, logical_id)
    notes = [*definition.notes, *(note for event in event_routes for note in event.notes)]
    notes.extend(_ignored_settings(properties, kind, where))
    api_auth = read_api_auth(properties, kind, where, ctx)
    notes.extend(api_auth.notes)
    authorizers = api_auth.rules([(event.route, event.auth) for event in event_routes], notes)
    domain_name, base_path = _domain(properties, where, resolver, notes)
    binary = [
        *_list_property(properties, "BinaryMediaTypes", where, resolver),
        *definition.binary_media_types,
    ]
    return Api(
        logical_id=logical_id,
        kind=kind,
        resource_type=SAM_API if kind == "rest" else SAM_HTTP_API,
        stage="$default" if stage is None else stage,
        routes=routes,
        binary_media_types=tuple(media_types(binary, f"{where}.BinaryMediaTypes")) if kind == "rest" else (),
        stage_variables=optional_mapping(
            resolver, properties, "Variables" if kind == "rest" else "StageVariables", where
        ),
        endpoint_type=endpoint_type(properties, where, resolver) if kind == "rest" else None,
        domain_name=domain_name,
        base_path=base_path,
        notes=tuple(notes),
        region=resolver.region,
        account_id=resolver.account_id,
        functions=ctx.functions.functions,
        cors=_cors(properties, kind, where, resolver),
        api_keys=_api_key_values(ctx),
        authorizers=authorizers,
        api_key_source=_api_key_source(properties, where, resolver) if kind == "rest" else "HEADER",
    )


def load_definition(
    properties: Mapping[str, Any], keys: tuple[str, str], kind: str, where: str, ctx: ReadContext
) -> Definition:
    """The OpenAPI definition of an API: ``keys`` are its inline and its file properties
    (``DefinitionBody``/``DefinitionUri``, ``Body``/``BodyS3Location``).

    :raises TemplateError: for both at once, an S3 location, a missing file.
    """
    inline_key, file_key = keys
    if inline_key in properties and file_key in properties:
        raise TemplateError(f"give {inline_key} or {file_key}, not both", where=where)
    if inline_key in properties:
        document, document_where = _inline_body(properties[inline_key], f"{where}.{inline_key}", ctx)
    elif file_key in properties:
        document, document_where = _definition_file(properties[file_key], f"{where}.{file_key}", ctx)
    else:
        return Definition()
    return read_definition(
        document, kind=kind, where=document_where, resolver=ctx.resolver, functions=ctx.functions
    )


def _inline_body(body: Any, where: str, ctx: ReadContext) -> tuple[Any, str]:
    transform = body.get("Fn::Transform") if isinstance(body, dict) and len(body) == 1 else None
    if transform is None:
        return body, where
    transform = ctx.resolver.resolve(transform, f"{where}.Fn::Transform")
    if not isinstance(transform, dict) or transform.get("Name") != "AWS::Include":
        raise TemplateError(
            "only the AWS::Include transform is supported here", where=f"{where}.Fn::Transform"
        )
    location = (transform.get("Parameters") or {}).get("Location")
    return _definition_file(location, f"{where}.Fn::Transform.Parameters.Location", ctx)


def _definition_file(location: Any, where: str, ctx: ReadContext) -> tuple[Any, str]:
    location = ctx.resolver.resolve(location, where)
    if isinstance(location, dict) or (isinstance(location, str) and location.startswith("s3://")):
        raise TemplateError(
            f"OpenAPI definitions in S3 ({location}) are not supported: point to a local file", where=where
        )
    if not isinstance(location, str):
        raise TemplateError(f"expected a file path, got {location!r}", where=where)
    path = (ctx.template_dir / location).resolve()
    return load_document(path, what="OpenAPI definition", where=where), f"{where}({location})"


def _check_integrations(definition: Definition, routes: tuple[ApiRoute, ...], api_id: str) -> None:
    covered = {(route.method, route.path) for route in routes}
    for method, path, where in definition.without_integration:
        route_method = normalise_method(method)
        if (route_method, path) not in covered:
            raise TemplateError(
                f"{route_method} {path} of API {api_id} has no x-amazon-apigateway-integration and "
                "no function event supplies one",
                where=where,
            )


def _list_property(properties: Mapping[str, Any], key: str, where: str, resolver: Resolver) -> list[Any]:
    value = resolver.resolve(properties.get(key) or [], f"{where}.{key}")
    if not isinstance(value, list):
        raise TemplateError(f"{key} must be a list", where=f"{where}.{key}")
    return value


def _domain(
    properties: Mapping[str, Any], where: str, resolver: Resolver, notes: list[str]
) -> tuple[str | None, str]:
    if properties.get("Domain") is None:
        return None, ""
    domain_where = f"{where}.Domain"
    domain = resolver.resolve(properties["Domain"], domain_where)
    if not isinstance(domain, dict) or not isinstance(domain.get("DomainName"), str):
        raise TemplateError("Domain needs a DomainName", where=domain_where)
    base_paths = domain.get("BasePath") or []
    base_paths = [base_paths] if isinstance(base_paths, str) else list(base_paths)
    if len(base_paths) > 1:
        notes.append(f"{domain_where}.BasePath: only the first base path ({base_paths[0]}) is used")
    return str(domain["DomainName"]), str(base_paths[0]).strip("/") if base_paths else ""


def _api_key_values(ctx: ReadContext) -> tuple[str, ...]:
    """The values of the template's ``AWS::ApiGateway::ApiKey`` resources (keys without a ``Value`` are
    AWS's to generate)."""
    values = []
    for logical_id, properties in ctx.resources_of_type("AWS::ApiGateway::ApiKey"):
        if properties.get("Value") is not None:
            where = f"Resources.{logical_id}.Properties.Value"
            values.append(str(ctx.resolver.resolve(properties["Value"], where)))
    return tuple(values)


def _ignored_settings(properties: Mapping[str, Any], kind: str, where: str) -> list[str]:
    notes = []
    auth = properties.get("Auth")
    if isinstance(auth, dict) and "UsagePlan" in auth:
        notes.append(
            f"{where}.Auth.UsagePlan: its keys are AWS's to generate: give yours with api_keys=[...] (with "
            "none, every non-empty x-api-key is taken)"
        )
    return notes


def _api_key_source(properties: Mapping[str, Any], where: str, resolver: Resolver) -> str:
    """``ApiKeySourceType``: ``HEADER`` (``x-api-key``, the default) or ``AUTHORIZER``."""
    source = (optional_string(resolver, properties, "ApiKeySourceType", where) or "HEADER").upper()
    if source not in ("HEADER", "AUTHORIZER"):
        raise TemplateError(
            f"ApiKeySourceType must be HEADER or AUTHORIZER, got {source!r}",
            where=f"{where}.ApiKeySourceType",
        )
    return source


def _cors(properties: Mapping[str, Any], kind: str, where: str, resolver: Resolver) -> CorsRules | None:
    """SAM's ``Cors`` (REST) or ``CorsConfiguration`` (HTTP API), as the front door applies them."""
    key = "Cors" if kind == "rest" else "CorsConfiguration"
    if properties.get(key) is None:
        return None
    value = resolver.resolve(properties[key], f"{where}.{key}")
    if value is False:
        return None
    try:
        return CorsRules.from_template("rest" if kind == "rest" else "http", value, f"{where}.{key}")
    except ConfigurationError as exc:
        raise TemplateError(str(exc), where=f"{where}.{key}") from None
