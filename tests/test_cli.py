"""The ``apigw-emulator`` command: curl-like requests, events, invocations and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apigw_emulator.cli import EXIT_HTTP_ERROR, EXIT_READ_ERROR, main

HANDLER = """
import base64, json

def handler(event, context):
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event["isBase64Encoded"] else body.encode()
    method = event.get("httpMethod") or event["requestContext"]["http"]["method"]
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"n": len(raw), "method": method})}

def image(event, context):
    png = base64.b64encode(b"\\x89PNG\\x00").decode()
    return {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": png, "isBase64Encoded": True}

def boom(event, context):
    raise ValueError("broken handler")
"""


@pytest.fixture
def handler_file(tmp_path: Path) -> Path:
    path = tmp_path / "lambda_app.py"
    path.write_text(HANDLER)
    return path


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def test_event_prints_the_event_of_a_binary_upload(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    image = tmp_path / "cat.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0binary")
    code, out, _ = run(
        capsysbinary,
        "event",
        "/shape?x=1",
        "-H",
        "Content-Type: image/jpg",
        "--data-binary",
        f"@{image}",
        "--binary-media-type",
        "image~1*",
    )
    event = json.loads(out)
    assert code == 0
    assert (event["httpMethod"], event["path"], event["isBase64Encoded"]) == ("POST", "/shape", True)
    assert event["queryStringParameters"] == {"x": "1"}


def test_event_keeps_repeated_headers_in_order(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(
        capsysbinary, "event", "/", "-H", "X-Probe: first", "-H", "x-probe: second", "--api", "http"
    )
    assert code == 0
    assert json.loads(out)["headers"]["x-probe"] == "first,second"


def test_form_upload_replaces_a_content_type_without_boundary(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    image = tmp_path / "cat.jpg"
    image.write_bytes(b"\xff\xd8\xff")
    code, out, _ = run(
        capsysbinary,
        "event",
        "/shape",
        "-H",
        "Content-Type: multipart/form-data",
        "-F",
        f"image=@{image};type=image/jpeg",
        "--api",
        "http",
    )
    event = json.loads(out)
    assert code == 0
    assert event["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert event["isBase64Encoded"] is True


def test_invoke_prints_the_response_like_curl_i(
    capsysbinary: pytest.CaptureFixture[bytes], handler_file: Path
) -> None:
    code, out, _ = run(capsysbinary, "invoke", f"{handler_file}:handler", "/x", "-d", "a=1", "--api", "http")
    head, _, body = out.partition("\r\n\r\n")
    assert code == 0
    assert head.splitlines()[0] == "HTTP/1.1 200 OK"
    assert "apigw-requestid: " in head
    assert json.loads(body) == {"n": 3, "method": "POST"}


def test_invoke_sam_style_handler_with_code_uri(
    capsysbinary: pytest.CaptureFixture[bytes], handler_file: Path
) -> None:
    code, out, _ = run(
        capsysbinary,
        "invoke",
        "lambda_app.handler",
        "/x",
        "--code-uri",
        str(handler_file.parent),
        "-X",
        "PUT",
    )
    assert code == 0
    assert '"method": "PUT"' in out


def test_invoke_binary_body_goes_to_a_file(
    capsysbinary: pytest.CaptureFixture[bytes], handler_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.png"
    code, _, err = run(
        capsysbinary, "invoke", f"{handler_file}:image", "/x", "--api", "http", "-o", str(target)
    )
    assert code == 0
    assert target.read_bytes() == b"\x89PNG\x00"
    assert "wrote 5 body bytes" in err


def test_invoke_does_not_dump_binary_to_the_terminal(
    capsysbinary: pytest.CaptureFixture[bytes], handler_file: Path
) -> None:
    code, out, err = run(capsysbinary, "invoke", f"{handler_file}:image", "/x", "--api", "http")
    assert code == 0
    assert "PNG" not in out
    assert "use -o FILE" in err


def test_fail_exits_22_on_http_errors_and_shows_the_traceback(
    capsysbinary: pytest.CaptureFixture[bytes], handler_file: Path
) -> None:
    code, out, err = run(capsysbinary, "invoke", f"{handler_file}:boom", "/x", "--fail")
    assert code == EXIT_HTTP_ERROR
    assert out.startswith("HTTP/1.1 502 Bad Gateway")
    assert "ValueError: broken handler" in err
    assert "GatewayErrorWarning" in err


def test_unreadable_data_file_exits_26(
    capsysbinary: pytest.CaptureFixture[bytes], handler_file: Path, tmp_path: Path
) -> None:
    code, _, err = run(
        capsysbinary, "invoke", f"{handler_file}:handler", "/x", "--data-binary", f"@{tmp_path / 'missing'}"
    )
    assert code == EXIT_READ_ERROR
    assert "can't read data from file" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["invoke", "missing_module.handler", "/x"], "cannot import 'missing_module'"),
        (["invoke", "nodot", "/x"], "expected 'module.function'"),
        (["event", "/x", "-H", "no colon"], "expected 'Name: value'"),
        (["event", "/x", "--api", "http", "--binary-media-type", "image/png"], "only applies to REST"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    capsysbinary: pytest.CaptureFixture[bytes], argv: list[str], message: str
) -> None:
    code, _, err = run(capsysbinary, *argv)
    assert code == 2
    assert message in err


def test_usage_errors_follow_argparse(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["event"])
    assert info.value.code == 2
    assert b"the following arguments are required: PATH" in capsysbinary.readouterr().err


def test_python_dash_m_runs_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "apigw_emulator", "--help"], capture_output=True, text=True, check=True
    )
    assert "event" in result.stdout
    assert "invoke" in result.stdout
    assert "serve" in result.stdout


ROOT_TEMPLATE = Path(__file__).resolve().parent.parent / "template.yaml"


def test_invoke_with_the_project_template(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    image = Path(__file__).resolve().parent.parent / "fixtures" / "images" / "photo-400x600.jpg"
    code, out, _ = run(
        capsysbinary,
        "invoke",
        "/shape",
        "--template",
        str(ROOT_TEMPLATE),
        "--template-api",
        "ImageRestApi",
        "-H",
        "Content-Type: image/jpg",
        "--data-binary",
        f"@{image}",
    )
    assert code == 0
    assert out.endswith("[600, 400, 3]\n")


def test_api_chooses_among_the_template_apis(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(
        capsysbinary, "event", "/shape", "-X", "POST", "--template", str(ROOT_TEMPLATE), "--api", "http"
    )
    assert code == 0
    assert json.loads(out)["version"] == "2.0"
