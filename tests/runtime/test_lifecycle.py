"""Execution environments, in-process and in worker processes, behave as the Lambda Python runtime does
(issue #10).

Each test names the Lambda behaviour it checks. The handlers are real modules, imported by name from a
code folder as Lambda imports them, or plain callables.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import threading
import time
import uuid
from typing import Any

import pytest

from apigw_emulator import Gateway, GatewayErrorWarning, invocation_of
from apigw_emulator.errors import ConfigurationError, LambdaFunctionError
from apigw_emulator.request import HttpRequest
from apigw_emulator.runtime.model import Isolation

from .conftest import CodeFolder

pytestmark = pytest.mark.filterwarnings("ignore::apigw_emulator.GatewayErrorWarning")


def _json(status: int = 200, **body: Any) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps(body)}


def _body(gw: Gateway, path: str = "/x") -> Any:
    response = gw.request("GET", path)
    assert response.status_code == 200, response.text
    return response.json()


# -- the main thread -----------------------------------------------------------------------------------


def test_lambda_calls_the_handler_on_the_main_thread() -> None:
    def handler(event: Any, context: Any) -> Any:
        return _json(main=threading.current_thread() is threading.main_thread())

    assert _body(Gateway(handler)) == {"main": True}


def test_lambda_main_thread_allows_signal_handlers() -> None:
    def handler(event: Any, context: Any) -> Any:
        previous = signal.signal(signal.SIGUSR1, lambda signum, frame: None)
        signal.signal(signal.SIGUSR1, previous)
        return _json(ok=True)

    assert _body(Gateway(handler)) == {"ok": True}


def test_lambda_main_thread_runs_asyncio_run() -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    def handler(event: Any, context: Any) -> Any:
        return _json(value=asyncio.run(answer()))

    assert _body(Gateway(handler)) == {"value": 42}


MAIN_THREAD = """
    import asyncio, json, os, signal, threading

    async def answer():
        await asyncio.sleep(0)
        return 42

    def handler(event, context):
        previous = signal.signal(signal.SIGUSR1, lambda signum, frame: None)
        signal.signal(signal.SIGUSR1, previous)
        return {"statusCode": 200, "body": json.dumps({
            "main": threading.current_thread() is threading.main_thread(),
            "asyncio_run": asyncio.run(answer()),
            "pid": os.getpid(),
        })}
"""


def _two_at_once(gw: Gateway) -> list[Any]:
    """The JSON answers of two requests sent at the same time, from two threads."""
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(gw.request("GET", "/").json())) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2
    return results


def test_lambda_main_thread_in_either_environment(code_folder: CodeFolder, isolation: Isolation) -> None:
    folder, name = code_folder(MAIN_THREAD)
    seen = _body(Gateway(name, code_uri=folder, isolation=isolation))
    assert (seen["main"], seen["asyncio_run"]) == (True, 42)
    assert (seen["pid"] == os.getpid()) is (isolation == "in-process")


SLEEPY = """
    import json, os, time

    def handler(event, context):
        time.sleep(0.5)
        seen = {"pid": os.getpid(), "stream": context.log_stream_name}
        return {"statusCode": 200, "body": json.dumps(seen)}
"""


def test_lambda_serves_two_slow_concurrent_requests_with_two_environments(
    code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder(SLEEPY)
    gw = Gateway(name, code_uri=folder, isolation=isolation)
    results = _two_at_once(gw)
    assert results[0]["stream"] != results[1]["stream"]  # two environments, two log streams
    if isolation == "process":
        assert results[0]["pid"] != results[1]["pid"]  # two worker processes
    assert gw.environments.size == 2
    gw.close()


# -- init, once per environment ----------------------------------------------------------------------


COUNTER = """
    import os
    import threading

    INITS = 0
    INITS += 1
    SEEN_AT_IMPORT = os.environ.get("TABLE_NAME")
    IMPORT_THREAD = threading.current_thread().name
    CALLS = 0

    def handler(event, context):
        global CALLS
        CALLS += 1
        return {"statusCode": 200, "body": __import__("json").dumps(
            {"inits": INITS, "calls": CALLS, "seen_at_import": SEEN_AT_IMPORT,
             "import_thread": IMPORT_THREAD, "call_thread": threading.current_thread().name})}
"""


def test_lambda_inits_once_per_environment(code_folder: CodeFolder, isolation: Isolation) -> None:
    folder, name = code_folder(COUNTER)
    gw = Gateway(name, code_uri=folder, isolation=isolation, environment={"TABLE_NAME": "orders"})
    assert name.split(".")[0] not in sys.modules  # nothing is imported before the first invocation
    first, second = _body(gw), _body(gw)
    assert first["inits"] == second["inits"] == 1
    assert (first["calls"], second["calls"]) == (1, 2)
    assert first["seen_at_import"] == "orders"  # the variables are in place during the init
    assert first["import_thread"] == first["call_thread"] == threading.main_thread().name


def test_lambda_reports_init_duration_on_a_cold_start_only(
    code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder(COUNTER)
    log: list[str] = []
    gw = Gateway(name, code_uri=folder, isolation=isolation, function_log=log.append)
    cold, warm = gw.request("GET", "/"), gw.request("GET", "/")
    init_duration = invocation_of(cold).init_duration
    assert init_duration is not None
    assert init_duration >= 0
    assert invocation_of(warm).init_duration is None
    reports = [line for line in log if line.startswith("REPORT RequestId: ")]
    assert len(reports) == 2
    assert "Init Duration: " in reports[0]
    assert "Init Duration: " not in reports[1]
    assert "\tMemory Size: 128 MB" in reports[1]
    context = invocation_of(cold).context
    assert context is not None
    assert log[0] == f"START RequestId: {context.aws_request_id} Version: $LATEST"


# -- environment variables -------------------------------------------------------------------------------


ENVIRONMENT = """
    import json, os, sys

    def handler(event, context):
        names = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
                 "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
                 "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
                 "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER", "TZ", "LANG", "_X_AMZN_TRACE_ID",
                 "TABLE_NAME"]
        variables = {name: os.environ.get(name) for name in names}
        variables["stream_in_context"] = context.log_stream_name
        return {"statusCode": 200, "body": json.dumps(variables)}
"""


def test_lambda_sets_reserved_and_function_variables(code_folder: CodeFolder, isolation: Isolation) -> None:
    folder, name = code_folder(ENVIRONMENT)
    gw = Gateway(
        name,
        code_uri=folder,
        isolation=isolation,
        region="eu-west-1",
        function_name="orders-api",
        memory_size=512,
        environment={"TABLE_NAME": "orders", "TZ": "Europe/Paris"},
    )
    before = dict(os.environ)
    seen = _body(gw)
    assert dict(os.environ) == before  # restored after the call
    runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert seen["AWS_REGION"] == seen["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert seen["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{runtime}"
    assert seen["AWS_LAMBDA_FUNCTION_NAME"] == "orders-api"
    assert seen["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert seen["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert seen["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert seen["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/orders-api"
    stream = seen["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert stream == seen["stream_in_context"]
    assert stream.startswith(time.strftime("%Y/%m/%d/[$LATEST]", time.gmtime()))
    assert len(stream.rsplit("]", 1)[1]) == 32
    assert seen["LAMBDA_TASK_ROOT"] == str(folder.resolve())
    assert seen["LAMBDA_RUNTIME_DIR"] == "/var/runtime"
    assert seen["_HANDLER"] == name
    assert seen["TZ"] == "Europe/Paris"  # TZ is not reserved: a function may set it
    assert seen["LANG"] == "en_US.UTF-8"
    assert seen["TABLE_NAME"] == "orders"


def test_lambda_keeps_one_log_stream_per_environment(code_folder: CodeFolder, isolation: Isolation) -> None:
    folder, name = code_folder(ENVIRONMENT)
    gw = Gateway(name, code_uri=folder, isolation=isolation)
    assert _body(gw)["AWS_LAMBDA_LOG_STREAM_NAME"] == _body(gw)["AWS_LAMBDA_LOG_STREAM_NAME"]


def test_lambda_default_time_zone_is_utc(code_folder: CodeFolder, isolation: Isolation) -> None:
    folder, name = code_folder(ENVIRONMENT)
    assert _body(Gateway(name, code_uri=folder, isolation=isolation))["TZ"] == ":UTC"


def test_lambda_sets_the_trace_header_per_invocation(code_folder: CodeFolder, isolation: Isolation) -> None:
    folder, name = code_folder(ENVIRONMENT)
    gw = Gateway(name, code_uri=folder, isolation=isolation, api="alb")
    trace = "Root=1-67891233-abcdef012345678912345678"
    response = gw.request("GET", "/", headers={"X-Amzn-Trace-Id": trace})
    seen = response.json()["_X_AMZN_TRACE_ID"]
    event = invocation_of(response).event
    assert event is not None
    event_headers = event["headers"]
    assert seen == event_headers["x-amzn-trace-id"]  # what the event says is what the variable says
    assert "_X_AMZN_TRACE_ID" not in os.environ


@pytest.mark.parametrize("name", ["AWS_REGION", "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_ACCESS_KEY_ID"])
def test_lambda_refuses_reserved_variables_in_the_configuration(name: str) -> None:
    with pytest.raises(ConfigurationError, match="reserved"):
        Gateway(lambda e, c: None, environment={name: "x"})


@pytest.mark.parametrize(
    ("variables", "message"),
    [({"1ABC": "x"}, "start with a letter"), ({"A-B": "x"}, "letters, digits"), ({"A": None}, "string")],
)
def test_lambda_refuses_invalid_variables(variables: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Gateway(lambda e, c: None, environment=variables)


# -- timeouts ----------------------------------------------------------------------------------------------


SLOW = """
    import json, time

    STATE = {"calls": 0, "finished": 0}

    def handler(event, context):
        STATE["calls"] += 1
        if (event.get("queryStringParameters") or {}).get("slow"):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:  # CPU-bound: only an interruption stops it
                pass
        STATE["finished"] += 1
        return {"statusCode": 200, "body": json.dumps(STATE)}
"""


def test_lambda_timeout_interrupts_the_handler_and_inits_afresh(
    code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder(SLOW)
    gw = Gateway(name, code_uri=folder, isolation=isolation, timeout=0.2)
    assert _body(gw) == {"calls": 1, "finished": 1}
    started = time.monotonic()
    with pytest.warns(GatewayErrorWarning, match=r"Task timed out after 0\.20 seconds"):
        response = gw.request("GET", "/x?slow=1")
    assert time.monotonic() - started < 2
    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}
    after = gw.request("GET", "/x")
    assert invocation_of(after).init_duration is not None  # a cold start
    assert after.json() == {"calls": 1, "finished": 1}  # the module state of before the timeout is gone


def test_lambda_timeout_keeps_a_callable_module_state() -> None:
    # A callable cannot be imported afresh: its module's state stays (documented difference).
    calls: list[int] = []

    def handler(event: Any, context: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(5)
        return _json(calls=len(calls))

    gw = Gateway(handler, timeout=0.1)
    assert gw.request("GET", "/").status_code == 502
    assert _body(gw) == {"calls": 2}


def test_lambda_timeout_on_the_main_thread_restores_an_outer_timer() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        gw = Gateway(lambda e, c: time.sleep(5), timeout=0.05)
        assert gw.request("GET", "/").status_code == 502
        Gateway(lambda e, c: _json()).request("GET", "/")
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining <= 30.0
        assert signal.getsignal(signal.SIGALRM) is not None
        assert not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_lambda_timeout_of_a_handler_that_swallows_it_is_still_a_timeout() -> None:
    def handler(event: Any, context: Any) -> Any:
        with contextlib.suppress(BaseException):
            time.sleep(5)
        return _json(swallowed=True)

    assert Gateway(handler, timeout=0.05).request("GET", "/").status_code == 502


def test_lambda_timeouts_leave_no_thread_behind_on_the_main_thread() -> None:
    before = threading.active_count()
    gw = Gateway(lambda e, c: time.sleep(1), timeout=0.001)
    for _ in range(1000):
        invocation = gw.invoke(HttpRequest("GET", "/Prod/x"))
        assert invocation.response.status == 502
    assert threading.active_count() == before


# -- off the main thread ---------------------------------------------------------------------------------


def _in_thread(call: Any) -> Any:
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(call()))
    thread.start()
    thread.join(30)
    return results[0]


def test_lambda_main_thread_stand_in_off_the_main_thread_has_an_event_loop() -> None:
    def handler(event: Any, context: Any) -> Any:
        loop = asyncio.get_event_loop()
        return _json(loop=id(loop), thread=threading.current_thread().name)

    gw = Gateway(handler)
    first = _in_thread(lambda: gw.request("GET", "/").json())
    second = _in_thread(lambda: gw.request("GET", "/").json())
    assert first == second  # one environment: the same thread and loop for every invocation
    assert first["thread"].startswith("apigw-emulator-environment:")


def test_lambda_imports_and_calls_on_one_thread_off_the_main_thread(
    code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder(COUNTER)
    gw = Gateway(name, code_uri=folder, isolation=isolation)
    seen = _in_thread(lambda: gw.request("GET", "/").json())
    assert seen["import_thread"] == seen["call_thread"]
    if isolation == "in-process":  # the environment's own thread stands for the runtime's main thread
        assert seen["call_thread"] != threading.main_thread().name
    else:  # the worker's own main thread
        assert seen["call_thread"] == "MainThread"


def _environment_threads(function_name: str) -> list[threading.Thread]:
    prefix = f"apigw-emulator-environment:{function_name}:"
    return [thread for thread in threading.enumerate() if thread.name.startswith(prefix)]


def _settle(function_name: str, at_most: int) -> int:
    deadline = time.monotonic() + 5
    while len(_environment_threads(function_name)) > at_most and time.monotonic() < deadline:
        time.sleep(0.01)
    return len(_environment_threads(function_name))


def test_lambda_timeouts_leave_no_thread_behind_off_the_main_thread() -> None:
    # The race of a handler that finishes just as its deadline passes: its thread must still end.
    gw = Gateway(lambda e, c: time.sleep(0.002), timeout=0.002, function_name="leak-check")

    def many() -> int:
        statuses = {gw.invoke(HttpRequest("GET", "/Prod/x")).response.status for _ in range(1000)}
        return len(statuses)

    _in_thread(many)
    assert _settle("leak-check", at_most=1) <= 1  # at most the live environment's own thread
    gw.close()
    assert _settle("leak-check", at_most=0) == 0


def test_lambda_serves_concurrent_requests_with_several_environments() -> None:
    barrier = threading.Barrier(2, timeout=10)

    def handler(event: Any, context: Any) -> Any:
        barrier.wait()  # both invocations run at once, or this times out
        return _json(thread=threading.get_ident(), stream=context.log_stream_name)

    gw = Gateway(handler, timeout=15)
    results = _two_at_once(gw)
    assert results[0]["thread"] != results[1]["thread"]
    assert results[0]["stream"] != results[1]["stream"]  # two environments, two log streams
    assert gw.environments.size == 2


def test_lambda_throttles_over_the_concurrency_limit() -> None:
    entered, release = threading.Event(), threading.Event()

    def handler(event: Any, context: Any) -> Any:
        entered.set()
        release.wait(10)
        return _json()

    gw = Gateway(handler, max_concurrency=1, timeout=15)
    busy = threading.Thread(target=lambda: gw.request("GET", "/"))
    busy.start()
    try:
        assert entered.wait(10)
        with pytest.warns(GatewayErrorWarning, match="throttles"):
            response = gw.request("GET", "/")
        assert response.status_code == 500
        assert response.json() == {"message": "Internal server error"}
    finally:
        release.set()
        busy.join(10)


def test_without_a_concurrency_limit_a_busy_function_waits_and_the_wait_is_not_in_its_timeout() -> None:
    # On AWS a function without reserved concurrency shares the account's 1,000: not throttled. Here it
    # waits for one of the environments kept (10), and its timeout starts when it gets one.
    entered = threading.Semaphore(0)
    release = threading.Event()
    remaining: dict[str, int] = {}

    def handler(event: Any, context: Any) -> Any:
        if event["path"] == "/late":
            remaining["late"] = context.get_remaining_time_in_millis()
            return _json(late=True)
        entered.release()
        release.wait(10)
        return _json()

    gw = Gateway(handler, timeout=2.0)
    assert gw.max_concurrency is None
    results: list[int] = []
    busy = [
        threading.Thread(target=lambda: results.append(gw.request("GET", "/busy").status_code))
        for _ in range(10)
    ]
    for thread in busy:
        thread.start()
    late = threading.Thread(target=lambda: results.append(gw.request("GET", "/late").status_code))
    try:
        for _ in range(10):
            assert entered.acquire(timeout=10)
        late.start()
        late.join(1.2)  # longer than half the function timeout
        assert late.is_alive(), "the invocation was not kept waiting for an environment"
        assert gw.environments.size == 10
    finally:
        release.set()
        for thread in [*busy, late]:
            thread.join(10)
    assert results == [200] * 11
    assert remaining["late"] > 1500  # the 1.2 s wait did not count: nearly all of the 2 s were left


def test_max_concurrency_zero_throttles_every_invocation_as_reserved_concurrency_zero() -> None:
    gw = Gateway(lambda event, context: _json(), max_concurrency=0)
    with pytest.warns(GatewayErrorWarning, match="throttles"):
        assert gw.request("GET", "/").status_code == 500


def test_a_negative_max_concurrency_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="max_concurrency"):
        Gateway(lambda event, context: _json(), max_concurrency=-1)


# -- init errors ------------------------------------------------------------------------------------------


def test_lambda_reports_a_missing_module_as_import_module_error(
    code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder("import not_installed_anywhere\n")
    gw = Gateway(name, code_uri=folder, isolation=isolation, raise_handler_exceptions=False)
    invocation = invocation_of(gw.request("GET", "/"))
    module = name.split(".")[0]
    assert invocation.response.status == 502
    assert invocation.function_error == {
        "errorMessage": f"Unable to import module '{module}': No module named 'not_installed_anywhere'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }
    assert isinstance(invocation.error, LambdaFunctionError)
    if isolation == "in-process":
        assert isinstance(invocation.error.__cause__, ModuleNotFoundError)


def test_lambda_reports_a_syntax_error_as_user_code_syntax_error(
    code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder("def handler(event, context)\n    return 1\n")
    invocation = invocation_of(
        Gateway(name, code_uri=folder, isolation=isolation, raise_handler_exceptions=False).request(
            "GET", "/"
        )
    )
    error = invocation.function_error
    assert error is not None
    assert error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert error["errorMessage"].startswith(f"Syntax error in module '{name.split('.')[0]}': ")
    assert error["stackTrace"][0].startswith('  File "')
    assert " Line 1\n" in error["stackTrace"][0]


def test_lambda_reports_a_missing_function_as_handler_not_found(
    code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder("def other(event, context):\n    return 1\n")
    invocation = invocation_of(
        Gateway(name, code_uri=folder, isolation=isolation, raise_handler_exceptions=False).request(
            "GET", "/"
        )
    )
    assert invocation.function_error is not None
    assert invocation.function_error["errorType"] == "Runtime.HandlerNotFound"
    assert (
        invocation.function_error["errorMessage"]
        == f"Handler 'handler' missing on module '{name.split('.')[0]}'"
    )


def test_lambda_reports_an_exception_at_import_under_its_own_type(
    code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder("raise KeyError('CONFIG')\n")
    gw = Gateway(name, code_uri=folder, isolation=isolation)
    # In-process the module's own exception; from a worker process, what its runtime reported.
    with pytest.raises(KeyError if isolation == "in-process" else LambdaFunctionError, match="CONFIG"):
        gw.request("GET", "/")
    gw.raise_handler_exceptions = False
    invocation = invocation_of(gw.request("GET", "/"))  # the init runs again, and fails again
    assert invocation.function_error is not None
    assert invocation.function_error["errorType"] == "KeyError"
    assert invocation.function_error["errorMessage"] == "'CONFIG'"
    # The frames start where the runtime's end (at importlib, as awslambdaric reports them) in both kinds.
    trace = invocation.function_error["stackTrace"]
    assert "importlib" in trace[0]
    assert trace[-1].startswith(f'  File "{folder / name.split(".")[0]}.py", line 1, in <module>')


def test_lambda_raised_exception_document(code_folder: CodeFolder, isolation: Isolation) -> None:
    folder, name = code_folder(
        """
        def handler(event, context):
            raise ValueError("bad input")
        """
    )
    invocation = invocation_of(
        Gateway(name, code_uri=folder, isolation=isolation, raise_handler_exceptions=False).request(
            "GET", "/"
        )
    )
    error = invocation.function_error
    assert error is not None
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "bad input")
    assert invocation.context is not None
    assert error["requestId"] == invocation.context.aws_request_id
    assert len(error["stackTrace"]) == 1  # the handler's own frame only, as the runtime reports it
    assert error["stackTrace"][0].startswith(
        f'  File "{folder / name.split(".")[0]}.py", line 3, in handler\n'
    )


@pytest.mark.parametrize("ending", ["_in_process", "_bootstrap"])
def test_a_function_module_named_like_a_runtime_file_keeps_its_frame_in_the_stack_trace(
    code_folder: CodeFolder, isolation: Isolation, ending: str
) -> None:
    """Only the runtime's own files' frames are left out of ``stackTrace``: a module of the function's
    whose name ends as one of them does (``..._in_process.py``, ``..._bootstrap.py``) keeps its frame."""
    module = f"m{uuid.uuid4().hex[:8]}{ending}"  # a name of its own: m1a2b3c4d_in_process, ...
    folder, name = code_folder(
        f"from {module} import handler\n",
        files={f"{module}.py": 'def handler(event, context):\n    raise ValueError("bad input")\n'},
    )
    invocation = invocation_of(
        Gateway(name, code_uri=folder, isolation=isolation, raise_handler_exceptions=False).request(
            "GET", "/"
        )
    )
    error = invocation.function_error
    assert error is not None
    assert error["stackTrace"] == [
        f'  File "{folder / module}.py", line 2, in handler\n    raise ValueError("bad input")\n'
    ]


def test_lambda_marshal_error_document() -> None:
    invocation = invocation_of(
        Gateway(lambda e, c: {"statusCode": 200, "body": object()}).request("GET", "/")
    )
    assert invocation.response.status == 502
    assert invocation.error is None
    assert invocation.function_error is not None
    assert invocation.function_error["errorType"] == "Runtime.MarshalError"
    assert invocation.function_error["errorMessage"].startswith("Unable to marshal response: ")


EVENT_NUMBERS = """
    import json

    def handler(event, context):
        seen = {name: repr(event[name]) for name in ("big", "small", "body")}
        return {"statusCode": 200, "body": json.dumps(seen)}
"""


@pytest.mark.parametrize("body_size", [10, 200_000])  # a big event takes the worker's quicker reading
def test_lambda_event_numbers_and_bodies_arrive_exact(
    code_folder: CodeFolder, isolation: Isolation, body_size: int
) -> None:
    folder, name = code_folder(EVENT_NUMBERS)
    overrides = {"big": 2**70 + 1, "small": 0.1}  # an integer over 64 bits: json's rules, not orjson's
    gw = Gateway(name, code_uri=folder, isolation=isolation, api="http", event_overrides=overrides)
    body = "é" * body_size
    seen = gw.request("POST", "/x", data=body.encode(), headers={"Content-Type": "text/plain"}).json()
    assert seen == {"big": repr(2**70 + 1), "small": "0.1", "body": repr(body)}
    gw.close()


def test_lambda_timeout_forgets_only_what_the_functions_init_imported(code_folder: CodeFolder) -> None:
    # A code folder that also holds a module the caller imported first (a SAM template without CodeUri
    # makes the project's root the task root): a reset forgets the function's modules, not the caller's.
    folder, name = code_folder(
        """
        import json, time
        import helper_before, helper_after

        def handler(event, context):
            if (event.get("queryStringParameters") or {}).get("slow"):
                time.sleep(5)
            return {"statusCode": 200, "body": json.dumps(id(helper_after))}
        """,
        files={"helper_before.py": "VALUE = 1\n", "helper_after.py": "VALUE = 2\n"},
    )
    sys.path.insert(0, str(folder))
    try:
        import helper_before  # type: ignore[import-not-found]  # noqa: PLC0415 - the caller's own import
    finally:
        sys.path.remove(str(folder))
    gw = Gateway(name, code_uri=folder, timeout=0.1)
    first = gw.request("GET", "/").json()
    assert gw.request("GET", "/?slow=1").status_code == 502
    second = gw.request("GET", "/").json()
    assert sys.modules["helper_before"] is helper_before  # the caller's module is kept
    assert first != second  # the function's own module was imported afresh
    for module in ("helper_before", "helper_after"):
        sys.modules.pop(module, None)


def test_process_isolation_refuses_a_handler_a_worker_cannot_import_by_name() -> None:
    def closure(event: Any, context: Any) -> Any:
        return _json()

    with pytest.raises(ConfigurationError, match=r"not a module-level function.*code_uri"):
        Gateway(closure, isolation="process")
