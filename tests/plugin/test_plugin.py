"""The pytest plugin, tested as users meet it: in a separate pytest run with pytester."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "sample_project"


def test_sample_lambda_project_uses_only_the_installed_plugin(pytester: pytest.Pytester) -> None:
    for path in SAMPLE_PROJECT.glob("*.py"):
        shutil.copy(path, pytester.path / path.name)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=4)


def test_help_lists_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*apigw-emulator*", "*--apigw-api=*", "*--apigw-template=PATH*"])


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.apigw(**options)*"])


def test_unknown_marker_option_is_rejected_by_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.apigw(binary_mediatypes=["image/png"])
        def test_it(apigw):
            apigw(None)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown option(s) binary_mediatypes*"])


def test_command_line_and_ini_set_the_default_front_door(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\napigw_api = function-url\n")
    pytester.makepyfile(
        """
        def test_ini(apigw, request):
            expected = request.config.getoption("apigw_api") or "function-url"
            assert apigw(None).api == expected
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.runpytest("--apigw-api", "alb").assert_outcomes(passed=1)


def test_precedence_call_over_marker_over_overridden_options(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def apigw_options():
            return {"api": "http", "stage": "beta"}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.apigw(stage="module")

        @pytest.mark.apigw(stage="test")
        def test_marker_beats_module_marker_and_options(apigw):
            assert apigw(None).config.stage == "test"
            assert apigw(None).api == "http"

        def test_module_marker(apigw):
            assert apigw(None).config.stage == "module"

        @pytest.mark.apigw(stage="test")
        def test_call_beats_marker(apigw):
            assert apigw(None, stage="call").config.stage == "call"
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_importing_the_plugin_does_not_import_the_library() -> None:
    code = (
        "import sys, apigw_emulator.pytest_plugin; print('requests' in sys.modules, 'orjson' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # The package __init__ comes with the plugin; the drivers and their dependencies do not.
    assert out.split() == ["False", "False"]


SERVER_TESTS = """
import requests


def handler(event, context):
    return {"statusCode": 200, "body": event["rawPath"]}


def test_serves_the_tests_gateway(apigw, apigw_server):
    url = apigw_server.serve(apigw(handler, api="http")).url
    assert requests.get(url + "/first", timeout=5).text == "/first"


def test_is_cleared_after_each_test(apigw_server):
    answer = requests.get(apigw_server.url + "/x", timeout=5)
    assert answer.status_code == 503
    assert "apigw_server.serve" in answer.json()["message"]
"""


def test_server_fixture_is_shared_and_cleared_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_server=SERVER_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_server_fixture_works_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_server_a=SERVER_TESTS, test_server_b=SERVER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile")
    result.assert_outcomes(passed=4)


ROOT = Path(__file__).resolve().parent.parent.parent

TEMPLATE_TESTS = """
from pathlib import Path

import pytest

JPEG = Path("photo-400x600.jpg").read_bytes()


@pytest.fixture
def apigw_options():  # the README's project-wide defaults
    return {"api": "rest", "binary_media_types": ["multipart~1form-data", "image~1*"]}


def test_api_rest_picks_the_templates_rest_api(apigw):
    gw = apigw()
    assert (gw.api, gw.config.stage) == ("rest", "Prod")
    form = {"image": ("cat.jpg", JPEG)}
    assert gw.request("POST", "/shape", files=form).json() == [[600, 400, 3]]


@pytest.mark.apigw(api="http", binary_media_types=[])
def test_a_marker_picks_the_http_api(apigw):
    assert apigw().request("POST", "/shape", data=JPEG, headers={"Content-Type": "image/jpeg"}).json() == [
        600, 400, 3
    ]


@pytest.mark.apigw(api="http-v1")
def test_a_front_door_the_template_does_not_have_says_so(apigw):
    with pytest.raises(Exception, match="make it the 'http' front door"):
        apigw()


@pytest.mark.apigw(template_api="ImageHttpApi", api="http", binary_media_types=[])
def test_template_api_is_the_logical_id(apigw):
    assert apigw().api == "http"


def test_template_choices_without_a_template_are_a_usage_error(apigw):
    with pytest.raises(pytest.UsageError, match="template_api choose in a template"):
        apigw(lambda event, context: {}, template_api="ImageRestApi")
"""


def test_api_means_the_front_door_in_template_mode_too(pytester: pytest.Pytester) -> None:
    shutil.copy(ROOT / "template.yaml", pytester.path / "template.yaml")
    shutil.copytree(ROOT / "function", pytester.path / "function")
    shutil.copy(ROOT / "fixtures" / "images" / "photo-400x600.jpg", pytester.path)
    pytester.makeini("[pytest]\nfilterwarnings = error\napigw_template = template.yaml\n")
    pytester.makepyfile(test_template=TEMPLATE_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=5)


def test_jwt_issuer_fixture_signs_tokens_its_jwks_verifies(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from apigw_emulator.authorizers.tokens import verify_jwt
        from apigw_emulator.testing import JwtIssuer

        def test_it(jwt_issuer):
            assert isinstance(jwt_issuer, JwtIssuer)
            token = jwt_issuer.token("alice", scopes=["orders/read"])
            claims = verify_jwt(
                token, jwks=jwt_issuer.jwks, issuers=[jwt_issuer.issuer], audiences=["test-audience"]
            )
            assert claims["sub"] == "alice"

        def test_a_fresh_key_per_test(jwt_issuer, request):
            assert jwt_issuer.key_id == "test-key"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_jwt_issuer_fixture_errors_naming_the_extra_without_pyjwt(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import sys

        sys.modules["jwt"] = None
        """
    )
    pytester.makepyfile("def test_it(jwt_issuer):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--tb=line")
    result.assert_outcomes(errors=1)
    message = 'ConfigurationError: checking JSON Web Tokens needs PyJWT and cryptography: pip install "'
    assert message + "PyJWT[crypto]\" (apigw-emulator's jwt extra)" in result.stdout.str()


SAMPLE_APP_TESTS = """
import pytest


@pytest.mark.apigw(template_api="RestApi")
def test_the_rest_api_runs_its_token_authorizer(apigw):
    gw = apigw()
    assert gw.request("GET", "/items", headers={"Authorization": "Bearer allow-ann"}).json()["function"] == (
        "ItemsFunction"
    )
    with pytest.warns(Warning, match="401"):
        assert gw.request("GET", "/items").status_code == 401


def test_the_http_api_checks_tokens_of_the_jwt_issuer_fixture(apigw, jwt_issuer):
    gw = apigw(template_api="HttpApi", jwks={"JwtAuth": jwt_issuer.jwks})
    token = jwt_issuer.token("ann", audience="sample-app", scopes=["profile.read"])
    seen = gw.request("GET", "/me", headers={"Authorization": token}).json()
    assert seen["authorizer"]["jwt"]["claims"]["sub"] == "ann"
    team = gw.request("GET", "/team", headers={"X-User": "ann"}).json()
    assert team["authorizer"]["lambda"]["user"] == "ann"
"""


def test_the_sample_application_through_the_plugin(pytester: pytest.Pytester) -> None:
    sample = Path(__file__).resolve().parent.parent / "application" / "sample_app"
    shutil.copytree(sample, pytester.path / "sample_app")
    pytester.makeini("[pytest]\nfilterwarnings = error\napigw_template = sample_app/template.yaml\n")
    pytester.makepyfile(test_sample_app=SAMPLE_APP_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


PARAMETERS_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
  Greeting:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/greeting
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      InlineCode: |
        import json, os
        def handler(event, context):
            return {"statusCode": 200, "body": json.dumps(os.environ.get("GREETING"))}
      Handler: index.handler
      Environment:
        Variables:
          GREETING: !Ref Greeting
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /hello
            Method: GET
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref Stage
"""

PARAMETERS_TESTS = """
def test_parameters(apigw):
    gw = apigw()
    event = gw.event("GET", "/hello")
    assert event["requestContext"]["stage"] == {stage!r}
    assert gw.request("GET", "/hello").json() == {greeting!r}


def test_a_call_overrides_one_key(apigw):
    gw = apigw(parameters={{"Stage": "call"}})
    assert gw.event("GET", "/hello")["requestContext"]["stage"] == "call"
    assert gw.request("GET", "/hello").json() == {greeting!r}
"""


def test_template_parameters_from_the_ini_value_and_the_command_line(pytester: pytest.Pytester) -> None:
    (pytester.path / "template.yaml").write_text(PARAMETERS_TEMPLATE)
    pytester.makeini(
        "[pytest]\napigw_template = template.yaml\napigw_parameters =\n    Stage=qa\n    Greeting=from ini\n"
    )
    pytester.makepyfile(test_params=PARAMETERS_TESTS.format(stage="prod", greeting="hello there"))
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--apigw-parameter", "Stage=prod", "--apigw-parameter=Greeting=hello there"
    )
    result.assert_outcomes(passed=2)


def test_a_malformed_apigw_parameter_is_a_usage_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "template.yaml").write_text(PARAMETERS_TEMPLATE)
    pytester.makeini("[pytest]\napigw_template = template.yaml\n")
    pytester.makepyfile("def test_it(apigw):\n    apigw()\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--apigw-parameter", "Stage")
    result.assert_outcomes(errors=1)
    assert "--apigw-parameter: parameter 'Stage': expected KEY=VALUE" in result.stdout.str()
