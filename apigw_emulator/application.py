"""A whole SAM application: every API of a template, each route to the function that owns it, each
function with execution environments of its own, shared by every API that routes to it.

::

    app = Application.from_template("template.yaml", isolation="process")
    app.apis["ImageRestApi"].request("POST", "/shape", data=jpeg, headers={"Content-Type": "image/jpeg"})
    app.close()

An API is a :class:`~apigw_emulator.Gateway` whose routes are all of the API's routes, in one table: the
route ranking of API Gateway decides (a function's specific route beats another function's
``{proxy+}``), then the request goes to the function of the route that matched. A function's code is
imported when it is first invoked: building the application, or events, imports nothing.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from ._spelling import option
from .authorizers.model import JwksSource, LambdaAuthorizer
from .config import GatewayConfig
from .errors import ConfigurationError
from .function import FUNCTION_OPTIONS, LambdaFunction
from .gateway import Gateway
from .invoke import FunctionTarget
from .routing import parse_route
from .runtime.model import HandlerSource
from .templates.errors import TemplateError

__all__ = ["Application", "RouteEntry"]


@dataclass(frozen=True, slots=True)
class RouteEntry:
    """One line of the application's table: an API's route, the function it invokes and the authorizer
    that guards it (None: open)."""

    api: str
    kind: str
    route: str
    function: str
    authorizer: str | None = None


class Application:
    """Every API of a template in front of its functions (see the module's documentation).

    :ivar apis: the APIs by logical id, in the template's order: each a :class:`Gateway`.
    :ivar functions: each function (by logical id) with its execution environments
        (:class:`~apigw_emulator.function.LambdaFunction`); the APIs send their routes' requests to them.
    :ivar not_emulated: what the template configures that the emulator reads but does not run (IAM
        signatures, resource policies, integrations not run yet...), each a sentence naming where; the
        same sentences as the :class:`~apigw_emulator.errors.NotEmulatedWarning` and ``serve``'s banner.
    """

    def __init__(
        self,
        apis: Mapping[str, Gateway],
        functions: Mapping[str, LambdaFunction],
        owners: Mapping[str, Mapping[str, str]] | None = None,
        not_emulated: tuple[str, ...] = (),
    ) -> None:
        self.apis = dict(apis)
        self.functions = dict(functions)
        self.not_emulated = not_emulated
        self._owners = {api: dict(routes) for api, routes in (owners or {}).items()}

    def __repr__(self) -> str:
        return f"Application(apis={list(self.apis)}, functions={list(self.functions)})"

    @classmethod
    def from_template(
        cls,
        path: str | os.PathLike[str],
        *,
        parameters: Mapping[str, str] | None = None,
        env_vars: Mapping[str, Any] | None = None,
        layer_folders: Mapping[str, str | os.PathLike[str]] | None = None,
        handlers: Mapping[str, Callable[..., Any] | str] | None = None,
        custom_domain: bool = False,
        template_api: str | None = None,
        jwks: Mapping[str, JwksSource] | None = None,
        **options: Any,
    ) -> Application:
        """The application a SAM or CloudFormation template describes.

        :param parameters: template parameter values.
        :param env_vars: the functions' variables in SAM CLI's ``--env-vars`` format.
        :param layer_folders: local folders for layers the template names by ARN (``{ARN: folder}``).
        :param handlers: handlers of your own for some functions, by logical id (a container image's
            function, say); the others' are the template's.
        :param custom_domain: serve the APIs through their custom domains (SAM ``Domain``).
        :param template_api: only this API (a logical id).
        :param jwks: the signing keys of the template's JWT and Cognito authorizers, by authorizer name (a
            JWKS document or the path of its JSON file).
        :param options: :class:`Gateway` options for every function (``isolation``, ``runtime_client``,
            ``max_concurrency``, ``function_log``, ``raise_handler_exceptions``...).
        :raises TemplateError: for what the template cannot give (see :mod:`apigw_emulator.template`); an
            HTTP API whose routes mix payload formats.
        :raises ConfigurationError: for ``jwks`` of an authorizer no API has.
        """
        from .template import load_template  # noqa: PLC0415 - needs PyYAML

        template = load_template(path, parameters=parameters)
        own = {template.logical_id(name): handler for name, handler in (handlers or {}).items()}
        unknown = sorted(set(own) - set(template.functions))
        if unknown:
            raise ConfigurationError(
                f"handlers for {', '.join(unknown)}: the template has no such function "
                f"(its functions: {', '.join(template.functions) or 'none'})"
            )
        functions: dict[str, LambdaFunction] = {}
        apis: dict[str, Gateway] = {}
        owners: dict[str, dict[str, str]] = {}
        chosen = [template.api(template_api)] if template_api is not None else template.apis
        keys = dict(jwks or {})
        _check_jwks_names(keys, chosen)
        function_options_only = {
            k: v for k, v in options.items() if k not in _API_OPTIONS or k in _FUNCTION_TOO
        }
        for api in chosen:
            if not api.function_ids and not api.has_routes:
                continue
            targets: dict[str, FunctionTarget] = {}
            route_keys: dict[str, str] = {}
            qualified: dict[str, str] = {}
            api_options: dict[str, Any] | None = None
            for function_id in api.function_ids:
                choice = {
                    "template_api": api.logical_id,
                    "function": function_id,
                    "custom_domain": custom_domain,
                }
                if function_id not in functions:
                    functions[function_id] = _function(
                        template,
                        choice,
                        own.get(function_id),
                        (env_vars, layer_folders),
                        function_options_only,
                    )
                kwargs = api.gateway_options(
                    function_id, custom_domain=custom_domain, stage=options.get("stage")
                )
                if api_options is None:
                    api_options = kwargs
                elif kwargs["api"] != api_options["api"]:
                    raise TemplateError(
                        f"the routes of HTTP API {api.logical_id} use payload format 1.0 for some functions "
                        "and 2.0 for others, and an emulated API sends one format: serve one function with "
                        f"{option('template_api')} and {option('function')}",
                        source=str(template.path),
                    )
                function = functions[function_id]
                timeout = kwargs.get("integration_timeout")
                targets[function_id] = function.target(timeout)
                variables = kwargs.get("stage_variables", {})
                for route in api.routes_of(function_id) if api.kind != "function-url" else ():
                    key = parse_route(route.spec).key
                    route_keys[key] = function_id
                    qualifier = route.qualifier_in(variables)
                    if qualifier is not None:  # an alias or version: the ARN Lambda was invoked by says so
                        qualified[key] = f"{function_id}:{qualifier}"
                        targets[qualified[key]] = function.target(timeout, qualifier)
            if api_options is None:  # no Lambda routes: the front door answers every route itself
                api_options = api.front_door_options(custom_domain=custom_domain, stage=options.get("stage"))
            for name in ("function_name", "timeout", "memory_size", "integration_timeout"):
                api_options.pop(name, None)
            if api.kind != "function-url":
                api_options["routes"] = api.route_specs
            allowed = (
                _API_OPTIONS if api.kind != "function-url" else _API_OPTIONS - {"stage", "binary_media_types"}
            )
            front_door_options = {k: v for k, v in options.items() if k in allowed}
            if api.authorizers is not None:
                api_options["jwks"] = {n: k for n, k in keys.items() if n in api.authorizers.authorizers}
            gateway = Gateway(None, **{**api_options, **front_door_options})
            gateway._routes_to = (
                _router({**route_keys, **qualified}, targets, api.function_ids[0])
                if api.function_ids
                else _no_function(api.logical_id)
            )
            for function_id in authorizer_function_ids(api, template):
                if function_id not in functions:
                    functions[function_id] = _authorizer_function(
                        template,
                        function_id,
                        own.get(function_id),
                        (env_vars, layer_folders),
                        function_options_only,
                    )
                function = functions[function_id]
                gateway.authorizer_functions[function_id] = function.target()
            apis[api.logical_id] = gateway
            owners[api.logical_id] = route_keys or ({"": api.function_ids[0]} if api.function_ids else {})
        warn_not_emulated(chosen, str(template.path))
        return cls(apis, functions, owners, not_emulated_notes(chosen))

    def routes(self) -> Iterator[RouteEntry]:
        """Every API's routes with the function each invokes, as ``serve`` prints them."""
        for api_id, gateway in self.apis.items():
            owners = self._owners.get(api_id, {})
            if gateway.api == "function-url":
                yield RouteEntry(api_id, gateway.api, "(every request)", owners.get("", "?"))
                continue
            rules = gateway.authorization.rules if gateway.authorization is not None else None
            for route in gateway.config.routes:
                guard = rules.routes.get(route.key) if rules is not None else None
                yield RouteEntry(
                    api_id,
                    gateway.api,
                    route.key,
                    owners.get(route.key, "?"),
                    guard.authorizer if guard is not None else None,
                )

    def close(self) -> None:
        """End every function's execution environments (worker processes); idempotent."""
        for function in self.functions.values():
            function.close()

    def __enter__(self) -> Application:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


#: Gateway options that belong to the front door (every option of its configuration), not to a function.
_API_OPTIONS = frozenset(
    {"raise_handler_exceptions", *inspect.signature(GatewayConfig.create).parameters}
    - {"cls", "api", "routes"}  # the template's routes decide which function a request goes to
)
#: Front-door options a function's own gateway needs too (its variables, its ARN, its errors).
_FUNCTION_TOO = frozenset({"region", "account_id", "raise_handler_exceptions"})
#: Front-door options of the APIs with stages only (REST and HTTP APIs).
_STAGED = frozenset({"stage", "binary_media_types"})


def _lambda_function(
    handler: Callable[..., Any] | str | HandlerSource,
    from_template: Mapping[str, Any],
    options: Mapping[str, Any],
) -> LambdaFunction:
    """A function of the template: what the template says of it, with the caller's function options."""
    given = {key: value for key, value in options.items() if key != "raise_handler_exceptions"}
    unknown = sorted(set(given) - FUNCTION_OPTIONS - {"region", "account_id"})
    if unknown:
        raise ConfigurationError(f"unknown option(s) {', '.join(unknown)} for the application's functions")
    read = {k: v for k, v in from_template.items() if k in FUNCTION_OPTIONS or k in ("region", "account_id")}
    return LambdaFunction.create(handler, **{**read, **given})


def _function(
    template: Any,
    choice: dict[str, Any],
    handler: Callable[..., Any] | str | None,
    overrides: tuple[Mapping[str, Any] | None, Mapping[str, str | os.PathLike[str]] | None],
    options: Mapping[str, Any],
) -> LambdaFunction:
    """One function of the application, with its execution environments."""
    from .templates.model import function_options  # noqa: PLC0415

    env_vars, layer_folders = overrides
    if handler is None:
        source, kwargs = template.gateway_kwargs(**choice, env_vars=env_vars, layer_folders=layer_folders)
        return _lambda_function(source, kwargs, options)
    target, kwargs = template.gateway_options(**choice)
    kwargs.update(function_options(target, env_vars, layer_folders))
    return _lambda_function(handler, kwargs, options)


def warn_not_emulated(apis: list[Any], source: str) -> None:
    """One :class:`~apigw_emulator.errors.NotEmulatedWarning` naming what the APIs configure that is not
    emulated (their notes), if anything."""
    import warnings  # noqa: PLC0415

    from .errors import NotEmulatedWarning  # noqa: PLC0415

    notes = not_emulated_notes(apis)
    if notes:
        warnings.warn(
            NotEmulatedWarning(
                f"{source} configures what the emulator does not enforce: " + "; ".join(notes)
            ),
            stacklevel=3,
        )


def not_emulated_notes(apis: list[Any]) -> tuple[str, ...]:
    """What the APIs configure that is not emulated, each note once."""
    return tuple(dict.fromkeys(note for api in apis for note in api.notes))


def _check_jwks_names(keys: Mapping[str, Any], apis: list[Any]) -> None:
    names = {name for api in apis if api.authorizers is not None for name in api.authorizers.authorizers}
    unknown = sorted(set(keys) - names)
    if unknown:
        raise ConfigurationError(
            f"jwks for {', '.join(unknown)}: no API of the template has an authorizer of that name "
            f"(its authorizers: {', '.join(sorted(names)) or 'none'})"
        )


def authorizer_function_ids(api: Any, template: Any) -> list[str]:
    """The template functions the API's Lambda authorizers run."""
    if api.authorizers is None:
        return []
    return [
        authorizer.function
        for authorizer in api.authorizers.authorizers.values()
        if isinstance(authorizer, LambdaAuthorizer)
        and isinstance(authorizer.function, str)
        and authorizer.function in template.functions
    ]


def _authorizer_function(
    template: Any,
    function_id: str,
    handler: Callable[..., Any] | str | None,
    overrides: tuple[Mapping[str, Any] | None, Mapping[str, str | os.PathLike[str]] | None],
    options: Mapping[str, Any],
) -> LambdaFunction:
    """A function no route invokes (an authorizer's), with its execution environments."""
    from .templates.handler_import import check_python_handler  # noqa: PLC0415
    from .templates.model import function_options  # noqa: PLC0415

    target = template.function(function_id)
    kwargs: dict[str, Any] = {
        "function_name": target.name,
        "timeout": target.timeout,
        "memory_size": target.memory_size,
        "region": template.region,
        "account_id": template.account_id,
    }
    env_vars, layer_folders = overrides
    kwargs.update(function_options(target, env_vars, layer_folders))
    if handler is not None:
        return _lambda_function(handler, kwargs, options)
    check_python_handler(target)
    source = HandlerSource(target.handler or "", target.load_handler, kwargs.get("code_uri"))
    return _lambda_function(source, kwargs, options)


def _no_function(api_id: str) -> Callable[[str], FunctionTarget]:
    """The route-to-function map of an API without Lambda routes: none of its routes invokes one."""

    def route_to(key: str) -> FunctionTarget:
        raise ConfigurationError(f"API {api_id} has no Lambda route; {key} invokes no function")

    return route_to


def _router(
    route_keys: Mapping[str, str], targets: Mapping[str, FunctionTarget], only: str
) -> Callable[[str], FunctionTarget]:
    """The function of each route key (a function URL's one function for any request)."""
    if not route_keys:
        target = targets[only]
        return lambda key: target
    owners = dict(route_keys)
    return lambda key: targets[owners[key]]
