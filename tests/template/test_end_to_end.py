"""A Gateway built from each fixture template answers real requests with the events AWS would send."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import requests

from apigw_emulator import Gateway, invocation_of
from apigw_emulator.template import gateway_kwargs_from_template

DATA = Path(__file__).parent / "data"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00"


def event_of(response: requests.Response) -> dict[str, Any]:
    """The event the handler got for ``response``."""
    event = invocation_of(response).event
    assert event is not None
    return event


#: The values of variables the fixture templates declare but that cannot be known locally.
ENV_VARS = {"Parameters": {"BUCKET_ARN": "arn:aws:s3:::sam-app-images"}}


def gateway(template: str, **choice: Any) -> Gateway:
    """What ``Gateway.from_template`` will do."""
    handler, kwargs = gateway_kwargs_from_template(DATA / template, env_vars=ENV_VARS, **choice)
    return Gateway(handler, **kwargs)


# -- (1) REST API from a Swagger file: binary types in both spellings -----------------------------------
def test_rest_multipart_upload_is_base64_because_the_template_says_so() -> None:
    gw = gateway("rest_swagger.yaml")
    assert gw.url.endswith(".execute-api.us-east-1.amazonaws.com/Prod")
    response = gw.request("POST", "/uploads/cat", files={"image": ("cat.png", PNG, "image/png")})
    assert response.status_code == 200
    answer = response.json()
    assert answer["resource"] == "/{proxy+}"
    assert answer["pathParameters"] == {"proxy": "uploads/cat"}
    assert answer["isBase64Encoded"] is True
    assert answer["stageVariables"] == {"mode": "test", "region": "us-east-1"}
    assert answer["functionName"] == "sam-app-image"
    event = event_of(response)
    assert event["requestContext"]["stage"] == "Prod"
    assert PNG in base64.b64decode(event["body"])


def test_rest_binary_type_from_the_swagger_extension() -> None:
    response = gateway("rest_swagger.yaml").request(
        "POST", "/thumbnails", data=PNG, headers={"Content-Type": "image/png"}
    )
    assert response.json()["isBase64Encoded"] is True
    assert response.json()["uploadSize"] == len(PNG)


def test_rest_text_stays_text_and_swagger_routes_route() -> None:
    gw = gateway("rest_swagger.yaml")
    text = gw.request("POST", "/notes", data="hello", headers={"Content-Type": "text/plain"}).json()
    assert (text["isBase64Encoded"], text["uploadSize"]) == (False, 5)
    thumbnail = gw.request("GET", "/thumbnails/42").json()
    assert (thumbnail["resource"], thumbnail["pathParameters"]) == ("/thumbnails/{id}", {"id": "42"})
    assert gw.request("GET", "/health").json()["resource"] == "/health"


def test_rest_unknown_route_is_the_403_of_aws(recwarn: pytest.WarningsRecorder) -> None:
    response = gateway("rest_swagger.yaml").request("DELETE", "/thumbnails/42")
    assert (response.status_code, response.json()) == (403, {"message": "Missing Authentication Token"})
    assert len(recwarn) == 1


# -- (2) the implicit API: Globals binary types, one function of two -------------------------------------
def test_implicit_api_with_global_binary_media_types() -> None:
    gw = gateway("implicit_api.yaml", function="ListFunction")
    answer = gw.request("PUT", "/items/7", data=PNG, headers={"Content-Type": "image/png"}).json()
    assert answer["resource"] == "/items/{id}"
    assert answer["pathParameters"] == {"id": "7"}
    assert answer["isBase64Encoded"] is True
    assert (answer["functionName"], answer["memory"], answer["stage"]) == ("ListFunction", "256", "Prod")


def test_implicit_api_other_function_routes_are_not_this_gateway(recwarn: pytest.WarningsRecorder) -> None:
    gw = gateway("implicit_api.yaml", function="ListFunction")
    assert gw.request("POST", "/upload", data=b"x").status_code == 403
    assert len(recwarn) == 1
    upload = gateway("implicit_api.yaml", function="UploadFunction")
    assert upload.integration_timeout == 15.0
    keyed = upload.request("POST", "/upload", data=b"x", headers={"x-api-key": "any-key"})
    assert keyed.json()["resource"] == "/upload"


def test_api_key_required_without_a_key_is_forbidden(recwarn: pytest.WarningsRecorder) -> None:
    # D7 INVALID_API_KEY: Auth.ApiKeyRequired on the event, no x-api-key in the request.
    upload = gateway("implicit_api.yaml", function="UploadFunction")
    response = upload.request("POST", "/upload", data=b"x")
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    assert response.headers["x-amzn-ErrorType"] == "ForbiddenException"
    assert "requires an API key" in str(recwarn[0].message)


# -- (3) HTTP API: payload 1.0 and 2.0, $default ---------------------------------------------------------
def test_http_api_payload_1_routes() -> None:
    gw = gateway("http_api.yaml", template_api="ShopApi", function="OrdersV1Function")
    answer = gw.request("GET", "/orders/42").json()
    assert answer["version"] == "1.0"
    assert (answer["resource"], answer["pathParameters"]) == ("/orders/{id}", {"id": "42"})
    assert gw.request("POST", "/orders", json={"item": 1}).json()["resource"] == "/orders"


def test_http_api_payload_2_routes_and_default() -> None:
    gw = gateway("http_api.yaml", template_api="ShopApi", function="DefaultFunction")
    items = gw.request("GET", "/items/a/b").json()
    assert (items["version"], items["routeKey"]) == ("2.0", "ANY /items/{proxy+}")
    assert items["pathParameters"] == {"proxy": "a/b"}
    assert items["stageVariables"] == {"env": "test"}
    fallback = gw.request("DELETE", "/anything/else", data=PNG, headers={"Content-Type": "image/png"}).json()
    assert (fallback["routeKey"], fallback["pathParameters"]) == ("$default", None)
    assert fallback["isBase64Encoded"] is True  # HTTP APIs base64 every non-text body by themselves


def test_http_api_through_its_custom_domain() -> None:
    gw = gateway("http_api.yaml", template_api="ShopApi", function="DefaultFunction", custom_domain=True)
    assert gw.url == "https://shop.test.example.com/shop"
    response = gw.request("GET", "/items/x")
    assert event_of(response)["requestContext"]["domainName"] == "shop.test.example.com"


def test_implicit_http_api_default_route() -> None:
    answer = gateway("http_api.yaml", function="PingFunction").request("GET", "/ping").json()
    assert (answer["routeKey"], answer["stage"]) == ("$default", "$default")


# -- (4) function URLs -----------------------------------------------------------------------------------
def test_function_url_with_iam_auth() -> None:
    gw = gateway("function_url.yaml", template_api="UrlFunctionUrl")
    assert ".lambda-url.us-east-1.on.aws" in gw.url
    response = gw.request("POST", "/any/path", data=PNG, headers={"Content-Type": "application/octet-stream"})
    event = event_of(response)
    assert event["requestContext"]["accountId"] == "123456789012"  # AWS_IAM: the caller's account
    assert response.json()["isBase64Encoded"] is True


def test_cloudformation_function_url() -> None:
    response = gateway("function_url.yaml", template_api="PlainUrl").request("GET", "/")
    assert event_of(response)["requestContext"]["accountId"] == "anonymous"
    assert response.json()["memory"] == "1024"


# -- (5) raw CloudFormation -------------------------------------------------------------------------------
def test_cloudformation_rest_api_with_inline_body_and_inline_code() -> None:
    gw = gateway("cloudformation_rest.yaml", template_api="PetsApi")
    answer = gw.request("PUT", "/pets/9", data=PNG, headers={"Content-Type": "image/png"}).json()
    assert (answer["resource"], answer["pathParameters"]) == ("/pets/{petId}", {"petId": "9"})
    assert answer["isBase64Encoded"] is True  # image/* from the Body's extension
    assert (answer["stage"], answer["stageVariables"]) == ("live", {"table": "pets-test"})


def test_cloudformation_rest_api_from_methods() -> None:
    answer = gateway("cloudformation_rest.yaml", template_api="TreeApi").request("GET", "/items/3").json()
    assert (answer["resource"], answer["pathParameters"], answer["stage"]) == (
        "/items/{id}",
        {"id": "3"},
        "prod",
    )


def test_cloudformation_http_api_in_json() -> None:
    gw = gateway("cloudformation_http.json", template_api="EchoApi")
    assert gw.url.endswith("/beta")
    answer = gw.request("GET", "/echo/hi").json()
    assert (answer["routeKey"], answer["pathParameters"], answer["stage"]) == (
        "GET /echo/{word}",
        {"word": "hi"},
        "beta",
    )
