"""Choosing the API and the function a Gateway stands for; ambiguity lists the candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_emulator.errors import MissingEnvironmentWarning
from apigw_emulator.template import TemplateError, gateway_kwargs_from_template, load_template
from tests.template.data.echo_app import app as echo_app

DATA = Path(__file__).parent / "data"
ROOT_TEMPLATE = Path(__file__).resolve().parent.parent.parent / "template.yaml"


def test_a_template_with_one_api_and_one_function_needs_no_choice() -> None:
    with pytest.warns(MissingEnvironmentWarning, match="runs without the environment variable.* BUCKET_ARN"):
        handler, kwargs = gateway_kwargs_from_template(DATA / "rest_swagger.yaml")
    assert handler.name == "app.lambda_handler"  # imported when first invoked, not by this call
    loaded = handler.load()
    assert loaded.__module__ == "app"  # by Handler's module name, as Lambda imports it
    assert loaded.__code__.co_filename == str((DATA / "image_app" / "app.py").resolve())
    assert (kwargs["api"], kwargs["function_name"]) == ("rest", "sam-app-image")


def test_several_apis_are_listed_with_their_routes() -> None:
    with pytest.raises(TemplateError) as caught:
        gateway_kwargs_from_template(DATA / "http_api.yaml")
    message = str(caught.value)
    assert "the template has several APIs" in message
    assert (
        "ShopApi (http, stage $default: POST /orders -> OrdersV1Function, "
        "GET /orders/{id} -> OrdersV1Function"
    ) in message
    assert "ServerlessHttpApi (http, stage $default: $default -> PingFunction)" in message
    assert "choose one with template_api=..." in message


def test_a_function_chooses_its_api() -> None:
    handler, kwargs = gateway_kwargs_from_template(DATA / "http_api.yaml", function="PingFunction")
    assert handler.load().__code__ is not echo_app.lambda_handler.__code__  # a fresh init
    assert handler.load().__code__.co_filename == echo_app.lambda_handler.__code__.co_filename
    assert (kwargs["api"], kwargs["routes"]) == ("http", ["$default"])


def test_an_api_with_several_functions_needs_the_function() -> None:
    with pytest.raises(TemplateError, match=r"go to several functions \(OrdersV1Function, DefaultFunction\)"):
        gateway_kwargs_from_template(DATA / "http_api.yaml", template_api="ShopApi")
    handler, kwargs = gateway_kwargs_from_template(
        DATA / "http_api.yaml", template_api="ShopApi", function="OrdersV1Function"
    )
    assert handler.load().__name__ == "v1_handler"
    assert handler.load().__code__.co_filename == echo_app.v1_handler.__code__.co_filename
    assert kwargs["api"] == "http-v1"


def test_a_function_behind_several_apis_needs_the_api(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        (DATA / "function_url.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "      FunctionUrlConfig:",
            "      Events:\n        Get: {Type: HttpApi}\n      FunctionUrlConfig:",
        ),
        encoding="utf-8",
    )
    (tmp_path / "echo_app").symlink_to(DATA / "echo_app")
    with pytest.raises(
        TemplateError,
        match=r"function 'UrlFunction' is behind several APIs: ServerlessHttpApi .*UrlFunctionUrl",
    ):
        gateway_kwargs_from_template(path, function="UrlFunction")
    assert gateway_kwargs_from_template(path, template_api="UrlFunctionUrl")[1]["api"] == "function-url"


@pytest.mark.parametrize(
    ("template_api", "function", "message"),
    [
        ("Nope", None, r"no API 'Nope' in the template; its APIs: ShopApi \(http"),
        (
            None,
            "Nope",
            "no function 'Nope' in the template; its functions: OrdersV1Function, DefaultFunction",
        ),
        (
            "ServerlessHttpApi",
            "DefaultFunction",
            "function 'DefaultFunction' has no route on API ServerlessHttpApi",
        ),
    ],
)
def test_unknown_names_list_the_known_ones(
    template_api: str | None, function: str | None, message: str
) -> None:
    with pytest.raises(TemplateError, match=message) as caught:
        gateway_kwargs_from_template(DATA / "http_api.yaml", template_api=template_api, function=function)
    assert caught.value.source.endswith("http_api.yaml")


def test_a_template_without_lambda_routes(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text("Resources:\n  Bucket: {Type: AWS::S3::Bucket}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="the template has no API or function URL with a Lambda route"):
        gateway_kwargs_from_template(path)


def test_the_template_selects_like_the_function() -> None:
    template = load_template(DATA / "implicit_api.yaml")
    api, function = template.select(function="UploadFunction")
    assert (api.logical_id, function.logical_id) == ("ServerlessRestApi", "UploadFunction")


def test_api_is_the_front_door_and_chooses_among_the_apis_by_kind() -> None:
    handler, kwargs = gateway_kwargs_from_template(ROOT_TEMPLATE, api="rest")
    assert (kwargs["api"], kwargs["binary_media_types"]) == ("rest", ["multipart/form-data", "image/*"])
    assert gateway_kwargs_from_template(ROOT_TEMPLATE, api="http")[1]["function_name"] == "ImageFunction"
    assert handler.load().__name__ == "lambda_handler"


def test_a_logical_id_given_as_api_says_where_it_belongs() -> None:
    with pytest.raises(
        TemplateError, match=r"ImageRestApi is the logical id .* choose it with template_api="
    ):
        gateway_kwargs_from_template(ROOT_TEMPLATE, api="ImageRestApi")


def test_api_must_agree_with_the_chosen_api() -> None:
    with pytest.raises(TemplateError, match="API ImageHttpApi is a http API, not a rest API"):
        gateway_kwargs_from_template(ROOT_TEMPLATE, template_api="ImageHttpApi", api="rest")
    with pytest.raises(TemplateError, match=r"make it the 'http-v1' front door .*, not 'http'"):
        gateway_kwargs_from_template(DATA / "http_api.yaml", function="OrdersV1Function", api="http")
    with pytest.raises(TemplateError, match="the template has no function-url API with a Lambda route"):
        gateway_kwargs_from_template(ROOT_TEMPLATE, api="function-url")
