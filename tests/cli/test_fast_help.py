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
