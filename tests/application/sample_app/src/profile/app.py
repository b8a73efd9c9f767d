"""Profile: the HTTP API's routes behind the JWT and the simple-response Lambda authorizer."""

from __future__ import annotations

from typing import Any

from sample_common import reply


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return reply(event, route=event["routeKey"])
