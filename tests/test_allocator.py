"""glibc keeps freed blocks for reuse once the command has raised its thresholds (see videostyle/allocator.py)."""

import subprocess
import sys

import pytest

LOOP = (
    "import resource, numpy as np\n"
    "np.ones(10 << 20, np.uint8)\n"  # numpy's own start-up allocations out of the way
    "before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
    "for _ in range(10):\n"
    "    np.ones(40 << 20, np.uint8)\n"  # 40 MB: above glibc's largest self-adjusted mmap threshold (32 MB)
    "print('FAULTS', resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)\n"
)


def _faults(setup: str) -> int:
    done = subprocess.run([sys.executable, "-c", setup + LOOP], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split("FAULTS")[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_buffers_are_reused_instead_of_faulted_in_again():
    plain = _faults("")
    kept = _faults("from videostyle.allocator import keep_freed_memory\nassert keep_freed_memory()\n")
    command = _faults("import videostyle.cli\n")  # the command sets it as it loads
    # each of the 10 buffers mapped afresh and faulted in again (huge pages, where the kernel gives them, make
    # fewer and larger faults); kept, the first one faults in and the others reuse it
    assert kept * 4 < plain and command * 4 < plain, (plain, kept, command)
