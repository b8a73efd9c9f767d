"""A ``requests`` transport that routes the gateway's host in-process (like responses and httpx's
``MockTransport``), returning real ``requests.Response`` objects built by ``HTTPAdapter.build_response``."""

from __future__ import annotations

import io
from collections.abc import Mapping
from http.client import HTTPMessage, responses
from typing import TYPE_CHECKING

from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse
from urllib3._collections import HTTPHeaderDict  # also public as urllib3.HTTPHeaderDict since 2.0

from .request import HttpRequest

if TYPE_CHECKING:
    from requests import PreparedRequest, Response

    from .gateway import Gateway
    from .invoke import Invocation

__all__ = ["GatewayAdapter", "invocation_of"]


class _OriginalResponse:
    """The bit of ``http.client.HTTPResponse`` that requests' cookie handling reads (``.msg``)."""

    def __init__(self, headers: tuple[tuple[str, str], ...]) -> None:
        self.msg = HTTPMessage()
        for name, value in headers:
            self.msg[name] = value

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to close: there is no socket."""


class GatewayAdapter(BaseAdapter):
    """Send requests to a :class:`~apigw_emulator.Gateway` in-process instead of over the network.

    Mount it on a ``requests.Session`` for the gateway's scheme and host (``Gateway.session()`` does).
    Every response carries ``response.apigw``, the :class:`~apigw_emulator.Invocation` (event, context,
    raw result, error) behind it.
    """

    def __init__(self, gateway: Gateway, *, source_ip: str = "127.0.0.1") -> None:
        super().__init__()
        self.gateway = gateway
        self.source_ip = source_ip
        self._builder = HTTPAdapter()

    def send(  # noqa: PLR0917 - the signature of requests' BaseAdapter.send
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> Response:
        """Run the request through the gateway and return the ``requests.Response`` a client would get."""
        http_request = HttpRequest.from_prepared(request, source_ip=self.source_ip)
        invocation = self.gateway.invoke(http_request)
        answer = invocation.response
        body = b"" if http_request.method == "HEAD" else answer.body
        headers = HTTPHeaderDict()
        for name, value in answer.headers:
            headers.add(name, value)
        raw = HTTPResponse(
            body=io.BytesIO(body),
            headers=headers,
            status=answer.status,
            reason=responses.get(answer.status, ""),
            preload_content=False,
            decode_content=False,
            original_response=_OriginalResponse(answer.headers),  # type: ignore[arg-type]
            request_method=http_request.method,
            request_url=request.url,
        )
        response = self._builder.build_response(request, raw)
        if not stream:
            response.content  # noqa: B018 - read now, as requests does for non-streamed responses
        response.apigw = invocation  # type: ignore[attr-defined]
        return response

    def close(self) -> None:
        """Nothing to release: no connections are pooled."""


def invocation_of(response: Response) -> Invocation:
    """The :class:`~apigw_emulator.Invocation` behind a response of :meth:`Gateway.session` (typed access to
    ``response.apigw``: the event and context the handler saw, its result, the gateway's response).

    :raises ValueError: for a response that did not come through a gateway.
    """
    invocation: Invocation | None = getattr(response, "apigw", None)
    if invocation is None:
        raise ValueError("this response did not come through an apigw-emulator Gateway")
    return invocation
