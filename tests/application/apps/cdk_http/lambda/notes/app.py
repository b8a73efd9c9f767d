"""The notes service (payload format 2.0)."""

import json
import os

NOTES = {"n1": {"id": "n1", "text": "buy milk"}}


def handler(event, context):
    route = event["routeKey"]
    seen = {
        "routeKey": route,
        "authorizer": event["requestContext"].get("authorizer"),
        "bucket": os.environ.get("NOTES_BUCKET"),
    }
    if route == "GET /notes":
        return {"notes": list(NOTES.values()), **seen}
    if route == "POST /notes":
        note = json.loads(event.get("body") or "{}")
        return {"statusCode": 201, "body": json.dumps({"created": note, **seen})}
    if route == "GET /me":
        return {"me": event["requestContext"]["authorizer"]["lambda"], **seen}
    note_id = event["pathParameters"]["noteId"]
    if note_id not in NOTES:
        return {"statusCode": 404, "body": json.dumps({"message": f"no note {note_id}"})}
    return {"note": NOTES[note_id], **seen}
