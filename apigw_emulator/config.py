"""Gateway configuration: which front door, how it is deployed, and what the builders may not infer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from .errors import ConfigurationError
from .ids import stable_id
from .media_types import DEFAULT_TEXT_MEDIA_TYPES, BinaryMediaTypes, essence
from .routing import Route, RouteMatch, parse_route

__all__ = ["ApiKind", "EndpointType", "GatewayConfig"]

ApiKind = Literal["rest", "http", "http-v1", "function-url", "alb"]
EndpointType = Literal["EDGE", "REGIONAL", "PRIVATE"]

_STAGE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_BASE_PATH = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@%-]+(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$")
#: Headers whose names API Gateway re-cases in REST events (spec 2.1; the full list is UNCONFIRMED).
DEFAULT_RECASED_HEADERS: tuple[str, ...] = ("Host", "User-Agent", "Authorization")


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """The deployment facts an event depends on. Build it with :meth:`create`, which validates.

    Attributes mirror the keyword arguments of :class:`apigw_emulator.Gateway`; derived attributes
    (``url``, ``url_prefix``, ``keep_prefix_in_path``) are computed once here, not per event.
    """

    api: ApiKind
    stage: str
    binary_media_types: BinaryMediaTypes
    routes: tuple[Route, ...]
    region: str
    account_id: str
    api_id: str
    domain_name: str
    custom_domain: bool
    base_path: str
    endpoint_type: EndpointType
    stage_variables: dict[str, str] | None
    authorizer: dict[str, Any] | None
    request_context: dict[str, Any] | None
    event_overrides: dict[str, Any] | None
    multi_value_headers: bool
    target_group_arn: str
    text_media_types: tuple[str, ...]
    decode_raw_path: bool
    recased_headers: dict[str, str]
    scheme: str
    function_url_auth_type: str
    tls_version: str
    tls_cipher_suite: str
    url_prefix: str = field(default="")
    keep_prefix_in_path: bool = field(default=False)
    domain_prefix: str = field(default="")
    deployment_id: str = field(default="")
    route_cache: dict[tuple[str, str], tuple[str, str, RouteMatch | None]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Memo of (gateway path, application path, route) by (method, raw path): routing is pure, and
    tests repeat their paths."""
    text_type_cache: dict[str | None, bool] = field(default_factory=dict, compare=False, repr=False)
    """Memo of "is this Content-Type passed as text" (HTTP API, function URL, ALB) by header value."""

    @property
    def url(self) -> str:
        """The base URL a client calls, e.g. ``https://<id>.execute-api.<region>.amazonaws.com/Prod``."""
        return f"{self.scheme}://{self.domain_name}{self.url_prefix}"

    @property
    def forwarded_port(self) -> str:
        """The ``X-Forwarded-Port`` value of the listener."""
        return "443" if self.scheme == "https" else "80"

    @classmethod
    def create(
        cls,
        api: str = "rest",
        *,
        binary_media_types: Iterable[str] = (),
        stage: str | None = None,
        routes: Iterable[str] | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        api_id: str | None = None,
        domain_name: str | None = None,
        base_path: str = "",
        endpoint_type: str = "EDGE",
        stage_variables: Mapping[str, str] | None = None,
        authorizer: Mapping[str, Any] | None = None,
        request_context: Mapping[str, Any] | None = None,
        event_overrides: Mapping[str, Any] | None = None,
        multi_value_headers: bool = False,
        target_group_arn: str | None = None,
        text_media_types: Iterable[str] = DEFAULT_TEXT_MEDIA_TYPES,
        decode_raw_path: bool = True,
        recased_headers: Iterable[str] = DEFAULT_RECASED_HEADERS,
        scheme: str = "https",
        function_url_auth_type: str = "NONE",
        tls_version: str = "TLSv1.3",
        tls_cipher_suite: str = "TLS_AES_128_GCM_SHA256",
    ) -> GatewayConfig:
        """Validate and normalise the options; see :class:`apigw_emulator.Gateway` for their meaning."""
        if api not in get_args(ApiKind):
            raise ConfigurationError(
                f"unknown api {api!r}: choose one of {', '.join(repr(a) for a in get_args(ApiKind))}"
            )
        kind = cast(ApiKind, api)
        bmt = BinaryMediaTypes(binary_media_types)
        if bmt and kind != "rest":
            raise ConfigurationError(
                f"binary_media_types only applies to REST APIs; a {kind} front door base64-encodes "
                "every non-text body by itself (use text_media_types to change what counts as text)"
            )
        endpoint = endpoint_type.upper()
        if endpoint not in get_args(EndpointType):
            raise ConfigurationError(f"unknown endpoint_type {endpoint_type!r}: EDGE, REGIONAL or PRIVATE")
        if kind != "rest" and endpoint_type != "EDGE":
            raise ConfigurationError("endpoint_type only applies to REST APIs")
        if scheme not in ("https", "http") or (scheme == "http" and kind != "alb"):
            raise ConfigurationError(f"scheme {scheme!r}: API Gateway and function URLs serve https only")
        if function_url_auth_type not in ("NONE", "AWS_IAM"):
            raise ConfigurationError("function_url_auth_type must be 'NONE' or 'AWS_IAM'")

        # Stage ---------------------------------------------------------------------------------------
        if kind == "rest":
            stage = "Prod" if stage is None else stage
            if not _STAGE.match(stage):
                raise ConfigurationError(f"invalid REST stage name {stage!r}: use letters, digits, _ and -")
        elif kind in ("http", "http-v1"):
            stage = "$default" if stage is None else stage
            if stage != "$default" and not _STAGE.match(stage):
                raise ConfigurationError(f"invalid HTTP API stage name {stage!r}")
        else:
            if stage not in (None, "$default"):
                raise ConfigurationError(f"a {kind} has no stages")
            stage = "$default"

        # Identity of the API ---------------------------------------------------------------------------
        if api_id is None:
            api_id = stable_id(f"{kind}:{account_id}:{region}", 32 if kind == "function-url" else 10)
        if target_group_arn is None:
            target_group_arn = (
                f"arn:aws:elasticloadbalancing:{region}:{account_id}:targetgroup/"
                f"lambda-target/{stable_id(api_id, 16)}"
            )
        if domain_name is None:
            if kind == "function-url":
                domain_name = f"{api_id}.lambda-url.{region}.on.aws"
            elif kind == "alb":
                domain_name = f"lambda-alb-{stable_id(api_id, 10)}.{region}.elb.amazonaws.com"
            else:
                domain_name = f"{api_id}.execute-api.{region}.amazonaws.com"
        custom_domain = kind in ("rest", "http", "http-v1") and not domain_name.endswith(".amazonaws.com")
        base_path = base_path.strip("/")
        if base_path and not custom_domain:
            raise ConfigurationError("base_path is the API mapping of a custom domain: give domain_name too")
        if base_path and not _BASE_PATH.match(base_path):
            raise ConfigurationError(f"invalid base_path {base_path!r}")

        # Where the API lives in the URL -----------------------------------------------------------------
        if custom_domain:
            url_prefix = f"/{base_path}" if base_path else ""
            keep_prefix = kind in {"rest", "http-v1"}  # spec 1.4: REST `path` keeps the base path
        elif kind in ("rest", "http", "http-v1") and stage != "$default":
            url_prefix, keep_prefix = f"/{stage}", False
        else:
            url_prefix, keep_prefix = "", False

        # Routes ----------------------------------------------------------------------------------------
        if routes is None:
            route_specs: list[str] = ["ANY /", "ANY /{proxy+}"] if kind == "rest" else ["$default"]
        else:
            route_specs = [routes] if isinstance(routes, str) else list(routes)
        parsed = tuple(parse_route(r) for r in route_specs)
        if kind == "rest" and any(r.path == "$default" for r in parsed):
            raise ConfigurationError("REST APIs have no $default route; use 'ANY /{proxy+}'")

        text_types = tuple(essence(t) or t for t in text_media_types)
        return cls(
            api=kind,
            stage=stage,
            binary_media_types=bmt,
            routes=parsed,
            region=region,
            account_id=account_id,
            api_id=api_id,
            domain_name=domain_name,
            custom_domain=custom_domain,
            base_path=base_path,
            endpoint_type=cast(EndpointType, endpoint),
            stage_variables=dict(stage_variables) if stage_variables else None,
            authorizer=dict(authorizer) if authorizer is not None else None,
            request_context=dict(request_context) if request_context else None,
            event_overrides=dict(event_overrides) if event_overrides else None,
            multi_value_headers=bool(multi_value_headers),
            target_group_arn=target_group_arn,
            text_media_types=text_types,
            decode_raw_path=bool(decode_raw_path),
            recased_headers={name.lower(): name for name in recased_headers},
            scheme=scheme,
            function_url_auth_type=function_url_auth_type,
            tls_version=tls_version,
            tls_cipher_suite=tls_cipher_suite,
            url_prefix=url_prefix,
            keep_prefix_in_path=keep_prefix,
            domain_prefix=domain_name.split(".", 1)[0],
            deployment_id=stable_id(f"{api_id}:{stage}:deployment"),
        )
