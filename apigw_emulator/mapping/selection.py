"""Which mapping template applies: request templates by Content-Type, response templates by Accept,
and the integration's ``passthroughBehavior`` when no request template matches (spec 10.3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from ..errors import ConfigurationError
from ..media_types import essence

__all__ = [
    "DEFAULT_MEDIA_TYPE",
    "PASSTHROUGH_BEHAVIORS",
    "Passthrough",
    "RequestTemplateChoice",
    "SelectedTemplate",
    "UnsupportedMediaType",
    "select_request_template",
    "select_response_template",
]

#: What a request without Content-Type (or a response request without Accept) is taken to be.
DEFAULT_MEDIA_TYPE: Final = "application/json"
PassthroughBehavior = Literal["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"]
#: The integration's ``passthroughBehavior`` values.
PASSTHROUGH_BEHAVIORS: Final = frozenset({"WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"})


@dataclass(frozen=True, slots=True)
class SelectedTemplate:
    """The template to render: the media type it is declared for, and its text."""

    media_type: str
    template: str


@dataclass(frozen=True, slots=True)
class Passthrough:
    """No template applies: the payload goes to the integration untransformed."""

    media_type: str


@dataclass(frozen=True, slots=True)
class UnsupportedMediaType:
    """The gateway refuses the request: 415, gateway response type ``UNSUPPORTED_MEDIA_TYPE``, message
    ``Unsupported Media Type`` (rendered by the gateway responses, spec 10.2)."""

    media_type: str
    status: int = 415
    response_type: str = "UNSUPPORTED_MEDIA_TYPE"
    message: str = "Unsupported Media Type"


RequestTemplateChoice = SelectedTemplate | Passthrough | UnsupportedMediaType


def _declared(templates: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Declared media types, by their essence (lower case, no parameters)."""
    return {essence(name) or name.lower(): (name, text) for name, text in templates.items()}


def select_request_template(
    templates: Mapping[str, str], content_type: str | None, passthrough_behavior: str = "WHEN_NO_MATCH"
) -> RequestTemplateChoice:
    """The request template for a request of ``content_type`` (its MIME type only: parameters such as
    ``charset`` are ignored; none means ``application/json``), or what happens without one:

    - ``WHEN_NO_MATCH``: a type without template passes through untransformed;
    - ``WHEN_NO_TEMPLATES``: passes through only when the integration has no template at all, else 415;
    - ``NEVER``: a type without template is refused with 415.

    :raises ConfigurationError: for a ``passthrough_behavior`` that is not one of those three.
    """
    if passthrough_behavior not in PASSTHROUGH_BEHAVIORS:
        raise ConfigurationError(
            f"passthroughBehavior must be one of {sorted(PASSTHROUGH_BEHAVIORS)}, "
            f"got {passthrough_behavior!r}"
        )
    media_type = essence(content_type) or DEFAULT_MEDIA_TYPE
    found = _declared(templates).get(media_type)
    if found is not None:
        return SelectedTemplate(found[0], found[1])
    if passthrough_behavior == "WHEN_NO_MATCH" or (
        passthrough_behavior == "WHEN_NO_TEMPLATES" and not templates
    ):
        return Passthrough(media_type)
    return UnsupportedMediaType(media_type)


def _first_accept(accept: str | None) -> str:
    if not accept:
        return DEFAULT_MEDIA_TYPE
    return essence(accept.split(",", 1)[0]) or DEFAULT_MEDIA_TYPE


def select_response_template(templates: Mapping[str, str], accept: str | None) -> SelectedTemplate | None:
    """The response template for a client that sent ``accept``: the template of the first Accept type
    (MIME type only; none means ``application/json``); when no template is declared for it, the
    ``application/json`` template, else the first declared one (LocalStack's AWS-validated integration
    response handling). None when the integration response has no template (the body passes through).
    """
    if not templates:
        return None
    declared = _declared(templates)
    found = declared.get(_first_accept(accept)) or declared.get(DEFAULT_MEDIA_TYPE)
    if found is None:
        found = next(iter(declared.values()))
    return SelectedTemplate(found[0], found[1])
