"""The echo function of ``apigw-emulator conform``: it answers with the event and the context it received,
or, when the request asks for it, with a Lambda result given in the request.

It runs in AWS Lambda as written (the standard library only, any Python runtime from 3.9):

- without the request header ``x-conform-result``: status 200, ``application/json``,
  ``{"event": <the event>, "context": {function_name, function_version, invoked_function_arn,
  memory_limit_in_mb, aws_request_id, log_group_name, log_stream_name, remaining_time_in_millis_positive}}``;
- with ``x-conform-result: <base64url of a JSON document>``: that document is the function's result, as it
  is (any JSON value, so a malformed result reaches the front door too);
- with an ``x-conform-result`` that is not base64url JSON: status 400 and a message saying so.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

RESULT_HEADER = "x-conform-result"


def _header(event: dict[str, Any], name: str) -> str | None:
    """The last value of header ``name`` (any casing) in any front door's event, or None."""
    for key in ("multiValueHeaders", "headers"):  # REST and ALB: the last of several values
        headers = event.get(key)
        if not isinstance(headers, dict):
            continue
        for header, value in headers.items():
            if isinstance(header, str) and header.lower() == name:
                if isinstance(value, list):
                    return str(value[-1]) if value else None
                return str(value)
    return None


def _asked_result(text: str) -> Any:
    padded = text.strip() + "=" * (-len(text.strip()) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))


def _context(context: Any) -> dict[str, Any]:
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": str(context.memory_limit_in_mb),
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_time_in_millis_positive": context.get_remaining_time_in_millis() > 0,
    }


def handler(event: dict[str, Any], context: Any) -> Any:
    """The Lambda handler: the result the request asked for, or the event and the context as JSON."""
    asked = _header(event, RESULT_HEADER)
    if asked is not None:
        try:
            return _asked_result(asked)
        except (ValueError, UnicodeError, binascii.Error) as exc:
            return {
                "statusCode": 400,
                "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"message": f"{RESULT_HEADER} is not base64url JSON: {exc}"}),
            }
    body = {"event": event, "context": _context(context)}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, ensure_ascii=False, sort_keys=True),
    }
