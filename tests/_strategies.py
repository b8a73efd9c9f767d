"""Hypothesis strategies for HTTP requests as a client puts them on the wire (test-only).

The well-formed strategies (:func:`requests`) only produce what the spec says every front door accepts
and forwards: token methods, properly percent-encoded paths and queries, header names the front doors do
not replace (spec 2.1, 2.3, 2.4), header values without CR/LF/NUL or surrounding whitespace, well-formed
cookies, and bodies paired with a Content-Type. :data:`arbitrary_requests` and :data:`gateway_options`
feed the "never crashes" property with anything at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "BINARY_CONTENT_TYPES",
    "INVALID_UTF8_BODIES",
    "METHODS",
    "TEXT_CONTENT_TYPES",
    "BodySpec",
    "RequestSpec",
    "alb_bodies",
    "arbitrary_requests",
    "binary_bodies",
    "cookie_headers",
    "gateway_options",
    "header_lists",
    "is_replaced_header",
    "lambda_bodies",
    "paths",
    "queries",
    "requests",
    "utf8_bodies",
]

Header = tuple[str, str]


@dataclass(frozen=True)
class BodySpec:
    """A body, the Content-Type sent with it (None: no header) and headers that go with it."""

    content_type: str | None
    body: bytes
    extra_headers: tuple[Header, ...] = ()


@dataclass(frozen=True)
class RequestSpec:
    """One client request: what to hand to ``Gateway.request``."""

    method: str
    path: str
    query: str
    plain_headers: tuple[Header, ...]
    cookies: tuple[Header, ...]
    body: BodySpec

    @property
    def target(self) -> str:
        """``path?query`` as given to ``Gateway.request``."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def headers(self) -> list[Header]:
        """Every header, in the order sent: plain ones, cookies, then Content-Type and body headers."""
        out = [*self.plain_headers, *self.cookies]
        if self.body.content_type is not None:
            out.append(("Content-Type", self.body.content_type))
        out.extend(self.body.extra_headers)
        return out


# -- methods ------------------------------------------------------------------------------------------
METHODS = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    st.from_regex(r"[A-Z]{1,12}", fullmatch=True),
)


# -- percent-encoding ---------------------------------------------------------------------------------
def _pct(char: str, lower: bool) -> str:
    """Percent-encode every UTF-8 byte of ``char`` (even unreserved ones: ``A`` -> ``%41``)."""
    return "".join(f"%{b:02x}" if lower else f"%{b:02X}" for b in char.encode("utf-8"))


_encoded_chars = st.builds(_pct, st.characters(codec="utf-8"), st.booleans())
# Escapes that front doors treat specially: the slash, the percent sign itself, space, '?', '#', '+'.
_special_escapes = st.sampled_from(["%2F", "%2f", "%25", "%20", "%3F", "%23", "%2B", "%3D", "%26", "%C3%A9"])

# -- paths (RFC 3986 pchar; no '#', space or CR/LF raw) ----------------------------------------------
_PATH_RAW = "ABCXYZabcxyz0189-._~!$&'()*+,;=:@"
_path_atoms = st.one_of(
    st.sampled_from(list(_PATH_RAW)),
    _encoded_chars,
    _special_escapes,
    # Raw non-ASCII: Gateway.request percent-encodes it as requests does.
    st.characters(min_codepoint=0xA0, codec="utf-8"),
)
_segments = st.lists(_path_atoms, max_size=6).map("".join)
_first_segments = st.lists(_path_atoms, min_size=1, max_size=6).map("".join)


def _join_path(first: str, rest: list[str]) -> str:
    return "/" + "/".join([first, *rest])


# The first segment is never empty: a leading "//" is collapsed by the front doors (spec 1.3), a rule the
# round-trip tests do not model. Inner "//" and a trailing "/" are kept. "://" would make the target a URL.
paths = st.one_of(
    st.just("/"),
    st.builds(_join_path, _first_segments, st.lists(_segments, max_size=4)),
).filter(lambda p: "://" not in p)

# -- queries: duplicate keys, blank values, flags, '+' and '%2B' -------------------------------------
_QUERY_RAW = "ABCXYZabcxyz0189-._~!$'()*,:@/?"
_query_atoms = st.one_of(
    st.sampled_from(list(_QUERY_RAW)),
    st.just("+"),
    _encoded_chars,
    _special_escapes,
)
_query_components = st.lists(_query_atoms, max_size=6).map("".join)
# A small pool makes duplicate keys likely; the other branch adds any key, possibly empty.
_query_keys = st.one_of(st.sampled_from(["a", "q", "a+b", "x%2By", "%C3%A9", "tag"]), _query_components)


def _query_part(key: str, value: str | None) -> str:
    return key if value is None else f"{key}={value}"


# value None is a bare flag (``?flag``), "" a blank value (``?empty=``).
_query_parts = st.builds(_query_part, _query_keys, st.one_of(st.none(), _query_components))
queries = st.lists(_query_parts, max_size=6).map("&".join)

# -- headers ------------------------------------------------------------------------------------------
_REPLACED_NAMES = frozenset(
    {
        # Set by the front door itself or generated from the body.
        "host",
        "content-length",
        "content-type",  # comes from the BodySpec
        "content-encoding",  # ALB-specific, comes from the BodySpec
        "cookie",  # comes from cookie_headers
        "via",
        "forwarded",
        # Hop-by-hop and the other headers REST drops (spec 2.1).
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "expect",
        "max-forwards",
        "content-md5",
        "server",
        "proxy-authenticate",
        "proxy-authorization",
        "www-authenticate",
    }
)
_REPLACED_PREFIXES = ("x-forwarded-", "x-amzn-", "x-amz-", "cloudfront-")


def is_replaced_header(name: str) -> bool:
    """Whether some front door drops, replaces or adds a header of this name."""
    lname = name.lower()
    return lname in _REPLACED_NAMES or lname.startswith(_REPLACED_PREFIXES)


def _recase(name: str, mask: int) -> str:
    """``name`` with the letters whose bit is set in ``mask`` swapped to the other case."""
    return "".join(c.swapcase() if (mask >> i) & 1 else c for i, c in enumerate(name))


_header_bases = st.one_of(
    # Authorization and User-Agent are re-cased by REST (spec 2.1); the others are common client headers.
    st.sampled_from(
        [
            "X-Custom",
            "Accept",
            "Accept-Language",
            "Cache-Control",
            "X-Request-Id",
            "Authorization",
            "User-Agent",
        ]
    ),
    st.from_regex(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,16}", fullmatch=True).filter(
        lambda n: not is_replaced_header(n)
    ),
)
header_names = st.builds(_recase, _header_bases, st.integers(0, 2**16 - 1) | st.just(0))
# Visible ASCII and Latin-1 (obs-text), tab inside; str.strip() removes any surrounding whitespace.
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f") | st.just("\t"),
    max_size=16,
).map(str.strip)
header_lists = st.lists(st.tuples(header_names, header_values), max_size=8).map(tuple)

# -- cookies: well-formed "name=value; name=value" headers (RFC 6265 cookie-octets) ------------------
_cookie_pairs = st.builds(
    "{}={}".format,
    st.from_regex(r"[A-Za-z0-9_\-]{1,8}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9!#$%&'()*+\-./:<=>?@\[\]^_`{|}~]{0,8}", fullmatch=True),
)
cookie_headers = st.lists(
    st.tuples(
        st.sampled_from(["Cookie", "cookie", "COOKIE"]),
        st.lists(_cookie_pairs, min_size=1, max_size=3).map("; ".join),
    ),
    max_size=2,
).map(tuple)

# -- bodies -------------------------------------------------------------------------------------------
#: What HTTP APIs, function URLs and ALB pass as text (spec 3.3, 4.2), parameters included.
TEXT_CONTENT_TYPES = (
    "text/plain",
    "text/html; charset=utf-8",
    "text/csv",
    "application/json",
    "application/json; charset=UTF-8",
    "application/xml",
    "application/javascript",
)
#: What they base64-encode (spec 3.3: anything else, including form posts and no Content-Type).
BINARY_CONTENT_TYPES = (
    None,
    "application/octet-stream",
    "image/png",
    "image/jpeg",
    "application/pdf",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
)

utf8_bodies = st.text(max_size=64).map(lambda s: s.encode("utf-8"))
# Bytes that never occur in valid UTF-8, whatever surrounds them (a lone 0x80 could finish a sequence).
_never_utf8 = st.sampled_from([b"\xff", b"\xfe", b"\xc0", b"\xc1", b"\xf5", b"\xed\xa0\x80"])
#: Bodies that are certainly not valid UTF-8 (JPEG and PNG signatures among them).
INVALID_UTF8_BODIES = st.one_of(
    st.sampled_from([b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"]),
    st.builds(lambda a, b, c: a + b + c, st.binary(max_size=16), _never_utf8, st.binary(max_size=16)),
)
binary_bodies = st.one_of(st.binary(max_size=64), INVALID_UTF8_BODIES, utf8_bodies)

#: Bodies for HTTP APIs and function URLs: text types carry UTF-8, the others any bytes.
lambda_bodies = st.one_of(
    st.builds(BodySpec, st.sampled_from(TEXT_CONTENT_TYPES), utf8_bodies),
    st.builds(BodySpec, st.sampled_from(BINARY_CONTENT_TYPES), binary_bodies),
)
#: ALB bodies: as above, plus any bytes under any type with a Content-Encoding header (spec 4.2, D19).
alb_bodies = st.one_of(
    lambda_bodies,
    st.builds(
        BodySpec,
        st.sampled_from(TEXT_CONTENT_TYPES + BINARY_CONTENT_TYPES),
        binary_bodies,
        st.sampled_from([(("Content-Encoding", "gzip"),), (("content-encoding", "br"),)]),
    ),
)


def requests(bodies: st.SearchStrategy[BodySpec]) -> st.SearchStrategy[RequestSpec]:
    """Well-formed requests whose body (and Content-Type) come from ``bodies``."""
    return st.builds(
        RequestSpec,
        method=METHODS,
        path=paths,
        query=queries,
        plain_headers=header_lists,
        cookies=cookie_headers,
        body=bodies,
    )


# -- anything at all, for the "never crashes" property -----------------------------------------------
_any_header_names = st.one_of(
    header_names,
    st.sampled_from(
        [
            "Host",
            "Content-Length",
            "content-type",
            "Content-Encoding",
            "Cookie",
            "X-Forwarded-For",
            "x-forwarded-proto",
            "X-Amzn-Trace-Id",
            "Via",
            "Connection",
            "Transfer-Encoding",
            "User-Agent",
            "x-amzn-tls-version",
            "CloudFront-Viewer-Country",
        ]
    ),
    st.from_regex(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}", fullmatch=True),
)
_any_content_types = st.one_of(
    st.none(), st.sampled_from(TEXT_CONTENT_TYPES + BINARY_CONTENT_TYPES[1:]), st.text(max_size=20)
)
# Any text but CR, LF and NUL, surrounding whitespace included (the library strips spaces and tabs).
_any_header_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=20
)
# At most one header whose name and value are any text (mostly not a token: InvalidRequestError), so
# that most examples still reach the builders.
_maybe_invalid_header = st.one_of(st.just(()), st.tuples(st.tuples(st.text(max_size=6), st.text(max_size=8))))


def _concat(valid: list[Header], maybe_invalid: tuple[Header, ...]) -> tuple[Header, ...]:
    return (*valid, *maybe_invalid)


arbitrary_requests = st.builds(
    RequestSpec,
    method=st.one_of(METHODS, st.from_regex(r"[a-zA-Z\-_]{1,8}", fullmatch=True), st.text(max_size=6)),
    path=st.text(max_size=30),
    query=st.text(max_size=30),
    plain_headers=st.builds(
        _concat,
        st.lists(st.tuples(_any_header_names, _any_header_values), max_size=8),
        _maybe_invalid_header,
    ),
    cookies=st.lists(st.tuples(st.just("Cookie"), _any_header_values), max_size=2).map(tuple),
    body=st.builds(BodySpec, _any_content_types, st.binary(max_size=64)),
)


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {**base, **extra}


# A custom domain, optionally with a base path mapping (base_path needs domain_name).
_custom_domain: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {"domain_name": st.just("api.example.com"), "base_path": st.sampled_from(["", "v1"])}
    ),
)
#: Keyword arguments of ``Gateway`` for every front door, with the options that change events.
gateway_options: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.builds(
        _merged,
        st.fixed_dictionaries(
            {
                "api": st.just("rest"),
                "binary_media_types": st.sampled_from(
                    [[], ["*/*"], ["image/png", "image/*"], ["multipart~1form-data"]]
                ),
                "endpoint_type": st.sampled_from(["EDGE", "REGIONAL", "PRIVATE"]),
            },
            optional={
                "stage": st.sampled_from(["Prod", "v1"]),
                "routes": st.sampled_from([["GET /items/{id}", "ANY /{proxy+}"], ["/hardcoded"]]),
            },
        ),
        _custom_domain,
    ),
    st.builds(
        _merged,
        st.fixed_dictionaries(
            {"api": st.sampled_from(["http", "http-v1"]), "decode_raw_path": st.booleans()},
            optional={
                "stage": st.sampled_from(["$default", "beta"]),
                "routes": st.sampled_from([["GET /items/{id}"], ["ANY /{proxy+}", "$default"]]),
            },
        ),
        _custom_domain,
    ),
    st.fixed_dictionaries({"api": st.just("function-url")}),
    st.fixed_dictionaries(
        {
            "api": st.just("alb"),
            "multi_value_headers": st.booleans(),
            "scheme": st.sampled_from(["https", "http"]),
        }
    ),
)
