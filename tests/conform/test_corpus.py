"""The corpus ``conform record`` sends: unique ids, real images and forms, the header cases of API Gateway's
header rules, results the echo function reads back, and sizes that are asked for."""

from __future__ import annotations

import base64
import importlib.util
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from apigw_emulator.conform.corpus import (
    RESULT_HEADER,
    CorpusError,
    CorpusRequest,
    curated,
    encode_result,
    generated,
)
from apigw_emulator.conform.stack import write_echo_stack


def _by_id() -> dict[str, CorpusRequest]:
    return {request.id: request for request in curated()}


def test_every_request_has_its_own_id_and_a_target_under_one_prefix() -> None:
    corpus = curated()
    assert len({request.id for request in corpus}) == len(corpus)
    assert all(request.target.startswith("/echo/") for request in corpus)


def test_the_image_is_a_real_png_and_the_form_carries_it_whole() -> None:
    requests = _by_id()
    png = requests["post-png"].body
    with Image.open(io.BytesIO(png)) as image:
        assert (image.format, image.size) == ("PNG", (16, 16))
    form = requests["post-multipart"]
    content_type = dict(form.headers)["Content-Type"]
    boundary = content_type.split("boundary=", 1)[1]
    assert png in form.body
    assert form.body.endswith(f"--{boundary}--\r\n".encode())


def test_the_duplicate_header_cases_send_each_line() -> None:
    requests = _by_id()
    assert [v for n, v in requests["get-duplicate-header"].headers if n == "X-Probe"] == ["first", "second"]
    casing = [n for n, _ in requests["get-duplicate-header-casing"].headers if n.lower() == "x-case"]
    assert casing == ["X-Case", "x-case", "X-CASE"]
    assert [v for n, v in requests["get-two-cookie-headers"].headers if n == "Cookie"] == ["a=1", "b=2; c=3"]


def test_a_result_request_carries_its_result_as_base64url_json() -> None:
    request = _by_id()["result-multi-value-headers"]
    value = dict(request.headers)[RESULT_HEADER]
    assert "=" not in value
    assert "+" not in value
    assert "/" not in value
    assert request.asked_result() == json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    assert request.asked_result()["multiValueHeaders"]["X-Multi"] == ["a", "b"]
    assert _by_id()["get-root"].asked_result() is None


def test_the_echo_function_reads_the_result_the_corpus_encodes(tmp_path: Path) -> None:
    write_echo_stack(tmp_path)
    spec = importlib.util.spec_from_file_location("conform_echo_app", tmp_path / "echo" / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = {"statusCode": 200, "body": "caf\u00e9", "cookies": ["a=1"]}
    for headers in ({"X-Conform-Result": encode_result(result)}, {"x-conform-result": encode_result(result)}):
        assert module.handler({"headers": headers}, None) == result
    multi = {"multiValueHeaders": {"X-Conform-Result": ["ignored", encode_result(result)]}}
    assert module.handler(multi, None) == result  # the last value, as the REST event's headers hold it


def test_a_large_body_only_when_asked_for() -> None:
    assert not any(request.id.startswith("post-large") for request in curated())
    large = curated(large_body=1000)[-1]
    assert (large.id, len(large.body), large.body[:3]) == ("post-large-1000", 1000, b"\x00\x01\x02")
    with pytest.raises(CorpusError, match="large_body=-1"):
        curated(large_body=-1)


def test_no_generated_request_without_a_count() -> None:
    assert generated(0) == []
    with pytest.raises(CorpusError, match="generated=-2"):
        generated(-2)
