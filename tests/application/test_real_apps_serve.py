"""The real-world applications (``apps/``, issue #18) behind ``apigw-emulator serve`` and real ``curl``, as a
user runs them from a shell. Expected answers come from the spec (§9, §10); a test the emulator fails today is
``xfail(strict=True)`` with the missing feature."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from tests.runtime.test_serve_environments import Served

from ._serve import serving
from .test_real_apps import (
    CDK_ITEMS,
    HTTP_AUTHORIZER,
    OPENAPI_REST,
    PETS_KEY,
    SSM_LAYER,
)
from .test_sample_serve import CURL, curl

pytestmark = pytest.mark.skipif(CURL is None, reason="the curl binary is not installed")


def _url(served: Served, api: str) -> str:
    """The URL the banner gives the API (a template with one API is served as that API alone)."""
    banner = served.read(0.1)
    found = re.search(rf"  {api}: the .* on (http://127\.0\.0\.1:\d+\S*)", banner) or re.search(
        r"serving the .* on (http://127\.0\.0\.1:\d+\S*)", banner
    )
    assert found, banner
    return found[1].rstrip("/")


@pytest.fixture(scope="module")
def pets_served() -> Iterator[Served]:
    with serving("--template", str(OPENAPI_REST), "--port", "0") as served:
        yield served


def test_serve_openapi_app_answers_a_keyed_request_to_its_public_method(pets_served: Served) -> None:
    status, _, body = curl(_url(pets_served, "PetsApi") + "/health", "-H", f"x-api-key: {PETS_KEY}")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "stage": "v1"}


def test_rule_9_d7_serve_openapi_token_authorizer_answers_401_without_the_token(pets_served: Served) -> None:
    """The 401 is the app's customised UNAUTHORIZED gateway response (rule 10.2): its template and headers."""
    url = _url(pets_served, "PetsApi")
    status, headers, body = curl(url + "/pets?limit=1", "-H", f"x-api-key: {PETS_KEY}")
    assert status == 401
    assert json.loads(body) == {"message": "Unauthorized", "hint": "send Authorization: Bearer <token>"}
    assert headers["www-authenticate"] == 'Bearer realm="pets"'
    status, headers, body = curl(url + "/nowhere")  # MISSING_AUTHENTICATION_TOKEN, customised to 404
    assert (status, json.loads(body), headers["access-control-allow-origin"]) == (
        404,
        {"message": "Not Found"},
        "*",
    )


def test_rule_10_1_serve_validator_refuses_a_missing_required_query_string(pets_served: Served) -> None:
    """The OpenAPI default validator's 400, through the app's customised DEFAULT_4XX (its CORS header)."""
    url = _url(pets_served, "PetsApi")
    status, headers, body = curl(
        url + "/pets", "-H", f"x-api-key: {PETS_KEY}", "-H", "Authorization: Bearer allow-ana"
    )
    assert status == 400
    assert json.loads(body) == {"message": "Missing required request parameters: [limit]"}
    assert headers["access-control-allow-origin"] == "*"


def test_rule_9_d27_serve_http_authorizer_app_with_function_invoke_role() -> None:
    with serving("--template", str(HTTP_AUTHORIZER), "--port", "0") as served:
        url = _url(served, "NotesHttpApi")
        assert curl(url + "/notes")[0] == 401
        status, _, body = curl(
            url + "/notes", "-H", "Authorization: Bearer token-acme", "-H", "X-Tenant-Id: acme"
        )
        assert status == 200
        assert json.loads(body)["authorizer"]["lambda"]["tenant"] == "acme"
        assert curl(url + "/health")[0] == 200


def test_rule_10_4_serve_cdk_stage_dev_with_its_variables_and_mock_preflight() -> None:
    with serving("--template", str(CDK_ITEMS), "--stage", "dev", "--port", "0") as served:
        url = _url(served, "ItemsApi3788C05C")
        status, _, body = curl(url + "/health")
        assert status == 200
        assert json.loads(body)["stageVariables"]["alias"] == "dev"
        status, headers, body = curl(
            "-X",
            "OPTIONS",
            url + "/items",
            "-H",
            "Origin: https://items.example.com",
            "-H",
            "Access-Control-Request-Method: POST",
        )
        assert status == 204
        assert headers["access-control-allow-origin"] == "https://items.example.com"
        assert body == b""


def test_serve_parameter_overrides_in_sam_cli_syntax_win_over_ssm() -> None:
    overrides = "Environment=dev ParameterKey=GreetingPrefix,ParameterValue=Howdy TableName=greetings-dev"
    with serving(
        "--template", str(SSM_LAYER), "--parameter-overrides", overrides, "--port", "0", ready=" runs in "
    ) as served:
        status, _, body = curl(_url(served, "ServerlessRestApi") + "/greetings/ana")
        assert status == 200
        assert json.loads(body)["message"] == "Howdy, ana!"
