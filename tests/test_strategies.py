"""The public hypothesis strategies: every value is valid, bad arguments raise InvalidArgument, examples
shrink to simple ones, and ``import apigw_emulator`` leaves hypothesis alone."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, unquote_plus

import multipart  # type: ignore[import-untyped]  # no py.typed
import pytest
import requests as requests_lib
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from PIL import Image
from requests_toolbelt import MultipartDecoder

from apigw_emulator import (
    BinaryBodyCorruptedWarning,
    ConfigurationError,
    Gateway,
    HttpRequest,
    RouteNotFoundError,
)
from apigw_emulator import strategies as aps
from apigw_emulator.strategies import (
    DEFAULT_EXCLUDED_HEADERS,
    HTTP_METHODS,
    IMAGE_MODES,
    bodies,
    events,
    from_gateway,
    from_template,
    header_names,
    headers,
    http_methods,
    images,
    multipart_bodies,
    paths,
    query_strings,
    requests,
)

Header = tuple[str, str]

#: RFC 3986 path-abempty: pchar, "/" and %XX escapes only.
SENDABLE_PATH = re.compile(r"^/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")
#: RFC 3986 query: pchar, "/", "?" and %XX escapes only.
SENDABLE_QUERY = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$")
TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
IMAGE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
    "image/bmp": (b"BM",),
}
APIS = ("rest", "http", "http-v1", "function-url", "alb")
#: For ``find``: as many tries as its default, no database and no explain phase (which would replay the
#: minimal example hundreds of times).
FIND = settings(max_examples=2000, phases=[Phase.generate, Phase.shrink], database=None)


def keys_of(query: str) -> list[str]:
    """The form-decoded keys of a raw query string, in order."""
    return [unquote_plus(part.partition("=")[0]) for part in query.split("&")] if query else []


def quietly_build(gateway: Gateway, request: HttpRequest) -> dict[str, Any]:
    """The event, without the warning a REST API's corruption of binary bodies gives (spec 5.1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)
        return gateway.build_event(request)


# -- packaging ----------------------------------------------------------------------------------------
def test_importing_the_library_does_not_import_hypothesis() -> None:
    code = (
        "import sys, apigw_emulator\n"
        "assert 'apigw_emulator.strategies' not in sys.modules\n"
        "assert 'hypothesis' not in sys.modules, sorted(m for m in sys.modules if 'hypothesis' in m)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_all_lists_the_public_names() -> None:
    functions = {
        name
        for name, value in vars(aps).items()
        if isinstance(value, types.FunctionType) and value.__module__ == aps.__name__ and name[0] != "_"
    }
    constants = {name for name in vars(aps) if name.isupper() and name[0] != "_"}
    assert aps.__all__ == sorted(functions | constants)


# -- methods, paths, queries ---------------------------------------------------------------------------
@given(http_methods())
def test_http_methods_are_the_routed_ones(method: str) -> None:
    assert method in HTTP_METHODS


def check_sendable_path(path: str) -> None:
    assert SENDABLE_PATH.match(path), path
    assert "//" not in path
    assert all(unquote(segment) not in (".", "..") for segment in path.split("/")[1:])
    assert HttpRequest.build("GET", path).path == path  # nothing left to encode
    # requests sends it without encoding anything again (it only normalises needless escapes).
    prepared = requests_lib.Request("GET", "https://example.com" + path).prepare()
    assert unquote(prepared.path_url) == unquote(path)
    unquote(path, errors="strict")  # escapes are UTF-8


@given(paths())
def test_paths_are_sendable(path: str) -> None:
    check_sendable_path(path)


@given(paths(min_segments=2, max_segments=3, percent_encoding=False, unicode=False))
def test_paths_without_escapes_hold_no_percent_sign(path: str) -> None:
    check_sendable_path(path)
    assert "%" not in path
    assert 2 <= len(path.strip("/").split("/")) <= 3


@given(paths(percent_encoding=False))
def test_paths_without_ascii_escapes_escape_only_non_ascii(path: str) -> None:
    check_sendable_path(path)
    for escape in re.findall(r"%([0-9A-Fa-f]{2})", path):
        assert int(escape, 16) >= 0x80


@given(paths(unicode=False))
def test_paths_without_unicode_decode_to_ascii(path: str) -> None:
    check_sendable_path(path)
    assert unquote(path).isascii()


@given(query_strings())
def test_query_strings_are_sendable_with_non_empty_keys(query: str) -> None:
    assert SENDABLE_QUERY.match(query), query
    parts = query.split("&") if query else []
    assert len(parts) <= 5
    assert all(part.partition("=")[0] for part in parts)
    assert HttpRequest.build("GET", "/?" + query).query == query
    unquote_plus(query, errors="strict")


@given(query_strings(min_params=2, max_params=6, duplicates=False))
def test_query_strings_without_duplicates_have_distinct_decoded_keys(query: str) -> None:
    keys = keys_of(query)
    assert 2 <= len(keys) <= 6
    assert len(set(keys)) == len(keys)


def test_query_strings_reach_duplicates_blanks_flags_and_both_plus_spellings() -> None:
    find(query_strings(), lambda q: len(set(keys_of(q))) < len(keys_of(q)), settings=FIND)
    find(query_strings(), lambda q: any(part.endswith("=") for part in q.split("&")), settings=FIND)
    find(query_strings(), lambda q: any(part and "=" not in part for part in q.split("&")), settings=FIND)
    find(query_strings(), lambda q: "+" in q and "%2B" in q, settings=FIND)


# -- headers --------------------------------------------------------------------------------------------
@given(header_names())
def test_header_names_are_tokens(name: str) -> None:
    assert TOKEN.match(name)


def test_header_names_come_in_random_casing() -> None:
    find(
        header_names(),
        lambda n: n.lower() == "accept" and n not in ("Accept", "accept", "ACCEPT"),
        settings=FIND,
    )


@given(headers())
def test_headers_are_exactly_what_a_request_holds(pairs: tuple[Header, ...]) -> None:
    assert len(pairs) <= 8
    assert not {name.lower() for name, _ in pairs} & DEFAULT_EXCLUDED_HEADERS
    assert HttpRequest("GET").replace(headers=pairs).headers == pairs
    for _, value in pairs:  # visible ASCII, inner tabs, Latin-1 letters (obs-text): nothing to strip
        assert all(c == "\t" or " " <= c <= "~" or "\xa0" <= c <= "\xff" for c in value)
        assert value == value.strip(" \t")


@given(headers(min_size=2, max_size=5, duplicates=False, exclude=("accept", "X-CUSTOM")))
def test_headers_without_duplicates_and_with_exclusions(pairs: tuple[Header, ...]) -> None:
    names = [name.lower() for name, _ in pairs]
    assert 2 <= len(names) <= 5
    assert len(set(names)) == len(names)
    assert not {"accept", "x-custom"} & set(names)


def test_headers_reach_duplicate_names_in_different_casing() -> None:
    def differently_cased_duplicate(pairs: tuple[Header, ...]) -> bool:
        names = [name for name, _ in pairs]
        return any(a != b and a.lower() == b.lower() for i, a in enumerate(names) for b in names[i + 1 :])

    find(headers(), differently_cased_duplicate, settings=FIND)


# -- bodies ---------------------------------------------------------------------------------------------
def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@given(bodies(kind="text", max_size=16))
def test_text_bodies_are_utf8(body: bytes) -> None:
    assert len(body) <= 16
    assert is_utf8(body)


@given(bodies(kind="binary", max_size=16))
def test_binary_bodies_are_never_utf8(body: bytes) -> None:
    assert 1 <= len(body) <= 16
    assert not is_utf8(body)


@given(bodies(kind="empty"))
def test_empty_bodies_are_empty(body: bytes) -> None:
    assert body == b""


@given(bodies(max_size=32))
def test_any_bodies_respect_the_size(body: bytes) -> None:
    assert len(body) <= 32


@given(bodies(kind="binary", max_size=1))
def test_the_smallest_binary_body_is_one_invalid_byte(body: bytes) -> None:
    assert len(body) == 1
    assert body[0] in (0xC0, 0xC1) or body[0] >= 0xF5


# -- multipart ------------------------------------------------------------------------------------------
def reassembled(content_type: str, body: bytes) -> tuple[list[Any], bytes]:
    """The parts MultipartDecoder finds, and the body written again from them alone."""
    decoder = MultipartDecoder(body, content_type)
    delimiter = b"--" + decoder.boundary
    out = bytearray()
    for part in decoder.parts:
        out += delimiter + b"\r\n"
        for name, value in part.headers.items():
            out += name + b": " + value + b"\r\n"
        out += b"\r\n" + part.content + b"\r\n"
    out += delimiter + b"--\r\n"
    return list(decoder.parts), bytes(out)


def strictly_parsed(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """(name, content) of each part, by the strict parser of the ``multipart`` package."""
    _, options = multipart.parse_options_header(content_type)
    parsed: list[tuple[str, bytes]] = []
    with multipart.PushMultipartParser(options["boundary"], strict=True) as parser:
        for event in [*parser.parse(body), *parser.parse(b"")]:
            if isinstance(event, multipart.MultipartSegment):
                parsed.append((event.name, b""))
            elif event is not None:
                parsed[-1] = (parsed[-1][0], parsed[-1][1] + bytes(event))
        assert parser.closed
    return parsed


@given(multipart_bodies())
def test_multipart_bodies_parse_back_bit_for_bit(form: tuple[str, bytes]) -> None:
    content_type, body = form
    assert content_type.startswith("multipart/form-data; boundary=")
    parts, again = reassembled(content_type, body)
    assert again == body
    assert [content for _, content in strictly_parsed(content_type, body)] == [p.content for p in parts]
    assert 1 <= len(parts) <= 4
    for part in parts:
        disposition = part.headers[b"Content-Disposition"]
        assert disposition.startswith(b'form-data; name="')
        assert (b"filename=" in disposition) is (b"Content-Type" in part.headers)


@given(multipart_bodies(min_parts=2, max_parts=3, field_names=st.just('a "b"\r\n'), binary=False))
def test_multipart_names_are_escaped_as_browsers_do_and_text_only_stays_text(form: tuple[str, bytes]) -> None:
    content_type, body = form
    parts, again = reassembled(content_type, body)
    assert again == body
    assert 2 <= len(parts) <= 3
    for part in parts:
        assert part.headers[b"Content-Disposition"].startswith(b'form-data; name="a %22b%22%0D%0A"')
        assert is_utf8(part.content)
        assert part.headers.get(b"Content-Type", b"text/plain") == b"text/plain"


def test_multipart_boundary_never_occurs_in_a_part() -> None:
    # Parts holding "--" followed by the boundary drawn would break the body: the boundary is changed.
    content_type, body = aps._encode_multipart([aps._Part("f", None, None, b"x\r\n--0\r\n--0_1")], "0")
    parts, again = reassembled(content_type, body)
    assert again == body
    assert [part.content for part in parts] == [b"x\r\n--0\r\n--0_1"]


# -- images ---------------------------------------------------------------------------------------------
COMBINATIONS = [(image_format, mode) for image_format, modes in IMAGE_MODES.items() for mode in modes]


@pytest.mark.parametrize(("image_format", "mode"), COMBINATIONS)
@settings(max_examples=3)
@given(data=st.data())
def test_images_open_with_the_drawn_format_mode_and_size(
    image_format: str, mode: str, data: st.DataObject
) -> None:
    encoded = data.draw(images(formats=(image_format.lower(),), modes=(mode,), min_size=2, max_size=9))
    with Image.open(io.BytesIO(encoded)) as image:
        image.load()
        assert (image.format, image.mode) == (image_format, mode)
        assert 2 <= image.width <= 9
        assert 2 <= image.height <= 9


@given(images(max_size=16))
def test_default_images_open(encoded: bytes) -> None:
    with Image.open(io.BytesIO(encoded)) as image:
        image.load()
        assert image.format in IMAGE_MODES
        assert image.mode in IMAGE_MODES[image.format or ""]


def test_images_need_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PIL", "PIL.features"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match="needs Pillow"):
        images()


# -- requests -------------------------------------------------------------------------------------------
upload_bodies = st.one_of(bodies(), multipart_bodies(), images(max_size=8))


@given(requests(bodies=upload_bodies))
def test_requests_have_a_content_type_matching_the_body(request: HttpRequest) -> None:
    assert isinstance(request, HttpRequest)
    content_types = request.header_values("content-type")
    if not request.body:
        assert content_types == []
        return
    assert len(content_types) == 1
    content_type = content_types[0]
    if content_type.startswith("multipart/form-data"):
        assert reassembled(content_type, request.body)[1] == request.body
    elif content_type.startswith("image/"):  # an image, or the start of one (bodies(kind="binary"))
        assert request.body.startswith(IMAGE_SIGNATURES[content_type])
    elif content_type == "text/plain; charset=utf-8":
        assert is_utf8(request.body)
    else:
        assert content_type == "application/octet-stream"
        assert not is_utf8(request.body)


@given(request=requests(), api=st.sampled_from(APIS), stage=st.sampled_from([None, "v1"]))
def test_requests_build_events_or_miss_the_stage(request: HttpRequest, api: str, stage: str | None) -> None:
    """Paths carry no stage: a front door with a named stage answers RouteNotFoundError, as documented;
    the others always build an event."""
    options: dict[str, Any] = {"stage": stage} if stage and api in ("rest", "http", "http-v1") else {}
    gateway = Gateway(None, api=api, **options)
    try:
        event = quietly_build(gateway, request)
    except RouteNotFoundError:
        assert gateway.config.url_prefix
        return
    json.dumps(event, allow_nan=False)


@given(requests(headers=headers(exclude=()), bodies=st.tuples(st.just("application/json"), st.just(b"{}"))))
def test_requests_take_the_content_type_of_body_pairs_over_drawn_headers(request: HttpRequest) -> None:
    assert request.header_values("content-type") == ["application/json"]
    assert request.body == b"{}"


@given(requests(bodies=st.tuples(st.none(), bodies(kind="binary"))))
def test_requests_send_no_content_type_for_a_none_type(request: HttpRequest) -> None:
    assert request.content_type is None


# -- requests for a configured API ----------------------------------------------------------------------
ROUTED_GATEWAYS = [
    Gateway(None, api="rest"),
    Gateway(
        None,
        api="rest",
        routes=["GET /items/{id}", "POST /items", "ANY /files/{proxy+}", "/static/path"],
        domain_name="api.example.com",
        base_path="v1",
        endpoint_type="REGIONAL",
    ),
    Gateway(None, api="http", routes=["GET /items/{id}", "$default"], stage="beta"),
    Gateway(None, api="http", routes=["GET /a/{b}/c/{d}", "DELETE /x", "PUT /files/{path+}"]),
    Gateway(None, api="http-v1", routes=["ANY /{proxy+}"], stage="v2"),
    Gateway(None, api="function-url"),
    Gateway(None, api="alb", multi_value_headers=True),
]


@pytest.mark.parametrize("gateway", ROUTED_GATEWAYS, ids=repr)
@settings(max_examples=25)
@given(data=st.data())
def test_from_gateway_requests_always_route(gateway: Gateway, data: st.DataObject) -> None:
    request = data.draw(from_gateway(gateway))
    assert request.path.startswith(gateway.config.url_prefix + "/")
    check_sendable_path(request.path)
    event = quietly_build(gateway, request)  # no RouteNotFoundError
    routes = {route.path: route for route in gateway.config.routes}
    if gateway.api == "rest":
        route = routes[event["resource"]]
        assert route.method in ("ANY", request.method)
    elif gateway.api == "http":
        assert event["routeKey"] in {route.key for route in gateway.config.routes}


@given(from_gateway(ROUTED_GATEWAYS[3], requests=requests(methods=st.just("GET"))))
def test_from_gateway_uses_the_route_method_unless_any(request: HttpRequest) -> None:
    key = ROUTED_GATEWAYS[3].build_event(request)["routeKey"]
    assert key.split(" ", 1)[0] == request.method


# -- events ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("api", APIS)
@settings(max_examples=20)
@given(data=st.data())
def test_events_of_every_front_door_are_json(api: str, data: st.DataObject) -> None:
    event = data.draw(events(api=api))
    assert json.loads(json.dumps(event, allow_nan=False)) == event
    assert isinstance(event["isBase64Encoded"], bool)
    if api in ("http", "function-url"):
        assert event["version"] == "2.0"
    elif api == "alb":
        assert "elb" in event["requestContext"]
    else:
        assert event["httpMethod"] in HTTP_METHODS


@given(
    events(
        api="rest",
        stage="v2",
        routes=["POST /upload/{name}"],
        binary_media_types=["*/*"],
        requests=requests(bodies=bodies(kind="binary")),
    )
)
def test_events_follow_the_gateway_options(event: dict[str, Any]) -> None:
    assert (event["resource"], event["httpMethod"]) == ("/upload/{name}", "POST")
    assert event["requestContext"]["stage"] == "v2"
    assert event["isBase64Encoded"] is True
    assert not base64.b64decode(event["body"]).decode("utf-8", "replace").isascii()


@given(events(api="rest", requests=requests(bodies=bodies(kind="binary"))))
def test_events_hold_corrupted_bodies_without_warning(event: dict[str, Any]) -> None:
    assert event["isBase64Encoded"] is False
    assert "\ufffd" in event["body"]


def test_events_replay_exactly() -> None:
    """Ids and times are drawn, not taken from the clock or the test's random state."""
    first = find(events(api="http"), lambda _: True, settings=FIND)
    assert find(events(api="http"), lambda _: True, settings=FIND) == first
    assert first["requestContext"]["timeEpoch"] == 1_577_836_800_000  # 2020-01-01T00:00:00Z


def test_the_setup_hook_registers_requests_for_http_request() -> None:
    code = (
        "from hypothesis import Phase, find, settings, strategies as st\n"
        "from apigw_emulator import HttpRequest\n"
        "from apigw_emulator._hypothesis_hook import _hypothesis_setup_hook\n"
        "_hypothesis_setup_hook()\n"
        "quick = settings(phases=[Phase.generate, Phase.shrink], database=None)\n"
        "assert find(st.from_type(HttpRequest), lambda _: True, settings=quick) == HttpRequest('GET', '/')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_strategies_import_before_hypothesis_with_the_entry_point_installed() -> None:
    """Hypothesis runs the entry point while the strategies module imports it: no circular import."""
    code = (
        "from apigw_emulator.strategies import requests\n"
        "from hypothesis import strategies as st\n"
        "from apigw_emulator import HttpRequest\n"
        "assert st.from_type(HttpRequest) is not None\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


# -- from_template ----------------------------------------------------------------------------------------
#: A SAM template with an implicit REST API and an implicit HTTP API in front of one inline function.
TEMPLATE = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Fn": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "InlineCode": "def handler(event, context):\n    return {'statusCode': 200}\n",
                "Events": {
                    "Get": {
                        "Type": "HttpApi",
                        "Properties": {"Path": "/items/{id}", "Method": "get", "PayloadFormatVersion": "2.0"},
                    },
                    "Upload": {"Type": "Api", "Properties": {"Path": "/upload/{proxy+}", "Method": "post"}},
                },
            },
        }
    },
}


@pytest.fixture
def template_path(tmp_path: Path) -> Path:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(TEMPLATE), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("api", "gateway_options"),
    [
        ("ServerlessRestApi", {"api": "rest", "routes": ["POST /upload/{proxy+}"]}),
        ("ServerlessHttpApi", {"api": "http", "routes": ["GET /items/{id}"]}),
    ],
)
def test_from_template_aims_requests_at_the_templates_routes(
    template_path: Path, api: str, gateway_options: dict[str, Any]
) -> None:
    gateway = Gateway(None, **gateway_options)
    expected = gateway.config.routes[0]

    @settings(max_examples=10)
    @given(from_template(template_path, template_api=api))
    def check(request: HttpRequest) -> None:
        event = quietly_build(gateway, request)
        assert request.method == expected.method
        assert event.get("resource", event.get("routeKey")) in (expected.path, expected.key)

    check()


def test_from_template_turns_template_errors_into_invalid_argument(template_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="several APIs") as info:
        from_template(template_path)  # two APIs and no template_api=...
    assert isinstance(info.value.__cause__, ConfigurationError)


# -- invalid arguments ------------------------------------------------------------------------------------
INVALID: list[tuple[Callable[..., object], dict[str, Any], str]] = [
    (paths, {"min_segments": -1}, "min_segments"),
    (paths, {"min_segments": 3, "max_segments": 2}, "min_segments"),
    (paths, {"max_segments": 1.5}, "max_segments"),
    (paths, {"percent_encoding": None}, "percent_encoding"),
    (paths, {"unicode": "yes"}, "unicode"),
    (query_strings, {"min_params": -1}, "min_params"),
    (query_strings, {"min_params": 4, "max_params": 1}, "min_params"),
    (query_strings, {"duplicates": 1}, "duplicates"),
    (headers, {"min_size": -1}, "min_size"),
    (headers, {"min_size": 3, "max_size": 1}, "min_size"),
    (headers, {"max_size": True}, "max_size"),
    (headers, {"duplicates": "no"}, "duplicates"),
    (headers, {"exclude": "host"}, "exclude"),
    (headers, {"exclude": [b"host"]}, "exclude"),
    (bodies, {"kind": "json"}, "kind"),
    (bodies, {"max_size": -1}, "max_size"),
    (bodies, {"kind": "binary", "max_size": 0}, "max_size"),
    (multipart_bodies, {"min_parts": 0}, "min_parts"),
    (multipart_bodies, {"min_parts": 3, "max_parts": 2}, "min_parts"),
    (multipart_bodies, {"field_names": "file"}, "field_names"),
    (multipart_bodies, {"binary": None}, "binary"),
    (images, {"formats": ()}, "formats"),
    (images, {"formats": "PNG"}, "formats"),
    (images, {"formats": ("PSD",)}, "formats"),
    (images, {"modes": ("XYZ",)}, "modes"),
    (images, {"formats": ("JPEG",), "modes": ("RGBA",)}, "modes"),
    (images, {"min_size": 0}, "min_size"),
    (images, {"min_size": 5, "max_size": 2}, "min_size"),
    (images, {"formats": ("WEBP",), "max_size": 20_000}, "max_size"),
    (requests, {"methods": "GET"}, "methods"),
    (requests, {"paths": "/"}, "paths"),
    (requests, {"queries": ""}, "queries"),
    (requests, {"headers": ()}, "headers"),
    (requests, {"bodies": b""}, "bodies"),
    (events, {"api": "soap"}, "api"),
    (events, {"requests": HttpRequest("GET")}, "requests"),
    (events, {"stage": "bad stage!"}, "stage"),
    (events, {"no_such_option": 1}, "no_such_option"),
    (from_gateway, {"gateway": "gw"}, "gateway"),
    (from_gateway, {"gateway": Gateway(None), "requests": None}, "requests"),
    (from_gateway, {"gateway": Gateway(None, routes=[])}, "routes"),
    (from_template, {"path": 42}, "path"),
    (from_template, {"path": "t.yaml", "api": 1}, "api"),
    (from_template, {"path": "t.yaml", "function": 1}, "function"),
    (from_template, {"path": "t.yaml", "parameters": ["Stage"]}, "parameters"),
    (from_template, {"path": "t.yaml", "custom_domain": "yes"}, "custom_domain"),
    (from_template, {"path": "t.yaml", "requests": "x"}, "requests"),
]


@pytest.mark.parametrize(
    ("strategy", "kwargs", "argument"),
    INVALID,
    ids=[f"{fn.__name__}-{'-'.join(kwargs)}" for fn, kwargs, _ in INVALID],
)
def test_invalid_arguments_raise_invalid_argument_naming_them(
    strategy: Callable[..., object], kwargs: dict[str, Any], argument: str
) -> None:
    if "gateway" in kwargs or "path" in kwargs:  # the positional argument
        first = kwargs.pop("gateway", kwargs.pop("path", None))
        call: Callable[[], object] = lambda: strategy(first, **kwargs)  # noqa: E731
    else:
        call = lambda: strategy(**kwargs)  # noqa: E731
    with pytest.raises(InvalidArgument, match=re.escape(argument)):
        call()


DRAW_TIME_INVALID: list[tuple[Any, str]] = [
    (requests(bodies=st.just(cast(Any, 42))), "bodies"),
    (requests(bodies=st.just(cast(Any, ("text/plain", "text")))), "bodies"),
    (requests(methods=st.just("NOT A METHOD")), "method"),
    (multipart_bodies(field_names=st.just("a\x00b")), "field_names"),
    (multipart_bodies(field_names=st.just(cast(Any, 7))), "field_names"),
]


@pytest.mark.parametrize(("strategy", "argument"), DRAW_TIME_INVALID)
def test_invalid_drawn_values_raise_invalid_argument(strategy: st.SearchStrategy[Any], argument: str) -> None:
    with pytest.raises(InvalidArgument, match=argument):
        find(strategy, lambda _: True, settings=settings(FIND, phases=[Phase.generate]))


# -- shrinking ------------------------------------------------------------------------------------------
def test_requests_shrink_to_a_small_body_and_a_simple_request() -> None:
    request = find(requests(), lambda r: len(r.body) > 3, settings=FIND)
    assert len(request.body) <= 4
    assert (request.method, request.path, request.query) == ("GET", "/", "")
    assert [name for name, _ in request.headers] == ["Content-Type"]


def test_images_shrink_to_a_one_pixel_rgb_png() -> None:
    encoded = find(images(), lambda _: True, settings=FIND)
    with Image.open(io.BytesIO(encoded)) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGB", (1, 1))


def test_multipart_bodies_shrink_to_one_empty_field() -> None:
    content_type, body = find(multipart_bodies(), lambda _: True, settings=FIND)
    assert content_type == "multipart/form-data; boundary=0"
    assert body == b'--0\r\nContent-Disposition: form-data; name="file"\r\n\r\n\r\n--0--\r\n'


def test_from_gateway_shrinks_to_the_first_route() -> None:
    gateway = ROUTED_GATEWAYS[1]
    request = find(from_gateway(gateway), lambda _: True, settings=FIND)
    method, (prefix, segment) = request.method, request.path.rsplit("/", 1)
    assert (method, prefix) == ("GET", "/v1/items")
    assert len(segment) == 1
    assert segment.isalnum()
