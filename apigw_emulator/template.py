"""Gateway configuration from SAM / CloudFormation templates and their OpenAPI definitions.

::

    handler, kwargs = gateway_kwargs_from_template("template.yaml", template_api="ImageApi")
    gw = Gateway(handler, **kwargs)       # api, stage, routes, binary_media_types, function_name, timeout...

    template = load_template("template.yaml", parameters={"Stage": "dev"})
    template.apis                         # [Api(logical_id="ImageApi", kind="rest", ...), ...]
    template.functions["ImageFunction"].load_handler()

What is read, and how: a template is read as AWS deploys it (see the README's architecture section and
``docs/api-model.md``). SAM is expanded by AWS's own SAM translator, offline; its output, plain
CloudFormation and CDK's synthesized templates are read by one reader into API Gateway's model
(:mod:`apigw_emulator.model`): REST APIs with their methods, integrations, authorizers, validators,
models, gateway responses and stages (OpenAPI bodies with the ``x-amazon-apigateway-*`` extensions, or
``AWS::ApiGateway::*`` resources), HTTP APIs with their routes, authorizers, CORS and stages, Lambda
functions (local code from ``CodeUri`` or CDK's ``aws:asset:path``), layers, function URLs, custom domains
and nested stacks with a local template.

Decisions:

- Intrinsic functions are resolved only where the emulator needs them (a handler, an integration URI, an
  authorizer's function, a stage name or variable), strictly: ``Ref``/``Fn::Sub`` of parameters (defaults
  or ``parameters``, which win over any parameter type, SSM-typed ones included) and pseudo parameters
  (``AWS::Region`` us-east-1, ``AWS::AccountId`` 123456789012, ``AWS::StackName`` sam-app, all
  overridable), conditions, ``Fn::Join``/``Select``/``Split``/``FindInMap``/``Base64``/``GetAZs``. A
  function resolves to its name and ``Fn::GetAtt Fn.Arn`` to its ARN, which is how integration URIs find
  their function. What cannot be known locally raises :class:`TemplateError` naming the property; roles,
  policies and other properties the emulator never reads never stop loading.
- What SAM refuses is a :class:`TemplateError` quoting SAM's translator.
- Nothing fails open: an integration not run yet or an authorizer that cannot run answers 500; an
  ``AWS_IAM`` route refuses unsigned requests; what is read but not enforced is listed in
  :attr:`Api.notes` (``serve`` prints them and building a gateway warns once,
  :class:`~apigw_emulator.errors.NotEmulatedWarning`).
- A ``Gateway`` calls one handler: when an API's routes go to several functions, ``function=`` chooses one
  and only its routes are given to the ``Gateway``, or the whole API is an application's
  (:class:`~apigw_emulator.application.Application`).
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
