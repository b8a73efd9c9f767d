"""The route match, once: the route that matched (REST 403 / HTTP API 404 when none does) and the proxy
event the front door builds for it."""

from __future__ import annotations

from ..errors import RouteNotFoundError
from ..events import BUILDERS
from ..events._common import locate
from ..gateway_errors import route_not_found
from ..response import GatewayResponse
from ..routing import routed_path
from .plain import plain_config
from .state import FlowState

__all__ = ["match_route"]


def match_route(state: FlowState, keyed: bool = True) -> GatewayResponse | None:
    """Match the request's route and build its event into ``state``; the front door's answer when no
    route matches.

    :param keyed: whether a later step needs the route's key and path in ``state`` (an authorizer, API
        keys, a route table...); a plain proxy's event builder matches the route on its own.
    """
    request, config = state.request, state.config
    try:
        if keyed and state.routed:
            _, app_path, match = locate(request, config)  # memoised: the event builder reuses it
            state.route_key = match.route.key
            state.app_path = routed_path(app_path)  # the path the route matched: the method ARN's
        state.event = BUILDERS[config.api](request, config, state.stamp)
        state.plain = state.plain and plain_config(config)
    except RouteNotFoundError as exc:
        return route_not_found(config, state.stamp, str(exc))
    return None
