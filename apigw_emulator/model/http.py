"""An HTTP API as API Gateway holds it (``AWS::ApiGatewayV2::*`` or an OpenAPI 3 body): routes, each with
its integration and authorization."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..authorizers.model import Authorizer
from ..cors import CorsRules
from .rest import LambdaTarget

__all__ = ["HttpApi", "HttpIntegration", "HttpRoute", "HttpStage"]


@dataclass(frozen=True, slots=True)
class HttpIntegration:
    """A route's integration: a Lambda proxy (payload ``1.0`` or ``2.0``) or an ``HTTP_PROXY`` to a URL.

    :param request_parameters: parameter mapping (``overwrite:header.x`` -> value...).
    :param http_method: ``HTTP_PROXY``: the method the backend is called with (``ANY``: the client's).
    :param response_parameters: ``HTTP_PROXY``: by backend status code, the response's parameter mapping
        (``overwrite:statuscode``, ``append:header.x``...).
    """

    type: Literal["AWS_PROXY", "HTTP_PROXY", "MOCK"]
    uri: str | None = None
    target: LambdaTarget | None = None
    payload_format_version: str = "2.0"
    timeout_in_millis: int | None = None
    request_parameters: Mapping[str, str] = field(default_factory=dict)
    http_method: str | None = None
    response_parameters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HttpRoute:
    """A route: ``"GET /items/{id}"`` or ``"$default"``.

    :param authorization_type: ``NONE``, ``JWT``, ``CUSTOM`` (a Lambda authorizer) or ``AWS_IAM``.
    """

    route_key: str
    integration: HttpIntegration | None
    authorization_type: Literal["NONE", "JWT", "CUSTOM", "AWS_IAM"] = "NONE"
    authorizer: str | None = None
    authorization_scopes: tuple[str, ...] = ()
    origin: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class HttpStage:
    """A stage: its name and variables (``$default`` serves at the root)."""

    name: str
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HttpApi:
    """An HTTP API (``ProtocolType: HTTP``).

    :param custom_domains: ``(domain name, API mapping key)`` of each API mapping to this API.
    """

    logical_id: str
    routes: tuple[HttpRoute, ...]
    stages: tuple[HttpStage, ...] = ()
    authorizers: Mapping[str, Authorizer] = field(default_factory=dict)
    cors: CorsRules | None = None
    custom_domains: tuple[tuple[str, str], ...] = ()
    not_emulated: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    def stage(self, name: str | None = None) -> HttpStage | None:
        """The stage called ``name``, or the first one; None when the API has none."""
        if name is None:
            return self.stages[0] if self.stages else None
        return next((stage for stage in self.stages if stage.name == name), None)
