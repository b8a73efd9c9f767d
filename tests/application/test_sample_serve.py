"""The sample SAM application behind ``apigw-emulator serve --template`` and real ``curl`` (issue #11):
each API on its port, every route to its function, the authorizers, the API key and CORS as AWS answers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_emulator.testing import JwtIssuer
from tests.runtime.test_serve_environments import Served

from ._serve import serving

SAMPLE = Path(__file__).parent / "sample_app" / "template.yaml"
CURL = shutil.which("curl")
pytestmark = pytest.mark.skipif(CURL is None, reason="the curl binary is not installed")


@pytest.fixture(scope="module")
def issuer() -> JwtIssuer:
    return JwtIssuer("https://issuer.example.com")


@pytest.fixture(scope="module")
def served(issuer: JwtIssuer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    jwks = issuer.write_jwks(tmp_path_factory.mktemp("keys") / "jwks.json")
    with serving("--template", str(SAMPLE), "--port", "0", "--jwks", f"JwtAuth={jwks}") as served:
        yield served


def _url(served: Served, api: str) -> str:
    found = re.search(rf"  {api}: the .* on (http://127\.0\.0\.1:\d+\S*)", served.read(0.1))
    assert found, served.read(0.1)
    return found[1].rstrip("/")


def curl(*args: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one real curl request."""
    assert CURL is not None
    done = subprocess.run(
        [CURL, "-s", "-S", "-i", "--noproxy", "*", "--max-time", "30", *args],
        capture_output=True,
        timeout=40,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_serve_banner_lists_each_api_route_function_and_authorizer(served: Served) -> None:
    banner = served.read(0.1)
    assert "    GET /items -> ItemsFunction (authorizer TokenAuth)" in banner
    assert "    GET /items/{id} -> ItemsFunction (authorizer RequestAuth)" in banner
    assert "    GET /me -> ProfileFunction (authorizer JwtAuth)" in banner
    assert "    GET /health -> PublicFunction\n" in banner
    assert "has no JWKS" not in banner  # --jwks gave it
    assert _url(served, "RestApi") != _url(served, "HttpApi")


def test_curl_rest_token_authorizer_and_api_key_d7(served: Served) -> None:
    rest = _url(served, "RestApi")
    status, headers, body = curl(rest + "/items")
    assert (status, json.loads(body)) == (401, {"message": "Unauthorized"})
    assert headers["x-amzn-errortype"] == "UnauthorizedException"
    status, _, body = curl("-H", "Authorization: Bearer allow-ann", rest + "/items")
    assert status == 200
    seen = json.loads(body)
    assert (seen["function"], seen["authorizer"]["principalId"], seen["greeting"]) == (
        "ItemsFunction",
        "ann",
        "hello",
    )
    status, _, body = curl("-H", "Authorization: Bearer deny", rest + "/items")
    assert status == 403
    assert body == b'{"Message":"User is not authorized to access this resource with an explicit deny"}'
    token = ("-H", "Authorization: Bearer allow-ann")
    assert curl(*token, "-X", "POST", rest + "/items")[0] == 403
    status, _, body = curl(*token, "-H", "x-api-key: sample-key-0123456789", "-X", "POST", rest + "/items")
    assert (status, json.loads(body)["api_key"]) == (200, "sample-key-0123456789")


def test_curl_rest_request_authorizer_and_cors_preflight_d25_d29(served: Served) -> None:
    rest = _url(served, "RestApi")
    status, _, body = curl("-H", "X-User: ann", rest + "/items/3?team=red")
    assert (status, json.loads(body)["authorizer"]["team"]) == (200, "red")
    assert curl("-H", "X-User: ann", rest + "/items/3")[0] == 401
    origin = ("-H", "Origin: https://app.example.com", "-H", "Access-Control-Request-Method: POST")
    status, headers, _ = curl("-X", "OPTIONS", *origin, rest + "/items")
    assert (status, headers["access-control-allow-origin"]) == (200, "https://app.example.com")


def test_curl_http_api_jwt_and_simple_authorizers_d27_d28(served: Served, issuer: JwtIssuer) -> None:
    http = _url(served, "HttpApi")
    token = issuer.token("ann", audience="sample-app", scopes=["profile.read"])
    status, _, body = curl("-H", f"Authorization: Bearer {token}", http + "/me")
    assert (status, json.loads(body)["authorizer"]["jwt"]["claims"]["sub"]) == (200, "ann")
    status, headers, _ = curl("-H", "Authorization: Bearer not-a-jwt", http + "/me")
    assert status == 401
    assert headers["www-authenticate"].startswith("Bearer ")
    status, _, body = curl("-H", "X-User: ann", http + "/team")
    assert (status, json.loads(body)["authorizer"]) == (200, {"lambda": {"user": "ann", "via": "simple"}})
    assert curl("-H", "X-User: bob", http + "/team")[0] == 403
    preflight = ("-H", "Origin: https://app.example.com", "-H", "Access-Control-Request-Method: GET")
    status, headers, _ = curl("-X", "OPTIONS", *preflight, http + "/me")
    assert (status, headers["access-control-allow-origin"]) == (204, "https://app.example.com")
