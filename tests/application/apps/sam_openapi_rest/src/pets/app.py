"""The pets service behind the OpenAPI-defined REST API (Lambda proxy integration)."""

import base64
import json
import os

# A 1x1 transparent PNG.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PETS = {"1": {"id": "1", "name": "Tom", "species": "cat"}, "2": {"id": "2", "name": "Rex", "species": "dog"}}


def _json(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def lambda_handler(event, context):
    resource = event["resource"]
    method = event["httpMethod"]
    seen = {
        "authorizer": event["requestContext"].get("authorizer"),
        "apiKey": event["requestContext"]["identity"].get("apiKey"),
        "table": os.environ.get("PETS_TABLE"),
    }
    if resource == "/pets" and method == "GET":
        limit = int((event.get("queryStringParameters") or {}).get("limit", "10"))
        return _json(200, {"pets": list(PETS.values())[:limit], **seen})
    if resource == "/pets" and method == "POST":
        pet = json.loads(event["body"])
        return _json(201, {"id": "3", **pet, "requestId": event["headers"].get("X-Request-Id"), **seen})
    pet_id = event["pathParameters"]["petId"]
    if pet_id not in PETS:
        return _json(404, {"message": f"no pet {pet_id}"})
    if resource == "/pets/{petId}/photo" and method == "GET":
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "image/png"},
            "body": base64.b64encode(PHOTO).decode(),
            "isBase64Encoded": True,
        }
    if resource == "/pets/{petId}/photo" and method == "PUT":
        photo = base64.b64decode(event["body"]) if event["isBase64Encoded"] else event["body"].encode()
        return _json(200, {"stored": len(photo), "base64": event["isBase64Encoded"]})
    return _json(200, {**PETS[pet_id], **seen})
