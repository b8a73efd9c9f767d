"""The neutral request model: built from raw bytes, a MultipartEncoder, a requests.PreparedRequest."""

from __future__ import annotations

import io

import pytest
import requests
from requests_toolbelt import MultipartEncoder

from apigw_emulator import HttpRequest, InvalidRequestError


def test_headers_keep_client_casing_order_and_duplicates() -> None:
    req = HttpRequest.build(
        "post", "/a", headers=[("X-One", "1"), ("x-one", "2"), ("Content-Type", "text/plain")]
    )
    assert req.method == "POST"
    assert req.headers == (("X-One", "1"), ("x-one", "2"), ("Content-Type", "text/plain"))
    assert req.header("X-ONE") == "2"
    assert req.header_values("x-one") == ["1", "2"]


def test_mapping_headers_with_list_values_repeat_the_header() -> None:
    req = HttpRequest.build("GET", "/", headers={"Accept": ["a/b", "c/d"], "X": "y"})
    assert req.headers == (("Accept", "a/b"), ("Accept", "c/d"), ("X", "y"))


def test_target_splits_raw_path_and_query_without_decoding() -> None:
    req = HttpRequest.build("GET", "/a%20b/c?x=1+2&y=%2B")
    assert (req.path, req.query) == ("/a%20b/c", "x=1+2&y=%2B")
    assert req.target == "/a%20b/c?x=1+2&y=%2B"


def test_unencodable_characters_are_percent_encoded_like_requests_does() -> None:
    req = HttpRequest.build("GET", "/space value/λ?q=a b")
    assert req.path == "/space%20value/%CE%BB"
    assert req.query == "q=a%20b"


def test_full_url_target_keeps_only_path_and_query() -> None:
    req = HttpRequest.build("GET", "https://example.com/Prod/x?y=1#frag")
    assert (req.path, req.query) == ("/Prod/x", "y=1")


def test_body_forms_become_exact_bytes() -> None:
    data = bytes(range(256))
    assert HttpRequest.build("POST", "/", body=data).body == data
    assert HttpRequest.build("POST", "/", body=bytearray(data)).body == data
    assert HttpRequest.build("POST", "/", body=memoryview(data)).body == data
    assert HttpRequest.build("POST", "/", body=io.BytesIO(data)).body == data
    assert HttpRequest.build("POST", "/", body="λ").body == "λ".encode()
    assert HttpRequest.build("POST", "/", body=[b"ab", b"cd"]).body == b"abcd"
    assert HttpRequest.build("POST", "/", body=None).body == b""


def test_multipart_encoder_is_read_exactly_once_and_gives_its_content_type() -> None:
    encoder = MultipartEncoder(fields={"image": ("cat.jpg", b"\xff\xd8\xff\xe0binary", "image/jpeg")})
    expected_length = encoder.len
    req = HttpRequest.build("POST", "/shape", body=encoder)
    assert len(req.body) == expected_length
    assert req.content_type == encoder.content_type
    assert b"\xff\xd8\xff\xe0binary" in req.body
    assert encoder.read() == b""  # the stream was consumed once, by us


def test_explicit_content_type_wins_over_the_encoder_one() -> None:
    encoder = MultipartEncoder(fields={"a": "b"})
    req = HttpRequest.build("POST", "/", headers={"Content-Type": "multipart/form-data"}, body=encoder)
    assert req.header_values("content-type") == ["multipart/form-data"]


def test_from_prepared_handles_files_data_and_json() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x01binary"
    prepared = requests.Request(
        "POST", "https://h.example/Prod/up?x=1", files={"image": ("a.png", png, "image/png")}
    ).prepare()
    req = HttpRequest.from_prepared(prepared)
    assert (req.method, req.path, req.query) == ("POST", "/Prod/up", "x=1")
    assert req.content_type is not None
    assert req.content_type.startswith("multipart/form-data; boundary=")
    assert png in req.body
    json_req = HttpRequest.from_prepared(requests.Request("PUT", "https://h/x", json={"a": 1}).prepare())
    assert json_req.body == b'{"a": 1}'
    assert json_req.content_type == "application/json"
    form = HttpRequest.from_prepared(requests.Request("POST", "https://h/x", data={"a": "b c"}).prepare())
    assert form.body == b"a=b+c"


def test_from_prepared_reads_a_multipart_encoder_passed_as_data() -> None:
    encoder = MultipartEncoder(fields={"image": ("x.bin", b"\x00\xff" * 10, "application/octet-stream")})
    prepared = requests.Request(
        "POST", "https://h/x", data=encoder, headers={"Content-Type": encoder.content_type}
    ).prepare()
    req = HttpRequest.from_prepared(prepared)
    assert b"\x00\xff" * 10 in req.body


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"headers": {"X-Bad": "a\r\nInjected: 1"}}, "CR, LF or NUL"),
        ({"headers": {"Bad Name": "x"}}, "invalid header name"),
        ({"headers": [("only-one",)]}, "mapping or \\(name, value\\) pairs"),
        ({"body": 12}, "unsupported body type int"),
        ({"body": {"a": 1}}, "unsupported body type dict"),
    ],
)
def test_bad_input_gets_a_precise_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        HttpRequest.build("POST", "/", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["no-slash", "/a b", "/a\r\nb", "/a#b"])
def test_raw_path_must_be_sendable(path: str) -> None:
    with pytest.raises(InvalidRequestError):
        HttpRequest("GET", path)


def test_invalid_method_is_rejected() -> None:
    with pytest.raises(InvalidRequestError, match="invalid HTTP method"):
        HttpRequest("GE T", "/")


def test_replace_normalises_headers_and_body() -> None:
    req = HttpRequest.build("POST", "/").replace(headers={"A": "1"}, body="x")
    assert req.headers == (("A", "1"),)
    assert req.body == b"x"
