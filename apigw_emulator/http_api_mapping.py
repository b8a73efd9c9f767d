"""An HTTP API integration's parameter mapping (the developer guide's http-api-parameter-mapping), pure.

Request parameters change the request before it reaches the backend: ``overwrite:``, ``append:`` or
``remove:`` a ``header.NAME`` or a ``querystring.NAME``, or ``overwrite:path``. Response parameters, given
per backend status code, change the response: ``overwrite:``/``append:``/``remove:`` a ``header.NAME``, or
``overwrite:statuscode``. A value is static text, one expression (``$request.header.NAME``,
``$request.querystring.NAME``, ``$request.path``, ``$request.path.NAME``, ``$request.body.JSONPath``,
``$response.header.NAME``, ``$response.body.JSONPath``, ``$context.NAME``, ``$stageVariables.NAME``), or
text with ``${...}`` expressions in it. Header names are case-insensitive and several values of a header
or a query string come joined with commas. API Gateway refuses to map its reserved headers
(:data:`RESERVED_HEADERS`); so does :func:`check_mapping`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigurationError
from .mapping.errors import TemplateRenderError
from .mapping.jsonpath import MISSING, query
from .mapping.variables import dotted_value

__all__ = [
    "RESERVED_HEADERS",
    "HttpApiMappingError",
    "MappedRequest",
    "MappedResponse",
    "MappingSources",
    "check_mapping",
    "evaluate",
    "map_request",
    "map_response",
]

#: Headers an HTTP API's parameter mapping may not touch (names; a trailing ``*`` is a prefix).
RESERVED_HEADERS: tuple[str, ...] = (
    "access-control-*",
    "apigw-*",
    "authorization",
    "connection",
    "content-encoding",
    "content-length",
    "content-location",
    "forwarded",
    "keep-alive",
    "origin",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "x-amz-*",
    "x-amzn-*",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "via",
)
_REQUEST_KEY = re.compile(r"(overwrite|append|remove):(header|querystring)\.(\S+)|(overwrite):(path)")
_RESPONSE_KEY = re.compile(r"(overwrite|append|remove):(header)\.(\S+)|(overwrite):(statuscode)")
_BRACED = re.compile(r"\$\{([^}]*)\}")
_WHOLE = re.compile(r"\$([A-Za-z][\w.-]*)")
_EXPRESSION = re.compile(
    r"request\.(header|querystring|path|body)(?:\.(.+))?|response\.(header|body)(?:\.(.+))?"
    r"|context\.([\w.]+)|stageVariables\.(\w+)"
)


class HttpApiMappingError(ConfigurationError):
    """A parameter mapping API Gateway would refuse: an unknown key or expression, a reserved header, a
    response mapping for something that is not a status code."""


@dataclass(frozen=True, slots=True)
class MappingSources:
    """What expressions read.

    :param headers: request headers by lower-cased name, each value joined with commas.
    :param querystring: query string values by name, each joined with commas.
    :param path: the request path without the stage (``$request.path``).
    :param path_parameters: the route's path parameters.
    :param body: the request body (text).
    :param context: ``$context`` values (``requestId``, ``identity.sourceIp``...).
    :param stage_variables: the stage's variables.
    :param response_headers: the backend's headers by lower-cased name (response mapping).
    :param response_body: the backend's body (response mapping).
    """

    headers: Mapping[str, str] = field(default_factory=dict)
    querystring: Mapping[str, str] = field(default_factory=dict)
    path: str = "/"
    path_parameters: Mapping[str, str] = field(default_factory=dict)
    body: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: str = ""


@dataclass(frozen=True, slots=True)
class MappedRequest:
    """The request after its mapping: header pairs, query string pairs, the path override (if any)."""

    headers: tuple[tuple[str, str], ...]
    querystring: tuple[tuple[str, str], ...]
    path: str | None = None


@dataclass(frozen=True, slots=True)
class MappedResponse:
    """The response after its mapping: its status and header pairs."""

    status: int
    headers: tuple[tuple[str, str], ...]


def _reserved(name: str) -> bool:
    lname = name.lower()
    return any(
        lname.startswith(entry[:-1]) if entry.endswith("*") else lname == entry for entry in RESERVED_HEADERS
    )


def _check_value(value: str, key: str, *, response: bool) -> None:
    expressions = [m.group(1) for m in _BRACED.finditer(value)]
    whole = _WHOLE.fullmatch(value)
    if whole is not None:
        expressions.append(whole.group(1))
    for expression in expressions:
        match = _EXPRESSION.fullmatch(expression)
        if match is None or (match.group(3) is not None and not response):
            raise HttpApiMappingError(f"invalid mapping expression {value!r} for {key}")


def check_mapping(
    request_parameters: Mapping[str, str], response_parameters: Mapping[str, Mapping[str, str]]
) -> None:
    """Refuse what API Gateway refuses to deploy (see :class:`HttpApiMappingError`).

    :raises HttpApiMappingError: naming the first bad entry.
    """
    for key, value in request_parameters.items():
        match = _REQUEST_KEY.fullmatch(key)
        if match is None:
            raise HttpApiMappingError(
                f"invalid request parameter key {key!r}: expected overwrite:, append: or remove: with "
                "header.NAME or querystring.NAME, or overwrite:path"
            )
        if match.group(2) == "header" and _reserved(match.group(3)):
            raise HttpApiMappingError(
                f"{key}: {match.group(3)} is a reserved header API Gateway does not map"
            )
        _check_value(value, key, response=False)
    for status, parameters in response_parameters.items():
        if not (status.isdigit() and 200 <= int(status) <= 599):
            raise HttpApiMappingError(f"response parameters for {status!r}: expected a status code 200-599")
        for key, value in parameters.items():
            match = _RESPONSE_KEY.fullmatch(key)
            if match is None:
                raise HttpApiMappingError(
                    f"invalid response parameter key {key!r} (for {status}): expected overwrite:, append: or "
                    "remove: with header.NAME, or overwrite:statuscode"
                )
            if match.group(2) == "header" and _reserved(match.group(3)):
                raise HttpApiMappingError(
                    f"{key} (for {status}): {match.group(3)} is a reserved header API Gateway does not map"
                )
            _check_value(value, key, response=True)


def _json_at(text: str, path: str) -> str | None:
    try:
        document = json.loads(text or "null")
    except ValueError:
        return None
    try:
        found = query(document, "$." + path.removeprefix("$."))
    except TemplateRenderError:
        return None
    if found is MISSING or found is None:
        return None
    return found if isinstance(found, str) else json.dumps(found, separators=(",", ":"), ensure_ascii=False)


def _context(context: Mapping[str, Any], dotted: str) -> str | None:
    value = dotted_value(context, dotted)
    if value is None or isinstance(value, (Mapping, list)):
        return None
    return str(value)


def _expression(expression: str, sources: MappingSources) -> str | None:
    match = _EXPRESSION.fullmatch(expression)
    if match is None:
        return None
    kind, name, response_kind, response_name, context, stage = match.groups()
    if stage is not None:
        return sources.stage_variables.get(stage)
    if context is not None:
        return _context(sources.context, context)
    if response_kind == "header":
        return sources.response_headers.get((response_name or "").lower())
    if response_kind == "body":
        return (
            sources.response_body if response_name is None else _json_at(sources.response_body, response_name)
        )
    if kind == "header":
        return sources.headers.get((name or "").lower())
    if kind == "querystring":
        return sources.querystring.get(name or "")
    if kind == "body":
        return sources.body if name is None else _json_at(sources.body, name)
    if name is None:  # $request.path
        return sources.path
    return sources.path_parameters.get(name)


def evaluate(value: str, sources: MappingSources) -> str | None:
    """A mapping value for one request: static text, one ``$expression``, or text with ``${...}`` in it.
    None when a lone expression has no value in the request (the parameter is then left alone)."""
    whole = _WHOLE.fullmatch(value)
    if whole is not None:
        return _expression(whole.group(1), sources)
    return _BRACED.sub(lambda m: _expression(m.group(1), sources) or "", value)


def _apply(pairs: list[tuple[str, str]], action: str, name: str, value: str | None, *, fold: bool) -> None:
    """Overwrite, append or remove ``name`` in ``pairs`` in place (``fold``: names are case-insensitive;
    appending to a header joins the values with a comma, to a query string adds a value)."""

    def same(other: str) -> bool:
        return other.lower() == name.lower() if fold else other == name

    if action == "remove":
        pairs[:] = [(n, v) for n, v in pairs if not same(n)]
        return
    if value is None:
        return
    if action == "overwrite":
        pairs[:] = [(n, v) for n, v in pairs if not same(n)]
        pairs.append((name, value))
        return
    if fold:
        existing = [v for n, v in pairs if same(n)]
        if existing:
            pairs[:] = [(n, v) for n, v in pairs if not same(n)]
            pairs.append((name, ",".join([*existing, value])))
            return
    pairs.append((name, value))


def map_request(
    parameters: Mapping[str, str],
    headers: Sequence[tuple[str, str]],
    querystring: Sequence[tuple[str, str]],
    sources: MappingSources,
) -> MappedRequest:
    """The request's headers, query string and path after ``parameters`` (an integration's
    ``requestParameters``), the values evaluated on ``sources`` (the request as the client sent it)."""
    out_headers = list(headers)
    out_query = list(querystring)
    path: str | None = None
    for key, value in parameters.items():
        match = _REQUEST_KEY.fullmatch(key)
        if match is None:
            raise HttpApiMappingError(f"invalid request parameter key {key!r}")
        if match.group(5) == "path":
            mapped = evaluate(value, sources)
            if mapped is not None:
                path = mapped if mapped.startswith("/") else "/" + mapped
            continue
        action, where, name = match.group(1), match.group(2), match.group(3)
        mapped = None if action == "remove" else evaluate(value, sources)
        if where == "header":
            _apply(out_headers, action, name, mapped, fold=True)
        else:
            _apply(out_query, action, name, mapped, fold=False)
    return MappedRequest(tuple(out_headers), tuple(out_query), path)


def map_response(
    parameters: Mapping[str, Mapping[str, str]],
    status: int,
    headers: Sequence[tuple[str, str]],
    sources: MappingSources,
) -> MappedResponse:
    """The backend's status and headers after the response parameters given for ``status`` (none: as
    they are), the values evaluated on ``sources`` (with the backend's headers and body)."""
    chosen = parameters.get(str(status))
    if not chosen:
        return MappedResponse(status, tuple(headers))
    out = list(headers)
    new_status = status
    for key, value in chosen.items():
        match = _RESPONSE_KEY.fullmatch(key)
        if match is None:
            raise HttpApiMappingError(f"invalid response parameter key {key!r}")
        if match.group(5) == "statuscode":
            mapped = evaluate(value, sources)
            if mapped is not None and mapped.strip().isdigit() and 100 <= int(mapped) <= 599:
                new_status = int(mapped)
            continue
        action, name = match.group(1), match.group(3)
        _apply(out, action, name, None if action == "remove" else evaluate(value, sources), fold=True)
    return MappedResponse(new_status, tuple(out))
