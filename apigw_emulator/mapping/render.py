"""Compile (once per template text) and render a mapping template."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import airspeed
import airspeed.operators

from .errors import MappingTemplateError, TemplateRenderError, TemplateSyntaxError
from .input import InputVariable
from .limits import bounded, check_output
from .util import UTIL
from .values import VtlMap, java_str, plain, to_vtl
from .variables import TemplateVariables

__all__ = [
    "Rendered",
    "RequestOverride",
    "ResponseOverride",
    "compile_template",
    "render",
    "render_template",
]

_engine_value_to_string = airspeed.operators.value_to_string


def _java_value_to_string(value: Any) -> str:
    """What the engine writes for a value: Java's form for the maps and lists a template makes itself
    (``#set($m = {'k': 'v'})$m`` is ``{k=v}``, as Java's Velocity writes it, not Python's repr)."""
    if type(value) is dict or type(value) is list:
        return java_str(to_vtl(value))
    return str(_engine_value_to_string(value))


# airspeed-ext writes a value through this module-level function; only plain dicts and lists (which
# Python would print as its repr) change.
airspeed.operators.value_to_string = _java_value_to_string

#: How many distinct template texts stay compiled (an API has one per method and content type).
COMPILED_CACHE_SIZE = 1024


@functools.lru_cache(maxsize=COMPILED_CACHE_SIZE)
def compile_template(text: str) -> airspeed.Template:
    """The compiled template for ``text``: parsed once, then reused by every rendering of that text.

    :raises TemplateSyntaxError: when ``text`` is not valid Velocity.
    """
    if not isinstance(text, str):
        raise TypeError(f"a mapping template is a str, got {type(text).__name__}")
    template = airspeed.Template(text)
    try:
        template.ensure_compiled()
    except airspeed.TemplateSyntaxError as exc:
        raise TemplateSyntaxError(f"mapping template: {exc}") from exc
    return template


@dataclass(frozen=True)
class RequestOverride:
    """What a request template set in ``$context.requestOverride``: integration request headers (a value
    or a list of values), path and query string parameters."""

    header: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    path: Mapping[str, str] = field(default_factory=dict)
    querystring: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ResponseOverride:
    """What a template set in ``$context.responseOverride``: the method response's status (None: not
    overridden; AWS ignores a value that is not an integer from 100 to 599) and headers."""

    status: int | None = None
    header: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """A rendered template: its text and the overrides it set."""

    body: str
    request_override: RequestOverride = field(default_factory=RequestOverride)
    response_override: ResponseOverride = field(default_factory=ResponseOverride)


def _strings(values: Any, *, lists: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(values, Mapping):
        return out
    for key, value in plain(values).items():
        if value is None:
            continue
        if lists and isinstance(value, list):
            out[str(key)] = tuple(java_str(item) for item in value)
        else:
            out[str(key)] = java_str(value)
    return out


def _status(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    return None


def render(template: str, variables: TemplateVariables) -> Rendered:
    """Render ``template`` with ``variables``: the text and the ``requestOverride``/``responseOverride``
    values it set.

    References to nothing render as nothing (AWS's rule, e.g. an undefined ``$stageVariables.x``);
    ``true``/``false``/``null`` are lower case; maps render ``{k=v}``.

    :raises TemplateSyntaxError: when the template is not valid Velocity.
    :raises BodyNotJsonError: when it reads a payload that is not JSON with ``$input.json``/``path``.
    :raises TemplateLimitError: when the rendering passes a bound of :mod:`apigw_emulator.mapping.limits`.
    :raises TemplateRenderError: when anything else fails while rendering.
    """
    compiled = compile_template(template)
    context = to_vtl(variables.context)
    request_override = context.setdefault("requestOverride", VtlMap())
    response_override = context.setdefault("responseOverride", VtlMap())
    for kind in ("header", "path", "querystring"):
        request_override.setdefault(kind, VtlMap())
    response_override.setdefault("header", VtlMap())
    namespace = {
        "input": InputVariable(
            variables.body,
            path=variables.path,
            querystring=variables.querystring,
            header=variables.header,
        ),
        "util": UTIL,
        "context": context,
        "stageVariables": to_vtl(variables.stage_variables),
    }
    try:
        with bounded():
            body = check_output(compiled.merge(namespace))
    except airspeed.TemplateExecutionError as exc:
        cause = exc.__cause__
        if isinstance(cause, MappingTemplateError):
            raise cause from exc
        raise TemplateRenderError(f"mapping template: {exc}") from exc
    except MappingTemplateError:
        raise
    except Exception as exc:  # airspeed lets some errors of the template's own code through unwrapped
        raise TemplateRenderError(f"mapping template: {type(exc).__name__}: {exc}") from exc
    return Rendered(
        body=body,
        request_override=RequestOverride(
            header=_strings(request_override.get("header"), lists=True),
            path=_strings(request_override.get("path"), lists=False),
            querystring=_strings(request_override.get("querystring"), lists=True),
        ),
        response_override=ResponseOverride(
            status=_status(response_override.get("status")),
            header=_strings(response_override.get("header"), lists=False),
        ),
    )


def render_template(template: str, variables: TemplateVariables) -> str:
    """The text of ``template`` rendered with ``variables`` (see :func:`render` for the overrides)."""
    return render(template, variables).body
