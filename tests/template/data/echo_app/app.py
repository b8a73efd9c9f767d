"""Fixture handlers: answer with the parts of the event the template configures."""

from __future__ import annotations

import json
from typing import Any

#: Set by the fixture template's handler tests to check which module object the gateway calls.
CALLS: list[str] = []


def summary(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The event fields a template decides, and the function configuration the context carries."""
    request_context = event.get("requestContext") or {}
    return {
        "version": event.get("version"),
        "resource": event.get("resource"),
        "routeKey": event.get("routeKey", request_context.get("routeKey")),
        "pathParameters": event.get("pathParameters"),
        "stageVariables": event.get("stageVariables"),
        "stage": request_context.get("stage"),
        "isBase64Encoded": event.get("isBase64Encoded"),
        "body": event.get("body"),
        "functionName": context.function_name,
        "memory": context.memory_limit_in_mb,
    }


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Echo the summary as JSON."""
    CALLS.append("lambda_handler")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(summary(event, context)),
    }


def v1_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The same, for the function bound to payload 1.0 routes."""
    CALLS.append("v1_handler")
    return lambda_handler(event, context)


NOT_A_FUNCTION = 42
