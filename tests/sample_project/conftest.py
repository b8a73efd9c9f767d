"""The sample project's conftest: project-wide gateway options, as a user would write them."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def apigw_options() -> dict[str, Any]:
    return {"binary_media_types": ["application/octet-stream"], "stage": "live"}
