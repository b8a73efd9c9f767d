"""Deployability: the SAM template (cfn-lint), the runtime requirements, and both import styles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

from .conftest import BINARY_MEDIA_TYPES, image_bytes, rest_gateway

TEMPLATE = ROOT / "template.yaml"
FUNCTION_DIR = ROOT / "function"
REQUIREMENTS = FUNCTION_DIR / "requirements.txt"

#: Run in a fresh interpreter: import the handler (``IMPORT`` sets ``handler``), answer the event on stdin,
#: print the response and the third-party top-level modules that this imported.
PROBE = """
import json, sys, sysconfig
before = set(sys.modules)
{import_handler}
response = handler(json.load(sys.stdin), None)
site = sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]
third_party = sorted({{
    name.split(".")[0] for name, module in list(sys.modules.items())
    if name not in before and (getattr(module, "__file__", None) or "").startswith(site)
}})
print(json.dumps({{"response": response, "third_party": third_party}}))
"""
IMPORT_STYLES = {
    # SAM: CodeUri function/ is the code root, Handler app.lambda_handler.
    "sam": "import importlib; sys.path.insert(0, {function_dir!r}); "
    "handler = importlib.import_module('app').lambda_handler",
    # The repository: function is a package.
    "package": "sys.path.insert(0, {root!r}); from function.app import lambda_handler as handler",
}


def template() -> Any:
    """The decoded template (short-form intrinsics such as !Ref included), or skip without cfn-lint."""
    decode = pytest.importorskip("cfnlint.decode", reason="cfn-lint is not installed")
    decoded, matches = decode.decode_str(TEMPLATE.read_text(encoding="utf-8"))
    assert not matches
    return decoded


def lint(text: str) -> list[str]:
    """cfn-lint's findings for a template text (its Python API, all rules, us-east-1)."""
    api = pytest.importorskip("cfnlint.api", reason="cfn-lint is not installed")
    return [str(match) for match in api.lint(text, regions=["us-east-1"])]


def test_template_passes_cfn_lint() -> None:
    """No error, warning or informational finding."""
    assert lint(TEMPLATE.read_text(encoding="utf-8")) == []


def test_cfn_lint_would_catch_a_mistake() -> None:
    """The lint is not vacuous: a memory size under Lambda's minimum is reported."""
    broken = TEMPLATE.read_text(encoding="utf-8").replace("MemorySize: 512", "MemorySize: 5")
    assert any("E3034" in finding for finding in lint(broken))


def test_template_deploys_the_function_as_the_tests_run_it() -> None:
    """Code, handler, runtime and limits; the REST API's binary media types are the ones the tests use."""
    decoded = template()
    resources = decoded["Resources"]
    function = resources["ImageFunction"]["Properties"]
    assert (function["CodeUri"], function["Handler"], function["Runtime"]) == (
        "function/",
        "app.lambda_handler",
        "python3.13",
    )
    assert decoded["Globals"]["Function"] == {"Timeout": 10, "MemorySize": 512}
    assert resources["ImageRestApi"]["Properties"]["BinaryMediaTypes"] == BINARY_MEDIA_TYPES
    assert resources["ImageHttpApi"]["Type"] == "AWS::Serverless::HttpApi"
    routes = {
        (event["Type"], event["Properties"]["Path"], event["Properties"]["Method"])
        for event in function["Events"].values()
    }
    assert routes == {
        ("Api", "/{proxy+}", "post"),
        ("Api", "/{proxy+}", "options"),
        ("HttpApi", "/{proxy+}", "post"),
        ("HttpApi", "/{proxy+}", "options"),
    }


def requirement_names() -> set[str]:
    """The distribution names in function/requirements.txt, lower-cased."""
    lines = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
    return {
        line.split(">=")[0].strip().lower() for line in lines if line.strip() and not line.startswith("#")
    }


def run_probe(style: str) -> dict[str, Any]:
    """Answer a REST event in a fresh interpreter, the handler imported in ``style``."""
    import_handler = IMPORT_STYLES[style].format(function_dir=str(FUNCTION_DIR), root=str(ROOT))
    event = rest_gateway().event(
        "POST", "/shape", headers={"Content-Type": "image/jpeg"}, body=image_bytes("photo-400x600.jpg")
    )
    completed = subprocess.run(
        [sys.executable, "-c", PROBE.format(import_handler=import_handler)],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        check=True,
        cwd=Path("/"),
        timeout=60,
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


@pytest.mark.parametrize("style", sorted(IMPORT_STYLES))
def test_both_import_styles_answer_without_numpy(style: str) -> None:
    """``app`` (as SAM deploys it) and ``function.app`` both work; numpy is never imported, and the only
    third-party modules loaded are the ones function/requirements.txt installs."""
    result = run_probe(style)
    assert result["response"]["statusCode"] == 200
    assert json.loads(result["response"]["body"]) == [600, 400, 3]
    assert "numpy" not in result["third_party"]
    assert set(result["third_party"]) == {"PIL", "pybase64"}
    assert requirement_names() == {"pillow", "pybase64"}
