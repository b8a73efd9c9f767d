"""The echo stack of ``conform``: shipped in the package, written out by ``conform init``, valid for
CloudFormation (cfn-lint) and for the project's SAM translation, and its function answering on every front
door of the emulator, in-process and through ``serve``."""

from __future__ import annotations

import base64
import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from apigw_emulator.application import Application
from apigw_emulator.cli import main
from apigw_emulator.conform.corpus import encode_result
from apigw_emulator.conform.stack import (
    ECHO_FRONT_DOORS,
    ECHO_STACK_FILES,
    EchoStackExistsError,
    echo_template,
    write_echo_stack,
)
from apigw_emulator.errors import BinaryBodyCorruptedWarning, GatewayErrorWarning
from apigw_emulator.template import load_template
from tests.application._serve import serving

CONTEXT_KEYS = {
    "function_name",
    "function_version",
    "invoked_function_arn",
    "memory_limit_in_mb",
    "aws_request_id",
    "log_group_name",
    "log_stream_name",
    "remaining_time_in_millis_positive",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("echo-stack")
    write_echo_stack(folder)
    return folder


@pytest.fixture(scope="module")
def application(stack: Path) -> Iterator[Application]:
    with Application.from_template(stack / "template.yaml", isolation="in-process") as app:
        yield app


def test_conform_init_writes_the_stack_as_shipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conform", "init", str(tmp_path / "echo")]) == 0
    written = sorted(p.relative_to(tmp_path / "echo").as_posix() for p in (tmp_path / "echo").rglob("*.*"))
    assert written == sorted(ECHO_STACK_FILES)
    assert (tmp_path / "echo" / "template.yaml").read_text(encoding="utf-8") == echo_template()
    assert "sam deploy --guided" in capsys.readouterr().err


def test_conform_init_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "template.yaml").write_text("mine\n")
    assert main(["conform", "init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "already exist: nothing was written (overwrite with --force)" in err
    assert err.count("\n") == 1
    assert (tmp_path / "template.yaml").read_text() == "mine\n"
    assert not (tmp_path / "echo").exists()
    with pytest.raises(EchoStackExistsError):
        write_echo_stack(tmp_path)
    assert main(["conform", "init", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "template.yaml").read_text(encoding="utf-8") == echo_template()


def test_the_echo_template_passes_cfn_lint() -> None:
    api = pytest.importorskip("cfnlint.api", reason="cfn-lint is not installed")
    assert [str(match) for match in api.lint(echo_template(), regions=["us-east-1"])] == []


def test_the_echo_template_translates_to_one_api_per_front_door(
    stack: Path, application: Application
) -> None:
    template = load_template(stack / "template.yaml")
    assert {api.logical_id for api in template.apis} == {door.api for door in ECHO_FRONT_DOORS.values()}
    kinds = {api_id: gateway.api for api_id, gateway in application.apis.items()}
    assert kinds == {door.api: door.kind for door in ECHO_FRONT_DOORS.values()}
    binary = {
        api_id: gateway.config.binary_media_types.patterns for api_id, gateway in application.apis.items()
    }
    assert binary["RestBinary"] == ECHO_FRONT_DOORS["RestBinary"].binary_media_types == ("*/*",)
    assert binary["RestText"] == ()


def _get(app: Application, name: str, *, headers: dict[str, str] | None = None, body: bytes = b"") -> Any:
    gateway = app.apis[ECHO_FRONT_DOORS[name].api]
    return gateway.request("POST", "/echo/a%20b?x=1&x=2", data=body, headers=headers or {})


@pytest.mark.parametrize("name", list(ECHO_FRONT_DOORS))
def test_the_echo_function_answers_with_its_event_and_context_on_every_front_door(
    application: Application, name: str
) -> None:
    door = ECHO_FRONT_DOORS[name]
    gateway = application.apis[door.api]
    assert (gateway.api, gateway.config.stage if door.stage else None) == (door.kind, door.stage)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    binary = name != "RestText"
    with contextlib.nullcontext() if binary else pytest.warns(BinaryBodyCorruptedWarning):
        response = _get(application, name, headers={"Content-Type": "image/png"}, body=png)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    document = response.json()
    assert set(document["context"]) == CONTEXT_KEYS
    assert document["context"]["remaining_time_in_millis_positive"] is True
    event = document["event"]
    assert event["isBase64Encoded"] is binary
    assert (base64.b64decode(event["body"]) if binary else event["body"].encode("utf-8", "replace")) == (
        png if binary else png.decode("utf-8", "replace").encode("utf-8", "replace")
    )


@pytest.mark.parametrize("name", list(ECHO_FRONT_DOORS))
def test_the_echo_function_returns_the_result_the_request_asks_for(
    application: Application, name: str
) -> None:
    result = {"statusCode": 418, "headers": {"X-Asked": "yes"}, "body": "teapot"}
    response = _get(application, name, headers={"X-Conform-Result": encode_result(result)})
    assert (response.status_code, response.headers["X-Asked"], response.text) == (418, "yes", "teapot")


def test_a_malformed_result_is_passed_to_the_front_door_as_it_is(application: Application) -> None:
    with pytest.warns(GatewayErrorWarning, match="the result is a str, not an object"):
        response = _get(application, "RestText", headers={"x-conform-result": encode_result("just a string")})
    assert (response.status_code, response.json()) == (502, {"message": "Internal server error"})


def test_a_result_header_that_is_not_base64url_json_is_a_400(application: Application) -> None:
    response = _get(application, "HttpV2", headers={"x-conform-result": "%%%not base64"})
    assert response.status_code == 400
    assert "x-conform-result is not base64url JSON" in response.json()["message"]


def test_the_echo_function_answers_on_every_front_door_through_serve(stack: Path) -> None:
    with serving("--template", "template.yaml", "--port", "0", cwd=stack, wait=60) as served:
        banner = served.read(0.1)
        urls = dict(re.findall(r"  (\w+): the .* on (http://127\.0\.0\.1:\d+)/", banner))
        assert set(urls) == {door.api for door in ECHO_FRONT_DOORS.values()}
        for name, door in ECHO_FRONT_DOORS.items():
            response = requests.post(
                urls[door.api] + "/echo/x",
                data=b"\x00\xff",
                headers={"Content-Type": "image/png"},
                timeout=30,
            )
            assert response.status_code == 200, name
            assert json.loads(response.content)["event"]["isBase64Encoded"] is (name != "RestText"), name


def test_every_api_of_the_stack_has_an_id_of_its_own(application: Application, stack: Path) -> None:
    """AWS gives each API of a stack its own id: the two REST APIs are told apart in events and hosts;
    the ids stay the same from one load to the next."""
    ids = {name: application.apis[door.api].config.api_id for name, door in ECHO_FRONT_DOORS.items()}
    assert len(set(ids.values())) == len(ids), ids
    with Application.from_template(stack / "template.yaml", isolation="in-process") as again:
        assert {name: again.apis[d.api].config.api_id for name, d in ECHO_FRONT_DOORS.items()} == ids
