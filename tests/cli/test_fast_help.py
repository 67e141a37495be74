"""``--help`` loads no torch: the CLI reads option classes from light modules and imports engines when work starts
(torch and torchvision took 3-4 s of CPU before any help was shown)."""

import subprocess
import sys

import pytest

COMMANDS = [[], ["stylize"], ["dream"], ["train"], ["models"], ["metrics"], ["sheet"], ["batch", "run"],
            ["visualize", "maximize"], ["visualize", "texture"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "videostyle")
def test_help_imports_no_torch(command):
    script = (
        "import sys\n"
        "from videostyle.cli import main\n"
        f"code = main({[*command, '--help']!r})\n"
        "heavy = sorted(m for m in ('torch', 'torchvision', 'cv2') if m in sys.modules)\n"
        "print('HEAVY', heavy, code)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "HEAVY [] 0" in done.stdout, done.stdout[-300:]


@pytest.mark.parametrize("preset", [None, "4"])
def test_the_command_keeps_numpys_blas_on_one_thread_unless_told(preset):
    """OpenBLAS's pool spins at start-up on a core the render needs; only the command's process is set, and a
    user's own setting wins. A Python user who imports the library keeps numpy's threads."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"} | ({"OPENBLAS_NUM_THREADS": preset} if preset else {})
    script = (
        "import os, sys\n"
        "from videostyle.media import read_image\n"
        "print('LIBRARY', os.environ.get('OPENBLAS_NUM_THREADS'), 'numpy' in sys.modules)\n"
        "import videostyle.cli\n"
        "print('COMMAND', os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert f"LIBRARY {preset} True" in done.stdout and f"COMMAND {preset or 1}" in done.stdout, done.stdout


def test_the_console_script_exits_with_mains_code_without_the_last_collection():
    """``run`` (the console script) freezes the collector before exit: the final collection walked every object torch
    made (0.2-0.3 s of one core after the output was written). ``main`` itself leaves the collector alone."""
    script = (
        "import gc, sys\n"
        "from videostyle import cli\n"
        "cli.main(['--version'])\n"
        "print('AFTER MAIN', gc.get_freeze_count())\n"
        "cli.main = lambda: 3\n"
        "import atexit\n"
        "atexit.register(lambda: print('AT EXIT', gc.get_freeze_count() > 0))\n"
        "cli.run()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert "AFTER MAIN 0" in done.stdout and "AT EXIT True" in done.stdout, done.stdout


def test_python_m_videostyle_runs_the_console_script():
    done = subprocess.run([sys.executable, "-m", "videostyle", "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("videostyle"), done.stderr
