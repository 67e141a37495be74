"""glibc's allocator told to keep freed memory for reuse, so a render does not page-fault its buffers in again.

torch allocates each activation afresh; glibc returns the larger ones to the kernel when they are freed
(above its mmap threshold, or when the heap's top grows past its trim threshold), and the next frame's
buffers of the same size then take a page fault for every 4 KB touched. Rendering a 280-frame 384x216
clip with --stabilize took 250,000-1,100,000 minor faults (the most with the network on one thread: its
convolutions' scratch buffers); with both thresholds raised, 115,000, and a second of system time less
(issue 23). The cost: memory freed during a run stays with the process (its peak, not more) until it
exits. A process-wide setting, so the command makes it (``videostyle.cli``), not the library; a Python
user can call ``keep_freed_memory``, which also lets a video's network run on fewer threads (see
``feedforward.pipeline.network_threads``).
"""

from __future__ import annotations

import ctypes
import sys

MMAP_THRESHOLD = 16 << 20
"""Blocks smaller than this come from the heap and are reused: a 384x216 frame's largest activation is
5 MB. Larger ones are still mapped and unmapped on their own: kept in the heap, they fragmented it, and
one 4K photo through builtin:microast peaked at 2.65 GB with a 64 MB threshold, 2.26 GB with this one
and 2.19 GB with glibc's own."""
TRIM_THRESHOLD = 512 << 20
"""Free memory at the top of the heap kept up to this much, not handed back after every frame."""

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
_kept = False


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds (Linux with glibc; elsewhere nothing happens). True if set.

    Setting them also stops glibc from adjusting them itself, which is why both are set: the trim
    threshold alone left every block over 128 KB to mmap (6 million faults for the clip above).
    """
    global _kept
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    _kept = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _kept


def freed_memory_kept() -> bool:
    """Whether ``keep_freed_memory`` took effect in this process (what makes a network on one thread pay off)."""
    return _kept
