"""Which template applies (spec 10.3; AWS's "integration-passthrough-behaviors" and
"request-response-data-mappings" pages; LocalStack's AWS-validated integration response handling)."""

from __future__ import annotations

import pytest

from apigw_emulator.errors import ConfigurationError
from apigw_emulator.mapping import (
    Passthrough,
    SelectedTemplate,
    UnsupportedMediaType,
    select_request_template,
    select_response_template,
)

TEMPLATES = {"application/json": "json-template", "application/xml": "xml-template"}


def test_request_template_is_chosen_by_content_type() -> None:
    """The request's Content-Type picks the template."""
    assert select_request_template(TEMPLATES, "application/xml") == SelectedTemplate(
        "application/xml", "xml-template"
    )


def test_request_template_selection_ignores_charset_and_case() -> None:
    """MIME type only: parameters such as ``charset`` are ignored, and case does not matter (spec 10.3)."""
    chosen = select_request_template(TEMPLATES, "Application/JSON; charset=UTF-8")
    assert chosen == SelectedTemplate("application/json", "json-template")


def test_request_without_content_type_is_application_json() -> None:
    """No Content-Type means ``application/json`` (spec 10.3)."""
    assert select_request_template(TEMPLATES, None) == SelectedTemplate("application/json", "json-template")
    assert select_request_template(TEMPLATES, "") == SelectedTemplate("application/json", "json-template")


def test_when_no_match_passes_an_unmapped_type_through() -> None:
    """``WHEN_NO_MATCH``: a content type without template passes through untransformed (spec 10.3)."""
    assert select_request_template(TEMPLATES, "text/plain", "WHEN_NO_MATCH") == Passthrough("text/plain")


def test_when_no_templates_passes_through_only_without_any_template() -> None:
    """``WHEN_NO_TEMPLATES``: passthrough when no template is defined at all, else 415 (spec 10.3)."""
    assert select_request_template({}, "text/plain", "WHEN_NO_TEMPLATES") == Passthrough("text/plain")
    refused = select_request_template(TEMPLATES, "text/plain", "WHEN_NO_TEMPLATES")
    assert refused == UnsupportedMediaType("text/plain")


def test_never_refuses_an_unmapped_type_with_415() -> None:
    """``NEVER``: an unmapped content type gets 415 Unsupported Media Type (spec 10.3), also when the
    integration has no template."""
    for templates in (TEMPLATES, {}):
        refused = select_request_template(templates, "text/plain", "NEVER")
        assert isinstance(refused, UnsupportedMediaType)
        assert (refused.status, refused.response_type, refused.message) == (
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Unsupported Media Type",
        )
    assert select_request_template(TEMPLATES, "application/json", "NEVER") == SelectedTemplate(
        "application/json", "json-template"
    )


def test_unknown_passthrough_behavior_is_a_configuration_error() -> None:
    """A value AWS does not know is refused with the three it accepts."""
    with pytest.raises(ConfigurationError, match="WHEN_NO_MATCH"):
        select_request_template(TEMPLATES, None, "ALWAYS")


def test_response_template_is_chosen_by_the_first_accept_type() -> None:
    """Response templates go by the first Accept type, MIME type only (spec 10.3)."""
    chosen = select_response_template(TEMPLATES, "application/xml;q=0.9, application/json")
    assert chosen == SelectedTemplate("application/xml", "xml-template")


def test_response_without_accept_uses_application_json() -> None:
    """No Accept means ``application/json`` (spec 10.3)."""
    assert select_response_template(TEMPLATES, None) == SelectedTemplate("application/json", "json-template")


def test_unmatched_accept_falls_back_to_json_then_the_first_template() -> None:
    """An Accept type without template uses the ``application/json`` template, else the first one
    (LocalStack's integration response handler, validated against AWS)."""
    assert select_response_template(TEMPLATES, "text/html") == SelectedTemplate(
        "application/json", "json-template"
    )
    only_xml = {"application/xml": "xml-template"}
    assert select_response_template(only_xml, "text/html") == SelectedTemplate(
        "application/xml", "xml-template"
    )


def test_response_without_templates_passes_through() -> None:
    """No response template: nothing to render, the integration's body passes through."""
    assert select_response_template({}, "application/json") is None
