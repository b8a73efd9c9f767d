"""Fixtures of the local server tests: servers on free loopback ports, stopped at teardown, and handlers."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from apigw_emulator import Gateway, LambdaContext
from apigw_emulator.server import LocalGateway


class ServerFactory:
    """Starts :class:`LocalGateway` servers for one test and stops them all at its end.

    Every server logs into :attr:`log`; the default per-request timeout is short, so that idle
    connections left by clients close quickly.
    """

    def __init__(self) -> None:
        self.log: list[str] = []
        self.servers: list[LocalGateway] = []

    def __call__(self, gateway: Gateway, **options: Any) -> LocalGateway:
        options.setdefault("log", self.log.append)
        options.setdefault("timeout", 2.0)
        server = LocalGateway(gateway, **options)
        self.servers.append(server)
        return server.start()

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()

    def text(self) -> str:
        return "\n".join(self.log)


@pytest.fixture
def serve() -> Iterator[ServerFactory]:
    """Start a server with ``serve(gateway, **options)``; all are stopped after the test."""
    factory = ServerFactory()
    try:
        yield factory
    finally:
        factory.stop_all()


# -- handlers ---------------------------------------------------------------------------------------


def event_echo(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Return the whole event as JSON, so a test sees what the handler received."""
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}


def body_echo(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Return the request body bytes, base64-encoded, with the request's Content-Type."""
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event["isBase64Encoded"] else body.encode("utf-8")
    headers = event.get("headers") or {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "text/plain")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": content_type},
        "body": base64.b64encode(raw).decode("ascii"),
        "isBase64Encoded": True,
    }


def failing(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """A handler with a bug."""
    raise ValueError("the handler is broken")


@pytest.fixture
def rest_event_gateway() -> Gateway:
    """A REST API (stage Prod) whose handler answers with the event it got."""
    return Gateway(event_echo, api="rest")


@pytest.fixture
def binary_echo_gateway() -> Gateway:
    """A REST API with ``*/*`` binary media types whose handler sends the body back unchanged."""
    return Gateway(body_echo, api="rest", binary_media_types=["*/*"])
