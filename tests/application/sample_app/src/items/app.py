"""Items: the REST API's resource behind the TOKEN, REQUEST and API key rules."""

from __future__ import annotations

import os
from typing import Any

from sample_common import reply


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return reply(
        event,
        route=f"{event['httpMethod']} {event['resource']}",
        table=os.environ.get("TABLE_NAME"),
        item=(event.get("pathParameters") or {}).get("id"),
        api_key=event["requestContext"]["identity"].get("apiKey"),
    )
