"""One template document to a :class:`Template`: sections, conditions, functions, then APIs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .cloudformation import (
    HTTP_API_V2,
    LAMBDA_URL,
    REST_API,
    read_http_api_v2,
    read_lambda_function,
    read_lambda_url,
    read_rest_api,
)
from .common import FunctionIndex, ReadContext, layer_folders
from .errors import TemplateError
from .intrinsics import FUNCTION_TYPES, Resolver, read_parameters
from .model import Api, ApiKind, Function, Template
from .sam import (
    IMPLICIT_HTTP_API,
    IMPLICIT_REST_API,
    SAM_API,
    SAM_FUNCTION,
    SAM_HTTP_API,
    EventRoute,
    function_url,
    generated_resource_types,
    merge_globals,
    read_sam_api,
    read_sam_function,
    sam_event_routes,
)

__all__ = ["read_template"]

#: Implicit APIs: (kind, SAM type, the properties SAM gives them before ``Globals``).
_IMPLICIT_APIS: dict[str, tuple[ApiKind, str, dict[str, Any]]] = {
    IMPLICIT_REST_API: ("rest", SAM_API, {"StageName": "Prod"}),
    IMPLICIT_HTTP_API: ("http", SAM_HTTP_API, {}),
}


def read_template(document: Any, *, path: Path, parameters: Mapping[str, str] | None = None) -> Template:
    """Read a parsed template document (long-form intrinsics) for local emulation.

    :param path: the template file; ``CodeUri`` and ``DefinitionUri`` are relative to its directory.
    :param parameters: values for the template's parameters (and pseudo parameters such as
        ``AWS::Region``), overriding their defaults.
    :raises TemplateError: for anything unsupported or unresolvable (see :mod:`apigw_emulator.template`).
    """
    if not isinstance(document, dict):
        raise TemplateError("a template must be a mapping with a Resources section")
    resources = _resources(document)
    declared, pseudo = read_parameters(document.get("Parameters"), parameters)
    resource_types = {lid: str(resource.get("Type")) for lid, resource in resources.items()}
    resource_types.update(generated_resource_types(resources))
    resolver = Resolver(
        parameters=declared,
        pseudo=pseudo,
        resource_types=resource_types,
        mappings=_section(document, "Mappings"),
        conditions=_section(document, "Conditions"),
    )
    resolver.function_name = lambda logical_id: _function_name(logical_id, resources, resolver)
    active = {lid: r for lid, r in resources.items() if _exists(lid, r, resolver)}
    global_sections = _section(document, "Globals")
    template_dir = path.parent
    functions = _functions(
        active, global_sections, resolver, template_dir, layer_folders(active, resolver, template_dir)
    )
    ctx = ReadContext(resolver, template_dir, str(path), active, FunctionIndex(functions))
    return Template(
        path=path,
        apis=_apis(active, global_sections, ctx),
        functions=functions,
        region=resolver.region,
        account_id=resolver.account_id,
        stack_name=pseudo["AWS::StackName"],
    )


def _section(document: Mapping[str, Any], name: str) -> dict[str, Any]:
    section = document.get(name) or {}
    if not isinstance(section, dict):
        raise TemplateError(f"{name} must be a mapping", where=name)
    return section


def _resources(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    resources = document.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError("the template has no Resources section", where="Resources")
    for logical_id, resource in resources.items():
        if str(logical_id).startswith("Fn::ForEach"):
            raise TemplateError(
                "Fn::ForEach (AWS::LanguageExtensions) is not expanded locally",
                where=f"Resources.{logical_id}",
            )
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise TemplateError("a resource must be a mapping with a Type", where=f"Resources.{logical_id}")
    return resources


def _exists(logical_id: str, resource: Mapping[str, Any], resolver: Resolver) -> bool:
    condition = resource.get("Condition")
    if condition is None:
        return True
    return resolver.condition(str(condition), f"Resources.{logical_id}.Condition")


def _function_name(logical_id: str, resources: Mapping[str, Mapping[str, Any]], resolver: Resolver) -> str:
    properties = resources.get(logical_id, {}).get("Properties") or {}
    if isinstance(properties, dict) and properties.get("FunctionName") is not None:
        return resolver.string(properties["FunctionName"], f"Resources.{logical_id}.Properties.FunctionName")
    return logical_id


def _properties(logical_id: str, resource: Mapping[str, Any]) -> dict[str, Any]:
    properties = resource.get("Properties") or {}
    if not isinstance(properties, dict):
        raise TemplateError("Properties must be a mapping", where=f"Resources.{logical_id}.Properties")
    return properties


def _functions(
    resources: Mapping[str, Mapping[str, Any]],
    global_sections: Mapping[str, Any],
    resolver: Resolver,
    template_dir: Path,
    layers: Mapping[str, Path | None],
) -> dict[str, Function]:
    functions = {}
    for logical_id, resource in resources.items():
        if resource["Type"] not in FUNCTION_TYPES:
            continue
        name = resolver.function_name(logical_id)
        properties = _properties(logical_id, resource)
        if resource["Type"] == SAM_FUNCTION:
            properties = merge_globals(global_sections.get("Function") or {}, properties)
            functions[logical_id] = read_sam_function(
                logical_id, properties, name, resolver, template_dir, layers=layers
            )
        else:
            functions[logical_id] = read_lambda_function(
                logical_id, properties, name, resolver, template_dir, layers=layers
            )
    return functions


def _apis(
    resources: Mapping[str, Mapping[str, Any]], global_sections: Mapping[str, Any], ctx: ReadContext
) -> list[Api]:
    events = _event_routes_by_api(resources, ctx)
    sam_kinds: dict[str, tuple[ApiKind, str]] = {SAM_API: ("rest", "Api"), SAM_HTTP_API: ("http", "HttpApi")}
    apis: list[Api] = []
    for logical_id, resource in resources.items():
        resource_type = resource["Type"]
        if resource_type in sam_kinds:
            kind, global_key = sam_kinds[resource_type]
            properties = merge_globals(
                global_sections.get(global_key) or {}, _properties(logical_id, resource)
            )
            apis.append(read_sam_api(logical_id, properties, kind, events.pop(logical_id, []), ctx))
        elif resource_type == REST_API:
            apis.append(read_rest_api(logical_id, _properties(logical_id, resource), ctx))
        elif resource_type == HTTP_API_V2:
            apis.append(read_http_api_v2(logical_id, _properties(logical_id, resource), ctx))
        elif resource_type == LAMBDA_URL:
            apis.append(read_lambda_url(logical_id, _properties(logical_id, resource), ctx))
    for logical_id, (kind, _, defaults) in _IMPLICIT_APIS.items():
        if logical_id in events:
            global_key = "Api" if kind == "rest" else "HttpApi"
            properties = merge_globals(global_sections.get(global_key) or {}, defaults)
            apis.append(read_sam_api(logical_id, properties, kind, events.pop(logical_id), ctx))
    for logical_id, resource in resources.items():
        if resource["Type"] == SAM_FUNCTION:
            url = function_url(ctx.functions.functions[logical_id], _properties(logical_id, resource), ctx)
            if url is not None:
                apis.append(url)
    return apis


def _event_routes_by_api(
    resources: Mapping[str, Mapping[str, Any]], ctx: ReadContext
) -> dict[str, list[EventRoute]]:
    by_api: dict[str, list[EventRoute]] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] == SAM_FUNCTION:
            for event in sam_event_routes(logical_id, _properties(logical_id, resource), ctx):
                by_api.setdefault(event.api_id, []).append(event)
    return by_api
