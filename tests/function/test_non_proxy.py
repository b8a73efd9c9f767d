"""The image function behind a Lambda non-proxy integration (template-non-proxy.yaml, spec 10.5): the
handler on its own, then the API that converts the binary payloads for it (CONVERT_TO_TEXT on the request,
CONVERT_TO_BINARY on the thumbnail's response), through the library, ``serve`` and a worker process."""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from PIL import Image

from apigw_emulator import LocalGateway, invocation_of
from apigw_emulator.application import Application
from apigw_emulator.errors import GatewayErrorWarning
from apigw_emulator.gateway import Gateway
from function.app import lambda_handler as proxy_handler
from function.image_header import describe
from function.non_proxy import THUMBNAIL_SIZE, ImageRequestError, lambda_handler, thumbnail
from tests.conftest import ROOT

from .conftest import image_bytes, rest_gateway

TEMPLATE = ROOT / "template-non-proxy.yaml"
FIXTURES = (
    "photo-400x600.jpg",
    "photo-400x600-progressive.jpg",
    "small-64x48.png",
    "rgba-64x48.png",
    "gray16-64x48.png",
    "bilevel-64x48.png",
    "cmyk-64x48.jpg",
    "small-64x48.gif",
    "small-64x48.webp",
    "small-64x48.tiff",
    "float-64x48.tiff",
    "small-64x48.bmp",
)


def _event(operation: str, data: bytes) -> dict[str, Any]:
    return {"operation": operation, "image": base64.b64encode(data).decode("ascii")}


def _refusal(event: object) -> str:
    with pytest.raises(ImageRequestError) as caught:
        lambda_handler(event, None)
    return str(caught.value)


# --- the handler --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_non_proxy_shape_and_nbytes_agree_with_the_proxy_handler(name: str) -> None:
    data = image_bytes(name)
    proxy = rest_gateway()
    for operation in ("shape", "nbytes"):
        expected = proxy.request("POST", f"/{operation}", data=data, headers={"Content-Type": "image/png"})
        assert lambda_handler(_event(operation, data), None) == expected.json()


@pytest.mark.parametrize("name", FIXTURES)
def test_non_proxy_thumbnail_is_a_png_fitting_128_pixels_with_the_image_aspect(name: str) -> None:
    data = image_bytes(name)
    info = describe(data)
    answer = lambda_handler(_event("thumbnail", data), None)
    assert isinstance(answer, str)  # the base64 text itself, on one line
    png = base64.b64decode(answer, validate=True)
    assert png == thumbnail(data, info)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        width, height = img.size
    assert width <= THUMBNAIL_SIZE[0]
    assert height <= THUMBNAIL_SIZE[1]
    if info.width > THUMBNAIL_SIZE[0] or info.height > THUMBNAIL_SIZE[1]:
        assert max(width, height) == THUMBNAIL_SIZE[0]
    else:
        assert (width, height) == (info.width, info.height)
    assert abs(width / height - info.width / info.height) < 0.05


@pytest.mark.parametrize(
    ("event", "status", "fragment"),
    [
        ([1, 2], 400, "must be an object"),
        ({"operation": "resize", "image": ""}, 404, "no such operation 'resize'"),
        ({"operation": "shape"}, 400, "no 'image' text"),
        ({"operation": "shape", "image": ""}, 400, "body is empty"),
        ({"operation": "shape", "image": "\u00ff\u00fe not base64"}, 400, "CONVERT_TO_TEXT"),
        (_event("shape", image_bytes("not-an-image.jpg")), 422, "not a readable image"),
        (_event("thumbnail", image_bytes("truncated-64x48.png")), 422, "truncated"),
        (_event("thumbnail", image_bytes("bomb-20000x5000.png")), 413, "too many pixels"),
    ],
    ids=["not-object", "operation", "no-image", "empty", "not-base64", "not-image", "truncated", "bomb"],
)
def test_non_proxy_refusals_start_with_the_status_the_integration_responses_select_on(
    event: object, status: int, fragment: str
) -> None:
    message = _refusal(event)
    assert message.startswith(f"[{status}] ")
    assert fragment in message


def test_the_proxy_handler_is_the_one_template_yaml_deploys() -> None:
    # The non-proxy entry point is a module of its own: app.lambda_handler is unchanged.
    assert proxy_handler.__module__ == "function.app"
    assert lambda_handler.__module__ == "function.non_proxy"


# --- the API of template-non-proxy.yaml ----------------------------------------------------------------


@pytest.fixture(scope="module")
def api() -> Iterator[Gateway]:
    with Application.from_template(TEMPLATE) as app:
        yield app.apis["ImageCustomApi"]


def test_rule_10_5_example_the_function_receives_the_image_as_base64_through_convert_to_text(
    api: Gateway,
) -> None:
    photo = image_bytes("photo-400x600.jpg")
    response = api.request("POST", "/shape", data=photo, headers={"Content-Type": "image/jpeg"})
    assert (response.status_code, response.json()) == (200, [600, 400, 3])
    assert response.headers["Content-Type"] == "application/json"
    invocation = invocation_of(response)
    assert invocation is not None
    assert invocation.event == {"operation": "shape", "image": base64.b64encode(photo).decode("ascii")}


@pytest.mark.parametrize("accept", [None, "image/png", "*/*", "application/json"])
def test_rule_10_5_example_thumbnail_string_result_is_sent_as_png_bytes_by_convert_to_binary(
    api: Gateway, accept: str | None
) -> None:
    photo = image_bytes("photo-400x600.jpg")
    headers = {"Content-Type": "image/jpeg", **({"Accept": accept} if accept else {})}
    response = api.request("POST", "/thumbnail", data=photo, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.content == thumbnail(photo, describe(photo))
    assert response.headers["Content-Length"] == str(len(response.content))
    # The integration payload was the function's JSON string, quotes included: the conversion read it
    # before any template (there is none) and discarded the quotes.
    invocation = invocation_of(response)
    assert invocation is not None
    assert isinstance(invocation.result, str)


def test_rule_10_5_example_json_answers_stay_text_for_an_image_accept(api: Gateway) -> None:
    # Without CONVERT_TO_TEXT on the response, a text answer to an Accept in binaryMediaTypes would be
    # base64-decoded (and fail with 500).
    photo = image_bytes("small-64x48.png")
    response = api.request(
        "POST", "/nbytes", data=photo, headers={"Content-Type": "image/png", "Accept": "image/png"}
    )
    assert (response.status_code, response.content) == (200, b"9.216")


@pytest.mark.parametrize(
    ("path", "name", "status", "fragment"),
    [
        ("/shape", "not-an-image.jpg", 422, "[422] the body is not a readable image"),
        ("/thumbnail", "bomb-20000x5000.jpg", 413, "[413] the image has too many pixels"),
        ("/resize", "small-64x48.png", 404, "[404] no such operation 'resize'"),
    ],
)
def test_rule_10_5_example_function_errors_select_their_integration_responses(
    api: Gateway, path: str, name: str, status: int, fragment: str
) -> None:
    response = api.request(
        "POST", path, data=image_bytes(name), headers={"Content-Type": "image/png", "Accept": "image/png"}
    )
    assert response.status_code == status
    assert response.json()["message"].startswith(fragment)


def test_rule_10_5_example_a_body_without_an_image_type_is_refused_415(api: Gateway) -> None:
    with pytest.warns(GatewayErrorWarning, match="passthroughBehavior"):
        response = api.request("POST", "/shape", json={"image": "x"})
    assert (response.status_code, response.json()) == (415, {"message": "Unsupported Media Type"})


def test_rule_10_5_example_thumbnail_through_the_local_server(api: Gateway) -> None:
    photo = image_bytes("photo-400x600-progressive.jpg")
    with LocalGateway(api, log=lambda line: None) as server:
        response = requests.post(
            server.url + "/thumbnail", data=photo, headers={"Content-Type": "image/jpeg"}, timeout=30
        )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.content == thumbnail(photo, describe(photo))


def test_rule_10_5_example_in_a_worker_process_as_deployed() -> None:
    # isolation="process" imports non_proxy as Lambda does: function/ is the code root.
    photo = image_bytes("small-64x48.webp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        with Application.from_template(TEMPLATE, isolation="process") as app:
            response = app.apis["ImageCustomApi"].request(
                "POST", "/thumbnail", data=photo, headers={"Content-Type": "image/webp"}
            )
    assert response.status_code == 200
    assert response.content == thumbnail(photo, describe(photo))


def test_template_non_proxy_passes_cfn_lint() -> None:
    api = pytest.importorskip("cfnlint.api", reason="cfn-lint is not installed")
    findings = [str(match) for match in api.lint(TEMPLATE.read_text(encoding="utf-8"), regions=["us-east-1"])]
    assert findings == []
