"""OpenAPI 2.0 and 3.0 definitions with API Gateway's ``x-amazon-apigateway-*`` extensions, read into the
model (:mod:`apigw_emulator.model`): what ``Body`` of a REST or HTTP API (SAM's translated
``DefinitionBody`` included) defines.

REST: operations become methods with their ``x-amazon-apigateway-integration`` (any type), the operation's
``security`` (or the document's) gives the authorization (a scheme with ``x-amazon-apigateway-authorizer``:
a Lambda or Cognito authorizer; ``api_key``: API key required; ``sigv4``: IAM), parameters and body models
the request validation, ``x-amazon-apigateway-request-validators``/``-request-validator``,
``-gateway-responses``, ``-binary-media-types``, ``-api-key-source``. HTTP: operations become routes
(``x-amazon-apigateway-any-method`` is ``ANY``, the path ``$default`` the default route), JWT and Lambda
authorizers, ``x-amazon-apigateway-cors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..authorizers.model import Authorizer
from ..cors import CorsRules
from ..errors import ConfigurationError
from ..model.http import HttpApi, HttpIntegration, HttpRoute
from ..model.rest import (
    GatewayResponseSpec,
    Integration,
    IntegrationResponse,
    Method,
    MethodResponse,
    RequestValidator,
    RestApi,
)
from ..routing import parse_route
from .common import media_types, normalise_method, selection_pattern, timeout_millis
from .errors import TemplateError
from .integrations import lambda_target, read_authorizer, resolve_uri
from .intrinsics import NO_VALUE, Resolver, is_intrinsic

__all__ = ["read_http_definition", "read_rest_definition"]

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method")
_INTEGRATION = "x-amazon-apigateway-integration"
_AUTHORIZER = "x-amazon-apigateway-authorizer"
_AUTHTYPE = "x-amazon-apigateway-authtype"
_TYPES = {"aws_proxy": "AWS_PROXY", "aws": "AWS", "mock": "MOCK", "http": "HTTP", "http_proxy": "HTTP_PROXY"}


class _Reader:
    """Reads one definition; ``functions`` maps function names to logical ids."""

    def __init__(
        self,
        document: Mapping[str, Any],
        kind: str,
        resolver: Resolver,
        functions: Mapping[str, str],
        where: str,
    ) -> None:
        self.document = document
        self.kind = kind
        self.resolver = resolver
        self.functions = functions
        self.where = where
        self.not_emulated: list[str] = []

    # -- shared --------------------------------------------------------------------------------------
    def operations(self) -> list[tuple[str, str, Mapping[str, Any], str]]:
        paths = self.document.get("paths") or {}
        if is_intrinsic(paths):
            paths = self.resolver.resolve(paths, f"{self.where}.paths")
        if not isinstance(paths, dict):
            raise TemplateError("paths must be a mapping", where=f"{self.where}.paths")
        found: list[tuple[str, str, Mapping[str, Any], str]] = []
        for path, written in paths.items():
            here = f"{self.where}.paths.{path}"
            # SAM writes the paths of a function with a Condition as Fn::If [condition, item, NoValue].
            item = self.resolver.resolve(written, here) if is_intrinsic(written) else written
            if item is NO_VALUE:
                continue
            if not isinstance(item, dict):
                raise TemplateError("a path item must be a mapping", where=here)
            if "$ref" in item:
                raise TemplateError("$ref path items are not supported: inline the operations", where=here)
            for method, written_operation in item.items():
                if str(method).lower() not in _OPERATIONS:
                    continue
                operation = written_operation
                if is_intrinsic(operation):
                    operation = self.resolver.resolve(operation, f"{here}.{method}")
                if operation is NO_VALUE:
                    continue
                if not isinstance(operation, dict):
                    raise TemplateError("an operation must be a mapping", where=f"{here}.{method}")
                if isinstance(item.get("parameters"), list):
                    shared = self.shared_parameters(item, operation, here, f"{here}.{method}")
                    operation = {**operation, "parameters": shared}
                found.append(
                    (normalise_method(str(method)), str(path).strip(), operation, f"{here}.{method}")
                )
        return found

    def shared_parameters(
        self, item: Mapping[str, Any], operation: Mapping[str, Any], where: str, operation_where: str
    ) -> list[Any]:
        """The parameters of a path item that apply to ``operation`` (those it does not redefine by
        ``name`` and ``in``), then its own."""
        own = operation.get("parameters") or []
        own = own if isinstance(own, list) else []

        def key(parameter: Any, here: str) -> tuple[Any, Any]:
            found = self.follow(parameter, here)
            return (found.get("name"), found.get("in")) if isinstance(found, dict) else (None, None)

        redefined = {key(p, f"{operation_where}.parameters[{i}]") for i, p in enumerate(own)}
        shared = [
            p for i, p in enumerate(item["parameters"]) if key(p, f"{where}.parameters[{i}]") not in redefined
        ]
        return [*shared, *own]

    def follow(self, value: Any, where: str) -> Any:
        """``value``, or what its local ``$ref`` points to."""
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

    def schemes(self) -> Mapping[str, Any]:
        schemes = self.document.get("securityDefinitions")
        if schemes is None:
            schemes = (self.document.get("components") or {}).get("securitySchemes")
        return schemes if isinstance(schemes, dict) else {}

    def authorizers(self) -> dict[str, Authorizer]:
        found: dict[str, Authorizer] = {}
        for name, scheme in self.schemes().items():
            if isinstance(scheme, dict) and isinstance(scheme.get(_AUTHORIZER), dict):
                header = scheme.get("name") if scheme.get("in") == "header" else None
                found[name] = read_authorizer(
                    name,
                    scheme[_AUTHORIZER],
                    kind=self.kind,
                    resolver=self.resolver,
                    functions=self.functions,
                    where=f"{self.where}.securityDefinitions.{name}.{_AUTHORIZER}",
                    header_name=header if isinstance(header, str) else None,
                )
        return found

    def security(self, operation: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
        """The (scheme, scopes) an operation requires: its own ``security`` or the document's."""
        requirements = operation.get("security", self.document.get("security")) or []
        found = []
        for requirement in requirements if isinstance(requirements, list) else []:
            if isinstance(requirement, dict):
                for name, scopes in requirement.items():
                    found.append((str(name), tuple(str(s) for s in (scopes or []))))
        return found

    def is_iam(self, scheme_name: str) -> bool:
        scheme = self.schemes().get(scheme_name)
        return isinstance(scheme, dict) and str(scheme.get(_AUTHTYPE, "")).lower() == "awssigv4"

    def is_api_key(self, scheme_name: str) -> bool:
        scheme = self.schemes().get(scheme_name)
        return (
            isinstance(scheme, dict)
            and _AUTHORIZER not in scheme
            and scheme.get("type") == "apiKey"
            and str(scheme.get("name", "")).lower() == "x-api-key"
            and not self.is_iam(scheme_name)
        )

    def integration_spec(self, operation: Mapping[str, Any], where: str) -> Mapping[str, Any] | None:
        integration = self.follow(operation.get(_INTEGRATION), f"{where}.{_INTEGRATION}")
        if integration is None:
            return None
        if not isinstance(integration, dict):
            raise TemplateError("the integration must be a mapping", where=f"{where}.{_INTEGRATION}")
        return integration

    def integration_type(self, spec: Mapping[str, Any], where: str) -> str:
        text = self.resolver.string(spec.get("type", ""), f"{where}.type").lower()
        if text not in _TYPES:
            raise TemplateError(
                f"integration type {text or '(none)'!r}: expected one of {', '.join(_TYPES)}",
                where=f"{where}.type",
            )
        return _TYPES[text]

    def timeout(self, spec: Mapping[str, Any], where: str, api: Literal["REST", "HTTP"]) -> int | None:
        if "timeoutInMillis" not in spec:
            return None
        here = f"{where}.timeoutInMillis"
        return timeout_millis(self.resolver.string(spec["timeoutInMillis"], here), here, api=api)

    def strings(self, value: Any, where: str) -> dict[str, str]:
        value = self.resolver.resolve(value or {}, where)
        if not isinstance(value, dict):
            raise TemplateError(f"expected a mapping, got {value!r}", where=where)
        return {str(k): "" if v is None else str(v) for k, v in value.items()}

    def response_parameters(self, value: Any, where: str) -> dict[str, dict[str, str]]:
        """An HTTP API integration's ``responseParameters``: by status code, a mapping of strings."""
        here = f"{where}.responseParameters"
        value = self.resolver.resolve(value or {}, here)
        if not isinstance(value, dict):
            raise TemplateError(f"expected a mapping of status codes, got {value!r}", where=here)
        return {str(status): self.strings(entries, f"{here}.{status}") for status, entries in value.items()}

    def check_path(self, method: str, path: str, where: str) -> None:
        try:
            parse_route("$default" if path in ("$default", "/$default") else f"{method} {path}")
        except ConfigurationError as exc:
            raise TemplateError(str(exc), where=where) from None

    # -- REST ----------------------------------------------------------------------------------------
    def rest(self, logical_id: str) -> RestApi:
        authorizers = self.authorizers()
        validators = self.validators()
        default_validator = self.document.get("x-amazon-apigateway-request-validator")
        methods = [
            self.method(method, path, operation, where, authorizers, default_validator)
            for method, path, operation, where in self.operations()
        ]
        binary_key = "x-amazon-apigateway-binary-media-types"
        binary = self.resolver.resolve(self.document.get(binary_key) or [], f"{self.where}.{binary_key}")
        if not isinstance(binary, list):
            raise TemplateError("binary media types must be a list", where=f"{self.where}.{binary_key}")
        if "x-amazon-apigateway-policy" in self.document:
            self.not_emulated.append(
                f"{logical_id}: the resource policy (x-amazon-apigateway-policy) is not enforced"
            )
        return RestApi(
            logical_id=logical_id,
            methods=tuple(methods),
            authorizers=authorizers,
            validators=validators,
            models=self.models(),
            gateway_responses=self.gateway_responses(),
            binary_media_types=tuple(media_types(binary, f"{self.where}.{binary_key}")),
            api_key_source=str(self.document.get("x-amazon-apigateway-api-key-source", "HEADER")).upper(),
            not_emulated=tuple(self.not_emulated),
            source=self.where,
        )

    def method(  # noqa: PLR0917
        self,
        http_method: str,
        path: str,
        operation: Mapping[str, Any],
        where: str,
        authorizers: Mapping[str, Authorizer],
        default_validator: Any,
    ) -> Method:
        if path in ("$default", "/$default"):
            raise TemplateError("a REST API has no $default route; use ANY /{proxy+}", where=where)
        self.check_path(http_method, path, where)
        spec = self.integration_spec(operation, where)
        if spec is None:
            raise TemplateError(
                f"{http_method} {path} has no {_INTEGRATION}: API Gateway refuses a method without an "
                "integration",
                where=where,
            )
        integration = self.rest_integration(spec, f"{where}.{_INTEGRATION}")
        authorization, authorizer, api_key = "NONE", None, False
        scopes: tuple[str, ...] = ()
        for scheme, scheme_scopes in self.security(operation):
            if scheme in authorizers:
                found = authorizers[scheme]
                authorization = (
                    "COGNITO_USER_POOLS" if type(found).__name__ == "CognitoAuthorizer" else "CUSTOM"
                )
                authorizer, scopes = scheme, scheme_scopes
            elif self.is_iam(scheme):
                authorization = "AWS_IAM"
            elif self.is_api_key(scheme):
                api_key = True
        parameters, models = self.request_shape(operation, where)
        validator = operation.get("x-amazon-apigateway-request-validator", default_validator)
        return Method(
            http_method=http_method,
            path=path,
            integration=integration,
            authorization_type=authorization,  # type: ignore[arg-type]
            authorizer=authorizer,
            authorization_scopes=scopes,
            api_key_required=api_key,
            request_validator=None if validator is None else str(validator),
            request_parameters=parameters,
            request_models=models,
            method_responses=self.method_responses(operation),
            origin=where,
        )

    def rest_integration(self, spec: Mapping[str, Any], where: str) -> Integration:
        integration_type = self.integration_type(spec, where)
        uri = None if spec.get("uri") is None else resolve_uri(spec["uri"], self.resolver, f"{where}.uri")
        target = (
            lambda_target(uri, self.functions) if uri and integration_type in ("AWS_PROXY", "AWS") else None
        )
        if integration_type == "AWS_PROXY" and uri is None:
            raise TemplateError("the aws_proxy integration has no uri", where=f"{where}.uri")
        responses = []
        for pattern, response in (spec.get("responses") or {}).items():
            here = f"{where}.responses.{pattern}"
            if not isinstance(response, dict):
                raise TemplateError("an integration response must be a mapping", where=here)
            responses.append(
                IntegrationResponse(
                    status_code=self.resolver.string(response.get("statusCode", "200"), f"{here}.statusCode"),
                    selection_pattern=None if pattern == "default" else selection_pattern(pattern, here),
                    response_parameters=self.strings(
                        response.get("responseParameters"), f"{here}.responseParameters"
                    ),
                    response_templates=self.strings(
                        response.get("responseTemplates"), f"{here}.responseTemplates"
                    ),
                    content_handling=response.get("contentHandling"),
                )
            )
        return Integration(
            type=integration_type,  # type: ignore[arg-type]
            uri=uri,
            http_method=None if spec.get("httpMethod") is None else str(spec["httpMethod"]).upper(),
            target=target,
            timeout_in_millis=self.timeout(spec, where, "REST"),
            request_templates=self.strings(spec.get("requestTemplates"), f"{where}.requestTemplates"),
            request_parameters=self.strings(spec.get("requestParameters"), f"{where}.requestParameters"),
            passthrough_behavior=str(spec.get("passthroughBehavior", "when_no_match")).upper(),
            content_handling=spec.get("contentHandling"),
            responses=tuple(responses),
        )

    def request_shape(
        self, operation: Mapping[str, Any], where: str
    ) -> tuple[dict[str, bool], dict[str, str]]:
        parameters: dict[str, bool] = {}
        models: dict[str, str] = {}
        places = {"header": "header", "query": "querystring", "path": "path"}
        for index, raw in enumerate(operation.get("parameters") or []):
            parameter = self.follow(raw, f"{where}.parameters[{index}]")
            if not isinstance(parameter, dict):
                continue
            place = parameter.get("in")
            if place in places:
                parameters[f"method.request.{places[place]}.{parameter.get('name')}"] = (
                    parameter.get("required") is True
                )
            elif place == "body" and isinstance(parameter.get("schema"), dict):
                reference = parameter["schema"].get("$ref")
                if isinstance(reference, str):
                    for content_type in (
                        operation.get("consumes") or self.document.get("consumes") or ["application/json"]
                    ):
                        models[str(content_type)] = reference.rsplit("/", 1)[-1]
        body = self.follow(operation.get("requestBody"), f"{where}.requestBody")
        if isinstance(body, dict):
            for content_type, content in (body.get("content") or {}).items():
                schema = content.get("schema") if isinstance(content, dict) else None
                if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
                    models[str(content_type)] = schema["$ref"].rsplit("/", 1)[-1]
        return parameters, models

    def method_responses(self, operation: Mapping[str, Any]) -> tuple[MethodResponse, ...]:
        found = []
        for status, response in (operation.get("responses") or {}).items():
            headers = response.get("headers") if isinstance(response, dict) else None
            found.append(
                MethodResponse(
                    str(status),
                    {f"method.response.header.{name}": False for name in (headers or {})},
                )
            )
        return tuple(found)

    def validators(self) -> dict[str, RequestValidator]:
        key = "x-amazon-apigateway-request-validators"
        found = {}
        for name, spec in (self.document.get(key) or {}).items():
            if isinstance(spec, dict):
                found[str(name)] = RequestValidator(
                    str(name),
                    validate_body=spec.get("validateRequestBody") is True,
                    validate_parameters=spec.get("validateRequestParameters") is True,
                )
        return found

    def models(self) -> dict[str, Any]:
        models = self.document.get("definitions")
        if models is None:
            models = (self.document.get("components") or {}).get("schemas")
        return dict(models) if isinstance(models, dict) else {}

    def gateway_responses(self) -> dict[str, GatewayResponseSpec]:
        key = "x-amazon-apigateway-gateway-responses"
        found = {}
        for response_type, spec in (self.document.get(key) or {}).items():
            here = f"{self.where}.{key}.{response_type}"
            if isinstance(spec, dict):
                status = spec.get("statusCode")
                found[str(response_type)] = GatewayResponseSpec(
                    str(response_type),
                    None if status is None else self.resolver.string(status, f"{here}.statusCode"),
                    self.strings(spec.get("responseParameters"), f"{here}.responseParameters"),
                    self.strings(spec.get("responseTemplates"), f"{here}.responseTemplates"),
                )
        return found

    # -- HTTP ----------------------------------------------------------------------------------------
    def http(self, logical_id: str) -> HttpApi:
        authorizers = self.authorizers()
        routes = [
            self.route(method, path, operation, where, authorizers)
            for method, path, operation, where in self.operations()
        ]
        cors = None
        if "x-amazon-apigateway-cors" in self.document:
            cors = http_cors(
                self.resolver.resolve(self.document["x-amazon-apigateway-cors"], self.where), self.where
            )
        if "x-amazon-apigateway-binary-media-types" in self.document:
            self.not_emulated.append(
                f"{self.where}.x-amazon-apigateway-binary-media-types: ignored, HTTP APIs base64-encode "
                "every non-text body"
            )
        return HttpApi(
            logical_id=logical_id,
            routes=tuple(routes),
            authorizers=authorizers,
            cors=cors,
            not_emulated=tuple(self.not_emulated),
            source=self.where,
        )

    def route(
        self,
        method: str,
        path: str,
        operation: Mapping[str, Any],
        where: str,
        authorizers: Mapping[str, Authorizer],
    ) -> HttpRoute:
        self.check_path(method, path, where)
        route_key = "$default" if path in ("$default", "/$default") else f"{method} {path}"
        spec = self.integration_spec(operation, where)
        integration = None if spec is None else self.http_integration(spec, f"{where}.{_INTEGRATION}")
        authorization, authorizer = "NONE", None
        scopes: tuple[str, ...] = ()
        for scheme, scheme_scopes in self.security(operation):
            if scheme in authorizers:
                found = authorizers[scheme]
                authorization = "JWT" if type(found).__name__ == "JwtAuthorizer" else "CUSTOM"
                authorizer, scopes = scheme, scheme_scopes
            elif self.is_iam(scheme):
                authorization = "AWS_IAM"
        return HttpRoute(
            route_key=route_key,
            integration=integration,
            authorization_type=authorization,  # type: ignore[arg-type]
            authorizer=authorizer,
            authorization_scopes=scopes,
            origin=where,
        )

    def http_integration(self, spec: Mapping[str, Any], where: str) -> HttpIntegration:
        integration_type = self.integration_type(spec, where)
        uri = None if spec.get("uri") is None else resolve_uri(spec["uri"], self.resolver, f"{where}.uri")
        if integration_type == "AWS_PROXY":
            if "payloadFormatVersion" not in spec:
                raise TemplateError(
                    "an HTTP API Lambda integration needs payloadFormatVersion ('1.0' or '2.0'): AWS "
                    "requires it outside the console",
                    where=f"{where}.payloadFormatVersion",
                )
            version = self.resolver.string(spec["payloadFormatVersion"], f"{where}.payloadFormatVersion")
            if version not in ("1.0", "2.0"):
                raise TemplateError(f"payload format version {version!r}: use '1.0' or '2.0'", where=where)
            return HttpIntegration(
                "AWS_PROXY",
                uri,
                lambda_target(uri or "", self.functions),
                version,
                self.timeout(spec, where, "HTTP"),
                self.strings(spec.get("requestParameters"), f"{where}.requestParameters"),
            )
        if integration_type in ("HTTP_PROXY", "MOCK"):
            method = spec.get("httpMethod")
            return HttpIntegration(
                integration_type,  # type: ignore[arg-type]
                uri,
                timeout_in_millis=self.timeout(spec, where, "HTTP"),
                request_parameters=self.strings(spec.get("requestParameters"), f"{where}.requestParameters"),
                http_method=None
                if method is None
                else self.resolver.string(method, f"{where}.httpMethod").upper(),
                response_parameters=self.response_parameters(spec.get("responseParameters"), where),
            )
        raise TemplateError(
            f"integration type {integration_type} is not one an HTTP API has", where=f"{where}.type"
        )


def http_cors(value: Any, where: str) -> CorsRules:
    """An HTTP API's CORS configuration, in either spelling (``allowOrigins`` of the OpenAPI extension,
    ``AllowOrigins`` of ``CorsConfiguration``)."""
    if not isinstance(value, dict):
        raise TemplateError("the CORS configuration must be a mapping", where=where)
    spelled = {key[:1].upper() + key[1:]: item for key, item in value.items()}
    try:
        return CorsRules.from_template("http", spelled, where)
    except ConfigurationError as exc:
        raise TemplateError(str(exc), where=where) from None


def _reader(
    document: Any, kind: str, resolver: Resolver, functions: Mapping[str, str], where: str
) -> _Reader:
    if not isinstance(document, dict):
        raise TemplateError("the OpenAPI definition must be a mapping", where=where)
    return _Reader(document, kind, resolver, functions, where)


def read_rest_definition(
    document: Any, logical_id: str, *, resolver: Resolver, functions: Mapping[str, str], where: str
) -> RestApi:
    """The REST API an OpenAPI ``document`` defines (stages and CloudFormation properties are the caller's).

    :raises TemplateError: for a malformed definition.
    """
    return _reader(document, "rest", resolver, functions, where).rest(logical_id)


def read_http_definition(
    document: Any, logical_id: str, *, resolver: Resolver, functions: Mapping[str, str], where: str
) -> HttpApi:
    """The HTTP API an OpenAPI ``document`` defines (stages are the caller's).

    :raises TemplateError: for a malformed definition.
    """
    return _reader(document, "http", resolver, functions, where).http(logical_id)
