"""Applying a function's environment variables around a call leaves the process's as they were."""

from __future__ import annotations

import os
import time
from contextlib import ExitStack

import pytest

from apigw_emulator.runtime.variables import applied


@pytest.fixture(autouse=True)
def _clean() -> None:
    for key in ("APIGW_TEST_A", "APIGW_TEST_B"):
        os.environ.pop(key, None)


def test_overlapping_contexts_that_end_out_of_order_restore_the_baseline() -> None:
    os.environ["APIGW_TEST_A"] = "base"
    first, second = ExitStack(), ExitStack()
    first.enter_context(applied({"APIGW_TEST_A": "one", "APIGW_TEST_B": "one"}))
    second.enter_context(applied({"APIGW_TEST_A": "two"}))
    assert os.environ["APIGW_TEST_A"] == "two"
    first.close()  # the older one ends first: the newer one's value stays
    assert os.environ["APIGW_TEST_A"] == "two"
    assert "APIGW_TEST_B" not in os.environ
    second.close()
    assert os.environ["APIGW_TEST_A"] == "base"
    del os.environ["APIGW_TEST_A"]


def test_none_removes_a_variable_for_the_duration() -> None:
    os.environ["APIGW_TEST_A"] = "base"
    with applied({"APIGW_TEST_A": None}):
        assert "APIGW_TEST_A" not in os.environ
    assert os.environ["APIGW_TEST_A"] == "base"
    del os.environ["APIGW_TEST_A"]


def test_a_time_zone_change_reaches_localtime_and_is_undone() -> None:
    before = time.localtime(0).tm_hour
    with applied({"TZ": "Asia/Tokyo"}):
        assert time.localtime(0).tm_hour == 9
    assert time.localtime(0).tm_hour == before
