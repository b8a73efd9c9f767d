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


BUILT_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  BuiltLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer_src/
      CompatibleRuntimes: [python3.12]
    Metadata:
      BuildMethod: python3.12
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: {module}.handler
      Layers:
        - !Ref BuiltLayer
      Events:
        Any:
          Type: HttpApi
"""


@pytest.fixture
def built_template(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    suffix = abs(hash(request.node.nodeid))
    names = {"module": f"built_app_{suffix}", "shared": f"built_shared_{suffix}"}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / f"{names['module']}.py").write_text(
        "import json\n\ndef handler(event, context):\n"
        f"    import {names['shared']}\n"
        f"    return {{'statusCode': 200, 'body': json.dumps({names['shared']}.WHERE)}}\n",
        encoding="utf-8",
    )
    (tmp_path / "layer_src").mkdir()
    (tmp_path / "layer_src" / f"{names['shared']}.py").write_text("WHERE = 'layer root'\n")
    (tmp_path / "layer_src" / "requirements.txt").write_text("")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(BUILT_TEMPLATE.format(**names)), encoding="utf-8")
    yield path
    for name in [n for n in sys.modules if n.endswith(str(suffix))]:
        del sys.modules[name]
    for entry in [e for e in sys.path if "apigw-emulator-layers" in e or e.startswith(str(tmp_path))]:
        sys.path.remove(entry)


@pytest.mark.parametrize("isolation", ["in-process", "process"])
def test_a_layer_with_a_python_build_method_is_laid_out_under_python_as_sam_build_does(
    built_template: Path, isolation: Isolation
) -> None:
    with Gateway.from_template(built_template, isolation=isolation) as gw:
        (layer,) = gw.function.layers
        assert (layer / "python").resolve() == (built_template.parent / "layer_src").resolve()
        assert gw.request("GET", "/").json() == "layer root"
    assert list((built_template.parent / "layer_src").iterdir()) != []  # the source is left as it is
    assert not (built_template.parent / "layer_src" / "python").exists()


def test_a_layer_without_a_build_method_is_its_zip_layout(built_template: Path) -> None:
    text = built_template.read_text().replace("    Metadata:\n      BuildMethod: python3.12\n", "")
    built_template.write_text(text)
    with Gateway.from_template(built_template) as gw:
        assert gw.function.layers == ((built_template.parent / "layer_src").resolve(),)
        with pytest.raises(ModuleNotFoundError):  # the module is not under python/
            gw.request("GET", "/")


def test_serve_watches_the_source_of_a_built_layer(built_template: Path) -> None:
    import argparse  # noqa: PLC0415

    from apigw_emulator._cli_functions import watch_paths  # noqa: PLC0415

    args = argparse.Namespace(template=str(built_template), jwks=[], parameter_overrides=[])
    watched = watch_paths(args, None)
    assert any(path.parent == (built_template.parent / "layer_src").resolve() for path in watched)
