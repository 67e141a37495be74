from fractions import Fraction

import numpy as np
import torch

from videostyle.media import Frame
from videostyle.progress import drain
from videostyle.stylize.multipass import Copy, FrameStore
from videostyle.video import FrameList, FrameStart, iter_video


def test_the_store_keeps_contents_results_with_stamps_and_the_cuts_the_prior_saw(tmp_path):
    store = FrameStore(tmp_path, torch.device("cpu"))
    for index in range(3):
        store.keep(torch.full((1, 3, 4, 6), index / 4), FrameStart(cut=index == 2))
        store.write(Frame(np.full((4, 6, 3), 10 * index, dtype=np.uint8), 100 + index, Fraction(1, 24)))
    assert store.cuts == {2}
    assert torch.allclose(store.load("content", 1), torch.full((1, 3, 4, 6), 0.25), atol=1 / 255)
    store.save("result", 1, torch.ones(1, 3, 4, 6))  # a later pass replaces a result
    out = FrameList()
    drain(iter_video(store.results(), Copy(), out))
    assert [f.pts for f in out.frames] == [100, 101, 102]
    assert [int(f.rgb.max()) for f in out.frames] == [0, 255, 20]
