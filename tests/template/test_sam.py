"""SAM templates: explicit and implicit APIs, Globals, events, OpenAPI definitions, function URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_emulator.template import ApiRoute, TemplateError, load_template

DATA = Path(__file__).parent / "data"


def specs(routes: tuple[ApiRoute, ...]) -> list[str]:
    return [route.spec for route in routes]


# -- (1) the seed's layout: DefinitionUri, BinaryMediaTypes in SAM's spelling ----------------------------
def test_rest_api_from_a_swagger_file() -> None:
    template = load_template(DATA / "rest_swagger.yaml")
    (api,) = template.apis
    assert (api.logical_id, api.kind, api.resource_type) == ("ImageApi", "rest", "AWS::Serverless::Api")
    assert api.stage == "Prod"
    assert api.binary_media_types == ("multipart/form-data", "image/png")
    assert api.endpoint_type == "REGIONAL"
    assert dict(api.stage_variables) == {"mode": "test", "region": "us-east-1"}
    # The event's route and the Swagger's (a plain "${...}" uri, Fn::Sub and !Sub) are one route each.
    # Listed in API Gateway's terms: segment by segment, static before parameters before greedy ones.
    assert specs(api.routes) == ["GET /health", "GET /thumbnails/{id}", "POST /{proxy+}"]
    assert {route.function_id for route in api.routes} == {"ImageFunction"}
    # The definition's MOCK OPTIONS method (a CORS preflight) is answered by the front door.
    assert api.integrations is not None
    assert list(api.integrations.mocks) == ["OPTIONS /thumbnails/{id}"]


def test_rest_api_gateway_options() -> None:
    api = load_template(DATA / "rest_swagger.yaml").api("ImageApi")
    assert api.gateway_options() == {
        "api": "rest",
        "region": "us-east-1",
        "account_id": "123456789012",
        "function_name": "sam-app-image",
        "timeout": 10,
        "memory_size": 512,
        "api_id": api.deployed_id,
        "stage": "Prod",
        "routes": ["GET /health", "GET /thumbnails/{id}", "POST /{proxy+}", "OPTIONS /thumbnails/{id}"],
        "integrations": api.integrations,
        "endpoint_type": "REGIONAL",
        "binary_media_types": ["multipart/form-data", "image/png"],
        "stage_variables": {"mode": "test", "region": "us-east-1"},
    }


def test_parameters_override_defaults_everywhere() -> None:
    template = load_template(
        DATA / "rest_swagger.yaml",
        parameters={"StageName": "dev", "AWS::StackName": "shop", "AWS::Region": "eu-west-1"},
    )
    api = template.api("ImageApi")
    assert api.stage == "dev"
    assert dict(api.stage_variables)["region"] == "eu-west-1"
    assert template.functions["ImageFunction"].name == "shop-image"
    assert (template.region, template.stack_name) == ("eu-west-1", "shop")
    assert api.gateway_options()["region"] == "eu-west-1"


def test_globals_apply_to_functions() -> None:
    function = load_template(DATA / "rest_swagger.yaml").functions["ImageFunction"]
    assert (function.runtime, function.handler, function.code_uri) == (
        "python3.12",
        "app.lambda_handler",
        "image_app/",
    )
    assert (function.timeout, function.memory_size) == (10, 512)


# -- (2) the implicit API ------------------------------------------------------------------------------
def test_api_events_without_rest_api_id_make_the_implicit_api() -> None:
    template = load_template(DATA / "implicit_api.yaml")
    (api,) = template.apis
    assert (api.logical_id, api.kind, api.stage) == ("ServerlessRestApi", "rest", "Prod")
    assert api.binary_media_types == ("image/png", "application/octet-stream")
    assert dict(api.stage_variables) == {"source": "globals"}
    assert specs(api.routes) == ["GET /items", "POST /upload", "ANY /items/{id}"]
    assert api.function_ids == ("ListFunction", "UploadFunction")
    assert not any("Events.Upload.Properties.Auth" in note for note in api.notes)  # enforced now
    assert [route.api_key_required for route in api.routes_of("UploadFunction")] == [True]


def test_globals_merge_scalars_of_the_resource_win() -> None:
    functions = load_template(DATA / "implicit_api.yaml").functions
    assert {name: (f.timeout, f.memory_size, f.code_uri) for name, f in functions.items()} == {
        "ListFunction": (5, 256, "echo_app/"),
        "UploadFunction": (20, 256, "echo_app/"),
    }


def test_options_for_one_function_of_the_implicit_api() -> None:
    api = load_template(DATA / "implicit_api.yaml").apis[0]
    options = api.gateway_options("UploadFunction")
    assert options["routes"] == ["POST /upload"]
    assert options["integration_timeout"] == 15.0
    assert (options["function_name"], options["timeout"]) == ("UploadFunction", 20)
    assert api.gateway_options("ListFunction")["routes"] == ["GET /items", "ANY /items/{id}"]


def test_several_functions_behind_one_api_need_a_choice() -> None:
    api = load_template(DATA / "implicit_api.yaml").apis[0]
    with pytest.raises(TemplateError, match=r"several functions \(ListFunction, UploadFunction\).*function="):
        api.gateway_options()
    with pytest.raises(TemplateError, match="function 'Nope' has no route on API ServerlessRestApi"):
        api.gateway_options("Nope")


# -- (3) HTTP APIs: payload 1.0 and 2.0, $default --------------------------------------------------------
def test_http_api_routes_with_their_payload_formats() -> None:
    template = load_template(DATA / "http_api.yaml")
    shop = template.api("ShopApi")
    assert (shop.kind, shop.stage, shop.binary_media_types) == ("http", "$default", ())
    assert [(r.spec, r.function_id, r.payload_format_version) for r in shop.routes] == [
        ("POST /orders", "OrdersV1Function", "1.0"),
        ("GET /orders/{id}", "OrdersV1Function", "1.0"),
        ("ANY /items/{proxy+}", "DefaultFunction", "2.0"),
        ("$default", "DefaultFunction", "2.0"),
    ]
    assert dict(shop.stage_variables) == {"env": "test"}
    assert (shop.domain_name, shop.base_path) == ("shop.test.example.com", "shop")
    assert shop.cors is not None  # applied by the front door now, no longer a note
    assert shop.cors.style == "http"
    assert not any("CorsConfiguration" in note for note in shop.notes)
    assert any("only the first base path (/shop)" in note for note in shop.notes)


def test_http_api_event_without_path_is_the_implicit_default_route() -> None:
    implicit = load_template(DATA / "http_api.yaml").api("ServerlessHttpApi")
    assert (implicit.kind, implicit.stage) == ("http", "$default")
    assert [(r.spec, r.function_id, r.payload_format_version) for r in implicit.routes] == [
        ("$default", "PingFunction", "2.0")
    ]


def test_http_api_options_per_payload_format() -> None:
    shop = load_template(DATA / "http_api.yaml").api("ShopApi")
    v1 = shop.gateway_options("OrdersV1Function")
    assert (v1["api"], v1["routes"], v1["stage"]) == (
        "http-v1",
        ["POST /orders", "GET /orders/{id}"],
        "$default",
    )
    v2 = shop.gateway_options("DefaultFunction")
    assert (v2["api"], v2["routes"], v2["integration_timeout"]) == (
        "http",
        ["ANY /items/{proxy+}", "$default"],
        5.0,
    )
    assert "binary_media_types" not in v2
    assert "endpoint_type" not in v2
    assert v2["stage_variables"] == {"env": "test"}


def test_custom_domain_options() -> None:
    shop = load_template(DATA / "http_api.yaml").api("ShopApi")
    options = shop.gateway_options("DefaultFunction", custom_domain=True)
    assert (options["domain_name"], options["base_path"]) == ("shop.test.example.com", "shop")
    assert "domain_name" not in shop.gateway_options("DefaultFunction")


def test_conditions_decide_stage_names_and_which_resources_exist() -> None:
    test = load_template(DATA / "http_api.yaml")
    assert "ProdOnlyFunction" not in test.functions
    prod = load_template(DATA / "http_api.yaml", parameters={"Env": "prod"})
    assert prod.api("ShopApi").stage == "prod"
    assert specs(prod.api("ServerlessHttpApi").routes) == ["GET /audit", "$default"]
    assert "ProdOnlyFunction" in prod.functions


# -- (4) function URLs ---------------------------------------------------------------------------------
def test_function_urls_from_sam_and_cloudformation() -> None:
    template = load_template(DATA / "function_url.yaml")
    urls = {api.logical_id: api for api in template.apis}
    assert set(urls) == {"UrlFunctionUrl", "PlainUrl"}
    assert urls["UrlFunctionUrl"].kind == "function-url"
    assert urls["UrlFunctionUrl"].function_url_auth_type == "AWS_IAM"
    assert any("Cors" in note for note in urls["UrlFunctionUrl"].notes)
    assert urls["PlainUrl"].function_ids == ("PlainFunction",)
    assert urls["PlainUrl"].gateway_options() == {
        "api": "function-url",
        "region": "us-east-1",
        "account_id": "123456789012",
        "function_name": "PlainFunction",
        "timeout": 3,
        "memory_size": 1024,
        "api_id": urls["PlainUrl"].deployed_id,
        "function_url_auth_type": "NONE",
    }
    assert len(urls["PlainUrl"].deployed_id) == 32  # a function URL's url-id
    assert urls["PlainUrl"].deployed_id != urls["UrlFunctionUrl"].deployed_id


# -- DefinitionBody with AWS::Include ---------------------------------------------------------------------
def test_definition_body_including_a_local_file() -> None:
    api = load_template(DATA / "include_api.yaml").api("IncludedApi")
    assert (api.stage, api.endpoint_type) == ("v1", "PRIVATE")
    assert specs(api.routes) == ["GET /health", "GET /thumbnails/{id}", "POST /{proxy+}"]
    assert api.binary_media_types == ("image/png",)


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        (
            "{Name: AWS::Include, Parameters: {Location: s3://bucket/api.yaml}}",
            "AWS::Include of s3://bucket/api.yaml is not read locally: point Location to the local file",
        ),
        ("{Name: MyMacro, Parameters: {}}", "only the AWS::Include transform is run locally"),
    ],
)
def test_definition_body_transforms_that_cannot_be_read(tmp_path: Path, transform: str, message: str) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        "  Api:\n"
        "    Type: AWS::Serverless::Api\n"
        f"    Properties: {{StageName: v1, DefinitionBody: {{'Fn::Transform': {transform}}}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match=message) as caught:
        load_template(path)
    assert caught.value.where.startswith("Resources.Api.Properties.DefinitionBody.Fn::Transform")
