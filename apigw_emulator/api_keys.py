"""API keys of a REST API (``ApiKeyRequired``): a method that requires one answers 403
``{"message":"Forbidden"}`` to a request without a known ``x-api-key`` (spec 9, D7 ``INVALID_API_KEY``).

The keys a deployment knows come from the template (``AWS::ApiGateway::ApiKey`` with a ``Value``) or from
the caller (``api_keys=``). Keys that AWS generates (a SAM usage plan's) cannot be known locally: with no
key known at all, any non-empty ``x-api-key`` is taken, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from .errors import ConfigurationError
from .request import HttpRequest

__all__ = ["ApiKeyRules"]


@dataclass(frozen=True, slots=True)
class ApiKeyRules:
    """Which routes of a REST API require an API key, and the keys that open them.

    :param routes: the route keys (``"POST /shape"``) whose methods have ``ApiKeyRequired``.
    :param keys: the known keys; empty: any non-empty key (they are AWS's to generate).
    :param source: where the key comes from (``ApiKeySourceType``): ``"HEADER"`` (``x-api-key``, the
        default) or ``"AUTHORIZER"`` (the Lambda authorizer's ``usageIdentifierKey``).
    """

    routes: frozenset[str]
    keys: frozenset[str] = frozenset()
    source: Literal["HEADER", "AUTHORIZER"] = "HEADER"

    @classmethod
    def of(cls, routes: Collection[str], keys: Collection[str] = (), source: str = "HEADER") -> ApiKeyRules:
        """Rules from route keys and keys.

        :raises ConfigurationError: for a source other than ``"HEADER"`` or ``"AUTHORIZER"``.
        """
        if source not in ("HEADER", "AUTHORIZER"):
            raise ConfigurationError(f"the API key source is HEADER or AUTHORIZER, got {source!r}")
        return cls(frozenset(routes), frozenset(keys), "AUTHORIZER" if source == "AUTHORIZER" else "HEADER")

    def key_used(
        self, route_key: str, request: HttpRequest, from_authorizer: str | None = None
    ) -> str | None:
        """The key the request opens ``route_key`` with (the event's ``identity.apiKey``), if it needs one."""
        if route_key not in self.routes:
            return None
        if self.source == "AUTHORIZER":
            return from_authorizer or None
        return next((value for name, value in request.headers if name.lower() == "x-api-key"), None) or None

    def refusal(self, route_key: str, request: HttpRequest, from_authorizer: str | None = None) -> str | None:
        """Why the request is refused (the reason behind AWS's bare 403), or None when it may pass.

        :param from_authorizer: the ``usageIdentifierKey`` the route's Lambda authorizer returned, if any.
        """
        if route_key not in self.routes:
            return None
        given = self.key_used(route_key, request, from_authorizer)
        where = (
            "its authorizer returned no usageIdentifierKey"
            if self.source == "AUTHORIZER"
            else "the request has no x-api-key header"
        )
        if not given:
            return f"{route_key} requires an API key (ApiKeyRequired) and {where}"
        if self.keys and given not in self.keys:
            what = "usageIdentifierKey" if self.source == "AUTHORIZER" else "x-api-key"
            return f"{route_key} requires an API key and the request's {what} is not one of the API's keys"
        return None
