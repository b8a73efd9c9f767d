"""``serve``'s log on standard error (:class:`HeldLog`): what is held, what waits, and in how many writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from apigw_emulator._cli_functions import WAIT_LIMIT, HeldLog

START = "START RequestId: 1b7c Version: $LATEST"
END = "END RequestId: 1b7c"
REPORT = "REPORT RequestId: 1b7c\tDuration: 1.20 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB"
REQUEST = "GET /echo 200 1.9 ms isBase64Encoded=false"


@pytest.fixture
def released() -> Iterator[tuple[HeldLog, list[str]]]:
    writes: list[str] = []
    log = HeldLog(writes.append)
    log.release()
    yield log, writes
    log.close()


def test_a_quiet_invocations_lines_go_out_with_the_servers_request_line_in_one_write(
    released: tuple[HeldLog, list[str]],
) -> None:
    log, writes = released
    log(START)
    log(END)
    log(REPORT)
    assert writes == []
    log.server_line(REQUEST)
    assert writes == [f"{START}\n{END}\n{REPORT}\n{REQUEST}"]


def test_the_functions_output_goes_out_at_once_with_the_start_line_before_it(
    released: tuple[HeldLog, list[str]],
) -> None:
    log, writes = released
    log(START)
    log("the handler's print")
    log(END)
    log(REPORT)
    assert writes == [f"{START}\nthe handler's print"]
    log.server_line(REQUEST)
    assert writes == [f"{START}\nthe handler's print", f"{END}\n{REPORT}\n{REQUEST}"]


def test_any_other_line_writes_what_waits_first_so_the_order_is_kept(
    released: tuple[HeldLog, list[str]],
) -> None:
    log, writes = released
    log(END)
    log(REPORT)
    log("START RequestId: 9d0e Version: $LATEST")  # the next invocation (an authorizer's, say)
    log("the authorizer's print")
    assert writes == [f"{END}\n{REPORT}\nSTART RequestId: 9d0e Version: $LATEST\nthe authorizer's print"]


def test_a_slow_quiet_functions_start_line_is_written_within_the_wait_limit(
    released: tuple[HeldLog, list[str]],
) -> None:
    log, writes = released
    log(START)
    started = time.monotonic()
    while not writes and time.monotonic() - started < 20 * WAIT_LIMIT:
        time.sleep(WAIT_LIMIT / 10)
    waited = time.monotonic() - started
    assert writes == [START]
    assert WAIT_LIMIT <= waited < 10 * WAIT_LIMIT
    log(END)
    log.server_line(REQUEST)  # what waits later goes out with the next line as before
    assert writes == [START, f"{END}\n{REQUEST}"]


def test_close_writes_what_waits_and_ends_the_logs_thread() -> None:
    writes: list[str] = []
    log = HeldLog(writes.append)
    log.release()
    before = set(threading.enumerate())
    log(START)
    (limiter,) = (
        thread for thread in set(threading.enumerate()) - before if thread.name == "apigw-emulator-log"
    )
    log.close()
    assert writes == [START]
    assert not limiter.is_alive()


def test_flush_writes_what_waits_and_nothing_when_nothing_does(
    released: tuple[HeldLog, list[str]],
) -> None:
    log, writes = released
    log.flush()
    assert writes == []
    log(END)
    log(REPORT)
    log.flush()
    assert writes == [f"{END}\n{REPORT}"]


def test_lines_before_release_are_held_then_written_in_order_or_dropped() -> None:
    writes: list[str] = []
    log = HeldLog(writes.append)
    log("init line")
    log(END)
    assert writes == []
    log.release()
    assert writes == ["init line", END]
    dropped: list[str] = []
    other = HeldLog(dropped.append)
    other("init failure report")
    other.drop()
    other("the handler's print")
    assert dropped == ["the handler's print"]
