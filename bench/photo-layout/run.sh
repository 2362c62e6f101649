#!/usr/bin/env bash
# End-to-end runs of the photo suites on generated trees (not the real datasets): Office-31's layout with its 31
# classes (so the CDAN and fusion maps take their randomized path) and VisDA-2017's with per-class accuracy.
# ResNet-50 components and a ResNet-18 student from random init, budgets cut to minutes (the presets beside this).
#   bench/photo-layout/run.sh [WORK]      # from the repository root; reports go to docs/results/*-layout/
set -euo pipefail
work="${1:-runs/photo-layout}"
here="$(dirname "$0")"
python="${PYTHON:-/usr/bin/python3}"
[ -d "$work/office31" ] || "$python" bench/make_photo_tree.py "$work/office31" --images 124 --classes 31 --domains amazon,webcam
[ -d "$work/visda" ] || "$python" bench/make_photo_tree.py "$work/visda" --layout visda --images 120
./imed evaluate --preset "$here/office31-small.yaml" --root "$work/office31" --work "$work/work-office31" \
  --out docs/results/office31-layout
./imed evaluate --preset "$here/visda-small.yaml" --root "$work/visda" --work "$work/work-visda" \
  --out docs/results/visda-layout
