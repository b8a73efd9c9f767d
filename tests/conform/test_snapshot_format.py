"""The snapshot file format of ``conform``: what is written is read back equal, and a damaged file is a
:class:`SnapshotError` that says where."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from apigw_emulator.conform import (
    FrontDoor,
    RecordedRequest,
    RecordedResponse,
    Snapshot,
    SnapshotEntry,
    SnapshotError,
    dump_snapshot,
    load_snapshot,
)


def _snapshot() -> Snapshot:
    image = bytes(range(256)) * 4
    entry = SnapshotEntry(
        id="RestBinary/post-bytes",
        front_door="RestBinary",
        request=RecordedRequest("POST", "/echo/a%20b?x=1&x=2", (("Content-Type", "image/png"),), image),
        response=RecordedResponse(200, (("Content-Type", "application/json"), ("X-A", "1")), b'{"ok":1}'),
        event={"body": "AAEC", "isBase64Encoded": True, "requestContext": {"requestId": "<request-id:1>"}},
        context={"aws_request_id": "<request-id:2>"},
    )
    doors = {"RestBinary": FrontDoor("rest", "https://<api-id:1>.example/Prod", "Prod", ("image/*",))}
    return Snapshot(doors, (entry,), recorded="2026-12-07T15:00:00Z", recorder="test")


def test_a_snapshot_written_is_read_back_equal_with_exact_body_bytes(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    snapshot = _snapshot()
    dump_snapshot(snapshot, path)
    assert load_snapshot(path) == snapshot
    assert json.loads(path.read_text())["format"] == "apigw-emulator-snapshot/1"


def test_unknown_top_level_keys_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    document = _snapshot().to_json() | {"notes": ["kept"]}
    path.write_text(json.dumps(document))
    assert load_snapshot(path).to_json()["notes"] == ["kept"]


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        (lambda d: d.update(format="other/1"), "format"),
        (lambda d: d["entries"][0]["request"].update(body="not base64!"), "entries[0].request.body"),
        (lambda d: d["entries"][0].update(frontDoor="Missing"), "entries[0].frontDoor"),
        (lambda d: d["entries"][0]["response"].update(status="200"), "entries[0].response.status"),
        (lambda d: d["entries"][0]["request"].update(target="echo"), "entries[0].request.target"),
        (lambda d: d["entries"][0]["request"].update(headers=[["a"]]), "entries[0].request.headers[0]"),
        (lambda d: d["frontDoors"]["RestBinary"].update(kind="soap"), "frontDoors.RestBinary.kind"),
        (lambda d: d["entries"].append(d["entries"][0]), "appears twice"),
    ],
)
def test_a_damaged_snapshot_is_refused_saying_where(tmp_path: Path, damage: object, where: str) -> None:
    document = _snapshot().to_json()
    damage(document)  # type: ignore[operator]
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SnapshotError, match=rf"snapshot\.json: .*{re.escape(where)}"):
        load_snapshot(path)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    path.write_bytes(b"\xff{")
    with pytest.raises(SnapshotError, match="not JSON"):
        load_snapshot(path)
