"""Media-type rules that decide whether a body travels as text or as base64 (spec section 5 and 3.3)."""

from __future__ import annotations

from collections.abc import Iterable

from .errors import ConfigurationError

__all__ = [
    "DEFAULT_TEXT_MEDIA_TYPES",
    "BinaryMediaTypes",
    "essence",
    "is_text_media_type",
    "normalise_media_type_pattern",
]

#: Content types that HTTP APIs, function URLs and ALB pass as text; everything else (including no
#: Content-Type at all) is base64-encoded. Spec 3.3 and 4.2: ``text/*`` plus these exact types.
DEFAULT_TEXT_MEDIA_TYPES: tuple[str, ...] = (
    "text/*",
    "application/json",
    "application/xml",
    "application/javascript",
)


def essence(content_type: str | None) -> str:
    """The ``type/subtype`` of a Content-Type value, lower case, parameters removed (``""`` if none)."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def normalise_media_type_pattern(pattern: str) -> str:
    """Turn a configured binary media type into its plain form.

    SAM and PATCH operations spell ``/`` as ``~1`` (and ``~`` as ``~0``); both spellings are accepted
    (spec 5.5). Raises :class:`ConfigurationError` for a value that is not ``type/subtype``.
    """
    if not isinstance(pattern, str):
        raise ConfigurationError(f"a binary media type must be a str, got {type(pattern).__name__}")
    plain = pattern.strip().replace("~1", "/").replace("~0", "~").lower()
    kind, sep, sub = plain.partition("/")
    if not sep or not kind or not sub or "/" in sub or ";" in plain or " " in plain:
        raise ConfigurationError(
            f"invalid binary media type {pattern!r}: expected 'type/subtype' such as 'image/png', "
            "'image/*', '*/*' or the SAM spelling 'multipart~1form-data'"
        )
    return plain


class BinaryMediaTypes:
    """A REST API's ``binaryMediaTypes`` list and its matching rule.

    An entry matches a media type when it is equal to it (parameters such as ``boundary`` or ``charset``
    ignored, case-insensitive), when it is ``type/*`` and the type is equal, or when it is ``*/*``
    (spec 5.1). A left wildcard such as ``*/json`` matches nothing, as on AWS.
    """

    __slots__ = ("_exact", "_memo", "_patterns", "_prefixes", "_star")

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        if isinstance(patterns, str):
            patterns = [patterns]
        normalised = tuple(dict.fromkeys(normalise_media_type_pattern(p) for p in patterns))
        self._patterns = normalised
        self._star = "*/*" in normalised
        # A wildcard on the left (``*/json``) matches nothing on AWS (spec 5.1, L1), not even itself.
        self._exact = frozenset(p for p in normalised if not p.endswith("/*") and not p.startswith("*/"))
        self._prefixes = frozenset(p[:-1] for p in normalised if p.endswith("/*") and p != "*/*")
        self._memo: dict[str | None, bool] = {}

    @property
    def patterns(self) -> tuple[str, ...]:
        """The configured entries in their plain (``/``) spelling, duplicates removed."""
        return self._patterns

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def __repr__(self) -> str:
        return f"BinaryMediaTypes({list(self._patterns)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BinaryMediaTypes) and other._patterns == self._patterns

    def __hash__(self) -> int:
        return hash(self._patterns)

    def matches(self, content_type: str | None) -> bool:
        """Whether a request ``Content-Type`` (or a response ``Accept`` media type) is binary.

        A missing media type matches nothing, not even ``*/*`` (spec 5.1 UNCONFIRMED; the choice of
        ministack).
        """
        known = self._memo.get(content_type)
        if known is not None:
            return known
        mt = essence(content_type)
        if not self._patterns or not mt or "/" not in mt:
            matched = False
        else:
            matched = self._star or mt in self._exact or mt[: mt.index("/") + 1] in self._prefixes
        if len(self._memo) < 256:
            self._memo[content_type] = matched
        return matched


def is_text_media_type(
    content_type: str | None, text_types: Iterable[str] = DEFAULT_TEXT_MEDIA_TYPES
) -> bool:
    """Whether an HTTP API, function URL or ALB passes a body of this type as text (spec 3.3, 4.2)."""
    mt = essence(content_type)
    if not mt:
        return False
    for pattern in text_types:
        if pattern == mt or (pattern.endswith("/*") and mt.startswith(pattern[:-1])):
            return True
    return False
