"""Routes and binary media types of an OpenAPI 3 / Swagger 2 definition with API Gateway's extensions.

Read: ``paths`` operations and ``x-amazon-apigateway-any-method`` with an ``x-amazon-apigateway-integration``
of type ``aws_proxy`` (its ``uri`` an ``Fn::Sub`` or a plain string with ``${...}``: SAM does not resolve
intrinsics in a ``DefinitionUri`` file but SAM CLI reads both, and so does this module), the integration's
``payloadFormatVersion`` and ``timeoutInMillis``, a ``$default`` (or ``/$default``) path on HTTP APIs, local
``$ref`` to an integration, and ``x-amazon-apigateway-binary-media-types``.

A ``mock`` integration of an ``OPTIONS`` operation (CORS preflight) is skipped with a note; any other
integration type is an error naming the operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .common import ANY_METHOD_KEY, FunctionIndex, make_route, media_types
from .errors import TemplateError
from .intrinsics import Resolver, is_intrinsic
from .model import ApiRoute

__all__ = ["Definition", "read_definition"]

_OPERATIONS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", ANY_METHOD_KEY})
_INTEGRATION_KEY = "x-amazon-apigateway-integration"
_BINARY_KEY = "x-amazon-apigateway-binary-media-types"
_AUTHORIZER_KEY = "x-amazon-apigateway-authorizer"


@dataclass
class Definition:
    """What an OpenAPI definition gives an API.

    :param routes: the Lambda proxy routes.
    :param without_integration: ``(method, path, where)`` of operations that have no integration (SAM
        events may supply it).
    :param binary_media_types: the ``x-amazon-apigateway-binary-media-types`` entries.
    :param notes: what is configured but not emulated.
    """

    routes: list[ApiRoute] = field(default_factory=list)
    without_integration: list[tuple[str, str, str]] = field(default_factory=list)
    binary_media_types: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_definition(
    document: Any, *, kind: str, where: str, resolver: Resolver, functions: FunctionIndex
) -> Definition:
    """Read the routes of ``document`` for an API of ``kind`` (``"rest"`` or ``"http"``).

    :param where: the property the definition comes from (for messages).
    :raises TemplateError: for a non-mapping definition, a non-proxy integration, an integration URI
        outside the template, an HTTP API integration without ``payloadFormatVersion``.
    """
    if not isinstance(document, dict):
        raise TemplateError("the OpenAPI definition must be a mapping", where=where)
    return _DefinitionReader(document, kind, resolver, functions).read(where)


class _DefinitionReader:
    """Reads one definition into a :class:`Definition`."""

    def __init__(self, document: dict[str, Any], kind: str, resolver: Resolver, functions: FunctionIndex):
        self.document = document
        self.kind = kind
        self.resolver = resolver
        self.functions = functions
        self.definition = Definition()

    def read(self, where: str) -> Definition:
        paths = self.document.get("paths") or {}
        if is_intrinsic(paths):
            paths = self.resolver.resolve(paths, f"{where}.paths")
        if not isinstance(paths, dict):
            raise TemplateError("paths must be a mapping", where=f"{where}.paths")
        for path, item in paths.items():
            self._read_path(str(path), item, f"{where}.paths.{path}")
        self._read_binary_media_types(where)
        if _has_authorizers(self.document):
            self.definition.notes.append(
                f"{where}: the definition's x-amazon-apigateway-authorizer security schemes are not run "
                "(SAM's Auth authorizers are); Gateway(authorizer=...) sets the context they would give"
            )
        return self.definition

    def _read_path(self, path: str, item: Any, where: str) -> None:
        if not isinstance(item, dict):
            raise TemplateError("a path item must be a mapping", where=where)
        if "$ref" in item:
            raise TemplateError("$ref path items are not supported: inline the operations", where=where)
        for method, operation in item.items():
            if str(method).lower() in _OPERATIONS:  # not parameters, summary, servers, extensions
                self._read_operation(str(method), path, operation, f"{where}.{method}")

    def _read_operation(self, method: str, path: str, operation: Any, where: str) -> None:
        if not isinstance(operation, dict):
            raise TemplateError("an operation must be a mapping", where=where)
        integration = operation.get(_INTEGRATION_KEY)
        if integration is None:
            self.definition.without_integration.append((method, path, where))
            return
        integration_where = f"{where}.{_INTEGRATION_KEY}"
        integration = self._follow_ref(integration, integration_where)
        route = self._proxy_route(method, path, integration, integration_where)
        if route is None:
            self.definition.notes.append(f"{where}: mock OPTIONS integration (CORS preflight) not emulated")
        else:
            self.definition.routes.append(route)

    def _follow_ref(self, value: Any, where: str) -> Any:
        if not (isinstance(value, dict) and "$ref" in value):
            return value
        reference = value["$ref"]
        if not isinstance(reference, str) or not reference.startswith("#/"):
            raise TemplateError(f"only local $ref ('#/...') are supported, got {reference!r}", where=where)
        target: Any = self.document
        for part in reference[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or key not in target:
                raise TemplateError(f"$ref {reference!r} points to nothing", where=where)
            target = target[key]
        return target

    def _proxy_route(self, method: str, path: str, integration: Any, where: str) -> ApiRoute | None:
        resolver = self.resolver
        if not isinstance(integration, dict):
            raise TemplateError("the integration must be a mapping", where=where)
        integration_type = resolver.string(integration.get("type", ""), f"{where}.type").lower()
        if integration_type == "mock" and method.lower() == "options":
            return None
        if integration_type != "aws_proxy":
            raise TemplateError(
                f"{method.upper()} {path}: integration type {integration_type or '(none)'!r} is not a Lambda "
                "proxy integration; only aws_proxy integrations can be emulated",
                where=f"{where}.type",
            )
        uri = _uri(integration.get("uri"), f"{where}.uri", resolver)
        return make_route(
            method=method,
            path=path,
            function_id=self.functions.from_uri(uri, f"{where}.uri"),
            kind=self.kind,
            payload_format_version=_payload_format_version(integration, self.kind, where, resolver),
            timeout_in_millis=_timeout(integration, where, resolver),
            where=where,
        )

    def _read_binary_media_types(self, where: str) -> None:
        if _BINARY_KEY not in self.document:
            return
        key_where = f"{where}.{_BINARY_KEY}"
        values = self.resolver.resolve(self.document[_BINARY_KEY], key_where)
        if not isinstance(values, list):
            raise TemplateError("binary media types must be a list", where=key_where)
        if self.kind == "http":
            self.definition.notes.append(f"{key_where}: ignored, HTTP APIs base64-encode every non-text body")
            return
        self.definition.binary_media_types.extend(media_types(values, key_where))


def _uri(value: Any, where: str, resolver: Resolver) -> str:
    if value is None:
        raise TemplateError("the aws_proxy integration has no uri", where=where)
    if isinstance(value, str):
        return resolver.substitute(value, {}, where)  # a DefinitionUri file: "${Fn.Arn}" as Fn::Sub
    return resolver.string(value, where)


def _timeout(integration: Mapping[str, Any], where: str, resolver: Resolver) -> int | None:
    if "timeoutInMillis" not in integration:
        return None
    text = resolver.string(integration["timeoutInMillis"], f"{where}.timeoutInMillis")
    if not text.isdigit():
        raise TemplateError(f"expected milliseconds, got {text!r}", where=f"{where}.timeoutInMillis")
    return int(text)


def _payload_format_version(integration: Mapping[str, Any], kind: str, where: str, resolver: Resolver) -> str:
    if kind != "http":
        return "1.0"
    if "payloadFormatVersion" not in integration:
        raise TemplateError(
            "an HTTP API Lambda integration needs payloadFormatVersion ('1.0' or '2.0'): AWS requires it "
            "outside the console",
            where=f"{where}.payloadFormatVersion",
        )
    return resolver.string(integration["payloadFormatVersion"], f"{where}.payloadFormatVersion")


def _has_authorizers(document: Mapping[str, Any]) -> bool:
    schemes = document.get("securityDefinitions") or (document.get("components") or {}).get("securitySchemes")
    return isinstance(schemes, dict) and any(
        isinstance(scheme, dict) and _AUTHORIZER_KEY in scheme for scheme in schemes.values()
    )
