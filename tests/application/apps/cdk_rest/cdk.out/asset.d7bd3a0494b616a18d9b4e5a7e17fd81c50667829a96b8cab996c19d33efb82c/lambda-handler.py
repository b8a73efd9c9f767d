"""The items service: a module whose name has a hyphen, as Lambda imports it."""

import json
import os

ITEMS = {"1": {"id": "1", "name": "lamp"}, "2": {"id": "2", "name": "chair"}}


def _answer(status, body):
    return {
        "statusCode": status,
        "headers": {
            "Content-Type": "application/json",
            "Access-Control-Allow-Origin": "https://items.example.com",
        },
        "body": json.dumps(body),
    }


def handler(event, context):
    resource = event["resource"]
    method = event["httpMethod"]
    seen = {
        "resource": resource,
        "stage": event["requestContext"]["stage"],
        "stageVariables": event.get("stageVariables"),
        "authorizer": event["requestContext"].get("authorizer"),
        "invokedFunctionArn": context.invoked_function_arn,
        "table": os.environ.get("ITEMS_TABLE"),
    }
    if resource == "/health":
        return _answer(200, {"status": "ok", **seen})
    if resource == "/version":
        return _answer(200, {"version": os.environ.get("AWS_LAMBDA_FUNCTION_VERSION"), **seen})
    if resource == "/items" and method == "GET":
        return _answer(200, {"items": list(ITEMS.values()), **seen})
    if resource == "/items" and method == "POST":
        item = json.loads(event["body"] or "{}")
        return _answer(201, {"created": item, **seen})
    item_id = event["pathParameters"]["itemId"]
    if item_id not in ITEMS:
        return _answer(404, {"message": f"no item {item_id}"})
    if method == "DELETE":
        return _answer(204, {})
    return _answer(200, {"item": ITEMS[item_id], **seen})
