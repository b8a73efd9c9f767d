"""The API as API Gateway holds it: REST APIs (resources, methods, integrations, stages, authorizers,
validators, gateway responses) and HTTP APIs (routes, integrations, authorizers, CORS, stages).

Pure data, read from templates by :mod:`apigw_emulator.templates` (SAM through AWS's translator, OpenAPI,
CloudFormation and CDK output alike), run by the front door. See ``docs/api-model.md``.
"""

from __future__ import annotations

from .http import HttpApi, HttpIntegration, HttpRoute, HttpStage
from .rest import (
    GatewayResponseSpec,
    Integration,
    IntegrationResponse,
    LambdaTarget,
    Method,
    MethodResponse,
    RequestValidator,
    RestApi,
    Stage,
)

__all__ = [
    "GatewayResponseSpec",
    "HttpApi",
    "HttpIntegration",
    "HttpRoute",
    "HttpStage",
    "Integration",
    "IntegrationResponse",
    "LambdaTarget",
    "Method",
    "MethodResponse",
    "RequestValidator",
    "RestApi",
    "Stage",
]
