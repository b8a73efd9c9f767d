"""``apigw-emulator event`` for a route with an HTTP integration prints the request its backend would get."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from apigw_emulator.cli import main
from apigw_emulator.errors import NotEmulatedWarning

from .conftest import Backend, project
from .test_rest_http_custom import SAM_OPENAPI, _fill


def _cli(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def test_the_event_command_prints_an_http_integrations_backend_request(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path, backend: Backend
) -> None:
    path = project(tmp_path, _fill(SAM_OPENAPI, backend, refused_port=1))
    code, out, err = _cli(
        capsysbinary,
        "event",
        "/template",
        "-X",
        "POST",
        "-d",
        '{"n": 1}',
        "-H",
        "Content-Type: application/json",
        "--template",
        str(path),
    )
    assert code == 0, err
    head, _, body = out.partition("\n\n")
    lines = head.splitlines()
    assert lines[0] == f"PUT {backend.url}/submit"
    assert "Content-Type: application/json" in lines
    assert json.loads(body) == {"wrapped": {"n": 1}, "stage": "prod"}
    assert "HTTP integration" in err


def test_the_event_command_says_when_the_gateway_answers_before_the_backend(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path, backend: Backend
) -> None:
    path = project(tmp_path, _fill(SAM_OPENAPI, backend, refused_port=1))
    code, _, err = _cli(
        capsysbinary,
        "event",
        "/template",
        "-X",
        "POST",
        "-d",
        "x",
        "-H",
        "Content-Type: text/plain",
        "--template",
        str(path),
    )
    assert code != 0
    assert "answers 415 before the backend" in err
