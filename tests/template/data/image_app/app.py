"""Fixture handler of the REST API with binary media types: a sibling import, as in /var/task."""

from __future__ import annotations

import json
from typing import Any

import image_utils  # type: ignore[import-not-found]  # found on sys.path, as in /var/task


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Describe the upload the function received."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(
            {
                "resource": event["resource"],
                "pathParameters": event["pathParameters"],
                "stageVariables": event["stageVariables"],
                "isBase64Encoded": event["isBase64Encoded"],
                "uploadSize": image_utils.decoded_size(event),
                "functionName": context.function_name,
            }
        ),
    }
