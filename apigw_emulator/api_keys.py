"""API keys of a REST API (``ApiKeyRequired``): a method that requires one answers 403
``{"message": "Forbidden"}`` to a request without a known ``x-api-key`` (spec 9, D7 ``INVALID_API_KEY``).

The keys a deployment knows come from the template (``AWS::ApiGateway::ApiKey`` with a ``Value``) or from
the caller (``api_keys=``). Keys that AWS generates (a SAM usage plan's) cannot be known locally: with no
key known at all, any non-empty ``x-api-key`` is taken, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .request import HttpRequest

__all__ = ["ApiKeyRules"]


@dataclass(frozen=True, slots=True)
class ApiKeyRules:
    """Which routes of a REST API require an API key, and the keys that open them.

    :param routes: the route keys (``"POST /shape"``) whose methods have ``ApiKeyRequired``.
    :param keys: the known keys; empty: any non-empty key (they are AWS's to generate).
    """

    routes: frozenset[str]
    keys: frozenset[str] = frozenset()

    @classmethod
    def of(cls, routes: Collection[str], keys: Collection[str] = ()) -> ApiKeyRules:
        """Rules from route keys and keys."""
        return cls(frozenset(routes), frozenset(keys))

    def refusal(self, route_key: str, request: HttpRequest) -> str | None:
        """Why the request is refused (the reason behind AWS's bare 403), or None when it may pass."""
        if route_key not in self.routes:
            return None
        given = next((value for name, value in request.headers if name.lower() == "x-api-key"), None)
        if not given:
            return f"{route_key} requires an API key (ApiKeyRequired) and the request has no x-api-key header"
        if self.keys and given not in self.keys:
            return f"{route_key} requires an API key and the request's x-api-key is not one of the API's keys"
        return None
