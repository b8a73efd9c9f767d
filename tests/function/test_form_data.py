"""The function's multipart/form-data parser: RFC 2046 framing, against hand-made and real clients' bodies."""

from __future__ import annotations

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from requests_toolbelt import MultipartEncoder

from function.form_data import MultipartError, Part, boundary_of, header_parameters, parse_form_data

from ._http import FormPart, multipart_body

BOUNDARY = "XyZ-boundary-123"
IMAGE = FormPart("image", b"\xff\xd8binary\x00\r\n--XyZ-not-at-line-start", "a.jpg", "image/jpeg")
NOTE = FormPart("note", b"plain text")


def parse(body: bytes, boundary: str = BOUNDARY) -> list[Part]:
    """Parse with a boundary given as str."""
    return parse_form_data(body, boundary.encode())


def contents(parts: list[Part]) -> list[tuple[str | None, str | None, bytes]]:
    """(name, filename, content) of each part."""
    return [(part.name, part.filename, part.content) for part in parts]


# -- the boundary parameter ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        ("multipart/form-data; boundary=abc", b"abc"),
        ('multipart/form-data; boundary="abc"', b"abc"),
        ('multipart/form-data; boundary="a b:c;d"', b"a b:c;d"),
        ("multipart/form-data;boundary=abc;charset=utf-8", b"abc"),
        ("Multipart/Form-Data; BOUNDARY = abc ", b"abc"),
        ("multipart/form-data; boundary=" + "x" * 70, b"x" * 70),
    ],
)
def test_boundary_quoted_or_not(content_type: str, boundary: bytes) -> None:
    """Quoted and unquoted boundaries, parameters in any order and casing."""
    assert boundary_of(content_type) == boundary


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary=""',
        "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=" + "x" * 71,
        "multipart/form-data; boundary=caf\u00e9",
    ],
)
def test_invalid_boundaries(content_type: str) -> None:
    """No boundary, an empty one, one over 70 characters, non-ASCII."""
    with pytest.raises(MultipartError, match="boundary"):
        boundary_of(content_type)


# -- framing ------------------------------------------------------------------------------------------------
def test_several_parts_in_order() -> None:
    """Names, filenames, content types and contents, in order."""
    parts = parse(multipart_body([IMAGE, NOTE, FormPart("image", b"", "empty.png", "image/png")], BOUNDARY))
    assert contents(parts) == [
        ("image", "a.jpg", IMAGE.content),
        ("note", None, b"plain text"),
        ("image", "empty.png", b""),
    ]
    assert [part.content_type for part in parts] == ["image/jpeg", None, "image/png"]


def test_preamble_and_epilogue_are_ignored() -> None:
    """Text before the first delimiter and after the close delimiter is not a part."""
    body = multipart_body([IMAGE], BOUNDARY, preamble=b"This is a preamble.", epilogue=b"epilogue\r\n--XyZ")
    assert contents(parse(body)) == [("image", "a.jpg", IMAGE.content)]


@pytest.mark.parametrize(
    "content",
    [
        b"--" + BOUNDARY.encode(),  # the dash-boundary, but not after CRLF
        b"\r\n--" + BOUNDARY.encode() + b"X\r\n",  # a longer boundary at a line start
        b"\r\n--" + BOUNDARY.encode()[:-1] + b"\r\n",  # a prefix of the boundary
        b"\r\n--" + BOUNDARY.encode() + b"-\r\n",  # one dash is not the close delimiter
        b"ends with CRLF\r\n",
        b"\r\n\r\n",
        b"--",
        bytes(range(256)) * 3,
    ],
)
def test_boundary_like_bytes_inside_a_part_are_content(content: bytes) -> None:
    """Only CRLF--boundary followed by ``--`` or (padding and) CRLF ends a part."""
    body = multipart_body([FormPart("image", content, "x.bin"), NOTE], BOUNDARY)
    assert contents(parse(body)) == [("image", "x.bin", content), ("note", None, b"plain text")]


def test_transport_padding_after_a_boundary() -> None:
    """Spaces and tabs may follow a boundary before its CRLF (RFC 2046)."""
    body = multipart_body([IMAGE, NOTE], BOUNDARY).replace(
        BOUNDARY.encode() + b"\r\n", BOUNDARY.encode() + b" \t\r\n"
    )
    assert contents(parse(body))[1] == ("note", None, b"plain text")


def test_part_without_headers() -> None:
    """A part with no header lines has no name (and is therefore not an image field)."""
    body = b"--b\r\n\r\nno headers\r\n--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--"
    assert contents(parse(body, "b")) == [(None, None, b"no headers"), ("x", None, b"1")]


def test_empty_form() -> None:
    """Just the close delimiter: a form without fields."""
    assert parse(b"--b--\r\n", "b") == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "no multipart boundary line"),
        (b"no delimiter at all", "no multipart boundary line"),
        (multipart_body([IMAGE], "other-boundary"), "no multipart boundary line"),
        (multipart_body([IMAGE, NOTE], BOUNDARY, close=False), "truncated after 1 complete part"),
        (multipart_body([IMAGE], BOUNDARY)[:-4], "truncated"),  # "--\r\n" of the close delimiter cut
        (multipart_body([IMAGE], BOUNDARY)[:40], "truncated"),  # inside the headers
        (b"--" + BOUNDARY.encode(), "truncated"),
        (b"--" + BOUNDARY.encode() + b"junk\r\n\r\n\r\n--" + BOUNDARY.encode() + b"--", "after a boundary"),
        (multipart_body([IMAGE], BOUNDARY).replace(b"\r\n", b"\n"), "no multipart boundary line|truncated"),
    ],
    ids=[
        "empty",
        "no-delimiter",
        "wrong-boundary",
        "no-close",
        "close-cut",
        "headers-cut",
        "boundary-only",
        "junk-after-boundary",
        "bare-lf",
    ],
)
def test_malformed_and_truncated_bodies(body: bytes, message: str) -> None:
    """Every framing error is a MultipartError saying what is wrong."""
    with pytest.raises(MultipartError, match=message):
        parse(body)


def test_part_headers_without_blank_line_are_malformed() -> None:
    """A part whose header block runs into the next delimiter."""
    body = b"--b\r\nContent-Disposition: form-data; name=a\r\n--b\r\nX: y\r\n\r\n1\r\n--b--"
    with pytest.raises(MultipartError, match="blank line"):
        parse(body, "b")


# -- header parameters --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('form-data; name="image"; filename="cat.jpg"', {"name": "image", "filename": "cat.jpg"}),
        ("form-data; name=image; filename=cat.jpg", {"name": "image", "filename": "cat.jpg"}),
        ('form-data; name="image"; filename="a;b \\"c\\".jpg"', {"name": "image", "filename": 'a;b "c".jpg'}),
        (
            "form-data; name=\"image\"; filename*=UTF-8''%E2%82%AC.jpg",
            {"name": "image", "filename": "\u20ac.jpg"},
        ),
        ('form-data; NAME="image"', {"name": "image"}),
        # a charset without a Python text codec: read as UTF-8 rather than failing
        ("form-data; filename*=x-unknown''%41%FF.jpg", {"filename": "A\ufffd.jpg"}),
        ("form-data; filename*=rot13''%41.jpg", {"filename": "A.jpg"}),
    ],
)
def test_content_disposition_parameters(value: str, expected: dict[str, str]) -> None:
    """Quoted strings with escapes, tokens, RFC 5987 filenames (charset unknown to Python included), any
    casing."""
    parameters = header_parameters(value)
    assert {key: parameters[key] for key in expected} == expected


# -- real clients -------------------------------------------------------------------------------------------
field_names = st.sampled_from(["image", "other", "image[]", "na me", "caf\u00e9"])
fields = st.lists(st.tuples(field_names, st.binary(max_size=300)), min_size=1, max_size=5)


@given(fields)
def test_requests_bodies_round_trip(form: list[tuple[str, bytes]]) -> None:
    """Whatever requests (urllib3) encodes, the parser returns: names, filenames, contents, in order."""
    files = [(name, (f"{index}.bin", content)) for index, (name, content) in enumerate(form)]
    prepared = requests.Request("POST", "https://example.com/", files=files).prepare()
    assert isinstance(prepared.body, bytes)
    parts = parse_form_data(prepared.body, boundary_of(prepared.headers["Content-Type"]))
    assert contents(parts) == [(name, f"{index}.bin", content) for index, (name, content) in enumerate(form)]


@given(fields)
def test_toolbelt_bodies_round_trip(form: list[tuple[str, bytes]]) -> None:
    """Whatever requests-toolbelt's MultipartEncoder encodes, the parser returns."""
    encoder = MultipartEncoder(
        [(name, (None, content, "application/octet-stream")) for name, content in form]
    )
    parts = parse_form_data(encoder.to_string(), boundary_of(encoder.content_type))
    assert [(part.name, part.content) for part in parts] == form


@given(fields, st.data())
def test_every_cut_before_the_close_delimiter_is_truncated(
    form: list[tuple[str, bytes]], data: st.DataObject
) -> None:
    """A body cut anywhere before the end of its close delimiter never parses: a cut part would be
    answered as if it were whole."""
    body = multipart_body([FormPart(name, content) for name, content in form], BOUNDARY)
    cut = data.draw(st.integers(min_value=0, max_value=len(body) - len(b"--\r\n") - 1))
    with pytest.raises(MultipartError):
        parse(body[:cut])
