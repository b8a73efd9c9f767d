"""Fixtures of the image function's tests: gateways as deployed by template.yaml, and the fixture images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apigw_emulator import Gateway
from function.app import lambda_handler
from tests.conftest import ROOT, SEED_IMAGE

IMAGES = ROOT / "fixtures" / "images"
#: The REST API's BinaryMediaTypes in template.yaml (test_deployment checks they stay equal).
BINARY_MEDIA_TYPES = ["multipart~1form-data", "image~1*"]


def image_bytes(name: str) -> bytes:
    """The bytes of a committed fixture image (``scripts/make_fixtures.py`` writes them)."""
    return (IMAGES / name).read_bytes()


def rest_gateway(**options: Any) -> Gateway:
    """The template's REST API: ``/{proxy+}`` behind a stage, with its binary media types."""
    return Gateway(lambda_handler, api="rest", binary_media_types=BINARY_MEDIA_TYPES, **options)


@pytest.fixture(scope="session")
def cat_jpeg() -> bytes:
    """The original project's sample image (shared seed), or skip."""
    if not SEED_IMAGE.is_file():
        pytest.skip(f"the shared seed image is not available ({SEED_IMAGE} is missing)")
    return SEED_IMAGE.read_bytes()


@pytest.fixture(scope="session")
def photo() -> bytes:
    """A 400x600 (width x height) RGB JPEG: shape [600, 400, 3], 720 kB of pixels."""
    return image_bytes("photo-400x600.jpg")


@pytest.fixture(scope="session")
def images_dir() -> Path:
    """The committed fixture images."""
    return IMAGES


@pytest.fixture(params=["rest", "http", "http-v1"])
def gateway(request: pytest.FixtureRequest) -> Gateway:
    """Each front door the template deploys: the REST API (binary media types set), the HTTP API with
    payload 2.0, and an HTTP API with payload 1.0."""
    if request.param == "rest":
        return rest_gateway()
    return Gateway(lambda_handler, api=request.param)
