"""Mapping templates (Velocity) of REST API non-proxy integrations (spec 10.3).

A pure package: it selects the template for a request or a response, and renders it with ``$input``,
``$util``, ``$context`` and ``$stageVariables``; the request flow decides when. Templates are compiled
once per text (:func:`compile_template`) and rendered with `airspeed-ext`_.

>>> variables = TemplateVariables(body='{"name": "x"}', stage_variables={"env": "dev"})
>>> render_template("$input.json('$.name') in $stageVariables.env", variables)
'"x" in dev'

.. _airspeed-ext: https://pypi.org/project/airspeed-ext/
"""

from __future__ import annotations

from .errors import (
    BodyNotJsonError,
    MappingTemplateError,
    TemplateLimitError,
    TemplateRenderError,
    TemplateSyntaxError,
)
from .render import Rendered, RequestOverride, ResponseOverride, compile_template, render, render_template
from .selection import (
    DEFAULT_MEDIA_TYPE,
    PASSTHROUGH_BEHAVIORS,
    Passthrough,
    RequestTemplateChoice,
    SelectedTemplate,
    UnsupportedMediaType,
    select_request_template,
    select_response_template,
)
from .util import UtilVariable, escape_javascript
from .variables import TemplateVariables, context_variables

__all__ = [
    "DEFAULT_MEDIA_TYPE",
    "PASSTHROUGH_BEHAVIORS",
    "BodyNotJsonError",
    "MappingTemplateError",
    "Passthrough",
    "Rendered",
    "RequestOverride",
    "RequestTemplateChoice",
    "ResponseOverride",
    "SelectedTemplate",
    "TemplateLimitError",
    "TemplateRenderError",
    "TemplateSyntaxError",
    "TemplateVariables",
    "UnsupportedMediaType",
    "UtilVariable",
    "compile_template",
    "context_variables",
    "escape_javascript",
    "render",
    "render_template",
    "select_request_template",
    "select_response_template",
]
