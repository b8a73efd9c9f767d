"""Compiling and rendering mapping templates: Velocity as API Gateway runs it (spec 10.3)."""

from __future__ import annotations

import threading

import pytest

from apigw_emulator.mapping import (
    TemplateRenderError,
    TemplateSyntaxError,
    TemplateVariables,
    compile_template,
    render_template,
)


def test_compilation_is_cached_per_template_text() -> None:
    """The same template text is compiled once and reused: later renderings do not parse it again."""
    text = "#set($x = 1)cached-${x}-" + "a" * 17
    compile_template.cache_clear()
    first = compile_template(text)
    for _ in range(5):
        assert render_template(text, TemplateVariables()) == "cached-1-" + "a" * 17
    assert compile_template(text) is first
    info = compile_template.cache_info()
    assert (info.misses, info.currsize) == (1, 1)


def test_a_syntax_error_names_where() -> None:
    """A template that is not Velocity fails with :class:`TemplateSyntaxError` naming line and column."""
    with pytest.raises(TemplateSyntaxError, match=r"line 2, column \d+"):
        render_template("ok\n$util.urlEncode('a'", TemplateVariables())


def test_velocity_literals_render_as_java_does() -> None:
    """``true``/``false`` are lower case, maps ``{k=v}``, lists ``[a, b]`` (Java's toString)."""
    template = "#set($b = true)#set($m = {'k': 'v'})#set($l = ['a', 'b'])$b $m $l.size()"
    assert render_template(template, TemplateVariables()) == "true {k=v} 2"


def test_undefined_references_render_empty() -> None:
    """A reference to nothing renders as nothing (AWS; L6 test_apigw_stage_variables)."""
    assert (
        render_template("[$nothing][$input.nothing][$context.nothing.deeper]", TemplateVariables())
        == "[][][]"
    )


def test_mock_status_template_renders_its_json() -> None:
    """The MOCK request template ``{"statusCode": 200}`` renders unchanged (spec 10.4)."""
    assert render_template('{"statusCode": 200}', TemplateVariables()) == '{"statusCode": 200}'


def test_renderings_in_parallel_threads_do_not_interfere() -> None:
    """A compiled template is shared: renderings in several threads each get their own variables."""
    template = "$input.json('$.n')"
    compile_template(template)
    results: dict[int, str] = {}

    def work(n: int) -> None:
        for _ in range(50):
            results[n] = render_template(template, TemplateVariables(body=f'{{"n": {n}}}'))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {n: str(n) for n in range(4)}


def test_a_failing_call_inside_the_template_is_a_render_error() -> None:
    """An error of a call the template makes (here: indexing past a list's end with ``get``) is a
    :class:`TemplateRenderError`, never a stray exception."""
    with pytest.raises(TemplateRenderError):
        render_template("$input.path('$.l').get(5)", TemplateVariables(body='{"l": [1]}'))


def test_template_must_be_text() -> None:
    """A template that is not a ``str`` is a ``TypeError`` naming the type."""
    with pytest.raises(TypeError, match="bytes"):
        compile_template(b"$input.body")
