"""A ``requests`` transport that routes the gateway's host in-process (like responses and httpx's
``MockTransport``), returning real ``requests.Response`` objects built by ``HTTPAdapter.build_response``."""

from __future__ import annotations

import io
import re
import time
from collections import OrderedDict
from collections.abc import Mapping, MutableMapping
from datetime import timedelta
from http.client import HTTPMessage, responses
from typing import TYPE_CHECKING, Any, overload

from requests import PreparedRequest, Response, Session, compat
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from requests.exceptions import InvalidJSONError
from requests.hooks import HOOKS, default_hooks, dispatch_hook
from requests.models import REDIRECT_STATI
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
        method = http_request.method
        body = b"" if method == "HEAD" else answer.body
        # What requests' CaseInsensitiveDict of urllib3's headers holds: by lower-case name, the first
        # spelling and the values joined with ", ".
        store: OrderedDict[str, tuple[str, str]] = OrderedDict()
        cookies = False
        as_read = True
        for name, value in answer.headers:
            lname = name.lower()
            before = store.get(lname)
            store[lname] = (name, value) if before is None else (before[0], f"{before[1]}, {value}")
            if lname in _READ_CHANGING:
                cookies = cookies or lname == "set-cookie"
                as_read = as_read and _read_unchanged(lname, value, len(body))
        url = request.url
        raw_of = (answer, body, method, url, cookies)
        given = not stream and as_read
        response = _GatewayResponse(
            answer.status,
            _headers_of(store),
            (url.decode("utf-8") if isinstance(url, bytes) else url) or "",
            request,
            self._builder,
            raw_of if given else None,
        )
        if not given:
            response.raw = _raw_response(*raw_of)
        response.has_set_cookie = cookies
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
    answer: GatewayResponse, body: bytes, method: str, url: str | bytes | None, cookies: bool
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
        request_url=url,  # type: ignore[arg-type]
    )


def _headers_of(store: OrderedDict[str, tuple[str, str]]) -> CaseInsensitiveDict[str]:
    """requests' ``CaseInsensitiveDict`` holding ``store`` (lower-case name -> (name, value)) as its own:
    what setting each header in turn would build, without a call per header."""
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict.__new__(CaseInsensitiveDict)
    headers.__dict__["_store"] = store
    return headers


_NO_TIME = timedelta(0)


def _encoding(headers: CaseInsensitiveDict[str], store: Mapping[str, tuple[str, str]]) -> str | None:
    """requests' ``get_encoding_from_headers``, answered without it when there is nothing to parse: a
    ``Content-Type`` with no parameter (so no charset), neither text nor JSON, has no encoding."""
    content_type = store.get("content-type")
    if content_type is None:
        return None
    value = content_type[1]
    if ";" not in value and "text" not in value and "application/json" not in value:
        return None
    return get_encoding_from_headers(headers)


class _LazyCookieJar:
    """An attribute holding a ``RequestsCookieJar`` made when it is first read (most responses and
    requests never need theirs), kept in the instance's ``__dict__`` under the attribute's own name;
    setting it (None included: a fresh jar on the next read) replaces it."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type) -> _LazyCookieJar: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> RequestsCookieJar: ...

    def __get__(self, instance: object, owner: type | None = None) -> RequestsCookieJar | _LazyCookieJar:
        if instance is None:
            return self
        jar: RequestsCookieJar | None = instance.__dict__.get(self._name)
        if jar is None:
            jar = instance.__dict__[self._name] = RequestsCookieJar()
        return jar

    def __set__(self, instance: object, jar: RequestsCookieJar | None) -> None:
        instance.__dict__[self._name] = jar


class _GatewayResponse(Response):
    """requests' ``Response`` as ``HTTPAdapter.build_response`` fills it, filled in one step (with the
    headers given, repeated ones joined with ``", "`` as urllib3 gives them, rather than read back from a
    urllib3 response). Two attributes are made when first read: ``raw`` (urllib3's response over the
    body, which a response whose body was given as it is needs only when someone looks: ``close()``, a
    cookie jar) and ``cookies`` (an empty jar, unless the response set cookies)."""

    #: Whether the gateway's response had a ``Set-Cookie`` header (read by :func:`send_plain`).
    has_set_cookie = False

    def __init__(  # noqa: PLR0917 - every field build_response sets
        self,
        status: int,
        headers: CaseInsensitiveDict[str],
        url: str,
        request: PreparedRequest,
        connection: HTTPAdapter,
        raw_of: tuple[GatewayResponse, bytes, str, str | bytes | None, bool] | None = None,
    ) -> None:
        # Every attribute requests' Response.__init__ sets, then what build_response sets over them.
        self.__dict__.update(
            _content=False,
            _content_consumed=False,
            _next=None,
            status_code=status,
            headers=headers,
            raw=None,
            url=url,
            encoding=_encoding(headers, headers.__dict__["_store"]),
            history=[],
            reason=responses.get(status, ""),
            elapsed=_NO_TIME,
            request=request,
            connection=connection,
            _raw_of=raw_of,
        )

    @property
    def raw(self) -> Any:
        raw = self.__dict__.get("raw")
        raw_of = self.__dict__.get("_raw_of")
        if raw is None and raw_of is not None:
            raw = self.__dict__["raw"] = _raw_response(*raw_of)
            self.__dict__["_raw_of"] = None
        return raw

    @raw.setter
    def raw(self, value: Any) -> None:
        self.__dict__["raw"] = value

    cookies = _LazyCookieJar()


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
        #: The adapter mounted for :attr:`origin`.
        self.gateway_adapter = GatewayAdapter(gateway, source_ip=source_ip)
        self.mount(self.origin, self.gateway_adapter)

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

    def __init__(
        self,
        method: str,
        url: str,
        headers: CaseInsensitiveDict[str],
        body: bytes | None,
        apigw_request: HttpRequest,
    ) -> None:
        # Every attribute requests' PreparedRequest.__init__ sets (the cookie jar aside), as prepare()
        # would leave them.
        self.__dict__.update(
            method=method,
            url=url,
            headers=headers,
            body=body,
            hooks={"response": []} if _RESPONSE_HOOK_ONLY else default_hooks(),
            _body_position=None,
            apigw_request=apigw_request,
        )

    _cookies = _LazyCookieJar()


#: Whether requests' only hook is "response" (its default_hooks() is then {"response": []}).
_RESPONSE_HOOK_ONLY = HOOKS == ["response"]
#: Header names and values that requests' check_header_validity accepts, and whose value has no blank
#: at either end (nothing for HttpRequest to strip): a token, and printable ASCII. Anything else is
#: checked by requests' own function.
#: (name, value) pairs and targets found plain before (checked once: the same few recur call after call),
#: up to :data:`_MEMO_SIZE` of each.
_PLAIN_PAIRS: set[tuple[str, str]] = set()
_PLAIN_TARGETS: set[str] = set()
_MEMO_SIZE = 512
_TOKEN_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_PLAIN_VALUE = re.compile(r"(?:[!-~](?:[ -~]*[!-~])?)?")


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
        or _has_cookies(session.cookies)
        or not _plain_target(target)
    ):
        return None
    # requests' merge: the session's headers, the request's over them (in the session header's place,
    # with the request's spelling), a None value removing one.
    store = _lowered(session.headers)
    for name, value in (headers_in or {}).items():
        if name.__class__ is not str or (value is not None and value.__class__ is not str):
            return None
        if value is None:
            store.pop(name.lower(), None)
        else:
            store[name.lower()] = (name, value)
    # Every header checked by requests' rules, as its prepare_headers does.
    blanks = False  # whether a value has blanks at an end, which HttpRequest.from_prepared strips
    dropped: list[str] = []  # a session header set to None: not sent
    for lname, pair in store.items():
        if pair in _PLAIN_PAIRS:
            continue
        name, value = pair
        if value is None:
            dropped.append(lname)
        elif value.__class__ is not str or name.__class__ is not str:
            return None  # a session header not of str (bytes...): requests prepares that one
        elif _TOKEN_NAME.fullmatch(name) and _PLAIN_VALUE.fullmatch(value):
            if len(_PLAIN_PAIRS) < _MEMO_SIZE:
                _PLAIN_PAIRS.add(pair)
        else:
            check_header_validity(pair)
            blanks = True
    for lname in dropped:
        del store[lname]
    method = method.upper()
    body, content_type = _plain_body(data, json_body)
    # requests' Content-Length and Content-Type (CaseInsensitiveDict's setting: a header given keeps its
    # place and takes requests' spelling).
    if body:
        store["content-length"] = ("Content-Length", str(len(body)))
    elif body is None and method not in {"GET", "HEAD"} and "content-length" not in store:
        store["content-length"] = ("Content-Length", "0")
    if content_type is not None and "content-type" not in store:
        store["content-type"] = ("Content-Type", content_type)
    # The gateway's request as HttpRequest.from_prepared would parse it back: the target is plain (no
    # character to quote), values lose the blanks around them.
    pairs = tuple(store.values())
    if blanks:
        pairs = tuple((name, value.strip(" \t")) for name, value in pairs)
    path, _, query = target.partition("?")
    apigw_request = HttpRequest(method, path, query, pairs, body or b"")
    return _PlainPrepared(method, url, _headers_of(store), body, apigw_request)


def _plain_target(target: str) -> bool:
    """Whether requests' URL preparation leaves this path and query as written."""
    if target in _PLAIN_TARGETS:
        return True
    if not _PLAIN_TARGET.match(target) or _DOT_SEGMENT.search(target):
        return False
    if len(_PLAIN_TARGETS) < _MEMO_SIZE:
        _PLAIN_TARGETS.add(target)
    return True


def _has_cookies(jar: Any) -> bool:
    """Whether a session's cookie jar may hold a cookie: for requests' own jar, whether the dict the
    stdlib's ``CookieJar`` keeps them in is not empty (without walking it, as ``len`` does; a jar
    emptied one cookie at a time may keep empty levels and count as holding one), else its length."""
    if jar.__class__ is RequestsCookieJar:
        return bool(jar.__dict__.get("_cookies", True))
    return bool(len(jar))


def send_plain(
    session: Session,
    prepared: PreparedRequest,
    *,
    timeout: float | tuple[float, float] | tuple[float, None] | None,
    allow_redirects: bool,
    stream: bool | None,
    adapter: BaseAdapter | None = None,
) -> Response:
    """What ``session.send(prepared, ...)`` does for a request of :func:`prepare_plain`, without what
    such a request cannot need: the session's settings as they are (the gateway's origin reads no
    environment), and requests' redirect machinery only for a redirect. The response's hooks run and
    the session's cookie jar learns a ``Set-Cookie`` as in requests, redirects are followed by
    requests' own ``resolve_redirects``.

    ``adapter`` is the one ``session.get_adapter`` gives for the request's URL, when the caller knows it
    (a session whose mounts nobody else changes); None looks it up."""
    settings: dict[str, Any] = {
        "stream": session.stream if stream is None else stream,
        "timeout": timeout,
        "verify": session.verify,
        "cert": session.cert,
        "proxies": session.proxies,
    }
    if adapter is None:
        adapter = session.get_adapter(url=prepared.url or "")
    started = time.perf_counter()
    response: Any = adapter.send(prepared, **settings)
    response.elapsed = timedelta(seconds=time.perf_counter() - started)
    if prepared.hooks.get("response") or response.__class__ is not _GatewayResponse:
        response = dispatch_hook("response", prepared.hooks, response, **settings)  # type: ignore[no-untyped-call]
        set_cookie = "set-cookie" in response.headers
    else:  # no hook ran: the adapter's own response, which knows whether it has a Set-Cookie
        set_cookie = response.has_set_cookie
    if set_cookie:  # what the session's jar learns (for a redirect's next request)
        extract_cookies_to_jar(session.cookies, prepared, response.raw)  # type: ignore[no-untyped-call]
    if response.status_code in REDIRECT_STATI and response.is_redirect:
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


def _lowered(headers: Mapping[str, Any]) -> OrderedDict[str, tuple[str, Any]]:
    """A header dict's (name, value) pairs by lower-case name, in order: a copy of what it stores itself,
    where it has requests' shape, else made again."""
    store = headers.__dict__.get("_store") if headers.__class__ is CaseInsensitiveDict else None
    if store.__class__ is OrderedDict:
        return store.copy()
    if isinstance(store, dict):
        return OrderedDict(store)
    return OrderedDict((name.lower(), (name, value)) for name, value in headers.items())


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
