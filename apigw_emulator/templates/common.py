"""What the resource readers share: the read context, property access, routes, media types."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigurationError
from ..integration_response import selection_pattern_error
from ..runtime.layers import built_layer
from .errors import TemplateError
from .intrinsics import NO_VALUE, Resolver, scalar_text
from .model import ApiRoute, Function

__all__ = [
    "ANY_METHOD_KEY",
    "FunctionIndex",
    "ReadContext",
    "endpoint_type",
    "media_types",
    "merge_routes",
    "optional_int",
    "optional_mapping",
    "optional_string",
    "selection_pattern",
    "timeout_millis",
]

#: The OpenAPI extension key for the ``ANY`` method.
ANY_METHOD_KEY = "x-amazon-apigateway-any-method"
_ENDPOINT_TYPES = ("EDGE", "REGIONAL", "PRIVATE")
#: A ``BuildMethod`` that makes ``sam build`` lay a layer's source files out under ``python/``.
_PYTHON_BUILD = re.compile(r"python3\.\d+")
_LAMBDA_ARN = re.compile(r"arn:[\w-]+:lambda:[\w-]*:\d*:function:([A-Za-z0-9_-]+)")


class FunctionIndex:
    """Finds a template function from a name or ARN an integration uses."""

    def __init__(self, functions: Mapping[str, Function]) -> None:
        self.functions = functions
        self._by_name = {function.name: lid for lid, function in functions.items()}

    def from_uri(self, uri: str, where: str) -> str:
        """The logical id of the function a Lambda ARN or an API Gateway integration URI invokes.

        :raises TemplateError: when the URI names no Lambda function, or one outside the template.
        """
        match = _LAMBDA_ARN.search(uri)
        if match is None:
            raise TemplateError(f"the integration URI {uri!r} names no Lambda function", where=where)
        name = match.group(1)
        if name in self._by_name:
            return self._by_name[name]
        raise TemplateError(
            f"the integration invokes function {name!r}, which is not in this template "
            f"(its functions: {', '.join(self.functions) or 'none'})",
            where=where,
        )


@dataclass
class ReadContext:
    """What reading APIs needs: the resolver, the template's place and resources, its functions."""

    resolver: Resolver
    template_dir: Path
    source: str
    resources: Mapping[str, Mapping[str, Any]]
    functions: FunctionIndex

    def resources_of_type(self, *types: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
        """``(logical id, properties)`` of the resources of these types, in template order."""
        for logical_id, resource in self.resources.items():
            if resource.get("Type") in types:
                properties = resource.get("Properties") or {}
                if not isinstance(properties, dict):
                    raise TemplateError("Properties must be a mapping", where=f"Resources.{logical_id}")
                yield logical_id, properties


def optional_string(resolver: Resolver, properties: Mapping[str, Any], key: str, where: str) -> str | None:
    """The string value of ``properties[key]``, or None when absent (or ``AWS::NoValue``)."""
    if key not in properties:
        return None
    value = resolver.resolve(properties[key], f"{where}.{key}")
    if value is None or value is NO_VALUE:
        return None
    return scalar_text(value, f"{where}.{key}")


def optional_int(resolver: Resolver, properties: Mapping[str, Any], key: str, where: str) -> int | None:
    """The integer value of ``properties[key]``, or None when absent."""
    text = optional_string(resolver, properties, key, where)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise TemplateError(f"expected an integer, got {text!r}", where=f"{where}.{key}") from None


#: What API Gateway accepts as an integration's ``timeoutInMillis``: 50 ms at least; for a REST API up to
#: 29 s, or up to 300 s where the account's quota is raised (Regional and private REST APIs, since 2024-06,
#: so the reader accepts it); for an HTTP API up to 30 s.
TIMEOUT_MILLIS_BOUNDS = {"REST": (50, 300_000), "HTTP": (50, 30_000)}
_ARTICLES = {"REST": "a REST", "HTTP": "an HTTP"}


def timeout_millis(text: str | None, where: str, *, api: Literal["REST", "HTTP"]) -> int | None:
    """An integration's ``timeoutInMillis`` written as ``text`` (None when absent), as API Gateway takes it.

    :raises TemplateError: when it is not a whole number of milliseconds or lies outside what API Gateway
        accepts for the API's kind (a deployment would be refused).
    """
    if text is None:
        return None
    low, high = TIMEOUT_MILLIS_BOUNDS[api]
    if not text.strip().isdigit():
        raise TemplateError(f"expected milliseconds, got {text!r}", where=where)
    millis = int(text)
    if not low <= millis <= high:
        raise TemplateError(
            f"{millis} ms is outside what API Gateway accepts for {_ARTICLES[api]} API integration's timeout "
            f"({low} to {high:,} ms): the deployment would be refused",
            where=where,
        )
    return millis


def optional_mapping(
    resolver: Resolver, properties: Mapping[str, Any], key: str, where: str
) -> dict[str, str]:
    """``properties[key]`` as a mapping of strings (stage variables), empty when absent."""
    if key not in properties:
        return {}
    value = resolver.resolve(properties[key], f"{where}.{key}")
    if value is NO_VALUE or value is None:
        return {}
    if not isinstance(value, dict):
        raise TemplateError(f"expected a mapping, got {value!r}", where=f"{where}.{key}")
    return {str(k): scalar_text(v, f"{where}.{key}.{k}") for k, v in value.items()}


def media_types(values: Iterable[Any], where: str) -> list[str]:
    """Binary media types in the ``image/png`` spelling (SAM's ``image~1png`` too), duplicates removed."""
    result: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise TemplateError(f"a binary media type must be a string, got {value!r}", where=where)
        normalised = value.replace("~1", "/").replace("~0", "~")
        if normalised not in result:
            result.append(normalised)
    return result


def normalise_method(method: str) -> str:
    """``ANY`` for SAM's ``any`` and OpenAPI's ``x-amazon-apigateway-any-method``, else upper case."""
    lowered = method.strip().lower()
    return "ANY" if lowered in ("any", ANY_METHOD_KEY, "*") else lowered.upper()


def merge_routes(routes: Iterable[ApiRoute], api_id: str) -> tuple[ApiRoute, ...]:
    """The routes without repeats; one route defined twice differently is an error.

    :raises TemplateError: when two definitions of a route disagree (function, payload format, timeout).
    """
    merged: dict[tuple[str, str], ApiRoute] = {}
    for route in routes:
        key = (route.method, route.path)
        known = merged.get(key)
        if known is None:
            merged[key] = route
        elif known != route:
            raise TemplateError(
                f"route {route.spec} of API {api_id} is defined twice, differently: at {known.origin} "
                f"({known.function_id}, payload {known.payload_format_version}) and at {route.origin} "
                f"({route.function_id}, payload {route.payload_format_version})"
            )
    return tuple(merged.values())


def endpoint_type(properties: Mapping[str, Any], where: str, resolver: Resolver) -> str:
    """The REST endpoint type: SAM's string or ``{Type: ...}``, CloudFormation's ``{Types: [...]}``."""
    value = resolver.resolve(
        properties.get("EndpointConfiguration", "EDGE"), f"{where}.EndpointConfiguration"
    )
    if isinstance(value, dict):
        types = value.get("Types", value.get("Type", "EDGE"))  # CloudFormation: Types, a list
        value = types[0] if isinstance(types, list) and len(types) == 1 else types
    endpoint = str(value).upper()
    if endpoint not in _ENDPOINT_TYPES:
        raise TemplateError(
            f"endpoint type {value!r}: expected one of {', '.join(_ENDPOINT_TYPES)}",
            where=f"{where}.EndpointConfiguration",
        )
    return endpoint


def environment_variables(
    resolver: Resolver, properties: Mapping[str, Any], where: str
) -> tuple[dict[str, str], dict[str, str]]:
    """A function's ``Environment.Variables``: (the values, {name: why it cannot be known locally}).

    A value whose intrinsic cannot be resolved here (``!Ref`` of a table, ``!GetAtt`` of a queue...) is not
    an error of the template: it is reported as unresolved, for the caller to supply (SAM CLI's
    ``--env-vars``) or to refuse naming it.
    """
    environment = properties.get("Environment")
    if environment is None:
        return {}, {}
    if not isinstance(environment, dict):
        raise TemplateError("Environment must be a mapping with Variables", where=f"{where}.Environment")
    variables = environment.get("Variables") or {}
    if not isinstance(variables, dict):
        raise TemplateError("Variables must be a mapping", where=f"{where}.Environment.Variables")
    values: dict[str, str] = {}
    unresolved: dict[str, str] = {}
    for name, raw in variables.items():
        here = f"{where}.Environment.Variables.{name}"
        try:
            value = resolver.resolve(raw, here)
        except TemplateError as exc:
            unresolved[str(name)] = str(exc)
            continue
        if value is NO_VALUE or value is None:
            continue
        values[str(name)] = (
            "true" if value is True else "false" if value is False else scalar_text(value, here)
        )
    return values, unresolved


#: The layer resources a function's ``Layers`` may name by ``Ref``.
LAYER_TYPES = ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion")


def layer_folders(
    resources: Mapping[str, Mapping[str, Any]], resolver: Resolver, template_dir: Path
) -> dict[str, Path | None]:
    """The template's layers by logical id: the local folder of their content (SAM's ``ContentUri``, a
    local ``Content`` of ``AWS::Lambda::LayerVersion``), or None for content in S3.

    A layer that ``sam build`` builds with ``Metadata: BuildMethod: python3.x`` has its source files at the
    root of its content, and ``sam build`` puts them under ``python/``: its folder is laid out the same way
    (see :func:`~apigw_emulator.runtime.layers.built_layer`)."""
    folders: dict[str, Path | None] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") not in LAYER_TYPES:
            continue
        properties = resource.get("Properties") or {}
        metadata = resource.get("Metadata") or {}
        asset = metadata.get("aws:asset:path") if isinstance(metadata, dict) else None
        key = "ContentUri" if resource["Type"] == LAYER_TYPES[0] else "Content"
        where = f"Resources.{logical_id}.Properties.{key}"
        content = resolver.resolve(properties.get(key), where) if isinstance(properties, dict) else None
        local = asset if isinstance(asset, str) else content  # CDK's asset metadata, SAM's after expansion
        if isinstance(local, str) and (isinstance(asset, str) or not local.startswith("s3://")):
            folder = (template_dir / local).resolve()
            if _python_build_method(resource) and folder.is_dir():
                try:
                    folder = built_layer(folder)
                except ConfigurationError as exc:
                    raise TemplateError(str(exc), where=f"Resources.{logical_id}.Metadata") from None
            folders[logical_id] = folder
        else:
            folders[logical_id] = None
    return folders


def _python_build_method(resource: Mapping[str, Any]) -> bool:
    """Whether ``sam build`` builds the layer as Python (``Metadata: BuildMethod: python3.12``)."""
    metadata = resource.get("Metadata")
    method = metadata.get("BuildMethod") if isinstance(metadata, dict) else None
    return isinstance(method, str) and _PYTHON_BUILD.fullmatch(method.strip()) is not None


def function_layers(
    properties: Mapping[str, Any], resolver: Resolver, where: str, layers: Mapping[str, Path | None]
) -> tuple[Path | str, ...]:
    """A function's ``Layers``, in order: a template layer's local folder, or the ARN (a layer that is not
    on this machine: a layer by ARN, or one whose content is in S3)."""
    found: list[Path | str] = []
    for index, item in enumerate(properties.get("Layers") or ()):
        here = f"{where}.Layers[{index}]"
        if isinstance(item, dict) and set(item) == {"Ref"} and item["Ref"] in layers:
            folder = layers[item["Ref"]]
            found.append(folder if folder is not None else f"{item['Ref']} (content in S3)")
            continue
        value = resolver.resolve(item, here)
        found.append(str(value))
    return tuple(found)


def selection_pattern(value: Any, where: str) -> str | None:
    """An integration response's ``selectionPattern`` (None for none, or the empty one).

    :raises TemplateError: when it is not a regular expression (API Gateway refuses it when the
        integration response is saved).
    """
    if value is None or value == "":
        return None
    text = str(value)
    problem = selection_pattern_error(text)
    if problem is not None:
        raise TemplateError(
            f"the selectionPattern {text!r} is not a regular expression: {problem}", where=where
        )
    return text
