#!/usr/bin/env bash
# Run HERE (a machine with pip access) before the GPU check: downloads the wheels the GPU machine
# lacks into .whl/ (git-ignored) and checks that the tree plus the wheels fit the 64 MiB a device
# call may carry. The GPU machine (Python 3.12, CUDA 13 torch and cupy, no network) has numpy,
# pandas, pyarrow, scipy, scikit-learn, matplotlib, statsmodels, seaborn, typer, rich, pyyaml,
# filelock, psutil and pytest(-benchmark) already; it lacks xgboost, pydantic and the statistics
# packages below.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
mkdir -p .whl
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  --platform any -d .whl \
  xgboost-cu13==3.3.0 pydantic==2.12.5 pydantic-core==2.41.5 annotated-types==0.8.0 \
  typing-inspection==0.4.5 baycomp platformdirs==4.14.9
wheels=$(du -cb .whl/*.whl | tail -n 1 | cut -f1)
tree=$( (git ls-files; git ls-files --others --exclude-standard) | sort -u \
        | while read -r f; do [ -f "$f" ] && echo "$f"; done | tr '\n' '\0' | du -cb --files0-from=- \
        | tail -n 1 | cut -f1)
total=$((wheels + tree))
limit=$((64 * 1024 * 1024))
echo "wheels $((wheels / 1024)) KiB + tree $((tree / 1024)) KiB = $((total / 1024)) KiB of $((limit / 1024)) KiB"
if [ "$total" -ge "$limit" ]; then
  echo "too large to carry: remove untracked files or large fixtures first" >&2
  exit 1
fi
