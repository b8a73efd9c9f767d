"""``Gateway.from_template``: the public way to a gateway configured like the deployed API."""

from __future__ import annotations

from pathlib import Path

from apigw_emulator import Gateway

ROOT_TEMPLATE = Path(__file__).resolve().parent.parent.parent / "template.yaml"


def test_rest_api_of_the_project_template_keeps_images_binary() -> None:
    gw = Gateway.from_template(ROOT_TEMPLATE, template_api="ImageRestApi")
    assert gw.api == "rest"
    assert set(gw.config.binary_media_types.patterns) == {"multipart/form-data", "image/*"}
    response = gw.request("POST", "/shape", data=b"\xff\xd8\xff", headers={"Content-Type": "image/jpeg"})
    invocation = response.apigw  # type: ignore[attr-defined]
    assert invocation.event["isBase64Encoded"] is True
    assert invocation.event["resource"] == "/{proxy+}"


def test_options_override_the_template_and_a_handler_replaces_its_own() -> None:
    seen: list[str] = []

    def handler(event: dict[str, object], context: object) -> dict[str, object]:
        seen.append(str(event["routeKey"]))
        return {"statusCode": 204}

    gw = Gateway.from_template(ROOT_TEMPLATE, template_api="ImageHttpApi", handler=handler, stage="beta")
    assert gw.config.stage == "beta"
    assert gw.request("POST", "/anything").status_code == 204
    assert seen == ["POST /{proxy+}"]
