"""Liveness of the pets service."""

import json


def handler(event, context):
    return {
        "statusCode": 200,
        "body": json.dumps({"status": "ok", "stage": event["requestContext"]["stage"]}),
    }
