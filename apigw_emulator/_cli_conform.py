"""``apigw-emulator conform``: measure the emulator against a snapshot recorded from a deployed echo stack.

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

#: ``conform check``'s exit status when a field differs beyond the known deviations.
EXIT_DIFFERENT = 1


def add_conform_commands(commands: Any) -> None:
    """The ``conform`` command and its subcommands, on the main parser's subcommands."""
    conform = commands.add_parser(
        "conform", help="compare the emulator with a snapshot recorded from your own AWS account"
    )
    actions = conform.add_subparsers(dest="conform_command", required=True, metavar="ACTION")
    check = actions.add_parser(
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
    check.set_defaults(run=command_check)


def command_check(args: argparse.Namespace) -> int:
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
                raise CliError(
                    f"cannot write the report to {args.json}: {exc.strerror}", EXIT_USAGE
                ) from None
        table = report.table(excused=args.all)
        print(table)
    print(report.summary(), file=sys.stderr if args.json == "-" else sys.stdout)
    return 0 if report.passed else EXIT_DIFFERENT
