"""Mapping templates written to hang or exhaust the gateway: every rendering is bounded (output size,
characters written, block runs, time) and fails with :class:`TemplateLimitError` naming the bound; the
gateway answers 500 and keeps serving."""

from __future__ import annotations

import json
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator.application import Application
from apigw_emulator.mapping import TemplateLimitError, TemplateRenderError, TemplateVariables, render_template
from apigw_emulator.mapping.limits import MAX_BLOCK_RUNS, MAX_OUTPUT_CHARS, MAX_WRITTEN_CHARS


def test_hostile_template_foreach_over_a_huge_range_stops_at_the_block_run_bound() -> None:
    with pytest.raises(TemplateLimitError, match=f"over {MAX_BLOCK_RUNS} block evaluations"):
        render_template("#foreach($i in [1..2000000000])x#end", TemplateVariables())


def test_hostile_template_foreach_over_a_list_it_grows_stops_instead_of_looping_forever() -> None:
    template = "#set($l = [1])#foreach($i in $l)#set($ignored = $l.add($i))#end"
    with pytest.raises(TemplateLimitError, match="block evaluations"):
        render_template(template, TemplateVariables())


def test_hostile_template_nested_loops_count_every_inner_iteration() -> None:
    template = "#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])#end#end#end"
    with pytest.raises(TemplateLimitError, match="block evaluations"):
        render_template(template, TemplateVariables())


def test_hostile_template_string_doubling_with_set_stops_at_the_written_characters_bound() -> None:
    template = '#set($s = "0123456789abcdef")#foreach($i in [1..40])#set($s = "$s$s")#end$s.length()'
    with pytest.raises(TemplateLimitError, match=f"wrote over {MAX_WRITTEN_CHARS} characters"):
        render_template(template, TemplateVariables())


def test_hostile_template_output_over_the_payload_limit_is_refused() -> None:
    body = "y" * (1024 * 1024)
    template = "#foreach($i in [1..11])$input.body#end"
    with pytest.raises(TemplateLimitError, match=f"over {MAX_OUTPUT_CHARS}"):
        render_template(template, TemplateVariables(body=body))


def test_hostile_template_recursive_macro_is_a_render_error_not_a_crash() -> None:
    with pytest.raises(TemplateRenderError):
        render_template("#macro(down $n)#down($n)#end#down(1)", TemplateVariables())


def test_hostile_template_parse_json_of_deeply_nested_json_is_a_render_error_not_a_stack_overflow() -> None:
    body = "[" * 200_000 + "]" * 200_000
    with pytest.raises(TemplateRenderError):
        render_template("$util.parseJson($input.body)", TemplateVariables(body=body))


def test_hostile_template_deeply_nested_body_read_with_input_json_is_a_render_error() -> None:
    body = '{"a":' * 100_000 + "1" + "}" * 100_000
    with pytest.raises(TemplateRenderError):
        render_template("$input.json('$')", TemplateVariables(body=body))


def test_hostile_template_input_json_of_a_6_mb_body_in_a_loop_renders_and_past_10_mb_is_refused() -> None:
    """``$input.json`` of a 6 MB body read in a loop renders (``$input`` parses the body once per
    rendering), and an output over 10 MB is refused rather than built without bound."""
    document = {"items": ["x" * 1000 for _ in range(6000)]}
    body = json.dumps(document)
    assert len(body) > 6_000_000
    assert render_template("#set($a = $input.json('$'))$a.length()", TemplateVariables(body=body)) == str(
        len(json.dumps(document, separators=(",", ":")))
    )
    template = "#foreach($i in [1..3])$input.json('$.items[0]')#end"
    assert render_template(template, TemplateVariables(body=body)) == ('"' + "x" * 1000 + '"') * 3
    with pytest.raises(TemplateLimitError):
        render_template("#foreach($i in [1..3])$input.json('$')#end", TemplateVariables(body=body))


def test_hostile_template_bound_is_per_rendering_so_the_next_one_starts_fresh() -> None:
    with pytest.raises(TemplateLimitError):
        render_template("#foreach($i in [1..2000000])#end", TemplateVariables())
    loop = f"#foreach($i in [1..{MAX_BLOCK_RUNS // 2}])#end"
    assert render_template(loop + "done", TemplateVariables()) == "done"
    assert render_template(loop + "again", TemplateVariables()) == "again"


HOSTILE_MOCK = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: src}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: hostile-templates
      Body:
        swagger: "2.0"
        info: {title: hostile-templates, version: "1"}
        paths:
          /loop:
            post:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '#set($l=[1])#foreach($i in $l)#set($d=$l.add(1))#end{"statusCode": 200}'
                responses:
                  default: {statusCode: "200"}
          /double:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: {application/json: '{"statusCode": 200}'}
                responses:
                  default:
                    statusCode: "200"
                    responseTemplates:
                      application/json: '#set($s = "ab")#foreach($i in [1..40])#set($s = "$s$s")#end$s'
          /fine:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: {application/json: '{"statusCode": 200}'}
                responses:
                  default: {statusCode: "200", responseTemplates: {application/json: '{"fine": true}'}}
"""


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Application]:
    folder: Path = tmp_path_factory.mktemp("hostile-templates")
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n", encoding="utf-8")
    (folder / "template.yaml").write_text(textwrap.dedent(HOSTILE_MOCK), encoding="utf-8")
    with Application.from_template(folder / "template.yaml") as app:
        yield app


@pytest.mark.parametrize(("method", "path"), [("POST", "/loop"), ("GET", "/double")])
def test_hostile_template_through_the_gateway_is_a_500_with_the_bound_as_reason(
    hostile_app: Application, method: str, path: str
) -> None:
    api = hostile_app.apis["Api"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = api.request(method, path, json={})
    assert (response.status_code, response.json()) == (500, {"message": "Internal server error"})
    assert any("mapping template" in str(w.message) for w in caught), [str(w.message) for w in caught]
    assert api.request("GET", "/fine").json() == {"fine": True}
