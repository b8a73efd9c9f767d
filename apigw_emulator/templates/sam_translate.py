"""SAM templates expanded into the CloudFormation AWS deploys, by AWS's own SAM translator, offline.

What the translator does is what ``sam deploy`` deploys: every ``AWS::Serverless::Api`` becomes an
``AWS::ApiGateway::RestApi`` with an OpenAPI body (authorizers in ``securityDefinitions``, CORS as MOCK
``OPTIONS`` methods, API keys, validators and gateway responses as ``x-amazon-apigateway-*`` extensions),
every function an ``AWS::Lambda::Function``, and so on. Reading that output gives SAM's exact semantics
instead of a
reimplementation of them.

The translator runs without AWS given three things done here:

- ``AWS::Include`` of a local file is inlined first (CloudFormation runs that transform before SAM's);
- local ``CodeUri``, ``ContentUri`` and ``DefinitionUri`` become S3 placeholders before, and after, the
  resources that carry them get CDK's asset metadata (``aws:asset:path``, ``aws:asset:property``) naming
  the local path: the reader then finds local code the same way for SAM and for CDK output;
- the region, account and parameter values are given, so nothing is looked up.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import TemplateError
from .yaml_loader import load_document

__all__ = ["ASSET_PATH", "ASSET_PROPERTY", "SAM_TRANSFORM", "expand_sam", "inline_includes", "is_sam"]

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
#: CDK's metadata keys for a resource property whose content is a local folder or file.
ASSET_PATH = "aws:asset:path"
ASSET_PROPERTY = "aws:asset:property"

_PLACEHOLDER_BUCKET = "apigw-emulator-local-asset"
#: (resource type, property holding a local path, the property of the translated resource it becomes).
_LOCAL_PATHS = {
    "AWS::Serverless::Function": ("CodeUri", "Code"),
    "AWS::Serverless::LayerVersion": ("ContentUri", "Content"),
    "AWS::Serverless::Api": ("DefinitionUri", "BodyS3Location"),
    "AWS::Serverless::HttpApi": ("DefinitionUri", "BodyS3Location"),
    "AWS::Serverless::Application": ("Location", "TemplateURL"),
}
#: A nested application's placeholder is a URL, the form SAM takes for a template of its own.
_PLACEHOLDER_URL = f"https://{_PLACEHOLDER_BUCKET}.s3.amazonaws.com/"
_INCLUDE_DEPTH = 50


def is_sam(document: Mapping[str, Any]) -> bool:
    """Whether the template asks for SAM's transform, or has SAM resources (SAM CLI reads those too)."""
    transform = document.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    resources = document.get("Resources")
    return SAM_TRANSFORM in names or (
        isinstance(resources, dict)
        and any(
            isinstance(resource, dict) and str(resource.get("Type", "")).startswith("AWS::Serverless::")
            for resource in resources.values()
        )
    )


def inline_includes(value: Any, template_dir: Path, where: str, depth: int = 0) -> Any:
    """``value`` with every ``Fn::Transform: {Name: AWS::Include, Parameters: {Location: <local file>}}``
    replaced by the file's content, as CloudFormation does before any other transform.

    :raises TemplateError: for a location in S3 or computed by an intrinsic, a missing file, another macro.
    """

    def at(key: object) -> str:
        return f"{where}.{key}" if where else str(key)

    if depth > _INCLUDE_DEPTH:
        raise TemplateError("AWS::Include nested too deep (an include that includes itself?)", where=where)
    if isinstance(value, dict):
        if set(value) == {"Fn::Transform"}:
            return inline_includes(
                _included(value["Fn::Transform"], template_dir, where), template_dir, where, depth + 1
            )
        return {key: inline_includes(item, template_dir, at(key), depth) for key, item in value.items()}
    if isinstance(value, list):
        return [inline_includes(item, template_dir, f"{where}[{i}]", depth) for i, item in enumerate(value)]
    return value


def _included(transform: Any, template_dir: Path, where: str) -> Any:
    here = f"{where}.Fn::Transform" if where else "Fn::Transform"
    if not isinstance(transform, dict) or transform.get("Name") != "AWS::Include":
        raise TemplateError("only the AWS::Include transform is run locally", where=here)
    location = (transform.get("Parameters") or {}).get("Location")
    if not isinstance(location, str):
        raise TemplateError(
            f"the AWS::Include location must be a local file path, got {location!r}",
            where=f"{here}.Parameters.Location",
        )
    if location.startswith("s3://") or location.startswith("https://"):
        raise TemplateError(
            f"AWS::Include of {location} is not read locally: point Location to the local file",
            where=f"{here}.Parameters.Location",
        )
    path = (template_dir / location).resolve()
    return load_document(path, what="AWS::Include file", where=f"{here}.Parameters.Location")


def expand_sam(
    document: Mapping[str, Any],
    *,
    template_dir: Path,
    parameters: Mapping[str, str],
    source: str = "",
) -> dict[str, Any]:
    """The CloudFormation the SAM translator makes of ``document`` (already parsed, long-form intrinsics).

    :param template_dir: what local paths are relative to.
    :param parameters: parameter values (pseudo parameters ``AWS::Region``... included).
    :raises TemplateError: with the translator's own messages when SAM would refuse the template.
    """
    sam_document = inline_includes(copy.deepcopy(dict(document)), template_dir, "")
    if not isinstance(sam_document.get("Transform"), (str, list)):
        sam_document["Transform"] = SAM_TRANSFORM
    assets = _swap_local_paths(sam_document)
    translated = _translate(sam_document, parameters, source)
    _restore_local_paths(translated, assets)
    return translated


def _swap_local_paths(document: dict[str, Any]) -> dict[str, str]:
    """Replace local paths by S3 placeholders, in place; the placeholder keys to the paths."""
    assets: dict[str, str] = {}

    def placeholder(path: Any, as_url: bool = False) -> Any:
        key = f"asset-{len(assets)}"
        assets[key] = str(path)  # as written: relative to the template's folder
        return _PLACEHOLDER_URL + key if as_url else {"Bucket": _PLACEHOLDER_BUCKET, "Key": key}

    globals_section = document.get("Globals")
    if isinstance(globals_section, dict):
        for section, key in (("Function", "CodeUri"), ("Api", "DefinitionUri"), ("HttpApi", "DefinitionUri")):
            settings = globals_section.get(section)
            if isinstance(settings, dict) and _is_local(settings.get(key)):
                settings[key] = placeholder(settings[key])
    global_code = isinstance(globals_section, dict) and "CodeUri" in (globals_section.get("Function") or {})
    for resource in (document.get("Resources") or {}).values():
        if not isinstance(resource, dict) or resource.get("Type") not in _LOCAL_PATHS:
            continue
        key, _ = _LOCAL_PATHS[resource["Type"]]
        properties = resource.setdefault("Properties", {})
        if not isinstance(properties, dict):
            continue
        if _is_local(properties.get(key)):
            properties[key] = placeholder(properties[key], resource["Type"] == "AWS::Serverless::Application")
        elif (
            resource["Type"] == "AWS::Serverless::Function"
            and key not in properties
            and not global_code
            and not {"InlineCode", "ImageUri"} & set(properties)
            and str(properties.get("PackageType", "Zip")) != "Image"
        ):
            properties[key] = placeholder(".")  # SAM CLI's default: the template's folder
    return assets


def _is_local(value: Any) -> bool:
    return isinstance(value, str) and not value.startswith(("s3://", "https://", "http://"))


def _translate(document: dict[str, Any], parameters: Mapping[str, str], source: str) -> dict[str, Any]:
    try:
        # Imported on first use: the translator and boto3 take ~0.4 s to import.
        import boto3  # noqa: PLC0415 - the translator's own dependency
        from samtranslator.model.exceptions import (  # noqa: PLC0415
            InvalidDocumentException,
            InvalidTemplateException,
        )
        from samtranslator.parser.parser import Parser  # noqa: PLC0415
        from samtranslator.translator.translator import Translator  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise TemplateError(
            f"SAM templates are expanded with AWS's SAM translator, which cannot be imported ({exc}): "
            "pip install aws-sam-translator",
            source=source,
        ) from None
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    # A session with a region: the translator then looks nothing up.
    session = boto3.session.Session(region_name=parameters.get("AWS::Region", "us-east-1"))
    translator = Translator(managed_policy_map=None, sam_parser=Parser(), plugins=[], boto_session=session)
    try:
        return dict(
            translator.translate(
                sam_template=document,
                parameter_values=dict(parameters),
                passthrough_metadata=True,  # a layer's BuildMethod, CDK's and SAM CLI's metadata
                get_managed_policy_map=lambda: {},
            )
        )
    except InvalidDocumentException as exc:
        causes = "; ".join(str(cause.message) for cause in exc.causes) or str(exc)
        raise TemplateError(f"SAM refuses the template: {causes}", source=source) from None
    except InvalidTemplateException as exc:
        raise TemplateError(f"SAM refuses the template: {exc.message}", source=source) from None


def _restore_local_paths(document: dict[str, Any], assets: Mapping[str, str]) -> None:
    """Give each translated resource that holds a placeholder CDK's asset metadata for its local path."""
    for resource in (document.get("Resources") or {}).values():
        properties = resource.get("Properties") if isinstance(resource, dict) else None
        if not isinstance(properties, dict):
            continue
        for name, value in properties.items():
            key = _placeholder_key(value)
            if key is not None and key in assets:
                metadata = resource.setdefault("Metadata", {})
                metadata[ASSET_PATH] = assets[key]
                metadata[ASSET_PROPERTY] = name
                break


def _placeholder_key(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(_PLACEHOLDER_URL):
        return value[len(_PLACEHOLDER_URL) :]
    if not isinstance(value, dict):
        return None
    bucket = value.get("S3Bucket", value.get("Bucket"))
    key = value.get("S3Key", value.get("Key"))
    return str(key) if bucket == _PLACEHOLDER_BUCKET else None
