"""Raw CloudFormation: REST APIs from a Body or from Resource/Method resources, HTTP APIs (JSON)."""

from __future__ import annotations

from pathlib import Path

from apigw_emulator.template import load_template

DATA = Path(__file__).parent / "data"


def test_rest_api_with_an_inline_body() -> None:
    template = load_template(DATA / "cloudformation_rest.yaml")
    pets = template.api("PetsApi")
    assert (pets.kind, pets.resource_type) == ("rest", "AWS::ApiGateway::RestApi")
    assert [route.spec for route in pets.routes] == ["GET /pets/{petId}", "PUT /pets/{petId}"]
    assert pets.function_ids == ("PetsFunction",)
    # The property and the Body's extension together, as an import of both would give.
    assert pets.binary_media_types == ("application/octet-stream", "image/*")
    assert pets.endpoint_type == "REGIONAL"
    # The stage from AWS::ApiGateway::Stage: Fn::FindInMap for its name, Fn::Join in its variables.
    assert (pets.stage, dict(pets.stage_variables)) == ("live", {"table": "pets-test"})


def test_rest_api_from_resource_and_method_resources() -> None:
    tree = load_template(DATA / "cloudformation_rest.yaml").api("TreeApi")
    assert [(route.spec, route.function_id) for route in tree.routes] == [("GET /items/{id}", "PetsFunction")]
    assert tree.stage == "prod"  # the Deployment's StageName
    assert tree.endpoint_type == "EDGE"
    # The MOCK OPTIONS method (a CORS preflight) is the front door's own answer.
    assert tree.integrations is not None
    assert tree.integrations.mocks["OPTIONS /items"].type == "MOCK"
    assert "OPTIONS /items" in tree.route_specs


def test_lambda_function_with_inline_code() -> None:
    function = load_template(DATA / "cloudformation_rest.yaml").functions["PetsFunction"]
    assert (function.name, function.runtime, function.handler) == ("pets", "python3.12", "index.handler")
    assert function.inline_code is not None
    assert "def handler" in function.inline_code
    assert (function.timeout, function.memory_size) == (7, 128)


def test_options_use_the_function_name() -> None:
    options = load_template(DATA / "cloudformation_rest.yaml").api("PetsApi").gateway_options()
    assert options["function_name"] == "pets"
    assert (options["stage"], options["binary_media_types"]) == (
        "live",
        ["application/octet-stream", "image/*"],
    )


def test_http_api_from_route_and_integration_resources_in_json() -> None:
    template = load_template(DATA / "cloudformation_http.json")
    echo = template.api("EchoApi")
    assert (echo.kind, echo.resource_type, echo.stage) == ("http", "AWS::ApiGatewayV2::Api", "beta")
    assert [(r.spec, r.function_id, r.payload_format_version) for r in echo.routes] == [
        ("GET /echo/{word}", "EchoFunction", "2.0")
    ]
    assert dict(echo.stage_variables) == {"color": "blue"}
    assert template.functions["EchoFunction"].code_uri == "echo_app"


def test_http_api_quick_create() -> None:
    quick = load_template(DATA / "cloudformation_http.json").api("QuickApi")
    assert quick.stage == "$default"
    assert [(r.spec, r.function_id, r.payload_format_version) for r in quick.routes] == [
        ("$default", "EchoFunction", "2.0")
    ]
