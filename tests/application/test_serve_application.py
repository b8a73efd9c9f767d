"""``apigw-emulator serve --template`` with no other flag serves every API of the template, each route to
its own function (issue #11)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.runtime.test_serve_environments import Served

from ._serve import serving
from .test_application import template, write_iam_project  # noqa: F401 - the fixture


@pytest.fixture
def served(template: Path) -> Iterator[Served]:  # noqa: F811 - the fixture imported above
    with serving("--template", str(template), "--port", "0", cwd=template.parent, wait=30) as served:
        yield served


def _url(banner: str, api: str) -> str:
    found = re.search(rf"  {api}: the .* on (http://127\.0\.0\.1:\d+)/", banner)
    assert found, banner
    return found[1]


def test_serve_serves_every_api_of_the_template(served: Served) -> None:
    banner = served.read(0.1)
    assert banner.startswith("apigw-emulator: serving the application of ")
    assert "    POST /shape -> ShapeFunction\n    ANY /{proxy+} -> RouterFunction" in banner
    assert "  UrlFunctionUrl: the Lambda function URL on " in banner
    rest, http, url = (_url(banner, api) for api in ("Rest", "Http", "UrlFunctionUrl"))
    assert len({rest, http, url}) == 3  # a port each
    assert requests.post(rest + "/shape", data=b"x", timeout=30).json()["function"] == "ShapeFunction"
    assert requests.get(rest + "/elsewhere", timeout=30).json()["function"] == "RouterFunction"
    assert requests.post(http + "/shape", data=b"x", timeout=30).json()["route"] == "POST /shape"
    assert requests.delete(url + "/any", timeout=30).json()["function"] == "UrlFunction"
    assert "START RequestId: " in served.read()  # the functions' log lines


def test_serve_reports_a_broken_function_of_the_application(template: Path) -> None:  # noqa: F811
    (next((template.parent / "router").glob("*.py"))).write_text("import not_there_at_all\n")
    done = subprocess.run(
        [sys.executable, "-m", "apigw_emulator", "serve", "--template", str(template), "--port", "0"],
        cwd=template.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "needs the module 'not_there_at_all'" in done.stderr


def test_serve_says_what_the_template_configures_that_is_not_emulated(tmp_path: Path) -> None:
    write_iam_project(tmp_path)
    with serving("--template", "template.yaml", "--port", "0", cwd=tmp_path, ready="not emulated") as served:
        text = served.read(0.1)
        assert (
            "  not emulated: ServerlessRestApi: AWS_IAM routes (GET /x) refuse unsigned requests as AWS "
            "does; a SigV4 signature is not checked against credentials"
        ) in text
        url = text.split(" on ", 1)[1].split("/\n", 1)[0]
        unsigned = requests.get(url + "/x", timeout=30)
        assert (unsigned.status_code, unsigned.json()) == (403, {"message": "Missing Authentication Token"})
        signature = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/execute-api/aws4_request, "
        signed = requests.get(url + "/x", headers={"Authorization": signature + "Signature=abc"}, timeout=30)
        assert signed.status_code == 200
