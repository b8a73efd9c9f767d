"""Show what an image upload becomes at each AWS front door (`make demo`).

One JPEG is posted twice, as a raw body and as a multipart/form-data upload, to a REST API with and without
binary media types, an HTTP API (payload 2.0 and 1.0), a Lambda function URL and an ALB. For each, the demo
prints the event keys that matter for binary data, and whether the Lambda could get the original bytes back.
Then the example function answers through the emulator, behind proxy integrations and behind a non-proxy
integration whose contentHandling converts the image both ways (template-non-proxy.yaml).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import PIL.Image
from requests_toolbelt import MultipartEncoder

from apigw_emulator import BinaryBodyCorruptedWarning, Gateway, invocation_of
from apigw_emulator.application import Application

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the example function lives next to the library
IMAGE = ROOT / "fixtures" / "images" / "photo-400x600.jpg"

FRONT_DOORS: list[tuple[str, dict[str, Any]]] = [
    (
        "REST API, binaryMediaTypes from the SAM template",
        {"api": "rest", "binary_media_types": ["multipart~1form-data", "image~1*"]},
    ),
    ("REST API without binaryMediaTypes", {"api": "rest"}),
    ("HTTP API, payload 2.0", {"api": "http"}),
    ("HTTP API, payload 1.0", {"api": "http-v1"}),
    ("Lambda function URL", {"api": "function-url"}),
    ("ALB, multi-value headers", {"api": "alb", "multi_value_headers": True}),
]


def recovered(event: dict[str, Any]) -> bytes:
    """The body bytes a Lambda handler gets back from the event."""
    body = event.get("body") or ""
    return base64.b64decode(body) if event["isBase64Encoded"] else body.encode("utf-8")


def summary(event: dict[str, Any]) -> dict[str, Any]:
    """The parts of an event that decide whether binary data survives."""
    shown: dict[str, Any] = {
        k: event[k] for k in ("version", "resource", "routeKey", "path", "rawPath") if k in event
    }
    headers = event.get("headers") or event.get("multiValueHeaders") or {}
    shown["content-type header"] = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    shown["isBase64Encoded"] = event["isBase64Encoded"]
    body = event.get("body")
    shown["body"] = (
        (body[:60] + f"... ({len(body)} chars)") if isinstance(body, str) and len(body) > 60 else body
    )
    return shown


def image_function_demo(image: bytes) -> None:
    """Post the image to the example function through a REST API (the template's binary media types)
    and an HTTP API, raw and as a form, as the original project's two curl commands do."""
    from function.app import lambda_handler  # noqa: PLC0415 - the demo's second part

    print("=== The image function (function/app.py) through the emulator")
    gateways = {
        "REST API (BinaryMediaTypes multipart~1form-data, image~1*)": Gateway(
            lambda_handler, api="rest", binary_media_types=["multipart~1form-data", "image~1*"]
        ),
        "HTTP API": Gateway(lambda_handler, api="http"),
    }
    for title, gw in gateways.items():
        for route in ("/shape", "/nbytes"):
            raw = gw.request("POST", route, data=image, headers={"Content-Type": "image/jpg"})
            form = gw.request("POST", route, files={"image": (IMAGE.name, image, "image/jpeg")})
            print(f"{title:58s} POST {route:8s} raw: {raw.status_code} {raw.text:16s}", end=" ")
            print(f"multipart: {form.status_code} {form.text}")
    bare = Gateway(lambda_handler, api="rest")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)  # shown above; here the answer matters
        answer = bare.request("POST", "/shape", data=image, headers={"Content-Type": "image/jpg"})
    print(
        f"REST API without binaryMediaTypes: POST /shape raw: {answer.status_code} {answer.json()['message']}"
    )
    print()
    print("=== The same function in a worker process of its own, as Lambda runs it (isolation='process')")
    log: list[str] = []
    with Gateway(
        "app.lambda_handler",
        api="http",
        code_uri=ROOT / "function",
        isolation="process",
        function_log=log.append,
    ) as isolated:
        for _ in range(2):  # a cold start, then a warm one
            answer = isolated.request("POST", "/shape", files={"image": (IMAGE.name, image, "image/jpeg")})
            print(f"HTTP API POST /shape multipart: {answer.status_code} {answer.text}")
    for line in log:
        print(f"    {line}")
    print()


def non_proxy_demo(image: bytes) -> None:
    """Post the image through the non-proxy example (template-non-proxy.yaml), where API Gateway converts
    the binary payloads itself: CONVERT_TO_TEXT on the way in, CONVERT_TO_BINARY on the way out."""
    print("=== The image function behind a Lambda non-proxy integration (template-non-proxy.yaml)")
    with Application.from_template(ROOT / "template-non-proxy.yaml") as app:
        api = app.apis["ImageCustomApi"]
        shape = api.request("POST", "/shape", data=image, headers={"Content-Type": "image/jpeg"})
        invocation = invocation_of(shape)
        payload = (invocation.integration_request or b"") if invocation is not None else b""
        print(f"POST /shape      {shape.status_code} {shape.text}")
        print("    the function's event (the request template, $input.body after CONVERT_TO_TEXT):")
        print(f"    {payload[:90].decode()}... ({len(payload)} bytes)")
        thumb = api.request(
            "POST", "/thumbnail", data=image, headers={"Content-Type": "image/jpeg", "Accept": "image/png"}
        )
        print(
            f"POST /thumbnail  {thumb.status_code} Content-Type: {thumb.headers['Content-Type']}, "
            f"{len(thumb.content)} bytes (CONVERT_TO_BINARY of the base64 string the function returned)"
        )
        with PIL.Image.open(io.BytesIO(thumb.content)) as small:
            print(f"    the client gets a real {small.format} image: {small.size[0]}x{small.size[1]} pixels")
    print()


def main() -> None:
    image = IMAGE.read_bytes()
    digest = hashlib.sha256(image).hexdigest()[:16]
    print(f"Uploading {IMAGE.name} ({len(image)} bytes, sha256 {digest}...) to each front door.\n")
    for title, options in FRONT_DOORS:
        gw = Gateway(None, **options)
        print(f"=== {title}: POST {gw.url}/shape")
        uploads: list[tuple[str, dict[str, Any]]] = [
            (
                "raw body (curl --data-binary, Content-Type: image/jpg)",
                {"headers": {"Content-Type": "image/jpg", "User-Agent": "curl/8.7.1"}, "body": image},
            ),
            (
                "multipart/form-data (curl -F image=@photo.jpg)",
                {
                    "headers": {"User-Agent": "curl/8.7.1"},
                    "body": MultipartEncoder(fields={"image": (IMAGE.name, image, "image/jpeg")}),
                },
            ),
        ]
        for label, request in uploads:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", BinaryBodyCorruptedWarning)
                event = gw.event("POST", "/shape", **request)
            got = recovered(event)
            intact = image in got
            print(f"--- {label}")
            print(json.dumps(summary(event), indent=2, ensure_ascii=False))
            print(f"    the Lambda gets the image back bit for bit: {'yes' if intact else 'NO, corrupted'}")
            for warning in caught:
                print(f"    warning: {warning.message}")
        print()
    image_function_demo(image)
    non_proxy_demo(image)


if __name__ == "__main__":
    main()
