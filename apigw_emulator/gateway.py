"""The public entry point: a configured front door that turns requests into events."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._spelling import option
from ._types import BodyInput, Event, HeaderInput
from .config import GatewayConfig
from .errors import ConfigurationError, GatewayErrorWarning
from .events import BUILDERS
from .ids import RequestStamp
from .invoke import FunctionConfig, Invocation, invoke
from .request import HttpRequest

if TYPE_CHECKING:
    import requests

__all__ = ["Gateway"]


class Gateway:
    """One API front door in front of a Lambda handler.

    :param handler: the Lambda handler ``handler(event, context)``; may be None for event-only use.
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
        default. A handler that overruns is abandoned at once; the test does not wait for it.
    :raises ConfigurationError: for any invalid option.
    """

    def __init__(
        self,
        handler: Callable[..., Any] | None = None,
        api: str = "rest",
        *,
        raise_handler_exceptions: bool = True,
        function_name: str = "function",
        timeout: float = 3.0,
        memory_size: int = 128,
        integration_timeout: float | None = None,
        **options: Any,
    ) -> None:
        if handler is not None and not callable(handler):
            raise ConfigurationError(
                f"handler must be callable (event, context), got {type(handler).__name__}"
            )
        if timeout <= 0 or (integration_timeout is not None and integration_timeout <= 0):
            raise ConfigurationError("timeouts must be positive numbers of seconds")
        self.handler = handler
        self.config = GatewayConfig.create(api, **options)
        self.function = FunctionConfig(name=function_name, timeout=timeout, memory_size=memory_size)
        self.integration_timeout = integration_timeout
        self.raise_handler_exceptions = raise_handler_exceptions
        self._builder = BUILDERS[self.config.api]

    def __repr__(self) -> str:
        return f"Gateway(api={self.config.api!r}, url={self.url!r})"

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
        handler: Callable[..., Any] | None = None,
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
        :param handler: use this handler instead of importing the template's (which is then not imported).
        :param options: further :class:`Gateway` options, which override the template's.
        :raises apigw_emulator.template.TemplateError: naming an unsupported or invalid construct.
        """
        from .template import load_template  # noqa: PLC0415 - needs PyYAML

        template = load_template(path, parameters=parameters)
        target, kwargs = template.gateway_options(
            template_api=template_api, function=function, api=api, custom_domain=custom_domain
        )
        return cls(handler if handler is not None else target.load_handler(), **{**kwargs, **options})

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
        if self.handler is None:
            raise ConfigurationError(
                f"this Gateway has no handler, so it can only build events: give it one ({option('handler')})"
            )
        invocation = invoke(
            self.handler,
            request,
            self.config,
            self.function,
            integration_timeout=self.integration_timeout,
            stamp=stamp,
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

    def session(self, *, source_ip: str = "127.0.0.1") -> requests.Session:
        """A real ``requests.Session`` whose requests to this gateway's host are handled in-process.

        Cookies, redirects, ``.json()``, ``raise_for_status()`` behave as usual; each response has
        ``response.apigw``, the :class:`Invocation` behind it. Other hosts go to the network as usual.
        """
        import requests  # noqa: PLC0415 - only the drivers need requests

        from .transport import GatewayAdapter  # noqa: PLC0415

        session = requests.Session()
        session.mount(
            f"{self.config.scheme}://{self.config.domain_name}/", GatewayAdapter(self, source_ip=source_ip)
        )
        return session

    def request(self, method: str, path: str = "/", **kwargs: Any) -> requests.Response:
        """Send one request in-process, with ``requests``' keyword arguments (``params``, ``headers``,
        ``data``, ``files``, ``json``, ``cookies``...); ``path`` is relative to :attr:`url`.
        """
        url = (
            path
            if "://" in path.split("?", 1)[0]
            else self.url + ("" if path.startswith("/") else "/") + path
        )
        with self.session() as session:
            return session.request(method, url, **kwargs)
