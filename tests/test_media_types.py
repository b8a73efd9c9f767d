"""Binary media type rules (spec 5.1, 5.5) and the text/binary split of HTTP APIs, URLs and ALB (3.3)."""

from __future__ import annotations

import pytest

from apigw_emulator import BinaryMediaTypes, ConfigurationError
from apigw_emulator.media_types import essence, is_text_media_type


def test_rule_5_1_parameters_are_ignored() -> None:
    assert BinaryMediaTypes(["multipart/form-data"]).matches("multipart/form-data; boundary=xyz")
    assert BinaryMediaTypes(["text/csv"]).matches("text/csv;charset=utf-8")


def test_rule_5_1_type_wildcard_matches_subtypes_only_of_that_type() -> None:
    bmt = BinaryMediaTypes(["image/*"])
    assert bmt.matches("image/png")
    assert bmt.matches("image/jpg")
    assert not bmt.matches("application/octet-stream")
    assert not bmt.matches("imagex/png")


def test_rule_5_1_star_star_matches_everything_including_json() -> None:
    assert BinaryMediaTypes(["*/*"]).matches("application/json")


def test_rule_5_1_left_wildcard_does_not_work() -> None:
    assert not BinaryMediaTypes(["*/json"]).matches("application/json")


def test_rule_5_1_no_content_type_matches_nothing_not_even_star_star() -> None:
    assert not BinaryMediaTypes(["*/*"]).matches(None)
    assert not BinaryMediaTypes(["*/*"]).matches("")


def test_rule_5_1_matching_is_case_insensitive() -> None:
    assert BinaryMediaTypes(["Image/PNG"]).matches("image/png")
    assert BinaryMediaTypes(["image/png"]).matches("IMAGE/PNG")


def test_rule_5_5_sam_tilde_one_spelling_is_accepted() -> None:
    bmt = BinaryMediaTypes(["multipart~1form-data", "image~1*"])
    assert bmt.patterns == ("multipart/form-data", "image/*")
    assert bmt.matches("multipart/form-data; boundary=1")
    assert bmt.matches("image/webp")


@pytest.mark.parametrize("bad", ["image", "image/png; q=1", "/png", "image/", "a/b/c", ""])
def test_invalid_binary_media_type_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="invalid binary media type"):
        BinaryMediaTypes([bad])


def test_essence_strips_parameters_and_lowercases() -> None:
    assert essence(" Text/HTML ; charset=UTF-8") == "text/html"
    assert essence(None) == ""


@pytest.mark.parametrize(
    ("content_type", "text"),
    [
        ("text/plain", True),
        ("text/csv; charset=utf-8", True),
        ("application/json", True),
        ("application/xml", True),
        ("application/javascript", True),
        ("application/x-www-form-urlencoded", False),
        ("multipart/form-data; boundary=x", False),
        ("application/octet-stream", False),
        ("image/png", False),
        (None, False),
        ("application/problem+json", False),
    ],
)
def test_rule_3_3_text_types_of_http_apis(content_type: str | None, text: bool) -> None:
    assert is_text_media_type(content_type) is text
