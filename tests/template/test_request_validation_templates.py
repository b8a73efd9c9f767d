"""Request validation (spec 10.1) on templates written the three ways users write them: OpenAPI extensions
in a SAM ``DefinitionBody``, SAM's ``RequestModel``/``RequestParameters`` on an event (which AWS's translator
turns into OpenAPI), and plain CloudFormation ``AWS::ApiGateway::RequestValidator``/``Model``/``Method``
(plus an OpenAPI 3 ``Body``). Each test checks what the readers put in the model, then real requests.

``load_template`` gives the routes the emulator serves, not the API model, so the model is read here through
the same steps it takes: the SAM translator, then the REST API reader.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator.model import Method, RequestValidator, RestApi
from apigw_emulator.request import HttpRequest
from apigw_emulator.request_validation import ValidationFailure, validate_request
from apigw_emulator.template import TemplateError, load_template
from apigw_emulator.templates.apigateway import Resources, read_rest_api_model
from apigw_emulator.templates.intrinsics import Resolver, read_parameters
from apigw_emulator.templates.sam_translate import expand_sam, is_sam
from apigw_emulator.templates.yaml_loader import load_document

APP = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n"
JSON = {"Content-Type": "application/json"}


def _write(tmp_path: Path, template: str) -> Path:
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "app.py").write_text(APP, encoding="utf-8")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(template), encoding="utf-8")
    return path


def _rest_api(path: Path, api_id: str = "Api") -> RestApi:
    """The REST API model of a template file, read as ``load_template`` reads it."""
    load_template(path)  # the whole pipeline accepts the template
    document = load_document(path)
    declared, pseudo = read_parameters(document.get("Parameters"), None)
    if is_sam(document):
        values = {name: p.value for name, p in declared.items() if p.value is not None}
        document = expand_sam(document, template_dir=path.parent, parameters={**values, **pseudo})
    resources = document["Resources"]
    types = {logical_id: resource["Type"] for logical_id, resource in resources.items()}
    resolver = Resolver(parameters=declared, pseudo=pseudo, resource_types=types)
    catalogue = Resources(resources, resolver, path.parent, {})
    return read_rest_api_model(api_id, resources[api_id]["Properties"], catalogue)


def _method(api: RestApi, route_key: str) -> Method:
    return next(method for method in api.methods if method.route_key == route_key)


def _check(
    api: RestApi,
    route_key: str,
    target: str,
    path_parameters: Mapping[str, str],
    *,
    headers: Any = None,
    body: str | None = None,
) -> ValidationFailure | None:
    http_method = route_key.split(" ", 1)[0]
    request = HttpRequest.build(http_method, target, headers=headers, body=body)
    return validate_request(_method(api, route_key), api, request, path_parameters)


def _message(failure: ValidationFailure | None) -> tuple[str, str] | None:
    return None if failure is None else (failure.response_type, failure.message)


INVALID_BODY = ("BAD_REQUEST_BODY", "Invalid request body")

# -- OpenAPI extensions in a SAM DefinitionBody ---------------------------------------------------------
SAM_OPENAPI = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      DefinitionBody:
        swagger: "2.0"
        info: {title: pets, version: "1"}
        x-amazon-apigateway-request-validators:
          all: {validateRequestBody: true, validateRequestParameters: true}
          params-only: {validateRequestBody: false, validateRequestParameters: true}
          nothing: {validateRequestBody: false, validateRequestParameters: false}
        x-amazon-apigateway-request-validator: all
        paths:
          /pets/{id}:
            parameters:
              - {name: id, in: path, required: true, type: string}
              - {name: X-Trace, in: header, required: true, type: string}
            post:
              consumes: [application/json]
              parameters:
                - {name: pet, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}
                - {name: dry-run, in: query, required: true, type: string}
                - {name: note, in: query, required: false, type: string}
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: FUNCTION_URI
            get:
              x-amazon-apigateway-request-validator: params-only
              parameters:
                - {name: fields, in: query, required: true, type: string}
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: FUNCTION_URI
          /health:
            get:
              parameters:
                - {name: probe, in: query, required: true, type: string}
              x-amazon-apigateway-request-validator: nothing
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: {application/json: '{"statusCode": 200}'}
                responses: {default: {statusCode: "200"}}
        definitions:
          Pet:
            type: object
            required: [name, owner]
            properties:
              name: {type: string, minLength: 1}
              owner: {$ref: "#/definitions/Owner"}
          Owner:
            type: object
            required: [id]
            properties:
              id: {type: integer}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
""".replace(
    "FUNCTION_URI",
    "!Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations",
)


def test_openapi_validators_are_read_with_the_api_default_and_method_overrides(tmp_path: Path) -> None:
    api = _rest_api(_write(tmp_path, SAM_OPENAPI))
    assert api.validators == {
        "all": RequestValidator("all", validate_body=True, validate_parameters=True),
        "params-only": RequestValidator("params-only", validate_body=False, validate_parameters=True),
        "nothing": RequestValidator("nothing", validate_body=False, validate_parameters=False),
    }
    post, get = _method(api, "POST /pets/{id}"), _method(api, "GET /pets/{id}")
    assert (post.request_validator, get.request_validator) == ("all", "params-only")
    assert post.request_parameters == {
        "method.request.path.id": True,
        "method.request.header.X-Trace": True,
        "method.request.querystring.dry-run": True,
        "method.request.querystring.note": False,
    }
    assert post.request_models == {"application/json": "Pet"}
    assert get.request_parameters == {
        "method.request.path.id": True,
        "method.request.header.X-Trace": True,
        "method.request.querystring.fields": True,
    }
    assert set(api.models) == {"Pet", "Owner"}


def test_openapi_path_item_parameters_are_required_of_every_operation(tmp_path: Path) -> None:
    api = _rest_api(_write(tmp_path, SAM_OPENAPI))
    failure = _check(api, "GET /pets/{id}", "/pets/7", {})
    assert _message(failure) == (
        "BAD_REQUEST_PARAMETERS",
        "Missing required request parameters: [X-Trace, id, fields]",
    )
    assert _check(api, "GET /pets/{id}", "/pets/7?fields=a", {"id": "7"}, headers={"x-trace": "1"}) is None


def test_openapi_body_is_validated_against_its_definition_and_the_definitions_it_refers_to(
    tmp_path: Path,
) -> None:
    api = _rest_api(_write(tmp_path, SAM_OPENAPI))
    headers = {**JSON, "X-Trace": "t"}
    target, path = "/pets/7?dry-run=yes", {"id": "7"}
    good = '{"name": "rex", "owner": {"id": 1}}'
    assert _check(api, "POST /pets/{id}", target, path, headers=headers, body=good) is None
    bad_owner = '{"name": "rex", "owner": {"id": "one"}}'
    assert (
        _message(_check(api, "POST /pets/{id}", target, path, headers=headers, body=bad_owner))
        == INVALID_BODY
    )
    assert _message(_check(api, "POST /pets/{id}", "/pets/7", path, headers=headers, body=bad_owner)) == (
        "BAD_REQUEST_PARAMETERS",
        "Missing required request parameters: [dry-run]",
    )


def test_openapi_method_with_a_parameters_only_validator_lets_any_body_through(tmp_path: Path) -> None:
    api = _rest_api(_write(tmp_path, SAM_OPENAPI))
    headers = {**JSON, "X-Trace": "t"}
    assert _check(api, "GET /pets/{id}", "/pets/7?fields=a", {"id": "7"}, headers=headers, body="x") is None


def test_openapi_method_naming_a_validator_that_checks_nothing_overrides_the_default(tmp_path: Path) -> None:
    api = _rest_api(_write(tmp_path, SAM_OPENAPI))
    assert _method(api, "GET /health").request_validator == "nothing"
    assert _check(api, "GET /health", "/health", {}) is None


# -- SAM RequestModel / RequestParameters -----------------------------------------------------------------
SAM_EVENTS = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Models:
        Pet:
          type: object
          required: [name]
          properties:
            name: {type: string}
            owner: {$ref: "#/definitions/owner"}
        Owner:
          type: object
          required: [id]
          properties:
            id: {type: integer}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      Events:
        Post:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /pets/{id}
            Method: post
            RequestModel:
              Model: Pet
              Required: true
              ValidateBody: true
              ValidateParameters: true
            RequestParameters:
              - method.request.header.X-Trace:
                  Required: true
              - method.request.querystring.q:
                  Required: true
              - method.request.querystring.opt
        Put:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /pets/{id}
            Method: put
            RequestModel:
              Model: Pet
              ValidateBody: true
              ValidateParameters: false
            RequestParameters:
              - method.request.querystring.q:
                  Required: true
        List:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /pets
            Method: get
            RequestParameters:
              - method.request.querystring.page:
                  Required: true
"""


def test_sam_request_model_becomes_a_validator_and_a_lower_case_model(tmp_path: Path) -> None:
    """SAM's translator names each validator after what it checks and writes model names in lower case."""
    api = _rest_api(_write(tmp_path, SAM_EVENTS))
    post, put = _method(api, "POST /pets/{id}"), _method(api, "PUT /pets/{id}")
    assert api.validators[str(post.request_validator)] == RequestValidator(
        "body-and-params", validate_body=True, validate_parameters=True
    )
    assert api.validators[str(put.request_validator)] == RequestValidator(
        "body-only", validate_body=True, validate_parameters=False
    )
    assert post.request_models == put.request_models == {"application/json": "pet"}
    assert set(api.models) == {"pet", "owner"}
    assert post.request_parameters == {
        "method.request.header.X-Trace": True,
        "method.request.querystring.q": True,
        "method.request.querystring.opt": False,
    }


def test_sam_request_parameters_are_checked_before_the_body(tmp_path: Path) -> None:
    api = _rest_api(_write(tmp_path, SAM_EVENTS))
    failure = _check(api, "POST /pets/{id}", "/pets/1", {"id": "1"}, headers=JSON, body="{}")
    assert _message(failure) == (
        "BAD_REQUEST_PARAMETERS",
        "Missing required request parameters: [X-Trace, q]",
    )
    headers = {**JSON, "x-trace": "1"}
    failure = _check(api, "POST /pets/{id}", "/pets/1?q=a", {"id": "1"}, headers=headers, body="{}")
    assert _message(failure) == INVALID_BODY
    owner_wrong = '{"name": "rex", "owner": {}}'
    failure = _check(api, "POST /pets/{id}", "/pets/1?q=a", {"id": "1"}, headers=headers, body=owner_wrong)
    assert _message(failure) == INVALID_BODY
    good = '{"name": "rex", "owner": {"id": 3}}'
    assert _check(api, "POST /pets/{id}", "/pets/1?q=a", {"id": "1"}, headers=headers, body=good) is None


def test_sam_body_only_validation_ignores_required_parameters(tmp_path: Path) -> None:
    api = _rest_api(_write(tmp_path, SAM_EVENTS))
    assert _check(api, "PUT /pets/{id}", "/pets/1", {"id": "1"}, body='{"name": "rex"}') is None
    assert _message(_check(api, "PUT /pets/{id}", "/pets/1", {"id": "1"}, body="[]")) == INVALID_BODY


def test_sam_request_parameters_without_a_request_model_are_not_validated(tmp_path: Path) -> None:
    """SAM adds no validator for ``RequestParameters`` alone, so API Gateway does not check them."""
    api = _rest_api(_write(tmp_path, SAM_EVENTS))
    listing = _method(api, "GET /pets")
    assert listing.request_validator is None
    assert listing.request_parameters == {"method.request.querystring.page": True}
    assert _check(api, "GET /pets", "/pets", {}) is None


def test_sam_model_ref_in_the_written_case_names_a_model_the_api_does_not_have(tmp_path: Path) -> None:
    """SAM deploys ``Owner`` as ``owner``; a ``$ref`` written ``#/definitions/Owner`` is an error AWS's import
    refuses too, said with the models the API has."""
    template = SAM_EVENTS.replace('"#/definitions/owner"', '"#/definitions/Owner"')
    with pytest.raises(
        TemplateError, match=r"names the model 'Owner'.*its models: Empty, Error, owner, pet"
    ) as caught:
        load_template(_write(tmp_path, template))  # refused when loaded, as AWS refuses to deploy it
    assert caught.value.where == "Resources.Api.Properties.Body"


# -- plain CloudFormation -------------------------------------------------------------------------------
CLOUDFORMATION = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: items
  Items:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: items
  Item:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !Ref Items
      PathPart: "{itemId}"
  Validator:
    Type: AWS::ApiGateway::RequestValidator
    Properties:
      RestApiId: !Ref Api
      Name: everything
      ValidateRequestBody: true
      ValidateRequestParameters: true
  ItemModel:
    Type: AWS::ApiGateway::Model
    Properties:
      RestApiId: !Ref Api
      Name: Item
      ContentType: application/json
      Schema:
        $schema: http://json-schema.org/draft-04/schema#
        type: object
        required: [tag]
        properties:
          tag: {$ref: !Sub "https://apigateway.amazonaws.com/restapis/${Api}/models/${TagModel}"}
  TagModel:
    Type: AWS::ApiGateway::Model
    Properties:
      RestApiId: !Ref Api
      Name: Tag
      ContentType: application/json
      Schema: {type: string, minLength: 1}
  Put:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Item
      HttpMethod: PUT
      AuthorizationType: NONE
      RequestValidatorId: !Ref Validator
      RequestModels:
        application/json: !Ref ItemModel
        text/plain: Empty
      RequestParameters:
        method.request.path.itemId: true
        method.request.header.If-Match: true
        method.request.querystring.version: false
      Integration:
        Type: MOCK
        RequestTemplates: {application/json: '{"statusCode": 200}'}
        IntegrationResponses: [{StatusCode: "200"}]
      MethodResponses: [{StatusCode: "200"}]
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Put
    Properties:
      RestApiId: !Ref Api
      StageName: dev
"""


def test_cloudformation_validator_model_and_method_are_read_with_refs_as_aws_resolves_them(
    tmp_path: Path,
) -> None:
    """``Ref`` to a model gives its name (not its logical id), in ``RequestModels`` and in other models."""
    api = _rest_api(_write(tmp_path, CLOUDFORMATION))
    put = _method(api, "PUT /items/{itemId}")
    assert put.request_validator == "Validator"
    assert api.validators == {"Validator": RequestValidator("everything", True, True)}
    assert put.request_models == {"application/json": "Item", "text/plain": "Empty"}
    assert put.request_parameters == {
        "method.request.path.itemId": True,
        "method.request.header.If-Match": True,
        "method.request.querystring.version": False,
    }
    assert set(api.models) == {"Item", "Tag"}
    assert api.models["Item"]["properties"]["tag"] == {
        "$ref": "https://apigateway.amazonaws.com/restapis/Api/models/Tag"
    }


def test_cloudformation_method_validates_parameters_then_the_body_through_a_model_reference(
    tmp_path: Path,
) -> None:
    api = _rest_api(_write(tmp_path, CLOUDFORMATION))
    route, target, path = "PUT /items/{itemId}", "/items/9", {"itemId": "9"}
    assert _message(_check(api, route, target, path, body='{"tag": "a"}')) == (
        "BAD_REQUEST_PARAMETERS",
        "Missing required request parameters: [If-Match]",
    )
    headers = {**JSON, "if-match": "*"}
    assert _check(api, route, target, path, headers=headers, body='{"tag": "a"}') is None
    assert _message(_check(api, route, target, path, headers=headers, body='{"tag": ""}')) == INVALID_BODY
    assert _message(_check(api, route, target, path, headers=headers, body='{"tag": 1}')) == INVALID_BODY


def test_cloudformation_built_in_empty_model_takes_any_json_object(tmp_path: Path) -> None:
    api = _rest_api(_write(tmp_path, CLOUDFORMATION))
    headers = {"Content-Type": "text/plain; charset=utf-8", "If-Match": "*"}
    route, target, path = "PUT /items/{itemId}", "/items/9", {"itemId": "9"}
    assert _check(api, route, target, path, headers=headers, body='{"anything": true}') is None
    assert _message(_check(api, route, target, path, headers=headers, body="plain words")) == INVALID_BODY


def test_cloudformation_model_without_a_name_is_referred_to_by_its_logical_id(tmp_path: Path) -> None:
    template = CLOUDFORMATION.replace("      Name: Tag\n", "")
    api = _rest_api(_write(tmp_path, template))
    assert set(api.models) == {"Item", "TagModel"}
    headers = {**JSON, "If-Match": "*"}
    failure = _check(
        api, "PUT /items/{itemId}", "/items/9", {"itemId": "9"}, headers=headers, body='{"tag": ""}'
    )
    assert _message(failure) == INVALID_BODY


# -- an OpenAPI 3 Body of a CloudFormation RestApi -------------------------------------------------------
OPENAPI_3 = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        openapi: 3.0.1
        info: {title: orders, version: "1"}
        x-amazon-apigateway-request-validators:
          body: {validateRequestBody: true, validateRequestParameters: false}
        paths:
          /orders:
            post:
              x-amazon-apigateway-request-validator: body
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: "#/components/schemas/Order"}
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: {application/json: '{"statusCode": 200}'}
                responses: {default: {statusCode: "200"}}
        components:
          schemas:
            Order:
              type: object
              required: [lines]
              properties:
                lines: {type: array, minItems: 1, items: {$ref: "#/components/schemas/Line"}}
            Line:
              type: object
              required: [sku, quantity]
              properties:
                sku: {type: string}
                quantity: {type: integer, minimum: 1}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: dev
"""


def test_openapi_3_request_body_is_validated_against_its_component_schemas(tmp_path: Path) -> None:
    api = _rest_api(_write(tmp_path, OPENAPI_3))
    post = _method(api, "POST /orders")
    assert (post.request_validator, dict(post.request_models)) == ("body", {"application/json": "Order"})
    assert set(api.models) == {"Order", "Line"}
    good = '{"lines": [{"sku": "a", "quantity": 2}]}'
    assert _check(api, "POST /orders", "/orders", {}, headers=JSON, body=good) is None
    for bad in ('{"lines": []}', '{"lines": [{"sku": "a", "quantity": 0}]}', '{"lines": [{"sku": 1}]}'):
        assert _message(_check(api, "POST /orders", "/orders", {}, headers=JSON, body=bad)) == INVALID_BODY


# -- a real application --------------------------------------------------------------------------------
PETS_APP = Path(__file__).parents[1] / "application" / "apps" / "sam_openapi_rest" / "template.yaml"


def test_real_sam_openapi_application_validators_answer_as_its_acceptance_tests_expect() -> None:
    """The pets application's OpenAPI (pulled in with ``AWS::Include``): an API-level parameters validator
    and a method-level one for the body; the answers its acceptance tests expect once the flow runs this
    step."""
    api = _rest_api(PETS_APP, "PetsApi")
    assert _message(_check(api, "GET /pets", "/pets", {})) == (
        "BAD_REQUEST_PARAMETERS",
        "Missing required request parameters: [limit]",
    )
    assert _check(api, "GET /pets", "/pets?limit=1", {}) is None
    new_pet = '{"name": "Kit", "species": "cat"}'
    assert _message(_check(api, "POST /pets", "/pets", {}, headers=JSON, body=new_pet)) == (
        "BAD_REQUEST_PARAMETERS",
        "Missing required request parameters: [X-Request-Id]",
    )
    headers = {**JSON, "X-Request-Id": "r-1"}
    owl = '{"name": "Kit", "species": "owl"}'
    assert _message(_check(api, "POST /pets", "/pets", {}, headers=headers, body=owl)) == INVALID_BODY
    assert _check(api, "POST /pets", "/pets", {}, headers=headers, body=new_pet) is None


OVERRIDDEN = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        swagger: "2.0"
        info: {title: t, version: "1"}
        x-amazon-apigateway-request-validators:
          params: {validateRequestParameters: true}
        x-amazon-apigateway-request-validator: params
        paths:
          /things:
            parameters:
              - {name: X-Tenant, in: header, required: true, type: string}
              - {name: page, in: query, required: true, type: string}
            get:
              parameters:
                - {name: page, in: query, required: false, type: string}
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: {application/json: '{"statusCode": 200}'}
                responses: {default: {statusCode: "200"}}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: dev
"""


def test_openapi_operation_parameter_overrides_the_path_item_parameter_of_the_same_name_and_place(
    tmp_path: Path,
) -> None:
    api = _rest_api(_write(tmp_path, OVERRIDDEN))
    assert _method(api, "GET /things").request_parameters == {
        "method.request.header.X-Tenant": True,
        "method.request.querystring.page": False,
    }
    assert _message(_check(api, "GET /things", "/things", {})) == (
        "BAD_REQUEST_PARAMETERS",
        "Missing required request parameters: [X-Tenant]",
    )
