"""Benchmarks of REST non-proxy round trips against the Lambda proxy round trip, in the same run.

One REST API, one in-process function, three methods: ``GET /proxy`` (Lambda proxy), ``GET /mock``
(MOCK: a request template selects the response, whose small template is rendered) and ``POST /custom``
(a Lambda custom integration: a small request template renders the event, the function runs, a small
response template maps its result). Each non-proxy benchmark times ``Gateway.invoke`` of its method with
the proxy round trip as its in-test baseline, and records the ratio (``ratio_to_proxy``).

Targets (asserted only when timed): a MOCK round trip costs at most 3 proxy round trips and a Lambda
custom one at most 4 (measured: about 1.4-1.7 and 3.1-3.4; they render Velocity templates with
``$context`` made for each request, where the proxy only builds its event and maps the result).
Compilation is per template text, once: a check (run untimed too) asserts that requests after the first
compile nothing.

The text-to-binary decoding of a response (``CONVERT_TO_BINARY``) is lenient: a Lambda function's base64
string result arrives quoted. Decoding a 1 MB image's quoted base64 costs at most 5 strict decodes of the
bare text (measured: about 2.4-2.7; deleting the usual characters from the bytes first was about 11.7,
discarding them with the regular expression alone about 100).
"""

from __future__ import annotations

import base64
import json
import os
import textwrap
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apigw_emulator import HttpRequest, LambdaContext
from apigw_emulator.application import Application
from apigw_emulator.codec import b64decode
from apigw_emulator.content_handling import lenient_b64decode
from apigw_emulator.errors import NotEmulatedWarning
from apigw_emulator.gateway import Gateway
from apigw_emulator.mapping import compile_template

from ._timing import Timing, one_cpu

GROUP = "round trip (in-process): non-proxy REST integrations against the proxy"
MOCK_RATIO_TARGET = 3.0
CUSTOM_RATIO_TARGET = 4.0
DECODE_GROUP = "CONVERT_TO_BINARY: a quoted 1 MB base64 result against the strict decode of the bare text"
QUOTED_DECODE_RATIO_TARGET = 5.0

TEMPLATE = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: bench
      Body:
        swagger: "2.0"
        info: {title: bench, version: "1"}
        paths:
          /proxy:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/\\
                  invocations"
          /mock:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{"statusCode": 200}'
                responses:
                  default:
                    statusCode: "200"
                    responseTemplates:
                      application/json: '{"stage": "$context.stage", "id": "$context.requestId"}'
          /custom:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/\\
                  invocations"
                requestTemplates:
                  application/json: '{"name": $input.json(''$.name''), "stage": "$context.stage"}'
                responses:
                  default:
                    statusCode: "200"
                    responseTemplates:
                      application/json: '{"body": $input.json(''$.body'')}'
"""


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The same small answer for every method (a proxy result, which the custom method maps)."""
    return {"statusCode": 200, "body": "ok"}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    folder = tmp_path_factory.mktemp("bench_non_proxy")
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text("", encoding="utf-8")
    path = folder / "template.yaml"
    path.write_text(textwrap.dedent(TEMPLATE), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEmulatedWarning)
        app = Application.from_template(path, handlers={"Fn": handler})
    with app:
        yield app.apis["Api"]


@pytest.fixture
def _on_one_cpu(timing: Timing) -> Iterator[None]:
    """Timed round trips run on one CPU, as the other in-process round-trip benchmarks do."""
    if not timing.enabled:
        yield
        return
    with one_cpu():
        yield


def _call(gateway: Gateway, method: str, path: str, body: bytes | None = None) -> Callable[[], Any]:
    headers = {"Content-Type": "application/json"} if body is not None else None
    request = HttpRequest.build(method, f"/Prod{path}", headers=headers, body=body)
    return lambda: gateway.invoke(request).response


def _proxy(gateway: Gateway) -> Callable[[], Any]:
    return _call(gateway, "GET", "/proxy")


def _ratio_checked(timing: Timing, target: float, what: str) -> None:
    ratio = timing.ratio("proxy")
    if ratio is None:  # --benchmark-disable: checked once, nothing timed
        return
    timing.record(target_max_ratio_to_proxy=target)
    assert ratio <= target, (
        f"a {what} round trip costs {ratio:.2f} proxy round trips (target <= {target}): "
        f"{timing.benchmark.extra_info}"
    )


@pytest.mark.usefixtures("_on_one_cpu")
@pytest.mark.benchmark(group=GROUP)
def test_proxy_round_trip(timing: Timing, gateway: Gateway) -> None:
    response = timing.run(_proxy(gateway))
    assert (response.status, response.body) == (200, b"ok")


@pytest.mark.usefixtures("_on_one_cpu")
@pytest.mark.benchmark(group=GROUP)
def test_mock_round_trip_against_the_proxy(timing: Timing, gateway: Gateway) -> None:
    response = timing.run(_call(gateway, "GET", "/mock"), baselines={"proxy": _proxy(gateway)})
    assert response.status == 200
    assert json.loads(response.body)["stage"] == "Prod"
    _ratio_checked(timing, MOCK_RATIO_TARGET, "MOCK")


@pytest.mark.usefixtures("_on_one_cpu")
@pytest.mark.benchmark(group=GROUP)
def test_lambda_custom_round_trip_against_the_proxy(timing: Timing, gateway: Gateway) -> None:
    call = _call(gateway, "POST", "/custom", b'{"name": "x"}')
    response = timing.run(call, baselines={"proxy": _proxy(gateway)})
    assert (response.status, json.loads(response.body)) == (200, {"body": "ok"})
    _ratio_checked(timing, CUSTOM_RATIO_TARGET, "Lambda custom")


def test_templates_are_compiled_once_per_text_not_per_request(gateway: Gateway) -> None:
    mock, custom = _call(gateway, "GET", "/mock"), _call(gateway, "POST", "/custom", b'{"name": "y"}')
    mock(), custom()  # whatever the tests before did, these texts are compiled now
    before = compile_template.cache_info()
    for _ in range(5):
        assert mock().status == 200
        assert custom().status == 200
    after = compile_template.cache_info()
    assert after.misses == before.misses  # nothing compiled again
    assert after.hits >= before.hits + 5 * 4  # each request looked up its two templates


@pytest.mark.benchmark(group=DECODE_GROUP)
def test_lenient_decode_of_a_quoted_result_against_the_strict_decode(timing: Timing) -> None:
    data = os.urandom(1_000_000)
    bare = base64.b64encode(data).decode("ascii")
    quoted = json.dumps(bare)  # what a function returning the base64 text gives API Gateway
    decoded = timing.run(lambda: lenient_b64decode(quoted), baselines={"strict": lambda: b64decode(bare)})
    assert decoded == data
    ratio = timing.ratio("strict")
    if ratio is None:  # --benchmark-disable: checked once, nothing timed
        return
    timing.record(target_max_ratio_to_strict=QUOTED_DECODE_RATIO_TARGET)
    assert ratio <= QUOTED_DECODE_RATIO_TARGET, (
        f"the lenient decode of a quoted result costs {ratio:.2f} strict decodes "
        f"(target <= {QUOTED_DECODE_RATIO_TARGET}): {timing.benchmark.extra_info}"
    )
