"""What users run in Lambda, run here: FastAPI + Mangum, Flask + apig-wsgi and Powertools, through
``gw.request``, the ``apigw`` fixture and the local server, at every front door each supports (issue #10).

Multipart uploads must arrive bit-exact: each part's SHA-256 as the application computed it is compared
with the bytes sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from apigw_emulator import Gateway
from apigw_emulator.runtime.model import Isolation
from apigw_emulator.server import LocalGateway

from .conftest import CodeFolder

APPS = Path(__file__).parent / "apps"
#: Mangum's adapter makes an event loop at import; on the main thread Python 3.12+ warns about that.
LOOP_WARNING = "ignore:There is no current event loop:DeprecationWarning"
#: The front doors Mangum and apig-wsgi support (a function URL sends payload 2.0 events).
FRONT_DOORS = ["rest", "http", "http-v1", "function-url", "alb"]


@pytest.fixture(autouse=True)
def _close_adapter_loops() -> Iterator[None]:
    """Mangum makes and sets an event loop at import when the thread has none; close the one it left on
    the main thread and start the next test with a fresh policy, as a new Lambda environment would."""
    yield
    policy = asyncio.get_event_loop_policy()
    loop = getattr(getattr(policy, "_local", None), "_loop", None)
    if loop is not None and not loop.is_running():
        loop.close()
    asyncio.set_event_loop_policy(None)


def _options(api: str) -> dict[str, Any]:
    return {"binary_media_types": ["*/*"]} if api == "rest" else {}


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 90)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _uploads() -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", ("cat.jpg", _jpeg(), "image/jpeg")),
        ("files", ("every-byte.bin", bytes(range(256)) * 64, "application/octet-stream")),
    ]


def _expected(uploads: list[tuple[str, tuple[str, bytes, str]]]) -> list[dict[str, Any]]:
    return [
        {
            "filename": name,
            "content_type": content_type,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        for _, (name, data, content_type) in uploads
    ]


def _fastapi(code_folder: CodeFolder) -> tuple[Path, str]:
    return code_folder((APPS / "fastapi_app.py").read_text(encoding="utf-8"))


# -- FastAPI + Mangum --


@pytest.mark.filterwarnings(LOOP_WARNING)
@pytest.mark.parametrize("api", FRONT_DOORS)
def test_mangum_serves_multipart_uploads_bit_exact(
    api: str, code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = _fastapi(code_folder)
    gw = Gateway(name, api=api, code_uri=folder, isolation=isolation, **_options(api))
    uploads = _uploads()
    response = gw.request("POST", "/upload", files=uploads)
    assert response.status_code == 200, response.text
    assert response.json() == {"parts": _expected(uploads)}


@pytest.mark.filterwarnings(LOOP_WARNING)
@pytest.mark.parametrize("api", FRONT_DOORS)
def test_mangum_routes_path_and_query_on_the_main_thread(
    api: str, code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = _fastapi(code_folder)
    gw = Gateway(
        name,
        api=api,
        code_uri=folder,
        isolation=isolation,
        environment={"TABLE_NAME": "orders"},
        **_options(api),
    )
    first = gw.request("GET", "/items/a%20b", params={"q": "x y"}).json()
    second = gw.request("GET", "/items/7").json()
    assert first == {
        "item_id": "a b",
        "q": "x y",
        "inits": 1,
        "main_thread": True,
        "function": "function",
        "table": "orders",
    }
    assert second["inits"] == 1


@pytest.mark.filterwarnings(LOOP_WARNING)
def test_mangum_through_the_apigw_fixture(
    apigw: Callable[..., Gateway], code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = _fastapi(code_folder)
    gw = apigw(name, api="http", code_uri=folder, isolation=isolation)
    uploads = _uploads()
    assert gw.request("POST", "/upload", files=uploads).json() == {"parts": _expected(uploads)}


@pytest.mark.filterwarnings(LOOP_WARNING)
@pytest.mark.parametrize("api", ["rest", "http"])
def test_mangum_through_the_local_server(api: str, code_folder: CodeFolder, isolation: Isolation) -> None:
    # The server calls the gateway from its connection threads: the environment's own thread (with its
    # persistent event loop) imports and calls the application.
    folder, name = _fastapi(code_folder)
    gw = Gateway(name, api=api, code_uri=folder, isolation=isolation, **_options(api))
    uploads = _uploads()
    with LocalGateway(gw, log=None) as server, requests.Session() as session:
        response = session.post(server.url + "/upload", files=uploads, timeout=30)
        assert response.status_code == 200, response.text
        assert response.json() == {"parts": _expected(uploads)}
        item = session.get(server.url + "/items/3?q=z", timeout=30).json()
    # In-process, the environment's own thread stands for the runtime's main thread.
    assert (item["item_id"], item["q"], item["main_thread"]) == ("3", "z", isolation == "process")


@pytest.mark.filterwarnings(LOOP_WARNING)
def test_mangum_from_several_threads_at_once(code_folder: CodeFolder, isolation: Isolation) -> None:
    folder, name = _fastapi(code_folder)
    gw = Gateway(name, api="http", code_uri=folder, isolation=isolation)
    statuses: list[int] = []

    def call() -> None:
        for _ in range(5):
            statuses.append(gw.request("GET", "/items/1").status_code)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 20


# -- Flask + apig-wsgi --


@pytest.mark.parametrize("api", ["rest", "http", "http-v1", "alb"])
def test_apig_wsgi_serves_multipart_uploads_bit_exact(
    api: str, code_folder: CodeFolder, isolation: Isolation
) -> None:
    folder, name = code_folder((APPS / "flask_app.py").read_text(encoding="utf-8"))
    gw = Gateway(name, api=api, code_uri=folder, isolation=isolation, **_options(api))
    uploads = _uploads()
    response = gw.request("POST", "/upload", files=uploads)
    assert response.status_code == 200, response.text
    assert response.json() == {"parts": _expected(uploads)}
    assert gw.request("GET", "/items/9", params={"q": "a&b"}).json() == {"item_id": "9", "q": "a&b"}


# -- Powertools --


@pytest.mark.parametrize("api", ["rest", "http", "function-url", "alb"])
def test_powertools_resolvers_and_logger(
    api: str, code_folder: CodeFolder, isolation: Isolation, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, name = code_folder((APPS / "powertools_app.py").read_text(encoding="utf-8"))
    service = name.split(".")[0]  # a logger of its own: logging's registry is the process's
    variables = {"FRONT_DOOR": api, "POWERTOOLS_SERVICE_NAME": service}
    log: list[str] = []  # a worker process's output comes here
    gw = Gateway(
        name,
        api=api,
        code_uri=folder,
        isolation=isolation,
        environment=variables,
        function_name="orders-fn",
        function_log=log.append,
    )
    response = gw.request("GET", "/items/5", params={"q": "v"})
    assert response.status_code == 200, response.text
    assert response.json() == {"item_id": "5", "q": "v"}
    assert gw.request("POST", "/echo", data="na\u00efve").json() == {"length": 5}
    gw.close()
    lines = [*capsys.readouterr().out.splitlines(), *log]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    first = records[0]
    assert first["message"] == "request"
    assert first["service"] == service
    assert first["function_name"] == "orders-fn"
    assert first["function_memory_size"] == "128"
    assert first["function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:orders-fn"
    # Powertools keeps its cold-start flag in a global of its own package: in-process, every function of
    # the test session shares it; a worker process has its own.
    if isolation == "process":
        assert records[0]["cold_start"] is True
    assert records[1]["cold_start"] is False
