"""A ``requests`` transport that routes the gateway's host in-process (like responses and httpx's
``MockTransport``), returning real ``requests.Response`` objects built by ``HTTPAdapter.build_response``."""

from __future__ import annotations

import io
from collections.abc import Mapping, MutableMapping
from http.client import HTTPMessage, responses
from typing import TYPE_CHECKING

from requests import Session
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse
from urllib3._collections import HTTPHeaderDict  # also public as urllib3.HTTPHeaderDict since 2.0

from .request import HttpRequest

if TYPE_CHECKING:
    from requests import PreparedRequest, Response
    from requests.sessions import _Settings

    from .gateway import Gateway
    from .invoke import Invocation

__all__ = ["GatewayAdapter", "GatewaySession", "invocation_of"]


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


def _as_read(headers: tuple[tuple[str, str], ...], length: int) -> bool:
    """Whether reading a body of ``length`` bytes with these headers gives the body unchanged: no
    ``Content-Encoding`` to undo and no ``Content-Length`` that disagrees (urllib3 raises on those)."""
    for name, value in headers:
        lname = name.lower()
        if lname == "content-encoding" and value.strip().lower() not in {"", "identity"}:
            return False
        if lname == "content-length" and value.strip() != str(length):
            return False
    return True


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
            if _as_read(answer.headers, len(body)):
                # What reading it would give (requests reads it in 10 KiB chunks and joins them: a copy
                # of the body and 1 ms a megabyte), given as it is.
                response._content = body
                response._content_consumed = True  # type: ignore[attr-defined]
            else:  # content to decode (gzip...) or a length to check: urllib3 does both when reading
                response.content  # noqa: B018 - read now, as requests does for non-streamed responses
        response.apigw = invocation  # type: ignore[attr-defined]
        return response

    def close(self) -> None:
        """Nothing to release: no connections are pooled."""


class GatewaySession(Session):
    """A ``requests.Session`` with a :class:`GatewayAdapter` mounted for the gateway's scheme and host.

    It is an ordinary session (``trust_env`` stays on, other hosts go to the network as usual) with one
    shortcut: for a URL of the gateway's own origin it does not read the process environment for proxies
    and CA bundles (``HTTP_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``...), which requests does on every
    request and which the in-process adapter ignores anyway: such a request never leaves the process.
    What a caller sees is unchanged.
    """

    def __init__(self, gateway: Gateway, *, source_ip: str = "127.0.0.1") -> None:
        super().__init__()
        config = gateway.config
        #: Lower case, as requests matches adapters' prefixes (``Session.get_adapter``).
        self.origin = f"{config.scheme}://{config.domain_name}/".lower()
        self.mount(self.origin, GatewayAdapter(gateway, source_ip=source_ip))

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: MutableMapping[str, str] | None,
        stream: bool | None,
        verify: bool | str | None,
        cert: str | tuple[str, str] | None,
    ) -> _Settings:
        """The session's own settings for the gateway's origin (no environment lookup); for any other
        URL, requests' own merge of the environment's settings."""
        if not (isinstance(url, str) and url[: len(self.origin)].lower() == self.origin):
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        # requests' merge_setting: the request's value over the session's, None removes a proxy.
        merged = {**self.proxies, **(proxies or {})}
        for name, value in (proxies or {}).items():
            if value is None:
                del merged[name]
        return {
            "proxies": merged,
            "stream": stream if stream is not None else self.stream,
            "verify": verify if verify is not None else self.verify,
            "cert": cert if cert is not None else self.cert,
        }


def invocation_of(response: Response) -> Invocation:
    """The :class:`~apigw_emulator.Invocation` behind a response of :meth:`Gateway.session` (typed access to
    ``response.apigw``: the event and context the handler saw, its result, the gateway's response).

    :raises ValueError: for a response that did not come through a gateway.
    """
    invocation: Invocation | None = getattr(response, "apigw", None)
    if invocation is None:
        raise ValueError("this response did not come through an apigw-emulator Gateway")
    return invocation
