"""The requests ``conform record`` sends to every front door of the echo stack.

A curated set (:func:`curated`): bodies (JSON, forms, binary, a real PNG, multipart, invalid UTF-8, gzip),
the header casing and duplicate-header cases of API Gateway's header rules, cookies, repeated and encoded
query strings, encoded paths, methods, and Lambda results for the front door to map (status codes,
``multiValueHeaders``, cookies, ``isBase64Encoded``, malformed results), asked of the echo function with
``x-conform-result``; a body near Lambda's limits when asked for. Then requests drawn from the project's
own hypothesis strategies with a fixed seed (:func:`generated`).
"""

from __future__ import annotations

import base64
import gzip
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ApigwEmulatorError

__all__ = [
    "DEFAULT_HEADERS",
    "RESULT_HEADER",
    "CorpusError",
    "CorpusRequest",
    "curated",
    "encode_result",
    "generated",
    "png_image",
]

#: The request header that asks the echo function for a result (base64url of a JSON document).
RESULT_HEADER = "x-conform-result"
#: Headers every request of the corpus sends unless it sends its own (a client always sends them).
DEFAULT_HEADERS = (("User-Agent", "apigw-emulator-conform"), ("Accept", "*/*"))
#: The first path segment of every request of the corpus.
PREFIX = "/echo"


class CorpusError(ApigwEmulatorError, ValueError):
    """The corpus cannot be built as asked (a missing optional dependency, a bad size)."""


@dataclass(frozen=True)
class CorpusRequest:
    """One request of the corpus: ``target`` is the path and query as sent, relative to the front door's
    URL; ``headers`` are sent in this order and casing, duplicates included."""

    id: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def asked_result(self) -> Any:
        """The Lambda result this request asks the echo function for, or None (it asks for the echo, or
        its ``x-conform-result`` is not base64url JSON: the echo function answers 400 then)."""
        for name, value in reversed(self.headers):  # the echo function reads the last value
            if name.lower() == RESULT_HEADER:
                padded = value.strip() + "=" * (-len(value.strip()) % 4)
                try:
                    return json.loads(base64.urlsafe_b64decode(padded))
                except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
                    return None
        return None


def encode_result(result: Any) -> str:
    """The ``x-conform-result`` value that asks the echo function to return ``result``."""
    text = json.dumps(result, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _request(
    id: str,
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
) -> CorpusRequest:
    pairs = list(headers)
    names = {name.lower() for name, _ in pairs}
    defaults = [(name, value) for name, value in DEFAULT_HEADERS if name.lower() not in names]
    return CorpusRequest(id, method, PREFIX + target, (*defaults, *pairs), body)


def png_image(size: int = 16) -> bytes:
    """A small RGB PNG made with Pillow (a gradient, the same bytes for the same Pillow).

    :raises CorpusError: without Pillow.
    """
    try:
        from PIL import Image  # noqa: PLC0415 - optional, as for the image strategies
    except ImportError:
        raise CorpusError(
            "the corpus sends an image made with Pillow: install it "
            "(pip install 'apigw-emulator[hypothesis]')"
        ) from None
    image = Image.new("RGB", (size, size))
    image.putdata([(x * 16 % 256, y * 16 % 256, (x + y) * 8 % 256) for y in range(size) for x in range(size)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _multipart(image: bytes) -> tuple[str, bytes]:
    boundary = "conform-boundary-7MA4YWxkTrZu0gW"
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="title"\r\n\r\ncaf\xc3\xa9 & cr\xc3\xa8me\r\n',
        b'--%s\r\nContent-Disposition: form-data; name="image"; filename="dot.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + image + b"\r\n",
    ]
    body = b"".join(part.replace(b"%s", boundary.encode(), 1) for part in parts) + b"--%s--\r\n" % (
        boundary.encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


def _requests(image: bytes) -> list[CorpusRequest]:
    content_type, multipart = _multipart(image)
    json_body = json.dumps({"message": "hello", "unicode": "lambda-\u03bb \u2713"}, ensure_ascii=False)
    return [
        # -- paths and queries
        _request("get-root", "GET", "/"),
        _request("get-path", "GET", "/items/42"),
        _request("get-trailing-slash", "GET", "/items/"),
        _request("get-encoded-path", "GET", "/a%20b/c%2Fd/e%25f/caf%C3%A9/%2B+"),
        _request("get-double-slash", "GET", "//twice//inside"),
        _request("get-repeated-query", "GET", "/q?repeat=one&repeat=two&repeat=three"),
        _request(
            "get-encoded-query",
            "GET",
            "/q?redirect=https%3A%2F%2Fexample.com%2Fa%2Fb&literalPlus=a+b&encodedPlus=a%2Bb"
            "&space=a%20b&check=%E2%9C%93&comma=a%2Cb&empty=&flag",
        ),
        _request("get-query-case", "GET", "/q?Key=upper&key=lower&KEY=shout"),
        _request("get-query-no-value-repeated", "GET", "/q?a&a=&a=1"),
        # -- headers: casing, duplicates, what the front doors add, drop or re-case
        _request(
            "get-header-casing",
            "GET",
            "/headers",
            [
                ("tEsT-HEADeR", "aValUE"),
                ("x-lower", "lower"),
                ("X-UPPER", "UPPER"),
                ("authorization", "t0k3n"),
            ],
        ),
        _request(
            "get-lowercase-well-known",
            "GET",
            "/headers",
            [("user-agent", "lower-agent"), ("accept", "text/html")],
        ),
        _request("get-duplicate-header", "GET", "/headers", [("X-Probe", "first"), ("X-Probe", "second")]),
        _request(
            "get-duplicate-header-casing",
            "GET",
            "/headers",
            [("X-Case", "a"), ("x-case", "b"), ("X-CASE", "c")],
        ),
        _request("get-duplicate-header-comma", "GET", "/headers", [("X-List", "a,b"), ("X-List", "c")]),
        _request(
            "get-dropped-headers",
            "GET",
            "/headers",
            [("Max-Forwards", "5"), ("Content-MD5", "Q2hlY2sgSW50ZWdyaXR5IQ=="), ("Via", "1.1 client-proxy")],
        ),
        _request("get-client-forwarded-for", "GET", "/headers", [("X-Forwarded-For", "203.0.113.7")]),
        _request(
            "get-client-trace-id",
            "GET",
            "/headers",
            [
                (
                    "X-Amzn-Trace-Id",
                    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                )
            ],
        ),
        _request("get-empty-header-value", "GET", "/headers", [("X-Empty", "")]),
        # -- cookies
        _request("get-cookies", "GET", "/cookies", [("Cookie", "session=abc123; theme=dark")]),
        _request("get-two-cookie-headers", "GET", "/cookies", [("Cookie", "a=1"), ("Cookie", "b=2; c=3")]),
        _request("get-cookie-odd", "GET", "/cookies", [("Cookie", 'flag; quoted="x y"; empty=')]),
        # -- methods
        _request("head", "HEAD", "/items/42"),
        _request("options", "OPTIONS", "/items/42", [("Origin", "https://example.com")]),
        _request("delete-with-body", "DELETE", "/items/42", [("Content-Type", "text/plain")], b"gone"),
        _request("patch-json", "PATCH", "/items/42", [("Content-Type", "application/json")], b'{"a":1}'),
        # -- bodies
        _request("post-json", "POST", "/body", [("Content-Type", "application/json")], json_body.encode()),
        _request("post-empty", "POST", "/body", [("Content-Type", "application/json")]),
        _request(
            "post-form",
            "POST",
            "/body",
            [("Content-Type", "application/x-www-form-urlencoded")],
            b"a=1&b=x+y&c=%E2%9C%93",
        ),
        _request(
            "post-text-charset",
            "POST",
            "/body",
            [("Content-Type", "text/plain; charset=utf-8")],
            "\u00e9t\u00e9".encode(),
        ),
        _request(
            "post-text-latin1",
            "POST",
            "/body",
            [("Content-Type", "text/plain; charset=latin-1")],
            b"\xe9t\xe9",
        ),
        _request(
            "post-octet-stream",
            "POST",
            "/body",
            [("Content-Type", "application/octet-stream")],
            bytes(range(256)),
        ),
        _request("post-no-content-type", "POST", "/body", [], b"\x00\x01 no type \xff"),
        _request("post-png", "POST", "/body", [("Content-Type", "image/png")], image),
        _request("post-multipart", "POST", "/body", [("Content-Type", content_type)], multipart),
        _request(
            "post-gzip-json",
            "POST",
            "/body",
            [("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
            gzip.compress(b'{"zipped":true}', mtime=0),
        ),
        *_results(image),
    ]


def _result(id: str, result: Any, headers: Sequence[tuple[str, str]] = ()) -> CorpusRequest:
    return _request(
        f"result-{id}", "GET", f"/result/{id}", [*headers, (RESULT_HEADER, encode_result(result))]
    )


def _results(image: bytes) -> list[CorpusRequest]:
    png = base64.b64encode(image).decode("ascii")
    zipped = base64.b64encode(gzip.compress(b"zipped text", mtime=0)).decode("ascii")
    return [
        _result("status-201", {"statusCode": 201, "body": "created"}),
        _result("status-204", {"statusCode": 204}),
        _result(
            "status-404-text", {"statusCode": 404, "headers": {"Content-Type": "text/plain"}, "body": "no"}
        ),
        _result("status-500", {"statusCode": 500, "body": "failed"}),
        _result(
            "multi-value-headers",
            {
                "statusCode": 200,
                "headers": {"X-Single": "1", "X-Both": "single"},
                "multiValueHeaders": {"X-Multi": ["a", "b"], "X-Both": ["m1", "m2"]},
                "body": "ok",
            },
        ),
        _result(
            "set-cookie-headers",
            {
                "statusCode": 200,
                "multiValueHeaders": {"Set-Cookie": ["a=1; Path=/", "b=2; HttpOnly"]},
                "body": "ok",
            },
        ),
        _result("cookies", {"statusCode": 200, "cookies": ["a=1; Path=/", "b=2; Secure"], "body": "ok"}),
        _result(
            "png-accept-png",
            {
                "statusCode": 200,
                "headers": {"Content-Type": "image/png"},
                "body": png,
                "isBase64Encoded": True,
            },
            [("Accept", "image/png")],
        ),
        _result(
            "png-accept-json",
            {
                "statusCode": 200,
                "headers": {"Content-Type": "image/png"},
                "body": png,
                "isBase64Encoded": True,
            },
            [("Accept", "application/json")],
        ),
        _result(
            "gzip-body",
            {
                "statusCode": 200,
                "headers": {"Content-Type": "text/plain", "Content-Encoding": "gzip"},
                "body": zipped,
                "isBase64Encoded": True,
            },
        ),
        _result(
            "remapped-headers",
            {
                "statusCode": 200,
                "headers": {
                    "Date": "Thu, 01 Jan 2015 00:00:00 GMT",
                    "Server": "echo",
                    "Connection": "close",
                    "Content-Length": "5",
                    "WWW-Authenticate": "Basic",
                    "X-Custom": "kept",
                },
                "body": "hello",
            },
        ),
        _result("no-headers-no-type", {"statusCode": 200, "body": "<p>html?</p>"}),
        _result("json-object-without-status", {"hello": "world"}),
        _result("string", "just a string"),
        _result("number", 42),
        _result("list", [1, 2]),
        _result("empty-object", {}),
        _result("status-as-string", {"statusCode": "200", "body": "x"}),
        _result("status-out-of-range", {"statusCode": 99, "body": "x"}),
        _result("body-not-a-string", {"statusCode": 200, "body": {"not": "a string"}}),
        _result("bad-base64", {"statusCode": 200, "body": "not base64!", "isBase64Encoded": True}),
        _result("header-value-list", {"statusCode": 200, "headers": {"X-Bad": ["a", "b"]}, "body": "x"}),
        _result("header-value-number", {"statusCode": 200, "headers": {"X-Num": 5}, "body": "x"}),
        _result("unknown-key", {"statusCode": 200, "body": "x", "unexpected": True}),
    ]


def curated(*, large_body: int = 0) -> list[CorpusRequest]:
    """The curated requests, in a fixed order with unique ids.

    :param large_body: when above 0, also a binary POST of that many bytes (near Lambda's 6 MB request
        limit once base64: about 4.4 MB), left out by default for its size.
    :raises CorpusError: without Pillow (the corpus sends a PNG), or for a negative size.
    """
    if large_body < 0:
        raise CorpusError(f"large_body={large_body}: a size in bytes, 0 for none")
    corpus = _requests(png_image())
    if large_body:
        body = bytes(range(256)) * (large_body // 256) + bytes(range(large_body % 256))
        corpus.append(
            _request(
                f"post-large-{large_body}",
                "POST",
                "/body",
                [("Content-Type", "application/octet-stream")],
                body,
            )
        )
    return corpus


def generated(count: int, *, seed: int = 2112) -> list[CorpusRequest]:
    """``count`` requests drawn from :func:`apigw_emulator.strategies.requests` with a fixed ``seed`` (the
    same requests for the same seed and hypothesis version; fewer when hypothesis runs out of new ones).

    :raises CorpusError: without hypothesis, or for a negative count.
    """
    if count < 0:
        raise CorpusError(f"generated={count}: a number of requests, 0 for none")
    if count == 0:
        return []
    try:
        from hypothesis import HealthCheck, Phase, given, settings  # noqa: PLC0415 - optional
        from hypothesis import seed as seeded  # noqa: PLC0415
    except ImportError:
        raise CorpusError(
            "generated requests need hypothesis: install it (pip install 'apigw-emulator[hypothesis]') or "
            "use --generated 0"
        ) from None
    from .. import strategies  # noqa: PLC0415 - needs hypothesis

    drawn: list[Any] = []

    @seeded(seed)
    @settings(
        max_examples=count,
        database=None,
        derandomize=False,  # the seed decides, whatever profile is loaded
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategies.requests(bodies=strategies.bodies(max_size=512)))
    def draw(request: Any) -> None:
        drawn.append(request)

    draw()
    corpus = []
    for number, request in enumerate(drawn[:count], start=1):
        target = request.path + (f"?{request.query}" if request.query else "")
        corpus.append(
            _request(f"generated-{number:04d}", request.method, target, request.headers, request.body or b"")
        )
    return corpus
