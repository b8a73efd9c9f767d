"""What the command prints when something is wrong: one line saying what and what to do, curl's exit
codes, never a Python traceback. Every case runs the real command in a subprocess."""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator import __version__
from apigw_emulator.cli import EXIT_BIND_ERROR, EXIT_USAGE, EXIT_WRITE_ERROR

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
SEVERAL_FUNCTIONS = ROOT / "tests" / "template" / "data" / "http_api.yaml"
JPEG = ROOT / "fixtures" / "images" / "photo-400x600.jpg"
COMMAND = [sys.executable, "-m", "apigw_emulator"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def one_line_failure(done: subprocess.CompletedProcess[str], code: int) -> str:
    """The single stderr line of a failed run, after checking its exit code and that nothing else came."""
    assert "Traceback" not in done.stderr
    assert done.returncode == code, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("apigw-emulator: ")
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder of handlers, each broken in its own way."""
    (tmp_path / "syntax.py").write_text("def handler(event, context):\n    return {\n", encoding="utf-8")
    (tmp_path / "dependency.py").write_text(
        "import numpyy_not_installed\n\ndef handler(event, context):\n    return {}\n", encoding="utf-8"
    )
    (tmp_path / "environment.py").write_text(
        "import os\n\nTABLE = os.environ['APIGW_TEST_TABLE']\n\n"
        "def handler(event, context):\n    return {}\n",
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.parametrize("command", ["serve", "invoke"])
def test_a_syntax_error_in_the_handler_names_file_and_line(project: Path, command: str) -> None:
    args = [command, "syntax.handler", *(["/"] if command == "invoke" else []), "--code-uri", str(project)]
    line = one_line_failure(run(*args), EXIT_USAGE)
    assert f"SyntaxError in {project / 'syntax.py'}, line 2" in line
    assert line.endswith("fix it and try again")


def test_a_missing_dependency_of_the_handler_names_the_module(project: Path) -> None:
    line = one_line_failure(run("serve", "dependency.handler", "--code-uri", str(project)), EXIT_USAGE)
    assert "needs the module 'numpyy_not_installed', which is not installed here" in line
    assert "Lambda's Python runtime provides only the standard library and boto3/botocore" in line
    assert "must be in the function's code folder (CodeUri" in line
    assert "or in one of its layers" in line


def test_an_exception_at_import_time_names_itself_and_its_line(project: Path) -> None:
    line = one_line_failure(run("invoke", f"{project / 'environment.py'}:handler", "/"), EXIT_USAGE)
    assert "raised KeyError: 'APIGW_TEST_TABLE'" in line
    assert f"({project / 'environment.py'}, line 3)" in line


def test_a_missing_code_uri_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "functionn"
    line = one_line_failure(run("serve", "app.lambda_handler", "--code-uri", str(missing)), EXIT_USAGE)
    assert f"the code directory {missing} does not exist" in line
    assert "No module named" not in line
    assert "--code-uri DIR" in line


def test_a_module_not_found_asks_for_code_uri(tmp_path: Path) -> None:
    line = one_line_failure(run("invoke", "app.lambda_handler", "/", cwd=tmp_path), EXIT_USAGE)
    assert "cannot import 'app' (give its folder: --code-uri DIR)" in line


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def test_a_port_in_use_exits_45_naming_the_port(busy_port: int) -> None:
    done = run("serve", "--template", str(TEMPLATE), "--api", "http", "--port", str(busy_port))
    line = one_line_failure(done, EXIT_BIND_ERROR)
    assert f"port {busy_port} on 127.0.0.1 is already in use" in line
    assert "--port" in line


def test_a_host_that_is_not_ours_exits_45() -> None:
    done = run("serve", "--template", str(TEMPLATE), "--api", "http", "--host", "192.0.2.1", "--port", "0")
    assert "'192.0.2.1' is not an address of this machine: check --host" in one_line_failure(
        done, EXIT_BIND_ERROR
    )


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(port: str) -> None:
    done = run("serve", "app.lambda_handler", "--port", port)
    assert "Traceback" not in done.stderr
    assert done.returncode == 2
    assert re.search(r"argument -p/--port: .* is not a port number", done.stderr.splitlines()[-1])


def test_a_closed_output_pipe_exits_23_without_a_traceback(tmp_path: Path) -> None:
    body = tmp_path / "body.bin"
    body.write_bytes(bytes(range(256)) * 2000)  # an event far larger than the pipe's buffer
    process = subprocess.Popen(
        [*COMMAND, "event", "/x", "--api", "http", "--data-binary", f"@{body}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.read(10)  # `| head -c 10`
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == EXIT_WRITE_ERROR
    assert "Traceback" not in stderr
    assert stderr == "apigw-emulator: the output was closed before it was all written (a pipe to head?)\n"


def test_an_unwritable_output_file_exits_23(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.bin"
    done = run(
        "invoke", "/shape", "-X", "POST", "--template", str(TEMPLATE), "--api", "rest", "-o", str(target)
    )
    assert "can't write the body to" in one_line_failure_after_response(done, EXIT_WRITE_ERROR)


def one_line_failure_after_response(done: subprocess.CompletedProcess[str], code: int) -> str:
    """Like :func:`one_line_failure`, for a run that printed the response head on stdout first."""
    assert done.stdout.startswith("HTTP/1.1 ")
    return one_line_failure(done, code)


def test_several_apis_name_the_flags_not_keywords() -> None:
    line = one_line_failure(run("event", "/x", "--template", str(TEMPLATE)), EXIT_USAGE)
    assert "the template has several APIs" in line
    assert "choose one with --template-api ID" in line
    assert "template_api=" not in line
    assert "api=..." not in line


def test_several_functions_name_the_function_flag() -> None:
    done = run("event", "/x", "--template", str(SEVERAL_FUNCTIONS), "--template-api", "ShopApi")
    line = one_line_failure(done, EXIT_USAGE)
    assert "go to several functions (OrdersV1Function, DefaultFunction)" in line
    assert line.endswith("choose one with --function ID")


def test_an_image_function_asks_for_a_handler_argument(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      PackageType: Image\n      ImageUri: fn:latest\n"
        "      Events:\n        Get: {Type: HttpApi}\n",
        encoding="utf-8",
    )
    line = one_line_failure(run("invoke", "/", "--template", str(template)), EXIT_USAGE)
    assert "give your own handler as the HANDLER argument" in line
    assert "Gateway(" not in line


def test_event_does_not_import_the_templates_handler(tmp_path: Path) -> None:
    (tmp_path / "function").mkdir()
    (tmp_path / "function" / "app.py").write_text("import not_installed_anywhere\n", encoding="utf-8")
    shutil.copy(TEMPLATE, tmp_path / "template.yaml")
    done = run("event", "/shape", "-X", "POST", "--template", "template.yaml", "--api", "http", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["routeKey"] == "POST /{proxy+}"
    # invoke of a route of the function needs the handler (imported at its init), and says why it cannot
    # have it; a request no route matches is answered without an init, as on AWS
    line = one_line_failure(
        run("invoke", "/shape", "-X", "POST", "--template", "template.yaml", "--api", "http", cwd=tmp_path),
        2,
    )
    assert "needs the module 'not_installed_anywhere'" in line


def test_template_choices_without_a_template_say_so() -> None:
    line = one_line_failure(run("event", "/", "--template-api", "ImageRestApi"), EXIT_USAGE)
    assert "give it with --template FILE" in line


def test_version() -> None:
    done = run("--version")
    assert (done.returncode, done.stdout) == (0, f"apigw-emulator {__version__}\n")


def multipart_part_headers(event_json: str) -> list[str]:
    """The header lines of each part of the multipart body of an HTTP API event."""
    body = base64.b64decode(json.loads(event_json)["body"]).decode("latin-1")
    return re.findall(r"Content-Disposition: [^\r]*\r\n(?:Content-Type: [^\r]*)?", body)


@pytest.mark.parametrize(
    ("name", "option", "content_type"),
    [
        ("cat.jpg", "", "image/jpeg"),
        ("CAT.JPEG", "", "image/jpeg"),
        ("scan.png", "", "image/png"),
        ("notes.txt", "", "text/plain"),
        ("blob.bin", "", "application/octet-stream"),
        ("cat.jpg", ";type=image/webp", "image/webp"),
    ],
)
def test_form_files_are_labelled_as_curl_labels_them(
    tmp_path: Path, name: str, option: str, content_type: str
) -> None:
    (tmp_path / name).write_bytes(JPEG.read_bytes())
    done = run("event", "/shape", "--api", "http", "-F", f"image=@{tmp_path / name}{option}")
    assert done.returncode == 0, done.stderr
    (part,) = multipart_part_headers(done.stdout)
    assert part.endswith(f"Content-Type: {content_type}")
    assert f'filename="{name}"' in part


def test_a_plain_form_field_has_no_content_type() -> None:
    done = run("event", "/shape", "--api", "http", "-F", "size=small")
    (part,) = multipart_part_headers(done.stdout)
    assert part == 'Content-Disposition: form-data; name="size"\r\n'


def test_the_banner_says_a_configured_concurrency_limit_throttles() -> None:
    lines = banner("function/app.py:lambda_handler", "--max-concurrency", "3")
    assert lines[-1].endswith("(bootstrap, max concurrency 3: more requests are throttled)"), lines


def banner(*args: str) -> list[str]:
    """The lines ``serve`` prints once it listens (it is stopped right after)."""
    process = subprocess.Popen(
        [*COMMAND, "serve", *args, "--port", "0", "--no-reload"], cwd=ROOT, stderr=subprocess.PIPE
    )
    try:
        assert process.stderr is not None
        received = b""
        while True:  # 30 s for the banner, then until the output is quiet
            ready, _, _ = select.select([process.stderr], [], [], 0.5 if received else 30)
            chunk = os.read(process.stderr.fileno(), 65536) if ready else b""
            if not chunk:
                break
            received += chunk
        return received.decode().splitlines()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


@pytest.mark.parametrize(
    ("args", "front_door"),
    [
        (["--template", str(TEMPLATE), "--api", "http"], "HTTP API (payload 2.0)"),
        (["--template", str(TEMPLATE), "--template-api", "ImageRestApi"], "REST API (payload 1.0)"),
        (["function/app.py:lambda_handler", "--api", "function-url"], "Lambda function URL"),
    ],
)
def test_the_banner_names_the_front_door_and_its_routes(args: list[str], front_door: str) -> None:
    lines = banner(*args)
    assert lines, "serve printed nothing"
    assert re.fullmatch(
        rf"apigw-emulator: serving the {re.escape(front_door)} on http://127\.0\.0\.1:\d+/", lines[0]
    )
    # A function URL has no routes: every method and path reaches the function.
    assert lines[1:-1] == (["  POST /{proxy+}", "  OPTIONS /{proxy+}"] if "--template" in args else [])
    # Then how the function runs: serve's default is a worker process per execution environment.
    # Without a concurrency limit nothing is throttled: the banner says how many environments it keeps.
    assert re.fullmatch(
        r"  function \S+ runs in worker processes \(bootstrap, 10 environments kept; more requests wait "
        r"for one\)",
        lines[-1],
    )
