"""The public entry point: a configured front door that turns requests into events."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

from ._spelling import option
from ._types import BodyInput, Event, HeaderInput
from .api_keys import ApiKeyRules
from .authorizers.check import Authorization
from .authorizers.model import AuthorizerRules, JwksSource, LambdaAuthorizer
from .config import GatewayConfig
from .cors import CorsRules
from .errors import ConfigurationError, GatewayErrorWarning
from .events import BUILDERS
from .flow.validation import MethodValidation
from .function import LambdaFunction
from .gateway_responses import check_gateway_responses
from .ids import RequestStamp
from .invoke import FunctionTarget, Invocation, function_caller, invoke
from .model.rest import GatewayResponseSpec
from .request import HttpRequest
from .route_integrations import RouteIntegrations
from .routing import parse_route
from .runtime.model import FunctionConfig, HandlerSource, Isolation, LogSink
from .runtime.pool import DEFAULT_MAX_CONCURRENCY, EnvironmentPool

if TYPE_CHECKING:
    import requests

__all__ = ["Gateway"]


class Gateway:
    """One API front door in front of a Lambda handler.

    :param handler: the Lambda handler: a callable ``handler(event, context)``, or its name as in SAM's
        ``Handler`` (``"app.lambda_handler"``, imported from ``code_uri`` when first invoked); None for
        event-only use.
    :param api: ``"rest"`` (REST API, payload 1.0), ``"http"`` (HTTP API, payload 2.0), ``"http-v1"``
        (HTTP API, payload 1.0), ``"function-url"`` or ``"alb"``.
    :param binary_media_types: REST only: the API's binaryMediaTypes, in either spelling
        (``"image/png"``, ``"image/*"``, ``"*/*"``, SAM's ``"multipart~1form-data"``).
    :param stage: the stage (REST default ``"Prod"``, as SAM's implicit API; HTTP default ``"$default"``).
    :param routes: route specs such as ``"ANY /{proxy+}"``, ``"GET /items/{id}"``, ``"/hardcoded"`` or
        ``"$default"``. Default: REST ``ANY /`` and ``ANY /{proxy+}``; HTTP APIs ``$default``.
    :param region: AWS region of the generated host names and ARNs.
    :param account_id: the API owner's account id.
    :param api_id: the API id (or function URL id); a stable one is derived by default.
    :param domain_name: the host clients call. A name outside ``amazonaws.com`` is a custom domain: the
        stage is then not in the URL, and ``base_path`` is its API mapping.
    :param base_path: the custom domain's base path mapping (``""`` for none).
    :param endpoint_type: REST only: ``"EDGE"`` (AWS's default, adds the CloudFront headers),
        ``"REGIONAL"`` or ``"PRIVATE"``.
    :param stage_variables: the stage's variables.
    :param authorizer: the ``requestContext.authorizer`` object an authorizer would produce (Cognito
        claims, Lambda authorizer context, JWT claims...).
    :param request_context: values deep-merged into every ``requestContext``.
    :param event_overrides: values deep-merged into every event, the escape hatch for any field;
        :data:`~apigw_emulator.ABSENT` removes a key.
    :param multi_value_headers: ALB only: the target group's ``lambda.multi_value_headers.enabled``.
    :param target_group_arn: ALB only.
    :param text_media_types: HTTP API, function URL and ALB: the types passed as text rather than base64.
    :param decode_raw_path: HTTP APIs: percent-decode ``rawPath`` as AWS has done since about 2024.
    :param recased_headers: REST: header names API Gateway re-cases (default Host, User-Agent,
        Authorization).
    :param scheme: ALB only: ``"https"`` (default) or ``"http"`` listener.
    :param function_url_auth_type: function URLs: ``"NONE"`` or ``"AWS_IAM"``.
    :param tls_version: function URLs: the client's TLS version (``x-amzn-tls-version``).
    :param tls_cipher_suite: function URLs: the negotiated cipher suite (``x-amzn-tls-cipher-suite``).
    :param raise_handler_exceptions: re-raise an exception of the handler in the test (default), with the
        front door's response attached as ``exc.apigw_invocation``; False gives the 5xx a client would get.
    :param function_name: the Lambda function's name (context, ARN, log group).
    :param timeout: the function timeout in seconds (AWS's default: 3).
    :param memory_size: the function memory in MB (``context.memory_limit_in_mb``).
    :param integration_timeout: the front door's own limit: REST 29 s (504), HTTP API 30 s (503) by
        default. A handler that overruns is stopped (see ``isolation``); the test does not wait for it.
    :param isolation: where the function runs. ``"in-process"`` (default): in this process, the handler
        called on the calling thread (on the main thread, as Lambda's runtime calls it; a timeout
        interrupts it there), so monkeypatching (a callable's module, or ``on_init``) and coverage work.
        ``"process"``: each execution environment is a worker process of its own speaking the Lambda
        Runtime API, its own ``os.environ``, modules and globals; a timeout kills it. Both initialise once
        per environment (a handler given by name afresh in each new one) and afresh after a timeout.
    :param environment: the function's environment variables (``Environment.Variables``); Lambda's
        reserved variables (``AWS_REGION``, ``AWS_LAMBDA_FUNCTION_NAME``, ``_HANDLER``...) are set too and
        cannot be overridden.
    :param code_uri: the function's code folder (``LAMBDA_TASK_ROOT``), needed with a handler name.
    :param layers: folders laid out as layer contents (``python/``...), put where Lambda puts ``/opt``'s.
    :param runtime_client: process isolation: the runtime in the worker, ``"bootstrap"`` (the emulator's
        own), ``"awslambdaric"`` (AWS's runtime interface client, Linux) or the path of a custom runtime's
        ``bootstrap`` executable.
    :param max_concurrency: the function's concurrency limit, as ``ReservedConcurrentExecutions`` sets it:
        that many execution environments at most, and an invocation that finds them all busy is
        throttled as Lambda throttles it (0 throttles every invocation). None (default): no limit, as on
        AWS (the account's 1,000): the gateway keeps up to
        :data:`~apigw_emulator.runtime.pool.DEFAULT_ENVIRONMENTS` environments and an invocation that
        finds them all busy waits for one (not counted in its function timeout).
    :param function_log: where the function's log lines go (``START``/``END``/``REPORT``, and a worker
        process's output); default: nothing in-process (the handler prints to this process's own
        streams), standard error for worker processes.
    :param python: process isolation: the Python interpreter of the workers (default: this one).
    :param runtime: the Lambda runtime the function is configured with (``python3.12``), for
        ``AWS_EXECUTION_ENV``; default: this interpreter's version.
    :param cors: CORS as the front door applies it (:class:`~apigw_emulator.cors.CorsRules`: a REST API's
        MOCK ``OPTIONS`` methods, an HTTP API's own preflight answers and headers); None: ``OPTIONS``
        reaches the function like any method.
    :param api_key_routes: REST: the routes whose methods require an API key (``ApiKeyRequired``); a
        request without a known ``x-api-key`` gets 403 ``{"message":"Forbidden"}``.
    :param api_keys: REST: the API's keys; none given, any non-empty ``x-api-key`` opens those routes.
    :param api_key_source: REST: where the key comes from, ``"HEADER"`` (``x-api-key``) or
        ``"AUTHORIZER"`` (the Lambda authorizer's ``usageIdentifierKey``).
    :param authorizers: REST and HTTP APIs: the authorizers and the routes they guard
        (:class:`~apigw_emulator.authorizers.AuthorizerRules`), run for each request to a guarded route
        before the function; what they grant is the event's ``requestContext.authorizer``. A Lambda
        authorizer given as a handler runs in execution environments of its own (``isolation`` as the
        function's).
    :param integrations: the routes the front door answers itself
        (:class:`~apigw_emulator.route_integrations.RouteIntegrations`: MOCK integrations, unsigned
        requests to ``AWS_IAM`` routes, integrations not run yet), as templates give them.
    :param gateway_responses: REST: the customised gateway responses by type (``UNAUTHORIZED``,
        ``DEFAULT_4XX``... to :class:`~apigw_emulator.model.GatewayResponseSpec`), applied to every answer the
        front door gives itself, as templates give them.
    :param request_validation: REST: the methods' request validators
        (:class:`~apigw_emulator.flow.validation.MethodValidation`), as templates give them.
    :param jwks: the signing keys of JWT and Cognito authorizers by authorizer name: a JWKS document or
        the path of its JSON file.
    :param on_init: in-process: called with the handler's live module (``on_init(module)``) after each
        execution environment's init, with the function's environment variables set. A handler given by
        name is imported afresh by every new environment, so a module the test imported itself is not the
        one the function runs: patch the function's module here (``lambda module:
        monkeypatch.setattr(module, "TABLE", fake)``).
    :raises ConfigurationError: for any invalid option.
    """

    def __init__(
        self,
        handler: Callable[..., Any] | str | HandlerSource | None = None,
        api: str = "rest",
        *,
        raise_handler_exceptions: bool = True,
        function_name: str = "function",
        timeout: float = 3.0,
        memory_size: int = 128,
        integration_timeout: float | None = None,
        isolation: Isolation = "in-process",
        environment: Mapping[str, str] | None = None,
        code_uri: str | os.PathLike[str] | None = None,
        layers: Sequence[str | os.PathLike[str]] = (),
        runtime_client: str = "bootstrap",
        max_concurrency: int | None = DEFAULT_MAX_CONCURRENCY,
        function_log: LogSink | None = None,
        python: str | None = None,
        runtime: str | None = None,
        cors: CorsRules | None = None,
        api_key_routes: Collection[str] = (),
        api_keys: Collection[str] = (),
        api_key_source: str = "HEADER",
        authorizers: AuthorizerRules | None = None,
        jwks: Mapping[str, JwksSource] | None = None,
        integrations: RouteIntegrations | None = None,
        gateway_responses: Mapping[str, GatewayResponseSpec] | None = None,
        request_validation: MethodValidation | None = None,
        on_init: Callable[[ModuleType], object] | None = None,
        **options: Any,
    ) -> None:
        if integration_timeout is not None and integration_timeout <= 0:
            raise ConfigurationError("timeouts must be positive numbers of seconds")
        self.config = GatewayConfig.create(api, **options)
        #: The function behind the front door: its configuration and execution environments.
        self.lambda_function = LambdaFunction.create(
            handler,
            function_name=function_name,
            timeout=timeout,
            memory_size=memory_size,
            environment=environment,
            code_uri=code_uri,
            layers=layers,
            runtime=runtime,
            isolation=isolation,
            runtime_client=runtime_client,
            max_concurrency=max_concurrency,
            function_log=function_log,
            python=python,
            on_init=on_init,
            region=self.config.region,
            account_id=self.config.account_id,
        )
        self.integration_timeout = integration_timeout
        self.raise_handler_exceptions = raise_handler_exceptions
        if cors is not None and not isinstance(cors, CorsRules):
            raise ConfigurationError(f"cors must be a CorsRules, got {type(cors).__name__}")
        #: The CORS the front door applies itself, if any.
        self.cors = cors
        keyed = [parse_route(spec).key for spec in api_key_routes]
        #: The routes that require an API key, and the keys (REST).
        self.api_keys = ApiKeyRules.of(keyed, api_keys, api_key_source) if keyed else None
        #: The authorizers at work on this API's routes, if any.
        self.authorization = self._authorization(authorizers, jwks)
        if integrations is not None and not isinstance(integrations, RouteIntegrations):
            raise ConfigurationError(
                f"integrations must be a RouteIntegrations, got {type(integrations).__name__}"
            )
        #: The routes the front door answers itself (MOCK integrations, IAM routes...), if any.
        self.integrations = integrations
        if gateway_responses:
            if self.config.api != "rest":
                raise ConfigurationError("gateway responses are a REST API's: this front door has none")
            check_gateway_responses(gateway_responses)
        #: REST: the API's customised gateway responses, by type.
        self.gateway_responses = dict(gateway_responses or {})
        if request_validation is not None and not isinstance(request_validation, MethodValidation):
            raise ConfigurationError(
                f"request_validation must be a MethodValidation, got {type(request_validation).__name__}"
            )
        #: REST: the validation of the methods that have a validator.
        self.request_validation = request_validation
        #: The functions of Lambda authorizers named by logical id (an application's), by that id.
        self.authorizer_functions: dict[str, FunctionTarget] = {}
        self._authorizer_functions: dict[str, LambdaFunction] = {}
        self._builder = BUILDERS[self.config.api]
        self._pool_lock = threading.Lock()
        #: For an API whose routes go to several functions: the function of each route key, and the
        #: gateways of those functions when this one owns them (closed with it).
        self._routes_to: Callable[[str], FunctionTarget] | None = None
        self._owned: list[Gateway | LambdaFunction] = []
        #: :meth:`request`'s session of each thread (``session``) and whether a call is using it (``busy``).
        self._sessions = threading.local()

    def __repr__(self) -> str:
        return f"Gateway(api={self.config.api!r}, url={self.url!r})"

    def _authorization(
        self, rules: AuthorizerRules | None, jwks: Mapping[str, JwksSource] | None
    ) -> Authorization | None:
        if rules is None:
            if jwks:
                raise ConfigurationError("jwks= gives keys to JWT or Cognito authorizers, and there are none")
            return None
        if not isinstance(rules, AuthorizerRules):
            raise ConfigurationError(f"authorizers must be an AuthorizerRules, got {type(rules).__name__}")
        if self.config.api not in ("rest", "http", "http-v1"):
            raise ConfigurationError(
                f"a {self.config.api} front door has no authorizers (REST and HTTP APIs do)"
            )
        if jwks:
            rules = rules.with_jwks(jwks)
        return Authorization(rules, function_caller(self._authorizer_target, self.config))

    def _authorizer_target(self, authorizer: LambdaAuthorizer) -> FunctionTarget | None:
        """Where a Lambda authorizer's function runs: an application's function, or environments of its
        own for a handler (made on first use, closed with this gateway)."""
        if isinstance(authorizer.function, str):
            return self.authorizer_functions.get(authorizer.function)
        with self._pool_lock:
            function = self._authorizer_functions.get(authorizer.name)
            if function is None:
                function = LambdaFunction.create(
                    authorizer.function,
                    function_name=authorizer.name,
                    isolation=self.isolation,
                    runtime_client=self.runtime_client,
                    python=self.python,
                    function_log=self.function_log,
                    region=self.config.region,
                    account_id=self.config.account_id,
                )
                self._authorizer_functions[authorizer.name] = function
                self._owned.append(function)
        return function.target()

    @classmethod
    def from_template(
        cls,
        path: str | os.PathLike[str],
        *,
        template_api: str | None = None,
        function: str | None = None,
        api: str | None = None,
        parameters: Mapping[str, str] | None = None,
        custom_domain: bool = False,
        handler: Callable[..., Any] | str | HandlerSource | None = None,
        env_vars: Mapping[str, Any] | None = None,
        layer_folders: Mapping[str, str | os.PathLike[str]] | None = None,
        **options: Any,
    ) -> Gateway:
        """A gateway configured from a SAM or CloudFormation template (see :mod:`apigw_emulator.template`).

        :param template_api: the logical id of the API when the template has several.
        :param function: the logical id of the function when the API routes to several (a gateway has one
            handler; requests to the other functions' routes get the front door's 403/404).
        :param api: the front door, as in ``Gateway(api=...)``: it chooses among the template's APIs
            (``"rest"`` is its REST API, when it has one) and must agree with the one chosen.
        :param parameters: template parameter values (defaults come from the template).
        :param custom_domain: serve the API through the template's custom domain (SAM ``Domain``).
        :param handler: use this handler instead of the template's (which is then not imported).
        :param env_vars: the functions' environment variables in SAM CLI's ``--env-vars`` format
            (``{"Parameters": {...}, "MyFunction": {...}}``), over the template's ``Environment.Variables``.
        :param layer_folders: local folders for layers the template names by ARN (``{ARN: folder}``); a
            template's own layers (``ContentUri``) are found without it.
        :param options: further :class:`Gateway` options, which override the template's (``isolation``,
            ``environment``...). The handler is imported when the function initialises, with its
            environment variables in place (each worker process imports it with ``isolation="process"``).
        :raises apigw_emulator.template.TemplateError: naming an unsupported or invalid construct.
        """
        from .template import load_template  # noqa: PLC0415 - needs PyYAML
        from .templates.model import function_options  # noqa: PLC0415

        template = load_template(path, parameters=parameters)
        choice: dict[str, Any] = {
            "template_api": template_api,
            "function": function,
            "api": api,
            "custom_domain": custom_domain,
            "stage": options.get("stage"),
        }
        if handler is None and function is None:
            from .application import Application, authorizer_function_ids  # noqa: PLC0415

            chosen = template.select_api(template_api=template_api, api=api)
            # Each route to its own function, and the authorizers' functions: an application's API.
            qualified = any(route.qualifier is not None for route in chosen.routes)
            several = len(chosen.function_ids) > 1 or (not chosen.function_ids and chosen.has_routes)
            if several or authorizer_function_ids(chosen, template) or qualified:
                application = Application.from_template(
                    path,
                    jwks=options.pop("jwks", None),
                    parameters=parameters,
                    env_vars=env_vars,
                    layer_folders=layer_folders,
                    custom_domain=custom_domain,
                    template_api=chosen.logical_id,
                    **options,
                )
                gateway = application.apis[chosen.logical_id]
                gateway._owned = list(application.functions.values())
                return gateway
        from .application import warn_not_emulated  # noqa: PLC0415

        if handler is None:
            template_handler, kwargs = template.gateway_kwargs(
                **choice, env_vars=env_vars, layer_folders=layer_folders
            )
            gateway = cls(template_handler, **{**kwargs, **options})
        else:
            target, kwargs = template.gateway_options(**choice)
            kwargs.update(function_options(target, env_vars, layer_folders))
            gateway = cls(handler, **{**kwargs, **options})
        warn_not_emulated(
            [template.select(template_api=template_api, function=function, api=api)[0]], str(path)
        )
        return gateway

    @property
    def api(self) -> str:
        """The front door: ``"rest"``, ``"http"``, ``"http-v1"``, ``"function-url"`` or ``"alb"``."""
        return self.config.api

    @property
    def url(self) -> str:
        """The base URL a client calls; paths given to :meth:`event` are relative to it."""
        return self.config.url

    def build_request(
        self,
        method: str,
        path: str = "/",
        *,
        headers: HeaderInput = None,
        body: BodyInput = None,
        source_ip: str = "127.0.0.1",
        protocol: str = "HTTP/1.1",
    ) -> HttpRequest:
        """The :class:`HttpRequest` a client sends for ``method`` and ``path`` (relative to :attr:`url`)."""
        if not isinstance(path, str):
            raise TypeError(f"path must be a str, got {type(path).__name__}")
        if "://" in path.split("?", 1)[0]:
            target = path
        else:
            if not path.startswith("/"):
                path = "/" + path
            target = self.config.url_prefix + path
        return HttpRequest.build(
            method, target, headers=headers, body=body, source_ip=source_ip, protocol=protocol
        )

    def event(
        self,
        method: str,
        path: str = "/",
        *,
        headers: Mapping[str, Any] | Iterable[tuple[str, str]] | None = None,
        body: BodyInput = None,
        source_ip: str = "127.0.0.1",
        protocol: str = "HTTP/1.1",
        stamp: RequestStamp | None = None,
    ) -> Event:
        """The event AWS would hand the Lambda for this request.

        :param path: relative to :attr:`url` (no stage prefix), may carry ``?query``.
        :param headers: a dict (a list value repeats the header) or (name, value) pairs.
        :param body: bytes, str, a ``MultipartEncoder`` (its Content-Type is used), a file object or None.
        :param stamp: fixed ids and time instead of fresh ones.
        :raises RouteNotFoundError: when no route matches.
        :raises InvalidRequestError: when no client could send this request.
        """
        request = self.build_request(
            method, path, headers=headers, body=body, source_ip=source_ip, protocol=protocol
        )
        return self._builder(request, self.config, stamp)

    def build_event(self, request: HttpRequest, stamp: RequestStamp | None = None) -> Event:
        """The event for a request as it arrived (its path includes the stage or base path, if any)."""
        return self._builder(request, self.config, stamp)

    # -- invoking the handler ---------------------------------------------------------------------------
    def invoke(self, request: HttpRequest, *, stamp: RequestStamp | None = None) -> Invocation:
        """Send ``request`` through the front door to the handler, as AWS would.

        Returns the :class:`Invocation`: the event and context the handler saw, its result, and the
        response the client gets (front-door errors included: 403/404 for unknown routes, 413 for
        oversized payloads, 502/500 for handler errors and malformed results, 504/503 for timeouts).

        :raises Exception: the handler's own exception when ``raise_handler_exceptions`` is true.
        """
        function = self.lambda_function  # once: what the properties below it would each look up
        routes_to = self._routes_to
        if function.handler is None and routes_to is None:
            raise ConfigurationError(
                f"this Gateway has no handler, so it can only build events: give it one ({option('handler')})"
            )
        invocation = invoke(
            function.environments if routes_to is None else routes_to,
            request,
            self.config,
            function.function,
            integration_timeout=self.integration_timeout,
            stamp=stamp,
            cors=self.cors,
            api_keys=self.api_keys,
            authorization=self.authorization,
            integrations=self.integrations,
            gateway_responses=self.gateway_responses,
            validation=self.request_validation,
            in_process=function.isolation == "in-process",
        )
        error = invocation.error
        if error is not None and self.raise_handler_exceptions:
            response = invocation.response
            with contextlib.suppress(AttributeError):  # exceptions with __slots__ cannot take it
                error.apigw_invocation = invocation  # type: ignore[attr-defined]
            if sys.version_info >= (3, 11):
                error.add_note(
                    f"apigw-emulator: a client of this {self.api} front door gets {response.status} "
                    f"{response.body.decode('utf-8', 'replace')!r}; "
                    "Gateway(..., raise_handler_exceptions=False) returns that response instead of raising"
                )
            raise error
        if invocation.response.reason:
            warnings.warn(
                GatewayErrorWarning(
                    f"the {self.api} front door answers {invocation.response.status}: "
                    f"{invocation.response.reason}"
                ),
                stacklevel=2,
            )
        return invocation

    @property
    def environments(self) -> EnvironmentPool:
        """The function's execution environments (made on first use; see ``isolation``)."""
        return self.lambda_function.environments

    @property
    def handler(self) -> Callable[..., Any] | str | HandlerSource | None:
        """The function's handler."""
        return self.lambda_function.handler

    @property
    def function(self) -> FunctionConfig:
        """The function's configuration."""
        return self.lambda_function.function

    @property
    def isolation(self) -> Isolation:
        """Where the function runs: ``"in-process"`` or ``"process"``."""
        return self.lambda_function.isolation

    @property
    def runtime_client(self) -> str:
        """What a worker process runs: ``"bootstrap"``, ``"awslambdaric"`` or a bootstrap's path."""
        return self.lambda_function.runtime_client

    @property
    def max_concurrency(self) -> int | None:
        """The function's concurrency limit (None: no limit, no throttling)."""
        return self.lambda_function.max_concurrency

    @property
    def function_log(self) -> LogSink | None:
        """Where the function's log goes."""
        return self.lambda_function.function_log

    @property
    def python(self) -> str:
        """The interpreter of worker processes."""
        return self.lambda_function.python

    def close(self) -> None:
        """Shut the function's execution environments down (worker processes end) and close the
        session :meth:`request` kept for this thread; idempotent. The gateway can still be used: the
        next invocation starts fresh environments."""
        with self._pool_lock:
            sessions, self._sessions = self._sessions, threading.local()
        session: requests.Session | None = getattr(sessions, "session", None)
        if session is not None:  # this thread's; other threads' go with their references
            session.close()
        self.lambda_function.close()
        for function in self._owned:
            function.close()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def session(self, *, source_ip: str = "127.0.0.1") -> requests.Session:
        """A real ``requests.Session`` whose requests to this gateway's host are handled in-process.

        Cookies, redirects, ``.json()``, ``raise_for_status()`` behave as usual; each response has
        ``response.apigw``, the :class:`Invocation` behind it. Other hosts go to the network as usual
        (the session reads proxies and CA bundles from the environment for them, not for this gateway's
        host, which no request leaves the process for).
        """
        from .transport import GatewaySession  # noqa: PLC0415 - only the drivers need requests

        return GatewaySession(self, source_ip=source_ip)

    def request(self, method: str, path: str = "/", **kwargs: Any) -> requests.Response:
        """Send one request in-process, with ``requests``' keyword arguments (``params``, ``headers``,
        ``data``, ``files``, ``json``, ``cookies``...); ``path`` is relative to :attr:`url`.

        Each call starts without cookies, as a new session would; the session behind it is kept for the
        calling thread (made once per gateway and thread, not per request).
        """
        from .transport import prepare_plain, send_plain  # noqa: PLC0415 - only the drivers need requests

        full = "://" in path and "://" in path.partition("?")[0]
        if not full and not path.startswith("/"):
            path = "/" + path
        url = path if full else self.url + path
        local = self._sessions
        session: requests.Session | None = getattr(local, "session", None)
        if session is None or local.busy:  # first call here, or a nested one
            if session is not None:  # a handler that calls its own gateway: a session of its own
                with self.session() as nested:
                    return nested.request(method, url, **kwargs)
            session = local.session = self.session()
            # The in-process adapter, which send_plain need not look up: nobody else mounts on this session.
            local.adapter = getattr(session, "gateway_adapter", None)
        local.busy = True
        try:
            prepared = (
                None if full else prepare_plain(session, method, url, self.config.url_prefix + path, kwargs)
            )
            if prepared is None:
                return session.request(method, url, **kwargs)
            return send_plain(
                session,
                prepared,
                timeout=kwargs.get("timeout"),
                allow_redirects=kwargs.get("allow_redirects", True),
                stream=kwargs.get("stream"),
                adapter=local.adapter,
            )
        finally:
            session.cookies.clear()  # what this request set does not reach the next one
            local.busy = False
