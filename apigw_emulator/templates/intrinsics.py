"""Parameters, pseudo parameters, conditions and intrinsic functions, resolved for local emulation.

Only the properties the emulator reads are resolved, strictly: what cannot be known locally
(``Fn::ImportValue``, ``Fn::Cidr``, an attribute of a resource other than a function's ``Arn``, a parameter
without a default nor a value) raises :class:`TemplateError` naming the property, instead of a guess.

Resources resolve to deterministic local values: ``Ref`` to a function is its name (``FunctionName`` or
the logical id), ``Fn::GetAtt Fn.Arn`` its ARN in the template's region and account, ``Ref`` to any other
resource its logical id, and a REST API's ``RootResourceId`` a marker the route readers recognise.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._spelling import parameter_value
from .errors import TemplateError

__all__ = [
    "FUNCTION_TYPES",
    "NO_VALUE",
    "REST_API_TYPES",
    "Parameter",
    "Resolver",
    "is_intrinsic",
    "root_resource_marker",
]

FUNCTION_TYPES = frozenset({"AWS::Serverless::Function", "AWS::Lambda::Function"})
REST_API_TYPES = frozenset({"AWS::Serverless::Api", "AWS::ApiGateway::RestApi"})
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_PSEUDO_DEFAULTS = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "sam-app",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
_LIST_TYPES = ("CommaDelimitedList", "List<")
#: The type prefix of a parameter whose value CloudFormation reads from SSM Parameter Store.
_SSM_VALUE = "AWS::SSM::Parameter::Value<"


class _NoValue:
    """``AWS::NoValue``: the property is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


#: What ``Ref: AWS::NoValue`` resolves to; mappings and lists drop it.
NO_VALUE: Any = _NoValue()


def is_intrinsic(value: Any) -> bool:
    """Whether ``value`` is a long-form intrinsic function (``{"Ref": ...}``, ``{"Fn::Sub": ...}``)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


def root_resource_marker(api_id: str) -> str:
    """What ``Fn::GetAtt <RestApi>.RootResourceId`` resolves to (never a logical id: it has a ``:``)."""
    return f"{api_id}:RootResourceId"


@dataclass(frozen=True)
class Parameter:
    """A template parameter and its value (an override, else its ``Default``; None when neither)."""

    name: str
    type: str
    value: str | None

    def resolved(self, where: str) -> str | list[str]:
        """The value ``Ref`` gives: a list for list types, else a string."""
        if self.value is None:
            raise TemplateError(
                f"parameter {self.name!r} has no Default: pass {parameter_value(self.name)}", where=where
            )
        if self.type.startswith(_SSM_VALUE):
            raise TemplateError(
                f"parameter {self.name!r} is read from SSM ({self.value!r}), which is not read here: pass "
                f"its value, {parameter_value(self.name)}",
                where=where,
            )
        if self.type.startswith(_LIST_TYPES):
            return [item.strip() for item in self.value.split(",")]
        return self.value


def read_parameters(
    declared: Any, overrides: Mapping[str, str] | None, *, where: str = "Parameters"
) -> tuple[dict[str, Parameter], dict[str, str]]:
    """The template's parameters and the pseudo parameters, with the caller's overrides applied.

    ``overrides`` may also set pseudo parameters (``{"AWS::Region": "eu-west-1"}``). An override is the
    parameter's value whatever its type: for an SSM-typed parameter (``AWS::SSM::Parameter::Value<String>``)
    it stands for the value SSM would give, which cannot be read here.

    :raises TemplateError: for an override of an undeclared parameter, or a value outside
        ``AllowedValues``.
    """
    if declared is None:
        declared = {}
    if not isinstance(declared, dict):
        raise TemplateError("Parameters must be a mapping", where=where)
    overrides = dict(overrides or {})
    pseudo = {name: str(overrides.pop(name, default)) for name, default in _PSEUDO_DEFAULTS.items()}
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise TemplateError(
            f"unknown parameter(s) {', '.join(unknown)}; the template declares: "
            f"{', '.join(declared) or 'none'} (and the pseudo parameters {', '.join(_PSEUDO_DEFAULTS)})",
            where=where,
        )
    parameters = {}
    for name, declaration in declared.items():
        spec = declaration if isinstance(declaration, dict) else {}
        value = overrides[name] if name in overrides else spec.get("Default")
        text = None if value is None else scalar_text(value, f"{where}.{name}.Default")
        allowed = spec.get("AllowedValues")
        if (
            name in overrides
            and isinstance(allowed, list)
            and text not in [scalar_text(a, where) for a in allowed]
        ):
            raise TemplateError(
                f"{text!r} is not an allowed value of parameter {name!r}: {allowed}", where=f"{where}.{name}"
            )
        kind = str(spec.get("Type", "String"))
        if name in overrides:
            kind = _ssm_value_type(kind)
        parameters[name] = Parameter(name, kind, text)
    return parameters, pseudo


def _ssm_value_type(kind: str) -> str:
    """The type of the value an SSM-typed parameter holds (``String`` for
    ``AWS::SSM::Parameter::Value<String>``); other types as they are."""
    if kind.startswith(_SSM_VALUE) and kind.endswith(">"):
        return kind[len(_SSM_VALUE) : -1]
    return kind


def scalar_text(value: Any, where: str) -> str:
    """``value`` as CloudFormation writes a scalar in a string: ``true``, ``30``, ``a,b`` for lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ",".join(str(v) for v in value)
    raise TemplateError(f"expected a string, got {json.dumps(value, default=str)}", where=where)


class Resolver:
    """Resolves intrinsic functions against parameters, pseudo parameters, mappings, conditions and
    resources (see the module docstring for the values of resources).

    :param parameters: the template's parameters.
    :param pseudo: ``AWS::Region``, ``AWS::AccountId``... values.
    :param resource_types: logical id to CloudFormation type, generated resources included
        (``ServerlessRestApi``...).
    :param function_name: the name of a function by logical id (resolves its ``FunctionName``).
    :param mappings: the ``Mappings`` section.
    :param conditions: the ``Conditions`` section.
    """

    def __init__(
        self,
        *,
        parameters: Mapping[str, Parameter],
        pseudo: Mapping[str, str],
        resource_types: Mapping[str, str],
        function_name: Callable[[str], str] | None = None,
        mappings: Mapping[str, Any] | None = None,
        conditions: Mapping[str, Any] | None = None,
    ) -> None:
        self.parameters = parameters
        self.pseudo = pseudo
        self.resource_types = resource_types
        self.function_name = function_name or (lambda logical_id: logical_id)
        self.mappings = mappings or {}
        self.conditions = conditions or {}
        self._condition_values: dict[str, bool] = {}
        self._evaluating: set[str] = set()
        self._functions: dict[str, Callable[[Any, str], Any]] = {
            "Ref": self._ref,
            "Condition": lambda name, where: self.condition(self.string(name, where), where),
            "Fn::Sub": self._sub,
            "Fn::GetAtt": self._get_att,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::FindInMap": self._find_in_map,
            "Fn::If": self._if,
            "Fn::Equals": self._equals,
            "Fn::Not": lambda args, where: not self._truth(self._one(args, where), where),
            "Fn::And": lambda args, where: all(self._truth(a, where) for a in self._list(args, where)),
            "Fn::Or": lambda args, where: any(self._truth(a, where) for a in self._list(args, where)),
            "Fn::Base64": lambda arg, where: base64.b64encode(self.string(arg, where).encode()).decode(),
            "Fn::GetAZs": self._get_azs,
            "Fn::Length": lambda arg, where: len(self._list(arg, where)),
            "Fn::ToJsonString": lambda arg, where: json.dumps(
                self.resolve(arg, where), separators=(",", ":")
            ),
        }

    @property
    def region(self) -> str:
        """What ``AWS::Region`` resolves to."""
        return self.pseudo["AWS::Region"]

    @property
    def account_id(self) -> str:
        """What ``AWS::AccountId`` resolves to."""
        return self.pseudo["AWS::AccountId"]

    def function_arn(self, name: str) -> str:
        """The ARN of the function named ``name`` in the template's region and account."""
        return f"arn:{self.pseudo['AWS::Partition']}:lambda:{self.region}:{self.account_id}:function:{name}"

    # -- entry points ----------------------------------------------------------------------------------
    def resolve(self, value: Any, where: str) -> Any:
        """``value`` with every intrinsic function resolved; ``AWS::NoValue`` entries dropped.

        :param where: the property path of ``value``, for messages.
        :raises TemplateError: for what cannot be resolved locally.
        """
        if is_intrinsic(value):
            ((name, args),) = value.items()
            function = self._functions.get(name)
            if function is None:
                raise TemplateError(self._unsupported(name), where=where)
            return function(args, where)
        if isinstance(value, dict):
            items = ((key, self.resolve(item, f"{where}.{key}")) for key, item in value.items())
            return {key: item for key, item in items if item is not NO_VALUE}
        if isinstance(value, list):
            resolved = (self.resolve(item, f"{where}[{i}]") for i, item in enumerate(value))
            return [item for item in resolved if item is not NO_VALUE]
        return value

    def string(self, value: Any, where: str) -> str:
        """``value`` resolved to a string (numbers and booleans as CloudFormation writes them)."""
        return scalar_text(self.resolve(value, where), where)

    def condition(self, name: str, where: str) -> bool:
        """The value of the condition ``name`` of the ``Conditions`` section."""
        if name in self._condition_values:
            return self._condition_values[name]
        if name not in self.conditions:
            raise TemplateError(f"unknown condition {name!r}", where=where)
        if name in self._evaluating:
            raise TemplateError(f"condition {name!r} refers to itself", where=where)
        self._evaluating.add(name)
        try:
            value = self._truth(self.conditions[name], f"Conditions.{name}")
        finally:
            self._evaluating.discard(name)
        self._condition_values[name] = value
        return value

    # -- functions -------------------------------------------------------------------------------------
    @staticmethod
    def _unsupported(name: str) -> str:
        reasons = {
            "Fn::ImportValue": "it reads another stack's export; pass the value as a parameter instead",
            "Fn::Cidr": "address ranges are not computed locally",
            "Fn::Transform": "macros other than AWS::Include in DefinitionBody are not run locally",
        }
        return f"{name} cannot be resolved locally: {reasons.get(name, 'unknown intrinsic function')}"

    def _ref(self, name: Any, where: str) -> Any:
        name = self.string(name, where)
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name].resolved(where)
        resource_type = self.resource_types.get(name)
        if resource_type in FUNCTION_TYPES:
            return self.function_name(name)
        if resource_type is not None:
            return name
        raise TemplateError(
            f"Ref to {name!r}, which is no parameter nor resource of the template", where=where
        )

    def _get_att(self, args: Any, where: str) -> str:
        parts = [self.string(part, where) for part in self._list(args, where)]
        if len(parts) != 2:
            raise TemplateError(f"Fn::GetAtt takes [resource, attribute], got {parts}", where=where)
        resource, attribute = parts
        resource_type = self.resource_types.get(resource)
        if resource_type is None:
            raise TemplateError(f"Fn::GetAtt {resource}.{attribute}: no resource {resource!r}", where=where)
        if resource_type in FUNCTION_TYPES and attribute == "Arn":
            return self.function_arn(self.function_name(resource))
        if resource_type in REST_API_TYPES and attribute == "RootResourceId":
            return root_resource_marker(resource)
        raise TemplateError(
            f"Fn::GetAtt {resource}.{attribute} ({resource_type}) cannot be resolved locally", where=where
        )

    def _sub(self, args: Any, where: str) -> str:
        if isinstance(args, list):
            if len(args) != 2 or not isinstance(args[1], dict):
                raise TemplateError("Fn::Sub takes a string or [string, {variables}]", where=where)
            text, variables = args[0], args[1]
        else:
            text, variables = args, {}
        if not isinstance(text, str):
            raise TemplateError(f"Fn::Sub needs a string, got {text!r}", where=where)
        return self.substitute(text, variables, where)

    def substitute(self, text: str, variables: Mapping[str, Any], where: str) -> str:
        """Replace ``${Name}``, ``${Resource.Attribute}`` and ``${!Literal}`` as ``Fn::Sub`` does."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            name = name.strip()
            if name in variables:
                return self.string(variables[name], f"{where}.{name}")
            if "." in name and "::" not in name:
                resource, _, attribute = name.partition(".")
                return self._get_att([resource, attribute], where)
            return scalar_text(self._ref(name, where), where)

        return _SUB_VARIABLE.sub(replace, text)

    def _join(self, args: Any, where: str) -> str:
        delimiter, items = self._pair(args, "Fn::Join", where)
        return self.string(delimiter, where).join(
            self.string(item, where) for item in self._list(items, where)
        )

    def _select(self, args: Any, where: str) -> Any:
        index, items = self._pair(args, "Fn::Select", where)
        values = self._list(items, where)
        position = int(self.string(index, where))
        if not 0 <= position < len(values):
            raise TemplateError(
                f"Fn::Select index {position} out of range ({len(values)} items)", where=where
            )
        return self.resolve(values[position], where)

    def _split(self, args: Any, where: str) -> list[str]:
        delimiter, text = self._pair(args, "Fn::Split", where)
        return self.string(text, where).split(self.string(delimiter, where))

    def _find_in_map(self, args: Any, where: str) -> Any:
        keys = [self.string(key, where) for key in self._list(args, where)[:3]]
        value: Any = self.mappings
        for depth, key in enumerate(keys):
            if not isinstance(value, dict) or key not in value:
                path = ".".join(keys[: depth + 1])
                raise TemplateError(f"Fn::FindInMap: no Mappings entry {path}", where=where)
            value = value[key]
        return self.resolve(value, where)

    def _if(self, args: Any, where: str) -> Any:
        items = self._list(args, where)
        if len(items) != 3:
            raise TemplateError("Fn::If takes [condition, value if true, value if false]", where=where)
        chosen = items[1] if self.condition(self.string(items[0], where), where) else items[2]
        return self.resolve(chosen, where)

    def _equals(self, args: Any, where: str) -> bool:
        left, right = self._pair(args, "Fn::Equals", where)
        return self.string(left, where) == self.string(right, where)

    def _get_azs(self, arg: Any, where: str) -> list[str]:
        region = self.string(arg, where) or self.region
        return [f"{region}{zone}" for zone in "abc"]

    # -- helpers ---------------------------------------------------------------------------------------
    def _truth(self, value: Any, where: str) -> bool:
        resolved = self.resolve(value, where)
        if isinstance(resolved, bool):
            return resolved
        if isinstance(resolved, str) and resolved.lower() in ("true", "false"):
            return resolved.lower() == "true"
        raise TemplateError(f"expected a condition, got {resolved!r}", where=where)

    def _list(self, value: Any, where: str) -> list[Any]:
        resolved = self.resolve(value, where) if is_intrinsic(value) else value
        if not isinstance(resolved, list):
            raise TemplateError(f"expected a list, got {resolved!r}", where=where)
        return resolved

    def _one(self, args: Any, where: str) -> Any:
        items = args if isinstance(args, list) else [args]
        if len(items) != 1:
            raise TemplateError(f"expected one item, got {items!r}", where=where)
        return items[0]

    def _pair(self, args: Any, name: str, where: str) -> tuple[Any, Any]:
        if not isinstance(args, list) or len(args) != 2:
            raise TemplateError(f"{name} takes two arguments, got {args!r}", where=where)
        return args[0], args[1]
