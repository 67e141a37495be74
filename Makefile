# Two commands for a new user: `make run` (main job on samples/) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench gpu-check samples clean

# Create the virtual environment (pip, never uv/poetry) and install the package with test extras.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip >/dev/null
	$(PY) -m pip install -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Stylize the sample clip on the CPU with the offline default backbone (~5 min on 2 cores; --warm-limit 20
# caps how long a warm frame may run to catch up with the first frame's style loss).
run: $(STAMP)
	$(PY) -m videostyle stylize samples/clip.mp4 -s samples/styles/stained_glass.png -o out/clip_stained_glass.mp4 \
		--size 320 --device cpu --overwrite

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# Every CUDA path once, one JSON line per figure in bench/results/ (a 450 s budget: --budget-s; one H100/H200).
# Without the backbone's pip package: make gpu-check GPU_CHECK='--device cuda --weights efficientnet_lite0.pth'
GPU_CHECK ?= --device cuda
gpu-check: $(STAMP)
	@$(PY) bench/gpu_check.py --carry
	$(PY) bench/gpu_check.py $(GPU_CHECK)

# Regenerate samples/ (deterministic).
samples: $(STAMP)
	$(PY) tools/samples.py samples

clean:
	rm -rf out .pytest_cache
