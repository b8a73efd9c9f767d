"""Benchmarks of a warm process execution environment: one small invocation over the Lambda Runtime API.

The benchmark is ``ProcessEnvironment.invoke`` with a warm worker (the emulator's runtime): the event
encoded and handed over on the worker's keep-alive connection, the handler called on the worker's main
thread, the result posted back. The baseline, measured in the same test, is the same handler called
in-process with the same event: what the invocation would cost without a process boundary. Recorded in
``extra_info``: the ratio to it (``ratio_to_in_process_call``), invocations per second, and the same
figures for AWS's ``awslambdaric`` where it is installed. No target here: the target that matters (a
small request through ``serve`` with process environments at no less than half the requests/s of
in-process environments) is measured end to end with the server.
"""

from __future__ import annotations

import contextlib
import importlib.util
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator.lambda_context import LambdaContext
from apigw_emulator.runtime.model import FunctionConfig, InvokeRequest
from apigw_emulator.runtime.process import ProcessEnvironment

from ._timing import Timing

GROUP = "process environment (warm, loopback)"

HANDLER = """
def handler(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "ok"}
"""

#: A small REST API event, as the front door makes it for ``GET /small``.
EVENT: dict[str, Any] = {
    "resource": "/small",
    "path": "/small",
    "httpMethod": "GET",
    "headers": {"Accept": "*/*", "Host": "127.0.0.1", "User-Agent": "load"},
    "multiValueHeaders": {"Accept": ["*/*"], "Host": ["127.0.0.1"], "User-Agent": ["load"]},
    "queryStringParameters": None,
    "multiValueQueryStringParameters": None,
    "pathParameters": None,
    "stageVariables": None,
    "requestContext": {
        "resourcePath": "/small",
        "httpMethod": "GET",
        "path": "/Prod/small",
        "stage": "Prod",
        "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "identity": {"sourceIp": "127.0.0.1", "userAgent": "load"},
    },
    "body": None,
    "isBase64Encoded": False,
}


@pytest.fixture
def task_root(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    return tmp_path


@contextlib.contextmanager
def environment_for(task_root: Path, runtime_client: str) -> Iterator[ProcessEnvironment]:
    environment = ProcessEnvironment(
        FunctionConfig(name="bench", timeout=10, code_uri=task_root),
        region="us-east-1",
        account_id="123456789012",
        handler="app.handler",
        task_root=task_root,
        runtime_client=runtime_client,
    )
    try:
        yield environment
    finally:
        environment.shutdown()


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize("runtime_client", ["bootstrap", "awslambdaric"])
def test_warm_small_invocation(timing: Timing, task_root: Path, runtime_client: str) -> None:
    if runtime_client == "awslambdaric" and importlib.util.find_spec("awslambdaric") is None:
        pytest.skip("awslambdaric is not installed (Linux wheels only)")
    namespace: dict[str, Any] = {}
    exec(textwrap.dedent(HANDLER), namespace)  # the same handler, in-process
    handler = namespace["handler"]
    context = LambdaContext(aws_request_id="c6af9ac6-7b61-11e6-9a41-93e8deadbeef", function_name="bench")
    request = InvokeRequest(event=EVENT, context=context, trace_id="Root=1-5759e988-bd862e3f", wait=10)
    with environment_for(task_root, runtime_client) as environment:
        assert environment.invoke(request).kind == "result"  # the cold start, not measured
        outcome = timing.run(
            lambda: environment.invoke(request),
            baselines={"in_process_call": lambda: handler(EVENT, context)},
        )
    assert outcome.kind == "result"
    assert outcome.result == b'{"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "ok"}'
    timing.ratio("in_process_call")
    median = timing.median_ns()
    if median is not None:
        timing.record(invocations_per_second=1e9 / median)
