"""Reading template and OpenAPI files: YAML with CloudFormation's short-form tags, or JSON.

Every short-form tag becomes its long form, so the rest of the package sees one spelling:
``!Ref X`` is ``{"Ref": "X"}``, ``!GetAtt A.B`` is ``{"Fn::GetAtt": ["A", "B"]}``, ``!Condition C`` is
``{"Condition": "C"}`` and ``!Sub``, ``!Join``... are ``{"Fn::Sub": ...}``, ``{"Fn::Join": ...}``.
Timestamps stay strings (CloudFormation reads ``2012-10-17`` as text) and a key repeated in one mapping
is an error, as CloudFormation has it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import yaml

from .errors import TemplateError

__all__ = ["SHORT_FORM_TAGS", "CloudFormationLoader", "load_document"]

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


class CloudFormationLoader(yaml.SafeLoader):
    """A ``yaml.SafeLoader`` that reads CloudFormation templates (see the module docstring)."""

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
            return json.loads(text)
        except json.JSONDecodeError:
            pass  # YAML flow style, or invalid: the YAML parser says which
    stream = io.StringIO(text)
    stream.name = str(path)  # PyYAML names the file in its messages
    try:
        return yaml.load(stream, Loader=CloudFormationLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise TemplateError(f"the {what} is not valid YAML: {exc}", where=where) from None
