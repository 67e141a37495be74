#!/bin/bash
# Six tiny renders (optimization still and video, --model --stabilize, builtin:arbitrary --alpha, dream still and
# zoom) and their SHA-256: run it before and after a refactor that must keep outputs bit-identical.
# usage: tools/render_hashes.sh OUTDIR   (from a checkout root; PYTHON defaults to .venv/bin/python)
set -e
O=$1; mkdir -p $O; V=${PYTHON:-.venv/bin/python}
export PYTHONPATH=$PWD
$V -m videostyle stylize samples/photo.jpg -s samples/styles/shipwreck.jpg -o $O/still.png --size 64 --steps 4 --seed 1 -q --device cpu
$V -m videostyle stylize samples/clip.mp4 -s samples/styles/shipwreck.jpg -o $O/video.mp4 --size 64 --steps 3 --duration 0.15 --seed 1 -q --device cpu --temporal-pool 2 --no-scene-cuts
$V -m videostyle stylize samples/clip.mp4 -o $O/model.mp4 --model builtin:3 --size 64 --duration 0.2 -q --device cpu --stabilize
$V -m videostyle stylize samples/photo.jpg -s samples/styles/the_scream.jpg -o $O/arb.png --model builtin:arbitrary --size 64 --alpha 0.7 -q --device cpu
$V -m videostyle dream samples/photo.jpg -o $O/dream.png --size 64 --octaves 2 --steps 2 --seed 3 -q --device cpu
$V -m videostyle dream samples/photo.jpg -o $O/zoom.mp4 --size 64 --octaves 1 --steps 1 --frames 3 --zoom 1.1 --seed 3 -q --device cpu
cd $O && sha256sum *.png *.mp4
