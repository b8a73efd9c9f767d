"""Request validation (spec 10.1) on models built by hand: which validator checks what, AWS's messages and
order, the body against its model (JSON Schema draft 4, ``$ref`` between models), and the configuration
errors API Gateway would refuse the API for.

The AWS facts come from LocalStack's AWS-validated ``test_api_gateway_request_validator`` (its snapshot holds
AWS's answers) and the developer guide's request validation pages; each test is named after its rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from apigw_emulator.errors import ConfigurationError
from apigw_emulator.model import Integration, Method, RequestValidator, RestApi
from apigw_emulator.request import HttpRequest
from apigw_emulator.request_validation import (
    RequestValidation,
    ValidationConfigError,
    ValidationFailure,
    validate_request,
    validation_for,
)

BOTH = RequestValidator("both", validate_body=True, validate_parameters=True)
PARAMS = RequestValidator("params", validate_parameters=True)
BODY = RequestValidator("body", validate_body=True)
VALIDATORS = {v.name: v for v in (BOTH, PARAMS, BODY)}

# The model of AWS's recorded test: two numbers, both required.
TEST_SCHEMA = {
    "title": "testSchema",
    "type": "object",
    "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
    "required": ["a", "b"],
}
SNAPSHOT_PARAMETERS = {
    "method.request.path.issuer": True,
    "method.request.querystring.qs1": True,
    "method.request.header.x-header-param": True,
}


def _api(
    validator: str | None = "both",
    *,
    parameters: Mapping[str, bool] | None = None,
    models: Mapping[str, str] | None = None,
    schemas: Mapping[str, Any] | None = None,
    validators: Mapping[str, RequestValidator] = VALIDATORS,
) -> tuple[Method, RestApi]:
    method = Method(
        "POST",
        "/nested/{test}",
        Integration("MOCK"),
        request_validator=validator,
        request_parameters=dict(parameters or {}),
        request_models=dict(models or {}),
    )
    api = RestApi(
        "Api",
        (method,),
        validators=dict(validators),
        models=dict({"testSchema": TEST_SCHEMA} if schemas is None else schemas),
    )
    return method, api


def _check(
    method: Method,
    api: RestApi,
    target: str = "/nested/value",
    *,
    headers: Any = None,
    body: bytes | str | None = None,
    http_method: str = "POST",
    path_parameters: Mapping[str, str] | None = None,
) -> ValidationFailure | None:
    request = HttpRequest.build(http_method, target, headers=headers, body=body)
    return validate_request(
        method, api, request, {"test": "value"} if path_parameters is None else path_parameters
    )


JSON = {"Content-Type": "application/json"}


# -- which validator checks what ----------------------------------------------------------------------
def test_no_validator_means_no_validation_even_of_required_parameters() -> None:
    method, api = _api(None, parameters=SNAPSHOT_PARAMETERS, models={"application/json": "testSchema"})
    assert _check(method, api, body="not json") is None


def test_a_parameters_validator_lets_any_body_through() -> None:
    method, api = _api("params", models={"application/json": "testSchema"})
    assert _check(method, api, headers=JSON, body='{"test": "test"}') is None


def test_a_body_validator_ignores_missing_required_parameters() -> None:
    method, api = _api("body", parameters=SNAPSHOT_PARAMETERS, models={"application/json": "testSchema"})
    assert _check(method, api, headers=JSON, body='{"a": 1, "b": 2}') is None


def test_a_validator_that_checks_nothing_checks_nothing() -> None:
    method, api = _api(
        "none",
        parameters=SNAPSHOT_PARAMETERS,
        models={"application/json": "testSchema"},
        validators={"none": RequestValidator("none")},
    )
    assert _check(method, api, body="not json") is None


# -- required parameters --------------------------------------------------------------------------------
def test_missing_parameters_are_listed_headers_then_path_then_query_strings() -> None:
    """AWS's snapshot: POST without the header and the query string, to a method requiring a path part
    ``{issuer}`` its resource does not have."""
    method, api = _api(parameters=SNAPSHOT_PARAMETERS, models={"application/json": "testSchema"})
    failure = _check(method, api, body='{"test": "test"}')
    assert failure == ValidationFailure(
        "BAD_REQUEST_PARAMETERS",
        "Missing required request parameters: [x-header-param, issuer, qs1]",
        "Missing required request parameters: [x-header-param, issuer, qs1]",
        missing=("x-header-param", "issuer", "qs1"),
    )
    assert failure.status_code == 400
    assert failure.message_string == '"Missing required request parameters: [x-header-param, issuer, qs1]"'


def test_only_the_missing_parameters_are_listed() -> None:
    method, api = _api("params", parameters=SNAPSHOT_PARAMETERS | {"method.request.path.issuer": False})
    missing_header = _check(method, api, "/nested/value?qs1=test", http_method="GET")
    assert missing_header is not None
    assert missing_header.message == "Missing required request parameters: [x-header-param]"
    missing_query = _check(method, api, headers={"x-header-param": "test"}, http_method="GET")
    assert missing_query is not None
    assert missing_query.message == "Missing required request parameters: [qs1]"
    assert _check(method, api, "/nested/value?qs1=test", headers={"x-header-param": "t"}) is None


def test_parameters_of_one_kind_are_listed_by_name() -> None:
    method, api = _api(
        "params",
        parameters={
            "method.request.querystring.zeta": True,
            "method.request.querystring.alpha": True,
            "method.request.header.X-Second": True,
            "method.request.header.X-First": True,
        },
    )
    failure = _check(method, api)
    assert failure is not None
    assert failure.missing == ("X-First", "X-Second", "alpha", "zeta")


def test_parameters_not_required_are_not_checked() -> None:
    method, api = _api("params", parameters={"method.request.querystring.page": False})
    assert _check(method, api) is None


@pytest.mark.parametrize("target", ["/nested/value?qs1=", "/nested/value?qs1", "/nested/value?qs1=%20%20"])
def test_a_blank_query_string_counts_as_missing(target: str) -> None:
    method, api = _api("params", parameters={"method.request.querystring.qs1": True})
    failure = _check(method, api, target)
    assert failure is not None
    assert failure.message == "Missing required request parameters: [qs1]"


def test_a_repeated_query_string_is_judged_by_its_last_value() -> None:
    method, api = _api("params", parameters={"method.request.querystring.qs1": True})
    assert _check(method, api, "/nested/value?qs1=&qs1=x") is None
    assert _check(method, api, "/nested/value?qs1=x&qs1=") is not None


def test_an_encoded_query_string_name_matches_its_decoded_parameter() -> None:
    method, api = _api("params", parameters={"method.request.querystring.a b": True})
    assert _check(method, api, "/nested/value?a+b=1") is None
    assert _check(method, api, "/nested/value?a%20b=1") is None


def test_a_blank_header_counts_as_missing() -> None:
    method, api = _api("params", parameters={"method.request.header.x-header-param": True})
    failure = _check(method, api, headers={"x-header-param": ""})
    assert failure is not None
    assert failure.missing == ("x-header-param",)


def test_header_names_match_case_insensitively() -> None:
    method, api = _api("params", parameters={"method.request.header.X-Header-Param": True})
    assert _check(method, api, headers={"x-HEADER-param": "v"}) is None
    failure = _check(method, api, headers={"x-other": "v"})
    assert failure is not None
    assert failure.missing == ("X-Header-Param",)


def test_a_path_parameter_the_route_does_not_give_is_missing() -> None:
    method, api = _api("params", parameters={"method.request.path.test": True})
    assert _check(method, api) is None
    failure = _check(method, api, path_parameters={})
    assert failure is not None
    assert failure.message == "Missing required request parameters: [test]"


def test_multi_value_parameters_are_checked_with_their_kind() -> None:
    method, api = _api(
        "params",
        parameters={
            "method.request.multivaluequerystring.tags": True,
            "method.request.multivalueheader.x-list": True,
            "method.request.path.test": True,
        },
    )
    failure = _check(method, api, path_parameters={})
    assert failure is not None
    assert failure.missing == ("x-list", "test", "tags")
    assert _check(method, api, "/nested/value?tags=a&tags=b", headers={"x-list": "1"}) is None


def test_a_parameter_required_twice_is_listed_once() -> None:
    method, api = _api(
        "params",
        parameters={"method.request.header.x-list": True, "method.request.multivalueheader.x-list": True},
    )
    failure = _check(method, api)
    assert failure is not None
    assert failure.message == "Missing required request parameters: [x-list]"


# -- the body against its model -------------------------------------------------------------------------
def test_parameters_are_checked_before_the_body() -> None:
    method, api = _api(parameters=SNAPSHOT_PARAMETERS, models={"application/json": "testSchema"})
    failure = _check(method, api, headers=JSON, body="not json")
    assert failure is not None
    assert failure.response_type == "BAD_REQUEST_PARAMETERS"


def test_a_body_that_fails_its_model_is_an_invalid_request_body() -> None:
    """AWS's snapshot: ``{"test": "test"}`` against the model requiring numbers ``a`` and ``b``."""
    method, api = _api(models={"application/json": "testSchema"})
    failure = _check(method, api, headers=JSON, body='{"test": "test"}')
    assert failure is not None
    assert (failure.response_type, failure.status_code, failure.message) == (
        "BAD_REQUEST_BODY",
        400,
        "Invalid request body",
    )
    assert failure.message_string == '"Invalid request body"'
    assert failure.missing == ()


def test_a_body_that_matches_its_model_passes() -> None:
    method, api = _api(models={"application/json": "testSchema"})
    assert _check(method, api, headers=JSON, body='{"a": 1, "b": 2.5}') is None


def test_the_validation_error_string_lists_what_the_schema_refuses() -> None:
    method, api = _api(models={"application/json": "testSchema"})
    failure = _check(method, api, headers=JSON, body='{"a": "one"}')
    assert failure is not None
    detail = failure.validation_error_string
    assert detail.startswith("[")
    assert detail.endswith("]")
    assert "'b' is a required property" in detail
    assert "'one' is not of type 'number' (at $.a)" in detail


def test_an_empty_body_is_validated_as_an_empty_object() -> None:
    """AWS's recorded test: a GET without a body to a method whose model requires properties is refused."""
    method, api = _api(models={"application/json": "testSchema"})
    assert _check(method, api, http_method="GET") is not None
    assert _check(method, api, http_method="GET", headers=JSON) is not None
    open_method, open_api = _api(models={"application/json": "Empty"})
    assert _check(open_method, open_api, http_method="GET") is None


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"a": 1, "b": ',
        b'{"a": NaN, "b": 1}',
        b'{"a": Infinity, "b": 1}',
        b'{"a": 1, "b": 2}\xff',
        b"   ",
    ],
    ids=["text", "truncated", "nan", "infinity", "invalid-utf8", "whitespace"],
)
def test_a_body_that_is_not_json_is_an_invalid_request_body_when_a_model_applies(body: bytes) -> None:
    method, api = _api(models={"application/json": "Empty"})
    failure = _check(method, api, headers=JSON, body=body)
    assert failure is not None
    assert failure.response_type == "BAD_REQUEST_BODY"
    assert "the body is not JSON" in failure.validation_error_string


def test_a_body_nested_too_deeply_is_invalid_not_a_crash() -> None:
    method, api = _api(models={"application/json": "Empty"})
    failure = _check(method, api, headers=JSON, body=b"[" * 200_000 + b"]" * 200_000)
    assert failure is not None
    assert failure.response_type == "BAD_REQUEST_BODY"


def test_a_json_body_in_utf16_is_read_as_json() -> None:
    method, api = _api(models={"application/json": "testSchema"})
    assert _check(method, api, headers=JSON, body='{"a": 1, "b": 2}'.encode("utf-16")) is None


def test_schema_errors_are_listed_at_most_25_times_each_cut_short() -> None:
    schema = {"type": "array", "items": {"type": "string", "maxLength": 1}}
    method, api = _api(models={"application/json": "list"}, schemas={"list": schema})
    failure = _check(method, api, headers=JSON, body=json.dumps(["x" * 10_000] * 100))
    assert failure is not None
    assert failure.validation_error_string.count("is too long") == 25
    assert len(failure.validation_error_string) < 25 * 310


# -- which model a body is validated against --------------------------------------------------------------
def test_the_model_is_chosen_by_the_mime_type_of_the_content_type() -> None:
    method, api = _api(models={"application/json": "testSchema"})
    for content_type in ("application/json; charset=utf-8", "Application/JSON"):
        assert _check(method, api, headers={"Content-Type": content_type}, body="{}") is not None


def test_a_request_without_content_type_is_validated_as_application_json() -> None:
    method, api = _api(models={"application/json": "testSchema"})
    assert _check(method, api, body="{}") is not None


def test_a_content_type_without_a_model_is_not_validated() -> None:
    """AWS: "If no matching content type is found, request validation is not performed"."""
    method, api = _api(models={"application/json": "testSchema"})
    assert _check(method, api, headers={"Content-Type": "text/plain"}, body="not json") is None


def test_the_default_model_applies_to_content_types_without_their_own() -> None:
    method, api = _api(models={"$default": "testSchema", "text/plain": "Empty"})
    assert _check(method, api, headers={"Content-Type": "application/xml"}, body="<a/>") is not None
    assert _check(method, api, headers={"Content-Type": "application/xml"}, body='{"a":1,"b":2}') is None
    assert _check(method, api, headers={"Content-Type": "text/plain"}, body="{}") is None


def test_a_method_without_models_does_not_validate_the_body() -> None:
    method, api = _api(models={})
    assert _check(method, api, headers=JSON, body="not json") is None


def test_the_built_in_models_empty_and_error_exist_in_every_api() -> None:
    method, api = _api(models={"application/json": "Empty", "text/plain": "Error"}, schemas={})
    assert _check(method, api, headers=JSON, body='{"any": ["thing"]}') is None
    assert _check(method, api, headers=JSON, body="[1]") is not None
    assert _check(method, api, headers={"Content-Type": "text/plain"}, body='{"message": 1}') is not None


def test_an_api_model_called_empty_replaces_the_built_in_one() -> None:
    method, api = _api(models={"application/json": "Empty"}, schemas={"Empty": {"type": "array"}})
    assert _check(method, api, headers=JSON, body="[1]") is None


def test_models_are_json_schema_draft_4() -> None:
    """Draft 4's ``exclusiveMaximum`` is a boolean beside ``maximum`` (later drafts made it a number)."""
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer", "maximum": 5, "exclusiveMaximum": True}},
    }
    method, api = _api(models={"application/json": "limit"}, schemas={"limit": schema})
    assert _check(method, api, headers=JSON, body='{"n": 4}') is None
    assert _check(method, api, headers=JSON, body='{"n": 5}') is not None
    assert _check(method, api, headers=JSON, body='{"n": 4.5}') is not None


# -- $ref between models ---------------------------------------------------------------------------------
PET = {
    "type": "object",
    "required": ["name", "owner"],
    "properties": {"name": {"type": "string"}, "owner": {"$ref": "#/definitions/Owner"}},
}
OWNER = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}


def test_a_ref_to_openapi_definitions_names_another_model_of_the_api() -> None:
    method, api = _api(models={"application/json": "Pet"}, schemas={"Pet": PET, "Owner": OWNER})
    assert _check(method, api, headers=JSON, body='{"name": "rex", "owner": {"id": 1}}') is None
    assert _check(method, api, headers=JSON, body='{"name": "rex", "owner": {"id": "one"}}') is not None


def test_a_ref_to_openapi_3_components_names_another_model_of_the_api() -> None:
    pet = {**PET, "properties": {"name": {"type": "string"}, "owner": {"$ref": "#/components/schemas/Owner"}}}
    method, api = _api(models={"application/json": "Pet"}, schemas={"Pet": pet, "Owner": OWNER})
    assert _check(method, api, headers=JSON, body='{"name": "rex", "owner": {}}') is not None
    assert _check(method, api, headers=JSON, body='{"name": "rex", "owner": {"id": 2}}') is None


@pytest.mark.parametrize("api_id", ["Api", "a1b2c3d4e5", "${RestApi}"])
def test_a_ref_to_the_api_gateway_url_of_a_model_names_that_model(api_id: str) -> None:
    """API Gateway writes references between models as their URL, whatever the API's id there."""
    url = f"https://apigateway.amazonaws.com/restapis/{api_id}/models/Owner"
    pet = {**PET, "properties": {"name": {"type": "string"}, "owner": {"$ref": url}}}
    method, api = _api(models={"application/json": "Pet"}, schemas={"Pet": pet, "Owner": OWNER})
    assert _check(method, api, headers=JSON, body='{"name": "rex", "owner": {"id": 1}}') is None
    assert _check(method, api, headers=JSON, body='{"name": "rex", "owner": {}}') is not None


def test_a_ref_into_another_model_follows_the_pointer_inside_it() -> None:
    pet = {**PET, "properties": {"name": {}, "owner": {"$ref": "#/definitions/Owner/properties/id"}}}
    method, api = _api(models={"application/json": "Pet"}, schemas={"Pet": pet, "Owner": OWNER})
    assert _check(method, api, headers=JSON, body='{"name": "rex", "owner": 3}') is None
    assert _check(method, api, headers=JSON, body='{"name": "rex", "owner": "3"}') is not None


def test_a_ref_to_the_models_own_definitions_stays_inside_the_model() -> None:
    schema = {
        "type": "object",
        "properties": {"owner": {"$ref": "#/definitions/Owner"}},
        "definitions": {"Owner": {"type": "string"}},
    }
    method, api = _api(models={"application/json": "Pet"}, schemas={"Pet": schema, "Owner": OWNER})
    assert _check(method, api, headers=JSON, body='{"owner": "ann"}') is None
    assert _check(method, api, headers=JSON, body='{"owner": {"id": 1}}') is not None


def test_a_model_may_refer_to_itself() -> None:
    tree = {
        "type": "object",
        "required": ["value"],
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/definitions/Tree"}},
        },
    }
    method, api = _api(models={"application/json": "Tree"}, schemas={"Tree": tree})
    assert _check(method, api, headers=JSON, body='{"value": 1, "children": [{"value": 2}]}') is None
    assert _check(method, api, headers=JSON, body='{"value": 1, "children": [{"value": "x"}]}') is not None


def test_models_may_refer_to_each_other() -> None:
    person = {
        "type": "object",
        "properties": {"pets": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}},
    }
    pet = {"type": "object", "required": ["name"], "properties": {"owner": {"$ref": "#/definitions/Person"}}}
    method, api = _api(models={"application/json": "Person"}, schemas={"Person": person, "Pet": pet})
    assert _check(method, api, headers=JSON, body='{"pets": [{"name": "a", "owner": {"pets": []}}]}') is None
    assert _check(method, api, headers=JSON, body='{"pets": [{"owner": {"pets": [{}]}}]}') is not None


def test_a_schema_given_as_json_text_is_read() -> None:
    method, api = _api(
        models={"application/json": "testSchema"}, schemas={"testSchema": json.dumps(TEST_SCHEMA)}
    )
    assert _check(method, api, headers=JSON, body='{"a": 1}') is not None
    assert _check(method, api, headers=JSON, body='{"a": 1, "b": 1}') is None


# -- what API Gateway would refuse to deploy --------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"validator": "missing"}, r"request validator 'missing' is not one of the API's"),
        ({"models": {"application/json": "Nope"}}, r"request model for application/json is 'Nope'"),
        (
            {"parameters": {"method.request.body.x": True}},
            r"'method\.request\.body\.x' is not method\.request",
        ),
        ({"parameters": {"header.x": True}}, r"'header\.x' is not method\.request"),
        (
            {"models": {"application/json": "Pet"}, "schemas": {"Pet": PET}},
            r"model 'Pet': \$ref '#/definitions/Owner' names the model 'Owner', which the API does not have",
        ),
        (
            {
                "models": {"application/json": "Pet"},
                "schemas": {"Pet": {"$ref": "http://json-schema.org/draft-04/schema#"}},
            },
            r"model 'Pet': \$ref 'http://json-schema.org/draft-04/schema#' is not a model of this API",
        ),
        (
            {"models": {"application/json": "Bad"}, "schemas": {"Bad": {"type": "nonsense"}}},
            r"model 'Bad' is not a valid JSON Schema \(draft 4\)",
        ),
        (
            {"models": {"application/json": "Bad"}, "schemas": {"Bad": ["not", "an", "object"]}},
            r"model 'Bad': a model's schema is a JSON object, got list",
        ),
        (
            {"models": {"application/json": "Bad"}, "schemas": {"Bad": "{not json"}},
            r"model 'Bad': the schema is not JSON",
        ),
    ],
    ids=[
        "unknown-validator",
        "unknown-model",
        "body-parameter",
        "unprefixed-parameter",
        "ref-to-missing-model",
        "ref-outside-the-api",
        "invalid-schema",
        "schema-not-an-object",
        "schema-text-not-json",
    ],
)
def test_a_method_api_gateway_would_refuse_raises_a_configuration_error(
    changes: dict[str, Any], match: str
) -> None:
    validator = changes.pop("validator", "both")
    method, api = _api(validator, **changes)
    with pytest.raises(ValidationConfigError, match=match) as caught:
        RequestValidation(api).check()
    assert isinstance(caught.value, ConfigurationError)
    assert "POST /nested/{test}" in str(caught.value) or "model '" in str(caught.value)
    with pytest.raises(ValidationConfigError, match=match):
        _check(method, api, headers=JSON, body="{}")


def test_a_misconfigured_method_without_a_validator_is_not_an_error() -> None:
    """What is not validated is not read: API Gateway checks a model when it is created, and an unused one
    cannot fail a request."""
    method, api = _api(None, parameters={"nonsense": True}, models={"application/json": "Nope"})
    RequestValidation(api).check()
    assert _check(method, api) is None


# -- cost -----------------------------------------------------------------------------------------------
def test_each_api_is_set_up_once_and_each_model_compiled_once() -> None:
    method, api = _api(models={"application/json": "testSchema"})
    validation = validation_for(api)
    assert validation_for(api) is validation
    _check(method, api, headers=JSON, body="{}")
    compiled = validation.models().validator("testSchema")
    _check(method, api, headers=JSON, body='{"a": 1, "b": 2}')
    assert validation.models().validator("testSchema") is compiled
    _, other = _api(models={"application/json": "testSchema"})
    assert validation_for(other) is not validation


def test_a_method_outside_the_api_is_validated_without_being_kept() -> None:
    method, api = _api("params", parameters={"method.request.querystring.q": True})
    validation = validation_for(api)
    stranger = Method("GET", "/other", Integration("MOCK"), request_validator="params")
    assert validation.validate(stranger, HttpRequest.build("GET", "/other")) is None
    assert validation.validate(method, HttpRequest.build("POST", "/nested/value")) is not None
    assert [kept for kept, _ in validation._plans.values()] == [method]
