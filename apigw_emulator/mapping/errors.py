"""What can go wrong while selecting or rendering a mapping template."""

from __future__ import annotations

from ..errors import ApigwEmulatorError

__all__ = [
    "BodyNotJsonError",
    "MappingTemplateError",
    "TemplateLimitError",
    "TemplateRenderError",
    "TemplateSyntaxError",
]


class MappingTemplateError(ApigwEmulatorError):
    """Base class of the mapping template errors.

    On AWS a template that cannot be rendered makes the gateway answer with an error of its own; the request
    flow turns these exceptions into that answer.
    """


class TemplateSyntaxError(MappingTemplateError, ValueError):
    """The template is not valid Velocity (AWS refuses it when it is saved; here it fails when first used).

    The message says where (line and column) and what the parser expected.
    """


class TemplateRenderError(MappingTemplateError):
    """The template failed while it was rendered: a bad JSONPath, ``$util.base64Decode`` of text that is not
    base64, ``$util.parseJson`` of text that is not JSON... The original exception is the ``__cause__``."""


class BodyNotJsonError(TemplateRenderError):
    """``$input.json()`` or ``$input.path()`` was called on a body that is not JSON.

    The message starts as AWS's 400 answer does: ``Could not parse request body into json: ...``.
    """


class TemplateLimitError(TemplateRenderError):
    """The rendering passed one of the emulator's bounds on a template's work (see
    :mod:`apigw_emulator.mapping.limits`): too much output, too many loop iterations, too long."""
