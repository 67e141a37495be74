"""The bidirectional multi-pass algorithm of Ruder, Dosovitskiy & Brox (2016), with frames kept on disk.

A single forward pass only lets information flow from earlier frames to later ones, so the first
frames never profit from the rest and disoccluded regions start from scratch. Here the first pass is
the ordinary single-pass method; every later pass runs the other way round, and starts each frame
from a blend of its own previous-pass result and the neighbour just finished in this pass, warped
by optical flow where the flow is reliable:

    init = blend * c * warped_neighbour + (1 - blend * c) * own_previous_result

followed by a few iterations with the temporal loss towards that neighbour.

Every pass visits the whole video before the next one starts, so frames cannot stream from the
decoder to the encoder: the working-size content frames and the current results wait in a temporary
folder next to the output as uint8 .npy files (fast to read and write, no codec) instead of in RAM,
which a long video would fill. Only two frames and their neighbour are in memory at any time.
Flow is recomputed in each pass: it costs milliseconds, a stored flow field costs megabytes.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np
import torch

from ..errors import OptionError
from ..media import Frame, VideoWriter, frame_to_tensor, tensor_to_frame
from ..media.cleanup import owned_temp_dir
from ..progress import FrameProgress, relay
from ..resize import resize
from .priors import FramePrior
from .stylizer import Stylizer
from .temporal import WarpedPrior, iter_frame, temporal_loss, warp_into
from .temporal_options import TemporalOptions


class FrameStore:
    """Working-size frames by kind ("content", "result") and index, as uint8 .npy files in one folder."""

    def __init__(self, folder: Path, device: torch.device) -> None:
        self.folder = folder
        self.device = device

    def path(self, kind: str, index: int) -> Path:
        return self.folder / f"{kind}-{index:06d}.npy"

    def save(self, kind: str, index: int, image: torch.Tensor) -> None:
        np.save(self.path(kind, index), tensor_to_frame(image))

    def load(self, kind: str, index: int) -> torch.Tensor:
        return frame_to_tensor(np.load(self.path(kind, index)), self.device)


def iter_multipass(
    stylizer: Stylizer,
    prior: FramePrior,
    frames: Iterable[Frame],
    size: tuple[int, int],
    writer: VideoWriter,
    temporal: TemporalOptions,
    total: int | None,
) -> Generator[FrameProgress, None, None]:
    """Stylize ``frames`` in ``temporal.passes`` alternating passes, then write them all to ``writer``.

    Progress counts frame visits: ``done`` runs up to frames x passes.
    """
    if not isinstance(prior, WarpedPrior):
        raise OptionError("--passes needs the flow-warped temporal prior; drop --no-temporal or use --passes 1")
    passes = temporal.passes
    visits = total * passes if total is not None else None
    with owned_temp_dir(writer.path, "passes") as folder:  # named for this pid: a kill -9 leftover is removed by the next run
        store = FrameStore(folder, stylizer.device)
        stamps: list[tuple[int, Fraction]] = []
        for index, frame in enumerate(frames):
            content = resize(frame_to_tensor(frame.rgb, stylizer.device), size)
            result = yield from iter_frame(
                stylizer, prior, content, temporal, lambda step, done=index: FrameProgress(done, visits, step)
            )
            store.save("content", index, content)
            store.save("result", index, result)
            stamps.append((frame.pts, frame.time_base))
            yield FrameProgress(index + 1, visits)
        count = len(stamps)
        visits = count * passes
        cuts = set(prior.cuts)
        for p in range(1, passes):
            order = range(count - 1, -1, -1) if p % 2 else range(count)
            yield from iter_pass(stylizer, prior, store, order, cuts, temporal, p * count, visits)
        for index, (pts, time_base) in enumerate(stamps):
            writer.write(Frame(tensor_to_frame(store.load("result", index)), pts, time_base))


def iter_pass(
    stylizer: Stylizer,
    prior: WarpedPrior,
    store: FrameStore,
    order: Iterable[int],
    cuts: set[int],
    temporal: TemporalOptions,
    done: int,
    visits: int,
) -> Generator[FrameProgress, None, None]:
    """One refinement pass over the stored frames in ``order``; a scene cut breaks the chain of neighbours."""
    options = stylizer.options
    settings = {
        "iterations": temporal.pass_steps(options.iterations),
        "lr": options.learning_rate * temporal.reliable_rate,  # every pixel is already stylized: settle
    }
    neighbour: tuple[int, torch.Tensor, torch.Tensor] | None = None
    for index in order:
        content, own = store.load("content", index), store.load("result", index)
        init, extra = own, None
        if neighbour is not None and max(index, neighbour[0]) not in cuts:
            warped = warp_into(prior.flow, content, neighbour[1], neighbour[2])
            mix = temporal.blend * warped.reliable
            init = mix * warped.image + (1 - mix) * own
            if prior.temporal_weight > 0:
                extra = temporal_loss([warped], prior.temporal_weight, prior.gray)
        steps = stylizer.run(content, init, extra, **settings)
        result = yield from relay(steps, lambda step, done=done: FrameProgress(done, visits, step))
        store.save("result", index, result)
        neighbour = (index, content, result)
        done += 1
        yield FrameProgress(done, visits)
