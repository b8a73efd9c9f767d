"""Generated ids (spec 1.2, 3.1, 8.9, 8.10): their forms, their freshness across batches, threads and
forked processes, and replay from a seeded generator."""

from __future__ import annotations

import base64
import collections
import os
import random
import sys
import threading
import uuid
import warnings

import pytest

from apigw_emulator import Gateway, RequestStamp
from apigw_emulator.ids import b64url_text, edge_ids, lambda_request_id

from ._forms import CF_ID, SHORT_ID, TRACE, UUID

#: More than two batches of ids, so that refills are crossed.
MANY = 1500


def test_stamp_ids_have_aws_forms_across_batches() -> None:
    stamps = [RequestStamp.new() for _ in range(MANY)]
    for stamp in stamps:
        assert UUID.match(stamp.request_id), stamp
        assert uuid.UUID(stamp.request_id).variant == uuid.RFC_4122
        assert SHORT_ID.match(stamp.extended_request_id), stamp
        assert TRACE.match(stamp.trace_id), stamp
        assert stamp.trace_id[7:15] == f"{stamp.epoch_ms // 1000:08x}"
    assert len({s.request_id for s in stamps}) == MANY
    assert len({s.extended_request_id for s in stamps}) == MANY
    assert len({s.trace_id[16:] for s in stamps}) == MANY


def test_short_ids_and_cloudfront_ids_are_canonical_base64url() -> None:
    """The unused bits of the last character are zero: decoding and encoding again gives the same text."""
    for _ in range(MANY):
        short = RequestStamp.new().extended_request_id
        assert b64url_text(base64.urlsafe_b64decode(short)) == short
        assert len(base64.urlsafe_b64decode(short)) == 11
        via_digits, cf_id = edge_ids()
        assert CF_ID.match(cf_id)
        assert len(base64.urlsafe_b64decode(cf_id)) == 40
        assert b64url_text(base64.urlsafe_b64decode(cf_id)) == cf_id
        assert int(via_digits, 16) >= 0
        assert len(via_digits) == 32


def test_uuid_variant_digits_are_evenly_spread() -> None:
    counts = collections.Counter(RequestStamp.new().request_id[19] for _ in range(4000))
    assert set(counts) == set("89ab")
    assert min(counts.values()) > 800  # 1000 each expected


def test_http_api_stamps_use_the_short_id_as_request_id() -> None:
    stamp = RequestStamp.new(uuid_request_id=False)
    assert stamp.request_id == stamp.extended_request_id
    assert SHORT_ID.match(stamp.request_id)


def test_threads_never_share_an_id() -> None:
    results: list[list[str]] = [[] for _ in range(4)]

    def take(into: list[str]) -> None:
        into.extend(RequestStamp.new().request_id for _ in range(MANY))

    threads = [threading.Thread(target=take, args=(into,)) for into in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [one for into in results for one in into]
    assert len(set(every)) == len(every) == 4 * MANY


@pytest.mark.skipif(sys.platform == "win32", reason="needs os.fork")
def test_forked_children_do_not_reuse_the_parents_ids() -> None:
    RequestStamp.new()  # the parent has a batch in hand
    edge_ids()
    read, write = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns when other threads (a test server) exist
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: report its next ids and leave at once
        os.close(read)
        os.write(write, f"{RequestStamp.new().request_id} {edge_ids()[1]}".encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child_id, child_cf_id = pipe.read().split()
    os.waitpid(pid, 0)
    assert child_id != RequestStamp.new().request_id
    assert child_cf_id != edge_ids()[1]


def test_a_seeded_generator_gives_the_same_stamp_again() -> None:
    first = RequestStamp.new(now=1_700_000_000.25, rng=random.Random(7))
    again = RequestStamp.new(now=1_700_000_000.25, rng=random.Random(7))
    assert first == again
    assert first != RequestStamp.new(now=1_700_000_000.25, rng=random.Random(8))
    assert UUID.match(first.request_id)
    assert SHORT_ID.match(first.extended_request_id)
    assert first.trace_id.startswith(f"Root=1-{1_700_000_000:08x}-")
    assert first.epoch_ms == 1_700_000_000_250
    assert first.edge_ids is not None
    assert CF_ID.match(first.edge_ids[1])


def test_a_stamp_with_edge_ids_fixes_the_cloudfront_headers() -> None:
    gw = Gateway(None, api="rest", endpoint_type="EDGE")
    stamp = RequestStamp.new(rng=random.Random(1))
    assert stamp.edge_ids is not None
    headers = gw.build_event(gw.build_request("GET", "/x"), stamp)["headers"]
    assert headers["X-Amz-Cf-Id"] == stamp.edge_ids[1]
    assert headers["Via"] == f"1.1 {stamp.edge_ids[0]}.cloudfront.net (CloudFront)"
    fresh = gw.build_event(gw.build_request("GET", "/x"))["headers"]
    assert fresh["X-Amz-Cf-Id"] != stamp.edge_ids[1]


def test_a_stamp_asked_for_edge_ids_has_fresh_cloudfront_ids_and_others_none() -> None:
    plain = RequestStamp.new()
    assert plain.edge_ids is None
    edged = [RequestStamp.new(edge=True) for _ in range(MANY)]
    for stamp in edged:
        assert stamp.edge_ids is not None
        assert len(stamp.edge_ids[0]) == 32
        assert int(stamp.edge_ids[0], 16) >= 0
        assert CF_ID.match(stamp.edge_ids[1]), stamp
    assert len({s.edge_ids for s in edged}) == MANY


def test_lambda_request_ids_are_fresh_version_4_uuids_across_batches() -> None:
    ids = [lambda_request_id() for _ in range(MANY)]
    for value in ids:
        assert UUID.match(value), value
        assert uuid.UUID(value).version == 4
    assert len(set(ids)) == MANY


def test_the_lambda_request_id_of_a_rest_invocation_is_not_the_apis_request_id() -> None:
    gw = Gateway(lambda event, context: {"statusCode": 200}, api="rest")
    invocations = [gw.invoke(gw.build_request("GET", "/x")) for _ in range(3)]
    for invocation in invocations:
        assert invocation.context is not None
        assert invocation.event is not None
        assert UUID.match(invocation.context.aws_request_id)
        assert invocation.context.aws_request_id != invocation.event["requestContext"]["requestId"]
    assert len({i.context.aws_request_id for i in invocations if i.context is not None}) == 3
