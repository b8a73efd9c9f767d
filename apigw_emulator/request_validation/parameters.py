"""Required request parameters (``method.request.header.X: true``...), checked as API Gateway's validator
checks them (spec 10.1): present and not blank, listed headers first, then path parameters, then query
strings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..query import parse_query_decoded
from ..request import HttpRequest
from .failure import ValidationConfigError

__all__ = ["RequiredParameters", "missing_parameters", "required_parameters"]

_PARAMETER = re.compile(
    r"method\.request\.(header|multivalueheader|path|querystring|multivaluequerystring)\.(.+)", re.DOTALL
)
# AWS's snapshot lists a missing header, then a path parameter, then a query string; the multi-value
# spellings are the same parameters read another way.
_GROUP = {"header": 0, "multivalueheader": 0, "path": 1, "querystring": 2, "multivaluequerystring": 2}


@dataclass(frozen=True, slots=True)
class RequiredParameters:
    """A method's required parameters, each group in the order a failure lists them."""

    headers: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    query: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.headers or self.path or self.query)


def required_parameters(parameters: Mapping[str, bool], where: str) -> RequiredParameters:
    """The required parameters of ``method.request_parameters``.

    Within a group the names are sorted: AWS's recorded answer lists one parameter of each kind, so only the
    order of the kinds is known; sorting is what LocalStack does.

    :param where: the method, for messages.
    :raises ValidationConfigError: for a key that is not ``method.request.{location}.{name}``.
    """
    groups: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    for key, required in parameters.items():
        match = _PARAMETER.fullmatch(key)
        if match is None or not match.group(2):
            raise ValidationConfigError(
                f"{where}: request parameter {key!r} is not method.request.header.NAME, "
                "method.request.querystring.NAME or method.request.path.NAME"
            )
        if required:
            groups[_GROUP[match.group(1)]].add(match.group(2))
    headers, path, query = (tuple(sorted(group)) for group in groups)
    return RequiredParameters(headers, path, query)


def missing_parameters(
    required: RequiredParameters, request: HttpRequest, path_parameters: Mapping[str, str]
) -> list[str]:
    """The required parameters ``request`` lacks or sends blank, in the order AWS lists them.

    Header names match case-insensitively. A header or query string sent several times is judged by its
    last value, the one ``method.request.header.X`` and ``method.request.querystring.X`` give an integration.
    """
    missing = [name for name in required.headers if _blank(request.header(name))]
    missing += [name for name in required.path if _blank(path_parameters.get(name))]
    if required.query:
        query = parse_query_decoded(request.query)
        missing += [name for name in required.query if _blank(_last(query.get(name)))]
    return missing


def _last(values: list[str] | None) -> str | None:
    return values[-1] if values else None


def _blank(value: str | None) -> bool:
    """Absent, empty or only whitespace. AWS's guide says required parameters must be "included and not
    blank"; its recorded answers show absent ones, the whitespace case follows the word."""
    return value is None or not value.strip()
