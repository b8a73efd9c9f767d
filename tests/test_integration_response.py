"""The integration response of a REST non-proxy integration made into the method response (spec 10.3,
10.4): selection by ``selectionPattern``, ``responseParameters`` of every source, the response template
with ``$input.body`` = the integration's body after the response ``contentHandling`` (spec 10.5),
``$context.responseOverride``."""

from __future__ import annotations

import base64
import doctest
import json
from typing import Any

import pytest

from apigw_emulator import integration_response
from apigw_emulator.content_handling import response_conversion
from apigw_emulator.gateway import Gateway
from apigw_emulator.ids import RequestStamp
from apigw_emulator.integration_response import method_response, parameter_value, select_integration_response
from apigw_emulator.mapping import TemplateRenderError
from apigw_emulator.media_types import BinaryMediaTypes
from apigw_emulator.model.rest import IntegrationResponse
from apigw_emulator.request import HttpRequest
from apigw_emulator.response import GatewayResponse

PNG_TYPES = BinaryMediaTypes(["image/png"])
RESPONSES = (
    IntegrationResponse("200"),
    IntegrationResponse("405", selection_pattern=".*400.*"),
    IntegrationResponse("502", selection_pattern=r".*5\d\d.*"),
)


def _status(responses: tuple[IntegrationResponse, ...], value: str | None) -> str | None:
    selected = select_integration_response(responses, value)
    return None if selected is None else selected.status_code


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(integration_response).failed == 0


def test_rule_10_4_a_lambda_error_message_selects_the_first_response_whose_pattern_matches_in_full() -> None:
    assert _status(RESPONSES, "Error: Raising 400 from the function") == "405"
    assert _status(RESPONSES, "Error: Raising 500 from the function") == "502"
    # a pattern must match the whole value, not a part of it
    only_part = (IntegrationResponse("200"), IntegrationResponse("400", selection_pattern="400"))
    assert _status(only_part, "error 400 here") == "200"


def test_rule_10_4_success_and_unmatched_values_take_the_default_response() -> None:
    assert _status(RESPONSES, None) == "200"
    assert _status(RESPONSES, "Error: nothing matches") == "200"


def test_an_empty_selection_pattern_is_the_default_response() -> None:
    responses = (IntegrationResponse("404", selection_pattern="x"), IntegrationResponse("201", ""))
    assert _status(responses, "y") == "201"


def test_no_default_response_and_no_match_selects_nothing() -> None:
    assert select_integration_response((IntegrationResponse("400", selection_pattern="4.."),), "200") is None


def test_an_invalid_selection_pattern_never_matches_and_does_not_crash() -> None:
    responses = (IntegrationResponse("400", selection_pattern="(unclosed"), IntegrationResponse("200"))
    assert _status(responses, "(unclosed") == "200"


def _event_and_request() -> tuple[Gateway, dict[str, Any], HttpRequest]:
    gateway = Gateway(None, api="rest", routes=["GET /items/{id}"], stage_variables={"env": "dev"})
    request = HttpRequest.build(
        "GET",
        "/items/7?q=a&q=b&one=1",
        headers=[("X-Token", "t1"), ("x-token", "t2"), ("Accept", "application/xml")],
    )
    event = gateway.event("GET", "/items/7?q=a&q=b&one=1", headers=dict(request.headers))
    return gateway, event, request


def _value(source: str, body: bytes = b"", headers: dict[str, str] | None = None) -> str | None:
    _, event, request = _event_and_request()
    return parameter_value(
        source,
        request=request,
        event=event,
        integration_body=body,
        integration_headers=headers,
        stage_variables=event.get("stageVariables"),
    )


def test_rule_10_4_response_parameters_from_every_source() -> None:
    body = json.dumps({"id": 7, "owner": {"name": "ann"}, "tags": ["x"]}).encode()
    assert _value("'static, value'") == "static, value"
    assert _value("integration.response.header.x-backend", headers={"X-Backend": "b1"}) == "b1"
    assert _value("integration.response.body", body) == body.decode()
    assert _value("integration.response.body.owner.name", body) == "ann"
    assert _value("integration.response.body.owner", body) == '{"name":"ann"}'
    assert _value("integration.response.body.id", body) == "7"
    assert _value("stageVariables.env") == "dev"
    assert _value("context.stage") == "Prod"
    assert _value("context.identity.sourceIp") == "127.0.0.1"
    assert _value("method.request.header.x-token") is not None
    assert _value("method.request.querystring.one") == "1"
    assert _value("method.request.multivaluequerystring.q") == "a,b"
    assert _value("method.request.path.id") == "7"


def test_absent_sources_give_no_value() -> None:
    assert _value("integration.response.header.X-None", headers={}) is None
    assert _value("integration.response.body.missing", b'{"a": 1}') is None
    assert _value("integration.response.body.a", b"not json") is None
    assert _value("stageVariables.unset") is None
    assert _value("context.no.such") is None
    assert _value("method.request.querystring.none") is None


def test_an_unknown_source_is_a_precise_error() -> None:
    with pytest.raises(ValueError, match="not a response parameter source"):
        _value("somewhere.else")


def _respond(selected: IntegrationResponse, body: bytes, accept: str | None = None) -> GatewayResponse:
    gateway, event, _ = _event_and_request()
    request = HttpRequest.build("GET", "/items/7", headers={"Accept": accept} if accept else None)
    return method_response(
        selected,
        request=request,
        config=gateway.config,
        stamp=RequestStamp.new(),
        event=event,
        integration_body=body,
        integration_headers={"X-Backend": "b1"},
        stage_variables={"env": "dev"},
    )


def test_rule_10_4_without_a_template_the_integration_body_passes_through_as_json() -> None:
    response = _respond(IntegrationResponse("200"), b'{"a": 1}')
    assert (response.status, response.body) == (200, b'{"a": 1}')
    assert response.header("Content-Type") == "application/json"
    assert response.header("Content-Length") == "8"
    assert response.header("Date") is not None  # API Gateway dates every answer


def test_rule_10_3_the_response_template_reads_the_integration_body_and_sets_its_media_type() -> None:
    selected = IntegrationResponse(
        "201",
        response_parameters={
            "method.response.header.X-Env": "stageVariables.env",
            "method.response.header.X-Backend": "integration.response.header.X-Backend",
            "method.response.header.X-Id": "integration.response.body.id",
        },
        response_templates={
            "application/json": "{\"got\": $input.json('$.id')}",
            "text/plain": "id=$input.path('$.id')",
        },
    )
    response = _respond(selected, b'{"id": "i-1"}', accept="text/plain")
    assert (response.status, response.body) == (201, b"id=i-1")
    assert response.header("Content-Type") == "text/plain"
    assert (response.header("X-Env"), response.header("X-Backend"), response.header("X-Id")) == (
        "dev",
        "b1",
        "i-1",
    )
    assert _respond(selected, b'{"id": "i-1"}').body == b'{"got": "i-1"}'


def test_rule_10_3_the_response_override_has_the_last_word() -> None:
    selected = IntegrationResponse(
        "200",
        response_parameters={"method.response.header.X-A": "'mapped'"},
        response_templates={
            "application/json": "#set($context.responseOverride.status = 418)"
            "#set($context.responseOverride.header.X-A = 'override')ok"
        },
    )
    response = _respond(selected, b"{}")
    assert (response.status, response.header("X-A"), response.body) == (418, "override", b"ok")


def test_a_non_header_response_parameter_is_left_out_with_a_reason() -> None:
    selected = IntegrationResponse("200", response_parameters={"method.response.body": "'x'"})
    response = _respond(selected, b"{}")
    assert "method.response.body" in (response.reason or "")


def test_a_response_template_that_reads_a_body_that_is_not_json_raises_a_mapping_error() -> None:
    selected = IntegrationResponse("200", response_templates={"application/json": "$input.json('$.a')"})
    with pytest.raises(TemplateRenderError):
        _respond(selected, b"not json")


def _converted(
    selected: IntegrationResponse, body: bytes, *, payload_type: str | None = None
) -> GatewayResponse:
    gateway, event, request = _event_and_request()  # Accept: application/xml, a text type
    return method_response(
        selected,
        request=request,
        config=gateway.config,
        stamp=RequestStamp.new(),
        event=event,
        integration_body=body,
        integration_headers={"Content-Type": payload_type or "application/json"},
        stage_variables=None,
        content_handling=response_conversion(
            request.header("accept"), PNG_TYPES, payload_content_type=payload_type
        ),
    )


def test_rule_10_5_the_template_reads_the_payload_after_convert_to_text() -> None:
    # CONVERT_TO_TEXT first: $input.body is the base64 of the binary payload, not the bytes.
    selected = IntegrationResponse(
        "200",
        content_handling="CONVERT_TO_TEXT",
        response_templates={"application/json": '{"data": "$input.body"}'},
    )
    response = _converted(selected, b"\x89PNG\x00\xff", payload_type="image/png")
    assert response.body == b'{"data": "' + base64.b64encode(b"\x89PNG\x00\xff") + b'"}'


def test_rule_10_5_the_template_does_not_decode_its_own_output() -> None:
    # The conversion is not applied to the rendered body: a template over a text payload under
    # CONVERT_TO_TEXT renders text that reaches the client as it is, even when it looks like base64.
    selected = IntegrationResponse(
        "200", content_handling="CONVERT_TO_TEXT", response_templates={"application/json": "aGk="}
    )
    assert _converted(selected, b"{}").body == b"aGk="


def test_rule_10_5_a_template_over_a_payload_binary_after_the_conversion_is_refused() -> None:
    selected = IntegrationResponse(
        "200",
        content_handling="CONVERT_TO_BINARY",
        response_templates={"application/json": "$input.body"},
    )
    with pytest.raises(ValueError, match=r"binary after the conversion.*CONVERT_TO_TEXT"):
        _converted(selected, b'"aGk="')


def test_rule_10_5_convert_to_binary_without_a_template_sends_the_decoded_payload() -> None:
    selected = IntegrationResponse(
        "200",
        content_handling="CONVERT_TO_BINARY",
        response_parameters={"method.response.header.Content-Type": "'image/png'"},
    )
    response = _converted(selected, b'"aGk="')  # a Lambda function's string result, quotes included
    assert (response.body, response.header("Content-Type"), response.header("Content-Length")) == (
        b"hi",
        "image/png",
        "2",
    )


def test_rule_10_5_response_parameters_read_the_payload_as_the_integration_sent_it() -> None:
    selected = IntegrationResponse(
        "200",
        content_handling="CONVERT_TO_BINARY",
        response_parameters={"method.response.header.X-Raw": "integration.response.body"},
    )
    response = _converted(selected, b'"aGk="')
    assert (response.header("X-Raw"), response.body) == ('"aGk="', b"hi")
