"""Reading YAML and JSON templates: CloudFormation's short-form tags in their long form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from apigw_emulator.template import CloudFormationLoader, TemplateError
from apigw_emulator.templates.yaml_loader import load_document

DATA = Path(__file__).parent / "data"


def parse(text: str) -> Any:
    return yaml.load(text, Loader=CloudFormationLoader)  # a SafeLoader subclass


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!Ref Stage", {"Ref": "Stage"}),
        ("!Condition IsProd", {"Condition": "IsProd"}),
        ("!GetAtt Fn.Arn", {"Fn::GetAtt": ["Fn", "Arn"]}),
        ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
        ("!GetAtt [Fn, Arn]", {"Fn::GetAtt": ["Fn", "Arn"]}),
        ("!Sub 'arn:${AWS::Region}'", {"Fn::Sub": "arn:${AWS::Region}"}),
        ("!Sub ['${A}-x', {A: !Ref P}]", {"Fn::Sub": ["${A}-x", {"A": {"Ref": "P"}}]}),
        ("!Join ['-', [a, !Ref B]]", {"Fn::Join": ["-", ["a", {"Ref": "B"}]]}),
        ("!If [IsProd, a, !Ref AWS::NoValue]", {"Fn::If": ["IsProd", "a", {"Ref": "AWS::NoValue"}]}),
        ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
        ("!FindInMap [M, k, v]", {"Fn::FindInMap": ["M", "k", "v"]}),
        ("!ImportValue shared", {"Fn::ImportValue": "shared"}),
        ("!Equals [!Ref Env, prod]", {"Fn::Equals": [{"Ref": "Env"}, "prod"]}),
        ("!Not [!Condition IsProd]", {"Fn::Not": [{"Condition": "IsProd"}]}),
        ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Base64 text", {"Fn::Base64": "text"}),
        ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
        ("!GetAZs us-west-2", {"Fn::GetAZs": "us-west-2"}),
    ],
)
def test_short_form_tags_become_long_form(text: str, expected: Any) -> None:
    assert parse(text) == expected


def test_mapping_tags_keep_their_mapping() -> None:
    text = "!Transform {Name: AWS::Include, Parameters: {Location: ./api.yaml}}"
    assert parse(text) == {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "./api.yaml"}}
    }


def test_timestamps_stay_text_as_in_cloudformation() -> None:
    assert parse("AWSTemplateFormatVersion: 2010-09-09\nVersion: 2012-10-17") == {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Version": "2012-10-17",
    }


def test_the_loader_leaves_pyyaml_safe_loader_alone() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.safe_load("!Ref Stage")


def test_merge_keys_are_not_duplicates() -> None:
    text = "base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n"
    assert parse(text)["derived"] == {"a": 1, "b": 3}


def test_a_repeated_key_is_an_error_naming_it() -> None:
    with pytest.raises(TemplateError, match=r"(?s)duplicate key 'Get'.*duplicate_key\.yaml\", line 13"):
        load_document(DATA / "broken" / "duplicate_key.yaml")


def test_invalid_yaml_names_the_file_and_line() -> None:
    with pytest.raises(TemplateError, match=r"(?s)not valid YAML.*invalid_yaml\.yaml\", line 4"):
        load_document(DATA / "broken" / "invalid_yaml.yaml")


def test_json_templates_are_read_as_json() -> None:
    document = load_document(DATA / "cloudformation_http.json")
    assert document["Resources"]["EchoRoute"]["Properties"]["Target"] == {
        "Fn::Join": ["/", ["integrations", {"Ref": "EchoIntegration"}]]
    }


def test_a_missing_file_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="template not found"):
        load_document(tmp_path / "template.yaml")
