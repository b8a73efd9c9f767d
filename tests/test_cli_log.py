"""``serve``'s log on standard error (:class:`HeldLog`): what is held, what waits, and in how many writes."""

from __future__ import annotations

from apigw_emulator._cli_functions import HeldLog

START = "START RequestId: 1b7c Version: $LATEST"
END = "END RequestId: 1b7c"
REPORT = "REPORT RequestId: 1b7c\tDuration: 1.20 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB"
REQUEST = "GET /echo 200 1.9 ms isBase64Encoded=false"


def released() -> tuple[HeldLog, list[str]]:
    writes: list[str] = []
    log = HeldLog(writes.append)
    log.release()
    return log, writes


def test_end_and_report_go_out_with_the_servers_request_line_in_one_write() -> None:
    log, writes = released()
    log(START)
    log("the handler's print")
    log(END)
    log(REPORT)
    assert writes == [START, "the handler's print"]
    log.server_line(REQUEST)
    assert writes == [START, "the handler's print", f"{END}\n{REPORT}\n{REQUEST}"]


def test_any_other_line_writes_what_waits_first_so_the_order_is_kept() -> None:
    log, writes = released()
    log(END)
    log(REPORT)
    log("START RequestId: 9d0e Version: $LATEST")  # the next invocation (an authorizer's, say)
    assert writes == [f"{END}\n{REPORT}\nSTART RequestId: 9d0e Version: $LATEST"]


def test_flush_writes_what_waits_and_nothing_when_nothing_does() -> None:
    log, writes = released()
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
    other(START)
    assert dropped == [START]
