"""A sibling module of the fixture handler, imported as the Lambda runtime allows (``import image_utils``)."""

from __future__ import annotations

import base64
from typing import Any


def decoded_size(event: dict[str, Any]) -> int:
    """The size of the request body as the client sent it."""
    body = event.get("body") or ""
    return len(base64.b64decode(body) if event.get("isBase64Encoded") else body.encode())
