"""``$input`` in mapping templates: spec 10.3, one test per rule.

Sources: AWS's "Variables for data transformations" (mapping template reference, ``$input`` variables);
LocalStack's AWS-validated tests named in each docstring (``tests/aws/services/apigateway/``).
"""

from __future__ import annotations

import json

import pytest

from apigw_emulator.mapping import (
    BodyNotJsonError,
    TemplateRenderError,
    TemplateVariables,
    render_template,
)

BODY = json.dumps({"a": {"foo": "bar"}, "list": [{"foo": "bar"}], "n": None, "t": True, "num": 1.5})


def _render(template: str, **variables: object) -> str:
    return render_template(template, TemplateVariables(**variables))  # type: ignore[arg-type]


def test_input_body_of_an_empty_payload_is_an_empty_object() -> None:
    """``$input.body`` of an empty body is ``{}`` (spec 10.3; L6 test_input_body_formatting)."""
    assert _render("$input.body", body="") == "{}"


def test_input_body_is_the_payload_text_unchanged() -> None:
    """``$input.body`` is the payload as sent, spacing and all (reference: "the raw request payload")."""
    assert _render("[$input.body]", body='{ "a" : 1 }') == '[{ "a" : 1 }]'


def test_input_path_renders_an_object_as_a_java_map() -> None:
    """``$input.path('$.a')`` of an object renders ``{foo=bar}`` (spec 10.3; L6
    test_input_path_template_formatting)."""
    assert _render("$input.path('$.a')", body=BODY) == "{foo=bar}"


def test_input_path_renders_a_list_as_compact_json() -> None:
    """A list from ``$input.path`` renders as compact JSON ``[{"foo":"bar"}]`` (spec 10.3; L6
    test_input_path_template_formatting)."""
    assert _render("$input.path('$.list')", body=BODY) == '[{"foo":"bar"}]'


def test_input_path_list_inside_an_object_stays_compact_json() -> None:
    """Inside a map a list keeps its JSON form; null and booleans are lower case (spec 10.3, L6)."""
    rendered = _render("$input.path('$')", body=BODY)
    assert rendered == '{a={foo=bar}, list=[{"foo":"bar"}], n=null, t=true, num=1.5}'


def test_input_path_list_has_size() -> None:
    """``.size()`` works on lists (spec 10.3)."""
    assert _render("$input.path('$.list').size()", body=BODY) == "1"


def test_input_path_values_drive_directives() -> None:
    """An object's fields are reachable and usable in ``#if``/``#foreach`` (reference: ``$input.path``
    returns an object)."""
    template = "#foreach($item in $input.path('$.list'))$item.foo#end #if($input.path('$.t'))yes#end"
    assert _render(template, body=BODY) == "bar yes"


def test_input_path_of_nothing_renders_nothing() -> None:
    """A path naming nothing gives null, which renders as nothing (AWS renders null references empty)."""
    assert _render("[$input.path('$.missing')]", body=BODY) == "[]"


def test_input_json_returns_compact_json_text() -> None:
    """``$input.json('$')`` returns the payload as JSON text (spec 10.3), written compactly."""
    assert _render("$input.json('$')", body='{"a": [1, 2], "b": "x"}') == '{"a":[1,2],"b":"x"}'


def test_input_json_of_a_string_is_quoted() -> None:
    """``$input.json('$.s')`` of a string is a JSON string, quotes included (reference example
    ``"name": $input.json('$.name')``)."""
    assert _render("$input.json('$.a.foo')", body=BODY) == '"bar"'


def test_input_json_of_nothing_is_an_empty_json_string() -> None:
    """A definite path naming nothing gives ``""`` so that ``"k": $input.json(...)`` stays JSON."""
    assert _render("{\"k\": $input.json('$.missing')}", body=BODY) == '{"k": ""}'


def test_input_json_of_a_wildcard_is_a_list() -> None:
    """A path that can name several values gives the list of what it found (JSONPath)."""
    assert _render("$input.json('$.list[*].foo')", body=BODY) == '["bar"]'


def test_input_json_without_payload_reads_an_empty_object() -> None:
    """No payload reads as ``{}`` (spec 10.3): ``$input.json('$')`` is ``{}``, not an error."""
    assert _render("$input.json('$')", body="") == "{}"


def test_input_json_of_a_payload_that_is_not_json_says_so() -> None:
    """AWS answers 400 ``Could not parse request body into json: ...``; the library raises
    :class:`BodyNotJsonError` with that message for the request flow to turn into it."""
    with pytest.raises(BodyNotJsonError, match=r"^Could not parse request body into json: "):
        _render("$input.json('$')", body="name=x")


def test_a_body_nested_beyond_the_parsers_depth_is_a_render_error() -> None:
    """A payload nested 100,000 levels deep fails with :class:`TemplateRenderError`, not a crash of the
    interpreter or a hang."""
    deep = "[" * 100_000 + "]" * 100_000
    for template in ("$input.json('$')", "$input.path('$')", "$util.parseJson($input.body)"):
        with pytest.raises(TemplateRenderError):
            _render(template, body=deep)


def test_input_path_with_a_bad_jsonpath_is_a_render_error() -> None:
    """A JSONPath that does not parse is a clear error naming the path, never a crash."""
    with pytest.raises(TemplateRenderError, match=r"invalid JSONPath '\$\[\['"):
        _render("$input.path('$[[')", body=BODY)


PARAMS = {
    "path": {"id": "7", "both": "from-path"},
    "querystring": {"q": "a b", "both": "from-query", "qh": "from-query"},
    "header": {"X-Custom": "h", "qh": "from-header"},
}


def _params(template: str) -> str:
    return _render(template, path=PARAMS["path"], querystring=PARAMS["querystring"], header=PARAMS["header"])


def test_input_params_looks_in_path_then_querystring_then_header() -> None:
    """``$input.params('x')`` looks in path, then query string, then headers (spec 10.3; reference)."""
    assert _params("$input.params('both') $input.params('qh') $input.params('X-Custom')") == (
        "from-path from-query h"
    )


def test_input_params_of_an_unknown_name_is_empty() -> None:
    """An unknown parameter renders as an empty string (reference; L6)."""
    assert _params("\"$input.params('nope')\"") == '""'


def test_input_params_renders_path_querystring_header_maps() -> None:
    """``$input.params()`` gives ``{path={...}, querystring={...}, header={...}}`` (spec 10.3), in Java's
    map form (as AWS writes it: ``{path={path=users}, querystring={fields=id}, header={}}``)."""
    assert _params("$input.params()") == (
        "{path={id=7, both=from-path}, querystring={q=a b, both=from-query, qh=from-query}, "
        "header={X-Custom=h, qh=from-header}}"
    )


def test_input_params_kinds_are_maps_with_keyset_and_get() -> None:
    """``$input.params().header/querystring/path`` are maps: ``keySet()`` and ``get()`` work (the
    reference's "pass all parameters" example)."""
    template = (
        "#foreach($name in $input.params().querystring.keySet())"
        "$name=$input.params().querystring.get($name)#if($foreach.hasNext)&#end#end"
    )
    assert _params(template) == "q=a b&both=from-query&qh=from-query"
    assert _params("$input.params().path.id $input.params().header.keySet()") == "7 [X-Custom, qh]"
