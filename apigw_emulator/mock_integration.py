"""A REST method's ``MOCK`` integration answered by the front door (CORS preflight methods of SAM and CDK
above all): the request template's ``statusCode`` selects the integration response (the first whose
``selectionPattern`` matches, else the default), whose static ``'value'`` response parameters become the
headers and whose template the body.

Templates are used as static text; VTL in them (``$input``, ``#if``) is rendered by the mapping-template
step of a later version, and until then a template with VTL gives an empty body and a warning reason.
"""

from __future__ import annotations

import re

from .cloudfront import edge_response_headers, is_edge
from .config import GatewayConfig
from .gateway_errors import integration_configuration_error
from .ids import RequestStamp
from .model.rest import Integration, IntegrationResponse
from .request import HttpRequest
from .response import GatewayResponse

__all__ = ["answer_mock"]

_STATUS = re.compile(r"""["']?statusCode["']?\s*:\s*["']?(\d{3})""")
_HEADER = "method.response.header."
_VTL = re.compile(r"[$#]")


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _request_template(integration: Integration, request: HttpRequest) -> str | None:
    templates = {key.lower(): text for key, text in integration.request_templates.items()}
    content_type = _media_type(request.header("content-type"))
    if content_type in templates:
        return templates[content_type]
    if "application/json" in templates:
        return templates["application/json"]
    return next(iter(templates.values()), None)


def _select(responses: tuple[IntegrationResponse, ...], status: str) -> IntegrationResponse | None:
    for response in responses:
        if response.selection_pattern is not None and re.fullmatch(response.selection_pattern, status):
            return response
    return next((response for response in responses if response.selection_pattern is None), None)


def answer_mock(
    integration: Integration, request: HttpRequest, config: GatewayConfig, stamp: RequestStamp
) -> GatewayResponse:
    """The client's response from a ``MOCK`` integration (see the module docstring)."""
    template = _request_template(integration, request)
    match = _STATUS.search(template or "")
    status = match.group(1) if match else "200"
    selected = _select(integration.responses, status)
    if selected is None:
        return integration_configuration_error(
            config,
            stamp,
            f"the MOCK integration answers {status} and no integration response matches it (no default)",
        )
    headers: list[tuple[str, str]] = [("Content-Type", "application/json")]
    reasons: list[str] = []
    for name, value in selected.response_parameters.items():
        if not name.startswith(_HEADER):
            continue
        if len(value) >= 2 and value[0] == value[-1] == "'":
            headers.append((name[len(_HEADER) :], value[1:-1]))
        else:
            reasons.append(f"the response parameter {name} = {value} is not mapped yet (static values only)")
    body = b""
    templates = selected.response_templates
    text = templates.get("application/json", next(iter(templates.values()), "")) if templates else ""
    if _VTL.search(text):
        reasons.append("the response template has VTL, which is not rendered yet: the body is empty")
    else:
        body = text.encode()
    headers += [
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", stamp.request_id),
        ("x-amz-apigw-id", stamp.extended_request_id),
    ]
    code = int(selected.status_code)
    if is_edge(config):
        headers += edge_response_headers(stamp, code)
    return GatewayResponse(code, tuple(headers), body, reason="; ".join(reasons) or None)
