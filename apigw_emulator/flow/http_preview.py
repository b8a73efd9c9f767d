"""The request an HTTP integration would send its backend, without sending it: what ``apigw-emulator
event`` prints for a route with an HTTP integration (REST ``HTTP``/``HTTP_PROXY``, HTTP API
``HTTP_PROXY``)."""

from __future__ import annotations

from ..config import GatewayConfig
from ..gateway_errors import integration_configuration_error
from ..http_api_integration import http_api_backend_request
from ..http_api_mapping import HttpApiMappingError
from ..http_backend import BackendRequest
from ..http_custom_integration import RefusedError, custom_backend_request
from ..http_integration import backend_request
from ..integration_request import IntegrationRequestError
from ..model.http import HttpIntegration
from ..request import HttpRequest
from ..response import GatewayResponse
from ..route_integrations import RouteIntegrations
from .route import match_route
from .state import FlowState

__all__ = ["backend_request_of"]


def backend_request_of(
    request: HttpRequest, config: GatewayConfig, integrations: RouteIntegrations | None
) -> BackendRequest | GatewayResponse | None:
    """For a request to a route with an HTTP integration, the request its backend would get (or the
    gateway's own answer when it would answer first: 415, a mapping it cannot complete); None for any
    other request."""
    if integrations is None or not integrations.http:
        return None
    state = FlowState.start(request, config, None)
    if match_route(state) is not None:
        return None
    integration = integrations.http.get(state.route_key)
    if integration is None:
        return None
    try:
        if isinstance(integration, HttpIntegration):
            return http_api_backend_request(integration, request, config, state.stamp, state.event)[0]
        if integration.type == "HTTP":
            return custom_backend_request(integration, request, config, state.stamp, state.event)
        return backend_request(integration, request, config, state.event)
    except RefusedError as refused:
        return refused.response
    except (IntegrationRequestError, HttpApiMappingError) as exc:
        return integration_configuration_error(config, state.stamp, str(exc))
