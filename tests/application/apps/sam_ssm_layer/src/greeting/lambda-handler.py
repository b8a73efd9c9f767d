"""Greets by name, with the prefix and table from SSM parameters and the helper from the shared layer."""

import json
import os

import greetings_common


def handler(event, context):
    name = event["pathParameters"]["name"]
    body = {
        "message": greetings_common.greeting(os.environ.get("GREETING_PREFIX", "Hello"), name),
        "table": os.environ.get("TABLE_NAME"),
        "environment": os.environ.get("APP_ENV"),
        "layer": greetings_common.LAYER_NAME,
    }
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
