"""A template's layers are put where Lambda puts them (``/opt/python`` and its ``site-packages``): a local
``AWS::Serverless::LayerVersion``, or a layer by ARN mapped to a local folder (issue #11)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator import Gateway
from apigw_emulator.errors import MissingLayerWarning
from apigw_emulator.runtime.model import Isolation

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Layers:
      - !Ref SharedLayer
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: shared/
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: {module}.handler
      Layers:
        - arn:aws:lambda:us-east-1:123456789012:layer:vendor:3
      Events:
        Any:
          Type: HttpApi
"""

HANDLER = """
import json

def handler(event, context):
    import {shared}, {vendor}
    return {{"statusCode": 200, "body": json.dumps([{shared}.WHERE, {vendor}.WHERE])}}
"""


@pytest.fixture
def template(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    suffix = abs(hash(request.node.nodeid))
    names = {"module": f"layer_app_{suffix}", "shared": f"shared_{suffix}", "vendor": f"vendor_{suffix}"}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / f"{names['module']}.py").write_text(HANDLER.format(**names), encoding="utf-8")
    (tmp_path / "shared" / "python").mkdir(parents=True)
    (tmp_path / "shared" / "python" / f"{names['shared']}.py").write_text("WHERE = 'python/'\n")
    site = tmp_path / "vendor" / "python" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    (site / "site-packages").mkdir(parents=True)
    (site / "site-packages" / f"{names['vendor']}.py").write_text("WHERE = 'site-packages'\n")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(TEMPLATE.format(**names)), encoding="utf-8")
    yield path
    for name in [n for n in sys.modules if n.endswith(str(suffix))]:
        del sys.modules[name]
    for entry in [e for e in sys.path if e.startswith(str(tmp_path))]:
        sys.path.remove(entry)


@pytest.mark.parametrize("isolation", ["in-process", "process"])
def test_local_layers_and_mapped_arns_reach_the_function(template: Path, isolation: Isolation) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:layer:vendor:3"
    with Gateway.from_template(
        template, isolation=isolation, layer_folders={arn: template.parent / "vendor"}
    ) as gw:
        assert gw.function.layers == (
            (template.parent / "shared").resolve(),
            (template.parent / "vendor").resolve(),
        )
        assert gw.request("GET", "/").json() == ["python/", "site-packages"]


def test_a_layer_by_arn_that_is_not_mapped_is_named(template: Path) -> None:
    with pytest.warns(
        MissingLayerWarning, match=r"layer\(s\) arn:aws:lambda:.*:layer:vendor:3.*layer_folders"
    ):
        gw = Gateway.from_template(template)
    assert gw.function.layers == ((template.parent / "shared").resolve(),)
