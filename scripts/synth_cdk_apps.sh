#!/usr/bin/env bash
# Re-synthesize the CDK test applications (tests/application/apps/cdk_*) into their committed cdk.out/.
#
# Installs the CDK CLI (npm) and aws-cdk-lib/constructs (PyPI) into a temporary folder, outside the
# repository, unless CDK_TOOLS names a folder that already has them (node_modules/ and venv/).
# Not used by `make test`: the synthesized cdk.out/ folders are test data.
#
# After synthesis the "aws:cdk:creationStack" entries are removed from the *.metadata.json files: they hold
# stack traces with the temporary jsii kernel folder of this machine and nothing the templates need.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
apps=("$repo/tests/application/apps/cdk_rest" "$repo/tests/application/apps/cdk_http")

tools=${CDK_TOOLS:-}
cleanup=
if [ -z "$tools" ]; then
    tools=$(mktemp -d)
    cleanup=$tools
fi
trap '[ -n "$cleanup" ] && rm -rf "$cleanup"' EXIT

if [ ! -x "$tools/node_modules/.bin/cdk" ]; then
    (cd "$tools" && npm install --no-audit --no-fund --silent aws-cdk)
fi
if [ ! -x "$tools/venv/bin/python" ]; then
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet aws-cdk-lib constructs
fi

for app in "${apps[@]}"; do
    echo "synthesizing $app" >&2
    rm -rf "$app/cdk.out"
    (cd "$app" && PATH="$tools/venv/bin:$PATH" "$tools/node_modules/.bin/cdk" synth --quiet >/dev/null)
    "$tools/venv/bin/python" - "$app/cdk.out" <<'PY'
import json
import pathlib
import sys

for path in pathlib.Path(sys.argv[1]).glob("*.metadata.json"):
    metadata = json.loads(path.read_text())
    kept = {
        construct: [entry for entry in entries if entry.get("type") != "aws:cdk:creationStack"]
        for construct, entries in metadata.items()
    }
    path.write_text(json.dumps({k: v for k, v in kept.items() if v}, indent=2) + "\n")
PY
    find "$app" -name __pycache__ -type d -prune -exec rm -rf {} +
done

if grep -rlE '/(work|tmp|root|home)/' "${apps[@]/%//cdk.out}"; then
    echo "the synthesized output above holds absolute paths of this machine" >&2
    exit 1
fi
