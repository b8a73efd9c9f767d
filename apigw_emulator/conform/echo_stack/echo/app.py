"""The echo function of ``apigw-emulator conform``: it answers with the event and context it received, or,
when the request carries ``x-conform-result`` (base64url of a JSON document), with that document."""

from __future__ import annotations

import base64
import json
from typing import Any

RESULT_HEADER = "x-conform-result"


def _asked_result(event: dict[str, Any]) -> str | None:
    for key in ("headers", "multiValueHeaders"):
        headers = event.get(key) or {}
        for name, value in headers.items():
            if name.lower() == RESULT_HEADER:
                return value[-1] if isinstance(value, list) else str(value)
    return None


def handler(event: dict[str, Any], context: Any) -> Any:
    """The Lambda result: the document the request asked for, else the event and context as JSON."""
    asked = _asked_result(event)
    if asked is not None:
        return json.loads(base64.urlsafe_b64decode(asked + "=" * (-len(asked) % 4)))
    answer = {
        "event": event,
        "context": {
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": int(context.memory_limit_in_mb),
            "aws_request_id": context.aws_request_id,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining_time_in_millis_positive": context.get_remaining_time_in_millis() > 0,
        },
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(answer),
    }
