"""One template document to a :class:`Template` as AWS deploys it: SAM expanded by AWS's translator into
CloudFormation, then one reader for that and for plain CloudFormation and CDK output: functions, then every
API read into API Gateway's own model (:mod:`apigw_emulator.model`), then each API as the front door's
options."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .adapter import http_api_to_api, rest_api_to_api
from .apigateway import REST_API, Resources, read_rest_api_model
from .apigatewayv2 import read_http_api_model
from .cloudformation import HTTP_API_V2, LAMBDA_URL, read_lambda_function, read_lambda_url
from .common import FunctionIndex, ReadContext, layer_folders
from .errors import TemplateError
from .intrinsics import FUNCTION_TYPES, Resolver, read_parameters
from .model import Api, Function, Template, construct_names
from .sam_translate import ASSET_PATH, expand_sam, is_sam
from .yaml_loader import load_document

__all__ = ["read_template"]

#: A nested stack: SAM's ``AWS::Serverless::Application`` after expansion, CDK's ``NestedStack``.
NESTED_STACK = "AWS::CloudFormation::Stack"
#: CDK's metadata key for a resource's construct path.
CDK_PATH = "aws:cdk:path"


def read_template(document: Any, *, path: Path, parameters: Mapping[str, str] | None = None) -> Template:
    """Read a parsed template document (long-form intrinsics) for local emulation.

    :param path: the template file; local code, layer and definition paths are relative to its directory.
    :param parameters: values for the template's parameters (and pseudo parameters such as
        ``AWS::Region``), overriding their defaults.
    :raises TemplateError: for anything unsupported or unresolvable (see :mod:`apigw_emulator.template`).
    """
    if not isinstance(document, dict):
        raise TemplateError("a template must be a mapping with a Resources section")
    _resources(document)
    declared, pseudo = read_parameters(document.get("Parameters"), parameters)
    template_dir = path.parent
    written = {
        str(lid): str(resource.get("Type")) for lid, resource in (document.get("Resources") or {}).items()
    }
    if is_sam(document):
        values = {name: p.value for name, p in declared.items() if p.value is not None}
        document = expand_sam(
            document, template_dir=template_dir, parameters={**values, **pseudo}, source=str(path)
        )
    resources = _resources(document)
    resolver = Resolver(
        parameters=declared,
        pseudo=pseudo,
        resource_types={lid: str(resource.get("Type")) for lid, resource in resources.items()},
        mappings=_section(document, "Mappings"),
        conditions=_section(document, "Conditions"),
    )
    resolver.function_name = lambda logical_id: _function_name(logical_id, resources, resolver)
    active = {lid: r for lid, r in resources.items() if _exists(lid, r, resolver)}
    functions = _functions(active, resolver, template_dir, layer_folders(active, resolver, template_dir))
    ctx = ReadContext(resolver, template_dir, str(path), active, FunctionIndex(functions))
    template = Template(
        aliases=_construct_aliases(active),
        path=path,
        apis=_in_template_order(_apis(active, ctx, functions), written),
        functions=functions,
        region=resolver.region,
        account_id=resolver.account_id,
        stack_name=pseudo["AWS::StackName"],
    )
    for logical_id, resource in active.items():
        if resource["Type"] == NESTED_STACK:
            template = _with_nested(template, logical_id, resource, resolver, pseudo)
    return template


def _with_nested(
    parent: Template,
    logical_id: str,
    resource: Mapping[str, Any],
    resolver: Resolver,
    pseudo: Mapping[str, str],
) -> Template:
    """The parent with a nested stack's APIs and functions (``AWS::CloudFormation::Stack``, SAM's
    ``AWS::Serverless::Application``), when its template is on this machine; its ``Parameters`` are what
    the parent resolves of them. A child's resource is also named ``<stack id>/<its logical id>``.

    :raises TemplateError: when a child's resource has the logical id of one of the parent's.
    """
    where = f"Resources.{logical_id}.Properties"
    properties = _properties(logical_id, resource)
    metadata = resource.get("Metadata")
    local = metadata.get(ASSET_PATH) if isinstance(metadata, dict) else None
    if local is None and isinstance(properties.get("TemplateURL"), str):
        url = properties["TemplateURL"]
        local = None if url.startswith(("s3://", "https://", "http://")) else url
    if not isinstance(local, str):
        notes = (f"{where}: the nested stack's template is not on this machine: its APIs are not served",)
        return dataclasses.replace(
            parent, apis=[dataclasses.replace(a, notes=(*a.notes, *notes)) for a in parent.apis]
        )
    values: dict[str, str] = {name: value for name, value in pseudo.items() if name != "AWS::StackName"}
    for name, value in (properties.get("Parameters") or {}).items():
        try:
            values[str(name)] = resolver.string(value, f"{where}.Parameters.{name}")
        except TemplateError:
            continue  # the child's own default, or a value it asks for where it needs it
    child_path = (parent.path.parent / local).resolve()
    child = read_template(
        load_document(child_path, where=f"{where}.TemplateURL"), path=child_path, parameters=values
    )
    taken = set(parent.functions) | {api.logical_id for api in parent.apis}
    clashes = sorted(taken & (set(child.functions) | {api.logical_id for api in child.apis}))
    if clashes:
        raise TemplateError(
            f"the nested stack's {', '.join(clashes)} has the logical id of a resource of this template: "
            "serve the nested template on its own (--template)",
            where=where,
        )
    aliases = {**parent.aliases, **child.aliases}
    aliases.update(
        {f"{logical_id}/{name}": name for name in [*child.functions, *(a.logical_id for a in child.apis)]}
    )
    return dataclasses.replace(
        parent,
        apis=[*parent.apis, *child.apis],
        functions={**parent.functions, **child.functions},
        aliases=aliases,
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


def _construct_aliases(resources: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """CDK construct paths and ids (``aws:cdk:path``) to logical ids; an id two resources share names
    neither."""
    found: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        metadata = resource.get("Metadata")
        path = metadata.get(CDK_PATH) if isinstance(metadata, dict) else None
        for name in construct_names(path if isinstance(path, str) else None):
            found.setdefault(name, set()).add(logical_id)
    return {name: ids.pop() for name, ids in found.items() if len(ids) == 1}


def _in_template_order(apis: list[Api], written: Mapping[str, str]) -> list[Api]:
    """The APIs in the order the template writes them (generated ones, such as SAM's implicit APIs, after
    the written ones), function URLs last; each with the resource type the template gives it
    (``AWS::Serverless::Api`` for what SAM deploys as an ``AWS::ApiGateway::RestApi``)."""
    position = {logical_id: index for index, logical_id in enumerate(written)}
    ordered = sorted(
        apis, key=lambda api: (api.kind == "function-url", position.get(api.logical_id, len(written)))
    )
    return [
        dataclasses.replace(api, resource_type=written.get(api.logical_id, api.resource_type))
        for api in ordered
    ]


def _functions(
    resources: Mapping[str, Mapping[str, Any]],
    resolver: Resolver,
    template_dir: Path,
    layers: Mapping[str, Path | None],
) -> dict[str, Function]:
    functions = {}
    for logical_id, resource in resources.items():
        if resource["Type"] not in FUNCTION_TYPES:
            continue
        functions[logical_id] = read_lambda_function(
            logical_id,
            _properties(logical_id, resource),
            resolver.function_name(logical_id),
            resolver,
            template_dir,
            layers=layers,
            metadata=resource.get("Metadata"),
        )
    return functions


def _apis(
    resources: Mapping[str, Mapping[str, Any]], ctx: ReadContext, functions: Mapping[str, Function]
) -> list[Api]:
    names = {function.name: logical_id for logical_id, function in functions.items()}
    catalogue = Resources(resources, ctx.resolver, ctx.template_dir, names)
    region, account = ctx.resolver.region, ctx.resolver.account_id
    apis: list[Api] = []
    skipped: list[str] = []
    for logical_id, resource in resources.items():
        resource_type = resource["Type"]
        if resource_type == REST_API:
            model = read_rest_api_model(logical_id, _properties(logical_id, resource), catalogue)
            apis.append(rest_api_to_api(model, functions, region, account))
        elif resource_type == HTTP_API_V2:
            properties = _properties(logical_id, resource)
            protocol = str(ctx.resolver.resolve(properties.get("ProtocolType", "HTTP"), logical_id)).upper()
            if protocol != "HTTP":
                skipped.append(f"Resources.{logical_id}: {protocol} APIs are not emulated")
                continue
            model_http = read_http_api_model(logical_id, properties, catalogue)
            apis.append(http_api_to_api(model_http, functions, region, account))
        elif resource_type == LAMBDA_URL:
            apis.append(read_lambda_url(logical_id, _properties(logical_id, resource), ctx))
    if skipped:  # said with every API the template serves
        apis = [dataclasses.replace(api, notes=(*api.notes, *skipped)) for api in apis]
    return apis
