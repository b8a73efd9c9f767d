"""An API whose every route is an HTTP integration (no Lambda function at all) is served: through
``Application``, ``Gateway.from_template`` and ``serve``."""

from __future__ import annotations

import warnings
from pathlib import Path

from apigw_emulator.application import Application
from apigw_emulator.errors import NotEmulatedWarning
from apigw_emulator.gateway import Gateway
from tests.application._serve import serving
from tests.application.test_real_apps_serve import _url

from .conftest import Backend, echoed
from .test_serve_http_integrations import _call

ONLY_BACKENDS = """
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: only-backends
      ProtocolType: HTTP
      Body:
        openapi: "3.0.1"
        info: {title: only-backends, version: "1"}
        paths:
          /{proxy+}:
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: ANY
                uri: BACKEND_URL/{proxy}
                payloadFormatVersion: "1.0"
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: $default, AutoDeploy: true}
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: rest-only-backends
      Body:
        swagger: "2.0"
        info: {title: rest-only-backends, version: "1"}
        paths:
          /legacy/{proxy+}:
            x-amazon-apigateway-any-method:
              parameters: [{name: proxy, in: path, required: true, type: string}]
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: ANY
                uri: BACKEND_URL/{proxy}
                requestParameters: {integration.request.path.proxy: method.request.path.proxy}
  RestDeployment:
    Type: AWS::ApiGateway::Deployment
    Properties: {RestApiId: !Ref Rest, StageName: v1}
"""


def _template(tmp_path: Path, backend: Backend) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(ONLY_BACKENDS.replace("BACKEND_URL", backend.url), encoding="utf-8")
    return path


def test_an_application_serves_apis_without_any_lambda_function(tmp_path: Path, backend: Backend) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        app = Application.from_template(_template(tmp_path, backend))
    with app:
        assert sorted(app.apis) == ["Api", "Rest"]
        assert app.functions == {}
        http = app.apis["Api"].request("GET", "/a/b")
        assert echoed(http.content)["path"] == "/a/b"
        rest = app.apis["Rest"].request("POST", "/legacy/c", data=b"x")
        assert (echoed(rest.content)["method"], echoed(rest.content)["path"]) == ("POST", "/c")
        routes = {(entry.api, entry.route) for entry in app.routes()}
        assert ("Api", "ANY /{proxy+}") in routes


def test_gateway_from_template_serves_an_api_without_any_lambda_function(
    tmp_path: Path, backend: Backend
) -> None:
    with Gateway.from_template(_template(tmp_path, backend), template_api="Rest") as gateway:
        response = gateway.request("GET", "/legacy/x/y", params={"q": "1"})
        seen = echoed(response.content)
        assert (seen["path"], seen["query"]) == ("/x/y", "q=1")


def test_serve_serves_a_template_without_any_lambda_function(tmp_path: Path, backend: Backend) -> None:
    path = _template(tmp_path, backend)
    with serving("--template", str(path), "--port", "0", ready=" Rest") as served:
        status, _, answer = _call(_url(served, "Api"), "PUT", "/p/q", b"body")
        assert status == 200
        seen = echoed(answer)
        assert (seen["method"], seen["path"], seen["body"]) == ("PUT", "/p/q", b"body")
