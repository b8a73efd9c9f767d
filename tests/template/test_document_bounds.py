"""A template cannot hang or crash the loader: YAML alias expansion and nesting are bounded (issue #20 items
6 and 13). Each attack is a :class:`TemplateError` in the library and one line with exit 2 from ``serve``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from apigw_emulator import Gateway
from apigw_emulator.errors import MissingEnvironmentWarning
from apigw_emulator.template import TemplateError
from apigw_emulator.templates.yaml_loader import MAX_NESTING, MAX_VALUES, load_document

FUNCTION = """
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: .
      Handler: app.handler
      Environment:
        Variables:
          VALUE: {value}
      Events:
        Get:
          Type: HttpApi
          Properties: {{Path: /x, Method: get}}
"""


def _laughs(levels: int) -> str:
    """A "billion laughs" ladder: each anchor a list of nine aliases of the one before."""
    lines = ['  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "\n".join(lines)


def _template(tmp_path: Path, text: str, name: str = "template.yaml") -> Path:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return {'statusCode': 200}\n")
    path = tmp_path / name
    path.write_text(text)
    return path


def _bomb(tmp_path: Path) -> Path:
    text = "Transform: AWS::Serverless-2016-10-31\nMetadata:\n" + _laughs(9) + "\nResources:"
    return _template(tmp_path, text + FUNCTION.format(value="!Join ['', *l8]"))


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


ATTACKS = {
    "billion-laughs-referenced-from-an-environment-variable": (
        _bomb,
        f"the YAML aliases expand the document to more than {MAX_VALUES:,} values",
    ),
    "alias-to-the-node-that-contains-it": (
        lambda tmp: _template(
            tmp, "Resources:\n  Loop: &loop\n    Type: AWS::Serverless::Function\n    Properties: [*loop]\n"
        ),
        "the YAML alias *loop (line 4) refers to a node that contains it",
    ),
    "yaml-nested-50000-deep": (
        lambda tmp: _template(tmp, "Resources:\n  X: " + _nested(50_000) + "\n"),
        f"mappings and lists nest more than {MAX_NESTING} levels deep (line 2)",
    ),
    "json-nested-50000-deep": (
        lambda tmp: _template(tmp, '{"Resources": {"X": ' + _nested(50_000) + "}}", "template.json"),
        f"mappings and lists nest more than {MAX_NESTING} levels deep",
    ),
    "json-nested-past-the-limit": (
        lambda tmp: _template(tmp, '{"Resources": {"X": ' + _nested(MAX_NESTING) + "}}", "template.json"),
        f"mappings and lists nest more than {MAX_NESTING} levels deep",
    ),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_unbounded_template_is_a_template_error(tmp_path: Path, attack: str) -> None:
    make, message = ATTACKS[attack]
    with pytest.raises(TemplateError) as info:
        Gateway.from_template(make(tmp_path))
    assert message in str(info.value)
    assert "the template cannot be read" in str(info.value)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_serve_refuses_an_unbounded_template_in_one_line(tmp_path: Path, attack: str) -> None:
    make, message = ATTACKS[attack]
    template = make(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "apigw_emulator", "serve", "--template", str(template), "--port", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr  # no traceback
    assert message in done.stderr


def test_template_nested_to_the_limit_and_aliases_within_the_budget_load(tmp_path: Path) -> None:
    # The root mapping is level 1; Resources, Fn, Properties, Environment, Variables and the !Join list
    # take six more.
    deep = "!Join ['', " + _nested(MAX_NESTING - 7) + "]"
    text = "Transform: AWS::Serverless-2016-10-31\nMetadata:\n" + _laughs(5) + "\nResources:"
    template = _template(tmp_path, text + FUNCTION.format(value=deep))
    with pytest.warns(MissingEnvironmentWarning, match="expected a string"):  # read, then refused as a value
        gateway = Gateway.from_template(template)
    assert gateway.request("GET", "/x").status_code == 200
    shared = textwrap.dedent(
        """
        Globals: {Function: &defaults {Runtime: python3.12, Timeout: 5}}
        Metadata: {Copy: *defaults, Again: {<<: *defaults, Timeout: 9}}
        """
    )
    document = load_document(_template(tmp_path, shared, "shared.yaml"))
    assert document["Metadata"]["Again"] == {"Runtime": "python3.12", "Timeout": 9}


def test_openapi_file_is_bounded_too(tmp_path: Path) -> None:
    path = _template(tmp_path, "openapi: 3.0.1\nx: " + _nested(MAX_NESTING + 1) + "\n", "openapi.yaml")
    with pytest.raises(TemplateError, match="the OpenAPI definition cannot be read: mappings and lists"):
        load_document(path, what="OpenAPI definition", where="Resources.Api.Properties.DefinitionUri")
