"""JSON Web Tokens as the JWT (HTTP API) and Cognito user pool (REST) authorizers check them (spec 9, D28).

Pure functions, no I/O: the signing keys are a JWKS document the caller has already read. The
cryptography is PyJWT's (the ``jwt`` extra, ``pip install "PyJWT[crypto]"``), imported only when a
token is verified, so the library imports without it.

:func:`verify_jwt` runs the checks in the front door's order: the token decodes; its ``alg`` is one the
authorizer accepts and its ``kid`` names a key of the set that fits that algorithm; the signature holds;
then the claims ``iss``, ``aud`` (or ``client_id``), ``exp``, ``nbf`` and ``iat``. A header or payload
nested deeper than :data:`MAX_NESTING` is refused as malformed. :func:`check_scopes`
checks a route's scopes. Every refusal is a :class:`TokenRejected` saying why (for the developer) and
what the front door would say (its ``error_description``).

UNCONFIRMED: the exact ``error_description`` texts but the audience one (the only one AWS documents, "the
token does not have a valid audience"); that a token without ``exp``, ``nbf`` or ``iat`` is accepted (the
rules are written for tokens that have them, and the front door is not documented to require them).
"""

from __future__ import annotations

import json
import math
import re
import time
import warnings
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Literal

from .._nesting import deeper_than
from ..errors import ConfigurationError

__all__ = [
    "ALGORITHMS",
    "MAX_NESTING",
    "RSA_ALGORITHMS",
    "TokenRejected",
    "bearer_token",
    "check_cognito_token_use",
    "check_scopes",
    "cognito_issuer",
    "cognito_issuers",
    "scopes_of",
    "stringify_claims",
    "verify_jwt",
]

#: The signing algorithms a JWT authorizer can accept: RSA and ECDSA, never ``none`` or a shared secret.
ALGORITHMS: frozenset[str] = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"})
#: The RSA algorithms only: the HTTP API JWT authorizer's documentation says only RSA-based algorithms
#: are supported (REST JWT authorizers list the ECDSA ones too); pass these to be that strict.
RSA_ALGORITHMS: frozenset[str] = frozenset({"RS256", "RS384", "RS512"})

#: The curve each ECDSA algorithm signs with (RFC 7518, 3.4).
_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}

#: The deepest JSON nesting read in a token's header or payload (the payload object itself is level 1); a
#: deeper token is refused as malformed (401), where Python would otherwise run out of stack. AWS's own
#: limit is UNCONFIRMED; real claims nest a few levels.
MAX_NESTING = 64

#: What to run when PyJWT or cryptography is missing.
MISSING_DEPENDENCY = (
    'checking JSON Web Tokens needs PyJWT and cryptography: pip install "PyJWT[crypto]" '
    "(apigw-emulator's jwt extra)"
)


class TokenRejected(Exception):  # noqa: N818 - a refusal, not a failure of the library
    """A token the authorizer refuses.

    :param reason: why, for the developer (names the claim, the key or the algorithm at fault).
    :param description: what the front door says, the ``error_description`` of its ``www-authenticate``
        header (short, lower case).
    :param error: the OAuth error code of that header: ``invalid_token``, or ``insufficient_scope`` for a
        token that lacks the route's scopes.
    """

    def __init__(
        self,
        reason: str,
        description: str = "the token is invalid",
        *,
        error: Literal["invalid_token", "insufficient_scope"] = "invalid_token",
    ) -> None:
        super().__init__(reason)
        #: Why the token is refused, for the developer.
        self.reason = reason
        #: The short ``error_description`` the front door gives.
        self.description = description
        #: ``invalid_token`` or ``insufficient_scope``.
        self.error = error


def _require_pyjwt() -> None:
    """Raise :class:`ConfigurationError` naming the extra to install when PyJWT or cryptography is missing."""
    try:
        import cryptography  # noqa: F401, PLC0415
        import jwt  # noqa: F401, PLC0415
    except ImportError as exc:
        raise ConfigurationError(MISSING_DEPENDENCY) from exc


# --- the token and its key --------------------------------------------------------------------------------


def _header(token: str) -> dict[str, Any]:
    """The token's protected header, read without checking anything else."""
    import jwt  # noqa: PLC0415

    if not isinstance(token, str) or not token:
        raise TokenRejected("the token is empty", "the token is malformed")
    if token.count(".") != 2:
        raise TokenRejected(
            f"the token has {token.count('.') + 1} dot-separated parts, a signed JWT has three",
            "the token is malformed",
        )
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.PyJWTError, ValueError, TypeError, UnicodeError, RecursionError) as exc:
        if _out_of_stack(exc):
            raise TokenRejected(_too_deep("header"), "the token is malformed") from None
        raise TokenRejected(f"the token's header cannot be read: {exc}", "the token is malformed") from None
    if deeper_than(header, MAX_NESTING):
        raise TokenRejected(_too_deep("header"), "the token is malformed")
    return dict(header)


def _out_of_stack(exc: BaseException) -> bool:
    """Whether decoding failed because the JSON nests deeper than Python's stack (directly, or wrapped)."""
    return any(isinstance(e, RecursionError) for e in (exc, exc.__cause__, exc.__context__))


def _too_deep(part: str) -> str:
    return (
        f"the token's {part} nests JSON more than {MAX_NESTING} levels deep: the front door refuses a "
        "token it cannot read"
    )


def _algorithm(header: Mapping[str, Any], algorithms: Collection[str]) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in algorithms:
        accepted = ", ".join(sorted(algorithms))
        raise TokenRejected(
            f"the token is signed with alg {alg!r}; the authorizer accepts {accepted} only "
            "(never none or a shared secret)",
            f"the signing method {alg} is invalid",
        )
    return alg


def _jwk(header: Mapping[str, Any], jwks: Mapping[str, Any]) -> Mapping[str, Any]:
    """The key of the set the token's ``kid`` names."""
    kid = header.get("kid")
    if kid is None:
        raise TokenRejected(
            "the token's header has no kid: the front door needs it to pick the key of the issuer's JWKS",
            "the token has no key id",
        )
    keys = jwks.get("keys")
    for key in keys if isinstance(keys, list) else ():
        if isinstance(key, Mapping) and key.get("kid") == kid:
            return key
    known = sorted(str(k.get("kid")) for k in keys or () if isinstance(k, Mapping))
    raise TokenRejected(
        f"the token's kid {kid!r} is not a key of the JWKS (its keys: {', '.join(known) or 'none'})",
        "the token's key id is unknown",
    )


def _key_fits(jwk: Mapping[str, Any], alg: str) -> None:
    """Refuse a key that cannot make this algorithm's signatures."""
    kid = jwk.get("kid")
    wanted_kty = "RSA" if alg.startswith("RS") else "EC"
    if jwk.get("kty") != wanted_kty:
        raise TokenRejected(
            f"the token says alg {alg} but its key {kid!r} is of kty {jwk.get('kty')!r}, not {wanted_kty}",
            f"the signing method {alg} is invalid",
        )
    if wanted_kty == "EC" and jwk.get("crv") != _CURVES[alg]:
        raise TokenRejected(
            f"the token says alg {alg} but its key {kid!r} is on curve {jwk.get('crv')!r}, "
            f"not {_CURVES[alg]}",
            f"the signing method {alg} is invalid",
        )
    if "alg" in jwk and jwk["alg"] != alg:
        raise TokenRejected(
            f"the token says alg {alg} but its key {kid!r} is for {jwk['alg']}",
            f"the signing method {alg} is invalid",
        )


def _verified_claims(token: str, jwk: Mapping[str, Any], alg: str) -> dict[str, Any]:
    """The payload, once the signature holds; claims are checked by the caller."""
    import jwt  # noqa: PLC0415

    try:
        key = jwt.PyJWK(dict(jwk), algorithm=alg).key
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise TokenRejected(
            f"the JWKS key {jwk.get('kid')!r} cannot be used: {exc}", "the token's key is invalid"
        ) from None
    options: Any = {
        "verify_signature": True,
        "verify_exp": False,
        "verify_nbf": False,
        "verify_iat": False,
        "verify_aud": False,
        "verify_iss": False,
        "require": [],
    }
    try:
        with warnings.catch_warnings():
            # A short RSA key of the user's JWKS is theirs to choose (PyJWT warns of it since 2.10).
            short_key = getattr(getattr(jwt, "warnings", None), "InsecureKeyLengthWarning", None)
            if short_key is not None:
                warnings.simplefilter("ignore", short_key)
            claims = jwt.decode(token, key=key, algorithms=[alg], options=options)
    except jwt.InvalidSignatureError:
        raise TokenRejected(
            f"the signature does not match the key {jwk.get('kid')!r} of the JWKS "
            "(signed by another key, or altered)",
            "the token has an invalid signature",
        ) from None
    except (jwt.PyJWTError, ValueError, TypeError, UnicodeError, RecursionError) as exc:
        if _out_of_stack(exc):  # PyJWT wraps the JSON decoder's RecursionError in a DecodeError
            raise TokenRejected(_too_deep("payload"), "the token is malformed") from None
        raise TokenRejected(f"the token cannot be decoded: {exc}", "the token is malformed") from None
    if not isinstance(claims, dict):
        raise TokenRejected("the token's payload is not a JSON object", "the token is malformed")
    if deeper_than(claims, MAX_NESTING):
        raise TokenRejected(_too_deep("payload"), "the token is malformed")
    return claims


# --- the claims -------------------------------------------------------------------------------------------


def _check_issuer(claims: Mapping[str, Any], issuers: Collection[str]) -> None:
    iss = claims.get("iss")
    if not isinstance(iss, str) or iss not in issuers:
        expected = ", ".join(sorted(issuers)) or "none"
        raise TokenRejected(
            f"the token's iss {iss!r} is not the authorizer's issuer ({expected})",
            "the token does not have a valid issuer",
        )


def _check_audience(claims: Mapping[str, Any], audiences: Collection[str]) -> None:
    """``aud`` when present (string or list), else ``client_id``, must be one of the audiences."""
    configured = ", ".join(sorted(audiences)) or "none"
    if "aud" in claims:
        aud = claims["aud"]
        values = aud if isinstance(aud, list) else [aud]
        if not any(isinstance(v, str) and v in audiences for v in values):
            raise TokenRejected(
                f"the token's aud {aud!r} is none of the authorizer's audiences ({configured}); with aud "
                "present, client_id is not looked at",
                "the token does not have a valid audience",
            )
        return
    client_id = claims.get("client_id")
    if not isinstance(client_id, str) or client_id not in audiences:
        raise TokenRejected(
            f"the token has no aud, and its client_id {client_id!r} is none of the authorizer's "
            f"audiences ({configured})",
            "the token does not have a valid audience",
        )


def _time_claim(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None and name not in claims:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TokenRejected(
            f"the token's {name} is {value!r}, not a number of seconds since the epoch",
            "the token is malformed",
        )
    return float(value)


def _check_times(claims: Mapping[str, Any], now: float, leeway: float) -> None:
    exp = _time_claim(claims, "exp")
    if exp is not None and exp <= now - leeway:
        raise TokenRejected(
            f"the token expired at {exp:.0f}, {now - exp:.0f} s ago (leeway {leeway:g} s)",
            "the token has expired",
        )
    nbf = _time_claim(claims, "nbf")
    if nbf is not None and nbf > now + leeway:
        raise TokenRejected(
            f"the token's nbf is {nbf:.0f}, {nbf - now:.0f} s in the future (leeway {leeway:g} s)",
            "the token is not valid yet",
        )
    iat = _time_claim(claims, "iat")
    if iat is not None and iat > now + leeway:
        raise TokenRejected(
            f"the token's iat is {iat:.0f}, {iat - now:.0f} s in the future (leeway {leeway:g} s)",
            "the token was issued in the future",
        )


def verify_jwt(
    token: str,
    *,
    jwks: Mapping[str, Any],
    issuers: Collection[str],
    audiences: Collection[str] | None,
    now: float | None = None,
    leeway: float = 0,
    algorithms: Collection[str] = ALGORITHMS,
) -> dict[str, Any]:
    """The claims of a token the authorizer accepts.

    The rules, in order: three dot-separated parts that decode; ``alg`` in ``algorithms`` (``none`` and
    the HMAC algorithms are never accepted, whatever is passed); a ``kid`` header naming a key of
    ``jwks`` whose type (and curve) fit ``alg``; a signature that holds; ``iss`` one of ``issuers``;
    ``aud`` (a string or a list, one value matching is enough) one of ``audiences``, or, only when the
    token has no ``aud``, ``client_id`` one of them (``audiences=None`` skips this check: Cognito user
    pool authorizers do not check the audience); ``exp`` after ``now``; ``nbf`` and ``iat`` not after it.

    :param token: the token itself (see :func:`bearer_token` for a header value).
    :param jwks: the issuer's JSON Web Key Set (``{"keys": [...]}``).
    :param now: the current time in seconds since the epoch (default: the clock).
    :param leeway: seconds of clock skew allowed on ``exp``, ``nbf`` and ``iat``; 0 by default, as the
        front door documents none.
    :param algorithms: the signing algorithms accepted (default :data:`ALGORITHMS`).
    :raises TokenRejected: for any rule the token breaks.
    :raises ConfigurationError: when PyJWT or cryptography is not installed.
    """
    _require_pyjwt()
    allowed = set(algorithms) & ALGORITHMS
    header = _header(token)
    alg = _algorithm(header, allowed)
    jwk = _jwk(header, jwks)
    _key_fits(jwk, alg)
    claims = _verified_claims(token, jwk, alg)
    _check_issuer(claims, issuers)
    if audiences is not None:
        _check_audience(claims, audiences)
    _check_times(claims, time.time() if now is None else now, leeway)
    return claims


# --- scopes -----------------------------------------------------------------------------------------------


def scopes_of(claims: Mapping[str, Any]) -> list[str] | None:
    """The token's OAuth scopes: ``scope`` (a space-separated string) or else ``scp`` (a list, or a
    space-separated string); None when the token has neither."""
    for name in ("scope", "scp"):
        if name not in claims:
            continue
        value = claims[name]
        if isinstance(value, str):
            return value.split()
        if isinstance(value, list):
            return [item for item in value if isinstance(item, str)]
        return []
    return None


def check_scopes(claims: Mapping[str, Any], required: Sequence[str]) -> None:
    """Refuse a token that has none of the route's scopes (one of them is enough); no scope required:
    every token passes.

    :raises TokenRejected: with ``error="insufficient_scope"``.
    """
    if not required:
        return
    held = scopes_of(claims) or []
    if not set(held) & set(required):
        raise TokenRejected(
            f"the route requires one of the scopes {', '.join(required)}; the token has "
            f"{', '.join(held) or 'none'}",
            "the token does not have the required scope",
            error="insufficient_scope",
        )


def check_cognito_token_use(claims: Mapping[str, Any], scopes: Sequence[str]) -> None:
    """Refuse the wrong kind of Cognito token: a method with OAuth scopes takes an access token
    (``token_use: access``), a method without takes an ID token (``token_use: id``).

    UNCONFIRMED in AWS's reference pages; said by AWS's answers on re:Post and seen by users (an access
    token is refused by a method without scopes).

    :raises TokenRejected: for the other kind of token, or one without ``token_use``.
    """
    wanted = "access" if scopes else "id"
    token_use = claims.get("token_use")
    if token_use != wanted:
        because = "it requires OAuth scopes" if scopes else "it requires no OAuth scope"
        raise TokenRejected(
            f"this method takes a Cognito {wanted} token ({because}); the token's token_use is {token_use!r}",
            "the token is invalid",
        )


# --- identity sources and issuers -------------------------------------------------------------------------

_BEARER = re.compile(r"bearer ", re.IGNORECASE)


def bearer_token(value: str) -> str:
    """The token of an identity source value: without its ``Bearer`` prefix (any case) when it has one
    (HTTP API JWT authorizers take the token alone or prefixed)."""
    match = _BEARER.match(value)
    return value[match.end() :] if match else value


_POOL_ARN = re.compile(
    r"arn:aws[a-z-]*:cognito-idp:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+):(?P<account>\d{12}):"
    r"userpool/(?P<pool>[\w-]+_[0-9A-Za-z]+)"
)


def cognito_issuer(region: str, user_pool_id: str) -> str:
    """The ``iss`` of the tokens a Cognito user pool signs: ``https://cognito-idp.{region}.amazonaws.com/{pool}``."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def cognito_issuers(user_pool_arns: Sequence[str]) -> list[str]:
    """The issuers of user pools given by ARN (``arn:aws:cognito-idp:{region}:{account}:userpool/{id}``).

    :raises ConfigurationError: for a value that is not a user pool ARN.
    """
    issuers = []
    for arn in user_pool_arns:
        match = _POOL_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if match is None:
            raise ConfigurationError(
                f"{arn!r} is not a Cognito user pool ARN "
                "(arn:aws:cognito-idp:<region>:<account>:userpool/<region>_<id>)"
            )
        issuers.append(cognito_issuer(match["region"], match["pool"]))
    return issuers


# --- claims as the function sees them ---------------------------------------------------------------------

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: REST Cognito claims seen as dates rather than numbers.
_REST_DATE_CLAIMS = frozenset({"exp", "iat"})


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def _scalar(value: Any) -> str | None:
    """The text of a string, boolean, number or null; None for a list or an object."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(value)
    if value is None:
        return "null"
    return None


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def _http_text(value: Any) -> str:
    """Go's ``%v`` of a decoded JSON value, for lists: ``[a b c]``."""
    text = _scalar(value)
    if text is not None:
        return text
    if isinstance(value, list):
        return "[" + " ".join(_http_text(item) for item in value) + "]"
    return _compact_json(value)


def _rest_text(value: Any) -> str:
    text = _scalar(value)
    if text is not None:
        return text
    if isinstance(value, list):
        return ",".join(_scalar(item) or _compact_json(item) for item in value)
    return _compact_json(value)


def _java_date(seconds: float) -> str:
    """A time as Java's ``Date.toString()`` writes it in UTC: ``Tue Apr 04 18:39:39 UTC 2023``."""
    t = time.gmtime(seconds)
    return (
        f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} UTC {t.tm_year}"
    )


def _rest_claim(name: str, value: Any) -> str:
    if name in _REST_DATE_CLAIMS and isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return _java_date(value)
        except (OverflowError, OSError, ValueError):
            return _number(value)
    return _rest_text(value)


def stringify_claims(claims: Mapping[str, Any], style: Literal["rest", "http"]) -> dict[str, str]:
    """The claims as the front door hands them to the function: every value a string.

    Both styles: strings as they are, booleans ``"true"``/``"false"``, numbers as their decimal text
    (an integral float without its ``.0``), objects as compact JSON.

    - ``"http"`` (``requestContext.authorizer.jwt.claims``): a list as Go prints it, ``"[a b c]"``.
    - ``"rest"`` (Cognito, ``requestContext.authorizer.claims``): a list joined with commas,
      ``"a,b,c"``; ``exp`` and ``iat`` as dates in Java's format, ``"Tue Apr 04 18:39:39 UTC 2023"``.

    Seen in events from AWS (users' reports): REST Cognito claims are all strings
    (``"auth_time": "1515973296"``, ``"email_verified": "true"``), ``cognito:groups`` comma-joined, and
    ``exp``/``iat`` as Java dates. UNCONFIRMED: the HTTP list format, objects as JSON, null as
    ``"null"``, the text of non-integral and very large numbers, and every REST claim but these.
    """
    if style == "http":
        return {str(name): _http_text(value) for name, value in claims.items()}
    if style == "rest":
        return {str(name): _rest_claim(str(name), value) for name, value in claims.items()}
    raise ValueError(f"style is 'rest' or 'http', got {style!r}")
