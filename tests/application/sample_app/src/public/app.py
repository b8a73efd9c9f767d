"""Public: the open health routes of both APIs."""

from __future__ import annotations

from typing import Any

from sample_common import reply


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return reply(event, route=event.get("routeKey") or f"{event['httpMethod']} {event['resource']}")
