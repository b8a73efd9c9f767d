"""What the front door answers itself for some routes, before or instead of a Lambda function: MOCK
integrations, HTTP integrations (the front door calls the URL), IAM-authorized routes reached without a
SigV4 signature, and integrations the emulator does not run yet (a 500 with the reason, never an open
route)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import GatewayConfig
from .gateway_errors import integration_configuration_error, missing_authentication_token
from .http_integration import answer_http
from .ids import RequestStamp
from .mock_integration import answer_mock
from .model.http import HttpIntegration
from .model.rest import Integration
from .request import HttpRequest
from .response import GatewayResponse

__all__ = ["RouteIntegrations", "is_signed"]


def is_signed(request: HttpRequest) -> bool:
    """Whether the request carries a SigV4 signature (the ``Authorization`` header, or a presigned query)."""
    authorization = request.header("authorization") or ""
    if authorization.startswith("AWS4-HMAC-SHA256 ") and "Signature=" in authorization:
        return True
    return "X-Amz-Signature=" in request.query


@dataclass(frozen=True)
class RouteIntegrations:
    """Routes (by key, ``"OPTIONS /items"``) the front door answers itself.

    :param mocks: MOCK integrations.
    :param unsupported: integrations not run yet, with why (answered 500).
    :param iam: routes whose authorization is ``AWS_IAM``.
    :param lambda_custom: Lambda custom (non-proxy ``AWS``) integrations: their function is the route's (it
        gets execution environments as a proxy route's does), invoked with the integration's payload
        (:mod:`apigw_emulator.flow.lambda_custom`).
    :param http: HTTP integrations: a REST method's ``HTTP`` or ``HTTP_PROXY``, an HTTP API route's
        ``HTTP_PROXY``.
    """

    mocks: Mapping[str, Integration] = field(default_factory=dict)
    unsupported: Mapping[str, str] = field(default_factory=dict)
    iam: frozenset[str] = frozenset()
    lambda_custom: Mapping[str, Integration] = field(default_factory=dict)
    http: Mapping[str, Integration | HttpIntegration] = field(default_factory=dict)

    @property
    def route_keys(self) -> list[str]:
        """The keys of every route the front door answers itself (not the IAM check, which only guards a
        route; not Lambda custom routes, which are their function's)."""
        return [*self.mocks, *self.http, *self.unsupported]

    def before_authorizer(
        self, route_key: str, request: HttpRequest, config: GatewayConfig, stamp: RequestStamp
    ) -> GatewayResponse | None:
        """IAM authorization: an unsigned request to an ``AWS_IAM`` route is refused (REST 403 ``Missing
        Authentication Token``, HTTP API 403 ``Forbidden``)."""
        if route_key not in self.iam or is_signed(request):
            return None
        reason = f"{route_key} requires AWS_IAM authorization and the request has no SigV4 signature"
        return missing_authentication_token(config, stamp, reason)

    def integration(
        self,
        route_key: str,
        request: HttpRequest,
        config: GatewayConfig,
        stamp: RequestStamp,
        event: Mapping[str, Any] | None = None,
    ) -> GatewayResponse | None:
        """The front door's answer for a route without a Lambda proxy integration, or None (``event``: the
        request's proxy event, which templates read)."""
        mock = self.mocks.get(route_key)
        if mock is not None:
            return answer_mock(mock, request, config, stamp, event)
        http = self.http.get(route_key)
        if http is not None:
            return answer_http(http, request, config, stamp, event or {})
        why = self.unsupported.get(route_key)
        if why is not None:
            return integration_configuration_error(config, stamp, why)
        return None
