"""Whether the events of a configuration are plain: made by the builders only of dicts, lists, plain
``str``, ``int``, ``bool`` and None, each container fresh, so that the Lambda runtime's JSON round trip of
one gives back an equal value of the same types and can be left out (see
:func:`~apigw_emulator.flow.runtime_json.event_round_trip`).

An :class:`~apigw_emulator.request.HttpRequest` holds plain ``str`` only; what else goes into an event
verbatim is the configuration's text (ids, names, the stage, stage variables, route templates) and the
values of its overrides and authorizer, which may be anything a caller gave: a configuration with
overrides or an authorizer, or a ``str`` subclass or another type anywhere in its text, is not plain.
The answer is kept for the last few configurations (a gateway keeps one for its lifetime).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..config import GatewayConfig

__all__ = ["plain_config"]

#: Configurations looked at lately, by ``id`` (each kept alive by its entry, so an id is not reused).
_SEEN: dict[int, tuple[GatewayConfig, bool]] = {}
_SEEN_LIMIT = 64
#: Fields that never reach an event as they are: memos, and values that only steer decisions.
_NOT_IN_EVENTS = frozenset({"route_cache", "text_type_cache", "binary_media_types", "text_media_types"})


def plain_config(config: GatewayConfig) -> bool:
    """Whether every value ``config`` puts into an event is plain (and it has no overrides or authorizer)."""
    seen = _SEEN.get(id(config))
    if seen is not None and seen[0] is config:
        return seen[1]
    plain = _is_plain(config)
    if len(_SEEN) >= _SEEN_LIMIT:
        _SEEN.clear()
    _SEEN[id(config)] = (config, plain)
    return plain


def _is_plain(config: GatewayConfig) -> bool:
    if config.authorizer is not None or config.request_context or config.event_overrides:
        return False
    return all(
        _plain_value(getattr(config, field.name))
        for field in dataclasses.fields(config)
        if field.name not in _NOT_IN_EVENTS
    )


def _plain_value(value: Any) -> bool:
    """Whether ``value`` is None, a bool, a plain str or int, or a tuple, dict or route made of them
    (a route's text is what the builders copy from it)."""
    if value is None or value.__class__ in (str, int, bool):
        return True
    if value.__class__ is tuple:
        return all(_plain_value(item) for item in value)
    if value.__class__ is dict:
        return all(_plain_value(key) and _plain_value(item) for key, item in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(_plain_value(getattr(value, field.name)) for field in dataclasses.fields(value))
    return False
