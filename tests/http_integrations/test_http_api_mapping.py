"""HTTP API parameter mapping (http-api-parameter-mapping), as pure functions."""

from __future__ import annotations

import pytest

from apigw_emulator.http_api_mapping import (
    HttpApiMappingError,
    MappingSources,
    check_mapping,
    evaluate,
    map_request,
    map_response,
)

SOURCES = MappingSources(
    headers={"x-token": "a,b", "user-agent": "ua"},
    querystring={"q": "1,2", "Case": "x"},
    path="/pets/7",
    path_parameters={"petId": "7"},
    body='{"pet": {"name": "rex"}, "n": 3}',
    context={"requestId": "rid", "identity": {"sourceIp": "198.51.100.1"}},
    stage_variables={"env": "beta"},
    response_headers={"x-backend": "b1"},
    response_body='{"error": {"code": "E42"}}',
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$request.header.X-Token", "a,b"),
        ("$request.querystring.q", "1,2"),
        ("$request.querystring.case", None),
        ("$request.path", "/pets/7"),
        ("$request.path.petId", "7"),
        ("$request.body.pet.name", "rex"),
        ("$request.body.pet", '{"name":"rex"}'),
        ("$context.requestId", "rid"),
        ("$context.identity.sourceIp", "198.51.100.1"),
        ("$stageVariables.env", "beta"),
        ("$stageVariables.absent", None),
        ("$response.header.X-Backend", "b1"),
        ("$response.body.error.code", "E42"),
        ("static text", "static text"),
        ("Bearer ${request.header.x-token} in ${stageVariables.env}", "Bearer a,b in beta"),
        ("${stageVariables.absent}-x", "-x"),
    ],
)
def test_each_value_source_of_http_api_mapping_evaluates(value: str, expected: str | None) -> None:
    assert evaluate(value, SOURCES) == expected


def test_overwrite_append_and_remove_change_headers_case_insensitively() -> None:
    mapped = map_request(
        {
            "overwrite:header.X-Env": "$stageVariables.env",
            "append:header.x-list": "c",
            "remove:header.X-Secret": "''",
            "append:header.X-New": "fresh",
        },
        [("x-env", "old"), ("X-List", "a"), ("x-secret", "s"), ("keep", "k")],
        [],
        SOURCES,
    )
    assert mapped.headers == (("keep", "k"), ("X-Env", "beta"), ("x-list", "a,c"), ("X-New", "fresh"))


def test_overwrite_append_and_remove_change_query_strings_by_exact_name() -> None:
    mapped = map_request(
        {
            "overwrite:querystring.a": "1",
            "append:querystring.b": "3",
            "remove:querystring.C": "''",
        },
        [],
        [("a", "0"), ("b", "2"), ("c", "stays"), ("C", "goes")],
        SOURCES,
    )
    assert mapped.querystring == (("b", "2"), ("c", "stays"), ("a", "1"), ("b", "3"))


def test_overwrite_path_sets_the_backend_path() -> None:
    assert map_request({"overwrite:path": "/v2/${request.path.petId}"}, [], [], SOURCES).path == "/v2/7"


def test_a_lone_expression_with_no_value_leaves_the_parameter_alone() -> None:
    mapped = map_request(
        {"overwrite:header.x-env": "$request.header.absent"}, [("x-env", "kept")], [], SOURCES
    )
    assert mapped.headers == (("x-env", "kept"),)


def test_response_parameters_apply_to_their_status_code_only() -> None:
    parameters = {"404": {"overwrite:statuscode": "410", "append:header.X-Code": "$response.body.error.code"}}
    gone = map_response(parameters, 404, [("Content-Type", "application/json")], SOURCES)
    assert gone.status == 410
    assert gone.headers == (("Content-Type", "application/json"), ("X-Code", "E42"))
    ok = map_response(parameters, 200, [("A", "b")], SOURCES)
    assert (ok.status, ok.headers) == (200, (("A", "b"),))


@pytest.mark.parametrize(
    "header",
    [
        "Authorization",
        "connection",
        "Content-Length",
        "x-amz-date",
        "X-Amzn-Trace-Id",
        "apigw-requestid",
        "Access-Control-Allow-Origin",
        "Via",
        "X-Forwarded-For",
    ],
)
def test_reserved_headers_cannot_be_mapped(header: str) -> None:
    with pytest.raises(HttpApiMappingError, match="reserved header"):
        check_mapping({f"overwrite:header.{header}": "x"}, {})
    with pytest.raises(HttpApiMappingError, match="reserved header"):
        check_mapping({}, {"200": {f"append:header.{header}": "x"}})


@pytest.mark.parametrize(
    ("request_parameters", "response_parameters", "message"),
    [
        ({"rewrite:header.a": "x"}, {}, "invalid request parameter key"),
        ({"append:path": "x"}, {}, "invalid request parameter key"),
        ({"overwrite:header.a": "$request.cookie.a"}, {}, "invalid mapping expression"),
        ({"overwrite:header.a": "$response.header.b"}, {}, "invalid mapping expression"),
        ({}, {"2xx": {"overwrite:statuscode": "200"}}, "expected a status code"),
        ({}, {"200": {"overwrite:querystring.a": "x"}}, "invalid response parameter key"),
    ],
)
def test_mappings_api_gateway_refuses_are_refused(
    request_parameters: dict[str, str], response_parameters: dict[str, dict[str, str]], message: str
) -> None:
    with pytest.raises(HttpApiMappingError, match=message):
        check_mapping(request_parameters, response_parameters)


def test_a_header_that_only_starts_like_a_reserved_one_can_be_mapped() -> None:
    check_mapping({"overwrite:header.Host-Alias": "x", "overwrite:header.x-amazing": "y"}, {})
