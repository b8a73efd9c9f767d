"""Parameters, pseudo parameters, conditions and intrinsic functions, resolved strictly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from apigw_emulator.template import TemplateError
from apigw_emulator.templates.intrinsics import NO_VALUE, Resolver, read_parameters

PARAMETERS = {
    "Stage": {"Type": "String", "Default": "dev"},
    "Size": {"Type": "Number", "Default": 30},
    "Enabled": {"Type": "String", "Default": True},
    "Zones": {"Type": "CommaDelimitedList", "Default": "a, b,c"},
    "Secret": {"Type": "String"},
    "FromSsm": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/app/stage"},
}
RESOURCES = {
    "MyFunction": "AWS::Serverless::Function",
    "NamedFunction": "AWS::Lambda::Function",
    "MyApi": "AWS::Serverless::Api",
    "MyBucket": "AWS::S3::Bucket",
}
CONDITIONS = {
    "IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
    "IsProd": {"Fn::Not": [{"Condition": "IsDev"}]},
    "DevAndEnabled": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": [{"Ref": "Enabled"}, "true"]}]},
    "ProdOrEnabled": {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": ["true", {"Ref": "Enabled"}]}]},
    "Loop": {"Fn::Not": [{"Condition": "Loop"}]},
}
MAPPINGS = {"Sizes": {"dev": {"Memory": 256}}}


def resolver(overrides: Mapping[str, str] | None = None) -> Resolver:
    parameters, pseudo = read_parameters(PARAMETERS, overrides)
    return Resolver(
        parameters=parameters,
        pseudo=pseudo,
        resource_types=RESOURCES,
        function_name=lambda logical_id: "named-fn" if logical_id == "NamedFunction" else logical_id,
        mappings=MAPPINGS,
        conditions=CONDITIONS,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Stage"}, "dev"),
        ({"Ref": "Size"}, "30"),
        ({"Ref": "Enabled"}, "true"),
        ({"Ref": "Zones"}, ["a", "b", "c"]),
        ({"Ref": "AWS::Region"}, "us-east-1"),
        ({"Ref": "AWS::AccountId"}, "123456789012"),
        ({"Ref": "AWS::StackName"}, "sam-app"),
        ({"Ref": "MyFunction"}, "MyFunction"),
        ({"Ref": "NamedFunction"}, "named-fn"),
        ({"Ref": "MyBucket"}, "MyBucket"),
        ({"Fn::GetAtt": ["NamedFunction", "Arn"]}, "arn:aws:lambda:us-east-1:123456789012:function:named-fn"),
        ({"Fn::GetAtt": ["MyApi", "RootResourceId"]}, "MyApi:RootResourceId"),
        ({"Fn::Sub": "${Stage}-${AWS::Region}"}, "dev-us-east-1"),
        ({"Fn::Sub": "${MyFunction.Arn}"}, "arn:aws:lambda:us-east-1:123456789012:function:MyFunction"),
        ({"Fn::Sub": "${!Literal}-${Stage}"}, "${Literal}-dev"),
        ({"Fn::Sub": ["${Name}.${Stage}", {"Name": {"Ref": "MyBucket"}}]}, "MyBucket.dev"),
        ({"Fn::Join": ["/", ["a", {"Ref": "Stage"}, 3]]}, "a/dev/3"),
        ({"Fn::Join": [",", {"Ref": "Zones"}]}, "a,b,c"),
        ({"Fn::Select": ["1", {"Ref": "Zones"}]}, "b"),
        ({"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "us-east-1a"),
        ({"Fn::Split": ["-", "x-y"]}, ["x", "y"]),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]}, 256),
        ({"Fn::Base64": "hi"}, "aGk="),
        ({"Fn::If": ["IsDev", "small", "large"]}, "small"),
        ({"Fn::If": ["IsProd", "large", {"Ref": "AWS::NoValue"}]}, NO_VALUE),
        ({"Fn::Length": {"Ref": "Zones"}}, 3),
        ({"Fn::ToJsonString": {"a": {"Ref": "Stage"}}}, '{"a":"dev"}'),
        ({"Key": {"Ref": "AWS::NoValue"}, "Kept": [1, {"Ref": "AWS::NoValue"}]}, {"Kept": [1]}),
    ],
)
def test_resolve(value: Any, expected: Any) -> None:
    assert resolver().resolve(value, "Test") == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("IsDev", True), ("IsProd", False), ("DevAndEnabled", True), ("ProdOrEnabled", True)],
)
def test_conditions(name: str, expected: bool) -> None:
    assert resolver().condition(name, "Test") is expected


def test_overrides_replace_defaults_and_pseudo_parameters() -> None:
    r = resolver({"Stage": "prod", "AWS::Region": "eu-west-1"})
    assert r.resolve({"Fn::Sub": "${Stage}@${AWS::Region}"}, "Test") == "prod@eu-west-1"
    assert r.condition("IsProd", "Test") is True
    assert r.function_arn("f") == "arn:aws:lambda:eu-west-1:123456789012:function:f"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"Ref": "Nope"}, "Ref to 'Nope', which is no parameter nor resource"),
        ({"Fn::Sub": "${Nope}"}, "Ref to 'Nope'"),
        ({"Ref": "Secret"}, r"parameter 'Secret' has no Default: pass parameters=\{'Secret': \.\.\.\}"),
        ({"Ref": "FromSsm"}, "parameter 'FromSsm' is read from SSM"),
        (
            {"Fn::GetAtt": ["MyBucket", "Arn"]},
            r"Fn::GetAtt MyBucket.Arn \(AWS::S3::Bucket\) cannot be resolved",
        ),
        ({"Fn::Sub": "${MyBucket.Arn}"}, "Fn::GetAtt MyBucket.Arn"),
        ({"Fn::GetAtt": ["Nope", "Arn"]}, "no resource 'Nope'"),
        ({"Fn::ImportValue": "shared"}, "Fn::ImportValue cannot be resolved locally"),
        ({"Fn::Cidr": ["10.0.0.0/16", 4, 8]}, "Fn::Cidr cannot be resolved locally"),
        ({"Fn::Transform": {"Name": "X"}}, "Fn::Transform cannot be resolved locally"),
        ({"Fn::Unknown": 1}, "Fn::Unknown cannot be resolved locally: unknown intrinsic function"),
        ({"Fn::If": ["Missing", 1, 2]}, "unknown condition 'Missing'"),
        ({"Fn::If": ["Loop", 1, 2]}, "condition 'Loop' refers to itself"),
        ({"Fn::FindInMap": ["Sizes", "prod", "Memory"]}, "no Mappings entry Sizes.prod"),
        ({"Fn::Select": [5, ["a"]]}, "index 5 out of range"),
        ({"Fn::Join": ["-"]}, "Fn::Join takes two arguments"),
        ({"Fn::Sub": {"a": 1}}, "Fn::Sub needs a string"),
    ],
)
def test_what_cannot_be_resolved_is_an_error_naming_it(value: Any, message: str) -> None:
    with pytest.raises(TemplateError, match=message) as caught:
        resolver().resolve(value, "Resources.Api.Properties.StageName")
    assert caught.value.where.startswith(("Resources.Api.Properties.StageName", "Conditions."))


def test_an_override_of_an_undeclared_parameter_lists_the_declared_ones() -> None:
    with pytest.raises(
        TemplateError, match=r"unknown parameter\(s\) Stge; the template declares: Stage, Size"
    ):
        read_parameters(PARAMETERS, {"Stge": "prod"})


def test_an_override_outside_allowed_values_is_an_error() -> None:
    declared = {"Stage": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}}
    assert read_parameters(declared, {"Stage": "prod"})[0]["Stage"].value == "prod"
    with pytest.raises(TemplateError, match="'qa' is not an allowed value of parameter 'Stage'"):
        read_parameters(declared, {"Stage": "qa"})


def test_an_override_of_an_ssm_typed_parameter_is_its_value() -> None:
    r = resolver({"FromSsm": "prod"})
    assert r.resolve({"Ref": "FromSsm"}, "Test") == "prod"
    assert r.resolve({"Fn::Sub": "stage-${FromSsm}"}, "Test") == "stage-prod"


def test_an_override_of_an_ssm_typed_list_parameter_resolves_to_a_list() -> None:
    declared = {"Subnets": {"Type": "AWS::SSM::Parameter::Value<List<String>>", "Default": "/net/subnets"}}
    parameters, _ = read_parameters(declared, {"Subnets": "a,b"})
    assert parameters["Subnets"].resolved("Test") == ["a", "b"]
    unset, _ = read_parameters(declared, None)
    with pytest.raises(TemplateError, match="is read from SSM"):
        unset["Subnets"].resolved("Test")
