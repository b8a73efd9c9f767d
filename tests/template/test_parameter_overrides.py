"""SAM CLI's ``--parameter-overrides`` syntax, parsed into ``parameters=``."""

from __future__ import annotations

import pytest

from apigw_emulator.errors import ConfigurationError
from apigw_emulator.parameter_overrides import (
    ParameterOverrideError,
    parse_parameter_overrides,
    parse_parameter_pair,
)


def test_key_value_pairs_are_separated_by_spaces() -> None:
    assert parse_parameter_overrides("Stage=dev Size=30") == {"Stage": "dev", "Size": "30"}


def test_cloudformation_long_form_pairs() -> None:
    text = "ParameterKey=Stage,ParameterValue=dev ParameterKey=Zones,ParameterValue=a,b"
    assert parse_parameter_overrides(text) == {"Stage": "dev", "Zones": "a,b"}


def test_both_forms_mix() -> None:
    assert parse_parameter_overrides("ParameterKey=Stage,ParameterValue=dev Size=30") == {
        "Stage": "dev",
        "Size": "30",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Name="my api" Stage=dev', {"Name": "my api", "Stage": "dev"}),
        ("Name='my api'", {"Name": "my api"}),
        ('ParameterKey=Name,ParameterValue="my api"', {"Name": "my api"}),
        (r"Name=my\ api", {"Name": "my api"}),
        ('Quote="say \\"hi\\""', {"Quote": 'say "hi"'}),
        ("Url=https://x.example/?a=b", {"Url": "https://x.example/?a=b"}),
        ("Empty=", {"Empty": ""}),
        ('Empty=""', {"Empty": ""}),
    ],
)
def test_quoted_values_keep_their_spaces(text: str, expected: dict[str, str]) -> None:
    assert parse_parameter_overrides(text) == expected


def test_a_pseudo_parameter_can_be_overridden() -> None:
    assert parse_parameter_overrides("AWS::Region=eu-west-1") == {"AWS::Region": "eu-west-1"}


def test_several_strings_merge_and_the_last_value_wins() -> None:
    assert parse_parameter_overrides(["Stage=dev Size=1", "Stage=prod"]) == {"Stage": "prod", "Size": "1"}


def test_nothing_given_is_no_parameter() -> None:
    assert parse_parameter_overrides("   ") == {}
    assert parse_parameter_overrides([]) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('Name="my api', "No closing quotation"),
        ("Stage", "'Stage': expected KEY=VALUE"),
        ("=dev", "'' is not a parameter name"),
        ("Stage-Name=dev", "'Stage-Name' is not a parameter name"),
        ("ParameterKey=Stage", "expected ParameterKey=KEY,ParameterValue=VALUE"),
        ("ParameterKey=,ParameterValue=x", "'' is not a parameter name"),
    ],
)
def test_a_malformed_override_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(ParameterOverrideError, match=message) as caught:
        parse_parameter_overrides(text)
    assert isinstance(caught.value, ConfigurationError)


def test_one_pair_is_taken_as_it_is() -> None:
    assert parse_parameter_pair("Name=my api=1") == ("Name", "my api=1")
    with pytest.raises(ParameterOverrideError, match="expected KEY=VALUE"):
        parse_parameter_pair("Name")
