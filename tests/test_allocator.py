"""glibc keeps freed blocks for reuse once the command has raised its thresholds (see videostyle/allocator.py)."""

import subprocess
import sys

import pytest

TWICE = (
    "import ctypes\n"
    "libc = ctypes.CDLL(None)\n"
    "libc.malloc.restype = ctypes.c_void_p\n"
    "libc.free.argtypes = [ctypes.c_void_p]\n"
    "first = libc.malloc(12 << 20)\n"  # 12 MB: above glibc's own first threshold (128 KB), so mapped by default
    "libc.free(first)\n"  # and unmapped: the next one is mapped or taken from the heap, at another address
    "second = libc.malloc(12 << 20)\n"
    "libc.free(second)\n"
    "print('REUSED', first == second)\n"
)


def _reused(setup: str) -> bool:
    done = subprocess.run([sys.executable, "-c", setup + TWICE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("REUSED")[1].strip() == "True"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_freed_buffer_is_reused_instead_of_mapped_afresh():
    assert not _reused("")  # glibc's own thresholds: a 12 MB buffer is unmapped when freed (and faulted in again)
    assert _reused(
        "from videostyle.allocator import freed_memory_kept, keep_freed_memory\n"
        "assert not freed_memory_kept() and keep_freed_memory() and freed_memory_kept()\n"
    )
    assert _reused("import videostyle.cli\nfrom videostyle.allocator import freed_memory_kept\nassert freed_memory_kept()\n")
