#!/usr/bin/env bash
# Build the compiled wheel (mypyc; see setup.py) and unpack it into DIR, so that
# `PYTHONPATH=DIR python ...` runs the compiled build beside an editable install: CI runs
# the test suite on it, and bench/speed.py --compiled DIR times it.
#   usage: scripts/build_compiled.sh DIR [PYTHON]   (DIR: e.g. .compiled; PYTHON defaults to .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/build_compiled.sh DIR [PYTHON]}
python=${2:-.venv/bin/python}
wheels=$(mktemp -d)
# setuptools' scratch folder: what an earlier build left there would go into the wheel.
rm -rf build
trap 'rm -rf "$wheels"' EXIT
PINYINIZE_MYPYC=1 "$python" -m pip wheel --quiet --no-deps --wheel-dir "$wheels" .
rm -rf "$target"
"$python" -m pip install --quiet --no-deps --target "$target" "$wheels"/pinyinize-*.whl
echo "compiled build in $target" >&2
