"""Header handling of the front doors that lower-case names: HTTP APIs, function URLs and ALB (private)."""

from __future__ import annotations

from ..request import HttpRequest

__all__ = ["HOP_BY_HOP", "lowercase_headers", "split_cookies"]

#: Connection-level headers that a front door speaking HTTP/2 or its own connection does not forward.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
        "expect",
    }
)


def split_cookies(values: list[str]) -> list[str]:
    """``["a=1; b=2"]`` -> ``["a=1", "b=2"]``: one element per cookie (spec 2.3)."""
    out: list[str] = []
    for value in values:
        out.extend(cookie for cookie in (part.strip() for part in value.split(";")) if cookie)
    return out


def lowercase_headers(
    request: HttpRequest, replaced: frozenset[str], *, joined: bool
) -> tuple[dict[str, str] | dict[str, list[str]], list[str], str | None, str | None, list[str]]:
    """Lower-case the client's headers and drop ``replaced`` ones.

    With ``joined`` duplicates become ``"first,second"`` (HTTP API 2.0, function URL); otherwise each name
    maps to the list of its values. Returns (headers, cookie header values, user agent, content type,
    client X-Forwarded-For values).
    """
    out: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    cookies: list[str] = []
    forwarded: list[str] = []
    user_agent: str | None = None
    content_type: str | None = None
    for name, value in request.headers:
        lname = name.lower()
        if lname in replaced:
            continue
        if lname == "x-forwarded-for":
            forwarded.append(value)
            continue
        if lname == "cookie":
            cookies.append(value)
        elif lname == "user-agent":
            user_agent = value
        elif lname == "content-type":
            content_type = value
        if joined:
            prior = out.get(lname)
            out[lname] = value if prior is None else f"{prior},{value}"
        else:
            values = multi.get(lname)
            if values is None:
                multi[lname] = [value]
            else:
                values.append(value)
    return (out if joined else multi), cookies, user_agent, content_type, forwarded
