"""AWS's content-type conversion tables (spec 10.5): one test per row of each table, with a real PNG.

The request table: method request payload (text or binary by its Content-Type against binaryMediaTypes)
and the integration's contentHandling give the integration request payload. The response table: the
integration response payload, the first Accept type against binaryMediaTypes and the integration
response's contentHandling give the method response payload (before any response template).
"""

from __future__ import annotations

import base64
import binascii
import doctest
import gzip
import io
import json
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from apigw_emulator import content_handling
from apigw_emulator.content_handling import (
    ConversionError,
    ConvertedPayload,
    check_content_handling,
    convert_request,
    convert_response,
    is_binary_request,
    lenient_b64decode,
    response_conversion,
    response_payload,
)
from apigw_emulator.errors import BinaryBodyCorruptedWarning, ConfigurationError
from apigw_emulator.media_types import BinaryMediaTypes
from apigw_emulator.model.rest import IntegrationResponse

NONE = BinaryMediaTypes()
PNG_TYPES = BinaryMediaTypes(["image/png"])
TEXT = '{"greeting": "h\u00e9llo"}'
#: Text that stays no base64 once the characters outside the alphabet are discarded ("notbase64": 9 left).
NOT_BASE64 = "not base64!"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 10, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
PNG_B64 = base64.b64encode(PNG).decode("ascii")


def _ok(result: ConvertedPayload | ConversionError) -> ConvertedPayload:
    assert isinstance(result, ConvertedPayload), result
    return result


def _failed(result: ConvertedPayload | ConversionError) -> ConversionError:
    assert isinstance(result, ConversionError), result
    return result


def test_the_png_is_not_utf8() -> None:
    with pytest.raises(UnicodeDecodeError):
        PNG.decode("utf-8")


# --- the request table --------------------------------------------------------------------------------


def test_request_text_any_type_no_binary_types_unset_is_utf8_string() -> None:
    out = _ok(convert_request(TEXT.encode(), "application/json", NONE, None))
    assert (out.body, out.text, out.corrupted) == (TEXT.encode(), TEXT, False)
    assert out.row.startswith("text data, any data type, binaryMediaTypes undefined, contentHandling unset")


def test_request_text_any_type_no_binary_types_convert_to_binary_is_base64_decoded_blob() -> None:
    out = _ok(convert_request(PNG_B64.encode(), "text/plain", NONE, "CONVERT_TO_BINARY"))
    assert (out.body, out.text) == (PNG, None)
    assert out.row.endswith("base64-decoded binary blob")


def test_request_text_any_type_no_binary_types_convert_to_text_is_utf8_string() -> None:
    out = _ok(convert_request(TEXT.encode(), "application/json", NONE, "CONVERT_TO_TEXT"))
    assert (out.body, out.text) == (TEXT.encode(), TEXT)
    assert "contentHandling CONVERT_TO_TEXT: UTF-8 string" in out.row


def test_request_text_text_type_binary_types_set_unset_is_text_data() -> None:
    out = _ok(convert_request(TEXT.encode(), "application/json", PNG_TYPES, None))
    assert (out.body, out.text) == (TEXT.encode(), TEXT)
    assert out.row == "text data, a text data type, binaryMediaTypes set, contentHandling unset: text data"


def test_request_text_text_type_binary_types_set_convert_to_binary_is_base64_decoded_blob() -> None:
    out = _ok(convert_request(PNG_B64.encode(), "text/plain", PNG_TYPES, "CONVERT_TO_BINARY"))
    assert (out.body, out.text) == (PNG, None)
    assert out.row.startswith(
        "text data, a text data type, binaryMediaTypes set, contentHandling CONVERT_TO_BINARY"
    )


def test_request_text_text_type_binary_types_set_convert_to_text_is_text_data() -> None:
    out = _ok(convert_request(TEXT.encode(), "application/json", PNG_TYPES, "CONVERT_TO_TEXT"))
    assert (out.body, out.text) == (TEXT.encode(), TEXT)
    assert out.row.endswith("contentHandling CONVERT_TO_TEXT: text data")


def test_request_binary_binary_type_binary_types_set_unset_is_binary_data() -> None:
    out = _ok(convert_request(PNG, "image/png", PNG_TYPES, None))
    assert (out.body, out.text, out.corrupted) == (PNG, None, False)
    assert (
        out.row == "binary data, a binary data type, binaryMediaTypes set, contentHandling unset: binary data"
    )


def test_request_binary_binary_type_binary_types_set_convert_to_binary_is_binary_data() -> None:
    out = _ok(convert_request(PNG, "image/png", PNG_TYPES, "CONVERT_TO_BINARY"))
    assert (out.body, out.text) == (PNG, None)
    assert out.row.endswith("contentHandling CONVERT_TO_BINARY: binary data")


def test_request_binary_binary_type_binary_types_set_convert_to_text_is_base64_encoded_string() -> None:
    out = _ok(convert_request(PNG, "image/png", PNG_TYPES, "CONVERT_TO_TEXT"))
    assert (out.body, out.text) == (PNG_B64.encode(), PNG_B64)
    assert out.row.endswith("contentHandling CONVERT_TO_TEXT: base64-encoded string")


# --- the request side's edges -------------------------------------------------------------------------


def test_request_binary_without_matching_type_is_read_as_text_with_replacement_and_a_warning() -> None:
    with pytest.warns(BinaryBodyCorruptedWarning, match="U\\+FFFD"):
        out = _ok(convert_request(PNG, "image/png", NONE, None))
    expected = PNG.decode("utf-8", errors="replace")
    assert (out.text, out.body, out.corrupted) == (expected, expected.encode("utf-8"), True)
    assert out.body != PNG


def test_request_convert_to_text_of_an_unmatched_binary_body_does_not_base64_it() -> None:
    # CONVERT_TO_TEXT only encodes a payload that is binary; an unmatched type is already "text".
    with pytest.warns(BinaryBodyCorruptedWarning):
        out = _ok(convert_request(PNG, "image/png", NONE, "CONVERT_TO_TEXT"))
    assert out.text == PNG.decode("utf-8", errors="replace")


def test_request_convert_to_binary_of_text_that_is_not_base64_fails_with_500() -> None:
    error = _failed(convert_request(NOT_BASE64.encode(), "application/json", PNG_TYPES, "CONVERT_TO_BINARY"))
    assert "not base64" in error.reason
    assert error.row.endswith("base64-decoded binary blob")


def test_request_template_on_a_binary_payload_cannot_transform_it() -> None:
    error = _failed(convert_request(PNG, "image/png", PNG_TYPES, None, has_template=True))
    assert "Unable to transform request" in error.reason
    assert "CONVERT_TO_TEXT" in error.reason


def test_request_template_after_convert_to_text_reads_base64_as_input_body() -> None:
    out = _ok(convert_request(PNG, "image/png", PNG_TYPES, "CONVERT_TO_TEXT", has_template=True))
    assert out.text == PNG_B64


def test_request_content_type_parameters_are_ignored_when_matching() -> None:
    out = _ok(convert_request(PNG, "Image/PNG; charset=binary", PNG_TYPES, "CONVERT_TO_TEXT"))
    assert out.text == PNG_B64


def test_request_valid_utf8_text_gives_no_corruption_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = _ok(convert_request(TEXT.encode(), None, NONE, None))
    assert out.corrupted is False


def test_request_empty_body_converts_to_empty() -> None:
    assert _ok(convert_request(b"", "image/png", PNG_TYPES, "CONVERT_TO_TEXT")).body == b""
    assert _ok(convert_request(b"", "text/plain", PNG_TYPES, "CONVERT_TO_BINARY")).body == b""


@pytest.mark.parametrize("value", ["convert_to_text", "CONVERT_TO_JSON", "", 1])
def test_unknown_content_handling_value_is_a_configuration_error(value: object) -> None:
    with pytest.raises(ConfigurationError, match="CONVERT_TO_BINARY, CONVERT_TO_TEXT"):
        check_content_handling(value)
    with pytest.raises(ConfigurationError, match="integration's contentHandling"):
        convert_request(b"x", None, NONE, value)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="integration response's contentHandling"):
        convert_response("x", None, NONE, value)  # type: ignore[arg-type]


# --- the response table -------------------------------------------------------------------------------


def test_response_any_data_text_accept_no_binary_types_unset_is_utf8_string() -> None:
    out = _ok(convert_response(TEXT, "image/png", NONE, None))
    assert (out.body, out.text) == (TEXT.encode(), TEXT)
    assert out.row.startswith(
        "text or binary data, a text type, binaryMediaTypes undefined, contentHandling unset"
    )


def test_response_any_data_text_accept_no_binary_types_convert_to_binary_is_base64_decoded_blob() -> None:
    out = _ok(convert_response(PNG_B64, "image/png", NONE, "CONVERT_TO_BINARY"))
    assert (out.body, out.text) == (PNG, None)
    assert out.row.endswith("base64-decoded blob")


def test_response_any_data_text_accept_no_binary_types_convert_to_text_is_utf8_string() -> None:
    out = _ok(convert_response(PNG_B64, None, NONE, "CONVERT_TO_TEXT"))
    assert (out.body, out.text) == (PNG_B64.encode(), PNG_B64)
    assert out.row.endswith("contentHandling CONVERT_TO_TEXT: UTF-8 string")


def test_response_text_text_accept_binary_types_set_unset_is_text_data() -> None:
    out = _ok(convert_response(TEXT, "application/json", PNG_TYPES, None))
    assert (out.body, out.text) == (TEXT.encode(), TEXT)
    assert out.row == "text data, a text type, binaryMediaTypes set, contentHandling unset: text data"


def test_response_text_text_accept_binary_types_set_convert_to_binary_is_base64_decoded_blob() -> None:
    out = _ok(convert_response(PNG_B64, "application/json", PNG_TYPES, "CONVERT_TO_BINARY"))
    assert (out.body, out.text) == (PNG, None)
    assert out.row.startswith(
        "text data, a text type, binaryMediaTypes set, contentHandling CONVERT_TO_BINARY"
    )


def test_response_text_text_accept_binary_types_set_convert_to_text_is_utf8_string() -> None:
    out = _ok(convert_response(TEXT, "application/json", PNG_TYPES, "CONVERT_TO_TEXT"))
    assert (out.body, out.text) == (TEXT.encode(), TEXT)
    assert out.row.endswith("contentHandling CONVERT_TO_TEXT: UTF-8 string")


def test_response_text_binary_accept_binary_types_set_unset_is_base64_decoded_blob() -> None:
    out = _ok(convert_response(PNG_B64, "image/png", PNG_TYPES, None))
    assert (out.body, out.text) == (PNG, None)
    assert (
        out.row
        == "text data, a binary type, binaryMediaTypes set, contentHandling unset: base64-decoded blob"
    )


def test_response_text_binary_accept_binary_types_set_convert_to_binary_is_base64_decoded_blob() -> None:
    out = _ok(convert_response(PNG_B64, "image/png", PNG_TYPES, "CONVERT_TO_BINARY"))
    assert (out.body, out.text) == (PNG, None)
    assert out.row.endswith("contentHandling CONVERT_TO_BINARY: base64-decoded blob")


def test_response_text_binary_accept_binary_types_set_convert_to_text_is_utf8_string() -> None:
    out = _ok(convert_response(PNG_B64, "image/png", PNG_TYPES, "CONVERT_TO_TEXT"))
    assert (out.body, out.text) == (PNG_B64.encode(), PNG_B64)
    assert out.row.endswith(
        "a binary type, binaryMediaTypes set, contentHandling CONVERT_TO_TEXT: UTF-8 string"
    )


def test_response_binary_text_accept_binary_types_set_unset_is_base64_encoded_string() -> None:
    out = _ok(convert_response(PNG, "application/json", PNG_TYPES, None))
    assert (out.body, out.text) == (PNG_B64.encode(), PNG_B64)
    assert (
        out.row
        == "binary data, a text type, binaryMediaTypes set, contentHandling unset: base64-encoded string"
    )


def test_response_binary_text_accept_binary_types_set_convert_to_binary_is_binary_data() -> None:
    out = _ok(convert_response(PNG, "application/json", PNG_TYPES, "CONVERT_TO_BINARY"))
    assert (out.body, out.text) == (PNG, None)
    assert out.row.endswith(
        "a text type, binaryMediaTypes set, contentHandling CONVERT_TO_BINARY: binary data"
    )


def test_response_binary_text_accept_binary_types_set_convert_to_text_is_base64_encoded_string() -> None:
    out = _ok(convert_response(PNG, "application/json", PNG_TYPES, "CONVERT_TO_TEXT"))
    assert (out.body, out.text) == (PNG_B64.encode(), PNG_B64)
    assert out.row.endswith(
        "a text type, binaryMediaTypes set, contentHandling CONVERT_TO_TEXT: base64-encoded string"
    )


def test_response_binary_binary_accept_binary_types_set_unset_is_binary_data() -> None:
    out = _ok(convert_response(PNG, "image/png", PNG_TYPES, None))
    assert (out.body, out.text) == (PNG, None)
    assert out.row == "binary data, a binary type, binaryMediaTypes set, contentHandling unset: binary data"


def test_response_binary_binary_accept_binary_types_set_convert_to_binary_is_binary_data() -> None:
    out = _ok(convert_response(PNG, "image/png", PNG_TYPES, "CONVERT_TO_BINARY"))
    assert (out.body, out.text) == (PNG, None)
    assert out.row.endswith(
        "a binary type, binaryMediaTypes set, contentHandling CONVERT_TO_BINARY: binary data"
    )


def test_response_binary_binary_accept_binary_types_set_convert_to_text_is_base64_encoded_string() -> None:
    out = _ok(convert_response(PNG, "image/png", PNG_TYPES, "CONVERT_TO_TEXT"))
    assert (out.body, out.text) == (PNG_B64.encode(), PNG_B64)
    assert out.row.endswith(
        "a binary type, binaryMediaTypes set, contentHandling CONVERT_TO_TEXT: base64-encoded string"
    )


# --- the response side's edges ------------------------------------------------------------------------


def test_response_text_to_binary_of_text_that_is_not_base64_fails_with_500() -> None:
    error = _failed(convert_response(NOT_BASE64, "image/png", PNG_TYPES, None))
    assert "not base64" in error.reason
    assert "500" in error.reason


def test_response_only_the_first_accept_type_counts() -> None:
    decoded = _ok(convert_response(PNG_B64, "image/png, application/json", PNG_TYPES, None))
    assert decoded.body == PNG
    kept = _ok(convert_response(PNG_B64, "image/webp,image/png,*/*;q=0.8", PNG_TYPES, None))
    assert kept.text == PNG_B64


def test_response_wildcard_binary_types_turn_every_accept_binary() -> None:
    # With */* every Accept type is binary: a MOCK's empty payload becomes an empty binary one, which its
    # response template cannot transform (the CORS preflight 500 users see), unless the response says
    # CONVERT_TO_TEXT; a JSON text is decoded as base64 and fails.
    star = BinaryMediaTypes(["*/*"])
    assert _ok(convert_response("", "*/*", star, None)).is_binary
    assert _ok(convert_response("", "*/*", star, "CONVERT_TO_TEXT")).text == ""
    assert isinstance(convert_response('{"ok": true}', "*/*", star, None), ConversionError)


def test_response_no_accept_header_is_a_text_type() -> None:
    assert _ok(convert_response(PNG, None, PNG_TYPES, None)).text == PNG_B64


def test_response_bytes_without_binary_types_are_text_with_replacement() -> None:
    with pytest.warns(BinaryBodyCorruptedWarning):
        out = _ok(convert_response(PNG, "image/png", NONE, None))
    assert out.corrupted is True
    assert out.text == PNG.decode("utf-8", errors="replace")


def test_response_payload_is_binary_only_for_a_matching_content_type() -> None:
    assert response_payload(PNG, "image/png", PNG_TYPES) == PNG
    assert response_payload(TEXT.encode(), "application/json", PNG_TYPES) == TEXT
    with pytest.warns(BinaryBodyCorruptedWarning):
        assert response_payload(PNG, "image/gif", PNG_TYPES) == PNG.decode("utf-8", errors="replace")


# --- AWS's own answers (LocalStack's S3 binary-support tests, recorded against AWS) ---------------------

#: The gzip body those tests send, and the bytes AWS stored for it when it took it as text.
GZIP_BODY = gzip.compress(b"compressed data, should be invalid UTF-8 string", mtime=1676569620)
GZIP_AS_TEXT = (
    b"\x1f\xef\xbf\xbd\x08\x00\x14l\xef\xbf\xbdc\x02\xef\xbf\xbdK\xef\xbf\xbd\xef\xbf\xbd-(J-.NMQHI,I"
    b"\xef\xbf\xbdQ(\xef\xbf\xbd\xef\xbf\xbd/\xef\xbf\xbdIQHJU\xef\xbf\xbd\xef\xbf\xbd+K\xef\xbf\xbd"
    b"\xef\xbf\xbdLQ\x08\rq\xd3\xb5P(.)\xef\xbf\xbd\xef\xbf\xbdK\x07\x00\xef\xbf\xbd9\x10W/\x00\x00\x00"
)


def test_request_unmatched_gzip_body_becomes_the_bytes_aws_stored() -> None:
    with pytest.warns(BinaryBodyCorruptedWarning):
        out = _ok(convert_request(GZIP_BODY, "image/png", NONE, None))
    assert out.body == GZIP_AS_TEXT
    assert len(out.body) == 99


def test_response_unmatched_gzip_payload_reaches_the_client_as_the_bytes_aws_sent() -> None:
    with pytest.warns(BinaryBodyCorruptedWarning):
        payload = response_payload(GZIP_BODY, "binary/octet-stream", PNG_TYPES)
    assert _ok(convert_response(payload, "text/plain", PNG_TYPES, None)).body == GZIP_AS_TEXT
    assert isinstance(convert_response(payload, "image/png", PNG_TYPES, None), ConversionError)


def test_request_text_already_read_by_the_event_builder_is_not_decoded_or_warned_again() -> None:
    text = GZIP_BODY.decode("utf-8", errors="replace")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = _ok(convert_request(GZIP_BODY, "image/png", NONE, None, text=text))
    assert (out.body, out.corrupted) == (GZIP_AS_TEXT, True)
    clean = _ok(convert_request(TEXT.encode(), None, NONE, None, text=TEXT))
    assert clean.corrupted is False


# --- */* and a request without Content-Type -------------------------------------------------------------


def test_request_without_content_type_is_binary_when_binary_types_hold_star_star() -> None:
    star = BinaryMediaTypes(["*/*"])
    assert is_binary_request(None, star)
    assert not is_binary_request(None, PNG_TYPES)
    assert not is_binary_request(None, NONE)
    assert is_binary_request("application/json", star)


def test_request_cors_preflight_template_with_star_star_cannot_transform_without_convert_to_text() -> None:
    star = BinaryMediaTypes(["*/*"])
    error = _failed(convert_request(b"", None, star, None, has_template=True))
    assert "Unable to transform request" in error.reason
    assert _ok(convert_request(b"", None, star, "CONVERT_TO_TEXT", has_template=True)).text == ""


# --- the response step for the shared method response ---------------------------------------------------


def test_rule_10_5_response_step_converts_the_integration_payload_whether_or_not_a_template_applies() -> None:
    # The step sees the integration's own payload: a binary backend answer under CONVERT_TO_TEXT is the
    # base64 text the template then reads, templated or not.
    step = response_conversion("application/json", PNG_TYPES, payload_content_type="image/png")
    for templates in ({"application/json": "$input.body"}, {}):
        selected = IntegrationResponse(
            "200", response_templates=templates, content_handling="CONVERT_TO_TEXT"
        )
        assert step(PNG, selected).text == PNG_B64


def test_response_step_reads_a_backend_payload_by_its_content_type() -> None:
    plain = IntegrationResponse("200")
    as_text = response_conversion("text/plain", PNG_TYPES, payload_content_type="image/png")(PNG, plain)
    assert as_text.body == PNG_B64.encode()
    as_binary = response_conversion("image/png", PNG_TYPES, payload_content_type="image/png")(PNG, plain)
    assert (as_binary.is_binary, as_binary.body) == (True, PNG)


def test_response_step_refusal_is_a_value_error_naming_the_row() -> None:
    step = response_conversion("image/png", PNG_TYPES)
    with pytest.raises(ValueError, match=r"not base64.*row: text data, a binary type"):
        step(b'{"a": 1}', IntegrationResponse("200"))


# --- text to binary: lenient about what surrounds the base64 (UNCONFIRMED) ------------------------------


def test_rule_10_5_convert_to_binary_discards_the_quotes_of_a_json_string_lambda_result() -> None:
    # A non-proxy Lambda function that returns the base64 text: its payload is a JSON string literal.
    result = json.dumps(PNG_B64)
    assert result.startswith('"')
    assert _ok(convert_response(result, None, PNG_TYPES, "CONVERT_TO_BINARY")).body == PNG
    assert _ok(convert_response(result, "image/png", PNG_TYPES, None)).body == PNG
    assert _ok(convert_response(result, None, NONE, "CONVERT_TO_BINARY")).body == PNG


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rule_10_5_convert_to_binary_discards_line_breaks_in_the_base64(newline: str) -> None:
    wrapped = base64.encodebytes(PNG * 20).decode("ascii").replace("\n", newline)
    assert newline in wrapped.rstrip()
    assert (
        _ok(convert_request(wrapped.encode(), "text/plain", PNG_TYPES, "CONVERT_TO_BINARY")).body == PNG * 20
    )
    assert _ok(convert_response(wrapped, None, PNG_TYPES, "CONVERT_TO_BINARY")).body == PNG * 20


@pytest.mark.parametrize(
    "text",
    [
        '"abc"',  # three characters left: a bad length
        "QQ==QQ==",  # padding inside the text
        "QQ=",  # short padding
        '"' + PNG_B64[:-1] + '"',  # a character lost
    ],
)
def test_rule_10_5_convert_to_binary_answers_500_when_what_remains_is_not_base64(text: str) -> None:
    error = _failed(convert_response(text, None, PNG_TYPES, "CONVERT_TO_BINARY"))
    assert "not base64" in error.reason
    assert "500" in error.reason
    with pytest.raises(binascii.Error):
        lenient_b64decode(text)


_NOISE = st.text(
    alphabet=st.sampled_from(['"', "\r", "\n", " ", "\t", "\\", "-", "_", "{", "}", "é", "\x00"])
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=64), noise=st.lists(st.tuples(st.integers(min_value=0), _NOISE), max_size=6))
def test_rule_10_5_lenient_decode_discards_any_characters_outside_the_alphabet(
    data: bytes, noise: list[tuple[int, str]]
) -> None:
    # Every path (a JSON string's quotes, the usual characters, the whole class) gives what discarding
    # every character outside the alphabet gives: the original bytes.
    text = base64.b64encode(data).decode("ascii")
    for position, extra in noise:
        at = position % (len(text) + 1)
        text = text[:at] + extra + text[at:]
    assert lenient_b64decode(text) == data
    assert lenient_b64decode('"' + text + '"') == data


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(content_handling).failed == 0


def test_rule_10_5_lenient_decode_keeps_strict_base64_as_it_is() -> None:
    assert lenient_b64decode(PNG_B64) == PNG
    assert lenient_b64decode("") == b""
    assert lenient_b64decode(' "aGk=" \n') == b"hi"


# --- properties -----------------------------------------------------------------------------------------

_HANDLING = st.sampled_from([None, "CONVERT_TO_TEXT", "CONVERT_TO_BINARY"])
_MEDIA = st.sampled_from(
    [None, "", "image/png", "image/png; q=1", "application/json", "*/*", "text/plain", "x"]
)
_TYPES = st.sampled_from(
    [NONE, PNG_TYPES, BinaryMediaTypes(["*/*"]), BinaryMediaTypes(["image/*", "text/*"])]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.binary(max_size=64),
    content_type=_MEDIA,
    types=_TYPES,
    handling=_HANDLING,
    template=st.booleans(),
)
def test_request_table_answers_every_input_with_a_payload_or_a_conversion_error(
    body: bytes, content_type: str | None, types: BinaryMediaTypes, handling: str | None, template: bool
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)
        result = convert_request(body, content_type, types, handling, has_template=template)
    if isinstance(result, ConvertedPayload):
        assert (result.text is None) == result.is_binary
        if result.text is not None:
            assert result.body == result.text.encode("utf-8")
        if template:
            assert result.text is not None  # a template only ever sees text
    else:
        assert result.reason


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(st.binary(max_size=64), st.text(max_size=64)),
    accept=_MEDIA,
    types=_TYPES,
    handling=_HANDLING,
)
def test_response_table_answers_every_input_with_a_payload_or_a_conversion_error(
    body: bytes | str, accept: str | None, types: BinaryMediaTypes, handling: str | None
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)
        result = convert_response(body, accept, types, handling)
    assert isinstance(result, (ConvertedPayload, ConversionError))
    if handling == "CONVERT_TO_TEXT" and isinstance(result, ConvertedPayload):
        assert result.text is not None


@given(body=st.binary(max_size=256))
def test_binary_body_survives_convert_to_text_then_convert_to_binary(body: bytes) -> None:
    text = _ok(convert_request(body, "image/png", PNG_TYPES, "CONVERT_TO_TEXT"))
    assert text.text is not None
    back = _ok(convert_response(text.text, "text/plain", PNG_TYPES, "CONVERT_TO_BINARY"))
    assert back.body == body
