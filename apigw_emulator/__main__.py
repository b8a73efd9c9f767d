"""``python -m apigw_emulator``: the ``apigw-emulator`` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
