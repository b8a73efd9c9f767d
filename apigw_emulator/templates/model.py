"""What a template says about its APIs and functions, and the ``Gateway`` keyword arguments it implies."""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .._spelling import option
from ..authorizers.model import AuthorizerRules
from ..cors import CorsRules
from ..errors import MissingEnvironmentWarning, MissingLayerWarning
from ..flow.validation import MethodValidation
from ..ids import stable_id
from ..model.rest import GatewayResponseSpec
from ..route_integrations import RouteIntegrations
from ..runtime.model import HandlerSource
from .errors import TemplateError
from .handler_import import check_python_handler, code_dir_of, load_python_handler

__all__ = ["Api", "ApiKind", "ApiRoute", "Function", "Template"]

ApiKind = Literal["rest", "http", "function-url"]

#: The kind of template API behind each front door a ``Gateway`` can be (``api=``).
_KIND_OF_FRONT_DOOR: dict[str, ApiKind] = {
    "rest": "rest",
    "http": "http",
    "http-v1": "http",
    "function-url": "function-url",
}

_LISTED_ROUTES = 4
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


def json_text(value: Any) -> str:
    """An env-vars file's non-string value as text (numbers and booleans as JSON writes them)."""
    return json.dumps(value)


@dataclass(frozen=True)
class ApiRoute:
    """One route of an API to a Lambda function.

    :param method: ``"GET"``, ``"POST"``... or ``"ANY"``.
    :param path: the resource path (``"/items/{id}"``, ``"/{proxy+}"``) or ``"$default"``.
    :param function_id: the logical id of the function the route invokes.
    :param payload_format_version: ``"1.0"`` (REST APIs, HTTP API payload 1.0) or ``"2.0"``.
    :param timeout_in_millis: the integration timeout the route sets (``TimeoutInMillis``), if any.
    :param origin: where the route is defined, for messages (an event or an OpenAPI operation).
    :param api_key_required: REST: the method requires an API key (``ApiKeyRequired``).
    :param qualifier: the version or alias the integration URI names after the function
        (``live``, ``${stageVariables.alias}``), if any.
    """

    method: str
    path: str
    function_id: str
    payload_format_version: str = "1.0"
    timeout_in_millis: int | None = None
    origin: str = field(default="", compare=False)
    api_key_required: bool = False
    qualifier: str | None = None

    def qualifier_in(self, stage_variables: Mapping[str, str]) -> str | None:
        """The qualifier with the stage's variables put in (None when the route has none, or a variable it
        names is not set: Lambda would then be asked for a function that does not exist)."""
        if self.qualifier is None:
            return None
        missing = False

        def value(match: re.Match[str]) -> str:
            nonlocal missing
            if match.group(1) not in stage_variables:
                missing = True
                return ""
            return stage_variables[match.group(1)]

        resolved = _STAGE_VARIABLE.sub(value, self.qualifier)
        return None if missing else resolved

    @property
    def spec(self) -> str:
        """The route as :class:`~apigw_emulator.Gateway` takes it: ``"POST /{proxy+}"`` or ``"$default"``."""
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class Function:
    """A Lambda function of the template (``AWS::Serverless::Function`` or ``AWS::Lambda::Function``).

    :param logical_id: its logical id.
    :param name: ``FunctionName`` when set, else the logical id (AWS would add a generated suffix).
    :param runtime: ``Runtime`` (``Globals`` applied), e.g. ``"python3.13"``; None for images.
    :param handler: ``Handler``, e.g. ``"app.lambda_handler"``.
    :param code_uri: ``CodeUri`` as written (a local directory relative to the template, or an
        ``s3://`` location); None when absent (SAM then uses the template's directory) or inline.
    :param inline_code: ``InlineCode`` / ``Code.ZipFile`` source, saved by AWS as ``index.py``.
    :param package_type: ``"Zip"`` or ``"Image"``.
    :param timeout: ``Timeout`` in seconds (AWS's default: 3).
    :param memory_size: ``MemorySize`` in MB (AWS's default: 128).
    :param reserved_concurrency: ``ReservedConcurrentExecutions``: the function's concurrency limit
        (throttling over it); None when not set.
    :param template_dir: the directory ``CodeUri`` is relative to.
    :param resource_type: the CloudFormation type of the resource.
    :param environment: ``Environment.Variables`` (``Globals`` merged, intrinsics resolved).
    :param unresolved_environment: the variables whose values cannot be known locally (a ``!Ref`` of a
        table...), with the reason; :meth:`environment_with` takes values for them.
    :param layers: ``Layers`` in order: the local folder of a template layer, or what names a layer that
        is not on this machine (an ARN).
    :param construct_path: CDK's construct path of the function (``aws:cdk:path``), if any: env-vars
        files may name the function by it, or by its construct id.
    """

    logical_id: str
    name: str
    runtime: str | None
    handler: str | None
    code_uri: str | None = None
    inline_code: str | None = None
    package_type: str = "Zip"
    timeout: int = 3
    memory_size: int = 128
    reserved_concurrency: int | None = None
    template_dir: Path = field(default_factory=Path)
    resource_type: str = "AWS::Serverless::Function"
    environment: Mapping[str, str] = field(default_factory=dict)
    unresolved_environment: Mapping[str, str] = field(default_factory=dict)
    layers: tuple[Path | str, ...] = ()
    construct_path: str | None = None

    def environment_with(self, env_vars: Mapping[str, Any] | None = None) -> dict[str, str]:
        """The function's variables with SAM CLI's ``--env-vars`` overrides applied.

        ``env_vars`` is SAM CLI's file format: ``{"Parameters": {...}}`` for every function and
        ``{"<LogicalId>": {...}}`` (or the function's name) for one, the latter winning. As in SAM CLI, only
        variables the template declares are overridden.

        A declared variable whose value cannot be known locally and is not overridden is left out (see
        :meth:`missing_environment`).
        """
        values = dict(self.environment)
        declared = set(values) | set(self.unresolved_environment)
        overrides: dict[str, Any] = {}
        for section in ("Parameters", *construct_names(self.construct_path), self.name, self.logical_id):
            chosen = (env_vars or {}).get(section)
            if isinstance(chosen, Mapping):
                overrides.update(chosen)
        for name, value in overrides.items():
            if name in declared:
                values[name] = value if isinstance(value, str) else json_text(value)
        return values

    def missing_environment(self, env_vars: Mapping[str, Any] | None = None) -> dict[str, str]:
        """The declared variables whose values cannot be known locally and that ``env_vars`` does not give,
        with the reason: the function runs without them (on AWS they have values)."""
        given = self.environment_with(env_vars)
        return {name: why for name, why in self.unresolved_environment.items() if name not in given}

    def missing_environment_message(self, env_vars: Mapping[str, Any] | None = None) -> str | None:
        """What to say about :meth:`missing_environment`, or None when nothing is missing."""
        missing = self.missing_environment(env_vars)
        if not missing:
            return None
        names = sorted(missing)
        example = json.dumps({self.logical_id: {names[0]: "..."}})
        return (
            f"function {self.logical_id} runs without the environment variable(s) {', '.join(names)}: "
            f"{missing[names[0]]}; give their values in SAM CLI's env-vars format ({example}: "
            "--env-vars FILE, or env_vars= of Gateway.from_template) or with environment={...}"
        )

    def code_uri_is_remote(self) -> bool:
        """Whether ``CodeUri`` points to S3 (the code is not on this machine)."""
        return self.code_uri is not None and self.code_uri.startswith("s3://")

    def code_dir(self) -> Path:
        """The function's local code folder (``CodeUri`` relative to the template).

        :raises TemplateError: for code in S3, an archive, or a folder that does not exist.
        """
        return code_dir_of(self, f"Resources.{self.logical_id}.Properties.CodeUri")

    def load_handler(self) -> Callable[..., Any]:
        """Import the function's Python handler, as the Lambda Python runtime would.

        The module is imported by ``Handler``'s module name from ``CodeUri`` (relative to the template),
        the code folder first on ``sys.path``, afresh at each call: each call is an init, as in a new
        Lambda environment (a module the test imported itself is not reused; patch the function's own
        through ``on_init=``). The code folder then stays on ``sys.path``, after everything else, so that
        the handler's later ``import utils`` finds its sibling modules, as in ``/var/task``.

        :raises TemplateError: for a non-Python runtime, an image function, code in S3 or a zip file, a
            missing module or a missing handler attribute.
        """
        return load_python_handler(self)


def construct_names(path: str | None) -> tuple[str, ...]:
    """The names a CDK construct path gives a resource, most general first: its construct id, then the
    path without the stack and without CDK's ``Resource`` leaf, then with the stack
    (``Stack/Items/Handler/Resource``: ``Handler``, ``Items/Handler``, ``Stack/Items/Handler``, and the
    path itself)."""
    if not path:
        return ()
    parts = path.split("/")
    if len(parts) > 1 and parts[-1] in ("Resource", "Default"):
        parts = parts[:-1]
    names = [parts[-1]]
    if len(parts) > 2:
        names.append("/".join(parts[1:]))
    if len(parts) > 1:
        names.append("/".join(parts))
    names.append(path)  # as written, CDK's leaf included
    return tuple(dict.fromkeys(names))


def function_options(
    function: Function,
    env_vars: Mapping[str, Any] | None = None,
    layer_folders: Mapping[str, str | os.PathLike[str]] | None = None,
) -> dict[str, Any]:
    """The ``Gateway`` keyword arguments of a function's own configuration: its environment variables
    (with ``env_vars`` overrides; a :class:`MissingEnvironmentWarning` names those that cannot be known),
    its runtime, its layers' folders (``layer_folders`` maps a layer ARN to a local folder; a
    :class:`MissingLayerWarning` names the layers that are not on this machine) and, for local code, its
    code folder."""
    options: dict[str, Any] = {"environment": function.environment_with(env_vars)}
    folders: list[Path] = []
    missing: list[str] = []
    for layer in function.layers:
        if isinstance(layer, Path):
            folders.append(layer)
        elif layer_folders and layer in layer_folders:
            folders.append(Path(layer_folders[layer]).resolve())
        else:
            missing.append(layer)
    if folders:
        options["layers"] = folders
    if missing:
        warnings.warn(
            MissingLayerWarning(
                f"function {function.logical_id} runs without the layer(s) {', '.join(missing)}: they are "
                "not on this machine; map each to a folder laid out as its content (python/...) with "
                "layer_folders={ARN: folder} (--layer-folder ARN=DIR)"
            ),
            stacklevel=4,
        )
    message = function.missing_environment_message(env_vars)
    if message is not None:
        warnings.warn(MissingEnvironmentWarning(message), stacklevel=4)
    if function.runtime is not None:
        options["runtime"] = function.runtime
    if function.reserved_concurrency is not None:
        options["max_concurrency"] = function.reserved_concurrency
    local = function.package_type.lower() != "image" and not function.code_uri_is_remote()
    if local and function.inline_code is None:
        options["code_uri"] = function.code_dir()
    return options


@dataclass(frozen=True)
class Api:
    """One front door of the template: a REST API, an HTTP API or a function URL.

    :param logical_id: the API's logical id (``ServerlessRestApi`` / ``ServerlessHttpApi`` for SAM's
        implicit APIs, ``<Function>Url`` for a SAM ``FunctionUrlConfig``).
    :param kind: ``"rest"``, ``"http"`` or ``"function-url"``.
    :param resource_type: the CloudFormation type the API comes from.
    :param stage: the stage name, or None when the template deploys none.
    :param routes: the routes to Lambda functions.
    :param binary_media_types: REST only, normalised to the ``image/png`` spelling.
    :param stage_variables: the stage's variables.
    :param endpoint_type: REST only: ``"EDGE"``, ``"REGIONAL"`` or ``"PRIVATE"``.
    :param domain_name: the custom domain of SAM's ``Domain`` property, if any.
    :param base_path: the custom domain's first base path mapping (``""`` for none).
    :param function_url_auth_type: function URLs: ``"NONE"`` or ``"AWS_IAM"``.
    :param notes: what the template configures that the emulator ignores (authorizers, CORS...).
    :param region: the region the template resolves ``AWS::Region`` to.
    :param account_id: the account the template resolves ``AWS::AccountId`` to.
    :param functions: the template's functions, by logical id.
    :param cors: the CORS the front door applies itself (SAM ``Cors``, ``CorsConfiguration``), if any.
    :param api_keys: REST: the API keys the template gives values to (``AWS::ApiGateway::ApiKey``).
    :param authorizers: the authorizers and the routes they guard (SAM's ``Auth``), if any.
    :param api_key_source: REST: ``ApiKeySourceType``, ``"HEADER"`` or ``"AUTHORIZER"``.
    :param stages: every stage of the API with its variables (``stage`` is the one used by default).
    :param api_key_routes: REST: the routes whose methods require an API key (Lambda or not).
    :param validation: REST: the validation of the methods that have a request validator.
    :param integrations: the routes the front door answers itself (MOCK, IAM without a signature,
        integrations not run yet).
    :param gateway_responses: REST: the customised gateway responses by type (``DEFAULT_4XX``...), as
        :func:`apigw_emulator.gateway_responses.render_gateway_response` takes them.
    """

    logical_id: str
    kind: ApiKind
    resource_type: str
    stage: str | None
    routes: tuple[ApiRoute, ...]
    binary_media_types: tuple[str, ...] = ()
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    endpoint_type: str | None = None
    domain_name: str | None = None
    base_path: str = ""
    function_url_auth_type: str | None = None
    notes: tuple[str, ...] = ()
    region: str = "us-east-1"
    account_id: str = "123456789012"
    functions: Mapping[str, Function] = field(default_factory=dict, repr=False, compare=False)
    cors: CorsRules | None = None
    api_keys: tuple[str, ...] = ()
    authorizers: AuthorizerRules | None = None
    api_key_source: str = "HEADER"
    stages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    api_key_routes: tuple[str, ...] = ()
    integrations: RouteIntegrations | None = None
    validation: MethodValidation | None = None
    gateway_responses: Mapping[str, GatewayResponseSpec] = field(default_factory=dict)

    @property
    def function_ids(self) -> tuple[str, ...]:
        """The logical ids of the functions behind the routes, in route order."""
        return tuple(dict.fromkeys(route.function_id for route in self.routes))

    @property
    def has_routes(self) -> bool:
        """Whether the API has something to serve: a Lambda route, or a route the front door answers
        itself (an HTTP integration, a MOCK method); an API of the latter only is served without a
        function."""
        integrations = self.integrations
        answered = integrations is not None and bool(integrations.http or integrations.mocks)
        return bool(self.routes) or (self.kind != "function-url" and answered)

    @property
    def route_specs(self) -> list[str]:
        """Every route of the API as ``Gateway(routes=...)`` takes them: the Lambda routes, then the routes
        the front door answers itself (MOCK methods...)."""
        return self._with_front_door_routes(self.routes)

    def _with_front_door_routes(self, routes: tuple[ApiRoute, ...]) -> list[str]:
        """The specs of ``routes``, then of the routes the front door answers itself."""
        specs = [route.spec for route in routes]
        if self.integrations is not None:
            own = self.integrations.route_keys
            specs += [key for key in own if key not in specs]
        return specs

    def routes_of(self, function_id: str) -> tuple[ApiRoute, ...]:
        """The routes that invoke ``function_id``."""
        return tuple(route for route in self.routes if route.function_id == function_id)

    def describe(self) -> str:
        """One line for messages: ``ImageApi (rest, stage Prod: POST /{proxy+} -> ImageFunction)``."""
        shown = [f"{route.spec} -> {route.function_id}" for route in self.routes[:_LISTED_ROUTES]]
        if len(self.routes) > _LISTED_ROUTES:
            shown.append(f"... {len(self.routes) - _LISTED_ROUTES} more")
        stage = f", stage {self.stage}" if self.stage else ""
        return f"{self.logical_id} ({self.kind}{stage}: {', '.join(shown) or 'no Lambda routes'})"

    def function_for(self, function_id: str | None = None) -> Function:
        """The function a ``Gateway`` for this API invokes: ``function_id``, or the only one.

        :raises TemplateError: when ``function_id`` has no route here, or it is None and the routes go to
            several functions (a ``Gateway`` has one handler): the message lists them.
        """
        ids = self.function_ids
        if function_id is None:
            if len(ids) == 1:
                return self.functions[ids[0]]
            if not ids:
                raise TemplateError(f"API {self.logical_id} has no route to a Lambda function")
            raise TemplateError(
                f"the routes of API {self.logical_id} go to several functions ({', '.join(ids)}) and a "
                f"Gateway calls one handler: choose one with {option('function')}"
            )
        if function_id not in ids:
            raise TemplateError(
                f"function {function_id!r} has no route on API {self.logical_id}; "
                f"its functions: {', '.join(ids) or 'none'}"
            )
        return self.functions[function_id]

    @property
    def deployed_id(self) -> str:
        """The API's id (a function URL's url-id): stable for the template's API, and its own, as AWS gives
        every API of a stack an id of its own."""
        seed = f"{self.kind}:{self.account_id}:{self.region}:{self.logical_id}"
        return stable_id(seed, 32 if self.kind == "function-url" else 10)

    def gateway_options(
        self, function_id: str | None = None, *, custom_domain: bool = False, stage: str | None = None
    ) -> dict[str, Any]:
        """The :class:`~apigw_emulator.Gateway` keyword arguments for this API in front of one function.

        Only the routes of that function are given to the ``Gateway``: a request to another function's
        route gets the front door's "no route" answer (REST 403, HTTP API 404).

        :param function_id: the function, required when the API's routes go to several.
        :param custom_domain: give ``domain_name`` and ``base_path`` of SAM's ``Domain`` property, so
            requests come through the custom domain instead of the ``execute-api`` host.
        :param stage: the stage to serve (its variables with it); None: the API's first stage.
        :raises TemplateError: when the function is ambiguous, or its HTTP API routes mix payload formats
            or integration timeouts (one ``Gateway`` has one of each).
        """
        function = self.function_for(function_id)
        routes = self.routes_of(function.logical_id)
        options: dict[str, Any] = {
            "api": self._front_door(function.logical_id, routes),
            "region": self.region,
            "account_id": self.account_id,
            "function_name": function.name,
            "timeout": function.timeout,
            "memory_size": function.memory_size,
            "api_id": self.deployed_id,
        }
        if self.kind == "function-url":
            options["function_url_auth_type"] = self.function_url_auth_type or "NONE"
            return options
        self._add_api_options(options, routes, custom_domain=custom_domain, stage=stage)
        timeout = self._integration_timeout(function.logical_id, routes)
        if timeout is not None:
            options["integration_timeout"] = timeout
        return options

    def front_door_options(self, *, custom_domain: bool = False, stage: str | None = None) -> dict[str, Any]:
        """The :class:`~apigw_emulator.Gateway` keyword arguments for an API without Lambda routes, every
        route of which the front door answers itself (HTTP and MOCK integrations): ``Gateway(None,
        **options)`` serves it.

        :param custom_domain: as for :meth:`gateway_options`.
        :param stage: as for :meth:`gateway_options`.
        """
        options: dict[str, Any] = {
            "api": "rest" if self.kind == "rest" else "http",
            "region": self.region,
            "account_id": self.account_id,
            "api_id": self.deployed_id,
        }
        self._add_api_options(options, (), custom_domain=custom_domain, stage=stage)
        return options

    def _add_api_options(
        self,
        options: dict[str, Any],
        routes: tuple[ApiRoute, ...],
        *,
        custom_domain: bool,
        stage: str | None,
    ) -> None:
        """The options of the whole API (stage, routes, integrations, rules...) into ``options``."""
        variables = self.stage_variables
        if stage is not None and stage in self.stages:
            variables = self.stages[stage]
            options["stage"] = stage
        elif self.stage is not None:
            options["stage"] = self.stage
        options["routes"] = self._with_front_door_routes(routes)
        if self.integrations is not None:
            options["integrations"] = self.integrations
        if self.gateway_responses:
            options["gateway_responses"] = dict(self.gateway_responses)
        if self.validation is not None:
            options["request_validation"] = self.validation
        if self.kind == "rest":
            options["endpoint_type"] = self.endpoint_type or "EDGE"
            if self.binary_media_types:
                options["binary_media_types"] = list(self.binary_media_types)
        if variables:
            options["stage_variables"] = dict(variables)
        if self.cors is not None:
            options["cors"] = self.cors
        # The whole API's rules: an application's API takes them from its first function's options.
        keyed = list(self.api_key_routes) or [route.spec for route in self.routes if route.api_key_required]
        if keyed and self.kind == "rest":
            options["api_key_routes"] = keyed
            options["api_keys"] = list(self.api_keys)
            options["api_key_source"] = self.api_key_source
        if self.authorizers is not None:
            options["authorizers"] = self.authorizers
        if custom_domain:
            if self.domain_name is None:
                raise TemplateError(f"API {self.logical_id} has no custom domain (SAM's Domain property)")
            options["domain_name"] = self.domain_name
            options["base_path"] = self.base_path

    def _front_door(self, function_id: str, routes: tuple[ApiRoute, ...]) -> str:
        if self.kind != "http":
            return self.kind
        versions = {route.payload_format_version for route in routes}
        if versions == {"1.0"}:
            return "http-v1"
        if versions == {"2.0"}:
            return "http"
        listed = "; ".join(f"{route.spec}: {route.payload_format_version}" for route in routes)
        raise TemplateError(
            f"the routes of {function_id} on HTTP API {self.logical_id} mix payload formats ({listed}) and "
            "a Gateway sends one format: build one Gateway per format by hand"
        )

    def _integration_timeout(self, function_id: str, routes: tuple[ApiRoute, ...]) -> float | None:
        millis = {route.timeout_in_millis for route in routes if route.timeout_in_millis is not None}
        if not millis:
            return None
        if len(millis) > 1:
            raise TemplateError(
                f"the routes of {function_id} on API {self.logical_id} set different TimeoutInMillis "
                f"({', '.join(str(m) for m in sorted(millis))}) and a Gateway has one integration timeout"
            )
        return millis.pop() / 1000


@dataclass(frozen=True)
class Template:
    """A SAM or CloudFormation template, read for local emulation (see :func:`load_template`).

    :param path: the template file.
    :param apis: its REST APIs, HTTP APIs and function URLs (implicit ones included), in template order.
    :param functions: its Lambda functions by logical id (resources whose ``Condition`` is false left out).
    :param region: what ``AWS::Region`` resolved to.
    :param account_id: what ``AWS::AccountId`` resolved to.
    :param stack_name: what ``AWS::StackName`` resolved to.
    :param aliases: other names of resources: CDK construct paths (``Stack/Items/Handler``) and construct
        ids (``Handler``, when only one resource has it), to their logical ids.
    """

    path: Path
    apis: list[Api]
    functions: dict[str, Function]
    region: str = "us-east-1"
    account_id: str = "123456789012"
    stack_name: str = "sam-app"
    aliases: Mapping[str, str] = field(default_factory=dict)

    def logical_id(self, name: str) -> str:
        """The logical id a name stands for: a logical id itself, or a CDK construct path or id."""
        if name in self.functions or any(api.logical_id == name for api in self.apis):
            return name
        return self.aliases.get(name, name)

    def api(self, logical_id: str) -> Api:
        """The API with this logical id (or CDK construct path or id).

        :raises TemplateError: when there is none; the message lists the APIs.
        """
        logical_id = self.logical_id(logical_id)
        for api in self.apis:
            if api.logical_id == logical_id:
                return api
        raise TemplateError(
            f"no API {logical_id!r} in the template; its APIs: {self._list_apis(self.apis)}",
            source=str(self.path),
        )

    def function(self, logical_id: str) -> Function:
        """The function with this logical id (or CDK construct path or id).

        :raises TemplateError: when there is none; the message lists the functions.
        """
        try:
            return self.functions[self.logical_id(logical_id)]
        except KeyError:
            raise TemplateError(
                f"no function {logical_id!r} in the template; its functions: "
                f"{', '.join(self.functions) or 'none'}",
                source=str(self.path),
            ) from None

    def select_api(self, *, template_api: str | None = None, api: str | None = None) -> Api:
        """The API a ``Gateway`` stands for, whichever functions its routes go to (see :meth:`select`)."""
        kind = self._kind_of(api)
        if template_api is not None:
            return self._api_of_kind(template_api, kind, api)
        candidates = [a for a in self.apis if a.has_routes and (kind is None or a.kind == kind)]
        return self._only(candidates, "the template has", f"choose one with {option('template_api')}", kind)

    def _api_of_kind(self, template_api: str, kind: ApiKind | None, api: str | None) -> Api:
        chosen = self.api(template_api)
        if kind is not None and chosen.kind != kind:
            raise TemplateError(
                f"API {chosen.logical_id} is a {chosen.kind} API, not a {kind} API as api={api!r} asks",
                source=str(self.path),
            )
        return chosen

    def select(
        self, *, template_api: str | None = None, function: str | None = None, api: str | None = None
    ) -> tuple[Api, Function]:
        """The API and the function a ``Gateway`` stands for.

        :param template_api: an API's logical id; needed when the template has several candidates.
        :param function: a function's logical id; needed when the API's routes go to several functions.
        :param api: the front door (``"rest"``, ``"http"``, ``"http-v1"``, ``"function-url"``), as everywhere
            else: only the template's APIs of that kind are candidates.
        :raises TemplateError: when a name is unknown, ``api`` is not a front door the template can have,
            or the choice is ambiguous; the message lists the candidates.
        """
        kind = self._kind_of(api)
        if function is not None:
            function = self.logical_id(function)
        if template_api is not None:
            chosen = self._api_of_kind(template_api, kind, api)
        else:
            candidates = [a for a in self.apis if a.routes and (kind is None or a.kind == kind)]
            subject, hint = "the template has", f"choose one with {option('template_api')}"
            if function is not None:
                self.function(function)
                candidates = [a for a in candidates if function in a.function_ids]
                subject = f"function {function!r} is behind"
            else:
                hint += f" (and {option('function')} when its routes go to several functions)"
            chosen = self._only(candidates, subject, hint, kind)
        try:
            return chosen, chosen.function_for(function)
        except TemplateError as exc:
            exc.source = exc.source or str(self.path)
            raise

    def gateway_options(
        self,
        *,
        template_api: str | None = None,
        function: str | None = None,
        api: str | None = None,
        custom_domain: bool = False,
        stage: str | None = None,
    ) -> tuple[Function, dict[str, Any]]:
        """The function and the ``Gateway`` keyword arguments for one API (see :meth:`select`), without
        importing the handler.

        :raises TemplateError: as :meth:`select` and :meth:`Api.gateway_options` do; when the routes give
            another front door than ``api`` (an HTTP API whose routes use payload 1.0 is ``"http-v1"``).
        """
        chosen, target = self.select(template_api=template_api, function=function, api=api)
        options = chosen.gateway_options(target.logical_id, custom_domain=custom_domain, stage=stage)
        if api is not None and options["api"] != api:
            raise TemplateError(
                f"the routes of {target.logical_id} on API {chosen.logical_id} make it the "
                f"{options['api']!r} front door (their payload format), not {api!r}",
                source=str(self.path),
            )
        return target, options

    def gateway_kwargs(
        self,
        *,
        template_api: str | None = None,
        function: str | None = None,
        api: str | None = None,
        custom_domain: bool = False,
        stage: str | None = None,
        env_vars: Mapping[str, Any] | None = None,
        layer_folders: Mapping[str, str | os.PathLike[str]] | None = None,
    ) -> tuple[HandlerSource, dict[str, Any]]:
        """The handler and the ``Gateway`` keyword arguments for one API and function (see :meth:`select`).

        The handler is imported when the gateway first invokes it, not here; what can be checked without
        importing (runtime, handler setting, code folder) is checked now.

        :param env_vars: overrides of the functions' variables in SAM CLI's ``--env-vars`` format (see
            :meth:`Function.environment_with`).
        :raises TemplateError: as :meth:`gateway_options` does, and for a function without a local Python
            handler (an image, code in S3, another runtime).
        """
        target, options = self.gateway_options(
            template_api=template_api, function=function, api=api, custom_domain=custom_domain, stage=stage
        )
        check_python_handler(target)
        options.update(function_options(target, env_vars, layer_folders))
        source = HandlerSource(target.handler or "", target.load_handler, options.get("code_uri"))
        return source, options

    def _kind_of(self, api: str | None) -> ApiKind | None:
        if api is None:
            return None
        if api in _KIND_OF_FRONT_DOOR:
            return _KIND_OF_FRONT_DOOR[api]
        known = ", ".join(repr(k) for k in _KIND_OF_FRONT_DOOR)
        if any(candidate.logical_id == api for candidate in self.apis):
            raise TemplateError(
                f"api={api!r} names a front door ({known}); {api} is the logical id of one of the template's "
                f"APIs: choose it with {option('template_api')}",
                source=str(self.path),
            )
        raise TemplateError(
            f"api={api!r} is not a front door a template describes ({known})", source=str(self.path)
        )

    def _only(self, candidates: list[Api], subject: str, hint: str, kind: ApiKind | None) -> Api:
        if len(candidates) == 1:
            return candidates[0]
        what = "API" if kind is None else f"{kind} API"
        if not candidates:
            alternative = " or function URL" if kind is None else ""
            raise TemplateError(
                f"{subject} no {what}{alternative} with a Lambda route", source=str(self.path)
            )
        raise TemplateError(
            f"{subject} several {what}s: {self._list_apis(candidates)}; {hint}", source=str(self.path)
        )

    @staticmethod
    def _list_apis(apis: list[Api]) -> str:
        return "; ".join(api.describe() for api in apis) or "none"
