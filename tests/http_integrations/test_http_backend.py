"""The HTTP integration client: one bounded request to a real local backend."""

from __future__ import annotations

import pytest

from apigw_emulator.http_backend import BackendError, BackendRequest, BackendTimeoutError, send

from .conftest import Backend, echoed


def test_host_and_content_length_are_the_backend_s_and_the_body_s_whatever_was_asked(
    backend: Backend,
) -> None:
    answer = send(
        BackendRequest(
            "POST",
            f"{backend.url}/x",
            (("Host", "evil.example"), ("Content-Length", "999"), ("Transfer-Encoding", "chunked")),
            b"abc",
        ),
        5,
    )
    seen = echoed(answer.body)
    assert seen["headers"]["host"] == f"127.0.0.1:{backend.port}"
    assert seen["headers"]["content-length"] == "3"
    assert "transfer-encoding" not in seen["headers"]
    assert [name.lower() for name, _ in seen["header_pairs"]].count("host") == 1
    assert seen["body"] == b"abc"


def test_a_redirect_is_the_answer_not_followed(backend: Backend) -> None:
    answer = send(BackendRequest("GET", f"{backend.url}/status/302?respond-header=Location:/elsewhere"), 5)
    assert answer.status == 302
    assert answer.header("location") == "/elsewhere"


def test_a_body_over_the_limit_is_refused_while_it_is_read(backend: Backend) -> None:
    with pytest.raises(BackendError, match="over 100 bytes"):
        send(BackendRequest("POST", f"{backend.url}/bytes", body=b"x" * 1000), 5, limit=100)


def test_the_whole_exchange_is_bounded_by_the_timeout(backend: Backend) -> None:
    with pytest.raises(BackendTimeoutError):  # the backend would answer after 2 s
        send(BackendRequest("GET", f"{backend.url}/slow?s=2"), 0.2)


def test_a_connection_refused_is_a_backend_error_naming_it(refused_port: int) -> None:
    with pytest.raises(BackendError, match="ConnectionRefusedError"):
        send(BackendRequest("GET", f"http://127.0.0.1:{refused_port}/"), 5)


def test_a_host_name_that_does_not_resolve_is_a_backend_error_naming_it() -> None:
    with pytest.raises(BackendError, match=r"cannot resolve no-such-backend\.invalid"):
        send(BackendRequest("GET", "http://no-such-backend.invalid/x"), 5)


def test_a_host_name_is_looked_up_within_the_timeout(backend: Backend) -> None:
    answer = send(BackendRequest("GET", f"http://localhost:{backend.port}/x"), 5)
    assert answer.status == 200


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "http:///nohost", "http://127.0.0.1:99999/"])
def test_a_url_that_is_not_http_is_a_backend_error(url: str) -> None:
    with pytest.raises(BackendError):
        send(BackendRequest("GET", url), 1)


def test_a_header_value_with_a_line_break_is_a_backend_error_not_a_smuggled_header(backend: Backend) -> None:
    with pytest.raises(BackendError):
        send(BackendRequest("GET", f"{backend.url}/x", (("X-A", "1\r\nX-B: 2"),)), 5)


def test_head_answers_headers_without_a_body(backend: Backend) -> None:
    answer = send(BackendRequest("HEAD", f"{backend.url}/x"), 5)
    assert (answer.status, answer.body) == (200, b"")
