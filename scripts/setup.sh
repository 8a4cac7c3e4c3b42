#!/usr/bin/env bash
# Creates .venv and installs report-qa into it. `scripts/setup.sh test` adds the test extras
# and the Milvus store (pymilvus, Milvus Lite), so that its tests run.
# torch is installed first, pinned, so that pip takes the CPU build and never a CUDA one.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q torch==2.13.0
if [ "${1:-}" = "test" ]; then
  python -m pip install -q -e '.[test,milvus]'
else
  python -m pip install -q -e .
fi
