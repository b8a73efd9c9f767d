"""The public entry point: configuration, URLs, errors, exports."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import apigw_emulator
from apigw_emulator import ConfigurationError, EventFormatError, Gateway, request_from_event


@pytest.mark.parametrize(
    ("kwargs", "url"),
    [
        (
            {"api": "rest", "api_id": "abc1234567", "region": "eu-west-1"},
            "https://abc1234567.execute-api.eu-west-1.amazonaws.com/Prod",
        ),
        (
            {"api": "rest", "api_id": "abc1234567", "stage": "live"},
            "https://abc1234567.execute-api.us-east-1.amazonaws.com/live",
        ),
        ({"api": "http", "api_id": "abc1234567"}, "https://abc1234567.execute-api.us-east-1.amazonaws.com"),
        (
            {"api": "http", "api_id": "abc1234567", "stage": "beta"},
            "https://abc1234567.execute-api.us-east-1.amazonaws.com/beta",
        ),
        ({"api": "function-url", "api_id": "u" * 32}, f"https://{'u' * 32}.lambda-url.us-east-1.on.aws"),
        ({"api": "rest", "domain_name": "api.example.com"}, "https://api.example.com"),
    ],
)
def test_gateway_url_is_what_a_client_calls(kwargs: dict[str, Any], url: str) -> None:
    assert Gateway(None, **kwargs).url == url


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"api": "graphql"}, "unknown api 'graphql'"),
        ({"api": "http", "binary_media_types": ["image/png"]}, "only applies to REST"),
        ({"api": "rest", "binary_media_types": ["png"]}, "invalid binary media type"),
        ({"api": "rest", "stage": "bad stage"}, "invalid REST stage name"),
        ({"api": "rest", "endpoint_type": "GLOBAL"}, "unknown endpoint_type"),
        ({"api": "rest", "base_path": "v1"}, "give domain_name too"),
        ({"api": "rest", "routes": ["GET /{proxy+}/x"]}, "must be the last segment"),
        ({"api": "rest", "routes": ["$default"]}, "REST APIs have no \\$default"),
        ({"api": "rest", "scheme": "http"}, "https only"),
        ({"api": "function-url", "stage": "beta"}, "has no stages"),
    ],
)
def test_bad_configuration_is_a_precise_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Gateway(None, **kwargs)


def test_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="binary_mediatypes"):
        Gateway(None, api="rest", binary_mediatypes=["image/png"])


def test_event_paths_are_relative_to_the_url() -> None:
    gw = Gateway(None, api="rest", stage="live")
    assert gw.build_request("GET", "shape").path == "/live/shape"
    assert gw.build_request("GET", f"{gw.url}/shape?x=1").target == "/live/shape?x=1"


def test_from_event_rejects_dicts_that_are_not_events() -> None:
    with pytest.raises(EventFormatError, match="no requestContext"):
        request_from_event({"body": "x"})
    with pytest.raises(EventFormatError, match="cannot tell the front door"):
        request_from_event({"requestContext": {}})


def test_public_names_are_exported_sorted_and_resolve() -> None:
    names = apigw_emulator.__all__
    assert names == sorted(set(names))
    for name in names:
        assert getattr(apigw_emulator, name) is not None, name
        assert name in dir(apigw_emulator)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = apigw_emulator.Nope


def test_importing_the_package_loads_no_driver() -> None:
    code = "import sys, apigw_emulator; print('requests' in sys.modules, 'orjson' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
