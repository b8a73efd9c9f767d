"""The real-world applications (``tests/application/apps/``, issue #18) through the pytest plugin, in a
separate pytest run as a project's own suite would use them (``apigw_template`` ini, ``apigw`` fixture)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parent.parent / "application" / "apps"
PETS_KEY = "pets-local-key-0123456789abcdef"


def _project(pytester: pytest.Pytester, template: Path, test: str) -> None:
    pytester.makeini(f"[pytest]\napigw_template = {template}\n")
    pytester.makepyfile(textwrap.dedent(test))


def test_plugin_builds_the_openapi_apps_health_route_from_the_ini_template(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        APPS / "sam_openapi_rest" / "template.yaml",
        f"""
        def test_health(apigw):
            gw = apigw(template_api="PetsApi", function="HealthFunction")
            response = gw.request("GET", "/health", headers={{"x-api-key": "{PETS_KEY}"}})
            assert response.status_code == 200
            assert response.json() == {{"status": "ok", "stage": "v1"}}
        """,
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_rule_9_d7_plugin_openapi_token_authorizer_answers_401_without_the_token(
    pytester: pytest.Pytester,
) -> None:
    _project(
        pytester,
        APPS / "sam_openapi_rest" / "template.yaml",
        f"""
        def test_no_token(apigw):
            gw = apigw(template_api="PetsApi", function="PetsFunction")
            response = gw.request("GET", "/pets?limit=1", headers={{"x-api-key": "{PETS_KEY}"}})
            assert response.status_code == 401
        """,
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_plugin_parameter_option_overrides_ssm_parameters(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        APPS / "sam_ssm_layer" / "template.yaml",
        """
        def test_greeting(apigw):
            response = apigw().request("GET", "/greetings/ana")
            assert response.json()["message"] == "Howdy, ana!"
            assert response.json()["environment"] == "dev"
        """,
    )
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--apigw-parameter",
        "Environment=dev",
        "--apigw-parameter",
        "ParameterKey=GreetingPrefix,ParameterValue=Howdy",
    )
    result.assert_outcomes(passed=1)


def test_plugin_builds_a_cdk_stage_with_its_variables(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        APPS / "cdk_rest" / "cdk.out" / "ItemsApiStack.template.json",
        """
        def test_health(apigw):
            gw = apigw(template_api="ItemsApi3788C05C", stage="prod")
            response = gw.request("GET", "/health")
            assert response.status_code == 200
            assert response.json()["stageVariables"]["alias"] == "live"
        """,
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
