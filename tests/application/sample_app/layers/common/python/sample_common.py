"""The sample application's shared layer: what every function answers with."""

from __future__ import annotations

import json
import os
from typing import Any


def reply(event: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A JSON response naming the function, its stage and greeting, and what the authorizer granted."""
    body = {
        "function": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        "stage": os.environ.get("STAGE"),
        "greeting": os.environ.get("GREETING"),
        "authorizer": event["requestContext"].get("authorizer"),
        **fields,
    }
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
