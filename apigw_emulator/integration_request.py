"""A REST method's integration request parameters, and stage variables in integration URIs (spec 10.4).

Pure functions. ``requestParameters`` map a source to an integration request parameter
(``integration.request.{header,querystring,path}.Y``); the sources are the method request's parameters
(``method.request.{path,querystring,multivaluequerystring,header,multivalueheader}.X``), its body
(``method.request.body``, ``method.request.body.JSONPath``), a static ``'value'``, ``stageVariables.x`` and
``context.x`` (``context.identity.sourceIp``...). A source with no value in the request maps nothing, as
API Gateway leaves the parameter out. Header names are matched case-insensitively, query string names
exactly. A single-value source gives the last value sent; ``multivaluequerystring`` gives every value (the
integration's query string repeats the name) and ``multivalueheader`` the values joined with commas.

URIs keep ``${stageVariables.x}`` as written (:mod:`apigw_emulator.templates`); a request fills them from
its stage (:func:`substitute_stage_variables`) and its path parameters (:func:`fill_path_parameters`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .errors import ConfigurationError
from .mapping.errors import TemplateRenderError
from .mapping.jsonpath import MISSING, query
from .mapping.variables import context_variables, dotted_value

__all__ = [
    "IntegrationRequestError",
    "MappedParameters",
    "MethodRequestValues",
    "check_request_parameters",
    "fill_path_parameters",
    "map_request_parameters",
    "query_string",
    "reads_context",
    "substitute_stage_variables",
    "with_query",
]

_TARGET = re.compile(r"integration\.request\.(header|querystring|path)\.([^.\s]+)")
_METHOD_SOURCE = re.compile(
    r"method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.([^.\s]+)"
)
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
_PATH_PARAMETER = re.compile(r"\{([A-Za-z0-9._-]+)\+?\}")
# What a path parameter's value keeps as is in a URI path: unreserved characters, sub-delimiters, ':',
# '@', '/' (a greedy {proxy+} value spans segments) and '%' (REST path parameters stay percent-encoded as
# sent, spec 1.3).
_PATH_SAFE = "/!$&'()*+,;=:@~%"


class IntegrationRequestError(ConfigurationError):
    """An integration request API Gateway cannot build as configured: a malformed mapping, an undefined
    stage variable in the URI, a path parameter the URI names and nothing gives."""


@dataclass(frozen=True, slots=True)
class MethodRequestValues:
    """The method request as mapping expressions read it.

    :param path: path parameters (decoded).
    :param querystring: every value of each query string parameter, in order (names as sent).
    :param headers: every value of each header, in order, by lower-cased name.
    :param body: the method request's payload as text (base64 for a binary payload).
    :param context: ``$context`` (see :func:`apigw_emulator.mapping.context_variables`).
    :param stage_variables: the stage's variables.
    """

    path: Mapping[str, str] = field(default_factory=dict)
    querystring: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, list[str]] = field(default_factory=dict)
    body: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    stage_variables: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_rest_event(cls, event: Mapping[str, Any], *, with_context: bool = True) -> MethodRequestValues:
        """The values of the request a REST proxy event was built for (its multi-value maps keep every
        value sent).

        :param with_context: build ``$context`` (a copy of the request context); a mapping without
            ``context.x`` sources does without.
        """
        headers: dict[str, list[str]] = {}
        for name, values in (event.get("multiValueHeaders") or {}).items():
            headers.setdefault(name.lower(), []).extend(values)
        return cls(
            path=dict(event.get("pathParameters") or {}),
            querystring={k: list(v) for k, v in (event.get("multiValueQueryStringParameters") or {}).items()},
            headers=headers,
            body=event.get("body") or "",
            context=context_variables(event.get("requestContext") or {}) if with_context else {},
            stage_variables=dict(event.get("stageVariables") or {}),
        )


@dataclass(frozen=True, slots=True)
class MappedParameters:
    """The integration request parameters a mapping gave.

    :param header: header name (as the mapping spells it) -> value.
    :param querystring: name -> values (several for ``multivaluequerystring``).
    :param path: path parameter name -> value, for the URI's ``{name}``.
    """

    header: Mapping[str, str] = field(default_factory=dict)
    querystring: Mapping[str, list[str]] = field(default_factory=dict)
    path: Mapping[str, str] = field(default_factory=dict)


def check_request_parameters(parameters: Mapping[str, str]) -> None:
    """Refuse what API Gateway refuses to deploy: a target that is not ``integration.request.
    {header,querystring,path}.NAME``, a source that is none of the ones it knows.

    :raises IntegrationRequestError: naming the first bad mapping.
    """
    for target, source in parameters.items():
        if _TARGET.fullmatch(target) is None:
            raise IntegrationRequestError(
                f"invalid mapping expression {target!r}: expected integration.request.header.NAME, "
                "integration.request.querystring.NAME or integration.request.path.NAME"
            )
        if not _is_source(source):
            raise IntegrationRequestError(
                f"invalid mapping expression {source!r} for {target}: expected method.request."
                "{path,querystring,multivaluequerystring,header,multivalueheader}.NAME, method.request.body"
                "[.JSONPath], 'static value', stageVariables.NAME or context.NAME"
            )


def _is_source(source: str) -> bool:
    if _METHOD_SOURCE.fullmatch(source) or source == "method.request.body":
        return True
    if source.startswith("method.request.body."):
        return True
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return True
    for prefix in ("stageVariables.", "context."):
        if source.startswith(prefix) and len(source) > len(prefix):
            return True
    return False


def map_request_parameters(parameters: Mapping[str, str], values: MethodRequestValues) -> MappedParameters:
    """The integration request parameters ``parameters`` give for one request.

    :raises IntegrationRequestError: for a malformed mapping (see :func:`check_request_parameters`), or a
        body JSONPath source when the body is not JSON.
    """
    check_request_parameters(parameters)
    header: dict[str, str] = {}
    querystring: dict[str, list[str]] = {}
    path: dict[str, str] = {}
    for target, source in parameters.items():
        match = _TARGET.fullmatch(target)
        assert match is not None  # checked above
        location, name = match.group(1), match.group(2)
        found = _source_value(source, values)
        if found is None:
            continue
        if location == "querystring":
            querystring[name] = found if isinstance(found, list) else [found]
            continue
        text = ",".join(found) if isinstance(found, list) else found
        if location == "header":
            header[name] = text
        else:
            path[name] = text
    return MappedParameters(header, querystring, path)


def _source_value(source: str, values: MethodRequestValues) -> str | list[str] | None:
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    if source.startswith("stageVariables."):
        return values.stage_variables.get(source.removeprefix("stageVariables."))
    if source.startswith("context."):
        return _context_value(values.context, source.removeprefix("context."))
    if source == "method.request.body":
        return values.body
    if source.startswith("method.request.body."):
        return _body_value(values.body, source.removeprefix("method.request.body."))
    match = _METHOD_SOURCE.fullmatch(source)
    assert match is not None  # checked by the caller
    kind, name = match.group(1), match.group(2)
    if kind == "path":
        return values.path.get(name)
    if kind in ("querystring", "multivaluequerystring"):
        found = values.querystring.get(name)
        if not found:
            return None
        return found[-1] if kind == "querystring" else list(found)
    headers = values.headers.get(name.lower())
    if not headers:
        return None
    return headers[-1] if kind == "header" else ",".join(headers)


def _context_value(context: Mapping[str, Any], dotted: str) -> str | None:
    value = dotted_value(context, dotted)
    if value is None or isinstance(value, (Mapping, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _body_value(body: str, path: str) -> str | None:
    try:
        document = json.loads(body or "{}")
    except ValueError:
        raise IntegrationRequestError(
            f"method.request.body.{path} is mapped and the request body is not JSON"
        ) from None
    try:
        found = query(document, "$." + path)
    except TemplateRenderError as exc:
        raise IntegrationRequestError(str(exc)) from None
    if found is MISSING or found is None:
        return None
    if isinstance(found, str):
        return found
    return json.dumps(found, separators=(",", ":"), ensure_ascii=False)


def substitute_stage_variables(uri: str, stage_variables: Mapping[str, str]) -> str:
    """``uri`` with each ``${stageVariables.x}`` replaced by the stage's value.

    :raises IntegrationRequestError: for a stage variable the stage does not define (the URI would not be
        a URL API Gateway can call).
    """
    missing = [name for name in _STAGE_VARIABLE.findall(uri) if name not in stage_variables]
    if missing:
        names = ", ".join(dict.fromkeys(missing))
        raise IntegrationRequestError(
            f"the integration URI {uri!r} uses stage variables the stage does not define: {names}"
        )
    return _STAGE_VARIABLE.sub(lambda m: stage_variables[m.group(1)], uri)


def fill_path_parameters(uri: str, *sources: Mapping[str, str]) -> str:
    """``uri`` with each ``{name}`` (or ``{name+}``) replaced by the first of ``sources`` that has
    ``name``, what a path cannot hold percent-encoded (``/`` kept: a greedy value spans segments; ``%``
    kept: REST path parameters are still percent-encoded as sent).

    :raises IntegrationRequestError: for a ``{name}`` no source gives.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        for source in sources:
            if name in source:
                return quote(source[name], safe=_PATH_SAFE)
        raise IntegrationRequestError(
            f"the integration URI {uri!r} has {{{name}}} and no integration.request.path.{name} is mapped"
        )

    return _PATH_PARAMETER.sub(fill, uri)


def query_string(pairs: Iterable[tuple[str, str]]) -> str:
    """A query string of decoded (name, value) pairs, each percent-encoded (a space as ``%20``)."""
    return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in pairs)


def with_query(url: str, query: str) -> str:
    """``url`` with ``query`` added to the query string it may already have."""
    if not query:
        return url
    return url + ("&" if "?" in url else "?") + query


def reads_context(parameters: Mapping[str, str]) -> bool:
    """Whether a mapping has a ``context.x`` source (which needs ``$context`` built)."""
    return any(source.startswith("context.") for source in parameters.values())
