"""The real-world applications (``apps/``, issue #18) through ``apigw-emulator event`` and ``invoke``, run as
a separate process as a user runs them from a shell."""

from __future__ import annotations

import json
import subprocess
import sys

from .test_real_apps import SSM_LAYER

NO_FLAG = "the command line has no --parameter-overrides (#18)"


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apigw_emulator", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_event_of_the_ssm_app_needs_no_parameter_value_and_imports_nothing() -> None:
    done = _cli("event", "/greetings/ana", "--template", str(SSM_LAYER))
    assert done.returncode == 0, done.stderr
    event = json.loads(done.stdout)
    assert event["resource"] == "/greetings/{name}"
    assert event["pathParameters"] == {"name": "ana"}


def test_cli_warning_for_a_parameter_without_default_names_the_command_line_flag() -> None:
    done = _cli("event", "/greetings/ana", "--template", str(SSM_LAYER))
    assert "Environment" in done.stderr
    assert "--parameter-overrides" in done.stderr
    assert "parameters=" not in done.stderr


def test_cli_event_takes_parameter_overrides_in_both_sam_cli_forms() -> None:
    overrides = "Environment=dev ParameterKey=TableName,ParameterValue=greetings-dev"
    done = _cli("event", "/greetings/ana", "--template", str(SSM_LAYER), "--parameter-overrides", overrides)
    assert done.returncode == 0, done.stderr
    assert "APP_ENV" not in done.stderr


def test_cli_invoke_runs_the_ssm_app_with_its_overrides() -> None:
    overrides = "Environment=prod GreetingPrefix=Howdy TableName=greetings-prod"
    done = _cli("invoke", "/greetings/ana", "--template", str(SSM_LAYER), "--parameter-overrides", overrides)
    assert done.returncode == 0, done.stderr
    head, _, body = done.stdout.partition("\n\n")
    assert head.startswith("HTTP/1.1 200")
    assert json.loads(body)["message"] == "Howdy, ana!"
