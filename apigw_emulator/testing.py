"""Helpers for tests of Lambda handlers: assertions whose failure messages say what went wrong, and
:class:`JwtIssuer`, an identity provider of test tokens for the JWT and Cognito authorizers."""

from __future__ import annotations

import base64
import binascii
import difflib
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError

if TYPE_CHECKING:
    import os

    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = [
    "DEFAULT_AUDIENCE",
    "GENERATED_PATHS",
    "CognitoIssuer",
    "JwtIssuer",
    "assert_body_bytes",
    "assert_conforms",
    "assert_events_equal",
    "event_body_bytes",
]

#: Paths (dotted, ``*`` for any key) of values generated per request: ignored by
#: :func:`assert_events_equal` unless told otherwise.
GENERATED_PATHS: tuple[str, ...] = (
    "requestContext.requestId",
    "requestContext.extendedRequestId",
    "requestContext.requestTime",
    "requestContext.requestTimeEpoch",
    "requestContext.time",
    "requestContext.timeEpoch",
    "headers.X-Amzn-Trace-Id",
    "headers.x-amzn-trace-id",
    "headers.X-Amz-Cf-Id",
    "headers.Via",
    "multiValueHeaders.X-Amzn-Trace-Id",
    "multiValueHeaders.x-amzn-trace-id",
    "multiValueHeaders.X-Amz-Cf-Id",
    "multiValueHeaders.Via",
)


def _strip(value: Any, ignored: set[str], prefix: str = "") -> Any:
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if path in ignored:
                out[key] = "<generated>"
            else:
                out[key] = _strip(item, ignored, path)
        return out
    if isinstance(value, list):
        return [_strip(item, ignored, prefix) for item in value]
    return value


def assert_events_equal(
    actual: Mapping[str, Any],
    expected: Mapping[str, Any],
    *,
    ignore: Iterable[str] = GENERATED_PATHS,
) -> None:
    """Assert two events are equal except for generated ids and times, showing a diff of the rest.

    :param ignore: dotted paths whose values are not compared (default :data:`GENERATED_PATHS`); a key
        present on one side only still counts as a difference.
    """
    ignored = set(ignore)
    left = json.dumps(_strip(actual, ignored), indent=2, sort_keys=True, ensure_ascii=False)
    right = json.dumps(_strip(expected, ignored), indent=2, sort_keys=True, ensure_ascii=False)
    if left != right:
        diff = "\n".join(
            difflib.unified_diff(right.splitlines(), left.splitlines(), "expected", "actual", lineterm="")
        )
        raise AssertionError(f"the events differ (generated ids and times ignored):\n{diff}")


def assert_conforms(
    snapshot: str | os.PathLike[str],
    *,
    known_deviations: str | os.PathLike[str] | None = None,
    template: str | os.PathLike[str] | None = None,
    **options: Any,
) -> None:
    """Assert that the emulator gives what a snapshot recorded from AWS holds (``conform check`` in a test)::

        def test_the_emulator_matches_our_account():
            assert_conforms("tests/aws/snapshot.json", known_deviations="tests/aws/known.yaml")

    :param known_deviations: a known-deviations file (JSON or YAML) of differences to excuse.
    :param template: the echo template the snapshot was recorded against (default: the packaged one).
    :param options: :func:`apigw_emulator.conform.check` options (``parts``, ``isolation``...).
    :raises AssertionError: listing each differing field (entry, field, AWS, emulator) and the summary.
    """
    from .conform import check  # noqa: PLC0415 - the conform machinery only when asked for

    report = check(snapshot, known_deviations=known_deviations, template=template, **options)
    if not report.passed:
        raise AssertionError(f"{snapshot} does not conform: {report.summary()}\n{report.table()}")


def event_body_bytes(event: Mapping[str, Any]) -> bytes:
    """The body bytes of an event, decoded from base64 when ``isBase64Encoded`` says so."""
    body = event.get("body")
    if body is None:
        return b""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body, validate=True)
    return str(body).encode("utf-8")


_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def assert_body_bytes(event: Mapping[str, Any], expected: bytes, *, handler_saw: bytes | None = None) -> None:
    """Assert the event carries ``expected`` bytes, explaining the usual base64 and text-mode mistakes.

    :param handler_saw: the bytes your handler actually used, if you have them: the message then tells
        whether it read a base64 body as text (or decoded a text body as base64).
    """
    got = event_body_bytes(event)
    if handler_saw is not None and handler_saw != expected:
        body = event.get("body") or ""
        if event.get("isBase64Encoded") and handler_saw == str(body).encode():
            raise AssertionError(
                "this body was base64 (isBase64Encoded: true) but your handler read it as text: decode "
                "event['body'] with base64 when event['isBase64Encoded'] is true"
            )
        if not event.get("isBase64Encoded") and _B64.match(str(body)):
            try:
                if handler_saw == base64.b64decode(str(body), validate=True):
                    raise AssertionError(
                        "this body was text (isBase64Encoded: false) but your handler decoded it as base64"
                    )
            except binascii.Error:
                pass
        raise AssertionError(
            f"your handler used {len(handler_saw)} bytes that differ from the {len(expected)} sent"
        )
    if got != expected:
        if "\ufffd" in str(event.get("body") or "") and not event.get("isBase64Encoded"):
            raise AssertionError(
                "the body reached the Lambda as text with U+FFFD replacement characters: the front door "
                "treats this Content-Type as text (add it to the REST API's binaryMediaTypes)"
            )
        raise AssertionError(
            f"the event carries {len(got)} body bytes that differ from the {len(expected)} sent"
        )


# --- test tokens ------------------------------------------------------------------------------------------

#: The ``aud`` of :meth:`JwtIssuer.token` unless told otherwise.
DEFAULT_AUDIENCE = "test-audience"
#: The curve of each ECDSA algorithm.
_EC_CURVES = {
    "ES256": ("P-256", "SECP256R1", 32),
    "ES384": ("P-384", "SECP384R1", 48),
    "ES512": ("P-521", "SECP521R1", 66),
}
_RSA_ALGORITHMS = ("RS256", "RS384", "RS512")


def _b64url_uint(value: int, length: int | None = None) -> str:
    raw = value.to_bytes(length or max(1, (value.bit_length() + 7) // 8), "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _new_key(algorithm: str) -> RSAPrivateKey | EllipticCurvePrivateKey:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: PLC0415

    if algorithm in _RSA_ALGORITHMS:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(getattr(ec, _EC_CURVES[algorithm][1])())


class JwtIssuer:
    """An identity provider for tests: a fresh signing key, its public JWKS, and tokens signed with it.

    Give the authorizer the issuer's ``jwks`` and ``issuer``, and send its tokens::

        issuer = JwtIssuer()
        rules = rules.with_jwks({"MyJwtAuthorizer": issuer.jwks})
        token = issuer.token("alice", scopes=["orders/read"])
        gateway.request("GET", "/orders", headers={"Authorization": f"Bearer {token}"})

    Needs PyJWT and cryptography (``pip install "PyJWT[crypto]"``, the ``jwt`` extra).

    :param issuer: the ``iss`` of the tokens.
    :param key_id: the ``kid`` of the key, in the JWKS and in each token's header.
    :param algorithm: ``RS256``, ``RS384``, ``RS512`` (an RSA key) or ``ES256``, ``ES384``, ``ES512`` (an
        EC key on the matching curve).
    :raises ConfigurationError: for another algorithm, or when PyJWT or cryptography is missing.
    """

    def __init__(
        self,
        issuer: str = "https://issuer.example.com",
        *,
        key_id: str = "test-key",
        algorithm: str = "RS256",
    ) -> None:
        from .authorizers.tokens import _require_pyjwt  # noqa: PLC0415

        if algorithm not in _RSA_ALGORITHMS and algorithm not in _EC_CURVES:
            raise ConfigurationError(
                f"JwtIssuer: algorithm {algorithm!r} is not one a JWT authorizer accepts "
                f"({', '.join((*_RSA_ALGORITHMS, *_EC_CURVES))})"
            )
        _require_pyjwt()
        #: The ``iss`` of the tokens.
        self.issuer = issuer
        #: The ``kid`` of the signing key.
        self.key_id = key_id
        #: The signing algorithm.
        self.algorithm = algorithm
        #: The private key (a ``cryptography`` key object), to sign tokens of your own with PyJWT.
        self.private_key = _new_key(algorithm)

    @property
    def jwks(self) -> dict[str, Any]:
        """The public JSON Web Key Set: ``{"keys": [<the public key>]}``."""
        return {"keys": [self.public_jwk]}

    @property
    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JSON Web Key, with its ``kid``, ``alg`` and ``use: sig``."""
        from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415

        key: dict[str, Any] = {"kid": self.key_id, "alg": self.algorithm, "use": "sig"}
        public = self.private_key.public_key()
        if isinstance(public, ec.EllipticCurvePublicKey):
            curve, _, size = _EC_CURVES[self.algorithm]
            numbers = public.public_numbers()
            key.update(kty="EC", crv=curve, x=_b64url_uint(numbers.x, size), y=_b64url_uint(numbers.y, size))
        else:
            rsa_numbers = public.public_numbers()
            key.update(kty="RSA", n=_b64url_uint(rsa_numbers.n), e=_b64url_uint(rsa_numbers.e))
        return key

    def write_jwks(self, path: str | os.PathLike[str]) -> Path:
        """Write the public JWKS as JSON to ``path`` (for ``--jwks`` style options); returns the path."""
        target = Path(path)
        target.write_text(json.dumps(self.jwks, indent=2) + "\n", encoding="utf-8")
        return target

    def token(
        self,
        subject: str = "user",
        *,
        audience: str | Sequence[str] | None = DEFAULT_AUDIENCE,
        scopes: Sequence[str] = (),
        expires_in: float | None = 3600,
        not_before: float | None = None,
        issued_at: float | None = None,
        claims: Mapping[str, Any] | None = None,
        key_id: str | None = None,
    ) -> str:
        """A token signed with the issuer's key.

        :param subject: the ``sub``.
        :param audience: the ``aud`` (a string or a list); None: no ``aud``.
        :param scopes: the ``scope`` claim, space-separated; none: no ``scope`` claim.
        :param expires_in: ``exp`` is ``issued_at`` plus this many seconds (negative: already expired);
            None: no ``exp``.
        :param not_before: the ``nbf``, in seconds since the epoch; None: no ``nbf``.
        :param issued_at: the ``iat`` (default: now).
        :param claims: more claims, or replacements of the ones above (``{"iss": "..."}``).
        :param key_id: the ``kid`` of the header, to send a kid the JWKS does not have (default: the
            issuer's).
        """
        iat = time.time() if issued_at is None else issued_at
        payload: dict[str, Any] = {"iss": self.issuer, "sub": subject, "iat": int(iat)}
        if audience is not None:
            payload["aud"] = audience if isinstance(audience, str) else list(audience)
        if scopes:
            payload["scope"] = " ".join(scopes)
        if expires_in is not None:
            payload["exp"] = int(iat + expires_in)
        if not_before is not None:
            payload["nbf"] = int(not_before)
        payload.update(claims or {})
        return self.sign(payload, key_id=key_id)

    def sign(self, payload: Mapping[str, Any], *, key_id: str | None = None) -> str:
        """The payload as it is, signed with the issuer's key (header ``kid``: ``key_id`` or the issuer's)."""
        import jwt  # noqa: PLC0415

        headers = {"kid": self.key_id if key_id is None else key_id}
        return jwt.encode(dict(payload), self.private_key, algorithm=self.algorithm, headers=headers)

    @classmethod
    def cognito(
        cls,
        region: str = "us-east-1",
        user_pool_id: str = "us-east-1_TestPool",
        *,
        client_id: str = "testclient",
        key_id: str = "test-key",
    ) -> CognitoIssuer:
        """An issuer of Cognito user pool tokens (see :class:`CognitoIssuer`)."""
        return CognitoIssuer(region, user_pool_id, client_id=client_id, key_id=key_id)


class CognitoIssuer(JwtIssuer):
    """A Cognito user pool for tests: its issuer URL, and ID and access tokens as Cognito shapes them.

    ::

        pool = JwtIssuer.cognito("eu-west-1", "eu-west-1_Example")
        authorizer = CognitoAuthorizer("Pool", (pool.user_pool_arn,), jwks=pool.jwks)
        id_token = pool.id_token("alice", groups=["admin"])         # methods without OAuth scopes
        access = pool.access_token("alice", scopes=["orders/read"])  # methods with OAuth scopes

    :param region: the pool's region.
    :param user_pool_id: the pool's id (``{region}_{name}``).
    :param client_id: the app client: the ``aud`` of ID tokens, the ``client_id`` of access tokens.
    :param account: the account in :attr:`user_pool_arn`.
    """

    def __init__(
        self,
        region: str = "us-east-1",
        user_pool_id: str = "us-east-1_TestPool",
        *,
        client_id: str = "testclient",
        key_id: str = "test-key",
        account: str = "123456789012",
    ) -> None:
        from .authorizers.tokens import cognito_issuer  # noqa: PLC0415

        super().__init__(cognito_issuer(region, user_pool_id), key_id=key_id, algorithm="RS256")
        #: The pool's region.
        self.region = region
        #: The pool's id.
        self.user_pool_id = user_pool_id
        #: The app client id.
        self.client_id = client_id
        #: The ARN of the pool, as a Cognito authorizer names it.
        self.user_pool_arn = f"arn:aws:cognito-idp:{region}:{account}:userpool/{user_pool_id}"

    def id_token(
        self,
        subject: str = "user",
        *,
        groups: Sequence[str] = (),
        expires_in: float = 3600,
        claims: Mapping[str, Any] | None = None,
    ) -> str:
        """An ID token: ``token_use: id``, ``aud`` the app client, ``cognito:username``, ``auth_time``."""
        now = int(time.time())
        extra: dict[str, Any] = {"token_use": "id", "cognito:username": subject, "auth_time": now}
        if groups:
            extra["cognito:groups"] = list(groups)
        extra.update(claims or {})
        return self.token(
            subject, audience=self.client_id, expires_in=expires_in, issued_at=now, claims=extra
        )

    def access_token(
        self,
        subject: str = "user",
        *,
        scopes: Sequence[str] = ("aws.cognito.signin.user.admin",),
        groups: Sequence[str] = (),
        expires_in: float = 3600,
        claims: Mapping[str, Any] | None = None,
    ) -> str:
        """An access token: ``token_use: access``, no ``aud`` but ``client_id``, ``scope``, ``username``."""
        now = int(time.time())
        extra: dict[str, Any] = {
            "token_use": "access",
            "client_id": self.client_id,
            "username": subject,
            "auth_time": now,
        }
        if groups:
            extra["cognito:groups"] = list(groups)
        extra.update(claims or {})
        return self.token(
            subject, audience=None, scopes=scopes, expires_in=expires_in, issued_at=now, claims=extra
        )
