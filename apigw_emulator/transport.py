"""A ``requests`` transport that routes the gateway's host in-process (like responses and httpx's
``MockTransport``), returning real ``requests.Response`` objects built by ``HTTPAdapter.build_response``."""

from __future__ import annotations

import functools
import io
import re
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from datetime import timedelta
from http.client import HTTPMessage, responses
from typing import TYPE_CHECKING, Any

from requests import PreparedRequest, Response, Session, compat
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from requests.exceptions import InvalidJSONError
from requests.hooks import default_hooks, dispatch_hook
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity, get_encoding_from_headers
from urllib3 import HTTPResponse
from urllib3._collections import HTTPHeaderDict  # also public as urllib3.HTTPHeaderDict since 2.0

from .request import HttpRequest

if TYPE_CHECKING:
    from requests.sessions import _Settings

    from .gateway import Gateway
    from .invoke import Invocation
    from .response import GatewayResponse

__all__ = ["GatewayAdapter", "GatewaySession", "invocation_of", "prepare_plain", "send_plain"]


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


#: The response headers the adapter looks at: what reading the body would change, and cookies.
_READ_CHANGING = frozenset({"content-encoding", "content-length", "set-cookie"})


def _read_unchanged(lname: str, value: str, length: int) -> bool:
    """Whether, with this header, reading a body of ``length`` bytes gives it unchanged: no
    ``Content-Encoding`` to undo and no ``Content-Length`` that disagrees (urllib3 raises on those)."""
    if lname == "content-encoding":
        return value.strip().lower() in {"", "identity"}
    if lname == "content-length":
        return value.strip() == str(length)
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
        http_request = getattr(request, "apigw_request", None)
        if http_request is None or http_request.source_ip != self.source_ip:
            http_request = HttpRequest.from_prepared(request, source_ip=self.source_ip)
        invocation = self.gateway.invoke(http_request)
        answer = invocation.response
        body = b"" if http_request.method == "HEAD" else answer.body
        joined: dict[str, tuple[str, str]] = {}  # what requests' CaseInsensitiveDict of them holds
        cookies = False
        as_read = True
        for name, value in answer.headers:
            lname = name.lower()
            before = joined.get(lname)
            joined[lname] = (name, value) if before is None else (before[0], f"{before[1]}, {value}")
            if lname in _READ_CHANGING:
                cookies = cookies or lname == "set-cookie"
                as_read = as_read and _read_unchanged(lname, value, len(body))
        make_raw = functools.partial(_raw_response, answer, body, http_request.method, request.url, cookies)
        given = not stream and as_read
        response = _LazyRawResponse(make_raw if given else None)
        if not given:
            response.raw = make_raw()
        _fill_response(response, request, answer.status, joined.values(), self._builder)
        if cookies:
            extract_cookies_to_jar(response.cookies, request, response.raw)  # type: ignore[no-untyped-call]
        if given:
            # What reading it would give (requests reads it in 10 KiB chunks and joins them: a copy of the
            # body and 1 ms a megabyte), given as it is; urllib3's response over it is made if read.
            response._content = body
            response._content_consumed = True  # type: ignore[attr-defined]
        elif not stream:  # content to decode (gzip...) or a length to check: urllib3 does both when reading
            response.content  # noqa: B018 - read now, as requests does for non-streamed responses
        response.apigw = invocation  # type: ignore[attr-defined]
        return response

    def close(self) -> None:
        """Nothing to release: no connections are pooled."""


def _raw_response(
    answer: GatewayResponse, body: bytes, method: str, url: str | None, cookies: bool
) -> HTTPResponse:
    """urllib3's response over the gateway's answer, as a connection would have given it."""
    headers = HTTPHeaderDict()
    for name, value in answer.headers:
        headers.add(name, value)
    return HTTPResponse(
        body=io.BytesIO(body),
        headers=headers,
        status=answer.status,
        reason=responses.get(answer.status, ""),
        preload_content=False,
        decode_content=False,
        # Where requests' cookie jars read Set-Cookie from; without one, they have nothing to read.
        original_response=_OriginalResponse(answer.headers) if cookies else None,  # type: ignore[arg-type]
        request_method=method,
        request_url=url,
    )


class _LazyRawResponse(Response):
    """requests' ``Response``, whose ``raw`` (urllib3's response over the body) is made when first read: a
    response whose body was given as it is needs it only when someone looks (``close()``, a cookie jar)."""

    def __init__(self, make_raw: Callable[[], HTTPResponse] | None = None) -> None:
        self.__dict__["_make_raw"] = make_raw
        super().__init__()

    @property
    def raw(self) -> Any:
        raw = self.__dict__.get("raw")
        make_raw = self.__dict__.get("_make_raw")
        if raw is None and make_raw is not None:
            raw = self.__dict__["raw"] = make_raw()
            self.__dict__["_make_raw"] = None
        return raw

    @raw.setter
    def raw(self, value: Any) -> None:
        self.__dict__["raw"] = value


def _fill_response(
    response: Response,
    request: PreparedRequest,
    status: int,
    headers: Iterable[tuple[str, str]],
    adapter: HTTPAdapter,
) -> None:
    """What requests' ``HTTPAdapter.build_response`` sets, with the headers given (repeated ones joined
    with ``", "``, as urllib3 gives them) rather than read back from a urllib3 response."""
    response.status_code = status
    response.headers = CaseInsensitiveDict()
    for name, value in headers:
        response.headers[name] = value
    response.encoding = get_encoding_from_headers(response.headers)
    response.reason = responses.get(status, "")
    url = request.url
    response.url = (url.decode("utf-8") if isinstance(url, bytes) else url) or ""
    response.request = request
    response.connection = adapter


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


class _PlainPrepared(PreparedRequest):
    """A request prepared by :func:`prepare_plain`, with the gateway's request it stands for: the
    adapter takes that one instead of parsing the URL, headers and body back (a copy, as a redirect
    makes, is an ordinary ``PreparedRequest`` and is parsed as usual). Its cookie jar (empty: the
    session has none, the request gives none) is made when a redirect first reads it."""

    apigw_request: HttpRequest | None = None

    @property
    def _cookies(self) -> RequestsCookieJar:
        jar: RequestsCookieJar | None = self.__dict__.get("_cookies")
        if jar is None:
            jar = self.__dict__["_cookies"] = RequestsCookieJar()
        return jar

    @_cookies.setter
    def _cookies(self, jar: RequestsCookieJar | None) -> None:
        self.__dict__["_cookies"] = jar


#: The keyword arguments of ``Session.request`` that :func:`prepare_plain` takes; any other one (params,
#: cookies, files, auth, hooks, proxies...) goes through requests' own preparation.
PLAIN_KEYWORDS = frozenset({"headers", "data", "json", "timeout", "allow_redirects", "stream"})
#: A path and query that requests' preparation leaves exactly as written: characters it never quotes,
#: no ``%`` (it unquotes escaped unreserved characters), no fragment, no dot segment (urllib3 removes
#: ``.`` and ``..`` segments).
_PLAIN_TARGET = re.compile(r"/[A-Za-z0-9._~\-!$&'()*+,;=:@/?]*\Z")
_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|\?|\Z)")


def prepare_plain(
    session: Session, method: str, url: str, target: str, kwargs: Mapping[str, Any]
) -> PreparedRequest | None:
    """The ``PreparedRequest`` requests' ``Session.request`` would send for a plain request to the
    gateway's own origin, made without requests' general machinery, or None when the request is not
    plain (then requests prepares it).

    Plain: keyword arguments among :data:`PLAIN_KEYWORDS`, a ``str`` method, headers given as a dict of
    ``str`` (a None value removes a session header, as in requests), a body of ``bytes`` or ``json=``, a
    path and query that requests' URL preparation leaves as written, and a session without its own auth,
    hooks, params or cookies. Headers are the session's merged with the request's and checked by requests' own
    ``check_header_validity``; ``Content-Length`` and ``Content-Type`` follow requests' rules. No netrc
    file is read: no request to the gateway's origin leaves the process. ``url`` is the full URL,
    ``target`` the same as the gateway's raw path and query (its request is from 127.0.0.1).
    """
    if not PLAIN_KEYWORDS.issuperset(kwargs) or method.__class__ is not str:
        return None
    headers_in, data, json_body = kwargs.get("headers"), kwargs.get("data"), kwargs.get("json")
    if (
        (headers_in is not None and headers_in.__class__ is not dict)
        or (data is not None and data.__class__ is not bytes)
        or session.auth is not None
        or any(session.hooks.values())
        or session.params
        or len(session.cookies)
        or not _PLAIN_TARGET.match(target)
        or _DOT_SEGMENT.search(target)
    ):
        return None
    # requests' merge: the session's headers, the request's over them (in the session header's place,
    # with the request's spelling), a None value removing one; only the request's are checked, as the
    # session is the gateway's own, with requests' default headers.
    merged = _lowered(session.headers)
    for name, value in (headers_in or {}).items():
        if name.__class__ is not str or (value is not None and value.__class__ is not str):
            return None
        if value is not None:
            check_header_validity((name, value))
        merged[name.lower()] = (name, value)
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in merged.values():
        if value is not None:
            headers[name] = value
    method = method.upper()
    body, content_type = _plain_body(data, json_body)
    if body:
        headers["Content-Length"] = str(len(body))
    elif body is None and method not in {"GET", "HEAD"} and "Content-Length" not in headers:
        headers["Content-Length"] = "0"
    if content_type is not None and "Content-Type" not in headers:
        headers["Content-Type"] = content_type
    prepared = _PlainPrepared()
    prepared.method, prepared.url, prepared.headers, prepared.body = method, url, headers, body
    prepared.hooks = default_hooks()
    # The gateway's request as HttpRequest.from_prepared would parse it back: the target is plain (no
    # character to quote), values lose the blanks around them.
    path, _, query = target.partition("?")
    pairs = tuple((name, value.strip(" \t")) for name, value in headers.items())
    prepared.apigw_request = HttpRequest(method, path, query, pairs, body or b"")
    return prepared


def send_plain(
    session: Session,
    prepared: PreparedRequest,
    *,
    timeout: float | tuple[float, float] | tuple[float, None] | None,
    allow_redirects: bool,
    stream: bool | None,
) -> Response:
    """What ``session.send(prepared, ...)`` does for a request of :func:`prepare_plain`, without what
    such a request cannot need: the session's settings as they are (the gateway's origin reads no
    environment), and requests' redirect machinery only for a redirect. The response's hooks run and
    the session's cookie jar learns a ``Set-Cookie`` as in requests, redirects are followed by
    requests' own ``resolve_redirects``."""
    settings: dict[str, Any] = {
        "stream": session.stream if stream is None else stream,
        "timeout": timeout,
        "verify": session.verify,
        "cert": session.cert,
        "proxies": session.proxies,
    }
    adapter = session.get_adapter(url=prepared.url or "")
    started = time.perf_counter()
    response = adapter.send(prepared, **settings)
    response.elapsed = timedelta(seconds=time.perf_counter() - started)
    response = dispatch_hook("response", prepared.hooks, response, **settings)  # type: ignore[no-untyped-call]
    if "set-cookie" in response.headers:  # what the session's jar learns (for a redirect's next request)
        extract_cookies_to_jar(session.cookies, prepared, response.raw)  # type: ignore[no-untyped-call]
    if response.is_redirect:
        if allow_redirects:
            history = list(session.resolve_redirects(response, prepared, **settings))
            if history:
                history.insert(0, response)
                response = history.pop()
                response.history = history
        else:
            following = session.resolve_redirects(response, prepared, yield_requests=True, **settings)
            response._next = next(following, None)
    if not settings["stream"]:
        response.content  # noqa: B018 - read now, as requests does for non-streamed responses
    return response  # type: ignore[no-any-return]


def _lowered(headers: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    """A header dict's (name, value) pairs by lower-case name, in order: what it stores itself, where it
    has requests' shape (a dict copy), else made again."""
    store = getattr(headers, "_store", None)
    if isinstance(store, dict):
        return dict(store)
    return {name.lower(): (name, value) for name, value in headers.items()}


def _plain_body(data: bytes | None, json_body: object) -> tuple[bytes | None, str | None]:
    """The body and the ``Content-Type`` requests gives ``data=`` bytes or ``json=`` (data wins)."""
    if data:
        return data, None
    if json_body is None:
        return None, None
    try:
        text = compat.json.dumps(json_body, allow_nan=False)  # type: ignore[attr-defined]
    except ValueError as error:
        raise InvalidJSONError(error) from error
    return (text if isinstance(text, bytes) else text.encode("utf-8")), "application/json"


def invocation_of(response: Response) -> Invocation:
    """The :class:`~apigw_emulator.Invocation` behind a response of :meth:`Gateway.session` (typed access to
    ``response.apigw``: the event and context the handler saw, its result, the gateway's response).

    :raises ValueError: for a response that did not come through a gateway.
    """
    invocation: Invocation | None = getattr(response, "apigw", None)
    if invocation is None:
        raise ValueError("this response did not come through an apigw-emulator Gateway")
    return invocation
