"""The project's own template.yaml (the example image function): its REST API and handler load."""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_emulator import Gateway, invocation_of
from apigw_emulator.template import gateway_kwargs_from_template, load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture
def template_path() -> Path:
    if not TEMPLATE.is_file():
        pytest.skip(f"{TEMPLATE} is not there yet")
    return TEMPLATE


def test_the_rest_api_accepts_multipart_and_images_as_binary(template_path: Path) -> None:
    template = load_template(template_path)
    rest = [api for api in template.apis if api.kind == "rest"]
    assert len(rest) == 1, [api.describe() for api in template.apis]
    (api,) = rest
    assert {"multipart/form-data", "image/*"} <= set(api.binary_media_types)
    assert "POST /{proxy+}" in [route.spec for route in api.routes]
    assert any(api.kind == "http" for api in template.apis)


def test_the_function_handler_loads(template_path: Path) -> None:
    if not (ROOT / "function" / "app.py").is_file():
        pytest.skip("function/app.py is not there yet")
    template = load_template(template_path)
    (api,) = [api for api in template.apis if api.kind == "rest"]
    (function_id,) = {route.function_id for route in api.routes if route.spec == "POST /{proxy+}"}
    function = template.functions[function_id]
    assert (function.handler, function.runtime) == ("app.lambda_handler", "python3.13")
    handler = function.load_handler()
    assert handler.__name__ == "lambda_handler"
    assert Path(handler.__code__.co_filename).resolve() == (ROOT / "function" / "app.py").resolve()


@pytest.mark.parametrize("api", ["ImageRestApi", "ImageHttpApi"])
def test_an_image_upload_through_the_template_gateways(template_path: Path, api: str) -> None:
    image = ROOT / "fixtures" / "images" / "photo-400x600.jpg"
    if not (ROOT / "function" / "app.py").is_file() or not image.is_file():
        pytest.skip("function/app.py or the fixture image is not there yet")
    handler, kwargs = gateway_kwargs_from_template(template_path, template_api=api)
    response = Gateway(handler, **kwargs).request(
        "POST", "/shape", files={"image": ("photo.jpg", image.read_bytes(), "image/jpeg")}
    )
    event = invocation_of(response).event
    assert event is not None
    assert event["isBase64Encoded"] is True  # REST: thanks to multipart~1form-data in the template
    assert response.status_code == 200, response.text
