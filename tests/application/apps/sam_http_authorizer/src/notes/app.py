"""The notes service (HTTP API payload 2.0)."""

import json

NOTES = {"n1": {"id": "n1", "text": "water the plants"}}


def handler(event, context):
    route = event["routeKey"]
    authorizer = event["requestContext"].get("authorizer")
    if route == "GET /health":
        return {"status": "ok", "authorizer": authorizer}
    if route == "GET /notes":
        return {"notes": list(NOTES.values()), "authorizer": authorizer}
    if route == "POST /notes":
        note = json.loads(event.get("body") or "{}")
        return {"statusCode": 201, "body": json.dumps({"created": note, "authorizer": authorizer})}
    note_id = event["pathParameters"]["noteId"]
    if note_id not in NOTES:
        return {"statusCode": 404, "body": json.dumps({"message": f"no note {note_id}"})}
    return {"note": NOTES[note_id], "authorizer": authorizer}
