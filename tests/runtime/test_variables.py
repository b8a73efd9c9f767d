"""Applying a function's environment variables around a call leaves the process's as they were, set one by
one or swapped in as a whole image, for Python, C code and subprocesses alike."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest

from apigw_emulator.runtime.environ_image import EnvironImage, swapping_supported
from apigw_emulator.runtime.variables import applied, encoded


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


needs_image = pytest.mark.skipif(
    not swapping_supported(), reason="the C library's environ is not reachable here"
)
TRACE = b"_X_AMZN_TRACE_ID"


def c_getenv(name: str) -> str | None:
    """What C code reads: the C library's getenv, not os.environ."""
    libc = ctypes.CDLL(None)
    libc.getenv.restype = ctypes.c_char_p
    value = libc.getenv(name.encode())
    return None if value is None else value.decode()


def child_sees(*names: str) -> list[str]:
    """What a subprocess started with the inherited environment sees."""
    script = "import os, sys; print('|'.join(os.environ.get(n, '-') for n in sys.argv[1:]))"
    out = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, check=True)
    return out.stdout.strip().split("|")


def image_of(variables: dict[str, str | None]) -> tuple[dict[bytes, bytes | None], EnvironImage]:
    coded = encoded(variables)
    return coded, EnvironImage(coded, TRACE)


@needs_image
def test_an_image_reaches_c_code_and_subprocesses_and_the_process_gets_its_own_back() -> None:
    os.environ["APIGW_TEST_A"] = "base"
    before = dict(os.environ)
    coded, image = image_of({"APIGW_TEST_A": "one", "APIGW_TEST_B": "two"})
    with applied({**coded, TRACE: b"Root=1-abc"}, image):
        assert os.environ["APIGW_TEST_B"] == "two"
        assert os.environb[b"APIGW_TEST_A"] == b"one"
        assert c_getenv("APIGW_TEST_A") == "one"
        assert c_getenv("_X_AMZN_TRACE_ID") == "Root=1-abc"
        assert child_sees("APIGW_TEST_A", "APIGW_TEST_B", "_X_AMZN_TRACE_ID", "PATH") == [
            "one",
            "two",
            "Root=1-abc",
            before["PATH"],
        ]
    assert dict(os.environ) == before
    assert c_getenv("APIGW_TEST_A") == "base"
    assert c_getenv("APIGW_TEST_B") is None
    assert child_sees("APIGW_TEST_A", "APIGW_TEST_B") == ["base", "-"]


@needs_image
def test_the_per_call_variable_changes_with_each_call_of_an_image() -> None:
    coded, image = image_of({"APIGW_TEST_A": "one"})
    for trace in (b"Root=1-first", b"Root=1-second", None):
        with applied({**coded, TRACE: trace}, image):
            expected = None if trace is None else trace.decode()
            assert os.environ.get("_X_AMZN_TRACE_ID") == expected
            assert c_getenv("_X_AMZN_TRACE_ID") == expected
            assert c_getenv("APIGW_TEST_A") == "one"  # the entries before the per-call one are all there
    assert c_getenv("_X_AMZN_TRACE_ID") is None


@needs_image
def test_a_change_to_the_process_environment_between_calls_reaches_the_next_call() -> None:
    coded, image = image_of({"APIGW_TEST_A": "one"})
    with applied(coded, image):
        assert c_getenv("APIGW_TEST_B") is None
    os.environ["APIGW_TEST_B"] = "added between calls"
    with applied(coded, image):
        assert os.environ["APIGW_TEST_B"] == c_getenv("APIGW_TEST_B") == "added between calls"
    os.environ["APIGW_TEST_B"] = "changed in place"
    with applied(coded, image):
        assert c_getenv("APIGW_TEST_B") == "changed in place"


@needs_image
def test_a_variable_a_function_adds_stays_in_its_environment_not_in_the_process() -> None:
    before = dict(os.environ)
    coded, image = image_of({"APIGW_TEST_A": "one"})
    with applied(coded, image):
        os.environ["APIGW_TEST_B"] = "the function's own"  # a new variable: the C library grows its array
        del os.environ["APIGW_TEST_A"]  # and a removal moves the entries after it
        assert c_getenv("APIGW_TEST_B") == "the function's own"
    assert dict(os.environ) == before
    assert c_getenv("APIGW_TEST_B") is None
    assert c_getenv("PATH") == before["PATH"]  # the process's own array, made again, is whole
    assert child_sees("PATH", "APIGW_TEST_B") == [before["PATH"], "-"]
    with applied({**coded, TRACE: b"Root=1-next"}, image):  # the next call of the same environment
        assert c_getenv("APIGW_TEST_B") == "the function's own"
        assert c_getenv("APIGW_TEST_A") is None
        assert c_getenv("_X_AMZN_TRACE_ID") == "Root=1-next"
    os.environ["APIGW_TEST_A"] = "set by the process after the swap"  # the process's environment works
    assert c_getenv("APIGW_TEST_A") == "set by the process after the swap"


@needs_image
def test_a_context_overlapping_an_image_keeps_its_variables_until_it_ends() -> None:
    os.environ["APIGW_TEST_A"] = "base"
    coded, image = image_of({"APIGW_TEST_A": "image", "APIGW_TEST_B": "image"})
    first, second = ExitStack(), ExitStack()
    first.enter_context(applied(coded, image))
    second.enter_context(applied({"APIGW_TEST_A": "two"}))  # another thread's function, say
    assert c_getenv("APIGW_TEST_A") == "two"
    first.close()  # the image's call ends first: the other one still sees its value
    assert c_getenv("APIGW_TEST_A") == os.environ["APIGW_TEST_A"] == "two"
    second.close()  # the last one: the process's own environment is back
    assert os.environ["APIGW_TEST_A"] == c_getenv("APIGW_TEST_A") == "base"
    assert "APIGW_TEST_B" not in os.environ
    assert c_getenv("APIGW_TEST_B") is None


@needs_image
def test_an_image_time_zone_reaches_localtime_and_is_undone() -> None:
    before = time.localtime(0).tm_hour
    coded, image = image_of({"TZ": "Asia/Tokyo"})
    for _ in range(2):
        with applied(coded, image):
            assert time.localtime(0).tm_hour == 9
        assert time.localtime(0).tm_hour == before


@needs_image
def test_a_change_by_any_mapping_method_of_os_environ_between_calls_reaches_the_next_call() -> None:
    coded, image = image_of({"APIGW_TEST_A": "one"})
    with applied(coded, image):
        pass
    os.environ.update({"APIGW_TEST_B": "by update"})
    with applied(coded, image):
        assert c_getenv("APIGW_TEST_B") == "by update"
    os.environ.pop("APIGW_TEST_B")
    with applied(coded, image):
        assert c_getenv("APIGW_TEST_B") is None
        assert "APIGW_TEST_B" not in os.environ
    os.environ.setdefault("APIGW_TEST_B", "by setdefault")
    with applied(coded, image):
        assert c_getenv("APIGW_TEST_B") == os.environ["APIGW_TEST_B"] == "by setdefault"
    os.environ |= {"APIGW_TEST_B": "by |="}
    with applied(coded, image):
        assert c_getenv("APIGW_TEST_B") == "by |="
    os.environb[b"APIGW_TEST_B"] = b"by environb"
    with applied(coded, image):
        assert c_getenv("APIGW_TEST_B") == "by environb"
        assert c_getenv("APIGW_TEST_A") == "one"


@needs_image
def test_a_per_call_value_longer_than_the_images_buffer_reaches_c_code_and_subprocesses() -> None:
    coded, image = image_of({"APIGW_TEST_A": "one"})
    long_trace = "Root=1-5f84c7a5-" + "a" * 24 + ";Custom=" + "x" * 2000
    for trace in ("Root=1-short", long_trace, "Root=1-short-again"):
        with applied({**coded, TRACE: trace.encode()}, image):
            assert c_getenv("_X_AMZN_TRACE_ID") == os.environ["_X_AMZN_TRACE_ID"] == trace
            assert child_sees("_X_AMZN_TRACE_ID") == [trace]
    assert c_getenv("_X_AMZN_TRACE_ID") is None


@needs_image
def test_a_function_that_sets_the_per_call_variable_in_c_gets_the_next_calls_value_next_time() -> None:
    libc = ctypes.CDLL(None)
    coded, image = image_of({"APIGW_TEST_A": "one"})
    with applied({**coded, TRACE: b"Root=1-first"}, image):
        assert libc.setenv(b"_X_AMZN_TRACE_ID", b"set in C", 1) == 0  # replaces the entry in place
        assert c_getenv("_X_AMZN_TRACE_ID") == "set in C"
    assert c_getenv("_X_AMZN_TRACE_ID") is None
    with applied({**coded, TRACE: b"Root=1-second"}, image):
        assert c_getenv("_X_AMZN_TRACE_ID") == os.environ["_X_AMZN_TRACE_ID"] == "Root=1-second"
        assert c_getenv("APIGW_TEST_A") == "one"
    assert c_getenv("_X_AMZN_TRACE_ID") is None


def test_the_store_of_os_environ_counts_every_change_and_copies_as_a_plain_dict() -> None:
    import copy  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    from apigw_emulator.runtime.environ_image import TrackedData  # noqa: PLC0415

    data = TrackedData({b"A": b"1"})
    counts = [data.changes]
    data[b"B"] = b"2"
    del data[b"B"]
    data.update({b"C": b"3"})
    data.setdefault(b"D", b"4")
    data.pop(b"D")
    data |= {b"E": b"5"}
    data.popitem()
    data.clear()
    counts.append(data.changes)
    assert counts == [0, 8]
    assert data == {}
    copied = pickle.loads(pickle.dumps(TrackedData({b"A": b"1"})))
    assert type(copied) is dict
    assert copied == {b"A": b"1"}
    assert type(copy.copy(dict(TrackedData({b"A": b"1"})))) is dict


@needs_image
def test_an_image_call_overlapping_another_context_sets_its_variables_and_trace_one_by_one() -> None:
    from apigw_emulator.runtime.variables import image_applied  # noqa: PLC0415

    os.environ["APIGW_TEST_A"] = "base"
    _coded, image = image_of({"APIGW_TEST_A": "image", "APIGW_TEST_B": "image"})
    first, second = ExitStack(), ExitStack()
    first.enter_context(applied({"APIGW_TEST_A": "other"}))  # another thread's function, say
    second.enter_context(image_applied(image, b"Root=1-overlap"))
    assert c_getenv("APIGW_TEST_B") == os.environ["APIGW_TEST_B"] == "image"
    assert c_getenv("_X_AMZN_TRACE_ID") == os.environ["_X_AMZN_TRACE_ID"] == "Root=1-overlap"
    first.close()
    assert c_getenv("APIGW_TEST_A") == "image"  # the newer context's value stays while it lasts
    second.close()
    assert os.environ["APIGW_TEST_A"] == c_getenv("APIGW_TEST_A") == "base"
    assert "APIGW_TEST_B" not in os.environ
    assert c_getenv("_X_AMZN_TRACE_ID") is None
    with image_applied(image, b"Root=1-alone"):  # alone again: the image is swapped in
        assert c_getenv("_X_AMZN_TRACE_ID") == "Root=1-alone"
        assert c_getenv("APIGW_TEST_A") == "image"
    assert os.environ["APIGW_TEST_A"] == "base"


@needs_image
def test_an_image_call_overlapped_by_a_context_that_ends_first_still_swaps_the_process_back() -> None:
    # Another thread's function starts and ends inside the call: its end rebuilds the list of active
    # contexts, and the call's own end must still find its entry there and give the process its own.
    from apigw_emulator.runtime.variables import call_in_image  # noqa: PLC0415

    os.environ["APIGW_TEST_A"] = "base"
    before = dict(os.environ)
    _coded, image = image_of({"APIGW_TEST_A": "image"})

    def overlapped() -> str | None:
        with applied({"APIGW_TEST_B": "other"}):
            assert c_getenv("APIGW_TEST_B") == "other"
        return c_getenv("_X_AMZN_TRACE_ID")

    assert call_in_image(image, b"Root=1-call", overlapped) == "Root=1-call"
    assert dict(os.environ) == before
    assert c_getenv("_X_AMZN_TRACE_ID") is None
    assert c_getenv("APIGW_TEST_A") == "base"
    assert call_in_image(image, b"Root=1-again", c_getenv, "_X_AMZN_TRACE_ID") == "Root=1-again"
    assert c_getenv("_X_AMZN_TRACE_ID") is None


@needs_image
def test_an_image_call_that_raises_gives_the_process_its_environment_back() -> None:
    from apigw_emulator.runtime.variables import call_in_image  # noqa: PLC0415

    before = dict(os.environ)
    _coded, image = image_of({"APIGW_TEST_A": "image"})

    def fails() -> None:
        raise KeyError("in the handler")

    with pytest.raises(KeyError):
        call_in_image(image, b"Root=1-raised", fails)
    assert dict(os.environ) == before
    assert c_getenv("_X_AMZN_TRACE_ID") is None
