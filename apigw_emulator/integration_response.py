"""A REST non-proxy integration's answer made into the method response (spec 10.3, 10.4): the integration
response a backend answer selects, then that response's ``responseParameters`` (the method response's
headers), its ``contentHandling`` conversion of the integration's payload (spec 10.5), its template (chosen
by ``Accept``, rendered with ``$input.body`` = the converted payload) and the ``$context.responseOverride``
the template sets.

Shared by every non-proxy integration: ``MOCK`` (the request template's ``statusCode`` selects), Lambda
custom integrations (``AWS``: the function error's ``errorMessage`` selects; success takes the default) and
``HTTP`` (the backend's status code selects).

>>> from apigw_emulator.model.rest import IntegrationResponse
>>> responses = (IntegrationResponse("200"), IntegrationResponse("400", selection_pattern=r".*\\[400\\].*"))
>>> select_integration_response(responses, "[400] no such item").status_code
'400'
>>> select_integration_response(responses, None).status_code
'200'
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import regex

from .cloudfront import edge_response_headers, is_edge
from .config import GatewayConfig
from .content_handling import ConvertedPayload
from .errors import ApigwEmulatorError
from .ids import RequestStamp
from .mapping import TemplateVariables, context_variables, render, select_response_template
from .mapping.errors import TemplateRenderError
from .mapping.jsonpath import MISSING, query
from .mapping.values import java_str
from .mapping.variables import dotted_value
from .model.rest import IntegrationResponse
from .request import HttpRequest
from .response import GatewayResponse

__all__ = [
    "SELECTION_PATTERN_TIMEOUT",
    "ResponseConversion",
    "SelectionPatternTimeoutError",
    "method_response",
    "parameter_value",
    "select_integration_response",
    "selection_pattern_error",
]

_HEADER = "method.response.header."
#: What a response template or a passed-through body is declared as when nothing else says.
DEFAULT_CONTENT_TYPE = "application/json"

#: The response ``contentHandling`` step (the conversion table of spec 10.5): the integration's payload,
#: the selected integration response; the converted payload, which the response template reads (or the
#: client gets without one). A ``ValueError`` it raises (text that is not base64 for
#: ``CONVERT_TO_BINARY``) makes the answer a 500.
ResponseConversion = Callable[[bytes, IntegrationResponse], ConvertedPayload]


#: The longest one ``selectionPattern`` may take to match a value, in seconds. AWS matches with Java's
#: regular expressions, which backtrack as Python's do: a pattern such as ``(a|aa)+c`` takes exponential
#: time on a long ``errorMessage``. The emulator gives up (the gateway answers 500) rather than hang.
SELECTION_PATTERN_TIMEOUT = 1.0


class SelectionPatternTimeoutError(ApigwEmulatorError):
    """A ``selectionPattern`` did not finish matching within :data:`SELECTION_PATTERN_TIMEOUT` (catastrophic
    backtracking): the gateway answers 500 with this reason."""


def selection_pattern_error(selection_pattern: str) -> str | None:
    """Why ``selection_pattern`` is not a regular expression (None when it is one); API Gateway refuses
    such a pattern when the integration response is saved."""
    try:
        regex.compile(selection_pattern)
    except regex.error as exc:
        return str(exc)
    return None


@functools.lru_cache(maxsize=1024)
def _pattern(selection_pattern: str) -> regex.Pattern[str] | None:
    try:
        return regex.compile(selection_pattern)
    except regex.error:
        return None  # refused when a template is loaded; a model built in code never matches with it


def _is_default(response: IntegrationResponse) -> bool:
    return not response.selection_pattern  # None, or the empty pattern the console and AWS write


def select_integration_response(
    responses: Sequence[IntegrationResponse], value: str | None
) -> IntegrationResponse | None:
    """The integration response a backend answer selects: the first whose ``selectionPattern`` matches
    ``value`` in full (a regular expression: on a MOCK's or an HTTP backend's status code, on a Lambda
    function error's ``errorMessage``), else the default one (no pattern, or an empty one); None when
    nothing matches and there is no default.

    :param value: what the patterns are matched against; None (a Lambda function that succeeded) selects
        the default response directly.
    :raises SelectionPatternTimeoutError: when a pattern takes over :data:`SELECTION_PATTERN_TIMEOUT` to
        match ``value``.
    """
    if value is not None:
        for response in responses:
            if _is_default(response):
                continue
            pattern = _pattern(str(response.selection_pattern))
            if pattern is None:
                continue
            try:
                if pattern.fullmatch(value, timeout=SELECTION_PATTERN_TIMEOUT):
                    return response
            except TimeoutError:
                raise SelectionPatternTimeoutError(
                    f"the selectionPattern {response.selection_pattern!r} took over "
                    f"{SELECTION_PATTERN_TIMEOUT:g} s to match a {len(value)}-character value"
                ) from None
    return next((response for response in responses if _is_default(response)), None)


def _lookup(values: Mapping[str, Any] | None, name: str, *, fold: bool) -> Any:
    if not values:
        return None
    if name in values:
        return values[name]
    if fold:
        lname = name.lower()
        return next((value for key, value in values.items() if key.lower() == lname), None)
    return None


def _method_request(source: str, event: Mapping[str, Any], request: HttpRequest) -> str | None:
    kind, _, name = source[len("method.request.") :].partition(".")
    if kind == "header":
        if not event:  # no event to read: the request as sent
            return request.header(name)
        return _lookup(event.get("headers"), name, fold=True)  # type: ignore[no-any-return]
    if kind == "multivalueheader":
        values = _lookup(event.get("multiValueHeaders"), name, fold=True)
        return ",".join(values) if values else None
    if kind == "querystring":
        return _lookup(event.get("queryStringParameters"), name, fold=False)  # type: ignore[no-any-return]
    if kind == "multivaluequerystring":
        values = _lookup(event.get("multiValueQueryStringParameters"), name, fold=False)
        return ",".join(values) if values else None
    if kind == "path":
        return _lookup(event.get("pathParameters"), name, fold=False)  # type: ignore[no-any-return]
    return None


def _context(source: str, event: Mapping[str, Any]) -> str | None:
    value = dotted_value(context_variables(event.get("requestContext") or {}), source[len("context.") :])
    return None if value is None else java_str(value)


def _body_path(path: str, body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # a body that is not JSON has no JSONPath values: the header is left out
    try:
        found = query(document, "$." + path)
    except TemplateRenderError:
        return None
    if found is MISSING or found is None:
        return None
    return found if isinstance(found, str) else json.dumps(found, separators=(",", ":"))


def parameter_value(
    source: str,
    *,
    request: HttpRequest,
    event: Mapping[str, Any] | None,
    integration_body: bytes,
    integration_headers: Mapping[str, str] | None,
    stage_variables: Mapping[str, str] | None,
) -> str | None:
    """The value a response parameter's source gives, or None when it gives none (the header is then left
    out, as API Gateway leaves out a mapping whose source is absent).

    Sources: ``'static'``; ``integration.response.header.X`` (``multivalueheader.X``: the values joined
    with commas); ``integration.response.body`` (the whole body) and ``integration.response.body.JSONPath``
    (``integration.response.body.a.b`` is ``$.a.b``: a string as it is, anything else as JSON);
    ``stageVariables.x``; ``context.x`` (``context.identity.sourceIp``...); ``method.request.header.X``,
    ``multivalueheader.X``, ``querystring.X``, ``multivaluequerystring.X``, ``path.X``.

    :raises ValueError: for a source API Gateway does not know.
    """
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    if source.startswith("integration.response.header."):
        name = source[len("integration.response.header.") :]
        return _lookup(integration_headers, name, fold=True)  # type: ignore[no-any-return]
    if source.startswith("integration.response.multivalueheader."):
        name = source[len("integration.response.multivalueheader.") :]
        return _lookup(integration_headers, name, fold=True)  # type: ignore[no-any-return]
    if source == "integration.response.body":
        return integration_body.decode("utf-8", errors="replace")
    if source.startswith("integration.response.body."):
        return _body_path(source[len("integration.response.body.") :], integration_body)
    if source.startswith("stageVariables."):
        return _lookup(stage_variables, source[len("stageVariables.") :], fold=False)  # type: ignore[no-any-return]
    if source.startswith("context."):
        return _context(source, event or {})
    if source.startswith("method.request."):
        return _method_request(source, event or {}, request)
    raise ValueError(f"{source!r} is not a response parameter source API Gateway knows")


def _variables(
    event: Mapping[str, Any] | None, body: str, stage_variables: Mapping[str, str] | None
) -> TemplateVariables:
    if event is None:
        return TemplateVariables(body=body, stage_variables=dict(stage_variables or {}))
    return TemplateVariables.from_rest_event(dict(event), body=body)


def method_response(
    selected: IntegrationResponse,
    *,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any] | None,
    integration_body: bytes,
    integration_headers: Mapping[str, str] | None,
    stage_variables: Mapping[str, str] | None,
    content_handling: ResponseConversion | None = None,
    extra_headers: Sequence[tuple[str, str]] = (),
    variables: TemplateVariables | None = None,
) -> GatewayResponse:
    """The method response of the integration response ``selected``: its status; a header for each of its
    ``method.response.header.X`` parameters (:func:`parameter_value`, read from ``integration_body`` as the
    integration sent it); the payload through ``content_handling`` first; then its template for the
    client's ``Accept`` rendered with ``$input.body`` = the converted payload (the body and its media
    type), else the converted payload as it is with ``Content-Type: application/json``; then the
    template's ``$context.responseOverride`` (status, headers).

    :param event: the request's proxy event (the templates' ``$context``, ``$input.params()``,
        ``$stageVariables``); None for a request without one.
    :param content_handling: the response ``contentHandling`` conversion, applied to the integration's
        payload before the template (None: the payload is text, as it is).
    :param extra_headers: headers the integration adds after API Gateway's own (a Lambda integration's
        ``X-Amzn-Trace-Id``).
    :param variables: the request's template variables when the caller made them already (for its request
        template): the response template gets them with ``integration_body`` as ``$input.body``, instead
        of new ones read from ``event``.
    :raises MappingTemplateError: when the response template cannot be rendered (the caller answers 500).
    :raises ValueError: when ``content_handling`` refuses the payload, or a response template applies to a
        payload that is binary after the conversion (API Gateway cannot transform it; the caller answers
        500).
    """
    headers: list[tuple[str, str]] = []
    reasons: list[str] = []
    for name, source in selected.response_parameters.items():
        if not name.startswith(_HEADER):
            reasons.append(f"the response parameter {name} is not a method.response.header (left out)")
            continue
        try:
            value = parameter_value(
                source,
                request=request,
                event=event,
                integration_body=integration_body,
                integration_headers=integration_headers,
                stage_variables=stage_variables,
            )
        except ValueError as exc:
            reasons.append(f"the response parameter {name}: {exc}")
            continue
        if value is not None:
            headers.append((name[len(_HEADER) :], value))
    code = int(selected.status_code)
    converted = None if content_handling is None else content_handling(integration_body, selected)
    content_type = DEFAULT_CONTENT_TYPE
    template = select_response_template(selected.response_templates, request.header("accept"))
    if template is not None:
        if converted is None:
            text = integration_body.decode("utf-8", errors="replace")
        elif converted.text is None:
            raise ValueError(
                f"a response mapping template ({template.media_type}) applies to a payload that is binary "
                f"after the conversion (row: {converted.row}), which API Gateway cannot transform: drop the "
                "template, or set the integration response's contentHandling to CONVERT_TO_TEXT to give it "
                "the payload as base64 text"
            )
        else:
            text = converted.text
        if variables is not None:
            response_variables = dataclasses.replace(variables, body=text)
        else:
            response_variables = _variables(event, text, stage_variables)
        rendered = render(template.template, response_variables)
        body = rendered.body.encode()
        content_type = template.media_type
        override = rendered.response_override
        if override.status is not None:
            code = override.status
        overridden = {name.lower() for name in override.header}
        headers = [(n, v) for n, v in headers if n.lower() not in overridden] + list(override.header.items())
    else:
        body = integration_body if converted is None else converted.body
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.insert(0, ("Content-Type", content_type))
    headers += [
        ("Content-Length", str(len(body))),
        ("Date", stamp.http_date),  # on every API Gateway answer, as on proxy ones
        ("x-amzn-RequestId", stamp.request_id),
        ("x-amz-apigw-id", stamp.extended_request_id),
        *extra_headers,
    ]
    if is_edge(config):
        headers += edge_response_headers(stamp, code)
    return GatewayResponse(code, tuple(headers), body, reason="; ".join(reasons) or None)
