"""A small Lambda of "another project": it echoes what it received, for the plugin tests."""

from __future__ import annotations

import base64
import json
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer the byte length of the body and the front door's view of the request."""
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    path = event.get("rawPath") or event.get("path")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"length": len(raw), "path": path, "base64": event.get("isBase64Encoded")}),
    }
