"""DeepDream's octave sizes: dream the smallest copy first, then carry the dreamed detail upwards.

The carrying is videostyle.optim's coarse-to-fine driver with a ``DetailCarry``: at each octave the
image is the input resized to that octave plus the detail dreamed so far. Large patterns grow at the
small octaves, fine texture at the large ones.
"""

from __future__ import annotations

MIN_SIDE = 32
"""No octave goes below this short side: the network sees nothing in smaller images."""


def octave_sizes(height: int, width: int, octaves: int, scale: float) -> list[tuple[int, int]]:
    """Up to ``octaves`` sizes, smallest first, each ``scale`` times the one below; ends at (height, width)."""
    sizes = [(height, width)]
    while len(sizes) < octaves:
        h, w = sizes[0]
        smaller = (round(h / scale), round(w / scale))
        if min(smaller) < MIN_SIDE:
            break
        sizes.insert(0, smaller)
    return sizes
