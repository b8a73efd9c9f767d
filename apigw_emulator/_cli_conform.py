"""``apigw-emulator conform``: write the echo stack out (``init``), record a deployed copy of it
(``record``), compare the emulator with a recording (``check``).

``conform check SNAPSHOT`` exits 0 when nothing differs beyond the known deviations, 1 when something does,
2 for a snapshot, a known-deviations file or a template that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["EXIT_DIFFERENT", "add_conform_commands"]

#: ``check``'s exit code when a field differs beyond the known deviations.
EXIT_DIFFERENT = 1

#: ``record``'s exit code when some requests got no response (the snapshot holds the others).
EXIT_FAILED_REQUESTS = 1
#: Exit code when the snapshot cannot be written (curl's, as for ``invoke -o``).
EXIT_WRITE_ERROR = 23


def add_conform_commands(commands: Any) -> argparse.ArgumentParser:
    """Add the ``conform`` group to the ``apigw-emulator`` subcommands; returns the group's parser, whose
    subparsers are ``parser.conform_commands``."""
    conform: argparse.ArgumentParser = commands.add_parser(
        "conform", help="measure the emulator against your own AWS account (echo stack, record, check)"
    )
    group = conform.add_subparsers(dest="conform_command", required=True, metavar="COMMAND")
    conform.set_defaults(conform_commands=group)

    init = group.add_parser("init", help="write the echo stack (SAM template and function) into DIR")
    init.add_argument("directory", metavar="DIR", help="folder to write into (created if missing)")
    init.add_argument("--force", action="store_true", help="overwrite the stack's files if they are there")
    init.set_defaults(run=_command_init)

    record = group.add_parser("record", help="send the corpus to the deployed echo stack, write a snapshot")
    record.add_argument(
        "outputs",
        metavar="OUTPUTS",
        nargs="?",
        help="the stack's outputs: `sam list stack-outputs --output json > outputs.json`",
    )
    record.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="a front door's URL instead of (or on top of) OUTPUTS, repeatable: RestBinary, RestText, "
        "HttpV2, HttpV1, FunctionUrl",
    )
    record.add_argument(
        "-o", "--output", metavar="FILE", default="snapshot.json", help="the snapshot (default snapshot.json)"
    )
    record.add_argument(
        "--generated", type=_count, default=50, metavar="N", help="hypothesis-generated requests (default 50)"
    )
    record.add_argument("--seed", type=int, default=2112, help="the seed of the generated requests")
    record.add_argument(
        "--large-body",
        type=_count,
        default=0,
        metavar="BYTES",
        help="also send a binary body of BYTES (4400000 is near Lambda's 6 MB limit once base64); "
        "off by default",
    )
    record.add_argument(
        "--rate",
        type=_positive_number,
        default=5.0,
        metavar="PER_SECOND",
        help="most requests a second (default 5)",
    )
    record.add_argument(
        "--timeout",
        type=_positive_number,
        default=30.0,
        metavar="SECONDS",
        help="each request's timeout (default 30)",
    )
    record.add_argument(
        "--max-requests",
        type=_count,
        default=None,
        metavar="N",
        help="refuse to send more requests than N in all (default 5000)",
    )
    record.set_defaults(run=_command_record)
    _add_check(group)
    return conform


def _add_check(group: Any) -> None:
    check = group.add_parser(
        "check",
        help="replay a snapshot through the emulator and diff it field by field (exit 0: no difference)",
    )
    check.add_argument("snapshot", metavar="SNAPSHOT", help="the snapshot file (JSON)")
    check.add_argument(
        "--known-deviations",
        metavar="FILE",
        help="differences to excuse: a JSON or YAML list of {entry, field, why} (globs: * and ?)",
    )
    check.add_argument("--json", metavar="REPORT", help="write the report as JSON to REPORT (- for stdout)")
    check.add_argument(
        "--template", metavar="FILE", help="the echo template the snapshot was recorded against"
    )
    check.add_argument(
        "--compare",
        action="append",
        choices=("event", "context", "response"),
        help="compare only these parts of each entry, repeatable (default: all three)",
    )
    check.add_argument("--all", action="store_true", help="list the differences known deviations excuse too")
    check.set_defaults(run=_command_check)


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{number} is below 0")
    return number


def _positive_number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"{value} is not above 0")
    return number


def _command_init(args: argparse.Namespace) -> int:
    from .cli import CliError  # noqa: PLC0415
    from .conform.stack import EchoStackExistsError, write_echo_stack  # noqa: PLC0415

    try:
        written = write_echo_stack(args.directory, force=args.force)
    except EchoStackExistsError:
        raise
    except OSError as exc:  # a path that is a file, a folder that cannot be written
        where = exc.filename if exc.filename is not None else args.directory
        raise CliError(
            f"can't write the echo stack into {args.directory!r}: {where}: {exc.strerror}", EXIT_WRITE_ERROR
        ) from None
    for path in written:
        print(f"apigw-emulator: wrote {path}", file=sys.stderr)
    print(
        f"apigw-emulator: next: cd {args.directory} && sam deploy --guided, then "
        "sam list stack-outputs --output json > outputs.json and apigw-emulator conform record outputs.json",
        file=sys.stderr,
    )
    return 0


def _urls(args: argparse.Namespace) -> dict[str, str]:
    from .cli import CliError  # noqa: PLC0415
    from .conform.record import read_outputs  # noqa: PLC0415

    urls = read_outputs(args.outputs) if args.outputs else {}
    for value in args.url:
        name, sep, url = value.partition("=")
        if not sep or not name or not url:
            raise CliError(f"--url {value!r}: expected NAME=URL (RestBinary=https://...)")
        urls[name] = url
    if not urls:
        raise CliError(
            "give the stack's outputs file (sam list stack-outputs --output json) or --url NAME=URL"
        )
    return urls


class _ProgressLine:
    """One line on stderr, rewritten in place on a terminal; every 25th request otherwise."""

    def __init__(self) -> None:
        self.terminal = sys.stderr.isatty()
        self.shown = False

    def __call__(self, number: int, total: int, entry: str) -> None:
        line = f"apigw-emulator: recording {number}/{total} {entry}"
        if self.terminal:
            print(f"\r{line[:110]:<110}", end="", file=sys.stderr, flush=True)
            self.shown = True
        elif number == 1 or number % 25 == 0 or number == total:
            print(line, file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _command_record(args: argparse.Namespace) -> int:
    from .cli import CliError  # noqa: PLC0415
    from .conform.corpus import curated, generated  # noqa: PLC0415
    from .conform.record import MAX_REQUESTS, check_bound, echo_front_doors, record  # noqa: PLC0415
    from .conform.snapshot import dump_snapshot  # noqa: PLC0415

    urls = _urls(args)
    bound = args.max_requests if args.max_requests is not None else MAX_REQUESTS
    chosen = curated(large_body=args.large_body)
    check_bound(len(echo_front_doors(urls)), len(chosen) + args.generated, bound)  # before drawing any
    corpus = chosen + generated(args.generated, seed=args.seed)
    progress = _ProgressLine()
    try:
        recording = record(
            urls,
            corpus,
            rate=args.rate,
            timeout=args.timeout,
            progress=progress,
            max_requests=bound,
        )
    finally:
        progress.end()
    try:
        dump_snapshot(recording.snapshot, args.output)
    except OSError as exc:
        raise CliError(
            f"can't write the snapshot to {args.output!r}: {exc.strerror}: check the path (-o FILE)",
            EXIT_WRITE_ERROR,
        ) from exc
    entries = len(recording.snapshot.entries)
    print(f"apigw-emulator: wrote {entries} entries to {args.output}", file=sys.stderr)
    for failure in recording.failures:
        print(f"apigw-emulator: no response: {failure}", file=sys.stderr)
    if recording.failures:
        print(f"apigw-emulator: {len(recording.failures)} requests got no response", file=sys.stderr)
        return EXIT_FAILED_REQUESTS
    return 0


def _command_check(args: argparse.Namespace) -> int:
    """``conform check``: the table of differences on stdout, the summary line last."""
    from .cli import EXIT_USAGE, CliError  # noqa: PLC0415
    from .conform import SnapshotError, check  # noqa: PLC0415
    from .conform.diff import KnownDeviationsError  # noqa: PLC0415

    for name in (args.snapshot, args.known_deviations, args.template):
        if name is not None and not Path(name).is_file():
            raise CliError(f"{name}: no such file", EXIT_USAGE)
    options: dict[str, Any] = {}
    if args.compare:
        options["parts"] = tuple(dict.fromkeys(args.compare))
    try:
        report = check(
            args.snapshot,
            known_deviations=args.known_deviations,
            template=args.template,
            **options,
        )
    except (SnapshotError, KnownDeviationsError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CliError(f"{exc.filename}: {exc.strerror}", EXIT_USAGE) from None
    document = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    if args.json == "-":
        sys.stdout.write(document)
    else:
        if args.json is not None:
            try:
                Path(args.json).write_text(document, encoding="utf-8")
            except OSError as exc:
                message = f"cannot write the report to {args.json}: {exc.strerror}"
                raise CliError(message, EXIT_USAGE) from None
        print(report.table(excused=args.all))
    print(report.summary(), file=sys.stderr if args.json == "-" else sys.stdout)
    return 0 if report.passed else EXIT_DIFFERENT
