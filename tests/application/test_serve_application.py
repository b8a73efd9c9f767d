"""``apigw-emulator serve --template`` with no other flag serves every API of the template, each route to
its own function (issue #11)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.runtime.test_serve_environments import Served

from .test_application import template  # noqa: F401 - the fixture


@pytest.fixture
def served(template: Path) -> Iterator[Served]:  # noqa: F811 - the fixture imported above
    process = subprocess.Popen(
        [sys.executable, "-m", "apigw_emulator", "serve", "--template", str(template), "--port", "0"],
        cwd=template.parent,
        stderr=subprocess.PIPE,
    )
    served = Served(process, "")
    text = ""
    deadline = time.monotonic() + 30
    while " run in " not in text and time.monotonic() < deadline and process.poll() is None:
        text = served.read(0.2)
    assert " run in " in text, text
    try:
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


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
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return {'statusCode': 200}\n")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, CodeUri: ., Handler: app.handler, Events: {Get: {Type: Api,\n"
        "      Properties: {Path: /x, Method: get, Auth: {Authorizer: AWS_IAM}}}}}\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "apigw_emulator", "serve", "--template", "template.yaml", "--port", "0"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
    )
    served = Served(process, "")
    try:
        text = ""
        deadline = time.monotonic() + 30
        while "not emulated" not in text and time.monotonic() < deadline and process.poll() is None:
            text = served.read(0.2)
        assert (
            "  not emulated: Resources.Fn.Properties.Events.Get.Properties.Auth: "
            "IAM (SigV4) authorization is not enforced"
        ) in text
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
