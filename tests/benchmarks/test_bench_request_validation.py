"""Benchmarks of request validation (spec 10.1): what a validated method adds to a request.

Run them timed with ``make bench``; ``make test`` runs each once, untimed, and checks its result.

Group ``request validation``: a POST whose required header and query string are present and whose small JSON
body (a pet, 43 bytes) matches its model, and the same request with a body the model refuses. Each records
its ratio to the REST event of the same request (``Gateway.build_event``) measured in the same test, which
is what every request costs anyway. No target is asserted: the issue sets none for this step; the ratios are
recorded in ``extra_info`` for reading (the plans and compiled models are made once per API, so a request
pays the checks alone).
"""

from __future__ import annotations

import pytest

from apigw_emulator import Gateway, HttpRequest
from apigw_emulator.model import Integration, Method, RequestValidator, RestApi
from apigw_emulator.request_validation import validate_request

from ._timing import Timing

GROUP = "request validation"
NEW_PET = {
    "type": "object",
    "required": ["name", "species"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 40},
        "species": {"type": "string", "enum": ["cat", "dog", "fish"]},
        "age": {"type": "integer", "minimum": 0},
    },
    "additionalProperties": False,
}
METHOD = Method(
    "POST",
    "/pets",
    Integration("AWS_PROXY", uri="arn:aws:lambda:us-east-1:123456789012:function:pets"),
    request_validator="all",
    request_parameters={"method.request.header.X-Request-Id": True, "method.request.querystring.dry": True},
    request_models={"application/json": "NewPet"},
)
API = RestApi(
    "PetsApi",
    (METHOD,),
    validators={"all": RequestValidator("all", validate_body=True, validate_parameters=True)},
    models={"NewPet": NEW_PET},
)


def _request(gateway: Gateway, body: bytes) -> HttpRequest:
    headers = {"Content-Type": "application/json", "X-Request-Id": "r-1", "User-Agent": "bench"}
    return HttpRequest.build("POST", f"{gateway.url}/pets?dry=1", headers=headers, body=body)


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize(
    ("body", "valid"),
    [
        (b'{"name": "Kit", "species": "cat", "age": 2}', True),
        (b'{"name": "Kit", "species": "owl", "age": -1}', False),
    ],
    ids=["valid", "refused"],
)
def test_validation_of_a_small_json_body_against_its_rest_event(
    timing: Timing, body: bytes, valid: bool
) -> None:
    gateway = Gateway(None, api="rest")
    request = _request(gateway, body)
    failure = timing.run(
        lambda: validate_request(METHOD, API, request, {}),
        baselines={"rest_event": lambda: gateway.build_event(request)},
    )
    assert (failure is None) == valid
    timing.ratio("rest_event")
