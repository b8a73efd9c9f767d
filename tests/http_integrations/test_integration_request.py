"""REST integration request parameters and stage variables in URIs (spec 10.4), as pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from apigw_emulator import Gateway
from apigw_emulator.integration_request import (
    IntegrationRequestError,
    MethodRequestValues,
    check_request_parameters,
    fill_path_parameters,
    map_request_parameters,
    substitute_stage_variables,
)


def _handler(event: Any, context: Any) -> Any:
    return {"statusCode": 200}


def _values(**overrides: object) -> MethodRequestValues:
    base: dict[str, object] = {
        "path": {"id": "42", "proxy": "a/b c"},
        "querystring": {"q": ["first", "last"], "Case": ["x"]},
        "headers": {"x-token": ["one", "two"], "accept": ["application/json"]},
        "body": '{"order": {"id": 7, "tags": ["a"]}, "name": "n"}',
        "context": {"requestId": "req-1", "identity": {"sourceIp": "203.0.113.9"}, "stage": "dev"},
        "stage_variables": {"env": "staging"},
    }
    base.update(overrides)
    return MethodRequestValues(**base)  # type: ignore[arg-type]


def test_each_source_kind_maps_into_header_querystring_and_path() -> None:
    mapped = map_request_parameters(
        {
            "integration.request.header.X-Static": "'fixed value'",
            "integration.request.header.X-Env": "stageVariables.env",
            "integration.request.header.X-Request": "context.requestId",
            "integration.request.header.X-Ip": "context.identity.sourceIp",
            "integration.request.querystring.token": "method.request.header.X-TOKEN",
            "integration.request.path.item": "method.request.path.id",
            "integration.request.header.X-Name": "method.request.body.name",
        },
        _values(),
    )
    assert mapped.header == {
        "X-Static": "fixed value",
        "X-Env": "staging",
        "X-Request": "req-1",
        "X-Ip": "203.0.113.9",
        "X-Name": "n",
    }
    assert mapped.querystring == {"token": ["two"]}
    assert mapped.path == {"item": "42"}


def test_single_value_sources_give_the_last_value_and_multivalue_sources_every_value() -> None:
    mapped = map_request_parameters(
        {
            "integration.request.querystring.one": "method.request.querystring.q",
            "integration.request.querystring.all": "method.request.multivaluequerystring.q",
            "integration.request.header.X-One": "method.request.header.x-token",
            "integration.request.header.X-All": "method.request.multivalueheader.x-token",
        },
        _values(),
    )
    assert mapped.querystring == {"one": ["last"], "all": ["first", "last"]}
    assert mapped.header == {"X-One": "two", "X-All": "one,two"}


def test_query_string_names_are_case_sensitive_and_header_names_are_not() -> None:
    mapped = map_request_parameters(
        {
            "integration.request.querystring.a": "method.request.querystring.case",
            "integration.request.querystring.b": "method.request.querystring.Case",
            "integration.request.header.H": "method.request.header.Accept",
        },
        _values(),
    )
    assert mapped.querystring == {"b": ["x"]}
    assert mapped.header == {"H": "application/json"}


def test_a_source_missing_from_the_request_maps_nothing() -> None:
    mapped = map_request_parameters(
        {
            "integration.request.header.X-Missing": "method.request.header.absent",
            "integration.request.querystring.q": "method.request.querystring.absent",
            "integration.request.path.p": "method.request.path.absent",
            "integration.request.header.X-Stage": "stageVariables.absent",
            "integration.request.header.X-Ctx": "context.absent.deeper",
            "integration.request.header.X-Body": "method.request.body.absent",
        },
        _values(),
    )
    assert (mapped.header, mapped.querystring, mapped.path) == ({}, {}, {})


def test_whole_body_and_body_jsonpath_objects_map_as_compact_json() -> None:
    mapped = map_request_parameters(
        {
            "integration.request.header.X-Body": "method.request.body",
            "integration.request.header.X-Order": "method.request.body.order",
        },
        _values(),
    )
    assert mapped.header["X-Body"] == '{"order": {"id": 7, "tags": ["a"]}, "name": "n"}'
    assert mapped.header["X-Order"] == '{"id":7,"tags":["a"]}'


def test_body_jsonpath_on_a_body_that_is_not_json_is_an_integration_request_error() -> None:
    with pytest.raises(IntegrationRequestError, match="not JSON"):
        map_request_parameters(
            {"integration.request.header.X": "method.request.body.a"}, _values(body="<xml/>")
        )


@pytest.mark.parametrize(
    ("target", "source"),
    [
        ("integration.request.cookie.a", "'x'"),
        ("integration.request.header", "'x'"),
        ("method.request.header.a", "'x'"),
        ("integration.request.header.a", "method.request.cookie.a"),
        ("integration.request.header.a", "unquoted static"),
        ("integration.request.header.a", "stageVariables."),
    ],
)
def test_malformed_mapping_expressions_are_refused_with_the_expression_named(
    target: str, source: str
) -> None:
    with pytest.raises(IntegrationRequestError, match="invalid mapping expression"):
        check_request_parameters({target: source})


def test_values_from_a_rest_event_keep_every_value_and_lowercase_header_names() -> None:
    gateway = Gateway(_handler, api="rest", routes=["GET /items/{id}"], stage_variables={"env": "dev"})
    event = gateway.event("GET", "/items/7?q=1&q=2", headers=[("X-Dup", "a"), ("x-dup", "b")])
    values = MethodRequestValues.from_rest_event(event)
    assert values.querystring["q"] == ["1", "2"]
    assert values.headers["x-dup"] == ["a", "b"]
    assert values.path == {"id": "7"}
    assert values.stage_variables == {"env": "dev"}
    assert values.context["httpMethod"] == "GET"


def test_stage_variables_in_an_integration_uri_are_substituted() -> None:
    uri = "http://${stageVariables.host}:${stageVariables.port}/v/${stageVariables.host}"
    assert substitute_stage_variables(uri, {"host": "h", "port": "81"}) == "http://h:81/v/h"


def test_an_undefined_stage_variable_in_an_integration_uri_is_an_error_naming_it() -> None:
    with pytest.raises(IntegrationRequestError, match="does not define: host"):
        substitute_stage_variables("http://${stageVariables.host}/x", {})


def test_path_parameters_fill_the_uri_encoded_for_a_path_with_greedy_slashes_kept() -> None:
    uri = "http://backend/items/{item}/{proxy}"
    assert (
        fill_path_parameters(uri, {"item": "a b"}, {"proxy": "x/y?z"}) == "http://backend/items/a%20b/x/y%3Fz"
    )


def test_a_uri_path_parameter_nothing_gives_is_an_error_naming_the_mapping_it_needs() -> None:
    with pytest.raises(IntegrationRequestError, match=r"integration\.request\.path\.id"):
        fill_path_parameters("http://backend/{id}", {})
