"""Gateway configuration from SAM / CloudFormation templates and their OpenAPI definitions.

::

    handler, kwargs = gateway_kwargs_from_template("template.yaml", template_api="ImageApi")
    gw = Gateway(handler, **kwargs)       # api, stage, routes, binary_media_types, function_name, timeout...

    template = load_template("template.yaml", parameters={"Stage": "dev"})
    template.apis                         # [Api(logical_id="ImageApi", kind="rest", ...), ...]
    template.functions["ImageFunction"].load_handler()

What is read:

- ``AWS::Serverless::Function`` (``Globals.Function`` merged) and ``AWS::Lambda::Function``: ``Runtime``,
  ``Handler``, ``CodeUri`` / ``Code``, ``InlineCode`` / ``ZipFile``, ``Timeout``, ``MemorySize``,
  ``FunctionName``, ``PackageType``; ``Events`` of type ``Api`` and ``HttpApi``; ``FunctionUrlConfig``.
- ``AWS::Serverless::Api`` and ``::HttpApi`` (``Globals.Api`` / ``Globals.HttpApi`` merged), SAM's implicit
  ``ServerlessRestApi`` (stage ``Prod``) and ``ServerlessHttpApi`` (stage ``$default``): ``StageName``,
  ``BinaryMediaTypes`` (``image~1png`` or ``image/png``), ``DefinitionBody`` (``AWS::Include`` of a local file
  too) or a local ``DefinitionUri``, ``EndpointConfiguration``, ``Variables`` / ``StageVariables``,
  ``Domain``.
- ``AWS::ApiGateway::RestApi`` (``Body``, or ``Resource`` + ``Method`` resources; ``BinaryMediaTypes``;
  its ``Stage`` or ``Deployment``), ``AWS::ApiGatewayV2::Api`` (``Body``, quick create, or ``Route`` +
  ``Integration`` resources; its ``Stage``), ``AWS::Lambda::Url``.
- OpenAPI: ``paths`` with ``aws_proxy`` integrations, ``x-amazon-apigateway-any-method``, ``$default``,
  ``payloadFormatVersion``, ``x-amazon-apigateway-binary-media-types``.

Decisions:

- Intrinsic functions are resolved only in the properties read above, strictly: ``Ref`` and ``Fn::Sub`` to
  parameters (defaults or the caller's ``parameters``) and pseudo parameters (``AWS::Region`` us-east-1,
  ``AWS::AccountId`` 123456789012, ``AWS::StackName`` sam-app, all overridable through ``parameters``),
  ``Fn::If`` and resource ``Condition`` (a resource whose condition is false does not exist), ``Fn::Join``,
  ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap``, ``Fn::Base64``, ``Fn::GetAZs``. A function resolves to
  its name (``FunctionName`` or the logical id) and ``Fn::GetAtt Fn.Arn`` to its ARN, which is how
  integration URIs find their function. What cannot be known locally (``Fn::ImportValue``, ``Fn::Cidr``, the
  attributes of other resources, a parameter without a value) raises :class:`TemplateError` naming the
  property: no placeholder ever reaches an event.
- Unsupported constructs raise :class:`TemplateError` with the logical id and property path: non-proxy
  integrations (``http``, ``http_proxy``, ``aws``, ``mock`` other than a CORS ``OPTIONS``), definitions or
  code in S3, ``Fn::ForEach``, WebSocket APIs, response streaming, an HTTP API Lambda integration without
  ``payloadFormatVersion``; loading a handler of a non-Python runtime or of an image.
- SAM's ``Auth`` becomes :attr:`Api.authorizers` (Lambda, JWT and Cognito authorizers the front door
  runs, see :mod:`apigw_emulator.authorizers`), its ``Cors`` / ``CorsConfiguration`` :attr:`Api.cors`.
- What is configured but not emulated is listed in :attr:`Api.notes` (IAM authorization, resource
  policies, extra stages or base paths, mock ``OPTIONS`` methods of a definition...): ``serve`` prints
  them and building a gateway warns once (:class:`~apigw_emulator.errors.NotEmulatedWarning`).
- A ``Gateway`` calls one handler: when an API's routes go to several functions, ``function=`` chooses one
  and only its routes are given to the ``Gateway`` (a request to another function's route gets the front
  door's "no route" answer).
- Handlers are imported as described in :meth:`Function.load_handler`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .runtime.model import HandlerSource
from .templates.errors import TemplateError
from .templates.model import Api, ApiKind, ApiRoute, Function, Template
from .templates.reader import read_template
from .templates.yaml_loader import CloudFormationLoader, load_document

__all__ = [
    "Api",
    "ApiKind",
    "ApiRoute",
    "CloudFormationLoader",
    "Function",
    "Template",
    "TemplateError",
    "gateway_kwargs_from_template",
    "load_template",
]


def load_template(path: str | os.PathLike[str], *, parameters: Mapping[str, str] | None = None) -> Template:
    """Read a SAM or CloudFormation template (YAML with short-form tags, or JSON) for local emulation.

    :param path: the template file. ``CodeUri``, ``DefinitionUri`` and ``AWS::Include`` locations are
        relative to its directory.
    :param parameters: values of template parameters, overriding their ``Default``; pseudo parameters too
        (``{"AWS::Region": "eu-west-1"}``).
    :raises TemplateError: when the file is missing or invalid, or uses what cannot be emulated; the
        message names the file, the property path and the construct.
    """
    template_path = Path(path).resolve()
    try:
        return read_template(load_document(template_path), path=template_path, parameters=parameters)
    except TemplateError as exc:
        exc.source = exc.source or str(template_path)
        raise


def gateway_kwargs_from_template(
    path: str | os.PathLike[str],
    *,
    template_api: str | None = None,
    function: str | None = None,
    api: str | None = None,
    parameters: Mapping[str, str] | None = None,
    custom_domain: bool = False,
    env_vars: Mapping[str, Any] | None = None,
) -> tuple[HandlerSource, dict[str, Any]]:
    """The handler and the :class:`~apigw_emulator.Gateway` keyword arguments a template describes.

    The handler is a :class:`~apigw_emulator.runtime.model.HandlerSource`: the function's code is imported
    when the gateway first invokes it (its variables in place), never by this call.

    ``Gateway(handler, **kwargs)`` then stands for that API in front of that function::

        handler, kwargs = gateway_kwargs_from_template("template.yaml")
        response = Gateway(handler, **kwargs).request("POST", "/upload", data=b"...")

    :param path: the template file.
    :param template_api: the logical id of the API or function URL (``ServerlessRestApi`` for SAM's
        implicit REST API, ``<Function>Url`` for a ``FunctionUrlConfig``); needed when there are several.
    :param function: the logical id of the function; needed when the API's routes go to several.
    :param api: the front door, as for :class:`~apigw_emulator.Gateway` (``"rest"``, ``"http"``...): only
        the template's APIs of that kind are candidates, which is enough when there is one of each.
    :param parameters: template parameter values (see :func:`load_template`).
    :param custom_domain: serve the API through the custom domain of SAM's ``Domain`` property.
    :param env_vars: the functions' variables in SAM CLI's ``--env-vars`` format, over the template's.
    :raises TemplateError: as :func:`load_template`; when the choice of API or function is ambiguous (the
        message lists the candidates); when the handler cannot be imported.
    """
    template = load_template(path, parameters=parameters)
    return template.gateway_kwargs(
        template_api=template_api, function=function, api=api, custom_domain=custom_domain, env_vars=env_vars
    )
