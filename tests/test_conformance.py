"""Conformance: every real AWS capture in ../shared/conformance/events is rebuilt from its own request.

For each LIVE or VALIDATED event (see SOURCES.md in that folder) the test recovers the client's request
(:func:`request_from_event`) and the deployment (:func:`gateway_options_from_event`), builds the event
again and compares it with the capture field by field. Generated ids, times, trace ids and CloudFront
values cannot be equal; they are checked for their *form* instead. Every other difference fails, with
the JSON path of each one in the message.

Not targets, and left out on purpose (SOURCES.md):
- ``SYNTHETIC-rest-v1-bref-body-base64.json``: written by hand ("Do not treat as AWS truth").
- ``http-v1-dotnet-preview-2019.json``: HTTP API *preview* behaviour (``"version": 2``, base64 flag
  with a null body), "Use it only as a historical reference".
- ``rest-v1-response-validation-localstack-aws-validated.json``: responses as the client sees them,
  not events.

Leniencies are per file, few, and each cites SOURCES.md or the spec (../shared/spec/apigw-behaviour.md).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from apigw_emulator import Gateway, HttpRequest, gateway_options_from_event, request_from_event
from tests.conftest import EVENTS_DIR, load_shared_event

JsonPath = tuple[str | int, ...]
#: ``check(captured, ours, captured_is_placeholder)`` -> a problem, or None when the form is right.
Check = Callable[[Any, Any, bool], "str | None"]

# ------------------------------------------------------------------------------------------------------
# The forms of generated values (spec 1.2, 3.1, 8.9, 8.10; real examples from the captures in comments)
# ------------------------------------------------------------------------------------------------------

_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
#: The 2018 REST captures carry time-based (version 1) UUIDs: `7713b963-f984-11e7-b02a-f346964d4540`.
_ANY_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: `ATfSdF7nPHcErRA=`, `LV7fzho-PHcEJPw=`, `J7jk9g-7oAMEJGw=`.
_SHORT_ID = re.compile(r"[A-Za-z0-9_-]{15}=")
#: `10/Jul/2026:19:19:04 +0000`.
_CLF = re.compile(r"\d{2}/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d{2}:\d{2}:\d{2} \+0000")
#: `al6gqb` (resourceId), `<deployment-id:1>` in the LocalStack snapshot.
_SIX = re.compile(r"[a-z0-9]{6}")
#: `Root=1-6a5145a8-536f3e792f6be9b44c1f46fa`, later with `;Parent=…;Sampled=…` (spec 8.10).
_TRACE = re.compile(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}(?:;.+)?")
#: `3OhHlF5fim8xxjG1-RZEFK4nos0t-JtPu6vvpNkUg9NOcl-Os53gBg==`.
_CF_ID = re.compile(r"[A-Za-z0-9_-]{54}==")
#: `2.0 2d8af5cc5befc5d35bb54b4a5b6494c9.cloudfront.net (CloudFront)`.
_VIA = re.compile(r"(1\.1|2\.0) [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)")
_ASN = re.compile(r"\d+")
_COUNTRY = re.compile(r"[A-Z]{2}")
_IP = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*")
#: A LocalStack snapshot placeholder (`<uuid:1>`, `<host:1>`, `<request-time>`, `<X-Forwarded-For>`).
_PLACEHOLDER = re.compile(r"<[^<>\s][^<>]*>")
#: A numbered placeholder: the snapshot tool gives equal values the same number, different ones another.
_NUMBERED = re.compile(r"<([^<>:]+):(\d+)>")


def _is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and _PLACEHOLDER.fullmatch(value) is not None


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _generated(what: str, ours: re.Pattern[str], capture: re.Pattern[str] | None = None) -> Check:
    """Ours must have the form; the capture too (unless it is a placeholder), which keeps the regex honest."""

    def check(captured: Any, mine: Any, placeholder: bool) -> str | None:
        if not _matches(ours, mine):
            return f"ours {mine!r} is not {what}"
        if not placeholder and not _matches(capture or ours, captured):
            return f"the capture's {captured!r} is not {what}: the form checked here is wrong"
        return None

    return check


def _epoch_ms(captured: Any, mine: Any, placeholder: bool) -> str | None:
    def ok(value: Any) -> bool:
        return type(value) is int and 10**12 <= value < 10**13

    if not ok(mine):
        return f"ours {mine!r} is not an integer epoch in milliseconds (13 digits)"
    if not placeholder and not ok(captured):
        return f"the capture's {captured!r} is not an epoch in milliseconds: the form checked here is wrong"
    return None


def _via(captured: Any, mine: Any, placeholder: bool) -> str | None:
    """CloudFront's Via: random host, but the HTTP version must be the client's (spec 2.1)."""
    if not _matches(_VIA, mine):
        return f"ours {mine!r} is not '<1.1|2.0> <32 hex>.cloudfront.net (CloudFront)'"
    if placeholder:
        return None
    if not _matches(_VIA, captured):
        return f"the capture's {captured!r} is not a CloudFront Via: the form checked here is wrong"
    if str(captured).split(" ", 1)[0] != str(mine).split(" ", 1)[0]:
        return f"HTTP version differs: ours {mine!r}, capture {captured!r}"
    return None


def _edge_forwarded_for(captured: Any, mine: Any, placeholder: bool) -> str | None:
    """EDGE: ``"<client>, <CloudFront edge address>"`` (spec 2.1). The edge address is CloudFront's own
    (a different one per request, `52.46.17.45` and `52.46.17.42` in the 2018 captures), so only its
    form is checked; the client part must be equal."""
    if not isinstance(mine, str):
        return f"ours {mine!r} is not a string"
    ours = [part.strip() for part in mine.split(",")]
    if len(ours) < 2 or not all(_IP.fullmatch(part) for part in ours):
        return f"ours {mine!r} is not '<client>, <CloudFront address>'"
    if placeholder:
        return None
    theirs = [part.strip() for part in str(captured).split(",")]
    if theirs[:-1] != ours[:-1]:
        return f"the client part differs: ours {ours[:-1]}, capture {theirs[:-1]}"
    return None


_REQUEST_ID_UUID = _generated("a lowercase UUID v4", _UUID4, _ANY_UUID)
_SHORT = _generated("a 16-character id like 'ATfSdF7nPHcErRA='", _SHORT_ID)
_TIME = _generated("a CLF time 'dd/Mon/yyyy:HH:MM:SS +0000'", _CLF)
_SIX_ID = _generated("a 6-character lowercase id", _SIX)

# ------------------------------------------------------------------------------------------------------
# The comparator
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """How one capture is compared. Every field other than ``api`` is a documented leniency or quirk."""

    api: str
    #: REST EDGE endpoint: CloudFront's Via, X-Amz-Cf-Id and edge address are generated (spec 2.1).
    edge: bool = False
    #: LocalStack snapshot: ``<...>`` values match anything of ours (SOURCES.md, VALIDATED).
    placeholders: bool = False
    #: voker captures, logged through Go structs: a captured ``null``/``""``/all-empty object may be
    #: absent, ``null`` or ``""`` in ours (SOURCES.md: "Trust the values, not whether a key is present
    #: or null").
    typed_logger: bool = False
    #: Keys ours may add that the capture lacks.
    extra_ok: frozenset[JsonPath] = frozenset()
    #: Keys the capture has that ours may leave out.
    missing_ok: frozenset[JsonPath] = frozenset()
    #: Values not compared (keys still must be present; generated ones are still form-checked).
    skip_values: frozenset[JsonPath] = frozenset()
    #: The capture shows a JSON body parsed into an object (LocalStack snapshot): compare parsed JSON.
    json_body: bool = False
    #: Per-path acceptance of a known, documented difference: ``accept(captured, ours)``.
    quirks: Mapping[JsonPath, Callable[[Any, Any], bool]] = field(default_factory=dict)


def _empty(value: Any) -> bool:
    """What a Go struct logger prints for a value AWS left out: null, "", or an object/list of those."""
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    return value is None or value == ""


def _fmt(path: JsonPath) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:150] + "...(cut)"


class EventComparison:
    """Compares captured events with ours and collects readable differences.

    Numbered placeholders are bound to our values across every :meth:`compare` call of one instance:
    the same ``<name:N>`` must hold the same value of ours everywhere, and ``<name:1>``/``<name:2>``
    different values (that is what the snapshot tool's numbering records).
    """

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.differences: list[str] = []
        self._bound: dict[str, str] = {}
        self._owner: dict[tuple[str, str], str] = {}

    def compare(self, captured: Any, ours: Any) -> list[str]:
        self._walk(captured, ours, ())
        return self.differences

    # -- generated values --------------------------------------------------------------------------
    def _form(self, path: JsonPath) -> Check | None:
        rules = self.rules
        if len(path) == 2 and path[0] == "requestContext":
            key = path[1]
            if key == "requestId":
                return _REQUEST_ID_UUID if rules.api in ("rest", "function-url") else _SHORT
            if key == "extendedRequestId":
                return _SHORT
            if key in ("requestTime", "time"):
                return _TIME
            if key in ("requestTimeEpoch", "timeEpoch"):
                return _epoch_ms
            if key in ("deploymentId", "resourceId"):
                return _SIX_ID
            return None
        header_value = (len(path) == 2 and path[0] == "headers") or (
            len(path) == 3 and path[0] == "multiValueHeaders" and isinstance(path[2], int)
        )
        if not header_value or not isinstance(path[1], str):
            return None
        name = path[1].lower()
        if name == "x-amzn-trace-id":
            return _generated("an X-Ray trace header 'Root=1-<8 hex>-<24 hex>'", _TRACE)
        if not rules.edge:
            return None
        if name == "x-amz-cf-id":
            return _generated("a CloudFront request id (56 url-safe base64 characters)", _CF_ID)
        if name == "via":
            return _via
        if name == "x-forwarded-for":
            return _edge_forwarded_for
        if name == "cloudfront-viewer-asn":
            return _placeholder_only(_generated("an AS number", _ASN))
        if name == "cloudfront-viewer-country":
            return _placeholder_only(_generated("a two-letter country code", _COUNTRY))
        return None

    # -- placeholders ------------------------------------------------------------------------------
    def _bind(self, token: str, ours: Any, path: JsonPath) -> None:
        numbered = _NUMBERED.fullmatch(token)
        if numbered is None:
            return  # `<request-time>`, `<X-Forwarded-For>`: replaced without reference, equal or not
        if isinstance(ours, list) and len(ours) == 1:
            ours = ours[0]  # `multiValueHeaders.X: ["<x:1>"]` holds the same value as `headers.X`
        value = json.dumps(ours, sort_keys=True)
        bound = self._bound.setdefault(token, value)
        if bound != value:
            self.differences.append(
                f"{_fmt(path)}: placeholder {token} stands for one value, but ours are {bound} and {value}"
            )
        owner = self._owner.setdefault((numbered.group(1), value), token)
        if owner != token:
            self.differences.append(
                f"{_fmt(path)}: placeholders {owner} and {token} stand for different values, "
                f"but ours are both {value}"
            )

    # -- the walk ----------------------------------------------------------------------------------
    def _generated_problem(self, path: JsonPath, check: Check, captured: Any, ours: Any, ph: bool) -> None:
        problem = check(captured, ours, ph)
        if problem is not None:
            self.differences.append(f"{_fmt(path)}: generated value: {problem}")

    def _walk(self, captured: Any, ours: Any, path: JsonPath) -> None:
        rules = self.rules
        check = self._form(path)
        if path in rules.skip_values:
            if check is not None:
                self._generated_problem(path, check, captured, ours, True)
            return
        placeholder = rules.placeholders and _is_placeholder(captured)
        if placeholder:
            self._bind(captured, ours, path)
        if check is not None:
            self._generated_problem(path, check, captured, ours, placeholder)
            return
        if placeholder:
            element_check = self._form((*path, 0))
            if element_check is not None and isinstance(ours, list):
                for index, one in enumerate(ours):
                    self._generated_problem((*path, index), element_check, captured, one, True)
            return
        quirk = rules.quirks.get(path)
        if quirk is not None and quirk(captured, ours):
            return
        if rules.json_body and path == ("body",) and isinstance(captured, (dict, list)):
            try:
                parsed = json.loads(ours) if isinstance(ours, str) else ours
            except ValueError:
                parsed = ours
            if parsed != captured:
                self.differences.append(
                    f"{_fmt(path)}: ours {_short(ours)} != capture (JSON) {_short(captured)}"
                )
            return
        if rules.typed_logger and _empty(captured) and _empty(ours):
            return
        if isinstance(captured, dict) and isinstance(ours, dict):
            self._walk_dict(captured, ours, path)
        elif isinstance(captured, list) and isinstance(ours, list):
            if len(captured) != len(ours):
                self.differences.append(
                    f"{_fmt(path)}: ours has {len(ours)} items, the capture {len(captured)}: "
                    f"ours {_short(ours)}, capture {_short(captured)}"
                )
                return
            for index, (one, mine) in enumerate(zip(captured, ours, strict=True)):
                self._walk(one, mine, (*path, index))
        elif type(captured) is not type(ours) or captured != ours:
            self.differences.append(f"{_fmt(path)}: ours {_short(ours)} != capture {_short(captured)}")

    def _walk_dict(self, captured: dict[str, Any], ours: dict[str, Any], path: JsonPath) -> None:
        rules = self.rules
        for key in sorted(captured.keys() - ours.keys()):
            sub = (*path, key)
            if sub in rules.missing_ok or (rules.typed_logger and _empty(captured[key])):
                continue
            self.differences.append(f"{_fmt(sub)}: missing in ours (capture: {_short(captured[key])})")
        for key in sorted(ours.keys() - captured.keys()):
            sub = (*path, key)
            if sub in rules.extra_ok:
                check = self._form(sub)
                if check is not None:
                    self._generated_problem(sub, check, None, ours[key], True)
                continue
            self.differences.append(f"{_fmt(sub)}: not in the capture (ours: {_short(ours[key])})")
        for key in sorted(captured.keys() & ours.keys()):
            self._walk(captured[key], ours[key], (*path, key))


def _placeholder_only(check: Check) -> Check:
    """CloudFront-Viewer-ASN/-Country are form-checked only where the capture hides them; a real value
    (`"US"` in the 2018 captures) must be equal."""

    def only(captured: Any, mine: Any, placeholder: bool) -> str | None:
        if placeholder:
            return check(captured, mine, placeholder)
        return None if captured == mine else f"ours {mine!r} != capture {captured!r}"

    return only


def compare_events(captured: Any, ours: Any, rules: Rules) -> list[str]:
    """The differences between a captured event and ours, one readable line per JSON path."""
    return EventComparison(rules).compare(captured, ours)


def _report(name: str, differences: list[str]) -> str:
    return f"{name}: {len(differences)} difference(s) from the capture:\n  " + "\n  ".join(differences)


def _rebuild(event: Mapping[str, Any], request: HttpRequest | None = None) -> dict[str, Any]:
    """Build the event again from the request (default: the one recovered from ``event``) and the
    deployment options recovered from ``event``."""
    gateway = Gateway(None, **gateway_options_from_event(event))
    return gateway.build_event(request if request is not None else request_from_event(event))


def _assert_rebuilds(name: str, rules: Rules) -> None:
    event = load_shared_event(name)
    differences = compare_events(event, _rebuild(event), rules)
    assert not differences, _report(name, differences)


# ------------------------------------------------------------------------------------------------------
# The comparator itself (so that the conformance tests cannot pass vacuously)
# ------------------------------------------------------------------------------------------------------


def test_comparator_reports_each_difference_with_its_json_path() -> None:
    captured = {
        "a": {"b": 1, "gone": "x"},
        "list": [1, 2],
        "headers": {"X-Amzn-Trace-Id": "Root=1-6a5145a8-536f3e792f6be9b44c1f46fa"},
        "requestContext": {"requestId": "7c2af7db-31f3-42b5-8a6d-9ffc74e3b9e0", "time": "x"},
    }
    ours = {
        "a": {"b": "1", "new": None},
        "list": [1, 3],
        "headers": {"X-Amzn-Trace-Id": "Root=1-bad"},
        "requestContext": {"requestId": "7C2AF7DB-31F3-42B5-8A6D-9FFC74E3B9E0", "time": "x"},
    }
    assert compare_events(captured, ours, Rules(api="rest")) == [
        "$.a.gone: missing in ours (capture: 'x')",
        "$.a.new: not in the capture (ours: None)",
        "$.a.b: ours '1' != capture 1",
        "$.headers.X-Amzn-Trace-Id: generated value: ours 'Root=1-bad' is not an X-Ray trace header "
        "'Root=1-<8 hex>-<24 hex>'",
        "$.list[1]: ours 3 != capture 2",
        "$.requestContext.requestId: generated value: ours '7C2AF7DB-31F3-42B5-8A6D-9FFC74E3B9E0' is not "
        "a lowercase UUID v4",
        "$.requestContext.time: generated value: ours 'x' is not a CLF time 'dd/Mon/yyyy:HH:MM:SS +0000'",
    ]


def test_comparator_placeholders_match_anything_but_keep_keys_and_numbering() -> None:
    rules = Rules(api="rest", placeholders=True)
    captured = {"Host": "<host:1>", "domainName": "<host:1>", "a": "<uuid:1>", "b": "<uuid:2>", "c": "<c>"}
    consistent = {"Host": "h", "domainName": "h", "a": "1", "b": "2", "c": 1}
    assert compare_events(captured, consistent, rules) == []
    inconsistent = {"Host": "h", "domainName": "other", "a": "1", "b": "1", "c": 1}
    assert compare_events(captured, inconsistent, rules) == [
        '$.b: placeholders <uuid:1> and <uuid:2> stand for different values, but ours are both "1"',
        '$.domainName: placeholder <host:1> stands for one value, but ours are "h" and "other"',
    ]
    assert compare_events({"c": "<c>"}, {}, rules) == ["$.c: missing in ours (capture: '<c>')"]


# ------------------------------------------------------------------------------------------------------
# Coverage of the shared folder
# ------------------------------------------------------------------------------------------------------

_NOT_TARGETS = frozenset(
    {
        "SYNTHETIC-rest-v1-bref-body-base64.json",  # SYNTHETIC (SOURCES.md)
        "http-v1-dotnet-preview-2019.json",  # HTTP API preview, historical only (SOURCES.md)
        "rest-v1-response-validation-localstack-aws-validated.json",  # responses, not events
    }
)
_TARGETS = frozenset(
    {
        "rest-v1-voker-live-2026.json",
        "http-v2-voker-live-2026.json",
        "function-url-voker-live-2026.json",
        "alb-multivalue-voker-live-2026.json",
        "rest-v1-localstack-aws-validated-snapshot.json",
        "function-url-localstack-aws-validated-snapshots.json",
        "rest-v1-dotnet-encode-space-edge-2018.json",
        "rest-v1-dotnet-cognito-escaped-path-2018.json",
        "http-v2-dotnet-named-stage-2020.json",
        "http-v2-dotnet-multivalue-query-2020.json",
        "http-v2-dotnet-cookies-2020.json",
        "http-v2-aws-lambda-go-no-authorizer.json",
        "alb-multivalue-aws-lambda-go.json",
        "alb-single-aws-lambda-go.json",
        "function-url-powertools-browser-2022.json",
        "alb-multivalue-powertools-curl-2022.json",
    }
)


def test_every_shared_capture_is_a_target_or_left_out_on_purpose() -> None:
    if not EVENTS_DIR.is_dir():
        pytest.skip(f"shared conformance events not available ({EVENTS_DIR} is missing)")
    present = {path.name for path in EVENTS_DIR.glob("*.json")}
    assert present == _TARGETS | _NOT_TARGETS, (
        f"new captures to classify (SOURCES.md): {sorted(present - _TARGETS - _NOT_TARGETS)}; "
        f"gone: {sorted((_TARGETS | _NOT_TARGETS) - present)}"
    )


# ------------------------------------------------------------------------------------------------------
# voker: one request sent to four front doors, 2026 (LIVE)
# ------------------------------------------------------------------------------------------------------

_VOKER = {
    "rest": "rest-v1-voker-live-2026.json",
    "http": "http-v2-voker-live-2026.json",
    "function-url": "function-url-voker-live-2026.json",
    "alb": "alb-multivalue-voker-live-2026.json",
}


def _voker_rules(api: str) -> Rules:
    # SOURCES.md: "Logged through a typed Go struct, so values that were missing show up as ""/null ...
    # Trust the values, not whether a key is present or null."
    extra: frozenset[JsonPath] = frozenset()
    if api == "rest":
        # Spec 1.2: deploymentId is "present on AWS [L1]; absent from Go-struct captures only because
        # the struct lacks the field". Still form-checked.
        extra = frozenset({("requestContext", "deploymentId")})
    return Rules(api=api, typed_logger=True, extra_ok=extra)


def test_rest_voker_live_2026_rebuilds_from_its_request() -> None:
    _assert_rebuilds(_VOKER["rest"], _voker_rules("rest"))


def test_http_v2_voker_live_2026_rebuilds_from_its_request() -> None:
    _assert_rebuilds(_VOKER["http"], _voker_rules("http"))


def test_function_url_voker_live_2026_rebuilds_from_its_request() -> None:
    _assert_rebuilds(_VOKER["function-url"], _voker_rules("function-url"))


def test_alb_multivalue_voker_live_2026_rebuilds_from_its_request() -> None:
    _assert_rebuilds(_VOKER["alb"], _voker_rules("alb"))


@pytest.mark.parametrize("api", list(_VOKER))
def test_voker_live_2026_one_request_rebuilds_each_front_door(api: str) -> None:
    """The four voker events are one request sent to four front doors (spec source V1): one request
    model, taken from the REST event, must give each of them with that front door's options."""
    rest = load_shared_event(_VOKER["rest"])
    http = load_shared_event(_VOKER["http"])
    furl = load_shared_event(_VOKER["function-url"])
    capture = load_shared_event(_VOKER[api])

    one = request_from_event(rest)
    stage_prefix = "/" + rest["requestContext"]["stage"]
    assert one.path.startswith(stage_prefix + "/"), one.path
    relative_path = one.path[len(stage_prefix) :]
    # A REST event holds the query only decoded (spec 1.3), so `literalPlus=a+b` and `a%20b` look the
    # same there; the bytes on the wire survive in the HTTP API and function URL `rawQueryString`
    # (spec 3.1, 4.1). Same request, so both must agree.
    assert http["rawQueryString"] == furl["rawQueryString"]
    one = one.replace(query=http["rawQueryString"])

    gateway = Gateway(None, **gateway_options_from_event(capture))
    ours = gateway.build_event(one.replace(path=gateway.config.url_prefix + relative_path))
    differences = compare_events(capture, ours, _voker_rules(api))
    assert not differences, _report(f"{_VOKER[api]} (from the REST request)", differences)


# ------------------------------------------------------------------------------------------------------
# LocalStack REST snapshot, recorded against AWS on 02-08-2024 (VALIDATED, EDGE endpoint)
# ------------------------------------------------------------------------------------------------------

_LOCALSTACK_REST = "rest-v1-localstack-aws-validated-snapshot.json"
_LOCALSTACK_REST_ENTRIES = (
    "invocation-payload-without-trailing-slash",
    "invocation-payload-with-trailing-slash",
    "invocation-payload-with-double-slash",
    "invocation-payload-with-prepended-slash-to-stage",
    "invocation-payload-with-prepended-slash",
    "invocation-payload-without-trailing-slash-and-query-params",
    "invocation-payload-with-trailing-slash-and-query-params",
    "invocation-payload-with-path-encoded-email",
    "invocation-payload-with-params-encoding",
    "invocation-payload-with-params-encoding-multi",
    "invocation-hardcoded",
)
#: Stand-ins for the placeholders that the inverse reads (the API id, its host, the client address).
#: The other placeholders sit in headers the inverse drops (X-Forwarded-*, Via, trace id...). The
#: comparison is always against the capture *with* its placeholders.
_STAND_INS = {
    "<api-id>": "abcde12345",
    "<host:1>": "abcde12345.execute-api.us-east-1.amazonaws.com",
    "<source-ip:1>": "203.0.113.7",
}
#: What the client put on the wire where the event cannot tell (spec 1.3 tables, from the L1 test
#: code as `requests` sends it): the `//stage` prefix (requestContext.path shows it collapsed), and
#: the raw query, whose `+` must decode to a space.
_LOCALSTACK_WIRE: dict[str, tuple[str | None, str | None]] = {
    "invocation-payload-with-prepended-slash-to-stage": ("//stage/proxy-value", None),
    "invocation-payload-with-params-encoding": (
        None,
        "dateTimeOffset=2023-06-12T18:05:10.123456+00:00&email=test%2Balias@gmail.com"
        "&plus=test+alias@gmail.com&url=https://www.google.com/&whitespace=foo%20bar&zhash=abort/",
    ),
    "invocation-payload-with-params-encoding-multi": (
        None,
        "category=electronics&category=books&price=10&price=20&price=30",
    ),
}
_LOCALSTACK_RULES = Rules(api="rest", edge=True, placeholders=True, json_body=True)


def _stand_in(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _stand_in(one) for key, one in value.items()}
    if isinstance(value, list):
        return [_stand_in(one) for one in value]
    return _STAND_INS.get(value, value) if isinstance(value, str) else value


def _localstack_input(captured: Mapping[str, Any]) -> dict[str, Any]:
    """The captured event made fit to rebuild from: stand-ins for placeholders, and a body the snapshot
    tool parsed into an object turned back into the JSON string it was on the wire (SOURCES.md)."""
    event: dict[str, Any] = _stand_in(dict(captured))
    if isinstance(event.get("body"), (dict, list)):
        event["body"] = json.dumps(event["body"], separators=(",", ":"))
    return event


def _localstack_request(name: str, event: Mapping[str, Any]) -> HttpRequest:
    request = request_from_event(event)
    path, query = _LOCALSTACK_WIRE.get(name, (None, None))
    # The L1 client sends `authorization` in lower case; API Gateway re-cases it (spec 2.1).
    headers = [("authorization" if n.lower() == "authorization" else n, v) for n, v in request.headers]
    return request.replace(
        path=path or request.path, query=request.query if query is None else query, headers=headers
    )


def test_rest_localstack_snapshot_holds_the_entries_tested_here() -> None:
    snapshot = load_shared_event(_LOCALSTACK_REST)
    assert tuple(snapshot["recorded-content"]) == _LOCALSTACK_REST_ENTRIES


@pytest.mark.parametrize("entry", _LOCALSTACK_REST_ENTRIES)
def test_rest_localstack_snapshot_rebuilds_from_its_request(entry: str) -> None:
    captured = load_shared_event(_LOCALSTACK_REST)["recorded-content"][entry]
    event = _localstack_input(captured)
    ours = _rebuild(event, _localstack_request(entry, event))
    differences = compare_events(captured, ours, _LOCALSTACK_RULES)
    assert not differences, _report(f"{_LOCALSTACK_REST} {entry}", differences)


def test_rest_localstack_snapshot_one_api_gives_every_entry_with_consistent_ids() -> None:
    """All entries come from one API (`ANY /{proxy+}` and `/hardcoded`; only GET was recorded on it):
    routed by that one table, each entry must come out, and the numbered placeholders must agree
    across entries (`<resource-id:1>` one value for `/{proxy+}`, `<resource-id:2>` another for
    `/hardcoded`, `<deployment-id:1>` one value, every `<uuid:N>` different)."""
    snapshot = load_shared_event(_LOCALSTACK_REST)["recorded-content"]
    first = _localstack_input(snapshot[_LOCALSTACK_REST_ENTRIES[0]])
    options = gateway_options_from_event(first)
    options["routes"] = ["ANY /{proxy+}", "GET /hardcoded"]
    gateway = Gateway(None, **options)
    comparison = EventComparison(_LOCALSTACK_RULES)
    for entry in _LOCALSTACK_REST_ENTRIES:
        event = _localstack_input(snapshot[entry])
        comparison.compare(snapshot[entry], gateway.build_event(_localstack_request(entry, event)))
    assert not comparison.differences, _report(_LOCALSTACK_REST, comparison.differences)


# ------------------------------------------------------------------------------------------------------
# LocalStack function URL snapshots, recorded against AWS on 24-11-2025 (VALIDATED, partial)
# ------------------------------------------------------------------------------------------------------
# None of these entries is a full event: the `invocation[*]` ones are responses the client got, and the
# two `url_response` ones are what an echo Lambda returned *about* its event. SOURCES.md: "the `data`
# field is the raw `event.body`". The rest is read as the echo's view of the event: `args` the
# queryStringParameters ({} when absent), `data` the body (parsed when it is JSON), `domain`
# requestContext.domainName, `headers` the headers (`x-*` ones trimmed when the fixture is created with
# trim_x_headers), `method`/`origin`/`path` requestContext.http.method/sourceIp/path. Those parts of ours
# are compared.

_LOCALSTACK_URL = "function-url-localstack-aws-validated-snapshots.json"
_URL_KEY = "tests/aws/services/lambda_/test_lambda.py::TestLambdaURL::"
_ECHO_RULES = Rules(api="function-url", placeholders=True)


def _echo_view(event: Mapping[str, Any], *, trim_x_headers: bool) -> dict[str, Any]:
    http = event["requestContext"]["http"]
    body = event.get("body")
    try:
        data: Any = json.loads(body) if isinstance(body, str) else body
    except ValueError:
        data = body
    headers = event["headers"]
    return {
        "args": event.get("queryStringParameters") or {},
        "data": data,
        "domain": event["requestContext"]["domainName"],
        "headers": {k: v for k, v in headers.items() if not (trim_x_headers and k.startswith("x-"))},
        "method": http["method"],
        "origin": http["sourceIp"],
        "path": http["path"],
    }


def _requests_defaults(*headers: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """The headers `requests` sends: its session defaults, then the test's own (which replace them)."""
    given = {name.lower() for name, _ in headers}
    defaults = [
        ("User-Agent", "python-requests/2.32.3"),
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", "*/*"),
        ("Connection", "keep-alive"),
    ]
    return (*((n, v) for n, v in defaults if n.lower() not in given), *headers)


def test_function_url_localstack_snapshot_holds_no_full_event() -> None:
    snapshot = load_shared_event(_LOCALSTACK_URL)
    for key, recorded in snapshot.items():
        for name, content in recorded["recorded-content"].items():
            assert "requestContext" not in content, f"{key} {name} is a full event now: rebuild it"


def test_function_url_localstack_form_payload_arrives_base64() -> None:
    """A multipart/form-data body reaches a function URL base64-encoded, byte for byte (spec 3.3, 4.1,
    8.2; L2 `form_payload`), and the headers the echo kept match ours."""
    snapshot = load_shared_event(_LOCALSTACK_URL)
    recorded = snapshot[_URL_KEY + "test_lambda_url_form_payload"]["recorded-content"]["url_response"]
    body = base64.b64decode(recorded["data"])
    assert body.startswith(b"\r\n--4efd159eae0c4f4e125a5a509e073d85\r\n"), body[:60]
    request = HttpRequest(
        "POST",
        "/test/value",
        headers=_requests_defaults(
            ("Content-Type", recorded["headers"]["content-type"]),
            ("User-Agent", "python/test-request"),
            ("Content-Length", str(len(body))),
        ),
        body=body,
        source_ip="203.0.113.7",
    )
    ours = Gateway(None, api="function-url").build_event(request)
    assert ours["isBase64Encoded"] is True
    assert ours["body"] == recorded["data"]
    differences = compare_events(recorded, _echo_view(ours, trim_x_headers=True), _ECHO_RULES)
    assert not differences, _report(f"{_LOCALSTACK_URL} form_payload", differences)


@pytest.mark.parametrize(
    "wire_path",
    [
        # The L2 URL path is `/pa2%Fth/1`: `requests` re-quotes the invalid escape to `%25Ft`...
        "/pa2%25Fth/1",
        # ...while a client sending it raw gets it back untouched (spec 4.1: left alone in http.path).
        "/pa2%Fth/1",
    ],
)
def test_function_url_localstack_echo_default_matches_our_event(wire_path: str) -> None:
    """L2 `echo_http_fixture_default`: lower-cased names with the value casing kept, Content-Length kept,
    Connection dropped, the TLS/trace/forwarded headers added, comma-joined query values, the decoded
    http.path, a JSON body as text (spec 2.4, 4.1)."""
    snapshot = load_shared_event(_LOCALSTACK_URL)
    recorded = snapshot[_URL_KEY + "test_lambda_url_echo_http_fixture_default"]["recorded-content"]
    recorded = recorded["url_response"]
    body = json.dumps({"foo": "bar"}).encode()  # `requests.post(json=...)` as L2 sends it
    request = HttpRequest(
        "POST",
        wire_path,
        "q=query&multiQuery=foo&multiQuery=%2Fbar",
        headers=_requests_defaults(
            ("content-type", "application/json"),
            ("ExTrA-HeadErs", "With WeiRd CapS"),
            ("user-agent", "test/echo"),
            ("Content-Length", str(len(body))),
        ),
        body=body,
        source_ip="203.0.113.7",
    )
    ours = Gateway(None, api="function-url").build_event(request)
    assert ours["isBase64Encoded"] is False
    differences = compare_events(recorded, _echo_view(ours, trim_x_headers=False), _ECHO_RULES)
    assert not differences, _report(f"{_LOCALSTACK_URL} echo_http_fixture_default", differences)


# ------------------------------------------------------------------------------------------------------
# aws-lambda-dotnet REST, 2018 (LIVE, EDGE, older event shape)
# ------------------------------------------------------------------------------------------------------

#: SOURCES.md: "Older shape: no `multiValue*`, no `domainName`". Keys AWS has added since, which ours
#: has and these captures lack: the multi-value maps, domainName/domainPrefix, deploymentId (spec 1.2),
#: extendedRequestId, identity.principalOrgId (spec 1.2 key list, L1 2024) and CloudFront-Viewer-ASN
#: ("seen 2024", spec 2.1). For these two files only.
_DOTNET_2018_ADDED_SINCE: frozenset[JsonPath] = frozenset(
    {
        ("multiValueHeaders",),
        ("multiValueQueryStringParameters",),
        ("requestContext", "domainName"),
        ("requestContext", "domainPrefix"),
        ("requestContext", "deploymentId"),
        ("requestContext", "extendedRequestId"),
        ("requestContext", "identity", "principalOrgId"),
        ("headers", "CloudFront-Viewer-ASN"),
    }
)


def test_rest_dotnet_encode_space_edge_2018_rebuilds_from_its_request() -> None:
    _assert_rebuilds(
        "rest-v1-dotnet-encode-space-edge-2018.json",
        Rules(api="rest", edge=True, extra_ok=_DOTNET_2018_ADDED_SINCE),
    )


def test_rest_dotnet_cognito_escaped_path_2018_rebuilds_from_its_request() -> None:
    # requestContext.path is `/Prod/foo%25%2Fbar/` but `path` is `/foo%25%2Fbar`: in 2018 AWS dropped
    # the trailing slash from `path`. Since (L1, AWS-validated 2024, spec 1.3 table) `/stage/proxy-value/`
    # gives `path: /proxy-value/`, which the library follows. Accept exactly that one slash.
    def trailing_slash(captured: Any, ours: Any) -> bool:
        return isinstance(captured, str) and ours == captured + "/"

    _assert_rebuilds(
        "rest-v1-dotnet-cognito-escaped-path-2018.json",
        Rules(
            api="rest",
            edge=True,
            extra_ok=_DOTNET_2018_ADDED_SINCE,
            quirks={("path",): trailing_slash},
        ),
    )


# ------------------------------------------------------------------------------------------------------
# HTTP API payload 2.0 (aws-lambda-dotnet 2020, aws-lambda-go)
# ------------------------------------------------------------------------------------------------------


def test_http_v2_dotnet_named_stage_2020_rebuilds_from_its_request() -> None:
    _assert_rebuilds("http-v2-dotnet-named-stage-2020.json", Rules(api="http"))


def test_http_v2_dotnet_multivalue_query_2020_rebuilds_from_its_request() -> None:
    _assert_rebuilds("http-v2-dotnet-multivalue-query-2020.json", Rules(api="http"))


def test_http_v2_dotnet_cookies_2020_rebuilds_from_its_request() -> None:
    # SOURCES.md: "It has `"body": null` ..., so some hand editing is likely"; AWS leaves the key out
    # (spec 3.1, 8.8), as we do.
    _assert_rebuilds("http-v2-dotnet-cookies-2020.json", Rules(api="http", missing_ok=frozenset({("body",)})))


def test_http_v2_aws_lambda_go_no_authorizer_rebuilds_from_its_request() -> None:
    _assert_rebuilds("http-v2-aws-lambda-go-no-authorizer.json", Rules(api="http"))


# ------------------------------------------------------------------------------------------------------
# Function URL (powertools 2022) and ALB (aws-lambda-go 2019, powertools 2022)
# ------------------------------------------------------------------------------------------------------


def test_function_url_powertools_browser_2022_rebuilds_from_its_request() -> None:
    # SOURCES.md: "`userAgent: "agent"` was edited"; the requestId "id" was edited too (brief). Our
    # requestId is still checked to be a UUID.
    _assert_rebuilds(
        "function-url-powertools-browser-2022.json",
        Rules(
            api="function-url",
            skip_values=frozenset({("requestContext", "http", "userAgent"), ("requestContext", "requestId")}),
        ),
    )


def test_alb_multivalue_aws_lambda_go_rebuilds_from_its_request() -> None:
    _assert_rebuilds("alb-multivalue-aws-lambda-go.json", Rules(api="alb"))


def test_alb_single_aws_lambda_go_rebuilds_from_its_request() -> None:
    _assert_rebuilds("alb-single-aws-lambda-go.json", Rules(api="alb"))


def test_alb_multivalue_powertools_curl_2022_rebuilds_from_its_request() -> None:
    _assert_rebuilds("alb-multivalue-powertools-curl-2022.json", Rules(api="alb"))
