"""Real clients against the server: ``requests`` (multipart, streaming, keep-alive) and the curl binary."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests_toolbelt import MultipartDecoder

from apigw_emulator import Gateway, LambdaContext
from apigw_emulator.server import LocalGateway

from .conftest import ServerFactory

KIB = 1024
JPEG_MAGIC = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"


def form_summary(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Decode a multipart body as an image service would and describe each part."""
    raw = base64.b64decode(event["body"]) if event["isBase64Encoded"] else event["body"].encode()
    content_type = next(v for k, v in event["headers"].items() if k.lower() == "content-type")
    parts = [
        {
            "disposition": part.headers[b"Content-Disposition"].decode(),
            "type": part.headers.get(b"Content-Type", b"").decode(),
            "size": len(part.content),
            "sha256": hashlib.sha256(part.content).hexdigest(),
        }
        for part in MultipartDecoder(raw, content_type).parts
    ]
    return {"statusCode": 200, "body": json.dumps({"base64": event["isBase64Encoded"], "parts": parts})}


def image(size: int, seed: int) -> bytes:
    return JPEG_MAGIC + random.Random(seed).randbytes(size - len(JPEG_MAGIC))


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """A session that ignores proxy settings of the environment (the server is on loopback)."""
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def form_server(serve: ServerFactory) -> LocalGateway:
    return serve(Gateway(form_summary, api="rest", binary_media_types=["multipart~1form-data", "*/*"]))


# -- requests -------------------------------------------------------------------------------------------


def test_requests_multipart_upload(session: requests.Session, form_server: LocalGateway) -> None:
    photo = image(300 * KIB, 1)
    response = session.post(
        form_server.url + "/shape",
        files={"image": ("cat.jpg", photo, "image/jpeg")},
        data={"size": "small"},
        timeout=5,
    )
    assert response.status_code == 200
    summary = response.json()
    assert summary["base64"] is True
    size_part, image_part = summary["parts"]
    assert size_part["disposition"] == 'form-data; name="size"'
    assert image_part["disposition"] == 'form-data; name="image"; filename="cat.jpg"'
    assert image_part["type"] == "image/jpeg"
    assert image_part["sha256"] == hashlib.sha256(photo).hexdigest()


def test_requests_binary_body_and_keep_alive(
    session: requests.Session, serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    server = serve(binary_echo_gateway)
    for seed in range(5):
        photo = image(64 * KIB, seed)
        response = session.post(
            server.url + "/echo", data=photo, headers={"Content-Type": "image/jpeg"}, timeout=5
        )
        assert response.content == photo
        assert response.headers["Content-Type"] == "image/jpeg"
    assert len([line for line in serve.log if line.startswith("POST /echo 200")]) == 5


def test_requests_streams_a_generator_as_chunked(
    session: requests.Session, serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    server = serve(binary_echo_gateway)
    pieces = [image(10 * KIB, seed) for seed in range(4)]
    response = session.post(
        server.url + "/echo", data=iter(pieces), headers={"Content-Type": "image/jpeg"}, timeout=5
    )
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.content == b"".join(pieces)


def test_requests_head_and_413(
    session: requests.Session, serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    server = serve(binary_echo_gateway)
    head = session.head(server.url + "/echo", timeout=5)
    assert head.status_code == 200
    too_big = session.post(server.url + "/echo", data=bytes(11 * KIB * KIB), timeout=10)
    assert too_big.status_code == 413
    assert too_big.text == "HTTP content length exceeded 10485760 bytes."


# -- curl -----------------------------------------------------------------------------------------------

CURL = shutil.which("curl")
needs_curl = pytest.mark.skipif(CURL is None, reason="the curl binary is not installed")


def curl(*args: str) -> bytes:
    assert CURL is not None
    done = subprocess.run(
        [CURL, "-s", "-S", "--fail-with-body", "--noproxy", "*", "--max-time", "10", *args],
        capture_output=True,
        timeout=15,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


@needs_curl
@pytest.mark.parametrize("size", [10 * KIB, 2 * KIB * KIB], ids=["10KB", "2MB (Expect: 100-continue)"])
def test_curl_data_binary_comes_back_exactly(
    tmp_path: Path, serve: ServerFactory, binary_echo_gateway: Gateway, size: int
) -> None:
    server = serve(binary_echo_gateway)
    photo = image(size, size)
    path = tmp_path / "photo.jpg"
    path.write_bytes(photo)
    out = curl(f"{server.url}/echo", "-H", "Content-Type: image/jpg", "--data-binary", f"@{path}")
    assert out == photo


@needs_curl
def test_curl_form_upload(tmp_path: Path, form_server: LocalGateway) -> None:
    photo = image(200 * KIB, 7)
    path = tmp_path / "photo.jpg"
    path.write_bytes(photo)
    summary = json.loads(curl(f"{form_server.url}/shape", "-F", f"image=@{path}"))
    (part,) = summary["parts"]
    assert part["disposition"] == 'form-data; name="image"; filename="photo.jpg"'
    assert part["type"] == "image/jpeg"
    assert part["sha256"] == hashlib.sha256(photo).hexdigest()


@needs_curl
def test_curl_chunked_upload_and_stage_in_path(
    tmp_path: Path, serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    server = serve(binary_echo_gateway, stage_in_path=True)
    photo = image(50 * KIB, 3)
    path = tmp_path / "photo.jpg"
    path.write_bytes(photo)
    out = curl(
        server.url_for("/echo"),
        "-H",
        "Content-Type: image/jpeg",
        "-H",
        "Transfer-Encoding: chunked",
        "--data-binary",
        f"@{path}",
    )
    assert out == photo
    assert server.url_for("/echo").endswith("/Prod/echo")
