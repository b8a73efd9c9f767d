"""``$util`` in mapping templates: spec 10.3.

Sources: AWS's mapping template reference ("$util variables"); LocalStack's tests (named per test).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator.mapping import (
    TemplateRenderError,
    TemplateVariables,
    UtilVariable,
    escape_javascript,
    render_template,
)


def _render(template: str, body: str = "") -> str:
    return render_template(template, TemplateVariables(body=body))


def test_escape_javascript_escapes_double_quotes_and_backslashes() -> None:
    """``"`` and ``\\`` get a backslash (L6 test_template_mapping: ``{"foo": 123}`` ->
    ``{\\"foo\\": 123}``)."""
    assert escape_javascript('{"foo": 123}') == '{\\"foo\\": 123}'
    assert escape_javascript("a\\b") == "a\\\\b"


def test_escape_javascript_escapes_single_quotes() -> None:
    """AWS's reference: "This function will turn any regular single quotes (') into escaped ones (\\')",
    which makes the result invalid inside JSON (the reference says so)."""
    assert escape_javascript("it's") == "it\\'s"


def test_escape_javascript_escapes_control_characters_and_non_ascii() -> None:
    """JavaScript string rules (Commons Lang ``escapeJavaScript``): short escapes for \\n \\t \\r \\b \\f,
    ``\\u00XX`` for other control characters, ``\\uXXXX`` above ASCII, surrogate pairs above the BMP,
    and ``/`` as ``\\/``."""
    assert escape_javascript("a\nb\tc\r\x01") == "a\\nb\\tc\\r\\u0001"
    assert escape_javascript("é€😀") == "\\u00E9\\u20AC\\uD83D\\uDE00"
    assert escape_javascript("</script>") == "<\\/script>"


def test_escape_javascript_in_a_template_leaves_plain_text() -> None:
    """Text without special characters is unchanged (L6 test_template_mapping: ``0010``, ``true``)."""
    assert _render("$util.escapeJavaScript('0010') $util.escapeJavaScript('true')") == "0010 true"


def test_escape_javascript_of_input_json_gives_an_embeddable_string() -> None:
    """The common ``"$util.escapeJavaScript($input.json('$.message'))"`` (L6 test_template_mapping
    test_apply_template: ``\\"foobar\\"``)."""
    body = '{"action":"$default","message":"foobar"}'
    assert _render("$util.escapeJavaScript($input.json('$.message'))", body) == '\\"foobar\\"'


def test_parse_json_gives_objects_with_fields() -> None:
    """``$util.parseJson`` turns JSON text into an object whose fields a template reads (reference; L6
    test_template_mapping test_parse_json)."""
    template = '#set($o = $util.parseJson(\'{"key2":{"arr":[1,2,3]}}\'))$o.key2.arr[0] $o.key2.arr.size()'
    assert _render(template) == "1 3"


def test_parse_json_of_text_that_is_not_json_is_a_render_error() -> None:
    """Bad JSON is a clear :class:`TemplateRenderError`, not a crash."""
    with pytest.raises(TemplateRenderError, match="parseJson: the text is not JSON"):
        _render("$util.parseJson('{oops')")


def test_url_encode_is_form_encoding() -> None:
    """``$util.urlEncode`` is form encoding: space as ``+``, ``=``/``+`` percent-encoded (spec 10.3; L6
    test_template_mapping: ``x=a+b`` -> ``x%3Da%2Bb``); Java's URLEncoder keeps ``*`` and encodes ``~``."""
    assert _render("$util.urlEncode('x=a+b') $util.urlEncode('a b~*é')") == "x%3Da%2Bb a+b%7E*%C3%A9"


def test_url_decode_is_form_decoding() -> None:
    """``$util.urlDecode``: ``+`` is a space (L6 test_template_mapping: ``x=a+b`` -> ``x=a b``)."""
    assert _render("$util.urlDecode('x=a+b') $util.urlDecode('%C3%A9')") == "x=a b é"


def test_url_decode_of_a_broken_escape_is_a_render_error() -> None:
    """A ``%`` without two hex digits is refused, as Java's URLDecoder refuses it."""
    with pytest.raises(TemplateRenderError, match="not followed by two hex digits"):
        _render("$util.urlDecode('100%')")


def test_base64_encode_and_decode_round_trip_utf8() -> None:
    """``$util.base64Encode``/``base64Decode`` work on the UTF-8 bytes of the text (reference)."""
    assert _render("$util.base64Encode('héllo')") == "aMOpbGxv"
    assert _render("$util.base64Decode('aMOpbGxv')") == "héllo"


def test_base64_decode_of_text_that_is_not_base64_is_a_render_error() -> None:
    """Text outside the base64 alphabet is a clear :class:`TemplateRenderError`."""
    with pytest.raises(TemplateRenderError, match="base64Decode: the text is not base64"):
        _render("$util.base64Decode('not base64!')")


@given(st.text())
def test_escape_javascript_output_is_a_json_string_once_single_quotes_are_unescaped(text: str) -> None:
    """Whatever the text, the escaped form is a valid JavaScript string body: JSON reads it back exactly
    once the ``\\'`` escapes (JavaScript's, not JSON's) are undone. Surrogates and control characters
    included."""
    escaped = escape_javascript(text)
    assert "'" not in escaped.replace("\\'", "")
    assert json.loads('"' + escaped.replace("\\'", "'") + '"') == text


@given(st.text())
def test_url_encode_then_decode_gives_the_text_back(text: str) -> None:
    """``$util.urlDecode($util.urlEncode(x))`` is ``x`` for any text (both use UTF-8 form encoding)."""
    util = UtilVariable()
    assert util.urlDecode(util.urlEncode(text)) == text
