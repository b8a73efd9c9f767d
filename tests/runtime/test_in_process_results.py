"""A result leaves an in-process environment as it leaves awslambdaric in a worker process.

The in-process runtime writes a handler's result with orjson where that gives the runtime's JSON, and with
the runtime's own encoder rules (simplejson's as awslambdaric keeps them) everywhere else. Values orjson
writes but the runtime does not (a UUID, an Enum, NaN and infinities, which orjson writes as ``null``) and
values only the runtime writes (``bytes`` as UTF-8 text, named tuples as objects) must come out as
awslambdaric's do: the same result, or the same ``Runtime.MarshalError``.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator import Gateway
from apigw_emulator.request import HttpRequest

from .conftest import awslambdaric_or_skip

SCENARIOS = textwrap.dedent(
    """
    import collections
    import decimal
    import enum
    import uuid

    Point = collections.namedtuple("Point", "x y")


    class Colour(enum.Enum):
        RED = "red"


    def cycle():
        value = {"statusCode": 200}
        value["self"] = value
        return value


    RESULTS = {
        "cycle": cycle,
        "uuid": lambda: {"id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
        "enum": lambda: {"colour": Colour.RED},
        "floats": lambda: {"values": [float("nan"), float("inf"), -float("inf"), 0.1]},
        "namedtuple": lambda: {"point": Point(1, [Point(2, 3)]), "tuple": (1, 2)},
        "bytes": lambda: {"body": b"abc"},
        "decimal": lambda: {"price": decimal.Decimal("19.990000000000000000001")},
        "plain": lambda: {"statusCode": 200, "body": "caf\\u00e9", "flags": [True, None, 1.5]},
    }


    def handler(event, context):
        return RESULTS[event["queryStringParameters"]["kind"]]()
    """
)
#: A REST API answers these results 502 (unknown keys): the result is what is compared, not the answer.
pytestmark = pytest.mark.filterwarnings("ignore::apigw_emulator.errors.GatewayErrorWarning")
KINDS = ["cycle", "uuid", "enum", "floats", "namedtuple", "bytes", "decimal", "plain"]


@pytest.fixture(scope="module")
def code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("results")
    (folder / "app.py").write_text(SCENARIOS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def gateways(code: Path) -> Iterator[tuple[Gateway, Gateway]]:
    awslambdaric_or_skip()
    in_process = Gateway("app.handler", code_uri=code, api="rest")
    theirs = Gateway(
        "app.handler", code_uri=code, api="rest", isolation="process", runtime_client="awslambdaric"
    )
    try:
        yield in_process, theirs
    finally:
        theirs.close()
        in_process.close()


def _without_request_id(error: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if error is None else {key: value for key, value in error.items() if key != "requestId"}


def _comparable(value: Any) -> str:
    """A value as JSON with NaN kept apart from null (NaN != NaN would fail an equality)."""
    return json.dumps(value, sort_keys=True, default=repr)


@pytest.mark.parametrize("kind", KINDS)
def test_an_in_process_result_is_what_awslambdaric_writes(
    gateways: tuple[Gateway, Gateway], kind: str
) -> None:
    ours, theirs = (gateway.invoke(HttpRequest.build("GET", f"/Prod/x?kind={kind}")) for gateway in gateways)
    assert _without_request_id(ours.function_error) == _without_request_id(theirs.function_error)
    assert _comparable(ours.result) == _comparable(theirs.result)
    assert ours.response.status == theirs.response.status


def test_nan_in_a_result_stays_nan_in_process(gateways: tuple[Gateway, Gateway]) -> None:
    invocation = gateways[0].invoke(HttpRequest.build("GET", "/Prod/x?kind=floats"))
    values = invocation.result["values"]
    assert math.isnan(values[0])
    assert values[1:3] == [math.inf, -math.inf]


@pytest.mark.parametrize("kind", ["uuid", "enum"])
def test_what_the_runtime_cannot_encode_is_a_marshal_error_in_process(
    gateways: tuple[Gateway, Gateway], kind: str
) -> None:
    invocation = gateways[0].invoke(HttpRequest.build("GET", f"/Prod/x?kind={kind}"))
    assert invocation.function_error is not None
    assert invocation.function_error["errorType"] == "Runtime.MarshalError"
