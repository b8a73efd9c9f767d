"""Reading template and OpenAPI files: YAML with CloudFormation's short-form tags, or JSON.

Every short-form tag becomes its long form, so the rest of the package sees one spelling:
``!Ref X`` is ``{"Ref": "X"}``, ``!GetAtt A.B`` is ``{"Fn::GetAtt": ["A", "B"]}``, ``!Condition C`` is
``{"Condition": "C"}`` and ``!Sub``, ``!Join``... are ``{"Fn::Sub": ...}``, ``{"Fn::Join": ...}``.
Timestamps stay strings (CloudFormation reads ``2012-10-17`` as text) and a key repeated in one mapping
is an error, as CloudFormation has it.

What a file may make is bounded, so a hostile or broken one is a :class:`TemplateError` rather than a hang
or a crash: mappings and lists nest at most :data:`MAX_NESTING` levels deep (YAML and JSON alike), and
YAML aliases may expand the document to at most :data:`MAX_VALUES` values (a "billion laughs" document
is a few hundred bytes that expand to 10^9). An alias to the node that contains it is refused too.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import yaml

from .._nesting import deeper_than
from .errors import TemplateError

__all__ = ["MAX_NESTING", "MAX_VALUES", "SHORT_FORM_TAGS", "CloudFormationLoader", "load_document"]

#: The deepest nesting of mappings and lists a template or OpenAPI file may have. Real templates nest a
#: few dozen levels (an OpenAPI schema inside ``DefinitionBody`` included); the bound keeps what reads
#: them well inside Python's stack.
MAX_NESTING = 100
#: The most values (scalars, mappings, lists) a YAML document may stand for once its aliases are
#: expanded: ten times what the largest template CloudFormation accepts (1 MB) can spell out.
MAX_VALUES = 1_000_000

#: Short-form tag to the key of its long form.
SHORT_FORM_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Equals",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
        )
    },
}


class UnboundedDocumentError(ValueError):
    """A document nests deeper than :data:`MAX_NESTING`, or its aliases expand past :data:`MAX_VALUES`
    (or refer to themselves); the message says which, and where."""


class _Budget:
    """What the events of a YAML document add up to: nesting depth, and values with aliases expanded."""

    def __init__(self) -> None:
        self.values = 0
        #: Open mappings and sequences: (anchor, values counted when it opened).
        self.open: list[tuple[str | None, int]] = []
        #: Values each closed anchored node stands for.
        self.sizes: dict[str, int] = {}

    def see(self, event: yaml.Event) -> None:
        """Account for one event; :raises UnboundedDocumentError: past a bound."""
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            assert anchor is not None
            if any(name == anchor for name, _ in self.open):
                raise UnboundedDocumentError(
                    f"the YAML alias *{anchor} ({_line(event)}) refers to a node that contains it: the "
                    "document would be infinite"
                )
            self._count(self.sizes.get(anchor, 1), event, anchor)
        elif isinstance(event, yaml.ScalarEvent):
            self._count(1, event)
            if anchor is not None:
                self.sizes[anchor] = 1
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(self.open) >= MAX_NESTING:
                raise UnboundedDocumentError(
                    f"mappings and lists nest more than {MAX_NESTING} levels deep ({_line(event)}); "
                    "flatten the document"
                )
            self._count(1, event)
            self.open.append((anchor, self.values - 1))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            name, start = self.open.pop()
            if name is not None:
                self.sizes[name] = self.values - start

    def _count(self, values: int, event: yaml.Event, alias: str | None = None) -> None:
        self.values += values
        if self.values > MAX_VALUES:
            how = f"the alias *{alias}" if alias is not None else "a value"
            raise UnboundedDocumentError(
                f"the YAML aliases expand the document to more than {MAX_VALUES:,} values ({how}, "
                f"{_line(event)}): an alias bomb, or aliases nested in aliases too many times"
            )


def _line(event: yaml.Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}" if mark is not None else "somewhere"


class CloudFormationLoader(yaml.SafeLoader):
    """A ``yaml.SafeLoader`` that reads CloudFormation templates (see the module docstring).

    :raises UnboundedDocumentError: while loading, for a document past :data:`MAX_NESTING` or
        :data:`MAX_VALUES`.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._budget = _Budget()

    def get_event(self) -> Any:
        """The parser's next event, counted against the document's bounds before it is composed."""
        event = super().get_event()  # type: ignore[no-untyped-call]
        self._budget.see(event)
        return event

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Construct a mapping, rejecting a key given twice (PyYAML would keep the last silently)."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r}",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_any(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node, deep=True)


def _short_form(long_name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        value = _construct_any(loader, node)
        if long_name == "Fn::GetAtt" and isinstance(value, str):
            resource, _, attribute = value.partition(".")
            value = [resource, attribute]
        return {long_name: value}

    return construct


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)
    return loader.construct_scalar(node)


for _tag, _long_name in SHORT_FORM_TAGS.items():
    CloudFormationLoader.add_constructor(_tag, _short_form(_long_name))
CloudFormationLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_document(path: Path, *, what: str = "template", where: str = "") -> Any:
    """Read a YAML or JSON file with CloudFormation's short-form tags in their long form.

    :param what: what the file is, for messages (``"template"``, ``"OpenAPI definition"``).
    :param where: the property that names the file, for messages.
    :raises TemplateError: when the file is missing or is not valid YAML/JSON.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"{what} not found: {path}", where=where) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read the {what} {path}: {exc}", where=where) from None
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            pass  # YAML flow style, or invalid: the YAML parser says which
        except RecursionError:
            raise TemplateError(_too_deep(what), where=where) from None
        else:
            if deeper_than(document, MAX_NESTING):
                raise TemplateError(_too_deep(what), where=where)
            return document
    stream = io.StringIO(text)
    stream.name = str(path)  # PyYAML names the file in its messages
    try:
        return yaml.load(stream, Loader=CloudFormationLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise TemplateError(f"the {what} is not valid YAML: {exc}", where=where) from None
    except UnboundedDocumentError as exc:
        raise TemplateError(f"the {what} cannot be read: {exc}", where=where) from None


def _too_deep(what: str) -> str:
    return (
        f"the {what} cannot be read: mappings and lists nest more than {MAX_NESTING} levels "
        "deep; flatten the document"
    )
