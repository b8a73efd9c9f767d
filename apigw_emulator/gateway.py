"""The public entry point: a configured front door that turns requests into events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._types import BodyInput, Event, HeaderInput
from .config import GatewayConfig
from .events import BUILDERS
from .ids import RequestStamp
from .request import HttpRequest

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
    :raises ConfigurationError: for any invalid option.
    """

    def __init__(self, handler: Callable[..., Any] | None = None, api: str = "rest", **options: Any) -> None:
        self.handler = handler
        self.config = GatewayConfig.create(api, **options)
        self._builder = BUILDERS[self.config.api]

    def __repr__(self) -> str:
        return f"Gateway(api={self.config.api!r}, url={self.url!r})"

    @property
    def api(self) -> str:
        """The front door: ``"rest"``, ``"http"``, ``"http-v1"``, ``"function-url"`` or ``"alb"``."""
        return self.config.api

    @property
    def url(self) -> str:
        """The base URL a client calls; paths given to :meth:`event` are relative to it."""
        return self.config.url

    def request(
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
        request = self.request(
            method, path, headers=headers, body=body, source_ip=source_ip, protocol=protocol
        )
        return self._builder(request, self.config, stamp)

    def build_event(self, request: HttpRequest, stamp: RequestStamp | None = None) -> Event:
        """The event for a request as it arrived (its path includes the stage or base path, if any)."""
        return self._builder(request, self.config, stamp)
