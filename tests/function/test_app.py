"""The image function's HTTP contract, through the front doors template.yaml deploys."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from apigw_emulator import BinaryBodyCorruptedWarning, Gateway, invocation_of
from function.app import CORS_HEADERS, MAX_IMAGES, ROUTES, lambda_handler
from function.image_header import ImageInfo

from ._http import CURL_HEADERS, FormPart, curl_form, multipart_body
from .conftest import image_bytes, rest_gateway

SHAPE_600_400 = [600, 400, 3]


def event_of(response: requests.Response) -> dict[str, Any]:
    """The event the handler got for this response."""
    invocation = invocation_of(response)
    assert invocation is not None
    assert invocation.event is not None
    return invocation.event


def assert_cors(response: requests.Response) -> None:
    """The response carries the original function's CORS headers."""
    for name, value in CORS_HEADERS.items():
        assert response.headers[name] == value


def assert_error(response: requests.Response, status: int, *fragments: str) -> str:
    """The response is a JSON ``{"message": ...}`` error with this status, mentioning each fragment."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert_cors(response)
    body = response.json()
    assert set(body) == {"message"}
    message: str = body["message"]
    for fragment in fragments:
        assert fragment in message
    return message


# -- the original project's two curl requests ------------------------------------------------------------
def test_original_curl_raw_request(cat_jpeg: bytes) -> None:
    """``curl "$URL/shape" -H "Content-Type: image/jpg" --data-binary "@cat.jpg"``"""
    response = rest_gateway().request(
        "POST", "/shape", data=cat_jpeg, headers={**CURL_HEADERS, "Content-Type": "image/jpg"}
    )
    assert response.status_code == 200
    assert response.json() == SHAPE_600_400
    assert event_of(response)["isBase64Encoded"] is True


def test_original_curl_multipart_request(cat_jpeg: bytes) -> None:
    """``curl "$URL/shape" -H "Content-Type: multipart/form-data" -F "image=@cat.jpg"``: curl keeps the
    explicit type and adds its boundary."""
    body, content_type = curl_form("image", "cat.jpg", cat_jpeg)
    response = rest_gateway().request(
        "POST", "/shape", data=body, headers={**CURL_HEADERS, "Content-Type": content_type}
    )
    assert response.status_code == 200
    assert response.json() == [SHAPE_600_400]


def test_nbytes_of_the_seed_image_keeps_the_original_float(cat_jpeg: bytes) -> None:
    """The original answered ``img.nbytes / 1000``: 720.0 in JSON, and [720.0] for a form."""
    gateway = rest_gateway()
    raw = gateway.request("POST", "/nbytes", data=cat_jpeg, headers={"Content-Type": "image/jpg"})
    form = gateway.request("POST", "/nbytes", files={"image": ("cat.jpg", cat_jpeg, "image/jpeg")})
    assert (raw.status_code, raw.text, raw.json()) == (200, "720.0", 720)
    assert (form.status_code, form.text) == (200, "[720.0]")


@given(
    width=st.integers(1, 2**20),
    height=st.integers(1, 2**20),
    mode=st.sampled_from(["1", "L", "P", "RGB", "RGBA", "CMYK", "I", "F", "I;16", "I;16B", "LA"]),
)
def test_answers_are_what_json_dumps_writes(width: int, height: int, mode: str) -> None:
    """The routes write their JSON by hand (repr of ints and floats): the same text as ``json.dumps``."""
    info = ImageInfo(width, height, mode, "PNG")
    assert ROUTES["/shape"](info) == json.dumps(list(info.shape))
    assert ROUTES["/nbytes"](info) == json.dumps(info.nbytes / 1000)


# -- every front door, raw and multipart ----------------------------------------------------------------
@pytest.mark.parametrize(("path", "expected"), [("/shape", SHAPE_600_400), ("/nbytes", 720.0)])
def test_raw_body(gateway: Gateway, photo: bytes, path: str, expected: object) -> None:
    """A raw image body gets one result, whatever the image/* type."""
    for content_type in ("image/jpeg", "image/jpg", "image/png; charset=binary"):
        response = gateway.request("POST", path, data=photo, headers={"Content-Type": content_type})
        assert response.status_code == 200
        assert response.json() == expected
        assert_cors(response)


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("small-64x48.png", [48, 64, 3]),
        ("small-64x48.gif", [48, 64]),
        ("small-64x48.webp", [48, 64, 3]),
        ("small-64x48.tiff", [48, 64, 3]),
        ("small-64x48.bmp", [48, 64, 3]),
        ("stereo-64x48.mpo", [48, 64, 3]),
        ("photo-400x600-progressive.jpg", SHAPE_600_400),
        ("photo-4000x3000.jpg", [3000, 4000, 3]),
        ("gray-64x48.png", [48, 64]),
        ("gray16-64x48.png", [48, 64]),
        ("rgba-64x48.png", [48, 64, 4]),
        ("bilevel-64x48.png", [48, 64]),
        ("cmyk-64x48.jpg", [48, 64, 4]),
        ("float-64x48.tiff", [48, 64]),
    ],
)
def test_each_format_and_mode(name: str, shape: list[int]) -> None:
    """Every committed valid fixture, raw, on the REST API."""
    response = rest_gateway().request(
        "POST", "/shape", data=image_bytes(name), headers={"Content-Type": "image/x"}
    )
    assert response.status_code == 200
    assert response.json() == shape


def test_multipart_answers_every_image_field_in_order(gateway: Gateway, photo: bytes) -> None:
    """Several ``image`` fields: one result each, in order; other fields are ignored."""
    files = [
        ("image", ("photo.jpg", photo, "image/jpeg")),
        ("caption", (None, b"ignored")),
        ("image", ("small.png", image_bytes("small-64x48.png"), "image/png")),
        ("thumbnail", ("t.gif", image_bytes("small-64x48.gif"), "image/gif")),
        ("image", ("small.gif", image_bytes("small-64x48.gif"), "image/gif")),
    ]
    shapes = gateway.request("POST", "/shape", files=files, data={"note": "ignored too"})
    sizes = gateway.request("POST", "/nbytes", files=files)
    assert shapes.status_code == sizes.status_code == 200
    assert shapes.json() == [SHAPE_600_400, [48, 64, 3], [48, 64]]
    assert sizes.json() == [720.0, 9.216, 3.072]


def test_header_names_in_any_casing(photo: bytes) -> None:
    """REST keeps the client's casing (HTTP APIs lower-case names, covered above)."""
    response = rest_gateway().request("POST", "/shape", data=photo, headers={"cONTENT-tYPE": "IMAGE/JPEG"})
    assert event_of(response)["headers"]["cONTENT-tYPE"] == "IMAGE/JPEG"
    assert response.json() == SHAPE_600_400


def ascii_only_bmp() -> bytes:
    """A 1x1 BMP whose bytes are all ASCII: it survives a REST API's text mode intact."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (1, 2, 3)).save(buffer, format="BMP", dpi=(1, 1))
    data = buffer.getvalue()
    assert max(data) < 0x80
    return data


def test_text_body_without_corruption_is_accepted() -> None:
    """``isBase64Encoded: false`` with a body that is valid UTF-8: the text is the bytes."""
    bmp = ascii_only_bmp()
    gateway = Gateway(lambda_handler, api="rest")  # no binary media types: the body arrives as text
    raw = gateway.request("POST", "/shape", data=bmp, headers={"Content-Type": "image/bmp"})
    form = gateway.request("POST", "/shape", files={"image": ("one.bmp", bmp, "image/bmp")})
    assert event_of(raw)["isBase64Encoded"] is False
    assert (raw.json(), form.json()) == ([1, 1, 3], [[1, 1, 3]])


@pytest.mark.parametrize(
    "gateway",
    [
        rest_gateway(stage="dev"),
        rest_gateway(domain_name="images.example.com", base_path="v1"),
        Gateway(lambda_handler, api="http", stage="dev"),
        Gateway(lambda_handler, api="http-v1", stage="dev"),
        Gateway(lambda_handler, api="http", routes=["POST /{proxy+}", "OPTIONS /{proxy+}"]),
    ],
    ids=[
        "rest-stage",
        "rest-custom-domain-base-path",
        "http-named-stage",
        "http-v1-named-stage",
        "http-proxy",
    ],
)
def test_stage_and_base_path_prefixes(gateway: Gateway, photo: bytes) -> None:
    """The route comes from ``pathParameters.proxy`` or from the path without the stage prefix."""
    response = gateway.request("POST", "/shape/", data=photo, headers={"Content-Type": "image/jpeg"})
    assert response.status_code == 200
    assert response.json() == SHAPE_600_400


# -- CORS preflight -----------------------------------------------------------------------------------------
def test_options_preflight_gets_204_with_cors_headers(gateway: Gateway) -> None:
    """Decision: ``OPTIONS`` on /shape or /nbytes is ``204 No Content`` with the CORS headers."""
    for path in ("/shape", "/nbytes"):
        response = gateway.request(
            "OPTIONS",
            path,
            headers={"Origin": "https://example.com", "Access-Control-Request-Method": "POST"},
        )
        assert response.status_code == 204
        assert response.content == b""
        assert_cors(response)


# -- errors -------------------------------------------------------------------------------------------------
def test_405_for_other_methods(gateway: Gateway) -> None:
    """GET, PUT... get 405 with an Allow header."""
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        response = gateway.request(method, "/shape")
        assert_error(response, 405, method, "use POST")
        assert response.headers["Allow"] == "OPTIONS, POST"


def test_404_for_unknown_paths(gateway: Gateway, photo: bytes) -> None:
    """Unknown paths get 404 naming the two that exist."""
    for path in ("/", "/size", "/shape/extra"):
        response = gateway.request("POST", path, data=photo, headers={"Content-Type": "image/jpeg"})
        assert_error(response, 404, "/shape", "/nbytes")


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/octet-stream", None])
def test_415_for_unsupported_content_types(gateway: Gateway, content_type: str | None) -> None:
    """Only image/* and multipart/form-data are accepted (the Content-Type is checked before the body)."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = gateway.request("POST", "/shape", data=b'{"image": "cat.jpg"}', headers=headers)
    assert_error(response, 415, "image/*", "multipart/form-data")


def test_400_for_invalid_base64(photo: bytes) -> None:
    """A body marked base64 that is not."""
    for body in ("not base64!", "Zm9v=YmFy", "ÿØÿà"):
        gateway = rest_gateway(event_overrides={"body": body})
        response = gateway.request("POST", "/shape", data=photo, headers={"Content-Type": "image/jpeg"})
        assert_error(response, 400, "isBase64Encoded", "not valid base64")


def test_400_for_an_empty_raw_body(gateway: Gateway) -> None:
    """No bytes at all."""
    response = gateway.request("POST", "/shape", data=b"", headers={"Content-Type": "image/jpeg"})
    assert_error(response, 400, "empty")


def test_400_for_multipart_without_boundary(gateway: Gateway, photo: bytes) -> None:
    """A hand-set ``multipart/form-data`` Content-Type without its boundary parameter."""
    body, _ = curl_form("image", "photo.jpg", photo)
    response = gateway.request("POST", "/shape", data=body, headers={"Content-Type": "multipart/form-data"})
    assert_error(response, 400, "no boundary")


def test_400_for_truncated_multipart(gateway: Gateway, photo: bytes) -> None:
    """A form body cut before its close delimiter: inside the closing line, inside the image, or with no
    close delimiter at all."""
    body, content_type = curl_form("image", "photo.jpg", photo)
    unclosed = multipart_body([FormPart("image", photo, "photo.jpg")], "b", close=False)
    cases = [
        (body[:-10], content_type),
        (body[: len(body) // 2], content_type),
        (unclosed, "multipart/form-data; boundary=b"),
    ]
    for cut, ctype in cases:
        response = gateway.request("POST", "/shape", data=cut, headers={"Content-Type": ctype})
        assert_error(response, 400, "truncated")


def test_400_for_a_form_without_image_field(gateway: Gateway, photo: bytes) -> None:
    """Fields, but none named ``image``: the message lists the names sent."""
    response = gateway.request("POST", "/shape", files={"photo": ("p.jpg", photo)}, data={"title": "x"})
    assert_error(response, 400, "no field named 'image'", "photo", "title")


def test_422_names_the_unreadable_part_index_and_filename(gateway: Gateway, photo: bytes) -> None:
    """A part that is not an image: its index among the image fields and its filename."""
    files = [("image", ("photo.jpg", photo)), ("image", ("notes.txt", b"just text"))]
    response = gateway.request("POST", "/shape", files=files)
    assert_error(response, 422, "image 1", "'notes.txt'", "not a readable image")


def test_422_names_a_filename_in_an_unknown_charset(gateway: Gateway) -> None:
    """An RFC 5987 ``filename*`` whose charset Python has no codec for is read as UTF-8: the error message
    names the part instead of the function crashing on the name (a 500 before)."""
    disposition = "form-data; name=\"image\"; filename*=x-unknown''%41%FF.txt"
    body = f"--b\r\nContent-Disposition: {disposition}\r\n\r\njust text\r\n--b--\r\n".encode()
    response = gateway.request(
        "POST", "/shape", data=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert_error(response, 422, "image 0", "'A\ufffd.txt'", "not a readable image")


@pytest.mark.parametrize("name", ["not-an-image.jpg", "corrupt-header.jpg"])
def test_422_for_a_raw_body_that_is_not_an_image(gateway: Gateway, name: str) -> None:
    """Unreadable raw bodies."""
    response = gateway.request(
        "POST", "/shape", data=image_bytes(name), headers={"Content-Type": "image/jpeg"}
    )
    assert_error(response, 422, "the request body", "not a readable image")


@pytest.mark.parametrize(
    "name", ["truncated-400x600.jpg", "truncated-64x48.png", "truncated-64x48.gif", "truncated-64x48.tiff"]
)
def test_422_for_truncated_images(gateway: Gateway, name: str) -> None:
    """Decision: an image whose header is intact but whose data is cut short is refused with 422, not
    measured from its header: the client uploaded a broken file and should know."""
    data = image_bytes(name)
    raw = gateway.request("POST", "/shape", data=data, headers={"Content-Type": "image/jpeg"})
    assert_error(raw, 422, "the request body", "truncated", "Upload the complete file")
    form = gateway.request(
        "POST",
        "/nbytes",
        files=[("image", ("ok.png", image_bytes("small-64x48.png"))), ("image", (name, data))],
    )
    assert_error(form, 422, "image 1", repr(name), "truncated")


@pytest.mark.parametrize("name", ["bomb-20000x5000.png", "bomb-20000x10000.png", "bomb-20000x5000.jpg"])
def test_413_for_images_over_pillows_pixel_limit(gateway: Gateway, name: str) -> None:
    """Decision: more pixels than ``PIL.Image.MAX_IMAGE_PIXELS`` (Pillow warns above it, raises above
    twice it) is 413 either way, with the limit in the message."""
    response = gateway.request("POST", "/shape", files={"image": (name, image_bytes(name))})
    assert_error(response, 413, "image 0", "too many pixels", "89478485")


def test_413_for_too_many_images(gateway: Gateway) -> None:
    """More than MAX_IMAGES image fields in one request."""
    tiny = image_bytes("gray-64x48.png")
    files = [("image", (f"{i}.png", tiny)) for i in range(MAX_IMAGES + 1)]
    assert_error(gateway.request("POST", "/shape", files=files), 413, f"at most {MAX_IMAGES}")


def test_400_names_the_missing_binary_media_type_for_a_raw_upload(photo: bytes) -> None:
    """A REST API without binaryMediaTypes turns the JPEG into UTF-8 text with U+FFFD: the function says
    which entry to add."""
    gateway = Gateway(lambda_handler, api="rest")
    with pytest.warns(BinaryBodyCorruptedWarning):
        response = gateway.request("POST", "/shape", data=photo, headers={"Content-Type": "image/jpg"})
    assert event_of(response)["isBase64Encoded"] is False
    assert_error(response, 400, "U+FFFD", "binaryMediaTypes", "'image~1*'", "image/*")


def test_400_names_the_missing_binary_media_type_for_a_form(cat_jpeg: bytes) -> None:
    """The same for a multipart upload: the entry is ``multipart~1form-data``."""
    gateway = Gateway(lambda_handler, api="rest", binary_media_types=["image~1*"])
    with pytest.warns(BinaryBodyCorruptedWarning):
        response = gateway.request("POST", "/shape", files={"image": ("cat.jpg", cat_jpeg, "image/jpeg")})
    assert_error(response, 400, "U+FFFD", "'multipart~1form-data'", "multipart/form-data")


# -- issue 12: hostile input gets its 4xx, with messages of bounded size ----------------------------------
#: The most a message may grow, whatever the client sent.
MESSAGE_LIMIT = 2000


def test_form_whose_only_field_has_a_1_mb_name_gets_its_400_with_a_bounded_message() -> None:
    for name in ("n" * 1_000_000, "\x01" * 1_000_000):
        body = multipart_body([FormPart(name, b"value")], "b0undary")
        response = rest_gateway().request(
            "POST", "/shape", data=body, headers={"Content-Type": "multipart/form-data; boundary=b0undary"}
        )
        message = assert_error(response, 400, "no field named 'image'")
        assert len(message) < MESSAGE_LIMIT


def test_form_with_thousands_of_field_names_lists_a_few() -> None:
    parts = [FormPart(f"field{i}", b"v") for i in range(5000)]
    body = multipart_body(parts, "b0undary")
    response = rest_gateway().request(
        "POST", "/shape", data=body, headers={"Content-Type": "multipart/form-data; boundary=b0undary"}
    )
    message = assert_error(response, 400, "and 4990 more")
    assert len(message) < MESSAGE_LIMIT


def test_unreadable_image_with_a_1_mb_filename_gets_its_422_with_a_bounded_message() -> None:
    body = multipart_body([FormPart("image", b"not an image", "\x01" * 1_000_000, "image/png")], "b0undary")
    response = rest_gateway().request(
        "POST", "/shape", data=body, headers={"Content-Type": "multipart/form-data; boundary=b0undary"}
    )
    message = assert_error(response, 422, "is not a readable image")
    assert len(message) < MESSAGE_LIMIT


@pytest.mark.parametrize(
    ("headers", "path", "status"),
    [
        ({"Content-Type": "x/" + "y" * 100_000}, "/shape", 415),
        ({"Content-Type": "multipart/form-data; boundary=" + "b" * 5000}, "/shape", 400),
        ({"Content-Type": "image/png"}, "/" + "p" * 100_000, 404),
    ],
    ids=["content-type", "boundary", "path"],
)
def test_echoed_client_values_are_bounded_in_messages(
    headers: dict[str, str], path: str, status: int
) -> None:
    response = rest_gateway().request("POST", path, data=b"x", headers=headers)
    assert len(assert_error(response, status)) < MESSAGE_LIMIT


@pytest.mark.parametrize("event", [None, [], [{"httpMethod": "POST"}], "event", 3, 2.5, True])
def test_lambda_handler_answers_400_to_an_event_that_is_not_an_object(event: Any) -> None:
    response = lambda_handler(event, None)
    assert response["statusCode"] == 400
    assert "not an API Gateway proxy event" in json.loads(response["body"])["message"]
    assert response["headers"]["Access-Control-Allow-Origin"] == "*"
