"""Process execution environments with the emulator's runtime: Lambda's lifecycle, variables, paths,
errors and limits, in real worker processes over real sockets."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from apigw_emulator import Gateway, invocation_of
from apigw_emulator.runtime.model import InvokeOutcome
from apigw_emulator.runtime.process import MAX_LINE, MAX_LOG_BYTES, ProcessEnvironment

from .conftest import ACCOUNT, REGION, TRACE_ID, Environments, result_json

STATE = """
import os, threading
INITS = 0
INITS += 1
CALLS = 0

def handler(event, context):
    global CALLS
    CALLS += 1
    return {
        "inits": INITS,
        "calls": CALLS,
        "pid": os.getpid(),
        "main_thread": threading.current_thread() is threading.main_thread(),
    }
"""


def process_exists(pid: int) -> bool:
    """Whether ``pid`` is a live process: not a zombie whose threads have all ended."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            zombie = stat.read().rsplit(")", 1)[1].split()[0] == "Z"
        return not zombie or len(os.listdir(f"/proc/{pid}/task")) > 1
    except FileNotFoundError:
        return False


def test_init_runs_once_per_environment_and_the_handler_runs_on_its_main_thread(
    environments: Environments,
) -> None:
    environment = environments(STATE)
    outcomes = [environments.invoke(environment) for _ in range(3)]
    results = [result_json(outcome) for outcome in outcomes]
    assert [r["inits"] for r in results] == [1, 1, 1]
    assert [r["calls"] for r in results] == [1, 2, 3]
    assert all(r["main_thread"] for r in results)
    assert {r["pid"] for r in results} == {environment.pid}
    assert environment.pid != os.getpid()
    assert outcomes[0].init_duration is not None
    assert outcomes[0].init_duration > 0
    assert [o.init_duration for o in outcomes[1:]] == [None, None]
    assert all(o.max_memory_mb and o.max_memory_mb > 1 for o in outcomes)


def test_signal_handlers_and_asyncio_work_in_a_handler(environments: Environments) -> None:
    environment = environments(
        """
        import asyncio, os, signal
        received = []
        signal.signal(signal.SIGUSR1, lambda signum, frame: received.append(signum))

        async def answer():
            await asyncio.sleep(0)
            return 42

        def handler(event, context):
            previous = signal.signal(signal.SIGUSR2, lambda signum, frame: received.append(signum))
            os.kill(os.getpid(), signal.SIGUSR1)
            os.kill(os.getpid(), signal.SIGUSR2)
            return {"received": received, "answer": asyncio.run(answer()), "previous": str(previous)}
        """
    )
    result = result_json(environments.invoke(environment))
    assert result["received"] == [signal.SIGUSR1, signal.SIGUSR2]
    assert result["answer"] == 42


VARIABLES = """
import os
AT_IMPORT = {key: os.environ.get(key) for key in ("STAGE", "AWS_LAMBDA_FUNCTION_NAME", "TZ")}

def handler(event, context):
    return {"environ": dict(os.environ), "at_import": AT_IMPORT}
"""


def test_lambda_variables_and_the_functions_own(environments: Environments) -> None:
    environment = environments(
        VARIABLES,
        environment={"STAGE": "test", "LANG": "C.UTF-8"},
        name="orders",
        memory_size=512,
    )
    environ = result_json(environments.invoke(environment))["environ"]
    task_root = str(environment.task_root)
    expected = {
        "STAGE": "test",
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "_HANDLER": "app.handler",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
        "AWS_LAMBDA_FUNCTION_NAME": "orders",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/orders",
        "AWS_LAMBDA_LOG_STREAM_NAME": environment.log_stream,
        "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "_X_AMZN_TRACE_ID": TRACE_ID,
    }
    assert {key: environ.get(key) for key in expected} == expected
    assert environ["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    assert "_APIGW_EMULATOR_WATCH_STDIN" not in environ
    assert "_APIGW_EMULATOR_RUNTIME_FD" not in environ
    assert environment.log_stream.startswith(time.strftime("%Y/%m/%d/[$LATEST]", time.gmtime()))


def test_variables_are_in_place_at_import(environments: Environments) -> None:
    environment = environments(VARIABLES, environment={"STAGE": "prod"}, name="orders")
    at_import = result_json(environments.invoke(environment))["at_import"]
    assert at_import == {"STAGE": "prod", "AWS_LAMBDA_FUNCTION_NAME": "orders", "TZ": ":UTC"}


def test_the_trace_id_is_set_per_invocation(environments: Environments) -> None:
    environment = environments(VARIABLES)
    first = result_json(environments.invoke(environment, trace_id="Root=1-a"))["environ"]
    second = result_json(environments.invoke(environment, trace_id=None))["environ"]
    third = result_json(environments.invoke(environment, trace_id="Root=1-c"))["environ"]
    assert first["_X_AMZN_TRACE_ID"] == "Root=1-a"
    assert "_X_AMZN_TRACE_ID" not in second
    assert third["_X_AMZN_TRACE_ID"] == "Root=1-c"


def test_task_root_is_the_cwd_and_first_on_sys_path_then_the_layers(
    environments: Environments, tmp_path: Path
) -> None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    first = tmp_path / "layer-one"
    second = tmp_path / "layer-two"
    (first / "python").mkdir(parents=True)
    (first / "python" / "shared_lib.py").write_text("WHERE = 'layer one'\n")
    (second / "python" / "lib" / version / "site-packages").mkdir(parents=True)
    (second / "python" / "lib" / version / "site-packages" / "shared_lib.py").write_text("WHERE = 'two'\n")
    environment = environments(
        """
        import os, sys, importlib.util
        import shared_lib

        def handler(event, context):
            return {
                "cwd": os.getcwd(),
                "path": sys.path,
                "task_root": os.environ["LAMBDA_TASK_ROOT"],
                "shared": shared_lib.WHERE,
                "runtime_modules": [
                    name for name in ("runtime_api", "model", "process", "_bootstrap")
                    if importlib.util.find_spec(name) is not None
                ],
            }
        """,
        layers=[first, second],
    )
    result = result_json(environments.invoke(environment))
    task_root = str(environment.task_root)
    assert result["cwd"] == task_root == result["task_root"]
    assert result["path"][:5] == [
        task_root,
        str(second / "python" / "lib" / version / "site-packages"),
        str(second / "python"),
        str(first / "python" / "lib" / version / "site-packages"),
        str(first / "python"),
    ]
    assert result["shared"] == "two"  # the later layer wins, as files of later layers do in /opt
    assert result["runtime_modules"] == []  # the runtime's own folder is not on sys.path


def test_a_timeout_kills_the_worker_and_a_new_environment_inits_afresh(environments: Environments) -> None:
    source = """
        import time
        STATE = []

        def handler(event, context):
            STATE.append(event["n"])
            if event.get("sleep"):
                time.sleep(event["sleep"])
            return {"state": STATE}
        """
    environment = environments(source, timeout=0.5)
    assert result_json(environments.invoke(environment, {"n": 1}))["state"] == [1]
    pid = environment.pid
    assert pid is not None
    started = time.monotonic()
    outcome = environments.invoke(environment, {"n": 2, "sleep": 30})
    elapsed = time.monotonic() - started
    assert outcome.kind == "timeout"
    assert 0.5 <= outcome.duration < elapsed
    assert elapsed < 10  # killed at its deadline, not when the handler would have finished (30 s)
    assert not environment.alive
    assert environment.pid is None
    assert not process_exists(pid)
    with pytest.raises(RuntimeError):
        environments.invoke(environment, {"n": 3})
    fresh = environments(task_root=environment.task_root, timeout=0.5)
    outcome = environments.invoke(fresh, {"n": 3})
    assert result_json(outcome)["state"] == [3]  # the state of the killed environment is gone
    assert outcome.init_duration is not None


def test_the_timeout_counts_from_the_hand_over_not_from_the_start_of_init(environments: Environments) -> None:
    environment = environments(
        """
        import time
        time.sleep(0.6)

        def handler(event, context):
            return {"left": context.get_remaining_time_in_millis()}
        """,
        timeout=0.5,
    )
    outcome = environments.invoke(environment)
    assert outcome.init_duration is not None
    assert outcome.init_duration >= 0.6
    assert 300 < result_json(outcome)["left"] <= 500


def test_an_init_over_its_budget_times_out(environments: Environments) -> None:
    environment = environments("import time\ntime.sleep(30)\n", init_timeout=0.3)
    outcome = environments.invoke(environment)
    assert (outcome.kind, outcome.init_error) == ("timeout", True)
    assert outcome.init_duration is not None
    assert outcome.init_duration >= 0.3
    assert environment.pid is None


IMPORT_ERROR = "import no_such_dependency\n\ndef handler(event, context):\n    return 1\n"
SYNTAX_ERROR = "def handler(event, context):\n    return {'unclosed': [1, 2}\n"


def test_a_missing_module_is_runtime_import_module_error(environments: Environments) -> None:
    environment = environments(IMPORT_ERROR)
    outcome = environments.invoke(environment)
    assert (outcome.kind, outcome.init_error) == ("error", True)
    assert outcome.error == {
        "errorMessage": "Unable to import module 'app': No module named 'no_such_dependency'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }
    assert outcome.init_duration is not None
    assert environment.pid is None
    assert environment.alive


def test_a_syntax_error_is_runtime_user_code_syntax_error(environments: Environments) -> None:
    environment = environments(SYNTAX_ERROR)
    outcome = environments.invoke(environment)
    assert outcome.init_error
    assert outcome.error is not None
    assert outcome.error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert outcome.error["errorMessage"].startswith("Syntax error in module 'app': ")
    path = environment.task_root / "app.py"
    (trace,) = outcome.error["stackTrace"]
    assert trace.startswith(f'  File "{path}" Line 2\n    ')
    assert "return {'unclosed': [1, 2}" in trace


def test_a_missing_handler_is_runtime_handler_not_found(environments: Environments) -> None:
    environment = environments("def other(event, context):\n    return 1\n")
    outcome = environments.invoke(environment)
    assert outcome.error == {
        "errorMessage": "Handler 'handler' missing on module 'app'",
        "errorType": "Runtime.HandlerNotFound",
        "requestId": "",
        "stackTrace": [],
    }


def test_after_an_init_error_the_next_invocation_inits_again(environments: Environments) -> None:
    environment = environments(IMPORT_ERROR)
    assert environments.invoke(environment).init_error
    (environment.task_root / "app.py").write_text("def handler(event, context):\n    return 'fixed'\n")
    outcome = environments.invoke(environment)
    assert result_json(outcome) == "fixed"
    assert outcome.init_duration is not None


def test_an_exception_at_import_is_reported_under_its_own_type(environments: Environments) -> None:
    environment = environments("raise KeyError('CONFIG')\n")
    outcome = environments.invoke(environment)
    assert outcome.error is not None
    assert (outcome.error["errorType"], outcome.error["errorMessage"]) == ("KeyError", "'CONFIG'")
    assert outcome.error["stackTrace"][-1] == (
        f"  File \"{environment.task_root / 'app.py'}\", line 1, in <module>\n    raise KeyError('CONFIG')\n"
    )


def test_a_raised_exception_gives_the_runtimes_error_document(environments: Environments) -> None:
    environment = environments(
        """
        def helper():
            raise ValueError("the order is invalid")

        def handler(event, context):
            helper()
        """
    )
    request = environments.request(environment, request_id="4c8a2f4e-0000-4000-8000-000000000001")
    outcome = environment.invoke(request)
    path = environment.task_root / "app.py"
    assert outcome.kind == "error"
    assert not outcome.init_error
    assert outcome.error == {
        "errorMessage": "the order is invalid",
        "errorType": "ValueError",
        "requestId": "4c8a2f4e-0000-4000-8000-000000000001",
        "stackTrace": [
            f'  File "{path}", line 6, in handler\n    helper()\n',
            f'  File "{path}", line 3, in helper\n    raise ValueError("the order is invalid")\n',
        ],
    }
    assert "[ERROR] ValueError: the order is invalid\rTraceback (most recent call last):" in "\n".join(
        environments.lines
    )
    assert environments.invoke(environment).kind == "error"  # still warm: the runtime goes on
    assert environment.alive


MARSHAL = """
import decimal, collections
Point = collections.namedtuple("Point", "x y")
VALUES = {
    "bytes": b"\\x89PNG raw",
    "set": {1},
    "decimal": {"price": decimal.Decimal("19.990000000000000001"), "nan": decimal.Decimal("NaN")},
    "namedtuple": [Point(1, 2)],
    "nan": float("nan"),
    "text": "caf\\u00e9 \\u2603",
    "bytes_inside": {"body": b"abc"},
}

def handler(event, context):
    return VALUES[event["kind"]]
"""


def test_results_are_encoded_with_the_runtimes_json_rules(environments: Environments) -> None:
    environment = environments(MARSHAL)

    def result(kind: str) -> InvokeOutcome:
        return environments.invoke(environment, {"kind": kind})

    raw = result("bytes")
    assert (raw.kind, raw.result) == ("result", b"\x89PNG raw")
    failure = result("set")
    assert failure.error == {
        "errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
        "errorType": "Runtime.MarshalError",
        "requestId": failure.error["requestId"] if failure.error else None,
        "stackTrace": [],
    }
    assert result("decimal").result == b'{"price": 19.990000000000000001, "nan": NaN}'
    assert result("namedtuple").result == b'[{"x": 1, "y": 2}]'
    assert result("nan").result == b"NaN"
    assert result("bytes_inside").result == b'{"body": "abc"}'
    ascii_only = sys.version_info < (3, 12)
    expected = '"caf\\u00e9 \\u2603"' if ascii_only else '"café ☃"'
    assert result("text").result == expected.encode()


def test_a_result_over_6_mb_fails_with_function_response_size_too_large(environments: Environments) -> None:
    environment = environments(
        """
        def handler(event, context):
            return "x" * event["size"]
        """
    )
    outcome = environments.invoke(environment, {"size": 7 * 1024 * 1024})
    assert outcome.kind == "error"
    assert outcome.error == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    size = 6291556 - 2  # with its quotes, exactly the limit
    outcome = environments.invoke(environment, {"size": size})
    assert outcome.kind == "result"
    assert outcome.result == b'"' + b"x" * size + b'"'


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("os._exit(1)", "Runtime exited with error: exit status 1"),
        ("sys.exit(3)", "Runtime exited with error: exit status 3"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "Runtime exited with error: signal: killed"),
    ],
)
def test_a_worker_that_exits_mid_invocation_gives_runtime_exit_error(
    environments: Environments, code: str, reason: str
) -> None:
    environment = environments(f"import os, signal, sys\n\ndef handler(event, context):\n    {code}\n")
    request = environments.request(environment, request_id="c0ffee00-0000-4000-8000-000000000001")
    pid_before = None
    outcome = environment.invoke(request)
    assert outcome.kind == "error"
    assert outcome.error == {
        "errorMessage": f"RequestId: c0ffee00-0000-4000-8000-000000000001 Error: {reason}",
        "errorType": "Runtime.ExitError",
    }
    assert not environment.alive
    assert environment.pid is pid_before
    assert environments.lines[-2:] == [outcome.error["errorMessage"], "Runtime.ExitError"]


def test_handler_output_is_forwarded_line_by_line(environments: Environments) -> None:
    environment = environments(
        """
        import logging, sys
        print("at import")
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)

        def handler(event, context):
            print("first line\\nsecond line")
            print("to stderr", file=sys.stderr)
            sys.stdout.write("no newline")
            logger.info("a log record")
            return 1
        """
    )
    request = environments.request(environment, request_id="aaaaaaaa-0000-4000-8000-000000000001")
    environment.invoke(request)
    lines = environments.lines
    assert lines[:4] == ["at import", "first line", "second line", "to stderr"]
    assert lines[4].startswith("no newline[INFO]\t")
    assert lines[4].endswith("Z\taaaaaaaa-0000-4000-8000-000000000001\ta log record")
    environments.invoke(environment)
    assert len(lines) == 9


def test_output_written_just_before_the_answer_is_in_the_log_when_the_invocation_returns(
    environments: Environments, runtime_client: str
) -> None:
    # The pipe is read after the answer only when the wait that brought the answer saw it readable: a
    # line the handler wrote last, right before the runtime answered, must still be there, every time.
    environment = environments(
        """
        import sys

        def handler(event, context):
            sys.stdout.write(f"line {event['n']}\\n")
            return event["n"]
        """,
        runtime_client=runtime_client,
    )
    for n in range(150):
        outcome = environments.invoke(environment, {"n": n})
        assert result_json(outcome) == n
        assert environments.lines[-1] == f"line {n}"
    assert [line for line in environments.lines if line.startswith("line ")] == [
        f"line {n}" for n in range(150)
    ]


def test_shutdown_ends_the_worker_and_is_idempotent(environments: Environments) -> None:
    environment = environments(STATE)
    environments.invoke(environment)
    pid = environment.pid
    assert pid is not None
    assert process_exists(pid)
    environment.shutdown()
    environment.shutdown()
    assert not process_exists(pid)
    assert not environment.alive
    with pytest.raises(RuntimeError):
        environments.invoke(environment)


def test_without_a_log_the_output_is_discarded(environments: Environments) -> None:
    environment = environments(
        "def handler(event, context):\n    print('x' * 100000)\n    return 1\n", log=False
    )
    for _ in range(3):
        assert result_json(environments.invoke(environment)) == 1
    assert environments.lines == []


def test_peak_memory_follows_the_worker(environments: Environments) -> None:
    environment = environments(
        """
        import time
        KEEP = []

        def handler(event, context):
            KEEP.append(bytearray(event["mb"] * 1024 * 1024))
            time.sleep(0.03)
            return 1
        """
    )
    small = environments.invoke(environment, {"mb": 0}).max_memory_mb
    large = environments.invoke(environment, {"mb": 64}).max_memory_mb
    assert small is not None
    assert large is not None
    assert large >= small + 60


ORPHAN = """
import json, sys, time
from pathlib import Path
from apigw_emulator.lambda_context import LambdaContext
from apigw_emulator.runtime.model import FunctionConfig, InvokeRequest
from apigw_emulator.runtime.model import InvokeOutcome
from apigw_emulator.runtime.process import ProcessEnvironment

root = Path(sys.argv[1])
environment = ProcessEnvironment(
    FunctionConfig(name="f", timeout=60), region="eu-west-1", account_id="123456789012",
    handler="app.handler", task_root=root,
)
def request(event):
    context = LambdaContext(aws_request_id="r", function_name="f", timeout=60)
    return InvokeRequest(event=event, context=context, trace_id=None, wait=60)
environment.invoke(request({}))
print(environment.pid, flush=True)
if sys.argv[2] == "exit":
    sys.exit(0)  # no shutdown: the atexit hook ends the worker
if sys.argv[2] == "die-busy":
    import threading
    threading.Thread(target=environment.invoke, args=(request({"sleep": 60}),), daemon=True).start()
    time.sleep(0.3)
import os, signal
os.kill(os.getpid(), signal.SIGKILL)  # no cleanup at all: the worker notices its parent is gone
"""


@pytest.mark.parametrize("how", ["exit", "die-idle", "die-busy"])
def test_workers_never_outlive_the_emulator(environments: Environments, how: str) -> None:
    root = environments.task_root(
        {"app.py": "import time\n\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n"}
    )
    script = environments.tmp_path / "emulator.py"
    script.write_text(ORPHAN)
    completed = subprocess.run(
        [sys.executable, str(script), str(root), how], capture_output=True, text=True, timeout=30, check=False
    )
    pid = int(completed.stdout.split()[0])
    deadline = time.monotonic() + 5
    while process_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not process_exists(pid), completed.stderr


def test_the_worker_has_dev_null_as_stdin_and_no_extra_thread(environments: Environments) -> None:
    environment = environments(
        """
        import sys, threading

        def handler(event, context):
            return {"stdin": sys.stdin.read(), "threads": threading.active_count()}
        """
    )
    assert result_json(environments.invoke(environment)) == {"stdin": "", "threads": 1}


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    return inodes


def _inodes_of(table: str) -> set[int]:
    """The socket inodes of ``/proc/net/<table>`` (``unix``, ``tcp``, ``tcp6``)."""
    with open(f"/proc/net/{table}") as lines:
        header = next(lines).split()
        column = header.index("Inode") if table == "unix" else header.index("inode") - 2
        return {int(line.split()[column]) for line in lines}


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc (Linux)")
def test_the_emulators_runtime_speaks_over_a_unix_socket_pair_its_subprocesses_do_not_get(
    environments: Environments,
) -> None:
    """Rule: the emulator's own runtime talks to the Runtime API over the socket pair it was started
    with (loopback TCP costs the sender the whole TCP receive path, twice an invocation); nothing of it
    is left to the handler: no variable, and no descriptor in the processes the handler starts."""
    environment = environments(
        """
        import os, subprocess, sys

        def handler(event, context):
            child = subprocess.run(
                [sys.executable, "-c", "import os; print(sorted(os.listdir('/proc/self/fd')))"],
                capture_output=True, text=True, check=True,
            )
            return {"child_fds": child.stdout.strip(), "pid": os.getpid()}
        """
    )
    for _ in range(2):
        result = result_json(environments.invoke(environment))
    assert result["child_fds"] in ("['0', '1', '2', '3']", "['0', '1', '2']")
    sockets = _socket_inodes(result["pid"])
    assert len(sockets) == 1
    assert sockets <= _inodes_of("unix")
    assert not sockets & (_inodes_of("tcp") | _inodes_of("tcp6"))


def test_awslambdaric_name_or_custom_command_are_the_choices(environments: Environments) -> None:
    environment = ProcessEnvironment(
        environments(STATE).function,
        region=REGION,
        account_id=ACCOUNT,
        handler="app.handler",
        task_root=Path("."),
        runtime_client="./bootstrap --flag",
    )
    assert environment._command() == ["./bootstrap", "--flag"]
    environment.runtime_client = "awslambdaric"
    assert environment._command()[-1] == "app.handler"
    environment.runtime_client = Path("/opt/my runtime/bootstrap")
    assert environment._command() == ["/opt/my runtime/bootstrap"]


def test_shutdown_during_an_invocation_ends_it(environments: Environments) -> None:
    environment = environments("import time\n\ndef handler(event, context):\n    time.sleep(30)\n")
    outcomes: list[InvokeOutcome] = []
    thread = threading.Thread(target=lambda: outcomes.append(environments.invoke(environment)))
    thread.start()
    deadline = time.monotonic() + 10
    while environment.pid is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    environment.shutdown()
    thread.join(10)
    assert not thread.is_alive()
    (outcome,) = outcomes
    assert outcome.kind == "error"
    assert outcome.error is not None
    assert outcome.error["errorMessage"].endswith("Error: Runtime exited with error: signal: killed")


def test_a_worker_gone_between_invocations_is_replaced_by_a_fresh_one(environments: Environments) -> None:
    environment = environments(STATE)
    first = result_json(environments.invoke(environment))
    stream = environment.log_stream
    os.kill(first["pid"], signal.SIGKILL)
    # Until it can be reaped (left for the environment to reap): its threads end after its main thread.
    os.waitid(os.P_PID, first["pid"], os.WEXITED | os.WNOWAIT)
    outcome = environments.invoke(environment)
    second = result_json(outcome)
    assert second["pid"] != first["pid"]
    assert (second["inits"], second["calls"]) == (1, 1)
    assert outcome.init_duration is not None
    assert environment.log_stream != stream  # a new sandbox, a new log stream


FORKS = """
import os, time
CALLS = 0

def handler(event, context):
    global CALLS
    CALLS += 1
    if event and event.get("fork"):
        if os.fork() == 0:  # a child that outlives the invocation, holding every descriptor it inherited
            time.sleep(60)
            os._exit(0)
    return {"calls": CALLS, "pid": os.getpid()}
"""


def test_a_worker_gone_between_invocations_is_replaced_even_when_a_forked_child_outlives_it(
    environments: Environments,
) -> None:
    """The emulator learns that a warm worker is gone when the event cannot reach it over its socket
    pair: a child the handler forked must not keep the pair open (the runtime closes it in children)."""
    environment = environments(FORKS)
    first = result_json(environments.invoke(environment, {"fork": True}))
    os.kill(first["pid"], signal.SIGKILL)
    os.waitid(os.P_PID, first["pid"], os.WEXITED | os.WNOWAIT)
    outcome = environments.invoke(environment)
    second = result_json(outcome)
    assert second["pid"] != first["pid"]
    assert second["calls"] == 1  # a fresh init, not the failure of this invocation
    assert outcome.init_duration is not None


def test_a_worker_that_forks_is_invoked_warm_again(environments: Environments) -> None:
    environment = environments(FORKS)
    first = result_json(environments.invoke(environment, {"fork": True}))
    second = result_json(environments.invoke(environment))
    assert (second["pid"], second["calls"]) == (first["pid"], 2)


def test_the_inherited_environment_can_be_given(environments: Environments) -> None:
    inherited = {"PATH": os.environ.get("PATH", ""), "FROM_THE_HOST": "1", "_X_AMZN_TRACE_ID": "stale"}
    environment = environments(VARIABLES, environ=inherited)
    environ = result_json(environments.invoke(environment, trace_id=None))["environ"]
    assert environ["FROM_THE_HOST"] == "1"
    assert "HOME" not in environ
    assert "_X_AMZN_TRACE_ID" not in environ  # never inherited: set per invocation


def test_a_workers_output_flood_is_bounded_in_the_log(environments: Environments) -> None:
    # A handler writing without end (987 MB in 3 s before the bound) gets a few MB into the server's log;
    # the rest is read and dropped, and the log says so. Lines over CloudWatch's largest event are cut.
    source = """
        import sys, time

        def handler(event, context):
            sys.stdout.write("x" * 3_000_000 + "\\n")
            line = "y" * 1000 + "\\n"
            end = time.monotonic() + 1.0
            while time.monotonic() < end:
                sys.stdout.write(line * 1000)
            sys.stdout.flush()
            return {"done": True}
        """
    environment = environments(source, timeout=10)
    assert result_json(environments.invoke(environment, {})) == {"done": True}
    assert result_json(environments.invoke(environment, {})) == {"done": True}  # the note comes first
    environment.shutdown()
    output = [line for line in environments.lines if line[:1] in ("x", "y")]
    assert max(len(line) for line in output) <= MAX_LINE
    assert sum(len(line) + 1 for line in output) <= 2 * MAX_LOG_BYTES  # two invocations' worth
    dropped = [line for line in environments.lines if "bytes of output dropped" in line]
    assert len(dropped) == 2
    assert any(line.startswith("x") and len(line) == MAX_LINE for line in output)


def test_an_event_with_non_finite_floats_deep_in_lists_reaches_the_handler_as_written(
    environments: Environments,
) -> None:
    # orjson would write NaN and infinities as null: an event holding one, however deep, goes to the
    # worker with json's rules, as the quick check of the event must find.
    environment = environments("def handler(event, context):\n    return repr(event)\n")
    deep = {"a": ["text", {"b": [1, 2.5, None, [float("nan")]]}], "c": [float("-inf")], "d": "nan"}
    assert result_json(environments.invoke(environment, deep)) == repr(deep)
    assert result_json(environments.invoke(environment, {"e": [1.5, "inf"]})) == "{'e': [1.5, 'inf']}"


def test_the_event_json_of_the_round_trip_goes_to_the_worker_as_it_is(environments: Environments) -> None:
    # The invoke step's round trip wrote the event's JSON already: the worker gets those very bytes, not
    # the event written again (here bytes that say more than the event, to tell the two apart).
    environment = environments("def handler(event, context):\n    return event\n")
    request = environments.request(environment, {"a": 1})
    request.encoded = b'{"a":1,"written":"once"}'
    assert result_json(environment.invoke(request)) == {"a": 1, "written": "once"}
    request = environments.request(environment, {"a": 1})  # without them: the event, written here
    assert result_json(environment.invoke(request)) == {"a": 1}


def test_an_event_through_a_process_gateway_is_what_the_invocation_records(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import json\n\n\ndef handler(event, context):\n"
        "    return {'statusCode': 200, 'body': json.dumps(event)}\n",
        encoding="utf-8",
    )
    with Gateway("app.handler", code_uri=tmp_path, isolation="process", binary_media_types=["*/*"]) as gw:
        for body in (b"\xff\x00 small", b"big " * 40_000):  # the round trip's own JSON, and the event's
            response = gw.request(
                "POST", "/path?q=1", data=body, headers={"Content-Type": "application/octet-stream"}
            )
            assert response.status_code == 200
            assert json.loads(response.text) == invocation_of(response).event


def test_a_big_base64_body_goes_to_the_worker_in_parts_that_are_the_events_json(tmp_path: Path) -> None:
    """Rule: the worker gets the event JSON orjson writes, byte for byte, when a big base64 body is sent
    as a part of its own (a spliced JSON): the handler sees the whole event, on REST and HTTP APIs."""
    (tmp_path / "app.py").write_text(
        "import base64, hashlib, json\n\n\ndef handler(event, context):\n"
        "    data = base64.b64decode(event['body'])\n"
        "    rest = {k: v for k, v in event.items() if k != 'body'}\n"
        "    return {'statusCode': 200, 'body': json.dumps([hashlib.sha256(data).hexdigest(), rest])}\n",
        encoding="utf-8",
    )
    body = bytes(range(256)) * 12_000  # 3 MB: over the size the event's JSON is written in one piece
    for api in ("rest", "http"):
        binary = {"binary_media_types": ["*/*"]} if api == "rest" else {}
        with Gateway("app.handler", code_uri=tmp_path, api=api, isolation="process", **binary) as gw:  # type: ignore[arg-type]
            response = gw.request("POST", "/up", data=body, headers={"Content-Type": "image/png"})
            assert response.status_code == 200, response.text
            digest, rest = json.loads(response.text)
            assert digest == hashlib.sha256(body).hexdigest()
            event = invocation_of(response).event
            assert event is not None
            assert rest == {k: v for k, v in event.items() if k != "body"}
            assert event["isBase64Encoded"] is True


def test_the_context_reads_the_functions_variables_at_each_invocation_a_handlers_change_included(
    environments: Environments,
) -> None:
    """As awslambdaric's context: ``function_name`` and the others are read from ``os.environ`` per
    invocation, so a handler that changes or removes them sees that in the next invocation's context."""
    environment = environments(
        """
        import os

        def handler(event, context):
            seen = [context.function_name, context.function_version, context.memory_limit_in_mb]
            if event.get("change"):
                os.environ["AWS_LAMBDA_FUNCTION_NAME"] = "renamed-\\u00e9"
                del os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
            return seen
        """
    )
    first = result_json(environments.invoke(environment, {"change": True}))
    second = result_json(environments.invoke(environment, {}))
    assert first[1:] == ["$LATEST", "128"]
    assert second == ["renamed-\u00e9", None, "128"]
