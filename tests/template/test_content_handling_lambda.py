"""Binary through Lambda custom (``AWS``) integrations (spec 10.5), on a plain CloudFormation template
(``AWS::ApiGateway::Method`` ``Integration.ContentHandling`` and ``IntegrationResponses[].ContentHandling``):
the request table before the request template, the response table before the response template (which
then reads the converted payload)."""

from __future__ import annotations

import base64
import io
import textwrap
import warnings
from collections.abc import Iterator

import pytest
from PIL import Image

from apigw_emulator import invocation_of
from apigw_emulator.application import Application
from apigw_emulator.errors import BinaryBodyCorruptedWarning, GatewayErrorWarning, NotEmulatedWarning
from apigw_emulator.gateway import Gateway


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (5, 7), (1, 2, 3, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
PNG_B64 = base64.b64encode(PNG).decode("ascii")

APP = """
import base64


def handler(event, context):
    # The event is the request template's JSON; "data" is what $input.body was.
    if event.get("echo") == "image":
        return event["data"]  # the base64 text as the result: a JSON string, quotes included
    return {"received": event["data"]}
"""

_URI = '!Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"'


def _method(name: str, path: str, content_handling: str, request_template: str, responses: str) -> str:
    return f"""
  {name}Resource:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: {path}}}
  {name}:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref {name}Resource
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: AWS
        IntegrationHttpMethod: POST
        Uri: {_URI}
{content_handling}        RequestTemplates:
          image/png: '{request_template}'
          text/plain: '{request_template}'
        IntegrationResponses:
{responses}"""


TEMPLATE = (
    """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: binary-lambda, BinaryMediaTypes: [image/png]}
"""
    + _method(
        "Encoded",
        "encoded",
        "        ContentHandling: CONVERT_TO_TEXT\n",
        '{"data": "$input.body"}',
        '          - StatusCode: "200"\n',
    )
    + _method(
        "Raw",
        "raw",
        "",
        '{"data": "$input.body"}',
        '          - StatusCode: "200"\n',
    )
    + _method(
        "Image",
        "image",
        "        ContentHandling: CONVERT_TO_TEXT\n",
        '{"echo": "image", "data": "$input.body"}',
        """          - StatusCode: "200"
            ContentHandling: CONVERT_TO_BINARY
            ResponseParameters: {method.response.header.Content-Type: "'image/png'"}
""",
    )
    + _method(
        "ImageTemplated",
        "image-templated",
        "        ContentHandling: CONVERT_TO_TEXT\n",
        '{"echo": "image", "data": "$input.body"}',
        """          - StatusCode: "200"
            ContentHandling: CONVERT_TO_BINARY
            ResponseTemplates: {application/json: "$input.body"}
""",
    )
    + _method(
        "ImageText",
        "image-text",
        "        ContentHandling: CONVERT_TO_TEXT\n",
        '{"echo": "image", "data": "$input.body"}',
        """          - StatusCode: "200"
            ContentHandling: CONVERT_TO_TEXT
            ResponseTemplates: {application/json: '{"length": $input.body.length()}'}
""",
    )
    + """
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [Encoded, Raw, Image, ImageTemplated, ImageText]
    Properties: {RestApiId: !Ref Api, StageName: test}
"""
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    root = tmp_path_factory.mktemp("binary-lambda")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    (root / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        application = Application.from_template(root / "template.yaml")
    with application:
        yield application.apis["Api"]


def test_rule_10_5_lambda_convert_to_text_sends_the_function_the_base64_of_a_binary_body(
    api: Gateway,
) -> None:
    response = api.request("POST", "/encoded", data=PNG, headers={"Content-Type": "image/png"})
    assert (response.status_code, response.json()) == (200, {"received": PNG_B64})
    invocation = invocation_of(response)
    assert invocation is not None
    assert invocation.integration_request == ('{"data": "' + PNG_B64 + '"}').encode()


def test_rule_10_5_lambda_convert_to_text_leaves_a_text_body_as_it_is(api: Gateway) -> None:
    response = api.request("POST", "/encoded", data=b"plain words", headers={"Content-Type": "text/plain"})
    assert response.json() == {"received": "plain words"}


def test_rule_10_5_lambda_request_template_over_a_binary_body_is_a_500(api: Gateway) -> None:
    with pytest.warns(GatewayErrorWarning, match="Unable to transform request") as caught:
        response = api.request("POST", "/raw", data=PNG, headers={"Content-Type": "image/png"})
    assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})
    assert "CONVERT_TO_TEXT" in str(caught[0].message)
    invocation = invocation_of(response)
    assert invocation is not None
    assert invocation.integration_request is None  # the function never ran


@pytest.mark.parametrize("accept", ["text/html", "image/png", None])
def test_rule_10_5_lambda_string_result_through_convert_to_binary_sends_the_bytes(
    api: Gateway, accept: str | None
) -> None:
    # The function returns the base64 text: the payload is a JSON string literal, whose quotes the
    # text-to-binary decoding discards (UNCONFIRMED leniency, see content_handling).
    headers = {"Content-Type": "image/png"} | ({"Accept": accept} if accept else {})
    response = api.request("POST", "/image", data=PNG, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.content == PNG
    invocation = invocation_of(response)
    assert invocation is not None
    assert invocation.error is None


def test_rule_10_5_lambda_response_template_over_a_payload_binary_after_convert_to_binary_is_a_500(
    api: Gateway,
) -> None:
    # The conversion comes first: the template would read bytes, which API Gateway cannot transform.
    with pytest.warns(GatewayErrorWarning, match="binary after the conversion"):
        response = api.request("POST", "/image-templated", data=PNG, headers={"Content-Type": "image/png"})
    assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})


def test_rule_10_5_lambda_response_template_reads_the_payload_after_convert_to_text(api: Gateway) -> None:
    response = api.request(
        "POST", "/image-text", data=PNG, headers={"Content-Type": "image/png", "Accept": "image/png"}
    )
    # A text payload stays text under CONVERT_TO_TEXT, even for a binary Accept: the template reads the
    # function's JSON string, quotes included.
    assert (response.status_code, response.json()) == (200, {"length": len(PNG_B64) + 2})


def test_rule_10_5_lambda_text_body_with_invalid_utf8_is_corrupted_once_and_warned_once(api: Gateway) -> None:
    body = b"caf\xe9 \xff"
    with pytest.warns(BinaryBodyCorruptedWarning) as caught:
        response = api.request("POST", "/encoded", data=body, headers={"Content-Type": "text/plain"})
    assert response.json() == {"received": "caf\ufffd \ufffd"}
    assert len([w for w in caught if issubclass(w.category, BinaryBodyCorruptedWarning)]) == 1
