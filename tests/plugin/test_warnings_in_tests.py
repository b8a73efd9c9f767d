"""The library's warnings in another project's tests: under ``filterwarnings = error`` an expected 404 or
413 passes quietly, an unexpected one fails with the reason in its report; outside pytest they stay
warnings."""

from __future__ import annotations

import subprocess
import sys

import pytest

STRICT_INI = "[pytest]\nfilterwarnings = error\n"

NEGATIVE_PATHS = """
import pytest
from apigw_emulator import Gateway, GatewayErrorWarning


def handler(event, context):
    return {"statusCode": 200, "body": "ok"}


def test_unknown_route_is_404():
    gw = Gateway(handler, api="http", routes=["GET /items"])
    assert gw.request("GET", "/nope").status_code == 404


def test_oversized_body_is_413():
    gw = Gateway(handler, api="rest")
    assert gw.request("POST", "/upload", data=b"x" * (10 * 1024 * 1024 + 1)).status_code == 413


def test_pytest_warns_still_sees_the_warning():
    gw = Gateway(handler, api="http", routes=["GET /items"])
    with pytest.warns(GatewayErrorWarning, match="no route matches GET '/nope'"):
        gw.request("GET", "/nope")


def test_fixture_gateways_too(apigw):
    assert apigw(handler, routes=["GET /items"]).request("GET", "/nope").status_code == 403


def test_recwarn_records_them(recwarn):
    Gateway(handler, api="http", routes=["GET /items"]).request("GET", "/nope")
    assert [w.category for w in recwarn.list] == [GatewayErrorWarning]


def test_other_warnings_keep_the_project_filters():
    import warnings
    warnings.warn("not the emulator's", DeprecationWarning)
"""


def test_expected_gateway_errors_pass_under_filterwarnings_error(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(test_negative=NEGATIVE_PATHS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    # The DeprecationWarning is still an error: only the emulator's own warnings are reported instead.
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["E   *DeprecationWarning: not the emulator's"])
    assert "GatewayErrorWarning" not in result.stdout.str()


UNEXPECTED = """
from apigw_emulator import Gateway


def handler(event, context):
    return {"statusCode": 200, "body": "ok"}


def test_expects_200_but_the_route_is_missing():
    gw = Gateway(handler, api="http", routes=["GET /items"])
    assert gw.request("GET", "/itemz").status_code == 200
"""


def test_an_unexpected_gateway_error_explains_itself_in_the_report(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(test_unexpected=UNEXPECTED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Captured apigw-emulator warnings call*",
            "GatewayErrorWarning: the http front door answers 404: no route matches GET '/itemz'*",
        ]
    )


def test_warn_mode_gives_ordinary_warnings_back(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_INI + "apigw_warnings = warn\n")
    pytester.makepyfile(test_negative=NEGATIVE_PATHS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    # Now the negative paths without pytest.warns or recwarn fail on the warning, as filterwarnings says.
    result.assert_outcomes(passed=2, failed=4)
    result.stdout.fnmatch_lines(["*GatewayErrorWarning: the http front door answers 404*"])


def test_an_unknown_mode_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\napigw_warnings = loud\n")
    pytester.makepyfile("def test_it():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(["*apigw_warnings = 'loud': use one of report, warn*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_outside_pytest_the_library_still_warns() -> None:
    code = (
        "from apigw_emulator import Gateway\n"
        "gw = Gateway(lambda e, c: {'statusCode': 200}, api='http', routes=['GET /items'])\n"
        "print(gw.request('GET', '/nope').status_code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "404"
    assert "GatewayErrorWarning: the http front door answers 404: no route matches GET '/nope'" in done.stderr
