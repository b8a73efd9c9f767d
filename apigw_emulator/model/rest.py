"""A REST API as API Gateway holds it (``AWS::ApiGateway::*``, or an OpenAPI body with
``x-amazon-apigateway-*`` extensions): methods on resource paths, each with its integration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..authorizers.model import Authorizer

__all__ = [
    "GatewayResponseSpec",
    "Integration",
    "IntegrationResponse",
    "IntegrationType",
    "LambdaTarget",
    "Method",
    "MethodResponse",
    "RequestValidator",
    "RestApi",
    "Stage",
]

IntegrationType = Literal["AWS_PROXY", "AWS", "MOCK", "HTTP", "HTTP_PROXY"]
AuthorizationType = Literal["NONE", "CUSTOM", "COGNITO_USER_POOLS", "AWS_IAM"]


@dataclass(frozen=True, slots=True)
class LambdaTarget:
    """The Lambda function an integration (or an authorizer) invokes.

    :param function_id: the logical id of the template's function, or None for one outside the template.
    :param arn: the function ARN as the URI gives it (a stage variable left as ``${stageVariables.x}``).
    :param qualifier: the version or alias after the name (``live``, ``${stageVariables.alias}``), if any.
    """

    function_id: str | None
    arn: str
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class IntegrationResponse:
    """One integration response: which backend answers select it, and how it becomes the method response.

    :param status_code: the method response status it produces.
    :param selection_pattern: a regular expression on the backend's status (HTTP) or error message
        (Lambda); None is the default response.
    """

    status_code: str
    selection_pattern: str | None = None
    response_parameters: Mapping[str, str] = field(default_factory=dict)
    response_templates: Mapping[str, str] = field(default_factory=dict)
    content_handling: str | None = None


@dataclass(frozen=True, slots=True)
class Integration:
    """A method's integration.

    :param type: ``AWS_PROXY`` (Lambda proxy), ``AWS`` (Lambda custom or another service), ``MOCK``,
        ``HTTP``, ``HTTP_PROXY``.
    :param uri: the integration URI as written (stage variables unresolved).
    :param target: the Lambda function a Lambda integration invokes.
    :param timeout_in_millis: ``timeoutInMillis`` (None: the default, 29 s).
    """

    type: IntegrationType
    uri: str | None = None
    http_method: str | None = None
    target: LambdaTarget | None = None
    timeout_in_millis: int | None = None
    request_templates: Mapping[str, str] = field(default_factory=dict)
    request_parameters: Mapping[str, str] = field(default_factory=dict)
    passthrough_behavior: str = "WHEN_NO_MATCH"
    content_handling: str | None = None
    responses: tuple[IntegrationResponse, ...] = ()


@dataclass(frozen=True, slots=True)
class MethodResponse:
    """A declared method response: its status, the headers it may carry, its models."""

    status_code: str
    response_parameters: Mapping[str, bool] = field(default_factory=dict)
    response_models: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Method:
    """One method of a resource.

    :param http_method: ``GET``... or ``ANY``.
    :param path: the resource path, ``/items/{id}`` or ``/{proxy+}``.
    :param authorization_type: ``NONE``, ``CUSTOM`` (a Lambda authorizer), ``COGNITO_USER_POOLS``,
        ``AWS_IAM``.
    :param authorizer: the authorizer's name (CUSTOM, COGNITO_USER_POOLS).
    :param request_validator: the validator's name (the API's default applied).
    :param request_parameters: ``method.request.header.X`` (``querystring``, ``path``) -> required.
    :param request_models: content type -> model name.
    :param origin: where the method is defined, for messages.
    """

    http_method: str
    path: str
    integration: Integration
    authorization_type: AuthorizationType = "NONE"
    authorizer: str | None = None
    authorization_scopes: tuple[str, ...] = ()
    api_key_required: bool = False
    request_validator: str | None = None
    request_parameters: Mapping[str, bool] = field(default_factory=dict)
    request_models: Mapping[str, str] = field(default_factory=dict)
    method_responses: tuple[MethodResponse, ...] = ()
    origin: str = field(default="", compare=False)

    @property
    def route_key(self) -> str:
        """``"GET /items/{id}"``, as the router and the authorizer rules key a method."""
        return f"{self.http_method} {self.path}"


@dataclass(frozen=True, slots=True)
class RequestValidator:
    """A request validator: whether it checks the body against the method's model, the parameters."""

    name: str
    validate_body: bool = False
    validate_parameters: bool = False


@dataclass(frozen=True, slots=True)
class GatewayResponseSpec:
    """A customised gateway response (``x-amazon-apigateway-gateway-responses``,
    ``AWS::ApiGateway::GatewayResponse``): its type (``UNAUTHORIZED``, ``DEFAULT_4XX``...)."""

    type: str
    status_code: str | None = None
    response_parameters: Mapping[str, str] = field(default_factory=dict)
    response_templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stage:
    """A stage: its name and variables."""

    name: str
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RestApi:
    """A REST API.

    :param logical_id: the ``AWS::ApiGateway::RestApi`` (or SAM API) logical id.
    :param methods: every method of every resource, in definition order.
    :param stages: the deployed stages (the first is the one used unless one is chosen).
    :param authorizers: by name.
    :param validators: by name.
    :param models: JSON schemas by model name.
    :param gateway_responses: by type.
    :param binary_media_types: in the ``image/png`` spelling.
    :param api_key_source: ``HEADER`` or ``AUTHORIZER``.
    :param endpoint_type: ``EDGE``, ``REGIONAL`` or ``PRIVATE``.
    :param api_keys: the values of the template's API keys (``AWS::ApiGateway::ApiKey``).
    :param custom_domains: ``(domain name, base path)`` of each base path mapping to this API.
    :param not_emulated: settings read but not run by the emulator, each a sentence naming where.
    """

    logical_id: str
    methods: tuple[Method, ...]
    stages: tuple[Stage, ...] = ()
    authorizers: Mapping[str, Authorizer] = field(default_factory=dict)
    validators: Mapping[str, RequestValidator] = field(default_factory=dict)
    models: Mapping[str, Any] = field(default_factory=dict)
    gateway_responses: Mapping[str, GatewayResponseSpec] = field(default_factory=dict)
    binary_media_types: tuple[str, ...] = ()
    api_key_source: str = "HEADER"
    endpoint_type: str = "EDGE"
    api_keys: tuple[str, ...] = ()
    custom_domains: tuple[tuple[str, str], ...] = ()
    not_emulated: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    def stage(self, name: str | None = None) -> Stage | None:
        """The stage called ``name``, or the first one; None when the API has none."""
        if name is None:
            return self.stages[0] if self.stages else None
        return next((stage for stage in self.stages if stage.name == name), None)
