"""Matching a request path against API routes: static segments, ``{param}``, greedy ``{proxy+}``, ``ANY``.

Priority follows AWS (spec 1.3, 3.2): at each path segment a static segment beats a ``{param}``, which beats
a greedy ``{proxy+}``; a route for the exact method beats ``ANY``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ConfigurationError

__all__ = [
    "DEFAULT_METHODS",
    "Route",
    "RouteMatch",
    "match_route",
    "parse_route",
    "precedence",
    "routed_path",
]

DEFAULT_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_PARAM = re.compile(r"^\{([A-Za-z0-9_.-]+)(\+?)\}$")
_METHOD = re.compile(r"^[A-Z]+$")


@dataclass(frozen=True, slots=True)
class Route:
    """One route: ``method`` (``"ANY"`` for all) and a resource ``path`` template such as ``/{proxy+}``."""

    method: str
    path: str
    segments: tuple[str, ...]

    @property
    def key(self) -> str:
        """The HTTP API route key (``"ANY /{proxy+}"``) or ``"$default"``."""
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """The route a request matched and the path parameters (values as found in the matched path)."""

    route: Route
    path_parameters: dict[str, str]


def parse_route(spec: str) -> Route:
    """Parse ``"GET /items/{id}"``, ``"ANY /{proxy+}"``, ``"/{proxy+}"`` (= ANY) or ``"$default"``."""
    if not isinstance(spec, str) or not spec.strip():
        raise ConfigurationError(f"a route must be a non-empty str, got {spec!r}")
    spec = spec.strip()
    if spec == "$default":
        return Route("ANY", "$default", ())
    method, _, path = spec.partition(" ")
    if not path:
        method, path = "ANY", spec
    method = method.upper()
    path = path.strip()
    if not _METHOD.match(method):
        raise ConfigurationError(f"invalid method {method!r} in route {spec!r}")
    if not path.startswith("/"):
        raise ConfigurationError(f"the route path must start with '/': {spec!r}")
    segments = tuple(s for s in path.split("/") if s) if path != "/" else ()
    for i, seg in enumerate(segments):
        m = _PARAM.match(seg) if "{" in seg or "}" in seg else None
        if ("{" in seg or "}" in seg) and m is None:
            raise ConfigurationError(f"invalid path segment {seg!r} in route {spec!r}")
        if m and m.group(2) and i != len(segments) - 1:
            raise ConfigurationError(f"a greedy {seg} must be the last segment of the route {spec!r}")
    return Route(method, "/" + "/".join(segments) if segments else "/", segments)


def _match_segments(
    segments: tuple[str, ...], parts: list[str], params: dict[str, str]
) -> dict[str, str] | None:
    if not segments:
        return params if not parts else None
    seg, rest = segments[0], segments[1:]
    m = _PARAM.match(seg) if seg.startswith("{") else None
    if m is None:
        if parts and parts[0] == seg:
            return _match_segments(rest, parts[1:], params)
        return None
    name, greedy = m.group(1), m.group(2)
    if greedy:
        return {**params, name: "/".join(parts)} if parts and any(parts) else None
    if parts and parts[0]:
        return _match_segments(rest, parts[1:], {**params, name: parts[0]})
    return None


def _rank(route: Route) -> tuple[int, ...]:
    # Lower sorts first: per segment 0 static, 1 param, 2 greedy; longer templates first among equals.
    ranks = []
    for seg in route.segments:
        if seg.startswith("{"):
            ranks.append(2 if seg.endswith("+}") else 1)
        else:
            ranks.append(0)
    return (*ranks, 3)


def precedence(spec: str) -> tuple[int, ...]:
    """A sort key that lists routes for people in API Gateway's terms: segment by segment, static before
    a parameter before a greedy one, a path before its children, ``$default`` last."""
    route = parse_route(spec)
    return (9,) if route.key == "$default" else _rank(route)[:-1]


def routed_path(path: str) -> str:
    """An application path as routes match it: the leading and trailing slashes a route ignores dropped
    (``/secret/`` and ``/secret//`` are ``/secret``; inner ``//`` kept, as in a greedy value).

    An authorizer's policy is evaluated against this path, the one the route matched, so a trailing slash
    cannot sidestep a ``Deny`` of the resource it reaches.
    """
    return "/" + path.strip("/")


def match_route(routes: tuple[Route, ...], method: str, path: str) -> RouteMatch | None:
    """Find the route for ``method`` and an application ``path`` (stage already removed).

    ``path`` is split on ``/``; empty segments from ``//`` are kept inside a greedy value
    (``/a//b`` gives ``proxy = "a//b"``) and a trailing slash is dropped from it (spec 1.3, L1).
    Returns None when nothing matches and there is no ``$default`` route.
    """
    trimmed = routed_path(path)[1:]
    parts = trimmed.split("/") if trimmed else []
    best: tuple[tuple[tuple[int, ...], int], RouteMatch] | None = None
    default: Route | None = None
    for route in routes:
        if route.path == "$default":
            default = route
            continue
        if route.method not in ("ANY", method):
            continue
        params = _match_segments(route.segments, parts, {})
        if params is None:
            continue
        score = (_rank(route), 1 if route.method == "ANY" else 0)
        if best is None or score < best[0]:
            best = (score, RouteMatch(route, params))
    if best is not None:
        return best[1]
    if default is not None:
        return RouteMatch(default, {})
    return None
