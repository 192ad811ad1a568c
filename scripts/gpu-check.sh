#!/usr/bin/env bash
# The GPU check, run once on a GPU machine (see README, "GPU"): installs the carried wheels from
# .whl/ (made here by scripts/gpu-prepare.sh), then scripts/gpu_evidence.py writes
# gpu-evidence.json into $OUT (or ./gpu-evidence/). Commit that file as
# docs/evidence/gpu-<yyyy-mm-dd>.json. `scripts/gpu-check.sh --dry-run` runs the same steps on
# the CPU with tiny sizes, without installing anything.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-$PWD/gpu-evidence}"
mkdir -p "$out"
if [ "${1:-}" != "--dry-run" ] && compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 2
  export PYTHONPATH="/tmp/site:$PWD${PYTHONPATH:+:$PYTHONPATH}"
else
  export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
python3 scripts/gpu_evidence.py --out "$out" "$@" 2>&1 | tee "$out/gpu-check.log"
exit "${PIPESTATUS[0]}"
