"""Lambda functions and function URLs as CloudFormation deploys them (SAM's output and CDK's included).

- ``AWS::Lambda::Function``: local code from asset metadata (``aws:asset:path``, which CDK writes and SAM's
  expansion here gives every local ``CodeUri``), a local path in ``Code`` (as ``aws cloudformation package``
  takes it), ``ZipFile`` inline code, an S3 object or an image.
- ``AWS::Lambda::Url``: ``TargetFunctionArn`` (``!Ref`` or ``!GetAtt Fn.Arn``), ``AuthType``.

APIs are read by :mod:`.apigateway` and :mod:`.apigatewayv2`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .common import (
    ReadContext,
    environment_variables,
    function_layers,
    optional_int,
    optional_string,
)
from .errors import TemplateError
from .integrations import function_arn_of
from .intrinsics import Resolver
from .model import Api, ApiRoute, Function
from .sam_translate import ASSET_PATH, ASSET_PROPERTY

__all__ = [
    "HTTP_API_V2",
    "LAMBDA_FUNCTION",
    "LAMBDA_URL",
    "read_lambda_function",
    "read_lambda_url",
]

LAMBDA_FUNCTION = "AWS::Lambda::Function"
LAMBDA_URL = "AWS::Lambda::Url"
REST_API = "AWS::ApiGateway::RestApi"
HTTP_API_V2 = "AWS::ApiGatewayV2::Api"
_PROXY = "AWS_PROXY"


def read_lambda_function(
    logical_id: str,
    properties: Mapping[str, Any],
    name: str,
    resolver: Resolver,
    template_dir: Path,
    *,
    layers: Mapping[str, Path | None] | None = None,
    metadata: Any = None,
) -> Function:
    """The :class:`Function` of an ``AWS::Lambda::Function`` (``metadata``: the resource's, whose
    ``aws:asset:path`` locates local code)."""
    where = f"Resources.{logical_id}.Properties"
    environment, unresolved = environment_variables(resolver, properties, where)
    code = resolver.resolve(properties.get("Code") or {}, f"{where}.Code")
    code_uri = inline = None
    package_type = optional_string(resolver, properties, "PackageType", where) or "Zip"
    asset = metadata.get(ASSET_PATH) if isinstance(metadata, dict) else None
    if isinstance(asset, str) and (
        not isinstance(metadata, dict) or metadata.get(ASSET_PROPERTY, "Code") == "Code"
    ):
        code_uri = asset
    elif isinstance(code, str):
        code_uri = code
    elif isinstance(code, dict) and "ZipFile" in code:
        inline = str(code["ZipFile"])
    elif isinstance(code, dict) and "S3Bucket" in code:
        code_uri = f"s3://{code['S3Bucket']}/{code.get('S3Key', '')}"
    elif isinstance(code, dict) and "ImageUri" in code:
        package_type = "Image"
    return Function(
        logical_id=logical_id,
        name=name,
        runtime=optional_string(resolver, properties, "Runtime", where),
        handler=optional_string(resolver, properties, "Handler", where),
        code_uri=code_uri,
        inline_code=inline,
        package_type=package_type,
        timeout=optional_int(resolver, properties, "Timeout", where) or 3,
        memory_size=optional_int(resolver, properties, "MemorySize", where) or 128,
        reserved_concurrency=optional_int(resolver, properties, "ReservedConcurrentExecutions", where),
        template_dir=template_dir,
        resource_type=LAMBDA_FUNCTION,
        environment=environment,
        unresolved_environment=unresolved,
        layers=function_layers(properties, resolver, where, layers or {}),
        construct_path=metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None,
    )


def read_lambda_url(logical_id: str, properties: Mapping[str, Any], ctx: ReadContext) -> Api:
    """The function URL of an ``AWS::Lambda::Url``."""
    where = f"Resources.{logical_id}.Properties"
    config = ctx.resolver.resolve(properties, where)
    target = config.get("TargetFunctionArn")
    if not isinstance(target, str):
        raise TemplateError("TargetFunctionArn must name a function", where=f"{where}.TargetFunctionArn")
    function_id = _function_from_name_or_arn(target, f"{where}.TargetFunctionArn", ctx)
    return url_api(logical_id, function_id, config, resource_type=LAMBDA_URL, where=where, ctx=ctx)


def _function_from_name_or_arn(target: str, where: str, ctx: ReadContext) -> str:
    return ctx.functions.from_uri(function_arn_of(target, ctx.resolver), where)


def url_api(
    logical_id: str,
    function_id: str,
    config: Mapping[str, Any],
    *,
    resource_type: str,
    where: str,
    ctx: ReadContext,
) -> Api:
    """A function URL API from its resolved ``AuthType`` / ``InvokeMode`` / ``Cors`` configuration."""
    auth_type = str(config.get("AuthType", "")).upper()
    if auth_type not in ("NONE", "AWS_IAM"):
        raise TemplateError(
            f"AuthType must be NONE or AWS_IAM, got {auth_type or '(none)'!r}", where=f"{where}.AuthType"
        )
    if str(config.get("InvokeMode", "BUFFERED")).upper() != "BUFFERED":
        raise TemplateError(
            "InvokeMode RESPONSE_STREAM is not emulated (the Python runtime does not stream responses)",
            where=f"{where}.InvokeMode",
        )
    notes = (f"{where}.Cors: the function URL's CORS answers are not emulated",) if "Cors" in config else ()
    return Api(
        logical_id=logical_id,
        kind="function-url",
        resource_type=resource_type,
        stage=None,
        routes=(ApiRoute("ANY", "$default", function_id, "2.0", origin=where),),
        function_url_auth_type=auth_type,
        notes=notes,
        region=ctx.resolver.region,
        account_id=ctx.resolver.account_id,
        functions=ctx.functions.functions,
    )
